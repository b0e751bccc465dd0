// config-linux.md "Control groups" on both hosts, through the runbox
// command line: linux.resources.unified (v2 files written verbatim,
// controllers enabled, unknown controllers and impossible conversions are
// errors), memory (kernel limits accepted and not applied,
// checkBeforeUpdate), blockIO throttling, hugepageLimits, network
// priorities, a cgroup that is not fit for a new container, and "Cgroup
// Ownership" (delegation of the v2 cgroup to the container's root).
//
// The fake kernel is a cgroup v2 host; cases about cgroup v1 controllers
// (net_prio, a v2 mount without controllers, v1 ownership) run on a fake
// with the hybrid layout, and on Linux on whatever the machine has (they
// skip where the host's layout cannot answer them). cgroups paths, limits
// and the cgroups path of config_linux_test.cc are not repeated here.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "conformance/harness.h"
#include "conformance/probe/probe.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kMappedRoot = 100000;  // Host id of the container's 0.

class CgroupsTest : public ConformanceTest {
 protected:
  // The harness to run a body on: env(), or, for tests about cgroup v1 on
  // the fake, a fake kernel with v1 controllers beside a v2 mount (Linux is
  // whatever this machine is).
  DualHost& HybridEnv() {
    if (!IsFake()) return env();
    if (hybrid_ == nullptr) {
      hybrid_ = DualHost::Make("Fake",
                               {.cgroup_layout = fake::CgroupLayout::kHybrid});
      RegisterRunboxAndBusybox(*hybrid_);
      hybrid_->RegisterProgram(kProbeProgram, FakeProbe(), "");
    }
    return *hybrid_;
  }
  DualHost& current() { return hybrid_in_use_ ? HybridEnv() : env(); }
  void RunHybrid(DualHostBody body) {
    hybrid_in_use_ = true;
    HybridEnv().Run(std::move(body));
  }

  // `runbox --root DIR/state ARGS...`.
  Output Runbox(Host& host, const std::string& dir,
                const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", absl::StrCat(dir, "/state")};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(current(), host, full);
  }

  // A cgroups path of its own under the hierarchies' roots.
  static std::string FreshCgroupsPath(Host& host) {
    return absl::StrCat("/runbox-conformance-", host.RandomUint64(), "/cg");
  }

  // A bundle under `dir` for `config` (running `sleep`), its cgroupsPath
  // set to `cgroups_path`; the bundle's path.
  std::string Bundle(Host& host, const std::string& dir, nlohmann::json config,
                     const std::string& cgroups_path) {
    config["process"]["args"] = {"sleep", "100000"};
    config["linux"]["cgroupsPath"] = cgroups_path;
    const std::string bundle = absl::StrCat(dir, "/bundle", ++bundles_);
    EXPECT_OK(MakeBundle(current(), host, bundle, config));
    return bundle;
  }

  // `runbox create` of `config` in the cgroup `cgroups_path`; the id.
  std::string Create(Host& host, const std::string& dir,
                     const nlohmann::json& config,
                     const std::string& cgroups_path) {
    const std::string bundle = Bundle(host, dir, config, cgroups_path);
    const std::string id = absl::StrCat("c", bundles_);
    Output create = Runbox(host, dir, {"create", "--bundle", bundle, id});
    EXPECT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    return id;
  }

