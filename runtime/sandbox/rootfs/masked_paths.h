// After the root change: linux.maskedPaths, linux.readonlyPaths and
// read-only remounts, all through fds opened inside the root
// (safe_path.h). Masking binds /dev/null only after checking that it is
// the null device (char 1:3): an image may ship /dev/null as a symlink to
// a host-writable file such as /proc/sys/kernel/core_pattern, and a bind
// of that onto a masked path would hand the container that file (the
// CVE-2025-31133 class).
#ifndef RUNBOX_RUNTIME_SANDBOX_ROOTFS_MASKED_PATHS_H_
#define RUNBOX_RUNTIME_SANDBOX_ROOTFS_MASKED_PATHS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox::rootfs {

// /dev/null of `root`, opened O_PATH without following a symlink, and
// checked to be char device 1:3. FailedPrecondition otherwise.
absl::StatusOr<Fd> OpenVerifiedDevNull(Host& host, const Fd& root);

// Masks each existing path: a directory gets a read-only tmpfs, anything
// else a bind of the verified /dev/null. Missing paths are skipped.
absl::Status MaskPaths(Host& host, const Fd& root,
                       const std::vector<std::string>& paths);

// Binds each existing path onto itself and remounts it read-only, keeping
// the nosuid/nodev/noexec/atime flags it had.
absl::Status MakeReadonlyPaths(Host& host, const Fd& root,
                               const std::vector<std::string>& paths);

// Remounts the mount at `path` (a mount point inside `root`) read-only,
// as a bind remount that keeps its other per-mount flags.
absl::Status RemountReadOnly(Host& host, const Fd& root,
                             absl::string_view path);

}  // namespace runbox::rootfs

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_MASKED_PATHS_H_
