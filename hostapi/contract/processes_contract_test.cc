// Contract of Processes (spawn, wait, kill, pidfds, identity, credentials,
// subreaper, parent-death signal, /proc/self/exe) on both hosts, using the
// contract helper as the child. Linux (clone(2), execve(2), wait4(2),
// kill(2), pidfd_open(2), prctl(2)) is the reference. Namespaces and the
// hostname are in namespaces_contract_test.cc.
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

using ::testing::Optional;

RUNBOX_CONTRACT_SUITE(ProcessesContract);

// A helper blocked in "sleep-forever" until `stdin_write` is closed.
struct Sleeper {
  SpawnResult child;
  Fd stdin_write;
};

absl::StatusOr<Sleeper> StartSleeper(Host& host, const std::string& helper,
                                     bool want_pidfd = false) {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(SpawnResult child,
                   SpawnHelper(host, helper, {"sleep-forever"}, {{&in.read, 0}},
                               want_pidfd));
  return Sleeper{std::move(child), std::move(in.write)};
}

TEST_P(ProcessesContract, WaitReportsExitCodes) {
  Run([&](Host& host, const std::string& dir) {
    for (int code : {0, 7, 255}) {
      ASSERT_OK_AND_ASSIGN(
          SpawnResult child,
          SpawnHelper(host, helper(), {"exit", absl::StrCat(code)}));
      ASSERT_OK_AND_ASSIGN(std::optional<WaitResult> r,
                           host.Wait(child.pid, WaitFlags::kNone));
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->pid, child.pid);
      EXPECT_EQ(r->status, ExitStatus::Exited(code)) << ToString(r->status);
    }
  });
}

TEST_P(ProcessesContract, ExitCodeIsTakenModulo256) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "300"}));
    EXPECT_THAT(WaitFor(host, child.pid),
                IsOkAndHolds(ExitStatus::Exited(300 & 0xff)));
  });
}

TEST_P(ProcessesContract, WaitReportsTheFatalSignal) {
  Run([&](Host& host, const std::string& dir) {
    for (Signal sig : {Signal::kTerm, Signal::kUsr1, Signal::kKill}) {
      ASSERT_OK_AND_ASSIGN(
          SpawnResult child,
          SpawnHelper(host, helper(), {"signal-self", SignalName(sig)}));
      ASSERT_OK_AND_ASSIGN(ExitStatus status, WaitFor(host, child.pid));
      EXPECT_TRUE(status.signaled()) << ToString(status);
      EXPECT_EQ(status.signal, sig) << ToString(status);
      EXPECT_EQ(status.ShellCode(), 128 + static_cast<int>(sig));
    }
  });
}

TEST_P(ProcessesContract, SigkillFromTheParentIsReported) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    ASSERT_OK(host.Kill(s.child.pid, Signal::kKill));
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
  });
}

TEST_P(ProcessesContract, WaitWithNoChildrenFailsEchild) {
  Run([&](Host& host, const std::string& dir) {
    // The helper is a fresh process with no children of its own.
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"wait-any"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0))
        << "wait(any) in a process without children must fail ECHILD";
  });
}

TEST_P(ProcessesContract, WaitForAReapedPidFailsEchild) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "0"}));
    ASSERT_OK(WaitFor(host, child.pid).status());
    EXPECT_THAT(host.Wait(child.pid, WaitFlags::kNone), HasErrno(ECHILD));
    EXPECT_THAT(host.Wait(child.pid, WaitFlags::kNoHang), HasErrno(ECHILD));
  });
}

