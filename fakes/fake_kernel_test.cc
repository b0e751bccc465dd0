// The simulated kernel's own tests: scheduling determinism, flock exclusion
// under many seeds, crash cleanup (kill at call k), process lifecycle (wait
// statuses, pid reuse, reparenting), signals, pipes, exec, stdio, virtual
// time and teardown. Host semantics shared with Linux belong to the
// contract suite; these pin down the fake's machinery.
#include "fakes/fake_kernel.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::ElementsAre;

OpenHow CreateRw() {
  OpenHow how;
  how.flags = OpenFlags::kReadWrite | OpenFlags::kCreate;
  how.mode = 0644;
  return how;
}

// Registers `program` as `name` and installs it at /bin/<name>.
std::string Install(FakeKernel& kernel, const std::string& name,
                    Program program) {
  kernel.RegisterProgram(name, std::move(program));
  std::string path = "/bin/" + name;
  EXPECT_OK(kernel.InstallProgram(path, name));
  return path;
}

absl::StatusOr<Pid> SpawnPath(Host& host, const std::string& path,
                              std::vector<FdMapping> fds = {},
                              Namespaces ns = Namespaces::kNone) {
  SpawnRequest req;
  req.path = path;
  req.argv = {path};
  req.fds = std::move(fds);
  req.new_namespaces = ns;
  ASSIGN_OR_RETURN(SpawnResult r, host.Spawn(req));
  return r.pid;
}

// Blocks forever (until killed) in host calls.
int BlockForever(Host& host) {
  while (true) host.SleepFor(absl::Hours(24));
}

TEST(FakeKernelTest, FunctionRunsAndExitCodeIsRecorded) {
  FakeKernel kernel;
  Pid pid = kernel.StartFunction([](Host& host) {
    EXPECT_GT(host.GetPid().value, 1);
    return 42;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(pid), ExitStatus::Exited(42));
  EXPECT_TRUE(kernel.Processes().empty());
  EXPECT_GT(kernel.HostCallCount(), 0u);
}

TEST(FakeKernelTest, FlockExcludesUnderManySeeds) {
  for (uint64_t seed = 1; seed <= 1000; ++seed) {
    FakeKernel kernel({.seed = seed});
    int holders = 0;
    int max_holders = 0;
    int entries = 0;
    auto body = [&](Host& host) {
      for (int round = 0; round < 3; ++round) {
        absl::StatusOr<Fd> fd = host.OpenAt(Fd::Cwd(), "/lock", CreateRw());
        if (!fd.ok()) return 1;
        if (!host.Flock(*fd, LockOp::kExclusive, LockWait::kBlock).ok()) {
          return 2;
        }
        ++holders;
        ++entries;
        max_holders = std::max(max_holders, holders);
        // Several scheduling points inside the critical section.
        for (int i = 0; i < 3; ++i) {
          host.MonotonicNow();
          max_holders = std::max(max_holders, holders);
        }
        --holders;
        if (round % 2 == 0) {
          if (!host.Flock(*fd, LockOp::kUnlock, LockWait::kBlock).ok()) {
            return 3;
          }
        }
        // Odd rounds release by closing the fd.
      }
      return 0;
    };
    Pid a = kernel.StartFunction(body, "a");
    Pid b = kernel.StartFunction(body, "b");
    ASSERT_EQ(kernel.Run(), RunOutcome::kAllExited) << "seed " << seed;
    ASSERT_EQ(max_holders, 1) << "seed " << seed;
    ASSERT_EQ(entries, 6) << "seed " << seed;
    ASSERT_EQ(kernel.ExitStatusOf(a), ExitStatus::Exited(0)) << "seed " << seed;
    ASSERT_EQ(kernel.ExitStatusOf(b), ExitStatus::Exited(0)) << "seed " << seed;
  }
}

TEST(FakeKernelTest, SameSeedSameTraceDifferentSeedsDiffer) {
  auto run = [](uint64_t seed) {
    FakeKernel kernel({.seed = seed});
    for (int p = 0; p < 3; ++p) {
      kernel.StartFunction([](Host& host) {
        for (int i = 0; i < 20; ++i) host.GetPid();
        return 0;
      });
    }
    EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
    return kernel.TraceHash();
  };
  EXPECT_EQ(run(7), run(7));
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 20; ++seed) hashes.insert(run(seed));
  EXPECT_EQ(hashes.size(), 20u);
}

