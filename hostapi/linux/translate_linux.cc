// Translation between the host API's typed flags and values and the kernel's
// O_*, RESOLVE_*, MS_*, CLONE_*, F_SEAL_*, POLL* and struct stat. Every
// table is explicit so that no host-API bit leaks into a syscall unmapped.
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "absl/time/time.h"
#include "hostapi/linux/linux_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

namespace runbox::linux_internal {

int ToOpenFlags(OpenFlags flags) {
  int out = 0;
  if (Has(flags, OpenFlags::kReadWrite)) {
    out |= O_RDWR;
  } else if (Has(flags, OpenFlags::kWriteOnly)) {
    out |= O_WRONLY;
  } else {
    out |= O_RDONLY;
  }
  if (Has(flags, OpenFlags::kCreate)) out |= O_CREAT;
  if (Has(flags, OpenFlags::kExclusive)) out |= O_EXCL;
  if (Has(flags, OpenFlags::kTruncate)) out |= O_TRUNC;
  if (Has(flags, OpenFlags::kAppend)) out |= O_APPEND;
  if (Has(flags, OpenFlags::kDirectory)) out |= O_DIRECTORY;
  if (Has(flags, OpenFlags::kNoFollow)) out |= O_NOFOLLOW;
  if (Has(flags, OpenFlags::kPath)) out |= O_PATH;
  if (Has(flags, OpenFlags::kNonBlock)) out |= O_NONBLOCK;
  if (Has(flags, OpenFlags::kNoCtty)) out |= O_NOCTTY;
  if (!Has(flags, OpenFlags::kKeepOnExec)) out |= O_CLOEXEC;
  return out;
}

uint64_t ToResolveFlags(ResolveFlags flags) {
  uint64_t out = 0;
  if (Has(flags, ResolveFlags::kInRoot)) out |= RESOLVE_IN_ROOT;
  if (Has(flags, ResolveFlags::kBeneath)) out |= RESOLVE_BENEATH;
  if (Has(flags, ResolveFlags::kNoSymlinks)) out |= RESOLVE_NO_SYMLINKS;
  if (Has(flags, ResolveFlags::kNoMagicLinks)) out |= RESOLVE_NO_MAGICLINKS;
  if (Has(flags, ResolveFlags::kNoXdev)) out |= RESOLVE_NO_XDEV;
  return out;
}

unsigned long ToMountFlags(MountFlags flags) {
  struct Entry {
    MountFlags flag;
    unsigned long ms;
  };
  static constexpr Entry kTable[] = {
      {MountFlags::kReadOnly, MS_RDONLY},
      {MountFlags::kNoSuid, MS_NOSUID},
      {MountFlags::kNoDev, MS_NODEV},
      {MountFlags::kNoExec, MS_NOEXEC},
      {MountFlags::kSynchronous, MS_SYNCHRONOUS},
      {MountFlags::kRemount, MS_REMOUNT},
      {MountFlags::kDirSync, MS_DIRSYNC},
      {MountFlags::kNoAtime, MS_NOATIME},
      {MountFlags::kNoDirAtime, MS_NODIRATIME},
      {MountFlags::kBind, MS_BIND},
      {MountFlags::kMove, MS_MOVE},
      {MountFlags::kRecursive, MS_REC},
      {MountFlags::kRelatime, MS_RELATIME},
      {MountFlags::kStrictAtime, MS_STRICTATIME},
      {MountFlags::kUnbindable, MS_UNBINDABLE},
      {MountFlags::kPrivate, MS_PRIVATE},
      {MountFlags::kSlave, MS_SLAVE},
      {MountFlags::kShared, MS_SHARED},
      {MountFlags::kNoSymFollow, MS_NOSYMFOLLOW},
  };
  unsigned long out = 0;
  for (const Entry& e : kTable) {
    if (Has(flags, e.flag)) out |= e.ms;
  }
  return out;
}

int ToUmountFlags(UmountFlags flags) {
  int out = 0;
  if (Has(flags, UmountFlags::kDetach)) out |= MNT_DETACH;
  if (Has(flags, UmountFlags::kForce)) out |= MNT_FORCE;
  return out;
}

int ToCloneFlags(Namespaces namespaces) {
  int out = 0;
  if (Has(namespaces, Namespaces::kUser)) out |= CLONE_NEWUSER;
  if (Has(namespaces, Namespaces::kMount)) out |= CLONE_NEWNS;
  if (Has(namespaces, Namespaces::kPid)) out |= CLONE_NEWPID;
  if (Has(namespaces, Namespaces::kNet)) out |= CLONE_NEWNET;
  if (Has(namespaces, Namespaces::kIpc)) out |= CLONE_NEWIPC;
  if (Has(namespaces, Namespaces::kUts)) out |= CLONE_NEWUTS;
  if (Has(namespaces, Namespaces::kCgroup)) out |= CLONE_NEWCGROUP;
  if (Has(namespaces, Namespaces::kTime)) out |= CLONE_NEWTIME;
  return out;
}

unsigned int ToRenameFlags(RenameFlags flags) {
  unsigned int out = 0;
  if (Has(flags, RenameFlags::kNoReplace)) out |= RENAME_NOREPLACE;
  if (Has(flags, RenameFlags::kExchange)) out |= RENAME_EXCHANGE;
  return out;
}

unsigned int ToSeals(Seals seals) {
  unsigned int out = 0;
  if (Has(seals, Seals::kSeal)) out |= F_SEAL_SEAL;
  if (Has(seals, Seals::kShrink)) out |= F_SEAL_SHRINK;
  if (Has(seals, Seals::kGrow)) out |= F_SEAL_GROW;
  if (Has(seals, Seals::kWrite)) out |= F_SEAL_WRITE;
  return out;
}

unsigned int ToSeccompFlags(SeccompFlags flags) {
  unsigned int out = 0;
  if (Has(flags, SeccompFlags::kTsync)) out |= SECCOMP_FILTER_FLAG_TSYNC;
  if (Has(flags, SeccompFlags::kLog)) out |= SECCOMP_FILTER_FLAG_LOG;
  if (Has(flags, SeccompFlags::kSpecAllow)) {
    out |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  }
  if (Has(flags, SeccompFlags::kNewListener)) {
    out |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  }
  if (Has(flags, SeccompFlags::kWaitKillableRecv)) {
    // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19); spelled out for
    // older uapi headers.
    out |= 1U << 5;
  }
  return out;
}

short ToPollEvents(PollEvents events) {
  short out = 0;
  if (Has(events, PollEvents::kIn)) out |= POLLIN;
  if (Has(events, PollEvents::kOut)) out |= POLLOUT;
  // POLLERR, POLLHUP and POLLNVAL are always reported; asking is harmless.
  if (Has(events, PollEvents::kErr)) out |= POLLERR;
  if (Has(events, PollEvents::kHup)) out |= POLLHUP;
  return out;
}

PollEvents FromPollEvents(short events) {
  PollEvents out = PollEvents::kNone;
  if (events & POLLIN) out |= PollEvents::kIn;
  if (events & POLLOUT) out |= PollEvents::kOut;
  if (events & POLLERR) out |= PollEvents::kErr;
  if (events & POLLHUP) out |= PollEvents::kHup;
  if (events & POLLNVAL) out |= PollEvents::kNval;
  return out;
}

FileType FileTypeFromMode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return FileType::kRegular;
    case S_IFDIR:
      return FileType::kDirectory;
    case S_IFLNK:
      return FileType::kSymlink;
    case S_IFCHR:
      return FileType::kCharDevice;
    case S_IFBLK:
      return FileType::kBlockDevice;
    case S_IFIFO:
      return FileType::kFifo;
    case S_IFSOCK:
      return FileType::kSocket;
    default:
      return FileType::kUnknown;
  }
}

