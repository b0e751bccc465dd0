// mounts[].options as runc reads them: each known word sets or clears a
// `mount`(2) flag, propagation words are collected for a separate `mount`(2)
// call (the kernel takes them alone), "bind"/"rbind" make a bind mount, and
// every other word goes to the file system as data ("mode=755,size=64k").
#ifndef RUNBOX_RUNTIME_SANDBOX_ROOTFS_MOUNT_OPTIONS_H_
#define RUNBOX_RUNTIME_SANDBOX_ROOTFS_MOUNT_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hostapi/mounts.h"

namespace runbox::rootfs {

struct MountOptions {
  // Per-mount and superblock flags (ro, nosuid, ..., remount).
  MountFlags flags = MountFlags::kNone;
  // Propagation changes, in option order (each one a `mount`(2) call).
  std::vector<MountFlags> propagation;
  // The recursive words ("rro", "rnosuid", ...): flags to set and clear
  // with `mount_setattr`(2) AT_RECURSIVE once the mount is made (see
  // Mounts::MountSetattr; at most one atime flag in recursive_set).
  MountFlags recursive_set = MountFlags::kNone;
  MountFlags recursive_clear = MountFlags::kNone;
  bool bind = false;       // "bind" or "rbind".
  bool recursive = false;  // "rbind".
  // The options the file system parses, comma-joined.
  std::string data;
};

MountOptions ParseMountOptions(const std::vector<std::string>& options);

// The per-mount flags a /proc/self/mountinfo options field shows
// ("rw,nosuid,nodev,relatime"): what a bind remount must keep, since the
// kernel refuses to drop locked flags and runc keeps them too.
MountFlags MountInfoFlags(absl::string_view options);

}  // namespace runbox::rootfs

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_MOUNT_OPTIONS_H_
