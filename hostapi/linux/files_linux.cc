// LinuxHost's Files: openat2, read/write, fsync, rename/unlink/mkdir/mknod/
// symlink/link, stat, getdents64, dup, pipes, memfds and poll. Reads and
// writes restart on EINTR, as the runtime's callers want; every fd returned
// is close-on-exec unless the caller asked for kKeepOnExec.
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::CallError;
using linux_internal::FdError;
using linux_internal::PathError;

namespace {

// Most callers pass short literals or names; a std::string gives the
// NUL-terminated copy that the kernel needs.
std::string CStr(absl::string_view s) { return std::string(s); }

}  // namespace

namespace linux_internal {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) return PathError(err, "open", path);
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    err = errno;
    if (n < 0 && err == EINTR) continue;
    if (n < 0) {
      close(fd);
      return PathError(err, "read", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

}  // namespace linux_internal

void LinuxHost::CloseFd(int fd) noexcept {
  // Linux releases the descriptor even when close fails (also on EINTR), so
  // retrying could close someone else's fd.
  close(fd);
}

absl::StatusOr<Fd> LinuxHost::OpenAt(const Fd& dir, absl::string_view path,
                                     const OpenHow& how) {
  std::string p = CStr(path);
  struct open_how kernel_how;
  std::memset(&kernel_how, 0, sizeof(kernel_how));
  kernel_how.flags = static_cast<uint64_t>(
      static_cast<unsigned int>(linux_internal::ToOpenFlags(how.flags)));
  // openat2 rejects a mode without O_CREAT (unlike openat, which ignores it).
  if (Has(how.flags, OpenFlags::kCreate)) kernel_how.mode = how.mode & 07777;
  kernel_how.resolve = linux_internal::ToResolveFlags(how.resolve);
  while (true) {
    long fd = syscall(SYS_openat2, dir.get(), p.c_str(), &kernel_how,
                      sizeof(kernel_how));
    int err = errno;
    if (fd >= 0) return Own(static_cast<int>(fd));
    // Opening a FIFO or a tty can block and so be interrupted.
    if (err == EINTR) continue;
    return PathError(err, "openat2", path);
  }
}

absl::Status LinuxHost::Close(Fd fd) {
  int n = fd.Release();
  if (n < 0) return FdError(EBADF, "close", n);
  int rc = close(n);
  int err = errno;
  // EINTR: the fd is gone anyway (see CloseFd); not an error for callers.
  if (rc != 0 && err != EINTR) return FdError(err, "close", n);
  return absl::OkStatus();
}

absl::StatusOr<size_t> LinuxHost::Read(const Fd& fd, absl::Span<char> buf) {
  while (true) {
    ssize_t n = read(fd.get(), buf.data(), buf.size());
    int err = errno;
    if (n >= 0) return static_cast<size_t>(n);
    if (err == EINTR) continue;
    return FdError(err, "read", fd.get());
  }
}

absl::StatusOr<size_t> LinuxHost::Write(const Fd& fd,
                                        absl::Span<const char> bytes) {
  while (true) {
    ssize_t n = write(fd.get(), bytes.data(), bytes.size());
    int err = errno;
    if (n >= 0) return static_cast<size_t>(n);
    if (err == EINTR) continue;
    return FdError(err, "write", fd.get());
  }
}

absl::StatusOr<size_t> LinuxHost::PRead(const Fd& fd, absl::Span<char> buf,
                                        int64_t offset) {
  while (true) {
    ssize_t n = pread(fd.get(), buf.data(), buf.size(), offset);
    int err = errno;
    if (n >= 0) return static_cast<size_t>(n);
    if (err == EINTR) continue;
    return FdError(err, "pread", fd.get());
  }
}

absl::StatusOr<size_t> LinuxHost::PWrite(const Fd& fd,
                                         absl::Span<const char> bytes,
                                         int64_t offset) {
  while (true) {
    ssize_t n = pwrite(fd.get(), bytes.data(), bytes.size(), offset);
    int err = errno;
    if (n >= 0) return static_cast<size_t>(n);
    if (err == EINTR) continue;
    return FdError(err, "pwrite", fd.get());
  }
}

absl::Status LinuxHost::Fsync(const Fd& fd) {
  int rc = fsync(fd.get());
  int err = errno;
  // No retry on EINTR: after a failed fsync the dirty state is unknown, so
  // the caller must decide (it usually treats the save as failed).
  if (rc != 0) return FdError(err, "fsync", fd.get());
  return absl::OkStatus();
}

absl::Status LinuxHost::Fdatasync(const Fd& fd) {
  int rc = fdatasync(fd.get());
  int err = errno;
  if (rc != 0) return FdError(err, "fdatasync", fd.get());
  return absl::OkStatus();
}

absl::Status LinuxHost::Ftruncate(const Fd& fd, int64_t length) {
  while (true) {
    int rc = ftruncate(fd.get(), length);
    int err = errno;
    if (rc == 0) return absl::OkStatus();
    if (err == EINTR) continue;
    return FdError(err, "ftruncate", fd.get());
  }
}

absl::Status LinuxHost::RenameAt(const Fd& from_dir, absl::string_view from,
                                 const Fd& to_dir, absl::string_view to,
                                 RenameFlags flags) {
  std::string f = CStr(from);
  std::string t = CStr(to);
  int rc = renameat2(from_dir.get(), f.c_str(), to_dir.get(), t.c_str(),
                     linux_internal::ToRenameFlags(flags));
  int err = errno;
  if (rc != 0) {
    return ErrnoError(err,
                      absl::StrCat("renameat2 \"", from, "\" to \"", to, "\""));
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::UnlinkAt(const Fd& dir, absl::string_view path,
                                 UnlinkFlags flags) {
  std::string p = CStr(path);
  int kernel_flags = Has(flags, UnlinkFlags::kRemoveDir) ? AT_REMOVEDIR : 0;
  int rc = unlinkat(dir.get(), p.c_str(), kernel_flags);
  int err = errno;
  if (rc != 0) return PathError(err, "unlinkat", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::MkdirAt(const Fd& dir, absl::string_view path,
                                uint32_t mode) {
  std::string p = CStr(path);
  int rc = mkdirat(dir.get(), p.c_str(), mode & 07777);
  int err = errno;
  if (rc != 0) return PathError(err, "mkdirat", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::MknodAt(const Fd& dir, absl::string_view path,
                                FileType type, uint32_t mode,
                                DeviceNumber dev) {
  mode_t kind = 0;
  switch (type) {
    case FileType::kCharDevice:
      kind = S_IFCHR;
      break;
    case FileType::kBlockDevice:
      kind = S_IFBLK;
      break;
    case FileType::kFifo:
      kind = S_IFIFO;
      break;
    case FileType::kRegular:
      kind = S_IFREG;
      break;
    default:
      return PathError(EINVAL, "mknodat", path);
  }
  std::string p = CStr(path);
  int rc = mknodat(dir.get(), p.c_str(), kind | (mode & 07777),
                   makedev(dev.major, dev.minor));
  int err = errno;
  if (rc != 0) return PathError(err, "mknodat", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::SymlinkAt(absl::string_view target, const Fd& dir,
                                  absl::string_view link_path) {
  std::string t = CStr(target);
  std::string p = CStr(link_path);
  int rc = symlinkat(t.c_str(), dir.get(), p.c_str());
  int err = errno;
  if (rc != 0) return PathError(err, "symlinkat", link_path);
  return absl::OkStatus();
}

absl::StatusOr<std::string> LinuxHost::ReadlinkAt(const Fd& dir,
                                                  absl::string_view path) {
  std::string p = CStr(path);
  std::string buf(256, '\0');
  while (true) {
    ssize_t n = readlinkat(dir.get(), p.c_str(), buf.data(), buf.size());
    int err = errno;
    if (n < 0) return PathError(err, "readlinkat", path);
    // A full buffer may mean truncation: grow and read again.
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (buf.size() >= (1u << 20)) {
      return PathError(ENAMETOOLONG, "readlinkat", path);
    }
    buf.resize(buf.size() * 2);
  }
}

absl::Status LinuxHost::LinkAt(const Fd& old_dir, absl::string_view old_path,
                               const Fd& new_dir, absl::string_view new_path) {
  std::string o = CStr(old_path);
  std::string n = CStr(new_path);
  int rc = linkat(old_dir.get(), o.c_str(), new_dir.get(), n.c_str(), 0);
  int err = errno;
  if (rc != 0) {
    return ErrnoError(
        err, absl::StrCat("linkat \"", old_path, "\" to \"", new_path, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<FileStat> LinuxHost::StatAt(const Fd& dir,
                                           absl::string_view path,
                                           FollowSymlinks follow) {
  std::string p = CStr(path);
  int flags = follow == FollowSymlinks::kNoFollow ? AT_SYMLINK_NOFOLLOW : 0;
  if (path.empty()) flags |= AT_EMPTY_PATH;
  struct stat st;
  int rc = fstatat(dir.get(), p.c_str(), &st, flags);
  int err = errno;
  if (rc != 0) return PathError(err, "fstatat", path);
  return linux_internal::FileStatFromStat(st);
}

absl::StatusOr<FileStat> LinuxHost::FStat(const Fd& fd) {
  struct stat st;
  int rc = fstat(fd.get(), &st);
  int err = errno;
  if (rc != 0) return FdError(err, "fstat", fd.get());
  return linux_internal::FileStatFromStat(st);
}

absl::StatusOr<std::vector<DirEntry>> LinuxHost::ReadDir(const Fd& dir) {
  // A fresh open file description of the same directory starts at offset 0
  // and leaves the caller's offset alone; it also works for O_PATH fds.
  int fd = openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) return FdError(err, "openat . of", dir.get());
  Fd own = Own(fd);
  std::vector<DirEntry> out;
  alignas(struct dirent64) char buf[8192];
  while (true) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    err = errno;
    if (n < 0 && err == EINTR) continue;
    if (n < 0) return FdError(err, "getdents64", dir.get());
    if (n == 0) break;
    for (long pos = 0; pos < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf + pos);
      pos += d->d_reclen;
      absl::string_view name(d->d_name);
      if (name == "." || name == "..") continue;
      DirEntry entry;
      entry.name = std::string(name);
      entry.ino = d->d_ino;
      entry.type = linux_internal::FileTypeFromDirent(d->d_type);
      if (entry.type == FileType::kUnknown) {
        // Some file systems leave d_type unset; ask the inode.
        struct stat st;
        if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
          entry.type = linux_internal::FileTypeFromMode(st.st_mode);
        }
      }
      out.push_back(std::move(entry));
    }
  }
  return out;
}

absl::Status LinuxHost::Fchmod(const Fd& fd, uint32_t mode) {
  int rc = fchmod(fd.get(), mode & 07777);
  int err = errno;
  if (rc != 0) return FdError(err, "fchmod", fd.get());
  return absl::OkStatus();
}

absl::Status LinuxHost::Fchown(const Fd& fd, Uid uid, Gid gid) {
  int rc = fchown(fd.get(), uid, gid);
  int err = errno;
  if (rc != 0) return FdError(err, "fchown", fd.get());
  return absl::OkStatus();
}

absl::StatusOr<Fd> LinuxHost::Dup(const Fd& fd) {
  int n = fcntl(fd.get(), F_DUPFD_CLOEXEC, 0);
  int err = errno;
  if (n < 0) return FdError(err, "fcntl F_DUPFD_CLOEXEC", fd.get());
  return Own(n);
}

absl::Status LinuxHost::Dup3(const Fd& fd, int target) {
  int rc;
  do {
    rc = dup3(fd.get(), target, 0);
  } while (rc < 0 && errno == EBUSY);  // A racing open of `target`; retry.
  int err = errno;
  if (rc < 0) return FdError(err, "dup3", fd.get());
  return absl::OkStatus();
}

absl::StatusOr<PipeFds> LinuxHost::Pipe(bool nonblocking) {
  int fds[2];
  int rc = pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
  int err = errno;
  if (rc != 0) return CallError(err, "pipe2");
  return PipeFds{Own(fds[0]), Own(fds[1])};
}

absl::StatusOr<Fd> LinuxHost::MemfdCreate(absl::string_view name,
                                          MemfdFlags flags) {
  std::string n = CStr(name);
  unsigned int kernel_flags = MFD_CLOEXEC;
  if (Has(flags, MemfdFlags::kAllowSealing)) {
    kernel_flags |= MFD_ALLOW_SEALING;
  }
  int fd = memfd_create(n.c_str(), kernel_flags);
  int err = errno;
  if (fd < 0) return PathError(err, "memfd_create", name);
  return Own(fd);
}

absl::Status LinuxHost::AddSeals(const Fd& fd, Seals seals) {
  int rc = fcntl(fd.get(), F_ADD_SEALS, linux_internal::ToSeals(seals));
  int err = errno;
  if (rc != 0) return FdError(err, "fcntl F_ADD_SEALS", fd.get());
  return absl::OkStatus();
}

absl::StatusOr<int> LinuxHost::Poll(absl::Span<PollFd> fds,
                                    std::optional<absl::Duration> timeout) {
  std::vector<struct pollfd> kernel(fds.size());
  int invalid = 0;
  for (size_t i = 0; i < fds.size(); ++i) {
    fds[i].revents = PollEvents::kNone;
    int n = fds[i].fd == nullptr ? -1 : fds[i].fd->get();
    // poll(2) skips negative fds silently; an invalid Fd is a caller's
    // closed descriptor, which poll reports as POLLNVAL, so do the same.
    if (n < 0) {
      fds[i].revents = PollEvents::kNval;
      ++invalid;
    }
    kernel[i].fd = n < 0 ? -1 : n;
    kernel[i].events = linux_internal::ToPollEvents(fds[i].events);
    kernel[i].revents = 0;
  }
  // An invalid fd is an event: do not block.
  if (invalid > 0) timeout = absl::ZeroDuration();

  std::optional<absl::Duration> deadline;
  if (timeout.has_value() && *timeout != absl::InfiniteDuration()) {
    deadline = MonotonicNow() + std::max(*timeout, absl::ZeroDuration());
  }
  int ready = 0;
  while (true) {
    struct timespec ts;
    struct timespec* tsp = nullptr;
    if (deadline.has_value()) {
      absl::Duration left =
          std::max(*deadline - MonotonicNow(), absl::ZeroDuration());
      ts = absl::ToTimespec(left);
      tsp = &ts;
    }
    ready = ppoll(kernel.data(), kernel.size(), tsp, nullptr);
    int err = errno;
    if (ready >= 0) break;
    if (err == EINTR) continue;
    return CallError(err, "poll");
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    if (kernel[i].fd < 0) continue;
    fds[i].revents = linux_internal::FromPollEvents(kernel[i].revents);
  }
  return ready + invalid;
}

absl::Status LinuxHost::Fchdir(const Fd& dir) {
  int rc = fchdir(dir.get());
  int err = errno;
  if (rc != 0) return FdError(err, "fchdir", dir.get());
  return absl::OkStatus();
}

uint32_t LinuxHost::Umask(uint32_t mask) { return umask(mask & 0777); }

absl::StatusOr<std::string> LinuxHost::GetCwd() {
  std::string buf(PATH_MAX, '\0');
  char* cwd = getcwd(buf.data(), buf.size());
  int err = errno;
  if (cwd == nullptr) return CallError(err, "getcwd");
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

Fd LinuxHost::AdoptFd(int fd) { return Fd(fd, this); }

absl::Status LinuxHost::SetNonBlocking(const Fd& fd, bool nonblocking) {
  int flags = fcntl(fd.get(), F_GETFL);
  int err = errno;
  if (flags < 0) return FdError(err, "fcntl F_GETFL", fd.get());
  flags = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  int rc = fcntl(fd.get(), F_SETFL, flags);
  err = errno;
  if (rc != 0) return FdError(err, "fcntl F_SETFL", fd.get());
  return absl::OkStatus();
}

}  // namespace runbox
