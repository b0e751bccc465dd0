// Control requests and responses: parse, validate, serialize, and the
// Status <-> Response mapping; see messages.h. nlohmann::json throws on a
// wrong-typed get<>() or on dump() of invalid UTF-8, so every access below
// checks the type first and every dump replaces bad bytes.
#include "runtime/sandbox/control/messages.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/spec/bounded_json.h"

namespace runbox::control {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kRequestContext = "control request";
constexpr absl::string_view kResponseContext = "control response";

// A real request nests about 6 levels (exec's process.rlimits[i]).
constexpr int kMaxJsonDepth = 64;

struct OpEntry {
  Op op;
  absl::string_view name;
};
constexpr OpEntry kOps[] = {
    {Op::kStart, "start"}, {Op::kExec, "exec"},   {Op::kSignal, "signal"},
    {Op::kPs, "ps"},       {Op::kPause, "pause"}, {Op::kResume, "resume"},
    {Op::kStats, "stats"}, {Op::kWait, "wait"},   {Op::kDestroy, "destroy"},
    {Op::kState, "state"}, {Op::kPing, "ping"},
};

std::string Quote(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text), "\"");
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

absl::string_view TypeName(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    default:
      return "value";
  }
}

// "<context> <path>: <what>" (or "<context>: <what>" at the top level).
absl::Status FieldError(absl::string_view context, absl::string_view path,
                        absl::string_view what) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": ", what));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(context, " ", path, ": ", what));
}

// A short rendering of an offending value for messages.
std::string Shown(const Json& value) {
  std::string text = Dump(value);
  if (text.size() > 40) text = absl::StrCat(text.substr(0, 37), "...");
  return text;
}

