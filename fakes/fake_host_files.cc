// FakeHost's Files and Locks: fd-table lookups around FileSystem calls,
// blocking reads/writes/flocks parked in virtual time, SIGPIPE, and poll.
#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fakes/fake_host.h"
#include "fakes/ipc/pipe.h"
#include "fakes/kernel_impl.h"
#include "hostapi/status.h"

namespace runbox::fake {

#define FAKE_ENTER(call)       \
  Process* self = Enter(call); \
  if (self == nullptr) return DeadError()

namespace {

// The resctrl model (Intel RDT, config-linux.md "IntelRdt"), minimal: a
// directory made by an absolute path on a mount of fstype "resctrl" is a
// resource group, which the kernel fills with its control files (empty
// here: `tasks` and `schemata` are plain files, so what the runtime writes
// to them can be read back in order); rmdir removes them with the group.
// Paths relative to a directory fd are not recognised.
constexpr absl::string_view kResctrlGroupFiles[] = {"cpus", "schemata",
                                                    "tasks"};

bool OnResctrl(const Process& self, absl::string_view path) {
  return absl::StartsWith(path, "/") &&
         self.mount_ns->table.MountContaining(path).fstype == "resctrl";
}

}  // namespace

absl::StatusOr<Fd> FakeHost::OpenAt(const Fd& dir, absl::string_view path,
                                    const OpenHow& how) {
  FAKE_ENTER("openat2");
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  absl::StatusOr<std::shared_ptr<OpenFile>> opened =
      k_.fs.OpenAt(self->path, at, path, how);
  if (!opened.ok()) {
    // Linux asks the device cgroup before the driver's open, so a device
    // the fake does not model still gives EPERM when the cgroup refuses it.
    if (!Has(how.flags, OpenFlags::kPath)) {
      OpenHow probe;
      probe.flags = OpenFlags::kPath;
      if (Has(how.flags, OpenFlags::kNoFollow)) {
        probe.flags = probe.flags | OpenFlags::kNoFollow;
      }
      probe.resolve = how.resolve;
      absl::StatusOr<std::shared_ptr<OpenFile>> node =
          k_.fs.OpenAt(self->path, at, path, probe);
      if (node.ok()) {
        RETURN_IF_ERROR(CheckDeviceCgroup(*self, **node, how.flags, path));
      }
    }
    return opened.status();
  }
  std::shared_ptr<OpenFile> file = *std::move(opened);
  RETURN_IF_ERROR(CheckDeviceCgroup(*self, *file, how.flags, path));
  return Install(*self, std::move(file),
                 !Has(how.flags, OpenFlags::kKeepOnExec));
}

absl::Status FakeHost::CheckDeviceCgroup(const Process& self,
                                         const OpenFile& file, OpenFlags flags,
                                         absl::string_view path) const {
  if (Has(flags, OpenFlags::kPath)) return absl::OkStatus();
  absl::StatusOr<FileStat> st = file.Stat();
  if (!st.ok()) return absl::OkStatus();
  if (st->type != FileType::kCharDevice && st->type != FileType::kBlockDevice) {
    return absl::OkStatus();
  }
  DeviceAccess access;
  access.type = st->type == FileType::kCharDevice ? kBpfDevChar : kBpfDevBlock;
  if (!Has(flags, OpenFlags::kWriteOnly)) access.access |= kBpfAccRead;
  if (Has(flags, OpenFlags::kWriteOnly) || Has(flags, OpenFlags::kReadWrite)) {
    access.access |= kBpfAccWrite;
  }
  access.major = st->rdev.major;
  access.minor = st->rdev.minor;
  if (k_.cgroups->DeviceAllowed(Pid{self.root_pid()}, access)) {
    return absl::OkStatus();
  }
  return ErrnoError(
      EPERM, absl::StrCat("openat2 \"", path, "\": device cgroup denies"));
}

absl::Status FakeHost::Close(Fd fd) {
  int n = fd.Release();
  FAKE_ENTER("close");
  if (self->fds.Remove(n) == nullptr) {
    return ErrnoError(EBADF, absl::StrCat("close fd ", n));
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> FakeHost::Read(const Fd& fd, absl::Span<char> buf) {
  FAKE_ENTER("read");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  while (true) {
    absl::StatusOr<size_t> n = file->Read(buf);
    if (!IsErrno(n, EAGAIN) || file->nonblocking()) return n;
    if (!WaitReady(*self, file, PollEvents::kIn)) return DeadError();
  }
}

absl::StatusOr<size_t> FakeHost::Write(const Fd& fd,
                                       absl::Span<const char> bytes) {
  FAKE_ENTER("write");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  while (true) {
    absl::StatusOr<size_t> n = file->Write(bytes);
    if (IsErrno(n, EPIPE)) {
      // write(2) to a pipe or socket nobody reads raises SIGPIPE first.
      k_.SendSignal(*self, Signal::kPipe, self);
      RETURN_IF_ERROR(AfterEffect(*self, absl::OkStatus()));
      return n;
    }
    if (!IsErrno(n, EAGAIN) || file->nonblocking()) return n;
    if (!WaitReady(*self, file, PollEvents::kOut)) return DeadError();
  }
}

absl::StatusOr<size_t> FakeHost::PRead(const Fd& fd, absl::Span<char> buf,
                                       int64_t offset) {
  FAKE_ENTER("pread");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return file->PRead(buf, offset);
}

absl::StatusOr<size_t> FakeHost::PWrite(const Fd& fd,
                                        absl::Span<const char> bytes,
                                        int64_t offset) {
  FAKE_ENTER("pwrite");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return file->PWrite(bytes, offset);
}

absl::Status FakeHost::Fsync(const Fd& fd) {
  FAKE_ENTER("fsync");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return k_.fs.Fsync(*file);
}

absl::Status FakeHost::Fdatasync(const Fd& fd) {
  FAKE_ENTER("fdatasync");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return k_.fs.Fdatasync(*file);
}

absl::Status FakeHost::Ftruncate(const Fd& fd, int64_t length) {
  FAKE_ENTER("ftruncate");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return k_.fs.Ftruncate(*file, length);
}

absl::Status FakeHost::RenameAt(const Fd& from_dir, absl::string_view from,
                                const Fd& to_dir, absl::string_view to,
                                RenameFlags flags) {
  FAKE_ENTER("renameat2");
  ASSIGN_OR_RETURN(InodeRef a, DirOf(*self, from_dir));
  ASSIGN_OR_RETURN(InodeRef b, DirOf(*self, to_dir));
  return k_.fs.RenameAt(self->path, a, from, b, to, flags);
}

absl::Status FakeHost::UnlinkAt(const Fd& dir, absl::string_view path,
                                UnlinkFlags flags) {
  FAKE_ENTER("unlinkat");
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  if (Has(flags, UnlinkFlags::kRemoveDir) && OnResctrl(*self, path)) {
    // The kernel takes a group's control files with it.
    for (absl::string_view file : kResctrlGroupFiles) {
      (void)k_.fs.UnlinkAt(self->path, at, absl::StrCat(path, "/", file),
                           UnlinkFlags::kNone);
    }
  }
  return k_.fs.UnlinkAt(self->path, at, path, flags);
}

absl::Status FakeHost::MkdirAt(const Fd& dir, absl::string_view path,
                               uint32_t mode) {
  FAKE_ENTER("mkdirat");
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  RETURN_IF_ERROR(k_.fs.MkdirAt(self->path, at, path, mode));
  if (OnResctrl(*self, path)) {
    // A new resctrl group comes with its (empty) control files.
    for (absl::string_view file : kResctrlGroupFiles) {
      RETURN_IF_ERROR(
          k_.fs
              .OpenAt(self->path, at, absl::StrCat(path, "/", file),
                      {.flags = OpenFlags::kCreate | OpenFlags::kWriteOnly,
                       .mode = 0644})
              .status());
    }
  }
  return absl::OkStatus();
}

absl::Status FakeHost::MknodAt(const Fd& dir, absl::string_view path,
                               FileType type, uint32_t mode, DeviceNumber dev) {
  FAKE_ENTER("mknodat");
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  if ((type == FileType::kCharDevice || type == FileType::kBlockDevice) &&
      !k_.cgroups->DeviceAllowed(
          Pid{self->root_pid()},
          DeviceAccess{
              type == FileType::kCharDevice ? kBpfDevChar : kBpfDevBlock,
              kBpfAccMknod, dev.major, dev.minor})) {
    return ErrnoError(
        EPERM, absl::StrCat("mknodat \"", path, "\": device cgroup denies"));
  }
  return k_.fs.MknodAt(self->path, at, path, type, mode, dev);
}

absl::Status FakeHost::SymlinkAt(absl::string_view target, const Fd& dir,
                                 absl::string_view link_path) {
  FAKE_ENTER("symlinkat");
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  return k_.fs.SymlinkAt(self->path, target, at, link_path);
}

absl::StatusOr<std::string> FakeHost::ReadlinkAt(const Fd& dir,
                                                 absl::string_view path) {
  FAKE_ENTER("readlinkat");
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  return k_.fs.ReadlinkAt(self->path, at, path);
}

absl::Status FakeHost::LinkAt(const Fd& old_dir, absl::string_view old_path,
                              const Fd& new_dir, absl::string_view new_path) {
  FAKE_ENTER("linkat");
  ASSIGN_OR_RETURN(InodeRef a, DirOf(*self, old_dir));
  ASSIGN_OR_RETURN(InodeRef b, DirOf(*self, new_dir));
  return k_.fs.LinkAt(self->path, a, old_path, b, new_path);
}

absl::StatusOr<FileStat> FakeHost::StatAt(const Fd& dir, absl::string_view path,
                                          FollowSymlinks follow) {
  FAKE_ENTER("newfstatat");
  if (path.empty() && dir.get() != Fd::kCwdValue) {
    // AT_EMPTY_PATH works on any fd (pipes, sockets...), not only inodes.
    ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, dir));
    if (k_.fs.InodeOf(*file) == nullptr) return file->Stat();
  }
  ASSIGN_OR_RETURN(InodeRef at, DirOf(*self, dir));
  return k_.fs.StatAt(self->path, at, path, follow);
}

absl::StatusOr<FileStat> FakeHost::FStat(const Fd& fd) {
  FAKE_ENTER("fstat");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return file->Stat();
}

absl::StatusOr<std::vector<DirEntry>> FakeHost::ReadDir(const Fd& dir) {
  FAKE_ENTER("getdents64");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, dir));
  if (k_.fs.InodeOf(*file) == nullptr) return ErrnoError(ENOTDIR, "getdents64");
  return k_.fs.ReadDir(*file);
}

