// CgroupManager on the fake kernel's cgroup model in its three layouts
// (unified, hybrid, legacy) and on this machine's real cgroupfs (Linux,
// root only): create, place a blocked child, list, freeze and thaw, kill,
// remove, and the failure paths (rollback, leftovers, refused paths).
// Every test removes what it made, also when an assertion fails.
#include "runtime/sandbox/cgroups/manager.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fakes/cgroups/cgroup_layout.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"
#include "runtime/sandbox/cgroups/hierarchy.h"
#include "runtime/testing/dual_host.h"

namespace runbox::cgroups {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

MATCHER_P(IsOkAndHolds, inner, "is OK with a matching value") {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}

// A container process stand-in: blocks reading fd 3 until every write end
// is closed (so it also ends when the test does).
DUAL_HOST_CHILD(BlockOnPipe) {
  Fd in(3, nullptr);  // Borrowed.
  (void)ReadAll(host, in);
  return 0;
}

// Fake only (the counter is shared because fake processes are fibers of
// this test process): counts virtual seconds while it is scheduled.
std::atomic<int> g_ticks{0};
DUAL_HOST_CHILD(Tick) {
  while (true) {
    g_ticks.fetch_add(1);
    host.SleepFor(absl::Seconds(1));
  }
}

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

// "/runbox-test-<hex>": a cgroup name no other run uses.
std::string UniqueCgroup(Host& host) {
  return absl::StrCat("/runbox-test-", absl::Hex(host.RandomUint64()));
}

// Why the real cgroupfs cannot be used here, if it cannot.
std::optional<std::string> LinuxSkipReason(Host& host) {
  if (host.GetUid() != 0) return "needs root to make cgroups";
  absl::StatusOr<Hierarchies> h = DetectHierarchies(host);
  if (!h.ok()) {
    return absl::StrCat("no usable cgroups: ", h.status().ToString());
  }
  std::string mount = h->v2.has_value() ? h->v2->mount : h->v1.front().mount;
  std::string probe = JoinCgroupPath(mount, UniqueCgroup(host));
  absl::Status made = host.CgroupCreate(probe);
  if (!made.ok()) {
    return absl::StrCat(
        "cgroupfs is not writable here (needs the "
        "no-sandbox tag): ",
        made.ToString());
  }
  (void)host.CgroupRemove(probe);
  return std::nullopt;
}

// Expects every path gone (cgroup.procs missing).
void ExpectGone(Host& host, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    EXPECT_THAT(host.CgroupRead(path, "cgroup.procs"), HasErrno(ENOENT))
        << path;
  }
}

// Test names end in /Linux, /FakeUnified, /FakeHybrid and /FakeLegacy.
class CgroupManagerTest : public ::testing::TestWithParam<std::string> {
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

  // Runs `body` with a manager for a fresh cgroup; skips on a Linux host
  // whose cgroupfs this process cannot write. The manager's cgroups are
  // killed and removed afterwards whatever happened.
  void RunWithManager(std::function<void(Host&, CgroupManager&)> body,
                      absl::string_view suffix = "",
                      CgroupManagerOptions options = {}) {
    env().Run([&](Host& host, const std::string&) {
      if (!IsFake()) {
        if (std::optional<std::string> reason = LinuxSkipReason(host)) {
          GTEST_SKIP() << *reason;
        }
      }
      std::string top = UniqueCgroup(host);
      ASSERT_OK_AND_ASSIGN(CgroupManager manager,
                           CgroupManager::ForContainer(
                               host, absl::StrCat(top, suffix), options));
      ASSERT_OK_AND_ASSIGN(CgroupManager top_manager,
                           CgroupManager::ForContainer(host, top));
      absl::Cleanup cleanup = [&] {
        (void)manager.KillAll(Signal::kKill);
        EXPECT_OK(manager.Remove());
        EXPECT_OK(top_manager.Remove());  // The parent, if `suffix` nests.
        ExpectGone(host, top_manager.Paths());
      };
      body(host, manager);
    });
  }

