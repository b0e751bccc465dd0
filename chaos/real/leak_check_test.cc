// The leak checker: Diff on hand-made snapshots, and TakeSnapshot on the
// real host finding a file, a process, a mount and a cgroup it is shown.
#include "chaos/real/leak_check.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"

namespace runbox::chaos {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(DiffTest, ListsWhatIsNewOfEachKind) {
  Snapshot before;
  before.mounts = {"/ (ext4 /dev/vda)"};
  before.cgroups = {"/sys/fs/cgroup/memory/runbox"};
  before.processes = {{10, "bash"}};
  before.files = {"/w/state/", "/w/state/.runbox.lock"};
  Snapshot after = before;
  after.mounts.insert("/w/m (tmpfs tmpfs)");
  after.cgroups.insert("/sys/fs/cgroup/memory/runbox/x");
  after.processes[11] = "runbox supervise x";
  after.files.insert("/w/state/x/");
  EXPECT_THAT(Diff(before, after),
              ElementsAre("mount /w/m (tmpfs tmpfs) left behind",
                          "cgroup /sys/fs/cgroup/memory/runbox/x left behind",
                          "process 11 (runbox supervise x) left behind",
                          "file /w/state/x/ left behind"));
}

TEST(DiffTest, WhatWentAwayIsNoLeak) {
  Snapshot before;
  before.cgroups = {"/sys/fs/cgroup/pids/a"};
  before.processes = {{10, "sleep"}};
  before.files = {"/w/f"};
  EXPECT_THAT(Diff(before, Snapshot{}), IsEmpty());
  EXPECT_THAT(Diff(before, before), IsEmpty());
}

TEST(DiffTest, AReusedPidRunningSomethingElseIsNew) {
  Snapshot before;
  before.processes = {{10, "runbox create a"}};
  Snapshot after;
  after.processes = {{10, "runbox supervise b"}};
  EXPECT_THAT(Diff(before, after),
              ElementsAre("process 10 (runbox supervise b) left behind"));
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = "/tmp";
    for (const std::string& e : host_.Environment()) {
      if (absl::StartsWith(e, "TEST_TMPDIR=")) base = e.substr(12);
    }
    dir_ = absl::StrCat(base, "/leak-check-", absl::Hex(host_.RandomUint64()));
    ASSERT_OK(host_.MkdirAt(Fd::Cwd(), dir_, 0755));
  }

  SnapshotOptions Options() {
    SnapshotOptions options;
    options.file_roots = {dir_};
    options.skip_paths = {dir_ + "/skipped"};
    options.process_markers = {marker_};
    return options;
  }

  absl::Status Touch(const std::string& path) {
    ASSIGN_OR_RETURN(Fd fd, host_.OpenAt(Fd::Cwd(), path,
                                         {.flags = OpenFlags::kWriteOnly |
                                                   OpenFlags::kCreate,
                                          .mode = 0644}));
    return host_.Close(std::move(fd));
  }

  LinuxHost host_;
  std::string dir_;
  std::string marker_ =
      absl::StrCat("leak-check-marker-", absl::Hex(host_.RandomUint64()));
};

TEST_F(SnapshotTest, FindsNewFilesAndDirectoriesButNotSkippedOnes) {
  Snapshot before = TakeSnapshot(host_, Options());
  ASSERT_OK(host_.MkdirAt(Fd::Cwd(), dir_ + "/state", 0755));
  ASSERT_OK(Touch(dir_ + "/state/meta.json"));
  ASSERT_OK(host_.MkdirAt(Fd::Cwd(), dir_ + "/skipped", 0755));
  ASSERT_OK(Touch(dir_ + "/skipped/rootfs-file"));
  Snapshot after = TakeSnapshot(host_, Options());
  EXPECT_THAT(
      Diff(before, after),
      ElementsAre(absl::StrCat("file ", dir_, "/state/ left behind"),
                  absl::StrCat("file ", dir_, "/state/meta.json left behind")));
  ASSERT_OK(host_.UnlinkAt(Fd::Cwd(), dir_ + "/state/meta.json"));
  ASSERT_OK(
      host_.UnlinkAt(Fd::Cwd(), dir_ + "/state", UnlinkFlags::kRemoveDir));
  ASSERT_OK(host_.UnlinkAt(Fd::Cwd(), dir_ + "/skipped/rootfs-file"));
  ASSERT_OK(
      host_.UnlinkAt(Fd::Cwd(), dir_ + "/skipped", UnlinkFlags::kRemoveDir));
  EXPECT_THAT(Diff(before, TakeSnapshot(host_, Options())), IsEmpty());
  ASSERT_OK(host_.UnlinkAt(Fd::Cwd(), dir_, UnlinkFlags::kRemoveDir));
}

