// Seeded storms (docs/chaos.md): on a fresh World, a few simulated clients
// issue random lifecycle operations on a few container IDs at once, each a
// `runbox` process of its own, with faults (a plausible errno, rarely a
// SIGKILL) sprinkled over the host calls of those runbox processes only.
// Afterwards the run is checked:
//   * the records tell the truth (CheckRecords);
//   * per ID, the history of what the clients saw is linearizable against
//     the lifecycle model of chaos/linearizability.h;
//   * a failure without a fault says why (non-empty stderr);
//   * an exit status, once recorded for an incarnation of a container (its
//     directory), never changes: the clients read every
//     <root>/<id>/exit-status between their operations, and so does the
//     runner at the end;
//   * recovery works (CheckRecovery).
// A storm is a pure function of its seed: the same seed gives the same
// interleaving, faults and history, and so the same trace hash.
#ifndef RUNBOX_CHAOS_STORM_H_
#define RUNBOX_CHAOS_STORM_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chaos/linearizability.h"
#include "hostapi/host.h"

namespace runbox::chaos {

struct StormOptions {
  uint64_t seed = 1;
  int clients = 3;
  int ops_per_client = 8;
  // Containers of the sleep bundle. kPodSandboxId in the list is created
  // from the sandbox bundle instead (a pod sandbox behaves as a container).
  std::vector<std::string> ids = {"a", "b"};
  // Per host call of a client's runbox process: fail with a plausible errno
  // / SIGKILL the process.
  double errno_probability = 0.002;
  double kill_probability = 0.0003;

  // Test hooks, to prove the checks catch what they should: the first runs
  // in a client after each of its ops (before it reads the exit records),
  // with the client's host; the second edits the history before it is
  // checked.
  std::function<void(Host& host, int client)> after_each_op;
  std::function<void(std::vector<HistoryOp*>& history)> doctor_history;
};

// The options the campaign and the tests use for `seed`: the seed also
// picks 2..4 clients, 6..10 operations each, whether the pod sandbox is
// among the IDs, and (one storm in four) no faults at all, so a seed alone
// replays a storm.
StormOptions StormOptionsForSeed(uint64_t seed);

// One operation as a client ran it.
struct StormOp {
  HistoryOp op;
  std::vector<std::string> args;    // After `runbox --root ROOT`.
  int32_t pid = 0;                  // The runbox process; 0 if none started.
  std::string outcome;              // "exit 1, stderr: ..." or "killed".
  std::vector<std::string> faults;  // What fired in its process.
};

struct StormReport {
  uint64_t seed = 0;
  std::vector<std::string> violations;
  // The scheduler's interleaving and the fault plan's call trace, combined.
  uint64_t trace_hash = 0;
  uint64_t ops = 0, ok = 0, failed = 0, indeterminate = 0;
  uint64_t faults_fired = 0;
  // Distinct exit records the clients saw (each checked never to change).
  uint64_t exit_records = 0;
  std::vector<StormOp> history;  // In invocation order.
  // For a violation: the seed, the violations, the replay commands and the
  // history of the IDs concerned. Empty when there was none.
  std::string text;

  bool ok_run() const { return violations.empty(); }
};

StormReport RunStorm(const StormOptions& options);

// `tools/chaos --storm-seed S` and the bazel form, one per line.
std::string StormReplayCommands(uint64_t seed);

// The whole history, one op per line, with each op's argv and outcome.
std::string FormatHistory(const std::vector<StormOp>& history,
                          const std::string& only_id = "");

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_STORM_H_
