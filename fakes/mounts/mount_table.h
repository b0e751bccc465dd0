// One mount namespace's mount table, as mount(2), umount2(2) and
// `pivot_root`(2) change it and /proc/self/mountinfo shows it. A record only:
// the file system does not route lookups through it, target existence and
// permission checks are the kernel's, and mount events do not propagate
// between namespaces (propagation types are recorded and shown).
#ifndef RUNBOX_FAKES_MOUNTS_MOUNT_TABLE_H_
#define RUNBOX_FAKES_MOUNTS_MOUNT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hostapi/mounts.h"
#include "hostapi/types.h"

namespace runbox::fake {

// A value type: a new mount namespace starts as a copy of its parent's
// table (CLONE_NEWNS), keeping mount ids and peer groups, so shared mounts
// stay peers of the originals ("shared:N" in both). Copies draw new mount
// ids and peer-group ids from one counter, so ids stay unique across
// namespaces, as on Linux.
//
// Paths are absolute and normalized lexically ("//a/./b/" is "/a/b"); the
// kernel resolves symlinks and /proc/self/fd/N targets before calling.
// A relative path fails EINVAL.
class MountTable {
 public:
  // One root mount: id 1, "/", fstype "rootfs", source "fake", "rw,relatime"
  // and shared:1 (a systemd host's "/" is shared).
  MountTable();

  // mount(2), with Linux's precedence among flag combinations:
  //  - kRemount|kBind: changes the per-mount flags of the top mount at
  //    `target` (EINVAL if `target` is not a mount point).
  //  - kRemount: likewise, and also the superblock options (`data`, ro,
  //    sync, dirsync). Without an atime flag the atime setting is kept.
  //  - kBind: mounts the subtree at `source` on `target`, copying the
  //    source mount's device, fstype, flags and peer group; the new
  //    mount's root is the source's path within its file system. Flags
  //    other than kRecursive are ignored (read-only binds take a remount).
  //    kRecursive also copies the submounts below `source`, skipping
  //    unbindable ones. EINVAL if the source mount is unbindable.
  //  - kShared/kPrivate/kSlave/kUnbindable (exactly one, optionally with
  //    kRecursive, nothing else: EINVAL): changes the propagation of the
  //    mount at `target` (EINVAL if not a mount point) and, with
  //    kRecursive, of every mount below it. kSlave turns a shared mount
  //    into a slave of its own peer group (the peers are assumed to live
  //    in another namespace; the fake cannot see them).
  //  - kMove: moves the mount at `source` (EINVAL if not a mount point, if
  //    it is the namespace root, or if its parent is shared) with its
  //    submounts to `target` (ELOOP into itself).
  //  - otherwise a new mount of `fstype` (EINVAL if empty) from `source`.
  // New and moved mounts under a shared parent become shared (fresh peer
  // groups), as Linux's attach does. Options default to relatime.
  absl::Status Mount(absl::string_view source, absl::string_view target,
                     absl::string_view fstype, MountFlags flags,
                     absl::string_view data);

  // `mount_setattr`(2): clears then sets per-mount flags (see
  // Mounts::MountSetattr) of the top mount at `path` (EINVAL if not a mount
  // point) and, if `recursive`, of every mount below it.
  absl::Status SetAttr(absl::string_view path, MountFlags set, MountFlags clear,
                       bool recursive);

  // An idmapped bind (Mounts::MountIdmapped): Bind of `source` on
  // `target` (with submounts if `recursive_bind`), the new top mount (and
  // its copied submounts if `recursive_idmap`) shown "idmapped". The
  // mapping itself is not modelled: file owners read the same through it.
  absl::Status BindIdmapped(const std::string& source,
                            const std::string& target, bool recursive_bind,
                            bool recursive_idmap);

  // umount2(2): removes the top mount at `target`. EINVAL if `target` is not
  // a mount point or is the namespace root; EBUSY if mounts sit below it,
  // unless kDetach, which removes them too. kForce changes nothing.
  absl::Status Umount(absl::string_view target, UmountFlags flags);