// The member `key` of `object`, or nullptr if absent or null (null counts
// as absent, as in the Go bindings clients use).
const Json* Member(const Json& object, absl::string_view key) {
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// An integer member in [min, max]; nullopt when absent.
absl::StatusOr<std::optional<int64_t>> IntMember(const Json& args,
                                                 absl::string_view key,
                                                 int64_t min, int64_t max) {
  const Json* value = Member(args, key);
  if (value == nullptr) return std::optional<int64_t>();
  std::string path = absl::StrCat("args.", key);
  std::string expected =
      absl::StrCat("expected an integer from ", min, " to ", max, ", got ");
  if (value->is_number_unsigned()) {
    uint64_t n = value->get<uint64_t>();
    if (n <= static_cast<uint64_t>(max)) {
      int64_t v = static_cast<int64_t>(n);
      if (v >= min) return std::optional<int64_t>(v);
    }
    return FieldError(kRequestContext, path,
                      absl::StrCat(expected, Shown(*value)));
  }
  if (value->is_number_integer()) {
    int64_t v = value->get<int64_t>();
    if (v >= min && v <= max) return std::optional<int64_t>(v);
    return FieldError(kRequestContext, path,
                      absl::StrCat(expected, Shown(*value)));
  }
  return FieldError(
      kRequestContext, path,
      absl::StrCat(expected, TypeName(*value), " ", Shown(*value)));
}

absl::StatusOr<std::optional<bool>> BoolMember(const Json& args,
                                               absl::string_view key) {
  const Json* value = Member(args, key);
  if (value == nullptr) return std::optional<bool>();
  if (!value->is_boolean()) {
    return FieldError(kRequestContext, absl::StrCat("args.", key),
                      absl::StrCat("expected a boolean, got ", TypeName(*value),
                                   " ", Shown(*value)));
  }
  return std::optional<bool>(value->get<bool>());
}

// Fails on any argument not in `allowed`.
absl::Status CheckArgNames(Op op, const Json& args,
                           std::initializer_list<absl::string_view> allowed) {
  for (auto it = args.begin(); it != args.end(); ++it) {
    bool known = false;
    for (absl::string_view name : allowed) known |= (it.key() == name);
    if (known) continue;
    if (allowed.size() == 0) {
      return FieldError(
          kRequestContext, "args",
          absl::StrCat("request ", Quote(OpName(op)),
                       " takes no arguments, got ", Quote(it.key())));
    }
    return FieldError(
        kRequestContext, absl::StrCat("args.", it.key()),
        absl::StrCat("unknown argument of request ", Quote(OpName(op))));
  }
  return absl::OkStatus();
}

constexpr int64_t kMaxPid = std::numeric_limits<int32_t>::max();

absl::StatusOr<SignalArgs> DecodeSignalArgs(const Json& args) {
  RETURN_IF_ERROR(CheckArgNames(Op::kSignal, args, {"signal", "all", "pid"}));
  SignalArgs out;
  ASSIGN_OR_RETURN(std::optional<int64_t> sig,
                   IntMember(args, "signal", 1, kMaxSignal));
  if (!sig.has_value()) {
    return FieldError(kRequestContext, "args",
                      "missing required argument \"signal\"");
  }
  out.signal = static_cast<Signal>(*sig);
  ASSIGN_OR_RETURN(std::optional<bool> all, BoolMember(args, "all"));
  out.all = all.value_or(false);
  ASSIGN_OR_RETURN(std::optional<int64_t> pid,
                   IntMember(args, "pid", 1, kMaxPid));
  if (pid.has_value()) out.pid = Pid{static_cast<int32_t>(*pid)};
  if (out.all && out.pid.has_value()) {
    return FieldError(kRequestContext, "args",
                      "\"all\" and \"pid\" exclude each other");
  }
  return out;
}

absl::StatusOr<ExecArgs> DecodeExecArgs(const Json& args) {
  RETURN_IF_ERROR(CheckArgNames(Op::kExec, args, {"process", "detach"}));
  ExecArgs out;
  const Json* process = Member(args, "process");
  if (process == nullptr) {
    return FieldError(kRequestContext, "args",
                      "missing required argument \"process\"");
  }
  if (!process->is_object()) {
    return FieldError(
        kRequestContext, "args.process",
        absl::StrCat("expected an object, got ", TypeName(*process)));
  }
  out.process = *process;
  ASSIGN_OR_RETURN(std::optional<bool> detach, BoolMember(args, "detach"));
  out.detach = detach.value_or(false);
  return out;
}

absl::StatusOr<WaitArgs> DecodeWaitArgs(const Json& args) {
  RETURN_IF_ERROR(CheckArgNames(Op::kWait, args, {"pid"}));
  WaitArgs out;
  ASSIGN_OR_RETURN(std::optional<int64_t> pid,
                   IntMember(args, "pid", 1, kMaxPid));
  if (pid.has_value()) out.pid = Pid{static_cast<int32_t>(*pid)};
  return out;
}

absl::Status WrongOp(const Request& request, Op wanted) {
  return absl::InvalidArgumentError(
      absl::StrCat("expected a ", Quote(OpName(wanted)), " request, got ",
                   Quote(OpName(request.op))));
}

absl::StatusOr<Json> ParseObject(absl::string_view json,
                                 absl::string_view context) {
  absl::StatusOr<Json> doc = ParseBoundedJson(
      json,
      JsonLimits{.max_depth = kMaxJsonDepth, .max_bytes = kMaxFrameBytes});
  if (!doc.ok()) return Annotate(doc.status(), context);
  if (!doc->is_object()) {
    return FieldError(
        context, "",
        absl::StrCat("expected a JSON object, got ", TypeName(*doc)));
  }
  return doc;
}

}  // namespace

absl::string_view OpName(Op op) {
  for (const OpEntry& e : kOps) {
    if (e.op == op) return e.name;
  }
  return "invalid-op";
}

std::optional<Op> ParseOp(absl::string_view name) {
  for (const OpEntry& e : kOps) {
    if (e.name == name) return e.op;
  }
  return std::nullopt;
}

