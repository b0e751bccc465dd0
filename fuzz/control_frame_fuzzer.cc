// The control-socket protocol as the supervisor decodes it
// (runtime/sandbox/control/frame.h, messages.h): the input is the byte
// stream a client sends. Properties:
// - FrameDecoder is chunk-independent: fed the whole input at once and fed
//   it in pieces (sizes taken from the input) it yields the same payloads
//   and the same final error; errors are InvalidArgument or
//   ResourceExhausted with a message, and sticky;
// - EncodeFrame -> FrameDecoder gives each payload back;
// - ParseRequest rejects with InvalidArgument and a message; for a request
//   it accepts, ValidateRequest agrees and SerializeRequest -> ParseRequest
//   gives the same op and arguments (and serializing again the same text);
// - the error reply for a rejection (ErrorResponse) survives
//   SerializeResponse -> ParseResponse -> StatusOf with its code and
//   message, as the client sees it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/sandbox/control/messages.h"

namespace {

namespace control = ::runbox::control;

// Every payload the decoder yields, then its error (OK when the stream
// merely ran out), and whether it may end here.
struct Decoded {
  std::vector<std::string> payloads;
  absl::Status error;
  bool at_boundary = false;
};

// Small enough that a fuzzer reaches the limit without megabyte inputs.
constexpr size_t kFuzzMaxFrame = 4096;

void Drain(control::FrameDecoder& decoder, Decoded& out) {
  while (out.error.ok()) {
    absl::StatusOr<std::optional<std::string>> next = decoder.Next();
    if (!next.ok()) {
      out.error = next.status();
      return;
    }
    if (!next->has_value()) return;
    out.payloads.push_back(std::move(**next));
  }
}

// Feeds `stream` in pieces of the sizes `cuts` gives (cycling), draining
// after each piece.
Decoded Decode(absl::string_view stream, absl::string_view cuts) {
  control::FrameDecoder decoder(kFuzzMaxFrame);
  Decoded out;
  size_t i = 0;
  size_t pos = 0;
  while (pos < stream.size()) {
    size_t n = stream.size() - pos;
    if (!cuts.empty()) {
      n = std::min<size_t>(n,
                           1 + static_cast<uint8_t>(cuts[i++ % cuts.size()]));
    }
    decoder.Feed(stream.substr(pos, n));
    pos += n;
    Drain(decoder, out);
  }
  Drain(decoder, out);
  if (out.error.ok()) {
    // Once at the end, a second drain changes nothing.
    absl::StatusOr<std::optional<std::string>> again = decoder.Next();
    FUZZ_CHECK(again.ok() && !again->has_value(), "Next after the end");
  } else {
    // Sticky.
    absl::StatusOr<std::optional<std::string>> again = decoder.Next();
    FUZZ_CHECK(!again.ok() && again.status() == out.error,
               absl::StrCat("error not sticky: ", out.error.ToString()));
  }
  out.at_boundary = decoder.AtFrameBoundary();
  if (out.error.ok()) {
    FUZZ_CHECK(decoder.CheckEnd().ok() == out.at_boundary,
               decoder.CheckEnd().ToString());
  }
  return out;
}

void CheckRequest(const std::string& payload) {
  absl::StatusOr<control::Request> request = control::ParseRequest(payload);
  if (!request.ok()) {
    FUZZ_NOTE(absl::StrCat("rejected: ", request.status().ToString()));
    FUZZ_CHECK(request.status().code() == absl::StatusCode::kInvalidArgument,
               request.status().ToString());
    FUZZ_CHECK(!request.status().message().empty(), "empty message");
    // The reply the supervisor sends, as the client reads it.
    control::Response reply = control::ErrorResponse(request.status());
    FUZZ_CHECK(!reply.ok, "error reply is ok");
    absl::StatusOr<control::Response> seen =
        control::ParseResponse(control::SerializeResponse(reply));
    FUZZ_CHECK(seen.ok(), seen.status().ToString());
    absl::Status back = control::StatusOf(*seen);
    FUZZ_CHECK(back.code() == request.status().code(), back.ToString());
    // Invalid UTF-8 in a message is replaced (U+FFFD) on the wire: the
    // only change allowed.
    if (back.message() != request.status().message()) {
      FUZZ_CHECK(back.message().find("\xEF\xBF\xBD") != absl::string_view::npos,
                 absl::StrCat("message changed: ", request.status().message(),
                              " -> ", back.message()));
    }
    return;
  }
  FUZZ_CHECK(control::ValidateRequest(*request).ok(),
             control::ValidateRequest(*request).ToString());
  FUZZ_CHECK(request->args.is_object(), request->args.dump());
  const std::string text = control::SerializeRequest(*request);
  absl::StatusOr<control::Request> back = control::ParseRequest(text);
  FUZZ_CHECK(back.ok(), absl::StrCat(back.status().ToString(), "\n", text));
  FUZZ_CHECK(back->op == request->op, text);
  FUZZ_CHECK(back->args == request->args,
             absl::StrCat(text, "\n", back->args.dump()));
  FUZZ_CHECK(control::SerializeRequest(*back) == text, text);
  // Through a frame and back.
  const std::string frame = control::EncodeFrame(text);
  FUZZ_CHECK(frame.size() == text.size() + control::kFrameHeaderBytes, text);
  control::FrameDecoder decoder;
  decoder.Feed(frame);
  absl::StatusOr<std::optional<std::string>> got = decoder.Next();
  FUZZ_CHECK(got.ok() && got->has_value() && **got == text,
             got.ok() ? "no frame" : got.status().ToString());
  FUZZ_CHECK(decoder.AtFrameBoundary() && decoder.buffered_bytes() == 0,
             "bytes left over");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  Decoded whole = Decode(input, "");
  // Piece sizes from the input's own bytes (1..256), and byte by byte.
  Decoded pieces = Decode(input, input.substr(0, 16));
  Decoded bytes = Decode(input, absl::string_view("\0", 1));
  for (const Decoded* other : {&pieces, &bytes}) {
    FUZZ_CHECK(other->payloads == whole.payloads, "payloads depend on chunks");
    FUZZ_CHECK(
        other->error == whole.error,
        absl::StrCat(other->error.ToString(), " vs ", whole.error.ToString()));
    FUZZ_CHECK(other->at_boundary == whole.at_boundary, "boundary differs");
  }
  if (!whole.error.ok()) {
    absl::StatusCode code = whole.error.code();
    FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kResourceExhausted,
               whole.error.ToString());
    FUZZ_CHECK(!whole.error.message().empty(), "empty message");
  }
  for (const std::string& payload : whole.payloads) {
    FUZZ_CHECK(!payload.empty() && payload.size() <= kFuzzMaxFrame,
               absl::StrCat("payload of ", payload.size(), " bytes"));
    CheckRequest(payload);
  }
  return 0;
}