  // Spawns BlockOnPipe; `release` is the pipe's write end (closing it
  // lets the child exit).
  struct Blocked {
    Pid pid;
    Fd release;
  };
  absl::StatusOr<Blocked> SpawnBlocked(Host& host) {
    ASSIGN_OR_RETURN(PipeFds pipe, host.Pipe());
    ASSIGN_OR_RETURN(SpawnResult child,
                     env().SpawnChild(host, {"BlockOnPipe", {}},
                                      {FdMapping{&pipe.read, 3}}));
    return Blocked{child.pid, std::move(pipe.write)};
  }

 private:
  std::unique_ptr<DualHost> env_;
};

// What the freezer says, read straight from cgroupfs.
void ExpectFreezerFile(Host& host, CgroupManager& manager, bool frozen) {
  if (manager.freezer_version() == CgroupVersion::kV1) {
    EXPECT_THAT(host.CgroupRead(*manager.V1Path("freezer"), "freezer.state"),
                IsOkAndHolds(frozen ? "FROZEN\n" : "THAWED\n"));
  } else {
    absl::StatusOr<std::string> events =
        host.CgroupRead(*manager.V2Path(), "cgroup.events");
    ASSERT_OK(events.status());
    EXPECT_THAT(*events, HasSubstr(frozen ? "frozen 1" : "frozen 0"));
  }
}

TEST_P(CgroupManagerTest, PathsCoverEveryControllerHierarchy) {
  env().Run([&](Host& host, const std::string&) {
    ASSERT_OK_AND_ASSIGN(CgroupManager m,
                         CgroupManager::ForContainer(host, "/runbox/web"));
    EXPECT_EQ(m.cgroup_path(), "/runbox/web");
    std::vector<std::string> paths = m.Paths();
    ASSERT_EQ(paths.size(), m.dirs().size());
    for (const std::string& p : paths) {
      EXPECT_TRUE(absl::EndsWith(p, "/runbox/web")) << p;
      EXPECT_FALSE(absl::StrContains(p, "systemd")) << p;
    }
    if (!IsFake()) {
      // This project's machine is hybrid; any host must give a sane set.
      EXPECT_EQ(m.V2Path().has_value(), m.mode() != CgroupMode::kLegacy);
      return;
    }
    const std::string g = "/sys/fs/cgroup";
    std::vector<std::string> v1;
    for (const char* name :
         {"cpu,cpuacct", "blkio", "cpuset", "devices", "freezer", "hugetlb",
          "memory", "net_cls,net_prio", "perf_event", "pids", "rdma", "misc"}) {
      v1.push_back(absl::StrCat(g, "/", name, "/runbox/web"));
    }
    if (GetParam() == "FakeUnified") {
      EXPECT_EQ(m.mode(), CgroupMode::kUnified);
      EXPECT_THAT(paths, ElementsAre(g + "/runbox/web"));
      EXPECT_EQ(m.freezer_version(), CgroupVersion::kV2);
      EXPECT_EQ(m.V1Path("memory"), std::nullopt);
    } else if (GetParam() == "FakeHybrid") {
      EXPECT_EQ(m.mode(), CgroupMode::kHybrid);
      v1.push_back(g + "/unified/runbox/web");
      EXPECT_THAT(paths, ElementsAreArray(v1));
      EXPECT_EQ(m.freezer_version(), CgroupVersion::kV1);
      EXPECT_EQ(m.V2Path(), g + "/unified/runbox/web");
    } else {
      EXPECT_EQ(m.mode(), CgroupMode::kLegacy);
      EXPECT_THAT(paths, ElementsAreArray(v1));
      EXPECT_EQ(m.V2Path(), std::nullopt);
    }
    if (m.mode() != CgroupMode::kUnified) {
      EXPECT_EQ(m.V1Path("cpuacct"), g + "/cpu,cpuacct/runbox/web");
      EXPECT_EQ(m.V1Path("net_prio"), g + "/net_cls,net_prio/runbox/web");
      EXPECT_EQ(m.V1Path("name=systemd"), std::nullopt);
    }
  });
}

