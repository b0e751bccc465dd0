// End to end: Debian's containerd 1.6.20 with `ctr` and
// containerd-shim-runc-v2 drives the built runbox binary through
// `ctr run --runc-binary`. The suite starts one private containerd
// (`containerd --config CFG`: its own root, state and socket, CRI plugin
// off), imports a busybox image made by tools/make-busybox-image, and each
// test runs its containers with an argv-recording wrapper around runbox as
// the runc binary and a private runc root. Each test prints the command
// lines the shim passed to runbox and checks that its containers, runbox
// state and cgroups are gone; the suite stops containerd at the end and
// checks that no shim, mount or runbox state is left.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kContainerd[] = "/usr/bin/containerd";
constexpr char kCtr[] = "/usr/bin/ctr";
constexpr char kShim[] = "/usr/bin/containerd-shim-runc-v2";
constexpr char kImage[] = "docker.io/library/busybox:runbox-e2e";
// A containerd namespace of our own: runbox's root is <runc root>/<ns> and
// ctr's default cgroups path /<ns>/<id>.
constexpr char kNamespace[] = "runbox-e2e";
// A process that exits at once on SIGTERM.
constexpr char kIdleUntilTerm[] =
    "trap 'exit 0' TERM; while :; do sleep 1; done";
const absl::Duration kPollInterval = absl::Milliseconds(50);
const absl::Duration kStatusDeadline = absl::Seconds(60);

// The value after `flag` in `args`, or nullopt.
std::optional<std::string> FlagValue(const std::vector<std::string>& args,
                                     absl::string_view flag) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return std::nullopt;
}

bool HasWord(const std::vector<std::string>& args, absl::string_view word) {
  for (const std::string& a : args) {
    if (a == word) return true;
  }
  return false;
}

// The recorded calls with subcommand `sub`.
std::vector<std::vector<std::string>> CallsOf(
    const std::vector<std::vector<std::string>>& calls, absl::string_view sub) {
  std::vector<std::vector<std::string>> found;
  for (const std::vector<std::string>& call : calls) {
    if (Subcommand(call) == sub) found.push_back(call);
  }
  return found;
}

// Pids of live processes whose command line mentions `text`.
std::vector<std::string> ProcessesMentioning(absl::string_view text) {
  LinuxHost host;
  std::vector<std::string> found;
  for (const std::string& name : Entries(host, "/proc")) {
    int pid = 0;
    if (!absl::SimpleAtoi(name, &pid)) continue;
    absl::StatusOr<std::string> cmdline = ReadFileAt(
        host, Fd::Cwd(), absl::StrCat("/proc/", name, "/cmdline"), kUnbounded);
    if (!cmdline.ok()) continue;  // Gone meanwhile.
    if (absl::StrContains(*cmdline, text)) {
      found.push_back(absl::StrCat(
          name, ": ",
          absl::StrReplaceAll(*cmdline,
                              {{std::string(1, '\0'), std::string(" ")}})));
    }
  }
  return found;
}

// The v1 controller directories (and the cgroup2 one) of cgroups path
// `path` that exist.
std::vector<std::string> CgroupDirsOf(const std::string& path) {
  LinuxHost host;
  std::vector<std::string> found;
  for (const std::string& hierarchy : Entries(host, "/sys/fs/cgroup")) {
    std::string dir = absl::StrCat("/sys/fs/cgroup/", hierarchy, path);
    if (host.StatAt(Fd::Cwd(), dir, FollowSymlinks::kNoFollow).ok()) {
      found.push_back(dir);
    }
  }
  if (host.StatAt(Fd::Cwd(), absl::StrCat("/sys/fs/cgroup", path),
                  FollowSymlinks::kNoFollow)
          .ok()) {
    found.push_back(absl::StrCat("/sys/fs/cgroup", path));
  }
  return found;
}