absl::Status FakeHost::Fchmod(const Fd& fd, uint32_t mode) {
  FAKE_ENTER("fchmod");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return k_.fs.Fchmod(*file, mode);
}

absl::Status FakeHost::Fchown(const Fd& fd, Uid uid, Gid gid) {
  FAKE_ENTER("fchown");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return k_.fs.Fchown(*file, uid, gid);
}

absl::StatusOr<Fd> FakeHost::Dup(const Fd& fd) {
  FAKE_ENTER("fcntl(F_DUPFD_CLOEXEC)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return Install(*self, std::move(file));
}

absl::Status FakeHost::Dup3(const Fd& fd, int target) {
  FAKE_ENTER("dup3");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  if (fd.get() == target) return ErrnoError(EINVAL, "dup3: same fd");
  // Linux's bound is RLIMIT_NOFILE; the fake's, its default 1048576.
  if (target < 0 || target >= (1 << 20)) {
    return ErrnoError(EBADF, "dup3: bad target");
  }
  self->fds.InstallAt(target, std::move(file), /*cloexec=*/false);
  return absl::OkStatus();
}

absl::StatusOr<Fd> FakeHost::MemfdCreate(absl::string_view name,
                                         MemfdFlags flags) {
  FAKE_ENTER("memfd_create");
  std::shared_ptr<OpenFile> file = k_.fs.CreateMemfd(name, flags);
  if (file == nullptr) {
    return absl::UnimplementedError("fake: memfd_create not available");
  }
  return Install(*self, std::move(file));
}

absl::Status FakeHost::AddSeals(const Fd& fd, Seals seals) {
  FAKE_ENTER("fcntl(F_ADD_SEALS)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  return k_.fs.AddSeals(*file, seals);
}

absl::StatusOr<int> FakeHost::Poll(absl::Span<PollFd> fds,
                                   std::optional<absl::Duration> timeout) {
  FAKE_ENTER("poll");
  // Descriptions are looked up once: the table cannot change while this
  // process is parked (only the process itself edits it).
  std::vector<std::shared_ptr<OpenFile>> files(fds.size());
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd == nullptr) continue;
    const std::shared_ptr<OpenFile>* file = self->fds.Get(fds[i].fd->get());
    if (file != nullptr) files[i] = *file;
  }
  auto scan = [&fds, &files](bool fill) {
    int ready = 0;
    for (size_t i = 0; i < fds.size(); ++i) {
      PollEvents revents = PollEvents::kNval;
      if (files[i] != nullptr) {
        revents = files[i]->Readiness() &
                  (fds[i].events | PollEvents::kErr | PollEvents::kHup);
      } else if (fds[i].fd == nullptr || fds[i].fd->get() < 0) {
        // poll(2) skips negative fds.
        revents = PollEvents::kNone;
      }
      if (fill) fds[i].revents = revents;
      if (revents != PollEvents::kNone) ++ready;
    }
    return ready;
  };
  int ready = scan(true);
  if (ready > 0 || (timeout.has_value() && *timeout <= absl::ZeroDuration())) {
    return ready;
  }
  std::optional<absl::Duration> deadline;
  if (timeout.has_value()) deadline = k_.now + *timeout;
  k_.Park(
      *self, [&scan] { return scan(false) > 0; }, deadline);
  if (self->dead) return DeadError();
  return scan(true);
}

