// FaultyHost: one helper applies a FaultPlan decision around each inner call,
// so every override is a line or two. See faulty_host.h.
#include "hostapi/faulty_host.h"

#include <cstdlib>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

template <typename T>
struct IsStatusLike : std::false_type {};
template <>
struct IsStatusLike<absl::Status> : std::true_type {};
template <typename T>
struct IsStatusLike<absl::StatusOr<T>> : std::true_type {};

const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

// The result as the plan records it: 0, the errno, or kResultNoErrno for an
// error without one (e.g. the fake's kUnimplemented).
template <typename R>
int ResultCode(const R& result) {
  if constexpr (IsStatusLike<R>::value) {
    const absl::Status& s = StatusOf(result);
    if (s.ok()) return 0;
    int err = ErrnoOf(s);
    return err != 0 ? err : FaultPlan::kResultNoErrno;
  } else {
    return 0;
  }
}

}  // namespace

Pid FaultyHost::Self() {
  if (!self_.has_value()) self_ = inner_.GetPid();
  return *self_;
}

FaultDecision FaultyHost::Begin(HostCall call) {
  FaultDecision decision = plan_->OnCall(call, Self());
  if (decision.action == FaultDecision::Action::kKill) {
    // Report first: in the fake, a kill of oneself unwinds this fiber and
    // never returns here.
    plan_->OnResult(decision, FaultPlan::kResultKilled);
    (void)inner_.Kill(Self(), Signal::kKill);
  }
  return decision;
}

template <typename Forward>
auto FaultyHost::Finish(const FaultDecision& decision, Forward&& forward) {
  using R = decltype(forward());
  if constexpr (IsStatusLike<R>::value) {
    switch (decision.action) {
      case FaultDecision::Action::kFail:
        plan_->OnResult(decision, decision.err);
        return R(
            ErrnoError(decision.err, absl::StrCat(HostCallName(decision.call),
                                                  " (fault injected at call #",
                                                  decision.call_number, ")")));
      case FaultDecision::Action::kKill:
        return R(absl::AbortedError(absl::StrCat(
            HostCallName(decision.call), ": SIGKILL injected at call #",
            decision.call_number, " did not kill the caller")));
      default:
        break;
    }
  } else if (decision.action == FaultDecision::Action::kKill) {
    // A call that cannot fail, after a kill that returned: carry on.
    return forward();
  }
  // The plan never fails a call that cannot fail, so what is left forwards.
  if constexpr (std::is_void_v<R>) {
    forward();
    plan_->OnResult(decision, 0);
  } else {
    R result = forward();
    plan_->OnResult(decision, ResultCode(result));
    return result;
  }
}

template <typename Forward>
auto FaultyHost::Call(HostCall call, Forward&& forward) {
  return Finish(Begin(call), forward);
}

template <typename Span, typename Forward>
auto FaultyHost::Transfer(HostCall call, Span span, Forward&& forward) {
  FaultDecision decision = Begin(call);
  if (decision.action == FaultDecision::Action::kShortTransfer) {
    span = span.subspan(0, plan_->ShortLength(decision, span.size()));
  }
  return Finish(decision, [&] { return forward(span); });
}

// Files.

absl::StatusOr<Fd> FaultyHost::OpenAt(const Fd& dir, absl::string_view path,
                                      const OpenHow& how) {
  return Call(HostCall::kOpenAt, [&] { return inner_.OpenAt(dir, path, how); });
}

absl::Status FaultyHost::Close(Fd fd) {
  // On an injected failure `fd` is dropped here, which still closes it.
  return Call(HostCall::kClose, [&] { return inner_.Close(std::move(fd)); });
}

absl::StatusOr<size_t> FaultyHost::Read(const Fd& fd, absl::Span<char> buf) {
  return Transfer(HostCall::kRead, buf,
                  [&](absl::Span<char> b) { return inner_.Read(fd, b); });
}

