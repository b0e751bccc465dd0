// linux.resources written to cgroups, statistics and OOM counts: runc's
// value conversions (pure), then ApplyResources / ReadStats / OomKillCount
// on the fake kernel's cgroup model in its three layouts and on this
// machine's real cgroupfs (Linux, root only), reading back what the same
// code wrote; and a simulated OOM kill on the fake.
#include "runtime/sandbox/cgroups/resources.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fakes/cgroups/cgroup_layout.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"
#include "runtime/sandbox/cgroups/device_filter.h"
#include "runtime/sandbox/cgroups/hierarchy.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/sandbox/cgroups/oom.h"
#include "runtime/sandbox/cgroups/resources_internal.h"
#include "runtime/sandbox/cgroups/stats.h"
#include "runtime/testing/dual_host.h"

namespace runbox::cgroups {
namespace {

using internal::DirFor;

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

constexpr int64_t kMiB = 1 << 20;

MATCHER_P(IsOkAndHolds, inner, "is OK with a matching value") {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}

// --- Conversions (runc's formulas) -------------------------------------

TEST(ResourceConversionTest, CpuSharesToWeight) {
  EXPECT_EQ(CpuSharesToWeight(0), 0u);  // Unset stays unset.
  EXPECT_EQ(CpuSharesToWeight(2), 1u);
  EXPECT_EQ(CpuSharesToWeight(1024), 39u);  // The v1 default -> about 100/2.6.
  EXPECT_EQ(CpuSharesToWeight(512), 20u);
  EXPECT_EQ(CpuSharesToWeight(262144), 10000u);
  // Out of range clamps to the ends of the v1 range.
  EXPECT_EQ(CpuSharesToWeight(1), 1u);
  EXPECT_EQ(CpuSharesToWeight(1 << 30), 10000u);
}

TEST(ResourceConversionTest, BlkioWeightToIoWeight) {
  EXPECT_EQ(BlkioWeightToIoWeight(0), 0u);
  EXPECT_EQ(BlkioWeightToIoWeight(10), 1u);
  EXPECT_EQ(BlkioWeightToIoWeight(500), 4950u);
  EXPECT_EQ(BlkioWeightToIoWeight(1000), 10000u);
}

TEST(ResourceConversionTest, V2SwapMax) {
  using O = std::optional<std::string>;
  EXPECT_THAT(V2SwapMax(std::nullopt, std::nullopt), IsOkAndHolds(O()));
  EXPECT_THAT(V2SwapMax(std::nullopt, 64 * kMiB), IsOkAndHolds(O()));
  // Unlimited memory, swap not given: unlimited swap too.
  EXPECT_THAT(V2SwapMax(std::nullopt, -1), IsOkAndHolds(O("max")));
  EXPECT_THAT(V2SwapMax(-1, 64 * kMiB), IsOkAndHolds(O("max")));
  // memory+swap minus memory.
  EXPECT_THAT(V2SwapMax(96 * kMiB, 64 * kMiB),
              IsOkAndHolds(O(absl::StrCat(32 * kMiB))));
  // Equal: no swap at all.
  EXPECT_THAT(V2SwapMax(64 * kMiB, 64 * kMiB), IsOkAndHolds(O("0")));
  EXPECT_THAT(V2SwapMax(32 * kMiB, 64 * kMiB),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(V2SwapMax(64 * kMiB, std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(V2SwapMax(64 * kMiB, -1),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ResourceConversionTest, MergeResourcesOverridesOnlyWhatIsGiven) {
  spec::Resources base;
  base.memory.emplace().limit = 64 * kMiB;
  base.memory->swap = 128 * kMiB;
  base.cpu.emplace().shares = 512;
  base.cpu->cpus = "0-1";
  base.pids = spec::Pids{10};
  base.unified["memory.high"] = "1G";
  base.devices.push_back(spec::DeviceRule{});
  spec::Resources changes;
  changes.memory.emplace().limit = 32 * kMiB;
  changes.cpu.emplace().quota = 5000;
  changes.unified["pids.max"] = "5";
  spec::Resources merged = MergeResources(base, changes);
  EXPECT_EQ(merged.memory->limit, 32 * kMiB);
  EXPECT_EQ(merged.memory->swap, 128 * kMiB);
  EXPECT_EQ(merged.cpu->shares, 512u);
  EXPECT_EQ(merged.cpu->quota, 5000);
  EXPECT_EQ(merged.cpu->cpus, "0-1");
  EXPECT_EQ(merged.pids->limit, 10);
  EXPECT_EQ(merged.unified.size(), 2u);
  EXPECT_EQ(merged.devices.size(), 1u);
  // update writes only what runc's update changes.
  spec::Resources subset = UpdatableSubset(merged);
  EXPECT_TRUE(subset.devices.empty());
  EXPECT_EQ(subset.memory, merged.memory);
}

TEST(ResourceConversionTest, ContainerDeviceRulesAppendRuncDefaults) {
  spec::Linux linux;
  linux.resources.emplace().devices.push_back(spec::DeviceRule{
      false, spec::DeviceRuleType::kAll, std::nullopt, std::nullopt, "rwm"});
  linux.devices.push_back(spec::LinuxDevice{.type = spec::DeviceType::kBlock,
                                            .path = "/dev/sda",
                                            .major = 8,
                                            .minor = 0});
  std::vector<spec::DeviceRule> rules = ContainerDeviceRules(linux);
  ASSERT_GE(rules.size(), 3u);
  EXPECT_FALSE(rules.front().allow);  // The config's own deny-all first.
  EXPECT_THAT(rules, Contains(spec::DeviceRule{
                         true, spec::DeviceRuleType::kChar, 1, 3, "rwm"}));
  EXPECT_EQ(rules.back(), (spec::DeviceRule{true, spec::DeviceRuleType::kBlock,
                                            8, 0, "rwm"}));
}

// --- On cgroupfs: fake layouts and the real machine ----------------------

std::string LayoutName(fake::CgroupLayout layout) {
  switch (layout) {
    case fake::CgroupLayout::kUnified:
      return "FakeUnified";
    case fake::CgroupLayout::kHybrid:
      return "FakeHybrid";
    case fake::CgroupLayout::kLegacy:
      return "FakeLegacy";
  }
  return "Fake";
}

// A container process stand-in: blocks reading fd 3 until every write end
// is closed.
DUAL_HOST_CHILD(BlockOnPipe) {
  Fd in(3, nullptr);  // Borrowed.
  (void)ReadAll(host, in);
  return 0;
}

DUAL_HOST_CHILD(ExitZero) { return 0; }

// Waits for a byte on fd 3 (its cue to have been moved into a cgroup), then
// opens args[0] for reading. Exit 0: opened; 1: EPERM; 2: another error.
DUAL_HOST_CHILD(OpenOnCue) {
  Fd cue(3, nullptr);  // Borrowed.
  char c = 0;
  absl::StatusOr<size_t> n;
  do {
    n = host.Read(cue, absl::MakeSpan(&c, 1));
  } while (IsErrno(n, EINTR));
  if (args.empty()) return 2;
  absl::StatusOr<Fd> file = host.OpenAt(Fd::Cwd(), args[0], {});
  if (file.ok()) return 0;
  return IsErrno(file, EPERM) ? 1 : 2;
}

// Waits for a byte on fd 3, then forks once (a spawn of this test binary
// running ExitZero; args[0] is its path). Exit 0: the fork was refused
// EAGAIN; 1: it succeeded; 2: another error.
DUAL_HOST_CHILD(ForkOnceOnCue) {
  Fd cue(3, nullptr);  // Borrowed.
  char c = 0;
  absl::StatusOr<size_t> n;
  do {
    n = host.Read(cue, absl::MakeSpan(&c, 1));
  } while (IsErrno(n, EINTR));
  if (args.empty()) return 2;
  SpawnRequest request;
  request.path = args[0];
  request.argv = {args[0], "--dual-host-child", "ExitZero", "-"};
  request.env = host.Environment();
  absl::StatusOr<SpawnResult> child = host.Spawn(request);
  if (IsErrno(child, EAGAIN)) return 0;
  if (!child.ok()) return 2;
  absl::StatusOr<std::optional<WaitResult>> w;
  do {
    w = host.Wait(child->pid, WaitFlags::kNone);
  } while (IsErrno(w, EINTR));
  return 1;
}

std::optional<std::string> LinuxSkipReason(Host& host) {
  if (host.GetUid() != 0) return "needs root to make cgroups";
  absl::StatusOr<Hierarchies> h = DetectHierarchies(host);
  if (!h.ok())
    return absl::StrCat("no usable cgroups: ", h.status().ToString());
  if (h->v1.empty() && !h->v2.has_value()) return "no cgroup hierarchy";
  return std::nullopt;
}

absl::StatusOr<std::string> Read(Host& host,
                                 const std::optional<std::string>& path,
                                 absl::string_view file) {
  if (!path.has_value()) return absl::NotFoundError("no such hierarchy");
  return host.CgroupRead(*path, file);
}

// Test names end in /Linux, /FakeUnified, /FakeHybrid and /FakeLegacy.
class ResourcesTest : public ::testing::TestWithParam<std::string> {
 protected:
  bool IsFake() const { return GetParam() != "Linux"; }

  DualHost& env() {
    if (env_ != nullptr) return *env_;
    if (!IsFake()) {
      env_ = DualHost::Make("Linux");
    } else {
      DualHostOptions options;
      for (fake::CgroupLayout layout :
           {fake::CgroupLayout::kUnified, fake::CgroupLayout::kHybrid,
            fake::CgroupLayout::kLegacy}) {
        if (LayoutName(layout) == GetParam()) options.cgroup_layout = layout;
      }
      env_ = DualHost::Make("Fake", options);
    }
    return *env_;
  }

  // Runs `body` with the manager of a fresh, created cgroup
  // "/runbox-test-<hex>/c", removed afterwards whatever happened.
  void RunWithManager(std::function<void(Host&, CgroupManager&)> body) {
    env().Run([&](Host& host, const std::string& dir) {
      dir_ = dir;
      if (!IsFake()) {
        if (std::optional<std::string> reason = LinuxSkipReason(host)) {
          GTEST_SKIP() << *reason;
        }
      }
      const std::string top =
          absl::StrCat("/runbox-test-", absl::Hex(host.RandomUint64()));
      ASSERT_OK_AND_ASSIGN(CgroupManager manager,
                           CgroupManager::ForContainer(host, top + "/c"));
      ASSERT_OK_AND_ASSIGN(CgroupManager top_manager,
                           CgroupManager::ForContainer(host, top));
      absl::Cleanup cleanup = [&] {
        (void)manager.KillAll(Signal::kKill);
        EXPECT_OK(manager.Remove());
        EXPECT_OK(top_manager.Remove());
      };
      ASSERT_OK(manager.Create());
      body(host, manager);
    });
  }

  // Inside RunWithManager: a fresh directory the body may fill.
  const std::string& dir() const { return dir_; }

 private:
  std::unique_ptr<DualHost> env_;
  std::string dir_;
};

TEST_P(ResourcesTest, CreateTimeResourcesReadBack) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    spec::Resources r;
    spec::Memory& mem = r.memory.emplace();
    mem.limit = 32 * kMiB;
    mem.reservation = 16 * kMiB;
    mem.swap = 64 * kMiB;
    mem.kernel = 8 * kMiB;  // Ignored, with a note.
    spec::Cpu& cpu = r.cpu.emplace();
    cpu.shares = 512;
    cpu.quota = 50000;
    cpu.period = 100000;
    cpu.cpus = "0";
    cpu.mems = "0";
    r.pids = spec::Pids{10};
    r.hugepage_limits.push_back(spec::HugepageLimit{"2MB", 4 * kMiB});
    ASSERT_OK_AND_ASSIGN(ResourceNotes notes, ApplyResources(host, m, r));
    EXPECT_THAT(notes, Contains(HasSubstr("memory.kernel")));

    if (m.V1Path("memory").has_value()) {
      EXPECT_THAT(Read(host, m.V1Path("memory"), "memory.limit_in_bytes"),
                  IsOkAndHolds("33554432\n"));
      EXPECT_THAT(Read(host, m.V1Path("memory"), "memory.soft_limit_in_bytes"),
                  IsOkAndHolds("16777216\n"));
      absl::StatusOr<std::string> memsw =
          Read(host, m.V1Path("memory"), "memory.memsw.limit_in_bytes");
      if (!IsErrno(memsw, ENOENT)) {
        EXPECT_THAT(memsw, IsOkAndHolds("67108864\n"));
      }
      EXPECT_THAT(Read(host, m.V1Path("pids"), "pids.max"),
                  IsOkAndHolds("10\n"));
      EXPECT_THAT(Read(host, m.V1Path("cpu"), "cpu.shares"),
                  IsOkAndHolds("512\n"));
      EXPECT_THAT(Read(host, m.V1Path("cpu"), "cpu.cfs_quota_us"),
                  IsOkAndHolds("50000\n"));
      EXPECT_THAT(Read(host, m.V1Path("cpu"), "cpu.cfs_period_us"),
                  IsOkAndHolds("100000\n"));
      EXPECT_THAT(Read(host, m.V1Path("cpuset"), "cpuset.cpus"),
                  IsOkAndHolds("0\n"));
    } else {
      EXPECT_THAT(Read(host, m.V2Path(), "memory.max"),
                  IsOkAndHolds("33554432\n"));
      EXPECT_THAT(Read(host, m.V2Path(), "memory.low"),
                  IsOkAndHolds("16777216\n"));
      EXPECT_THAT(Read(host, m.V2Path(), "memory.swap.max"),
                  IsOkAndHolds("33554432\n"));  // 64M total - 32M memory.
      EXPECT_THAT(Read(host, m.V2Path(), "pids.max"), IsOkAndHolds("10\n"));
      EXPECT_THAT(Read(host, m.V2Path(), "cpu.weight"), IsOkAndHolds("20\n"));
      EXPECT_THAT(Read(host, m.V2Path(), "cpu.max"),
                  IsOkAndHolds("50000 100000\n"));
      EXPECT_THAT(Read(host, m.V2Path(), "cpuset.cpus"), IsOkAndHolds("0\n"));
    }
    // hugetlb lives wherever its controller is: v1 on legacy and the fake's
    // hybrid, cgroup2 on unified hosts and on this machine.
    if (m.V1Path("hugetlb").has_value()) {
      EXPECT_THAT(Read(host, m.V1Path("hugetlb"), "hugetlb.2MB.limit_in_bytes"),
                  IsOkAndHolds("4194304\n"));
    } else if (m.V2Path().has_value() && m.hierarchies().v2->Has("hugetlb")) {
      EXPECT_THAT(Read(host, m.V2Path(), "hugetlb.2MB.max"),
                  IsOkAndHolds("4194304\n"));
    }
  });
}

TEST_P(ResourcesTest, MemoryLimitsRiseAndFallInAnOrderTheKernelAccepts) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    auto apply = [&](int64_t limit, int64_t swap) {
      spec::Resources r;
      r.memory.emplace().limit = limit;
      r.memory->swap = swap;
      return ApplyResources(host, m, r).status();
    };
    ASSERT_OK(apply(64 * kMiB, 128 * kMiB));
    // Lower both: the memory limit must go first on v1.
    ASSERT_OK(apply(32 * kMiB, 32 * kMiB));
    // Raise both above the old swap limit: the swap limit goes first.
    ASSERT_OK(apply(256 * kMiB, 512 * kMiB));
    if (m.V1Path("memory").has_value()) {
      EXPECT_THAT(Read(host, m.V1Path("memory"), "memory.limit_in_bytes"),
                  IsOkAndHolds(absl::StrCat(256 * kMiB, "\n")));
      absl::StatusOr<std::string> memsw =
          Read(host, m.V1Path("memory"), "memory.memsw.limit_in_bytes");
      if (!IsErrno(memsw, ENOENT)) {
        EXPECT_THAT(memsw, IsOkAndHolds(absl::StrCat(512 * kMiB, "\n")));
      }
    } else {
      EXPECT_THAT(Read(host, m.V2Path(), "memory.max"),
                  IsOkAndHolds(absl::StrCat(256 * kMiB, "\n")));
      EXPECT_THAT(Read(host, m.V2Path(), "memory.swap.max"),
                  IsOkAndHolds(absl::StrCat(256 * kMiB, "\n")));
    }
    // Unlimited memory and swap.
    ASSERT_OK(apply(-1, -1));
    if (m.V2Path().has_value() && !m.V1Path("memory").has_value()) {
      EXPECT_THAT(Read(host, m.V2Path(), "memory.max"), IsOkAndHolds("max\n"));
    }
    // A swap limit below the memory limit is refused (v2 before writing;
    // v1 by the kernel).
    EXPECT_FALSE(apply(64 * kMiB, 32 * kMiB).ok());
  });
}

