// Root and container locks on both hosts (DESIGN.md invariant 3): mutual
// exclusion between processes, release when the holder dies, and the
// destroy protocol: a process that opened a container directory before a
// Destroy and locks it after gets NotFound (or the new container of the
// same ID), never a lock on a removed directory.
#include "runtime/state/lock.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/state/state_store.h"
#include "runtime/state/state_test_util.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::AnyOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Holds a lock, reports "locked" on fd 3 (then closes it) and keeps the
// lock until fd 4 reaches EOF. args: dir, then "root" or a container ID.
DUAL_HOST_CHILD(HoldLock) {
  if (args.size() != 2) return kChildBadArgs;
  absl::StatusOr<StateStore> store = OpenTestStore(host, args[0]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  std::optional<RootLock> root;
  std::optional<ContainerLock> container;
  if (args[1] == "root") {
    absl::StatusOr<RootLock> lock =
        store->LockRoot(LockType::kExclusive, LockMode::kBlock);
    if (!lock.ok()) return ExitCodeFor(host, lock.status());
    root.emplace(std::move(*lock));
  } else {
    absl::StatusOr<ContainerLock> lock =
        store->LockContainer(args[1], LockType::kExclusive, LockMode::kBlock);
    if (!lock.ok()) return ExitCodeFor(host, lock.status());
    container.emplace(std::move(*lock));
  }
  Fd ready(3, nullptr);
  if (!WriteAll(host, ready, "locked").ok()) return kChildError;
  (void)host.Close(Fd(3, nullptr));
  Fd release(4, nullptr);
  (void)ReadAll(host, release);
  return kChildOk;
}

struct Holder {
  Pid pid;
  Fd release;  // Closing it lets the holder go.
};

// Starts HoldLock and returns once it holds the lock.
absl::StatusOr<Holder> StartHolder(const DualHost& env, Host& host,
                                   const std::string& dir,
                                   const std::string& what) {
  ASSIGN_OR_RETURN(PipeFds ready, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds release, host.Pipe());
  ASSIGN_OR_RETURN(SpawnResult child,
                   env.SpawnChild(host, {"HoldLock", {dir, what}},
                                  {{&ready.write, 3}, {&release.read, 4}}));
  ready.write.Reset();
  release.read.Reset();
  ASSIGN_OR_RETURN(std::string said, ReadAll(host, ready.read));
  if (said != "locked") {
    return absl::InternalError(absl::StrCat("holder said \"", said, "\""));
  }
  return Holder{child.pid, std::move(release.write)};
}

absl::StatusOr<ExitStatus> WaitFor(Host& host, Pid pid) {
  absl::StatusOr<std::optional<WaitResult>> r;
  do {
    r = host.Wait(pid, WaitFlags::kNone);
  } while (IsErrno(r, EINTR));
  if (!r.ok()) return r.status();
  if (!r->has_value()) return absl::InternalError("no wait result");
  return (*r)->status;
}

// Runs `hook` once, just before the first `flock`(2) made through it: the
// moment between ContainerLock::Acquire's open and its flock.
class BeforeFlockHost : public FaultyHost {
 public:
  BeforeFlockHost(Host& inner, std::function<void()> hook)
      : FaultyHost(inner, std::make_shared<FaultPlan>()),
        hook_(std::move(hook)) {}

  absl::Status Flock(const Fd& fd, LockOp op, LockWait wait) override {
    if (hook_) {
      std::function<void()> hook = std::move(hook_);
      hook_ = nullptr;
      hook();
    }
    return FaultyHost::Flock(fd, op, wait);
  }

 private:
  std::function<void()> hook_;
};

using LockTest = DualHostTest;

TEST_P(LockTest, ContainerLockExcludesOtherProcessesUntilReleased) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    ASSERT_OK_AND_ASSIGN(Holder holder, StartHolder(env(), host, dir, "web"));

    absl::StatusOr<ContainerLock> busy =
        store.LockContainer("web", LockType::kShared, LockMode::kTry);
    EXPECT_THAT(busy, HasErrno(EAGAIN));
    EXPECT_THAT(std::string(busy.status().message()),
                HasSubstr("container \"web\" is locked by another process"));
    // Other containers are not affected.
    ASSERT_OK(store.CreateExclusive(TestMeta("db")).status());

    holder.release.Reset();
    ASSERT_OK_AND_ASSIGN(ExitStatus status, WaitFor(host, holder.pid));
    EXPECT_EQ(status, ExitStatus::Exited(0));
    EXPECT_THAT(
        store.LockContainer("web", LockType::kExclusive, LockMode::kTry),
        IsOk());
  });
}

