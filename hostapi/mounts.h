// Mounts: mount(2), umount2(2), pivot_root(2), chroot(2) and the mount table
// as /proc/self/mountinfo shows it. The fake records mounts as state of the
// caller's mount namespace; it does not redirect path lookups through them.
#ifndef RUNBOX_HOSTAPI_MOUNTS_H_
#define RUNBOX_HOSTAPI_MOUNTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/bitmask.h"
#include "hostapi/fd.h"
#include "hostapi/types.h"

namespace runbox {

// mount(2) MS_* flags.
enum class MountFlags : uint32_t {
  kNone = 0,
  kReadOnly = 1 << 0,
  kNoSuid = 1 << 1,
  kNoDev = 1 << 2,
  kNoExec = 1 << 3,
  kSynchronous = 1 << 4,
  kRemount = 1 << 5,
  kDirSync = 1 << 6,
  kNoAtime = 1 << 7,
  kNoDirAtime = 1 << 8,
  kBind = 1 << 9,
  kMove = 1 << 10,
  kRecursive = 1 << 11,
  kRelatime = 1 << 12,
  kStrictAtime = 1 << 13,
  kUnbindable = 1 << 14,
  kPrivate = 1 << 15,
  kSlave = 1 << 16,
  kShared = 1 << 17,
  kNoSymFollow = 1 << 18,  // MS_NOSYMFOLLOW (Linux 5.10+).
};
RUNBOX_BITMASK_OPS(MountFlags)

enum class UmountFlags : uint32_t {
  kNone = 0,
  kDetach = 1 << 0,  // MNT_DETACH
  kForce = 1 << 1,   // MNT_FORCE
};
RUNBOX_BITMASK_OPS(UmountFlags)

// One line of /proc/self/mountinfo.
struct MountInfo {
  int id = 0;
  int parent_id = 0;
  DeviceNumber dev;
  std::string root;         // Root of the mount within its file system.
  std::string mount_point;  // Relative to the caller's root.
  std::string options;      // Per-mount options ("rw,nosuid,relatime").
  std::string propagation;  // Optional fields ("shared:1 master:2").
  std::string fstype;
  std::string source;
  std::string super_options;
};

class Mounts {
 public:
  virtual ~Mounts() = default;

  // mount(2). Empty strings stand for NULL arguments.
  virtual absl::Status Mount(absl::string_view source, absl::string_view target,
                             absl::string_view fstype, MountFlags flags,
                             absl::string_view data) = 0;
  // umount2(2).
  virtual absl::Status Umount(absl::string_view target, UmountFlags flags) = 0;
  // pivot_root(2).
  virtual absl::Status PivotRoot(absl::string_view new_root,
                                 absl::string_view put_old) = 0;
  // chroot(2) (for --no-pivot).
  virtual absl::Status Chroot(absl::string_view path) = 0;
  // The caller's mount table (/proc/self/mountinfo), in mount order.
  virtual absl::StatusOr<std::vector<MountInfo>> ListMounts() = 0;
  // `mount_setattr`(2) (Linux 5.12+) on the mount at `path` (which must be
  // a mount point: EINVAL otherwise) and, if `recursive` (AT_RECURSIVE), on
  // every mount below it. `set` and `clear` take the per-mount flags
  // kReadOnly, kNoSuid, kNoDev, kNoExec, kNoDirAtime and kNoSymFollow; the
  // atime setting is one value, so at most one of kNoAtime, kRelatime and
  // kStrictAtime in `set` replaces it (atime bits in `clear` are ignored).
  // Other flags: EINVAL.
  virtual absl::Status MountSetattr(absl::string_view path, MountFlags set,
                                    MountFlags clear, bool recursive) = 0;
  // An idmapped bind mount (Linux 5.12+): a detached copy of the mount at
  // `source` (`open_tree`(2) OPEN_TREE_CLONE; with its submounts if
  // `recursive_bind`, AT_RECURSIVE), given the idmapping of the user
  // namespace `userns` (an OpenNamespace fd) by `mount_setattr`(2)
  // MOUNT_ATTR_IDMAP (on its submounts too if `recursive_idmap`), then
  // attached on `target` (`move_mount`(2)). mountinfo shows "idmapped" in
  // the idmapped mounts' options. EINVAL if `userns` is not a user
  // namespace; EPERM without CAP_SYS_ADMIN over the source's file system.
  virtual absl::Status MountIdmapped(absl::string_view source,
                                     absl::string_view target, const Fd& userns,
                                     bool recursive_bind,
                                     bool recursive_idmap) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_MOUNTS_H_