// A member of the cgroup opens `path` for reading: 0 opened, 1 EPERM.
int OpenInCgroup(DualHost& env, Host& host, CgroupManager& m,
                 const std::string& path) {
  absl::StatusOr<PipeFds> cue = host.Pipe();
  if (!cue.ok()) return -1;
  absl::StatusOr<SpawnResult> child =
      env.SpawnChild(host, {"OpenOnCue", {path}}, {FdMapping{&cue->read, 3}});
  if (!child.ok()) return -1;
  EXPECT_OK(m.AddProcess(child->pid));
  EXPECT_OK(host.Write(cue->write, absl::MakeConstSpan("!", 1)).status());
  absl::StatusOr<ExitStatus> status = Reap(host, child->pid);
  if (!status.ok() || status->kind != ExitStatus::Kind::kExited) return -1;
  return status->code;
}

// v1's devices controller where one is mounted (this hybrid machine, the
// fake's hybrid and legacy layouts); otherwise (pure v2) the eBPF filter,
// checked by what a member may open.
TEST_P(ResourcesTest, DeviceRulesOnV1FilterOnV2) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    spec::Linux linux;
    linux.resources.emplace().devices = {
        spec::DeviceRule{false, spec::DeviceRuleType::kAll, std::nullopt,
                         std::nullopt, "rwm"},
        spec::DeviceRule{true, spec::DeviceRuleType::kChar, 10, 229, "rw"}};
    spec::Resources r;
    r.devices = ContainerDeviceRules(linux);
    ASSERT_OK_AND_ASSIGN(ResourceNotes notes, ApplyResources(host, m, r));
    EXPECT_THAT(notes, Not(Contains(HasSubstr("devices are not enforced"))));
    if (m.V1Path("devices").has_value()) {
      ASSERT_OK_AND_ASSIGN(std::string list,
                           Read(host, m.V1Path("devices"), "devices.list"));
      EXPECT_THAT(list, HasSubstr("c 1:3 rwm"));
      EXPECT_THAT(list, HasSubstr("c 136:* rwm"));
      EXPECT_THAT(list, HasSubstr("c 10:229 rw"));
      EXPECT_THAT(list, Not(HasSubstr("a *:* rwm")));
      return;
    }
    ASSERT_TRUE(m.V2Path().has_value());
    // OpenInCgroup: 0 opened, 1 EPERM (the filter), 2 another error (an
    // allowed device without a driver: the fake models only null and zero,
    // and a host may lack fuse).
    struct Node {
      const char* name;
      DeviceNumber dev;
      bool denied;
    };
    for (const Node& node :
         {Node{"null", {1, 3}, false}, Node{"tun", {10, 200}, true},
          Node{"fuse", {10, 229}, false}}) {
      SCOPED_TRACE(node.name);
      const std::string path = absl::StrCat(dir(), "/", node.name);
      ASSERT_OK(
          host.MknodAt(Fd::Cwd(), path, FileType::kCharDevice, 0666, node.dev));
      const int verdict = OpenInCgroup(env(), host, m, path);
      EXPECT_NE(verdict, -1);
      EXPECT_EQ(verdict == 1, node.denied) << verdict;
    }
    // `runbox update` passes no device rules: the filter stays.
    ASSERT_OK(ApplyResources(host, m, UpdatableSubset(r)).status());
    EXPECT_EQ(OpenInCgroup(env(), host, m, absl::StrCat(dir(), "/tun")), 1);
    // A rule runc refuses is refused before anything is attached.
    r.devices.push_back(
        spec::DeviceRule{false, spec::DeviceRuleType::kChar, 136, 1, "r"});
    EXPECT_THAT(ApplyResources(host, m, r),
                StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(OpenInCgroup(env(), host, m, absl::StrCat(dir(), "/null")), 0);
    EXPECT_EQ(OpenInCgroup(env(), host, m, absl::StrCat(dir(), "/tun")), 1);
  });
}

