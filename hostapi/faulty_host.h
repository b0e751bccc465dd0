// FaultyHost: a Host decorator that asks a FaultPlan about every call and
// fails it, kills the caller, shortens a transfer, or forwards it to the
// wrapped host. It works over LinuxHost and FakeHost alike; the plan decides
// and records, this class only applies (hostapi/fault_plan.h).
#ifndef RUNBOX_HOSTAPI_FAULTY_HOST_H_
#define RUNBOX_HOSTAPI_FAULTY_HOST_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hostapi/fault_plan.h"
#include "hostapi/host.h"

namespace runbox {

// Fds come from the inner host unchanged and close through it. An injected
// failure has no effect, with one exception: Close takes its Fd by value,
// so a failed Close still closes the fd (as close(2) does on EINTR).
//
// A kill fault sends SIGKILL to the caller through the inner host
// (Kill(GetPid(), kKill)), which does not return on Linux or in the fake.
// Should it return (a mock), the call fails with kAborted and no errno, or,
// for a call that cannot fail, is forwarded.
//
// The caller's pid is asked of the inner host once, at the first call, and
// reused: it is constant for the life of a process.
class FaultyHost : public Host {
 public:
  FaultyHost(Host& inner, std::shared_ptr<FaultPlan> plan)
      : inner_(inner), plan_(std::move(plan)) {}

  FaultPlan& plan() { return *plan_; }

  // Files.
  absl::StatusOr<Fd> OpenAt(const Fd& dir, absl::string_view path,
                            const OpenHow& how) override;
  absl::Status Close(Fd fd) override;
  absl::StatusOr<size_t> Read(const Fd& fd, absl::Span<char> buf) override;
  absl::StatusOr<size_t> Write(const Fd& fd,
                               absl::Span<const char> bytes) override;
  absl::StatusOr<size_t> PRead(const Fd& fd, absl::Span<char> buf,
                               int64_t offset) override;
  absl::StatusOr<size_t> PWrite(const Fd& fd, absl::Span<const char> bytes,
                                int64_t offset) override;
  absl::Status Fsync(const Fd& fd) override;
  absl::Status Fdatasync(const Fd& fd) override;
  absl::Status Ftruncate(const Fd& fd, int64_t length) override;
  absl::Status RenameAt(const Fd& from_dir, absl::string_view from,
                        const Fd& to_dir, absl::string_view to,
                        RenameFlags flags) override;
  absl::Status UnlinkAt(const Fd& dir, absl::string_view path,
                        UnlinkFlags flags) override;
  absl::Status MkdirAt(const Fd& dir, absl::string_view path,
                       uint32_t mode) override;
  absl::Status MknodAt(const Fd& dir, absl::string_view path, FileType type,
                       uint32_t mode, DeviceNumber dev) override;
  absl::Status SymlinkAt(absl::string_view target, const Fd& dir,
                         absl::string_view link_path) override;
  absl::StatusOr<std::string> ReadlinkAt(const Fd& dir,
                                         absl::string_view path) override;
  absl::Status LinkAt(const Fd& old_dir, absl::string_view old_path,
                      const Fd& new_dir, absl::string_view new_path) override;
  absl::StatusOr<FileStat> StatAt(const Fd& dir, absl::string_view path,
                                  FollowSymlinks follow) override;
  absl::StatusOr<FileStat> FStat(const Fd& fd) override;
  absl::StatusOr<std::vector<DirEntry>> ReadDir(const Fd& dir) override;
  absl::Status Fchmod(const Fd& fd, uint32_t mode) override;
  absl::Status Fchown(const Fd& fd, Uid uid, Gid gid) override;
  absl::StatusOr<Fd> Dup(const Fd& fd) override;
  absl::Status Dup3(const Fd& fd, int target) override;
  absl::StatusOr<PipeFds> Pipe(bool nonblocking) override;
  absl::StatusOr<Fd> MemfdCreate(absl::string_view name,
                                 MemfdFlags flags) override;
  absl::Status AddSeals(const Fd& fd, Seals seals) override;
  absl::StatusOr<int> Poll(absl::Span<PollFd> fds,
                           std::optional<absl::Duration> timeout) override;
  absl::Status Fchdir(const Fd& dir) override;
  uint32_t Umask(uint32_t mask) override;
  absl::StatusOr<std::string> GetCwd() override;
  absl::Status SetNonBlocking(const Fd& fd, bool nonblocking) override;
  Fd AdoptFd(int fd) override;

