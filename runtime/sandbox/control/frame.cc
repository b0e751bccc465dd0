// Length-prefixed frames of the control socket; see frame.h.
#include "runtime/sandbox/control/frame.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace runbox::control {
namespace {

bool IsText(unsigned char c) {
  return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::string EncodeFrame(absl::string_view payload) {
  uint32_t n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(kFrameHeaderBytes + payload.size());
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(payload.data(), payload.size());
  return out;
}

absl::StatusOr<size_t> FrameDecoder::CheckHeader() const {
  uint32_t n = 0;
  for (char c : header_) n = (n << 8) | static_cast<unsigned char>(c);
  if (n == 0) {
    return absl::InvalidArgumentError("control frame of length 0");
  }
  if (n <= max_frame_bytes_) return static_cast<size_t>(n);
  // Any header of printable bytes is far above the limit; name the likely
  // cause instead of quoting a length of a billion bytes.
  if (std::all_of(header_.begin(), header_.end(), [](char c) {
        return IsText(static_cast<unsigned char>(c));
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a control frame: the stream starts with text \"",
                     absl::CHexEscape(header_),
                     "\" where a 4-byte big-endian length belongs"));
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("control frame of ", n, " bytes exceeds the limit of ",
                   max_frame_bytes_, " bytes"));
}

void FrameDecoder::Feed(absl::string_view bytes) {
  while (!bytes.empty() && error_.ok()) {
    if (header_.size() < kFrameHeaderBytes) {
      size_t take = std::min(kFrameHeaderBytes - header_.size(), bytes.size());
      header_.append(bytes.data(), take);
      bytes.remove_prefix(take);
      if (header_.size() < kFrameHeaderBytes) return;
      absl::StatusOr<size_t> length = CheckHeader();
      if (!length.ok()) {
        error_ = length.status();
        header_.clear();
        return;
      }
      body_length_ = *length;
      // Bounded by the check above, so reserving cannot be abused.
      body_.reserve(body_length_);
      continue;
    }
    size_t take = std::min(body_length_ - body_.size(), bytes.size());
    body_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (body_.size() == body_length_) {
      ready_.push_back(std::move(body_));
      body_ = std::string();
      header_.clear();
      body_length_ = 0;
    }
  }
}

absl::StatusOr<std::optional<std::string>> FrameDecoder::Next() {
  if (!ready_.empty()) {
    std::string payload = std::move(ready_.front());
    ready_.pop_front();
    return std::optional<std::string>(std::move(payload));
  }
  if (!error_.ok()) return error_;
  return std::optional<std::string>();
}

size_t FrameDecoder::buffered_bytes() const {
  size_t n = header_.size() + body_.size();
  for (const std::string& frame : ready_) n += kFrameHeaderBytes + frame.size();
  return n;
}

absl::Status FrameDecoder::CheckEnd() const {
  if (header_.empty()) return absl::OkStatus();
  if (header_.size() < kFrameHeaderBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("connection closed after ", header_.size(), " of ",
                     kFrameHeaderBytes, " header bytes of a control frame"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("connection closed after ", body_.size(), " of ",
                   body_length_, " bytes of a control frame"));
}

}  // namespace runbox::control
