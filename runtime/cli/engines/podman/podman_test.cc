// End to end: Debian's podman 4.3.1 (with conmon) drives the built runbox
// binary. Each test gets a private podman store (--root under
// $TEST_TMPDIR; --runroot under /run, since podman refuses a runroot
// longer than 50 characters), a private containers.conf that registers an
// argv-recording wrapper around runbox as the default runtime, and a
// busybox image imported from a tar. At the end each test prints the
// command lines podman (conmon) passed to runbox, and checks that the
// containers, runbox state and mounts it made are gone.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/cli/engines/engine_harness.h"
#include "runtime/testing/cli_runner.h"

namespace runbox::engines {
namespace {

using ::testing::HasSubstr;

constexpr char kPodman[] = "/usr/bin/podman";
constexpr char kConmon[] = "/usr/bin/conmon";
constexpr char kScript[] = "/usr/bin/script";
constexpr char kImage[] = "localhost/busybox:e2e";
// Where runbox keeps state when, as with podman, no --root is given.
constexpr char kRunboxStateRoot[] = "/run/runbox";

// A process that exits at once on SIGTERM, so `podman stop` need not wait
// for its timeout and SIGKILL.
constexpr char kIdleUntilTerm[] =
    "trap 'exit 0' TERM; while :; do sleep 1; done";

std::string ShellQuote(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

bool HasFlag(const std::vector<std::string>& args, absl::string_view flag) {
  for (const std::string& a : args) {
    if (a == flag || absl::StartsWith(a, absl::StrCat(flag, "="))) return true;
  }
  return false;
}

class PodmanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string missing =
        MissingPrerequisite({kPodman, kConmon, "/bin/busybox", "/usr/bin/tar",
                             "/bin/sed", "/usr/bin/tr", "/bin/rm"});
    if (!missing.empty()) GTEST_SKIP() << missing;
    dir_ = MakeTempDir("podman");
    ASSERT_FALSE(dir_.empty());
    runroot_ = MakeRunRoot();
    ASSERT_FALSE(runroot_.empty());
    wrapper_ = WriteRunboxWrapper(dir_);
    LinuxHost host;
    conf_ = absl::StrCat(dir_, "/containers.conf");
    ASSERT_TRUE(
        WriteFile(
            host, conf_,
            absl::StrCat("[containers]\n"
                         // root here lacks CAP_SYS_RESOURCE: podman's default
                         // rlimits (1048576) fail with EPERM for every runtime.
                         "default_ulimits = [\"nofile=1024:1024\", "
                         "\"nproc=4096:4096\"]\n"
                         "[engine]\n"
                         "runtime = \"runbox\"\n"
                         "runtime_supports_json = [\"runbox\"]\n"
                         "cgroup_manager = \"cgroupfs\"\n"
                         "events_logger = \"file\"\n"
                         "tmp_dir = \"",
                         dir_, "/libpod-tmp\"\n", "[engine.runtimes]\n",
                         "runbox = [\"", wrapper_, "\"]\n"))
            .ok());
    const std::string rootfs = absl::StrCat(dir_, "/rootfs");
    const std::string tar = absl::StrCat(dir_, "/rootfs.tar");
    absl::Status made = MakeBusyboxRootfs(rootfs);
    ASSERT_TRUE(made.ok()) << made;
    absl::Status tarred = TarDirectory(rootfs, tar);
    ASSERT_TRUE(tarred.ok()) << tarred;
    CommandResult imported = Podman({"import", tar, kImage});
    ASSERT_EQ(imported.exit_code, 0) << imported.Describe();
  }

