// The supervisor SIGKILLed at its host call k during `runbox create`: after
// `runbox delete --force`, no state directory, cgroup, mount or process of
// the container is left, and the ID can be created again. The kill comes
// from RUNBOX_FAULT_PLAN (runtime/cli/fault_injection.h), which runs the
// supervisor on a FaultyHost over the real host. On the fake every k is
// tried until one is past the supervisor's last call of create; on Linux a
// seeded sample of them (a failure prints the seed and how to replay it).
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Far more calls than one supervisor makes before create returns.
constexpr uint64_t kMaxCalls = 5000;
constexpr uint64_t kLinuxMaxStride = 5;

absl::Status MakeBundle(Host& host, const DualHost& env,
                        const std::string& bundle) {
  RETURN_IF_ERROR(MakeBusyboxRootfs(host, env.ProgramPath("busybox"),
                                    absl::StrCat(bundle, "/rootfs")));
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = {"/bin/sleep", "100000"};
  return WriteFile(host, absl::StrCat(bundle, "/config.json"),
                   spec::SerializeConfig(config));
}

// What is left of container `id` after delete --force, one line per leak.
std::vector<std::string> Leftovers(Host& host, const std::string& root,
                                   const std::string& bundle,
                                   const std::string& id) {
  std::vector<std::string> leaks;
  std::vector<std::string> in_root = Entries(host, root);
  for (const std::string& name : in_root) {
    if (name != ".runbox.lock") leaks.push_back("state: " + root + "/" + name);
  }
  absl::StatusOr<std::vector<CgroupMount>> mounts = host.CgroupMounts();
  if (mounts.ok()) {
    for (const CgroupMount& m : *mounts) {
      const std::string path = absl::StrCat(m.path, "/runbox/", id);
      if (host.StatAt(Fd::Cwd(), path, FollowSymlinks::kNoFollow).ok()) {
        leaks.push_back("cgroup: " + path);
      }
    }
  }
  absl::StatusOr<std::vector<MountInfo>> table = host.ListMounts();
  if (table.ok()) {
    for (const MountInfo& m : *table) {
      if (absl::StrContains(m.mount_point, bundle)) {
        leaks.push_back("mount: " + m.mount_point);
      }
    }
  }
  // Every process runbox started is our descendant (we are a subreaper),
  // so once all are gone waiting finds no child at all. A leaked process
  // keeps the wait from ending: on the fake that is a reported deadlock
  // that lists it; on Linux the test's timeout.
  while (true) {
    absl::StatusOr<std::optional<WaitResult>> r =
        host.Wait(Pid{0}, WaitFlags::kNone);
    if (IsErrno(r, EINTR)) continue;
    if (IsErrno(r, ECHILD)) break;
    if (!r.ok()) {
      leaks.push_back("wait: " + r.status().ToString());
      break;
    }
  }
  return leaks;
}

class SupervisorKillTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }

  // One kill point: create with the supervisor killed at its call k, then
  // delete --force and the checks, then a clean create/delete of the ID.
  // Returns whether the kill fired during create (create failed).
  bool KillAt(Host& host, const std::string& dir, uint64_t k) {
    const std::string root = dir + "/state";
    const std::string bundle = dir + "/bundle";
    const std::string id = absl::StrCat("supkill-", k);
    auto runbox = [&](const std::vector<std::string>& args,
                      const std::vector<std::string>& extra_env = {}) {
      std::vector<std::string> full = {"--root", root};
      full.insert(full.end(), args.begin(), args.end());
      return RunRunbox(env(), host, full, extra_env);
    };
    Output create = runbox(
        {"create", "--bundle", bundle, id},
        {absl::StrCat("RUNBOX_FAULT_PLAN=kill-at=", k, ",role=supervise")});
    const bool fired = create.status != ExitStatus::Exited(0);
    Output del = runbox({"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0))
        << "k=" << k << ": " << del.Describe();
    std::vector<std::string> leaks = Leftovers(host, root, bundle, id);
    EXPECT_THAT(leaks, IsEmpty()) << "supervisor killed at its call #" << k
                                  << "; create " << create.Describe() << "\n"
                                  << env().ReplayHint(env().seed());

    Output again = runbox({"create", "--bundle", bundle, id});
    EXPECT_EQ(again.status, ExitStatus::Exited(0))
        << "k=" << k << ": a new create: " << again.Describe();
    Output cleanup = runbox({"delete", "--force", id});
    EXPECT_EQ(cleanup.status, ExitStatus::Exited(0)) << cleanup.Describe();
    EXPECT_THAT(Leftovers(host, root, bundle, id), IsEmpty()) << "k=" << k;
    return fired;
  }
};

TEST_P(SupervisorKillTest, DeleteForceLeavesNothing) {
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    ASSERT_OK(host.SetChildSubreaper());
    ASSERT_OK(MakeBundle(host, env(), dir + "/bundle"));
    // The fake tries every k; Linux steps through k by a seeded random
    // stride of 1 to kLinuxMaxStride, so each seed covers about a third
    // of the kill points and different seeds different ones. Both stop at
    // the first k past the supervisor's last call of create.
    const uint64_t seed = SeedOverride().value_or(1);
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    auto stride = [&]() -> uint64_t {
      if (IsFake()) return 1;
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
      return 1 + x % kLinuxMaxStride;
    };
    int fired = 0;
    std::vector<uint64_t> points;
    for (uint64_t k = 1; k <= kMaxCalls; k += stride()) {
      points.push_back(k);
      if (!KillAt(host, dir, k)) break;  // Create completed before call k.
      ++fired;
      if (::testing::Test::HasFailure()) break;
    }
    if (!IsFake()) {
      std::cerr << "kill points (seed " << seed
                << "): " << absl::StrJoin(points, ", ") << "\n";
    }
    EXPECT_GE(fired, IsFake() ? 20 : 5) << "too few kill points hit create";
    RecordProperty("kill_points_fired", fired);
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(SupervisorKillTest);

}  // namespace
}  // namespace runbox