absl::StatusOr<size_t> FaultyHost::Write(const Fd& fd,
                                         absl::Span<const char> bytes) {
  return Transfer(HostCall::kWrite, bytes, [&](absl::Span<const char> b) {
    return inner_.Write(fd, b);
  });
}

absl::StatusOr<size_t> FaultyHost::PRead(const Fd& fd, absl::Span<char> buf,
                                         int64_t offset) {
  return Transfer(HostCall::kPRead, buf, [&](absl::Span<char> b) {
    return inner_.PRead(fd, b, offset);
  });
}

absl::StatusOr<size_t> FaultyHost::PWrite(const Fd& fd,
                                          absl::Span<const char> bytes,
                                          int64_t offset) {
  return Transfer(HostCall::kPWrite, bytes, [&](absl::Span<const char> b) {
    return inner_.PWrite(fd, b, offset);
  });
}

absl::Status FaultyHost::Fsync(const Fd& fd) {
  return Call(HostCall::kFsync, [&] { return inner_.Fsync(fd); });
}

absl::Status FaultyHost::Fdatasync(const Fd& fd) {
  return Call(HostCall::kFdatasync, [&] { return inner_.Fdatasync(fd); });
}

absl::Status FaultyHost::Ftruncate(const Fd& fd, int64_t length) {
  return Call(HostCall::kFtruncate,
              [&] { return inner_.Ftruncate(fd, length); });
}

absl::Status FaultyHost::RenameAt(const Fd& from_dir, absl::string_view from,
                                  const Fd& to_dir, absl::string_view to,
                                  RenameFlags flags) {
  return Call(HostCall::kRenameAt, [&] {
    return inner_.RenameAt(from_dir, from, to_dir, to, flags);
  });
}

absl::Status FaultyHost::UnlinkAt(const Fd& dir, absl::string_view path,
                                  UnlinkFlags flags) {
  return Call(HostCall::kUnlinkAt,
              [&] { return inner_.UnlinkAt(dir, path, flags); });
}

absl::Status FaultyHost::MkdirAt(const Fd& dir, absl::string_view path,
                                 uint32_t mode) {
  return Call(HostCall::kMkdirAt,
              [&] { return inner_.MkdirAt(dir, path, mode); });
}

absl::Status FaultyHost::MknodAt(const Fd& dir, absl::string_view path,
                                 FileType type, uint32_t mode,
                                 DeviceNumber dev) {
  return Call(HostCall::kMknodAt,
              [&] { return inner_.MknodAt(dir, path, type, mode, dev); });
}

absl::Status FaultyHost::SymlinkAt(absl::string_view target, const Fd& dir,
                                   absl::string_view link_path) {
  return Call(HostCall::kSymlinkAt,
              [&] { return inner_.SymlinkAt(target, dir, link_path); });
}

absl::StatusOr<std::string> FaultyHost::ReadlinkAt(const Fd& dir,
                                                   absl::string_view path) {
  return Call(HostCall::kReadlinkAt,
              [&] { return inner_.ReadlinkAt(dir, path); });
}

absl::Status FaultyHost::LinkAt(const Fd& old_dir, absl::string_view old_path,
                                const Fd& new_dir, absl::string_view new_path) {
  return Call(HostCall::kLinkAt, [&] {
    return inner_.LinkAt(old_dir, old_path, new_dir, new_path);
  });
}

absl::StatusOr<FileStat> FaultyHost::StatAt(const Fd& dir,
                                            absl::string_view path,
                                            FollowSymlinks follow) {
  return Call(HostCall::kStatAt,
              [&] { return inner_.StatAt(dir, path, follow); });
}

absl::StatusOr<FileStat> FaultyHost::FStat(const Fd& fd) {
  return Call(HostCall::kFStat, [&] { return inner_.FStat(fd); });
}