// The generated filter itself, attached to the v2 directory wherever there
// is one (also on hybrid hosts, where ApplyResources leaves devices to v1
// and v1's root allows everything): on Linux this runs runc's default rule
// set through the kernel's verifier and devcgroup hook.
TEST_P(ResourcesTest, GeneratedFilterGovernsTheV2Members) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    if (!m.V2Path().has_value()) GTEST_SKIP() << "no cgroup v2";
    spec::Linux linux;
    linux.resources.emplace().devices = {spec::DeviceRule{
        false, spec::DeviceRuleType::kAll, std::nullopt, std::nullopt, "rwm"}};
    ASSERT_OK_AND_ASSIGN(DeviceFilter filter,
                         CompileDeviceFilter(ContainerDeviceRules(linux)));
    ASSERT_OK(host.CgroupAttachDeviceFilter(*m.V2Path(), filter.Bytes(),
                                            filter.license));
    const std::string null = absl::StrCat(dir(), "/null");
    const std::string tun = absl::StrCat(dir(), "/tun");
    ASSERT_OK(host.MknodAt(Fd::Cwd(), null, FileType::kCharDevice, 0666,
                           DeviceNumber{1, 3}));
    ASSERT_OK(host.MknodAt(Fd::Cwd(), tun, FileType::kCharDevice, 0666,
                           DeviceNumber{10, 200}));
    EXPECT_EQ(OpenInCgroup(env(), host, m, null), 0);
    EXPECT_EQ(OpenInCgroup(env(), host, m, tun), 1);
  });
}

