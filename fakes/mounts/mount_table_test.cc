// Tests of fakes/mounts/mount_table: mount, bind, remount, propagation,
// move, umount and pivot_root as they change /proc/self/mountinfo.
#include "fakes/mounts/mount_table.h"

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::ElementsAre;

// Mount points in list order.
std::vector<std::string> Points(const MountTable& t) {
  std::vector<std::string> out;
  for (const MountInfo& m : t.List()) out.push_back(m.mount_point);
  return out;
}

MountInfo At(const MountTable& t, const std::string& path) {
  std::optional<MountInfo> m = t.MountAt(path);
  EXPECT_TRUE(m.has_value()) << path << " is not a mount point";
  return m.value_or(MountInfo{});
}

// The usual start of a container: "/" private, so nothing is shared.
MountTable PrivateTable() {
  MountTable t;
  EXPECT_OK(
      t.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive, ""));
  return t;
}

TEST(MountTableTest, StartsWithOneSharedRoot) {
  MountTable t;
  std::vector<MountInfo> list = t.List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, 1);
  EXPECT_EQ(list[0].parent_id, 0);
  EXPECT_EQ(list[0].mount_point, "/");
  EXPECT_EQ(list[0].root, "/");
  EXPECT_EQ(list[0].fstype, "rootfs");
  EXPECT_EQ(list[0].source, "fake");
  EXPECT_EQ(list[0].options, "rw,relatime");
  EXPECT_EQ(list[0].propagation, "shared:1");
  EXPECT_EQ(list[0].super_options, "rw");
  EXPECT_TRUE(t.IsMountPoint("/"));
}

TEST(MountTableTest, NewMountRecordsOptions) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount(
      "tmpfs", "/dev", "tmpfs",
      MountFlags::kNoSuid | MountFlags::kNoExec | MountFlags::kStrictAtime,
      "mode=755,size=65536k"));
  ASSERT_OK(t.Mount(
      "proc", "/proc", "proc",
      MountFlags::kNoSuid | MountFlags::kNoDev | MountFlags::kNoExec, ""));
  ASSERT_OK(t.Mount("sysfs", "/sys", "sysfs",
                    MountFlags::kReadOnly | MountFlags::kNoAtime |
                        MountFlags::kNoDirAtime | MountFlags::kSynchronous |
                        MountFlags::kDirSync,
                    ""));
  MountInfo dev = At(t, "/dev");
  EXPECT_EQ(dev.options, "rw,nosuid,noexec");
  EXPECT_EQ(dev.super_options, "rw,mode=755,size=65536k");
  EXPECT_EQ(dev.fstype, "tmpfs");
  EXPECT_EQ(dev.source, "tmpfs");
  EXPECT_EQ(dev.root, "/");
  EXPECT_EQ(dev.parent_id, 1);
  EXPECT_EQ(dev.propagation, "");
  EXPECT_EQ(At(t, "/proc").options, "rw,nosuid,nodev,noexec,relatime");
  MountInfo sys = At(t, "/sys");
  EXPECT_EQ(sys.options, "ro,noatime,nodiratime");
  EXPECT_EQ(sys.super_options, "ro,sync,dirsync");
  // Ids increase in mount order; each mount has its own device.
  std::vector<MountInfo> list = t.List();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_LT(list[1].id, list[2].id);
  EXPECT_LT(list[2].id, list[3].id);
  EXPECT_NE(list[1].dev, list[2].dev);
}

TEST(MountTableTest, EmptySourceIsNone) {
  MountTable t;
  ASSERT_OK(t.Mount("", "/mnt", "tmpfs", MountFlags::kNone, ""));
  EXPECT_EQ(At(t, "/mnt").source, "none");
}

TEST(MountTableTest, NewMountNeedsFsType) {
  MountTable t;
  EXPECT_THAT(t.Mount("x", "/mnt", "", MountFlags::kNone, ""),
              HasErrno(EINVAL));
}

