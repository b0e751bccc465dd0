// The fault sweeps of every operation (sweep.h), the CI fast set: each
// (operation, fault kind) pair is one test that faults every host call the
// operation makes and finds no violation. Then the sweep's own machinery:
// a run replays bit for bit, and the checks catch a broken outcome. Then
// the bugs the sweeps found, each pinned at its fault point (by the kind of
// the call and its occurrence, which survives small code changes better
// than a call number).
#include "chaos/sweep.h"

#include <cerrno>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"

namespace runbox::chaos {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;

using SweepParam = std::tuple<std::string, FaultMode>;

class SweepTest : public ::testing::TestWithParam<SweepParam> {};

TEST_P(SweepTest, EveryFaultPointKeepsTheInvariants) {
  const auto& [name, mode] = GetParam();
  const Operation* op = FindOperation(name);
  ASSERT_NE(op, nullptr);
  const SweepReport report = Sweep(*op, mode, {});
  // The report tools/chaos prints, kept in the test log.
  std::vector<std::string> kinds;
  for (const auto& [call, n] : report.calls_by_kind) {
    kinds.push_back(absl::StrCat(HostCallName(call), " ", n));
  }
  std::cout << name << " " << ToString(mode) << ": " << report.calls
            << " fault points, " << report.runs << " runs ["
            << absl::StrJoin(kinds, ", ") << "]\n";
  RecordProperty("fault_points", static_cast<int>(report.calls));
  RecordProperty("runs", static_cast<int>(report.runs));
  EXPECT_GT(report.calls, 0u);
  EXPECT_GE(report.runs, report.calls);
  EXPECT_THAT(report.violations, IsEmpty())
      << absl::StrJoin(report.violations, "\n");
}

std::vector<SweepParam> AllSweeps() {
  std::vector<SweepParam> out;
  for (const Operation& op : Operations()) {
    for (FaultMode mode :
         {FaultMode::kErrno, FaultMode::kKill, FaultMode::kPowerLoss}) {
      out.emplace_back(op.name, mode);
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(, SweepTest, ::testing::ValuesIn(AllSweeps()),
                         [](const ::testing::TestParamInfo<SweepParam>& info) {
                           std::string name =
                               absl::StrCat(std::get<0>(info.param), "_",
                                            ToString(std::get<1>(info.param)));
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(SweepMachineryTest, TheOperationsCoverTheIssuesList) {
  for (const char* name : {"create", "start", "run", "exec", "kill", "pause",
                           "resume", "delete", "delete-force", "pod-join"}) {
    EXPECT_NE(FindOperation(name), nullptr) << name;
  }
}

TEST(SweepMachineryTest, ARunReplaysBitForBit) {
  const Operation& op = *FindOperation("run");
  for (const FaultPoint& point : {FaultPoint{FaultMode::kErrno, 40, EIO},
                                  FaultPoint{FaultMode::kKill, 120, 0},
                                  FaultPoint{FaultMode::kPowerLoss, 200, 0}}) {
    const RunReport first = RunWithFault(op, point, 1);
    const RunReport second = RunWithFault(op, point, 1);
    EXPECT_TRUE(first.fired) << ToString(point);
    EXPECT_EQ(first.trace_hash, second.trace_hash) << ToString(point);
    EXPECT_EQ(first.detail, second.detail) << ToString(point);
  }
}

TEST(SweepMachineryTest, TheSeedChangesTheInterleaving) {
  const Operation& op = *FindOperation("run");
  const FaultPoint point{FaultMode::kKill, 1'000'000, 0};
  EXPECT_NE(RunWithFault(op, point, 1).trace_hash,
            RunWithFault(op, point, 2).trace_hash);
}

TEST(SweepMachineryTest, AnOutcomeThatMissesItsTargetIsAViolation) {
  // `kill` of a running container does not leave it paused: a sweep whose
  // expectation is wrong must say so, or it would pass anything.
  Operation wrong = *FindOperation("kill");
  wrong.target = "paused";
  const RunReport run =
      RunWithFault(wrong, FaultPoint{FaultMode::kKill, 1'000'000, 0}, 1);
  EXPECT_FALSE(run.fired);
  EXPECT_TRUE(run.op_ok);
  EXPECT_THAT(run.violations, Not(IsEmpty()));
}

TEST(SweepMachineryTest, AFailedCreateThatLeftTheContainerIsAViolation) {
  // A create whose set-up already made the container fails with "already
  // exists" and leaves it: for create, a failure that leaves a container
  // is reported.
  Operation create_twice = *FindOperation("create");
  create_twice.setup = {create_twice.args};
  const RunReport run =
      RunWithFault(create_twice, FaultPoint{FaultMode::kKill, 1'000'000, 0}, 1);
  EXPECT_FALSE(run.op_ok);
  EXPECT_THAT(run.violations, Not(IsEmpty()));
}

// --- Regressions: the bugs the sweeps found, at their fault points ---------

struct Regression {
  std::string op;
  FaultMode mode;
  HostCall call;   // The kind of the call to fault...
  int occurrence;  // ...its n-th (1-based) in the operation...
  int from_end;    // ...counting from the end instead when 1.
  int err;
  std::string bug;
};

void PrintTo(const Regression& r, std::ostream* os) { *os << r.bug; }

// The call number of the regression's fault point in a fault-free run.
uint64_t PointOf(const Operation& op, const Regression& r) {
  const std::vector<HostCall> kinds = CallKinds(op, 1);
  int seen = 0;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const size_t at = r.from_end ? kinds.size() - 1 - i : i;
    if (kinds[at] == r.call && ++seen == r.occurrence) return at + 1;
  }
  return 0;
}

class SweepRegressionTest : public ::testing::TestWithParam<Regression> {};

TEST_P(SweepRegressionTest, Holds) {
  const Regression& r = GetParam();
  const Operation* op = FindOperation(r.op);
  ASSERT_NE(op, nullptr);
  const uint64_t k = PointOf(*op, r);
  ASSERT_GT(k, 0u) << r.bug << ": the operation no longer makes that call";
  const FaultPoint point{r.mode, k, r.err};
  const RunReport run = RunWithFault(*op, point, 1);
  EXPECT_TRUE(run.fired);
  EXPECT_THAT(run.violations, IsEmpty()) << r.bug << "\n"
                                         << ReplayCommand(*op, point, 1) << "\n"
                                         << run.detail;
}

INSTANTIATE_TEST_SUITE_P(
    , SweepRegressionTest,
    ::testing::Values(
        // The start command's request send failed and it waited for a
        // reply forever, and the supervisor for the rest of the request.
        Regression{"start", FaultMode::kErrno, HostCall::kSendMsg, 1, 0,
                   ECONNRESET, "start_send_failure_hang"},
        // The supervisor ended (and its container with it) on one failed
        // poll of its serve loop.
        Regression{"pause", FaultMode::kErrno, HostCall::kPoll, 1, 1, EINTR,
                   "supervisor_poll_eintr"},
        // init gave up waiting for its start signal on EINTR.
        Regression{"create", FaultMode::kErrno, HostCall::kRecvMsg, 3, 1, EINTR,
                   "init_sync_eintr"},
        // delete --force read a transient error (EAGAIN) of meta.json as a
        // corrupt record: it removed the state and left the cgroups.
        Regression{"delete-force", FaultMode::kErrno, HostCall::kRead, 1, 0,
                   EAGAIN, "delete_force_transient_read"},
        // delete --force told meta.json was missing removed the directory
        // of a running container and left it running with no record.
        Regression{"delete-force", FaultMode::kErrno, HostCall::kOpenAt, 6, 0,
                   ENOENT, "delete_force_missing_meta_live_container"}),
    [](const ::testing::TestParamInfo<Regression>& info) {
      return info.param.bug;
    });

}  // namespace
}  // namespace runbox::chaos
