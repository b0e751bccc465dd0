// Safe procfs access: see safe_procfs.h.
#include "hostapi/linux/safe_procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

namespace runbox::linux_internal {
namespace {

// Closes on scope exit; these fds never leave this file.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool IsProcfs(int fd) {
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return false;
  return static_cast<unsigned long>(fs.f_type) == PROC_SUPER_MAGIC;
}

// The root of the procfs mount at /proc, as an O_PATH handle. A fresh one
// per call: a cached handle would outlive a pivot_root and could leak into
// the container (the CVE-2024-21626 class).
absl::StatusOr<int> OpenProcRoot() {
  int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  int err = errno;
  if (fd < 0) return PathError(err, "open", "/proc");
  if (!IsProcfs(fd)) {
    close(fd);
    return PathError(EXDEV, "open (not procfs)", "/proc");
  }
  return fd;
}

// openat2 beneath `root` without symlinks or mount crossings; on a kernel
// without openat2 (before 5.6), openat with O_NOFOLLOW, which only guards
// the last component: the procfs check afterwards still catches a mount of
// another file system.
int OpenBeneath(int root, const std::string& relative, int flags) {
  struct open_how how;
  std::memset(&how, 0, sizeof(how));
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                RESOLVE_NO_XDEV;
  while (true) {
    long fd = syscall(SYS_openat2, root, relative.c_str(), &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || errno == EAGAIN) continue;
    if (errno != ENOSYS) return -1;
    return openat(root, relative.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
  }
}

// "self/x" -> "<pid>/x" as that procfs instance numbers the caller.
absl::StatusOr<std::string> ResolveSelf(int root, absl::string_view relative) {
  if (relative != "self" && !absl::StartsWith(relative, "self/")) {
    return std::string(relative);
  }
  char pid[32];
  ssize_t n = readlinkat(root, "self", pid, sizeof(pid) - 1);
  int err = errno;
  if (n < 0) return PathError(err, "readlink", "/proc/self");
  std::string target(pid, static_cast<size_t>(n));
  // Only a pid: anything else is not what procfs puts there.
  if (target.empty() ||
      target.find_first_not_of("0123456789") != std::string::npos) {
    return PathError(EXDEV, "readlink (not a pid)", "/proc/self");
  }
  return absl::StrCat(target, relative.substr(4));
}

absl::StatusOr<int> OpenProcFile(absl::string_view relative, int flags) {
  ASSIGN_OR_RETURN(int root_fd, OpenProcRoot());
  ScopedFd root(root_fd);
  ASSIGN_OR_RETURN(std::string path, ResolveSelf(root.get(), relative));
  std::string shown = absl::StrCat("/proc/", relative);
  int fd = OpenBeneath(root.get(), path, flags);
  int err = errno;
  if (fd < 0) return PathError(err, "openat2", shown);
  if (!IsProcfs(fd)) {
    close(fd);
    return PathError(EXDEV, "openat2 (not procfs)", shown);
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::string> ReadProcFile(absl::string_view relative) {
  ASSIGN_OR_RETURN(int raw, OpenProcFile(relative, O_RDONLY));
  ScopedFd fd(raw);
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = read(fd.get(), buf, sizeof(buf));
    int err = errno;
    if (n < 0 && err == EINTR) continue;
    if (n < 0) return PathError(err, "read", absl::StrCat("/proc/", relative));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

absl::Status WriteProcFile(absl::string_view relative, absl::string_view data) {
  ASSIGN_OR_RETURN(int raw, OpenProcFile(relative, O_WRONLY));
  ScopedFd fd(raw);
  while (true) {
    ssize_t n = write(fd.get(), data.data(), data.size());
    int err = errno;
    if (n < 0 && err == EINTR) continue;
    std::string shown = absl::StrCat("/proc/", relative);
    if (n < 0) return PathError(err, "write", shown);
    if (static_cast<size_t>(n) != data.size()) {
      return PathError(EIO, "write (short)", shown);
    }
    return absl::OkStatus();
  }
}

}  // namespace runbox::linux_internal
