// The Wing & Gong search, with Lowe's memoization, over the lifecycle model
// in linearizability.h. The model is nondeterministic (spontaneous stops,
// indeterminate ops), so the search tracks the SET of concrete states the
// container may be in; a node is (progress of every op, that set), and a node
// that failed once is never expanded again.
#include "chaos/linearizability.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace runbox::chaos {
namespace {

// The status part of a concrete state is the set of things `state` can show.
using Status = Observed;

struct ModelState {
  Status status = Status::kAbsent;
  bool killed = false;  // Only meaningful while alive.
};

// A set of concrete states, one bit each: absent, stopped, then a live and a
// killed bit for each of creating, created, running, paused.
using StateSet = uint16_t;
constexpr int kNumStates = 10;

bool Alive(Status status) {
  return status == Status::kCreating || status == Status::kCreated ||
         status == Status::kRunning || status == Status::kPaused;
}

int IndexOf(ModelState s) {
  switch (s.status) {
    case Status::kAbsent:
      return 0;
    case Status::kStopped:
      return 1;
    case Status::kCreating:
      return 2 + s.killed;
    case Status::kCreated:
      return 4 + s.killed;
    case Status::kRunning:
      return 6 + s.killed;
    case Status::kPaused:
      return 8 + s.killed;
  }
  return 0;
}

ModelState StateAt(int index) {
  static constexpr Status kByPair[] = {Status::kCreating, Status::kCreated,
                                       Status::kRunning, Status::kPaused};
  if (index == 0) return {Status::kAbsent, false};
  if (index == 1) return {Status::kStopped, false};
  return {kByPair[(index - 2) / 2], (index % 2) == 1};
}

StateSet Only(ModelState s) { return StateSet(1u << IndexOf(s)); }
StateSet Only(Status status, bool killed = false) {
  return Only(ModelState{status, Alive(status) && killed});
}

std::string ToString(ModelState s) {
  return absl::StrCat(ToString(s.status), s.killed ? "+killed" : "");
}

std::string SetToString(StateSet set) {
  std::vector<std::string> names;
  for (int i = 0; i < kNumStates; ++i) {
    if (set & (1u << i)) names.push_back(ToString(StateAt(i)));
  }
  return absl::StrCat("{", absl::StrJoin(names, ", "), "}");
}

// How many steps a successful op of this kind takes.
int StepsOf(OpKind kind) {
  switch (kind) {
    case OpKind::kCreate:
    case OpKind::kDelete:
    case OpKind::kDeleteForce:
      return 2;
    case OpKind::kRun:
      return 3;
    default:
      return 1;
  }
}

// Where step `step` of a successful `op` takes `s`; 0 if it cannot happen.
StateSet StepOk(const HistoryOp& op, int step, ModelState s) {
  const bool k = s.killed;
  switch (op.kind) {
    case OpKind::kCreate:
    case OpKind::kRun:
      if (step == 0 && s.status == Status::kAbsent) {
        return Only(Status::kCreating);
      }
      if (step == 1 && s.status == Status::kCreating) {
        return Only(Status::kCreated, k);
      }
      if (step == 2 && s.status == Status::kCreated) {
        return Only(Status::kRunning, k);
      }
      return 0;
    case OpKind::kStart:
      return s.status == Status::kCreated ? Only(Status::kRunning, k) : 0;
    case OpKind::kKill:
      return Alive(s.status) ? Only(s.status, true) : 0;
    case OpKind::kPause:
      return s.status == Status::kRunning ? Only(Status::kPaused, k) : 0;
    case OpKind::kResume:
      return s.status == Status::kPaused ? Only(Status::kRunning, k) : 0;
    case OpKind::kExec:
      return s.status == Status::kRunning || s.status == Status::kCreated
                 ? Only(s)
                 : 0;
    case OpKind::kDelete:
      if (s.status == Status::kStopped) {
        return step == 0 ? Only(s) : Only(Status::kAbsent);
      }
      if (s.status == Status::kCreated || s.status == Status::kCreating) {
        return step == 0 ? Only(s.status, true) : Only(Status::kAbsent);
      }
      return 0;
    case OpKind::kDeleteForce:
      if (step == 0) return Only(s.status, true);
      return Only(Status::kAbsent);
    case OpKind::kState:
      return op.observed == s.status ? Only(s) : 0;
  }
  return 0;
}

// The steps of the partial-effect path of a failed op (a kFailed op takes
// either its one failing step, changing nothing, or this whole path); 0 for
// none. `run` fails after its create if its start is refused (the container
// was started, killed or replaced meanwhile), and then deletes with force
// what it made, as runc does: create's two steps, the refused start, then
// delete --force's two. `delete` stops a created container and then removes
// it with the container lock dropped in between, so it may find that
// another delete removed it first: its first step, then a failure on
// absent.
int FailedPathSteps(OpKind kind) {
  switch (kind) {
    case OpKind::kRun:
      return 5;
    case OpKind::kDelete:
      return 2;
    default:
      return 0;
  }
}

// Where step `step` of the partial-effect path of a failed `op` takes `s`.
StateSet StepFailedPath(const HistoryOp& op, int step, ModelState s) {
  switch (op.kind) {
    case OpKind::kRun:
      switch (step) {
        case 0:
        case 1:
          return StepOk(op, step, s);
        case 2:  // start refused: it was not created, or init was killed.
          return s.status != Status::kCreated || s.killed ? Only(s) : 0;
        case 3:  // delete --force: kill.
          return Only(s.status, true);
        default:
          return Only(Status::kAbsent);
      }
    case OpKind::kDelete:
      if (step == 0) return StepOk(op, 0, s);
      return s.status == Status::kAbsent ? Only(s) : 0;
    default:
      return 0;
  }
}

// Whether `op` may fail, changing nothing, in `s`.
bool MayFail(OpKind kind, ModelState s) {
  switch (kind) {
    case OpKind::kCreate:
    case OpKind::kRun:
      return s.status != Status::kAbsent;
    case OpKind::kStart:
      return s.status != Status::kCreated;
    case OpKind::kKill:
      return !Alive(s.status) || s.status == Status::kCreating;
    case OpKind::kPause:
      return s.status != Status::kRunning;
    case OpKind::kResume:
      return s.status != Status::kPaused;
    case OpKind::kExec:
      return (s.status != Status::kRunning && s.status != Status::kCreated) ||
             s.killed;
    case OpKind::kDelete:
      return s.status == Status::kAbsent || s.status == Status::kRunning ||
             s.status == Status::kPaused || s.status == Status::kCreating;
    case OpKind::kDeleteForce:
      return s.status == Status::kAbsent;
    case OpKind::kState:
      return false;
  }
  return false;
}

// The earliest progress from which an indeterminate op of this kind may die
// (its process killed, leaving what it made killed); -1 if it cannot.
int DieFrom(OpKind kind) {
  switch (kind) {
    case OpKind::kCreate:
    case OpKind::kRun:
      return 1;
    case OpKind::kStart:
      return 0;
    default:
      return -1;
  }
}

StateSet Die(OpKind kind, ModelState s) {
  const bool made = kind == OpKind::kStart ? s.status == Status::kCreated
                                           : s.status == Status::kCreating ||
                                                 s.status == Status::kCreated;
  return made ? Only(s.status, true) : 0;
}

// Adds the states reachable by spontaneous transitions.
StateSet Close(StateSet set, bool crash_enabled) {
  StateSet out = set;
  for (int i = 0; i < kNumStates; ++i) {
    if (!(set & (1u << i))) continue;
    const ModelState s = StateAt(i);
    if ((s.killed && Alive(s.status)) ||
        (crash_enabled && s.status != Status::kAbsent)) {
      out |= Only(Status::kStopped);
    }
  }
  return out;
}

// kFailStep: a step of the partial-effect path of a failed op. kRollBack:
// a step of an indeterminate create's or run's undo (its error path kills
// what it made and deletes it with force: killed, then absent).
enum class MoveType { kStep, kFail, kFailStep, kDie, kRollBack };

// Progress values of an op rolling back (above any op's step count).
constexpr uint8_t kRollingBack = 250;
constexpr uint8_t kRolledBack = 251;

struct Move {
  MoveType type;
  int step;  // For kStep.
};

StateSet Apply(const HistoryOp& op, Move move, StateSet set) {
  StateSet out = 0;
  for (int i = 0; i < kNumStates; ++i) {
    if (!(set & (1u << i))) continue;
    const ModelState s = StateAt(i);
    switch (move.type) {
      case MoveType::kStep:
        out |= StepOk(op, move.step, s);
        break;
      case MoveType::kFailStep:
        out |= StepFailedPath(op, move.step, s);
        break;
      case MoveType::kFail:
        if (MayFail(op.kind, s)) out |= Only(s);
        break;
      case MoveType::kDie:
        out |= Die(op.kind, s);
        break;
      case MoveType::kRollBack:
        out |= move.step == 0 ? Only(s.status, true) : Only(Status::kAbsent);
        break;
    }
  }
  return out;
}

constexpr uint64_t kNever = UINT64_MAX;

// One op of the ID under check, with what the search needs of it.
struct PlannedOp {
  const HistoryOp* op;
  int number;  // Position in invocation order, as printed.
  // Steps to completion. kFailed: 1 (its one failing step), or the length
  // of its partial-effect path (FailedPathSteps), which the failing step
  // then completes at once.
  int steps;
  int die_from;       // -1: cannot die.
  uint64_t returned;  // kNever for indeterminate ops.
  bool can_roll_back = false;
  bool Determinate() const { return returned != kNever; }
};

struct PlacedStep {
  int op;
  Move move;
  StateSet after;
};

class Search {
 public:
  Search(std::vector<PlannedOp> ops, std::vector<uint64_t> crash_times,
         uint64_t max_nodes)
      : ops_(std::move(ops)),
        crash_times_(std::move(crash_times)),
        max_nodes_(max_nodes),
        progress_(ops_.size(), 0) {}

