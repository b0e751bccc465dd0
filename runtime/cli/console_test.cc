// process.terminal through the command line, on both hosts, as an engine
// uses it: the test listens on a --console-socket, receives the pty master
// that runbox sends (as runc's recvtty does) and drives an interactive
// shell through it; consoleSize; `exec --tty`; a terminal in the
// foreground, which runbox relays to its own stdio; runc's errors for a
// terminal without a socket and a socket without a terminal; and a
// /dev/console symlink planted in the image (the CVE-2025-52565 class).
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A StatusOr that is OK and holds a value matching `expected`.
MATCHER_P(IsOkAndHolds, expected,
          "is OK and holds " + testing::PrintToString(expected)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return testing::ExplainMatchResult(expected, *arg, result_listener);
}

constexpr char kId[] = "tty";
// Relative to the test's directory (its cwd while the test runs): an
// absolute path under $TEST_TMPDIR can exceed sun_path's 108 bytes. runbox,
// like runc, resolves it against its own cwd.
constexpr char kSocket[] = "console.sock";
// A safety net for a broken runtime, never a wait for something to happen
// (virtual time on the fake).
constexpr absl::Duration kStuck = absl::Seconds(60);

// runc's default config (which has terminal: true) running `args`, with a
// consoleSize when `terminal`. With `image_dev`, no tmpfs on /dev: the
// image's own /dev shows, as with configs that bind one in.
nlohmann::json ConfigJson(const std::vector<std::string>& args, bool terminal,
                          bool image_dev = false) {
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = terminal;
  config.process->args = args;
  if (terminal) {
    config.process->console_size = spec::ConsoleSize{.height = 31, .width = 97};
  }
  if (image_dev) {
    std::erase_if(config.mounts,
                  [](const spec::Mount& m) { return m.destination == "/dev"; });
  }
  return nlohmann::json::parse(spec::SerializeConfig(config));
}

absl::Status MkdirP(Host& host, const std::string& path) {
  absl::Status s = host.MkdirAt(Fd::Cwd(), path, 0755);
  return IsErrno(s, EEXIST) ? absl::OkStatus() : s;
}

// A busybox bundle at `bundle` with `config`. runbox mounts what the
// console needs from config.json: devpts on /dev/pts with /dev/ptmx ->
// pts/ptmx (the container's own ptys), and /proc (for /proc/self/fd).
absl::Status MakeBundle(Host& host, const DualHost& env,
                        const std::string& bundle,
                        const nlohmann::json& config) {
  const std::string rootfs = absl::StrCat(bundle, "/rootfs");
  RETURN_IF_ERROR(MakeBusyboxRootfs(host, env.ProgramPath("busybox"), rootfs));
  RETURN_IF_ERROR(MkdirP(host, absl::StrCat(rootfs, "/dev")));
  return WriteFile(host, absl::StrCat(bundle, "/config.json"), config.dump(2));
}

// What an engine gets on its console socket.
struct Console {
  std::string name;  // The replica's, "/dev/pts/N".
  Fd master;
};

absl::StatusOr<Console> AcceptConsole(Host& host, const Fd& listener) {
  PollFd poll{&listener, PollEvents::kIn};
  ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&poll, 1), kStuck));
  if (ready == 0) return absl::DeadlineExceededError("no console connection");
  ASSIGN_OR_RETURN(Fd connection, host.Accept(listener));
  ASSIGN_OR_RETURN(ReceivedMessage msg, host.RecvMsg(connection, 4096, 4));
  if (msg.fds.size() != 1) {
    return absl::InternalError(
        absl::StrCat("got ", msg.fds.size(), " fds with \"", msg.bytes, "\""));
  }
  return Console{msg.bytes, std::move(msg.fds[0])};
}