TEST(MountTableTest, RelativePathsAreEinvalAndPathsAreNormalized) {
  MountTable t;
  EXPECT_THAT(t.Mount("x", "mnt", "tmpfs", MountFlags::kNone, ""),
              HasErrno(EINVAL));
  EXPECT_THAT(t.Umount("", UmountFlags::kNone), HasErrno(EINVAL));
  ASSERT_OK(t.Mount("x", "//mnt/./a/../b/", "tmpfs", MountFlags::kNone, ""));
  EXPECT_TRUE(t.IsMountPoint("/mnt/b"));
  EXPECT_TRUE(t.IsMountPoint("/mnt//b/"));
  EXPECT_FALSE(t.IsMountPoint("/mnt"));
  EXPECT_FALSE(t.IsMountPoint("mnt/b"));
}

TEST(MountTableTest, ParentIsTheMountHoldingTheTarget) {
  MountTable t;
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("ab", "/a/b", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("ac", "/ab/c", "tmpfs", MountFlags::kNone, ""));
  EXPECT_EQ(At(t, "/a/b").parent_id, At(t, "/a").id);
  // "/ab" is not under "/a".
  EXPECT_EQ(At(t, "/ab/c").parent_id, 1);
  EXPECT_EQ(t.MountContaining("/a/b/x/y").source, "ab");
  EXPECT_EQ(t.MountContaining("/a/bx").source, "a");
  EXPECT_EQ(t.MountContaining("/elsewhere").source, "fake");
}

TEST(MountTableTest, StackedMountsHideAndUnstack) {
  MountTable t;
  ASSERT_OK(t.Mount("low", "/x", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("sub", "/x/sub", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("high", "/x", "tmpfs", MountFlags::kNone, ""));
  // "high" sits on "low"; "sub" (on "low") is hidden under it.
  MountInfo high = At(t, "/x");
  EXPECT_EQ(high.source, "high");
  EXPECT_EQ(t.MountContaining("/x/sub/f").source, "high");
  EXPECT_FALSE(t.IsMountPoint("/x/sub"));
  ASSERT_OK(t.Mount("new", "/x/sub", "tmpfs", MountFlags::kNone, ""));
  EXPECT_EQ(At(t, "/x/sub").parent_id, high.id);
  ASSERT_OK(t.Umount("/x/sub", UmountFlags::kNone));
  ASSERT_OK(t.Umount("/x", UmountFlags::kNone));
  EXPECT_EQ(At(t, "/x").source, "low");
  EXPECT_EQ(At(t, "/x/sub").source, "sub");
  EXPECT_THAT(Points(t), ElementsAre("/", "/x", "/x/sub"));
}

TEST(MountTableTest, MountsUnderASharedParentAreShared) {
  MountTable t;
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("b", "/b", "tmpfs", MountFlags::kNone, ""));
  EXPECT_EQ(At(t, "/a").propagation, "shared:2");
  EXPECT_EQ(At(t, "/b").propagation, "shared:3");
}

TEST(MountTableTest, RemountChangesOptions) {
  MountTable t = PrivateTable();
  EXPECT_THAT(t.Mount("", "/nothing", "", MountFlags::kRemount, ""),
              HasErrno(EINVAL));
  ASSERT_OK(t.Mount("tmpfs", "/t", "tmpfs",
                    MountFlags::kNoAtime | MountFlags::kNoSuid, "size=1m"));
  ASSERT_OK(t.Mount("", "/t", "", MountFlags::kRemount | MountFlags::kReadOnly,
                    "size=2m"));
  MountInfo m = At(t, "/t");
  // Without an atime flag the atime setting stays; nosuid was not repeated.
  EXPECT_EQ(m.options, "ro,noatime");
  EXPECT_EQ(m.super_options, "ro,size=2m");
  ASSERT_OK(
      t.Mount("", "/t", "", MountFlags::kRemount | MountFlags::kRelatime, ""));
  m = At(t, "/t");
  EXPECT_EQ(m.options, "rw,relatime");
  EXPECT_EQ(m.super_options, "rw");
}

TEST(MountTableTest, BindRemountChangesOnlyTheMount) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("tmpfs", "/t", "tmpfs", MountFlags::kNone, "size=1m"));
  ASSERT_OK(t.Mount("", "/t", "",
                    MountFlags::kRemount | MountFlags::kBind |
                        MountFlags::kReadOnly | MountFlags::kNoSuid,
                    "ignored"));
  MountInfo m = At(t, "/t");
  EXPECT_EQ(m.options, "ro,nosuid,relatime");
  EXPECT_EQ(m.super_options, "rw,size=1m");
}

