// Crash consistency of the state directory (DESIGN.md invariants 1, 2, 7):
// save, create, destroy and the exit record, each interrupted at every host
// call k = 1, 2, ... until it completes:
//   * on both hosts, the process doing it is SIGKILLed at call k
//     (FaultyHost kill fault), and a second process checks the state;
//   * on the fake, the whole machine loses power at call k (un-fsynced
//     data and directory entries vanish), and the state is checked after
//     "reboot". An operation that returned must have survived.
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/state/exit_record.h"
#include "runtime/state/state_store.h"
#include "runtime/state/state_test_util.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::AnyOf;
using ::testing::IsEmpty;

constexpr char kId[] = "web";
// Sweeps stop here at the latest: each operation takes far fewer calls.
constexpr uint64_t kMaxCalls = 200;

Meta OldMeta() { return TestMeta(kId, "/old"); }
Meta NewMeta() {
  Meta m = TestMeta(kId, std::string(200, 'n'));
  m.status = ContainerStatus::kRunning;
  m.supervisor = ProcessIdentity{Pid{4242}, 99};
  return m;
}
const ExitStatus kStatus = ExitStatus::Signaled(Signal::kKill);

// The operations under test, as run by a child or a simulated process.
absl::Status RunOperation(Host& host, StateStore& store, absl::string_view op) {
  if (op == "save") {
    // The lock is taken before the sweep's window (setup) in real use; here
    // it is part of the operation, which only widens what is covered.
    ASSIGN_OR_RETURN(
        ContainerLock lock,
        store.LockContainer(kId, LockType::kExclusive, LockMode::kBlock));
    return store.SaveLocked(lock, NewMeta());
  }
  if (op == "create") return store.CreateExclusive(OldMeta()).status();
  if (op == "destroy") return store.Destroy(kId, DestroyMode::kNormal);
  if (op == "exit") {
    ASSIGN_OR_RETURN(
        ContainerLock lock,
        store.LockContainer(kId, LockType::kShared, LockMode::kBlock));
    return WriteExitRecord(host, lock.dir(), kStatus);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown op ", op));
}

// The durable state each operation starts from.
absl::Status PrepareState(Host& host, StateStore& store, absl::string_view op) {
  // The root lock file, made durable, so "no trace" compares like with like.
  RETURN_IF_ERROR(
      store.LockRoot(LockType::kExclusive, LockMode::kBlock).status());
  RETURN_IF_ERROR(host.Fsync(store.root_dir()));
  if (op == "create") return absl::OkStatus();
  return store.CreateExclusive(OldMeta()).status();
}

// After a crash at any point of `op` (or after it `finished`): the state
// is the old or the new one, never torn, and cleaning up restores the
// empty root. gtest assertions: runs in the test process (Linux) or a
// fiber of it (fake).
void CheckAfterCrash(Host& host, StateStore& store, absl::string_view op,
                     bool finished, const std::string& context) {
  SCOPED_TRACE(context);
  absl::StatusOr<Meta> meta = store.Load(kId);
  absl::StatusOr<std::vector<ListEntry>> listed = store.List();
  ASSERT_OK(listed.status());
  for (const ListEntry& e : *listed) EXPECT_OK(e.meta.status()) << e.id;

  if (op == "save") {
    ASSERT_OK(meta.status());
    if (finished) {
      EXPECT_EQ(*meta, NewMeta());
    } else {
      EXPECT_THAT(*meta, AnyOf(OldMeta(), NewMeta()));
    }
  } else if (op == "create") {
    if (finished) {
      ASSERT_OK(meta.status());
    } else if (!meta.ok()) {
      EXPECT_THAT(meta, StatusIs(absl::StatusCode::kNotFound));
      EXPECT_THAT(*listed, IsEmpty());
      // What is left is swept by the next create.
      ASSERT_OK(store.CreateExclusive(OldMeta()).status());
      ASSERT_OK_AND_ASSIGN(Meta made, store.Load(kId));
      EXPECT_EQ(made, OldMeta());
    }
    if (meta.ok()) EXPECT_EQ(*meta, OldMeta());
  } else if (op == "destroy") {
    if (finished) {
      EXPECT_THAT(meta, StatusIs(absl::StatusCode::kNotFound));
    } else if (meta.ok()) {
      EXPECT_EQ(*meta, OldMeta());
    } else {
      EXPECT_THAT(meta, StatusIs(absl::StatusCode::kNotFound));
    }
  } else if (op == "exit") {
    ASSERT_OK(meta.status());
    ASSERT_OK_AND_ASSIGN(
        ContainerLock lock,
        store.LockContainer(kId, LockType::kShared, LockMode::kBlock));
    absl::StatusOr<std::optional<ExitStatus>> record =
        ReadExitRecord(host, lock.dir());
    ASSERT_OK(record.status()) << "a torn exit record";
    if (finished) {
      EXPECT_EQ(*record, kStatus);
    } else if (record->has_value()) {
      EXPECT_EQ(**record, kStatus);
    }
  }
  // Whatever the crash left, delete --force removes every trace.
  EXPECT_OK(store.Destroy(kId, DestroyMode::kForce));
  EXPECT_EQ(Snapshot(host, store.layout().root()), ".runbox.lock -> ");
}

// args: op, dir, k. Runs `op` with a SIGKILL at its k-th host call.
DUAL_HOST_CHILD(KilledAt) {
  if (args.size() != 3) return kChildBadArgs;
  uint64_t k = 0;
  if (!absl::SimpleAtoi(args[2], &k)) return kChildBadArgs;
  auto plan = std::make_shared<FaultPlan>(k);
  FaultyHost faulty(host, plan);
  absl::StatusOr<StateStore> store = OpenTestStore(faulty, args[1]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  plan->Add(FaultRule::AtCall(plan->call_count() + k, Fault::Kill()));
  return ExitCodeFor(host, RunOperation(faulty, *store, args[0]));
}

class CrashTest : public DualHostTest {
 protected:
  // SIGKILL at every call, on both hosts.
  void KillSweep(absl::string_view op) {
    env().Run([&](Host& host, const std::string& dir) {
      ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
      int killed = 0;
      for (uint64_t k = 1; k < kMaxCalls; ++k) {
        ASSERT_OK(PrepareState(host, store, op));
        ASSERT_OK_AND_ASSIGN(
            SpawnResult child,
            env().SpawnChild(
                host, {"KilledAt", {std::string(op), dir, absl::StrCat(k)}}));
        absl::StatusOr<std::optional<WaitResult>> r =
            host.Wait(child.pid, WaitFlags::kNone);
        ASSERT_OK(r.status());
        ASSERT_TRUE(r->has_value());
        ExitStatus status = (*r)->status;
        bool finished = status == ExitStatus::Exited(kChildOk);
        if (!finished) {
          ASSERT_EQ(status, ExitStatus::Signaled(Signal::kKill))
              << op << " failed by itself at k=" << k;
          ++killed;
        }
        CheckAfterCrash(host, store, op, finished,
                        absl::StrCat(op, " killed at call #", k));
        if (HasFailure() || finished) break;
      }
      EXPECT_GE(killed, 5) << "the sweep covered too few calls";
    });
  }

  // Power loss at every call, on the fake.
  void PowerLossSweep(absl::string_view op) {
    if (!IsFake()) {
      GTEST_SKIP() << "power loss is simulated by the fake kernel only; on "
                      "Linux the KilledAt sweeps cover crashes";
    }
    const std::string dir = "/var/crash";
    int lost = 0;
    for (uint64_t k = 1; k < kMaxCalls; ++k) {
      std::unique_ptr<fake::FakeKernel> kernel = env().NewFakeKernel();
      std::optional<uint64_t> base;
      bool finished = false;
      Pid pid = kernel->StartFunction([&](Host& host) -> int {
        if (!MakeDirs(host, Fd::Cwd(), dir, 0755).ok()) return 1;
        absl::StatusOr<StateStore> store = OpenTestStore(host, dir);
        if (!store.ok() || !PrepareState(host, *store, op).ok()) return 2;
        base = kernel->HostCallCount();
        absl::Status s = RunOperation(host, *store, op);
        if (!s.ok()) return ExitCodeFor(host, s);
        finished = true;
        return 0;
      });
      kernel->RunUntil([&] {
        return kernel->ExitStatusOf(pid).has_value() ||
               (base.has_value() && kernel->HostCallCount() >= *base + k);
      });
      ASSERT_TRUE(base.has_value() || kernel->ExitStatusOf(pid).has_value());
      if (std::optional<ExitStatus> st = kernel->ExitStatusOf(pid)) {
        ASSERT_EQ(*st, ExitStatus::Exited(0)) << op << " failed by itself";
      }
      if (!finished) ++lost;
      kernel->PowerLoss();
      Pid checker = kernel->StartFunction([&](Host& host) -> int {
        absl::StatusOr<StateStore> store = OpenTestStore(host, dir);
        if (!store.ok()) {
          ADD_FAILURE() << store.status();
          return 1;
        }
        CheckAfterCrash(host, *store, op, finished,
                        absl::StrCat(op, ": power lost at call #", k));
        return 0;
      });
      std::optional<ExitStatus> checked =
          RunFakeUntilExit(*kernel, checker, env().seed());
      EXPECT_EQ(checked, ExitStatus::Exited(0));
      if (HasFailure() || finished) break;
    }
    EXPECT_GE(lost, 5) << "the sweep covered too few calls";
  }
};

TEST_P(CrashTest, KilledSaveLeavesOldOrNew) { KillSweep("save"); }
TEST_P(CrashTest, KilledCreateLeavesNoTraceOrTheContainer) {
  KillSweep("create");
}
TEST_P(CrashTest, KilledDestroyLeavesTheContainerOrNothing) {
  KillSweep("destroy");
}
TEST_P(CrashTest, KilledExitRecordWriteIsAllOrNothing) { KillSweep("exit"); }

TEST_P(CrashTest, PowerLossDuringSaveLeavesOldOrNew) { PowerLossSweep("save"); }
TEST_P(CrashTest, PowerLossDuringCreateLeavesNoTraceOrTheContainer) {
  PowerLossSweep("create");
}
TEST_P(CrashTest, PowerLossDuringDestroyLeavesTheContainerOrNothing) {
  PowerLossSweep("destroy");
}
TEST_P(CrashTest, PowerLossDuringExitRecordWriteIsAllOrNothing) {
  PowerLossSweep("exit");
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(CrashTest);

}  // namespace
}  // namespace runbox
