// Fault sweeps (the SQLite I/O-error loop, DESIGN.md "Tests"): each runbox
// operation runs on a fresh World with one fault at its host call k, for
// k = 1, 2, ... until the operation completes without reaching k, and after
// each run the invariants (invariants.h) and recovery are checked. Three
// kinds of fault:
//   kErrno      call k fails, once with each errno the call can return
//               (PlausibleErrnos);
//   kKill       the process making call k is SIGKILLed;
//   kPowerLoss  the machine loses power at call k (un-fsynced data and
//               directory entries vanish, every process dies) and reboots.
// Calls are counted over every process the operation starts (its
// supervisor and init too), so a kill at k may hit any of them.
#ifndef RUNBOX_CHAOS_SWEEP_H_
#define RUNBOX_CHAOS_SWEEP_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hostapi/fault_plan.h"

namespace runbox::chaos {

// One operation under test, from the state its setup commands make.
struct Operation {
  std::string name;                             // "create", "pod-join"...
  std::vector<std::vector<std::string>> setup;  // runbox argvs, fault-free.
  std::vector<std::string> args;                // The operation's argv.
  std::vector<std::string> ids;  // Every container the run touches.
  // The status `state` gives ids[0] after a success; "" for none (deleted).
  std::string target;
  // The statuses ids[0] may have after a clean failure (the operation
  // exited non-zero by itself). For create-like operations this is empty:
  // a failed create leaves no trace at all.
  std::vector<std::string> after_failure;
};

// create start run exec kill pause resume delete delete-force pod-join.
const std::vector<Operation>& Operations();
const Operation* FindOperation(const std::string& name);

enum class FaultMode { kErrno, kKill, kPowerLoss };
std::string ToString(FaultMode mode);  // "errno", "kill", "power-loss".

struct FaultPoint {
  FaultMode mode = FaultMode::kErrno;
  uint64_t k = 0;  // 1-based call number.
  int err = 0;     // kErrno only.
};
std::string ToString(const FaultPoint& point);  // "errno k=17 EIO"...

struct RunReport {
  std::vector<std::string> violations;
  bool fired = false;       // The fault happened (call k was reached).
  bool op_ok = false;       // The operation exited 0.
  uint64_t op_calls = 0;    // Host calls until the operation ended.
  uint64_t trace_hash = 0;  // FaultPlan::TraceHash of the whole run.
  // For a replay: the operation's output, the fault that fired and the
  // last host calls before the operation ended.
  std::string detail;
};

// One run: fresh World(seed), setup, the operation with `point`, checks.
RunReport RunWithFault(const Operation& op, const FaultPoint& point,
                       uint64_t seed);

// The kinds of the host calls the operation makes without faults, in order.
std::vector<HostCall> CallKinds(const Operation& op, uint64_t seed);

struct SweepOptions {
  uint64_t seed = 1;
  // Only every `stride`-th k (starting at `first`): for sharding a sweep
  // over test shards or processes. 1 and 1 cover every call.
  uint64_t first = 1;
  uint64_t stride = 1;
};

struct SweepReport {
  std::string op;
  FaultMode mode = FaultMode::kErrno;
  uint64_t calls = 0;  // Fault points: host calls of the operation.
  uint64_t runs = 0;   // Runs made (kErrno: one per errno per call).
  std::map<HostCall, uint64_t> calls_by_kind;  // What the points were.
  // Each with the fault point and the command that replays it.
  std::vector<std::string> violations;
};

SweepReport Sweep(const Operation& op, FaultMode mode,
                  const SweepOptions& options);

// `tools/chaos --op NAME --mode MODE --k K [--errno E] --seed S`.
std::string ReplayCommand(const Operation& op, const FaultPoint& point,
                          uint64_t seed);

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_SWEEP_H_