  // Locks.
  absl::Status Flock(const Fd& fd, LockOp op, LockWait wait) override;

  // Processes.
  absl::StatusOr<SpawnResult> Spawn(const SpawnRequest& request) override;
  absl::Status Exec(const ExecRequest& request) override;
  [[noreturn]] void Exit(int code) override;
  absl::StatusOr<std::optional<WaitResult>> Wait(Pid pid,
                                                 WaitFlags flags) override;
  absl::Status Kill(Pid pid, Signal sig) override;
  absl::StatusOr<Fd> PidfdOpen(Pid pid) override;
  absl::Status PidfdSendSignal(const Fd& pidfd, Signal sig) override;
  Pid GetPid() override;
  Pid GetParentPid() override;
  absl::StatusOr<ProcessIdentity> GetProcessIdentity(Pid pid) override;
  absl::Status SetChildSubreaper() override;
  std::vector<std::string> Environment() override;
  absl::StatusOr<Fd> OpenSelfExe() override;
  absl::Status SetParentDeathSignal(Signal sig) override;
  absl::Status SetDumpable(bool dumpable) override;
  Uid GetUid() override;
  Gid GetGid() override;
  absl::StatusOr<Fd> OpenNamespace(Pid pid, Namespaces one_namespace) override;
  absl::Status Unshare(Namespaces namespaces) override;
  absl::Status Setns(const Fd& fd, Namespaces type) override;
  absl::Status Sethostname(absl::string_view name) override;
  absl::Status Setdomainname(absl::string_view name) override;
  absl::StatusOr<std::string> GetHostname() override;
  absl::StatusOr<SignalSet> BlockSignals(const SignalSet& set) override;
  absl::StatusOr<SignalSet> UnblockSignals(const SignalSet& set) override;
  absl::StatusOr<SignalSet> SetSignalMask(const SignalSet& set) override;
  absl::Status SetSignalDisposition(Signal sig,
                                    SignalDisposition disp) override;
  absl::StatusOr<Fd> SignalFd(const SignalSet& set) override;
  absl::StatusOr<SignalInfo> ReadSignal(const Fd& signal_fd) override;
  absl::StatusOr<std::optional<SignalInfo>> WaitSignal(
      const SignalSet& set, std::optional<absl::Duration> timeout) override;

  // Mounts.
  absl::Status Mount(absl::string_view source, absl::string_view target,
                     absl::string_view fstype, MountFlags flags,
                     absl::string_view data) override;
  absl::Status Umount(absl::string_view target, UmountFlags flags) override;
  absl::Status PivotRoot(absl::string_view new_root,
                         absl::string_view put_old) override;
  absl::Status Chroot(absl::string_view path) override;
  absl::StatusOr<std::vector<MountInfo>> ListMounts() override;
  absl::Status MountSetattr(absl::string_view path, MountFlags set,
                            MountFlags clear, bool recursive) override;
  absl::Status MountIdmapped(absl::string_view source, absl::string_view target,
                             const Fd& userns, bool recursive_bind,
                             bool recursive_idmap) override;

  // Cgroups.
  absl::StatusOr<std::vector<CgroupMount>> CgroupMounts() override;
  absl::Status CgroupCreate(absl::string_view path) override;
  absl::Status CgroupRemove(absl::string_view path) override;
  absl::StatusOr<std::string> CgroupRead(absl::string_view path,
                                         absl::string_view file) override;
  absl::Status CgroupWrite(absl::string_view path, absl::string_view file,
                           absl::string_view value) override;
  absl::Status CgroupAddProcess(absl::string_view path, Pid pid) override;
  absl::StatusOr<std::vector<Pid>> CgroupProcesses(
      absl::string_view path) override;
  absl::StatusOr<std::vector<std::string>> CgroupChildren(
      absl::string_view path) override;
  absl::Status CgroupAttachDeviceFilter(absl::string_view path,
                                        absl::Span<const uint8_t> program,
                                        absl::string_view license) override;
  absl::Status CgroupChown(absl::string_view path, absl::string_view file,
                           Uid uid, Gid gid) override;
  absl::StatusOr<CgroupOwner> CgroupGetOwner(absl::string_view path,
                                             absl::string_view file) override;

  // Seccomp.
  absl::Status SetNoNewPrivs() override;
  absl::StatusOr<Fd> SetSeccompFilter(absl::Span<const uint8_t> program,
                                      SeccompFlags flags) override;