// Reads the master until `want` has appeared; returns all it read.
absl::StatusOr<std::string> ReadUntil(Host& host, const Fd& master,
                                      absl::string_view want) {
  std::string seen;
  char buf[1024];
  while (!absl::StrContains(seen, want)) {
    PollFd poll{&master, PollEvents::kIn};
    ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&poll, 1), kStuck));
    if (ready == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no \"", want, "\" on the console; read \"", seen, "\""));
    }
    absl::StatusOr<size_t> n = host.Read(master, absl::MakeSpan(buf));
    if (IsErrno(n, EAGAIN) || IsErrno(n, EINTR)) continue;
    if (!n.ok())
      return Annotate(n.status(), absl::StrCat("read \"", seen, "\""));
    if (*n == 0)
      return absl::OutOfRangeError(absl::StrCat("EOF after \"", seen, "\""));
    seen.append(buf, *n);
  }
  return seen;
}

class ConsoleTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }

  // Runs `body` with the test's directory as cwd, root on Linux.
  void Run(std::function<void(Host&, const std::string& dir)> body) {
    SCOPED_TRACE(env().ReplayHint(env().seed()));
    env().Run([&](Host& host, const std::string& dir) {
      if (!IsFake() && host.GetUid() != 0)
        GTEST_SKIP() << "needs root on Linux";
      ASSERT_OK(host.SetChildSubreaper());
      ASSERT_OK_AND_ASSIGN(
          Fd old_cwd,
          host.OpenAt(Fd::Cwd(), ".", {.flags = OpenFlags::kDirectory}));
      ASSERT_OK_AND_ASSIGN(
          Fd here,
          host.OpenAt(Fd::Cwd(), dir, {.flags = OpenFlags::kDirectory}));
      ASSERT_OK(host.Fchdir(here));
      absl::Cleanup back = [&] { (void)host.Fchdir(old_cwd); };
      body(host, dir);
      ReapExited(host);
    });
  }

  Output Runbox(Host& host, const std::string& dir,
                std::vector<std::string> args) {
    args.insert(args.begin(), {"--root", absl::StrCat(dir, "/state")});
    return RunRunbox(env(), host, args);
  }

  static absl::StatusOr<Fd> Listen(Host& host, const std::string& path) {
    ASSIGN_OR_RETURN(Fd listener, host.Socket(SocketType::kStream));
    RETURN_IF_ERROR(host.Bind(listener, path));
    RETURN_IF_ERROR(host.Listen(listener, 4));
    return listener;
  }
};

// The "Done when": `runbox run` with terminal: true and a console
// socket gives an interactive shell. $((1+2)) shows the shell ran the line:
// the terminal's echo of the input says "hi-$((1+2))", never "hi-3".
TEST_P(ConsoleTest, RunWithAConsoleSocketGivesAnInteractiveShell) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBundle(host, env(), bundle, ConfigJson({"/bin/sh"}, true)));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listen(host, kSocket));

    Output run = Runbox(
        host, dir,
        {"run", "-d", "--console-socket", kSocket, "--bundle", bundle, kId});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK_AND_ASSIGN(Console console, AcceptConsole(host, listener));
    EXPECT_THAT(console.name, StartsWith("/dev/pts/"));
    // consoleSize {height: 31, width: 97}, as the shell's `stty size` sees.
    EXPECT_THAT(host.GetWindowSize(console.master),
                IsOkAndHolds(WindowSize{31, 97}));

    ASSERT_OK(WriteAll(host, console.master, "echo hi-$((1+2))\n"));
    EXPECT_OK(ReadUntil(host, console.master, "hi-3").status());
    ASSERT_OK(WriteAll(host, console.master, "exit 3\n"));
    Output wait = Runbox(host, dir, {"wait", kId});
    EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "3\n") << wait.Describe();
    Output del = Runbox(host, dir, {"delete", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
  });
}