TEST(MountTableTest, BindCopiesTheSourceMount) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("/dev/sda2", "/data", "ext4", MountFlags::kNoDev,
                    "errors=remount-ro"));
  // Flags other than kRecursive are ignored by a bind.
  ASSERT_OK(t.Mount("/data/vol/x", "/mnt", "",
                    MountFlags::kBind | MountFlags::kReadOnly, ""));
  MountInfo data = At(t, "/data");
  MountInfo bind = At(t, "/mnt");
  EXPECT_EQ(bind.root, "/vol/x");
  EXPECT_EQ(bind.dev, data.dev);
  EXPECT_EQ(bind.fstype, "ext4");
  EXPECT_EQ(bind.source, "/dev/sda2");
  EXPECT_EQ(bind.options, data.options);
  EXPECT_EQ(bind.super_options, "rw,errors=remount-ro");
  EXPECT_EQ(bind.parent_id, 1);
  // A bind of a bind composes roots.
  ASSERT_OK(t.Mount("/mnt/y", "/mnt2", "", MountFlags::kBind, ""));
  EXPECT_EQ(At(t, "/mnt2").root, "/vol/x/y");
  // A file-system path on the root mount.
  ASSERT_OK(t.Mount("/var/lib/c/rootfs", "/var/lib/c/rootfs", "",
                    MountFlags::kBind, ""));
  EXPECT_EQ(At(t, "/var/lib/c/rootfs").root, "/var/lib/c/rootfs");
  EXPECT_EQ(At(t, "/var/lib/c/rootfs").fstype, "rootfs");
}

TEST(MountTableTest, RecursiveBindCopiesSubmountsButNotUnbindable) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("a", "/src", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("b", "/src/b", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("c", "/src/b/c", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("u", "/src/u", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("uc", "/src/u/c", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("", "/src/u", "", MountFlags::kUnbindable, ""));
  ASSERT_OK(t.Mount("/src", "/dst", "",
                    MountFlags::kBind | MountFlags::kRecursive, ""));
  ASSERT_OK(t.Mount("/src", "/flat", "", MountFlags::kBind, ""));
  EXPECT_THAT(Points(t),
              ElementsAre("/", "/src", "/src/b", "/src/b/c", "/src/u",
                          "/src/u/c", "/dst", "/dst/b", "/dst/b/c", "/flat"));
  EXPECT_EQ(At(t, "/dst/b/c").parent_id, At(t, "/dst/b").id);
  EXPECT_EQ(At(t, "/dst/b").parent_id, At(t, "/dst").id);
  EXPECT_EQ(At(t, "/dst/b/c").source, "c");
  EXPECT_THAT(t.Mount("/src/u", "/x", "", MountFlags::kBind, ""),
              HasErrno(EINVAL));
}

TEST(MountTableTest, RecursiveBindOfASubdirectoryTakesOnlyMountsBelowIt) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("in", "/d/sub/in", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("out", "/d/out", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("/d/sub", "/new", "",
                    MountFlags::kBind | MountFlags::kRecursive, ""));
  EXPECT_TRUE(t.IsMountPoint("/new/in"));
  EXPECT_FALSE(t.IsMountPoint("/new/out"));
  EXPECT_EQ(At(t, "/new").root, "/d/sub");
}

TEST(MountTableTest, BindJoinsThePeerGroupOfASharedSource) {
  MountTable t;
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("/a", "/b", "", MountFlags::kBind, ""));
  EXPECT_EQ(At(t, "/a").propagation, "shared:2");
  EXPECT_EQ(At(t, "/b").propagation, "shared:2");
}

TEST(MountTableTest, PropagationChanges) {
  MountTable t;
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("b", "/a/b", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("", "/a", "", MountFlags::kSlave, ""));
  EXPECT_EQ(At(t, "/a").propagation, "master:2");
  EXPECT_EQ(At(t, "/a/b").propagation, "shared:3");
  ASSERT_OK(t.Mount("", "/a", "", MountFlags::kShared, ""));
  EXPECT_EQ(At(t, "/a").propagation, "shared:4 master:2");
  ASSERT_OK(
      t.Mount("", "/", "", MountFlags::kSlave | MountFlags::kRecursive, ""));
  EXPECT_EQ(At(t, "/").propagation, "master:1");
  EXPECT_EQ(At(t, "/a").propagation, "master:4");
  EXPECT_EQ(At(t, "/a/b").propagation, "master:3");
  ASSERT_OK(t.Mount("", "/a", "", MountFlags::kUnbindable, ""));
  EXPECT_EQ(At(t, "/a").propagation, "unbindable");
  ASSERT_OK(
      t.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive, ""));
  for (const MountInfo& m : t.List()) EXPECT_EQ(m.propagation, "");
  ASSERT_OK(
      t.Mount("", "/a", "", MountFlags::kShared | MountFlags::kRecursive, ""));
  EXPECT_EQ(At(t, "/").propagation, "");
  EXPECT_EQ(At(t, "/a").propagation, "shared:5");
  EXPECT_EQ(At(t, "/a/b").propagation, "shared:6");
  // A slave of nothing stays private.
  ASSERT_OK(t.Mount("", "/", "", MountFlags::kSlave, ""));
  EXPECT_EQ(At(t, "/").propagation, "");
}

TEST(MountTableTest, PropagationErrors) {
  MountTable t;
  EXPECT_THAT(t.Mount("", "/not-a-mount", "", MountFlags::kPrivate, ""),
              HasErrno(EINVAL));
  EXPECT_THAT(
      t.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kShared, ""),
      HasErrno(EINVAL));
  EXPECT_THAT(
      t.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kNoSuid, ""),
      HasErrno(EINVAL));
  EXPECT_EQ(At(t, "/").propagation, "shared:1");
}

