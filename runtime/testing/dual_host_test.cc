// Tests of the DualHost harness itself, on both hosts: the body's fresh
// directory, child functions with arguments and exit codes, the start gate
// of RunConcurrently, seeds and fake-only kernels.
#include "runtime/testing/dual_host.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// args: exit code.
DUAL_HOST_CHILD(ExitWith) {
  int code = 0;
  if (args.size() != 1 || !absl::SimpleAtoi(args[0], &code)) return 100;
  return code;
}

// args: dir, name, text: writes text to dir/name.
DUAL_HOST_CHILD(WriteFile) {
  if (args.size() != 3) return 100;
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), args[0], {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) return 1;
  return AtomicWriteFileAt(host, *dir, args[1], args[2], 0644).ok() ? 0 : 2;
}

using DualHostHarnessTest = DualHostTest;

TEST_P(DualHostHarnessTest, BodyGetsAFreshEmptyDirectory) {
  bool ran = false;
  env().Run([&](Host& host, const std::string& dir) {
    ran = true;
    EXPECT_TRUE(absl::StartsWith(dir, "/")) << dir;
    ASSERT_OK_AND_ASSIGN(
        Fd fd, host.OpenAt(Fd::Cwd(), dir, {.flags = OpenFlags::kDirectory}));
    ASSERT_OK_AND_ASSIGN(std::vector<DirEntry> entries, host.ReadDir(fd));
    EXPECT_THAT(entries, IsEmpty());
  });
  EXPECT_TRUE(ran);
}

TEST_P(DualHostHarnessTest, ChildRunsRegisteredFunctionWithArgs) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        env().SpawnChild(host, {"WriteFile", {dir, "out", "hello"}}));
    ASSERT_OK_AND_ASSIGN(std::optional<WaitResult> r,
                         host.Wait(child.pid, WaitFlags::kNone));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, ExitStatus::Exited(0));
    ASSERT_OK_AND_ASSIGN(
        Fd fd, host.OpenAt(Fd::Cwd(), dir, {.flags = OpenFlags::kDirectory}));
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFileAt(host, fd, "out", 100));
    EXPECT_EQ(text, "hello");
  });
}

TEST_P(DualHostHarnessTest, UnknownChildFunctionExits126) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         env().SpawnChild(host, {"NoSuchFunction", {}}));
    ASSERT_OK_AND_ASSIGN(std::optional<WaitResult> r,
                         host.Wait(child.pid, WaitFlags::kNone));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, ExitStatus::Exited(126));
  });
}

TEST_P(DualHostHarnessTest, RunConcurrentlyReturnsStatusesInOrder) {
  env().Run([&](Host& host, const std::string& dir) {
    std::vector<ChildCall> calls;
    for (int i = 0; i < 5; ++i) {
      calls.push_back({"ExitWith", {absl::StrCat(i * 10)}});
    }
    ASSERT_OK_AND_ASSIGN(std::vector<ExitStatus> statuses,
                         env().RunConcurrently(host, calls));
    EXPECT_THAT(statuses,
                ElementsAre(ExitStatus::Exited(0), ExitStatus::Exited(10),
                            ExitStatus::Exited(20), ExitStatus::Exited(30),
                            ExitStatus::Exited(40)));
  });
}

TEST_P(DualHostHarnessTest, RegisteredProgramRunsOnBothHosts) {
  if (!IsFake()) {
    // On Linux a registered program is an executable path; /bin/true is
    // one every test machine has.
    env().RegisterProgram("true", nullptr, "/bin/true");
  } else {
    env().RegisterProgram(
        "true", [](Host&, const std::vector<std::string>&) { return 0; }, "");
  }
  env().Run([&](Host& host, const std::string& dir) {
    SpawnRequest request;
    request.path = env().ProgramPath("true");
    request.argv = {request.path};
    ASSERT_OK_AND_ASSIGN(SpawnResult child, host.Spawn(request));
    ASSERT_OK_AND_ASSIGN(std::optional<WaitResult> r,
                         host.Wait(child.pid, WaitFlags::kNone));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, ExitStatus::Exited(0));
  });
}

TEST_P(DualHostHarnessTest, FakeKernelOnlyOnTheFake) {
  std::unique_ptr<fake::FakeKernel> kernel = env().NewFakeKernel();
  EXPECT_EQ(kernel != nullptr, IsFake());
}

TEST(SeedsToRunTest, CountsFromOneWithoutOverride) {
  if (SeedOverride().has_value()) {
    EXPECT_THAT(SeedsToRun(3), ElementsAre(*SeedOverride()));
  } else {
    EXPECT_THAT(SeedsToRun(3), ElementsAre(1, 2, 3));
  }
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(DualHostHarnessTest);

}  // namespace
}  // namespace runbox
