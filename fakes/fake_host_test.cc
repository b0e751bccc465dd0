// FakeHost wiring of the ipc, mount and namespace models: unix sockets with
// fd passing and peer credentials across pid namespaces, ptys, mount tables
// per mount namespace, unshare, setns and hostnames, /proc/self/exe. The
// models' own semantics are tested in their folders; these check the kernel's
// glue (blocking, fd installation, pid translation, path resolution).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

std::string Install(FakeKernel& kernel, const std::string& name,
                    Program program) {
  kernel.RegisterProgram(name, std::move(program));
  std::string path = "/bin/" + name;
  EXPECT_OK(kernel.InstallProgram(path, name));
  return path;
}

TEST(FakeHostSocketsTest, ConnectAcceptPassFdsAndPeerCredentials) {
  FakeKernel kernel;
  std::string client = Install(kernel, "client", [](Host& host, const auto&) {
    absl::StatusOr<Fd> sock = host.Socket(SocketType::kStream);
    if (!sock.ok()) return 1;
    // The server may not listen yet: retry refused connects.
    while (true) {
      absl::Status s = host.Connect(*sock, "/run/ctl.sock");
      if (s.ok()) break;
      if (!IsErrno(s, ENOENT) && !IsErrno(s, ECONNREFUSED)) return 2;
      host.SleepFor(absl::Milliseconds(1));
    }
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (!pipe.ok()) return 3;
    if (!host.Write(pipe->write, absl::string_view("via fd")).ok()) return 4;
    const Fd* passed[] = {&pipe->read};
    absl::StatusOr<size_t> n =
        host.SendMsg(*sock, absl::string_view("hello"), passed);
    if (!n.ok() || *n != 5) return 5;
    return 0;
  });
  std::string got_bytes;
  std::string got_via_fd;
  Pid peer_pid;
  Pid child_pid;
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/run", 0755));
    absl::StatusOr<Fd> listener = host.Socket(SocketType::kStream);
    EXPECT_OK(listener);
    if (!listener.ok()) return 1;
    EXPECT_THAT(host.Listen(*listener, 4), HasErrno(EINVAL));  // Unbound.
    SpawnRequest req;
    req.path = client;
    req.new_namespaces = Namespaces::kPid;
    absl::StatusOr<SpawnResult> spawned = host.Spawn(req);
    EXPECT_OK(spawned);
    if (!spawned.ok()) return 1;
    child_pid = spawned->pid;
    host.SleepFor(absl::Milliseconds(5));
    EXPECT_OK(host.Bind(*listener, "/run/ctl.sock"));
    EXPECT_THAT(host.Bind(*listener, "/run/other.sock"), HasErrno(EINVAL));
    EXPECT_OK(host.Listen(*listener, 4));
    absl::StatusOr<Fd> conn = host.Accept(*listener);
    EXPECT_OK(conn);
    if (!conn.ok()) return 1;
    absl::StatusOr<PeerCredentials> creds = host.GetPeerCredentials(*conn);
    EXPECT_OK(creds);
    if (creds.ok()) peer_pid = creds->pid;
    absl::StatusOr<ReceivedMessage> msg = host.RecvMsg(*conn, 100, 4);
    EXPECT_OK(msg);
    if (!msg.ok()) return 1;
    got_bytes = msg->bytes;
    EXPECT_EQ(msg->fds.size(), 1u);
    if (msg->fds.size() == 1) {
      char buf[16];
      absl::StatusOr<size_t> n = host.Read(msg->fds[0], absl::MakeSpan(buf));
      if (n.ok()) got_via_fd.assign(buf, *n);
    }
    // EOF once the client is gone.
    msg = host.RecvMsg(*conn, 100, 4);
    EXPECT_TRUE(msg.ok() && msg->bytes.empty() && msg->fds.empty());
    absl::StatusOr<std::optional<WaitResult>> w =
        host.Wait(child_pid, WaitFlags::kNone);
    EXPECT_TRUE(w.ok() && w->has_value() &&
                (*w)->status == ExitStatus::Exited(0));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(got_bytes, "hello");
  EXPECT_EQ(got_via_fd, "via fd");
  // The client is pid 1 in its namespace, but the server sees its outer pid.
  EXPECT_EQ(peer_pid, child_pid);
  EXPECT_NE(peer_pid, Pid{1});
}