  Verdict Run() {
    if (Dfs(Only(Status::kAbsent))) return Verdict::kLinearizable;
    return too_big_ ? Verdict::kSearchTooBig : Verdict::kNotLinearizable;
  }

  std::string Explain() const {
    std::string out;
    for (uint64_t at : crash_times_)
      absl::StrAppend(&out, "crash at ", at, "\n");
    absl::StrAppend(&out, "ops in invocation order:\n");
    for (const PlannedOp& p : ops_) {
      absl::StrAppend(&out, "  #", p.number, " ", ToString(*p.op), "\n");
    }
    absl::StrAppend(&out, "longest linearizable prefix (", best_path_.size(),
                    " steps, from {absent}):\n");
    for (const PlacedStep& placed : best_path_) {
      absl::StrAppend(&out, "  ", DescribeStep(placed), " -> ",
                      SetToString(placed.after), "\n");
    }
    if (best_blocker_ >= 0) {
      const PlannedOp& p = ops_[best_blocker_];
      absl::StrAppend(&out, "cannot place #", p.number, " ", ToString(*p.op),
                      ", which must take effect before it returns; no op can"
                      " take a step from the possible states ",
                      SetToString(best_states_), "\n");
    }
    return out;
  }

 private:
  std::string DescribeStep(const PlacedStep& placed) const {
    const PlannedOp& p = ops_[placed.op];
    std::string what;
    switch (placed.move.type) {
      case MoveType::kFail:
        what = "fails";
        break;
      case MoveType::kFailStep:
        what = absl::StrCat("fails, step ", placed.move.step + 1, "/", p.steps);
        break;
      case MoveType::kDie:
        what = "dies";
        break;
      case MoveType::kRollBack:
        what = absl::StrCat("rolls back, step ", placed.move.step + 1, "/2");
        break;
      case MoveType::kStep:
        what = p.steps == 1
                   ? "takes effect"
                   : absl::StrCat("step ", placed.move.step + 1, "/", p.steps);
        break;
    }
    return absl::StrCat("#", p.number, " ", ToString(p.op->kind), " ", what);
  }

