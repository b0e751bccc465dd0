// resctrl.h: the schemata rules of config-linux.md "IntelRdt" as pure
// functions, then planning, making, checking, joining and removing groups
// on the fake kernel's resctrl model (a "resctrl" mount whose new
// directories come with empty tasks/schemata files).
#include "runtime/sandbox/resctrl/resctrl.h"

#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"

namespace runbox::resctrl {
namespace {

using ::testing::HasSubstr;

constexpr char kRoot[] = "/sys/fs/resctrl";

TEST(SchemataForTest, NothingSetWritesNothing) {
  SchemataWrites w = SchemataFor(spec::IntelRdt{.clos_id = "x"});
  EXPECT_EQ(w.cache_and_bandwidth, "");
  EXPECT_EQ(w.schemata, "");
  EXPECT_FALSE(HasSchema(spec::IntelRdt{.clos_id = "x"}));
}

TEST(SchemataForTest, L3AndMbAreCombined) {
  SchemataWrites w = SchemataFor(spec::IntelRdt{
      .l3_cache_schema = "L3:0=7f0;1=1f", .mem_bw_schema = "MB:0=20;1=70"});
  EXPECT_EQ(w.cache_and_bandwidth, "L3:0=7f0;1=1f\nMB:0=20;1=70\n");
  EXPECT_EQ(w.schemata, "");
}

TEST(SchemataForTest, MemBwReplacesAnMbLineOfL3CacheSchema) {
  SchemataWrites w = SchemataFor(spec::IntelRdt{
      .l3_cache_schema = "L3:0=ff\nMB:0=10", .mem_bw_schema = "MB:0=70"});
  EXPECT_EQ(w.cache_and_bandwidth, "L3:0=ff\nMB:0=70\n");
}

TEST(SchemataForTest, MbLineOfL3CacheSchemaStaysWithoutMemBw) {
  SchemataWrites w =
      SchemataFor(spec::IntelRdt{.l3_cache_schema = "L3:0=ff\nMB:0=10"});
  EXPECT_EQ(w.cache_and_bandwidth, "L3:0=ff\nMB:0=10\n");
}

TEST(SchemataForTest, SchemataLinesComeSeparately) {
  SchemataWrites w = SchemataFor(spec::IntelRdt{
      .schemata = {"L2:0=f", "L3CODE:0=ff"}, .mem_bw_schema = "MB:0=30"});
  EXPECT_EQ(w.cache_and_bandwidth, "MB:0=30\n");
  EXPECT_EQ(w.schemata, "L2:0=f\nL3CODE:0=ff\n");
  EXPECT_TRUE(HasSchema(spec::IntelRdt{.schemata = {"L2:0=f"}}));
}

TEST(SchemataMatchTest, KernelFormattingIsIgnored) {
  const std::string current = "    L3:0=007f0;1=001f\n    MB:0= 20;1= 70\n";
  EXPECT_TRUE(SchemataMatch(current, "L3:1=1F;0=7f0\nMB:0=20;1=70\n"));
  EXPECT_TRUE(SchemataMatch(current, "MB:1=70\n"));  // A subset.
  EXPECT_TRUE(SchemataMatch(current, ""));
}

TEST(SchemataMatchTest, DifferentValuesOrResourcesMismatch) {
  const std::string current = "L3:0=7f0;1=1f\nMB:0=20;1=70\n";
  EXPECT_FALSE(SchemataMatch(current, "L3:0=7f0;1=ff\n"));
  EXPECT_FALSE(SchemataMatch(current, "MB:2=20\n"));
  EXPECT_FALSE(SchemataMatch(current, "L2:0=f\n"));
  EXPECT_FALSE(SchemataMatch(current, "garbage\n"));
  EXPECT_TRUE(SchemataMatch("garbage\n", "garbage"));
}

// Runs `body` as a root process of a fresh fake kernel.
void OnFake(const std::function<void(Host&)>& body) {
  fake::FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    body(host);
    return 0;
  });
  EXPECT_EQ(kernel.Run(), fake::RunOutcome::kAllExited);
}

void MountResctrl(Host& host) {
  ASSERT_OK(host.MkdirAt(Fd::Cwd(), kRoot, 0755));
  ASSERT_OK(host.Mount("resctrl", kRoot, "resctrl", MountFlags::kNone, ""));
}

std::string Read(Host& host, const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileAt(host, Fd::Cwd(), path, 1 << 20);
  return text.ok() ? *text : absl::StrCat("<", text.status().ToString(), ">");
}

bool Exists(Host& host, const std::string& path) {
  return host.StatAt(Fd::Cwd(), path, FollowSymlinks::kNoFollow).ok();
}