Request MakeRequest(Op op) { return Request{op, Json::object()}; }

Request MakeSignalRequest(const SignalArgs& args) {
  Request r{Op::kSignal, Json::object()};
  r.args["signal"] = static_cast<int>(args.signal);
  r.args["all"] = args.all;
  if (args.pid.has_value()) r.args["pid"] = args.pid->value;
  return r;
}

Request MakeExecRequest(const ExecArgs& args) {
  Request r{Op::kExec, Json::object()};
  r.args["process"] = args.process;
  r.args["detach"] = args.detach;
  return r;
}

Request MakeWaitRequest(const WaitArgs& args) {
  Request r{Op::kWait, Json::object()};
  if (args.pid.has_value()) r.args["pid"] = args.pid->value;
  return r;
}

absl::StatusOr<SignalArgs> SignalArgsOf(const Request& request) {
  if (request.op != Op::kSignal) return WrongOp(request, Op::kSignal);
  if (!request.args.is_object()) return ValidateRequest(request);
  return DecodeSignalArgs(request.args);
}

absl::StatusOr<ExecArgs> ExecArgsOf(const Request& request) {
  if (request.op != Op::kExec) return WrongOp(request, Op::kExec);
  if (!request.args.is_object()) return ValidateRequest(request);
  return DecodeExecArgs(request.args);
}

absl::StatusOr<WaitArgs> WaitArgsOf(const Request& request) {
  if (request.op != Op::kWait) return WrongOp(request, Op::kWait);
  if (!request.args.is_object()) return ValidateRequest(request);
  return DecodeWaitArgs(request.args);
}

absl::Status ValidateRequest(const Request& request) {
  if (!request.args.is_object()) {
    return FieldError(
        kRequestContext, "args",
        absl::StrCat("expected an object, got ", TypeName(request.args)));
  }
  switch (request.op) {
    case Op::kSignal:
      return DecodeSignalArgs(request.args).status();
    case Op::kExec:
      return DecodeExecArgs(request.args).status();
    case Op::kWait:
      return DecodeWaitArgs(request.args).status();
    case Op::kStart:
    case Op::kPs:
    case Op::kPause:
    case Op::kResume:
    case Op::kStats:
    case Op::kDestroy:
    case Op::kState:
    case Op::kPing:
      return CheckArgNames(request.op, request.args, {});
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid request op ", static_cast<int>(request.op)));
}

std::string SerializeRequest(const Request& request) {
  Json doc = Json::object();
  doc["op"] = std::string(OpName(request.op));
  if (request.args.is_object() && !request.args.empty()) {
    doc["args"] = request.args;
  } else if (!request.args.is_object() && !request.args.is_null()) {
    // Sent as is, for the supervisor to refuse (tests of bad requests).
    doc["args"] = request.args;
  }
  return Dump(doc);
}

absl::StatusOr<Request> ParseRequest(absl::string_view json) {
  ASSIGN_OR_RETURN(Json doc, ParseObject(json, kRequestContext));
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "op" && it.key() != "args") {
      return FieldError(kRequestContext, "",
                        absl::StrCat("unknown field ", Quote(it.key())));
    }
  }
  const Json* op_name = Member(doc, "op");
  if (op_name == nullptr) {
    return FieldError(kRequestContext, "", "missing field \"op\"");
  }
  if (!op_name->is_string()) {
    return FieldError(kRequestContext, "op",
                      absl::StrCat("expected a string, got ",
                                   TypeName(*op_name), " ", Shown(*op_name)));
  }
  const std::string& name = op_name->get_ref<const std::string&>();
  std::optional<Op> op = ParseOp(name);
  if (!op.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown request ", Quote(name)));
  }
  Request request{*op, Json::object()};
  if (const Json* args = Member(doc, "args"); args != nullptr) {
    if (!args->is_object()) {
      return FieldError(
          kRequestContext, "args",
          absl::StrCat("expected an object, got ", TypeName(*args)));
    }
    request.args = std::move(doc["args"]);
  }
  RETURN_IF_ERROR(ValidateRequest(request));
  return request;
}