absl::StatusOr<std::vector<DirEntry>> FaultyHost::ReadDir(const Fd& dir) {
  return Call(HostCall::kReadDir, [&] { return inner_.ReadDir(dir); });
}

absl::Status FaultyHost::Fchmod(const Fd& fd, uint32_t mode) {
  return Call(HostCall::kFchmod, [&] { return inner_.Fchmod(fd, mode); });
}

absl::Status FaultyHost::Fchown(const Fd& fd, Uid uid, Gid gid) {
  return Call(HostCall::kFchown, [&] { return inner_.Fchown(fd, uid, gid); });
}

absl::StatusOr<Fd> FaultyHost::Dup(const Fd& fd) {
  return Call(HostCall::kDup, [&] { return inner_.Dup(fd); });
}

absl::Status FaultyHost::Dup3(const Fd& fd, int target) {
  return Call(HostCall::kDup3, [&] { return inner_.Dup3(fd, target); });
}

absl::StatusOr<PipeFds> FaultyHost::Pipe(bool nonblocking) {
  return Call(HostCall::kPipe, [&] { return inner_.Pipe(nonblocking); });
}

absl::StatusOr<Fd> FaultyHost::MemfdCreate(absl::string_view name,
                                           MemfdFlags flags) {
  return Call(HostCall::kMemfdCreate,
              [&] { return inner_.MemfdCreate(name, flags); });
}

absl::Status FaultyHost::AddSeals(const Fd& fd, Seals seals) {
  return Call(HostCall::kAddSeals, [&] { return inner_.AddSeals(fd, seals); });
}

absl::StatusOr<int> FaultyHost::Poll(absl::Span<PollFd> fds,
                                     std::optional<absl::Duration> timeout) {
  return Call(HostCall::kPoll, [&] { return inner_.Poll(fds, timeout); });
}

absl::Status FaultyHost::Fchdir(const Fd& dir) {
  return Call(HostCall::kFchdir, [&] { return inner_.Fchdir(dir); });
}

uint32_t FaultyHost::Umask(uint32_t mask) {
  return Call(HostCall::kUmask, [&] { return inner_.Umask(mask); });
}

absl::StatusOr<std::string> FaultyHost::GetCwd() {
  return Call(HostCall::kGetCwd, [&] { return inner_.GetCwd(); });
}

absl::Status FaultyHost::SetNonBlocking(const Fd& fd, bool nonblocking) {
  return Call(HostCall::kSetNonBlocking,
              [&] { return inner_.SetNonBlocking(fd, nonblocking); });
}

// Not a system call: nothing to fail or count.
Fd FaultyHost::AdoptFd(int fd) { return inner_.AdoptFd(fd); }

// Locks.

absl::Status FaultyHost::Flock(const Fd& fd, LockOp op, LockWait wait) {
  return Call(HostCall::kFlock, [&] { return inner_.Flock(fd, op, wait); });
}

// Processes.

absl::StatusOr<SpawnResult> FaultyHost::Spawn(const SpawnRequest& request) {
  return Call(HostCall::kSpawn, [&] { return inner_.Spawn(request); });
}

absl::Status FaultyHost::Exec(const ExecRequest& request) {
  FaultDecision decision = Begin(HostCall::kExec);
  return Finish(decision, [&] {
    // A successful exec does not return: report it as attempted now, and
    // again with its errno if it comes back.
    plan_->OnResult(decision, 0);
    return inner_.Exec(request);
  });
}

void FaultyHost::Exit(int code) {
  FaultDecision decision = Begin(HostCall::kExit);
  if (decision.action != FaultDecision::Action::kKill) {
    plan_->OnResult(decision, 0);
  }
  inner_.Exit(code);
  // Not reached: Host::Exit does not return, but the call through a
  // reference does not tell the compiler so.
  std::abort();
}

absl::StatusOr<std::optional<WaitResult>> FaultyHost::Wait(Pid pid,
                                                           WaitFlags flags) {
  return Call(HostCall::kWait, [&] { return inner_.Wait(pid, flags); });
}

