// FaultPlan: rule matching, the plan's seeded generator, the errno table per
// host call and the call trace. See fault_plan.h.
#include "hostapi/fault_plan.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

// Mixes `value` into an FNV-1a hash byte by byte, low byte first, so the hash
// does not depend on the machine's byte order.
uint64_t FnvMix(uint64_t hash, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    hash ^= (value >> (8 * i)) & 0xff;
    hash *= kFnvPrime;
  }
  return hash;
}

std::string ResultName(int result) {
  if (result == 0) return "ok";
  if (result == FaultPlan::kResultNoErrno) return "error";
  if (result == FaultPlan::kResultKilled) return "killed";
  return ErrnoName(result);
}

[[noreturn]] void BadRule(const FaultRule& rule, absl::string_view why) {
  std::fprintf(stderr, "FaultPlan: bad rule \"%s\": %.*s\n",
               rule.ToString().c_str(), static_cast<int>(why.size()),
               why.data());
  std::abort();
}

}  // namespace

const std::vector<HostCall>& AllHostCalls() {
  static const std::vector<HostCall>* calls = [] {
    auto* v = new std::vector<HostCall>;
    for (int i = 0; i < kHostCallCount; ++i) {
      v->push_back(static_cast<HostCall>(i));
    }
    return v;
  }();
  return *calls;
}

