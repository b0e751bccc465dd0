// Tests of the control frame codec: round trips, decoding across arbitrary
// chunk boundaries (a seeded property test), and the rejection of empty,
// oversized and non-frame input before any body is buffered.
#include "runtime/sandbox/control/frame.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

MATCHER_P(IsOkAndHolds, matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

// Every payload Next returns until it asks for more bytes or fails.
std::vector<std::string> Drain(FrameDecoder& decoder) {
  std::vector<std::string> out;
  while (true) {
    absl::StatusOr<std::optional<std::string>> next = decoder.Next();
    if (!next.ok() || !next->has_value()) return out;
    out.push_back(**next);
  }
}

TEST(EncodeFrameTest, BigEndianLengthThenPayload) {
  EXPECT_EQ(EncodeFrame("hi"), std::string("\0\0\0\2hi", 6));
  std::string big(0x010203, 'x');
  std::string frame = EncodeFrame(big);
  ASSERT_EQ(frame.size(), 4 + big.size());
  EXPECT_EQ(frame.substr(0, 4), std::string("\0\1\2\3", 4));
}

TEST(FrameDecoderTest, RoundTrip) {
  FrameDecoder decoder;
  decoder.Feed(EncodeFrame("{\"op\":\"ping\"}"));
  EXPECT_THAT(decoder.Next(),
              IsOkAndHolds(Optional(std::string("{\"op\":\"ping\"}"))));
  EXPECT_THAT(decoder.Next(), IsOkAndHolds(std::optional<std::string>()));
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  EXPECT_TRUE(decoder.AtFrameBoundary());
  EXPECT_OK(decoder.CheckEnd());
}

TEST(FrameDecoderTest, SeveralFramesInOneChunkComeOutInOrder) {
  FrameDecoder decoder;
  decoder.Feed(
      absl::StrCat(EncodeFrame("a"), EncodeFrame("bc"), EncodeFrame("def")));
  EXPECT_EQ(decoder.buffered_bytes(), 3 * 4 + 6u);
  EXPECT_THAT(Drain(decoder), ElementsAre("a", "bc", "def"));
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(FrameDecoderTest, OneByteAtATime) {
  std::string stream = absl::StrCat(EncodeFrame("hello"), EncodeFrame("x"));
  FrameDecoder decoder;
  std::vector<std::string> got;
  for (char c : stream) {
    decoder.Feed(absl::string_view(&c, 1));
    for (std::string& s : Drain(decoder)) got.push_back(std::move(s));
  }
  EXPECT_THAT(got, ElementsAre("hello", "x"));
}

TEST(FrameDecoderTest, MaximumSizeIsAccepted) {
  std::string payload(kMaxFrameBytes, 'p');
  FrameDecoder decoder;
  decoder.Feed(EncodeFrame(payload));
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> got, decoder.Next());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->size(), kMaxFrameBytes);
}

