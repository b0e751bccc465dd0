// Tests of the control messages: request parsing and per-op validation
// (a table of malformed inputs, each with the error it must name), typed
// arguments, the Status <-> Response mapping with errno, and a seeded
// mutation run that must never crash or throw.
#include "runtime/sandbox/control/messages.h"

#include <cerrno>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/control/frame.h"

namespace runbox::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

TEST(OpTest, NamesRoundTrip) {
  for (Op op :
       {Op::kStart, Op::kExec, Op::kSignal, Op::kPs, Op::kPause, Op::kResume,
        Op::kStats, Op::kWait, Op::kDestroy, Op::kState, Op::kPing}) {
    EXPECT_EQ(ParseOp(OpName(op)), op) << OpName(op);
  }
  EXPECT_EQ(ParseOp("START"), std::nullopt);
  EXPECT_EQ(ParseOp(""), std::nullopt);
}

TEST(ParseRequestTest, EveryOpWithoutArguments) {
  for (absl::string_view name : {"start", "ps", "pause", "resume", "stats",
                                 "wait", "destroy", "state", "ping"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Request r,
                         ParseRequest(absl::StrCat("{\"op\":\"", name, "\"}")));
    EXPECT_EQ(OpName(r.op), name);
    EXPECT_TRUE(r.args.is_object());
    EXPECT_TRUE(r.args.empty());
  }
}

TEST(ParseRequestTest, NullArgsCountAsAbsent) {
  ASSERT_OK_AND_ASSIGN(Request r, ParseRequest(R"({"op":"ps","args":null})"));
  EXPECT_EQ(r.op, Op::kPs);
  ASSERT_OK_AND_ASSIGN(r, ParseRequest(R"({"op":"ps","args":{}})"));
  EXPECT_EQ(r.op, Op::kPs);
}

TEST(ParseRequestTest, Signal) {
  ASSERT_OK_AND_ASSIGN(
      Request r,
      ParseRequest(R"({"op":"signal","args":{"signal":9,"all":true}})"));
  ASSERT_OK_AND_ASSIGN(SignalArgs args, SignalArgsOf(r));
  EXPECT_EQ(args.signal, Signal::kKill);
  EXPECT_TRUE(args.all);
  EXPECT_EQ(args.pid, std::nullopt);

  ASSERT_OK_AND_ASSIGN(
      r, ParseRequest(R"({"op":"signal","args":{"signal":64,"pid":1234}})"));
  ASSERT_OK_AND_ASSIGN(args, SignalArgsOf(r));
  EXPECT_EQ(static_cast<int>(args.signal), 64);
  EXPECT_FALSE(args.all);
  EXPECT_EQ(args.pid, Pid{1234});
}

TEST(ParseRequestTest, Exec) {
  ASSERT_OK_AND_ASSIGN(
      Request r,
      ParseRequest(
          R"({"op":"exec","args":{"process":{"args":["/bin/echo","hi"]},)"
          R"("detach":true}})"));
  ASSERT_OK_AND_ASSIGN(ExecArgs args, ExecArgsOf(r));
  EXPECT_TRUE(args.detach);
  EXPECT_EQ(args.process, Json::parse(R"({"args":["/bin/echo","hi"]})"));
}

TEST(ParseRequestTest, Wait) {
  ASSERT_OK_AND_ASSIGN(Request r,
                       ParseRequest(R"({"op":"wait","args":{"pid":7}})"));
  ASSERT_OK_AND_ASSIGN(WaitArgs args, WaitArgsOf(r));
  EXPECT_EQ(args.pid, Pid{7});
  ASSERT_OK_AND_ASSIGN(r, ParseRequest(R"({"op":"wait"})"));
  ASSERT_OK_AND_ASSIGN(args, WaitArgsOf(r));
  EXPECT_EQ(args.pid, std::nullopt);
}

TEST(ParseRequestTest, UnknownOpIsNamed) {
  absl::StatusOr<Request> r = ParseRequest(R"({"op":"foo"})");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(r.status().message(), "unknown request \"foo\"");
}

struct BadRequest {
  std::string json;
  std::string error;  // A substring the error must contain.
};