// A victim takes a flock and holds a pipe's write end; the parent kills it
// after `delay` host calls of its own (or the victim kills itself at its
// call `self_kill_at`). Afterwards the pipe reads EOF, the lock is free and
// wait reports SIGKILL.
void RunKillAtCall(uint64_t seed, int delay, int self_kill_at) {
  FakeKernel kernel({.seed = seed});
  std::string victim =
      Install(kernel, "victim", [&](Host& host, const auto&) -> int {
        int calls = 0;
        auto tick = [&] {
          if (++calls == self_kill_at) {
            (void)host.Kill(host.GetPid(), Signal::kKill);
            ADD_FAILURE() << "Kill of self returned";
          }
        };
        tick();
        absl::StatusOr<Fd> fd = host.OpenAt(Fd::Cwd(), "/lock", CreateRw());
        tick();
        if (fd.ok())
          (void)host.Flock(*fd, LockOp::kExclusive, LockWait::kBlock);
        while (true) {
          tick();
          (void)host.Write(Fd(3, nullptr), absl::string_view("x"));
        }
      });
  bool checked = false;
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    EXPECT_OK(pipe);
    if (!pipe.ok()) return 1;
    absl::StatusOr<Pid> pid = SpawnPath(host, victim, {{&pipe->write, 3}});
    EXPECT_OK(pid);
    if (!pid.ok()) return 1;
    pipe->write.Reset();
    if (self_kill_at == 0) {
      for (int i = 0; i < delay; ++i) host.GetPid();
      EXPECT_OK(host.Kill(*pid, Signal::kKill));
    }
    // Drain until EOF: only the victim's death closes its write end.
    char buf[4096];
    while (true) {
      absl::StatusOr<size_t> n = host.Read(pipe->read, absl::MakeSpan(buf));
      EXPECT_OK(n);
      if (!n.ok() || *n == 0) break;
    }
    absl::StatusOr<Fd> fd = host.OpenAt(Fd::Cwd(), "/lock", CreateRw());
    EXPECT_OK(fd);
    if (fd.ok()) {
      EXPECT_OK(host.Flock(*fd, LockOp::kExclusive, LockWait::kTry));
    }
    absl::StatusOr<std::optional<WaitResult>> w =
        host.Wait(*pid, WaitFlags::kNone);
    EXPECT_OK(w);
    if (w.ok() && w->has_value()) {
      EXPECT_EQ((*w)->status, ExitStatus::Signaled(Signal::kKill));
    }
    checked = true;
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_TRUE(checked) << "seed " << seed << " delay " << delay;
}

TEST(FakeKernelTest, KillAtCallReleasesFlocksAndClosesFds) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    for (int delay = 0; delay < 12; ++delay) {
      SCOPED_TRACE(absl::StrCat("seed ", seed, " delay ", delay));
      RunKillAtCall(seed, delay, /*self_kill_at=*/0);
    }
  }
}

TEST(FakeKernelTest, SelfKillAtCallReleasesFlocksAndClosesFds) {
  for (int k = 1; k <= 5; ++k) {
    SCOPED_TRACE(absl::StrCat("self kill at ", k));
    RunKillAtCall(/*seed=*/3, /*delay=*/0, /*self_kill_at=*/k);
  }
}

TEST(FakeKernelTest, ZombiesAndWaitStatuses) {
  FakeKernel kernel;
  std::string three =
      Install(kernel, "three", [](Host&, const auto&) { return 3; });
  std::string sleeper = Install(kernel, "sleeper", [](Host& host, const auto&) {
    return BlockForever(host);
  });
  bool done = false;
  kernel.StartFunction([&](Host& host) {
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNone), HasErrno(ECHILD));
    absl::StatusOr<Pid> a = SpawnPath(host, three);
    absl::StatusOr<Pid> b = SpawnPath(host, sleeper);
    EXPECT_OK(a);
    EXPECT_OK(b);
    if (!a.ok() || !b.ok()) return 1;
    // The sleeper is alive: nothing to reap for it yet.
    absl::StatusOr<std::optional<WaitResult>> none =
        host.Wait(*b, WaitFlags::kNoHang);
    EXPECT_OK(none);
    EXPECT_FALSE(none.ok() && none->has_value());
    // Let `three` exit; it stays a zombie until reaped.
    while (true) {
      host.SleepFor(absl::Milliseconds(1));
      absl::StatusOr<ProcessIdentity> id = host.GetProcessIdentity(*a);
      EXPECT_OK(id);  // Zombies still have an identity.
      bool zombie = false;
      for (const ProcessInfo& info : kernel.Processes()) {
        if (info.pid == *a) zombie = info.zombie;
      }
      if (zombie) break;
    }
    EXPECT_OK(host.Kill(*a, Signal::kNone));  // A zombie exists.
    absl::StatusOr<std::optional<WaitResult>> ra =
        host.Wait(*a, WaitFlags::kNone);
    EXPECT_OK(ra);
    if (ra.ok() && ra->has_value()) {
      EXPECT_EQ((*ra)->pid, *a);
      EXPECT_EQ((*ra)->status, ExitStatus::Exited(3));
    }
    EXPECT_THAT(host.Kill(*a, Signal::kNone), HasErrno(ESRCH));
    EXPECT_THAT(host.GetProcessIdentity(*a), HasErrno(ESRCH));
    EXPECT_THAT(host.Wait(*a, WaitFlags::kNone), HasErrno(ECHILD));
    EXPECT_OK(host.Kill(*b, Signal::kTerm));
    absl::StatusOr<std::optional<WaitResult>> rb =
        host.Wait(Pid{0}, WaitFlags::kNone);
    EXPECT_OK(rb);
    if (rb.ok() && rb->has_value()) {
      EXPECT_EQ((*rb)->pid, *b);
      EXPECT_EQ((*rb)->status, ExitStatus::Signaled(Signal::kTerm));
    }
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
    done = true;
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_TRUE(done);
}