TEST_P(ProcessesContract, WaitNoHangReturnsNothingWhileTheChildRuns) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    EXPECT_THAT(host.Wait(s.child.pid, WaitFlags::kNoHang),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
    s.stdin_write.Reset();
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, WaitForASpecificPidIgnoresOtherChildren) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK_AND_ASSIGN(SpawnResult quick,
                         SpawnHelper(host, helper(), {"exit", "3"}));
    EXPECT_THAT(WaitFor(host, quick.pid), IsOkAndHolds(ExitStatus::Exited(3)));
    // The exited child was reaped by pid; the sleeper is untouched.
    EXPECT_THAT(host.Wait(s.child.pid, WaitFlags::kNoHang),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
    s.stdin_write.Reset();
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, WaitForAnyChildReturnsTheOneThatExited) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK_AND_ASSIGN(SpawnResult quick,
                         SpawnHelper(host, helper(), {"exit", "4"}));
    ASSERT_OK_AND_ASSIGN(std::optional<WaitResult> r,
                         host.Wait(Pid{0}, WaitFlags::kNone));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->pid, quick.pid);
    EXPECT_EQ(r->status, ExitStatus::Exited(4));
    s.stdin_write.Reset();
    ASSERT_OK_AND_ASSIGN(r, host.Wait(Pid{0}, WaitFlags::kNone));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->pid, s.child.pid);
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, KillOfAReapedPidFailsEsrch) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "0"}));
    ASSERT_OK(WaitFor(host, child.pid).status());
    EXPECT_THAT(host.Kill(child.pid, Signal::kTerm), HasErrno(ESRCH));
    EXPECT_THAT(host.Kill(child.pid, Signal::kKill), HasErrno(ESRCH));
  });
}

TEST_P(ProcessesContract, KillOfAZombieSucceeds) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"exit", "0"}, {}, /*want_pidfd=*/true));
    // The pidfd turns readable once the child has exited: it is a zombie
    // until we wait for it.
    PollFd pfd{.fd = &child.pidfd, .events = PollEvents::kIn};
    ASSERT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt),
                IsOkAndHolds(1));
    EXPECT_OK(host.Kill(child.pid, Signal::kNone));
    EXPECT_OK(host.Kill(child.pid, Signal::kTerm));
    // A zombie's status is fixed: the late signal does not change it.
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
  });
}

TEST_P(ProcessesContract, KillWithNoSignalChecksExistence) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_OK(host.Kill(host.GetPid(), Signal::kNone));
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    EXPECT_OK(host.Kill(s.child.pid, Signal::kNone));
    s.stdin_write.Reset();
    ASSERT_OK(WaitFor(host, s.child.pid).status());
    std::move(reap).Cancel();
    EXPECT_THAT(host.Kill(s.child.pid, Signal::kNone), HasErrno(ESRCH));
  });
}

TEST_P(ProcessesContract, SpawnOfAMissingPathFailsEnoentAndLeavesNoChild) {
  Run([&](Host& host, const std::string& dir) {
    SpawnRequest req;
    req.path = dir + "/missing";
    req.argv = {req.path};
    EXPECT_THAT(host.Spawn(req), HasErrno(ENOENT));
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
  });
}

TEST_P(ProcessesContract, SpawnOfANonExecutableFileFailsEacces) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    // The helper's own bytes, without any execute bit.
    ASSERT_OK_AND_ASSIGN(std::string program,
                         ReadFile(host, Fd::Cwd(), helper()));
    ASSERT_OK(WriteFile(host, d, "noexec", program, 0644));
    SpawnRequest req;
    req.path = dir + "/noexec";
    req.argv = {req.path, "exit", "0"};
    EXPECT_THAT(host.Spawn(req), HasErrno(EACCES));
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
  });
}

TEST_P(ProcessesContract, SpawnOfAFileThatIsNoProgramFailsEnoexec) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "garbage", "this is not a program\n", 0755));
    SpawnRequest req;
    req.path = dir + "/garbage";
    req.argv = {req.path};
    EXPECT_THAT(host.Spawn(req), HasErrno(ENOEXEC));
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
  });
}

TEST_P(ProcessesContract, SpawnGivesTheChildExactlyTheMappedFds) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(PipeFds in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(Fd file, host.OpenAt(d, "f",
                                              {.flags = OpenFlags::kReadWrite |
                                                        OpenFlags::kCreate,
                                               .mode = 0644}));
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"echo-fds"},
                                   {{&in.read, 0}, {&file, 2}, {&file, 7}}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out, "0 1 2 7\n");
  });
}