absl::Status FaultyHost::Kill(Pid pid, Signal sig) {
  return Call(HostCall::kKill, [&] { return inner_.Kill(pid, sig); });
}

absl::StatusOr<Fd> FaultyHost::PidfdOpen(Pid pid) {
  return Call(HostCall::kPidfdOpen, [&] { return inner_.PidfdOpen(pid); });
}

absl::Status FaultyHost::PidfdSendSignal(const Fd& pidfd, Signal sig) {
  return Call(HostCall::kPidfdSendSignal,
              [&] { return inner_.PidfdSendSignal(pidfd, sig); });
}

Pid FaultyHost::GetPid() {
  return Call(HostCall::kGetPid, [&] { return inner_.GetPid(); });
}

Pid FaultyHost::GetParentPid() {
  return Call(HostCall::kGetParentPid, [&] { return inner_.GetParentPid(); });
}

absl::StatusOr<ProcessIdentity> FaultyHost::GetProcessIdentity(Pid pid) {
  return Call(HostCall::kGetProcessIdentity,
              [&] { return inner_.GetProcessIdentity(pid); });
}

absl::Status FaultyHost::SetChildSubreaper() {
  return Call(HostCall::kSetChildSubreaper,
              [&] { return inner_.SetChildSubreaper(); });
}

std::vector<std::string> FaultyHost::Environment() {
  return Call(HostCall::kEnvironment, [&] { return inner_.Environment(); });
}

absl::StatusOr<Fd> FaultyHost::OpenSelfExe() {
  return Call(HostCall::kOpenSelfExe, [&] { return inner_.OpenSelfExe(); });
}

absl::Status FaultyHost::SetParentDeathSignal(Signal sig) {
  return Call(HostCall::kSetParentDeathSignal,
              [&] { return inner_.SetParentDeathSignal(sig); });
}

absl::Status FaultyHost::SetDumpable(bool dumpable) {
  return Call(HostCall::kSetDumpable,
              [&] { return inner_.SetDumpable(dumpable); });
}

Uid FaultyHost::GetUid() {
  return Call(HostCall::kGetUid, [&] { return inner_.GetUid(); });
}

Gid FaultyHost::GetGid() {
  return Call(HostCall::kGetGid, [&] { return inner_.GetGid(); });
}

absl::StatusOr<Fd> FaultyHost::OpenNamespace(Pid pid,
                                             Namespaces one_namespace) {
  return Call(HostCall::kOpenNamespace,
              [&] { return inner_.OpenNamespace(pid, one_namespace); });
}

absl::Status FaultyHost::Unshare(Namespaces namespaces) {
  return Call(HostCall::kUnshare, [&] { return inner_.Unshare(namespaces); });
}

absl::Status FaultyHost::Setns(const Fd& fd, Namespaces type) {
  return Call(HostCall::kSetns, [&] { return inner_.Setns(fd, type); });
}

absl::Status FaultyHost::Sethostname(absl::string_view name) {
  return Call(HostCall::kSethostname, [&] { return inner_.Sethostname(name); });
}

absl::Status FaultyHost::Setdomainname(absl::string_view name) {
  return Call(HostCall::kSetdomainname,
              [&] { return inner_.Setdomainname(name); });
}

absl::StatusOr<std::string> FaultyHost::GetHostname() {
  return Call(HostCall::kGetHostname, [&] { return inner_.GetHostname(); });
}

absl::StatusOr<SignalSet> FaultyHost::BlockSignals(const SignalSet& set) {
  return Call(HostCall::kBlockSignals,
              [&] { return inner_.BlockSignals(set); });
}

absl::StatusOr<SignalSet> FaultyHost::UnblockSignals(const SignalSet& set) {
  return Call(HostCall::kUnblockSignals,
              [&] { return inner_.UnblockSignals(set); });
}