TEST_P(CgroupManagerTest, ForContainerRefusesBadPathsAndFreezers) {
  env().Run([&](Host& host, const std::string&) {
    for (const char* path : {"/", "", "/a/../b"}) {
      EXPECT_THAT(CgroupManager::ForContainer(host, path),
                  StatusIs(absl::StatusCode::kInvalidArgument))
          << path;
    }
    ASSERT_OK_AND_ASSIGN(Hierarchies h, DetectHierarchies(host));
    if (!h.V1For("freezer")) {
      EXPECT_THAT(CgroupManager::ForContainer(host, "/x",
                                              {.freezer = FreezerChoice::kV1}),
                  StatusIs(absl::StatusCode::kFailedPrecondition));
    }
    if (!h.v2.has_value()) {
      EXPECT_THAT(CgroupManager::ForContainer(host, "/x",
                                              {.freezer = FreezerChoice::kV2}),
                  StatusIs(absl::StatusCode::kFailedPrecondition));
    }
    // Nothing was made: computing paths only reads the mount list.
    ASSERT_OK_AND_ASSIGN(CgroupManager m,
                         CgroupManager::ForContainer(host, "/never-made"));
    ExpectGone(host, m.Paths());
  });
}

// The lifecycle's path: create, place, list, pause, resume, kill, remove.
TEST_P(CgroupManagerTest, CreateAddFreezeThawKillRemove) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK(m.Create());  // Again: every level exists, fine.
    ASSERT_OK_AND_ASSIGN(Blocked child, SpawnBlocked(host));
    ASSERT_OK(m.AddProcess(child.pid));
    EXPECT_THAT(m.Processes(), IsOkAndHolds(ElementsAre(child.pid)));
    for (const std::string& path : m.Paths()) {
      EXPECT_THAT(host.CgroupProcesses(path),
                  IsOkAndHolds(ElementsAre(child.pid)))
          << path;
    }

    ASSERT_OK(m.Freeze());
    EXPECT_THAT(m.Frozen(), IsOkAndHolds(true));
    ExpectFreezerFile(host, m, true);
    ASSERT_OK(m.Thaw());
    EXPECT_THAT(m.Frozen(), IsOkAndHolds(false));
    ExpectFreezerFile(host, m, false);

    ASSERT_OK(m.KillAll(Signal::kKill));
    EXPECT_THAT(Reap(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    EXPECT_THAT(m.Processes(), IsOkAndHolds(IsEmpty()));

    std::vector<std::string> paths = m.Paths();
    ASSERT_OK(m.Remove());
    ExpectGone(host, paths);
    EXPECT_OK(m.Remove());  // Idempotent.
    EXPECT_THAT(m.Processes(), HasErrno(ENOENT));
    EXPECT_OK(m.KillAll(Signal::kKill));  // No cgroup, nothing to kill.
  });
}