absl::string_view HostCallName(HostCall call) {
  switch (call) {
    case HostCall::kOpenAt:
      return "openat";
    case HostCall::kClose:
      return "close";
    case HostCall::kRead:
      return "read";
    case HostCall::kWrite:
      return "write";
    case HostCall::kPRead:
      return "pread";
    case HostCall::kPWrite:
      return "pwrite";
    case HostCall::kFsync:
      return "fsync";
    case HostCall::kFdatasync:
      return "fdatasync";
    case HostCall::kFtruncate:
      return "ftruncate";
    case HostCall::kRenameAt:
      return "renameat";
    case HostCall::kUnlinkAt:
      return "unlinkat";
    case HostCall::kMkdirAt:
      return "mkdirat";
    case HostCall::kMknodAt:
      return "mknodat";
    case HostCall::kSymlinkAt:
      return "symlinkat";
    case HostCall::kReadlinkAt:
      return "readlinkat";
    case HostCall::kLinkAt:
      return "linkat";
    case HostCall::kStatAt:
      return "fstatat";
    case HostCall::kFStat:
      return "fstat";
    case HostCall::kReadDir:
      return "getdents";
    case HostCall::kFchmod:
      return "fchmod";
    case HostCall::kFchown:
      return "fchown";
    case HostCall::kDup:
      return "dup";
    case HostCall::kDup3:
      return "dup3";
    case HostCall::kPipe:
      return "pipe";
    case HostCall::kMemfdCreate:
      return "memfd_create";
    case HostCall::kAddSeals:
      return "add_seals";
    case HostCall::kPoll:
      return "poll";
    case HostCall::kFchdir:
      return "fchdir";
    case HostCall::kUmask:
      return "umask";
    case HostCall::kGetCwd:
      return "getcwd";
    case HostCall::kSetNonBlocking:
      return "fcntl_setfl";
    case HostCall::kFlock:
      return "flock";
    case HostCall::kSpawn:
      return "spawn";
    case HostCall::kExec:
      return "execve";
    case HostCall::kExit:
      return "exit";
    case HostCall::kWait:
      return "wait4";
    case HostCall::kKill:
      return "kill";
    case HostCall::kPidfdOpen:
      return "pidfd_open";
    case HostCall::kPidfdSendSignal:
      return "pidfd_send_signal";
    case HostCall::kGetPid:
      return "getpid";
    case HostCall::kGetParentPid:
      return "getppid";
    case HostCall::kGetProcessIdentity:
      return "process_identity";
    case HostCall::kSetChildSubreaper:
      return "set_child_subreaper";
    case HostCall::kEnvironment:
      return "environment";
    case HostCall::kOpenSelfExe:
      return "open_self_exe";
    case HostCall::kSetParentDeathSignal:
      return "pr_set_pdeathsig";
    case HostCall::kSetDumpable:
      return "pr_set_dumpable";
    case HostCall::kGetUid:
      return "getuid";
    case HostCall::kGetGid:
      return "getgid";
    case HostCall::kOpenNamespace:
      return "open_namespace";
    case HostCall::kUnshare:
      return "unshare";
    case HostCall::kSetns:
      return "setns";
    case HostCall::kSethostname:
      return "sethostname";
    case HostCall::kSetdomainname:
      return "setdomainname";
    case HostCall::kGetHostname:
      return "uname";
    case HostCall::kBlockSignals:
      return "sigprocmask_block";
    case HostCall::kUnblockSignals:
      return "sigprocmask_unblock";
    case HostCall::kSetSignalMask:
      return "sigprocmask_setmask";
    case HostCall::kSetSignalDisposition:
      return "signal";
    case HostCall::kSignalFd:
      return "signalfd";
    case HostCall::kReadSignal:
      return "read_signal";
    case HostCall::kWaitSignal:
      return "sigtimedwait";
    case HostCall::kMount:
      return "mount";
    case HostCall::kUmount:
      return "umount2";
    case HostCall::kPivotRoot:
      return "pivot_root";
    case HostCall::kChroot:
      return "chroot";
    case HostCall::kListMounts:
      return "mountinfo";
    case HostCall::kMountSetattr:
      return "mount_setattr";
    case HostCall::kMountIdmapped:
      return "open_tree";
    case HostCall::kCgroupMounts:
      return "cgroup_mounts";
    case HostCall::kCgroupCreate:
      return "cgroup_create";
    case HostCall::kCgroupRemove:
      return "cgroup_remove";
    case HostCall::kCgroupRead:
      return "cgroup_read";
    case HostCall::kCgroupWrite:
      return "cgroup_write";
    case HostCall::kCgroupAddProcess:
      return "cgroup_add_process";
    case HostCall::kCgroupProcesses:
      return "cgroup_processes";
    case HostCall::kCgroupChildren:
      return "cgroup_children";
    case HostCall::kBpfCgroupDevice:
      return "bpf_cgroup_device";
    case HostCall::kJoinSessionKeyring:
      return "keyctl_join_session_keyring";
    case HostCall::kDescribeKey:
      return "keyctl_describe";
    case HostCall::kSetKeyPermissions:
      return "keyctl_setperm";
    case HostCall::kSetNoNewPrivs:
      return "no_new_privs";
    case HostCall::kSetSeccompFilter:
      return "seccomp";
    case HostCall::kSocket:
      return "socket";
    case HostCall::kTcpSocket:
      return "socket_inet";
    case HostCall::kBindLoopback:
      return "bind_inet";
    case HostCall::kConnectLoopback:
      return "connect_inet";
    case HostCall::kBringUpLoopback:
      return "siocsifflags";
    case HostCall::kGetProcessStatus:
      return "proc_self_status";
    case HostCall::kSocketPair:
      return "socketpair";
    case HostCall::kBind:
      return "bind";
    case HostCall::kListen:
      return "listen";
    case HostCall::kAccept:
      return "accept4";
    case HostCall::kConnect:
      return "connect";
    case HostCall::kSendMsg:
      return "sendmsg";
    case HostCall::kRecvMsg:
      return "recvmsg";
    case HostCall::kGetPeerCredentials:
      return "so_peercred";
    case HostCall::kShutdown:
      return "shutdown";
    case HostCall::kOpenPty:
      return "openpty";
    case HostCall::kSetWindowSize:
      return "tiocswinsz";
    case HostCall::kGetWindowSize:
      return "tiocgwinsz";
    case HostCall::kNewSession:
      return "setsid";
    case HostCall::kSetControllingTerminal:
      return "tiocsctty";
    case HostCall::kMonotonicNow:
      return "clock_monotonic";
    case HostCall::kRealNow:
      return "clock_realtime";
    case HostCall::kSleepFor:
      return "nanosleep";
    case HostCall::kRandomUint64:
      return "getrandom";
    case HostCall::kSetResUid:
      return "setresuid";
    case HostCall::kSetResGid:
      return "setresgid";
    case HostCall::kSetGroups:
      return "setgroups";
    case HostCall::kSetKeepCaps:
      return "pr_set_keepcaps";
    case HostCall::kGetCapabilities:
      return "capget";
    case HostCall::kSetCapabilities:
      return "capset";
    case HostCall::kLastCapability:
      return "cap_last_cap";
    case HostCall::kInBoundingSet:
      return "pr_capbset_read";
    case HostCall::kDropBoundingCapability:
      return "pr_capbset_drop";
    case HostCall::kClearAmbientCapabilities:
      return "pr_cap_ambient_clear_all";
    case HostCall::kRaiseAmbientCapability:
      return "pr_cap_ambient_raise";
    case HostCall::kSetRlimit:
      return "prlimit";
    case HostCall::kGetRlimit:
      return "prlimit_get";
    case HostCall::kSetPersonality:
      return "personality";
    case HostCall::kSetOomScoreAdj:
      return "oom_score_adj_write";
    case HostCall::kGetOomScoreAdj:
      return "oom_score_adj_read";
    case HostCall::kWriteIdMap:
      return "id_map_write";
    case HostCall::kDenySetgroups:
      return "setgroups_deny";
    case HostCall::kWriteSysctl:
      return "sysctl_write";
    case HostCall::kReadSysctl:
      return "sysctl_read";
  }
  return "unknown";
}