TEST_P(ProcessesContract, SpawnClosesEveryUnmappedFd) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(PipeFds extra, host.Pipe());
    ASSERT_OK_AND_ASSIGN(Fd file, host.OpenAt(d, "f",
                                              {.flags = OpenFlags::kReadWrite |
                                                        OpenFlags::kCreate,
                                               .mode = 0644}));
    // Only fd 1 (RunHelper's pipe) and fd 9; not 0 or 2 either.
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"echo-fds"}, {{&file, 9}}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out, "1 9\n");
  });
}

TEST_P(ProcessesContract, SpawnDoesNotLeakFdsOpenedWithoutCloseOnExec) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd kept, host.OpenAt(d, "f",
                                              {.flags = OpenFlags::kReadWrite |
                                                        OpenFlags::kCreate |
                                                        OpenFlags::kKeepOnExec,
                                               .mode = 0644}));
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"echo-fds"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out, "1\n") << "fd " << kept.get() << " leaked";
  });
}

TEST_P(ProcessesContract, SpawnFdMapHandlesTargetsThatAreOtherSources) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p1, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds p2, host.Pipe());
    int n1 = p1.write.get();
    int n2 = p2.write.get();
    // Swap: the child's fd n2 is p1 and its fd n1 is p2. A naive dup2
    // sequence overwrites one source before copying it.
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(),
                                     {"write-fd", absl::StrCat(n2), "to-p1",
                                      absl::StrCat(n1), "to-p2"},
                                     {{&p1.write, n2}, {&p2.write, n1}}));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    p1.write.Reset();
    p2.write.Reset();
    EXPECT_THAT(ReadToEof(host, p1.read), IsOkAndHolds("to-p1"));
    EXPECT_THAT(ReadToEof(host, p2.read), IsOkAndHolds("to-p2"));
  });
}

TEST_P(ProcessesContract, SpawnFdMapToItsOwnNumberKeepsTheFd) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    int n = p.write.get();
    // dup2(n, n) does not clear close-on-exec; the host must.
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"write-fd", absl::StrCat(n), "same"},
                    {{&p.write, n}}));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    p.write.Reset();
    EXPECT_THAT(ReadToEof(host, p.read), IsOkAndHolds("same"));
  });
}

TEST_P(ProcessesContract, SpawnPassesArgvVerbatim) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    SpawnRequest req;
    req.path = helper();
    req.argv = {"custom-argv0", "print-args", "a b", "", "c"};
    req.fds = {{&out.write, 1}};
    ASSERT_OK_AND_ASSIGN(SpawnResult child, host.Spawn(req));
    out.write.Reset();
    EXPECT_THAT(ReadToEof(host, out.read),
                IsOkAndHolds("custom-argv0\nprint-args\na b\n\nc\n"));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
  });
}

TEST_P(ProcessesContract, SpawnPassesExactlyTheGivenEnvironment) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    SpawnRequest req;
    req.path = helper();
    req.argv = {helper(), "print-env"};
    req.env = {"A=1", "B=two words", "EMPTY="};
    req.fds = {{&out.write, 1}};
    ASSERT_OK_AND_ASSIGN(SpawnResult child, host.Spawn(req));
    out.write.Reset();
    EXPECT_THAT(ReadToEof(host, out.read),
                IsOkAndHolds("A=1\nB=two words\nEMPTY=\n"));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
  });
}

TEST_P(ProcessesContract, ChildSeesItsPidAndOurPidAsItsParent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"print-pid"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out,
              absl::StrCat(run.pid.value, " ", host.GetPid().value, "\n"));
    EXPECT_NE(host.GetPid(), host.GetParentPid());
  });
}

TEST_P(ProcessesContract, ChildInheritsTheWorkingDirectory) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    // try-lock creates its (relative) path in the child's cwd.
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunHelper(host, helper(), {"try-lock", "made-by-child"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_OK(host.StatAt(d, "made-by-child", FollowSymlinks::kNoFollow));
  });
}

