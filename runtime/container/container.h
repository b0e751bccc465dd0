// The container lifecycle (runtime-spec runtime.md "Lifecycle" and
// "Operations"), as runsc's container.go does it, on the host API: each
// operation loads meta.json, checks the state machine Creating -> Created
// -> Running <-> Paused -> Stopped under the container lock, talks to the
// sandbox supervisor over its control socket and saves the new state. The
// CLI (runtime/cli) parses flags and prints; this layer never prints.
#ifndef RUNBOX_RUNTIME_CONTAINER_CONTAINER_H_
#define RUNBOX_RUNTIME_CONTAINER_CONTAINER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"
#include "runtime/state/meta.h"

namespace runbox {

// What every operation needs: the host, the state root, and where
// non-fatal warnings go (a failing poststart hook is a warning, not an
// error: runtime.md step 9).
struct RuntimeContext {
  Host& host;
  std::string root = "/run/runbox";
  std::function<void(absl::string_view)> warn = [](absl::string_view) {};
};

struct CreateRequest {
  std::string id;
  std::string bundle;          // Absolute, or relative to the caller's cwd.
  std::string console_socket;  // Gets the pty master of process.terminal.
  std::string pid_file;        // Gets the supervisor's pid.
  bool no_pivot = false;
  // --no-new-keyring: keep the caller's session keyring (keyring.h).
  bool no_new_keyring = false;
  int preserve_fds = 0;  // fds 3..3+N-1 go to the container.
  // `run` without --detach: the runtime stays in the foreground (runc's
  // console-socket rules differ; see CheckConsoleSocket).
  bool attached = false;
  // With `attached` and no console_socket: runbox's own end of the console
  // connection, which init sends the master over if process.terminal.
  const Fd* console_connection = nullptr;
};

// The OCI state of runtime.md ("State"), refreshed from the processes: a
// container whose supervisor is gone or whose exit is recorded is stopped.
struct ContainerState {
  std::string id;
  ContainerStatus status = ContainerStatus::kStopped;
  Pid pid;  // The supervisor (DESIGN.md); 0 once stopped.
  std::string bundle;
  absl::Time created;
  Uid owner = 0;
  std::map<std::string, std::string> annotations;
  std::optional<ExitStatus> exit_status;  // Once recorded.
};
// The state JSON of runtime.md (ociVersion, id, status, pid, bundle,
// annotations) plus runc's "created" and "owner".
std::string StateJson(const ContainerState& state);

// create: validates everything first (ID, bundle, config), then makes the
// state, the supervisor and init, and returns once init waits for start.
// A failure leaves no trace.
absl::Status Create(RuntimeContext& ctx, const CreateRequest& request);
// start: Created -> Running; then poststart hooks (failures are warnings).
absl::Status Start(RuntimeContext& ctx, absl::string_view id);
// state.
absl::StatusOr<ContainerState> State(RuntimeContext& ctx, absl::string_view id);
// list: every container, sorted by ID; unreadable ones are skipped with a
// warning.
absl::StatusOr<std::vector<ContainerState>> List(RuntimeContext& ctx);
// kill: a signal to init, or with `all` to every process of the container.
// Created, Running and Paused containers accept signals.
absl::Status Kill(RuntimeContext& ctx, absl::string_view id, Signal signal,
                  bool all);
// delete: a stopped (or created) container; with `force`, any, killing it
// first; a missing one is then fine. Runs poststop hooks (warnings).
absl::Status Delete(RuntimeContext& ctx, absl::string_view id, bool force);
// pause / resume: Running <-> Paused through the cgroup freezer.
absl::Status Pause(RuntimeContext& ctx, absl::string_view id);
absl::Status Resume(RuntimeContext& ctx, absl::string_view id);
// wait: blocks until init has exited; its status (durable: also after the
// supervisor is gone).
absl::StatusOr<ExitStatus> Wait(RuntimeContext& ctx, absl::string_view id);
// ps: the host pids of the container's processes.
absl::StatusOr<std::vector<Pid>> ListProcesses(RuntimeContext& ctx,
                                               absl::string_view id);

struct ExecProcessRequest {
  std::string id;
  spec::Process process;  // Validated.
  bool detach = false;
  std::string pid_file;
  std::string console_socket;
  int preserve_fds = 0;
};
// exec: runs a process in a running container's namespaces as a child of
// the caller. Detached: returns at once with its pid. Otherwise waits and
// returns its exit status.
struct ExecResult {
  Pid pid;
  std::optional<ExitStatus> status;  // Unless detached.
};
absl::StatusOr<ExecResult> Exec(RuntimeContext& ctx,
                                const ExecProcessRequest& request);
// The config the container was created with: create's copy in the state
// directory, never the bundle's config.json, whose later edits must not
// affect the container (runtime.md "Lifecycle"). `exec` without --process
// takes its process from here. A missing copy is FailedPrecondition, a
// corrupt one DataLoss.
absl::StatusOr<spec::Config> CreatedConfig(RuntimeContext& ctx,
                                           absl::string_view id);

// update: lays `changes` over the container's resources (those of its
// last update, else the linux.resources of the config it was created
// with: CreatedConfig), writes the fields
// runc's update changes (memory, cpu, pids, blockIO weight, unified) to its
// cgroups and records the result in <root>/<id>/resources.json. A created,
// running or paused container; under the container lock.
absl::Status Update(RuntimeContext& ctx, absl::string_view id,
                    const spec::Resources& changes);

// What `events` reads from a container's cgroups at one moment.
struct ResourceSample {
  ContainerStatus status = ContainerStatus::kStopped;
  // runc's types.Stats JSON (runtime/sandbox/cgroups/stats.h), serialized;
  // empty when the cgroups are gone.
  std::string stats_json;
  // OOM kills so far; nullopt when the kernel does not count them.
  std::optional<uint64_t> oom_kills;
};
// With kStatsAndOom the statistics are read too; kOomOnly reads only the
// OOM counter (cheap, for polling between stats).
enum class SampleDepth { kOomOnly, kStatsAndOom };
absl::StatusOr<ResourceSample> SampleResources(RuntimeContext& ctx,
                                               absl::string_view id,
                                               SampleDepth depth);

// run: create + start, then (unless detached) wait for the exit and delete
// (unless `keep`). Returns the exit status when it waited.
struct RunRequest : CreateRequest {
  bool detach = false;
  bool keep = false;
};
absl::StatusOr<std::optional<ExitStatus>> Run(RuntimeContext& ctx,
                                              const RunRequest& request);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_CONTAINER_CONTAINER_H_
