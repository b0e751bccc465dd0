// Tests of fakes/ipc/pty: raw transfer both ways, hang-up semantics (as
// measured on Linux 6.x), window size, stat and index helpers.
#include "fakes/ipc/pty.h"

#include <cerrno>
#include <string>

#include "fakes/ipc/pipe.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

absl::StatusOr<std::string> ReadString(OpenFile& f, size_t n = 1000) {
  std::string buf(n, '\0');
  ASSIGN_OR_RETURN(size_t got, f.Read(absl::MakeSpan(buf)));
  buf.resize(got);
  return buf;
}

absl::StatusOr<size_t> WriteString(OpenFile& f, const std::string& s) {
  return f.Write(absl::MakeConstSpan(s));
}

TEST(PtyTest, BytesFlowBothWaysUnchanged) {
  PtyPair p = MakePty(3);
  // Raw mode: no echo, no CR/NL translation, control characters pass.
  ASSERT_OK(WriteString(*p.master, "ls\r\n\x03").status());
  EXPECT_THAT(ReadString(*p.replica), IsOk());
  ASSERT_OK(WriteString(*p.master, "abc").status());
  ASSERT_OK_AND_ASSIGN(std::string got, ReadString(*p.replica));
  EXPECT_EQ(got, "abc");
  // Nothing echoed back to the master.
  EXPECT_THAT(ReadString(*p.master), HasErrno(EAGAIN));
  ASSERT_OK(WriteString(*p.replica, "out\n").status());
  ASSERT_OK_AND_ASSIGN(got, ReadString(*p.master));
  EXPECT_EQ(got, "out\n");
}

TEST(PtyTest, ControlBytesPassThrough) {
  PtyPair p = MakePty(0);
  std::string raw("a\r\n\x03\x04\0z", 7);
  ASSERT_OK(WriteString(*p.master, raw).status());
  ASSERT_OK_AND_ASSIGN(std::string got, ReadString(*p.replica));
  EXPECT_EQ(got, raw);
}

TEST(PtyTest, EmptyIsEagain) {
  PtyPair p = MakePty(0);
  EXPECT_THAT(ReadString(*p.master), HasErrno(EAGAIN));
  EXPECT_THAT(ReadString(*p.replica), HasErrno(EAGAIN));
}

TEST(PtyTest, FullBufferIsPartialThenEagain) {
  PtyPair p = MakePty(0);
  ASSERT_OK_AND_ASSIGN(
      size_t n, WriteString(*p.master, std::string(kPtyBufferSize + 5, 'x')));
  EXPECT_EQ(n, kPtyBufferSize);
  EXPECT_THAT(WriteString(*p.master, "y"), HasErrno(EAGAIN));
  EXPECT_FALSE(Has(p.master->Readiness(), PollEvents::kOut));
  ASSERT_OK_AND_ASSIGN(std::string got, ReadString(*p.replica, 10));
  EXPECT_EQ(got.size(), 10u);
  EXPECT_TRUE(Has(p.master->Readiness(), PollEvents::kOut));
  EXPECT_THAT(WriteString(*p.master, "y"), IsOk());
}

TEST(PtyTest, ClosingReplicaGivesMasterRemainingDataThenEio) {
  PtyPair p = MakePty(0);
  ASSERT_OK(WriteString(*p.replica, "bye").status());
  p.replica.reset();
  EXPECT_TRUE(Has(p.master->Readiness(), PollEvents::kHup));
  ASSERT_OK_AND_ASSIGN(std::string got, ReadString(*p.master));
  EXPECT_EQ(got, "bye");
  EXPECT_THAT(ReadString(*p.master), HasErrno(EIO));
  // Linux: the master may still write (into a buffer nobody reads).
  EXPECT_THAT(WriteString(*p.master, "x"), IsOk());
}

TEST(PtyTest, ClosingMasterHangsUpReplica) {
  PtyPair p = MakePty(0);
  ASSERT_OK(WriteString(*p.master, "lost").status());
  p.master.reset();
  // Linux: a hung-up tty reads EOF (buffered input is gone), writes EIO.
  ASSERT_OK_AND_ASSIGN(std::string got, ReadString(*p.replica));
  EXPECT_EQ(got, "");
  EXPECT_THAT(WriteString(*p.replica, "x"), HasErrno(EIO));
  EXPECT_EQ(p.replica->Readiness(), PollEvents::kIn | PollEvents::kOut |
                                        PollEvents::kErr | PollEvents::kHup);
}

TEST(PtyTest, Readiness) {
  PtyPair p = MakePty(0);
  EXPECT_EQ(p.master->Readiness(), PollEvents::kOut);
  EXPECT_EQ(p.replica->Readiness(), PollEvents::kOut);
  ASSERT_OK(WriteString(*p.master, "x").status());
  EXPECT_EQ(p.replica->Readiness(), PollEvents::kIn | PollEvents::kOut);
  EXPECT_EQ(p.master->Readiness(), PollEvents::kOut);
}

TEST(PtyTest, WindowSizeIsSharedByBothEnds) {
  PtyPair p = MakePty(0);
  ASSERT_OK_AND_ASSIGN(WindowSize initial, GetWindowSize(*p.replica));
  EXPECT_EQ(initial, (WindowSize{0, 0}));
  ASSERT_OK(SetWindowSize(*p.master, WindowSize{24, 80}));
  ASSERT_OK_AND_ASSIGN(WindowSize ws, GetWindowSize(*p.replica));
  EXPECT_EQ(ws, (WindowSize{24, 80}));
  ASSERT_OK(SetWindowSize(*p.replica, WindowSize{50, 132}));
  ASSERT_OK_AND_ASSIGN(ws, GetWindowSize(*p.master));
  EXPECT_EQ(ws, (WindowSize{50, 132}));
}

TEST(PtyTest, NonPtyIsEnotty) {
  PipePair pipe = MakePipe(false);
  EXPECT_THAT(SetWindowSize(*pipe.read, WindowSize{1, 1}), HasErrno(ENOTTY));
  EXPECT_THAT(GetWindowSize(*pipe.read), HasErrno(ENOTTY));
  EXPECT_EQ(PtyIndex(*pipe.read), -1);
  EXPECT_FALSE(IsPtyReplica(*pipe.read));
}

TEST(PtyTest, IndexAndEnds) {
  PtyPair p = MakePty(7);
  EXPECT_EQ(PtyIndex(*p.master), 7);
  EXPECT_EQ(PtyIndex(*p.replica), 7);
  EXPECT_TRUE(IsPtyReplica(*p.replica));
  EXPECT_FALSE(IsPtyReplica(*p.master));
}

TEST(PtyTest, StatShowsDeviceNumbers) {
  PtyPair p = MakePty(7);
  ASSERT_OK_AND_ASSIGN(FileStat master, p.master->Stat());
  ASSERT_OK_AND_ASSIGN(FileStat replica, p.replica->Stat());
  EXPECT_EQ(master.type, FileType::kCharDevice);
  EXPECT_EQ(replica.type, FileType::kCharDevice);
  EXPECT_EQ(master.rdev, (DeviceNumber{5, 2}));
  EXPECT_EQ(replica.rdev, (DeviceNumber{136, 7}));
  EXPECT_TRUE(p.master->readable());
  EXPECT_TRUE(p.replica->writable());
}

}  // namespace
}  // namespace runbox::fake
