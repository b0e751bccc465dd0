// Reads and writes of procfs files that a mount cannot redirect. runc's
// CVE-2019-19921 and CVE-2025-52881 came from writing a /proc path that a
// container had replaced with a symlink or covered with a bind mount (of a
// file elsewhere, even of another procfs file such as
// /proc/sys/kernel/core_pattern), so every open here starts from a fresh
// O_PATH handle on /proc that must be the root of a procfs mount, resolves
// without symlinks, magic links or mount crossings (openat2 RESOLVE_BENEATH
// | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV), and
// checks the opened file is on procfs. Any violation is EXDEV (ELOOP for a
// symlink on the path). Private to hostapi/linux.
#ifndef RUNBOX_HOSTAPI_LINUX_SAFE_PROCFS_H_
#define RUNBOX_HOSTAPI_LINUX_SAFE_PROCFS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox::linux_internal {

// `relative` is below /proc ("sys/kernel/cap_last_cap", "123/uid_map").
// "self/..." names the caller: /proc/self is a symlink, so it is read once
// (readlinkat) and replaced by the pid it names in that procfs instance.
absl::StatusOr<std::string> ReadProcFile(absl::string_view relative);
// One write(2) of `data` (procfs files take a value in one write; a short
// write is EIO).
absl::Status WriteProcFile(absl::string_view relative, absl::string_view data);

}  // namespace runbox::linux_internal

#endif  // RUNBOX_HOSTAPI_LINUX_SAFE_PROCFS_H_