TEST(FakeKernelTest, PidsWrapAtPidMaxAndSkipUsedOnes) {
  FakeKernel kernel({.pid_max = 8});
  std::string quick =
      Install(kernel, "quick", [](Host&, const auto&) { return 0; });
  std::vector<int> pids;
  int zombie_pid = 0;
  kernel.StartFunction([&](Host& host) {
    // A zombie child keeps its pid until reaped.
    absl::StatusOr<Pid> zombie = SpawnPath(host, quick);
    EXPECT_OK(zombie);
    if (!zombie.ok()) return 1;
    zombie_pid = zombie->value;
    for (int i = 0; i < 12; ++i) {
      absl::StatusOr<Pid> pid = SpawnPath(host, quick);
      EXPECT_OK(pid);
      if (!pid.ok()) return 1;
      pids.push_back(pid->value);
      EXPECT_OK(host.Wait(*pid, WaitFlags::kNone));
    }
    EXPECT_OK(host.Wait(*zombie, WaitFlags::kNone));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  ASSERT_EQ(pids.size(), 12u);
  std::set<int> distinct(pids.begin(), pids.end());
  EXPECT_LT(distinct.size(), pids.size());  // Reused.
  for (int pid : pids) {
    EXPECT_GE(pid, 2);
    EXPECT_LE(pid, 8);
    EXPECT_NE(pid, zombie_pid);
  }
}

TEST(FakeKernelTest, RunsOutOfPidsWithEagain) {
  FakeKernel kernel({.pid_max = 4});
  std::string sleeper = Install(kernel, "sleeper", [](Host& host, const auto&) {
    return BlockForever(host);
  });
  kernel.StartFunction([&](Host& host) {
    // Pids 1 (init) and 2 (us) are taken; 3 and 4 go to children.
    absl::StatusOr<Pid> a = SpawnPath(host, sleeper);
    absl::StatusOr<Pid> b = SpawnPath(host, sleeper);
    EXPECT_OK(a);
    EXPECT_OK(b);
    EXPECT_THAT(SpawnPath(host, sleeper), HasErrno(EAGAIN));
    for (const absl::StatusOr<Pid>& pid : {a, b}) {
      if (pid.ok()) {
        EXPECT_OK(host.Kill(*pid, Signal::kKill));
      }
    }
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

// parent (maybe a subreaper) -> middle -> grandchild; middle exits.
void CheckReparenting(bool subreaper) {
  FakeKernel kernel;
  Pid grandchild_parent;
  Pid grandchild;
  std::string grand = Install(kernel, "grand", [&](Host& host, const auto&) {
    // Wait for the middle process to go away.
    while (true) {
      host.SleepFor(absl::Milliseconds(10));
      Pid parent = host.GetParentPid();
      if (parent != grandchild_parent) {
        grandchild_parent = parent;
        return 5;
      }
    }
  });
  std::string middle = Install(kernel, "middle", [&](Host& host, const auto&) {
    grandchild_parent = host.GetPid();
    absl::StatusOr<Pid> pid = SpawnPath(host, grand);
    EXPECT_OK(pid);
    if (pid.ok()) grandchild = *pid;
    return 0;
  });
  Pid top;
  bool checked = false;
  top = kernel.StartFunction([&](Host& host) {
    if (subreaper) {
      EXPECT_OK(host.SetChildSubreaper());
    }
    absl::StatusOr<Pid> mid = SpawnPath(host, middle);
    EXPECT_OK(mid);
    if (!mid.ok()) return 1;
    EXPECT_OK(host.Wait(*mid, WaitFlags::kNone));
    if (subreaper) {
      absl::StatusOr<std::optional<WaitResult>> r =
          host.Wait(Pid{0}, WaitFlags::kNone);
      EXPECT_OK(r);
      if (r.ok() && r->has_value()) {
        EXPECT_EQ((*r)->pid, grandchild);
        EXPECT_EQ((*r)->status, ExitStatus::Exited(5));
      }
      EXPECT_EQ(grandchild_parent, host.GetPid());
    } else {
      EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNone), HasErrno(ECHILD));
    }
    checked = true;
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_TRUE(checked);
  if (!subreaper) {
    EXPECT_EQ(grandchild_parent, Pid{1});
    EXPECT_EQ(kernel.ExitStatusOf(grandchild), ExitStatus::Exited(5));
  }
}

TEST(FakeKernelTest, OrphansReparentToSubreaper) { CheckReparenting(true); }
TEST(FakeKernelTest, OrphansReparentToInit) { CheckReparenting(false); }

TEST(FakeKernelTest, DefaultSignalActions) {
  FakeKernel kernel;
  std::string sleeper = Install(kernel, "sleeper", [](Host& host, const auto&) {
    return BlockForever(host);
  });
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<Pid> pid = SpawnPath(host, sleeper);
    EXPECT_OK(pid);
    if (!pid.ok()) return 1;
    // Ignored by default: nothing happens.
    for (Signal sig :
         {Signal::kChld, Signal::kWinch, Signal::kUrg, Signal::kCont}) {
      EXPECT_OK(host.Kill(*pid, sig));
    }
    host.SleepFor(absl::Seconds(1));
    absl::StatusOr<std::optional<WaitResult>> r =
        host.Wait(*pid, WaitFlags::kNoHang);
    EXPECT_TRUE(r.ok() && !r->has_value());
    EXPECT_OK(host.Kill(*pid, Signal::kQuit));
    r = host.Wait(*pid, WaitFlags::kNone);
    EXPECT_TRUE(r.ok() && r->has_value());
    if (r.ok() && r->has_value()) {
      EXPECT_EQ((*r)->status, ExitStatus::Signaled(Signal::kQuit, true));
    }
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeKernelTest, TermKillsAndIgnoredTermDoesNot) {
  FakeKernel kernel;
  Pid plain = kernel.StartFunction(BlockForever);
  bool survived = false;
  Pid ignoring = kernel.StartFunction([&](Host& host) {
    EXPECT_OK(
        host.SetSignalDisposition(Signal::kTerm, SignalDisposition::kIgnore));
    EXPECT_THAT(
        host.SetSignalDisposition(Signal::kKill, SignalDisposition::kIgnore),
        HasErrno(EINVAL));
    EXPECT_OK(host.Kill(host.GetPid(), Signal::kTerm));
    survived = true;
    return BlockForever(host);
  });
  kernel.StartFunction([&](Host& host) {
    host.SleepFor(absl::Seconds(1));
    EXPECT_OK(host.Kill(plain, Signal::kTerm));
    EXPECT_OK(host.Kill(ignoring, Signal::kTerm));
    host.SleepFor(absl::Seconds(1));
    EXPECT_OK(host.Kill(ignoring, Signal::kKill));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_TRUE(survived);
  EXPECT_EQ(kernel.ExitStatusOf(plain), ExitStatus::Signaled(Signal::kTerm));
  EXPECT_EQ(kernel.ExitStatusOf(ignoring), ExitStatus::Signaled(Signal::kKill));
}

TEST(FakeKernelTest, BlockedSignalsStayPendingForSignalfd) {
  FakeKernel kernel;
  Pid receiver_pid;
  Pid sender_pid;
  std::vector<Signal> got;
  Pid receiver = kernel.StartFunction([&](Host& host) {
    receiver_pid = host.GetPid();
    EXPECT_OK(host.BlockSignals({Signal::kTerm, Signal::kUsr1}));
    absl::StatusOr<Fd> sfd = host.SignalFd({Signal::kTerm, Signal::kUsr1});
    EXPECT_OK(sfd);
    if (!sfd.ok()) return 1;
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<SignalInfo> info = host.ReadSignal(*sfd);
      EXPECT_OK(info);
      if (!info.ok()) return 1;
      got.push_back(info->signal);
      EXPECT_EQ(info->sender, sender_pid);
    }
    // A timed wait for a signal that never comes.
    absl::StatusOr<std::optional<SignalInfo>> none =
        host.WaitSignal({Signal::kUsr2}, absl::Seconds(5));
    EXPECT_TRUE(none.ok() && !none->has_value());
    // A pending TERM kills once unblocked.
    EXPECT_OK(host.Kill(host.GetPid(), Signal::kTerm));
    (void)host.UnblockSignals({Signal::kTerm});
    ADD_FAILURE() << "survived an unblocked SIGTERM";
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    sender_pid = host.GetPid();
    while (receiver_pid.value == 0) host.SleepFor(absl::Milliseconds(1));
    host.SleepFor(absl::Seconds(1));
    EXPECT_OK(host.Kill(receiver, Signal::kUsr1));
    EXPECT_OK(host.Kill(receiver, Signal::kTerm));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_THAT(got, ElementsAre(Signal::kUsr1, Signal::kTerm));
  EXPECT_EQ(kernel.ExitStatusOf(receiver), ExitStatus::Signaled(Signal::kTerm));
}

TEST(FakeKernelTest, SigchldReachesABlockingParent) {
  FakeKernel kernel;
  std::string quick =
      Install(kernel, "quick", [](Host&, const auto&) { return 0; });
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.BlockSignals({Signal::kChld}));
    absl::StatusOr<Pid> child = SpawnPath(host, quick);
    EXPECT_OK(child);
    absl::StatusOr<std::optional<SignalInfo>> info =
        host.WaitSignal({Signal::kChld}, std::nullopt);
    EXPECT_OK(info);
    if (info.ok() && info->has_value() && child.ok()) {
      EXPECT_EQ((*info)->signal, Signal::kChld);
      EXPECT_EQ((*info)->child, *child);
    }
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeKernelTest, NamespaceInitIgnoresTermButNotKillFromOutside) {
  FakeKernel kernel;
  Pid inner_pid;
  bool survived_own_kill = false;
  std::string init = Install(kernel, "nsinit", [&](Host& host, const auto&) {
    inner_pid = host.GetPid();
    EXPECT_EQ(host.GetParentPid(), Pid{0});
    // SIGKILL from inside the namespace does nothing to its init.
    EXPECT_OK(host.Kill(Pid{1}, Signal::kKill));
    survived_own_kill = true;
    return BlockForever(host);
  });
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<Pid> pid = SpawnPath(host, init, {}, Namespaces::kPid);
    EXPECT_OK(pid);
    if (!pid.ok()) return 1;
    EXPECT_NE(pid->value, 1);
    host.SleepFor(absl::Seconds(1));
    EXPECT_OK(host.Kill(*pid, Signal::kTerm));
    host.SleepFor(absl::Seconds(1));
    absl::StatusOr<std::optional<WaitResult>> r =
        host.Wait(*pid, WaitFlags::kNoHang);
    EXPECT_TRUE(r.ok() && !r->has_value()) << "TERM killed a namespace init";
    EXPECT_OK(host.Kill(*pid, Signal::kKill));
    r = host.Wait(*pid, WaitFlags::kNone);
    EXPECT_TRUE(r.ok() && r->has_value());
    if (r.ok() && r->has_value()) {
      EXPECT_EQ((*r)->status, ExitStatus::Signaled(Signal::kKill));
    }
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(inner_pid, Pid{1});
  EXPECT_TRUE(survived_own_kill);
}

TEST(FakeKernelTest, NamespaceDiesWithItsInit) {
  FakeKernel kernel;
  Pid member_outer;
  std::string member = Install(kernel, "member", [](Host& host, const auto&) {
    return BlockForever(host);
  });
  std::string init = Install(kernel, "nsinit", [&](Host& host, const auto&) {
    absl::StatusOr<Pid> pid = SpawnPath(host, member);
    EXPECT_OK(pid);
    if (pid.ok()) {
      EXPECT_EQ(pid->value, 2);
    }
    host.SleepFor(absl::Seconds(1));
    return 0;  // The member dies with us.
  });
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<Pid> pid = SpawnPath(host, init, {}, Namespaces::kPid);
    EXPECT_OK(pid);
    if (!pid.ok()) return 1;
    EXPECT_OK(host.Wait(*pid, WaitFlags::kNone));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_TRUE(kernel.Processes().empty());
}

TEST(FakeKernelTest, SleepAdvancesVirtualTimeOnly) {
  FakeKernel kernel;
  absl::Duration before, after;
  absl::Time real_before, real_after;
  kernel.StartFunction([&](Host& host) {
    before = host.MonotonicNow();
    real_before = host.RealNow();
    host.SleepFor(absl::Hours(1));
    after = host.MonotonicNow();
    real_after = host.RealNow();
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_GE(after - before, absl::Hours(1));
  EXPECT_GE(real_after - real_before, absl::Hours(1));
  EXPECT_GE(kernel.MonotonicNow(), absl::Hours(1));
  EXPECT_GE(real_before, absl::FromUnixSeconds(1767225600));
}

TEST(FakeKernelTest, PollTimesOutInVirtualTime) {
  FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    EXPECT_OK(pipe);
    if (!pipe.ok()) return 1;
    Fd bad(999, nullptr);
    PollFd fds[2] = {{&pipe->read, PollEvents::kIn}, {&bad, PollEvents::kIn}};
    absl::StatusOr<int> n = host.Poll(absl::MakeSpan(fds, 1), absl::Minutes(2));
    EXPECT_THAT(n, IsOk());
    if (n.ok()) {
      EXPECT_EQ(*n, 0);
    }
    EXPECT_GE(host.MonotonicNow(), absl::Minutes(2));
    n = host.Poll(absl::MakeSpan(fds), absl::ZeroDuration());
    if (n.ok()) {
      EXPECT_EQ(*n, 1);
    }
    EXPECT_EQ(fds[1].revents, PollEvents::kNval);
    EXPECT_OK(host.Write(pipe->write, absl::string_view("hi")));
    n = host.Poll(absl::MakeSpan(fds, 1), std::nullopt);
    if (n.ok()) {
      EXPECT_EQ(*n, 1);
    }
    EXPECT_EQ(fds[0].revents, PollEvents::kIn);
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeKernelTest, PipeEofEpipeAndSigpipe) {
  FakeKernel kernel;
  Pid killed = kernel.StartFunction([](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (!pipe.ok()) return 1;
    pipe->read.Reset();
    (void)host.Write(pipe->write, absl::string_view("x"));
    return 2;  // Not reached: SIGPIPE kills.
  });
  Pid ignoring = kernel.StartFunction([](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (!pipe.ok()) return 1;
    // EOF once the writer is gone.
    EXPECT_OK(host.Write(pipe->write, absl::string_view("ab")));
    pipe->write.Reset();
    char buf[8];
    absl::StatusOr<size_t> n = host.Read(pipe->read, absl::MakeSpan(buf));
    EXPECT_TRUE(n.ok() && *n == 2);
    n = host.Read(pipe->read, absl::MakeSpan(buf));
    EXPECT_TRUE(n.ok() && *n == 0);
    // EPIPE with SIGPIPE ignored.
    absl::StatusOr<PipeFds> second = host.Pipe();
    if (!second.ok()) return 1;
    second->read.Reset();
    EXPECT_OK(
        host.SetSignalDisposition(Signal::kPipe, SignalDisposition::kIgnore));
    EXPECT_THAT(host.Write(second->write, absl::string_view("x")),
                HasErrno(EPIPE));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(killed), ExitStatus::Signaled(Signal::kPipe));
  EXPECT_EQ(kernel.ExitStatusOf(ignoring), ExitStatus::Exited(0));
}

TEST(FakeKernelTest, BlockingReadWaitsForAWriter) {
  FakeKernel kernel;
  std::string writer = Install(kernel, "writer", [](Host& host, const auto&) {
    host.SleepFor(absl::Seconds(3));
    EXPECT_OK(host.Write(Fd(1, nullptr), absl::string_view("late")));
    return 0;
  });
  std::string got;
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (!pipe.ok()) return 1;
    EXPECT_OK(SpawnPath(host, writer, {{&pipe->write, 1}}));
    pipe->write.Reset();
    char buf[16];
    while (true) {
      absl::StatusOr<size_t> n = host.Read(pipe->read, absl::MakeSpan(buf));
      if (!n.ok() || *n == 0) break;
      got.append(buf, *n);
    }
    EXPECT_GE(host.MonotonicNow(), absl::Seconds(3));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(got, "late");
}

TEST(FakeKernelTest, ExecReplacesProgramAndClosesCloexecFds) {
  FakeKernel kernel;
  std::vector<std::string> seen_argv;
  bool cloexec_closed = false;
  bool kept_open = false;
  std::string second =
      Install(kernel, "second", [&](Host& host, const auto& argv) {
        seen_argv = argv;
        int closed_fd = 0, kept_fd = 0;
        if (argv.size() == 3 && absl::SimpleAtoi(argv[1], &closed_fd) &&
            absl::SimpleAtoi(argv[2], &kept_fd)) {
          cloexec_closed = IsErrno(host.FStat(Fd(closed_fd, nullptr)), EBADF);
          kept_open = host.FStat(Fd(kept_fd, nullptr)).ok();
        }
        EXPECT_THAT(host.Environment(), ElementsAre("PHASE=2"));
        return 7;
      });
  bool after_exec = false;
  Pid pid = kernel.StartFunction([&](Host& host) {
    absl::StatusOr<Fd> closed = host.OpenAt(Fd::Cwd(), "/a", CreateRw());
    OpenHow keep = CreateRw();
    keep.flags |= OpenFlags::kKeepOnExec;
    absl::StatusOr<Fd> kept = host.OpenAt(Fd::Cwd(), "/b", keep);
    EXPECT_OK(closed);
    EXPECT_OK(kept);
    if (!closed.ok() || !kept.ok()) return 1;
    ExecRequest req;
    req.path = second;
    req.argv = {"second", absl::StrCat(closed->get()),
                absl::StrCat(kept->get())};
    req.env = {"PHASE=2"};
    absl::Status s = host.Exec(req);
    after_exec = true;
    ADD_FAILURE() << "exec returned: " << s;
    return 1;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_FALSE(after_exec);
  EXPECT_EQ(seen_argv.size(), 3u);
  EXPECT_TRUE(cloexec_closed);
  EXPECT_TRUE(kept_open);
  EXPECT_EQ(kernel.ExitStatusOf(pid), ExitStatus::Exited(7));
}

TEST(FakeKernelTest, SpawnAndExecFailuresLeaveNoChild) {
  FakeKernel kernel;
  ASSERT_OK(kernel.InstallProgram("/bin/unregistered", "nobody"));
  kernel.StartFunction([&](Host& host) {
    EXPECT_THAT(SpawnPath(host, "/bin/missing"), HasErrno(ENOENT));
    EXPECT_THAT(SpawnPath(host, "/bin"), HasErrno(EACCES));
    EXPECT_THAT(SpawnPath(host, "/bin/unregistered"), HasErrno(ENOEXEC));
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
    ExecRequest req;
    req.path = "/bin/missing";
    EXPECT_THAT(host.Exec(req), HasErrno(ENOENT));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeKernelTest, StdioOfStartedProcesses) {
  FakeKernel kernel;
  kernel.RegisterProgram("cat", [](Host& host, const auto&) {
    char buf[3];  // Small reads: several round trips.
    while (true) {
      absl::StatusOr<size_t> n = host.Read(Fd(0, nullptr), absl::MakeSpan(buf));
      if (!n.ok()) return 1;
      if (*n == 0) break;
      if (!host.Write(Fd(1, nullptr), absl::string_view(buf, *n)).ok()) {
        return 1;
      }
    }
    (void)host.Write(Fd(2, nullptr), absl::string_view("done"));
    return 0;
  });
  ASSERT_OK(kernel.InstallProgram("/usr/bin/cat", "cat"));
  StartRequest req;
  req.path = "/usr/bin/cat";
  req.argv = {"cat"};
  req.stdin_data = "hello, world";
  ASSERT_OK_AND_ASSIGN(Pid pid, kernel.Start(req));
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(pid), ExitStatus::Exited(0));
  EXPECT_EQ(kernel.StdoutOf(pid), "hello, world");
  EXPECT_EQ(kernel.StderrOf(pid), "done");
}

TEST(FakeKernelTest, IdleWhenEveryoneBlocks) {
  FakeKernel kernel;
  kernel.StartFunction([](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (!pipe.ok()) return 1;
    char c;
    (void)host.Read(pipe->read, absl::MakeSpan(&c, 1));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kIdle);
  EXPECT_EQ(kernel.Processes().size(), 1u);
}

TEST(FakeKernelTest, RunUntilAndStepLimit) {
  FakeKernel kernel({.max_steps = 1000});
  int count = 0;
  kernel.StartFunction([&](Host& host) -> int {
    while (true) {
      ++count;
      host.GetPid();
    }
  });
  EXPECT_EQ(kernel.RunUntil([&] { return count >= 10; }), RunOutcome::kDone);
  EXPECT_GE(count, 10);
  EXPECT_EQ(kernel.Run(), RunOutcome::kStepLimit);
}

struct UnwindCounter {
  int* count;
  ~UnwindCounter() { ++*count; }
};

TEST(FakeKernelTest, DestructionUnwindsBlockedProcesses) {
  int unwound = 0;
  {
    FakeKernel kernel;
    std::string child = Install(kernel, "child", [&](Host& host, const auto&) {
      UnwindCounter counter{&unwound};
      return BlockForever(host);
    });
    kernel.StartFunction([&](Host& host) {
      UnwindCounter counter{&unwound};
      absl::StatusOr<Fd> fd = host.OpenAt(Fd::Cwd(), "/lock", CreateRw());
      if (fd.ok()) (void)host.Flock(*fd, LockOp::kExclusive, LockWait::kBlock);
      absl::StatusOr<Pid> pid = SpawnPath(host, child);
      (void)host.Wait(Pid{0}, WaitFlags::kNone);
      return 0;
    });
    kernel.StartFunction([&](Host& host) {
      UnwindCounter counter{&unwound};
      host.SleepFor(absl::Seconds(1));
      absl::StatusOr<Fd> fd = host.OpenAt(Fd::Cwd(), "/lock", CreateRw());
      if (fd.ok()) (void)host.Flock(*fd, LockOp::kExclusive, LockWait::kBlock);
      return 0;
    });
    kernel.StartFunction([&](Host& host) {
      UnwindCounter counter{&unwound};
      absl::StatusOr<PipeFds> pipe = host.Pipe();
      char c;
      if (pipe.ok()) (void)host.Read(pipe->read, absl::MakeSpan(&c, 1));
      return 0;
    });
    // The sleeping child has a timer, so Run goes on forever in virtual
    // time; stop after a while.
    EXPECT_EQ(kernel.RunUntil(
                  [&] { return kernel.MonotonicNow() > absl::Hours(48); }),
              RunOutcome::kDone);
    EXPECT_EQ(kernel.Processes().size(), 4u);
  }
  EXPECT_EQ(unwound, 4);
}

struct SleepsInDestructor {
  Host* host;
  ~SleepsInDestructor() { host->SleepFor(absl::Hours(1)); }
};

TEST(FakeKernelTest, KillDuringAHostCallFromADestructorDoesNotCrash) {
  FakeKernel kernel;
  Pid victim = kernel.StartFunction([](Host& host) {
    { SleepsInDestructor sleeper{&host}; }
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    host.SleepFor(absl::Minutes(1));
    EXPECT_OK(host.Kill(victim, Signal::kKill));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(victim), ExitStatus::Signaled(Signal::kKill));
}

TEST(FakeKernelTest, ExitNeverReturnsAndRunsNoMoreCalls) {
  FakeKernel kernel;
  bool after = false;
  Pid pid = kernel.StartFunction([&](Host& host) {
    absl::Cleanup cleanup = [&] {
      // Runs during unwinding: host calls have no effect.
      EXPECT_THAT(host.MkdirAt(Fd::Cwd(), "/ghost", 0755),
                  HasErrno(EOWNERDEAD));
    };
    host.Exit(9);
    after = true;
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_FALSE(after);
  EXPECT_EQ(kernel.ExitStatusOf(pid), ExitStatus::Exited(9));
}

TEST(FakeKernelTest, PidfdReportsExitAndRefusesSignalsAfter) {
  FakeKernel kernel;
  std::string quick = Install(kernel, "quick", [](Host& host, const auto&) {
    host.SleepFor(absl::Seconds(1));
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    SpawnRequest req;
    req.path = quick;
    req.want_pidfd = true;
    absl::StatusOr<SpawnResult> r = host.Spawn(req);
    EXPECT_OK(r);
    if (!r.ok()) return 1;
    EXPECT_TRUE(r->pidfd.valid());
    PollFd pfd{&r->pidfd, PollEvents::kIn};
    absl::StatusOr<int> n = host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt);
    EXPECT_TRUE(n.ok() && *n == 1);
    EXPECT_THAT(host.PidfdSendSignal(r->pidfd, Signal::kTerm), HasErrno(ESRCH));
    EXPECT_OK(host.Kill(r->pid, Signal::kNone));  // Zombie: still there.
    EXPECT_OK(host.Wait(r->pid, WaitFlags::kNone));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeKernelTest, SpawnFromMemfdExecFd) {
  FakeKernel kernel;
  kernel.RegisterProgram("sealed", [](Host&, const auto& argv) {
    return static_cast<int>(argv.size());
  });
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<Fd> memfd =
        host.MemfdCreate("runbox", MemfdFlags::kAllowSealing);
    EXPECT_OK(memfd);
    if (!memfd.ok()) return 1;
    std::string content = FakeKernel::ExecutableContent("sealed");
    EXPECT_OK(host.Write(*memfd, content));
    EXPECT_OK(host.Fchmod(*memfd, 0755));
    EXPECT_OK(host.AddSeals(*memfd, Seals::kWrite | Seals::kSeal));
    SpawnRequest req;
    req.exec_fd = &*memfd;
    req.argv = {"runbox", "init", "x"};
    absl::StatusOr<SpawnResult> r = host.Spawn(req);
    EXPECT_OK(r);
    if (!r.ok()) return 1;
    absl::StatusOr<std::optional<WaitResult>> w =
        host.Wait(r->pid, WaitFlags::kNone);
    EXPECT_TRUE(w.ok() && w->has_value() &&
                (*w)->status == ExitStatus::Exited(3));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeKernelTest, ParentDeathSignalKillsOrphan) {
  FakeKernel kernel;
  Pid child_pid;
  std::string child = Install(kernel, "child", [](Host& host, const auto&) {
    return BlockForever(host);
  });
  kernel.StartFunction([&](Host& host) {
    SpawnRequest req;
    req.path = child;
    req.parent_death_signal = Signal::kKill;
    absl::StatusOr<SpawnResult> r = host.Spawn(req);
    EXPECT_OK(r);
    if (r.ok()) child_pid = r->pid;
    host.SleepFor(absl::Seconds(1));
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(child_pid),
            ExitStatus::Signaled(Signal::kKill));
}

TEST(FakeKernelTest, PowerLossKillsEverythingAndKeepsOnlyDurableData) {
  FakeKernel kernel;
  int unwound = 0;
  bool written = false;
  kernel.StartFunction([&](Host& host) {
    UnwindCounter counter{&unwound};
    absl::StatusOr<Fd> durable = host.OpenAt(Fd::Cwd(), "/durable", CreateRw());
    EXPECT_OK(durable);
    if (!durable.ok()) return 1;
    EXPECT_OK(host.Fsync(*durable));
    OpenHow dir_how;
    dir_how.flags = OpenFlags::kDirectory;
    absl::StatusOr<Fd> root = host.OpenAt(Fd::Cwd(), "/", dir_how);
    EXPECT_OK(root);
    if (root.ok()) {
      EXPECT_OK(host.Fsync(*root));
    }
    EXPECT_OK(host.OpenAt(Fd::Cwd(), "/volatile", CreateRw()));
    written = true;
    return BlockForever(host);
  });
  EXPECT_EQ(kernel.RunUntil([&] { return written; }), RunOutcome::kDone);
  kernel.PowerLoss();
  EXPECT_EQ(unwound, 1);
  EXPECT_TRUE(kernel.Processes().empty());
  // The next boot sees only what was durable.
  bool checked = false;
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.StatAt(Fd::Cwd(), "/durable", FollowSymlinks::kNoFollow));
    EXPECT_THAT(host.StatAt(Fd::Cwd(), "/volatile", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    checked = true;
    return 0;
  });
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_TRUE(checked);
}

}  // namespace
}  // namespace runbox::fake
