// Helpers shared by the lifecycle operations (container_*.cc): opening the
// state store, the live status of a container, and calls to its supervisor.
#ifndef RUNBOX_RUNTIME_CONTAINER_CONTAINER_INTERNAL_H_
#define RUNBOX_RUNTIME_CONTAINER_CONTAINER_INTERNAL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/container/container.h"
#include "runtime/sandbox/control/messages.h"
#include "runtime/spec/config.h"
#include "runtime/state/state_store.h"

namespace runbox::internal {

absl::StatusOr<StateStore> OpenStore(RuntimeContext& ctx);

// What a container is now, which meta.json alone cannot say: a recorded
// exit, or a supervisor that is gone (pid + start time, DESIGN.md invariant
// 4), make it stopped whatever meta.json last said.
struct LiveStatus {
  ContainerStatus status;
  std::optional<ExitStatus> exit;
};
absl::StatusOr<LiveStatus> CurrentStatus(RuntimeContext& ctx, StateStore& store,
                                         const Meta& meta);

// What the live supervisor of `id` says the container is: created until
// its init was released, running, or paused while its cgroup is frozen.
// The command that asked for a start, pause or resume saves the new status
// after the fact, and may die first: the supervisor is the truth for a
// live container. Stopped when it no longer listens (it is exiting);
// nullopt when it does not answer (in time).
std::optional<ContainerStatus> SupervisorStatus(RuntimeContext& ctx,
                                                const StateStore& store,
                                                absl::string_view id);

// `cannot <op> container "<id>" in state <status>` (FailedPrecondition),
// after runc's words for the case where runc has them: "cannot exec in a
// stopped container (cannot exec in container "x" in state stopped)".
absl::Status WrongState(absl::string_view op, absl::string_view id,
                        ContainerStatus status);

// One request to the container's supervisor; its error, if any, comes back
// as a Status with the supervisor's code and errno.
absl::StatusOr<nlohmann::json> CallSupervisor(RuntimeContext& ctx,
                                              const StateStore& store,
                                              absl::string_view id,
                                              const control::Request& request);

// `path` made absolute against the caller's working directory.
absl::StatusOr<std::string> AbsolutePath(Host& host, absl::string_view path);
// Writes a pid file the way runc does: whole or not at all.
absl::Status WritePidFile(Host& host, absl::string_view path, Pid pid);

// runtime.md step 13: the poststop hooks, after the container is gone.
// Failures are warnings and do not stop the other hooks.
void RunPoststopHooks(RuntimeContext& ctx, const Meta& meta,
                      const spec::Config& config);

ContainerState ToContainerState(const Meta& meta, const LiveStatus& live);

// The config the container was created with: create's copy in its state
// directory (StateStore::LoadConfig), parsed. Never the bundle's
// config.json, whose later edits must not affect the container
// (runtime.md "Lifecycle"). A missing copy is FailedPrecondition, one that
// does not parse DataLoss, both naming the container.
absl::StatusOr<spec::Config> CreatedConfig(StateStore& store,
                                           absl::string_view id);

// config.md "Linux process": capabilities that cannot be mapped to a kernel
// interface (names this runbox does not know) or cannot be granted (above
// the kernel's last capability) are logged, one warning each, and left
// out; they never fail the operation. `what` names the process in the
// warning ("container \"x\"").
void WarnUngrantableCapabilities(RuntimeContext& ctx,
                                 const spec::Process& process,
                                 absl::string_view what);

}  // namespace runbox::internal

#endif  // RUNBOX_RUNTIME_CONTAINER_CONTAINER_INTERNAL_H_
