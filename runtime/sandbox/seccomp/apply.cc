// Loading the compiled filter and handing a notify listener to the seccomp
// agent (config-linux.md "Seccomp", `listenerPath`, and "The Container
// Process State"). Compilation is compile.cc's.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/json_path.h"

namespace runbox {

absl::StatusOr<std::string> SeccompProcessState(
    absl::string_view state_json, absl::string_view listener_metadata) {
  nlohmann::ordered_json state =
      nlohmann::ordered_json::parse(state_json.begin(), state_json.end(),
                                    nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || !state.contains("pid") ||
      !state["pid"].is_number_integer()) {
    return absl::InternalError(
        "seccomp agent state: container state has no integer \"pid\"");
  }
  nlohmann::ordered_json message;
  message["ociVersion"] = std::string(spec::kOciVersion);
  // The names of the SCM_RIGHTS fds, in order.
  message["fds"] = {"seccompFd"};
  message["pid"] = state["pid"];
  if (!listener_metadata.empty()) {
    message["metadata"] = std::string(listener_metadata);
  }
  message["state"] = std::move(state);
  return message.dump();
}

absl::StatusOr<PreparedSeccomp> PrepareSeccomp(Host& host,
                                               const spec::Seccomp& seccomp) {
  PreparedSeccomp prepared;
  ASSIGN_OR_RETURN(prepared.program, CompileSeccompProgram(seccomp));
  if (!Has(prepared.program.flags, SeccompFlags::kNewListener)) {
    return prepared;
  }
  // Validation requires listenerPath with SCMP_ACT_NOTIFY.
  std::string what = absl::StrCat("connect to seccomp agent ",
                                  spec::Quote(seccomp.listener_path));
  absl::StatusOr<Fd> agent = host.Socket(SocketType::kStream);
  if (!agent.ok()) return Annotate(agent.status(), what);
  RETURN_IF_ERROR(Annotate(host.Connect(*agent, seccomp.listener_path), what));
  prepared.agent = *std::move(agent);
  prepared.listener_metadata = seccomp.listener_metadata;
  return prepared;
}

absl::Status LoadSeccomp(Host& host, PreparedSeccomp& prepared,
                         absl::string_view state_json) {
  std::string message;
  if (prepared.agent.valid()) {
    ASSIGN_OR_RETURN(
        message, SeccompProcessState(state_json, prepared.listener_metadata));
  }
  absl::StatusOr<Fd> listener =
      host.SetSeccompFilter(prepared.program.bpf, prepared.program.flags);
  if (!listener.ok()) return Annotate(listener.status(), "load seccomp filter");
  if (!prepared.agent.valid()) return absl::OkStatus();

  // "If more than one sendmsg(2) is used, the file descriptors MUST be sent
  // only in the first call."
  constexpr absl::string_view kWhat = "send seccomp listener to agent";
  const Fd* fds[] = {&*listener};
  absl::StatusOr<size_t> sent =
      host.SendMsg(prepared.agent, absl::MakeConstSpan(message), fds);
  if (!sent.ok()) return Annotate(sent.status(), kWhat);
  RETURN_IF_ERROR(Annotate(
      WriteAll(host, prepared.agent, absl::string_view(message).substr(*sent)),
      kWhat));
  // "The connection MUST NOT be reused and it MUST be closed after sending a
  // seccomp state." Our copy of the listener goes too: the agent has its
  // own, and the container must not inherit one. (Errors of close(2) on
  // these carry nothing the agent has not already got.)
  prepared.agent.Reset();
  listener->Reset();
  return absl::OkStatus();
}

absl::Status ApplySeccomp(Host& host, const spec::Seccomp& seccomp,
                          absl::string_view state_json) {
  ASSIGN_OR_RETURN(PreparedSeccomp prepared, PrepareSeccomp(host, seccomp));
  return LoadSeccomp(host, prepared, state_json);
}

}  // namespace runbox