// One private containerd for the whole suite.
struct Daemon {
  std::string skip_reason;  // Non-empty: every test skips.
  std::string error;        // Non-empty: setting up failed; every test fails.
  std::string dir;          // Under $TEST_TMPDIR: root, config, log, image.
  std::string run_dir;      // Under /run (socket paths must stay short).
  std::string socket;
  std::string runc_root;
  // Owns the daemon's pidfd, so it lives as long as the daemon.
  LinuxHost host;
  std::optional<SpawnResult> process;
};

Daemon* daemon_ = nullptr;

std::vector<std::string> CtrArgv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kCtr, "--address", daemon_->socket,
                                   "--namespace", kNamespace};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// Where ctr makes the IO fifos of `run` and `task exec` (by default
// /run/containerd/fifo, which a detached task's fifos would outlive).
std::string FifoDir() { return absl::StrCat(daemon_->run_dir, "/fifo"); }

// Runs ctr; a failure to run it at all is a test failure and gives exit
// code -1.
CommandResult Ctr(const std::vector<std::string>& args,
                  const RunOptions& options = {}) {
  absl::StatusOr<CommandResult> result = engines::Run(CtrArgv(args), options);
  EXPECT_TRUE(result.ok()) << "ctr " << absl::StrJoin(args, " ") << ": "
                           << result.status();
  if (!result.ok()) return CommandResult{};
  return *result;
}

