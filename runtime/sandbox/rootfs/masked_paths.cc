// Masked and read-only paths; see masked_paths.h.
#include "runtime/sandbox/rootfs/masked_paths.h"

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/rootfs/mount_options.h"
#include "runtime/sandbox/rootfs/safe_path.h"

namespace runbox::rootfs {
namespace {

constexpr DeviceNumber kNullDevice{1, 3};
constexpr MountFlags kKeptFlags =
    MountFlags::kNoSuid | MountFlags::kNoDev | MountFlags::kNoExec |
    MountFlags::kNoAtime | MountFlags::kNoDirAtime | MountFlags::kRelatime;

// The per-mount flags of the top mount at `path`, from the mount table
// (kNone when `path` is not listed as a mount point, e.g. reached through
// a symlink: nothing is kept then, which only matters where the kernel
// locked a flag).
absl::StatusOr<MountFlags> FlagsOfMountAt(Host& host, absl::string_view path) {
  ASSIGN_OR_RETURN(std::vector<MountInfo> mounts, host.ListMounts());
  MountFlags flags = MountFlags::kNone;
  for (const MountInfo& m : mounts) {
    if (m.mount_point == path) flags = MountInfoFlags(m.options);
  }
  return flags & kKeptFlags;
}

}  // namespace

absl::StatusOr<Fd> OpenVerifiedDevNull(Host& host, const Fd& root) {
  ASSIGN_OR_RETURN(Fd null,
                   OpenInRoot(host, root, "/dev/null",
                              OpenFlags::kPath | OpenFlags::kNoFollow));
  ASSIGN_OR_RETURN(FileStat st, host.FStat(null));
  if (st.type != FileType::kCharDevice || !(st.rdev == kNullDevice)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to mask paths with the container's /dev/null: it is a ",
        ToString(st.type), " (", st.rdev.major, ":", st.rdev.minor,
        "), not the null device 1:3"));
  }
  return null;
}

absl::Status MaskPaths(Host& host, const Fd& root,
                       const std::vector<std::string>& paths) {
  if (paths.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Fd null, OpenVerifiedDevNull(host, root));
  for (const std::string& path : paths) {
    absl::StatusOr<Fd> target = OpenInRoot(host, root, path, OpenFlags::kPath);
    // Nothing there (or a file where the path wants a directory): nothing
    // to hide.
    if (IsErrno(target, ENOENT) || IsErrno(target, ENOTDIR)) continue;
    const std::string what = absl::StrCat("mask \"", path, "\"");
    if (!target.ok()) return Annotate(target.status(), what);
    ASSIGN_OR_RETURN(FileStat st, host.FStat(*target));
    absl::Status s = st.type == FileType::kDirectory
                         ? host.Mount("tmpfs", ProcFdPath(*target), "tmpfs",
                                      MountFlags::kReadOnly, "")
                         : host.Mount(ProcFdPath(null), ProcFdPath(*target), "",
                                      MountFlags::kBind, "");
    RETURN_IF_ERROR(Annotate(s, what));
  }
  return absl::OkStatus();
}

absl::Status MakeReadonlyPaths(Host& host, const Fd& root,
                               const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    absl::StatusOr<Fd> target = OpenInRoot(host, root, path, OpenFlags::kPath);
    if (IsErrno(target, ENOENT) || IsErrno(target, ENOTDIR)) continue;
    const std::string what = absl::StrCat("make \"", path, "\" read-only");
    if (!target.ok()) return Annotate(target.status(), what);
    RETURN_IF_ERROR(
        Annotate(host.Mount(ProcFdPath(*target), ProcFdPath(*target), "",
                            MountFlags::kBind | MountFlags::kRecursive, ""),
                 what));
    RETURN_IF_ERROR(Annotate(RemountReadOnly(host, root, path), what));
  }
  return absl::OkStatus();
}

absl::Status RemountReadOnly(Host& host, const Fd& root,
                             absl::string_view path) {
  ASSIGN_OR_RETURN(MountFlags kept, FlagsOfMountAt(host, path));
  // Reopened: an fd from before the mount names what it covers.
  ASSIGN_OR_RETURN(Fd top, OpenInRoot(host, root, path, OpenFlags::kPath));
  return Annotate(host.Mount("", ProcFdPath(top), "",
                             MountFlags::kBind | MountFlags::kRemount |
                                 MountFlags::kReadOnly | kept,
                             ""),
                  absl::StrCat("remount \"", path, "\" read-only"));
}

}  // namespace runbox::rootfs