TEST_P(ResourcesTest, UnifiedKeysAreWrittenVerbatimAndChecked) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    spec::Resources bad;
    bad.unified["../pids.max"] = "1";
    if (!m.V2Path().has_value()) {
      spec::Resources any;
      any.unified["pids.max"] = "7";
      EXPECT_THAT(ApplyResources(host, m, any),
                  StatusIs(absl::StatusCode::kInvalidArgument));
      return;
    }
    EXPECT_THAT(ApplyResources(host, m, bad),
                StatusIs(absl::StatusCode::kInvalidArgument));
    bad.unified = {{"a/b", "1"}};
    EXPECT_THAT(ApplyResources(host, m, bad),
                StatusIs(absl::StatusCode::kInvalidArgument));
    if (!m.hierarchies().v2->Has("pids")) {
      // This machine's and the fake's hybrid cgroup2 offers no pids.
      spec::Resources missing;
      missing.unified["pids.max"] = "7";
      EXPECT_THAT(ApplyResources(host, m, missing), HasErrno(ENOENT));
      return;
    }
    spec::Resources r;
    r.pids = spec::Pids{10};
    r.unified["pids.max"] = "7";  // Written last: overrides pids.limit.
    ASSERT_OK(ApplyResources(host, m, r).status());
    EXPECT_THAT(Read(host, m.V2Path(), "pids.max"), IsOkAndHolds("7\n"));
    // An invalid value is the kernel's EINVAL.
    r.unified["pids.max"] = "abc";
    EXPECT_THAT(ApplyResources(host, m, r), HasErrno(EINVAL));
  });
}