// From the man pages, narrowed to what runbox's use can meet: EBADF, EFAULT
// and most EINVALs mean a bug in the caller, not a condition to survive, so
// they are left out. EINTR is listed for calls that can block on another
// process (pipes, sockets, locks, waits, FIFOs at open) and where the man
// page lists it (close, ftruncate, pread/pwrite on slow or network files).
static std::vector<int> ErrnoList(HostCall call) {
  switch (call) {
    case HostCall::kOpenAt:
      return {ENOENT, EACCES, EEXIST,       ENOTDIR, EISDIR, ELOOP,
              EMFILE, ENFILE, ENOMEM,       ENOSPC,  EDQUOT, EROFS,
              EXDEV,  EPERM,  ENAMETOOLONG, ETXTBSY, ENXIO,  EINTR};
    case HostCall::kClose:
      // NFS and FUSE report delayed write errors at close.
      return {EIO, EINTR, ENOSPC, EDQUOT};
    case HostCall::kRead:
      return {EINTR, EAGAIN, EIO, EISDIR, ECONNRESET};
    case HostCall::kWrite:
      return {ENOSPC, EIO, EINTR, EAGAIN, EPIPE, EDQUOT, EFBIG};
    case HostCall::kPRead:
      return {EIO, EISDIR, EINTR};
    case HostCall::kPWrite:
      return {ENOSPC, EIO, EDQUOT, EFBIG, EINTR};
    case HostCall::kFsync:
    case HostCall::kFdatasync:
      return {EIO, ENOSPC, EDQUOT};
    case HostCall::kFtruncate:
      return {EIO, EFBIG, EPERM, EROFS, ETXTBSY, EINTR};
    case HostCall::kRenameAt:
      return {ENOENT, EACCES, EEXIST, ENOTEMPTY, EISDIR, ENOTDIR,
              EXDEV,  EBUSY,  ENOSPC, EDQUOT,    EROFS,  ELOOP,
              EPERM,  EIO,    ENOMEM, EMLINK,    EINVAL};
    case HostCall::kUnlinkAt:
      return {ENOENT, EACCES, EBUSY, ENOTEMPTY, EISDIR, ENOTDIR,
              EPERM,  EROFS,  EIO,   ELOOP,     ENOMEM};
    case HostCall::kMkdirAt:
      return {EEXIST,  ENOENT, EACCES, ENOSPC, EDQUOT, EROFS,
              ENOTDIR, EMLINK, ELOOP,  ENOMEM, EPERM};
    case HostCall::kMknodAt:
      return {EEXIST, ENOENT, EACCES,  EPERM, ENOSPC,
              EDQUOT, EROFS,  ENOTDIR, ELOOP, ENOMEM};
    case HostCall::kSymlinkAt:
      return {EEXIST,  ENOENT, EACCES, ENOSPC, EDQUOT, EROFS,
              ENOTDIR, ELOOP,  EIO,    ENOMEM, EPERM};
    case HostCall::kReadlinkAt:
      return {ENOENT, EINVAL, EACCES, ENOTDIR, ELOOP, EIO, ENOMEM};
    case HostCall::kLinkAt:
      return {EEXIST, ENOENT, EACCES, EPERM,   EXDEV, EMLINK,
              ENOSPC, EDQUOT, EROFS,  ENOTDIR, ELOOP};
    case HostCall::kStatAt:
      return {ENOENT, EACCES, ENOTDIR, ELOOP, ENAMETOOLONG, ENOMEM, EOVERFLOW};
    case HostCall::kFStat:
      return {ENOMEM, EOVERFLOW};
    case HostCall::kReadDir:
      // ENOENT: the directory was removed while open.
      return {ENOENT, ENOTDIR, EIO, ENOMEM};
    case HostCall::kFchmod:
      return {EPERM, EROFS, EIO};
    case HostCall::kFchown:
      // EINVAL: an id with no mapping in the caller's user namespace.
      return {EPERM, EROFS, EIO, EINVAL};
    case HostCall::kDup:
      return {EMFILE};
    case HostCall::kDup3:
      return {EMFILE};
    case HostCall::kPipe:
    case HostCall::kSocketPair:
      return {EMFILE, ENFILE, ENOMEM};
    case HostCall::kMemfdCreate:
      return {EMFILE, ENFILE, ENOMEM};
    case HostCall::kAddSeals:
      // EBUSY: F_SEAL_WRITE while a writable mapping exists.
      return {EPERM, EBUSY};
    case HostCall::kPoll:
      return {EINTR, ENOMEM};
    case HostCall::kFchdir:
      return {EACCES, ENOTDIR, EIO};
    case HostCall::kGetCwd:
      // ENOENT: the working directory was unlinked.
      return {ENOENT, EACCES, ERANGE};
    case HostCall::kSetNonBlocking:
      // Nothing a valid fd can make fcntl(F_SETFL) return.
      return {};
    case HostCall::kFlock:
      // EWOULDBLOCK is EAGAIN on Linux.
      return {EINTR, ENOLCK, EWOULDBLOCK};
    case HostCall::kSpawn:
      // clone: EAGAIN (RLIMIT_NPROC, pid_max), ENOMEM, ENOSPC (namespace
      // limits), EPERM, EUSERS; then the child's execve errors.
      return {EAGAIN, ENOMEM,  ENOSPC, EPERM,   EUSERS, ENOENT,
              EACCES, ENOEXEC, E2BIG,  ETXTBSY, ELOOP};
    case HostCall::kExec:
      return {ENOENT,  EACCES, ENOEXEC, E2BIG, ENOMEM,
              ETXTBSY, ELOOP,  ENOTDIR, EPERM, EIO};
    case HostCall::kWait:
      return {ECHILD, EINTR};
    case HostCall::kKill:
    case HostCall::kPidfdSendSignal:
      return {ESRCH, EPERM};
    case HostCall::kPidfdOpen:
      return {ESRCH, EMFILE, ENFILE, ENOMEM};
    case HostCall::kGetProcessIdentity:
      return {ESRCH, EMFILE, ENFILE, ENOMEM};
    case HostCall::kSetChildSubreaper:
    case HostCall::kSetNoNewPrivs:
    case HostCall::kSetParentDeathSignal:
    case HostCall::kSetDumpable:
      // prctl only fails on kernels that lack the option.
      return {EINVAL};
    case HostCall::kOpenSelfExe:
      // ENOENT: /proc is not mounted.
      return {EMFILE, ENFILE, ENOMEM, ENOENT, EACCES};
    case HostCall::kOpenNamespace:
      // ENOENT: the process has exited (or /proc is not mounted).
      return {ENOENT, EMFILE, ENFILE, ENOMEM, EACCES};
    case HostCall::kSethostname:
    case HostCall::kSetdomainname:
      // EPERM: no CAP_SYS_ADMIN over the UTS namespace.
      return {EPERM, EINVAL};
    case HostCall::kUnshare:
      // ENOSPC/EUSERS: per-user namespace limits.
      return {EPERM, EINVAL, ENOMEM, ENOSPC, EUSERS};
    case HostCall::kSetns:
      return {EPERM, EINVAL, ENOMEM};
    case HostCall::kBlockSignals:
    case HostCall::kUnblockSignals:
    case HostCall::kSetSignalMask:
    case HostCall::kSetSignalDisposition:
      return {EINVAL};
    case HostCall::kSignalFd:
      return {EMFILE, ENFILE, ENOMEM, ENODEV};
    case HostCall::kReadSignal:
      return {EINTR, EAGAIN};
    case HostCall::kWaitSignal:
      return {EINTR};
    case HostCall::kMount:
      // ENOSPC: the mount-count limit (/proc/sys/fs/mount-max).
      return {EPERM,  EACCES, EBUSY, EINVAL, ENOENT, ENOTDIR,
              ENODEV, ENOMEM, ELOOP, EROFS,  ENOSPC};
    case HostCall::kUmount:
      return {EBUSY, EINVAL, ENOENT, EPERM, ENOMEM};
    case HostCall::kPivotRoot:
      return {EBUSY, EINVAL, ENOTDIR, EPERM, ENOENT};
    case HostCall::kChroot:
      return {EPERM, ENOENT, ENOTDIR, EACCES, ELOOP, EIO};
    case HostCall::kMountIdmapped:
      // EINVAL: the file system cannot be idmapped, or an empty mapping.
      return {EPERM, EINVAL, ENOENT, ENOTDIR, ENOSYS, EBUSY, ENOMEM, ELOOP};
    case HostCall::kMountSetattr:
      // ENOSYS: before Linux 5.12; EINVAL: not a mount point, or a flag
      // the kernel does not know.
      return {EPERM, EINVAL, ENOENT, ENOTDIR, ENOSYS, EBUSY, ENOMEM, ELOOP};
    case HostCall::kListMounts:
    case HostCall::kCgroupMounts:
      // Reads of /proc/self/mountinfo.
      return {EMFILE, ENFILE, ENOMEM};
    case HostCall::kCgroupCreate:
      // EAGAIN: cgroup.max.descendants or cgroup.max.depth reached.
      return {EEXIST, ENOENT, EACCES, EPERM, EAGAIN, ENOMEM};
    case HostCall::kCgroupRemove:
      return {EBUSY, ENOENT, EACCES, EPERM};
    case HostCall::kCgroupRead:
      // ENODEV: the cgroup was removed while its file was open.
      return {ENOENT, EACCES, EMFILE, ENOMEM, ENODEV};
    case HostCall::kCgroupWrite:
      return {EINVAL, EBUSY, EACCES, EPERM, ENOENT, ENOSPC, EOPNOTSUPP};
    case HostCall::kCgroupAddProcess:
      // ENOSPC: an empty cpuset; EOPNOTSUPP: a threaded v2 domain.
      return {ESRCH, EBUSY, EINVAL, EACCES, EPERM, ENOENT, ENOSPC, EOPNOTSUPP};
    case HostCall::kCgroupProcesses:
      return {ENOENT, EACCES, EMFILE, ENOMEM, ENODEV};
    case HostCall::kCgroupChildren:
      return {ENOENT, EACCES, EMFILE, ENOMEM};
    case HostCall::kBpfCgroupDevice:
      // EPERM: no CAP_SYS_ADMIN/CAP_BPF, or bpf disabled; EINVAL: the
      // verifier refused the program; ENOMEM: the memlock rlimit.
      return {EPERM, EINVAL, ENOMEM};
    case HostCall::kJoinSessionKeyring:
      // ENOSYS: no keyrings; EPERM: a seccomp filter (Docker's) refuses
      // keyctl; EDQUOT/ENOMEM: the owner's key quota.
      return {ENOSYS, EPERM, EDQUOT, ENOMEM, EACCES};
    case HostCall::kDescribeKey:
      return {ENOKEY, EACCES, ENOSYS, EPERM, ENOMEM};
    case HostCall::kSetKeyPermissions:
      return {ENOKEY, EACCES, ENOSYS, EPERM};
    case HostCall::kSetSeccompFilter:
      // ESRCH: SECCOMP_FILTER_FLAG_TSYNC met a thread it cannot sync.
      return {EINVAL, EACCES, ENOMEM, EBUSY, ESRCH};
    case HostCall::kSocket:
    case HostCall::kTcpSocket:
      return {EMFILE, ENFILE, ENOMEM, ENOBUFS, EACCES};
    case HostCall::kBindLoopback:
      return {EADDRINUSE, EACCES, ENOMEM};
    case HostCall::kConnectLoopback:
      // ENETUNREACH: the namespace's loopback is down; ETIMEDOUT: a full
      // backlog that never drains.
      return {ECONNREFUSED, ENETUNREACH, ETIMEDOUT, EADDRNOTAVAIL, ENOMEM};
    case HostCall::kBringUpLoopback:
      return {EPERM, ENODEV, ENOMEM};
    case HostCall::kGetProcessStatus:
      // Reading /proc/self: no procfs mounted, or out of fds or memory.
      return {ENOENT, EMFILE, ENFILE, ENOMEM};
    case HostCall::kBind:
      return {EADDRINUSE,   EACCES, ENOENT, ENOTDIR, ELOOP,
              ENAMETOOLONG, EROFS,  ENOSPC, EDQUOT,  ENOMEM};
    case HostCall::kListen:
      return {EADDRINUSE, EINVAL};
    case HostCall::kAccept:
      return {EINTR,  EAGAIN,  EMFILE,       ENFILE,
              ENOMEM, ENOBUFS, ECONNABORTED, EPERM};
    case HostCall::kConnect:
      return {ECONNREFUSED, ENOENT,  EACCES, EAGAIN,
              EINTR,        ENOTDIR, ELOOP,  EPROTOTYPE};
    case HostCall::kSendMsg:
      return {EPIPE,  EAGAIN,     EINTR,        ENOBUFS,
              ENOMEM, ECONNRESET, ETOOMANYREFS, EMSGSIZE};
    case HostCall::kRecvMsg:
      return {EAGAIN, EINTR, ECONNRESET, ENOMEM};
    case HostCall::kGetPeerCredentials:
    case HostCall::kShutdown:
      return {ENOTCONN};
    case HostCall::kOpenPty:
      // ENOSPC: /proc/sys/kernel/pty/max reached.
      return {EMFILE, ENFILE, ENOMEM, ENOSPC, ENOENT};
    case HostCall::kSetWindowSize:
    case HostCall::kGetWindowSize:
      return {ENOTTY, EIO};
    case HostCall::kNewSession:
      return {EPERM};
    case HostCall::kSetControllingTerminal:
      return {EPERM, ENOTTY};
    // Credentials. EAGAIN: RLIMIT_NPROC of the new uid; EINVAL: an id with
    // no mapping in the caller's user namespace.
    case HostCall::kSetResUid:
    case HostCall::kSetResGid:
      return {EPERM, EAGAIN, EINVAL};
    case HostCall::kSetGroups:
      return {EPERM, EINVAL, ENOMEM};
    case HostCall::kSetKeepCaps:
      // EPERM: SECBIT_KEEP_CAPS_LOCKED.
      return {EPERM, EINVAL};
    case HostCall::kGetCapabilities:
    case HostCall::kInBoundingSet:
    case HostCall::kClearAmbientCapabilities:
    case HostCall::kGetRlimit:
    case HostCall::kSetPersonality:
      // Of the caller, these only fail on kernels that lack the option or
      // the capability version.
      return {EINVAL};
    case HostCall::kSetCapabilities:
    case HostCall::kDropBoundingCapability:
    case HostCall::kRaiseAmbientCapability:
    case HostCall::kSetRlimit:
      return {EPERM, EINVAL};
    case HostCall::kLastCapability:
    case HostCall::kGetOomScoreAdj:
      // Reads of a procfs file: ENOENT when /proc is not mounted, EXDEV
      // when what is there is not procfs.
      return {ENOENT, EACCES, EMFILE, ENFILE, ENOMEM, EXDEV};
    case HostCall::kSetOomScoreAdj:
      return {EACCES, EINVAL, ENOENT, EMFILE, ENFILE, ENOMEM, EXDEV};
    case HostCall::kWriteIdMap:
    case HostCall::kDenySetgroups:
      // ENOENT: the process is gone; EPERM: written before, or not allowed.
      return {EPERM, EINVAL, ENOENT, EACCES, EMFILE, ENFILE, ENOMEM, EXDEV};
    case HostCall::kWriteSysctl:
      return {ENOENT, EACCES, EPERM,  EINVAL, EROFS,
              EXDEV,  EMFILE, ENFILE, ENOMEM};
    case HostCall::kReadSysctl:
      return {ENOENT, EACCES, EMFILE, ENFILE, ENOMEM, EXDEV};
    case HostCall::kUmask:
    case HostCall::kExit:
    case HostCall::kGetPid:
    case HostCall::kGetParentPid:
    case HostCall::kEnvironment:
    case HostCall::kGetUid:
    case HostCall::kGetGid:
    case HostCall::kGetHostname:  // uname(2) fails only EFAULT.
    case HostCall::kMonotonicNow:
    case HostCall::kRealNow:
    case HostCall::kSleepFor:
    case HostCall::kRandomUint64:
      return {};
  }
  return {};
}

