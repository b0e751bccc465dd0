// Tests of FaultPlan on its own: the per-call errno table and names, rule
// matching, the seeded draws and the trace. FaultyHost's use of decisions is
// tested in faulty_host_test.cc.
#include "hostapi/fault_plan.h"

#include <cerrno>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace runbox {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;

// Calls that return no status, and uname (which fails only EFAULT): the
// plan must never fail them.
const std::set<HostCall>& Infallible() {
  static const auto* calls = new std::set<HostCall>{
      HostCall::kUmask,        HostCall::kExit,        HostCall::kGetPid,
      HostCall::kGetParentPid, HostCall::kEnvironment, HostCall::kGetUid,
      HostCall::kGetGid,       HostCall::kGetHostname, HostCall::kMonotonicNow,
      HostCall::kRealNow,      HostCall::kSleepFor,    HostCall::kRandomUint64,
      HostCall::kSetNonBlocking,
  };
  return *calls;
}

// Calls that can wait for another process or a peer, so a signal can
// interrupt them (OpenAt: opening a FIFO).
const std::vector<HostCall>& Blocking() {
  static const auto* calls = new std::vector<HostCall>{
      HostCall::kOpenAt,     HostCall::kRead,       HostCall::kWrite,
      HostCall::kPoll,       HostCall::kFlock,      HostCall::kWait,
      HostCall::kReadSignal, HostCall::kWaitSignal, HostCall::kAccept,
      HostCall::kConnect,    HostCall::kSendMsg,    HostCall::kRecvMsg,
  };
  return *calls;
}