  void TearDown() override {
    if (dir_.empty()) return;
    std::vector<std::vector<std::string>> calls = RecordedCalls(dir_);
    std::cout << "runbox calls made by podman:\n" << FormatCalls(calls);
    // Remove what the test left (containers, image), then check that
    // nothing else is left: no runbox state for its containers and no
    // mount (overlay, shm) under the store or the runroot. Leftover mounts
    // are detached so the directories can go.
    CommandResult rm = Podman({"rm", "--all", "--force"});
    EXPECT_EQ(rm.exit_code, 0) << rm.Describe();
    CommandResult rmi = Podman({"rmi", "--all", "--force"});
    EXPECT_EQ(rmi.exit_code, 0) << rmi.Describe();
    LinuxHost host;
    for (const std::vector<std::string>& call : calls) {
      if (Subcommand(call) != "create") continue;
      const std::string id = call.back();
      EXPECT_THAT(Entries(host, kRunboxStateRoot),
                  ::testing::Not(::testing::Contains(id)))
          << "runbox state of " << id << " left in " << kRunboxStateRoot;
    }
    std::vector<std::string> left = MountsUnder({dir_, runroot_});
    EXPECT_THAT(left, ::testing::IsEmpty()) << "mounts left behind";
    for (auto it = left.rbegin(); it != left.rend(); ++it) {
      (void)engines::Run({"/usr/bin/umount", "-l", *it});
    }
    for (const std::string& path : {runroot_, dir_}) {
      if (path.empty()) continue;
      absl::StatusOr<CommandResult> removed =
          engines::Run({"/bin/rm", "-rf", path});
      EXPECT_TRUE(removed.ok() && removed->exit_code == 0)
          << "rm -rf " << path << ": "
          << (removed.ok() ? removed->Describe() : removed.status().ToString());
    }
  }

  // A fresh directory /run/podman-e2e-XXXXXX: short enough for podman.
  std::string MakeRunRoot() {
    LinuxHost host;
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string path = absl::StrCat(
          "/run/podman-e2e-", absl::Hex(host.RandomUint64() & 0xffffff));
      absl::Status made = host.MkdirAt(Fd::Cwd(), path, 0700);
      if (made.ok()) return path;
      if (!IsErrno(made, EEXIST)) {
        ADD_FAILURE() << "mkdir " << path << ": " << made;
        return "";
      }
    }
    ADD_FAILURE() << "no free name under /run";
    return "";
  }