absl::Status FakeHost::Fchdir(const Fd& dir) {
  FAKE_ENTER("fchdir");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, dir));
  InodeRef inode = k_.fs.InodeOf(*file);
  if (inode == nullptr || k_.fs.TypeOf(inode) != FileType::kDirectory) {
    return ErrnoError(ENOTDIR, "fchdir");
  }
  self->path.cwd = std::move(inode);
  return absl::OkStatus();
}

// getcwd(3) walks up from the working directory to the process's root,
// naming each directory by finding its inode among its parent's entries.
absl::StatusOr<std::string> FakeHost::GetCwd() {
  FAKE_ENTER("getcwd");
  const PathContext& ctx = self->path;
  std::vector<std::string> names;
  InodeRef dir = ctx.cwd;
  while (dir != ctx.root) {
    InodeRef parent = k_.fs.ParentOf(dir);
    if (parent == dir) break;  // The file system root (outside a chroot).
    ASSIGN_OR_RETURN(FileStat stat,
                     k_.fs.StatAt(ctx, dir, "", FollowSymlinks::kNoFollow));
    std::shared_ptr<OpenFile> listing =
        k_.fs.OpenInode(parent, OpenFlags::kDirectory);
    ASSIGN_OR_RETURN(std::vector<DirEntry> entries, k_.fs.ReadDir(*listing));
    auto it =
        std::find_if(entries.begin(), entries.end(),
                     [&](const DirEntry& e) { return e.ino == stat.ino; });
    // An unlinked working directory has no name (Linux: ENOENT).
    if (it == entries.end()) return ErrnoError(ENOENT, "getcwd");
    names.push_back(it->name);
    dir = parent;
  }
  std::string path;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    path += "/" + *it;
  }
  return path.empty() ? "/" : path;
}

