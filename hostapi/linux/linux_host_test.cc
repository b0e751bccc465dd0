// Unit tests of LinuxHost's trickier pieces: /proc/<pid>/stat and mountinfo
// parsing, Spawn's fd map, exec errors, exec from a memfd and pidfds, plus a
// smoke test per concern. The cross-host semantics live in the contract
// suite (hostapi/contract/); these pin down Linux-only details.
#include "hostapi/linux/linux_host.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/mountinfo.h"
#include "hostapi/linux/proc_stat.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"

namespace runbox {

// Readable failure messages for the value types under test.
void PrintTo(const ExitStatus& status, std::ostream* os) {
  *os << ToString(status);
}
void PrintTo(const WindowSize& size, std::ostream* os) {
  *os << size.rows << "x" << size.cols;
}

namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// A StatusOr that is OK and whose value equals `expected`.
MATCHER_P(HoldsValue, expected, "is OK and holds the expected value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return *arg == expected;
}

// --- /proc/<pid>/stat -----------------------------------------------------

// 52 fields as Linux 6.x prints them; start time (field 22) is 987654.
std::string StatLine(absl::string_view comm) {
  return absl::StrCat(
      "4242 (", comm,
      ") S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 "
      "1000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
      "0 0 0 0 0 0 0 0\n");
}

TEST(ProcStatTest, ParsesPlainLine) {
  ASSERT_OK_AND_ASSIGN(ProcStat stat, ParseProcStat(StatLine("sleep")));
  EXPECT_EQ(stat.pid, 4242);
  EXPECT_EQ(stat.comm, "sleep");
  EXPECT_EQ(stat.state, 'S');
  EXPECT_EQ(stat.ppid, 17);
  EXPECT_EQ(stat.start_time, 987654u);
}

TEST(ProcStatTest, CommWithSpacesAndParenthesesCountsFromLastParen) {
  // A process may name itself anything up to 15 bytes, including ") R 1 ".
  ASSERT_OK_AND_ASSIGN(ProcStat stat, ParseProcStat(StatLine("a) R 1 (b ) )")));
  EXPECT_EQ(stat.comm, "a) R 1 (b ) )");
  EXPECT_EQ(stat.state, 'S');
  EXPECT_EQ(stat.ppid, 17);
  EXPECT_EQ(stat.start_time, 987654u);
}

TEST(ProcStatTest, EmptyComm) {
  ASSERT_OK_AND_ASSIGN(ProcStat stat, ParseProcStat(StatLine("")));
  EXPECT_EQ(stat.comm, "");
  EXPECT_EQ(stat.start_time, 987654u);
}

TEST(ProcStatTest, RejectsMalformed) {
  EXPECT_THAT(ParseProcStat(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseProcStat("12 sleep S 1"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseProcStat("12 (sleep) S 1 2 3"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseProcStat("x (sleep)" + StatLine("y").substr(10)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- mountinfo ----------------------------------------------------------

TEST(MountInfoTest, ParsesExampleFromProcManPage) {
  ASSERT_OK_AND_ASSIGN(
      MountInfo m,
      ParseMountInfoLine("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 "
                         "/dev/root rw,errors=continue\n"));
  EXPECT_EQ(m.id, 36);
  EXPECT_EQ(m.parent_id, 35);
  EXPECT_EQ(m.dev, (DeviceNumber{98, 0}));
  EXPECT_EQ(m.root, "/mnt1");
  EXPECT_EQ(m.mount_point, "/mnt2");
  EXPECT_EQ(m.options, "rw,noatime");
  EXPECT_EQ(m.propagation, "master:1");
  EXPECT_EQ(m.fstype, "ext3");
  EXPECT_EQ(m.source, "/dev/root");
  EXPECT_EQ(m.super_options, "rw,errors=continue");
}

TEST(MountInfoTest, NoOptionalFields) {
  ASSERT_OK_AND_ASSIGN(
      MountInfo m,
      ParseMountInfoLine("22 1 0:21 / /proc rw,nosuid - proc proc rw"));
  EXPECT_EQ(m.propagation, "");
  EXPECT_EQ(m.fstype, "proc");
  EXPECT_EQ(m.source, "proc");
}

TEST(MountInfoTest, SeveralOptionalFields) {
  ASSERT_OK_AND_ASSIGN(
      MountInfo m,
      ParseMountInfoLine("40 22 0:5 / /x rw shared:3 master:7 propagate_from:2"
                         " unbindable - tmpfs tmpfs rw,size=10k"));
  EXPECT_EQ(m.propagation, "shared:3 master:7 propagate_from:2 unbindable");
  EXPECT_EQ(m.fstype, "tmpfs");
  EXPECT_EQ(m.super_options, "rw,size=10k");
}

TEST(MountInfoTest, UnescapesOctalInPathsAndSource) {
  ASSERT_OK_AND_ASSIGN(
      MountInfo m,
      ParseMountInfoLine("50 22 8:1 /a\\040b /mnt/my\\040disk\\011tab\\134x "
                         "rw - ext4 /dev/with\\040space rw"));
  EXPECT_EQ(m.root, "/a b");
  EXPECT_EQ(m.mount_point, "/mnt/my disk\ttab\\x");
  EXPECT_EQ(m.source, "/dev/with space");
}

TEST(MountInfoTest, EmptySourceKeepsFieldPositions) {
  ASSERT_OK_AND_ASSIGN(MountInfo m,
                       ParseMountInfoLine("60 22 0:50 / /t rw - tmpfs  rw"));
  EXPECT_EQ(m.fstype, "tmpfs");
  EXPECT_EQ(m.source, "");
  EXPECT_EQ(m.super_options, "rw");
}

TEST(MountInfoTest, UnescapeLeavesOtherBackslashesAlone) {
  EXPECT_EQ(UnescapeMountInfoField("a\\0b\\"), "a\\0b\\");
  EXPECT_EQ(UnescapeMountInfoField("\\040"), " ");
}

TEST(MountInfoTest, RejectsMalformed) {
  EXPECT_THAT(ParseMountInfoLine(""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMountInfoLine("36 35 98:0 /mnt1 /mnt2 rw master:1 ext3 a b"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMountInfoLine("x 35 98:0 / / rw - ext3 a b"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMountInfoLine("1 35 98 / / rw - ext3 a b"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMountInfoLine("1 35 9:8 / / rw - ext3"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MountInfoTest, ParsesWholeFileInOrder) {
  ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> all,
                       ParseMountInfo("1 0 0:1 / / rw - ext4 /dev/a rw\n\n"
                                      "2 1 0:2 / /proc rw - proc proc rw\n"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].mount_point, "/");
  EXPECT_EQ(all[1].mount_point, "/proc");
}

// --- LinuxHost ----------------------------------------------------------

class LinuxHostTest : public ::testing::Test {
 protected:
  // Reads until EOF.
  std::string ReadAll(const Fd& fd) {
    std::string out;
    char buf[512];
    while (true) {
      absl::StatusOr<size_t> n = host_.Read(fd, absl::MakeSpan(buf));
      if (!n.ok()) {
        ADD_FAILURE() << n.status();
        return out;
      }
      if (*n == 0) return out;
      out.append(buf, *n);
    }
  }

  ExitStatus WaitFor(Pid pid) {
    absl::StatusOr<std::optional<WaitResult>> r =
        host_.Wait(pid, WaitFlags::kNone);
    if (!r.ok() || !r->has_value()) {
      ADD_FAILURE() << "wait failed: " << r.status();
      return ExitStatus::Exited(-1);
    }
    EXPECT_EQ((*r)->pid, pid);
    return (*r)->status;
  }

  std::string TempDir() {
    const char* dir = std::getenv("TEST_TMPDIR");
    return dir != nullptr ? dir : "/tmp";
  }

  SpawnRequest Shell(absl::string_view script) {
    SpawnRequest req;
    req.path = "/bin/sh";
    req.argv = {"sh", "-c", std::string(script)};
    req.env = {"PATH=/usr/bin:/bin"};
    return req;
  }

  LinuxHost host_;
};

TEST_F(LinuxHostTest, SpawnFdMapSwapsOverlappingSourcesAndTargets) {
  ASSERT_OK_AND_ASSIGN(PipeFds a, host_.Pipe());
  ASSERT_OK_AND_ASSIGN(PipeFds b, host_.Pipe());
  int fa = a.write.get();
  int fb = b.write.get();
  // The shell's redirections only take one digit.
  ASSERT_LT(std::max(fa, fb), 10) << "test process has too many open fds";
  // Swap: a's pipe lands on b's number and vice versa. Applying the
  // mappings one dup2 at a time would send both lines into one pipe.
  SpawnRequest req =
      Shell(absl::StrCat("echo to-a >&", fb, "; echo to-b >&", fa));
  req.fds = {{&a.write, fb}, {&b.write, fa}};
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(req));
  a.write.Reset();
  b.write.Reset();
  // EOF arrives only if the child kept no copy of the read ends' peers
  // beyond the mapped ones, which it closes on exit.
  EXPECT_EQ(ReadAll(a.read), "to-a\n");
  EXPECT_EQ(ReadAll(b.read), "to-b\n");
  EXPECT_EQ(WaitFor(child.pid), ExitStatus::Exited(0));
}

TEST_F(LinuxHostTest, SpawnMapsChainWhereATargetIsAnotherSource) {
  ASSERT_OK_AND_ASSIGN(PipeFds a, host_.Pipe());
  ASSERT_OK_AND_ASSIGN(PipeFds b, host_.Pipe());
  int fa = a.write.get();
  ASSERT_LT(fa, 9);
  // b -> fa is listed first: a naive dup2 would overwrite a's source
  // before a -> 1 reads it.
  SpawnRequest req = Shell(absl::StrCat("echo out; echo other >&", fa));
  req.fds = {{&b.write, fa}, {&a.write, 1}};
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(req));
  a.write.Reset();
  b.write.Reset();
  EXPECT_EQ(ReadAll(a.read), "out\n");
  EXPECT_EQ(ReadAll(b.read), "other\n");
  EXPECT_EQ(WaitFor(child.pid), ExitStatus::Exited(0));
}

TEST_F(LinuxHostTest, SpawnClosesUnmappedFdsEvenWithoutCloexec) {
  ASSERT_OK_AND_ASSIGN(
      Fd inherited,
      host_.OpenAt(Fd::Cwd(), "/dev/null",
                   OpenHow{OpenFlags::kWriteOnly | OpenFlags::kKeepOnExec}));
  ASSERT_LT(inherited.get(), 10);
  ASSERT_EQ(fcntl(inherited.get(), F_GETFD) & FD_CLOEXEC, 0);
  SpawnRequest req =
      Shell(absl::StrCat("echo x >&", inherited.get(), " 2>/dev/null"));
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(req));
  ExitStatus status = WaitFor(child.pid);
  EXPECT_TRUE(status.exited());
  EXPECT_NE(status.code, 0) << "fd " << inherited.get() << " leaked";
}

TEST_F(LinuxHostTest, SpawnMissingPathFailsEnoentAndLeavesNoChild) {
  SpawnRequest req;
  req.path = "/nonexistent/program";
  req.argv = {"program"};
  EXPECT_THAT(host_.Spawn(req), HasErrno(ENOENT));
  EXPECT_THAT(host_.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
}

TEST_F(LinuxHostTest, SpawnNonExecutableFailsEacces) {
  std::string path = absl::StrCat(TempDir(), "/not-executable");
  ASSERT_OK_AND_ASSIGN(
      Fd f,
      host_.OpenAt(Fd::Cwd(), path,
                   OpenHow{OpenFlags::kWriteOnly | OpenFlags::kCreate, 0644}));
  f.Reset();
  SpawnRequest req;
  req.path = path;
  req.argv = {"x"};
  EXPECT_THAT(host_.Spawn(req), HasErrno(EACCES));
  EXPECT_THAT(host_.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
}

TEST_F(LinuxHostTest, SpawnFromMemfdCopyOfTrue) {
  ASSERT_OK_AND_ASSIGN(Fd src, host_.OpenAt(Fd::Cwd(), "/bin/true", OpenHow{}));
  ASSERT_OK_AND_ASSIGN(Fd mem,
                       host_.MemfdCreate("true", MemfdFlags::kAllowSealing));
  std::string bytes = ReadAll(src);
  ASSERT_FALSE(bytes.empty());
  size_t done = 0;
  while (done < bytes.size()) {
    ASSERT_OK_AND_ASSIGN(
        size_t n, host_.Write(mem, absl::MakeConstSpan(bytes).subspan(done)));
    done += n;
  }
  ASSERT_OK(host_.AddSeals(
      mem, Seals::kSeal | Seals::kShrink | Seals::kGrow | Seals::kWrite));
  SpawnRequest req;
  req.exec_fd = &mem;
  req.argv = {"true"};
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(req));
  EXPECT_EQ(WaitFor(child.pid), ExitStatus::Exited(0));
}

TEST_F(LinuxHostTest, PidfdPollsReadableOnlyAfterExit) {
  ASSERT_OK_AND_ASSIGN(PipeFds in, host_.Pipe());
  SpawnRequest req = Shell("read x; exit 3");
  req.fds = {{&in.read, 0}};
  req.want_pidfd = true;
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(req));
  ASSERT_TRUE(child.pidfd.valid());

  PollFd poll_fd{&child.pidfd, PollEvents::kIn};
  EXPECT_THAT(host_.Poll(absl::MakeSpan(&poll_fd, 1), absl::ZeroDuration()),
              HoldsValue(0));
  in.write.Reset();  // EOF: `read` returns and the shell exits.
  ASSERT_OK_AND_ASSIGN(int ready,
                       host_.Poll(absl::MakeSpan(&poll_fd, 1), std::nullopt));
  EXPECT_EQ(ready, 1);
  EXPECT_TRUE(Has(poll_fd.revents, PollEvents::kIn));
  // Exited but not reaped: still visible, with its identity.
  EXPECT_OK(host_.GetProcessIdentity(child.pid));
  EXPECT_EQ(WaitFor(child.pid), ExitStatus::Exited(3));
}

TEST_F(LinuxHostTest, WaitDecodesDeathBySignal) {
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(Shell("kill -9 $$")));
  EXPECT_EQ(WaitFor(child.pid), ExitStatus::Signaled(Signal::kKill));
}

TEST_F(LinuxHostTest, SpawnResetsIgnoredSignalsAndMask) {
  // A caller that ignores SIGTERM and blocks SIGUSR1 must not pass either
  // to the child: the shell's `kill -TERM $$` must kill it.
  ASSERT_OK(
      host_.SetSignalDisposition(Signal::kTerm, SignalDisposition::kIgnore));
  ASSERT_OK_AND_ASSIGN(SignalSet old, host_.BlockSignals({Signal::kTerm}));
  ASSERT_OK_AND_ASSIGN(SpawnResult child,
                       host_.Spawn(Shell("kill -TERM $$; exit 0")));
  ExitStatus status = WaitFor(child.pid);
  ASSERT_OK(host_.SetSignalMask(old));
  ASSERT_OK(
      host_.SetSignalDisposition(Signal::kTerm, SignalDisposition::kDefault));
  EXPECT_EQ(status, ExitStatus::Signaled(Signal::kTerm));
}

TEST_F(LinuxHostTest, SpawnInNewPidNamespaceSeesPidOne) {
  ASSERT_OK_AND_ASSIGN(PipeFds out, host_.Pipe());
  SpawnRequest req = Shell("echo $$");
  req.fds = {{&out.write, 1}};
  req.new_namespaces = Namespaces::kPid;
  absl::StatusOr<SpawnResult> child = host_.Spawn(req);
  if (IsErrno(child, EPERM) || IsErrno(child, EINVAL) ||
      IsErrno(child, ENOSPC)) {
    GTEST_SKIP() << "cannot create a pid namespace here: " << child.status();
  }
  ASSERT_OK(child);
  out.write.Reset();
  EXPECT_EQ(ReadAll(out.read), "1\n");
  EXPECT_EQ(WaitFor(child->pid), ExitStatus::Exited(0));
}

TEST_F(LinuxHostTest, SpawnRejectsDuplicateTargets) {
  ASSERT_OK_AND_ASSIGN(PipeFds p, host_.Pipe());
  SpawnRequest req = Shell("true");
  req.fds = {{&p.write, 1}, {&p.read, 1}};
  EXPECT_THAT(host_.Spawn(req), HasErrno(EINVAL));
}

TEST_F(LinuxHostTest, WaitNoHangWithRunningChildGivesNullopt) {
  ASSERT_OK_AND_ASSIGN(PipeFds in, host_.Pipe());
  SpawnRequest req = Shell("read x");
  req.fds = {{&in.read, 0}};
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(req));
  EXPECT_THAT(host_.Wait(child.pid, WaitFlags::kNoHang),
              HoldsValue(std::nullopt));
  in.write.Reset();
  // `read` at end of input fails, and so does the script.
  EXPECT_EQ(WaitFor(child.pid), ExitStatus::Exited(1));
}

TEST_F(LinuxHostTest, ProcessIdentityOfSelfAndOfReapedChild) {
  ASSERT_OK_AND_ASSIGN(ProcessIdentity self,
                       host_.GetProcessIdentity(host_.GetPid()));
  EXPECT_EQ(self.pid, host_.GetPid());
  EXPECT_GT(self.start_time, 0u);
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(Shell("exit 0")));
  WaitFor(child.pid);
  EXPECT_THAT(host_.GetProcessIdentity(child.pid), HasErrno(ESRCH));
  EXPECT_THAT(host_.Kill(child.pid, Signal::kNone), HasErrno(ESRCH));
}

TEST_F(LinuxHostTest, KillRefusesProcessGroups) {
  EXPECT_THAT(host_.Kill(Pid{0}, Signal::kTerm), HasErrno(EINVAL));
  EXPECT_THAT(host_.Kill(Pid{-1}, Signal::kTerm), HasErrno(EINVAL));
}

TEST_F(LinuxHostTest, ReadDirSkipsDotsAndKeepsCallerOffset) {
  std::string dir = absl::StrCat(TempDir(), "/readdir");
  ASSERT_OK(host_.MkdirAt(Fd::Cwd(), dir, 0755));
  ASSERT_OK_AND_ASSIGN(
      Fd d, host_.OpenAt(Fd::Cwd(), dir, OpenHow{OpenFlags::kDirectory}));
  ASSERT_OK(host_.MkdirAt(d, "sub", 0755));
  ASSERT_OK(host_.SymlinkAt("sub", d, "link"));
  ASSERT_OK_AND_ASSIGN(
      Fd f,
      host_.OpenAt(d, "file",
                   OpenHow{OpenFlags::kWriteOnly | OpenFlags::kCreate, 0644}));
  auto named = [](const char* name, FileType type) {
    return ::testing::AllOf(Field(&DirEntry::name, name),
                            Field(&DirEntry::type, type));
  };
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(std::vector<DirEntry> entries, host_.ReadDir(d));
    EXPECT_THAT(entries,
                UnorderedElementsAre(named("sub", FileType::kDirectory),
                                     named("link", FileType::kSymlink),
                                     named("file", FileType::kRegular)));
  }
  ASSERT_OK_AND_ASSIGN(std::string target, host_.ReadlinkAt(d, "link"));
  EXPECT_EQ(target, "sub");
}

TEST_F(LinuxHostTest, OpenAtResolveBeneathRefusesEscape) {
  ASSERT_OK_AND_ASSIGN(
      Fd d, host_.OpenAt(Fd::Cwd(), TempDir(), OpenHow{OpenFlags::kDirectory}));
  OpenHow how{OpenFlags::kPath};
  how.resolve = ResolveFlags::kBeneath;
  EXPECT_THAT(host_.OpenAt(d, "../", how), HasErrno(EXDEV));
  EXPECT_THAT(host_.OpenAt(d, "missing", OpenHow{}), HasErrno(ENOENT));
}

TEST_F(LinuxHostTest, OpenAtIsCloseOnExecUnlessKeepOnExec) {
  ASSERT_OK_AND_ASSIGN(Fd fd, host_.OpenAt(Fd::Cwd(), "/dev/null", OpenHow{}));
  EXPECT_NE(fcntl(fd.get(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST_F(LinuxHostTest, PollReportsInvalidFdAsNval) {
  Fd invalid;
  ASSERT_OK_AND_ASSIGN(PipeFds p, host_.Pipe());
  PollFd fds[2] = {{&invalid, PollEvents::kIn}, {&p.write, PollEvents::kOut}};
  ASSERT_OK_AND_ASSIGN(int ready,
                       host_.Poll(absl::MakeSpan(fds), std::nullopt));
  EXPECT_EQ(ready, 2);
  EXPECT_EQ(fds[0].revents, PollEvents::kNval);
  EXPECT_TRUE(Has(fds[1].revents, PollEvents::kOut));
}

TEST_F(LinuxHostTest, FlockTryFailsEagainWhileHeldThroughAnotherOpen) {
  std::string path = absl::StrCat(TempDir(), "/lock");
  OpenHow how{OpenFlags::kReadWrite | OpenFlags::kCreate, 0600};
  ASSERT_OK_AND_ASSIGN(Fd one, host_.OpenAt(Fd::Cwd(), path, how));
  ASSERT_OK_AND_ASSIGN(Fd two, host_.OpenAt(Fd::Cwd(), path, how));
  ASSERT_OK(host_.Flock(one, LockOp::kExclusive, LockWait::kTry));
  EXPECT_THAT(host_.Flock(two, LockOp::kShared, LockWait::kTry),
              HasErrno(EAGAIN));
  ASSERT_OK(host_.Flock(one, LockOp::kUnlock, LockWait::kTry));
  EXPECT_OK(host_.Flock(two, LockOp::kShared, LockWait::kTry));
}

TEST_F(LinuxHostTest, SealedMemfdRefusesWrites) {
  ASSERT_OK_AND_ASSIGN(Fd mem,
                       host_.MemfdCreate("sealed", MemfdFlags::kAllowSealing));
  ASSERT_OK(host_.AddSeals(mem, Seals::kWrite));
  EXPECT_THAT(host_.Write(mem, absl::MakeConstSpan("x", 1)), HasErrno(EPERM));
}

TEST_F(LinuxHostTest, SignalFdReadsSignalFromSelf) {
  ASSERT_OK_AND_ASSIGN(SignalSet old, host_.BlockSignals({Signal::kUsr1}));
  ASSERT_OK_AND_ASSIGN(Fd sfd, host_.SignalFd({Signal::kUsr1}));
  ASSERT_OK(host_.Kill(host_.GetPid(), Signal::kUsr1));
  ASSERT_OK_AND_ASSIGN(SignalInfo info, host_.ReadSignal(sfd));
  EXPECT_EQ(info.signal, Signal::kUsr1);
  EXPECT_EQ(info.sender, host_.GetPid());
  EXPECT_EQ(info.sender_uid, getuid());
  EXPECT_THAT(host_.WaitSignal({Signal::kUsr1}, absl::ZeroDuration()),
              HoldsValue(std::nullopt));
  ASSERT_OK(host_.SetSignalMask(old));
}

TEST_F(LinuxHostTest, WaitSignalReportsChildExit) {
  ASSERT_OK_AND_ASSIGN(SignalSet old, host_.BlockSignals({Signal::kChld}));
  ASSERT_OK_AND_ASSIGN(SpawnResult child, host_.Spawn(Shell("exit 0")));
  ASSERT_OK_AND_ASSIGN(std::optional<SignalInfo> info,
                       host_.WaitSignal({Signal::kChld}, std::nullopt));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->signal, Signal::kChld);
  EXPECT_EQ(info->child, child.pid);
  EXPECT_EQ(info->sender, Pid{0});
  WaitFor(child.pid);
  ASSERT_OK(host_.SetSignalMask(old));
}

TEST_F(LinuxHostTest, SetSignalDispositionRefusesKill) {
  EXPECT_THAT(
      host_.SetSignalDisposition(Signal::kKill, SignalDisposition::kIgnore),
      HasErrno(EINVAL));
}

TEST_F(LinuxHostTest, SocketsPassFdsAndTruncateExcess) {
  ASSERT_OK_AND_ASSIGN(SocketPairFds s, host_.SocketPair(SocketType::kStream));
  ASSERT_OK_AND_ASSIGN(PipeFds p1, host_.Pipe());
  ASSERT_OK_AND_ASSIGN(PipeFds p2, host_.Pipe());
  ASSERT_OK_AND_ASSIGN(PipeFds p3, host_.Pipe());
  const Fd* send[] = {&p1.write, &p2.write, &p3.write};
  ASSERT_OK_AND_ASSIGN(
      size_t sent, host_.SendMsg(s.first, absl::MakeConstSpan("hi", 2), send));
  EXPECT_EQ(sent, 2u);
  ASSERT_OK_AND_ASSIGN(ReceivedMessage msg, host_.RecvMsg(s.second, 16, 1));
  EXPECT_EQ(msg.bytes, "hi");
  ASSERT_EQ(msg.fds.size(), 1u);
  EXPECT_TRUE(msg.fds_truncated);
  EXPECT_NE(fcntl(msg.fds[0].get(), F_GETFD) & FD_CLOEXEC, 0);
  // The received fd is p1's write end: a write shows up on p1.read.
  ASSERT_OK(host_.Write(msg.fds[0], absl::MakeConstSpan("z", 1)));
  char c = 0;
  EXPECT_THAT(host_.Read(p1.read, absl::MakeSpan(&c, 1)), HoldsValue(1u));
  EXPECT_EQ(c, 'z');
  // The excess fds were closed: dropping ours leaves p3 without writers.
  p3.write.Reset();
  EXPECT_THAT(host_.Read(p3.read, absl::MakeSpan(&c, 1)), HoldsValue(0u));

  ASSERT_OK_AND_ASSIGN(PeerCredentials cred, host_.GetPeerCredentials(s.first));
  EXPECT_EQ(cred.pid, host_.GetPid());
  EXPECT_EQ(cred.uid, getuid());
}

TEST_F(LinuxHostTest, SocketBindConnectAndLongPath) {
  // TEST_TMPDIR may be longer than sun_path: bind relative to it.
  ASSERT_OK_AND_ASSIGN(Fd old_cwd,
                       host_.OpenAt(Fd::Cwd(), ".", OpenHow{OpenFlags::kPath}));
  ASSERT_OK_AND_ASSIGN(
      Fd tmp, host_.OpenAt(Fd::Cwd(), TempDir(), OpenHow{OpenFlags::kPath}));
  ASSERT_OK(host_.Fchdir(tmp));
  ASSERT_OK_AND_ASSIGN(Fd server, host_.Socket(SocketType::kStream));
  EXPECT_THAT(host_.Bind(server, std::string(200, 'x')),
              HasErrno(ENAMETOOLONG));
  ASSERT_OK(host_.Bind(server, "s.sock"));
  ASSERT_OK(host_.Listen(server, 4));
  ASSERT_OK_AND_ASSIGN(Fd client, host_.Socket(SocketType::kStream));
  ASSERT_OK(host_.Connect(client, "s.sock"));
  ASSERT_OK_AND_ASSIGN(Fd conn, host_.Accept(server));
  ASSERT_OK(host_.Shutdown(client, ShutdownHow::kWrite));
  ASSERT_OK_AND_ASSIGN(ReceivedMessage msg, host_.RecvMsg(conn, 8, 0));
  EXPECT_THAT(msg.bytes, IsEmpty());
  ASSERT_OK_AND_ASSIGN(Fd other, host_.Socket(SocketType::kStream));
  EXPECT_THAT(host_.Connect(other, "none.sock"), HasErrno(ENOENT));
  ASSERT_OK(host_.Fchdir(old_cwd));
}

TEST_F(LinuxHostTest, OpenPtyRoundTripsWindowSize) {
  absl::StatusOr<PtyPair> pty = host_.OpenPty();
  if (!pty.ok()) GTEST_SKIP() << "no ptys here: " << pty.status();
  ASSERT_OK(host_.SetWindowSize(pty->master, WindowSize{24, 80}));
  EXPECT_THAT(host_.GetWindowSize(pty->replica),
              HoldsValue(WindowSize{24, 80}));
}

TEST_F(LinuxHostTest, ListMountsIncludesRoot) {
  ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> mounts, host_.ListMounts());
  EXPECT_THAT(mounts, Contains(Field(&MountInfo::mount_point, "/")));
}

TEST_F(LinuxHostTest, CgroupMountsParseThisMachine) {
  ASSERT_OK_AND_ASSIGN(std::vector<CgroupMount> mounts, host_.CgroupMounts());
  for (const CgroupMount& m : mounts) {
    EXPECT_FALSE(m.path.empty());
    if (m.version == CgroupVersion::kV1) {
      EXPECT_THAT(m.controllers, ::testing::Not(Contains("rw")));
    }
  }
}

TEST_F(LinuxHostTest, SeccompRejectsMalformedProgramBeforeAnyCall) {
  uint8_t odd[5] = {};
  EXPECT_THAT(
      host_.SetSeccompFilter(absl::MakeConstSpan(odd), SeccompFlags::kNone),
      HasErrno(EINVAL));
  EXPECT_THAT(host_.SetSeccompFilter({}, SeccompFlags::kNone),
              HasErrno(EINVAL));
}

TEST_F(LinuxHostTest, SeccompFilterAppliesAndReturnsListener) {
  // getppid fails EPERM; everything else is allowed.
  struct sock_filter program[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  absl::Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(program),
                                  sizeof(program));
  // A filter is forever: install it in a forked copy of this process.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    LinuxHost host;
    if (!host.SetNoNewPrivs().ok()) _exit(10);
    absl::StatusOr<Fd> listener =
        host.SetSeccompFilter(bytes, SeccompFlags::kNewListener);
    if (!listener.ok()) _exit(11);
    if (!listener->valid()) _exit(12);
    if (syscall(SYS_getppid) != -1 || errno != EPERM) _exit(13);
    _exit(0);
  }
  EXPECT_EQ(WaitFor(Pid{pid}), ExitStatus::Exited(0));
}

TEST_F(LinuxHostTest, ClockAndRandom) {
  absl::Duration a = host_.MonotonicNow();
  host_.SleepFor(absl::ZeroDuration());
  EXPECT_LE(a, host_.MonotonicNow());
  EXPECT_GT(host_.RealNow(), absl::FromUnixSeconds(1600000000));
  EXPECT_NE(host_.RandomUint64(), host_.RandomUint64());
}

TEST_F(LinuxHostTest, ErrorsNameTheCallAndPath) {
  absl::StatusOr<Fd> fd =
      host_.OpenAt(Fd::Cwd(), "/nonexistent/meta.json", OpenHow{});
  EXPECT_THAT(fd, HasErrno(ENOENT));
  EXPECT_THAT(std::string(fd.status().message()),
              ::testing::HasSubstr("openat2 \"/nonexistent/meta.json\""));
}

}  // namespace
}  // namespace runbox
