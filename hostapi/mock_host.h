// MockHost: a gMock Host for call-order tests (which calls, which arguments,
// which sequence); no behaviour, which the contract suite tests on FakeHost
// and LinuxHost. Also an FdOwner: hand out Fd{n, &mock}, expect CloseFd(n).
// Debian's absl::string_view is not std::string_view: match path arguments
// with Eq(absl::string_view("meta.json")), not a bare literal.
#ifndef RUNBOX_HOSTAPI_MOCK_HOST_H_
#define RUNBOX_HOSTAPI_MOCK_HOST_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "hostapi/host.h"

namespace runbox {

class MockHost : public Host, public FdOwner {
 public:
  MockHost() {
    // Host::Exit is [[noreturn]]: a mock Exit that returned would be
    // undefined behaviour in the caller, so by default it aborts. Tests that
    // expect an exit give it an action that ends the process (std::_Exit).
    ON_CALL(*this, Exit).WillByDefault([](int code) {
      std::fprintf(stderr, "MockHost::Exit(%d) has no action that exits\n",
                   code);
      std::abort();
    });
  }

  // FdOwner.
  MOCK_METHOD(void, CloseFd, (int fd), (noexcept, override));

  // Files.
  MOCK_METHOD(absl::StatusOr<Fd>, OpenAt,
              (const Fd& dir, absl::string_view path, const OpenHow& how),
              (override));
  MOCK_METHOD(absl::Status, Close, (Fd fd), (override));
  MOCK_METHOD(absl::StatusOr<size_t>, Read,
              (const Fd& fd, absl::Span<char> buf), (override));
  MOCK_METHOD(absl::StatusOr<size_t>, Write,
              (const Fd& fd, absl::Span<const char> bytes), (override));
  MOCK_METHOD(absl::StatusOr<size_t>, PRead,
              (const Fd& fd, absl::Span<char> buf, int64_t offset), (override));
  MOCK_METHOD(absl::StatusOr<size_t>, PWrite,
              (const Fd& fd, absl::Span<const char> bytes, int64_t offset),
              (override));
  MOCK_METHOD(absl::Status, Fsync, (const Fd& fd), (override));
  MOCK_METHOD(absl::Status, Fdatasync, (const Fd& fd), (override));
  MOCK_METHOD(absl::Status, Ftruncate, (const Fd& fd, int64_t length),
              (override));
  MOCK_METHOD(absl::Status, RenameAt,
              (const Fd& from_dir, absl::string_view from, const Fd& to_dir,
               absl::string_view to, RenameFlags flags),
              (override));
  MOCK_METHOD(absl::Status, UnlinkAt,
              (const Fd& dir, absl::string_view path, UnlinkFlags flags),
              (override));
  MOCK_METHOD(absl::Status, MkdirAt,
              (const Fd& dir, absl::string_view path, uint32_t mode),
              (override));
  MOCK_METHOD(absl::Status, MknodAt,
              (const Fd& dir, absl::string_view path, FileType type,
               uint32_t mode, DeviceNumber dev),
              (override));
  MOCK_METHOD(absl::Status, SymlinkAt,
              (absl::string_view target, const Fd& dir,
               absl::string_view link_path),
              (override));
  MOCK_METHOD(absl::StatusOr<std::string>, ReadlinkAt,
              (const Fd& dir, absl::string_view path), (override));
  MOCK_METHOD(absl::Status, LinkAt,
              (const Fd& old_dir, absl::string_view old_path, const Fd& new_dir,
               absl::string_view new_path),
              (override));
  MOCK_METHOD(absl::StatusOr<FileStat>, StatAt,
              (const Fd& dir, absl::string_view path, FollowSymlinks follow),
              (override));
  MOCK_METHOD(absl::StatusOr<FileStat>, FStat, (const Fd& fd), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<DirEntry>>, ReadDir, (const Fd& dir),
              (override));
  MOCK_METHOD(absl::Status, Fchmod, (const Fd& fd, uint32_t mode), (override));
  MOCK_METHOD(absl::Status, Fchown, (const Fd& fd, Uid uid, Gid gid),
              (override));
  MOCK_METHOD(absl::StatusOr<Fd>, Dup, (const Fd& fd), (override));
  MOCK_METHOD(absl::Status, Dup3, (const Fd& fd, int target), (override));
  MOCK_METHOD(absl::StatusOr<PipeFds>, Pipe, (bool nonblocking), (override));
  MOCK_METHOD(absl::StatusOr<Fd>, MemfdCreate,
              (absl::string_view name, MemfdFlags flags), (override));
  MOCK_METHOD(absl::Status, AddSeals, (const Fd& fd, Seals seals), (override));
  MOCK_METHOD(absl::StatusOr<int>, Poll,
              (absl::Span<PollFd> fds, std::optional<absl::Duration> timeout),
              (override));
  MOCK_METHOD(absl::Status, Fchdir, (const Fd& dir), (override));
  MOCK_METHOD(uint32_t, Umask, (uint32_t mask), (override));
  MOCK_METHOD(absl::StatusOr<std::string>, GetCwd, (), (override));
  MOCK_METHOD(absl::Status, SetNonBlocking, (const Fd& fd, bool nonblocking),
              (override));
  MOCK_METHOD(Fd, AdoptFd, (int fd), (override));

