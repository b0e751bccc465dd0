// Tests of runtime/common/io on both hosts (short writes, EINTR, bounded
// reads, the atomic write under a failure at every call) and, with a mock,
// the exact step order of AtomicWriteFileAt.
#include "runtime/common/io.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/mock_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Property;
using ::testing::Return;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

MATCHER_P(IsOkAndHolds, value,
          "is OK and holds " + ::testing::PrintToString(value)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  *result_listener << "holds " << ::testing::PrintToString(*arg);
  return *arg == value;
}

absl::StatusOr<Fd> OpenDir(Host& host, const std::string& path) {
  return host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kDirectory});
}

absl::Status WriteFile(Host& host, const Fd& dir, absl::string_view name,
                       absl::string_view text) {
  OpenHow how{.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                       OpenFlags::kTruncate,
              .mode = 0644};
  ASSIGN_OR_RETURN(Fd fd, host.OpenAt(dir, name, how));
  return WriteAll(host, fd, text);
}

std::vector<std::string> Names(Host& host, const Fd& dir) {
  std::vector<std::string> names;
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(dir);
  EXPECT_TRUE(entries.ok()) << entries.status();
  if (!entries.ok()) return names;
  for (const DirEntry& e : *entries) names.push_back(e.name);
  return names;
}

using IoTest = DualHostTest;

TEST_P(IoTest, ReadFileAtReadsMoreThanOneChunk) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    std::string big(10000, 'x');
    big[9999] = 'y';
    ASSERT_OK(WriteFile(host, dir, "big", big));
    ASSERT_OK_AND_ASSIGN(std::string text,
                         ReadFileAt(host, dir, "big", kUnbounded));
    EXPECT_EQ(text, big);
  });
}

TEST_P(IoTest, ReadFileAtIsBounded) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    ASSERT_OK(WriteFile(host, dir, "f", "12345"));
    EXPECT_THAT(ReadFileAt(host, dir, "f", 5), IsOk());
    absl::StatusOr<std::string> too_big = ReadFileAt(host, dir, "f", 4);
    EXPECT_THAT(too_big, HasErrno(EFBIG));
    EXPECT_THAT(std::string(too_big.status().message()),
                HasSubstr("read \"f\": larger than 4 bytes"));
    EXPECT_THAT(ReadFileAt(host, dir, "f", 0), HasErrno(EFBIG));
    ASSERT_OK(WriteFile(host, dir, "empty", ""));
    EXPECT_THAT(ReadFileAt(host, dir, "empty", 0), IsOk());
  });
}

TEST_P(IoTest, ReadFileAtNamesTheMissingPath) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    absl::StatusOr<std::string> missing = ReadFileAt(host, dir, "nope", 10);
    EXPECT_THAT(missing, HasErrno(ENOENT));
    EXPECT_THAT(std::string(missing.status().message()),
                StartsWith("read \"nope\""));
  });
}

TEST_P(IoTest, WriteAllLoopsOnShortWritesAndEintr) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    auto plan = std::make_shared<FaultPlan>(7);
    plan->Add(FaultRule::AtCallOf(HostCall::kWrite, 2, Fault::Eintr()));
    plan->Add(FaultRule::WithProbability(HostCall::kWrite, 1.0,
                                         Fault::ShortTransfer(3)));
    FaultyHost faulty(host, plan);
    std::string text = "0123456789abcdefghij";
    OpenHow how{.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate,
                .mode = 0644};
    ASSERT_OK_AND_ASSIGN(Fd fd, host.OpenAt(dir, "f", how));
    ASSERT_OK(WriteAll(faulty, fd, text));
    EXPECT_GE(plan->CallsOf(HostCall::kWrite), 8u) << plan->TraceTail(20);
    EXPECT_THAT(ReadFileAt(host, dir, "f", 100), IsOkAndHolds(text));
  });
}

TEST_P(IoTest, AtomicWriteReplacesAndLeavesNoTemp) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    ASSERT_OK(AtomicWriteFileAt(host, dir, "meta.json", "old", 0600));
    ASSERT_OK(AtomicWriteFileAt(host, dir, "meta.json", "new", 0600));
    EXPECT_THAT(ReadFileAt(host, dir, "meta.json", 100), IsOkAndHolds("new"));
    EXPECT_THAT(Names(host, dir), ElementsAre("meta.json"));
    ASSERT_OK_AND_ASSIGN(
        FileStat st, host.StatAt(dir, "meta.json", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.mode & 0777, 0600u);
  });
}

TEST_P(IoTest, AtomicWriteKeepFailsOnExistingFile) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    ASSERT_OK(AtomicWriteFileAt(host, dir, "rec", "first", 0600,
                                ExistingFile::kKeep));
    absl::Status again = AtomicWriteFileAt(host, dir, "rec", "second", 0600,
                                           ExistingFile::kKeep);
    EXPECT_THAT(again, HasErrno(EEXIST));
    EXPECT_THAT(std::string(again.message()), StartsWith("write \"rec\""));
    EXPECT_THAT(ReadFileAt(host, dir, "rec", 100), IsOkAndHolds("first"));
    EXPECT_THAT(Names(host, dir), ElementsAre("rec"));
  });
}