  // The podman command line with the private store, before `args`.
  std::vector<std::string> PodmanArgv(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        kPodman, "--root", absl::StrCat(dir_, "/store"), "--runroot", runroot_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  std::vector<std::string> Env() {
    return {absl::StrCat("CONTAINERS_CONF=", conf_)};
  }

  // Runs podman; a failure to run it (or a timeout) is a test failure and
  // gives exit code -1.
  CommandResult Podman(const std::vector<std::string>& args,
                       absl::Duration timeout = absl::Seconds(120)) {
    absl::StatusOr<CommandResult> result = engines::Run(
        PodmanArgv(args), {.extra_env = Env(), .timeout = timeout});
    EXPECT_TRUE(result.ok())
        << absl::StrJoin(args, " ") << ": " << result.status();
    return result.ok() ? *result : CommandResult{};
  }

  // `podman run -d` of a container named `name` that idles until SIGTERM;
  // returns its id.
  std::string RunDetached(const std::string& name,
                          const std::vector<std::string>& extra_flags = {}) {
    std::vector<std::string> args = {"run", "-d",        "--name",
                                     name,  "--network", "none"};
    args.insert(args.end(), extra_flags.begin(), extra_flags.end());
    args.insert(args.end(), {kImage, "sh", "-c", kIdleUntilTerm, name});
    CommandResult run = Podman(args);
    EXPECT_EQ(run.exit_code, 0) << run.Describe();
    return std::string(absl::StripAsciiWhitespace(run.out));
  }

  std::string State(const std::string& name) {
    CommandResult inspect =
        Podman({"inspect", "--format", "{{.State.Status}}", name});
    EXPECT_EQ(inspect.exit_code, 0) << inspect.Describe();
    return std::string(absl::StripAsciiWhitespace(inspect.out));
  }

  // The recorded calls of `subcommand` for container `id` (its last arg
  // but for kill, whose last arg is the signal).
  std::vector<std::vector<std::string>> CallsOf(absl::string_view subcommand,
                                                const std::string& id) {
    std::vector<std::vector<std::string>> found;
    for (const std::vector<std::string>& call : RecordedCalls(dir_)) {
      if (Subcommand(call) != subcommand) continue;
      std::vector<std::string> args = SubcommandArgs(call);
      if (args.empty()) continue;
      const std::string& target = subcommand == "kill" && args.size() >= 2
                                      ? args[args.size() - 2]
                                      : args.back();
      if (target == id) found.push_back(call);
    }
    return found;
  }

  // The id of the only container created so far.
  std::string OnlyCreatedId() {
    std::vector<std::string> ids;
    for (const std::vector<std::string>& call : RecordedCalls(dir_)) {
      if (Subcommand(call) == "create") ids.push_back(call.back());
    }
    EXPECT_EQ(ids.size(), 1u) << absl::StrJoin(ids, " ");
    return ids.empty() ? "" : ids.back();
  }

  // create (--bundle, --pid-file; --console-socket when `tty`), start and
  // delete --force, all for `id`, each with the JSON log flags.
  void ExpectLifecycleCalls(const std::string& id, bool tty) {
    std::vector<std::vector<std::string>> creates = CallsOf("create", id);
    ASSERT_EQ(creates.size(), 1u) << FormatCalls(RecordedCalls(dir_));
    std::vector<std::string> create_args = SubcommandArgs(creates[0]);
    EXPECT_TRUE(HasFlag(create_args, "--bundle")) << FormatCalls(creates);
    EXPECT_TRUE(HasFlag(create_args, "--pid-file")) << FormatCalls(creates);
    EXPECT_EQ(HasFlag(create_args, "--console-socket"), tty)
        << FormatCalls(creates);
    EXPECT_TRUE(HasFlag(creates[0], "--log-format")) << FormatCalls(creates);
    EXPECT_TRUE(HasFlag(creates[0], "--log")) << FormatCalls(creates);
    EXPECT_EQ(CallsOf("start", id).size(), 1u)
        << FormatCalls(RecordedCalls(dir_));
    std::vector<std::vector<std::string>> deletes = CallsOf("delete", id);
    ASSERT_FALSE(deletes.empty()) << FormatCalls(RecordedCalls(dir_));
    EXPECT_TRUE(HasFlag(SubcommandArgs(deletes.back()), "--force"))
        << FormatCalls(deletes);
  }

  std::string dir_;
  std::string runroot_;
  std::string wrapper_;
  std::string conf_;
};

TEST_F(PodmanTest, RunRemoveEchoes) {
  CommandResult run = Podman({"run", "--rm", "--network", "none", kImage,
                              "echo", "hello from runbox"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_EQ(run.out, "hello from runbox\n") << run.Describe();
  ExpectLifecycleCalls(OnlyCreatedId(), /*tty=*/false);
}

TEST_F(PodmanTest, ExitCodePropagates) {
  CommandResult run = Podman(
      {"run", "--rm", "--network", "none", kImage, "sh", "-c", "exit 7"});
  EXPECT_EQ(run.exit_code, 7) << run.Describe();
  ExpectLifecycleCalls(OnlyCreatedId(), /*tty=*/false);
}

TEST_F(PodmanTest, DetachedExecStopRemove) {
  const std::string id = RunDetached("detached");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(State("detached"), "running");

  CommandResult exec =
      Podman({"exec", "detached", "sh", "-c", "echo exec-out; exit 3"});
  EXPECT_EQ(exec.exit_code, 3) << exec.Describe();
  EXPECT_EQ(exec.out, "exec-out\n") << exec.Describe();

  CommandResult stop = Podman({"stop", "-t", "2", "detached"});
  EXPECT_EQ(stop.exit_code, 0) << stop.Describe();
  EXPECT_EQ(State("detached"), "exited");
  CommandResult rm = Podman({"rm", "detached"});
  EXPECT_EQ(rm.exit_code, 0) << rm.Describe();
  CommandResult ps = Podman({"ps", "-a", "--format", "{{.Names}}"});
  EXPECT_THAT(ps.out, ::testing::Not(HasSubstr("detached"))) << ps.Describe();

  ExpectLifecycleCalls(id, /*tty=*/false);
  std::vector<std::vector<std::string>> execs = CallsOf("exec", id);
  ASSERT_EQ(execs.size(), 1u) << FormatCalls(RecordedCalls(dir_));
  std::vector<std::string> exec_args = SubcommandArgs(execs[0]);
  EXPECT_TRUE(HasFlag(exec_args, "--process")) << FormatCalls(execs);
  EXPECT_TRUE(HasFlag(exec_args, "--detach")) << FormatCalls(execs);
  EXPECT_TRUE(HasFlag(exec_args, "--pid-file")) << FormatCalls(execs);
  // The container exits on SIGTERM, so stop sends only the number 15.
  std::vector<std::vector<std::string>> kills = CallsOf("kill", id);
  ASSERT_FALSE(kills.empty()) << FormatCalls(RecordedCalls(dir_));
  EXPECT_EQ(kills.front().back(), "15") << FormatCalls(kills);
}

TEST_F(PodmanTest, InteractiveTtyRun) {
  if (!MissingPrerequisite({kScript}).empty()) {
    GTEST_SKIP() << "needs " << kScript << " (util-linux) for a pty";
  }
  // `script`(1) gives podman a pty for -it and passes our stdin to it; the
  // container waits for that line, so its output cannot race the attach.
  const std::string command = absl::StrCat(
      "exec ",
      absl::StrJoin(PodmanArgv({"run", "-it", "--rm", "--network", "none",
                                kImage, "sh", "-c",
                                "test -t 0 && test -t 1 && echo is-a-tty; "
                                "read line; echo got:$line; exit 5"}),
                    " ", [](std::string* out, const std::string& a) {
                      out->append(ShellQuote(a));
                    }));
  absl::StatusOr<CommandResult> run =
      engines::Run({kScript, "-qec", command, "/dev/null"},
                   {.extra_env = Env(), .stdin_text = "ping\n"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 5) << run->Describe();
  EXPECT_THAT(run->out, HasSubstr("is-a-tty\r\n")) << run->Describe();
  EXPECT_THAT(run->out, HasSubstr("got:ping\r\n")) << run->Describe();
  ExpectLifecycleCalls(OnlyCreatedId(), /*tty=*/true);
}

TEST_F(PodmanTest, ExecInteractiveTty) {
  if (!MissingPrerequisite({kScript}).empty()) {
    GTEST_SKIP() << "needs " << kScript << " (util-linux) for a pty";
  }
  const std::string id = RunDetached("shell");
  ASSERT_FALSE(id.empty());
  // `exec -it`: runbox gets exec --tty --console-socket.
  const std::string command = absl::StrCat(
      "exec ",
      absl::StrJoin(PodmanArgv({"exec", "-it", "shell", "sh", "-c",
                                "test -t 0 && test -t 1 && echo exec-tty; "
                                "read line; echo got:$line; exit 4"}),
                    " ", [](std::string* out, const std::string& a) {
                      out->append(ShellQuote(a));
                    }));
  absl::StatusOr<CommandResult> exec =
      engines::Run({kScript, "-qec", command, "/dev/null"},
                   {.extra_env = Env(), .stdin_text = "pong\n"});
  ASSERT_TRUE(exec.ok()) << exec.status();
  EXPECT_EQ(exec->exit_code, 4) << exec->Describe();
  EXPECT_THAT(exec->out, HasSubstr("exec-tty\r\n")) << exec->Describe();
  EXPECT_THAT(exec->out, HasSubstr("got:pong\r\n")) << exec->Describe();
  CommandResult stop = Podman({"stop", "-t", "2", "shell"});
  EXPECT_EQ(stop.exit_code, 0) << stop.Describe();

  std::vector<std::vector<std::string>> execs = CallsOf("exec", id);
  ASSERT_EQ(execs.size(), 1u) << FormatCalls(RecordedCalls(dir_));
  std::vector<std::string> exec_args = SubcommandArgs(execs[0]);
  EXPECT_TRUE(HasFlag(exec_args, "--tty")) << FormatCalls(execs);
  EXPECT_TRUE(HasFlag(exec_args, "--console-socket")) << FormatCalls(execs);
  EXPECT_TRUE(HasFlag(exec_args, "--process")) << FormatCalls(execs);
}

TEST_F(PodmanTest, KillWithSigkill) {
  const std::string id = RunDetached("killed");
  ASSERT_FALSE(id.empty());
  CommandResult kill = Podman({"kill", "--signal", "KILL", "killed"});
  EXPECT_EQ(kill.exit_code, 0) << kill.Describe();
  CommandResult wait = Podman({"wait", "killed"});
  EXPECT_EQ(wait.exit_code, 0) << wait.Describe();
  EXPECT_EQ(wait.out, "137\n") << wait.Describe();
  EXPECT_EQ(State("killed"), "exited");
  std::vector<std::vector<std::string>> kills = CallsOf("kill", id);
  ASSERT_EQ(kills.size(), 1u) << FormatCalls(RecordedCalls(dir_));
  EXPECT_EQ(kills[0].back(), "9") << FormatCalls(kills);
}

TEST_F(PodmanTest, PauseUnpause) {
  const std::string id = RunDetached("pausable");
  ASSERT_FALSE(id.empty());
  CommandResult pause = Podman({"pause", "pausable"});
  EXPECT_EQ(pause.exit_code, 0) << pause.Describe();
  EXPECT_EQ(State("pausable"), "paused");
  CommandResult unpause = Podman({"unpause", "pausable"});
  EXPECT_EQ(unpause.exit_code, 0) << unpause.Describe();
  EXPECT_EQ(State("pausable"), "running");
  CommandResult exec = Podman({"exec", "pausable", "echo", "awake"});
  EXPECT_EQ(exec.out, "awake\n") << exec.Describe();
  CommandResult stop = Podman({"stop", "-t", "2", "pausable"});
  EXPECT_EQ(stop.exit_code, 0) << stop.Describe();

  EXPECT_EQ(CallsOf("pause", id).size(), 1u)
      << FormatCalls(RecordedCalls(dir_));
  EXPECT_EQ(CallsOf("resume", id).size(), 1u)
      << FormatCalls(RecordedCalls(dir_));
}

// KNOWN LIMITATION: `podman top` lists the HOST's processes, not the
// container's. The pid runbox reports (--pid-file, `state`) is the
// supervisor's, which owns init and exits with its status (runsc-style,
// DESIGN.md), and podman's psgo joins that pid's mount namespace to read
// /proc: the supervisor's is the host's. So this only checks that the
// container's command is in the list (which holds on the host list too).
TEST_F(PodmanTest, TopShowsContainerCommand) {
  const std::string id = RunDetached("topped");
  ASSERT_FALSE(id.empty());
  CommandResult top = Podman({"top", "topped"});
  EXPECT_EQ(top.exit_code, 0) << top.Describe();
  EXPECT_THAT(top.out, HasSubstr("while :; do sleep 1; done topped"))
      << top.Describe();
  CommandResult stop = Podman({"stop", "-t", "2", "topped"});
  EXPECT_EQ(stop.exit_code, 0) << stop.Describe();
}

TEST_F(PodmanTest, StatsShowMemoryLimit) {
  const std::string id = RunDetached("measured", {"--memory", "32m"});
  ASSERT_FALSE(id.empty());
  CommandResult stats = Podman({"stats", "--no-stream", "--format",
                                "{{.Name}} {{.MemUsage}}", "measured"});
  EXPECT_EQ(stats.exit_code, 0) << stats.Describe();
  // 32 MiB, in podman's decimal units.
  EXPECT_THAT(stats.out, HasSubstr("measured")) << stats.Describe();
  EXPECT_THAT(stats.out, HasSubstr("/ 33.55MB")) << stats.Describe();
  CommandResult stop = Podman({"stop", "-t", "2", "measured"});
  EXPECT_EQ(stop.exit_code, 0) << stop.Describe();
}

TEST_F(PodmanTest, MemoryLimitVisibleInside) {
  CommandResult run =
      Podman({"run", "--rm", "--network", "none", "--memory", "32m", kImage,
              "sh", "-c",
              "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || "
              "cat /sys/fs/cgroup/memory.max"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_EQ(run.out, "33554432\n") << run.Describe();
  ExpectLifecycleCalls(OnlyCreatedId(), /*tty=*/false);
}

}  // namespace
}  // namespace runbox::engines
