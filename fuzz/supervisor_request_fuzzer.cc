// The supervisor's request path short of the Supervisor itself: a
// ControlConnection (runtime/sandbox/control/connection.h) on the fake
// kernel, fed the input as the byte stream a client sends over a
// socketpair, dispatching what it decodes to a RequestHandler, as the
// supervisor's poll loop does. Supervisor::Handle is private and needs a
// booted container (init, cgroups, config), which is far too much per input;
// the handler here is a stand-in that records the requests it is given
// (its "state"). Properties, against the pure decoding of the same bytes
// (FrameDecoder + ParseRequest):
// - the handler sees exactly the requests of the frames before the first
//   malformed frame or rejected request, in order, with their op and
//   arguments; a malformed or unknown request never reaches it (state
//   unchanged);
// - the client gets one ok reply per handled request, in order, and then,
//   for a malformed frame or request, an error reply (InvalidArgument or
//   ResourceExhausted, with a message), after which the connection is
//   closed;
// - a stream that ends cleanly between frames leaves the connection closed
//   with no error reply.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fakes/fake_kernel.h"
#include "fuzz/fuzz_check.h"
#include "hostapi/host.h"
#include "runtime/sandbox/control/connection.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/sandbox/control/messages.h"

namespace {

namespace control = ::runbox::control;
using ::runbox::Fd;
using ::runbox::Host;

// Inputs beyond this are cut: the fake's socket moves bytes one call at a
// time, and nothing past a few frames adds coverage.
constexpr size_t kMaxInput = 16 * 1024;
// Bytes the client sends before the server reads them.
constexpr size_t kChunk = 512;

// The stream cut into what a well-behaved client sends: one frame at a
// time (the protocol is strictly request, reply, request...), by the pure
// layer's reading of the same bytes.
struct Step {
  absl::string_view bytes;  // Header and body.
  // The request, or why the frame or request is refused.
  absl::StatusOr<control::Request> request;
};
struct Plan {
  std::vector<Step> steps;
  // After the steps: bytes that make no whole frame, and whether the
  // decoder refuses them (a bad header) or wants more (end mid-frame).
  absl::string_view rest;
  absl::Status rest_error;
};

Plan MakePlan(absl::string_view stream) {
  Plan plan;
  size_t pos = 0;
  while (true) {
    control::FrameDecoder decoder;
    absl::string_view rest = stream.substr(pos);
    decoder.Feed(rest);
    absl::StatusOr<std::optional<std::string>> next = decoder.Next();
    if (!next.ok() || !next->has_value()) {
      plan.rest = rest;
      if (!next.ok()) plan.rest_error = next.status();
      return plan;
    }
    const size_t n = control::kFrameHeaderBytes + (*next)->size();
    Step step{rest.substr(0, n), control::ParseRequest(**next)};
    const bool refused = !step.request.ok();
    plan.steps.push_back(std::move(step));
    pos += n;
    if (refused) {
      plan.rest = stream.substr(pos);
      return plan;
    }
  }
}

// The stand-in for Supervisor::Handle: records, and answers with the count.
struct RecordingHandler {
  std::vector<control::Request> seen;
  control::Response Handle(const control::IncomingRequest& in) {
    seen.push_back(in.request);
    return control::OkResponse({{"n", seen.size()}});
  }
};

bool SameRequest(const control::Request& a, const control::Request& b) {
  return a.op == b.op && a.args == b.args;
}

class Session {
 public:
  Session(Host& host, control::ControlConnection conn, Fd client)
      : host_(host), conn_(std::move(conn)), client_(std::move(client)) {}

  // Sends `bytes` in pieces, letting the connection read and handle after
  // each (a blocking send must not wait on ourselves).
  void Send(absl::string_view bytes) {
    while (!bytes.empty() && !conn_.closed()) {
      absl::StatusOr<size_t> n =
          host_.SendMsg(client_, bytes.substr(0, kChunk), {});
      if (!n.ok()) return;
      bytes.remove_prefix(*n);
      Pump();
    }
  }
  void HangUp() {
    (void)host_.Shutdown(client_, runbox::ShutdownHow::kWrite);
    Pump();
  }
  // The next reply frame the client can read; nullopt at end of stream.
  std::optional<control::Response> NextReply() {
    while (true) {
      absl::StatusOr<std::optional<std::string>> frame = replies_.Next();
      FUZZ_CHECK(frame.ok(), frame.status().ToString());
      if (frame->has_value()) {
        absl::StatusOr<control::Response> r = control::ParseResponse(**frame);
        FUZZ_CHECK(r.ok(), absl::StrCat(r.status().ToString(), "\n", **frame));
        return *std::move(r);
      }
      runbox::PollFd p{.fd = &client_, .events = runbox::PollEvents::kIn};
      absl::StatusOr<int> ready =
          host_.Poll(absl::MakeSpan(&p, 1), absl::ZeroDuration());
      if (!ready.ok() || *ready == 0) return std::nullopt;
      char buf[4096];
      absl::StatusOr<size_t> n = host_.Read(client_, absl::MakeSpan(buf));
      if (!n.ok() || *n == 0) {
        FUZZ_CHECK(replies_.AtFrameBoundary(), "partial reply");
        return std::nullopt;
      }
      replies_.Feed(absl::string_view(buf, *n));
    }
  }

  const RecordingHandler& handler() const { return handler_; }
  const absl::Status& error() const { return error_; }
  bool closed() const { return conn_.closed(); }