// Built once: rules consult it on every call of a sweep.
static const std::vector<int>& ErrnoTable(HostCall call) {
  static const auto* table = [] {
    auto* t = new std::vector<std::vector<int>>;
    for (HostCall c : AllHostCalls()) t->push_back(ErrnoList(c));
    return t;
  }();
  return (*table)[static_cast<int>(call)];
}

std::vector<int> PlausibleErrnos(HostCall call) { return ErrnoTable(call); }

bool CanFail(HostCall call) { return !ErrnoTable(call).empty(); }

bool IsTransfer(HostCall call) {
  switch (call) {
    case HostCall::kRead:
    case HostCall::kWrite:
    case HostCall::kPRead:
    case HostCall::kPWrite:
    case HostCall::kSendMsg:
      return true;
    default:
      return false;
  }
}

HostCallSet HostCallSet::All() {
  HostCallSet all;
  for (HostCall c : AllHostCalls()) all.Add(c);
  return all;
}

std::string HostCallSet::ToString() const {
  if (IsAll()) return "any call";
  std::vector<absl::string_view> names;
  for (HostCall c : AllHostCalls()) {
    if (Contains(c)) names.push_back(HostCallName(c));
  }
  if (names.size() == 1) return std::string(names[0]);
  return absl::StrCat("{", absl::StrJoin(names, ", "), "}");
}