  // Whether the ops can be completed from here. `set` was reached by the
  // steps in path_.
  bool Dfs(StateSet set) {
    if (too_big_) return false;
    if (++nodes_ > max_nodes_) {
      too_big_ = true;
      return false;
    }
    // Every step from here on takes place before the earliest return of an
    // unfinished determinate op.
    uint64_t deadline = kNever;
    int blocker = -1;
    for (size_t i = 0; i < ops_.size(); ++i) {
      const PlannedOp& p = ops_[i];
      if (p.Determinate() && progress_[i] < p.steps && p.returned < deadline) {
        deadline = p.returned;
        blocker = static_cast<int>(i);
      }
    }
    if (blocker < 0) return true;  // Indeterminate leftovers may do nothing.

    // A crash at `at` may stop the container before the next step if that
    // step can lie after `at`, i.e. before `deadline`.
    const bool crash_enabled =
        !crash_times_.empty() && crash_times_.front() < deadline;
    const StateSet closed = Close(set, crash_enabled);

    std::string key(progress_.begin(), progress_.end());
    key.push_back(static_cast<char>(closed & 0xff));
    key.push_back(static_cast<char>(closed >> 8));
    if (failed_.contains(key)) return false;

    if (best_blocker_ < 0 || path_.size() > best_path_.size()) {
      best_path_ = path_;
      best_blocker_ = blocker;
      best_states_ = closed;
    }

    for (size_t i = 0; i < ops_.size(); ++i) {
      const PlannedOp& p = ops_[i];
      const int at = progress_[i];
      // Ops are sorted by invocation: once one starts after the deadline,
      // so do all later ones, and none of them has begun.
      if (at == 0 && p.op->invoked >= deadline) break;
      if (at < p.steps && p.op->result == OpResult::kFailed) {
        if (at == 0 && TryMove(i, Move{MoveType::kFail, 0}, closed, p.steps)) {
          return true;
        }
        if (FailedPathSteps(p.op->kind) > 0 &&
            TryMove(i, Move{MoveType::kFailStep, at}, closed, at + 1)) {
          return true;
        }
      } else if (at < p.steps) {
        if (TryMove(i, Move{MoveType::kStep, at}, closed, at + 1)) return true;
      }
      if (p.can_roll_back && at >= 1 && at <= p.steps &&
          TryMove(i, Move{MoveType::kRollBack, 0}, closed, kRollingBack)) {
        return true;
      }
      if (at == kRollingBack &&
          TryMove(i, Move{MoveType::kRollBack, 1}, closed, kRolledBack)) {
        return true;
      }
      if (p.die_from >= 0 && at >= p.die_from && at <= p.steps) {
        if (TryMove(i, Move{MoveType::kDie, 0}, closed, p.steps + 1)) {
          return true;
        }
      }
    }
    failed_.insert(std::move(key));
    return false;
  }

