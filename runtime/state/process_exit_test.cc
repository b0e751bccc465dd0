// Process identity (DESIGN.md invariant 4: pid plus start time, a reused
// pid is not "running") and the exit record (invariant 7: durable, written
// once), on both hosts. Crash and power-loss sweeps of the exit record are
// in crash_test.cc.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/state/exit_record.h"
#include "runtime/state/process_alive.h"
#include "runtime/state/state_store.h"
#include "runtime/state/state_test_util.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

DUAL_HOST_CHILD(ExitNow) { return 0; }

// Blocks until `pid` has exited (its pidfd polls readable); no real sleep.
absl::Status AwaitExit(Host& host, Pid pid) {
  ASSIGN_OR_RETURN(Fd pidfd, host.PidfdOpen(pid));
  PollFd p{&pidfd, PollEvents::kIn};
  while (true) {
    absl::StatusOr<int> n = host.Poll(absl::MakeSpan(&p, 1), std::nullopt);
    if (IsErrno(n, EINTR)) continue;
    RETURN_IF_ERROR(n.status());
    if (*n > 0) return absl::OkStatus();
  }
}

using ProcessAliveTest = DualHostTest;

TEST_P(ProcessAliveTest, SelfIsAliveOnlyWithItsStartTime) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(ProcessIdentity self,
                         host.GetProcessIdentity(host.GetPid()));
    EXPECT_THAT(IsAlive(host, self), ::testing::Eq(absl::StatusOr<bool>(true)));
    ProcessIdentity other_start = self;
    other_start.start_time += 1;
    ASSERT_OK_AND_ASSIGN(bool alive, IsAlive(host, other_start));
    EXPECT_FALSE(alive) << "same pid, different start: another process";
    for (int pid : {0, -1, -self.pid.value}) {
      ASSERT_OK_AND_ASSIGN(alive, IsAlive(host, {Pid{pid}, self.start_time}));
      EXPECT_FALSE(alive) << "pid " << pid << " is never a process";
    }
  });
}

TEST_P(ProcessAliveTest, ReapedChildIsNotAliveAndAZombieIs) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         env().SpawnChild(host, {"ExitNow", {}}));
    // Identity works for zombies too, so this cannot race the exit.
    ASSERT_OK_AND_ASSIGN(ProcessIdentity id,
                         host.GetProcessIdentity(child.pid));
    ASSERT_OK(AwaitExit(host, child.pid));
    // Exited but not reaped: documented as alive (process_alive.h).
    ASSERT_OK_AND_ASSIGN(bool alive, IsAlive(host, id));
    EXPECT_TRUE(alive) << "a zombie holds its pid and identity";
    ASSERT_OK_AND_ASSIGN(ExitStatus status, Reap(host, child.pid));
    EXPECT_EQ(status, ExitStatus::Exited(0));
    ASSERT_OK_AND_ASSIGN(alive, IsAlive(host, id));
    EXPECT_FALSE(alive);
  });
}

// Pid reuse, forced with a tiny pid space: the recorded identity of a dead
// process must not match the new process that got its pid.
TEST_P(ProcessAliveTest, ReusedPidIsNotAlive) {
  if (!IsFake()) {
    GTEST_SKIP() << "Linux cannot be made to reuse a pid on demand; the "
                    "start-time mismatch case covers the check there";
  }
  constexpr int kPidMax = 40;
  std::unique_ptr<DualHost> fake =
      DualHost::Make("Fake", DualHostOptions{.seed = 1, .pid_max = kPidMax});
  fake->Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult first,
                         fake->SpawnChild(host, {"ExitNow", {}}));
    ASSERT_OK_AND_ASSIGN(ProcessIdentity dead,
                         host.GetProcessIdentity(first.pid));
    ASSERT_OK(Reap(host, first.pid).status());
    bool reused = false;
    for (int i = 0; i < 3 * kPidMax && !reused; ++i) {
      ASSERT_OK_AND_ASSIGN(SpawnResult next,
                           fake->SpawnChild(host, {"ExitNow", {}}));
      if (next.pid == dead.pid) {
        reused = true;
        ASSERT_OK_AND_ASSIGN(ProcessIdentity now,
                             host.GetProcessIdentity(next.pid));
        EXPECT_NE(now.start_time, dead.start_time);
        EXPECT_THAT(IsAlive(host, dead),
                    ::testing::Eq(absl::StatusOr<bool>(false)))
            << "pid " << dead.pid.value << " now names another process";
        EXPECT_THAT(IsAlive(host, now),
                    ::testing::Eq(absl::StatusOr<bool>(true)));
      }
      ASSERT_OK(Reap(host, next.pid).status());
    }
    EXPECT_TRUE(reused) << "pid " << dead.pid.value << " was never reused";
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ProcessAliveTest);

