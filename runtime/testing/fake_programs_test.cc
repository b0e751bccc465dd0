// The fake busybox behaves like the real one for what suites use: the same
// commands, run from a rootfs MakeBusyboxRootfs built, give the same output
// and exit codes on Linux (/bin/busybox) and on the fake.
#include "runtime/testing/fake_programs.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

struct Result {
  ExitStatus status;
  std::string out;
};

// Runs `argv` from `path` with `input` on stdin and returns its stdout.
// The programs here start no children, so EOF on stdout means exited.
absl::StatusOr<Result> RunWithInput(Host& host, const std::string& path,
                                    const std::vector<std::string>& argv,
                                    absl::string_view input = "") {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  SpawnRequest request;
  request.path = path;
  request.argv = argv;
  request.fds = {{&in.read, 0}, {&out.write, 1}};
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(request));
  in.read.Reset();
  out.write.Reset();
  // Small inputs fit the pipe buffer on both hosts.
  RETURN_IF_ERROR(WriteAll(host, in.write, input));
  in.write.Reset();
  Result result;
  ASSIGN_OR_RETURN(result.out, ReadAll(host, out.read));
  ASSIGN_OR_RETURN(std::optional<WaitResult> waited,
                   host.Wait(child.pid, WaitFlags::kNone));
  if (!waited.has_value()) return absl::InternalError("no wait status");
  result.status = waited->status;
  return result;
}

class FakeProgramsTest : public DualHostTest {
 protected:
  void SetUp() override {
    env().RegisterProgram(std::string(kFakeBusyboxProgram), FakeBusybox(),
                          "/bin/busybox");
  }
};

TEST_P(FakeProgramsTest, AppletsFromARootfs) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    std::string bin = absl::StrCat(rootfs, "/bin/");

    ASSERT_OK_AND_ASSIGN(Result echo, RunWithInput(host, bin + "echo",
                                                   {"echo", "hello", "world"}));
    EXPECT_EQ(echo.status, ExitStatus::Exited(0));
    EXPECT_EQ(echo.out, "hello world\n");

    ASSERT_OK_AND_ASSIGN(
        Result script,
        RunWithInput(
            host, bin + "sh",
            {"sh", "-c", "echo 'a  b'; echo -n c; echo \"d\"; exit 3"}));
    EXPECT_EQ(script.status, ExitStatus::Exited(3));
    EXPECT_EQ(script.out, "a  b\ncd\n");

    ASSERT_OK_AND_ASSIGN(Result cat,
                         RunWithInput(host, bin + "cat", {"cat"}, "in\n"));
    EXPECT_EQ(cat.status, ExitStatus::Exited(0));
    EXPECT_EQ(cat.out, "in\n");

    ASSERT_OK_AND_ASSIGN(
        Result last,
        RunWithInput(host, bin + "sh", {"sh", "-c", "true; false"}));
    EXPECT_EQ(last.status, ExitStatus::Exited(1));

    ASSERT_OK_AND_ASSIGN(
        Result sleep,
        RunWithInput(host, bin + "sh", {"sh", "-c", "sleep 0; exit"}));
    EXPECT_EQ(sleep.status, ExitStatus::Exited(0));

    ASSERT_OK_AND_ASSIGN(
        Result missing,
        RunWithInput(host, bin + "sh", {"sh", "-c", "no-such-cmd"}));
    EXPECT_EQ(missing.status, ExitStatus::Exited(127));

    // `sh` reads its commands from stdin (a console's shell), with $((...)).
    ASSERT_OK_AND_ASSIGN(
        Result stdin_sh,
        RunWithInput(host, bin + "sh", {"sh"},
                     "echo hi-$((1+2)) $((10-4+1))\nexit 5\necho never\n"));
    EXPECT_EQ(stdin_sh.status, ExitStatus::Exited(5));
    EXPECT_EQ(stdin_sh.out, "hi-3 7\n");
  });
}

// A program started with stdin, stdout and stderr pipes.
struct Started {
  Pid pid;
  Fd in;
  Fd out;
  Fd err;
};

absl::StatusOr<Started> Start(Host& host, const std::string& path,
                              const std::vector<std::string>& argv) {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds err, host.Pipe());
  SpawnRequest request;
  request.path = path;
  request.argv = argv;
  request.fds = {{&in.read, 0}, {&out.write, 1}, {&err.write, 2}};
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(request));
  return Started{child.pid, std::move(in.write), std::move(out.read),
                 std::move(err.read)};
}

