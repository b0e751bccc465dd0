// The messages of the control socket: requests (start, exec, signal, ...)
// with their per-op argument rules, responses, and the mapping between an
// absl::Status and an error response that keeps the code and the errno
// payload across the socket. Framing is frame.h's; the OCI process object
// of exec is checked later by runtime/spec. Pure (no Host): fuzz targets
// call ParseRequest/ParseResponse directly.
//
// Wire format (one JSON object per frame):
//   request   {"op": "signal", "args": {"signal": 15, "all": false}}
//   response  {"ok": true, "result": {...}}
//             {"ok": false, "error": "kill: ESRCH (...)", "code": 5,
//              "errno": 3}
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_MESSAGES_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_MESSAGES_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/types.h"

namespace runbox::control {

// What a request asks of the supervisor (DESIGN.md "The sandbox
// supervisor"), plus `state` (the supervisor's view of init) and `ping`
// (liveness, for create's start synchronisation and tests).
enum class Op {
  kStart,
  kExec,
  kSignal,
  kPs,
  kPause,
  kResume,
  kStats,
  kWait,
  kDestroy,
  kState,
  kPing,
};

// "start", "exec", ...: the wire spelling.
absl::string_view OpName(Op op);
// The op spelled `name`, or nullopt.
std::optional<Op> ParseOp(absl::string_view name);

struct Request {
  Op op = Op::kPing;
  // Always a JSON object; empty for ops without arguments. ParseRequest
  // and the Make* builders below guarantee it matches the op's rules.
  nlohmann::json args = nlohmann::json::object();
};

// Typed arguments of the ops that take some. Absent (or null) optional
// fields get the defaults below; a present field of the wrong type or out
// of range is an error, never a default.
struct SignalArgs {
  Signal signal = Signal::kTerm;  // Required on the wire: 1..64.
  bool all = false;               // Every process of the container.
  std::optional<Pid> pid;         // One process (exec'd), not init.
};
struct ExecArgs {
  // The OCI process object (process.json), validated by runtime/spec.
  nlohmann::json process = nlohmann::json::object();
  bool detach = false;
};
struct WaitArgs {
  std::optional<Pid> pid;  // nullopt: init.
};

Request MakeRequest(Op op);  // For ops without arguments.
Request MakeSignalRequest(const SignalArgs& args);
Request MakeExecRequest(const ExecArgs& args);
Request MakeWaitRequest(const WaitArgs& args);

// The typed arguments of a request of that op: InvalidArgument if the op
// differs or the arguments break the op's rules (for requests built by
// hand; ParseRequest has already checked).
absl::StatusOr<SignalArgs> SignalArgsOf(const Request& request);
absl::StatusOr<ExecArgs> ExecArgsOf(const Request& request);
absl::StatusOr<WaitArgs> WaitArgsOf(const Request& request);

// Checks `request.args` against the rules of `request.op`:
// - signal: "signal" integer 1..64 (required), "all" boolean, "pid"
//   integer 1..2^31-1, not both "all": true and "pid";
// - exec: "process" object (required), "detach" boolean;
// - wait: "pid" integer 1..2^31-1;
// - every other op: no arguments.
// Unknown argument names are errors: a newer client talking to an older
// supervisor gets told, instead of having an option silently ignored.
absl::Status ValidateRequest(const Request& request);

// The JSON text of a request (compact; invalid UTF-8 in strings replaced).
std::string SerializeRequest(const Request& request);

// Parses and validates one request. Never throws and never crashes, on any
// input. Errors are InvalidArgument and name the problem and its place:
// `control request: invalid JSON: parse error at line 1, column 2: ...`,
// `control request: unknown field "foo"`, `unknown request "foo"`,
// `control request args.signal: expected an integer from 1 to 64, got 99`.
absl::StatusOr<Request> ParseRequest(absl::string_view json);

struct Response {
  bool ok = true;
  // When !ok: the message, the absl::StatusCode (as int) and the errno of
  // the failure in the supervisor (0 when it had none).
  std::string error;
  int err_code = 0;
  int err_errno = 0;
  // When ok: what the op returns (an object, or any JSON value).
  nlohmann::json result = nlohmann::json::object();
};

Response OkResponse(nlohmann::json result = nlohmann::json::object());
// The error response for a failed `status` (an OK status is a caller bug
// and gives an Internal error response).
Response ErrorResponse(const absl::Status& status);
// The inverse of ErrorResponse: OK for an ok response, else a status with
// the same code (Unknown if the code is not a valid error code), message
// and errno payload, so ErrnoOf/IsErrno work on the client side.
absl::Status StatusOf(const Response& response);

std::string SerializeResponse(const Response& response);
// Parses a response. Unknown fields are ignored (the supervisor may be
// newer than the client); missing or mistyped known fields are errors.
// Never throws.
absl::StatusOr<Response> ParseResponse(absl::string_view json);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_MESSAGES_H_
