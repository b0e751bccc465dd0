// LinuxHost's Mounts: mount(2), umount2(2), pivot_root(2), chroot(2), and
// the mount table read from /proc/self/mountinfo (parsed in mountinfo.cc).
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
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

absl::StatusOr<std::vector<MountInfo>> LinuxHost::ListMounts() {
  constexpr const char* kPath = "/proc/self/mountinfo";
  absl::StatusOr<std::string> content = linux_internal::ReadWholeFile(kPath);
  if (!content.ok()) return content.status();
  absl::StatusOr<std::vector<MountInfo>> mounts = ParseMountInfo(*content);
  if (!mounts.ok()) return Annotate(mounts.status(), kPath);
  return mounts;
}

}  // namespace runbox