TEST(FakeHostSocketsTest, SocketPairBlocksUntilData) {
  FakeKernel kernel;
  std::string echo = Install(kernel, "echo", [](Host& host, const auto&) {
    host.SleepFor(absl::Seconds(2));
    char buf[8];
    absl::StatusOr<size_t> n = host.Read(Fd(3, nullptr), absl::MakeSpan(buf));
    if (!n.ok()) return 1;
    return host.Write(Fd(3, nullptr), absl::string_view(buf, *n)).ok() ? 0 : 2;
  });
  std::string reply;
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<SocketPairFds> pair =
        host.SocketPair(SocketType::kSeqPacket);
    EXPECT_OK(pair);
    if (!pair.ok()) return 1;
    SpawnRequest req;
    req.path = echo;
    req.fds = {{&pair->second, 3}};
    EXPECT_OK(host.Spawn(req));
    pair->second.Reset();
    EXPECT_OK(host.SendMsg(pair->first, absl::string_view("ping"), {}));
    absl::StatusOr<ReceivedMessage> msg = host.RecvMsg(pair->first, 8, 0);
    EXPECT_OK(msg);
    if (msg.ok()) reply = msg->bytes;
    EXPECT_GE(host.MonotonicNow(), absl::Seconds(2));
    EXPECT_OK(host.Wait(Pid{0}, WaitFlags::kNone));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(reply, "ping");
}

