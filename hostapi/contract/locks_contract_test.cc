// Contract of Locks (flock(2)) on both hosts: a lock belongs to the open file
// description, excludes other descriptions (in this process or another), is
// shared by dup'ed and inherited fds, and goes away with the last fd, which
// includes the holder's death. runbox's root and container locks rely on it.
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

RUNBOX_CONTRACT_SUITE(LocksContract);

absl::StatusOr<Fd> OpenLockFile(Host& host, const std::string& path) {
  return host.OpenAt(
      Fd::Cwd(), path,
      {.flags = OpenFlags::kReadWrite | OpenFlags::kCreate, .mode = 0644});
}

TEST_P(LocksContract, ExclusiveLockExcludesAnotherDescription) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    EXPECT_THAT(host.Flock(b, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
    EXPECT_THAT(host.Flock(b, LockOp::kShared, LockWait::kTry),
                HasErrno(EAGAIN));
  });
}

TEST_P(LocksContract, SharedLocksCoexist) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kShared, LockWait::kTry));
    EXPECT_OK(host.Flock(b, LockOp::kShared, LockWait::kTry));
  });
}

TEST_P(LocksContract, SharedLockExcludesExclusive) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kShared, LockWait::kTry));
    EXPECT_THAT(host.Flock(b, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
  });
}

TEST_P(LocksContract, UnlockLetsAnotherDescriptionLock) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK(host.Flock(a, LockOp::kUnlock, LockWait::kTry));
    EXPECT_OK(host.Flock(b, LockOp::kExclusive, LockWait::kTry));
  });
}

TEST_P(LocksContract, UnlockWithoutALockSucceeds) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, dir + "/lock"));
    EXPECT_OK(host.Flock(a, LockOp::kUnlock, LockWait::kBlock));
  });
}

TEST_P(LocksContract, LockIsReleasedWhenItsFdIsClosed) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK(host.Close(std::move(a)));
    EXPECT_OK(host.Flock(b, LockOp::kExclusive, LockWait::kTry));
  });
}

TEST_P(LocksContract, DupedFdsShareOneLock) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd other, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK_AND_ASSIGN(Fd dup, host.Dup(a));
    // The same description: taking the lock again through the dup is fine.
    EXPECT_OK(host.Flock(dup, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK(host.Close(std::move(a)));
    // The dup still holds the description, and so the lock.
    EXPECT_THAT(host.Flock(other, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
    ASSERT_OK(host.Close(std::move(dup)));
    EXPECT_OK(host.Flock(other, LockOp::kExclusive, LockWait::kTry));
  });
}

TEST_P(LocksContract, UnlockThroughADupReleasesTheSharedLock) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd other, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK_AND_ASSIGN(Fd dup, host.Dup(a));
    ASSERT_OK(host.Flock(dup, LockOp::kUnlock, LockWait::kTry));
    EXPECT_OK(host.Flock(other, LockOp::kExclusive, LockWait::kTry));
  });
}

TEST_P(LocksContract, ConvertingBetweenSharedAndExclusive) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kShared, LockWait::kTry));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    EXPECT_THAT(host.Flock(b, LockOp::kShared, LockWait::kTry),
                HasErrno(EAGAIN));
    ASSERT_OK(host.Flock(a, LockOp::kShared, LockWait::kTry));
    EXPECT_OK(host.Flock(b, LockOp::kShared, LockWait::kTry));
    // Upgrading while another shared holder exists would block.
    EXPECT_THAT(host.Flock(a, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
  });
}

TEST_P(LocksContract, DirectoriesCanBeLocked) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd a, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd b, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    EXPECT_THAT(host.Flock(b, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
  });
}

TEST_P(LocksContract, FlockOnAPathFdFailsEbadf) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "lock", ""));
    ASSERT_OK_AND_ASSIGN(Fd p,
                         host.OpenAt(d, "lock", {.flags = OpenFlags::kPath}));
    EXPECT_THAT(host.Flock(p, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EBADF));
  });
}

TEST_P(LocksContract, AnotherProcessSeesTheLock) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK_AND_ASSIGN(HelperRun held,
                         RunHelper(host, helper(), {"try-lock", path}));
    EXPECT_EQ(held.status, ExitStatus::Exited(1));
    ASSERT_OK(host.Flock(a, LockOp::kUnlock, LockWait::kTry));
    ASSERT_OK_AND_ASSIGN(HelperRun free,
                         RunHelper(host, helper(), {"try-lock", path}));
    EXPECT_EQ(free.status, ExitStatus::Exited(0));
  });
}