TEST_P(LockTest, LocksOfAKilledHolderAreReleased) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    for (const std::string what : {"web", "root"}) {
      SCOPED_TRACE(what);
      ASSERT_OK_AND_ASSIGN(Holder holder, StartHolder(env(), host, dir, what));
      if (what == "root") {
        EXPECT_THAT(store.LockRoot(LockType::kShared, LockMode::kTry),
                    HasErrno(EAGAIN));
      } else {
        EXPECT_THAT(
            store.LockContainer(what, LockType::kShared, LockMode::kTry),
            HasErrno(EAGAIN));
      }
      ASSERT_OK(host.Kill(holder.pid, Signal::kKill));
      ASSERT_OK_AND_ASSIGN(ExitStatus status, WaitFor(host, holder.pid));
      EXPECT_EQ(status, ExitStatus::Signaled(Signal::kKill));
      if (what == "root") {
        EXPECT_THAT(store.LockRoot(LockType::kExclusive, LockMode::kBlock),
                    IsOk());
      } else {
        EXPECT_THAT(
            store.LockContainer(what, LockType::kExclusive, LockMode::kBlock),
            IsOk());
      }
    }
  });
}

TEST_P(LockTest, SharedLocksCoexistAndExcludeExclusive) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    // flock belongs to the open file description, so two locks of one
    // process conflict as two processes' would.
    ASSERT_OK_AND_ASSIGN(
        ContainerLock a,
        store.LockContainer("web", LockType::kShared, LockMode::kTry));
    ASSERT_OK_AND_ASSIGN(
        ContainerLock b,
        store.LockContainer("web", LockType::kShared, LockMode::kTry));
    EXPECT_EQ(a.ino(), b.ino());
    EXPECT_THAT(
        store.LockContainer("web", LockType::kExclusive, LockMode::kTry),
        HasErrno(EAGAIN));
    a.Release();
    b.Release();
    EXPECT_THAT(
        store.LockContainer("web", LockType::kExclusive, LockMode::kTry),
        IsOk());
  });
}

// The destroy protocol, deterministically: Acquire has opened the
// directory; Destroy (another process) removes it; only then does Acquire
// flock. It must report NotFound, not a lock on the removed directory.
TEST_P(LockTest, LockWonOnADestroyedContainerIsNotFound) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    bool destroyed = false;
    BeforeFlockHost hooked(host, [&] {
      absl::StatusOr<SpawnResult> child =
          env().SpawnChild(host, {"DestroyOne", {dir, "web"}});
      ASSERT_OK(child.status());
      absl::StatusOr<ExitStatus> status = WaitFor(host, child->pid);
      ASSERT_OK(status.status());
      EXPECT_EQ(*status, ExitStatus::Exited(kChildOk));
      destroyed = true;
    });
    ASSERT_OK_AND_ASSIGN(StateStore waiter, OpenTestStore(hooked, dir));
    absl::StatusOr<ContainerLock> lock =
        waiter.LockContainer("web", LockType::kExclusive, LockMode::kBlock);
    EXPECT_TRUE(destroyed);
    EXPECT_THAT(lock, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_EQ(lock.status().message(), "container \"web\" does not exist");
  });
}

// The same, with a new container of that ID created before the flock:
// Acquire notices the swap and locks the new container.
TEST_P(LockTest, LockWonOnAReplacedContainerLocksTheNewOne) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web", "/old")).status());
    BeforeFlockHost hooked(host, [&] {
      for (ChildCall call : {ChildCall{"DestroyOne", {dir, "web"}},
                             ChildCall{"CreateOne", {dir, "web", "/new"}}}) {
        absl::StatusOr<SpawnResult> child = env().SpawnChild(host, call);
        ASSERT_OK(child.status());
        absl::StatusOr<ExitStatus> status = WaitFor(host, child->pid);
        ASSERT_OK(status.status());
        EXPECT_EQ(*status, ExitStatus::Exited(kChildOk)) << call.function;
      }
    });
    ASSERT_OK_AND_ASSIGN(StateStore waiter, OpenTestStore(hooked, dir));
    ASSERT_OK_AND_ASSIGN(
        ContainerLock lock,
        waiter.LockContainer("web", LockType::kExclusive, LockMode::kBlock));
    ASSERT_OK_AND_ASSIGN(Meta meta, waiter.LoadLocked(lock));
    EXPECT_EQ(meta.bundle, "/new");
  });
}