// The STATUS column of `ctr task ls` for `id`; "" when there is no task.
std::string TaskStatus(const std::string& id) {
  CommandResult ls = Ctr({"task", "ls"});
  EXPECT_EQ(ls.exit_code, 0) << ls.Describe();
  for (absl::string_view line : absl::StrSplit(ls.out, '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() >= 3 && fields[0] == id) return std::string(fields[2]);
  }
  return "";
}

// Polls `ctr task ls` until `id`'s task has `status`, with a deadline.
bool AwaitTaskStatus(const std::string& id, absl::string_view status) {
  LinuxHost host;
  const absl::Duration deadline = host.MonotonicNow() + kStatusDeadline;
  std::string now;
  while (true) {
    now = TaskStatus(id);
    if (now == status) return true;
    if (host.MonotonicNow() > deadline) break;
    host.SleepFor(kPollInterval);
  }
  ADD_FAILURE() << "task " << id << " is \"" << now << "\", not " << status
                << " after " << kStatusDeadline;
  return false;
}

// Stops and removes a daemon that is running (SIGTERM, then SIGKILL after
// a deadline) and reaps it.
void StopDaemon() {
  if (!daemon_->process.has_value()) return;
  Host& host = daemon_->host;
  SpawnResult& child = *daemon_->process;
  absl::Status termed = host.PidfdSendSignal(child.pidfd, Signal::kTerm);
  EXPECT_TRUE(termed.ok() || IsErrno(termed, ESRCH)) << termed;
  PollFd fds[] = {{.fd = &child.pidfd, .events = PollEvents::kIn}};
  absl::StatusOr<int> ready;
  do {
    ready = host.Poll(absl::MakeSpan(fds), absl::Seconds(60));
  } while (IsErrno(ready, EINTR));
  if (!ready.ok() || *ready == 0) {
    ADD_FAILURE() << "containerd did not exit on SIGTERM; killing it";
    (void)host.PidfdSendSignal(child.pidfd, Signal::kKill);
  }
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host.Wait(child.pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  EXPECT_TRUE(waited.ok()) << waited.status();
  daemon_->process.reset();
}

class ContainerdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = new Daemon;
    daemon_->skip_reason = MissingPrerequisite(
        {kContainerd, kCtr, kShim, "/bin/busybox", "/usr/bin/tar",
         "/usr/bin/gzip", "/usr/bin/sha256sum", "/bin/bash", "/bin/sed",
         "/usr/bin/tr", "/bin/rm", "/usr/bin/umount"});
    if (!daemon_->skip_reason.empty()) return;
    daemon_->error = StartDaemon();
  }

  static void TearDownTestSuite() {
    if (daemon_ == nullptr) return;
    if (daemon_->skip_reason.empty()) {
      if (daemon_->process.has_value()) {
        // What is left of the image and content, then the daemon.
        CommandResult rmi = Ctr({"images", "rm", kImage});
        EXPECT_EQ(rmi.exit_code, 0) << rmi.Describe();
      }
      StopDaemon();
      if (!daemon_->socket.empty()) {
        EXPECT_THAT(ProcessesMentioning(daemon_->socket), IsEmpty())
            << "containerd or shims left running";
      }
      LinuxHost host;
      if (!daemon_->runc_root.empty()) {
        // Only the root's lock file may stay (runbox never unlinks a lock
        // file another process may wait on).
        std::vector<std::string> left;
        for (const std::string& name :
             Entries(host, absl::StrCat(daemon_->runc_root, "/", kNamespace))) {
          if (name != ".runbox.lock") left.push_back(name);
        }
        EXPECT_THAT(left, IsEmpty()) << "runbox state left behind";
      }
      std::vector<std::string> left =
          MountsUnder({daemon_->dir, daemon_->run_dir});
      EXPECT_THAT(left, IsEmpty()) << "mounts left behind";
      for (auto it = left.rbegin(); it != left.rend(); ++it) {
        (void)engines::Run({"/usr/bin/umount", "-l", *it});
      }
      // The namespace's parent cgroup, which runbox (like runc) leaves.
      for (const std::string& dir :
           CgroupDirsOf(absl::StrCat("/", kNamespace))) {
        (void)host.UnlinkAt(Fd::Cwd(), dir, UnlinkFlags::kRemoveDir);
      }
      for (const std::string& path : {daemon_->run_dir, daemon_->dir}) {
        if (path.empty()) continue;
        absl::StatusOr<CommandResult> removed =
            engines::Run({"/bin/rm", "-rf", path});
        EXPECT_TRUE(removed.ok() && removed->exit_code == 0)
            << "rm -rf " << path << ": "
            << (removed.ok() ? removed->Describe()
                             : removed.status().ToString());
      }
    }
    delete daemon_;
    daemon_ = nullptr;
  }

  // Writes the config, starts containerd, waits until it answers, imports
  // the image. Returns "" or what went wrong.
  static std::string StartDaemon() {
    LinuxHost host;
    daemon_->dir = MakeTempDir("containerd");
    if (daemon_->dir.empty()) return "no temp dir";
    for (int attempt = 0; attempt < 100 && daemon_->run_dir.empty();
         ++attempt) {
      std::string path = absl::StrCat(
          "/run/containerd-e2e-", absl::Hex(host.RandomUint64() & 0xffffff));
      absl::Status made = host.MkdirAt(Fd::Cwd(), path, 0700);
      if (made.ok()) daemon_->run_dir = path;
      if (!made.ok() && !IsErrno(made, EEXIST)) {
        return absl::StrCat("mkdir ", path, ": ", made.ToString());
      }
    }
    if (daemon_->run_dir.empty()) return "no free name under /run";
    daemon_->socket = absl::StrCat(daemon_->run_dir, "/containerd.sock");
    daemon_->runc_root = absl::StrCat(daemon_->run_dir, "/runc");
    const std::string config = absl::StrCat(daemon_->dir, "/config.toml");
    absl::Status written = WriteFile(
        host, config,
        absl::StrCat("version = 2\n"
                     "root = \"",
                     daemon_->dir,
                     "/root\"\n"
                     "state = \"",
                     daemon_->run_dir,
                     "/state\"\n"
                     "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                     "[grpc]\n"
                     "  address = \"",
                     daemon_->socket,
                     "\"\n"
                     "[ttrpc]\n"
                     "  address = \"",
                     daemon_->socket,
                     ".ttrpc\"\n"
                     "[debug]\n"
                     "  address = \"\"\n"
                     "[metrics]\n"
                     "  address = \"\"\n"));
    if (!written.ok()) return written.ToString();

    const std::string log = absl::StrCat(daemon_->dir, "/containerd.log");
    absl::StatusOr<Fd> log_fd =
        host.OpenAt(Fd::Cwd(), log,
                    {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                              OpenFlags::kTruncate,
                     .mode = 0644});
    if (!log_fd.ok()) return log_fd.status().ToString();
    absl::StatusOr<Fd> null_fd = host.OpenAt(Fd::Cwd(), "/dev/null", {});
    if (!null_fd.ok()) return null_fd.status().ToString();
    SpawnRequest request;
    request.path = kContainerd;
    request.argv = {kContainerd, "--config", config};
    request.env = host.Environment();
    request.fds = {{&*null_fd, 0}, {&*log_fd, 1}, {&*log_fd, 2}};
    request.want_pidfd = true;
    // A test binary that dies must not leave the daemon running.
    request.parent_death_signal = Signal::kTerm;
    absl::StatusOr<SpawnResult> spawned = daemon_->host.Spawn(request);
    if (!spawned.ok()) return spawned.status().ToString();
    daemon_->process.emplace(std::move(*spawned));

    // ctr blocks until the daemon answers (or the connect timeout).
    CommandResult version = Ctr({"--connect-timeout", "60s", "version"});
    if (version.exit_code != 0) {
      absl::StatusOr<std::string> text = ReadFile(host, log);
      return absl::StrCat("containerd does not answer: ", version.Describe(),
                          "\ncontainerd log:\n", text.ok() ? *text : "");
    }

    const std::string tar = absl::StrCat(daemon_->dir, "/busybox-image.tar");
    absl::StatusOr<CommandResult> made =
        engines::Run({RunfilePath("tools/make-busybox-image"), tar, kImage},
                     {.extra_env = {absl::StrCat("TMPDIR=", daemon_->dir)}});
    if (!made.ok()) return made.status().ToString();
    if (made->exit_code != 0) {
      return absl::StrCat("make-busybox-image: ", made->Describe());
    }
    CommandResult imported = Ctr({"images", "import", tar});
    if (imported.exit_code != 0) {
      return absl::StrCat("ctr images import: ", imported.Describe());
    }
    return "";
  }

  void SetUp() override {
    ASSERT_NE(daemon_, nullptr);
    if (!daemon_->skip_reason.empty()) GTEST_SKIP() << daemon_->skip_reason;
    ASSERT_EQ(daemon_->error, "");
    dir_ = MakeTempDir("calls");
    ASSERT_FALSE(dir_.empty());
    wrapper_ = WriteRunboxWrapper(dir_);
  }

  void TearDown() override {
    if (dir_.empty()) return;
    // Remove what the test left, then check that nothing of it is left.
    LinuxHost host;
    for (const std::string& id : ids_) {
      if (!TaskStatus(id).empty()) {
        CommandResult deleted = Ctr({"task", "delete", "--force", id});
        EXPECT_EQ(deleted.exit_code, 0) << deleted.Describe();
      }
      CommandResult containers = Ctr({"containers", "ls", "-q"});
      if (HasWord(absl::StrSplit(containers.out, '\n', absl::SkipEmpty()),
                  id)) {
        CommandResult deleted = Ctr({"containers", "delete", id});
        EXPECT_EQ(deleted.exit_code, 0) << deleted.Describe();
      }
      EXPECT_EQ(TaskStatus(id), "") << "task " << id << " left";
      EXPECT_THAT(
          Entries(host, absl::StrCat(daemon_->runc_root, "/", kNamespace)),
          Not(Contains(id)))
          << "runbox state of " << id << " left";
      EXPECT_THAT(CgroupDirsOf(absl::StrCat("/", kNamespace, "/", id)),
                  IsEmpty())
          << "cgroups of " << id << " left";
    }
    // The whole session, the clean-up's calls included.
    std::cout << "runbox calls made by containerd:\n"
              << FormatCalls(RecordedCalls(dir_));
    absl::StatusOr<CommandResult> removed =
        engines::Run({"/bin/rm", "-rf", dir_});
    EXPECT_TRUE(removed.ok() && removed->exit_code == 0);
  }

  // `ctr run` with the wrapper as the runc binary and the private runc
  // root; `flags` go before the image, `args` after the id.
  CommandResult CtrRun(const std::string& id,
                       const std::vector<std::string>& flags,
                       const std::vector<std::string>& args) {
    ids_.push_back(id);
    std::vector<std::string> argv = {
        "run",         "--runc-binary",    wrapper_,
        "--runc-root", daemon_->runc_root, "--fifo-dir",
        FifoDir()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(kImage);
    argv.push_back(id);
    argv.insert(argv.end(), args.begin(), args.end());
    return Ctr(argv);
  }

  // Starts `args` detached in container `id` and waits until it runs.
  void RunDetached(const std::string& id,
                   const std::vector<std::string>& args) {
    CommandResult run = CtrRun(id, {"-d"}, args);
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    ASSERT_EQ(TaskStatus(id), "RUNNING");
  }

  std::vector<std::vector<std::string>> Calls() { return RecordedCalls(dir_); }

  // Checks the flags the shim puts before every subcommand.
  void ExpectGlobalFlags(const std::vector<std::string>& call,
                         const std::string& id) {
    std::vector<std::string> global = GlobalArgs(call);
    EXPECT_EQ(FlagValue(global, "--root"),
              absl::StrCat(daemon_->runc_root, "/", kNamespace))
        << absl::StrJoin(call, " ");
    std::optional<std::string> log = FlagValue(global, "--log");
    ASSERT_TRUE(log.has_value()) << absl::StrJoin(call, " ");
    EXPECT_TRUE(absl::EndsWith(*log, absl::StrCat("/", id, "/log.json")))
        << *log;
    EXPECT_EQ(FlagValue(global, "--log-format"), "json")
        << absl::StrJoin(call, " ");
  }

  std::string dir_;
  std::string wrapper_;
  std::vector<std::string> ids_;  // Containers this test made.
};

TEST_F(ContainerdTest, RunRmPrintsTheOutputAndCallsCreateStartDelete) {
  CommandResult run = CtrRun("echo", {"--rm"}, {"echo", "hello"});
  ASSERT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_EQ(run.out, "hello\n");

  std::vector<std::vector<std::string>> calls = Calls();
  ASSERT_FALSE(calls.empty());
  for (const std::vector<std::string>& call : calls) {
    ExpectGlobalFlags(call, "echo");
  }
  std::vector<std::vector<std::string>> creates = CallsOf(calls, "create");
  ASSERT_EQ(creates.size(), 1u);
  std::vector<std::string> create = SubcommandArgs(creates[0]);
  std::optional<std::string> bundle = FlagValue(create, "--bundle");
  ASSERT_TRUE(bundle.has_value()) << absl::StrJoin(create, " ");
  EXPECT_TRUE(absl::EndsWith(*bundle, absl::StrCat("/", kNamespace, "/echo")))
      << *bundle;
  EXPECT_TRUE(FlagValue(create, "--pid-file").has_value())
      << absl::StrJoin(create, " ");
  EXPECT_EQ(create.back(), "echo");
  EXPECT_THAT(CallsOf(calls, "start"), Contains(Contains("echo")));
  // `delete ID`, then `delete --force ID` of the container just deleted,
  // which must succeed too: --rm gave no error above.
  std::vector<std::vector<std::string>> deletes = CallsOf(calls, "delete");
  ASSERT_EQ(deletes.size(), 2u);
  EXPECT_EQ(SubcommandArgs(deletes[0]), std::vector<std::string>{"echo"});
  EXPECT_EQ(SubcommandArgs(deletes[1]),
            (std::vector<std::string>{"--force", "echo"}));
  EXPECT_EQ(TaskStatus("echo"), "");
}

TEST_F(ContainerdTest, TaskExecRunsInTheContainerWithDetachAndPidFile) {
  RunDetached("exec", {"sh", "-c", kIdleUntilTerm});
  CommandResult exec = Ctr({"task", "exec", "--fifo-dir", FifoDir(),
                            "--exec-id", "x1", "exec", "cat", "/etc/group"});
  ASSERT_EQ(exec.exit_code, 0) << exec.Describe();
  // The image's file (tools/make-busybox-image), not the host's.
  EXPECT_EQ(exec.out, "root:x:0:\nnobody:x:65534:\n");
  CommandResult failing =
      Ctr({"task", "exec", "--fifo-dir", FifoDir(), "--exec-id", "x2", "exec",
           "sh", "-c", "exit 3"});
  EXPECT_EQ(failing.exit_code, 3) << failing.Describe();

  std::vector<std::vector<std::string>> execs = CallsOf(Calls(), "exec");
  ASSERT_EQ(execs.size(), 2u);
  for (const std::vector<std::string>& call : execs) {
    ExpectGlobalFlags(call, "exec");
    std::vector<std::string> args = SubcommandArgs(call);
    // The process.json sits in a temp dir of the shim, not the bundle.
    EXPECT_TRUE(FlagValue(args, "--process").has_value())
        << absl::StrJoin(args, " ");
    EXPECT_TRUE(HasWord(args, "--detach")) << absl::StrJoin(args, " ");
    std::optional<std::string> pid_file = FlagValue(args, "--pid-file");
    ASSERT_TRUE(pid_file.has_value()) << absl::StrJoin(args, " ");
    EXPECT_TRUE(absl::EndsWith(*pid_file, ".pid")) << *pid_file;
    EXPECT_EQ(args.back(), "exec");
  }
}

TEST_F(ContainerdTest, TaskKillSendsSigtermAsANumberAndTheTaskStops) {
  RunDetached("term", {"sh", "-c", kIdleUntilTerm});
  CommandResult kill = Ctr({"task", "kill", "term"});
  ASSERT_EQ(kill.exit_code, 0) << kill.Describe();
  ASSERT_TRUE(AwaitTaskStatus("term", "STOPPED"));
  CommandResult deleted = Ctr({"task", "delete", "term"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.Describe();
  std::vector<std::vector<std::string>> kills = CallsOf(Calls(), "kill");
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(SubcommandArgs(kills[0]), (std::vector<std::string>{"term", "15"}));
}

TEST_F(ContainerdTest, TaskKillSigkillEndsAProcessThatIgnoresSigterm) {
  // As pid 1 of its namespace, sleep ignores SIGTERM; SIGKILL ends it.
  RunDetached("kill9", {"sleep", "1000"});
  CommandResult kill = Ctr({"task", "kill", "--signal", "SIGKILL", "kill9"});
  ASSERT_EQ(kill.exit_code, 0) << kill.Describe();
  ASSERT_TRUE(AwaitTaskStatus("kill9", "STOPPED"));
  CommandResult deleted = Ctr({"task", "delete", "kill9"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.Describe();
  // The exit status containerd got through the pid-file process.
  EXPECT_THAT(deleted.err, HasSubstr("137")) << deleted.Describe();
  std::vector<std::vector<std::string>> kills = CallsOf(Calls(), "kill");
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(SubcommandArgs(kills[0]), (std::vector<std::string>{"kill9", "9"}));
}

TEST_F(ContainerdTest, TaskDeleteAndContainerDeleteRemoveEverything) {
  RunDetached("del", {"sh", "-c", kIdleUntilTerm});
  CommandResult kill = Ctr({"task", "kill", "del"});
  ASSERT_EQ(kill.exit_code, 0) << kill.Describe();
  ASSERT_TRUE(AwaitTaskStatus("del", "STOPPED"));
  CommandResult task_delete = Ctr({"task", "delete", "del"});
  ASSERT_EQ(task_delete.exit_code, 0) << task_delete.Describe();
  EXPECT_EQ(TaskStatus("del"), "");
  CommandResult container_delete = Ctr({"container", "delete", "del"});
  ASSERT_EQ(container_delete.exit_code, 0) << container_delete.Describe();
  CommandResult containers = Ctr({"containers", "ls", "-q"});
  EXPECT_THAT(containers.out, Not(HasSubstr("del")));

  LinuxHost host;
  EXPECT_THAT(Entries(host, absl::StrCat(daemon_->runc_root, "/", kNamespace)),
              Not(Contains("del")));
  EXPECT_THAT(CgroupDirsOf(absl::StrCat("/", kNamespace, "/del")), IsEmpty());
  // `delete ID`, then `delete --force ID` of a container already gone,
  // which must exit 0 (the shim would report its error otherwise).
  std::vector<std::vector<std::string>> deletes = CallsOf(Calls(), "delete");
  ASSERT_EQ(deletes.size(), 2u);
  EXPECT_EQ(SubcommandArgs(deletes[0]), std::vector<std::string>{"del"});
  EXPECT_EQ(SubcommandArgs(deletes[1]),
            (std::vector<std::string>{"--force", "del"}));
}

TEST_F(ContainerdTest, TaskDeleteForceOfARunningTaskKillsAllWithSigkill) {
  RunDetached("force", {"sh", "-c", kIdleUntilTerm});
  CommandResult exec = Ctr({"task", "exec", "--fifo-dir", FifoDir(), "--detach",
                            "--exec-id", "bg", "force", "sleep", "1000"});
  ASSERT_EQ(exec.exit_code, 0) << exec.Describe();
  CommandResult deleted = Ctr({"task", "delete", "--force", "force"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.Describe();
  EXPECT_EQ(TaskStatus("force"), "");
  // The shim kills every process of the container (`kill --all`), then
  // deletes it.
  std::vector<std::vector<std::string>> calls = Calls();
  std::vector<std::vector<std::string>> kills = CallsOf(calls, "kill");
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(SubcommandArgs(kills[0]),
            (std::vector<std::string>{"--all", "force", "9"}));
  EXPECT_THAT(CallsOf(calls, "delete"), Contains(Contains("force")));
  EXPECT_THAT(CgroupDirsOf(absl::StrCat("/", kNamespace, "/force")), IsEmpty());
}

TEST_F(ContainerdTest, TaskMetricsShowsCgroupValues) {
  CommandResult run = CtrRun("metrics", {"-d", "--memory-limit", "33554432"},
                             {"sh", "-c", kIdleUntilTerm});
  ASSERT_EQ(run.exit_code, 0) << run.Describe();
  CommandResult metrics = Ctr({"task", "metrics", "metrics"});
  ASSERT_EQ(metrics.exit_code, 0) << metrics.Describe();
  // The shim reads the cgroup files itself (runbox gets no call for it):
  // those /proc/<pid>/cgroup names for the --pid-file process, runbox's
  // supervisor, which joins the container's v1 accounting cgroups for
  // this. So the values are the container's: its memory limit, and pids.
  EXPECT_THAT(metrics.out,
              ::testing::ContainsRegex("memory.limit_in_bytes +33554432"))
      << metrics.Describe();
  EXPECT_THAT(metrics.out, HasSubstr("memory.usage_in_bytes"))
      << metrics.Describe();
  EXPECT_THAT(metrics.out, HasSubstr("cpuacct.usage")) << metrics.Describe();
  EXPECT_THAT(metrics.out, HasSubstr("pids.current")) << metrics.Describe();
  EXPECT_THAT(CallsOf(Calls(), "events"), IsEmpty());
}

TEST_F(ContainerdTest, TaskPsListsTheContainersProcessesFromPsFormatJson) {
  RunDetached("ps", {"sh", "-c", kIdleUntilTerm});
  CommandResult ps = Ctr({"task", "ps", "ps"});
  ASSERT_EQ(ps.exit_code, 0) << ps.Describe();
  std::vector<std::string> pids;
  for (absl::string_view line : absl::StrSplit(ps.out, '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    int pid = 0;
    if (!fields.empty() && absl::SimpleAtoi(fields[0], &pid)) {
      pids.emplace_back(fields[0]);
    }
  }
  ASSERT_FALSE(pids.empty()) << ps.Describe();
  // Every pid listed is a process in the container's cgroup.
  LinuxHost host;
  for (const std::string& pid : pids) {
    absl::StatusOr<std::string> cgroup =
        ReadFile(host, absl::StrCat("/proc/", pid, "/cgroup"));
    ASSERT_TRUE(cgroup.ok()) << pid << ": " << cgroup.status();
    EXPECT_THAT(*cgroup, HasSubstr(absl::StrCat("/", kNamespace, "/ps")))
        << "pid " << pid;
  }
  std::vector<std::vector<std::string>> calls = CallsOf(Calls(), "ps");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(SubcommandArgs(calls[0]),
            (std::vector<std::string>{"--format", "json", "ps"}));
}

TEST_F(ContainerdTest, TaskPauseAndResumeFreezeAndThawTheContainer) {
  RunDetached("pause", {"sh", "-c", kIdleUntilTerm});
  CommandResult pause = Ctr({"task", "pause", "pause"});
  ASSERT_EQ(pause.exit_code, 0) << pause.Describe();
  EXPECT_EQ(TaskStatus("pause"), "PAUSED");
  LinuxHost host;
  absl::StatusOr<std::string> state =
      ReadFile(host, absl::StrCat("/sys/fs/cgroup/freezer/", kNamespace,
                                  "/pause/freezer.state"));
  if (state.ok()) {
    EXPECT_EQ(absl::StripAsciiWhitespace(*state), "FROZEN");
  }
  CommandResult resume = Ctr({"task", "resume", "pause"});
  ASSERT_EQ(resume.exit_code, 0) << resume.Describe();
  EXPECT_EQ(TaskStatus("pause"), "RUNNING");
  // The thawed container runs commands again.
  CommandResult exec = Ctr({"task", "exec", "--fifo-dir", FifoDir(),
                            "--exec-id", "after", "pause", "echo", "thawed"});
  EXPECT_EQ(exec.exit_code, 0) << exec.Describe();
  EXPECT_EQ(exec.out, "thawed\n");
  std::vector<std::vector<std::string>> calls = Calls();
  EXPECT_THAT(CallsOf(calls, "pause"),
              ::testing::ElementsAre(Contains("pause")));
  ASSERT_EQ(CallsOf(calls, "resume").size(), 1u);
  EXPECT_EQ(SubcommandArgs(CallsOf(calls, "resume")[0]),
            std::vector<std::string>{"pause"});
}

TEST_F(ContainerdTest, AMissingProgramFailsCreateWithRuncsErrorFromTheLog) {
  CommandResult run = CtrRun("missing", {"--rm"}, {"/no/such/binary"});
  EXPECT_NE(run.exit_code, 0) << run.Describe();
  // As with runc, create fails (so `ctr run --rm` leaves nothing), and the
  // shim builds the error from the last JSON line of --log; without it the
  // user would read "unable to retrieve OCI runtime error".
  EXPECT_THAT(run.err, HasSubstr("OCI runtime create failed"))
      << run.Describe();
  EXPECT_THAT(run.err, HasSubstr("exec: \"/no/such/binary\""))
      << run.Describe();
  EXPECT_THAT(run.err, Not(HasSubstr("unable to retrieve OCI runtime error")))
      << run.Describe();
  EXPECT_EQ(TaskStatus("missing"), "");
  CommandResult containers = Ctr({"containers", "ls", "-q"});
  EXPECT_THAT(containers.out, Not(HasSubstr("missing")));
  std::vector<std::vector<std::string>> calls = Calls();
  EXPECT_THAT(CallsOf(calls, "start"), IsEmpty());
}

}  // namespace
}  // namespace runbox::engines