TEST(HostCallTest, EveryCallHasAUniqueName) {
  std::set<std::string> names;
  for (HostCall c : AllHostCalls()) {
    std::string name(HostCallName(c));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown") << static_cast<int>(c);
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_EQ(AllHostCalls().size(), static_cast<size_t>(kHostCallCount));
  EXPECT_EQ(HostCallName(HostCall::kOpenAt), "openat");
  EXPECT_EQ(HostCallName(HostCall::kFlock), "flock");
}

TEST(PlausibleErrnosTest, EveryFallibleCallListsAnErrno) {
  for (HostCall c : AllHostCalls()) {
    std::vector<int> errnos = PlausibleErrnos(c);
    if (Infallible().count(c)) {
      EXPECT_THAT(errnos, IsEmpty()) << HostCallName(c);
      EXPECT_FALSE(CanFail(c)) << HostCallName(c);
    } else {
      EXPECT_THAT(errnos, Not(IsEmpty())) << HostCallName(c);
      EXPECT_TRUE(CanFail(c)) << HostCallName(c);
    }
    std::set<int> unique(errnos.begin(), errnos.end());
    EXPECT_EQ(unique.size(), errnos.size()) << HostCallName(c);
    for (int err : errnos) EXPECT_GT(err, 0) << HostCallName(c);
    // Bugs, not conditions to survive.
    EXPECT_THAT(errnos, Not(Contains(EBADF))) << HostCallName(c);
    EXPECT_THAT(errnos, Not(Contains(EFAULT))) << HostCallName(c);
  }
}

TEST(PlausibleErrnosTest, BlockingCallsListEintr) {
  for (HostCall c : Blocking()) {
    EXPECT_THAT(PlausibleErrnos(c), Contains(EINTR)) << HostCallName(c);
  }
  // Local file-system metadata calls do not wait for anyone.
  EXPECT_THAT(PlausibleErrnos(HostCall::kMkdirAt), Not(Contains(EINTR)));
  EXPECT_THAT(PlausibleErrnos(HostCall::kFsync), Not(Contains(EINTR)));
}

TEST(PlausibleErrnosTest, ListsTheErrnosCallersHandle) {
  EXPECT_THAT(PlausibleErrnos(HostCall::kOpenAt),
              IsSupersetOf({ENOENT, EACCES, EEXIST, ENOSPC, EMFILE, ENOMEM,
                            ELOOP, EINTR}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kWrite),
              IsSupersetOf({ENOSPC, EIO, EINTR, EAGAIN, EPIPE, EDQUOT}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kFsync), IsSupersetOf({EIO, ENOSPC}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kFlock),
              IsSupersetOf({EINTR, ENOLCK, EWOULDBLOCK}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kSpawn),
              IsSupersetOf({EAGAIN, ENOMEM, ENOSPC, EPERM, ENOENT}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kKill), IsSupersetOf({ESRCH, EPERM}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kRenameAt),
              IsSupersetOf({ENOENT, EEXIST, EXDEV, ENOSPC}));
  EXPECT_THAT(PlausibleErrnos(HostCall::kWait), Contains(ECHILD));
  EXPECT_THAT(PlausibleErrnos(HostCall::kCgroupRemove), Contains(EBUSY));
}

TEST(IsTransferTest, OnlyDataTransfers) {
  std::vector<HostCall> transfers;
  for (HostCall c : AllHostCalls()) {
    if (IsTransfer(c)) transfers.push_back(c);
  }
  EXPECT_EQ(transfers, (std::vector<HostCall>{
                           HostCall::kRead, HostCall::kWrite, HostCall::kPRead,
                           HostCall::kPWrite, HostCall::kSendMsg}));
}

TEST(HostCallSetTest, ContainsAndPrints) {
  HostCallSet set{HostCall::kWrite, HostCall::kPWrite};
  EXPECT_TRUE(set.Contains(HostCall::kWrite));
  EXPECT_TRUE(set.Contains(HostCall::kPWrite));
  EXPECT_FALSE(set.Contains(HostCall::kRead));
  EXPECT_EQ(set.ToString(), "{write, pwrite}");
  EXPECT_EQ(HostCallSet(HostCall::kFsync).ToString(), "fsync");
  EXPECT_EQ(HostCallSet::All().ToString(), "any call");
  for (HostCall c : AllHostCalls()) {
    EXPECT_TRUE(HostCallSet::All().Contains(c));
  }
}

TEST(FaultTest, AppliesOnlyWherePossible) {
  EXPECT_TRUE(Fault::Errno(EIO).AppliesTo(HostCall::kMkdirAt));
  EXPECT_FALSE(Fault::Errno(EIO).AppliesTo(HostCall::kGetPid));
  EXPECT_TRUE(Fault::Eintr().AppliesTo(HostCall::kFlock));
  EXPECT_FALSE(Fault::Eintr().AppliesTo(HostCall::kMkdirAt));
  EXPECT_TRUE(Fault::Enospc().AppliesTo(HostCall::kWrite));
  EXPECT_FALSE(Fault::Enospc().AppliesTo(HostCall::kKill));
  EXPECT_TRUE(Fault::ShortTransfer().AppliesTo(HostCall::kSendMsg));
  EXPECT_FALSE(Fault::ShortTransfer().AppliesTo(HostCall::kRecvMsg));
  EXPECT_TRUE(Fault::Kill().AppliesTo(HostCall::kGetPid));
  EXPECT_FALSE(Fault::PlausibleErrno().AppliesTo(HostCall::kSleepFor));
}

TEST(FaultPlanTest, CountsEveryCallAndKind) {
  FaultPlan plan;
  plan.OnCall(HostCall::kWrite, Pid{1});
  plan.OnCall(HostCall::kGetPid, Pid{1});
  plan.OnCall(HostCall::kWrite, Pid{2});
  EXPECT_EQ(plan.call_count(), 3u);
  EXPECT_EQ(plan.CallsOf(HostCall::kWrite), 2u);
  EXPECT_EQ(plan.CallsOf(HostCall::kGetPid), 1u);
  EXPECT_EQ(plan.CallsOf(HostCall::kRead), 0u);
}

TEST(FaultPlanTest, RecordsCallKindsOnlyOnceAsked) {
  FaultPlan plan;
  plan.OnCall(HostCall::kRead, Pid{1});
  plan.RecordCallKinds();
  plan.OnCall(HostCall::kWrite, Pid{1});
  plan.OnCall(HostCall::kFsync, Pid{2});
  EXPECT_THAT(plan.call_kinds(),
              ::testing::ElementsAre(HostCall::kWrite, HostCall::kFsync));
}

TEST(FaultPlanTest, AfterCallFailsEveryLaterCallOfTheKinds) {
  FaultPlan plan;
  plan.Add(FaultRule::AfterCall(2, {HostCall::kWrite, HostCall::kFsync},
                                Fault::Enospc()));
  std::vector<FaultDecision::Action> actions;
  for (HostCall c : {HostCall::kWrite, HostCall::kWrite, HostCall::kWrite,
                     HostCall::kRead, HostCall::kFsync, HostCall::kWrite}) {
    FaultDecision d = plan.OnCall(c, Pid{1});
    actions.push_back(d.action);
    if (d.action == FaultDecision::Action::kFail) {
      EXPECT_EQ(d.err, ENOSPC);
    }
  }
  using A = FaultDecision::Action;
  EXPECT_EQ(actions, (std::vector<A>{A::kForward, A::kForward, A::kFail,
                                     A::kForward, A::kFail, A::kFail}));
  ASSERT_EQ(plan.fired().size(), 3u);
  EXPECT_EQ(plan.fired()[0].call_number, 3u);
  EXPECT_EQ(plan.fired()[1].call, HostCall::kFsync);
}

TEST(FaultPlanTest, FirstMatchingRuleDecides) {
  FaultPlan plan;
  plan.Add(FaultRule::AtCall(2, Fault::Errno(EIO)))
      .Add(FaultRule::AtCallOf(HostCall::kWrite, 2, Fault::Kill()));
  plan.OnCall(HostCall::kWrite, Pid{1});
  FaultDecision d = plan.OnCall(HostCall::kWrite, Pid{1});
  EXPECT_EQ(d.action, FaultDecision::Action::kFail);
  EXPECT_EQ(d.err, EIO);
  EXPECT_EQ(d.rule_index, 0);
  // The second rule counted that write though it did not decide, so the
  // third write is not its second.
  d = plan.OnCall(HostCall::kWrite, Pid{1});
  EXPECT_EQ(d.action, FaultDecision::Action::kForward);
}

TEST(FaultPlanTest, AtCallOfCountsCallsTheFaultSkips) {
  // The 2nd write is the 2nd write even if the 1st could not take the fault.
  FaultPlan plan;
  plan.Add(FaultRule::AtCallOf({HostCall::kMkdirAt, HostCall::kFlock}, 2,
                               Fault::Eintr()));
  EXPECT_EQ(plan.OnCall(HostCall::kFlock, Pid{1}).action,
            FaultDecision::Action::kForward);
  EXPECT_EQ(plan.OnCall(HostCall::kMkdirAt, Pid{1}).action,
            FaultDecision::Action::kForward);  // #2, but EINTR is implausible.
  EXPECT_EQ(plan.OnCall(HostCall::kFlock, Pid{1}).action,
            FaultDecision::Action::kForward);
  EXPECT_THAT(plan.fired(), IsEmpty());
}

TEST(FaultPlanTest, PlausibleErrnoDrawsFromTheTable) {
  FaultPlan plan(7);
  plan.Add(FaultRule::WithProbability(HostCall::kOpenAt, 1.0,
                                      Fault::PlausibleErrno()));
  std::set<int> seen;
  for (int i = 0; i < 200; ++i) {
    FaultDecision d = plan.OnCall(HostCall::kOpenAt, Pid{1});
    ASSERT_EQ(d.action, FaultDecision::Action::kFail);
    EXPECT_THAT(PlausibleErrnos(HostCall::kOpenAt), Contains(d.err));
    seen.insert(d.err);
  }
  EXPECT_GT(seen.size(), 5u);
}

TEST(FaultPlanTest, ShortLengthIsShortAndPositive) {
  FaultPlan plan(3);
  plan.Add(FaultRule::WithProbability(HostCall::kWrite, 1.0,
                                      Fault::ShortTransfer()));
  for (size_t asked : {2u, 3u, 10u, 4096u}) {
    for (int i = 0; i < 50; ++i) {
      FaultDecision d = plan.OnCall(HostCall::kWrite, Pid{1});
      size_t n = plan.ShortLength(d, asked);
      EXPECT_GE(n, 1u);
      EXPECT_LT(n, asked);
    }
  }
  FaultDecision d = plan.OnCall(HostCall::kWrite, Pid{1});
  EXPECT_EQ(plan.ShortLength(d, 1), 1u);  // Nothing shorter to give.
  EXPECT_EQ(plan.ShortLength(d, 0), 0u);

  FaultPlan fixed;
  fixed.Add(FaultRule::AtCall(1, Fault::ShortTransfer(3)));
  d = fixed.OnCall(HostCall::kRead, Pid{1});
  EXPECT_EQ(fixed.ShortLength(d, 100), 3u);
  EXPECT_EQ(fixed.fired()[0].fault.max_bytes, 3u);
}

std::vector<bool> Decisions(uint64_t seed, double p, int n) {
  FaultPlan plan(seed);
  plan.Add(FaultRule::WithProbability(HostCall::kFsync, p, Fault::Errno(EIO)));
  std::vector<bool> failed;
  for (int i = 0; i < n; ++i) {
    failed.push_back(plan.OnCall(HostCall::kFsync, Pid{1}).action ==
                     FaultDecision::Action::kFail);
  }
  return failed;
}

TEST(FaultPlanTest, ProbabilityIsSeededAndRoughlyRight) {
  EXPECT_EQ(Decisions(11, 0.25, 400), Decisions(11, 0.25, 400));
  EXPECT_NE(Decisions(11, 0.25, 400), Decisions(12, 0.25, 400));
  std::vector<bool> d = Decisions(11, 0.25, 4000);
  int fails = 0;
  for (bool f : d) fails += f;
  EXPECT_GT(fails, 800);
  EXPECT_LT(fails, 1200);
  EXPECT_EQ(Decisions(5, 0.0, 100), std::vector<bool>(100, false));
  EXPECT_EQ(Decisions(5, 1.0, 100), std::vector<bool>(100, true));
}

TEST(FaultPlanTest, SeedReplaysTheSameDecisionsEverywhere) {
  // Pinned: a seed printed by an old failing run must replay the same
  // faults, so the generator and its mapping to [0, 1) must not change.
  // Computed with a separate splitmix64 from state 1 (whose output from
  // state 0 is the published 0xe220a8397b1dcdaf); bit i set when call i
  // fails at p = 0.5, i.e. when draw i is below 2^63.
  constexpr uint32_t kPinnedBits = 0x13f0d518;
  std::vector<bool> d = Decisions(1, 0.5, 32);
  uint32_t bits = 0;
  for (int i = 0; i < 32; ++i) bits |= uint32_t{d[i]} << i;
  EXPECT_EQ(bits, kPinnedBits);
}

uint64_t Fnv(const std::vector<uint8_t>& bytes) {
  uint64_t h = 14695981039346656037ull;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

TEST(FaultPlanTest, TraceHashIsFnv1aOfPidCallAndResult) {
  FaultPlan plan;
  FaultDecision d = plan.OnCall(HostCall::kWrite, Pid{0x0102});
  plan.OnResult(d, ENOSPC);
  d = plan.OnCall(HostCall::kGetPid, Pid{7});
  plan.OnResult(d, 0);
  // Each field little-endian: pid (4 bytes), call (1), result (4).
  std::vector<uint8_t> bytes = {0x02, 0x01, 0, 0};
  bytes.push_back(static_cast<uint8_t>(HostCall::kWrite));
  bytes.insert(bytes.end(), {ENOSPC, 0, 0, 0, 7, 0, 0, 0});
  bytes.push_back(static_cast<uint8_t>(HostCall::kGetPid));
  bytes.insert(bytes.end(), {0, 0, 0, 0});
  EXPECT_EQ(plan.TraceHash(), Fnv(bytes));
}

TEST(FaultPlanTest, TraceTailShowsTheLastCalls) {
  FaultPlan plan(1, /*trace_capacity=*/3);
  plan.Add(FaultRule::AtCall(4, Fault::Errno(ENOSPC)));
  for (HostCall c : {HostCall::kOpenAt, HostCall::kWrite, HostCall::kRead,
                     HostCall::kWrite, HostCall::kFlock}) {
    FaultDecision d = plan.OnCall(c, Pid{3});
    if (c != HostCall::kFlock) plan.OnResult(d, d.err);
  }
  EXPECT_EQ(plan.TraceTail(10),
            "#3 pid 3 read -> ok\n"
            "#4 pid 3 write -> ENOSPC [fault: fail ENOSPC]\n"
            "#5 pid 3 flock -> (pending)");
  EXPECT_EQ(plan.TraceTail(1), "#5 pid 3 flock -> (pending)");
  EXPECT_EQ(plan.TraceTail(0), "");
}

TEST(FaultPlanTest, ToStringNamesSeedAndRules) {
  FaultPlan plan(42);
  EXPECT_EQ(plan.ToString(), "FaultPlan seed=42, no rules");
  plan.Add(FaultRule::AtCall(17, Fault::Errno(EIO)))
      .Add(FaultRule::AtCallOf(HostCall::kWrite, 3, Fault::Kill()))
      .Add(FaultRule::WithProbability(HostCall::kRead, 0.01,
                                      Fault::ShortTransfer()))
      .Add(FaultRule::AfterCall(100, {HostCall::kWrite, HostCall::kFsync},
                                Fault::Enospc()));
  EXPECT_EQ(plan.ToString(),
            "FaultPlan seed=42: [0] call #17: fail EIO; [1] write #3: kill; "
            "[2] read p=0.01: short transfer (random length); "
            "[3] {write, fsync} after call #100: fail ENOSPC (where "
            "plausible)");
}

TEST(FaultPlanDeathTest, RuleThatCanNeverFireIsABug) {
  FaultPlan plan;
  EXPECT_DEATH(
      plan.Add(FaultRule::AtCallOf(HostCall::kGetPid, 1, Fault::Errno(EIO))),
      "applies to none");
  EXPECT_DEATH(plan.Add(FaultRule::AtCall(0, Fault::Errno(EIO))), "start at 1");
  EXPECT_DEATH(plan.Add(FaultRule::WithProbability(HostCall::kRead, 1.5,
                                                   Fault::Errno(EIO))),
               "p must lie");
}

}  // namespace
}  // namespace runbox