// `runbox exec --tty --console-socket`: a second console, for the exec'd
// process, in a container that has none.
TEST_P(ConsoleTest, ExecTtyWithAConsoleSocket) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBundle(host, env(), bundle,
                         ConfigJson({"/bin/sleep", "100000"}, false)));
    Output run = Runbox(host, dir, {"run", "-d", "--bundle", bundle, kId});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK_AND_ASSIGN(Fd listener, Listen(host, kSocket));

    const std::string pid_file = absl::StrCat(dir, "/exec.pid");
    Output exec = Runbox(host, dir,
                         {"exec", "-d", "-t", "--console-socket", kSocket,
                          "--pid-file", pid_file, kId, "/bin/sh"});
    ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    ASSERT_OK_AND_ASSIGN(std::string pid_text, ReadFile(host, pid_file));
    Pid pid;
    ASSERT_TRUE(absl::SimpleAtoi(pid_text, &pid.value)) << pid_text;
    ASSERT_OK_AND_ASSIGN(Console console, AcceptConsole(host, listener));
    EXPECT_THAT(console.name, StartsWith("/dev/pts/"));

    ASSERT_OK(WriteAll(host, console.master, "echo ex-$((2+5))\n"));
    EXPECT_OK(ReadUntil(host, console.master, "ex-7").status());
    ASSERT_OK(WriteAll(host, console.master, "exit 4\n"));
    // `runbox exec -d` has exited: the process reparented to us.
    absl::StatusOr<std::optional<WaitResult>> waited;
    do {
      waited = host.Wait(pid, WaitFlags::kNone);
    } while (IsErrno(waited, EINTR));
    ASSERT_OK(waited.status());
    ASSERT_TRUE(waited->has_value());
    EXPECT_EQ((*waited)->status, ExitStatus::Exited(4));

    Output del = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
  });
}

// `runbox ARGS...` with `input` on its stdin (then EOF); stdout and stderr
// together in `out`.
absl::StatusOr<Output> RunboxWithInput(const DualHost& env, Host& host,
                                       const std::string& dir,
                                       std::vector<std::string> args,
                                       absl::string_view input) {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  RETURN_IF_ERROR(WriteAll(host, in.write, input));  // Fits the pipe.
  in.write.Reset();
  SpawnRequest request;
  request.path = env.ProgramPath("runbox");
  request.argv = {"runbox", "--root", absl::StrCat(dir, "/state")};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.env = host.Environment();
  request.fds = {{&in.read, 0}, {&out.write, 1}, {&out.write, 2}};
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(request));
  in.read.Reset();
  out.write.Reset();
  Output result;
  // EOF once runbox and the supervisor it started are gone.
  while (true) {
    PollFd poll{&out.read, PollEvents::kIn};
    ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&poll, 1), kStuck));
    if (ready == 0) {
      (void)host.Kill(child.pid, Signal::kKill);
      result.out.append("\n[test: no EOF, killed runbox]");
      break;
    }
    char buf[4096];
    ASSIGN_OR_RETURN(size_t n, host.Read(out.read, absl::MakeSpan(buf)));
    if (n == 0) break;
    result.out.append(buf, n);
  }
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host.Wait(child.pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  RETURN_IF_ERROR(waited.status());
  if (!waited->has_value()) return absl::InternalError("wait: no status");
  result.status = (*waited)->status;
  return result;
}

// `runbox run` in the foreground with a terminal and no --console-socket:
// runbox holds the pty itself and relays it to its own stdin and stdout,
// as runc does; its exit code is the container's.
TEST_P(ConsoleTest, ForegroundRunRelaysTheTerminal) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBundle(host, env(), bundle, ConfigJson({"/bin/sh"}, true)));
    ASSERT_OK_AND_ASSIGN(
        Output run,
        RunboxWithInput(env(), host, dir, {"run", "--bundle", bundle, kId},
                        "echo hi-$((1+2))\nexit 3\n"));
    EXPECT_EQ(run.status, ExitStatus::Exited(3)) << run.Describe();
    EXPECT_THAT(run.out, HasSubstr("hi-3")) << run.Describe();
    Output list = Runbox(host, dir, {"list", "-q"});
    EXPECT_EQ(list.out, "") << list.Describe();
  });
}

