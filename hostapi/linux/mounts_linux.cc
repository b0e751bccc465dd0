// LinuxHost's Mounts: mount(2), umount2(2), pivot_root(2), chroot(2), and
// the mount table read from /proc/self/mountinfo (parsed in mountinfo.cc).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/linux/mountinfo.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::PathError;

namespace {

// mount(2) takes NULL for "none": empty strings stand for it.
const char* OrNull(const std::string& s) {
  return s.empty() ? nullptr : s.c_str();
}

constexpr MountFlags kAtime =
    MountFlags::kNoAtime | MountFlags::kRelatime | MountFlags::kStrictAtime;

// The MOUNT_ATTR_* bits of `flags`' per-mount flags other than atime;
// false if `flags` has others.
bool ToMountAttrs(MountFlags flags, uint64_t* out) {
  struct Entry {
    MountFlags flag;
    uint64_t attr;
  };
  static constexpr Entry kTable[] = {
      {MountFlags::kReadOnly, MOUNT_ATTR_RDONLY},
      {MountFlags::kNoSuid, MOUNT_ATTR_NOSUID},
      {MountFlags::kNoDev, MOUNT_ATTR_NODEV},
      {MountFlags::kNoExec, MOUNT_ATTR_NOEXEC},
      {MountFlags::kNoDirAtime, MOUNT_ATTR_NODIRATIME},
      {MountFlags::kNoSymFollow, MOUNT_ATTR_NOSYMFOLLOW},
  };
  MountFlags known = kAtime;
  for (const Entry& e : kTable) {
    known |= e.flag;
    if (Has(flags, e.flag)) *out |= e.attr;
  }
  return (flags & ~known) == MountFlags::kNone;
}

}  // namespace

absl::Status LinuxHost::Mount(absl::string_view source,
                              absl::string_view target,
                              absl::string_view fstype, MountFlags flags,
                              absl::string_view data) {
  std::string src(source);
  std::string dst(target);
  std::string type(fstype);
  std::string options(data);
  int rc = mount(OrNull(src), dst.c_str(), OrNull(type),
                 linux_internal::ToMountFlags(flags), OrNull(options));
  int err = errno;
  if (rc != 0) {
    return ErrnoError(err,
                      absl::StrCat("mount \"", source, "\" on \"", target, "\"",
                                   fstype.empty() ? "" : " type ", fstype));
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::Umount(absl::string_view target, UmountFlags flags) {
  std::string dst(target);
  int rc = umount2(dst.c_str(), linux_internal::ToUmountFlags(flags));
  int err = errno;
  if (rc != 0) return PathError(err, "umount2", target);
  return absl::OkStatus();
}

absl::Status LinuxHost::PivotRoot(absl::string_view new_root,
                                  absl::string_view put_old) {
  std::string n(new_root);
  std::string o(put_old);
  long rc = syscall(SYS_pivot_root, n.c_str(), o.c_str());
  int err = errno;
  if (rc != 0) {
    return ErrnoError(
        err, absl::StrCat("pivot_root \"", new_root, "\" \"", put_old, "\""));
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::Chroot(absl::string_view path) {
  std::string p(path);
  int rc = chroot(p.c_str());
  int err = errno;
  if (rc != 0) return PathError(err, "chroot", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::MountSetattr(absl::string_view path, MountFlags set,
                                     MountFlags clear, bool recursive) {
  struct mount_attr attr = {};
  uint64_t set_bits = 0;
  uint64_t clear_bits = 0;
  if (!ToMountAttrs(set, &set_bits) || !ToMountAttrs(clear, &clear_bits)) {
    return PathError(EINVAL, "mount_setattr (flags)", path);
  }
  // The atime setting is an enum: a new one is set with the whole field
  // cleared.
  MountFlags atime = set & kAtime;
  if (atime != MountFlags::kNone) {
    clear_bits |= MOUNT_ATTR__ATIME;
    if (atime == MountFlags::kNoAtime) {
      set_bits |= MOUNT_ATTR_NOATIME;
    } else if (atime == MountFlags::kStrictAtime) {
      set_bits |= MOUNT_ATTR_STRICTATIME;
    } else if (atime == MountFlags::kRelatime) {
      set_bits |= MOUNT_ATTR_RELATIME;
    } else {
      return PathError(EINVAL, "mount_setattr (atime)", path);
    }
  }
  attr.attr_set = set_bits;
  attr.attr_clr = clear_bits;
  std::string p(path);
  int rc = mount_setattr(AT_FDCWD, p.c_str(), recursive ? AT_RECURSIVE : 0,
                         &attr, sizeof(attr));
  int err = errno;
  if (rc != 0) return PathError(err, "mount_setattr", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::MountIdmapped(absl::string_view source,
                                      absl::string_view target,
                                      const Fd& userns, bool recursive_bind,
                                      bool recursive_idmap) {
  std::string from(source);
  std::string to(target);
  unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if (recursive_bind) tree_flags |= AT_RECURSIVE;
  int tree = static_cast<int>(
      syscall(SYS_open_tree, AT_FDCWD, from.c_str(), tree_flags));
  int err = errno;
  if (tree < 0) return PathError(err, "open_tree", source);
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(userns.get());
  int rc = mount_setattr(tree, "",
                         AT_EMPTY_PATH | (recursive_idmap ? AT_RECURSIVE : 0),
                         &attr, sizeof(attr));
  err = errno;
  if (rc != 0) {
    close(tree);
    return PathError(err, "mount_setattr (MOUNT_ATTR_IDMAP)", source);
  }
  rc = static_cast<int>(
      syscall(SYS_move_mount, tree, "", AT_FDCWD, to.c_str(),
              MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS));
  err = errno;
  close(tree);
  if (rc != 0) return PathError(err, "move_mount", target);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MountInfo>> LinuxHost::ListMounts() {
  constexpr const char* kPath = "/proc/self/mountinfo";
  absl::StatusOr<std::string> content = linux_internal::ReadWholeFile(kPath);
  if (!content.ok()) return content.status();
  absl::StatusOr<std::vector<MountInfo>> mounts = ParseMountInfo(*content);
  if (!mounts.ok()) return Annotate(mounts.status(), kPath);
  return mounts;
}

}  // namespace runbox
