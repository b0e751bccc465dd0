// Contract of Clock and Random on both hosts: the monotonic clock never goes
// back and sleeps advance it (virtual time on the fake), the real clock is a
// plausible date, and random values differ.
#include <set>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

RUNBOX_CONTRACT_SUITE(ClockRandomContract);

TEST_P(ClockRandomContract, MonotonicClockNeverGoesBack) {
  Run([&](Host& host, const std::string& dir) {
    absl::Duration last = host.MonotonicNow();
    for (int i = 0; i < 100; ++i) {
      absl::Duration now = host.MonotonicNow();
      ASSERT_GE(now, last);
      last = now;
    }
    EXPECT_GE(last, absl::ZeroDuration());
  });
}

TEST_P(ClockRandomContract, SleepForAdvancesTheMonotonicClock) {
  Run([&](Host& host, const std::string& dir) {
    absl::Duration before = host.MonotonicNow();
    host.SleepFor(absl::Milliseconds(10));
    EXPECT_GE(host.MonotonicNow() - before, absl::Milliseconds(10));
  });
}

TEST_P(ClockRandomContract, SleepForZeroReturnsAtOnce) {
  Run([&](Host& host, const std::string& dir) {
    absl::Duration before = host.MonotonicNow();
    host.SleepFor(absl::ZeroDuration());
    EXPECT_GE(host.MonotonicNow(), before);
  });
}

TEST_P(ClockRandomContract, RealClockIsAfter2020) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_GT(host.RealNow(),
              absl::FromCivil(absl::CivilDay(2020, 1, 1), absl::UTCTimeZone()));
  });
}

TEST_P(ClockRandomContract, RealClockAdvancesWithSleep) {
  Run([&](Host& host, const std::string& dir) {
    absl::Time before = host.RealNow();
    host.SleepFor(absl::Milliseconds(5));
    EXPECT_GT(host.RealNow(), before);
  });
}

TEST_P(ClockRandomContract, FileMtimeFollowsTheRealClock) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    absl::Time before = host.RealNow();
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "f", FollowSymlinks::kNoFollow));
    // File systems stamp with a coarse clock (a jiffy behind): allow 1 s.
    EXPECT_GE(st.mtime, before - absl::Seconds(1));
    EXPECT_LE(st.mtime, host.RealNow() + absl::Seconds(1));
  });
}

TEST_P(ClockRandomContract, RandomValuesDiffer) {
  Run([&](Host& host, const std::string& dir) {
    std::set<uint64_t> seen;
    for (int i = 0; i < 16; ++i) seen.insert(host.RandomUint64());
    EXPECT_EQ(seen.size(), 16u);
  });
}

}  // namespace
}  // namespace runbox::contract
