// Connecting to a supervisor's control socket and making one call; see
// client.h.
#include "runtime/sandbox/control/client.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/sandbox/control/frame_io.h"
#include "runtime/sandbox/control/socket_path.h"

namespace runbox::control {

absl::StatusOr<Fd> ConnectControl(Host& host, const std::string& socket_path) {
  std::string context = absl::StrCat("control socket \"", socket_path, "\"");
  absl::StatusOr<Fd> sock = host.Socket(SocketType::kStream);
  if (!sock.ok()) return Annotate(sock.status(), context);
  absl::Status connected = AtSocketPath(
      host, socket_path,
      [&](absl::string_view name) { return host.Connect(*sock, name); });
  if (!connected.ok()) {
    // ENOENT: no socket file (never started, or deleted); ECONNREFUSED: a
    // socket file nobody listens on (the supervisor died). Either way the
    // caller's next step is the same, so say it plainly.
    if (IsErrno(connected, ENOENT) || IsErrno(connected, ECONNREFUSED)) {
      absl::StrAppend(&context, ": the supervisor is not running");
    }
    return Annotate(connected, context);
  }
  return sock;
}

absl::StatusOr<Response> Call(Host& host, const Fd& conn,
                              const Request& request,
                              absl::Span<const Fd* const> fds,
                              std::vector<Fd>* received_fds,
                              std::optional<absl::Duration> timeout) {
  std::string context =
      absl::StrCat("control call \"", OpName(request.op), "\"");
  RETURN_IF_ERROR(Annotate(ValidateRequest(request), context));
  std::string payload = SerializeRequest(request);
  if (payload.size() > kMaxFrameBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(context, ": request of ", payload.size(),
                     " bytes exceeds the limit of ", kMaxFrameBytes));
  }
  std::optional<absl::Duration> deadline;
  if (timeout.has_value()) deadline = host.MonotonicNow() + *timeout;

  absl::Status sent = SendFrame(host, conn, payload, fds);
  // EPIPE/ECONNRESET: the supervisor closed the connection, possibly after
  // replying with an error that explains why (it refuses unauthorised
  // peers without reading their request). Read that reply if it is there.
  if (!sent.ok() && !IsErrno(sent, EPIPE) && !IsErrno(sent, ECONNRESET)) {
    return Annotate(sent, absl::StrCat(context, ": send request"));
  }
  // Should the connection still be up after all (the send failed for
  // another reason, with part of the frame out), the supervisor must not
  // wait for the rest of it while we wait for its reply: end our side.
  if (!sent.ok()) (void)host.Shutdown(conn, ShutdownHow::kWrite);

  FrameDecoder decoder;
  std::vector<Fd> fds_in;
  while (true) {
    if (deadline.has_value()) {
      absl::Duration left =
          std::max(absl::ZeroDuration(), *deadline - host.MonotonicNow());
      PollFd poll_fd{.fd = &conn, .events = PollEvents::kIn};
      absl::StatusOr<int> ready = RetryOnEintr(
          [&] { return host.Poll(absl::MakeSpan(&poll_fd, 1), left); });
      if (!ready.ok()) return Annotate(ready.status(), context);
      if (*ready == 0) {
        return absl::DeadlineExceededError(
            absl::StrCat(context, ": no reply from the supervisor within ",
                         absl::FormatDuration(*timeout)));
      }
    }
    absl::StatusOr<bool> more = ReceiveChunk(host, conn, decoder, fds_in);
    if (!more.ok()) {
      if (!sent.ok()) {
        return Annotate(sent, absl::StrCat(context, ": send request"));
      }
      return Annotate(more.status(), absl::StrCat(context, ": read reply"));
    }
    absl::StatusOr<std::optional<std::string>> frame = decoder.Next();
    if (!frame.ok()) {
      return Annotate(frame.status(),
                      absl::StrCat(context, ": malformed reply"));
    }
    if (frame->has_value()) {
      // The supervisor answers each request with exactly one frame and
      // sends nothing unasked, so anything more is a protocol error.
      if (decoder.buffered_bytes() > 0) {
        return absl::InternalError(absl::StrCat(
            context, ": the supervisor sent more than one reply frame"));
      }
      absl::StatusOr<Response> response = ParseResponse(**frame);
      if (!response.ok()) {
        return Annotate(response.status(),
                        absl::StrCat(context, ": malformed reply"));
      }
      if (received_fds != nullptr) {
        for (Fd& fd : fds_in) received_fds->push_back(std::move(fd));
      }
      return response;
    }
    if (!*more) {
      if (!sent.ok()) {
        return Annotate(sent, absl::StrCat(context, ": send request"));
      }
      absl::Status partial = decoder.CheckEnd();
      return absl::UnavailableError(absl::StrCat(
          context, ": the supervisor closed the connection without replying",
          partial.ok() ? "" : absl::StrCat(" (", partial.message(), ")")));
    }
  }
}

}  // namespace runbox::control