  // Locks.
  MOCK_METHOD(absl::Status, Flock, (const Fd& fd, LockOp op, LockWait wait),
              (override));

  // Processes.
  MOCK_METHOD(absl::StatusOr<SpawnResult>, Spawn, (const SpawnRequest& request),
              (override));
  MOCK_METHOD(absl::Status, Exec, (const ExecRequest& request), (override));
  MOCK_METHOD(void, Exit, (int code), (override));
  MOCK_METHOD(absl::StatusOr<std::optional<WaitResult>>, Wait,
              (Pid pid, WaitFlags flags), (override));
  MOCK_METHOD(absl::Status, Kill, (Pid pid, Signal sig), (override));
  MOCK_METHOD(absl::StatusOr<Fd>, PidfdOpen, (Pid pid), (override));
  MOCK_METHOD(absl::Status, PidfdSendSignal, (const Fd& pidfd, Signal sig),
              (override));
  MOCK_METHOD(Pid, GetPid, (), (override));
  MOCK_METHOD(Pid, GetParentPid, (), (override));
  MOCK_METHOD(absl::StatusOr<ProcessIdentity>, GetProcessIdentity, (Pid pid),
              (override));
  MOCK_METHOD(absl::Status, SetChildSubreaper, (), (override));
  MOCK_METHOD(std::vector<std::string>, Environment, (), (override));
  MOCK_METHOD(absl::StatusOr<Fd>, OpenSelfExe, (), (override));
  MOCK_METHOD(absl::Status, SetParentDeathSignal, (Signal sig), (override));
  MOCK_METHOD(absl::Status, SetDumpable, (bool dumpable), (override));
  MOCK_METHOD(Uid, GetUid, (), (override));
  MOCK_METHOD(Gid, GetGid, (), (override));
  MOCK_METHOD(absl::StatusOr<Fd>, OpenNamespace,
              (Pid pid, Namespaces one_namespace), (override));
  MOCK_METHOD(absl::Status, Unshare, (Namespaces namespaces), (override));
  MOCK_METHOD(absl::Status, Setns, (const Fd& fd, Namespaces type), (override));
  MOCK_METHOD(absl::Status, Sethostname, (absl::string_view name), (override));
  MOCK_METHOD(absl::Status, Setdomainname, (absl::string_view name),
              (override));
  MOCK_METHOD(absl::StatusOr<std::string>, GetHostname, (), (override));
  MOCK_METHOD(absl::StatusOr<SignalSet>, BlockSignals, (const SignalSet& set),
              (override));
  MOCK_METHOD(absl::StatusOr<SignalSet>, UnblockSignals, (const SignalSet& set),
              (override));
  MOCK_METHOD(absl::StatusOr<SignalSet>, SetSignalMask, (const SignalSet& set),
              (override));
  MOCK_METHOD(absl::Status, SetSignalDisposition,
              (Signal sig, SignalDisposition disp), (override));
  MOCK_METHOD(absl::StatusOr<Fd>, SignalFd, (const SignalSet& set), (override));
  MOCK_METHOD(absl::StatusOr<SignalInfo>, ReadSignal, (const Fd& signal_fd),
              (override));
  MOCK_METHOD(absl::StatusOr<std::optional<SignalInfo>>, WaitSignal,
              (const SignalSet& set, std::optional<absl::Duration> timeout),
              (override));