// The supervisor's place: v1 accounting hierarchies only, so engines read
// the container's statistics from its cgroups while pause, `ps` and
// kill-all leave it alone.
TEST_P(CgroupManagerTest, AnAccountingProcessIsNeverAMember) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK_AND_ASSIGN(Blocked init, SpawnBlocked(host));
    ASSERT_OK_AND_ASSIGN(Blocked supervisor, SpawnBlocked(host));
    ASSERT_OK(m.AddProcess(init.pid));
    ASSERT_OK(m.AddAccountingProcess(supervisor.pid));
    EXPECT_THAT(m.Processes(), IsOkAndHolds(ElementsAre(init.pid)));
    for (const char* controller : {"memory", "pids", "cpuacct"}) {
      if (std::optional<std::string> v1 = m.V1Path(controller)) {
        EXPECT_THAT(host.CgroupProcesses(*v1),
                    IsOkAndHolds(::testing::UnorderedElementsAre(
                        init.pid, supervisor.pid)))
            << controller;
      }
    }
    for (const char* controller : {"freezer", "devices"}) {
      if (std::optional<std::string> v1 = m.V1Path(controller)) {
        EXPECT_THAT(host.CgroupProcesses(*v1),
                    IsOkAndHolds(ElementsAre(init.pid)))
            << controller;
      }
    }
    if (std::optional<std::string> v2 = m.V2Path()) {
      EXPECT_THAT(host.CgroupProcesses(*v2),
                  IsOkAndHolds(ElementsAre(init.pid)));
    }
    ASSERT_OK(m.KillAll(Signal::kKill));
    EXPECT_THAT(Reap(host, init.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    // The supervisor is still alive (the reaped init proves the kill is
    // done): kill it ourselves, then the cgroups can go.
    absl::StatusOr<std::optional<WaitResult>> early =
        host.Wait(supervisor.pid, WaitFlags::kNoHang);
    ASSERT_OK(early.status());
    EXPECT_FALSE(early->has_value());
    ASSERT_OK(host.Kill(supervisor.pid, Signal::kKill));
    EXPECT_THAT(Reap(host, supervisor.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    EXPECT_OK(m.Remove());
  });
}

// A paused container killed: v1-frozen tasks die only once thawed.
TEST_P(CgroupManagerTest, KillAllKillsAFrozenCgroup) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK_AND_ASSIGN(Blocked child, SpawnBlocked(host));
    ASSERT_OK(m.AddProcess(child.pid));
    ASSERT_OK(m.Freeze());
    ASSERT_OK(m.KillAll(Signal::kKill));
    EXPECT_THAT(Reap(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    ASSERT_OK(m.Remove());
    ExpectGone(host, m.Paths());
  });
}

TEST_P(CgroupManagerTest, KillAllSendsOtherSignals) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK_AND_ASSIGN(Blocked a, SpawnBlocked(host));
    ASSERT_OK_AND_ASSIGN(Blocked b, SpawnBlocked(host));
    ASSERT_OK(m.AddProcess(a.pid));
    ASSERT_OK(m.AddProcess(b.pid));
    ASSERT_OK_AND_ASSIGN(std::vector<Pid> pids, m.Processes());
    EXPECT_EQ(pids.size(), 2u);
    ASSERT_OK(m.KillAll(Signal::kTerm));
    EXPECT_THAT(Reap(host, a.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kTerm)));
    EXPECT_THAT(Reap(host, b.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kTerm)));
  });
}

// Processes walks sub-cgroups (a container may make its own), and Remove
// takes them away deepest first.
TEST_P(CgroupManagerTest, SubCgroupsAreListedAndRemoved) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK_AND_ASSIGN(Blocked child, SpawnBlocked(host));
    for (const std::string& path : m.Paths()) {
      ASSERT_OK(host.CgroupCreate(path + "/sub"));
      ASSERT_OK(host.CgroupCreate(path + "/sub/deeper"));
      // cpuset children need cpus before they take tasks; the fake copies.
      if (absl::StrContains(path, "cpuset")) {
        for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
          ASSERT_OK_AND_ASSIGN(std::string v, host.CgroupRead(path, f));
          ASSERT_OK(host.CgroupWrite(path + "/sub", f, v));
          ASSERT_OK(host.CgroupWrite(path + "/sub/deeper", f, v));
        }
      }
      ASSERT_OK(host.CgroupAddProcess(path + "/sub/deeper", child.pid));
    }
    EXPECT_THAT(m.Processes(), IsOkAndHolds(ElementsAre(child.pid)));
    ASSERT_OK(m.KillAll(Signal::kKill));
    EXPECT_THAT(Reap(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    ASSERT_OK(m.Remove());
    ExpectGone(host, m.Paths());
  });
}