Response OkResponse(Json result) {
  Response r;
  r.ok = true;
  r.result = std::move(result);
  return r;
}

Response ErrorResponse(const absl::Status& status) {
  Response r;
  r.ok = false;
  r.result = nullptr;
  if (status.ok()) {
    r.error = "error response built from an OK status";
    r.err_code = static_cast<int>(absl::StatusCode::kInternal);
    return r;
  }
  r.error = std::string(status.message());
  r.err_code = static_cast<int>(status.code());
  r.err_errno = ErrnoOf(status);
  return r;
}

absl::Status StatusOf(const Response& response) {
  if (response.ok) return absl::OkStatus();
  absl::StatusCode code = absl::StatusCode::kUnknown;
  // Codes 1..16 are the errors absl defines; anything else (a newer peer,
  // garbage) keeps the message but not the code.
  if (response.err_code >= 1 && response.err_code <= 16) {
    code = static_cast<absl::StatusCode>(response.err_code);
  }
  std::string message = response.error.empty()
                            ? "the supervisor reported an error without a "
                              "message"
                            : response.error;
  absl::Status status(code, message);
  if (response.err_errno > 0) {
    // Copy the payloads ErrnoError would attach, so ErrnoOf reads the
    // supervisor's errno without this file knowing the payload's format.
    ErrnoError(response.err_errno, "")
        .ForEachPayload(
            [&status](absl::string_view url, const absl::Cord& payload) {
              status.SetPayload(url, payload);
            });
  }
  return status;
}

std::string SerializeResponse(const Response& response) {
  Json doc = Json::object();
  doc["ok"] = response.ok;
  if (response.ok) {
    doc["result"] = response.result;
  } else {
    doc["error"] = response.error;
    doc["code"] = response.err_code;
    if (response.err_errno != 0) doc["errno"] = response.err_errno;
  }
  return Dump(doc);
}

absl::StatusOr<Response> ParseResponse(absl::string_view json) {
  ASSIGN_OR_RETURN(Json doc, ParseObject(json, kResponseContext));
  Response r;
  const Json* ok = Member(doc, "ok");
  if (ok == nullptr) {
    return FieldError(kResponseContext, "", "missing field \"ok\"");
  }
  if (!ok->is_boolean()) {
    return FieldError(kResponseContext, "ok",
                      absl::StrCat("expected a boolean, got ", TypeName(*ok)));
  }
  r.ok = ok->get<bool>();
  if (r.ok) {
    const Json* result = Member(doc, "result");
    r.result = result == nullptr ? Json::object() : *result;
    return r;
  }
  r.result = nullptr;
  if (const Json* error = Member(doc, "error"); error != nullptr) {
    if (!error->is_string()) {
      return FieldError(
          kResponseContext, "error",
          absl::StrCat("expected a string, got ", TypeName(*error)));
    }
    r.error = error->get<std::string>();
  }
  for (auto [key, field] :
       {std::pair{"code", &r.err_code}, std::pair{"errno", &r.err_errno}}) {
    const Json* value = Member(doc, key);
    if (value == nullptr) continue;
    if (!value->is_number_integer()) {
      return FieldError(
          kResponseContext, key,
          absl::StrCat("expected an integer, got ", TypeName(*value)));
    }
    // Codes and errnos are small; anything else is garbage kept as 0 (no
    // code, no errno) rather than truncated into a wrong one.
    if (value->is_number_unsigned()) {
      uint64_t n = value->get<uint64_t>();
      *field = n <= 4095 ? static_cast<int>(n) : 0;
    } else {
      int64_t n = value->get<int64_t>();
      *field = (n >= 0 && n <= 4095) ? static_cast<int>(n) : 0;
    }
  }
  return r;
}

}  // namespace runbox::control