  void Delete(Host& host, const std::string& dir, const std::string& id) {
    Output del = Runbox(host, dir, {"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    ReapExited(host);
  }

  // The manager of the cgroup `cgroups_path` (for its directories).
  static cgroups::CgroupManager Manager(Host& host,
                                        const std::string& cgroups_path) {
    absl::StatusOr<cgroups::CgroupManager> m =
        cgroups::CgroupManager::ForContainer(host, cgroups_path);
    EXPECT_OK(m.status());
    return *std::move(m);
  }

  // Removes the per-test parent level the runtime leaves (best effort).
  static void RemoveParents(Host& host, const std::string& cgroups_path) {
    absl::StatusOr<cgroups::CgroupManager> m =
        cgroups::CgroupManager::ForContainer(host, cgroups_path);
    if (!m.ok()) return;
    for (const cgroups::CgroupDir& d : m->dirs()) {
      absl::string_view parent = d.path;
      parent = parent.substr(0, parent.rfind('/'));
      (void)host.CgroupRemove(parent);
    }
  }

  // `runbox create` of `config` must fail: exit status not 0, an error on
  // stderr containing `error_part`, no state for the id, and no cgroup
  // left at its cgroups path in any hierarchy.
  void ExpectCreateFails(Host& host, const std::string& dir,
                         const nlohmann::json& config,
                         absl::string_view error_part) {
    const std::string path = FreshCgroupsPath(host);
    const std::string bundle = Bundle(host, dir, config, path);
    const std::string id = absl::StrCat("bad", bundles_);
    Output create = Runbox(host, dir, {"create", "--bundle", bundle, id});
    EXPECT_NE(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr(std::string(error_part)))
        << create.Describe();
    Output state = Runbox(host, dir, {"state", id});
    EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
    const cgroups::CgroupManager manager = Manager(host, path);
    for (const cgroups::CgroupDir& d : manager.dirs()) {
      EXPECT_FALSE(host.CgroupRead(d.path, "cgroup.procs").ok())
          << "cgroup left behind: " << d.path;
    }
    (void)Runbox(host, dir, {"delete", "--force", id});
    ReapExited(host);
    RemoveParents(host, path);
  }

  // linux.resources[key] = value in a default config.
  static nlohmann::json WithResource(const std::string& key,
                                     nlohmann::json value) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"][key] = std::move(value);
    return config;
  }

  int bundles_ = 0;

 private:
  std::unique_ptr<DualHost> hybrid_;
  bool hybrid_in_use_ = false;
};

// The v2 hierarchy root offers `controller`.
bool V2Offers(const cgroups::CgroupManager& m, absl::string_view controller) {
  return m.hierarchies().v2.has_value() && m.hierarchies().v2->Has(controller);
}

// --- Unified ---------------------------------------------------------------

class ConfigLinuxUnified : public CgroupsTest {};

// Keys runbox has no field for are written as given; those of a controller
// (memory.high) work because runbox enabled the controller for the cgroup.
TEST_P(ConfigLinuxUnified, ValuesAreWrittenToTheNamedFiles) {
  Covers({"config-linux/unified/1", "config-linux/unified/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    cgroups::CgroupManager m = Manager(host, path);
    if (!m.V2Path().has_value()) GTEST_SKIP() << "no cgroup v2 mounted";
    nlohmann::json unified = {{"cgroup.max.descendants", "7"}};
    const bool memory = V2Offers(m, "memory");
    if (memory) unified["memory.high"] = "33554432";
    const std::string id =
        Create(host, dir, WithResource("unified", unified), path);
    EXPECT_EQ(host.CgroupRead(*m.V2Path(), "cgroup.max.descendants")
                  .value_or("<unreadable>"),
              "7\n");
    if (memory) {
      EXPECT_EQ(
          host.CgroupRead(*m.V2Path(), "memory.high").value_or("<unreadable>"),
          "33554432\n");
      std::string parent = *m.V2Path();
      parent.resize(parent.rfind('/'));
      EXPECT_THAT(host.CgroupRead(parent, "cgroup.subtree_control")
                      .value_or("<unreadable>"),
                  HasSubstr("memory"));
    }
    Delete(host, dir, id);
    RemoveParents(host, path);
  });
}

TEST_P(ConfigLinuxUnified, FileOfAnUnknownControllerIsAnError) {
  Covers({"config-linux/unified/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ExpectCreateFails(host, dir,
                      WithResource("unified", {{"nosuchctl.max", "1"}}),
                      "linux.resources.unified");
  });
}

// A v2 mount whose root offers no memory controller (a hybrid host's):
// memory.high names a controller that cannot be enabled.
TEST_P(ConfigLinuxUnified, FileOfAControllerTheHierarchyLacksIsAnError) {
  Covers({"config-linux/unified/3"});
  RunHybrid([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    cgroups::CgroupManager m = Manager(host, FreshCgroupsPath(host));
    if (!m.V2Path().has_value() || V2Offers(m, "memory")) {
      GTEST_SKIP() << "needs a cgroup v2 mount without the memory controller";
    }
    ExpectCreateFails(host, dir,
                      WithResource("unified", {{"memory.high", "33554432"}}),
                      "memory.high");
  });
}

