// Moving frames through a connected stream socket: send one frame whole
// (short sends looped, fds with the first chunk) and receive what one
// recvmsg(2) brings into a FrameDecoder. Shared by the client (client.cc)
// and the supervisor's connections (connection.cc).
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_FRAME_IO_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_FRAME_IO_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hostapi/host.h"
#include "runtime/sandbox/control/frame.h"

namespace runbox::control {

// Bytes asked of one recvmsg(2).
inline constexpr size_t kReceiveChunkBytes = 64 * 1024;

// Sends `payload` as one frame. The fds (at most kMaxFrameFds) go with the
// first chunk, so they arrive with the frame's first byte. Blocks until the
// whole frame is sent; does not check `payload` against kMaxFrameBytes.
absl::Status SendFrame(Host& host, const Fd& conn, absl::string_view payload,
                       absl::Span<const Fd* const> fds = {});

// One recvmsg(2) on `conn`: its bytes go to `decoder`, its fds to the end of
// `fds`. Returns false at end of stream. InvalidArgument when the peer sent
// more than kMaxFrameFds fds in all (they are closed). Blocks if nothing is
// ready, so poll first where blocking is not allowed.
absl::StatusOr<bool> ReceiveChunk(Host& host, const Fd& conn,
                                  FrameDecoder& decoder, std::vector<Fd>& fds);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_FRAME_IO_H_
