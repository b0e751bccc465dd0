// Paths inside the container's root, resolved the way the kernel resolves
// them for the container: `openat2`(2) with RESOLVE_IN_ROOT from an fd of
// the root, so ".." and absolute symlinks stay inside it, and no
// /proc/*/fd magic link can jump out. Mounts then target the opened fd
// through /proc/self/fd/N, so swapping a path component for a symlink after
// the check cannot redirect the mount (the CVE-2021-30465 class).
#ifndef RUNBOX_RUNTIME_SANDBOX_ROOTFS_SAFE_PATH_H_
#define RUNBOX_RUNTIME_SANDBOX_ROOTFS_SAFE_PATH_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox::rootfs {

// "/proc/self/fd/N": the path that names what `fd` names.
std::string ProcFdPath(const Fd& fd);

// Opens `path` (absolute or not, taken from `root` either way) inside
// `root` with `flags` (kPath usually), RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS.
absl::StatusOr<Fd> OpenInRoot(Host& host, const Fd& root,
                              absl::string_view path, OpenFlags flags);

// mkdir -p of `path` inside `root`: each component is opened from `root`
// with OpenInRoot and, if missing, made with `mkdirat`(2) in the directory
// its parent resolved to. A dangling symlink on the way fails (ENOENT):
// where it points is not created. Returns an O_PATH fd of the directory.
absl::StatusOr<Fd> MkdirAllInRoot(Host& host, const Fd& root,
                                  absl::string_view path, uint32_t mode);

// What a mount target must be: a directory, or a file (the target of a
// file bind mount: /etc/resolv.conf, a device node).
enum class TargetKind { kDirectory, kFile };

// Opens (O_PATH) the mount target `path` inside `root`, creating the
// missing directories and, for kFile, an empty file. An existing target
// of the other kind is returned as it is (the mount call reports the
// mismatch, as on runc).
absl::StatusOr<Fd> OpenMountTarget(Host& host, const Fd& root,
                                   absl::string_view path, TargetKind kind);

}  // namespace runbox::rootfs

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_SAFE_PATH_H_
