// Shared helpers of the lifecycle operations; see container_internal.h.
#include "runtime/container/container_internal.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/client.h"
#include "runtime/sandbox/hooks.h"
#include "runtime/spec/names.h"
#include "runtime/spec/parse.h"
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
  // Deleted since its record was read: as if it had never been found.
  if (IsErrno(dir, ENOENT)) return ContainerNotFoundError(meta.id);
  if (!dir.ok()) return dir.status();
  ASSIGN_OR_RETURN(live.exit, ReadExitRecord(ctx.host, *dir));
  if (live.exit) {
    live.status = ContainerStatus::kStopped;
    return live;
  }
  if (!meta.supervisor) {
    // Creating and no supervisor yet: a create still at work, or one that
    // died before it spawned anything, stopped for good.
    if (meta.status == ContainerStatus::kCreating) {
      bool at_work = false;
      if (meta.creator) {
        ASSIGN_OR_RETURN(at_work, IsAlive(ctx.host, *meta.creator));
      }
      if (!at_work) live.status = ContainerStatus::kStopped;
    }
    return live;
  }
  ASSIGN_OR_RETURN(bool alive, IsAlive(ctx.host, *meta.supervisor));
  if (!alive) {
    live.status = ContainerStatus::kStopped;
    return live;
  }
  if (meta.status == ContainerStatus::kCreated ||
      meta.status == ContainerStatus::kRunning ||
      meta.status == ContainerStatus::kPaused) {
    live.status = SupervisorStatus(ctx, store, meta.id).value_or(meta.status);
    // On its way out because init exited: its record, written before it
    // stopped serving, may be newer than our first look.
    if (live.status == ContainerStatus::kStopped) {
      ASSIGN_OR_RETURN(live.exit, ReadExitRecord(ctx.host, *dir));
    }
  }
  return live;
}

std::optional<ContainerStatus> SupervisorStatus(RuntimeContext& ctx,
                                                const StateStore& store,
                                                absl::string_view id) {
  // A supervisor busy with a long request (poststart hooks) is not waited
  // for: the record's status is the best answer then.
  constexpr absl::Duration kStateTimeout = absl::Seconds(2);
  absl::StatusOr<Fd> conn =
      control::ConnectControl(ctx.host, store.layout().ControlSocketPath(id));
  // Alive but no longer listening, or closing the connection unanswered:
  // it is on its way out (told to destroy the container), and so is the
  // container.
  if (IsErrno(conn, ECONNREFUSED) || IsErrno(conn, ENOENT)) {
    return ContainerStatus::kStopped;
  }
  if (!conn.ok()) return std::nullopt;
  absl::StatusOr<control::Response> reply =
      control::Call(ctx.host, *conn, control::MakeRequest(control::Op::kState),
                    {}, nullptr, kStateTimeout);
  const bool hung_up =
      (absl::IsUnavailable(reply.status()) && ErrnoOf(reply) == 0) ||
      IsErrno(reply, ECONNRESET) || IsErrno(reply, EPIPE);
  if (hung_up) {
    return ContainerStatus::kStopped;
  }
  if (!reply.ok() || !control::StatusOf(*reply).ok() ||
      !reply->result.is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& result = reply->result;
  if (result.value("paused", false)) return ContainerStatus::kPaused;
  if (result.value("started", false)) return ContainerStatus::kRunning;
  return ContainerStatus::kCreated;
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

absl::StatusOr<spec::Config> CreatedConfig(StateStore& store,
                                           absl::string_view id) {
  ASSIGN_OR_RETURN(std::string text, store.LoadConfig(id));
  absl::StatusOr<spec::Config> config = spec::ParseConfig(text);
  if (!config.ok()) {
    return absl::DataLossError(absl::StrCat(
        "container \"", id, "\": its saved ", StateLayout::kConfigFile,
        " is corrupt: ", config.status().message()));
  }
  return config;
}

void WarnUngrantableCapabilities(RuntimeContext& ctx,
                                 const spec::Process& process,
                                 absl::string_view what) {
  if (!process.capabilities) return;
  const spec::Capabilities& caps = *process.capabilities;
  // Unknown: -1 (then nothing known is ungrantable, as process_setup
  // masks by the same number and fails on its own error).
  absl::StatusOr<int> last = ctx.host.LastCapability();
  struct Set {
    absl::string_view name;
    const std::vector<spec::Capability>* known;
    const std::vector<std::string>* unknown;
  };
  const Set sets[] = {
      {"bounding", &caps.bounding, &caps.unknown.bounding},
      {"effective", &caps.effective, &caps.unknown.effective},
      {"inheritable", &caps.inheritable, &caps.unknown.inheritable},
      {"permitted", &caps.permitted, &caps.unknown.permitted},
      {"ambient", &caps.ambient, &caps.unknown.ambient},
  };
  // Each capability once, with the sets that name it, in first-seen order.
  std::vector<std::pair<std::string, std::vector<absl::string_view>>> found;
  auto note = [&](absl::string_view cap, absl::string_view set) {
    for (auto& [name, in] : found) {
      if (name == cap) {
        in.push_back(set);
        return;
      }
    }
    found.push_back({std::string(cap), {set}});
  };
  for (const Set& set : sets) {
    for (const std::string& name : *set.unknown) note(name, set.name);
    if (!last.ok()) continue;
    for (spec::Capability cap : *set.known) {
      if (static_cast<int>(cap) > *last) note(spec::EnumName(cap), set.name);
    }
  }
  for (const auto& [name, in] : found) {
    // runc 1.2: "ignoring unknown or unavailable capabilities: [...]".
    ctx.warn(absl::StrCat(what, ": ignoring unknown or unavailable capability ",
                          name, " (", absl::StrJoin(in, ", "), ")"));
  }
}

}  // namespace runbox::internal