using ExitRecordTest = DualHostTest;

TEST_P(ExitRecordTest, WrittenOnceReadBack) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK_AND_ASSIGN(ContainerLock lock,
                         store.CreateExclusive(TestMeta("web")));
    EXPECT_THAT(
        ReadExitRecord(host, lock.dir()),
        ::testing::Eq(absl::StatusOr<std::optional<ExitStatus>>(std::nullopt)));
    ASSERT_OK(WriteExitRecord(host, lock.dir(), ExitStatus::Exited(3)));
    ASSERT_OK_AND_ASSIGN(std::optional<ExitStatus> read,
                         ReadExitRecord(host, lock.dir()));
    EXPECT_THAT(read, Optional(ExitStatus::Exited(3)));
    // Again with the same status: a retry, fine.
    EXPECT_OK(WriteExitRecord(host, lock.dir(), ExitStatus::Exited(3)));
    // A different one: refused, the first stays.
    absl::Status rewrite =
        WriteExitRecord(host, lock.dir(), ExitStatus::Signaled(Signal::kKill));
    EXPECT_THAT(rewrite, StatusIs(absl::StatusCode::kAlreadyExists));
    EXPECT_THAT(std::string(rewrite.message()),
                HasSubstr("exit status already recorded"));
    ASSERT_OK_AND_ASSIGN(read, ReadExitRecord(host, lock.dir()));
    EXPECT_THAT(read, Optional(ExitStatus::Exited(3)));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.StatAt(lock.dir(), "exit-status",
                                                  FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.mode & 0777, 0600u);
  });
}

TEST_P(ExitRecordTest, CorruptRecordIsAnError) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK_AND_ASSIGN(ContainerLock lock,
                         store.CreateExclusive(TestMeta("web")));
    ASSERT_OK(
        AtomicWriteFileAt(host, lock.dir(), "exit-status", "{\"kind\"", 0600));
    EXPECT_THAT(ReadExitRecord(host, lock.dir()),
                StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(WriteExitRecord(host, lock.dir(), ExitStatus::Exited(0)),
                StatusIs(absl::StatusCode::kInvalidArgument));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ExitRecordTest);

TEST(ExitRecordFormatTest, RoundTripsEveryKind) {
  for (const ExitStatus& s : {ExitStatus::Exited(0), ExitStatus::Exited(255),
                              ExitStatus::Signaled(Signal::kTerm),
                              ExitStatus::Signaled(Signal::kSegv, true),
                              ExitStatus::Signaled(static_cast<Signal>(64))}) {
    std::string text = SerializeExitRecord(s);
    ASSERT_OK_AND_ASSIGN(ExitStatus back, ParseExitRecord(text));
    EXPECT_EQ(back, s) << text;
  }
  EXPECT_EQ(SerializeExitRecord(ExitStatus::Exited(3)),
            "{\"kind\":\"exited\",\"code\":3}");
  EXPECT_EQ(SerializeExitRecord(ExitStatus::Signaled(Signal::kKill)),
            "{\"kind\":\"signaled\",\"signal\":9,\"core_dumped\":false}");
}

TEST(ExitRecordFormatTest, RejectsBadRecords) {
  for (absl::string_view text :
       {"", "[]", "{}", "{\"kind\":\"exited\"}", "{\"kind\":3}",
        "{\"kind\":\"exited\",\"code\":256}",
        "{\"kind\":\"exited\",\"code\":-1}",
        "{\"kind\":\"exited\",\"code\":\"0\"}",
        "{\"kind\":\"signaled\",\"signal\":0}",
        "{\"kind\":\"signaled\",\"signal\":65}",
        "{\"kind\":\"signaled\",\"signal\":9,\"core_dumped\":1}",
        "{\"kind\":\"stopped\"}"}) {
    EXPECT_THAT(ParseExitRecord(text),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << text;
  }
}

}  // namespace
}  // namespace runbox
