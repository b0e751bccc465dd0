// Shared helpers of the lifecycle operations; see container_internal.h.
#include "runtime/container/container_internal.h"

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/client.h"
#include "runtime/sandbox/hooks.h"
#include "runtime/state/exit_record.h"
#include "runtime/state/oci_state.h"
#include "runtime/state/process_alive.h"

namespace runbox::internal {

absl::StatusOr<StateStore> OpenStore(RuntimeContext& ctx) {
  return StateStore::Open(ctx.host, StateLayout(ctx.root));
}

absl::StatusOr<LiveStatus> CurrentStatus(RuntimeContext& ctx, StateStore& store,
                                         const Meta& meta) {
  LiveStatus live{meta.status, std::nullopt};
  if (meta.status == ContainerStatus::kStopped) return live;
  absl::StatusOr<Fd> dir = ctx.host.OpenAt(store.root_dir(), meta.id,
                                           {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) return dir.status();
  ASSIGN_OR_RETURN(live.exit, ReadExitRecord(ctx.host, *dir));
  if (live.exit) {
    live.status = ContainerStatus::kStopped;
    return live;
  }
  if (!meta.supervisor) {
    // A create that died before it spawned anything.
    if (meta.status == ContainerStatus::kCreating)
      live.status = ContainerStatus::kStopped;
    return live;
  }
  ASSIGN_OR_RETURN(bool alive, IsAlive(ctx.host, *meta.supervisor));
  if (!alive) live.status = ContainerStatus::kStopped;
  return live;
}

namespace {

// runc 1.1's words for the same refusals, which engines and scripts grep
// for ("cannot exec in a stopped container", "container not running").
absl::string_view RuncWords(absl::string_view op, ContainerStatus status) {
  const bool stopped = status == ContainerStatus::kStopped;
  if (op == "start") {
    if (stopped) return "cannot start a container that has stopped";
    if (status == ContainerStatus::kRunning ||
        status == ContainerStatus::kPaused) {
      return "cannot start an already running container";
    }
  }
  if (op == "exec in") {
    if (stopped) return "cannot exec in a stopped container";
    if (status == ContainerStatus::kPaused) {
      return "cannot exec in a paused container";
    }
  }
  if (op == "pause") return "container not running";
  if (op == "resume") return "container not paused";
  return "";
}

}  // namespace

absl::Status WrongState(absl::string_view op, absl::string_view id,
                        ContainerStatus status) {
  const std::string detail =
      absl::StrCat("cannot ", op, " container \"", id, "\" in state ",
                   ContainerStatusName(status));
  const absl::string_view runc = RuncWords(op, status);
  return absl::FailedPreconditionError(
      runc.empty() ? detail : absl::StrCat(runc, " (", detail, ")"));
}

absl::StatusOr<nlohmann::json> CallSupervisor(RuntimeContext& ctx,
                                              const StateStore& store,
                                              absl::string_view id,
                                              const control::Request& request) {
  ASSIGN_OR_RETURN(
      Fd conn,
      control::ConnectControl(ctx.host, store.layout().ControlSocketPath(id)));
  ASSIGN_OR_RETURN(control::Response response,
                   control::Call(ctx.host, conn, request));
  RETURN_IF_ERROR(control::StatusOf(response));
  return response.result;
}

void RunPoststopHooks(RuntimeContext& ctx, const Meta& meta,
                      const spec::Config& config) {
  if (config.hooks.poststop.empty()) return;
  OciState state;
  state.id = meta.id;
  state.status = ContainerStatus::kStopped;
  state.bundle = meta.bundle;
  state.annotations = meta.annotations;
  absl::Status hooks =
      RunHooks(ctx.host, config.hooks.poststop, "poststop",
               SerializeOciState(state), HookFailure::kContinue);
  if (!hooks.ok()) ctx.warn(hooks.message());
}

ContainerState ToContainerState(const Meta& meta, const LiveStatus& live) {
  ContainerState state;
  state.id = meta.id;
  state.status = live.status;
  if (live.status != ContainerStatus::kStopped && meta.supervisor) {
    state.pid = meta.supervisor->pid;
  }
  state.bundle = meta.bundle;
  state.created = meta.created;
  state.owner = meta.owner;
  state.annotations = meta.annotations;
  state.exit_status = live.exit;
  return state;
}

}  // namespace runbox::internal
