// A linearizability checker for the histories a seeded storm records: clients
// issue lifecycle operations on a few container IDs concurrently, faults are
// sprinkled, and the observed results must be explainable by some sequential
// order of the operations against the lifecycle model below. Pure and
// deterministic: no host, no I/O. The storm runner and its faults live
// elsewhere (chaos/); IDs are independent, so each is checked on its own.
//
// The model, per ID. A container is `absent` or has a status (creating,
// created, running, paused, stopped) and, while alive, a `killed` flag
// (SIGKILL was delivered; init will die). Its init runs `sleep` forever, so it
// never exits by itself. Spontaneous transitions, allowed at any moment:
//   - killed and creating|created|running|paused -> stopped;
//   - any non-absent status -> stopped at or after a Crash of that ID (its
//     supervisor was killed by a fault).
// Operations: each takes effect at one or more points inside its interval,
// in order. Multi-step operations make the in-between states observable by a
// concurrent `state`, as the real runtime does:
//   create        absent -> creating -> created.
//   run (-d)      absent -> creating -> created -> running. A failed run
//                 either changed nothing (not absent), or made the
//                 container (creating -> created), found it no longer
//                 startable (not created, or killed), and deleted it with
//                 force (-> killed -> absent), as runc's run does.
//   start         created -> running (killed kept).
//   kill          creating|created|running|paused -> same, killed. On
//                 creating it may also fail (the runtime may refuse).
//   pause         running -> paused.   resume   paused -> running.
//   exec          running|created -> same (runbox, like runc, execs in a
//                 created container too); it may also fail when killed.
//   delete        created|creating -> killed, then -> absent; or
//                 stopped -> absent. (runbox, like runc, kills a created
//                 container on delete.) Fails on absent|running|paused; on
//                 creating it may fail as well. A failed delete may also
//                 have taken its first step and then found the container
//                 absent (another delete removed it in between).
//   delete_force  alive -> killed, then -> absent (stopped -> absent). On
//                 absent it may succeed or fail.
//   state         read-only; the observation must equal the status. Chosen
//                 for "creating": it matches only status creating, which is
//                 either a create/run in progress or the dead record a
//                 killed create leaves (creating+killed, which may later be
//                 observed as stopped, but not as creating again).
// Results: kOk (all steps took effect), kFailed (no fault was injected: the op
// was illegal at its one linearization point and changed nothing, or, for
// run and delete, took the partial-effect path described above; a kFailed
// state is never legal), kIndeterminate (a fault hit the op or its process
// was killed: any prefix of its steps took effect, anywhere after its
// invocation; a create/run/start may also die, leaving what it made
// creating|created with killed set, so it later stops; and a create/run that
// made something may roll back: its error path kills it (-> killed) and
// deletes it with force (-> absent), as runbox's create undo and run's
// cleanup after a failed start do).
#ifndef RUNBOX_CHAOS_LINEARIZABILITY_H_
#define RUNBOX_CHAOS_LINEARIZABILITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runbox::chaos {

enum class OpKind {
  kCreate,
  kRun,
  kStart,
  kKill,
  kPause,
  kResume,
  kExec,
  kDelete,
  kDeleteForce,
  kState,
};

// What `state` reported; kAbsent is its "does not exist" error.
enum class Observed {
  kAbsent,
  kCreating,
  kCreated,
  kRunning,
  kPaused,
  kStopped
};

enum class OpResult { kOk, kFailed, kIndeterminate };

// One completed (or abandoned) operation. Times come from one global logical
// counter, all distinct; `returned` is ignored for kIndeterminate (it has no
// response, so it may take effect after everything else).
struct HistoryOp {
  int client = 0;
  std::string id;
  OpKind kind = OpKind::kState;
  uint64_t invoked = 0;
  uint64_t returned = 0;
  OpResult result = OpResult::kOk;
  std::optional<Observed> observed;  // Exactly for kState with kOk.
};

// From `at` on, the container `id` may become stopped at any moment.
struct Crash {
  std::string id;
  uint64_t at = 0;
};

enum class Verdict {
  kLinearizable,
  kNotLinearizable,
  // The search hit LinearizabilityOptions::max_search_nodes: no verdict.
  kSearchTooBig,
  // Malformed input (e.g. returned <= invoked, a kOk state without an
  // observation); `explanation` says which op.
  kInvalidHistory,
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::kLinearizable;
  bool ok() const { return verdict == Verdict::kLinearizable; }
  std::string id;  // The first ID (in sorted order) that is not linearizable.
  // For a failure: the crashes and ops of `id` in invocation order, the
  // longest sequence of steps that could be linearized, and the op that could
  // not be placed after it, with the states possible at that point.
  std::string explanation;
};

struct LinearizabilityOptions {
  // Search nodes expanded per ID (the memo holds at most as many entries).
  uint64_t max_search_nodes = 2'000'000;
};

LinearizabilityResult CheckLinearizable(
    const std::vector<HistoryOp>& history, const std::vector<Crash>& crashes,
    const LinearizabilityOptions& options = {});

std::string ToString(OpKind kind);
std::string ToString(Observed observed);
std::string ToString(OpResult result);
std::string ToString(Verdict verdict);
// "client 2 state [10, 14] ok: running".
std::string ToString(const HistoryOp& op);

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_LINEARIZABILITY_H_