// `runbox exec -t` in the foreground: the same, for an exec'd process.
TEST_P(ConsoleTest, ForegroundExecTtyRelaysTheTerminal) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBundle(host, env(), bundle,
                         ConfigJson({"/bin/sleep", "100000"}, false)));
    Output run = Runbox(host, dir, {"run", "-d", "--bundle", bundle, kId});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK_AND_ASSIGN(
        Output exec,
        RunboxWithInput(env(), host, dir, {"exec", "-t", kId, "/bin/sh"},
                        "echo ex-$((2+5))\nexit 4\n"));
    EXPECT_EQ(exec.status, ExitStatus::Exited(4)) << exec.Describe();
    EXPECT_THAT(exec.out, HasSubstr("ex-7")) << exec.Describe();
    Output del = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
  });
}

// `create` with a console socket as containerd's runc shim (so dockerd)
// runs it: the shim reads create's stdout and stderr to EOF before it calls
// `start`, so once create has exited nothing may hold them (init has the
// console). The supervisor used to keep its copies for the container's
// whole life, and `docker run -t` hung before start.
TEST_P(ConsoleTest, CreateWithAConsoleLeavesNoHoldOnItsOutput) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBundle(host, env(), bundle, ConfigJson({"/bin/sh"}, true)));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listen(host, kSocket));
    ASSERT_OK_AND_ASSIGN(
        Output create,
        RunboxWithInput(
            env(), host, dir,
            {"create", "--console-socket", kSocket, "--bundle", bundle, kId},
            ""));
    EXPECT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_EQ(create.out, "") << create.Describe();
    ASSERT_OK_AND_ASSIGN(Console console, AcceptConsole(host, listener));
    EXPECT_THAT(console.name, StartsWith("/dev/pts/"));
    Output del = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
  });
}

// runc's checkTerminal, before any side effect: nothing is left behind.
TEST_P(ConsoleTest, TerminalAndConsoleSocketMustGoTogether) {
  Run([&](Host& host, const std::string& dir) {
    const std::string tty = absl::StrCat(dir, "/tty");
    const std::string plain = absl::StrCat(dir, "/plain");
    for (const auto& [bundle, terminal] :
         {std::pair{tty, true}, std::pair{plain, false}}) {
      ASSERT_OK(MkdirP(host, bundle));
      ASSERT_OK(WriteFile(host, absl::StrCat(bundle, "/config.json"),
                          ConfigJson({"/bin/true"}, terminal).dump(2)));
    }
    Output create = Runbox(host, dir, {"create", "--bundle", tty, kId});
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("cannot allocate tty if runbox will "
                                      "detach without setting console socket"));
    Output run_d = Runbox(host, dir, {"run", "-d", "--bundle", tty, kId});
    EXPECT_EQ(run_d.status, ExitStatus::Exited(1)) << run_d.Describe();
    EXPECT_THAT(run_d.err, HasSubstr("cannot allocate tty"));

    Output with_socket =
        Runbox(host, dir,
               {"create", "--console-socket", kSocket, "--bundle", plain, kId});
    EXPECT_EQ(with_socket.status, ExitStatus::Exited(1))
        << with_socket.Describe();
    EXPECT_THAT(with_socket.err,
                HasSubstr("cannot use console socket if runbox will not "
                          "detach or allocate tty"));
    Output foreground = Runbox(
        host, dir, {"run", "--console-socket", kSocket, "--bundle", tty, kId});
    EXPECT_EQ(foreground.status, ExitStatus::Exited(1))
        << foreground.Describe();
    EXPECT_THAT(foreground.err, HasSubstr("cannot use console socket"));

    // exec checks before it looks for the container.
    const std::string process = absl::StrCat(dir, "/process.json");
    nlohmann::json p = ConfigJson({"/bin/sh"}, true)["process"];
    ASSERT_OK(WriteFile(host, process, p.dump()));
    Output exec = Runbox(host, dir, {"exec", "-d", "--process", process, kId});
    // runc: "exec failed: ...", exit 255.
    EXPECT_EQ(exec.status, ExitStatus::Exited(255)) << exec.Describe();
    EXPECT_THAT(exec.err, HasSubstr("cannot allocate tty"));
    p["terminal"] = false;
    ASSERT_OK(WriteFile(host, process, p.dump()));
    Output exec_socket = Runbox(
        host, dir,
        {"exec", "-d", "--console-socket", kSocket, "--process", process, kId});
    EXPECT_EQ(exec_socket.status, ExitStatus::Exited(255))
        << exec_socket.Describe();
    EXPECT_THAT(exec_socket.err, HasSubstr("cannot use console socket"));

    // Nobody listens there: create fails, and undoes what it made.
    Output nobody = Runbox(
        host, dir,
        {"create", "--console-socket", "nobody.sock", "--bundle", tty, kId});
    EXPECT_EQ(nobody.status, ExitStatus::Exited(1)) << nobody.Describe();
    EXPECT_THAT(nobody.err,
                HasSubstr("connect to console socket \"nobody.sock\""));

    // None of them made a container.
    Output list = Runbox(host, dir, {"list", "-q"});
    EXPECT_EQ(list.status, ExitStatus::Exited(0)) << list.Describe();
    EXPECT_EQ(list.out, "") << list.Describe();
  });
}