Fd FakeHost::AdoptFd(int fd) { return Fd(fd, this); }

absl::Status FakeHost::SetNonBlocking(const Fd& fd, bool nonblocking) {
  FAKE_ENTER("fcntl_setfl");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  OpenFlags flags = file->flags();
  file->set_flags(nonblocking ? (flags | OpenFlags::kNonBlock)
                              : (flags & ~OpenFlags::kNonBlock));
  return absl::OkStatus();
}

uint32_t FakeHost::Umask(uint32_t mask) {
  Process* self = Enter("umask");
  if (self == nullptr) return 022;
  uint32_t old = self->path.umask;
  self->path.umask = mask & 0777;
  return old;
}

absl::Status FakeHost::Flock(const Fd& fd, LockOp op, LockWait wait) {
  FAKE_ENTER("flock");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  while (true) {
    absl::Status s = k_.fs.Flock(*file, op);
    if (!IsErrno(s, EAGAIN) || wait == LockWait::kTry) return s;
    FileSystem& fs = k_.fs;
    k_.Park(
        *self, [&fs, file, op] { return !fs.FlockWouldBlock(*file, op); },
        std::nullopt);
    if (self->dead) return DeadError();
  }
}

absl::StatusOr<PipeFds> FakeHost::Pipe(bool nonblocking) {
  FAKE_ENTER("pipe2");
  PipePair pipe = MakePipe(nonblocking, k_.next_pipe_ino++);
  PipeFds fds;
  ASSIGN_OR_RETURN(fds.read, Install(*self, std::move(pipe.read)));
  ASSIGN_OR_RETURN(fds.write, Install(*self, std::move(pipe.write)));
  return fds;
}

}  // namespace runbox::fake