absl::StatusOr<SignalSet> FaultyHost::SetSignalMask(const SignalSet& set) {
  return Call(HostCall::kSetSignalMask,
              [&] { return inner_.SetSignalMask(set); });
}

absl::Status FaultyHost::SetSignalDisposition(Signal sig,
                                              SignalDisposition disp) {
  return Call(HostCall::kSetSignalDisposition,
              [&] { return inner_.SetSignalDisposition(sig, disp); });
}

absl::StatusOr<Fd> FaultyHost::SignalFd(const SignalSet& set) {
  return Call(HostCall::kSignalFd, [&] { return inner_.SignalFd(set); });
}

absl::StatusOr<SignalInfo> FaultyHost::ReadSignal(const Fd& signal_fd) {
  return Call(HostCall::kReadSignal,
              [&] { return inner_.ReadSignal(signal_fd); });
}

absl::StatusOr<std::optional<SignalInfo>> FaultyHost::WaitSignal(
    const SignalSet& set, std::optional<absl::Duration> timeout) {
  return Call(HostCall::kWaitSignal,
              [&] { return inner_.WaitSignal(set, timeout); });
}

// Mounts.

absl::Status FaultyHost::Mount(absl::string_view source,
                               absl::string_view target,
                               absl::string_view fstype, MountFlags flags,
                               absl::string_view data) {
  return Call(HostCall::kMount, [&] {
    return inner_.Mount(source, target, fstype, flags, data);
  });
}

absl::Status FaultyHost::Umount(absl::string_view target, UmountFlags flags) {
  return Call(HostCall::kUmount, [&] { return inner_.Umount(target, flags); });
}

absl::Status FaultyHost::PivotRoot(absl::string_view new_root,
                                   absl::string_view put_old) {
  return Call(HostCall::kPivotRoot,
              [&] { return inner_.PivotRoot(new_root, put_old); });
}

absl::Status FaultyHost::Chroot(absl::string_view path) {
  return Call(HostCall::kChroot, [&] { return inner_.Chroot(path); });
}

absl::StatusOr<std::vector<MountInfo>> FaultyHost::ListMounts() {
  return Call(HostCall::kListMounts, [&] { return inner_.ListMounts(); });
}

absl::Status FaultyHost::MountIdmapped(absl::string_view source,
                                       absl::string_view target,
                                       const Fd& userns, bool recursive_bind,
                                       bool recursive_idmap) {
  return Call(HostCall::kMountIdmapped, [&] {
    return inner_.MountIdmapped(source, target, userns, recursive_bind,
                                recursive_idmap);
  });
}

absl::Status FaultyHost::MountSetattr(absl::string_view path, MountFlags set,
                                      MountFlags clear, bool recursive) {
  return Call(HostCall::kMountSetattr,
              [&] { return inner_.MountSetattr(path, set, clear, recursive); });
}

// Cgroups.

absl::StatusOr<std::vector<CgroupMount>> FaultyHost::CgroupMounts() {
  return Call(HostCall::kCgroupMounts, [&] { return inner_.CgroupMounts(); });
}

absl::Status FaultyHost::CgroupCreate(absl::string_view path) {
  return Call(HostCall::kCgroupCreate,
              [&] { return inner_.CgroupCreate(path); });
}

absl::Status FaultyHost::CgroupRemove(absl::string_view path) {
  return Call(HostCall::kCgroupRemove,
              [&] { return inner_.CgroupRemove(path); });
}

absl::StatusOr<std::string> FaultyHost::CgroupRead(absl::string_view path,
                                                   absl::string_view file) {
  return Call(HostCall::kCgroupRead,
              [&] { return inner_.CgroupRead(path, file); });
}

absl::Status FaultyHost::CgroupWrite(absl::string_view path,
                                     absl::string_view file,
                                     absl::string_view value) {
  return Call(HostCall::kCgroupWrite,
              [&] { return inner_.CgroupWrite(path, file, value); });
}