  bool TryMove(size_t i, Move move, StateSet closed, int new_progress) {
    const StateSet next = Apply(*ops_[i].op, move, closed);
    if (next == 0) return false;
    const uint8_t old = progress_[i];
    progress_[i] = static_cast<uint8_t>(new_progress);
    path_.push_back({static_cast<int>(i), move, next});
    const bool done = Dfs(next);
    path_.pop_back();
    progress_[i] = old;
    return done;
  }

  const std::vector<PlannedOp> ops_;
  const std::vector<uint64_t> crash_times_;  // Sorted.
  const uint64_t max_nodes_;
  std::vector<uint8_t> progress_;  // Steps taken, per op; steps+1: died.
  std::vector<PlacedStep> path_;
  absl::flat_hash_set<std::string> failed_;
  uint64_t nodes_ = 0;
  bool too_big_ = false;
  std::vector<PlacedStep> best_path_;
  int best_blocker_ = -1;
  StateSet best_states_ = 0;
};

std::string Validate(const HistoryOp& op) {
  if (op.result != OpResult::kIndeterminate && op.returned <= op.invoked) {
    return "returned is not after invoked";
  }
  const bool wants_observation =
      op.kind == OpKind::kState && op.result == OpResult::kOk;
  if (wants_observation != op.observed.has_value()) {
    return wants_observation ? "a successful state needs an observation"
                             : "only a successful state has an observation";
  }
  return "";
}

}  // namespace

