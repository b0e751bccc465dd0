// One accepted control connection on the supervisor's side; see
// connection.h.
#include "runtime/sandbox/control/connection.h"

#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/frame_io.h"

namespace runbox::control {

absl::Status CheckPeerUid(const PeerCredentials& peer, Uid supervisor_uid) {
  if (peer.uid == supervisor_uid || peer.uid == 0) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "control socket: peer uid ", peer.uid, " (pid ", peer.pid.value,
      ") is neither the supervisor's uid ", supervisor_uid, " nor root"));
}

PeerCheck AllowUidOrRoot(Uid supervisor_uid) {
  return [supervisor_uid](const PeerCredentials& peer) {
    return CheckPeerUid(peer, supervisor_uid);
  };
}

absl::StatusOr<ControlConnection> ControlConnection::Create(
    Host& host, Fd conn, const PeerCheck& check) {
  ASSIGN_OR_RETURN(PeerCredentials peer, host.GetPeerCredentials(conn));
  ControlConnection c(std::move(conn), peer);
  absl::Status allowed = check(peer);
  if (!allowed.ok()) {
    // Told before anything is read from it: an unauthorised peer gets no
    // say in how much the supervisor buffers.
    return c.FailAndClose(host, std::move(allowed));
  }
  return c;
}

PollEvents ControlConnection::WantedEvents() const {
  return state_ == State::kReading ? PollEvents::kIn : PollEvents::kNone;
}

void ControlConnection::Close() {
  state_ = State::kClosed;
  conn_.Reset();
  fds_.clear();
  decoder_ = FrameDecoder();
}

absl::Status ControlConnection::FailAndClose(Host& host, absl::Status error) {
  if (conn_.valid()) {
    // Best effort: the peer may be gone (EPIPE), which changes nothing.
    (void)SendFrame(host, conn_, SerializeResponse(ErrorResponse(error)));
  }
  Close();
  return error;
}

absl::StatusOr<std::optional<IncomingRequest>> ControlConnection::OnReadable(
    Host& host) {
  if (state_ == State::kClosed) return std::optional<IncomingRequest>();

  if (state_ == State::kAwaitingReply) {
    // Polled for nothing but hang-ups; a pending `wait` must not keep a
    // departed client's connection open.
    FrameDecoder extra;
    std::vector<Fd> extra_fds;
    absl::StatusOr<bool> more = ReceiveChunk(host, conn_, extra, extra_fds);
    if (!more.ok()) {
      Close();
      return more.status();
    }
    if (!*more) {
      Close();
      return std::optional<IncomingRequest>();
    }
    return FailAndClose(host, absl::InvalidArgumentError(
                                  "control request sent before the reply to "
                                  "the previous one"));
  }

  absl::StatusOr<bool> more = ReceiveChunk(host, conn_, decoder_, fds_);
  if (!more.ok()) {
    if (ErrnoOf(more.status()) != 0) {
      // The socket itself failed (ECONNRESET...): nobody to tell.
      Close();
      return more.status();
    }
    return FailAndClose(host, more.status());
  }
  absl::StatusOr<std::optional<std::string>> frame = decoder_.Next();
  if (!frame.ok()) return FailAndClose(host, frame.status());
  if (!frame->has_value()) {
    if (*more) return std::optional<IncomingRequest>();
    // End of stream: clean between requests, a protocol error within one.
    absl::Status partial = decoder_.CheckEnd();
    if (partial.ok()) {
      Close();
      return std::optional<IncomingRequest>();
    }
    // The peer may have shut down only its sending side; tell it.
    return FailAndClose(host, partial);
  }
  if (decoder_.buffered_bytes() > 0) {
    return FailAndClose(host, absl::InvalidArgumentError(
                                  "control request sent before the reply to "
                                  "the previous one"));
  }
  absl::StatusOr<Request> request = ParseRequest(**frame);
  if (!request.ok()) return FailAndClose(host, request.status());

  state_ = State::kAwaitingReply;
  IncomingRequest in{*std::move(request), std::move(fds_), peer_};
  fds_.clear();
  return std::optional<IncomingRequest>(std::move(in));
}

absl::Status ControlConnection::Reply(Host& host, const Response& response) {
  if (state_ != State::kAwaitingReply) {
    return absl::FailedPreconditionError(
        state_ == State::kClosed
            ? "control connection: closed before the reply"
            : "control connection: no request awaits a reply");
  }
  std::string payload = SerializeResponse(response);
  if (payload.size() > kMaxFrameBytes) {
    payload = SerializeResponse(ErrorResponse(absl::ResourceExhaustedError(
        absl::StrCat("reply of ", payload.size(),
                     " bytes exceeds the control frame limit of ",
                     kMaxFrameBytes, " bytes"))));
  }
  absl::Status sent = SendFrame(host, conn_, payload);
  if (!sent.ok()) {
    Close();
    return Annotate(sent, "control connection: send reply");
  }
  state_ = State::kReading;
  return absl::OkStatus();
}

}  // namespace runbox::control