 private:
  // Reads and handles until the connection has nothing more to read.
  void Pump() {
    while (!conn_.closed()) {
      runbox::PollFd p{.fd = &conn_.fd(), .events = conn_.WantedEvents()};
      absl::StatusOr<int> ready =
          host_.Poll(absl::MakeSpan(&p, 1), absl::ZeroDuration());
      if (!ready.ok() || *ready == 0) return;
      absl::StatusOr<std::optional<control::IncomingRequest>> in =
          conn_.OnReadable(host_);
      if (!in.ok()) {
        error_ = in.status();
        FUZZ_CHECK(conn_.closed(), "error without close");
        return;
      }
      if (!in->has_value()) continue;
      absl::Status replied = conn_.Reply(host_, handler_.Handle(**in));
      FUZZ_CHECK(replied.ok(), replied.ToString());
    }
  }

  Host& host_;
  control::ControlConnection conn_;
  Fd client_;
  RecordingHandler handler_;
  control::FrameDecoder replies_;
  absl::Status error_;
};

void CheckErrorReply(const std::optional<control::Response>& reply,
                     const absl::Status& expected) {
  FUZZ_CHECK(reply.has_value(),
             absl::StrCat("no error reply for ", expected.ToString()));
  FUZZ_CHECK(!reply->ok && !reply->error.empty(),
             "not an error reply with a message");
  absl::Status told = control::StatusOf(*reply);
  FUZZ_CHECK(told.code() == absl::StatusCode::kInvalidArgument ||
                 told.code() == absl::StatusCode::kResourceExhausted,
             told.ToString());
  FUZZ_CHECK(told.code() == expected.code(),
             absl::StrCat(told.ToString(), " vs ", expected.ToString()));
}

int Serve(Host& host, absl::string_view stream) {
  absl::StatusOr<runbox::SocketPairFds> pair =
      host.SocketPair(runbox::SocketType::kStream);
  FUZZ_CHECK(pair.ok(), pair.status().ToString());
  absl::StatusOr<control::ControlConnection> conn =
      control::ControlConnection::Create(
          host, std::move(pair->second),
          [](const runbox::PeerCredentials&) { return absl::OkStatus(); });
  FUZZ_CHECK(conn.ok(), conn.status().ToString());
  Session session(host, *std::move(conn), std::move(pair->first));
  const Plan plan = MakePlan(stream);
  size_t handled = 0;
  for (const Step& step : plan.steps) {
    session.Send(step.bytes);
    std::optional<control::Response> reply = session.NextReply();
    if (!step.request.ok()) {
      // Refused: not handled (state unchanged), told why, disconnected.
      FUZZ_NOTE(absl::StrCat("rejected: ", step.request.status().ToString()));
      FUZZ_CHECK(session.handler().seen.size() == handled,
                 "a refused request reached the handler");
      CheckErrorReply(reply, step.request.status());
      FUZZ_CHECK(session.closed(), "open after a refused request");
      FUZZ_CHECK(session.error().code() == step.request.status().code(),
                 session.error().ToString());
      FUZZ_CHECK(!session.NextReply().has_value(), "reply after the error");
      return 0;
    }
    ++handled;
    FUZZ_CHECK(session.handler().seen.size() == handled,
               absl::StrCat(session.handler().seen.size(), " handled, ",
                            handled, " sent"));
    FUZZ_CHECK(SameRequest(session.handler().seen.back(), *step.request),
               "the handler got another request");
    FUZZ_CHECK(reply.has_value() && reply->ok &&
                   reply->result.value("n", size_t{0}) == handled,
               "no ok reply");
    FUZZ_CHECK(!session.closed(), "closed after a good request");
  }
  session.Send(plan.rest);
  if (!plan.rest_error.ok()) {
    // A bad header.
    FUZZ_CHECK(session.handler().seen.size() == handled, "state changed");
    CheckErrorReply(session.NextReply(), plan.rest_error);
    FUZZ_CHECK(session.closed(), "open after a bad header");
    return 0;
  }
  session.HangUp();
  FUZZ_CHECK(session.closed(), "open after the client hung up");
  FUZZ_CHECK(session.handler().seen.size() == handled, "state changed");
  std::optional<control::Response> last = session.NextReply();
  if (plan.rest.empty()) {
    // Hung up between requests: clean.
    FUZZ_CHECK(session.error().ok(), session.error().ToString());
    FUZZ_CHECK(!last.has_value(), "reply to nothing");
  } else {
    // Hung up within a frame: an error, told while the client can read.
    FUZZ_CHECK(!session.error().ok(), "a partial frame was accepted");
    CheckErrorReply(last, session.error());
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view stream(reinterpret_cast<const char*>(data),
                           std::min(size, kMaxInput));
  runbox::fake::FakeKernel kernel;
  runbox::Pid pid =
      kernel.StartFunction([&](Host& host) { return Serve(host, stream); });
  runbox::fake::RunOutcome outcome = kernel.Run();
  FUZZ_CHECK(outcome == runbox::fake::RunOutcome::kAllExited,
             runbox::fake::ToString(outcome));
  std::optional<runbox::ExitStatus> status = kernel.ExitStatusOf(pid);
  FUZZ_CHECK(status.has_value() && *status == runbox::ExitStatus::Exited(0),
             "server process failed");
  return 0;
}
