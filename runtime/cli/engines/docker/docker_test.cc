// End to end: Debian's dockerd 20.10.24 (with its own managed containerd
// and containerd's runc shim) drives the built runbox binary, registered
// with `--add-runtime runbox=<wrapper>` where the wrapper records each
// command line (engine_harness.h). The suite starts one private daemon:
// data root, exec root, socket, pid file, config file, trust key and
// cgroup parent all its own, no bridge and no iptables. Containers run
// with `--runtime runbox --network none` from a busybox image imported
// from a tar. At the end the suite removes what is left, stops the daemon,
// writes the recorded calls to the test's undeclared outputs (argv.txt),
// and checks that no process, mount, runbox state or cgroup is left.
//
// What dockerd passes (CLIENTS.md): every call starts with `--root
// <exec-root>/runtime-runc/moby --log <task dir>/log.json --log-format
// json`; `create --bundle B --pid-file P [--console-socket S] ID`, `start
// ID`, `exec --process F --detach --pid-file P ID`, `kill ID <number>`,
// `ps --format json ID`, `pause ID`, `resume ID`, `delete ID` and, from the
// shim's cleanup once its container is gone, `delete --force ID`.
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/cli/engines/engine_harness.h"
#include "runtime/common/io.h"
#include "runtime/testing/cli_runner.h"

namespace runbox::engines {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kDockerd[] = "/usr/sbin/dockerd";
// Debian's client, of the daemon's version (another docker may come first
// on $PATH).
constexpr char kDocker[] = "/usr/bin/docker";
constexpr char kContainerd[] = "/usr/bin/containerd";
constexpr char kShim[] = "/usr/bin/containerd-shim-runc-v2";
constexpr char kImage[] = "busybox:e2e";
constexpr char kRunDocker[] = "/run/docker";
// Safety nets for a broken runtime or daemon, never waits for time to pass.
constexpr absl::Duration kDaemonStart = absl::Seconds(90);
constexpr absl::Duration kDaemonStop = absl::Seconds(90);
constexpr absl::Duration kLeftoversGone = absl::Seconds(30);

// Waits until SIGTERM, and then exits 0 at once: `sleep` as pid 1 would
// ignore SIGTERM (pid 1 has no default actions) and `docker stop` would
// wait for its timeout, then SIGKILL. /tmp/ready says the trap is set.
constexpr char kIdleUntilTerm[] =
    "trap 'exit 0' TERM; echo > /tmp/ready; sleep 100000 & wait";
// Run by `docker exec` before anything that needs the trap in place.
constexpr char kAwaitReady[] = "until [ -e /tmp/ready ]; do sleep 0.05; done";

// The value after `flag` in `args` ("" when absent).
std::string FlagValue(const std::vector<std::string>& args,
                      absl::string_view flag) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return "";
}

// The recorded calls about container `id` (one of the words after the
// subcommand: last but for `kill ID SIGNAL`), as "subcommand args..."
// without the global flags.
std::vector<std::vector<std::string>> CallsFor(
    const std::vector<std::vector<std::string>>& calls, const std::string& id) {
  std::vector<std::vector<std::string>> out;
  for (const std::vector<std::string>& call : calls) {
    std::vector<std::string> args = SubcommandArgs(call);
    if (std::find(args.begin(), args.end(), id) == args.end()) continue;
    std::vector<std::string> words = {Subcommand(call)};
    for (std::string& a : args) words.push_back(std::move(a));
    out.push_back(std::move(words));
  }
  return out;
}

// The subcommands of `calls`, in order ("delete --force" for a forced one).
std::vector<std::string> Subcommands(
    const std::vector<std::vector<std::string>>& calls) {
  std::vector<std::string> out;
  for (const std::vector<std::string>& call : calls) {
    if (call.empty()) continue;
    bool forced = call[0] == "delete" &&
                  std::find(call.begin(), call.end(), "--force") != call.end();
    out.push_back(forced ? "delete --force" : call[0]);
  }
  return out;
}

