// The lifecycle operations after create (runtime.md "Operations"): start,
// state, list, kill, wait, pause/resume and ps. Each checks the state
// machine on the live status and names the container in its errors.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/container/container.h"
#include "runtime/container/container_internal.h"
#include "runtime/sandbox/control/messages.h"
#include "runtime/state/exit_record.h"
#include "runtime/state/oci_state.h"

namespace runbox {

using internal::CallSupervisor;
using internal::CurrentStatus;
using internal::LiveStatus;
using internal::OpenStore;
using internal::WrongState;

std::string StateJson(const ContainerState& state) {
  OciState oci;
  oci.id = state.id;
  oci.status = state.status;
  oci.pid = state.pid;
  oci.bundle = state.bundle;
  oci.annotations = state.annotations;
  oci.created = state.created;
  oci.owner = state.owner;
  return SerializeOciState(oci);
}

absl::Status Start(RuntimeContext& ctx, absl::string_view id) {
  const std::string context = absl::StrCat("start container \"", id, "\"");
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
    ASSIGN_OR_RETURN(ContainerLock lock, store.LockContainer(
                                             id, LockType::kExclusive,
                                             LockMode::kBlock));
    ASSIGN_OR_RETURN(Meta meta, store.LoadLocked(lock));
    ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
    if (live.status != ContainerStatus::kCreated) {
      return WrongState("start", id, live.status);
    }
    ASSIGN_OR_RETURN(nlohmann::json result,
                     CallSupervisor(ctx, store, id,
                                    control::MakeRequest(control::Op::kStart)));
    meta.status = ContainerStatus::kRunning;
    RETURN_IF_ERROR(store.SaveLocked(lock, meta));
    // runtime.md step 9: a failing poststart hook is a warning.
    if (result.contains("warnings") && result["warnings"].is_array()) {
      for (const auto& warning : result["warnings"]) {
        if (warning.is_string()) ctx.warn(warning.get<std::string>());
      }
    }
    return absl::OkStatus();
  }();
  return Annotate(status, context);
}

absl::StatusOr<ContainerState> State(RuntimeContext& ctx, absl::string_view id) {
  ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
  ASSIGN_OR_RETURN(Meta meta, store.Load(id));
  ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
  return internal::ToContainerState(meta, live);
}

absl::StatusOr<std::vector<ContainerState>> List(RuntimeContext& ctx) {
  ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
  ASSIGN_OR_RETURN(std::vector<ListEntry> entries, store.List());
  std::vector<ContainerState> states;
  states.reserve(entries.size());
  for (ListEntry& entry : entries) {
    if (!entry.meta.ok()) {
      ctx.warn(absl::StrCat("container \"", entry.id,
                            "\": ", entry.meta.status().message()));
      continue;
    }
    absl::StatusOr<LiveStatus> live = CurrentStatus(ctx, store, *entry.meta);
    if (!live.ok()) {
      ctx.warn(absl::StrCat("container \"", entry.id,
                            "\": ", live.status().message()));
      continue;
    }
    states.push_back(internal::ToContainerState(*entry.meta, *live));
  }
  return states;
}

absl::Status Kill(RuntimeContext& ctx, absl::string_view id, Signal signal,
                  bool all) {
  const std::string context = absl::StrCat("kill container \"", id, "\"");
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
    ASSIGN_OR_RETURN(Meta meta, store.Load(id));
    ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
    if (live.status == ContainerStatus::kStopped ||
        live.status == ContainerStatus::kCreating) {
      return absl::FailedPreconditionError("container not running");
    }
    control::SignalArgs args;
    args.signal = signal;
    args.all = all;
    return CallSupervisor(ctx, store, id, control::MakeSignalRequest(args))
        .status();
  }();
  return Annotate(status, context);
}

absl::StatusOr<ExitStatus> Wait(RuntimeContext& ctx, absl::string_view id) {
  ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
  ASSIGN_OR_RETURN(Meta meta, store.Load(id));
  ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
  if (live.exit) return *live.exit;
  if (live.status != ContainerStatus::kStopped) {
    absl::StatusOr<nlohmann::json> result = CallSupervisor(
        ctx, store, id, control::MakeWaitRequest(control::WaitArgs{}));
    if (result.ok() && result->contains("status") &&
        (*result)["status"].is_number_integer()) {
      return ExitStatus::FromRaw((*result)["status"].get<int>());
    }
    // The supervisor may have exited between our look and the call; its
    // record is written before it goes.
    ASSIGN_OR_RETURN(live, CurrentStatus(ctx, store, meta));
    if (live.exit) return *live.exit;
    if (!result.ok()) return Annotate(result.status(), absl::StrCat("wait for container \"", id, "\""));
  }
  return absl::DataLossError(absl::StrCat(
      "container \"", id, "\" stopped without a recorded exit status"));
}

namespace {

// pause: Running -> Paused; resume: Paused -> Running. The supervisor
// freezes or thaws the cgroup; the new state is saved under the lock.
absl::Status Freeze(RuntimeContext& ctx, absl::string_view id, bool pause) {
  const absl::string_view op = pause ? "pause" : "resume";
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
    ASSIGN_OR_RETURN(ContainerLock lock, store.LockContainer(
                                             id, LockType::kExclusive,
                                             LockMode::kBlock));
    ASSIGN_OR_RETURN(Meta meta, store.LoadLocked(lock));
    ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
    const ContainerStatus from =
        pause ? ContainerStatus::kRunning : ContainerStatus::kPaused;
    if (live.status != from) return WrongState(op, id, live.status);
    RETURN_IF_ERROR(CallSupervisor(ctx, store, id,
                                   control::MakeRequest(
                                       pause ? control::Op::kPause
                                             : control::Op::kResume))
                        .status());
    meta.status = pause ? ContainerStatus::kPaused : ContainerStatus::kRunning;
    return store.SaveLocked(lock, meta);
  }();
  return Annotate(status, absl::StrCat(op, " container \"", id, "\""));
}

}  // namespace

absl::Status Pause(RuntimeContext& ctx, absl::string_view id) {
  return Freeze(ctx, id, /*pause=*/true);
}

absl::Status Resume(RuntimeContext& ctx, absl::string_view id) {
  return Freeze(ctx, id, /*pause=*/false);
}

absl::StatusOr<std::vector<Pid>> ListProcesses(RuntimeContext& ctx,
                                           absl::string_view id) {
  ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
  ASSIGN_OR_RETURN(Meta meta, store.Load(id));
  ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
  if (live.status == ContainerStatus::kStopped) return std::vector<Pid>{};
  ASSIGN_OR_RETURN(nlohmann::json result,
                   CallSupervisor(ctx, store, id,
                                  control::MakeRequest(control::Op::kPs)));
  std::vector<Pid> pids;
  if (result.contains("pids") && result["pids"].is_array()) {
    for (const auto& pid : result["pids"]) {
      if (pid.is_number_integer()) pids.push_back(Pid{pid.get<int32_t>()});
    }
  }
  return pids;
}

}  // namespace runbox