TEST_P(ResourcesTest, StatsAndOomCountOfAProcess) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    spec::Resources r;
    r.memory.emplace().limit = 64 * kMiB;
    r.pids = spec::Pids{20};
    ASSERT_OK(ApplyResources(host, m, r).status());
    ASSERT_OK_AND_ASSIGN(PipeFds pipe, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         env().SpawnChild(host, {"BlockOnPipe", {}},
                                          {FdMapping{&pipe.read, 3}}));
    ASSERT_OK(m.AddProcess(child.pid));
    ASSERT_OK_AND_ASSIGN(nlohmann::ordered_json stats, ReadStats(host, m));
    EXPECT_EQ(stats["pids"].value("current", uint64_t{0}), 1u) << stats.dump();
    EXPECT_EQ(stats["pids"].value("limit", uint64_t{0}), 20u) << stats.dump();
    EXPECT_EQ(stats["memory"]["usage"].value("limit", uint64_t{0}),
              uint64_t{64} * kMiB)
        << stats.dump();
    EXPECT_TRUE(stats.contains("cpu")) << stats.dump();
    EXPECT_THAT(OomKillCount(host, m), IsOkAndHolds(Optional(uint64_t{0})));
    pipe.write = Fd();
    absl::StatusOr<std::optional<WaitResult>> waited;
    do {
      waited = host.Wait(child.pid, WaitFlags::kNone);
    } while (IsErrno(waited, EINTR));
    EXPECT_OK(waited.status());
  });
}