TEST_P(ProcessesContract, ProcessIdentityIsStableForALiveProcess) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK_AND_ASSIGN(ProcessIdentity first,
                         host.GetProcessIdentity(s.child.pid));
    ASSERT_OK_AND_ASSIGN(ProcessIdentity second,
                         host.GetProcessIdentity(s.child.pid));
    EXPECT_EQ(first.pid, s.child.pid);
    EXPECT_EQ(first, second);
    ASSERT_OK_AND_ASSIGN(ProcessIdentity self,
                         host.GetProcessIdentity(host.GetPid()));
    EXPECT_EQ(self.pid, host.GetPid());
    // A child cannot have started before its parent.
    EXPECT_GE(first.start_time, self.start_time);
  });
}

TEST_P(ProcessesContract, ProcessIdentityFailsEsrchAfterReap) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "0"}));
    ASSERT_OK(WaitFor(host, child.pid).status());
    EXPECT_THAT(host.GetProcessIdentity(child.pid), HasErrno(ESRCH));
  });
}

TEST_P(ProcessesContract, ProcessIdentityWorksForAZombie) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s,
                         StartSleeper(host, helper(), /*want_pidfd=*/true));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK_AND_ASSIGN(ProcessIdentity alive,
                         host.GetProcessIdentity(s.child.pid));
    s.stdin_write.Reset();
    PollFd pfd{.fd = &s.child.pidfd, .events = PollEvents::kIn};
    ASSERT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt),
                IsOkAndHolds(1));
    EXPECT_THAT(host.GetProcessIdentity(s.child.pid), IsOkAndHolds(alive));
  });
}

TEST_P(ProcessesContract, ProcessIdentitiesDifferBetweenChildren) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper a, StartSleeper(host, helper()));
    absl::Cleanup reap_a = [&] { KillAndReap(host, a.child.pid); };
    ASSERT_OK_AND_ASSIGN(Sleeper b, StartSleeper(host, helper()));
    absl::Cleanup reap_b = [&] { KillAndReap(host, b.child.pid); };
    ASSERT_OK_AND_ASSIGN(ProcessIdentity ia,
                         host.GetProcessIdentity(a.child.pid));
    ASSERT_OK_AND_ASSIGN(ProcessIdentity ib,
                         host.GetProcessIdentity(b.child.pid));
    EXPECT_NE(ia, ib);
    // Start times count clock ticks: later or equal, never earlier.
    EXPECT_LE(ia.start_time, ib.start_time);
  });
}

TEST_P(ProcessesContract, PidfdPollsReadableOnceTheProcessExits) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s,
                         StartSleeper(host, helper(), /*want_pidfd=*/true));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_TRUE(s.child.pidfd.valid());
    PollFd pfd{.fd = &s.child.pidfd, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
    s.stdin_write.Reset();
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt),
                IsOkAndHolds(1));
    EXPECT_TRUE(Has(pfd.revents, PollEvents::kIn));
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, PidfdOpenOfALiveChildTracksIt) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK_AND_ASSIGN(Fd pidfd, host.PidfdOpen(s.child.pid));
    PollFd pfd{.fd = &pidfd, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
    ASSERT_OK(host.PidfdSendSignal(pidfd, Signal::kTerm));
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt),
                IsOkAndHolds(1));
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kTerm)));
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, PidfdSendSignalKills) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Sleeper s,
                         StartSleeper(host, helper(), /*want_pidfd=*/true));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK(host.PidfdSendSignal(s.child.pidfd, Signal::kKill));
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, PidfdSendSignalAfterReapFailsEsrch) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"exit", "0"}, {}, /*want_pidfd=*/true));
    ASSERT_OK(WaitFor(host, child.pid).status());
    EXPECT_THAT(host.PidfdSendSignal(child.pidfd, Signal::kTerm),
                HasErrno(ESRCH));
    // Still readable: the process it names has exited.
    PollFd pfd{.fd = &child.pidfd, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(1));
  });
}