  // Mounts.
  MOCK_METHOD(absl::Status, Mount,
              (absl::string_view source, absl::string_view target,
               absl::string_view fstype, MountFlags flags,
               absl::string_view data),
              (override));
  MOCK_METHOD(absl::Status, Umount,
              (absl::string_view target, UmountFlags flags), (override));
  MOCK_METHOD(absl::Status, PivotRoot,
              (absl::string_view new_root, absl::string_view put_old),
              (override));
  MOCK_METHOD(absl::Status, Chroot, (absl::string_view path), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<MountInfo>>, ListMounts, (),
              (override));
  MOCK_METHOD(absl::Status, MountSetattr,
              (absl::string_view path, MountFlags set, MountFlags clear,
               bool recursive),
              (override));
  MOCK_METHOD(absl::Status, MountIdmapped,
              (absl::string_view source, absl::string_view target,
               const Fd& userns, bool recursive_bind, bool recursive_idmap),
              (override));

  // Cgroups.
  MOCK_METHOD(absl::StatusOr<std::vector<CgroupMount>>, CgroupMounts, (),
              (override));
  MOCK_METHOD(absl::Status, CgroupCreate, (absl::string_view path), (override));
  MOCK_METHOD(absl::Status, CgroupRemove, (absl::string_view path), (override));
  MOCK_METHOD(absl::StatusOr<std::string>, CgroupRead,
              (absl::string_view path, absl::string_view file), (override));
  MOCK_METHOD(absl::Status, CgroupWrite,
              (absl::string_view path, absl::string_view file,
               absl::string_view value),
              (override));
  MOCK_METHOD(absl::Status, CgroupAddProcess, (absl::string_view path, Pid pid),
              (override));
  MOCK_METHOD(absl::StatusOr<std::vector<Pid>>, CgroupProcesses,
              (absl::string_view path), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<std::string>>, CgroupChildren,
              (absl::string_view path), (override));
  MOCK_METHOD(absl::Status, CgroupAttachDeviceFilter,
              (absl::string_view path, absl::Span<const uint8_t> program,
               absl::string_view license),
              (override));
  MOCK_METHOD(absl::Status, CgroupChown,
              (absl::string_view path, absl::string_view file, Uid uid,
               Gid gid),
              (override));
  MOCK_METHOD(absl::StatusOr<CgroupOwner>, CgroupGetOwner,
              (absl::string_view path, absl::string_view file), (override));

  // Seccomp.
  MOCK_METHOD(absl::Status, SetNoNewPrivs, (), (override));
  MOCK_METHOD(absl::StatusOr<Fd>, SetSeccompFilter,
              (absl::Span<const uint8_t> program, SeccompFlags flags),
              (override));

  // Sockets.
  MOCK_METHOD(absl::StatusOr<Fd>, Socket, (SocketType type), (override));
  MOCK_METHOD(absl::StatusOr<SocketPairFds>, SocketPair, (SocketType type),
              (override));
  MOCK_METHOD(absl::Status, Bind, (const Fd& socket, absl::string_view path),
              (override));
  MOCK_METHOD(absl::Status, Listen, (const Fd& socket, int backlog),
              (override));
  MOCK_METHOD(absl::StatusOr<Fd>, Accept, (const Fd& socket), (override));
  MOCK_METHOD(absl::Status, Connect, (const Fd& socket, absl::string_view path),
              (override));
  MOCK_METHOD(absl::StatusOr<size_t>, SendMsg,
              (const Fd& socket, absl::Span<const char> bytes,
               absl::Span<const Fd* const> fds),
              (override));
  MOCK_METHOD(absl::StatusOr<ReceivedMessage>, RecvMsg,
              (const Fd& socket, size_t max_bytes, size_t max_fds), (override));
  MOCK_METHOD(absl::StatusOr<PeerCredentials>, GetPeerCredentials,
              (const Fd& socket), (override));
  MOCK_METHOD(absl::Status, Shutdown, (const Fd& socket, ShutdownHow how),
              (override));
  MOCK_METHOD(absl::StatusOr<Fd>, TcpSocket, (), (override));
  MOCK_METHOD(absl::Status, BindLoopback, (const Fd& socket, uint16_t port),
              (override));
  MOCK_METHOD(absl::Status, ConnectLoopback, (const Fd& socket, uint16_t port),
              (override));
  MOCK_METHOD(absl::Status, BringUpLoopback, (), (override));

