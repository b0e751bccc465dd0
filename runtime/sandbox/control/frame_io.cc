// Sending and receiving frames on a stream socket; see frame_io.h.
#include "runtime/sandbox/control/frame_io.h"

#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox::control {

absl::Status SendFrame(Host& host, const Fd& conn, absl::string_view payload,
                       absl::Span<const Fd* const> fds) {
  if (fds.size() > kMaxFrameFds) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot send ", fds.size(), " fds with a control frame (",
                     "at most ", kMaxFrameFds, ")"));
  }
  std::string frame = EncodeFrame(payload);
  absl::string_view rest = frame;
  bool first = true;
  while (!rest.empty()) {
    ASSIGN_OR_RETURN(size_t n, RetryOnEintr([&] {
                       return host.SendMsg(
                           conn, absl::Span<const char>(rest),
                           first ? fds : absl::Span<const Fd* const>());
                     }));
    // A stream send of a non-empty buffer returns at least one byte or an
    // error; guard against a host that breaks that rather than spinning.
    if (n == 0) return ErrnoError(EIO, "sendmsg: sent no bytes");
    rest.remove_prefix(n);
    first = false;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ReceiveChunk(Host& host, const Fd& conn,
                                  FrameDecoder& decoder, std::vector<Fd>& fds) {
  ASSIGN_OR_RETURN(ReceivedMessage msg, RetryOnEintr([&] {
                     return host.RecvMsg(conn, kReceiveChunkBytes,
                                         kMaxFrameFds);
                   }));
  if (msg.bytes.empty() && msg.fds.empty()) return false;
  if (msg.fds_truncated || fds.size() + msg.fds.size() > kMaxFrameFds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "more than ", kMaxFrameFds, " fds sent with a control frame"));
  }
  for (Fd& fd : msg.fds) fds.push_back(std::move(fd));
  decoder.Feed(msg.bytes);
  return true;
}

}  // namespace runbox::control