bool Fault::AppliesTo(HostCall call) const {
  switch (kind) {
    case Kind::kErrno:
      if (!only_if_plausible) return CanFail(call);
      {
        const std::vector<int>& errnos = ErrnoTable(call);
        return std::find(errnos.begin(), errnos.end(), err) != errnos.end();
      }
    case Kind::kPlausibleErrno:
      return CanFail(call);
    case Kind::kKill:
      return true;
    case Kind::kShortTransfer:
      return IsTransfer(call);
  }
  return false;
}

std::string Fault::ToString() const {
  switch (kind) {
    case Kind::kErrno:
      return absl::StrCat("fail ", ErrnoName(err),
                          only_if_plausible ? " (where plausible)" : "");
    case Kind::kPlausibleErrno:
      return "fail with a plausible errno";
    case Kind::kKill:
      return "kill";
    case Kind::kShortTransfer:
      if (max_bytes == 0) return "short transfer (random length)";
      return absl::StrCat("short transfer (<= ", max_bytes, " bytes)");
  }
  return "unknown fault";
}

std::string FaultRule::ToString() const {
  std::string fault_text = fault.ToString();
  switch (when) {
    case When::kAtCall:
      return absl::StrCat("call #", k, ": ", fault_text);
    case When::kAtCallOf:
      return absl::StrCat(kinds.ToString(), " #", k, ": ", fault_text);
    case When::kProbability:
      return absl::StrCat(kinds.ToString(), " p=", p, ": ", fault_text);
    case When::kAfterCall:
      return absl::StrCat(kinds.ToString(), " after call #", k, ": ",
                          fault_text);
  }
  return "unknown rule";
}

