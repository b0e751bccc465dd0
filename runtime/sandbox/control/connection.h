// The supervisor's side of one accepted control connection: the peer
// credential check, non-blocking accumulation of a request frame as the
// supervisor's poll loop reports readiness, the error reply and close for
// anything malformed, and the reply. The listening socket and a simple
// serve loop are server.h's; message rules are messages.h's.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_CONNECTION_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_CONNECTION_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/sandbox/control/messages.h"

namespace runbox::control {

// Decides whether a peer may use the control socket: OK, or the error the
// peer is told (PermissionDenied).
using PeerCheck = std::function<absl::Status(const PeerCredentials& peer)>;

// The rule of DESIGN.md: only the supervisor's own user and root may talk
// to it. The socket's mode 0600 already keeps others out; this is the
// second wall, for a socket file whose mode was changed or a directory
// opened up.
absl::Status CheckPeerUid(const PeerCredentials& peer, Uid supervisor_uid);
// CheckPeerUid as a PeerCheck.
PeerCheck AllowUidOrRoot(Uid supervisor_uid);

// A request as the supervisor receives it.
struct IncomingRequest {
  Request request;
  std::vector<Fd> fds;  // Sent with it by SCM_RIGHTS, close-on-exec.
  PeerCredentials peer;
};

// One accepted connection. Requests are strictly one at a time: the client
// sends a request, the supervisor replies, and only then may the client
// send the next one (Call does exactly this). Driven from the supervisor's
// poll loop:
//
//   poll {listener: kIn, conn.fd(): conn.WantedEvents(), ...}
//   on revents != kNone for conn:
//     StatusOr<optional<IncomingRequest>> in = conn.OnReadable(host);
//     if (in.ok() && in->has_value()) handle it, now or later: conn.Reply
//     if (conn.closed()) drop conn
//
// While a reply is pending (a `wait` the supervisor answers when the
// process exits), WantedEvents is kNone: poll still reports kHup when the
// client hangs up, and OnReadable then closes the connection.
//
// Replies are sent blocking: the peer is the supervisor's own user or
// root, which could stall it more simply by other means, and a reply is
// at most kMaxFrameBytes.
class ControlConnection {
 public:
  // Takes an accepted connection and checks its peer first. A peer that
  // `check` refuses gets the refusal as an error reply, the connection is
  // closed, and the refusal is returned. A failure to read the peer's
  // credentials closes the connection too.
  static absl::StatusOr<ControlConnection> Create(Host& host, Fd conn,
                                                  const PeerCheck& check);

  ControlConnection(ControlConnection&&) = default;
  ControlConnection& operator=(ControlConnection&&) = default;

  const Fd& fd() const { return conn_; }
  const PeerCredentials& peer() const { return peer_; }
  bool closed() const { return state_ == State::kClosed; }
  bool awaiting_reply() const { return state_ == State::kAwaitingReply; }
  // What to poll the connection for: kIn while reading a request, kNone
  // while a reply is pending (hang-ups are reported anyway), kNone once
  // closed (drop it).
  PollEvents WantedEvents() const;

  // Call when poll reports any event for fd(); makes one recvmsg(2), so it
  // never blocks after such a report. Returns:
  // - a request, once its frame is complete: reply to it (Reply) before
  //   the connection reads on;
  // - nullopt when more bytes are needed, or when the peer hung up cleanly
  //   (closed() is then true);
  // - an error when the peer broke the protocol (malformed, oversized or
  //   empty frame, bad JSON, unknown op, bad arguments, too many fds, a
  //   request sent before the previous reply, hanging up mid-frame) or the
  //   socket failed. The peer has been sent the error as a reply where it
  //   can still read one, and the connection is closed. The supervisor
  //   itself carries on.
  absl::StatusOr<std::optional<IncomingRequest>> OnReadable(Host& host);

  // Sends the reply to the pending request and goes back to reading. A
  // reply larger than kMaxFrameBytes is replaced by a ResourceExhausted
  // error reply. FailedPrecondition when no request is pending; a send
  // error closes the connection.
  absl::Status Reply(Host& host, const Response& response);

 private:
  enum class State { kReading, kAwaitingReply, kClosed };

  ControlConnection(Fd conn, PeerCredentials peer)
      : conn_(std::move(conn)), peer_(peer) {}

  // Replies `error` if the peer may still read it, closes, returns `error`.
  absl::Status FailAndClose(Host& host, absl::Status error);
  void Close();

  Fd conn_;
  PeerCredentials peer_;
  State state_ = State::kReading;
  FrameDecoder decoder_;
  std::vector<Fd> fds_;  // Received with the frame being read.
};

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_CONNECTION_H_