// memory.swap (memory plus swap, v1's meaning) without memory.limit has no
// v2 memory.swap.max; on v1 the kernel refuses it too.
TEST_P(ConfigLinuxUnified, SwapWithoutMemoryLimitIsAnError) {
  Covers({"config-linux/unified/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ExpectCreateFails(host, dir, WithResource("memory", {{"swap", 64 << 20}}),
                      "memory");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxUnified);

// --- Memory ----------------------------------------------------------------

class ConfigLinuxMemory : public CgroupsTest {};

// kernel and kernelTCP are NOT RECOMMENDED: runbox accepts them (as runc)
// and sets neither (v1 kmem limits are deprecated; v2 has none).
TEST_P(ConfigLinuxMemory, KernelLimitsAreAcceptedAndNotApplied) {
  Covers({"config-linux/memory/1", "config-linux/memory/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    const std::string id =
        Create(host, dir,
               WithResource("memory", {{"limit", 64 << 20},
                                       {"kernel", 32 << 20},
                                       {"kernelTCP", 16 << 20}}),
               path);
    cgroups::CgroupManager m = Manager(host, path);
    if (std::optional<std::string> v1 = m.V1Path("memory")) {
      EXPECT_EQ(host.CgroupRead(*v1, "memory.limit_in_bytes")
                    .value_or("<unreadable>"),
                "67108864\n");
      for (const char* file :
           {"memory.kmem.limit_in_bytes", "memory.kmem.tcp.limit_in_bytes"}) {
        absl::StatusOr<std::string> value = host.CgroupRead(*v1, file);
        if (!value.ok()) continue;  // This kernel has no such limit.
        EXPECT_NE(*value, "33554432\n") << file;
        EXPECT_NE(*value, "16777216\n") << file;
      }
    } else {
      ASSERT_TRUE(m.V2Path().has_value());
      EXPECT_EQ(
          host.CgroupRead(*m.V2Path(), "memory.max").value_or("<unreadable>"),
          "67108864\n");
    }
    Delete(host, dir, id);
    RemoveParents(host, path);
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxMemory);

// Only the real kernel has a memory usage (the fake's memory.current is
// always 0): an update below it with checkBeforeUpdate is refused and the
// old limit stays.
class ConfigLinuxMemoryKernel : public CgroupsTest {};

TEST_P(ConfigLinuxMemoryKernel, CheckBeforeUpdateRefusesLimitBelowUsage) {
  Covers({"config-linux/memory/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    cgroups::CgroupManager m = Manager(host, path);
    std::optional<std::string> v1 = m.V1Path("memory");
    if (!v1.has_value() && !V2Offers(m, "memory")) {
      GTEST_SKIP() << "no memory controller";
    }
    const std::string id =
        Create(host, dir,
               WithResource("memory",
                            {{"limit", 64 << 20}, {"checkBeforeUpdate", true}}),
               path);
    const std::string update = absl::StrCat(dir, "/update.json");
    ASSERT_OK(WriteFile(
        host, update,
        nlohmann::json{
            {"memory", {{"limit", 4096}, {"checkBeforeUpdate", true}}}}
            .dump()));
    Output out = Runbox(host, dir, {"update", "--resources", update, id});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    const std::string limit =
        v1.has_value() ? host.CgroupRead(*v1, "memory.limit_in_bytes")
                             .value_or("<unreadable>")
                       : host.CgroupRead(*m.V2Path(), "memory.max")
                             .value_or("<unreadable>");
    EXPECT_EQ(limit, "67108864\n");
    Delete(host, dir, id);
    RemoveParents(host, path);
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxMemoryKernel);

// --- Block IO --------------------------------------------------------------

class ConfigLinuxBlockIo : public CgroupsTest {
 protected:
  // A block device the host has (the kernel checks it on Linux): the first
  // of /proc/partitions, else 8:0.
  static std::pair<int64_t, int64_t> SomeBlockDevice(Host& host) {
    absl::StatusOr<std::string> text = ReadFile(host, "/proc/partitions");
    if (text.ok()) {
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        std::vector<absl::string_view> f =
            absl::StrSplit(line, ' ', absl::SkipEmpty());
        int64_t major = 0, minor = 0;
        if (f.size() >= 2 && absl::SimpleAtoi(f[0], &major) &&
            absl::SimpleAtoi(f[1], &minor)) {
          return {major, minor};
        }
      }
    }
    return {8, 0};
  }

  static nlohmann::json Throttle(const char* field, nlohmann::json entry) {
    return WithResource("blockIO", {{field, nlohmann::json::array({entry})}});
  }
};

TEST_P(ConfigLinuxBlockIo, ThrottleRatesAreWrittenToTheCgroupFiles) {
  Covers({"config-linux/block-io/3", "config-linux/block-io/4",
          "config-linux/block-io/5", "config-linux/block-io/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    cgroups::CgroupManager m = Manager(host, path);
    std::optional<std::string> v1 = m.V1Path("blkio");
    if (!v1.has_value() && !V2Offers(m, "io")) {
      GTEST_SKIP() << "no blkio or io controller";
    }
    const auto [major, minor] = SomeBlockDevice(host);
    auto device = [&, major = major, minor = minor](uint64_t rate) {
      return nlohmann::json::array(
          {{{"major", major}, {"minor", minor}, {"rate", rate}}});
    };
    const std::string id = Create(
        host, dir,
        WithResource("blockIO", {{"throttleReadBpsDevice", device(1048576)},
                                 {"throttleWriteBpsDevice", device(2097152)},
                                 {"throttleReadIOPSDevice", device(100)},
                                 {"throttleWriteIOPSDevice", device(200)}}),
        path);
    const std::string dev = absl::StrCat(major, ":", minor);
    if (v1.has_value()) {
      const std::pair<const char*, const char*> expected[] = {
          {"blkio.throttle.read_bps_device", "1048576"},
          {"blkio.throttle.write_bps_device", "2097152"},
          {"blkio.throttle.read_iops_device", "100"},
          {"blkio.throttle.write_iops_device", "200"}};
      for (const auto& [file, rate] : expected) {
        EXPECT_EQ(host.CgroupRead(*v1, file).value_or("<unreadable>"),
                  absl::StrCat(dev, " ", rate, "\n"))
            << file;
      }
    } else {
      std::string io_max =
          host.CgroupRead(*m.V2Path(), "io.max").value_or("<unreadable>");
      EXPECT_THAT(io_max, HasSubstr(dev));
      for (const char* kv :
           {"rbps=1048576", "wbps=2097152", "riops=100", "wiops=200"}) {
        EXPECT_THAT(io_max, HasSubstr(kv));
      }
    }
    Delete(host, dir, id);
    RemoveParents(host, path);
  });
}

TEST_P(ConfigLinuxBlockIo, BpsDeviceWithoutMinorIsAnError) {
  Covers({"config-linux/block-io/3"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(
        host, dir,
        Throttle("throttleReadBpsDevice", {{"major", 8}, {"rate", 1024}}),
        "linux.resources.blockIO.throttleReadBpsDevice[0]: missing required "
        "field \"minor\"");
  });
}

TEST_P(ConfigLinuxBlockIo, BpsDeviceWithoutRateIsAnError) {
  Covers({"config-linux/block-io/4"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(
        host, dir,
        Throttle("throttleWriteBpsDevice", {{"major", 8}, {"minor", 0}}),
        "linux.resources.blockIO.throttleWriteBpsDevice[0]: missing required "
        "field \"rate\"");
  });
}

TEST_P(ConfigLinuxBlockIo, IopsDeviceWithoutMajorIsAnError) {
  Covers({"config-linux/block-io/5"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(
        host, dir,
        Throttle("throttleWriteIOPSDevice", {{"minor", 0}, {"rate", 10}}),
        "linux.resources.blockIO.throttleWriteIOPSDevice[0]: missing "
        "required field \"major\"");
  });
}

TEST_P(ConfigLinuxBlockIo, IopsDeviceWithoutRateIsAnError) {
  Covers({"config-linux/block-io/6"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(
        host, dir,
        Throttle("throttleReadIOPSDevice", {{"major", 8}, {"minor", 0}}),
        "linux.resources.blockIO.throttleReadIOPSDevice[0]: missing required "
        "field \"rate\"");
  });
}

TEST_P(ConfigLinuxBlockIo, NegativeRateIsAnError) {
  Covers({"config-linux/block-io/4"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir,
                      Throttle("throttleReadBpsDevice",
                               {{"major", 8}, {"minor", 0}, {"rate", -1}}),
                      "linux.resources.blockIO.throttleReadBpsDevice[0].rate");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxBlockIo);

// --- Huge page limits ------------------------------------------------------

class ConfigLinuxHugePageLimits : public CgroupsTest {
 protected:
  static nlohmann::json Limits(nlohmann::json entry) {
    return WithResource("hugepageLimits", nlohmann::json::array({entry}));
  }
};

TEST_P(ConfigLinuxHugePageLimits, LimitIsWrittenToTheHugetlbFile) {
  Covers(
      {"config-linux/huge-page-limits/1", "config-linux/huge-page-limits/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    cgroups::CgroupManager m = Manager(host, path);
    std::optional<std::string> v1 = m.V1Path("hugetlb");
    if (!v1.has_value() && !V2Offers(m, "hugetlb")) {
      GTEST_SKIP() << "no hugetlb controller";
    }
    const std::string id = Create(
        host, dir, Limits({{"pageSize", "2MB"}, {"limit", 8 << 20}}), path);
    absl::StatusOr<std::string> limit =
        v1.has_value() ? host.CgroupRead(*v1, "hugetlb.2MB.limit_in_bytes")
                       : host.CgroupRead(*m.V2Path(), "hugetlb.2MB.max");
    if (IsErrno(limit, ENOENT)) {
      Delete(host, dir, id);
      RemoveParents(host, path);
      GTEST_SKIP() << "no 2MB huge pages";
    }
    EXPECT_EQ(limit.value_or("<unreadable>"), "8388608\n");
    Delete(host, dir, id);
    RemoveParents(host, path);
  });
}

// The page size names the hugetlb.<size> file; one the host lacks (the
// hugetlb files of x86-64 are 2MB and 1GB) is an error.
TEST_P(ConfigLinuxHugePageLimits, PageSizeWithoutHugetlbFileIsAnError) {
  Covers({"config-linux/huge-page-limits/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    cgroups::CgroupManager m = Manager(host, FreshCgroupsPath(host));
    if (!m.V1Path("hugetlb").has_value() && !V2Offers(m, "hugetlb")) {
      GTEST_SKIP() << "no hugetlb controller";
    }
    ExpectCreateFails(host, dir,
                      Limits({{"pageSize", "3MB"}, {"limit", 8 << 20}}),
                      "hugetlb.3MB");
  });
}

TEST_P(ConfigLinuxHugePageLimits, MalformedPageSizeIsAnError) {
  Covers({"config-linux/huge-page-limits/1"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir,
                      Limits({{"pageSize", "2MiB"}, {"limit", 8 << 20}}),
                      "linux.resources.hugepageLimits[0].pageSize");
  });
}

TEST_P(ConfigLinuxHugePageLimits, MissingPageSizeIsAnError) {
  Covers({"config-linux/huge-page-limits/1"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir, Limits({{"limit", 8 << 20}}),
                      "linux.resources.hugepageLimits[0]: missing required "
                      "field \"pageSize\"");
  });
}

TEST_P(ConfigLinuxHugePageLimits, MissingLimitIsAnError) {
  Covers({"config-linux/huge-page-limits/2"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir, Limits({{"pageSize", "2MB"}}),
                      "linux.resources.hugepageLimits[0]: missing required "
                      "field \"limit\"");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxHugePageLimits);

// --- Network ---------------------------------------------------------------

class ConfigLinuxNetwork : public CgroupsTest {
 protected:
  static nlohmann::json Priorities(nlohmann::json entry) {
    return WithResource("network",
                        {{"priorities", nlohmann::json::array({entry})}});
  }
};

// net_cls and net_prio are v1 controllers: the fake with the hybrid
// layout; Linux where they are mounted.
TEST_P(ConfigLinuxNetwork, ClassIdAndPrioritiesAreWrittenToTheV1Files) {
  Covers({"config-linux/network/1", "config-linux/network/2"});
  RunHybrid([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    cgroups::CgroupManager m = Manager(host, path);
    std::optional<std::string> prio = m.V1Path("net_prio");
    std::optional<std::string> cls = m.V1Path("net_cls");
    if (!prio.has_value() || !cls.has_value()) {
      GTEST_SKIP() << "no net_cls and net_prio controllers";
    }
    nlohmann::json config = Priorities({{"name", "lo"}, {"priority", 5}});
    config["linux"]["resources"]["network"]["classID"] = 1048577;
    const std::string id = Create(host, dir, config, path);
    EXPECT_THAT(
        host.CgroupRead(*prio, "net_prio.ifpriomap").value_or("<unreadable>"),
        HasSubstr("lo 5\n"));
    EXPECT_EQ(host.CgroupRead(*cls, "net_cls.classid").value_or("<unreadable>"),
              "1048577\n");
    Delete(host, dir, id);
    RemoveParents(host, path);
  });
}

TEST_P(ConfigLinuxNetwork, PriorityWithoutNameIsAnError) {
  Covers({"config-linux/network/1"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir, Priorities({{"priority", 5}}),
                      "linux.resources.network.priorities[0]: missing "
                      "required field \"name\"");
  });
}

TEST_P(ConfigLinuxNetwork, PriorityWithoutPriorityIsAnError) {
  Covers({"config-linux/network/2"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir, Priorities({{"name", "lo"}}),
                      "linux.resources.network.priorities[0]: missing "
                      "required field \"priority\"");
  });
}

TEST_P(ConfigLinuxNetwork, NegativePriorityIsAnError) {
  Covers({"config-linux/network/2"});
  env().Run([&](Host& host, const std::string& dir) {
    ExpectCreateFails(host, dir, Priorities({{"name", "lo"}, {"priority", -1}}),
                      "linux.resources.network.priorities[0].priority");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxNetwork);

// --- Control groups: fitness of the cgroup ---------------------------------

class ConfigLinuxControlGroups : public CgroupsTest {};

// runbox checks that a new container's cgroup holds no process: a second
// container in the first one's cgroup is an error, and the first one is
// left as it was.
TEST_P(ConfigLinuxControlGroups, CgroupWithProcessesIsAnError) {
  Covers({"config-linux/control-groups/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path = FreshCgroupsPath(host);
    const std::string first = Create(host, dir, DefaultConfig({}), path);
    absl::StatusOr<std::vector<Pid>> before = Manager(host, path).Processes();
    ASSERT_OK(before.status());
    ASSERT_EQ(before->size(), 1u);

    const std::string bundle = Bundle(host, dir, DefaultConfig({}), path);
    Output second = Runbox(host, dir, {"create", "--bundle", bundle, "second"});
    EXPECT_NE(second.status, ExitStatus::Exited(0)) << second.Describe();
    EXPECT_THAT(second.err, HasSubstr("is not empty")) << second.Describe();
    Output state = Runbox(host, dir, {"state", "second"});
    EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
    EXPECT_EQ(Manager(host, path).Processes().value_or(std::vector<Pid>{}),
              *before)
        << "the first container's cgroup changed";
    Output first_state = Runbox(host, dir, {"state", first});
    EXPECT_THAT(first_state.out, HasSubstr("\"created\""))
        << first_state.Describe();
    Delete(host, dir, first);
    RemoveParents(host, path);
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxControlGroups);

// --- Cgroup ownership ------------------------------------------------------

class ConfigLinuxCgroupOwnership : public CgroupsTest {
 protected:
  // A container with its own user namespace (0 -> kMappedRoot), a cgroup
  // namespace when `cgroupns`, and the cgroup fs mount with `mount_options`
  // (no mount when nullopt).
  static nlohmann::json OwnershipConfig(
      bool cgroupns, std::optional<std::vector<std::string>> mount_options) {
    nlohmann::json config = DefaultConfig({});
    nlohmann::json namespaces = nlohmann::json::array();
    for (const nlohmann::json& ns : config["linux"]["namespaces"]) {
      if (ns.value("type", "") != "cgroup") namespaces.push_back(ns);
    }
    namespaces.push_back({{"type", "user"}});
    if (cgroupns) namespaces.push_back({{"type", "cgroup"}});
    config["linux"]["namespaces"] = namespaces;
    const nlohmann::json mapping = {
        {{"containerID", 0}, {"hostID", kMappedRoot}, {"size", 65536}}};
    config["linux"]["uidMappings"] = mapping;
    config["linux"]["gidMappings"] = mapping;
    nlohmann::json mounts = nlohmann::json::array();
    for (const nlohmann::json& m : config["mounts"]) {
      if (m.value("destination", "") != "/sys/fs/cgroup") mounts.push_back(m);
    }
    if (mount_options.has_value()) {
      mounts.push_back({{"destination", "/sys/fs/cgroup"},
                        {"type", "cgroup"},
                        {"source", "cgroup"},
                        {"options", *mount_options}});
    }
    config["mounts"] = mounts;
    return config;
  }

  // Runs `check` on a created container of `config` in a fresh cgroup;
  // the bundle lives under a world-searchable directory (the mapped root
  // must reach it). When `known_gap` is given and create fails with it on
  // stderr, the test is skipped with `known_gap` as the reason.
  void WithContainer(Host& host, const nlohmann::json& config,
                     const std::function<void(const std::string& path)>& check,
                     absl::string_view known_gap = "") {
    ASSERT_OK(host.SetChildSubreaper());
    const std::string base =
        absl::StrCat("/tmp/runbox-conformance-cgown-", host.RandomUint64());
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), base, 0755));
    const std::string path = FreshCgroupsPath(host);
    const std::string bundle = Bundle(host, base, config, path);
    const std::string id = absl::StrCat("c", bundles_);
    Output create = Runbox(host, base, {"create", "--bundle", bundle, id});
    if (create.status == ExitStatus::Exited(0)) {
      check(path);
      Delete(host, base, id);
    } else {
      (void)Runbox(host, base, {"delete", "--force", id});
      ReapExited(host);
    }
    RemoveParents(host, path);
    RemoveTree(host, Fd::Cwd(), base);
    if (create.status != ExitStatus::Exited(0)) {
      if (!known_gap.empty() &&
          absl::StrContains(create.err, std::string(known_gap))) {
        GTEST_SKIP() << "runbox cannot run this container here: " << create.err;
      }
      ADD_FAILURE() << create.Describe();
    }
  }

  // Every directory of the container's cgroup and its files `files` are
  // owned by root (ownership unchanged).
  static void ExpectUnchanged(Host& host, const std::string& path,
                              const std::vector<std::string>& files) {
    const cgroups::CgroupManager manager = Manager(host, path);
    for (const cgroups::CgroupDir& d : manager.dirs()) {
      ASSERT_OK_AND_ASSIGN(CgroupOwner dir_owner,
                           host.CgroupGetOwner(d.path, ""));
      EXPECT_EQ(dir_owner, CgroupOwner{}) << d.path;
      for (const std::string& file : files) {
        absl::StatusOr<CgroupOwner> owner = host.CgroupGetOwner(d.path, file);
        if (IsErrno(owner, ENOENT)) continue;  // v1 dirs lack some.
        ASSERT_OK(owner.status());
        EXPECT_EQ(*owner, CgroupOwner{}) << d.path << "/" << file;
      }
    }
  }

  // The delegate list the kernel gives, or nullopt without one.
  static std::optional<std::vector<std::string>> DelegateList(Host& host) {
    absl::StatusOr<std::string> text =
        ReadFile(host, "/sys/kernel/cgroup/delegate");
    if (!text.ok()) return std::nullopt;
    std::vector<std::string> files;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty()) files.emplace_back(line);
    }
    return files;
  }

  static const std::vector<std::string>& SomeFiles() {
    static const auto* files =
        new std::vector<std::string>{"cgroup.procs",
                                     "cgroup.subtree_control",
                                     "cgroup.threads",
                                     "cgroup.controllers",
                                     "cgroup.type",
                                     "cgroup.events",
                                     "cgroup.max.descendants",
                                     "memory.max",
                                     "pids.max",
                                     "memory.oom.group",
                                     "tasks"};
    return *files;
  }

  // The host's cgroup layout is v2 only.
  static bool UnifiedOnly(Host& host) {
    return Manager(host, "/x").mode() == cgroups::CgroupMode::kUnified;
  }
};

// v2, own user and cgroup namespaces, read/write cgroup mount: the
// directory and the delegate files (the spec's fallback list when
// /sys/kernel/cgroup/delegate is missing, as on the fake) belong to the
// container's root; no other file changes owner.
TEST_P(ConfigLinuxCgroupOwnership, DelegatedToTheContainerRoot) {
  Covers({"config-linux/cgroup-ownership/3", "config-linux/cgroup-ownership/5",
          "config-linux/cgroup-ownership/7", "config-linux/cgroup-ownership/8",
          "config-linux/cgroup-ownership/9"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (!UnifiedOnly(host)) GTEST_SKIP() << "cgroup v1 is in use here";
    const std::vector<std::string> delegated =
        DelegateList(host).value_or(std::vector<std::string>{
            "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"});
    const CgroupOwner root{.uid = kMappedRoot, .gid = kMappedRoot};
    WithContainer(
        host, OwnershipConfig(true, std::vector<std::string>{"nosuid"}),
        [&](const std::string& path) {
          const std::string v2 = *Manager(host, path).V2Path();
          EXPECT_EQ(host.CgroupGetOwner(v2, "").value_or(CgroupOwner{}), root);
          for (const std::string& file : SomeFiles()) {
            absl::StatusOr<CgroupOwner> owner = host.CgroupGetOwner(v2, file);
            if (IsErrno(owner, ENOENT)) continue;
            ASSERT_OK(owner.status());
            const bool listed = absl::c_linear_search(delegated, file);
            EXPECT_EQ(*owner, listed ? root : CgroupOwner{}) << file;
          }
        });
  });
}

// The kernel's list is followed: a listed file the cgroup lacks is
// skipped, a listed one it has is chowned, an unlisted one is not. Needs a
// writable /sys/kernel/cgroup/delegate (the fake's).
TEST_P(ConfigLinuxCgroupOwnership, DelegateListIsFollowed) {
  Covers({"config-linux/cgroup-ownership/5", "config-linux/cgroup-ownership/6",
          "config-linux/cgroup-ownership/7",
          "config-linux/cgroup-ownership/9"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (!UnifiedOnly(host)) GTEST_SKIP() << "cgroup v1 is in use here";
    if (DelegateList(host).has_value()) {
      GTEST_SKIP() << "the kernel's own delegate list cannot be replaced";
    }
    (void)host.MkdirAt(Fd::Cwd(), "/sys/kernel", 0755);
    (void)host.MkdirAt(Fd::Cwd(), "/sys/kernel/cgroup", 0755);
    absl::Status written =
        WriteFile(host, "/sys/kernel/cgroup/delegate",
                  "cgroup.procs\nno.such.file\nmemory.high\n");
    if (!written.ok())
      GTEST_SKIP() << "cannot write a delegate list: " << written;
    const CgroupOwner root{.uid = kMappedRoot, .gid = kMappedRoot};
    WithContainer(
        host, OwnershipConfig(true, std::vector<std::string>{}),
        [&](const std::string& path) {
          const std::string v2 = *Manager(host, path).V2Path();
          EXPECT_EQ(host.CgroupGetOwner(v2, "").value_or(CgroupOwner{}), root);
          EXPECT_EQ(
              host.CgroupGetOwner(v2, "cgroup.procs").value_or(CgroupOwner{}),
              root);
          EXPECT_EQ(
              host.CgroupGetOwner(v2, "memory.high").value_or(CgroupOwner{}),
              root);
          for (const char* file :
               {"cgroup.threads", "cgroup.subtree_control", "memory.max"}) {
            EXPECT_EQ(host.CgroupGetOwner(v2, file).value_or(root),
                      CgroupOwner{})
                << file;
          }
        });
  });
}

TEST_P(ConfigLinuxCgroupOwnership, WithoutCgroupNamespaceOwnerIsUnchanged) {
  Covers(
      {"config-linux/cgroup-ownership/2", "config-linux/cgroup-ownership/9"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    WithContainer(host, OwnershipConfig(false, std::nullopt),
                  [&](const std::string& path) {
                    ExpectUnchanged(host, path, SomeFiles());
                  });
  });
}

TEST_P(ConfigLinuxCgroupOwnership, ReadOnlyCgroupMountOwnerIsUnchanged) {
  Covers(
      {"config-linux/cgroup-ownership/3", "config-linux/cgroup-ownership/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (!UnifiedOnly(host)) {
      GTEST_SKIP() << "cgroup v1 mounts in a cgroup namespace: see "
                      "ConfigLinuxNamespaces.CgroupNamespaceWithoutPathIsNew";
    }
    WithContainer(host, OwnershipConfig(true, std::vector<std::string>{"ro"}),
                  [&](const std::string& path) {
                    ExpectUnchanged(host, path, SomeFiles());
                  });
  });
}

