// The engine harness on its own: Run (output, stdin, exit codes, the
// timeout), the argv-recording wrapper's encoding round trip, and the
// busybox rootfs. No engine or root needed.
#include "runtime/cli/engines/engine_harness.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/testing/cli_runner.h"

namespace runbox::engines {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RunTest, CapturesOutputAndExitCode) {
  absl::StatusOr<CommandResult> r =
      engines::Run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(RunTest, SignalGivesShellCode) {
  absl::StatusOr<CommandResult> r =
      engines::Run({"/bin/sh", "-c", "kill -9 $$"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 128 + 9);
}

TEST(RunTest, FeedsStdinAndEnv) {
  absl::StatusOr<CommandResult> r = engines::Run(
      {"/bin/sh", "-c", "cat; echo \"$HARNESS_VALUE\""},
      {.extra_env = {"HARNESS_VALUE=v1"}, .stdin_text = "line one\n"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out, "line one\nv1\n");
}

TEST(RunTest, KillsAfterTimeout) {
  // A command that never exits on its own.
  absl::StatusOr<CommandResult> r =
      engines::Run({"/bin/sh", "-c", "echo started; while :; do :; done"},
                   {.timeout = absl::Milliseconds(50)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("killed after"));
}

TEST(WrapperTest, RecordsArgsUnambiguously) {
  const std::string dir = MakeTempDir("harness");
  ASSERT_FALSE(dir.empty());
  const std::string wrapper = WriteRunboxWrapper(dir);
  const std::vector<std::string> args = {
      "--root", "/x y", "state", "", "50%", "%20", "t\tab", "l\nf", "c\rr"};
  std::vector<std::string> argv = {wrapper};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r = engines::Run(argv);
  ASSERT_TRUE(r.ok()) << r.status();
  // runbox ran (and refused the made-up state query).
  EXPECT_NE(r->exit_code, 127) << r->Describe();
  absl::StatusOr<CommandResult> second = engines::Run({wrapper, "--version"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->exit_code, 0) << second->Describe();
  EXPECT_THAT(RecordedCalls(dir),
              ElementsAre(args, std::vector<std::string>{"--version"}));
  EXPECT_EQ(FormatCalls({{"kill", "c1", "15"}}), "runbox kill c1 15\n");
}

TEST(RootfsTest, BusyboxRootfsAndTar) {
  const std::string dir = MakeTempDir("harness-rootfs");
  ASSERT_FALSE(dir.empty());
  const std::string rootfs = absl::StrCat(dir, "/rootfs");
  absl::Status made = MakeBusyboxRootfs(rootfs);
  if (IsErrno(made, ENOENT)) GTEST_SKIP() << "needs /bin/busybox";
  ASSERT_TRUE(made.ok()) << made;
  absl::StatusOr<CommandResult> r =
      engines::Run({absl::StrCat(rootfs, "/bin/sh"), "-c", "echo hi"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, "hi\n");
  LinuxHost host;
  absl::StatusOr<std::string> passwd =
      ReadFile(host, absl::StrCat(rootfs, "/etc/passwd"));
  ASSERT_TRUE(passwd.ok()) << passwd.status();
  EXPECT_THAT(*passwd, HasSubstr("root:x:0:0:"));
  EXPECT_THAT(*passwd, HasSubstr("nobody:x:65534:"));
  const std::string tar = absl::StrCat(dir, "/rootfs.tar");
  absl::Status tarred = TarDirectory(rootfs, tar);
  ASSERT_TRUE(tarred.ok()) << tarred;
  absl::StatusOr<CommandResult> list =
      engines::Run({"/usr/bin/tar", "-tf", tar});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(list->out, HasSubstr("./bin/busybox"));
  EXPECT_THAT(list->out, HasSubstr("./etc/group"));
}

}  // namespace
}  // namespace runbox::engines