TEST_P(ProcessesContract, PidfdOpenOfAReapedPidFailsEsrch) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "0"}));
    ASSERT_OK(WaitFor(host, child.pid).status());
    EXPECT_THAT(host.PidfdOpen(child.pid), HasErrno(ESRCH));
  });
}

TEST_P(ProcessesContract, SpawnFromASealedMemfdCopyOfTheProgram) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::string program,
                         ReadFile(host, Fd::Cwd(), helper()));
    ASSERT_OK_AND_ASSIGN(
        Fd m, host.MemfdCreate("contract_helper", MemfdFlags::kAllowSealing));
    ASSERT_OK(WriteAll(host, m, program));
    ASSERT_OK(host.AddSeals(
        m, Seals::kSeal | Seals::kShrink | Seals::kGrow | Seals::kWrite));
    SpawnRequest req;
    req.exec_fd = &m;
    req.argv = {helper(), "exit", "42"};
    ASSERT_OK_AND_ASSIGN(SpawnResult child, host.Spawn(req));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(42)));
  });
}

TEST_P(ProcessesContract, SubreaperAdoptsAnOrphanedGrandchild) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.SetChildSubreaper());
    ASSERT_OK_AND_ASSIGN(PipeFds grandchild_in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"spawn-orphan"},
                    {{&grandchild_in.read, 0}, {&out.write, 1}}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    out.write.Reset();
    grandchild_in.read.Reset();
    ASSERT_OK_AND_ASSIGN(std::string line, ReadUntil(host, out.read, '\n'));
    int gc_value = 0;
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripSuffix(line, "\n"), &gc_value))
        << line;
    Pid grandchild{gc_value};
    absl::Cleanup reap_gc = [&] { KillAndReap(host, grandchild); };
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
    // Its parent is gone, so it is ours now: waitable, still running.
    EXPECT_THAT(host.Wait(grandchild, WaitFlags::kNoHang),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
    grandchild_in.write.Reset();
    EXPECT_THAT(WaitFor(host, grandchild), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap_gc).Cancel();
  });
}

TEST_P(ProcessesContract, SpawnedChildStartsWithAnEmptySignalMask) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr1, Signal::kTerm}).status());
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"print-sigmask"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out, "0\n");
  });
}

TEST_P(ProcessesContract, SpawnedChildStartsWithDefaultDispositions) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(
        host.SetSignalDisposition(Signal::kTerm, SignalDisposition::kIgnore));
    ASSERT_OK_AND_ASSIGN(Sleeper s, StartSleeper(host, helper()));
    absl::Cleanup reap = [&] { KillAndReap(host, s.child.pid); };
    ASSERT_OK(host.Kill(s.child.pid, Signal::kTerm));
    // Had the child inherited "ignore", it would now exit 0 on EOF.
    s.stdin_write.Reset();
    EXPECT_THAT(WaitFor(host, s.child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kTerm)));
    std::move(reap).Cancel();
  });
}

TEST_P(ProcessesContract, SelfExeIsTheExecutableTheProcessRuns) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(), {"print-self-exe"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    ASSERT_OK_AND_ASSIGN(
        FileStat st, host.StatAt(Fd::Cwd(), helper(), FollowSymlinks::kFollow));
    EXPECT_EQ(run.out, absl::StrCat(st.size, " ", st.ino, " ", st.dev, "\n"));
    // Ours is a readable regular file too.
    ASSERT_OK_AND_ASSIGN(Fd exe, host.OpenSelfExe());
    ASSERT_OK_AND_ASSIGN(FileStat own, host.FStat(exe));
    EXPECT_EQ(own.type, FileType::kRegular);
    EXPECT_THAT(ReadSome(host, exe, 4),
                IsOkAndHolds(::testing::SizeIs(::testing::Gt(0u))));
  });
}