// The image plants /dev/console as a symlink (here to /victim, a file in
// the rootfs; in the CVE-2025-52565 attack, /proc/sysrq-trigger or another
// path the container must not get a writable mount over). runbox refuses
// the container and mounts nothing. The unsafe variant this catches is a
// mount by path,
//   host.Mount("/dev/pts/N", "/dev/console", "", MountFlags::kBind, "")
// which follows the symlink: create would succeed with the pty over
// /victim. runtime/sandbox/console_test.cc checks the mount table itself.
TEST_P(ConsoleTest, ConsoleSymlinkInTheImageIsRefused) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBundle(host, env(), bundle,
                         ConfigJson({"/bin/sh"}, true, /*image_dev=*/true)));
    const std::string rootfs = absl::StrCat(bundle, "/rootfs");
    ASSERT_OK(WriteFile(host, absl::StrCat(rootfs, "/victim"), "victim\n"));
    ASSERT_OK_AND_ASSIGN(Fd dev,
                         host.OpenAt(Fd::Cwd(), absl::StrCat(rootfs, "/dev"),
                                     {.flags = OpenFlags::kDirectory}));
    ASSERT_OK(host.SymlinkAt("../../../../../../victim", dev, "console"));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listen(host, kSocket));

    Output create = Runbox(
        host, dir,
        {"create", "--console-socket", kSocket, "--bundle", bundle, kId});
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("/dev/console")) << create.Describe();
    EXPECT_THAT(ReadFile(host, absl::StrCat(rootfs, "/victim")),
                IsOkAndHolds("victim\n"));
    // No console was handed out: the connection closes without a master.
    ASSERT_OK_AND_ASSIGN(Fd connection, host.Accept(listener));
    ASSERT_OK_AND_ASSIGN(ReceivedMessage msg,
                         host.RecvMsg(connection, 4096, 4));
    EXPECT_TRUE(msg.fds.empty());
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> mounts, host.ListMounts());
    for (const MountInfo& m : mounts) {
      EXPECT_FALSE(absl::EndsWith(m.mount_point, "/victim")) << m.mount_point;
    }
    Output list = Runbox(host, dir, {"list", "-q"});
    EXPECT_EQ(list.out, "") << list.Describe();
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConsoleTest);

}  // namespace
}  // namespace runbox