  // Sockets.
  absl::StatusOr<Fd> Socket(SocketType type) override;
  absl::StatusOr<SocketPairFds> SocketPair(SocketType type) override;
  absl::Status Bind(const Fd& socket, absl::string_view path) override;
  absl::Status Listen(const Fd& socket, int backlog) override;
  absl::StatusOr<Fd> Accept(const Fd& socket) override;
  absl::Status Connect(const Fd& socket, absl::string_view path) override;
  absl::StatusOr<size_t> SendMsg(const Fd& socket, absl::Span<const char> bytes,
                                 absl::Span<const Fd* const> fds) override;
  absl::StatusOr<ReceivedMessage> RecvMsg(const Fd& socket, size_t max_bytes,
                                          size_t max_fds) override;
  absl::StatusOr<PeerCredentials> GetPeerCredentials(const Fd& socket) override;
  absl::Status Shutdown(const Fd& socket, ShutdownHow how) override;
  absl::StatusOr<Fd> TcpSocket() override;
  absl::Status BindLoopback(const Fd& socket, uint16_t port) override;
  absl::Status ConnectLoopback(const Fd& socket, uint16_t port) override;
  absl::Status BringUpLoopback() override;

  // Terminal.
  absl::StatusOr<PtyPair> OpenPty() override;
  absl::Status SetWindowSize(const Fd& tty, WindowSize size) override;
  absl::StatusOr<WindowSize> GetWindowSize(const Fd& tty) override;
  absl::Status NewSession() override;
  absl::Status SetControllingTerminal(const Fd& tty) override;

  // Clock and Random: never failed, still counted and traced.
  absl::Duration MonotonicNow() override;
  absl::Time RealNow() override;
  void SleepFor(absl::Duration duration) override;
  uint64_t RandomUint64() override;

  // Credentials.
  absl::Status SetResUid(Uid real, Uid effective, Uid saved) override;
  absl::Status SetResGid(Gid real, Gid effective, Gid saved) override;
  absl::Status SetGroups(absl::Span<const Gid> groups) override;
  absl::Status SetKeepCaps(bool keep) override;
  absl::StatusOr<CapabilitySets> GetCapabilities() override;
  absl::Status SetCapabilities(const CapabilitySets& sets) override;
  absl::StatusOr<int> LastCapability() override;
  absl::StatusOr<bool> InBoundingSet(int capability) override;
  absl::Status DropBoundingCapability(int capability) override;
  absl::Status ClearAmbientCapabilities() override;
  absl::Status RaiseAmbientCapability(int capability) override;
  absl::Status SetRlimit(int resource, ResourceLimit limit) override;
  absl::StatusOr<ResourceLimit> GetRlimit(int resource) override;
  absl::StatusOr<uint32_t> SetPersonality(uint32_t persona) override;
  absl::Status SetOomScoreAdj(int score) override;
  absl::StatusOr<int> GetOomScoreAdj() override;
  absl::Status WriteIdMap(Pid pid, IdMapKind kind,
                          absl::string_view map) override;
  absl::Status DenySetgroups(Pid pid) override;
  absl::Status WriteSysctl(absl::string_view key,
                           absl::string_view value) override;
  absl::StatusOr<std::string> ReadSysctl(absl::string_view key) override;
  absl::StatusOr<KeySerial> JoinSessionKeyring(absl::string_view name) override;
  absl::StatusOr<KeyDescription> DescribeKey(KeySerial serial) override;
  absl::Status SetKeyPermissions(KeySerial serial,
                                 uint32_t permissions) override;
  absl::StatusOr<ProcessStatus> GetProcessStatus() override;

 private:
  // Counts the call with the plan and, for a kill decision, kills.
  FaultDecision Begin(HostCall call);
  // Applies `decision` and runs `forward` (the inner call) unless the call
  // is failed or killed; reports the result to the plan.
  template <typename Forward>
  auto Finish(const FaultDecision& decision, Forward&& forward);
  // Begin + Finish: the whole of most overrides.
  template <typename Forward>
  auto Call(HostCall call, Forward&& forward);
  // Like Call for a transfer: `forward` takes the span, shortened for a
  // short-transfer decision.
  template <typename Span, typename Forward>
  auto Transfer(HostCall call, Span span, Forward&& forward);

  Pid Self();

  Host& inner_;
  std::shared_ptr<FaultPlan> plan_;
  std::optional<Pid> self_;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_FAULTY_HOST_H_