absl::Status FaultyHost::CgroupAddProcess(absl::string_view path, Pid pid) {
  return Call(HostCall::kCgroupAddProcess,
              [&] { return inner_.CgroupAddProcess(path, pid); });
}

absl::StatusOr<std::vector<Pid>> FaultyHost::CgroupProcesses(
    absl::string_view path) {
  return Call(HostCall::kCgroupProcesses,
              [&] { return inner_.CgroupProcesses(path); });
}

absl::StatusOr<std::vector<std::string>> FaultyHost::CgroupChildren(
    absl::string_view path) {
  return Call(HostCall::kCgroupChildren,
              [&] { return inner_.CgroupChildren(path); });
}

absl::Status FaultyHost::CgroupAttachDeviceFilter(
    absl::string_view path, absl::Span<const uint8_t> program,
    absl::string_view license) {
  return Call(HostCall::kBpfCgroupDevice, [&] {
    return inner_.CgroupAttachDeviceFilter(path, program, license);
  });
}

// A cgroup chown can fail as any chown; reading the owner as any cgroup
// read.
absl::Status FaultyHost::CgroupChown(absl::string_view path,
                                     absl::string_view file, Uid uid, Gid gid) {
  return Call(HostCall::kFchown,
              [&] { return inner_.CgroupChown(path, file, uid, gid); });
}

absl::StatusOr<CgroupOwner> FaultyHost::CgroupGetOwner(absl::string_view path,
                                                       absl::string_view file) {
  return Call(HostCall::kCgroupRead,
              [&] { return inner_.CgroupGetOwner(path, file); });
}

// Seccomp.

absl::Status FaultyHost::SetNoNewPrivs() {
  return Call(HostCall::kSetNoNewPrivs, [&] { return inner_.SetNoNewPrivs(); });
}

absl::StatusOr<Fd> FaultyHost::SetSeccompFilter(
    absl::Span<const uint8_t> program, SeccompFlags flags) {
  return Call(HostCall::kSetSeccompFilter,
              [&] { return inner_.SetSeccompFilter(program, flags); });
}

// Sockets.

absl::StatusOr<Fd> FaultyHost::Socket(SocketType type) {
  return Call(HostCall::kSocket, [&] { return inner_.Socket(type); });
}

absl::StatusOr<SocketPairFds> FaultyHost::SocketPair(SocketType type) {
  return Call(HostCall::kSocketPair, [&] { return inner_.SocketPair(type); });
}

absl::Status FaultyHost::Bind(const Fd& socket, absl::string_view path) {
  return Call(HostCall::kBind, [&] { return inner_.Bind(socket, path); });
}

absl::Status FaultyHost::Listen(const Fd& socket, int backlog) {
  return Call(HostCall::kListen,
              [&] { return inner_.Listen(socket, backlog); });
}

absl::StatusOr<Fd> FaultyHost::Accept(const Fd& socket) {
  return Call(HostCall::kAccept, [&] { return inner_.Accept(socket); });
}

absl::Status FaultyHost::Connect(const Fd& socket, absl::string_view path) {
  return Call(HostCall::kConnect, [&] { return inner_.Connect(socket, path); });
}

absl::StatusOr<size_t> FaultyHost::SendMsg(const Fd& socket,
                                           absl::Span<const char> bytes,
                                           absl::Span<const Fd* const> fds) {
  return Transfer(HostCall::kSendMsg, bytes, [&](absl::Span<const char> b) {
    return inner_.SendMsg(socket, b, fds);
  });
}

absl::StatusOr<ReceivedMessage> FaultyHost::RecvMsg(const Fd& socket,
                                                    size_t max_bytes,
                                                    size_t max_fds) {
  return Call(HostCall::kRecvMsg,
              [&] { return inner_.RecvMsg(socket, max_bytes, max_fds); });
}