TEST(MountTableTest, MoveTakesSubmountsAlong) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("r", "/run/c/rootfs", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(
      t.Mount("proc", "/run/c/rootfs/proc", "proc", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("dst", "/dst", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("/run/c/rootfs", "/dst/in", "", MountFlags::kMove, ""));
  EXPECT_FALSE(t.IsMountPoint("/run/c/rootfs"));
  EXPECT_EQ(At(t, "/dst/in").source, "r");
  EXPECT_EQ(At(t, "/dst/in").parent_id, At(t, "/dst").id);
  EXPECT_EQ(At(t, "/dst/in/proc").parent_id, At(t, "/dst/in").id);
  // Moving to "/" stacks on the root, as runc --no-pivot does.
  ASSERT_OK(t.Mount("/dst/in", "/", "", MountFlags::kMove, ""));
  EXPECT_EQ(At(t, "/").source, "r");
  EXPECT_EQ(At(t, "/proc").source, "proc");
  // The list keeps mount order.
  EXPECT_THAT(Points(t), ElementsAre("/", "/", "/proc", "/dst"));
}

TEST(MountTableTest, MoveErrors) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("b", "/a/b", "tmpfs", MountFlags::kNone, ""));
  EXPECT_THAT(t.Mount("/a/x", "/c", "", MountFlags::kMove, ""),
              HasErrno(EINVAL));
  EXPECT_THAT(t.Mount("/", "/c", "", MountFlags::kMove, ""), HasErrno(EINVAL));
  EXPECT_THAT(t.Mount("/a", "/a/b/c", "", MountFlags::kMove, ""),
              HasErrno(ELOOP));
  ASSERT_OK(t.Mount("", "/a", "", MountFlags::kShared, ""));
  EXPECT_THAT(t.Mount("/a/b", "/c", "", MountFlags::kMove, ""),
              HasErrno(EINVAL));
}

TEST(MountTableTest, UmountRules) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("b", "/a/b", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("c", "/a/b/c", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("d", "/d", "tmpfs", MountFlags::kNone, ""));
  EXPECT_THAT(t.Umount("/a/b/x", UmountFlags::kNone), HasErrno(EINVAL));
  EXPECT_THAT(t.Umount("/", UmountFlags::kDetach), HasErrno(EINVAL));
  EXPECT_THAT(t.Umount("/a", UmountFlags::kNone), HasErrno(EBUSY));
  EXPECT_THAT(t.Umount("/a", UmountFlags::kForce), HasErrno(EBUSY));
  ASSERT_OK(t.Umount("/a", UmountFlags::kDetach));
  EXPECT_THAT(Points(t), ElementsAre("/", "/d"));
  ASSERT_OK(t.Umount("/d/", UmountFlags::kNone));
  EXPECT_THAT(Points(t), ElementsAre("/"));
}