std::string FiredFault::ToString() const {
  return absl::StrCat("call #", call_number, " (pid ", pid.value, " ",
                      HostCallName(call), "): ", fault.ToString(), " [rule ",
                      rule_index, "]");
}

FaultPlan::FaultPlan(uint64_t seed, size_t trace_capacity)
    : seed_(seed),
      rng_state_(seed),
      trace_capacity_(trace_capacity),
      trace_hash_(kFnvOffset) {}

FaultPlan& FaultPlan::Add(FaultRule rule) {
  bool applies = false;
  for (HostCall c : AllHostCalls()) {
    if (rule.kinds.Contains(c) && rule.fault.AppliesTo(c)) applies = true;
  }
  if (!applies) BadRule(rule, "the fault applies to none of its calls");
  if (rule.fault.kind == Fault::Kind::kErrno && rule.fault.err <= 0) {
    BadRule(rule, "errno must be positive");
  }
  if ((rule.when == FaultRule::When::kAtCall ||
       rule.when == FaultRule::When::kAtCallOf) &&
      rule.k == 0) {
    BadRule(rule, "call numbers start at 1");
  }
  if (rule.when == FaultRule::When::kProbability &&
      !(rule.p >= 0 && rule.p <= 1)) {
    BadRule(rule, "p must lie in [0, 1]");
  }
  rules_.push_back(rule);
  rule_matches_.push_back(0);
  return *this;
}