// The pids controller refuses a fork beyond pids.max, on Linux and in the
// fake kernel alike.
TEST_P(ResourcesTest, PidsLimitRefusesAFork) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    if (!DirFor(m, "pids").has_value()) GTEST_SKIP() << "no pids controller";
    spec::Resources r;
    r.pids = spec::Pids{1};
    ASSERT_OK(ApplyResources(host, m, r).status());
    ASSERT_OK_AND_ASSIGN(PipeFds cue, host.Pipe());
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        env().SpawnChild(host, {"ForkOnceOnCue", {env().ChildPath()}},
                         {FdMapping{&cue.read, 3}}));
    ASSERT_OK(m.AddProcess(child.pid));  // The one process pids.max allows.
    ASSERT_OK(WriteAll(host, cue.write, "x"));
    absl::StatusOr<std::optional<WaitResult>> w;
    do {
      w = host.Wait(child.pid, WaitFlags::kNone);
    } while (IsErrno(w, EINTR));
    ASSERT_OK(w.status());
    ASSERT_TRUE(w->has_value());
    EXPECT_EQ((*w)->status, ExitStatus::Exited(0))
        << "0: refused EAGAIN, 1: forked, 2: another error";
  });
}

INSTANTIATE_TEST_SUITE_P(, ResourcesTest,
                         ::testing::Values("Linux", "FakeUnified", "FakeHybrid",
                                           "FakeLegacy"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           return i.param;
                         });

