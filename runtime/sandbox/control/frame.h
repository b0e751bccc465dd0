// Framing of the control socket: each message is a 4-byte big-endian length
// followed by that many bytes of JSON. This file owns only the byte layout
// and its incremental decoding; what the JSON means is messages.h's, moving
// bytes through sockets is client.h's and connection.h's. Pure (no Host), so
// fuzz targets can drive FrameDecoder directly.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_FRAME_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_FRAME_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox::control {

// Largest payload either side accepts. A request is at most an OCI process
// object (a few KB); a reply at most a `ps` list or stats. The bound keeps a
// confused or hostile peer from making the supervisor buffer without limit.
inline constexpr size_t kMaxFrameBytes = size_t{1} << 20;
inline constexpr size_t kFrameHeaderBytes = 4;
// File descriptors (SCM_RIGHTS) that may travel with one frame: exec's
// stdio, a console socket and a few spare.
inline constexpr size_t kMaxFrameFds = 16;

// The header and `payload`. Any payload below 4 GiB encodes; senders check
// payload.size() <= kMaxFrameBytes themselves, as the receiving decoder
// rejects anything larger.
std::string EncodeFrame(absl::string_view payload);

// Splits a byte stream into frame payloads, whatever chunks the bytes
// arrive in. The length in each header is checked as soon as its fourth
// byte arrives, before any of the body is buffered, so an oversized frame
// costs nothing but its header.
//
// Errors (sticky: once one occurs, later input is dropped and every later
// Next returns it, after the frames completed before it):
// - ResourceExhausted: a length above the limit;
// - InvalidArgument: a zero length, or a header made of printable text (a
//   peer that speaks another protocol or forgot the length prefix).
class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_bytes = kMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}

  // Appends stream bytes. Never fails by itself; see Next.
  void Feed(absl::string_view bytes);

  // The next complete payload, nullopt when more bytes are needed, or the
  // stream's error.
  absl::StatusOr<std::optional<std::string>> Next();

  // Bytes fed but not yet returned by Next (complete frames and the
  // partial one, headers included).
  size_t buffered_bytes() const;
  // Whether the stream may end here: no partial frame is buffered.
  bool AtFrameBoundary() const { return header_.empty(); }
  // OK when the stream may end here, else InvalidArgument saying how much
  // of the last frame arrived ("connection closed after 2 of 4 header
  // bytes").
  absl::Status CheckEnd() const;

 private:
  // Validates a complete header and returns the body length.
  absl::StatusOr<size_t> CheckHeader() const;

  size_t max_frame_bytes_;
  std::string header_;      // Up to kFrameHeaderBytes of the current frame.
  size_t body_length_ = 0;  // Valid once header_ is complete.
  std::string body_;
  std::deque<std::string> ready_;
  absl::Status error_;
};

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_FRAME_H_
