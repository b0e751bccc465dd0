// ContainerCgroupPath and its helpers: the cgroupsPath forms of
// config-linux.md, runc's systemd form refused, normalization, joining.
#include "runtime/sandbox/cgroups/cgroup_path.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::cgroups {
namespace {

using ::testing::HasSubstr;

TEST(ContainerCgroupPathTest, DefaultIsUnderRunbox) {
  EXPECT_THAT(ContainerCgroupPath("", "web"), IsOk());
  EXPECT_EQ(*ContainerCgroupPath("", "web"), "/runbox/web");
}

TEST(ContainerCgroupPathTest, AbsoluteIsUnderEachRoot) {
  EXPECT_EQ(*ContainerCgroupPath("/kubepods/pod1/ctr", "web"),
            "/kubepods/pod1/ctr");
  // Colons are fine in an absolute path.
  EXPECT_EQ(*ContainerCgroupPath("/a:b:c", "web"), "/a:b:c");
}

TEST(ContainerCgroupPathTest, RelativeIsTreatedAsAbsolute) {
  EXPECT_EQ(*ContainerCgroupPath("mygroup/web", "web"), "/mygroup/web");
  EXPECT_EQ(*ContainerCgroupPath("a:b", "web"), "/a:b");  // One colon.
}

TEST(ContainerCgroupPathTest, Normalizes) {
  EXPECT_EQ(*ContainerCgroupPath("//a/./b//", "web"), "/a/b");
}

TEST(ContainerCgroupPathTest, SystemdFormIsRefused) {
  for (const char* path : {"system.slice:runbox:web", ":runbox:web"}) {
    absl::StatusOr<std::string> got = ContainerCgroupPath(path, "web");
    EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument)) << path;
    EXPECT_EQ(got.status().message(),
              "systemd cgroup driver is not supported (--systemd-cgroup)");
  }
  EXPECT_EQ(SystemdUnsupportedError().message(), kSystemdUnsupported);
}

TEST(ContainerCgroupPathTest, RejectsEscapesAndRoots) {
  for (const char* path : {"/a/../b", "..", "/", "//", "/./", "/a\nb"}) {
    absl::StatusOr<std::string> got = ContainerCgroupPath(path, "web");
    EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument)) << path;
    EXPECT_THAT(got.status().message(), HasSubstr("linux.cgroupsPath"));
  }
}

TEST(NormalizeCgroupPathTest, Forms) {
  EXPECT_EQ(*NormalizeCgroupPath("/runbox/web"), "/runbox/web");
  EXPECT_EQ(*NormalizeCgroupPath("runbox/web/"), "/runbox/web");
  EXPECT_THAT(NormalizeCgroupPath(""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(NormalizeCgroupPath("/a/.."),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JoinCgroupPathTest, JoinsMountAndPath) {
  EXPECT_EQ(JoinCgroupPath("/sys/fs/cgroup/freezer", "/runbox/web"),
            "/sys/fs/cgroup/freezer/runbox/web");
  EXPECT_EQ(JoinCgroupPath("/sys/fs/cgroup/", "/runbox/web"),
            "/sys/fs/cgroup/runbox/web");
}

TEST(IsStrictlyUnderTest, Cases) {
  EXPECT_TRUE(IsStrictlyUnder("/a/b", "/a"));
  EXPECT_TRUE(IsStrictlyUnder("/a/b/c", "/a"));
  EXPECT_TRUE(IsStrictlyUnder("/a", "/"));
  EXPECT_FALSE(IsStrictlyUnder("/a", "/a"));
  EXPECT_FALSE(IsStrictlyUnder("/ab", "/a"));
  EXPECT_FALSE(IsStrictlyUnder("/a/", "/a"));
  EXPECT_FALSE(IsStrictlyUnder("/", "/"));
  EXPECT_FALSE(IsStrictlyUnder("/b", "/a"));
}

}  // namespace
}  // namespace runbox::cgroups