// The SQLite-style loop: fail call k of one atomic write, for k = 1, 2, ...
// until the write runs with no fault left to fire. Each failure must leave
// the old content and no temp file, except a failed final directory fsync,
// after which the new content is in place.
TEST_P(IoTest, AtomicWriteFailingAtEveryCallLeavesOldOrNew) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    for (uint64_t k = 1;; ++k) {
      SCOPED_TRACE(absl::StrCat("failing call #", k));
      ASSERT_OK(AtomicWriteFileAt(host, dir, "f", "old", 0600));
      auto plan = std::make_shared<FaultPlan>(k);
      plan->Add(FaultRule::AtCall(k, Fault::Errno(EIO)));
      FaultyHost faulty(host, plan);
      absl::Status s = AtomicWriteFileAt(faulty, dir, "f", "new", 0600);
      ASSERT_OK_AND_ASSIGN(std::string now, ReadFileAt(host, dir, "f", 100));
      EXPECT_THAT(Names(host, dir), ElementsAre("f")) << plan->TraceTail(20);
      if (plan->fired().empty()) {
        // Call k could not fail (getrandom) or did not happen at all.
        EXPECT_OK(s);
        EXPECT_EQ(now, "new");
        if (k > plan->call_count()) {
          // random, open, write, fsync, close, rename, fsync dir.
          EXPECT_EQ(k, 8u) << plan->TraceTail(20);
          break;
        }
        continue;
      }
      EXPECT_THAT(s, HasErrno(EIO)) << plan->TraceTail(20);
      EXPECT_THAT(std::string(s.message()), StartsWith("write \"f\""));
      if (plan->fired()[0].call == HostCall::kFsync &&
          plan->CallsOf(HostCall::kRenameAt) == 1) {
        EXPECT_EQ(now, "new") << "only the directory fsync failed";
      } else {
        EXPECT_EQ(now, "old") << plan->TraceTail(20);
      }
      ASSERT_LT(k, 100u) << "the write never completed";
    }
  });
}

TEST_P(IoTest, MakeDirsCreatesNestedAndAcceptsExisting) {
  env().Run([&](Host& host, const std::string& path) {
    ASSERT_OK_AND_ASSIGN(Fd dir, OpenDir(host, path));
    ASSERT_OK(MakeDirs(host, dir, "a/b/c", 0700));
    ASSERT_OK(MakeDirs(host, dir, "a/b/c", 0700));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(path, "/a/b/d"), 0700));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenDir(host, absl::StrCat(path, "/a/b")));
    EXPECT_THAT(Names(host, b), UnorderedElementsAre("c", "d"));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(b, "c", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kDirectory);
    ASSERT_OK(WriteFile(host, dir, "file", "x"));
    EXPECT_THAT(MakeDirs(host, dir, "file/sub", 0700), HasErrno(ENOTDIR));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(IoTest);

// The order of AtomicWriteFileAt's steps is its crash-consistency argument,
// so it is pinned down call by call.
TEST(AtomicWriteOrderTest, StepsRunInCrashSafeOrder) {
  MockHost host;
  Fd dir(10, nullptr);
  const std::string tmp = ".meta.json.tmp-00000000000000ab";
  InSequence seq;
  EXPECT_CALL(host, RandomUint64()).WillOnce(Return(0xab));
  EXPECT_CALL(host,
              OpenAt(_, Eq(absl::string_view(tmp)),
                     Field(&OpenHow::flags,
                           Eq(OpenFlags::kWriteOnly | OpenFlags::kCreate |
                              OpenFlags::kExclusive | OpenFlags::kNoFollow))))
      .WillOnce([&](const Fd&, absl::string_view, const OpenHow&) {
        return Fd(11, nullptr);
      });
  EXPECT_CALL(host, Write(Property(&Fd::get, 11), _))
      .WillOnce(Return(size_t{2}))
      .WillOnce(Return(size_t{3}));
  EXPECT_CALL(host, Fsync(Property(&Fd::get, 11)))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, Close(_)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(
      host, RenameAt(Property(&Fd::get, 10), Eq(absl::string_view(tmp)),
                     Property(&Fd::get, 10), Eq(absl::string_view("meta.json")),
                     RenameFlags::kNone))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, Fsync(Property(&Fd::get, 10)))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_OK(AtomicWriteFileAt(host, dir, "meta.json", "hello", 0600));
}

TEST(AtomicWriteOrderTest, FailedRenameUnlinksTheTemp) {
  MockHost host;
  Fd dir(10, nullptr);
  InSequence seq;
  EXPECT_CALL(host, RandomUint64()).WillOnce(Return(1));
  EXPECT_CALL(host, OpenAt).WillOnce(Return(Fd(11, nullptr)));
  EXPECT_CALL(host, Write).WillOnce(Return(size_t{1}));
  EXPECT_CALL(host, Fsync).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, Close).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, RenameAt).WillOnce(Return(ErrnoError(ENOSPC, "rename")));
  EXPECT_CALL(host,
              UnlinkAt(_, Eq(absl::string_view(".f.tmp-0000000000000001")),
                       UnlinkFlags::kNone))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_THAT(AtomicWriteFileAt(host, dir, "f", "x", 0600), HasErrno(ENOSPC));
}

}  // namespace
}  // namespace runbox