// The first call of `calls` whose subcommand is `name`, or nullopt.
std::optional<std::vector<std::string>> FirstCall(
    const std::vector<std::vector<std::string>>& calls,
    absl::string_view name) {
  for (const std::vector<std::string>& call : calls) {
    if (!call.empty() && call[0] == name) return call;
  }
  return std::nullopt;
}

// A fresh directory under /tmp with a short name: the daemon's sockets
// (docker.sock, and containerd.sock under the exec root) must fit in
// sun_path's 108 bytes, which a directory under $TEST_TMPDIR does not.
std::string MakeShortTempDir(absl::string_view prefix) {
  LinuxHost host;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string path = absl::StrCat("/tmp/", prefix, "-",
                                    absl::Hex(host.RandomUint64() & 0xffffff));
    absl::Status made = host.MkdirAt(Fd::Cwd(), path, 0700);
    if (made.ok()) return path;
    if (!IsErrno(made, EEXIST)) {
      ADD_FAILURE() << "mkdir " << path << ": " << made;
      return "";
    }
  }
  ADD_FAILURE() << "no free temp dir name under /tmp";
  return "";
}

// "pid: command line" of every process whose command line names `dir`.
std::vector<std::string> ProcessesNaming(const std::string& dir) {
  LinuxHost host;
  std::vector<std::string> found;
  for (const std::string& name : Entries(host, "/proc")) {
    if (name.empty() ||
        name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    absl::StatusOr<std::string> cmdline =
        ReadFile(host, absl::StrCat("/proc/", name, "/cmdline"));
    if (!cmdline.ok()) continue;  // Gone meanwhile.
    std::string text =
        absl::StrReplaceAll(*cmdline, {{std::string(1, '\0'), " "}});
    if (absl::StrContains(text, dir)) {
      found.push_back(absl::StrCat(name, ": ", text));
    }
  }
  return found;
}

// Calls `lister` until it returns an empty list or `limit` has passed;
// returns the last list.
template <typename Lister>
std::vector<std::string> AwaitEmpty(Lister lister, absl::Duration limit) {
  LinuxHost host;
  const absl::Duration deadline = host.MonotonicNow() + limit;
  std::vector<std::string> left = lister();
  while (!left.empty() && host.MonotonicNow() < deadline) {
    // Nothing to block on for "a process has exited somewhere": give the
    // CPU away briefly (a bounded wait for a condition, not a fixed sleep).
    (void)host.Poll(absl::Span<PollFd>(), absl::Milliseconds(50));
    left = lister();
  }
  return left;
}

// The one dockerd of the suite, and what it needs.
struct Daemon {
  LinuxHost host;       // Owns pidfd; outlives the suite's tests.
  std::string dir;      // Everything of the daemon's is under here.
  std::string socket;   // unix:// address for the client.
  std::string wrapper;  // The recording runbox wrapper (in `dir`).
  std::string cgroup_parent;
  std::string runbox_root;  // Where the shim tells runbox to keep state.
  // dockerd makes /run/docker/plugins whatever its exec root; we remove it
  // again when it was not there before.
  bool made_run_docker = false;
  Pid pid;
  Fd pidfd;
};

class DockerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = MissingPrerequisite({kDockerd, kDocker, kContainerd, kShim,
                                 "/bin/busybox", "/usr/bin/tar", "/bin/sed",
                                 "/usr/bin/tr", "/bin/rm"});
    if (!skip_.empty()) return;
    absl::Status started = StartDaemon();
    if (!started.ok()) setup_error_ = std::string(started.message());
  }

  static void TearDownTestSuite() {
    if (daemon_ == nullptr) return;
    StopDaemonAndCheckLeftovers();
    delete daemon_;
    daemon_ = nullptr;
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  // `docker -H <private socket> args...`.
  static CommandResult Docker(const std::vector<std::string>& args,
                              absl::Duration timeout = absl::Seconds(120)) {
    std::vector<std::string> argv = {kDocker, "-H", daemon_->socket};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    // The client's config (and anything it writes) stays in our directory.
    options.extra_env = {
        absl::StrCat("DOCKER_CONFIG=", daemon_->dir, "/client")};
    options.timeout = timeout;
    absl::StatusOr<CommandResult> result = engines::Run(argv, options);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) {
      CommandResult failed;
      failed.err = std::string(result.status().message());
      return failed;
    }
    return *result;
  }

  // `docker run args...` with runbox and no network; `run_args` go before
  // the image, `command` after it.
  static CommandResult DockerRun(const std::vector<std::string>& run_args,
                                 const std::vector<std::string>& command) {
    std::vector<std::string> args = {"run", "--runtime", "runbox", "--network",
                                     "none"};
    args.insert(args.end(), run_args.begin(), run_args.end());
    args.push_back(kImage);
    args.insert(args.end(), command.begin(), command.end());
    return Docker(args);
  }

  // Starts a detached container running `command`; returns its id.
  static std::string RunDetached(const std::vector<std::string>& command) {
    CommandResult run = DockerRun({"-d"}, command);
    EXPECT_EQ(run.exit_code, 0) << run.Describe();
    return std::string(absl::StripAsciiWhitespace(run.out));
  }

  static std::vector<std::vector<std::string>> Calls() {
    return RecordedCalls(daemon_->dir);
  }

  static inline std::string skip_;
  static inline std::string setup_error_;
  static inline Daemon* daemon_ = nullptr;

 private:
  static absl::Status StartDaemon() {
    daemon_ = new Daemon;
    Daemon& d = *daemon_;
    LinuxHost& host = d.host;
    d.dir = MakeShortTempDir("rbdk");
    if (d.dir.empty()) return absl::InternalError("no temp dir");
    d.socket = absl::StrCat("unix://", d.dir, "/docker.sock");
    d.wrapper = WriteRunboxWrapper(d.dir);
    d.cgroup_parent = absl::StrCat("/", absl::StripPrefix(d.dir, "/tmp/"));
    d.runbox_root = absl::StrCat(d.dir, "/exec/runtime-runc/moby");
    // Our own config file: nothing from /etc/docker/daemon.json, and the
    // trust key (a config-file-only setting) in our directory rather than
    // /etc/docker/key.json.
    const std::string config = absl::StrCat(d.dir, "/daemon.json");
    RETURN_IF_ERROR(WriteFile(
        host, config,
        absl::StrCat("{\"deprecated-key-path\": \"", d.dir, "/key.json\"}\n")));

    d.made_run_docker = IsErrno(
        host.StatAt(Fd::Cwd(), kRunDocker, FollowSymlinks::kNoFollow).status(),
        ENOENT);
    std::vector<std::string> argv = {
        kDockerd, "--config-file", config, "--data-root",
        absl::StrCat(d.dir, "/data"), "--exec-root",
        absl::StrCat(d.dir, "/exec"), "--pidfile",
        absl::StrCat(d.dir, "/docker.pid"), "-H", d.socket, "--bridge=none",
        "--iptables=false", "--ip6tables=false", "--ip-masq=false",
        // Leaves the host's net.ipv4.ip_forward
        // alone (new namespaces inherit it).
        "--ip-forward=false", "--storage-driver=overlay2", "--cgroup-parent",
        d.cgroup_parent, "--add-runtime", absl::StrCat("runbox=", d.wrapper)};
    SpawnRequest request;
    request.path = kDockerd;
    request.argv = argv;
    // dockerd finds containerd, the shim and runc on $PATH: Debian's.
    for (std::string& entry : host.Environment()) {
      if (!absl::StartsWith(entry, "PATH=")) request.env.push_back(entry);
    }
    request.env.push_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
    in.write.Reset();  // stdin: EOF.
    ASSIGN_OR_RETURN(
        Fd log, host.OpenAt(Fd::Cwd(), absl::StrCat(d.dir, "/dockerd.log"),
                            {.flags = OpenFlags::kWriteOnly |
                                      OpenFlags::kCreate | OpenFlags::kAppend,
                             .mode = 0600}));
    request.fds = {{&in.read, 0}, {&log, 1}, {&log, 2}};
    request.new_session = true;
    // Should the test die, the daemon shuts down (and takes its containers
    // and containerd along) instead of running on.
    request.parent_death_signal = Signal::kTerm;
    request.want_pidfd = true;
    ASSIGN_OR_RETURN(SpawnResult spawned, host.Spawn(request));
    d.pid = spawned.pid;
    d.pidfd = std::move(spawned.pidfd);

    // Ready once the API answers. Between tries, wait on the daemon's exit
    // (an early death ends the wait at once).
    const absl::Duration deadline = host.MonotonicNow() + kDaemonStart;
    while (true) {
      CommandResult info =
          Docker({"info", "--format", "{{.ServerVersion}}"}, absl::Seconds(30));
      if (info.exit_code == 0) break;
      PollFd exited{&d.pidfd, PollEvents::kIn};
      ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&exited, 1),
                                            absl::Milliseconds(100)));
      if (ready > 0) {
        return absl::InternalError(absl::StrCat(
            "dockerd exited while starting; its log:\n", DaemonLog()));
      }
      if (host.MonotonicNow() > deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("dockerd did not answer within ",
                         absl::FormatDuration(kDaemonStart), ": ",
                         info.Describe(), "\nits log:\n", DaemonLog()));
      }
    }

    const std::string rootfs = absl::StrCat(d.dir, "/rootfs");
    const std::string tar = absl::StrCat(d.dir, "/rootfs.tar");
    RETURN_IF_ERROR(MakeBusyboxRootfs(rootfs));
    RETURN_IF_ERROR(TarDirectory(rootfs, tar));
    CommandResult imported = Docker({"import", tar, kImage});
    if (imported.exit_code != 0) {
      return absl::InternalError(
          absl::StrCat("docker import: ", imported.Describe()));
    }
    return absl::OkStatus();
  }

  static std::string DaemonLog() {
    LinuxHost host;
    absl::StatusOr<std::string> text =
        ReadFile(host, absl::StrCat(daemon_->dir, "/dockerd.log"));
    if (!text.ok()) return std::string(text.status().message());
    // The tail is what explains a failure.
    constexpr size_t kTail = 8192;
    return text->size() > kTail ? text->substr(text->size() - kTail) : *text;
  }

  // The containers runbox created that have no `delete --force` yet (the
  // shim's cleanup, which must succeed for a container already gone).
  static std::vector<std::string> UncleanedContainers() {
    std::vector<std::vector<std::string>> calls = Calls();
    std::vector<std::string> left;
    for (const std::vector<std::string>& call : calls) {
      if (Subcommand(call) != "create") continue;
      const std::string id = call.back();
      std::vector<std::string> subcommands = Subcommands(CallsFor(calls, id));
      if (std::find(subcommands.begin(), subcommands.end(), "delete --force") ==
          subcommands.end()) {
        left.push_back(id);
      }
    }
    return left;
  }

  static void StopDaemonAndCheckLeftovers() {
    Daemon& d = *daemon_;
    LinuxHost& host = d.host;
    if (d.pid.value != 0) {
      // Whatever a failed test left running.
      CommandResult ps = Docker({"ps", "--all", "--quiet", "--no-trunc"});
      EXPECT_EQ(ps.exit_code, 0) << ps.Describe();
      for (absl::string_view id :
           absl::StrSplit(ps.out, '\n', absl::SkipWhitespace())) {
        ADD_FAILURE() << "container " << id << " left by a test";
        CommandResult rm = Docker({"rm", "--force", std::string(id)});
        EXPECT_EQ(rm.exit_code, 0) << rm.Describe();
      }
      // The shim's cleanup (`delete --force`) runs once its shim has gone,
      // in the background: let it finish before containerd goes down.
      EXPECT_THAT(AwaitEmpty(UncleanedContainers, kLeftoversGone), IsEmpty())
          << "containers whose shim never ran `delete --force`";
      // The containers are gone: runbox has no state left in its root
      // (dockerd's shim shares it with runc: only runbox's lock file).
      for (const std::string& entry : Entries(host, d.runbox_root)) {
        EXPECT_THAT(entry, StartsWith("."))
            << "runbox state left in " << d.runbox_root;
      }

      EXPECT_TRUE(host.PidfdSendSignal(d.pidfd, Signal::kTerm).ok());
      PollFd exited{&d.pidfd, PollEvents::kIn};
      absl::StatusOr<int> ready =
          host.Poll(absl::MakeSpan(&exited, 1), kDaemonStop);
      if (!ready.ok() || *ready == 0) {
        ADD_FAILURE() << "dockerd did not stop on SIGTERM within "
                      << kDaemonStop << "; its log:\n"
                      << DaemonLog();
        (void)host.PidfdSendSignal(d.pidfd, Signal::kKill);
      }
      absl::StatusOr<std::optional<WaitResult>> waited =
          host.Wait(d.pid, WaitFlags::kNone);
      EXPECT_TRUE(waited.ok()) << waited.status();
      if (waited.ok() && waited->has_value()) {
        EXPECT_EQ((*waited)->status, ExitStatus::Exited(0))
            << "dockerd's log:\n"
            << DaemonLog();
      }
    }

    // The whole session's calls, for the record (and the docs).
    std::vector<std::vector<std::string>> calls = Calls();
    const std::string calls_text = FormatCalls(calls);
    std::cout << "runbox calls made by dockerd:\n" << calls_text;
    if (std::string outputs = EnvValue("TEST_UNDECLARED_OUTPUTS_DIR");
        !outputs.empty()) {
      EXPECT_TRUE(
          WriteFile(host, absl::StrCat(outputs, "/argv.txt"), calls_text).ok());
    }
    // Every call has the shim's global flags, with runbox's root in the
    // exec root.
    for (const std::vector<std::string>& call : calls) {
      std::vector<std::string> globals = GlobalArgs(call);
      EXPECT_EQ(FlagValue(globals, "--root"), d.runbox_root)
          << absl::StrJoin(call, " ");
      EXPECT_THAT(FlagValue(globals, "--log"), HasSubstr("/log.json"))
          << absl::StrJoin(call, " ");
      EXPECT_EQ(FlagValue(globals, "--log-format"), "json")
          << absl::StrJoin(call, " ");
    }
    // Every container runbox created was deleted (the shim's cleanup,
    // `delete --force`, is checked above).
    for (const std::vector<std::string>& call : calls) {
      if (Subcommand(call) != "create") continue;
      const std::string id = call.back();
      EXPECT_THAT(Subcommands(CallsFor(calls, id)), Contains("delete")) << id;
    }

    // Nothing of the daemon's runs on (containerd, shims, supervisors) and
    // nothing stays mounted.
    EXPECT_THAT(
        AwaitEmpty([&] { return ProcessesNaming(d.dir); }, kLeftoversGone),
        IsEmpty())
        << "processes left behind";
    std::vector<std::string> mounts = MountsUnder({d.dir});
    EXPECT_THAT(mounts, IsEmpty()) << "mounts left behind";
    // The cgroup parent: one directory per v1 hierarchy (and the v2 one
    // when it is mounted on /sys/fs/cgroup itself), empty by now.
    std::vector<std::string> cgroups = {
        absl::StrCat("/sys/fs/cgroup", d.cgroup_parent)};
    for (const std::string& hierarchy : Entries(host, "/sys/fs/cgroup")) {
      cgroups.push_back(
          absl::StrCat("/sys/fs/cgroup/", hierarchy, d.cgroup_parent));
    }
    for (const std::string& cgroup : cgroups) {
      absl::Status removed =
          host.UnlinkAt(Fd::Cwd(), cgroup, UnlinkFlags::kRemoveDir);
      if (!removed.ok() && !IsErrno(removed, ENOENT) &&
          !IsErrno(removed, ENOTDIR)) {
        ADD_FAILURE() << "cgroup " << cgroup << " not removable: " << removed;
      }
    }
    if (d.made_run_docker) {
      for (const std::string& path :
           {absl::StrCat(kRunDocker, "/plugins"), std::string(kRunDocker)}) {
        absl::Status removed =
            host.UnlinkAt(Fd::Cwd(), path, UnlinkFlags::kRemoveDir);
        // Not empty: another daemon uses it now.
        EXPECT_TRUE(removed.ok() || IsErrno(removed, ENOENT) ||
                    IsErrno(removed, ENOTEMPTY))
            << path << ": " << removed;
      }
    }
    if (mounts.empty()) {
      absl::StatusOr<CommandResult> rm =
          engines::Run({"/bin/rm", "-rf", d.dir});
      EXPECT_TRUE(rm.ok() && rm->exit_code == 0)
          << (rm.ok() ? rm->Describe() : std::string(rm.status().message()));
    }
  }
};