// Each malformed request is InvalidArgument and says what is wrong.
TEST(ParseRequestTest, MalformedRequestsNameTheProblem) {
  const std::vector<BadRequest> cases = {
      {"", "invalid JSON"},
      {"{", "invalid JSON"},
      {"{\"op\":\"ping\"", "invalid JSON"},
      {"{\"op\":\"ping\"} {}", "invalid JSON"},
      {"nul", "invalid JSON"},
      {"\"ping\"", "expected a JSON object, got string"},
      {"[\"ping\"]", "expected a JSON object, got array"},
      {"null", "expected a JSON object, got null"},
      {"42", "expected a JSON object, got number"},
      {"{}", "missing field \"op\""},
      {R"({"op":null})", "missing field \"op\""},
      {R"({"op":7})", "op: expected a string, got number"},
      {R"({"op":["ping"]})", "op: expected a string, got array"},
      {R"({"op":"Ping"})", "unknown request \"Ping\""},
      {R"({"op":"ping\u0000"})", "unknown request \"ping\\x00\""},
      {R"({"op":"ping","extra":1})", "unknown field \"extra\""},
      {R"({"op":"ping","args":[]})", "args: expected an object, got array"},
      {R"({"op":"ping","args":"x"})", "args: expected an object, got string"},
      {R"({"op":"ping","args":{"x":1}})",
       "request \"ping\" takes no arguments, got \"x\""},
      {R"({"op":"start","args":{"force":true}})", "takes no arguments"},
      // signal
      {R"({"op":"signal"})", "missing required argument \"signal\""},
      {R"({"op":"signal","args":{}})", "missing required argument \"signal\""},
      {R"({"op":"signal","args":{"signal":0}})",
       "args.signal: expected an integer from 1 to 64, got 0"},
      {R"({"op":"signal","args":{"signal":65}})", "got 65"},
      {R"({"op":"signal","args":{"signal":-9}})", "got -9"},
      {R"({"op":"signal","args":{"signal":9.0}})", "got number 9.0"},
      {R"({"op":"signal","args":{"signal":"KILL"}})", "got string \"KILL\""},
      {R"({"op":"signal","args":{"signal":18446744073709551615}})",
       "got 18446744073709551615"},
      {R"({"op":"signal","args":{"signal":1e300}})", "args.signal"},
      {R"({"op":"signal","args":{"signal":9,"all":"yes"}})",
       "args.all: expected a boolean, got string"},
      {R"({"op":"signal","args":{"signal":9,"all":1}})",
       "args.all: expected a boolean, got number"},
      {R"({"op":"signal","args":{"signal":9,"pid":0}})",
       "args.pid: expected an integer from 1 to 2147483647, got 0"},
      {R"({"op":"signal","args":{"signal":9,"pid":2147483648}})", "args.pid"},
      {R"({"op":"signal","args":{"signal":9,"pid":"1"}})", "args.pid"},
      {R"({"op":"signal","args":{"signal":9,"all":true,"pid":3}})",
       "\"all\" and \"pid\" exclude each other"},
      {R"({"op":"signal","args":{"signal":9,"sig":9}})",
       "args.sig: unknown argument of request \"signal\""},
      // exec
      {R"({"op":"exec"})", "missing required argument \"process\""},
      {R"({"op":"exec","args":{"process":[]}})",
       "args.process: expected an object, got array"},
      {R"({"op":"exec","args":{"process":"/bin/sh"}})",
       "args.process: expected an object, got string"},
      {R"({"op":"exec","args":{"process":{},"detach":"true"}})",
       "args.detach: expected a boolean"},
      {R"({"op":"exec","args":{"process":{},"tty":true}})",
       "args.tty: unknown argument of request \"exec\""},
      // wait
      {R"({"op":"wait","args":{"pid":-1}})", "args.pid"},
      {R"({"op":"wait","args":{"pid":true}})", "args.pid"},
      {R"({"op":"wait","args":{"timeout":5}})", "args.timeout"},
  };
  for (const BadRequest& c : cases) {
    SCOPED_TRACE(c.json);
    absl::StatusOr<Request> r = ParseRequest(c.json);
    ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(r.status().message(), HasSubstr(c.error));
  }
}