TEST(FakeHostTerminalTest, PtyPairCarriesBytesAndWindowSize) {
  FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<PtyPair> pty = host.OpenPty();
    EXPECT_OK(pty);
    if (!pty.ok()) return 1;
    EXPECT_OK(host.SetWindowSize(pty->master, {24, 80}));
    absl::StatusOr<WindowSize> size = host.GetWindowSize(pty->replica);
    EXPECT_TRUE(size.ok() && *size == (WindowSize{24, 80}));
    EXPECT_OK(host.Write(pty->replica, absl::string_view("out")));
    char buf[8];
    absl::StatusOr<size_t> n = host.Read(pty->master, absl::MakeSpan(buf));
    EXPECT_TRUE(n.ok() && absl::string_view(buf, *n) == "out");
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (pipe.ok()) {
      EXPECT_THAT(host.GetWindowSize(pipe->read), HasErrno(ENOTTY));
    }
    // TIOCSCTTY needs a session leader; started processes are.
    EXPECT_OK(host.SetControllingTerminal(pty->replica));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeHostMountsTest, MountNamespacesAreSeparateTables) {
  FakeKernel kernel;
  Pid inner;
  std::string child = Install(kernel, "child", [&](Host& host, const auto&) {
    OpenHow how;
    how.flags = OpenFlags::kPath | OpenFlags::kDirectory;
    absl::StatusOr<Fd> dir = host.OpenAt(Fd::Cwd(), "/mnt", how);
    EXPECT_OK(dir);
    if (!dir.ok()) return 1;
    // Mounts target fds through /proc/self/fd (DESIGN.md security rules).
    std::string target = absl::StrCat("/proc/self/fd/", dir->get());
    EXPECT_OK(host.Mount("tmpfs", target, "tmpfs", MountFlags::kNoSuid, ""));
    EXPECT_THAT(host.Mount("tmpfs", "/missing", "tmpfs", MountFlags::kNone, ""),
                HasErrno(ENOENT));
    absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
    EXPECT_OK(mounts);
    if (mounts.ok()) {
      EXPECT_EQ(mounts->back().mount_point, "/mnt");
    }
    inner = host.GetPid();
    host.SleepFor(absl::Hours(1));
    return 0;
  });
  Pid outer = kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/mnt", 0755));
    SpawnRequest req;
    req.path = child;
    req.new_namespaces = Namespaces::kMount;
    EXPECT_OK(host.Spawn(req));
    EXPECT_OK(host.Wait(Pid{0}, WaitFlags::kNone));
    absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
    EXPECT_TRUE(mounts.ok() && mounts->back().mount_point != "/mnt");
    return 0;
  });
  // Boot mounts: "/", /sys and the cgroup2 hierarchy.
  EXPECT_EQ(kernel.MountsOf(outer).size(), 3u);
  EXPECT_EQ(kernel.RunUntil([&] { return inner.value != 0; }),
            RunOutcome::kDone);
  EXPECT_EQ(kernel.MountsOf(inner).size(), 4u);
  EXPECT_EQ(kernel.MountsOf(outer).size(), 3u);
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeHostMountsTest, PivotRootMovesTheRoot) {
  FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.Unshare(Namespaces::kMount));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/rootfs", 0755));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/rootfs/old", 0755));
    OpenHow how;
    how.flags = OpenFlags::kReadWrite | OpenFlags::kCreate;
    how.mode = 0644;
    EXPECT_OK(host.OpenAt(Fd::Cwd(), "/rootfs/marker", how));
    // As runc does: no propagation back to the host's "/" (which is shared).
    EXPECT_OK(host.Mount("", "/", "",
                         MountFlags::kPrivate | MountFlags::kRecursive, ""));
    EXPECT_OK(host.Mount("/rootfs", "/rootfs", "", MountFlags::kBind, ""));
    EXPECT_OK(host.PivotRoot("/rootfs", "/rootfs/old"));
    // "/" is now the old /rootfs.
    EXPECT_OK(host.StatAt(Fd::Cwd(), "/marker", FollowSymlinks::kNoFollow));
    EXPECT_OK(host.Umount("/old", UmountFlags::kDetach));
    // Only the bind mount, now the root, is left.
    absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
    EXPECT_TRUE(mounts.ok() && mounts->size() == 1u &&
                mounts->front().mount_point == "/");
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeHostNamespacesTest, UnsharePidMakesTheNextChildInit) {
  FakeKernel kernel;
  Pid seen_inside;
  std::string child = Install(kernel, "child", [&](Host& host, const auto&) {
    seen_inside = host.GetPid();
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    Pid before = host.GetPid();
    EXPECT_OK(host.Unshare(Namespaces::kPid | Namespaces::kUts));
    EXPECT_EQ(host.GetPid(), before);  // The caller does not move.
    SpawnRequest req;
    req.path = child;
    absl::StatusOr<SpawnResult> r = host.Spawn(req);
    EXPECT_OK(r);
    EXPECT_OK(host.Wait(Pid{0}, WaitFlags::kNone));
    // The namespace died with its init: no more children there.
    EXPECT_THAT(host.Spawn(req), HasErrno(ENOMEM));
    EXPECT_THAT(host.Setns(Fd(), Namespaces::kNet), HasErrno(EBADF));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(seen_inside, Pid{1});
}

TEST(FakeHostNamespacesTest, HostnameOfFollowsTheUtsNamespace) {
  FakeKernel kernel;
  Pid inner;
  std::string child = Install(kernel, "child", [&](Host& host, const auto&) {
    EXPECT_OK(host.Sethostname("inner"));
    EXPECT_OK(host.Setdomainname("inner.test"));
    absl::StatusOr<std::string> name = host.GetHostname();
    EXPECT_TRUE(name.ok() && *name == "inner");
    inner = host.GetPid();
    host.SleepFor(absl::Hours(1));
    return 0;
  });
  Pid outer = kernel.StartFunction([&](Host& host) {
    SpawnRequest req;
    req.path = child;
    req.new_namespaces = Namespaces::kUts;
    EXPECT_OK(host.Spawn(req));
    EXPECT_OK(host.Wait(Pid{0}, WaitFlags::kNone));
    return 0;
  });
  EXPECT_EQ(kernel.HostnameOf(outer), "fake");
  EXPECT_EQ(kernel.RunUntil([&] { return inner.value != 0; }),
            RunOutcome::kDone);
  EXPECT_EQ(kernel.HostnameOf(inner), "inner");
  EXPECT_EQ(kernel.HostnameOf(outer), "fake");
  EXPECT_EQ(kernel.HostnameOf(Pid{12345}), "");
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeHostNamespacesTest, SetnsRefusesWhatLinuxRefuses) {
  FakeKernel kernel;
  int child_result = -1;
  std::string child = Install(kernel, "child", [&](Host& host, const auto&) {
    // Fd 3: the pid namespace of our parent, which is above ours.
    child_result =
        IsErrno(host.Setns(Fd(3, nullptr), Namespaces::kPid), EINVAL) ? 0 : 1;
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    Pid self = host.GetPid();
    absl::StatusOr<Fd> user = host.OpenNamespace(self, Namespaces::kUser);
    absl::StatusOr<Fd> uts = host.OpenNamespace(self, Namespaces::kUts);
    absl::StatusOr<Fd> pid = host.OpenNamespace(self, Namespaces::kPid);
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    EXPECT_TRUE(user.ok() && uts.ok() && pid.ok() && pipe.ok());
    if (!user.ok() || !uts.ok() || !pid.ok() || !pipe.ok()) return 1;
    // Our own user namespace, a type mismatch, a fd that is no namespace.
    EXPECT_THAT(host.Setns(*user, Namespaces::kUser), HasErrno(EINVAL));
    EXPECT_THAT(host.Setns(*uts, Namespaces::kIpc), HasErrno(EINVAL));
    EXPECT_THAT(host.Setns(pipe->read, Namespaces::kNone), HasErrno(EINVAL));
    // Our own uts and pid namespaces are fine (any type with kNone).
    EXPECT_OK(host.Setns(*uts, Namespaces::kNone));
    EXPECT_OK(host.Setns(*pid, Namespaces::kPid));
    SpawnRequest req;
    req.path = child;
    req.new_namespaces = Namespaces::kPid;
    req.fds = {{&*pid, 3}};
    EXPECT_OK(host.Spawn(req));
    EXPECT_OK(host.Wait(Pid{0}, WaitFlags::kNone));
    // A join that fails in the child (here: our own user namespace) fails
    // the spawn and leaves no child.
    req.fds.clear();
    req.new_namespaces = Namespaces::kNone;
    req.join_namespaces = {{Namespaces::kUser, &*user}};
    EXPECT_THAT(host.Spawn(req), HasErrno(EINVAL));
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(child_result, 0);
}

TEST(FakeHostNamespacesTest, SetnsMountNamespaceMovesRootAndCwd) {
  FakeKernel kernel;
  Pid pivoted;
  std::string child = Install(kernel, "child", [&](Host& host, const auto&) {
    EXPECT_OK(host.Mount("", "/", "",
                         MountFlags::kPrivate | MountFlags::kRecursive, ""));
    EXPECT_OK(host.Mount("/rootfs", "/rootfs", "", MountFlags::kBind, ""));
    EXPECT_OK(host.PivotRoot("/rootfs", "/rootfs/old"));
    EXPECT_OK(host.Umount("/old", UmountFlags::kDetach));
    pivoted = host.GetPid();
    host.SleepFor(absl::Hours(1));
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/rootfs", 0755));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/rootfs/old", 0755));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/rootfs/inside", 0755));
    SpawnRequest req;
    req.path = child;
    req.new_namespaces = Namespaces::kMount;
    absl::StatusOr<SpawnResult> spawned = host.Spawn(req);
    EXPECT_OK(spawned);
    if (!spawned.ok()) return 1;
    while (pivoted.value == 0) host.SleepFor(absl::Milliseconds(1));
    absl::StatusOr<Fd> mnt =
        host.OpenNamespace(spawned->pid, Namespaces::kMount);
    EXPECT_OK(mnt);
    if (!mnt.ok()) return 1;
    EXPECT_OK(host.Setns(*mnt, Namespaces::kMount));
    // "/" and "." are the pivoted root; its mount table is ours.
    EXPECT_OK(host.StatAt(Fd::Cwd(), "/inside", FollowSymlinks::kNoFollow));
    EXPECT_OK(host.StatAt(Fd::Cwd(), "inside", FollowSymlinks::kNoFollow));
    absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
    EXPECT_TRUE(mounts.ok() && mounts->size() == 1u);
    EXPECT_OK(host.Kill(spawned->pid, Signal::kKill));
    EXPECT_OK(host.Wait(spawned->pid, WaitFlags::kNone));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeHostProcessesTest, SelfExeFollowsExecAndRecordsPrctlBits) {
  FakeKernel kernel;
  std::string seen;
  std::string second = Install(kernel, "second", [&](Host& host, const auto&) {
    absl::StatusOr<Fd> exe = host.OpenSelfExe();
    EXPECT_OK(exe);
    if (!exe.ok()) return 1;
    char buf[64];
    absl::StatusOr<size_t> n = host.Read(*exe, absl::MakeSpan(buf));
    if (n.ok()) seen.assign(buf, *n);
    // Read-only, as /proc/self/exe opens.
    EXPECT_THAT(host.Write(*exe, absl::string_view("x")), HasErrno(EBADF));
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.SetDumpable(false));
    EXPECT_OK(host.SetParentDeathSignal(Signal::kTerm));
    EXPECT_OK(host.SetParentDeathSignal(Signal::kNone));
    EXPECT_EQ(host.GetUid(), 0u);
    EXPECT_EQ(host.GetGid(), 0u);
    ExecRequest req;
    req.path = second;
    req.argv = {second};
    (void)host.Exec(req);
    ADD_FAILURE() << "exec returned";
    return 1;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(seen, FakeKernel::ExecutableContent("second"));
}

TEST(FakeHostFilesTest, BadFdsAndNonDirectoryDirFds) {
  FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    Fd bad(77, nullptr);
    EXPECT_THAT(host.Read(bad, {}), HasErrno(EBADF));
    EXPECT_THAT(host.OpenAt(bad, "x", OpenHow{}), HasErrno(EBADF));
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    EXPECT_OK(pipe);
    if (!pipe.ok()) return 1;
    EXPECT_THAT(host.OpenAt(pipe->read, "x", OpenHow{}), HasErrno(ENOTDIR));
    EXPECT_THAT(host.Fchdir(pipe->read), HasErrno(ENOTDIR));
    absl::StatusOr<FileStat> st =
        host.StatAt(pipe->read, "", FollowSymlinks::kNoFollow);
    EXPECT_TRUE(st.ok() && st->type == FileType::kFifo);
    EXPECT_EQ(host.Umask(077), 022u);
    EXPECT_EQ(host.Umask(022), 077u);
    absl::StatusOr<Fd> dup = host.Dup(pipe->write);
    EXPECT_OK(dup);
    // Lowest free numbers: 0-2 are stdio, then the pipe, then the dup.
    if (dup.ok()) {
      EXPECT_EQ(dup->get(), 5);
    }
    EXPECT_OK(host.Close(std::move(pipe->read)));
    EXPECT_THAT(host.Close(Fd(3, nullptr)), HasErrno(EBADF));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

// The minimal resctrl model: a group made on a "resctrl" mount has empty
// tasks/schemata/cpus files, which rmdir takes along; elsewhere a
// directory stays empty.
TEST(FakeHostFilesTest, ResctrlGroupsComeWithControlFiles) {
  FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/sys/fs/resctrl", 0755));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/sys/fs/resctrl/plain", 0755));
    EXPECT_OK(host.Mount("resctrl", "/sys/fs/resctrl", "resctrl",
                         MountFlags::kNone, ""));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/sys/fs/resctrl/g1", 0755));
    for (const char* file : {"tasks", "schemata", "cpus"}) {
      absl::StatusOr<FileStat> st =
          host.StatAt(Fd::Cwd(), absl::StrCat("/sys/fs/resctrl/g1/", file),
                      FollowSymlinks::kNoFollow);
      EXPECT_TRUE(st.ok() && st->type == FileType::kRegular && st->size == 0)
          << file;
    }
    EXPECT_THAT(host.StatAt(Fd::Cwd(), "/sys/fs/resctrl/plain/tasks",
                            FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/tmp-not-resctrl", 0755));
    EXPECT_THAT(host.StatAt(Fd::Cwd(), "/tmp-not-resctrl/tasks",
                            FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    EXPECT_OK(host.UnlinkAt(Fd::Cwd(), "/sys/fs/resctrl/g1",
                            UnlinkFlags::kRemoveDir));
    EXPECT_THAT(
        host.StatAt(Fd::Cwd(), "/sys/fs/resctrl/g1", FollowSymlinks::kNoFollow),
        HasErrno(ENOENT));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeHostCgroupsTest, MembershipFreezeAndKill) {
  FakeKernel kernel;  // cgroup v2.
  int ticks = 0;
  std::string worker =
      Install(kernel, "worker", [&](Host& host, const auto&) -> int {
        while (true) {
          ++ticks;
          host.SleepFor(absl::Seconds(1));
        }
      });
  std::vector<Pid> members;
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<std::vector<CgroupMount>> mounts = host.CgroupMounts();
    EXPECT_TRUE(mounts.ok() && mounts->size() == 1 &&
                mounts->front().version == CgroupVersion::kV2);
    EXPECT_OK(host.CgroupCreate("/sys/fs/cgroup/box"));
    // Join first, so the child starts inside (as CLONE_INTO_CGROUP would).
    EXPECT_OK(host.CgroupAddProcess("/sys/fs/cgroup/box", host.GetPid()));
    SpawnRequest req;
    req.path = worker;
    absl::StatusOr<SpawnResult> child = host.Spawn(req);
    EXPECT_OK(child);
    if (!child.ok()) return 1;
    EXPECT_OK(host.CgroupAddProcess("/sys/fs/cgroup", host.GetPid()));
    absl::StatusOr<std::vector<Pid>> pids =
        host.CgroupProcesses("/sys/fs/cgroup/box");
    if (pids.ok()) members = *pids;
    absl::StatusOr<std::string> procs =
        host.CgroupRead("/sys/fs/cgroup/box", "cgroup.procs");
    EXPECT_TRUE(procs.ok() && *procs == absl::StrCat(child->pid.value, "\n"));
    host.SleepFor(absl::Seconds(10));
    EXPECT_OK(host.CgroupWrite("/sys/fs/cgroup/box", "cgroup.freeze", "1"));
    int frozen_at = ticks;
    host.SleepFor(absl::Seconds(10));
    EXPECT_EQ(ticks, frozen_at);  // A frozen process does not run.
    EXPECT_OK(host.CgroupWrite("/sys/fs/cgroup/box", "cgroup.freeze", "0"));
    host.SleepFor(absl::Seconds(10));
    EXPECT_GT(ticks, frozen_at);
    EXPECT_THAT(host.CgroupRemove("/sys/fs/cgroup/box"), HasErrno(EBUSY));
    EXPECT_OK(host.CgroupWrite("/sys/fs/cgroup/box", "cgroup.kill", "1"));
    absl::StatusOr<std::optional<WaitResult>> w =
        host.Wait(child->pid, WaitFlags::kNone);
    EXPECT_TRUE(w.ok() && w->has_value() &&
                (*w)->status == ExitStatus::Signaled(Signal::kKill));
    EXPECT_OK(host.CgroupRemove("/sys/fs/cgroup/box"));
    EXPECT_THAT(host.CgroupAddProcess("/sys/fs/cgroup", Pid{999}),
                HasErrno(ESRCH));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(members.size(), 1u);
  EXPECT_EQ(kernel.CgroupPaths(), std::vector<std::string>{"/sys/fs/cgroup"});
}

}  // namespace
}  // namespace runbox::fake