// delete --force of a killed create: only the recorded paths, a process
// still inside. RemovePaths kills it and removes everything.
TEST_P(CgroupManagerTest, RemovePathsKillsWhatIsLeft) {
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK_AND_ASSIGN(Blocked child, SpawnBlocked(host));
    ASSERT_OK(m.AddProcess(child.pid));
    ASSERT_OK(m.Freeze());  // Even a paused one.
    std::vector<std::string> recorded = m.Paths();
    ASSERT_OK(CgroupManager::RemovePaths(host, recorded));
    EXPECT_THAT(Reap(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    ExpectGone(host, recorded);
    EXPECT_OK(CgroupManager::RemovePaths(host, recorded));  // Idempotent.
    EXPECT_OK(CgroupManager::RemovePaths(host, {}));
  });
}

// A tampered record must not make runbox rmdir outside cgroupfs, nor a
// hierarchy root, nor through "..".
TEST_P(CgroupManagerTest, RemovePathsRefusesNonCgroupPaths) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Hierarchies h, DetectHierarchies(host));
    std::string root = h.v2.has_value() ? h.v2->mount : h.v1.front().mount;
    std::string victim = dir + "/victim";
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), victim, 0755));
    for (const std::string& path :
         {victim, root, root + "/x/../y", root + "//x", std::string("x")}) {
      EXPECT_THAT(CgroupManager::RemovePaths(host, {path}),
                  StatusIs(absl::StatusCode::kInvalidArgument))
          << path;
    }
    // Checked before anything is removed.
    EXPECT_THAT(CgroupManager::RemovePaths(host, {root + "/nothing", victim}),
                StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_OK(host.StatAt(Fd::Cwd(), victim, FollowSymlinks::kNoFollow));
  });
}

// Missing levels are made; on v1 cpuset each new level gets its parent's
// cpus and mems (Linux leaves them empty, and then AddProcess fails
// ENOSPC). Remove takes the container's cgroup, not the shared parent.
TEST_P(CgroupManagerTest, NestedPathWithCpusetCopy) {
  RunWithManager(
      [&](Host& host, CgroupManager& m) {
        ASSERT_OK(m.Create());
        if (std::optional<std::string> leaf = m.V1Path("cpuset")) {
          std::string mount = m.hierarchies().V1For("cpuset")->mount;
          std::string parent = leaf->substr(0, leaf->rfind('/'));
          for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
            ASSERT_OK_AND_ASSIGN(std::string want, host.CgroupRead(mount, f));
            EXPECT_NE(want, "\n");
            EXPECT_THAT(host.CgroupRead(parent, f), IsOkAndHolds(want)) << f;
            EXPECT_THAT(host.CgroupRead(*leaf, f), IsOkAndHolds(want)) << f;
          }
        }
        ASSERT_OK_AND_ASSIGN(Blocked child, SpawnBlocked(host));
        ASSERT_OK(m.AddProcess(child.pid));
        ASSERT_OK(m.KillAll(Signal::kKill));
        EXPECT_THAT(Reap(host, child.pid),
                    IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
        ASSERT_OK(m.Remove());
        ExpectGone(host, m.Paths());
        for (const std::string& path : m.Paths()) {
          std::string parent = path.substr(0, path.rfind('/'));
          EXPECT_OK(host.CgroupRead(parent, "cgroup.procs")) << parent;
        }
      },
      "/inner");
}

// Create failing at any cgroup call (mkdir, the cpuset reads and writes)
// fails cleanly and takes back the container cgroups it made.
TEST_P(CgroupManagerTest, FailedCreateRemovesWhatItMade) {
  RunWithManager(
      [&](Host& host, CgroupManager& m) {
        bool succeeded = false;
        for (uint64_t k = 1; k <= 200 && !succeeded; ++k) {
          auto plan = std::make_shared<FaultPlan>(k);
          plan->Add(FaultRule::AtCallOf(
              {HostCall::kCgroupCreate, HostCall::kCgroupRead,
               HostCall::kCgroupWrite},
              k, Fault::Errno(EIO)));
          FaultyHost faulty(host, plan);
          ASSERT_OK_AND_ASSIGN(CgroupManager fm, CgroupManager::ForContainer(
                                                     faulty, m.cgroup_path()));
          absl::Status s = fm.Create();
          if (plan->fired().empty()) {
            ASSERT_OK(s);
            succeeded = true;
            break;
          }
          EXPECT_THAT(s, HasErrno(EIO)) << "k=" << k;
          ExpectGone(host, m.Paths());
        }
        EXPECT_TRUE(succeeded);
        ASSERT_OK(m.Remove());
      },
      "/inner");
}

