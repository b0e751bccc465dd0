// meta.json's no_new_keyring (create --no-new-keyring, read by exec):
// written only when set, round-trips, and a wrong type names the field.
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/state/meta.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Meta Sample() {
  Meta m;
  m.id = "web";
  m.status = ContainerStatus::kCreated;
  m.bundle = "/b";
  return m;
}

TEST(MetaKeyringTest, WrittenOnlyWhenSet) {
  Meta m = Sample();
  EXPECT_THAT(SerializeMeta(m), Not(HasSubstr("no_new_keyring")));
  m.no_new_keyring = true;
  const std::string text = SerializeMeta(m);
  EXPECT_THAT(text, HasSubstr("\"no_new_keyring\":true"));
  ASSERT_OK_AND_ASSIGN(Meta back, ParseMeta(text));
  EXPECT_TRUE(back.no_new_keyring);
  EXPECT_EQ(back, m);
}

TEST(MetaKeyringTest, WrongTypeNamesTheField) {
  std::string text = SerializeMeta(Sample());
  text.insert(text.rfind('}'), ",\"no_new_keyring\":\"yes\"");
  absl::StatusOr<Meta> m = ParseMeta(text);
  ASSERT_FALSE(m.ok()) << text;
  EXPECT_THAT(m.status().message(),
              HasSubstr("field \"no_new_keyring\": expected a boolean"));
}

}  // namespace
}  // namespace runbox