  // Terminal.
  MOCK_METHOD(absl::StatusOr<PtyPair>, OpenPty, (), (override));
  MOCK_METHOD(absl::Status, SetWindowSize, (const Fd& tty, WindowSize size),
              (override));
  MOCK_METHOD(absl::StatusOr<WindowSize>, GetWindowSize, (const Fd& tty),
              (override));
  MOCK_METHOD(absl::Status, NewSession, (), (override));
  MOCK_METHOD(absl::Status, SetControllingTerminal, (const Fd& tty),
              (override));

  // Clock.
  MOCK_METHOD(absl::Duration, MonotonicNow, (), (override));
  MOCK_METHOD(absl::Time, RealNow, (), (override));
  MOCK_METHOD(void, SleepFor, (absl::Duration duration), (override));

  // Random.
  MOCK_METHOD(uint64_t, RandomUint64, (), (override));

  // Credentials.
  MOCK_METHOD(absl::Status, SetResUid, (Uid real, Uid effective, Uid saved),
              (override));
  MOCK_METHOD(absl::Status, SetResGid, (Gid real, Gid effective, Gid saved),
              (override));
  MOCK_METHOD(absl::Status, SetGroups, (absl::Span<const Gid> groups),
              (override));
  MOCK_METHOD(absl::Status, SetKeepCaps, (bool keep), (override));
  MOCK_METHOD(absl::StatusOr<CapabilitySets>, GetCapabilities, (), (override));
  MOCK_METHOD(absl::Status, SetCapabilities, (const CapabilitySets& sets),
              (override));
  MOCK_METHOD(absl::StatusOr<int>, LastCapability, (), (override));
  MOCK_METHOD(absl::StatusOr<bool>, InBoundingSet, (int capability),
              (override));
  MOCK_METHOD(absl::Status, DropBoundingCapability, (int capability),
              (override));
  MOCK_METHOD(absl::Status, ClearAmbientCapabilities, (), (override));
  MOCK_METHOD(absl::Status, RaiseAmbientCapability, (int capability),
              (override));
  MOCK_METHOD(absl::Status, SetRlimit, (int resource, ResourceLimit limit),
              (override));
  MOCK_METHOD(absl::StatusOr<ResourceLimit>, GetRlimit, (int resource),
              (override));
  MOCK_METHOD(absl::StatusOr<uint32_t>, SetPersonality, (uint32_t persona),
              (override));
  MOCK_METHOD(absl::Status, SetOomScoreAdj, (int score), (override));
  MOCK_METHOD(absl::StatusOr<int>, GetOomScoreAdj, (), (override));
  MOCK_METHOD(absl::Status, WriteIdMap,
              (Pid pid, IdMapKind kind, absl::string_view map), (override));
  MOCK_METHOD(absl::Status, DenySetgroups, (Pid pid), (override));
  MOCK_METHOD(absl::Status, WriteSysctl,
              (absl::string_view key, absl::string_view value), (override));
  MOCK_METHOD(absl::StatusOr<std::string>, ReadSysctl, (absl::string_view key),
              (override));
  MOCK_METHOD(absl::StatusOr<KeySerial>, JoinSessionKeyring,
              (absl::string_view name), (override));
  MOCK_METHOD(absl::StatusOr<KeyDescription>, DescribeKey, (KeySerial serial),
              (override));
  MOCK_METHOD(absl::Status, SetKeyPermissions,
              (KeySerial serial, uint32_t permissions), (override));
  MOCK_METHOD(absl::StatusOr<ProcessStatus>, GetProcessStatus, (), (override));
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_MOCK_HOST_H_