FileType FileTypeFromDirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return FileType::kRegular;
    case DT_DIR:
      return FileType::kDirectory;
    case DT_LNK:
      return FileType::kSymlink;
    case DT_CHR:
      return FileType::kCharDevice;
    case DT_BLK:
      return FileType::kBlockDevice;
    case DT_FIFO:
      return FileType::kFifo;
    case DT_SOCK:
      return FileType::kSocket;
    default:
      return FileType::kUnknown;
  }
}

FileStat FileStatFromStat(const struct stat& st) {
  FileStat out;
  out.type = FileTypeFromMode(st.st_mode);
  out.mode = st.st_mode & 07777;
  out.ino = st.st_ino;
  out.dev = st.st_dev;
  out.nlink = st.st_nlink;
  out.uid = st.st_uid;
  out.gid = st.st_gid;
  out.size = st.st_size;
  out.rdev = DeviceNumber{major(st.st_rdev), minor(st.st_rdev)};
  out.mtime = absl::TimeFromTimespec(st.st_mtim);
  return out;
}

sigset_t ToSigset(const SignalSet& set) {
  sigset_t out;
  sigemptyset(&out);
  for (int n = 1; n <= kMaxSignal; ++n) {
    // sigaddset refuses glibc's internal signals (32, 33); skip them.
    if (set.Contains(static_cast<Signal>(n))) sigaddset(&out, n);
  }
  return out;
}

SignalSet FromSigset(const sigset_t& set) {
  SignalSet out;
  for (int n = 1; n <= kMaxSignal; ++n) {
    if (sigismember(&set, n) == 1) out.Add(static_cast<Signal>(n));
  }
  return out;
}

}  // namespace runbox::linux_internal