// --- A simulated OOM kill (fake kernel only) ----------------------------

TEST(OomOnFakeTest, KillIsCountedAndTheProcessDies) {
  for (fake::CgroupLayout layout :
       {fake::CgroupLayout::kUnified, fake::CgroupLayout::kHybrid}) {
    SCOPED_TRACE(LayoutName(layout));
    fake::FakeKernel kernel({.cgroup_layout = layout});
    std::string memory_path;
    std::atomic<int> phase{0};
    std::optional<uint64_t> before;
    std::optional<uint64_t> after;
    std::optional<ExitStatus> victim;
    Pid pid = kernel.StartFunction([&](Host& host) -> int {
      absl::StatusOr<CgroupManager> m =
          CgroupManager::ForContainer(host, "/runbox/oom");
      if (!m.ok() || !m->Create().ok()) return 1;
      spec::Resources r;
      r.memory.emplace().limit = 32 * kMiB;
      if (!ApplyResources(host, *m, r).ok()) return 2;
      absl::StatusOr<SpawnResult> child =
          host.Spawn({.path = "/bin/sleep", .argv = {"sleep", "1000"}});
      if (!child.ok()) return 3;
      if (!m->AddProcess(child->pid).ok()) return 4;
      memory_path = m->V1Path("memory").value_or(m->V2Path().value_or(""));
      absl::StatusOr<std::optional<uint64_t>> n = OomKillCount(host, *m);
      if (n.ok()) before = *n;
      phase = 1;
      absl::StatusOr<std::optional<WaitResult>> w;
      do {
        w = host.Wait(child->pid, WaitFlags::kNone);
      } while (IsErrno(w, EINTR));
      if (w.ok() && w->has_value()) victim = (*w)->status;
      n = OomKillCount(host, *m);
      if (n.ok()) after = *n;
      return m->Remove().ok() ? 0 : 5;
    });
    // A process that sleeps until killed (virtual time).
    kernel.RegisterProgram("sleeper",
                           [](Host& host, const std::vector<std::string>&) {
                             host.SleepFor(absl::Hours(1000));
                             return 0;
                           });
    ASSERT_OK(kernel.InstallProgram("/bin/sleep", "sleeper"));
    kernel.RunUntil([&] { return phase.load() == 1; });
    ASSERT_EQ(phase.load(), 1) << "the function did not get ready";
    ASSERT_OK(kernel.SimulateOomKill(memory_path));
    kernel.Run();
    EXPECT_EQ(kernel.ExitStatusOf(pid), ExitStatus::Exited(0));
    EXPECT_EQ(before, std::optional<uint64_t>(0));
    EXPECT_EQ(after, std::optional<uint64_t>(1));
    EXPECT_EQ(victim, ExitStatus::Signaled(Signal::kKill));
  }
}

}  // namespace
}  // namespace runbox::cgroups