// Destroy waits for a busy container lock without the root lock, so other
// containers can be created meanwhile (on the fake, over seeds where the
// Destroy is already waiting; a Destroy that held the root lock would
// deadlock with this create).
TEST_P(LockTest, DestroyWaitsForTheContainerWithoutTheRootLock) {
  for (uint64_t seed : SeedsToRun(IsFake() ? 50 : 1)) {
    std::unique_ptr<DualHost> host_env =
        DualHost::Make(GetParam(), DualHostOptions{.seed = seed});
    host_env->Run([&](Host& host, const std::string& dir) {
      ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
      ASSERT_OK(store.CreateExclusive(TestMeta("busy")).status());
      ASSERT_OK_AND_ASSIGN(Holder holder,
                           StartHolder(*host_env, host, dir, "busy"));
      ASSERT_OK_AND_ASSIGN(
          SpawnResult destroyer,
          host_env->SpawnChild(host, {"DestroyOne", {dir, "busy"}}));
      // On the fake, let the destroyer run until it blocks (virtual time;
      // on Linux the order is up to the real scheduler).
      if (IsFake()) host.SleepFor(absl::Milliseconds(10));
      ASSERT_OK(store.CreateExclusive(TestMeta("other")).status())
          << host_env->ReplayHint(seed);
      holder.release.Reset();
      ASSERT_OK_AND_ASSIGN(ExitStatus status, WaitFor(host, destroyer.pid));
      EXPECT_EQ(status, ExitStatus::Exited(kChildOk));
      ASSERT_OK_AND_ASSIGN(status, WaitFor(host, holder.pid));
      EXPECT_EQ(status, ExitStatus::Exited(kChildOk));
      EXPECT_THAT(store.Load("busy"), StatusIs(absl::StatusCode::kNotFound));
      EXPECT_THAT(store.Load("other"), IsOk());
    });
    if (HasFailure()) return;
  }
}

// Destroy racing with processes waiting for the container lock: every
// waiter gets the live container or NotFound, never a lock without a
// record; the container is gone at the end.
TEST_P(LockTest, WaitersRacingDestroyGetTheLiveContainerOrNotFound) {
  int not_found = 0;
  for (uint64_t seed : SeedsToRun(IsFake() ? 200 : 20)) {
    std::unique_ptr<DualHost> host_env =
        DualHost::Make(GetParam(), DualHostOptions{.seed = seed});
    host_env->Run([&](Host& host, const std::string& dir) {
      ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
      ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
      ASSERT_OK_AND_ASSIGN(
          std::vector<ExitStatus> statuses,
          host_env->RunConcurrently(host, {{"LockAndCheck", {dir, "web"}},
                                           {"DestroyOne", {dir, "web"}},
                                           {"LockAndCheck", {dir, "web"}},
                                           {"LockAndCheck", {dir, "web"}}}));
      ASSERT_EQ(statuses.size(), 4u);
      EXPECT_EQ(statuses[1], ExitStatus::Exited(kChildOk))
          << host_env->ReplayHint(seed);
      for (int i : {0, 2, 3}) {
        EXPECT_THAT(statuses[i], AnyOf(ExitStatus::Exited(kChildOk),
                                       ExitStatus::Exited(kChildNotFound)))
            << "locker " << i << ": " << ToString(statuses[i]) << "; "
            << host_env->ReplayHint(seed);
        if (statuses[i] == ExitStatus::Exited(kChildNotFound)) ++not_found;
      }
      EXPECT_THAT(store.Load("web"), StatusIs(absl::StatusCode::kNotFound));
      EXPECT_EQ(Snapshot(host, StateRoot(dir)), ".runbox.lock -> ");
    });
    if (HasFailure()) return;
  }
  if (IsFake() && !SeedOverride().has_value()) {
    EXPECT_GT(not_found, 0) << "no seed had a waiter outlive the container";
  }
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(LockTest);

}  // namespace
}  // namespace runbox