absl::StatusOr<PeerCredentials> FaultyHost::GetPeerCredentials(
    const Fd& socket) {
  return Call(HostCall::kGetPeerCredentials,
              [&] { return inner_.GetPeerCredentials(socket); });
}

absl::Status FaultyHost::Shutdown(const Fd& socket, ShutdownHow how) {
  return Call(HostCall::kShutdown,
              [&] { return inner_.Shutdown(socket, how); });
}

absl::StatusOr<Fd> FaultyHost::TcpSocket() {
  return Call(HostCall::kTcpSocket, [&] { return inner_.TcpSocket(); });
}

absl::Status FaultyHost::BindLoopback(const Fd& socket, uint16_t port) {
  return Call(HostCall::kBindLoopback,
              [&] { return inner_.BindLoopback(socket, port); });
}

absl::Status FaultyHost::ConnectLoopback(const Fd& socket, uint16_t port) {
  return Call(HostCall::kConnectLoopback,
              [&] { return inner_.ConnectLoopback(socket, port); });
}

absl::Status FaultyHost::BringUpLoopback() {
  return Call(HostCall::kBringUpLoopback,
              [&] { return inner_.BringUpLoopback(); });
}

// Terminal.

absl::StatusOr<PtyPair> FaultyHost::OpenPty() {
  return Call(HostCall::kOpenPty, [&] { return inner_.OpenPty(); });
}

absl::Status FaultyHost::SetWindowSize(const Fd& tty, WindowSize size) {
  return Call(HostCall::kSetWindowSize,
              [&] { return inner_.SetWindowSize(tty, size); });
}

absl::StatusOr<WindowSize> FaultyHost::GetWindowSize(const Fd& tty) {
  return Call(HostCall::kGetWindowSize,
              [&] { return inner_.GetWindowSize(tty); });
}

absl::Status FaultyHost::NewSession() {
  return Call(HostCall::kNewSession, [&] { return inner_.NewSession(); });
}

absl::Status FaultyHost::SetControllingTerminal(const Fd& tty) {
  return Call(HostCall::kSetControllingTerminal,
              [&] { return inner_.SetControllingTerminal(tty); });
}

// Clock and Random.

absl::Duration FaultyHost::MonotonicNow() {
  return Call(HostCall::kMonotonicNow, [&] { return inner_.MonotonicNow(); });
}

absl::Time FaultyHost::RealNow() {
  return Call(HostCall::kRealNow, [&] { return inner_.RealNow(); });
}

void FaultyHost::SleepFor(absl::Duration duration) {
  Call(HostCall::kSleepFor, [&] { inner_.SleepFor(duration); });
}

uint64_t FaultyHost::RandomUint64() {
  return Call(HostCall::kRandomUint64, [&] { return inner_.RandomUint64(); });
}

// Credentials.

absl::Status FaultyHost::SetResUid(Uid real, Uid effective, Uid saved) {
  return Call(HostCall::kSetResUid,
              [&] { return inner_.SetResUid(real, effective, saved); });
}

absl::Status FaultyHost::SetResGid(Gid real, Gid effective, Gid saved) {
  return Call(HostCall::kSetResGid,
              [&] { return inner_.SetResGid(real, effective, saved); });
}

absl::Status FaultyHost::SetGroups(absl::Span<const Gid> groups) {
  return Call(HostCall::kSetGroups, [&] { return inner_.SetGroups(groups); });
}

absl::Status FaultyHost::SetKeepCaps(bool keep) {
  return Call(HostCall::kSetKeepCaps, [&] { return inner_.SetKeepCaps(keep); });
}

absl::StatusOr<CapabilitySets> FaultyHost::GetCapabilities() {
  return Call(HostCall::kGetCapabilities,
              [&] { return inner_.GetCapabilities(); });
}

