#include "runtime/sandbox/rootfs/mount_options.h"

#include "gtest/gtest.h"

namespace runbox::rootfs {
namespace {

TEST(ParseMountOptionsTest, FlagsDataAndPropagation) {
  MountOptions o = ParseMountOptions(
      {"nosuid", "noexec", "ro", "mode=755", "size=65536k", "rslave"});
  EXPECT_EQ(o.flags,
            MountFlags::kNoSuid | MountFlags::kNoExec | MountFlags::kReadOnly);
  EXPECT_EQ(o.data, "mode=755,size=65536k");
  ASSERT_EQ(o.propagation.size(), 1u);
  EXPECT_EQ(o.propagation[0], MountFlags::kSlave | MountFlags::kRecursive);
  EXPECT_FALSE(o.bind);
}

TEST(ParseMountOptionsTest, LaterWordsUndoEarlierOnes) {
  MountOptions o = ParseMountOptions({"ro", "rw", "nodev", "dev", "exec"});
  EXPECT_EQ(o.flags, MountFlags::kNone);
  EXPECT_EQ(o.data, "");
}

TEST(ParseMountOptionsTest, BindAndRbind) {
  MountOptions bind = ParseMountOptions({"bind", "ro"});
  EXPECT_TRUE(bind.bind);
  EXPECT_FALSE(bind.recursive);
  MountOptions rbind = ParseMountOptions({"rbind"});
  EXPECT_TRUE(rbind.bind);
  EXPECT_TRUE(rbind.recursive);
}

TEST(ParseMountOptionsTest, AtimeWords) {
  EXPECT_EQ(ParseMountOptions({"strictatime"}).flags, MountFlags::kStrictAtime);
  EXPECT_EQ(ParseMountOptions({"relatime", "norelatime"}).flags,
            MountFlags::kNone);
  EXPECT_EQ(ParseMountOptions({"noatime", "nodiratime"}).flags,
            MountFlags::kNoAtime | MountFlags::kNoDirAtime);
}

TEST(ParseMountOptionsTest, NosymfollowAndSymfollow) {
  EXPECT_EQ(ParseMountOptions({"nosymfollow"}).flags, MountFlags::kNoSymFollow);
  MountOptions o = ParseMountOptions({"nosymfollow", "symfollow"});
  EXPECT_EQ(o.flags, MountFlags::kNone);
  EXPECT_EQ(o.data, "");
}

TEST(ParseMountOptionsTest, RecursiveWordsSetAndClear) {
  MountOptions o = ParseMountOptions(
      {"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"});
  EXPECT_EQ(o.recursive_set, MountFlags::kReadOnly | MountFlags::kNoSuid |
                                 MountFlags::kNoDev | MountFlags::kNoExec |
                                 MountFlags::kNoDirAtime |
                                 MountFlags::kNoSymFollow);
  EXPECT_EQ(o.recursive_clear, MountFlags::kNone);
  EXPECT_EQ(o.flags, MountFlags::kNone);
  EXPECT_EQ(o.data, "");
  MountOptions c = ParseMountOptions(
      {"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"});
  EXPECT_EQ(c.recursive_set, MountFlags::kNone);
  EXPECT_EQ(c.recursive_clear, MountFlags::kReadOnly | MountFlags::kNoSuid |
                                   MountFlags::kNoDev | MountFlags::kNoExec |
                                   MountFlags::kNoDirAtime |
                                   MountFlags::kNoSymFollow);
}

TEST(ParseMountOptionsTest, RecursiveAtimeWordsChooseOneSetting) {
  EXPECT_EQ(ParseMountOptions({"rnoatime"}).recursive_set,
            MountFlags::kNoAtime);
  EXPECT_EQ(ParseMountOptions({"rnoatime", "rstrictatime"}).recursive_set,
            MountFlags::kStrictAtime);
  EXPECT_EQ(ParseMountOptions({"rnorelatime"}).recursive_set,
            MountFlags::kStrictAtime);
  for (const char* word : {"ratime", "rrelatime", "rnostrictatime"}) {
    EXPECT_EQ(ParseMountOptions({"rnoatime", word}).recursive_set,
              MountFlags::kRelatime)
        << word;
  }
}

TEST(ParseMountOptionsTest, IdmapWordsNeverReachTheFileSystem) {
  EXPECT_EQ(ParseMountOptions({"idmap", "ridmap"}).data, "");
}

TEST(MountInfoFlagsTest, ReadsPerMountOptions) {
  EXPECT_EQ(MountInfoFlags("ro,nosuid,nodev,noexec,relatime"),
            MountFlags::kReadOnly | MountFlags::kNoSuid | MountFlags::kNoDev |
                MountFlags::kNoExec | MountFlags::kRelatime);
  EXPECT_EQ(MountInfoFlags("rw"), MountFlags::kNone);
  EXPECT_EQ(MountInfoFlags("rw,relatime,nosymfollow"),
            MountFlags::kRelatime | MountFlags::kNoSymFollow);
}

}  // namespace
}  // namespace runbox::rootfs