TEST(MountTableTest, PivotRootLikeRunc) {
  // runc: "/" rslave, bind the rootfs onto itself, mount inside it,
  // pivot_root(".", "."), then umount2(".", MNT_DETACH).
  MountTable t;
  ASSERT_OK(t.Mount("sysfs", "/sys", "sysfs", MountFlags::kNone, ""));
  ASSERT_OK(
      t.Mount("", "/", "", MountFlags::kSlave | MountFlags::kRecursive, ""));
  const std::string rootfs = "/run/c/rootfs";
  ASSERT_OK(t.Mount(rootfs, rootfs, "",
                    MountFlags::kBind | MountFlags::kRecursive, ""));
  ASSERT_OK(t.Mount("proc", rootfs + "/proc", "proc", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("tmpfs", rootfs + "/dev", "tmpfs", MountFlags::kNone, ""));
  int rootfs_id = At(t, rootfs).id;
  ASSERT_OK(t.PivotRoot(rootfs, rootfs));
  // The old root now sits on top of the new one at "/".
  EXPECT_EQ(At(t, "/").source, "fake");
  EXPECT_EQ(At(t, "/sys").source, "sysfs");
  ASSERT_OK(t.Umount("/", UmountFlags::kDetach));
  EXPECT_THAT(Points(t), ElementsAre("/", "/proc", "/dev"));
  MountInfo root = At(t, "/");
  EXPECT_EQ(root.id, rootfs_id);
  EXPECT_EQ(root.parent_id, 0);
  EXPECT_EQ(root.root, rootfs);
  EXPECT_EQ(At(t, "/proc").parent_id, rootfs_id);
  EXPECT_THAT(t.Umount("/", UmountFlags::kDetach), HasErrno(EINVAL));
}

TEST(MountTableTest, PivotRootWithPutOld) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("new", "/new", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("newproc", "/new/proc", "proc", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("oldsys", "/sys", "sysfs", MountFlags::kNone, ""));
  ASSERT_OK(t.PivotRoot("/new", "/new/.old"));
  EXPECT_THAT(Points(t), ElementsAre("/.old", "/", "/proc", "/.old/sys"));
  EXPECT_EQ(At(t, "/").source, "new");
  EXPECT_EQ(At(t, "/.old").source, "fake");
  EXPECT_EQ(At(t, "/.old").parent_id, At(t, "/").id);
  EXPECT_EQ(At(t, "/.old/sys").parent_id, At(t, "/.old").id);
  ASSERT_OK(t.Umount("/.old", UmountFlags::kDetach));
  EXPECT_THAT(Points(t), ElementsAre("/", "/proc"));
}

TEST(MountTableTest, PivotRootErrors) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("new", "/new", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("other", "/other", "tmpfs", MountFlags::kNone, ""));
  // On the current root mount.
  EXPECT_THAT(t.PivotRoot("/", "/"), HasErrno(EBUSY));
  EXPECT_THAT(t.PivotRoot("/plain-dir", "/plain-dir/old"), HasErrno(EBUSY));
  EXPECT_THAT(t.PivotRoot("/new", "/old"), HasErrno(EBUSY));
  // A directory on another mount, not a mount point itself.
  EXPECT_THAT(t.PivotRoot("/new/sub", "/new/sub"), HasErrno(EINVAL));
  // put_old outside new_root, on another mount.
  EXPECT_THAT(t.PivotRoot("/new", "/other/old"), HasErrno(EINVAL));
  // Shared mounts are refused.
  ASSERT_OK(t.Mount("", "/new", "", MountFlags::kShared, ""));
  EXPECT_THAT(t.PivotRoot("/new", "/new"), HasErrno(EINVAL));
  EXPECT_EQ(At(t, "/").source, "fake");
}