// The first scenario: a one-shot container's output comes back.
TEST_F(DockerTest, RunPrintsTheContainersOutput) {
  const std::string cidfile = absl::StrCat(daemon_->dir, "/hello.cid");
  CommandResult run =
      DockerRun({"--rm", "--cidfile", cidfile}, {"echo", "hello"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_EQ(run.out, "hello\n") << run.Describe();

  LinuxHost host;
  absl::StatusOr<std::string> id = ReadFile(host, cidfile);
  ASSERT_TRUE(id.ok()) << id.status();
  std::vector<std::vector<std::string>> calls = CallsFor(Calls(), *id);
  std::optional<std::vector<std::string>> create = FirstCall(calls, "create");
  ASSERT_TRUE(create.has_value()) << FormatCalls(Calls());
  EXPECT_THAT(FlagValue(*create, "--bundle"), HasSubstr(*id));
  EXPECT_THAT(FlagValue(*create, "--pid-file"), HasSubstr("init.pid"));
  std::vector<std::string> subcommands = Subcommands(calls);
  ASSERT_GE(subcommands.size(), 3u) << FormatCalls(calls);
  EXPECT_THAT(
      std::vector<std::string>(subcommands.begin(), subcommands.begin() + 3),
      ElementsAre("create", "start", "delete"));
}

// The container's exit code is `docker run`'s.
TEST_F(DockerTest, ExitCodeIsPropagated) {
  CommandResult run = DockerRun({"--rm"}, {"sh", "-c", "exit 7"});
  EXPECT_EQ(run.exit_code, 7) << run.Describe();
}

// run -d, exec (its output and its exit code), stop (SIGTERM as a number,
// which the container's trap turns into exit 0 at once) and rm.
TEST_F(DockerTest, DetachedContainerExecStopAndRm) {
  const std::string id = RunDetached({"sh", "-c", kIdleUntilTerm});
  ASSERT_FALSE(id.empty());

  CommandResult exec = Docker(
      {"exec", id, "sh", "-c", absl::StrCat(kAwaitReady, "; echo from-exec")});
  EXPECT_EQ(exec.exit_code, 0) << exec.Describe();
  EXPECT_EQ(exec.out, "from-exec\n") << exec.Describe();
  CommandResult exec_fails = Docker({"exec", id, "sh", "-c", "exit 3"});
  EXPECT_EQ(exec_fails.exit_code, 3) << exec_fails.Describe();

  CommandResult stop = Docker({"stop", "--time", "60", id});
  EXPECT_EQ(stop.exit_code, 0) << stop.Describe();
  CommandResult code =
      Docker({"inspect", "--format", "{{.State.ExitCode}}", id});
  EXPECT_EQ(code.out, "0\n") << code.Describe();
  CommandResult rm = Docker({"rm", id});
  EXPECT_EQ(rm.exit_code, 0) << rm.Describe();

  std::vector<std::vector<std::string>> calls = CallsFor(Calls(), id);
  std::vector<std::string> subcommands = Subcommands(calls);
  ASSERT_GE(subcommands.size(), 6u) << FormatCalls(calls);
  EXPECT_THAT(
      std::vector<std::string>(subcommands.begin(), subcommands.begin() + 6),
      ElementsAre("create", "start", "exec", "exec", "kill", "delete"))
      << FormatCalls(calls);
  std::optional<std::vector<std::string>> create = FirstCall(calls, "create");
  ASSERT_TRUE(create.has_value());
  EXPECT_FALSE(FlagValue(*create, "--bundle").empty()) << FormatCalls(calls);
  EXPECT_FALSE(FlagValue(*create, "--pid-file").empty()) << FormatCalls(calls);
  std::optional<std::vector<std::string>> exec_call = FirstCall(calls, "exec");
  ASSERT_TRUE(exec_call.has_value());
  EXPECT_FALSE(FlagValue(*exec_call, "--process").empty())
      << FormatCalls(calls);
  EXPECT_THAT(*exec_call, Contains("--detach")) << FormatCalls(calls);
  EXPECT_FALSE(FlagValue(*exec_call, "--pid-file").empty())
      << FormatCalls(calls);
  // `kill ID 15`: the signal as a number, and no SIGKILL was needed.
  std::optional<std::vector<std::string>> kill = FirstCall(calls, "kill");
  ASSERT_TRUE(kill.has_value());
  EXPECT_THAT(*kill, ElementsAre("kill", id, "15")) << FormatCalls(calls);
}

// `docker top` runs `runbox ps --format json` and shows the container's
// processes; `docker rm --force` kills with 9.
TEST_F(DockerTest, TopShowsTheContainersProcess) {
  const std::string id = RunDetached({"sleep", "100123"});
  ASSERT_FALSE(id.empty());
  CommandResult top = Docker({"top", id});
  EXPECT_EQ(top.exit_code, 0) << top.Describe();
  EXPECT_THAT(top.out, HasSubstr("sleep 100123")) << top.Describe();
  CommandResult rm = Docker({"rm", "--force", id});
  EXPECT_EQ(rm.exit_code, 0) << rm.Describe();

  std::vector<std::vector<std::string>> calls = CallsFor(Calls(), id);
  EXPECT_THAT(calls, Contains(ElementsAre("ps", "--format", "json", id)))
      << FormatCalls(calls);
  EXPECT_THAT(calls, Contains(ElementsAre("kill", id, "9")))
      << FormatCalls(calls);
}

// pause and unpause: the cgroup freezer through `runbox pause/resume`; the
// container still answers afterwards.
TEST_F(DockerTest, PauseAndUnpause) {
  const std::string id = RunDetached({"sleep", "100000"});
  ASSERT_FALSE(id.empty());
  CommandResult pause = Docker({"pause", id});
  EXPECT_EQ(pause.exit_code, 0) << pause.Describe();
  CommandResult status =
      Docker({"inspect", "--format", "{{.State.Status}}", id});
  EXPECT_EQ(status.out, "paused\n") << status.Describe();
  CommandResult unpause = Docker({"unpause", id});
  EXPECT_EQ(unpause.exit_code, 0) << unpause.Describe();
  CommandResult exec = Docker({"exec", id, "echo", "awake"});
  EXPECT_EQ(exec.out, "awake\n") << exec.Describe();
  CommandResult rm = Docker({"rm", "--force", id});
  EXPECT_EQ(rm.exit_code, 0) << rm.Describe();

  EXPECT_THAT(
      Subcommands(CallsFor(Calls(), id)),
      ::testing::IsSupersetOf(std::vector<std::string>{"pause", "resume"}));
}

// `docker run -t`: create gets --console-socket and the container a pty.
// The shim reads create's output to EOF before it calls start, so runbox's
// supervisor must not hold create's stdout (it used to: this hung).
TEST_F(DockerTest, RunWithATerminal) {
  const std::string cidfile = absl::StrCat(daemon_->dir, "/tty.cid");
  CommandResult run =
      DockerRun({"--rm", "-t", "--cidfile", cidfile}, {"sh", "-c", "tty"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_THAT(run.out, StartsWith("/dev/pts/")) << run.Describe();

  LinuxHost host;
  absl::StatusOr<std::string> id = ReadFile(host, cidfile);
  ASSERT_TRUE(id.ok()) << id.status();
  std::optional<std::vector<std::string>> create =
      FirstCall(CallsFor(Calls(), *id), "create");
  ASSERT_TRUE(create.has_value()) << FormatCalls(Calls());
  EXPECT_FALSE(FlagValue(*create, "--console-socket").empty())
      << absl::StrJoin(*create, " ");
}

}  // namespace
}  // namespace runbox::engines
