#include "chaos/linearizability.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace runbox::chaos {
namespace {

using ::testing::HasSubstr;

constexpr OpResult kOk = OpResult::kOk;
constexpr OpResult kFailed = OpResult::kFailed;
constexpr OpResult kIndeterminate = OpResult::kIndeterminate;

HistoryOp Op(int client, OpKind kind, uint64_t invoked, uint64_t returned,
             OpResult result = kOk) {
  return HistoryOp{client, "c", kind, invoked, returned, result, std::nullopt};
}

HistoryOp State(int client, uint64_t invoked, uint64_t returned,
                Observed observed) {
  return HistoryOp{client,   "c", OpKind::kState, invoked,
                   returned, kOk, observed};
}

// A history with no concurrency: each op ends before the next begins.
class Sequence {
 public:
  Sequence& Do(OpKind kind, OpResult result = kOk) {
    ops_.push_back(Op(0, kind, t_ + 1, t_ + 2, result));
    t_ += 2;
    return *this;
  }
  Sequence& Sees(Observed observed) {
    ops_.push_back(State(0, t_ + 1, t_ + 2, observed));
    t_ += 2;
    return *this;
  }
  const std::vector<HistoryOp>& ops() const { return ops_; }

 private:
  uint64_t t_ = 0;
  std::vector<HistoryOp> ops_;
};

TEST(LinearizabilityTest, SequentialLifecyclePasses) {
  Sequence s;
  s.Sees(Observed::kAbsent)
      .Do(OpKind::kStart, kFailed)
      .Do(OpKind::kDelete, kFailed)
      .Do(OpKind::kCreate)
      .Sees(Observed::kCreated)
      .Do(OpKind::kCreate, kFailed)
      .Do(OpKind::kExec)
      .Do(OpKind::kStart)
      .Sees(Observed::kRunning)
      .Do(OpKind::kDelete, kFailed)
      .Do(OpKind::kPause)
      .Sees(Observed::kPaused)
      .Do(OpKind::kExec, kFailed)
      .Do(OpKind::kResume)
      .Do(OpKind::kExec)
      .Do(OpKind::kKill)
      .Sees(Observed::kStopped)
      .Do(OpKind::kKill, kFailed)
      .Do(OpKind::kDelete)
      .Sees(Observed::kAbsent)
      .Do(OpKind::kRun)
      .Sees(Observed::kRunning)
      .Do(OpKind::kDeleteForce)
      .Do(OpKind::kDeleteForce)
      .Do(OpKind::kDeleteForce, kFailed)
      .Do(OpKind::kCreate)
      .Do(OpKind::kDelete)
      .Sees(Observed::kAbsent);
  const LinearizabilityResult result = CheckLinearizable(s.ops(), {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, ObservationContradictingTheOnlyOrderFails) {
  Sequence s;
  s.Do(OpKind::kCreate).Do(OpKind::kStart).Sees(Observed::kCreated);
  const LinearizabilityResult result = CheckLinearizable(s.ops(), {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result.id, "c");
  EXPECT_THAT(result.explanation,
              HasSubstr("cannot place #2 client 0 state [5, 6] ok: created"));
  EXPECT_THAT(result.explanation, HasSubstr("{running}"));
}

TEST(LinearizabilityTest, ConcurrentCreatesBothSucceedingFail) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kCreate, 1, 4), Op(2, OpKind::kCreate, 2, 5)}, {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  EXPECT_THAT(result.explanation, HasSubstr("cannot place #1"));
}

TEST(LinearizabilityTest, ConcurrentCreatesOneFailingPass) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kCreate, 1, 4), Op(2, OpKind::kCreate, 2, 5, kFailed)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, StateSeesCreatedBeforeConcurrentCreateReturns) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kCreate, 1, 10), State(2, 2, 3, Observed::kCreating),
       State(2, 4, 5, Observed::kCreated)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, StateSeesCreatedBeforeRunReturns) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 10), State(2, 2, 3, Observed::kCreated),
       State(2, 4, 5, Observed::kRunning)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, StateSeesCreatingAfterCreateReturnedFails) {
  Sequence s;
  s.Do(OpKind::kCreate).Sees(Observed::kCreating);
  EXPECT_EQ(CheckLinearizable(s.ops(), {}).verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, StateSeesStoppedDuringDeleteForce) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 2), Op(1, OpKind::kDeleteForce, 3, 10),
       State(2, 4, 5, Observed::kStopped), State(2, 6, 7, Observed::kAbsent)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, KillThenRunningThenStoppedPasses) {
  Sequence s;
  s.Do(OpKind::kRun)
      .Do(OpKind::kKill)
      .Sees(Observed::kRunning)
      .Sees(Observed::kStopped);
  const LinearizabilityResult result = CheckLinearizable(s.ops(), {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, KillThenStoppedThenRunningFails) {
  Sequence s;
  s.Do(OpKind::kRun)
      .Do(OpKind::kKill)
      .Sees(Observed::kStopped)
      .Sees(Observed::kRunning);
  const LinearizabilityResult result = CheckLinearizable(s.ops(), {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  EXPECT_THAT(result.explanation, HasSubstr("cannot place #3"));
}

TEST(LinearizabilityTest, StoppedWithoutKillFails) {
  Sequence s;
  s.Do(OpKind::kRun).Sees(Observed::kStopped);
  EXPECT_EQ(CheckLinearizable(s.ops(), {}).verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, IndeterminateCreateThenFailingCreatePasses) {
  const LinearizabilityResult result =
      CheckLinearizable({Op(1, OpKind::kCreate, 1, 0, kIndeterminate),
                         Op(2, OpKind::kCreate, 5, 6, kFailed)},
                        {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, IndeterminateCreateThenStoppedPasses) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kCreate, 1, 0, kIndeterminate),
       State(2, 5, 6, Observed::kCreating), State(2, 7, 8, Observed::kStopped)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, IndeterminateCreateThenRunningFails) {
  const LinearizabilityResult result =
      CheckLinearizable({Op(1, OpKind::kCreate, 1, 0, kIndeterminate),
                         State(2, 5, 6, Observed::kRunning)},
                        {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, IndeterminateStartMayKillTheContainer) {
  Sequence s;
  s.Do(OpKind::kCreate)
      .Do(OpKind::kStart, kIndeterminate)
      .Sees(Observed::kCreated)
      .Sees(Observed::kStopped);
  const LinearizabilityResult result = CheckLinearizable(s.ops(), {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, IndeterminateOpMayTakeEffectAfterEverything) {
  // The run was invoked first but, having no response, may take effect
  // after the state that saw nothing.
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 0, kIndeterminate),
       State(2, 5, 6, Observed::kAbsent), State(2, 7, 8, Observed::kRunning)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

std::vector<HistoryOp> ExitAfterCrash() {
  return {Op(1, OpKind::kRun, 1, 2), State(1, 3, 4, Observed::kRunning),
          State(1, 7, 8, Observed::kStopped)};
}

TEST(LinearizabilityTest, ExecInACreatedContainerPasses) {
  Sequence s;
  s.Do(OpKind::kCreate).Do(OpKind::kExec).Sees(Observed::kCreated);
  const LinearizabilityResult result = CheckLinearizable(s.ops(), {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, ExecInAPausedContainerFails) {
  Sequence s;
  s.Do(OpKind::kRun).Do(OpKind::kPause).Do(OpKind::kExec);
  EXPECT_EQ(CheckLinearizable(s.ops(), {}).verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, FailedRunWhoseStartWasRefusedDeletesWhatItMade) {
  // run makes the container, another client starts it first, run's own
  // start is refused and run deletes it with force: created, then absent.
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 20, kFailed), State(2, 2, 3, Observed::kCreated),
       Op(2, OpKind::kStart, 4, 5), State(2, 6, 7, Observed::kRunning),
       State(2, 21, 22, Observed::kAbsent)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, FailedRunCannotLeaveItsContainer) {
  // The partial-effect path ends in absent before run returns.
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 10, kFailed), State(2, 2, 3, Observed::kCreated),
       State(2, 11, 12, Observed::kCreated)},
      {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, FailedRunCannotRefuseAStartableContainer) {
  // Nothing else touched it: its start would have succeeded.
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 10, kFailed), State(2, 2, 3, Observed::kCreated),
       State(2, 11, 12, Observed::kAbsent)},
      {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, FailedDeleteMayStopTheContainerOthersRemove) {
  // Two deletes of a created container: one kills it and finds it gone
  // when it comes to remove it, the other removes it.
  const LinearizabilityResult result = CheckLinearizable(
      {Op(0, OpKind::kCreate, 1, 2), Op(1, OpKind::kDelete, 3, 10, kFailed),
       State(2, 4, 5, Observed::kStopped), Op(2, OpKind::kDelete, 6, 7),
       State(2, 11, 12, Observed::kAbsent)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, FailedDeleteCannotStopTheContainerAlone) {
  Sequence s;
  s.Do(OpKind::kCreate).Do(OpKind::kDelete, kFailed).Sees(Observed::kStopped);
  EXPECT_EQ(CheckLinearizable(s.ops(), {}).verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, IndeterminateCreateMayRollBack) {
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kCreate, 1, 0, kIndeterminate),
       State(2, 2, 3, Observed::kCreated), State(2, 4, 5, Observed::kStopped),
       State(2, 6, 7, Observed::kAbsent), Op(2, OpKind::kCreate, 8, 9)},
      {});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, IndeterminateStartDoesNotRollBack) {
  Sequence s;
  s.Do(OpKind::kCreate)
      .Do(OpKind::kStart, kIndeterminate)
      .Sees(Observed::kAbsent);
  EXPECT_EQ(CheckLinearizable(s.ops(), {}).verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, CreateInProgressIsNotSeenStopped) {
  // A create at work is "creating", never "stopped" and then "created".
  const std::vector<HistoryOp> history = {Op(1, OpKind::kCreate, 1, 10),
                                          State(2, 2, 3, Observed::kStopped),
                                          State(2, 11, 12, Observed::kCreated)};
  EXPECT_EQ(CheckLinearizable(history, {}).verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, ExitAllowedByCrashPasses) {
  const LinearizabilityResult result =
      CheckLinearizable(ExitAfterCrash(), {{"c", 5}});
  EXPECT_TRUE(result.ok()) << result.explanation;
}

TEST(LinearizabilityTest, ExitWithoutCrashFails) {
  EXPECT_EQ(CheckLinearizable(ExitAfterCrash(), {}).verdict,
            Verdict::kNotLinearizable);
  // A crash of another ID, or one after the observation, does not help.
  EXPECT_EQ(CheckLinearizable(ExitAfterCrash(), {{"d", 5}}).verdict,
            Verdict::kNotLinearizable);
  EXPECT_EQ(CheckLinearizable(ExitAfterCrash(), {{"c", 9}}).verdict,
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, CrashCannotTakeEffectBeforeAnEarlierReturn) {
  // The delete needs the container stopped by the crash at 10, but it
  // returned at 5. Placing the long state first (it may lie after 10) does
  // not help: the delete comes after it, so both lie before 5.
  const LinearizabilityResult result = CheckLinearizable(
      {Op(1, OpKind::kRun, 1, 2), State(2, 3, 20, Observed::kStopped),
       Op(1, OpKind::kDelete, 4, 5)},
      {{"c", 10}});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  EXPECT_THAT(result.explanation, HasSubstr("cannot place #2 client 1 delete"));
}

TEST(LinearizabilityTest, IdsAreCheckedIndependently) {
  std::vector<HistoryOp> history = {Op(1, OpKind::kCreate, 1, 4),
                                    Op(2, OpKind::kCreate, 2, 5)};
  history[1].id = "d";
  EXPECT_TRUE(CheckLinearizable(history, {}).ok());
  HistoryOp bad = State(3, 6, 7, Observed::kRunning);
  bad.id = "d";
  history.push_back(bad);
  const LinearizabilityResult result = CheckLinearizable(history, {});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result.id, "d");
}

TEST(LinearizabilityTest, MalformedHistoryIsReported) {
  HistoryOp no_observation = Op(1, OpKind::kState, 1, 2);
  EXPECT_EQ(CheckLinearizable({no_observation}, {}).verdict,
            Verdict::kInvalidHistory);
  EXPECT_EQ(CheckLinearizable({Op(1, OpKind::kCreate, 3, 3)}, {}).verdict,
            Verdict::kInvalidHistory);
}

TEST(LinearizabilityTest, SearchCapGivesItsOwnVerdict) {
  // Twelve commuting execs, then an impossible observation: the search must
  // try every subset of the execs before giving up.
  std::vector<HistoryOp> history = {Op(0, OpKind::kRun, 1, 2)};
  for (int i = 0; i < 12; ++i) {
    history.push_back(Op(i, OpKind::kExec, 3 + i, 100 + i));
  }
  history.push_back(State(0, 200, 201, Observed::kPaused));
  LinearizabilityOptions options;
  options.max_search_nodes = 50;
  const LinearizabilityResult result = CheckLinearizable(history, {}, options);
  EXPECT_EQ(result.verdict, Verdict::kSearchTooBig);
  // With the default cap the same history gets a verdict.
  EXPECT_EQ(CheckLinearizable(history, {}).verdict, Verdict::kNotLinearizable);
}

// xorshift64: deterministic, the same on every standard library.
class XorShift {
 public:
  explicit XorShift(uint64_t seed) : x_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  uint64_t Next() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 7;
    x_ ^= x_ << 17;
    return x_;
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool OneIn(uint64_t n) { return Below(n) == 0; }

 private:
  uint64_t x_;
};

// An independent, concrete, sequential simulation of the model, to generate
// histories that are linearizable by construction.
struct Container {
  Observed status = Observed::kAbsent;
  bool killed = false;
  bool crashed = false;
  bool Alive() const {
    return status != Observed::kAbsent && status != Observed::kStopped;
  }
};

struct Generated {
  std::vector<HistoryOp> history;  // Times are coarse points, widened later.
  std::vector<Crash> crashes;
};

// Applies a random op with a determinate result to `c`, returning the result
// and, for state, the observation. With `may_kill` off a kill that would
// succeed is reported as failed (the caller never asks for one).
OpResult Determinate(XorShift& rng, bool may_kill, OpKind kind, Container& c,
                     std::optional<Observed>& observed) {
  const Observed s = c.status;
  const bool running = s == Observed::kRunning;
  switch (kind) {
    case OpKind::kCreate:
    case OpKind::kRun:
      if (s != Observed::kAbsent) return kFailed;
      c.status = kind == OpKind::kRun ? Observed::kRunning : Observed::kCreated;
      return kOk;
    case OpKind::kStart:
      if (s != Observed::kCreated) return kFailed;
      c.status = Observed::kRunning;
      return kOk;
    case OpKind::kKill:
      if (!c.Alive() || (s == Observed::kCreating && rng.OneIn(2))) {
        return kFailed;
      }
      if (!may_kill) return kFailed;
      c.killed = true;
      return kOk;
    case OpKind::kPause:
      if (!running) return kFailed;
      c.status = Observed::kPaused;
      return kOk;
    case OpKind::kResume:
      if (s != Observed::kPaused) return kFailed;
      c.status = Observed::kRunning;
      return kOk;
    case OpKind::kExec:
      if (!(running || s == Observed::kCreated) || (c.killed && rng.OneIn(2))) {
        return kFailed;
      }
      return kOk;
    case OpKind::kDelete:
      if (s == Observed::kStopped || s == Observed::kCreated ||
          (s == Observed::kCreating && rng.OneIn(2))) {
        c.status = Observed::kAbsent;
        c.killed = false;
        return kOk;
      }
      return kFailed;
    case OpKind::kDeleteForce:
      if (s == Observed::kAbsent && rng.OneIn(2)) return kFailed;
      c.status = Observed::kAbsent;
      c.killed = false;
      return kOk;
    case OpKind::kState:
      observed = s;
      return kOk;
  }
  return kFailed;
}

// An indeterminate op: nothing, all of it, or (create/run/start) part of it
// and then its death, which leaves what it made killed.
void Indeterminate(XorShift& rng, OpKind kind, Container& c) {
  const int choice = static_cast<int>(rng.Below(3));
  if (choice == 0) return;
  if ((kind == OpKind::kCreate || kind == OpKind::kRun) &&
      c.status == Observed::kAbsent) {
    c.status = Observed::kCreating;
    if (kind == OpKind::kRun && rng.OneIn(2)) c.status = Observed::kCreated;
    if (choice == 2) {
      if (kind == OpKind::kCreate && rng.OneIn(2)) {
        c.status = Observed::kCreated;
      }
      c.killed = true;
    } else if (rng.OneIn(2)) {
      c.status = kind == OpKind::kRun ? Observed::kRunning : Observed::kCreated;
    }
    return;
  }
  if (kind == OpKind::kStart && c.status == Observed::kCreated) {
    if (choice == 2) {
      c.killed = true;
    } else {
      c.status = Observed::kRunning;
    }
    return;
  }
  if (choice == 2) return;
  Container copy = c;
  std::optional<Observed> ignored;
  if (Determinate(rng, /*may_kill=*/true, kind, copy, ignored) == kOk) {
    c = copy;
  }
}

Generated GenerateSequential(XorShift& rng, bool nondeterminism, int num_ops) {
  const std::vector<std::string> ids = {"a", "b"};
  std::vector<Container> containers(ids.size());
  Generated out;
  for (int i = 0; i < num_ops; ++i) {
    const size_t which = rng.Below(ids.size());
    Container& c = containers[which];
    OpKind kind = static_cast<OpKind>(rng.Below(10));
    if (rng.OneIn(3)) kind = OpKind::kState;
    // Killing would make later observations a choice: skip it when forced.
    if (!nondeterminism && kind == OpKind::kKill && c.Alive()) {
      kind = OpKind::kState;
    }
    std::optional<Observed> observed;
    OpResult result = kIndeterminate;
    if (nondeterminism && kind != OpKind::kState && rng.OneIn(8)) {
      Indeterminate(rng, kind, c);
    } else {
      result = Determinate(rng, nondeterminism, kind, c, observed);
    }
    // Coarse time points, far enough from 0 for Widen.
    const uint64_t point = 1000 * static_cast<uint64_t>(i + 10);
    out.history.push_back(HistoryOp{static_cast<int>(rng.Below(4)), ids[which],
                                    kind, point, point, result, observed});
    if (!nondeterminism) continue;
    // Between this op and the next: maybe a crash, maybe spontaneous stops.
    for (size_t j = 0; j < ids.size(); ++j) {
      Container& other = containers[j];
      if (rng.OneIn(30)) {
        out.crashes.push_back({ids[j], (point + 500) * 256 + 255});
        other.crashed = true;
      }
      if (other.Alive() && other.killed && rng.OneIn(3)) {
        other.status = Observed::kStopped;
      }
      if (other.status != Observed::kAbsent && other.crashed && rng.OneIn(4)) {
        other.status = Observed::kStopped;
      }
    }
  }
  return out;
}

// Gives op i (linearized at coarse time P) the interval
// [(P - before) * 256 + 2i, (P + after) * 256 + 2i + 1], all distinct, so
// the generated order stays a valid linearization.
void Widen(XorShift& rng, int max_widening, std::vector<HistoryOp>& history) {
  for (size_t i = 0; i < history.size(); ++i) {
    HistoryOp& op = history[i];
    auto widening = [&] {
      if (max_widening == 0) return uint64_t{1};
      return 1 + (rng.OneIn(4) ? rng.Below(max_widening)
                               : rng.Below(max_widening / 10 + 1));
    };
    const uint64_t point = op.invoked;
    op.invoked = (point - widening()) * 256 + 2 * i;
    op.returned = (point + widening()) * 256 + 2 * i + 1;
  }
}

TEST(LinearizabilityTest, RandomWidenedSequentialHistoriesPass) {
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    XorShift rng(seed);
    Generated g = GenerateSequential(rng, /*nondeterminism=*/true, 100);
    Widen(rng, 3000, g.history);
    const LinearizabilityResult result =
        CheckLinearizable(g.history, g.crashes);
    ASSERT_TRUE(result.ok())
        << "seed " << seed << ": " << ToString(result.verdict) << "\n"
        << result.explanation;
  }
}

TEST(LinearizabilityTest, RandomSequentialHistoryWithOneWrongObservationFails) {
  int mutated = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    XorShift rng(seed);
    Generated g = GenerateSequential(rng, /*nondeterminism=*/false, 60);
    Widen(rng, 0, g.history);
    ASSERT_TRUE(CheckLinearizable(g.history, g.crashes).ok())
        << "seed " << seed;
    std::vector<size_t> states;
    for (size_t i = 0; i < g.history.size(); ++i) {
      if (g.history[i].observed) states.push_back(i);
    }
    if (states.empty()) continue;
    HistoryOp& victim = g.history[states[rng.Below(states.size())]];
    const Observed truth = *victim.observed;
    victim.observed =
        static_cast<Observed>((static_cast<int>(truth) + 1 + rng.Below(5)) % 6);
    const LinearizabilityResult result =
        CheckLinearizable(g.history, g.crashes);
    ASSERT_EQ(result.verdict, Verdict::kNotLinearizable)
        << "seed " << seed << ": " << ToString(victim) << " (was "
        << ToString(truth) << ")";
    EXPECT_THAT(result.explanation,
                HasSubstr(absl::StrCat(ToString(victim), ", which must")))
        << "seed " << seed;
    ++mutated;
  }
  EXPECT_GT(mutated, 250);
}

}  // namespace
}  // namespace runbox::chaos