TEST_F(SnapshotTest, FindsAProcessWithTheMarkerInItsEnvironment) {
  const std::string sleep = "/bin/sleep";
  if (!host_.StatAt(Fd::Cwd(), sleep, FollowSymlinks::kFollow).ok()) {
    GTEST_SKIP() << sleep << " missing";
  }
  Snapshot before = TakeSnapshot(host_, Options());
  SpawnRequest request;
  request.path = sleep;
  request.argv = {"sleep", "1000"};
  request.env = {absl::StrCat("MARKER=", marker_)};
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(request));
  Snapshot during = TakeSnapshot(host_, Options());
  EXPECT_THAT(Diff(before, during),
              ElementsAre(absl::StrCat("process ", child.pid.value,
                                       " (sleep 1000) left behind")));
  ASSERT_OK(host_.Kill(child.pid, Signal::kKill));
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host_.Wait(child.pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  ASSERT_OK(waited.status());
  EXPECT_THAT(Diff(before, TakeSnapshot(host_, Options())), IsEmpty());
  ASSERT_OK(host_.UnlinkAt(Fd::Cwd(), dir_, UnlinkFlags::kRemoveDir));
}

TEST_F(SnapshotTest, FindsANewMountAndCgroup) {
  if (host_.GetUid() != 0) GTEST_SKIP() << "needs root";
  SnapshotOptions options = Options();
  options.cgroup_parents = {marker_};
  Snapshot before = TakeSnapshot(host_, options);
  const std::string mnt = dir_ + "/mnt";
  ASSERT_OK(host_.MkdirAt(Fd::Cwd(), mnt, 0755));
  ASSERT_OK(host_.Mount("tmpfs", mnt, "tmpfs", MountFlags::kNone, "size=4k"));
  ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> hierarchies,
                       host_.CgroupMounts());
  ASSERT_THAT(hierarchies, Not(IsEmpty()));
  // The checker lists cgroups below the parents it is given.
  const std::string parent =
      absl::StrCat(hierarchies.front().path, "/", marker_);
  const std::string cgroup = parent + "/child";
  ASSERT_OK(host_.CgroupCreate(parent));
  ASSERT_OK(host_.CgroupCreate(cgroup));
  std::vector<std::string> leaks = Diff(before, TakeSnapshot(host_, options));
  EXPECT_THAT(leaks, Contains(absl::StrCat("mount ", mnt,
                                           " (tmpfs tmpfs) left behind")));
  EXPECT_THAT(leaks, Contains(absl::StrCat("cgroup ", cgroup, " left behind")));
  ASSERT_OK(host_.CgroupRemove(cgroup));
  ASSERT_OK(host_.CgroupRemove(parent));
  ASSERT_OK(host_.Umount(mnt, UmountFlags::kNone));
  ASSERT_OK(host_.UnlinkAt(Fd::Cwd(), mnt, UnlinkFlags::kRemoveDir));
  EXPECT_THAT(Diff(before, TakeSnapshot(host_, options)), IsEmpty());
  ASSERT_OK(host_.UnlinkAt(Fd::Cwd(), dir_, UnlinkFlags::kRemoveDir));
}

}  // namespace
}  // namespace runbox::chaos