  // `pivot_root`(2): the mount at `new_root` becomes the root mount and the
  // old root mount (with its other submounts) moves to `put_old`, which
  // must be at or under `new_root` (EINVAL); put_old == new_root stacks
  // the old root on the new one (runc's `pivot_root`(".", ".")). EBUSY if
  // new_root or put_old lies on the current root mount (new_root "/" or a
  // plain directory on it); EINVAL if new_root is not a mount point, or if
  // the mount of put_old, the parent of new_root's mount is shared.
  absl::Status PivotRoot(absl::string_view new_root, absl::string_view put_old);

  // /proc/self/mountinfo, in mount order. The namespace root's parent_id is
  // 0 (its parent is outside the namespace). Options: "ro"/"rw", then
  // nosuid, nodev, noexec, noatime, nodiratime, relatime, nosymfollow as
  // set.
  // Propagation: "shared:N", "master:N", both, "unbindable" or "".
  // super_options: "ro"/"rw", sync, dirsync, then `data`.
  std::vector<MountInfo> List() const;

  // Whether a visible mount sits exactly at `path`.
  bool IsMountPoint(absl::string_view path) const;
  // The top mount at `path`, if it is a mount point.
  std::optional<MountInfo> MountAt(absl::string_view path) const;
  // The mount `path` lies on (for EROFS, nosuid, noexec checks). Relative
  // paths are taken from "/".
  MountInfo MountContaining(absl::string_view path) const;

 private:
  struct Entry {
    int id = 0;
    int parent_id = 0;  // 0: the namespace root.
    DeviceNumber dev;
    std::string root;
    std::string mount_point;
    std::string fstype;
    std::string source;
    std::string data;
    // Per-mount: kReadOnly, kNoSuid, kNoDev, kNoExec, kNoAtime,
    // kNoDirAtime, kRelatime, kNoSymFollow.
    MountFlags mount_flags = MountFlags::kNone;
    // Superblock: kReadOnly, kSynchronous, kDirSync.
    MountFlags sb_flags = MountFlags::kNone;
    int shared_id = 0;  // Peer group, 0 if not shared.
    int master_id = 0;  // Peer group we receive from, 0 if not a slave.
    bool unbindable = false;
    bool idmapped = false;  // ",idmapped" after the per-mount options.
  };
  // Shared by copies of a table (see the class comment).
  struct Counters {
    int next_mount_id = 1;
    int next_group_id = 1;
    uint32_t next_anon_minor = 1;
  };
  static constexpr size_t kNone = static_cast<size_t>(-1);

  absl::Status Reconfigure(const std::string& target, MountFlags flags,
                           absl::string_view data, bool superblock);
  absl::Status Bind(const std::string& source, const std::string& target,
                    bool recursive);
  absl::Status ChangePropagation(const std::string& target, MountFlags flags);
  absl::Status Move(const std::string& source, const std::string& target);
  absl::Status NewMount(absl::string_view source, const std::string& target,
                        absl::string_view fstype, MountFlags flags,
                        absl::string_view data);

  size_t IndexOf(int id) const;
  size_t RootIndex() const;
  // The child of entries_[parent] mounted at `path`, if any.
  size_t ChildAt(size_t parent, const std::string& path) const;
  // The index of the mount `path` lies on, following stacked mounts.
  size_t Resolve(const std::string& path) const;
  // The top mount at `path`, or kNone if `path` is not a mount point.
  size_t TopAt(const std::string& path) const;
  // entries_[index] and every mount below it, in list order.
  std::vector<size_t> Subtree(size_t index) const;
  bool IsShared(int id) const;
  // Gives a fresh peer group to each of `indices` that has none.
  void MakeShared(const std::vector<size_t>& indices);
  MountInfo Info(const Entry& e) const;

  std::shared_ptr<Counters> counters_;
  std::vector<Entry> entries_;  // In mount order.
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_MOUNTS_MOUNT_TABLE_H_