TEST(PlanGroupTest, NoResctrlMountIsAnError) {
  OnFake([](Host& host) {
    absl::StatusOr<Group> g = PlanGroup(host, spec::IntelRdt{}, "c1");
    EXPECT_THAT(g, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(g.status().message(),
                HasSubstr("no resctrl file system is mounted"));
  });
}

TEST(PlanGroupTest, ContainerIdWithoutClosId) {
  OnFake([](Host& host) {
    MountResctrl(host);
    ASSERT_OK_AND_ASSIGN(Group g, PlanGroup(host, spec::IntelRdt{}, "c1"));
    EXPECT_EQ(g.path, "/sys/fs/resctrl/c1");
    EXPECT_FALSE(g.exists);
  });
}

TEST(PlanGroupTest, ClosIdWithoutSchemaMustExist) {
  OnFake([](Host& host) {
    MountResctrl(host);
    absl::StatusOr<Group> g =
        PlanGroup(host, spec::IntelRdt{.clos_id = "gold"}, "c1");
    EXPECT_THAT(g, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(g.status().message(), HasSubstr("/sys/fs/resctrl/gold"));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), "/sys/fs/resctrl/gold", 0755));
    ASSERT_OK_AND_ASSIGN(
        Group found, PlanGroup(host, spec::IntelRdt{.clos_id = "gold"}, "c1"));
    EXPECT_EQ(found.path, "/sys/fs/resctrl/gold");
    EXPECT_TRUE(found.exists);
  });
}

TEST(SetUpGroupTest, NewGroupGetsCombinedValueThenSchemata) {
  OnFake([](Host& host) {
    MountResctrl(host);
    spec::IntelRdt rdt{.clos_id = "gold",
                       .schemata = {"L2:0=f"},
                       .l3_cache_schema = "L3:0=ff\nMB:0=10",
                       .mem_bw_schema = "MB:0=70"};
    ASSERT_OK_AND_ASSIGN(Group g, PlanGroup(host, rdt, "c1"));
    ASSERT_OK_AND_ASSIGN(bool made, SetUpGroup(host, g, rdt));
    EXPECT_TRUE(made);
    EXPECT_EQ(Read(host, "/sys/fs/resctrl/gold/schemata"),
              "L3:0=ff\nMB:0=70\nL2:0=f\n");
    EXPECT_EQ(Read(host, "/sys/fs/resctrl/gold/tasks"), "");
  });
}

TEST(SetUpGroupTest, NoSchemaWritesNoSchemata) {
  OnFake([](Host& host) {
    MountResctrl(host);
    ASSERT_OK_AND_ASSIGN(Group g, PlanGroup(host, spec::IntelRdt{}, "c1"));
    ASSERT_OK_AND_ASSIGN(bool made, SetUpGroup(host, g, spec::IntelRdt{}));
    EXPECT_TRUE(made);
    EXPECT_EQ(Read(host, "/sys/fs/resctrl/c1/schemata"), "");
  });
}

TEST(SetUpGroupTest, ExistingGroupIsComparedNotWritten) {
  OnFake([](Host& host) {
    MountResctrl(host);
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), "/sys/fs/resctrl/gold", 0755));
    ASSERT_OK_AND_ASSIGN(Fd dir, host.OpenAt(Fd::Cwd(), "/sys/fs/resctrl/gold",
                                             {.flags = OpenFlags::kDirectory}));
    ASSERT_OK(AtomicWriteFileAt(host, dir, "schemata",
                                "    L3:0=0ff;1=0ff\n    MB:0=100;1=100\n",
                                0644));
    spec::IntelRdt same{.clos_id = "gold", .l3_cache_schema = "L3:0=ff"};
    ASSERT_OK_AND_ASSIGN(Group g, PlanGroup(host, same, "c1"));
    ASSERT_OK_AND_ASSIGN(bool made, SetUpGroup(host, g, same));
    EXPECT_FALSE(made);
    spec::IntelRdt other{.clos_id = "gold", .mem_bw_schema = "MB:0=50"};
    absl::StatusOr<bool> mismatch = SetUpGroup(host, g, other);
    EXPECT_THAT(mismatch, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(mismatch.status().message(), HasSubstr("does not match"));
    EXPECT_EQ(Read(host, "/sys/fs/resctrl/gold/schemata"),
              "    L3:0=0ff;1=0ff\n    MB:0=100;1=100\n");
  });
}

TEST(SetUpGroupTest, AddTaskAppendsAndRemoveGroupIsIdempotent) {
  OnFake([](Host& host) {
    MountResctrl(host);
    ASSERT_OK_AND_ASSIGN(Group g, PlanGroup(host, spec::IntelRdt{}, "c1"));
    ASSERT_OK(SetUpGroup(host, g, spec::IntelRdt{}).status());
    ASSERT_OK(AddTask(host, g.path, Pid{42}));
    ASSERT_OK(AddTask(host, g.path, Pid{43}));
    EXPECT_EQ(Read(host, "/sys/fs/resctrl/c1/tasks"), "42\n43\n");
    ASSERT_OK(RemoveGroup(host, g.path));
    EXPECT_FALSE(Exists(host, g.path));
    EXPECT_OK(RemoveGroup(host, g.path));
    EXPECT_THAT(AddTask(host, g.path, Pid{44}), HasErrno(ENOENT));
  });
}

}  // namespace
}  // namespace runbox::resctrl