LinearizabilityResult CheckLinearizable(const std::vector<HistoryOp>& history,
                                        const std::vector<Crash>& crashes,
                                        const LinearizabilityOptions& options) {
  std::map<std::string, std::vector<const HistoryOp*>> by_id;
  for (const HistoryOp& op : history) {
    const std::string problem = Validate(op);
    if (!problem.empty()) {
      return {Verdict::kInvalidHistory, op.id,
              absl::StrCat(ToString(op), ": ", problem)};
    }
    by_id[op.id].push_back(&op);
  }
  for (auto& [id, ops] : by_id) {
    std::stable_sort(ops.begin(), ops.end(),
                     [](const HistoryOp* a, const HistoryOp* b) {
                       return a->invoked < b->invoked;
                     });
    std::vector<PlannedOp> planned;
    for (const HistoryOp* op : ops) {
      PlannedOp p{op, static_cast<int>(planned.size()), 1, -1, kNever};
      switch (op->result) {
        case OpResult::kOk:
          p.steps = StepsOf(op->kind);
          p.returned = op->returned;
          break;
        case OpResult::kFailed:
          p.steps = std::max(1, FailedPathSteps(op->kind));
          p.returned = op->returned;
          break;
        case OpResult::kIndeterminate:
          // An indeterminate state tells nothing and changes nothing.
          if (op->kind == OpKind::kState) continue;
          p.steps = StepsOf(op->kind);
          p.die_from = DieFrom(op->kind);
          p.can_roll_back =
              op->kind == OpKind::kCreate || op->kind == OpKind::kRun;
          break;
      }
      planned.push_back(p);
    }
    std::vector<uint64_t> crash_times;
    for (const Crash& crash : crashes) {
      if (crash.id == id) crash_times.push_back(crash.at);
    }
    std::sort(crash_times.begin(), crash_times.end());

    Search search(std::move(planned), std::move(crash_times),
                  options.max_search_nodes);
    const Verdict verdict = search.Run();
    if (verdict != Verdict::kLinearizable) {
      return {verdict, id,
              absl::StrCat("id \"", id, "\": ", ToString(verdict), "\n",
                           search.Explain())};
    }
  }
  return {Verdict::kLinearizable, "", ""};
}

std::string ToString(OpKind kind) {
  switch (kind) {
    case OpKind::kCreate:
      return "create";
    case OpKind::kRun:
      return "run";
    case OpKind::kStart:
      return "start";
    case OpKind::kKill:
      return "kill";
    case OpKind::kPause:
      return "pause";
    case OpKind::kResume:
      return "resume";
    case OpKind::kExec:
      return "exec";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kDeleteForce:
      return "delete --force";
    case OpKind::kState:
      return "state";
  }
  return "?";
}

std::string ToString(Observed observed) {
  switch (observed) {
    case Observed::kAbsent:
      return "absent";
    case Observed::kCreating:
      return "creating";
    case Observed::kCreated:
      return "created";
    case Observed::kRunning:
      return "running";
    case Observed::kPaused:
      return "paused";
    case Observed::kStopped:
      return "stopped";
  }
  return "?";
}

std::string ToString(OpResult result) {
  switch (result) {
    case OpResult::kOk:
      return "ok";
    case OpResult::kFailed:
      return "failed";
    case OpResult::kIndeterminate:
      return "indeterminate";
  }
  return "?";
}

std::string ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "not linearizable";
    case Verdict::kSearchTooBig:
      return "search too big";
    case Verdict::kInvalidHistory:
      return "invalid history";
  }
  return "?";
}

std::string ToString(const HistoryOp& op) {
  std::string out = absl::StrCat("client ", op.client, " ", ToString(op.kind),
                                 " [", op.invoked, ", ");
  if (op.result == OpResult::kIndeterminate) {
    absl::StrAppend(&out, "-) indeterminate");
  } else {
    absl::StrAppend(&out, op.returned, "] ", ToString(op.result));
  }
  if (op.observed) absl::StrAppend(&out, ": ", ToString(*op.observed));
  return out;
}

}  // namespace runbox::chaos