TEST_P(ConfigLinuxCgroupOwnership, WithoutCgroupMountOwnerIsUnchanged) {
  Covers(
      {"config-linux/cgroup-ownership/4", "config-linux/cgroup-ownership/9"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    WithContainer(host, OwnershipConfig(true, std::nullopt),
                  [&](const std::string& path) {
                    ExpectUnchanged(host, path, SomeFiles());
                  });
  });
}

// cgroup v1 in use (a hybrid host: v1 controllers beside a v2 mount): the
// conditions that delegate on v2 change no owner.
TEST_P(ConfigLinuxCgroupOwnership, CgroupV1OwnerIsUnchanged) {
  Covers(
      {"config-linux/cgroup-ownership/1", "config-linux/cgroup-ownership/9"});
  RunHybrid([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (UnifiedOnly(host)) GTEST_SKIP() << "cgroup v2 only here";
    // A known gap on Linux: init enters its cgroup namespace before its
    // cgroup, so v1 hierarchies cannot be mounted in it (see
    // ConfigLinuxNamespaces.CgroupNamespaceWithoutPathIsNew).
    WithContainer(
        host, OwnershipConfig(true, std::vector<std::string>{"nosuid"}),
        [&](const std::string& path) {
          ExpectUnchanged(host, path, SomeFiles());
        },
        "mount \"cgroup\" on \"/sys/fs/cgroup\"");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxCgroupOwnership);

}  // namespace
}  // namespace runbox::conformance
