// Errno payloads survive annotation; signal names parse both ways.
#include "hostapi/status.h"

#include <cerrno>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "hostapi/types.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;

TEST(ErrnoErrorTest, KeepsErrnoThatTheCodeCannotTell) {
  absl::Status enoent = ErrnoError(ENOENT, "open \"meta.json\"");
  absl::Status esrch = ErrnoError(ESRCH, "kill 42");
  EXPECT_EQ(enoent.code(), esrch.code());
  EXPECT_THAT(enoent, HasErrno(ENOENT));
  EXPECT_THAT(esrch, HasErrno(ESRCH));
  EXPECT_THAT(std::string(enoent.message()),
              HasSubstr("open \"meta.json\": ENOENT"));
}

TEST(ErrnoErrorTest, AnnotateKeepsCodeAndErrno) {
  absl::Status s = Annotate(
      Annotate(ErrnoError(ENOSPC, "rename"), "write meta.json"),
      "create container \"web\"");
  EXPECT_THAT(s, HasErrno(ENOSPC));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("create container \"web\": write meta.json: rename: "
                        "ENOSPC"));
}

TEST(ErrnoErrorTest, PlainErrorsHaveNoErrno) {
  EXPECT_EQ(ErrnoOf(absl::OkStatus()), 0);
  EXPECT_EQ(ErrnoOf(absl::InvalidArgumentError("x")), 0);
  EXPECT_EQ(ErrnoName(EAGAIN), "EAGAIN");
  EXPECT_EQ(ErrnoName(4242), "errno 4242");
}

TEST(SignalTest, ParsesNamesAndNumbers) {
  EXPECT_EQ(ParseSignal("TERM"), Signal::kTerm);
  EXPECT_EQ(ParseSignal("SIGKILL"), Signal::kKill);
  EXPECT_EQ(ParseSignal("sigusr1"), Signal::kUsr1);
  EXPECT_EQ(ParseSignal("15"), Signal::kTerm);
  EXPECT_EQ(ParseSignal("RTMIN+2"), static_cast<Signal>(36));
  EXPECT_EQ(ParseSignal("FOO"), std::nullopt);
  EXPECT_EQ(ParseSignal("0"), std::nullopt);
  EXPECT_EQ(ParseSignal("65"), std::nullopt);
  EXPECT_EQ(SignalName(Signal::kTerm), "SIGTERM");
}

TEST(ExitStatusTest, RawRoundTrip) {
  for (ExitStatus s : {ExitStatus::Exited(0), ExitStatus::Exited(137),
                       ExitStatus::Signaled(Signal::kKill),
                       ExitStatus::Signaled(Signal::kSegv, true)}) {
    EXPECT_EQ(ExitStatus::FromRaw(s.RawStatus()), s) << ToString(s);
  }
  EXPECT_EQ(ExitStatus::Signaled(Signal::kKill).ShellCode(), 137);
}

}  // namespace
}  // namespace runbox
