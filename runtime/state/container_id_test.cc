// ValidateContainerId: the grammar of DESIGN.md invariant 6 and its errors.
#include "runtime/state/container_id.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;

std::string MessageOf(absl::string_view id) {
  return std::string(ValidateContainerId(id).message());
}

TEST(ContainerIdTest, AcceptsTheGrammar) {
  for (absl::string_view id :
       {"a", "Z", "0", "abc", "web-1", "a_b.c+d-e", "0123456789abcdef",
        "sha256.deadbeef", "a.b", "x-", "a+"}) {
    EXPECT_OK(ValidateContainerId(id)) << id;
    EXPECT_TRUE(IsValidContainerId(id)) << id;
  }
  EXPECT_OK(ValidateContainerId(std::string(kMaxContainerIdLength, 'a')));
}

TEST(ContainerIdTest, RejectsSlashWithAClearMessage) {
  EXPECT_THAT(ValidateContainerId("a/b"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(MessageOf("a/b"),
            "invalid container id \"a/b\": character '/' at offset 1 is not "
            "allowed (allowed: A-Z a-z 0-9 and _ . + -, starting with a "
            "letter or digit)");
}

TEST(ContainerIdTest, RejectsDotDot) {
  EXPECT_EQ(MessageOf("a..b"),
            "invalid container id \"a..b\": must not contain \"..\"");
  EXPECT_FALSE(IsValidContainerId(".."));
  EXPECT_FALSE(IsValidContainerId("a.."));
  EXPECT_TRUE(IsValidContainerId("a.b.c"));
}

TEST(ContainerIdTest, RejectsBadFirstCharacter) {
  for (absl::string_view id : {"-a", ".a", "_a", "+a", ".", "-"}) {
    EXPECT_THAT(MessageOf(id), HasSubstr("must start with a letter or digit"))
        << id;
  }
}

TEST(ContainerIdTest, RejectsEmptyAndTooLong) {
  EXPECT_EQ(MessageOf(""), "invalid container id \"\": must not be empty");
  std::string long_id(kMaxContainerIdLength + 1, 'a');
  std::string message = MessageOf(long_id);
  EXPECT_THAT(message, HasSubstr("longer than 1024 characters"));
  EXPECT_THAT(message, HasSubstr("(1025 bytes)"));
  EXPECT_LT(message.size(), 200u) << "a long id is cut in the message";
}

TEST(ContainerIdTest, EscapesUnprintableCharacters) {
  EXPECT_EQ(MessageOf(absl::string_view("a\nb", 3)).substr(0, 30),
            "invalid container id \"a\\nb\": c");
  EXPECT_THAT(MessageOf(absl::string_view("a\0b", 3)), HasSubstr("'\\x00'"));
  EXPECT_FALSE(IsValidContainerId("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidContainerId("a b"));
  EXPECT_FALSE(IsValidContainerId("a:b"));
  EXPECT_FALSE(IsValidContainerId("a*"));
}

}  // namespace
}  // namespace runbox
