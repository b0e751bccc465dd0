// ClassifyHierarchies over hand-made mount lists: this project's hybrid
// machine, the fake kernel's legacy layout (multi-controller mounts, named
// hierarchies), unified hosts, duplicates and hosts with nothing to manage.
#include "runtime/sandbox/cgroups/hierarchy.h"

#include <map>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/cgroups.h"
#include "hostapi/status_matchers.h"

namespace runbox::cgroups {
namespace {

using ::testing::ElementsAre;

CgroupMount V1(std::string path, std::vector<std::string> controllers) {
  return CgroupMount{CgroupVersion::kV1, std::move(path),
                     std::move(controllers)};
}
CgroupMount V2(std::string path, std::vector<std::string> controllers) {
  return CgroupMount{CgroupVersion::kV2, std::move(path),
                     std::move(controllers)};
}

// /proc/self/mountinfo of this project's development machine: one v1
// controller per mount, name=systemd, and cgroup2 at .../unified offering
// only hugetlb.
std::vector<CgroupMount> ThisMachine() {
  return {V1("/sys/fs/cgroup/cpu", {"cpu"}),
          V1("/sys/fs/cgroup/cpuacct", {"cpuacct"}),
          V1("/sys/fs/cgroup/cpuset", {"cpuset"}),
          V1("/sys/fs/cgroup/memory", {"memory"}),
          V1("/sys/fs/cgroup/devices", {"devices"}),
          V1("/sys/fs/cgroup/freezer", {"freezer"}),
          V1("/sys/fs/cgroup/blkio", {"blkio"}),
          V1("/sys/fs/cgroup/pids", {"pids"}),
          V1("/sys/fs/cgroup/systemd", {"name=systemd"}),
          V2("/sys/fs/cgroup/unified", {"hugetlb"})};
}

// A systemd legacy host (and the fake's kLegacy): co-mounted controllers.
std::vector<CgroupMount> Legacy() {
  return {V1("/sys/fs/cgroup/cpu,cpuacct", {"cpu", "cpuacct"}),
          V1("/sys/fs/cgroup/freezer", {"freezer"}),
          V1("/sys/fs/cgroup/net_cls,net_prio", {"net_cls", "net_prio"}),
          V1("/sys/fs/cgroup/memory", {"memory"}),
          V1("/sys/fs/cgroup/systemd", {"name=systemd"})};
}

TEST(ClassifyHierarchiesTest, HybridLikeThisMachine) {
  ASSERT_OK_AND_ASSIGN(Hierarchies h, ClassifyHierarchies(ThisMachine()));
  EXPECT_EQ(h.mode, CgroupMode::kHybrid);
  EXPECT_EQ(ToString(h.mode), "hybrid");
  EXPECT_EQ(h.v1.size(), 9u);
  ASSERT_TRUE(h.v2.has_value());
  EXPECT_EQ(h.v2->mount, "/sys/fs/cgroup/unified");
  EXPECT_TRUE(h.v2->Has("hugetlb"));
  EXPECT_FALSE(h.v2->Has("memory"));
  ASSERT_NE(h.V1For("freezer"), nullptr);
  EXPECT_EQ(h.V1For("freezer")->mount, "/sys/fs/cgroup/freezer");
  ASSERT_NE(h.V1For("cpuacct"), nullptr);
  EXPECT_EQ(h.V1For("cpuacct")->mount, "/sys/fs/cgroup/cpuacct");
  EXPECT_EQ(h.V1For("hugetlb"), nullptr);  // Only v2 has it here.
  ASSERT_NE(h.V1For("name=systemd"), nullptr);
  EXPECT_TRUE(h.V1For("name=systemd")->IsNamedOnly());
  EXPECT_FALSE(h.V1For("pids")->IsNamedOnly());
}

TEST(ClassifyHierarchiesTest, LegacyWithCoMountedControllers) {
  ASSERT_OK_AND_ASSIGN(Hierarchies h, ClassifyHierarchies(Legacy()));
  EXPECT_EQ(h.mode, CgroupMode::kLegacy);
  EXPECT_EQ(ToString(h.mode), "legacy");
  EXPECT_FALSE(h.v2.has_value());
  ASSERT_EQ(h.v1.size(), 5u);
  // Both names of a co-mounted pair find the same hierarchy.
  ASSERT_NE(h.V1For("cpu"), nullptr);
  EXPECT_EQ(h.V1For("cpu"), h.V1For("cpuacct"));
  EXPECT_EQ(h.V1For("cpu")->mount, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_THAT(h.V1For("cpu")->controllers, ElementsAre("cpu", "cpuacct"));
  EXPECT_EQ(h.V1For("net_prio"), h.V1For("net_cls"));
  EXPECT_TRUE(h.V1For("net_prio")->Has("net_cls"));
  EXPECT_EQ(h.V1For("pids"), nullptr);
}

TEST(ClassifyHierarchiesTest, HybridWithCoMountedControllers) {
  std::vector<CgroupMount> mounts = Legacy();
  mounts.push_back(V2("/sys/fs/cgroup/unified", {}));
  ASSERT_OK_AND_ASSIGN(Hierarchies h, ClassifyHierarchies(mounts));
  EXPECT_EQ(h.mode, CgroupMode::kHybrid);
  ASSERT_TRUE(h.v2.has_value());
  EXPECT_TRUE(h.v2->controllers.empty());
}

TEST(ClassifyHierarchiesTest, Unified) {
  ASSERT_OK_AND_ASSIGN(
      Hierarchies h,
      ClassifyHierarchies(
          {V2("/sys/fs/cgroup", {"cpuset", "cpu", "io", "memory", "pids"})}));
  EXPECT_EQ(h.mode, CgroupMode::kUnified);
  EXPECT_EQ(ToString(h.mode), "unified");
  EXPECT_TRUE(h.v1.empty());
  ASSERT_TRUE(h.v2.has_value());
  EXPECT_EQ(h.v2->mount, "/sys/fs/cgroup");
  EXPECT_TRUE(h.v2->Has("memory"));
}

TEST(ClassifyHierarchiesTest, NamedV1BesideV2IsStillUnified) {
  // Some hosts keep a name=systemd v1 mount for old tools on a v2 system:
  // no v1 controller means nothing for runbox in v1.
  ASSERT_OK_AND_ASSIGN(
      Hierarchies h,
      ClassifyHierarchies({V1("/sys/fs/cgroup/systemd", {"name=systemd"}),
                           V2("/sys/fs/cgroup", {"memory"})}));
  EXPECT_EQ(h.mode, CgroupMode::kUnified);
  EXPECT_EQ(h.v1.size(), 1u);
}

TEST(ClassifyHierarchiesTest, DuplicateMountsCountOnce) {
  std::vector<CgroupMount> mounts = ThisMachine();
  mounts.push_back(V1("/mnt/other-freezer", {"freezer"}));
  mounts.push_back(V2("/mnt/other-v2", {"hugetlb"}));
  mounts.push_back(V1("/mnt/nothing", {}));  // A v1 mount binding nothing.
  ASSERT_OK_AND_ASSIGN(Hierarchies h, ClassifyHierarchies(mounts));
  EXPECT_EQ(h.v1.size(), 9u);
  EXPECT_EQ(h.V1For("freezer")->mount, "/sys/fs/cgroup/freezer");
  EXPECT_EQ(h.v2->mount, "/sys/fs/cgroup/unified");
}

TEST(ClassifyHierarchiesTest, NothingToManage) {
  EXPECT_THAT(ClassifyHierarchies({}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(
      ClassifyHierarchies({V1("/sys/fs/cgroup/systemd", {"name=systemd"})}),
      StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(ParseProcCgroupTest, HybridProcess) {
  // A podman container's init on this project's machine (cgroupfs
  // driver, no cgroup namespace), with a made-up combined hierarchy.
  std::map<std::string, std::string> paths = ParseProcCgroup(
      "9:name=systemd:/\n"
      "4:memory:/libpod_parent/libpod-c1\n"
      "2:cpuacct,cpu:/libpod_parent/libpod-c1\n"
      "0::/libpod_parent/libpod-c1\n");
  EXPECT_EQ(paths, (std::map<std::string, std::string>{
                       {"name=systemd", "/"},
                       {"memory", "/libpod_parent/libpod-c1"},
                       {"cpu,cpuacct", "/libpod_parent/libpod-c1"},
                       {"", "/libpod_parent/libpod-c1"},
                   }));
  EXPECT_EQ(paths[HierarchyKey({"cpuacct", "cpu"})],
            "/libpod_parent/libpod-c1");
}

TEST(ParseProcCgroupTest, ColonsInPathAndMalformedLines) {
  EXPECT_EQ(ParseProcCgroup("0::/a:b\ngarbage\n3:pids\n5:freezer:rel\n"),
            (std::map<std::string, std::string>{{"", "/a:b"}}));
}

}  // namespace
}  // namespace runbox::cgroups
