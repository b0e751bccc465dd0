// Tests for DefaultSpec: it is runc's `runc spec` output (testdata holds
// runc's files), it validates, and the rootless variant changes what runc
// changes.
#include "runtime/spec/default_spec.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/serialize.h"
#include "runtime/spec/test_util.h"
#include "runtime/spec/validate.h"

namespace runbox::spec {
namespace {

using ::testing::Contains;
using ::testing::Each;
using ::testing::Field;
using ::testing::Not;

TEST(DefaultSpecTest, Validates) {
  EXPECT_OK(Validate(DefaultSpec()));
  EXPECT_OK(Validate(DefaultSpec({.cgroup_namespace = true})));
  EXPECT_OK(Validate(
      DefaultSpec({.rootless = true, .host_uid = 1000, .host_gid = 100})));
  EXPECT_OK(Validate(DefaultSpec(
      {.cgroup_namespace = true, .rootless = true, .host_uid = 5})));
}

TEST(DefaultSpecTest, MatchesRuncSpec) {
  ASSERT_OK_AND_ASSIGN(
      Config runc, ParseConfig(testdata::ReadTestData("runc_default.json")));
  EXPECT_EQ(DefaultSpec({.cgroup_namespace = true}), runc);
}

TEST(DefaultSpecTest, SerializesToRuncSpecBytes) {
  std::string runc = testdata::ReadTestData("runc_default.json");
  while (!runc.empty() && runc.back() == '\n') runc.pop_back();
  EXPECT_EQ(SerializeConfig(DefaultSpec({.cgroup_namespace = true})), runc);
}

TEST(DefaultSpecTest, MatchesRuncSpecRootless) {
  ASSERT_OK_AND_ASSIGN(
      Config runc, ParseConfig(testdata::ReadTestData("runc_rootless.json")));
  EXPECT_EQ(DefaultSpec({.cgroup_namespace = true,
                         .rootless = true,
                         .host_uid = 1000,
                         .host_gid = 1000}),
            runc);
}

TEST(DefaultSpecTest, WithoutCgroupNamespace) {
  Config c = DefaultSpec();
  EXPECT_THAT(c.linux->namespaces,
              Each(Field(&LinuxNamespace::type, Not(NamespaceType::kCgroup))));
  EXPECT_EQ(c.linux->namespaces.size(), 5u);
}

TEST(DefaultSpecTest, RootlessMapsTheCallerAndDropsHostOnlyParts) {
  Config c = DefaultSpec({.rootless = true, .host_uid = 1234, .host_gid = 99});
  const Linux& l = *c.linux;
  EXPECT_THAT(l.namespaces,
              Each(Field(&LinuxNamespace::type, Not(NamespaceType::kNetwork))));
  EXPECT_EQ(l.namespaces.back().type, NamespaceType::kUser);
  ASSERT_EQ(l.uid_mappings.size(), 1u);
  EXPECT_EQ(l.uid_mappings[0],
            (IdMapping{.container_id = 0, .host_id = 1234, .size = 1}));
  EXPECT_EQ(l.gid_mappings[0],
            (IdMapping{.container_id = 0, .host_id = 99, .size = 1}));
  EXPECT_FALSE(l.resources.has_value());
  for (const Mount& m : c.mounts) {
    EXPECT_THAT(m.options, Not(Contains("gid=5"))) << m.destination;
    if (m.destination == "/sys") {
      EXPECT_EQ(m.type, "none");
      EXPECT_EQ(m.source, "/sys");
      EXPECT_THAT(m.options, Contains("rbind"));
    }
  }
}

}  // namespace
}  // namespace runbox::spec
