// Contract of the `mount`(2) and `pivot_root`(2) semantics the rootfs setup
// relies on (runtime/sandbox/rootfs.cc), on both hosts. Each case runs the
// helper in a fresh mount namespace, so nothing reaches the test's own
// mount table; on Linux that needs root.
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RUNBOX_CONTRACT_SUITE(MountsContract);

// The helper `args` in a new mount namespace: its stdout and exit status.
absl::StatusOr<HelperRun> RunInMountNamespace(
    Host& host, const std::string& helper,
    const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  SpawnRequest req;
  req.path = helper;
  req.argv.push_back(helper);
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.fds = {{&out.write, 1}};
  req.new_namespaces = Namespaces::kMount;
  ASSIGN_OR_RETURN(SpawnResult spawned, host.Spawn(req));
  out.write.Reset();
  HelperRun run;
  run.pid = spawned.pid;
  ASSIGN_OR_RETURN(run.out, ReadToEof(host, out.read));
  ASSIGN_OR_RETURN(run.status, WaitFor(host, spawned.pid));
  return run;
}

TEST_P(MountsContract, MountOnProcSelfFdLandsWhereTheFdPoints) {
  Run([&](Host& host, const std::string& dir) {
    if (GetParam() == "Linux" && host.GetUid() != 0) {
      GTEST_SKIP() << "`mount`(2) needs root on Linux";
    }
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/real"), 0755));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/real/target"), 0755));
    ASSERT_OK(host.SymlinkAt(absl::StrCat(dir, "/real"), Fd::Cwd(),
                             absl::StrCat(dir, "/link")));
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunInMountNamespace(host, helper(), {"mount-via-fd", dir}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0)) << run.out;
    // The magic link names the directory itself: no symlink in the path.
    EXPECT_THAT(run.out, HasSubstr(absl::StrCat(dir, "/real/target tmpfs\n")));
    EXPECT_THAT(run.out, Not(HasSubstr("/link")));
    // Our own namespace did not get it.
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> ours, host.ListMounts());
    for (const MountInfo& m : ours) {
      EXPECT_NE(m.mount_point, absl::StrCat(dir, "/real/target"));
    }
  });
}

TEST_P(MountsContract, PivotRootDotDotThenDetachLeavesOnlyTheNewRoot) {
  Run([&](Host& host, const std::string& dir) {
    if (GetParam() == "Linux" && host.GetUid() != 0) {
      GTEST_SKIP() << "pivot_root needs root on Linux";
    }
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/root"), 0755));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/root/proc"), 0755));
    ASSERT_OK(WriteFile(host, Fd::Cwd(), absl::StrCat(dir, "/root/marker"),
                        "inside"));
    ASSERT_OK_AND_ASSIGN(
        HelperRun run, RunInMountNamespace(host, helper(), {"pivot-dot", dir}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0)) << run.out;
    // The old root is gone: "/" (DIR/root) and the helper's /proc remain.
    EXPECT_EQ(run.out, "/\n/proc\ninside\n");
  });
}

TEST_P(MountsContract, SetnsAfterAMoveOverRootLandsOnTheMovedMount) {
  Run([&](Host& host, const std::string& dir) {
    if (GetParam() == "Linux" && host.GetUid() != 0) {
      GTEST_SKIP() << "`mount`(2) needs root on Linux";
    }
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/root"), 0755));
    ASSERT_OK(
        WriteFile(host, Fd::Cwd(), absl::StrCat(dir, "/root/marker"), "moved"));
    // The mover stays alive (its stdin open) so its namespace does too.
    ASSERT_OK_AND_ASSIGN(PipeFds in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    SpawnRequest req;
    req.path = helper();
    req.argv = {helper(), "move-root", dir};
    req.fds = {{&in.read, 0}, {&out.write, 1}};
    req.new_namespaces = Namespaces::kMount;
    ASSERT_OK_AND_ASSIGN(SpawnResult mover, host.Spawn(req));
    in.read.Reset();
    out.write.Reset();
    absl::Cleanup reap = [&] { KillAndReap(host, mover.pid); };
    ASSERT_THAT(ReadUntil(host, out.read, '\n'), IsOkAndHolds("ready\n"));

    // A process joining the namespace (by `setns`(2)) finds the moved
    // mount at "/", not the namespace's original root.
    ASSERT_OK_AND_ASSIGN(HelperRun joined,
                         RunHelper(host, helper(),
                                   {"join-mount-and-print",
                                    absl::StrCat(mover.pid.value), "/marker"}));
    EXPECT_EQ(joined.status, ExitStatus::Exited(0));
    EXPECT_EQ(joined.out, "moved");
    in.write.Reset();
    EXPECT_THAT(WaitFor(host, mover.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(MountsContract, MountSetattrRecursiveReachesSubmounts) {
  Run([&](Host& host, const std::string& dir) {
    if (GetParam() == "Linux" && host.GetUid() != 0) {
      GTEST_SKIP() << "`mount`(2) needs root on Linux";
    }
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/a"), 0755));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/b"), 0755));
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunInMountNamespace(host, helper(), {"setattr-rec", dir}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0)) << run.out;
    // AT_RECURSIVE reaches the submount; the atime setting is replaced
    // (relatime gone); the other mount got only its own change.
    EXPECT_EQ(run.out, absl::StrCat(dir, "/a ro,noatime,nosymfollow\n", dir,
                                    "/a/sub ro,noatime,nosymfollow\n", dir,
                                    "/b rw,nosuid,relatime\n"));
  });
}

TEST_P(MountsContract, MountIdmappedMapsOwnersThroughTheUserNamespace) {
  Run([&](Host& host, const std::string& dir) {
    if (GetParam() == "Linux" && host.GetUid() != 0) {
      GTEST_SKIP() << "`mount`(2) needs root on Linux";
    }
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/src"), 0755));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/dst"), 0755));
    // Owned by root (0:0), who runs the test.
    ASSERT_OK(WriteFile(host, Fd::Cwd(), absl::StrCat(dir, "/src/file"), "x"));
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunInMountNamespace(host, helper(), {"idmap-bind", dir}));
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.out;
    std::vector<std::string> lines = absl::StrSplit(run.out, '\n');
    ASSERT_GE(lines.size(), 2u) << run.out;
    EXPECT_THAT(lines[1], HasSubstr(",idmapped")) << run.out;
    // The file system's ids are taken as ids of the namespace: its 0 is
    // shown as the host's 1000. (The fake records the mount but neither
    // routes lookups through it nor maps owners: fakes/mounts/
    // mount_table.h.)
    if (GetParam() == "Linux") {
      EXPECT_EQ(lines[0], "1000 1000") << run.out;
    }
  });
}

}  // namespace
}  // namespace runbox::contract