struct Finished {
  ExitStatus status;
  std::string out;
  std::string err;
};

// Gives `input` (then EOF) on stdin (the program must read it, or the
// write may raise SIGPIPE), reads stdout and stderr to EOF (small
// outputs: each fits its pipe) and reaps.
absl::StatusOr<Finished> Finish(Host& host, Started started,
                                absl::string_view input = "") {
  RETURN_IF_ERROR(WriteAll(host, started.in, input));
  started.in.Reset();
  Finished f;
  ASSIGN_OR_RETURN(f.out, ReadAll(host, started.out));
  ASSIGN_OR_RETURN(f.err, ReadAll(host, started.err));
  ASSIGN_OR_RETURN(std::optional<WaitResult> waited,
                   host.Wait(started.pid, WaitFlags::kNone));
  if (!waited.has_value()) return absl::InternalError("no wait status");
  f.status = waited->status;
  return f;
}

// A loopback port nothing listens on now (on Linux the test shares the
// machine's network namespace, and maybe the port range with a concurrent
// run of itself). `reserve`, when given, keeps it bound
// (without listening), so it stays closed.
absl::StatusOr<uint16_t> FreePort(Host& host, Fd* reserve = nullptr) {
  // From a random start, so concurrent runs rarely try the same ports.
  const uint64_t start = host.RandomUint64() % 1000;
  for (uint64_t i = 0; i < 1000; ++i) {
    const auto port = static_cast<uint16_t>(21000 + (start + i) % 1000);
    ASSIGN_OR_RETURN(Fd sock, host.TcpSocket());
    absl::Status bound = host.BindLoopback(sock, port);
    if (IsErrno(bound, EADDRINUSE)) continue;
    RETURN_IF_ERROR(bound);
    if (!host.Listen(sock, 1).ok()) continue;
    if (reserve != nullptr) {
      // A fresh socket that binds but never listens.
      RETURN_IF_ERROR(host.Close(std::move(sock)));
      ASSIGN_OR_RETURN(*reserve, host.TcpSocket());
      RETURN_IF_ERROR(host.BindLoopback(*reserve, port));
    }
    return port;
  }
  return absl::UnavailableError("no free loopback port in 21000-21999");
}

// Runs `sh -c SCRIPT` until its nc connects: a listener started just
// before may not listen yet (refused). Bounded: the listener is running.
absl::StatusOr<Finished> RunClient(Host& host, const std::string& sh,
                                   const std::string& script) {
  absl::StatusOr<Finished> f;
  for (int attempt = 0; attempt < 10000; ++attempt) {
    ASSIGN_OR_RETURN(Started client, Start(host, sh, {"sh", "-c", script}));
    f = Finish(host, std::move(client));
    if (!f.ok() || f->status != ExitStatus::Exited(1) ||
        f->err.find("Connection refused") == std::string::npos) {
      return f;
    }
  }
  return f;
}

TEST_P(FakeProgramsTest, NcListenerGetsWhatAClientPipesIn) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    std::string bin = absl::StrCat(rootfs, "/bin/");
    ASSERT_OK_AND_ASSIGN(uint16_t port, FreePort(host));
    ASSERT_OK_AND_ASSIGN(
        Started listener,
        Start(host, bin + "nc", {"nc", "-l", "-p", absl::StrCat(port)}));
    ASSERT_OK_AND_ASSIGN(
        Finished client,
        RunClient(host, bin + "sh",
                  absl::StrCat("echo hello | nc 127.0.0.1 ", port)));
    EXPECT_EQ(client.status, ExitStatus::Exited(0)) << client.err;
    EXPECT_EQ(client.out, "");
    ASSERT_OK_AND_ASSIGN(Finished served, Finish(host, std::move(listener)));
    EXPECT_EQ(served.status, ExitStatus::Exited(0)) << served.err;
    EXPECT_EQ(served.out, "hello\n");
  });
}

