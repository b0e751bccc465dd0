// Tests for ParseBoundedJson: errors instead of exceptions, depth and size
// limits, duplicate keys.
#include "runtime/spec/bounded_json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox {
namespace {

// The message alone; gtest prints an absl::string_view as a list of chars.
template <typename T>
std::string ErrorText(const absl::StatusOr<T>& s) {
  return std::string(s.status().message());
}

using ::testing::HasSubstr;

const JsonLimits kLimits{.max_depth = 8, .max_bytes = 1024};

TEST(BoundedJsonTest, ParsesValues) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json j,
                       ParseBoundedJson(R"({"a": [1, -2, 2.5, "s", true,
                                             null, {"b": {}}]})",
                                        kLimits));
  ASSERT_TRUE(j.is_object());
  const nlohmann::json& a = j["a"];
  ASSERT_EQ(a.size(), 7u);
  EXPECT_TRUE(a[0].is_number_unsigned());
  EXPECT_TRUE(a[1].is_number_integer());
  EXPECT_TRUE(a[2].is_number_float());
  EXPECT_EQ(a[3], "s");
  EXPECT_EQ(a[4], true);
  EXPECT_TRUE(a[5].is_null());
  EXPECT_TRUE(a[6]["b"].is_object());
}

TEST(BoundedJsonTest, ScalarAtTopLevel) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json j, ParseBoundedJson("42", kLimits));
  EXPECT_EQ(j, 42);
}

TEST(BoundedJsonTest, LastDuplicateKeyWins) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json j,
                       ParseBoundedJson(R"({"k": [1, 2], "k": 3})", kLimits));
  EXPECT_EQ(j["k"], 3);
}

TEST(BoundedJsonTest, SyntaxErrorsAreStatuses) {
  for (const char* text : {"", "{", "{\"a\":", "[1,]", "{'a': 1}", "nul",
                           "{} {}", "[1] x", "\"\\x\"", "1e400", "\xff"}) {
    absl::StatusOr<nlohmann::json> j = ParseBoundedJson(text, kLimits);
    EXPECT_THAT(j, StatusIs(absl::StatusCode::kInvalidArgument)) << text;
    EXPECT_THAT(ErrorText(j), HasSubstr("invalid JSON")) << text;
  }
}

TEST(BoundedJsonTest, TruncatedInputNamesThePosition) {
  absl::StatusOr<nlohmann::json> j = ParseBoundedJson("{\"a\": [1, 2", kLimits);
  EXPECT_THAT(ErrorText(j), HasSubstr("line 1, column 12"));
  EXPECT_THAT(ErrorText(j), HasSubstr("unexpected end of input"));
}

TEST(BoundedJsonTest, DepthLimit) {
  EXPECT_OK(ParseBoundedJson("[[[[[[[[]]]]]]]]", kLimits));  // 8 levels.
  absl::StatusOr<nlohmann::json> j =
      ParseBoundedJson("[[[[[[[[[]]]]]]]]]", kLimits);  // 9 levels.
  EXPECT_THAT(ErrorText(j), HasSubstr("nested deeper than 8 levels"));
  j = ParseBoundedJson(
      R"({"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}})", kLimits);
  EXPECT_THAT(ErrorText(j), HasSubstr("nested deeper than 8"));
}

TEST(BoundedJsonTest, HugeNestingDoesNotOverflowTheStack) {
  JsonLimits limits{.max_depth = 64, .max_bytes = size_t{1} << 24};
  std::string deep(1000000, '[');
  EXPECT_THAT(ErrorText(ParseBoundedJson(deep, limits)),
              HasSubstr("nested deeper than 64"));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_THAT(ErrorText(ParseBoundedJson(objects, limits)),
              HasSubstr("nested deeper than 64"));
}

TEST(BoundedJsonTest, SizeLimit) {
  std::string big = "\"" + std::string(2000, 'x') + "\"";
  EXPECT_THAT(ErrorText(ParseBoundedJson(big, kLimits)),
              HasSubstr("exceeds the limit of 1024"));
}

}  // namespace
}  // namespace runbox
