// SetHostWrapper: every simulated process, and every program it execs, gets
// its Host through the wrapper (how FaultyHost joins the simulation).
// CountingHost forwards each call and counts it.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

class CountingHost final : public Host {
 public:
  explicit CountingHost(Host& inner) : inner_(inner) {}
  int calls = 0;

  absl::StatusOr<Fd> OpenAt(const Fd& dir, absl::string_view path,
                            const OpenHow& how) override {
    ++calls;
    return inner_.OpenAt(dir, path, how);
  }
  absl::Status Close(Fd fd) override {
    ++calls;
    return inner_.Close(std::move(fd));
  }
  absl::StatusOr<size_t> Read(const Fd& fd, absl::Span<char> buf) override {
    ++calls;
    return inner_.Read(fd, buf);
  }
  absl::StatusOr<size_t> Write(const Fd& fd,
                               absl::Span<const char> bytes) override {
    ++calls;
    return inner_.Write(fd, bytes);
  }
  absl::StatusOr<size_t> PRead(const Fd& fd, absl::Span<char> buf,
                               int64_t offset) override {
    ++calls;
    return inner_.PRead(fd, buf, offset);
  }
  absl::StatusOr<size_t> PWrite(const Fd& fd, absl::Span<const char> bytes,
                                int64_t offset) override {
    ++calls;
    return inner_.PWrite(fd, bytes, offset);
  }
  absl::Status Fsync(const Fd& fd) override {
    ++calls;
    return inner_.Fsync(fd);
  }
  absl::Status Fdatasync(const Fd& fd) override {
    ++calls;
    return inner_.Fdatasync(fd);
  }
  absl::Status Ftruncate(const Fd& fd, int64_t length) override {
    ++calls;
    return inner_.Ftruncate(fd, length);
  }
  absl::Status RenameAt(const Fd& from_dir, absl::string_view from,
                        const Fd& to_dir, absl::string_view to,
                        RenameFlags flags) override {
    ++calls;
    return inner_.RenameAt(from_dir, from, to_dir, to, flags);
  }
  absl::Status UnlinkAt(const Fd& dir, absl::string_view path,
                        UnlinkFlags flags) override {
    ++calls;
    return inner_.UnlinkAt(dir, path, flags);
  }
  absl::Status MkdirAt(const Fd& dir, absl::string_view path,
                       uint32_t mode) override {
    ++calls;
    return inner_.MkdirAt(dir, path, mode);
  }
  absl::Status MknodAt(const Fd& dir, absl::string_view path, FileType type,
                       uint32_t mode, DeviceNumber dev) override {
    ++calls;
    return inner_.MknodAt(dir, path, type, mode, dev);
  }
  absl::Status SymlinkAt(absl::string_view target, const Fd& dir,
                         absl::string_view link_path) override {
    ++calls;
    return inner_.SymlinkAt(target, dir, link_path);
  }
  absl::StatusOr<std::string> ReadlinkAt(const Fd& dir,
                                         absl::string_view path) override {
    ++calls;
    return inner_.ReadlinkAt(dir, path);
  }
  absl::Status LinkAt(const Fd& old_dir, absl::string_view old_path,
                      const Fd& new_dir, absl::string_view new_path) override {
    ++calls;
    return inner_.LinkAt(old_dir, old_path, new_dir, new_path);
  }
  absl::StatusOr<FileStat> StatAt(const Fd& dir, absl::string_view path,
                                  FollowSymlinks follow) override {
    ++calls;
    return inner_.StatAt(dir, path, follow);
  }
  absl::StatusOr<FileStat> FStat(const Fd& fd) override {
    ++calls;
    return inner_.FStat(fd);
  }
  absl::StatusOr<std::vector<DirEntry>> ReadDir(const Fd& dir) override {
    ++calls;
    return inner_.ReadDir(dir);
  }
  absl::Status Fchmod(const Fd& fd, uint32_t mode) override {
    ++calls;
    return inner_.Fchmod(fd, mode);
  }
  absl::Status Fchown(const Fd& fd, Uid uid, Gid gid) override {
    ++calls;
    return inner_.Fchown(fd, uid, gid);
  }
  absl::StatusOr<Fd> Dup(const Fd& fd) override {
    ++calls;
    return inner_.Dup(fd);
  }
  absl::Status Dup3(const Fd& fd, int target) override {
    ++calls;
    return inner_.Dup3(fd, target);
  }
  absl::StatusOr<PipeFds> Pipe(bool nonblocking) override {
    ++calls;
    return inner_.Pipe(nonblocking);
  }
  absl::StatusOr<Fd> MemfdCreate(absl::string_view name,
                                 MemfdFlags flags) override {
    ++calls;
    return inner_.MemfdCreate(name, flags);
  }
  absl::Status AddSeals(const Fd& fd, Seals seals) override {
    ++calls;
    return inner_.AddSeals(fd, seals);
  }
  absl::StatusOr<int> Poll(absl::Span<PollFd> fds,
                           std::optional<absl::Duration> timeout) override {
    ++calls;
    return inner_.Poll(fds, timeout);
  }
  absl::Status Fchdir(const Fd& dir) override {
    ++calls;
    return inner_.Fchdir(dir);
  }
  uint32_t Umask(uint32_t mask) override {
    ++calls;
    return inner_.Umask(mask);
  }
  absl::StatusOr<std::string> GetCwd() override {
    ++calls;
    return inner_.GetCwd();
  }
  Fd AdoptFd(int fd) override { return inner_.AdoptFd(fd); }
  absl::Status SetNonBlocking(const Fd& fd, bool nonblocking) override {
    ++calls;
    return inner_.SetNonBlocking(fd, nonblocking);
  }
  absl::Status Flock(const Fd& fd, LockOp op, LockWait wait) override {
    ++calls;
    return inner_.Flock(fd, op, wait);
  }
  absl::StatusOr<SpawnResult> Spawn(const SpawnRequest& request) override {
    ++calls;
    return inner_.Spawn(request);
  }
  absl::Status Exec(const ExecRequest& request) override {
    ++calls;
    return inner_.Exec(request);
  }
  [[noreturn]] void Exit(int code) override {
    ++calls;
    inner_.Exit(code);
    std::abort();  // Exit does not return.
  }
  absl::StatusOr<std::optional<WaitResult>> Wait(Pid pid,
                                                 WaitFlags flags) override {
    ++calls;
    return inner_.Wait(pid, flags);
  }
  absl::Status Kill(Pid pid, Signal sig) override {
    ++calls;
    return inner_.Kill(pid, sig);
  }
  absl::StatusOr<Fd> PidfdOpen(Pid pid) override {
    ++calls;
    return inner_.PidfdOpen(pid);
  }
  absl::Status PidfdSendSignal(const Fd& pidfd, Signal sig) override {
    ++calls;
    return inner_.PidfdSendSignal(pidfd, sig);
  }
  Pid GetPid() override {
    ++calls;
    return inner_.GetPid();
  }
  Pid GetParentPid() override {
    ++calls;
    return inner_.GetParentPid();
  }
  absl::StatusOr<ProcessIdentity> GetProcessIdentity(Pid pid) override {
    ++calls;
    return inner_.GetProcessIdentity(pid);
  }
  absl::Status SetChildSubreaper() override {
    ++calls;
    return inner_.SetChildSubreaper();
  }
  std::vector<std::string> Environment() override {
    ++calls;
    return inner_.Environment();
  }
  absl::StatusOr<Fd> OpenSelfExe() override {
    ++calls;
    return inner_.OpenSelfExe();
  }
  absl::Status SetParentDeathSignal(Signal sig) override {
    ++calls;
    return inner_.SetParentDeathSignal(sig);
  }
  absl::Status SetDumpable(bool dumpable) override {
    ++calls;
    return inner_.SetDumpable(dumpable);
  }
  Uid GetUid() override {
    ++calls;
    return inner_.GetUid();
  }
  Gid GetGid() override {
    ++calls;
    return inner_.GetGid();
  }
  absl::StatusOr<Fd> OpenNamespace(Pid pid, Namespaces one_namespace) override {
    ++calls;
    return inner_.OpenNamespace(pid, one_namespace);
  }
  absl::Status Sethostname(absl::string_view name) override {
    ++calls;
    return inner_.Sethostname(name);
  }
  absl::Status Setdomainname(absl::string_view name) override {
    ++calls;
    return inner_.Setdomainname(name);
  }
  absl::StatusOr<std::string> GetHostname() override {
    ++calls;
    return inner_.GetHostname();
  }
  absl::Status Unshare(Namespaces namespaces) override {
    ++calls;
    return inner_.Unshare(namespaces);
  }
  absl::Status Setns(const Fd& fd, Namespaces type) override {
    ++calls;
    return inner_.Setns(fd, type);
  }
  absl::StatusOr<SignalSet> BlockSignals(const SignalSet& set) override {
    ++calls;
    return inner_.BlockSignals(set);
  }
  absl::StatusOr<SignalSet> UnblockSignals(const SignalSet& set) override {
    ++calls;
    return inner_.UnblockSignals(set);
  }
  absl::StatusOr<SignalSet> SetSignalMask(const SignalSet& set) override {
    ++calls;
    return inner_.SetSignalMask(set);
  }
  absl::Status SetSignalDisposition(Signal sig,
                                    SignalDisposition disp) override {
    ++calls;
    return inner_.SetSignalDisposition(sig, disp);
  }
  absl::StatusOr<Fd> SignalFd(const SignalSet& set) override {
    ++calls;
    return inner_.SignalFd(set);
  }
  absl::StatusOr<SignalInfo> ReadSignal(const Fd& signal_fd) override {
    ++calls;
    return inner_.ReadSignal(signal_fd);
  }
  absl::StatusOr<std::optional<SignalInfo>> WaitSignal(
      const SignalSet& set, std::optional<absl::Duration> timeout) override {
    ++calls;
    return inner_.WaitSignal(set, timeout);
  }
  absl::Status Mount(absl::string_view source, absl::string_view target,
                     absl::string_view fstype, MountFlags flags,
                     absl::string_view data) override {
    ++calls;
    return inner_.Mount(source, target, fstype, flags, data);
  }
  absl::Status Umount(absl::string_view target, UmountFlags flags) override {
    ++calls;
    return inner_.Umount(target, flags);
  }
  absl::Status PivotRoot(absl::string_view new_root,
                         absl::string_view put_old) override {
    ++calls;
    return inner_.PivotRoot(new_root, put_old);
  }
  absl::Status Chroot(absl::string_view path) override {
    ++calls;
    return inner_.Chroot(path);
  }
  absl::StatusOr<std::vector<MountInfo>> ListMounts() override {
    ++calls;
    return inner_.ListMounts();
  }
  absl::Status MountSetattr(absl::string_view path, MountFlags set,
                            MountFlags clear, bool recursive) override {
    ++calls;
    return inner_.MountSetattr(path, set, clear, recursive);
  }
  absl::Status MountIdmapped(absl::string_view source, absl::string_view target,
                             const Fd& userns, bool recursive_bind,
                             bool recursive_idmap) override {
    ++calls;
    return inner_.MountIdmapped(source, target, userns, recursive_bind,
                                recursive_idmap);
  }
  absl::StatusOr<std::vector<CgroupMount>> CgroupMounts() override {
    ++calls;
    return inner_.CgroupMounts();
  }
  absl::Status CgroupCreate(absl::string_view path) override {
    ++calls;
    return inner_.CgroupCreate(path);
  }
  absl::Status CgroupRemove(absl::string_view path) override {
    ++calls;
    return inner_.CgroupRemove(path);
  }
  absl::StatusOr<std::string> CgroupRead(absl::string_view path,
                                         absl::string_view file) override {
    ++calls;
    return inner_.CgroupRead(path, file);
  }
  absl::Status CgroupWrite(absl::string_view path, absl::string_view file,
                           absl::string_view value) override {
    ++calls;
    return inner_.CgroupWrite(path, file, value);
  }
  absl::Status CgroupAddProcess(absl::string_view path, Pid pid) override {
    ++calls;
    return inner_.CgroupAddProcess(path, pid);
  }
  absl::StatusOr<std::vector<Pid>> CgroupProcesses(
      absl::string_view path) override {
    ++calls;
    return inner_.CgroupProcesses(path);
  }
  absl::StatusOr<std::vector<std::string>> CgroupChildren(
      absl::string_view path) override {
    ++calls;
    return inner_.CgroupChildren(path);
  }
  absl::Status CgroupAttachDeviceFilter(absl::string_view path,
                                        absl::Span<const uint8_t> program,
                                        absl::string_view license) override {
    ++calls;
    return inner_.CgroupAttachDeviceFilter(path, program, license);
  }
  absl::Status CgroupChown(absl::string_view path, absl::string_view file,
                           Uid uid, Gid gid) override {
    ++calls;
    return inner_.CgroupChown(path, file, uid, gid);
  }
  absl::StatusOr<CgroupOwner> CgroupGetOwner(absl::string_view path,
                                             absl::string_view file) override {
    ++calls;
    return inner_.CgroupGetOwner(path, file);
  }
  absl::Status SetNoNewPrivs() override {
    ++calls;
    return inner_.SetNoNewPrivs();
  }
  absl::StatusOr<Fd> SetSeccompFilter(absl::Span<const uint8_t> program,
                                      SeccompFlags flags) override {
    ++calls;
    return inner_.SetSeccompFilter(program, flags);
  }
  absl::StatusOr<Fd> Socket(SocketType type) override {
    ++calls;
    return inner_.Socket(type);
  }
  absl::StatusOr<SocketPairFds> SocketPair(SocketType type) override {
    ++calls;
    return inner_.SocketPair(type);
  }
  absl::Status Bind(const Fd& socket, absl::string_view path) override {
    ++calls;
    return inner_.Bind(socket, path);
  }
  absl::Status Listen(const Fd& socket, int backlog) override {
    ++calls;
    return inner_.Listen(socket, backlog);
  }
  absl::StatusOr<Fd> Accept(const Fd& socket) override {
    ++calls;
    return inner_.Accept(socket);
  }
  absl::Status Connect(const Fd& socket, absl::string_view path) override {
    ++calls;
    return inner_.Connect(socket, path);
  }
  absl::StatusOr<size_t> SendMsg(const Fd& socket, absl::Span<const char> bytes,
                                 absl::Span<const Fd* const> fds) override {
    ++calls;
    return inner_.SendMsg(socket, bytes, fds);
  }
  absl::StatusOr<ReceivedMessage> RecvMsg(const Fd& socket, size_t max_bytes,
                                          size_t max_fds) override {
    ++calls;
    return inner_.RecvMsg(socket, max_bytes, max_fds);
  }
  absl::StatusOr<PeerCredentials> GetPeerCredentials(
      const Fd& socket) override {
    ++calls;
    return inner_.GetPeerCredentials(socket);
  }
  absl::Status Shutdown(const Fd& socket, ShutdownHow how) override {
    ++calls;
    return inner_.Shutdown(socket, how);
  }
  absl::StatusOr<Fd> TcpSocket() override {
    ++calls;
    return inner_.TcpSocket();
  }
  absl::Status BindLoopback(const Fd& socket, uint16_t port) override {
    ++calls;
    return inner_.BindLoopback(socket, port);
  }
  absl::Status ConnectLoopback(const Fd& socket, uint16_t port) override {
    ++calls;
    return inner_.ConnectLoopback(socket, port);
  }
  absl::Status BringUpLoopback() override {
    ++calls;
    return inner_.BringUpLoopback();
  }
  absl::StatusOr<runbox::PtyPair> OpenPty() override {
    ++calls;
    return inner_.OpenPty();
  }
  absl::Status SetWindowSize(const Fd& tty, WindowSize size) override {
    ++calls;
    return inner_.SetWindowSize(tty, size);
  }
  absl::StatusOr<WindowSize> GetWindowSize(const Fd& tty) override {
    ++calls;
    return inner_.GetWindowSize(tty);
  }
  absl::Status NewSession() override {
    ++calls;
    return inner_.NewSession();
  }
  absl::Status SetControllingTerminal(const Fd& tty) override {
    ++calls;
    return inner_.SetControllingTerminal(tty);
  }
  absl::Duration MonotonicNow() override {
    ++calls;
    return inner_.MonotonicNow();
  }
  absl::Time RealNow() override {
    ++calls;
    return inner_.RealNow();
  }
  void SleepFor(absl::Duration duration) override {
    ++calls;
    return inner_.SleepFor(duration);
  }
  uint64_t RandomUint64() override {
    ++calls;
    return inner_.RandomUint64();
  }
  absl::Status SetResUid(Uid real, Uid effective, Uid saved) override {
    ++calls;
    return inner_.SetResUid(real, effective, saved);
  }
  absl::Status SetResGid(Gid real, Gid effective, Gid saved) override {
    ++calls;
    return inner_.SetResGid(real, effective, saved);
  }
  absl::Status SetGroups(absl::Span<const Gid> groups) override {
    ++calls;
    return inner_.SetGroups(groups);
  }
  absl::Status SetKeepCaps(bool keep) override {
    ++calls;
    return inner_.SetKeepCaps(keep);
  }
  absl::StatusOr<CapabilitySets> GetCapabilities() override {
    ++calls;
    return inner_.GetCapabilities();
  }
  absl::Status SetCapabilities(const CapabilitySets& sets) override {
    ++calls;
    return inner_.SetCapabilities(sets);
  }
  absl::StatusOr<int> LastCapability() override {
    ++calls;
    return inner_.LastCapability();
  }
  absl::StatusOr<bool> InBoundingSet(int capability) override {
    ++calls;
    return inner_.InBoundingSet(capability);
  }
  absl::Status DropBoundingCapability(int capability) override {
    ++calls;
    return inner_.DropBoundingCapability(capability);
  }
  absl::Status ClearAmbientCapabilities() override {
    ++calls;
    return inner_.ClearAmbientCapabilities();
  }
  absl::Status RaiseAmbientCapability(int capability) override {
    ++calls;
    return inner_.RaiseAmbientCapability(capability);
  }
  absl::Status SetRlimit(int resource, ResourceLimit limit) override {
    ++calls;
    return inner_.SetRlimit(resource, limit);
  }
  absl::StatusOr<ResourceLimit> GetRlimit(int resource) override {
    ++calls;
    return inner_.GetRlimit(resource);
  }
  absl::StatusOr<uint32_t> SetPersonality(uint32_t persona) override {
    ++calls;
    return inner_.SetPersonality(persona);
  }
  absl::Status SetOomScoreAdj(int score) override {
    ++calls;
    return inner_.SetOomScoreAdj(score);
  }
  absl::StatusOr<int> GetOomScoreAdj() override {
    ++calls;
    return inner_.GetOomScoreAdj();
  }
  absl::Status WriteIdMap(Pid pid, IdMapKind kind,
                          absl::string_view map) override {
    ++calls;
    return inner_.WriteIdMap(pid, kind, map);
  }
  absl::Status DenySetgroups(Pid pid) override {
    ++calls;
    return inner_.DenySetgroups(pid);
  }
  absl::Status WriteSysctl(absl::string_view key,
                           absl::string_view value) override {
    ++calls;
    return inner_.WriteSysctl(key, value);
  }
  absl::StatusOr<std::string> ReadSysctl(absl::string_view key) override {
    ++calls;
    return inner_.ReadSysctl(key);
  }
  absl::StatusOr<KeySerial> JoinSessionKeyring(
      absl::string_view name) override {
    ++calls;
    return inner_.JoinSessionKeyring(name);
  }
  absl::StatusOr<KeyDescription> DescribeKey(KeySerial serial) override {
    ++calls;
    return inner_.DescribeKey(serial);
  }
  absl::Status SetKeyPermissions(KeySerial serial,
                                 uint32_t permissions) override {
    ++calls;
    return inner_.SetKeyPermissions(serial, permissions);
  }
  absl::StatusOr<ProcessStatus> GetProcessStatus() override {
    ++calls;
    return inner_.GetProcessStatus();
  }

 private:
  Host& inner_;
};

TEST(HostWrapperTest, WrapsEveryProcessAndEveryExec) {
  FakeKernel kernel;
  std::vector<CountingHost*> wrappers;
  kernel.SetHostWrapper([&](Host& inner) {
    auto wrapper = std::make_unique<CountingHost>(inner);
    wrappers.push_back(wrapper.get());
    return wrapper;
  });
  int calls_seen_by_second = -1;
  kernel.RegisterProgram("second", [&](Host& host, const auto&) {
    host.GetPid();
    host.GetPid();
    calls_seen_by_second = static_cast<CountingHost&>(host).calls;
    return 0;
  });
  ASSERT_OK(kernel.InstallProgram("/bin/second", "second"));
  kernel.StartFunction([&](Host& host) {
    host.GetPid();
    ExecRequest req;
    req.path = "/bin/second";
    req.argv = {"second"};
    (void)host.Exec(req);
    return 1;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(wrappers.size(), 2u);  // The first program, then the exec'd one.
  EXPECT_EQ(calls_seen_by_second, 2);
}

}  // namespace
}  // namespace runbox::fake