TEST_P(FakeProgramsTest, NcListenerAnswersWhatItsStdinHolds) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    std::string bin = absl::StrCat(rootfs, "/bin/");
    ASSERT_OK_AND_ASSIGN(uint16_t port, FreePort(host));
    ASSERT_OK_AND_ASSIGN(
        Started listener,
        Start(host, bin + "sh",
              {"sh", "-c", absl::StrCat("echo pong | nc -l -p ", port)}));
    // The client's stdin stays open until it has the answer, so the
    // listener cannot see our EOF before it has sent "pong". Retried while
    // refused (the listener may not listen yet).
    std::string answer;
    Finished client;
    for (int attempt = 0; attempt < 10000; ++attempt) {
      ASSERT_OK_AND_ASSIGN(
          Started started,
          Start(host, bin + "nc", {"nc", "127.0.0.1", absl::StrCat(port)}));
      ASSERT_OK_AND_ASSIGN(answer, ReadAll(host, started.out));
      ASSERT_OK_AND_ASSIGN(client, Finish(host, std::move(started)));
      if (client.status == ExitStatus::Exited(0)) break;
    }
    EXPECT_EQ(client.status, ExitStatus::Exited(0)) << client.err;
    EXPECT_EQ(answer, "pong\n");
    ASSERT_OK_AND_ASSIGN(Finished served, Finish(host, std::move(listener)));
    EXPECT_EQ(served.status, ExitStatus::Exited(0)) << served.err;
    EXPECT_EQ(served.out, "");
  });
}

TEST_P(FakeProgramsTest, NcClientIsRefusedWithoutAListener) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    Fd reserved;
    ASSERT_OK_AND_ASSIGN(uint16_t port, FreePort(host, &reserved));
    ASSERT_OK_AND_ASSIGN(Started client,
                         Start(host, absl::StrCat(rootfs, "/bin/nc"),
                               {"nc", "127.0.0.1", absl::StrCat(port)}));
    // No input: nc exits at once, and a write to its stdin could SIGPIPE.
    ASSERT_OK_AND_ASSIGN(Finished f, Finish(host, std::move(client)));
    EXPECT_EQ(f.status, ExitStatus::Exited(1));
    EXPECT_EQ(f.out, "");
    EXPECT_EQ(f.err,
              "nc: can't connect to remote host (127.0.0.1): Connection "
              "refused\n");
  });
}

TEST_P(FakeProgramsTest, ShPipesOneCommandIntoAnother) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    ASSERT_OK_AND_ASSIGN(
        Result piped,
        RunWithInput(host, absl::StrCat(rootfs, "/bin/sh"),
                     {"sh", "-c", "echo a  b | cat; echo after | false"}));
    EXPECT_EQ(piped.status, ExitStatus::Exited(1));
    EXPECT_EQ(piped.out, "a b\n");
  });
}

TEST_P(FakeProgramsTest, ShChainsWithAndAndOr) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    ASSERT_OK_AND_ASSIGN(
        Result chained,
        RunWithInput(host, absl::StrCat(rootfs, "/bin/sh"),
                     {"sh", "-c",
                      "true && echo one; false && echo two; false || echo "
                      "three; true || echo four; false && echo five || echo "
                      "six"}));
    EXPECT_EQ(chained.status, ExitStatus::Exited(0));
    EXPECT_EQ(chained.out, "one\nthree\nsix\n");
  });
}

TEST_P(FakeProgramsTest, ShRunsAListenerInTheBackground) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    std::string bin = absl::StrCat(rootfs, "/bin/");
    ASSERT_OK_AND_ASSIGN(uint16_t port, FreePort(host));
    // The shell exits at once; the listener keeps its stdout.
    ASSERT_OK_AND_ASSIGN(
        Started shell,
        Start(
            host, bin + "sh",
            {"sh", "-c", absl::StrCat("nc -l -p ", port, " & echo started")}));
    ASSERT_OK_AND_ASSIGN(
        Finished client,
        RunClient(host, bin + "sh",
                  absl::StrCat("echo from-client | nc 127.0.0.1 ", port)));
    EXPECT_EQ(client.status, ExitStatus::Exited(0)) << client.err;
    ASSERT_OK_AND_ASSIGN(Finished f, Finish(host, std::move(shell)));
    EXPECT_EQ(f.status, ExitStatus::Exited(0)) << f.err;
    // The two writers race on Linux.
    EXPECT_THAT(f.out, ::testing::AnyOf("started\nfrom-client\n",
                                        "from-client\nstarted\n"));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(FakeProgramsTest);

}  // namespace
}  // namespace runbox