TEST_P(LocksContract, InheritedFdSharesTheLock) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd a, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(a, LockOp::kExclusive, LockWait::kTry));
    // The child's fd 3 is the same description, so it holds the lock too.
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunHelper(host, helper(), {"try-lock-fd", "3"}, {{&a, 3}}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
  });
}

// Starts "lock-and-report path": its fd 3 reports "locked\n", and it holds
// the lock until `hold` (the write end of its fd 4) is closed.
struct Locker {
  SpawnResult child;
  Fd report;  // Read end of the child's fd 3.
  Fd hold;    // Write end of the child's fd 4.
};

absl::StatusOr<Locker> StartLocker(Host& host, const std::string& helper,
                                   const std::string& path) {
  ASSIGN_OR_RETURN(PipeFds report, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds hold, host.Pipe());
  ASSIGN_OR_RETURN(SpawnResult child,
                   SpawnHelper(host, helper, {"lock-and-report", path},
                               {{&report.write, 3}, {&hold.read, 4}}));
  return Locker{std::move(child), std::move(report.read),
                std::move(hold.write)};
}

TEST_P(LocksContract, LockIsReleasedWhenTheHolderIsKilled) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Locker locker, StartLocker(host, helper(), path));
    absl::Cleanup reap = [&] { KillAndReap(host, locker.child.pid); };
    ASSERT_THAT(ReadUntil(host, locker.report, '\n'), IsOkAndHolds("locked\n"));
    ASSERT_OK_AND_ASSIGN(Fd mine, OpenLockFile(host, path));
    EXPECT_THAT(host.Flock(mine, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
    ASSERT_OK(host.Kill(locker.child.pid, Signal::kKill));
    EXPECT_THAT(WaitFor(host, locker.child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    std::move(reap).Cancel();
    EXPECT_OK(host.Flock(mine, LockOp::kExclusive, LockWait::kTry));
  });
}

TEST_P(LocksContract, LockIsReleasedWhenTheHolderExits) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Locker locker, StartLocker(host, helper(), path));
    absl::Cleanup reap = [&] { KillAndReap(host, locker.child.pid); };
    ASSERT_THAT(ReadUntil(host, locker.report, '\n'), IsOkAndHolds("locked\n"));
    locker.hold.Reset();
    EXPECT_THAT(WaitFor(host, locker.child.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
    ASSERT_OK_AND_ASSIGN(Fd mine, OpenLockFile(host, path));
    EXPECT_OK(host.Flock(mine, LockOp::kExclusive, LockWait::kTry));
  });
}

TEST_P(LocksContract, BlockedLockerProceedsAfterRelease) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Fd mine, OpenLockFile(host, path));
    ASSERT_OK(host.Flock(mine, LockOp::kExclusive, LockWait::kTry));
    ASSERT_OK_AND_ASSIGN(Locker locker, StartLocker(host, helper(), path));
    absl::Cleanup reap = [&] { KillAndReap(host, locker.child.pid); };
    // While we hold the lock the child cannot have reported.
    PollFd pfd{.fd = &locker.report, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
    ASSERT_OK(host.Flock(mine, LockOp::kUnlock, LockWait::kTry));
    ASSERT_THAT(ReadUntil(host, locker.report, '\n'), IsOkAndHolds("locked\n"));
    EXPECT_THAT(host.Flock(mine, LockOp::kExclusive, LockWait::kTry),
                HasErrno(EAGAIN));
    locker.hold.Reset();
    EXPECT_THAT(WaitFor(host, locker.child.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
    EXPECT_OK(host.Flock(mine, LockOp::kExclusive, LockWait::kBlock));
  });
}

TEST_P(LocksContract, BlockingLockWaitsForAnotherProcessToRelease) {
  Run([&](Host& host, const std::string& dir) {
    std::string path = dir + "/lock";
    ASSERT_OK_AND_ASSIGN(Locker locker, StartLocker(host, helper(), path));
    absl::Cleanup reap = [&] { KillAndReap(host, locker.child.pid); };
    ASSERT_THAT(ReadUntil(host, locker.report, '\n'), IsOkAndHolds("locked\n"));
    // Tell the holder to exit, then block at once: whether the holder is
    // gone yet or not, the blocking flock returns once its exit drops the
    // lock.
    locker.hold.Reset();
    ASSERT_OK_AND_ASSIGN(Fd mine, OpenLockFile(host, path));
    EXPECT_OK(host.Flock(mine, LockOp::kExclusive, LockWait::kBlock));
    EXPECT_THAT(WaitFor(host, locker.child.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

}  // namespace
}  // namespace runbox::contract
