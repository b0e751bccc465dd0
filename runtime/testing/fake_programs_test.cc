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

INSTANTIATE_DUAL_HOST_TEST_SUITE(FakeProgramsTest);

}  // namespace
}  // namespace runbox