// The v2 freezer (cgroup.freeze, cgroup.events) on a hybrid host, where
// kAuto would pick v1's: this machine's cgroup2 has no resource
// controllers but freezes and kills.
TEST_P(CgroupManagerTest, V2FreezerOnHybrid) {
  env().Run([&](Host& host, const std::string&) {
    if (!IsFake()) {
      if (std::optional<std::string> reason = LinuxSkipReason(host)) {
        GTEST_SKIP() << *reason;
      }
    }
    ASSERT_OK_AND_ASSIGN(Hierarchies h, DetectHierarchies(host));
    if (h.mode != CgroupMode::kHybrid) {
      GTEST_SKIP() << "the host is " << ToString(h.mode) << ", not hybrid";
    }
    ASSERT_OK_AND_ASSIGN(CgroupManager m, CgroupManager::ForContainer(
                                              host, UniqueCgroup(host),
                                              {.freezer = FreezerChoice::kV2}));
    EXPECT_EQ(m.freezer_version(), CgroupVersion::kV2);
    ASSERT_OK(m.Create());
    absl::Cleanup cleanup = [&] {
      (void)m.KillAll(Signal::kKill);
      EXPECT_OK(m.Remove());
    };
    ASSERT_OK_AND_ASSIGN(Blocked child, SpawnBlocked(host));
    ASSERT_OK(m.AddProcess(child.pid));
    ASSERT_OK(m.Freeze());
    EXPECT_THAT(m.Frozen(), IsOkAndHolds(true));
    EXPECT_THAT(host.CgroupRead(*m.V2Path(), "cgroup.freeze"),
                IsOkAndHolds("1\n"));
    ASSERT_OK(m.Thaw());
    EXPECT_THAT(m.Frozen(), IsOkAndHolds(false));
    ASSERT_OK(m.Freeze());
    ASSERT_OK(m.KillAll(Signal::kKill));  // cgroup.kill.
    EXPECT_THAT(Reap(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    ASSERT_OK(m.Remove());
    ExpectGone(host, m.Paths());
  });
}

// On the fake, a frozen process is not scheduled (virtual time passes,
// its counter does not move) until thawed.
TEST_P(CgroupManagerTest, FrozenProcessIsNotScheduledOnFake) {
  if (!IsFake()) {
    GTEST_SKIP() << "observing scheduling needs the fake; Linux checks the "
                    "freezer's own files";
  }
  RunWithManager([&](Host& host, CgroupManager& m) {
    ASSERT_OK(m.Create());
    ASSERT_OK_AND_ASSIGN(SpawnResult ticker,
                         env().SpawnChild(host, {"Tick", {}}));
    ASSERT_OK(m.AddProcess(ticker.pid));
    host.SleepFor(absl::Seconds(5));
    ASSERT_OK(m.Freeze());
    int frozen_at = g_ticks.load();
    EXPECT_GT(frozen_at, 0);
    host.SleepFor(absl::Seconds(10));
    EXPECT_EQ(g_ticks.load(), frozen_at);
    ASSERT_OK(m.Thaw());
    host.SleepFor(absl::Seconds(10));
    EXPECT_GT(g_ticks.load(), frozen_at);
    ASSERT_OK(m.KillAll(Signal::kKill));
    EXPECT_THAT(Reap(host, ticker.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
  });
}

INSTANTIATE_TEST_SUITE_P(, CgroupManagerTest,
                         ::testing::Values("Linux", "FakeUnified", "FakeHybrid",
                                           "FakeLegacy"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace runbox::cgroups
