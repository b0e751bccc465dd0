// Cgroup delegation (config-linux.md "Cgroup Ownership"): when runbox
// delegates (pure, over configs), and what DelegateCgroup chowns on the
// fake kernel's cgroup v2 model. Also checkBeforeUpdate's v2 usage check
// (resources_v2.cc), on a mock host that reports a usage.
#include "runtime/sandbox/cgroups/delegation.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/mock_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/cgroups/resources_internal.h"
#include "runtime/testing/dual_host.h"

namespace runbox::cgroups {
namespace {

using ::testing::_;
using ::testing::Return;

// absl::string_view is not std::string_view here: match it explicitly.
::testing::Matcher<absl::string_view> Sv(const char* text) {
  return ::testing::Eq(absl::string_view(text));
}

MATCHER_P(IsOkAndHolds, inner, "is OK with a matching value") {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}

spec::Config DelegatingConfig() {
  spec::Config config;
  config.linux.emplace();
  config.linux->namespaces = {{spec::NamespaceType::kUser, ""},
                              {spec::NamespaceType::kCgroup, ""}};
  config.linux->uid_mappings = {{0, 100000, 65536}};
  config.linux->gid_mappings = {{0, 200000, 65536}};
  spec::Mount cgroup;
  cgroup.destination = "/sys/fs/cgroup";
  cgroup.type = "cgroup";
  cgroup.source = "cgroup";
  cgroup.options = {"nosuid", "nodev"};
  config.mounts = {cgroup};
  return config;
}

TEST(DelegationOwnerTest, V2UserAndCgroupNamespacesAndRwMount) {
  std::optional<CgroupOwner> owner =
      DelegationOwner(DelegatingConfig(), CgroupMode::kUnified);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->uid, 100000u);
  EXPECT_EQ(owner->gid, 200000u);
}

TEST(DelegationOwnerTest, NotOnV1) {
  EXPECT_EQ(DelegationOwner(DelegatingConfig(), CgroupMode::kHybrid),
            std::nullopt);
  EXPECT_EQ(DelegationOwner(DelegatingConfig(), CgroupMode::kLegacy),
            std::nullopt);
}

TEST(DelegationOwnerTest, NotWithoutANewCgroupNamespace) {
  spec::Config config = DelegatingConfig();
  config.linux->namespaces[1].path = "/proc/1/ns/cgroup";
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
  config.linux->namespaces.pop_back();
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
}

TEST(DelegationOwnerTest, NotWithoutAUserNamespaceMappingRoot) {
  spec::Config config = DelegatingConfig();
  config.linux->uid_mappings = {{1, 100001, 10}};
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
  config = DelegatingConfig();
  config.linux->namespaces.erase(config.linux->namespaces.begin());
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
}

TEST(DelegationOwnerTest, NotWithAReadOnlyOrMissingMount) {
  spec::Config config = DelegatingConfig();
  config.mounts[0].options.push_back("ro");
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
  config.mounts[0].options.pop_back();
  config.mounts[0].destination = "/mnt/cgroup";
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
  config.mounts.clear();
  EXPECT_EQ(DelegationOwner(config, CgroupMode::kUnified), std::nullopt);
}

// On the fake (cgroup v2): the directory and the listed files that exist
// change owner, nothing else; without the kernel's list, the spec's three.
TEST(DelegateCgroupTest, ChownsTheDirectoryAndTheListedFiles) {
  for (bool with_list : {false, true}) {
    SCOPED_TRACE(with_list ? "delegate list" : "fallback");
    std::unique_ptr<DualHost> env = DualHost::Make("Fake");
    env->Run([&](Host& host, const std::string& dir) {
      if (with_list) {
        (void)host.MkdirAt(Fd::Cwd(), "/sys/kernel", 0755);
        (void)host.MkdirAt(Fd::Cwd(), "/sys/kernel/cgroup", 0755);
        ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(Fd::Cwd(), kDelegateListPath,
                                               {.flags = OpenFlags::kWriteOnly |
                                                         OpenFlags::kCreate,
                                                .mode = 0644}));
        ASSERT_OK(WriteAll(host, f, "cgroup.threads\nno.such\nmemory.high\n"));
        ASSERT_OK(host.Close(std::move(f)));
      }
      ASSERT_OK_AND_ASSIGN(CgroupManager m,
                           CgroupManager::ForContainer(host, "/t/c"));
      ASSERT_OK(m.Create());
      ASSERT_OK(host.CgroupWrite("/sys/fs/cgroup/t", "cgroup.subtree_control",
                                 "+memory"));
      const CgroupOwner to{.uid = 7, .gid = 8};
      ASSERT_OK(DelegateCgroup(host, m, to));
      const std::string v2 = *m.V2Path();
      EXPECT_THAT(host.CgroupGetOwner(v2, ""), IsOkAndHolds(to));
      std::vector<std::string> chowned =
          with_list ? std::vector<std::string>{"cgroup.threads", "memory.high"}
                    : DefaultDelegateFiles();
      for (const char* file :
           {"cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
            "memory.high", "memory.max", "cgroup.controllers"}) {
        const bool listed =
            std::find(chowned.begin(), chowned.end(), file) != chowned.end();
        EXPECT_THAT(host.CgroupGetOwner(v2, file),
                    IsOkAndHolds(listed ? to : CgroupOwner{}))
            << file;
      }
      EXPECT_THAT(host.CgroupGetOwner("/sys/fs/cgroup/t", ""),
                  IsOkAndHolds(CgroupOwner{}));
    });
  }
}

TEST(CheckBeforeUpdateTest, V2RefusesALimitBelowTheUsage) {
  MockHost host;
  EXPECT_CALL(host, CgroupRead(Sv("/sys/fs/cgroup/c"), Sv("memory.current")))
      .WillRepeatedly(Return(std::string("1048576\n")));
  EXPECT_CALL(host, CgroupWrite(_, _, _)).Times(0);
  spec::Memory memory;
  memory.limit = 4096;
  memory.check_before_update = true;
  ResourceNotes notes;
  absl::Status s =
      internal::WriteMemoryV2(host, "/sys/fs/cgroup/c", memory, notes);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
}

TEST(CheckBeforeUpdateTest, V2WritesALimitAboveTheUsage) {
  MockHost host;
  EXPECT_CALL(host, CgroupRead(Sv("/sys/fs/cgroup/c"), Sv("memory.current")))
      .WillRepeatedly(Return(std::string("1048576\n")));
  EXPECT_CALL(host, CgroupWrite(Sv("/sys/fs/cgroup/c"), Sv("memory.max"),
                                Sv("8388608")))
      .WillOnce(Return(absl::OkStatus()));
  spec::Memory memory;
  memory.limit = 8 << 20;
  memory.check_before_update = true;
  ResourceNotes notes;
  EXPECT_OK(internal::WriteMemoryV2(host, "/sys/fs/cgroup/c", memory, notes));
}

}  // namespace
}  // namespace runbox::cgroups