absl::Status FaultyHost::SetCapabilities(const CapabilitySets& sets) {
  return Call(HostCall::kSetCapabilities,
              [&] { return inner_.SetCapabilities(sets); });
}

absl::StatusOr<int> FaultyHost::LastCapability() {
  return Call(HostCall::kLastCapability,
              [&] { return inner_.LastCapability(); });
}

absl::StatusOr<bool> FaultyHost::InBoundingSet(int capability) {
  return Call(HostCall::kInBoundingSet,
              [&] { return inner_.InBoundingSet(capability); });
}

absl::Status FaultyHost::DropBoundingCapability(int capability) {
  return Call(HostCall::kDropBoundingCapability,
              [&] { return inner_.DropBoundingCapability(capability); });
}

absl::Status FaultyHost::ClearAmbientCapabilities() {
  return Call(HostCall::kClearAmbientCapabilities,
              [&] { return inner_.ClearAmbientCapabilities(); });
}

absl::Status FaultyHost::RaiseAmbientCapability(int capability) {
  return Call(HostCall::kRaiseAmbientCapability,
              [&] { return inner_.RaiseAmbientCapability(capability); });
}

absl::Status FaultyHost::SetRlimit(int resource, ResourceLimit limit) {
  return Call(HostCall::kSetRlimit,
              [&] { return inner_.SetRlimit(resource, limit); });
}

absl::StatusOr<ResourceLimit> FaultyHost::GetRlimit(int resource) {
  return Call(HostCall::kGetRlimit, [&] { return inner_.GetRlimit(resource); });
}

absl::StatusOr<uint32_t> FaultyHost::SetPersonality(uint32_t persona) {
  return Call(HostCall::kSetPersonality,
              [&] { return inner_.SetPersonality(persona); });
}

absl::Status FaultyHost::SetOomScoreAdj(int score) {
  return Call(HostCall::kSetOomScoreAdj,
              [&] { return inner_.SetOomScoreAdj(score); });
}

absl::StatusOr<int> FaultyHost::GetOomScoreAdj() {
  return Call(HostCall::kGetOomScoreAdj,
              [&] { return inner_.GetOomScoreAdj(); });
}

absl::Status FaultyHost::WriteIdMap(Pid pid, IdMapKind kind,
                                    absl::string_view map) {
  return Call(HostCall::kWriteIdMap,
              [&] { return inner_.WriteIdMap(pid, kind, map); });
}

absl::Status FaultyHost::DenySetgroups(Pid pid) {
  return Call(HostCall::kDenySetgroups,
              [&] { return inner_.DenySetgroups(pid); });
}

absl::Status FaultyHost::WriteSysctl(absl::string_view key,
                                     absl::string_view value) {
  return Call(HostCall::kWriteSysctl,
              [&] { return inner_.WriteSysctl(key, value); });
}

absl::StatusOr<std::string> FaultyHost::ReadSysctl(absl::string_view key) {
  return Call(HostCall::kReadSysctl, [&] { return inner_.ReadSysctl(key); });
}

absl::StatusOr<KeySerial> FaultyHost::JoinSessionKeyring(
    absl::string_view name) {
  return Call(HostCall::kJoinSessionKeyring,
              [&] { return inner_.JoinSessionKeyring(name); });
}

absl::StatusOr<KeyDescription> FaultyHost::DescribeKey(KeySerial serial) {
  return Call(HostCall::kDescribeKey,
              [&] { return inner_.DescribeKey(serial); });
}

absl::Status FaultyHost::SetKeyPermissions(KeySerial serial,
                                           uint32_t permissions) {
  return Call(HostCall::kSetKeyPermissions,
              [&] { return inner_.SetKeyPermissions(serial, permissions); });
}

absl::StatusOr<ProcessStatus> FaultyHost::GetProcessStatus() {
  return Call(HostCall::kGetProcessStatus,
              [&] { return inner_.GetProcessStatus(); });
}

}  // namespace runbox
