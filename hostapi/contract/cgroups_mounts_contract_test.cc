// Contract of the read-only side of Cgroups and Mounts on both hosts: the
// hierarchies and the mount table a process sees. Nothing here creates a
// cgroup or mounts anything on Linux (runtime tests cover those, as root,
// in their own namespaces).
#include <cerrno>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;

RUNBOX_CONTRACT_SUITE(CgroupsMountsContract);

TEST_P(CgroupsMountsContract, CgroupMountsAreDirectoriesThatExist) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> mounts, host.CgroupMounts());
    ASSERT_THAT(mounts, Not(IsEmpty()));
    for (const CgroupMount& m : mounts) {
      ASSERT_OK_AND_ASSIGN(
          FileStat st, host.StatAt(Fd::Cwd(), m.path, FollowSymlinks::kFollow));
      EXPECT_EQ(st.type, FileType::kDirectory) << m.path;
    }
  });
}

TEST_P(CgroupsMountsContract, EveryV1HierarchyNamesItsControllers) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> mounts, host.CgroupMounts());
    int v2 = 0;
    for (const CgroupMount& m : mounts) {
      if (m.version == CgroupVersion::kV2) {
        ++v2;
        continue;
      }
      EXPECT_THAT(m.controllers, Not(IsEmpty())) << m.path;
    }
    EXPECT_LE(v2, 1) << "at most one unified hierarchy is mounted";
  });
}

TEST_P(CgroupsMountsContract, CgroupMountPointsAppearInTheMountTable) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> cgroups, host.CgroupMounts());
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> mounts, host.ListMounts());
    std::set<std::string> points;
    for (const MountInfo& m : mounts) points.insert(m.mount_point);
    for (const CgroupMount& c : cgroups) {
      EXPECT_TRUE(points.count(c.path)) << c.path << " is not a mount point";
    }
  });
}

TEST_P(CgroupsMountsContract, RootCgroupProcessesAreReadable) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> mounts, host.CgroupMounts());
    ASSERT_THAT(mounts, Not(IsEmpty()));
    for (const CgroupMount& m : mounts) {
      EXPECT_OK(host.CgroupProcesses(m.path)) << m.path;
      EXPECT_OK(host.CgroupRead(m.path, "cgroup.procs")) << m.path;
    }
  });
}

// Ownership (CgroupGetOwner; CgroupChown only of what does not exist, so
// nothing changes): the hierarchy roots belong to root.
TEST_P(CgroupsMountsContract, RootCgroupsAreOwnedByRoot) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> mounts, host.CgroupMounts());
    ASSERT_THAT(mounts, Not(IsEmpty()));
    for (const CgroupMount& m : mounts) {
      EXPECT_THAT(host.CgroupGetOwner(m.path, ""), IsOkAndHolds(CgroupOwner{}))
          << m.path;
      EXPECT_THAT(host.CgroupGetOwner(m.path, "cgroup.procs"),
                  IsOkAndHolds(CgroupOwner{}))
          << m.path;
      EXPECT_TRUE(IsErrno(host.CgroupGetOwner(m.path, "no.such.file"), ENOENT))
          << m.path;
      EXPECT_TRUE(
          IsErrno(host.CgroupChown(m.path, "no.such.file", 0, 0), ENOENT))
          << m.path;
    }
  });
}

TEST_P(CgroupsMountsContract, CgroupChildrenAreDirectories) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> mounts, host.CgroupMounts());
    ASSERT_THAT(mounts, Not(IsEmpty()));
    for (const CgroupMount& m : mounts) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> children,
                           host.CgroupChildren(m.path));
      for (const std::string& child : children) {
        EXPECT_EQ(child.find('/'), std::string::npos) << child;
        ASSERT_OK_AND_ASSIGN(
            FileStat st,
            host.StatAt(Fd::Cwd(), absl::StrCat(m.path, "/", child),
                        FollowSymlinks::kNoFollow));
        EXPECT_EQ(st.type, FileType::kDirectory) << m.path << "/" << child;
      }
    }
  });
}

TEST_P(CgroupsMountsContract, MountTableHasARootEntry) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> mounts, host.ListMounts());
    ASSERT_THAT(mounts, Not(IsEmpty()));
    bool root = false;
    for (const MountInfo& m : mounts) root = root || m.mount_point == "/";
    EXPECT_TRUE(root);
  });
}

TEST_P(CgroupsMountsContract, MountIdsAreUniqueAndEntriesComplete) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> mounts, host.ListMounts());
    std::set<int> ids;
    for (const MountInfo& m : mounts) {
      EXPECT_TRUE(ids.insert(m.id).second) << "duplicate id " << m.id;
      EXPECT_FALSE(m.fstype.empty()) << m.mount_point;
      EXPECT_EQ(m.mount_point.substr(0, 1), "/") << m.mount_point;
      EXPECT_FALSE(m.root.empty()) << m.mount_point;
    }
  });
}

}  // namespace
}  // namespace runbox::contract