TEST_P(ProcessesContract, SelfExeCopiedToAMemfdRunsTheSameProgram) {
  Run([&](Host& host, const std::string& dir) {
    // The helper copies its own executable into a sealed memfd and runs the
    // copy, which reports its /proc/self/exe: the memfd, not the file.
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunHelper(host, helper(), {"reexec-self", "print-self-exe"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0)) << run.out;
    std::vector<std::string> lines =
        absl::StrSplit(run.out, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 2u) << run.out;
    EXPECT_EQ(lines[0], lines[1]);
    ASSERT_OK_AND_ASSIGN(
        FileStat st, host.StatAt(Fd::Cwd(), helper(), FollowSymlinks::kFollow));
    EXPECT_THAT(lines[0], ::testing::StartsWith(absl::StrCat(st.size, " ")));
    EXPECT_NE(lines[0], absl::StrCat(st.size, " ", st.ino, " ", st.dev));
    // The copy is a complete program: it takes argv and exits as told.
    ASSERT_OK_AND_ASSIGN(
        run, RunHelper(host, helper(), {"reexec-self", "exit", "9"}));
    EXPECT_EQ(run.status, ExitStatus::Exited(9));
  });
}

TEST_P(ProcessesContract, RootHasUidAndGidZero) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_EQ(host.GetUid(), 0u);
    EXPECT_EQ(host.GetGid(), 0u);
  });
}

TEST_P(ProcessesContract, SetDumpableAndBadParentDeathSignal) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_OK(host.SetDumpable(true));
    EXPECT_THAT(host.SetParentDeathSignal(static_cast<Signal>(kMaxSignal + 1)),
                HasErrno(EINVAL));
  });
}

// Runs deathsig-child MODE: a child spawns a grandchild with SIGKILL as its
// parent-death signal (which the grandchild clears or keeps), then exits
// when told. Returns what the grandchild printed after the child's exit.
absl::StatusOr<std::string> GrandchildAfterParentExit(Host& host,
                                                      const std::string& helper,
                                                      const std::string& mode) {
  ASSIGN_OR_RETURN(PipeFds release, host.Pipe());  // The child's stdin.
  ASSIGN_OR_RETURN(PipeFds hold, host.Pipe());     // The grandchild's.
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  ASSIGN_OR_RETURN(
      SpawnResult child,
      SpawnHelper(host, helper, {"deathsig-child", mode},
                  {{&release.read, 0}, {&out.write, 1}, {&hold.read, 3}}));
  absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
  release.read.Reset();
  hold.read.Reset();
  out.write.Reset();
  ASSIGN_OR_RETURN(std::string line, ReadUntil(host, out.read, '\n'));
  int gc_value = 0;
  if (!absl::SimpleAtoi(absl::StripSuffix(line, "\n"), &gc_value)) {
    return absl::InternalError(absl::StrCat("deathsig-child said: ", line));
  }
  // Both still run. A pidfd tells when the grandchild is gone, whoever
  // reaps it.
  ASSIGN_OR_RETURN(Fd grandchild, host.PidfdOpen(Pid{gc_value}));
  release.write.Reset();
  ASSIGN_OR_RETURN(ExitStatus status, WaitFor(host, child.pid));
  std::move(reap).Cancel();
  if (status != ExitStatus::Exited(0)) {
    return absl::InternalError(
        absl::StrCat("deathsig-child ended with ", ToString(status)));
  }
  // The grandchild is an orphan now, or dead: let it finish if it runs.
  hold.write.Reset();
  ASSIGN_OR_RETURN(std::string rest, ReadToEof(host, out.read));
  PollFd pfd{.fd = &grandchild, .events = PollEvents::kIn};
  ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt));
  if (ready != 1) return absl::InternalError("grandchild pidfd not readable");
  return rest;
}

TEST_P(ProcessesContract, ParentDeathSignalKillsTheOrphan) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_THAT(GrandchildAfterParentExit(host, helper(), "keep"),
                IsOkAndHolds(""));
  });
}

TEST_P(ProcessesContract, ClearedParentDeathSignalLetsTheOrphanLive) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_THAT(GrandchildAfterParentExit(host, helper(), "clear"),
                IsOkAndHolds("alive\n"));
  });
}

}  // namespace
}  // namespace runbox::contract