// splitmix64 (Steele, Lea, Flood 2014): tiny, and its output depends only on
// the seed, unlike std::*_distribution whose mapping varies by library.
uint64_t FaultPlan::NextRandom() {
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t FaultPlan::Uniform(uint64_t n) {
  // Rejection sampling: drop the top sliver of values that would bias the
  // modulo toward small results.
  uint64_t limit = -n % n;  // 2^64 mod n.
  for (;;) {
    uint64_t x = NextRandom();
    if (x >= limit) return x % n;
  }
}

bool FaultPlan::Fires(const FaultRule& rule, HostCall call) {
  if (!rule.kinds.Contains(call) || !rule.fault.AppliesTo(call)) return false;
  switch (rule.when) {
    case FaultRule::When::kAtCall:
      return call_count_ == rule.k;
    case FaultRule::When::kAtCallOf:
      return false;  // Decided by OnCall, which counts the kind.
    case FaultRule::When::kProbability: {
      // 53 random bits as a double in [0, 1).
      double u = static_cast<double>(NextRandom() >> 11) * 0x1.0p-53;
      return u < rule.p;
    }
    case FaultRule::When::kAfterCall:
      return call_count_ > rule.k;
  }
  return false;
}

FaultDecision FaultPlan::OnCall(HostCall call, Pid pid) {
  ++call_count_;
  ++calls_of_[static_cast<int>(call)];
  if (record_kinds_) call_kinds_.push_back(call);
  FaultDecision decision;
  decision.call_number = call_count_;
  decision.call = call;
  decision.pid = pid;

  // Every rule sees every call, so one rule's counts and draws do not
  // depend on whether an earlier rule fired.
  for (size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& rule = rules_[i];
    bool fires;
    if (rule.when == FaultRule::When::kAtCallOf) {
      fires = rule.kinds.Contains(call) && ++rule_matches_[i] == rule.k &&
              rule.fault.AppliesTo(call);
    } else {
      fires = Fires(rule, call);
    }
    if (fires && decision.rule_index < 0) decision.rule_index = i;
  }

  if (decision.rule_index >= 0) {
    Fault fault = rules_[decision.rule_index].fault;
    switch (fault.kind) {
      case Fault::Kind::kPlausibleErrno: {
        const std::vector<int>& errnos = ErrnoTable(call);
        fault = Fault::Errno(errnos[Uniform(errnos.size())]);
        [[fallthrough]];
      }
      case Fault::Kind::kErrno:
        decision.action = FaultDecision::Action::kFail;
        decision.err = fault.err;
        break;
      case Fault::Kind::kKill:
        decision.action = FaultDecision::Action::kKill;
        break;
      case Fault::Kind::kShortTransfer:
        decision.action = FaultDecision::Action::kShortTransfer;
        decision.max_bytes = fault.max_bytes;
        break;
    }
    fired_.push_back({call_count_, call, pid, decision.rule_index, fault});
  }

  CallRecord record;
  record.number = call_count_;
  record.pid = pid;
  record.call = call;
  if (decision.rule_index >= 0) record.fault = fired_.back().fault.ToString();
  tail_.push_back(std::move(record));
  while (tail_.size() > trace_capacity_) tail_.pop_front();
  return decision;
}

size_t FaultPlan::ShortLength(const FaultDecision& decision, size_t asked) {
  size_t n = asked;
  if (asked > 1) {
    n = decision.max_bytes == 0
            ? 1 + Uniform(asked - 1)
            : std::clamp<size_t>(decision.max_bytes, 1, asked - 1);
  }
  // Record the length actually used, for reports.
  for (auto it = fired_.rbegin(); it != fired_.rend(); ++it) {
    if (it->call_number != decision.call_number) continue;
    it->fault.max_bytes = n;
    if (CallRecord* record = FindRecord(decision.call_number)) {
      record->fault = absl::StrCat(it->fault.ToString(), " of ", asked);
    }
    break;
  }
  return n;
}

FaultPlan::CallRecord* FaultPlan::FindRecord(uint64_t number) {
  for (auto it = tail_.rbegin(); it != tail_.rend(); ++it) {
    if (it->number == number) return &*it;
  }
  return nullptr;
}

void FaultPlan::OnResult(const FaultDecision& decision, int result) {
  uint64_t h = trace_hash_;
  h = FnvMix(h, static_cast<uint32_t>(decision.pid.value), 4);
  h = FnvMix(h, static_cast<uint32_t>(decision.call), 1);
  h = FnvMix(h, static_cast<uint32_t>(result), 4);
  trace_hash_ = h;
  if (CallRecord* record = FindRecord(decision.call_number)) {
    record->done = true;
    record->result = result;
  }
}

std::string FaultPlan::TraceTail(int n) const {
  std::vector<std::string> lines;
  size_t count = std::min<size_t>(std::max(n, 0), tail_.size());
  for (size_t i = tail_.size() - count; i < tail_.size(); ++i) {
    const CallRecord& r = tail_[i];
    std::string line = absl::StrCat(
        "#", r.number, " pid ", r.pid.value, " ", HostCallName(r.call), " -> ",
        r.done ? ResultName(r.result) : "(pending)");
    if (!r.fault.empty()) absl::StrAppend(&line, " [fault: ", r.fault, "]");
    lines.push_back(std::move(line));
  }
  return absl::StrJoin(lines, "\n");
}

std::string FaultPlan::ToString() const {
  std::string out = absl::StrCat("FaultPlan seed=", seed_);
  if (rules_.empty()) return absl::StrCat(out, ", no rules");
  absl::StrAppend(&out, ":");
  for (size_t i = 0; i < rules_.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? " " : "; ", "[", i, "] ",
                    rules_[i].ToString());
  }
  return out;
}

}  // namespace runbox