// The decoder must refuse an oversized frame from its header alone, so a
// hostile peer cannot make the supervisor buffer the body.
TEST(FrameDecoderTest, OversizeIsRejectedBeforeBufferingTheBody) {
  FrameDecoder decoder;
  std::string header = EncodeFrame(std::string(kMaxFrameBytes + 1, 'x'))
                           .substr(0, kFrameHeaderBytes);
  decoder.Feed(header);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  // The body that follows is dropped, not stored.
  decoder.Feed(std::string(64 * 1024, 'x'));
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  absl::StatusOr<std::optional<std::string>> next = decoder.Next();
  EXPECT_THAT(next, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(next.status().message(),
              HasSubstr("control frame of 1048577 bytes exceeds the limit of "
                        "1048576 bytes"));
}

TEST(FrameDecoderTest, LimitIsConfigurable) {
  FrameDecoder decoder(/*max_frame_bytes=*/3);
  decoder.Feed(EncodeFrame("abc"));
  decoder.Feed(EncodeFrame("abcd"));
  EXPECT_THAT(decoder.Next(), IsOkAndHolds(Optional(std::string("abc"))));
  EXPECT_THAT(decoder.Next(), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(FrameDecoderTest, ZeroLengthIsAnError) {
  FrameDecoder decoder;
  decoder.Feed(std::string("\0\0\0\0", 4));
  absl::StatusOr<std::optional<std::string>> next = decoder.Next();
  EXPECT_THAT(next, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(next.status().message(), HasSubstr("length 0"));
}

TEST(FrameDecoderTest, TextWhereTheLengthBelongsIsNamedAsSuch) {
  for (absl::string_view garbage :
       {"GET / HTTP/1.1\r\n", "{\"op\":\"ping\"}", "ping\n"}) {
    SCOPED_TRACE(garbage);
    FrameDecoder decoder;
    decoder.Feed(garbage);
    absl::StatusOr<std::optional<std::string>> next = decoder.Next();
    EXPECT_THAT(next, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(next.status().message(), HasSubstr("not a control frame"));
    EXPECT_EQ(decoder.buffered_bytes(), 0u);
  }
}

TEST(FrameDecoderTest, FramesBeforeAnErrorAreDeliveredThenTheErrorSticks) {
  FrameDecoder decoder;
  decoder.Feed(absl::StrCat(EncodeFrame("ok"), std::string("\0\0\0\0", 4),
                            EncodeFrame("later")));
  EXPECT_THAT(decoder.Next(), IsOkAndHolds(Optional(std::string("ok"))));
  EXPECT_THAT(decoder.Next(), StatusIs(absl::StatusCode::kInvalidArgument));
  decoder.Feed(EncodeFrame("more"));
  EXPECT_THAT(decoder.Next(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FrameDecoderTest, CheckEndReportsAPartialFrame) {
  FrameDecoder header_only;
  header_only.Feed(std::string("\0\0", 2));
  EXPECT_FALSE(header_only.AtFrameBoundary());
  EXPECT_THAT(header_only.CheckEnd(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(header_only.CheckEnd().message(),
              HasSubstr("after 2 of 4 header bytes"));

  FrameDecoder part_body;
  part_body.Feed(EncodeFrame("hello").substr(0, 6));
  EXPECT_EQ(part_body.buffered_bytes(), 6u);
  EXPECT_THAT(part_body.CheckEnd().message(), HasSubstr("after 2 of 5 bytes"));
}

// Property: however the byte stream of any sequence of frames is cut into
// chunks, the decoder returns the same payloads. Fixed seed; the failing
// iteration and seed are printed.
TEST(FrameDecoderTest, AnyChunkingGivesTheSamePayloads) {
  constexpr uint64_t kSeed = 0x5eed0001;
  std::mt19937_64 rng(kSeed);
  // Uniform in [lo, hi]; the modulo bias is irrelevant here, and unlike
  // std::uniform_int_distribution it is the same on every library.
  auto uniform = [&rng](uint64_t lo, uint64_t hi) {
    return lo + rng() % (hi - lo + 1);
  };
  for (int iteration = 0; iteration < 300; ++iteration) {
    SCOPED_TRACE(absl::StrCat("seed ", kSeed, " iteration ", iteration));
    std::vector<std::string> payloads;
    std::string stream;
    size_t frames = uniform(1, 6);
    for (size_t i = 0; i < frames; ++i) {
      // Mostly small, sometimes past one receive chunk (64 KiB).
      size_t size = uniform(0, 9) == 0 ? uniform(1, 200000) : uniform(1, 300);
      std::string payload(size, '\0');
      for (char& c : payload) c = static_cast<char>(uniform(0, 255));
      stream += EncodeFrame(payload);
      payloads.push_back(std::move(payload));
    }
    FrameDecoder decoder;
    std::vector<std::string> got;
    size_t pos = 0;
    while (pos < stream.size()) {
      size_t chunk = std::min<size_t>(
          stream.size() - pos,
          uniform(0, 3) == 0 ? uniform(1, 70000) : uniform(1, 9));
      decoder.Feed(absl::string_view(stream).substr(pos, chunk));
      pos += chunk;
      absl::StatusOr<std::optional<std::string>> next;
      while ((next = decoder.Next()).ok() && next->has_value()) {
        got.push_back(**std::move(next));
      }
      ASSERT_OK(next.status());
    }
    ASSERT_EQ(got.size(), payloads.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], payloads[i]) << "frame " << i;
    }
    EXPECT_TRUE(decoder.AtFrameBoundary());
  }
}

}  // namespace
}  // namespace runbox::control