TEST(ParseRequestTest, ErrorsCarryTheirContext) {
  absl::StatusOr<Request> r = ParseRequest("{\"op\": 1}");
  EXPECT_EQ(r.status().message(),
            "control request op: expected a string, got number 1");
  r = ParseRequest("{");
  EXPECT_THAT(r.status().message(), HasSubstr("control request: invalid JSON"));
}

TEST(ParseRequestTest, InvalidUtf8IsRejected) {
  EXPECT_THAT(ParseRequest("{\"op\":\"p\xffing\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseRequestTest, DeepNestingIsRejectedWithoutRecursion) {
  std::string deep = R"({"op":"exec","args":{"process":)";
  for (int i = 0; i < 100000; ++i) deep += "[";
  for (int i = 0; i < 100000; ++i) deep += "]";
  deep += "}}";
  absl::StatusOr<Request> r = ParseRequest(deep);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseRequestTest, TooLargeIsRejected) {
  std::string big = absl::StrCat(R"({"op":"exec","args":{"process":{"x":")",
                                 std::string(kMaxFrameBytes, 'a'), "\"}}}");
  EXPECT_THAT(ParseRequest(big), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SerializeRequestTest, RoundTripsThroughParse) {
  std::vector<Request> requests = {
      MakeRequest(Op::kPing),
      MakeRequest(Op::kDestroy),
      MakeSignalRequest({.signal = Signal::kTerm, .all = true}),
      MakeSignalRequest({.signal = Signal::kHup, .pid = Pid{42}}),
      MakeExecRequest({.process = Json::parse(R"({"args":["sh"],"cwd":"/"})"),
                       .detach = true}),
      MakeWaitRequest({}),
      MakeWaitRequest({.pid = Pid{9}}),
  };
  for (const Request& r : requests) {
    std::string text = SerializeRequest(r);
    SCOPED_TRACE(text);
    ASSERT_OK(ValidateRequest(r));
    ASSERT_OK_AND_ASSIGN(Request back, ParseRequest(text));
    EXPECT_EQ(back.op, r.op);
    EXPECT_EQ(back.args, r.args);
  }
  EXPECT_EQ(SerializeRequest(MakeRequest(Op::kPing)), R"({"op":"ping"})");
}

TEST(SerializeRequestTest, InvalidUtf8DoesNotThrow) {
  Request r = MakeExecRequest({.process = Json::object()});
  r.args["process"]["cwd"] = std::string("/\xff\xfe");
  std::string text = SerializeRequest(r);
  EXPECT_THAT(text, HasSubstr("cwd"));
  EXPECT_OK(ParseRequest(text).status());
}

TEST(ArgsOfTest, WrongOpOrBadArgsAreErrors) {
  EXPECT_THAT(SignalArgsOf(MakeRequest(Op::kPing)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ExecArgsOf(MakeRequest(Op::kPing)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(WaitArgsOf(MakeRequest(Op::kPing)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  Request bad{Op::kSignal, Json::array()};
  EXPECT_THAT(SignalArgsOf(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateRequest(bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  bad.args = {{"signal", 99}};
  EXPECT_THAT(SignalArgsOf(bad), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ResponseTest, OkRoundTrip) {
  Response r = OkResponse({{"pids", {1, 2, 3}}});
  std::string text = SerializeResponse(r);
  ASSERT_OK_AND_ASSIGN(Response back, ParseResponse(text));
  EXPECT_TRUE(back.ok);
  EXPECT_EQ(back.result, r.result);
  EXPECT_OK(StatusOf(back));
}

TEST(ResponseTest, ErrorKeepsCodeMessageAndErrno) {
  absl::Status original =
      Annotate(ErrnoError(ESRCH, "kill 42"), "signal container \"web\"");
  ASSERT_OK_AND_ASSIGN(
      Response back, ParseResponse(SerializeResponse(ErrorResponse(original))));
  EXPECT_FALSE(back.ok);
  absl::Status status = StatusOf(back);
  EXPECT_EQ(status.code(), original.code());
  EXPECT_EQ(status.message(), original.message());
  EXPECT_THAT(status, HasErrno(ESRCH));
  // ENOENT shares kNotFound with ESRCH: only the payload tells them apart.
  EXPECT_FALSE(IsErrno(status, ENOENT));
}

TEST(ResponseTest, ErrorWithoutErrno) {
  absl::Status original = absl::FailedPreconditionError(
      "cannot start container \"web\" in state stopped");
  Response r = ErrorResponse(original);
  EXPECT_EQ(r.err_errno, 0);
  std::string text = SerializeResponse(r);
  EXPECT_THAT(text, Not(HasSubstr("errno")));
  ASSERT_OK_AND_ASSIGN(Response back, ParseResponse(text));
  absl::Status status = StatusOf(back);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ErrnoOf(status), 0);
  EXPECT_EQ(status.message(), original.message());
}

TEST(ResponseTest, ErrorResponseOfOkIsInternal) {
  EXPECT_THAT(StatusOf(ErrorResponse(absl::OkStatus())),
              StatusIs(absl::StatusCode::kInternal));
}

TEST(ResponseTest, OddCodesBecomeUnknown) {
  for (absl::string_view text :
       {R"({"ok":false,"error":"x","code":0})", R"({"ok":false,"error":"x"})",
        R"({"ok":false,"error":"x","code":99})",
        R"({"ok":false,"error":"x","code":-3})",
        R"({"ok":false,"error":"x","code":99999999999})"}) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(Response r, ParseResponse(text));
    EXPECT_THAT(StatusOf(r), StatusIs(absl::StatusCode::kUnknown));
  }
  ASSERT_OK_AND_ASSIGN(Response r, ParseResponse(R"({"ok":false})"));
  EXPECT_THAT(StatusOf(r).message(), HasSubstr("without a message"));
}

TEST(ResponseTest, UnknownFieldsAreIgnoredAndBadOnesRejected) {
  ASSERT_OK_AND_ASSIGN(Response r,
                       ParseResponse(R"({"ok":true,"result":[1],"new":1})"));
  EXPECT_EQ(r.result, Json::array({1}));
  for (absl::string_view text :
       {"", "[]", "{}", R"({"ok":"true"})", R"({"ok":false,"error":1})",
        R"({"ok":false,"code":"5"})", R"({"ok":false,"errno":1.5})"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(ParseResponse(text),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

// Byte-level mutations of valid messages, the way a fuzzer starts: every
// outcome is fine except a crash or an exception escaping.
TEST(MessagesRobustnessTest, MutatedInputsNeverCrash) {
  constexpr uint64_t kSeed = 0xc0117201;
  std::mt19937_64 rng(kSeed);
  const std::vector<std::string> seeds = {
      R"({"op":"signal","args":{"signal":9,"all":false,"pid":12}})",
      R"({"op":"exec","args":{"process":{"args":["/bin/sh"],"env":["A=b"]},)"
      R"("detach":true}})",
      R"({"op":"wait","args":{"pid":1}})",
      R"({"op":"ping"})",
      R"({"ok":false,"error":"kill: ESRCH","code":5,"errno":3})",
      R"({"ok":true,"result":{"pids":[1,2,3],"status":"running"}})",
  };
  constexpr char kAlphabet[] = "{}[]\":,0123456789-+.eE \\/u\xff\0tfnal";
  const std::string alphabet(kAlphabet, sizeof(kAlphabet) - 1);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t pos = rng() % text.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          text[pos] = c;
          break;
        case 1:
          text.insert(pos, 1, c);
          break;
        default:
          text.erase(pos, 1 + rng() % 3);
          break;
      }
    }
    SCOPED_TRACE(absl::StrCat("seed ", kSeed, " iteration ", i));
    absl::StatusOr<Request> request = ParseRequest(text);
    if (request.ok()) {
      ++accepted;
      // What parses validates, serializes and parses again the same.
      ASSERT_OK(ValidateRequest(*request));
      ASSERT_OK_AND_ASSIGN(Request again,
                           ParseRequest(SerializeRequest(*request)));
      EXPECT_EQ(again.op, request->op);
      EXPECT_EQ(again.args, request->args);
    } else {
      EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    }
    absl::StatusOr<Response> response = ParseResponse(text);
    if (response.ok()) {
      (void)StatusOf(*response);
      ASSERT_OK(ParseResponse(SerializeResponse(*response)).status());
    }
  }
  // The mutations must leave some inputs valid, or the run proves little.
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace runbox::control