TEST(MountTableTest, PivotRootRefusesASharedParent) {
  MountTable t;  // "/" is shared.
  ASSERT_OK(t.Mount("new", "/new", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("", "/new", "", MountFlags::kPrivate, ""));
  EXPECT_THAT(t.PivotRoot("/new", "/new"), HasErrno(EINVAL));
}

TEST(MountTableTest, CopiesAreIndependentButShareIds) {
  MountTable host;
  ASSERT_OK(host.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  MountTable container = host;
  EXPECT_EQ(At(container, "/a").propagation, "shared:2");
  ASSERT_OK(container.Mount("b", "/b", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(host.Mount("c", "/c", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(container.Umount("/a", UmountFlags::kNone));
  EXPECT_THAT(Points(host), ElementsAre("/", "/a", "/c"));
  EXPECT_THAT(Points(container), ElementsAre("/", "/b"));
  EXPECT_NE(At(host, "/c").id, At(container, "/b").id);
  EXPECT_NE(At(host, "/c").propagation, At(container, "/b").propagation);
}

TEST(MountTableTest, MountAtAndContaining) {
  MountTable t;
  EXPECT_FALSE(t.MountAt("/x").has_value());
  ASSERT_OK(t.Mount("x", "/x", "tmpfs", MountFlags::kReadOnly, ""));
  EXPECT_EQ(t.MountContaining("/x/file").options, "ro,relatime");
  EXPECT_EQ(t.MountContaining("x/file").source, "x");
  EXPECT_EQ(t.MountContaining("/").source, "fake");
}

TEST(MountTableTest, NosymfollowIsShownAfterTheAtimeOptions) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("x", "/x", "tmpfs",
                    MountFlags::kNoSymFollow | MountFlags::kNoSuid, ""));
  EXPECT_EQ(At(t, "/x").options, "rw,nosuid,relatime,nosymfollow");
}

TEST(MountTableTest, SetAttrRecursiveReachesSubmounts) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("a", "/a", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("b", "/a/b", "tmpfs", MountFlags::kNoExec, ""));
  ASSERT_OK(t.SetAttr("/a", MountFlags::kReadOnly | MountFlags::kStrictAtime,
                      MountFlags::kNoExec, /*recursive=*/true));
  EXPECT_EQ(At(t, "/a").options, "ro");
  EXPECT_EQ(At(t, "/a/b").options, "ro");
  ASSERT_OK(t.SetAttr("/a", MountFlags::kNoAtime, MountFlags::kReadOnly,
                      /*recursive=*/false));
  EXPECT_EQ(At(t, "/a").options, "rw,noatime");
  EXPECT_EQ(At(t, "/a/b").options, "ro");
}

TEST(MountTableTest, SetAttrRefusesWhatLinuxRefuses) {
  MountTable t = PrivateTable();
  EXPECT_THAT(
      t.SetAttr("/nowhere", MountFlags::kReadOnly, MountFlags::kNone, false),
      HasErrno(EINVAL));
  EXPECT_THAT(t.SetAttr("/", MountFlags::kBind, MountFlags::kNone, false),
              HasErrno(EINVAL));
  EXPECT_THAT(t.SetAttr("/", MountFlags::kNoAtime | MountFlags::kStrictAtime,
                        MountFlags::kNone, false),
              HasErrno(EINVAL));
}

TEST(MountTableTest, BindIdmappedMarksTheTopOrTheTree) {
  MountTable t = PrivateTable();
  ASSERT_OK(t.Mount("s", "/s", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.Mount("sub", "/s/sub", "tmpfs", MountFlags::kNone, ""));
  ASSERT_OK(t.BindIdmapped("/s", "/top", /*recursive_bind=*/true,
                           /*recursive_idmap=*/false));
  ASSERT_OK(t.BindIdmapped("/s", "/all", /*recursive_bind=*/true,
                           /*recursive_idmap=*/true));
  EXPECT_EQ(At(t, "/top").options, "rw,relatime,idmapped");
  EXPECT_EQ(At(t, "/top/sub").options, "rw,relatime");
  EXPECT_EQ(At(t, "/all").options, "rw,relatime,idmapped");
  EXPECT_EQ(At(t, "/all/sub").options, "rw,relatime,idmapped");
  EXPECT_EQ(At(t, "/s").options, "rw,relatime");
}

}  // namespace
}  // namespace runbox::fake
