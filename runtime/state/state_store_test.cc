// StateStore on both hosts: create/load/save, exclusive create under
// concurrency (1,000 seeds on the fake, 100 tries on Linux), failed create
// leaves no trace (a failure injected at every call), listing with foreign
// entries, prefix resolution, idempotent destroy, schema versions, atomic
// save seen by a concurrent reader.
#include "runtime/state/state_store.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/state/container_id.h"
#include "runtime/state/exit_record.h"
#include "runtime/state/state_test_util.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// Concurrency acceptance criteria of issue 4.
constexpr uint64_t kFakeCreateSeeds = 1000;
constexpr int kLinuxCreateTries = 100;

std::vector<std::string> Ids(const std::vector<ListEntry>& entries) {
  std::vector<std::string> ids;
  for (const ListEntry& e : entries) ids.push_back(e.id);
  return ids;
}

absl::Status WriteRaw(Host& host, const std::string& path,
                      absl::string_view text) {
  OpenHow how{.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                       OpenFlags::kTruncate,
              .mode = 0600};
  ASSIGN_OR_RETURN(Fd fd, host.OpenAt(Fd::Cwd(), path, how));
  return WriteAll(host, fd, text);
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

using StateStoreTest = DualHostTest;

TEST_P(StateStoreTest, CreateLoadSaveRoundTrip) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    Meta meta = TestMeta("web");
    {
      ASSERT_OK_AND_ASSIGN(ContainerLock lock, store.CreateExclusive(meta));
      EXPECT_EQ(lock.id(), "web");
      EXPECT_THAT(store.LoadLocked(lock), IsOk());
      meta.status = ContainerStatus::kCreated;
      meta.supervisor = ProcessIdentity{Pid{77}, 1234};
      ASSERT_OK(store.SaveLocked(lock, meta));
    }
    ASSERT_OK_AND_ASSIGN(Meta loaded, store.Load("web"));
    EXPECT_EQ(loaded, meta);
    // The layout: 0700 directories, a 0600 meta.json.
    ASSERT_OK_AND_ASSIGN(FileStat root, host.StatAt(Fd::Cwd(), StateRoot(dir),
                                                    FollowSymlinks::kNoFollow));
    EXPECT_EQ(root.mode & 0777, 0700u);
    ASSERT_OK_AND_ASSIGN(FileStat cdir, host.StatAt(store.root_dir(), "web",
                                                    FollowSymlinks::kNoFollow));
    EXPECT_EQ(cdir.mode & 0777, 0700u);
    ASSERT_OK_AND_ASSIGN(FileStat file,
                         host.StatAt(store.root_dir(), "web/meta.json",
                                     FollowSymlinks::kNoFollow));
    EXPECT_EQ(file.mode & 0777, 0600u);
    EXPECT_EQ(store.layout().MetaPath("web"),
              absl::StrCat(StateRoot(dir), "/web/meta.json"));
  });
}

TEST_P(StateStoreTest, CreateOfAnExistingIdFailsWithRuncWording) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web", "/first")).status());
    absl::StatusOr<ContainerLock> again =
        store.CreateExclusive(TestMeta("web", "/second"));
    EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
    EXPECT_EQ(again.status().message(),
              "container with given ID already exists: web");
    ASSERT_OK_AND_ASSIGN(Meta meta, store.Load("web"));
    EXPECT_EQ(meta.bundle, "/first");
  });
}

TEST_P(StateStoreTest, InvalidIdFailsBeforeAnySideEffect) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    std::string before = Snapshot(host, StateRoot(dir));
    for (absl::string_view id : {"", "../x", "a/b", ".hidden", "a..b"}) {
      absl::StatusOr<ContainerLock> made = store.CreateExclusive(TestMeta(id));
      EXPECT_THAT(made, StatusIs(absl::StatusCode::kInvalidArgument)) << id;
      EXPECT_THAT(Message(made.status()), HasSubstr("invalid container id"));
      EXPECT_THAT(store.Load(id), StatusIs(absl::StatusCode::kInvalidArgument));
      EXPECT_THAT(store.Destroy(id, DestroyMode::kForce),
                  StatusIs(absl::StatusCode::kInvalidArgument));
    }
    EXPECT_EQ(Snapshot(host, StateRoot(dir)), before);
  });
}

TEST_P(StateStoreTest, LoadOfAMissingContainerSaysDoesNotExist) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    absl::StatusOr<Meta> meta = store.Load("ghost");
    EXPECT_THAT(meta, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_EQ(meta.status().message(), "container \"ghost\" does not exist");
    EXPECT_THAT(
        store.LockContainer("ghost", LockType::kShared, LockMode::kBlock),
        StatusIs(absl::StatusCode::kNotFound));
  });
}

TEST_P(StateStoreTest, SaveNeedsTheExclusiveLockOfThatContainer) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("a")).status());
    ASSERT_OK(store.CreateExclusive(TestMeta("b")).status());
    {
      ASSERT_OK_AND_ASSIGN(
          ContainerLock shared,
          store.LockContainer("a", LockType::kShared, LockMode::kBlock));
      EXPECT_THAT(store.SaveLocked(shared, TestMeta("a")),
                  StatusIs(absl::StatusCode::kFailedPrecondition));
    }
    ASSERT_OK_AND_ASSIGN(
        ContainerLock lock,
        store.LockContainer("a", LockType::kExclusive, LockMode::kBlock));
    EXPECT_THAT(store.SaveLocked(lock, TestMeta("b")),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    lock.Release();
    EXPECT_THAT(store.SaveLocked(lock, TestMeta("a")),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  });
}

// Invariant 2: of two concurrent creates of one ID exactly one succeeds;
// the other fails with "already exists".
void ExpectExactlyOneCreateWins(DualHost& env, int tries) {
  env.Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    for (int t = 0; t < tries; ++t) {
      std::string id = absl::StrCat("c", t);
      ASSERT_OK_AND_ASSIGN(
          std::vector<ExitStatus> statuses,
          env.RunConcurrently(host, {{"CreateOne", {dir, id, "/one"}},
                                     {"CreateOne", {dir, id, "/two"}}}));
      std::vector<int> codes;
      for (const ExitStatus& s : statuses) codes.push_back(s.ShellCode());
      ASSERT_THAT(codes, UnorderedElementsAre(kChildOk, kChildAlreadyExists))
          << "try " << t << "; " << env.ReplayHint(env.seed());
      ASSERT_OK_AND_ASSIGN(Meta meta, store.Load(id));
      EXPECT_EQ(meta.bundle, codes[0] == kChildOk ? "/one" : "/two");
    }
    ASSERT_OK_AND_ASSIGN(std::vector<ListEntry> all, store.List());
    EXPECT_EQ(all.size(), static_cast<size_t>(tries));
  });
}

TEST_P(StateStoreTest, ConcurrentCreatesOfOneIdExactlyOneSucceeds) {
  if (!IsFake()) {
    ExpectExactlyOneCreateWins(env(), kLinuxCreateTries);
    return;
  }
  for (uint64_t seed : SeedsToRun(kFakeCreateSeeds)) {
    std::unique_ptr<DualHost> fake =
        DualHost::Make("Fake", DualHostOptions{.seed = seed});
    ExpectExactlyOneCreateWins(*fake, 1);
    if (HasFailure()) {
      ADD_FAILURE() << fake->ReplayHint(seed);
      return;
    }
  }
}

// Invariant 2: a failed create leaves no trace. Call k of CreateExclusive
// fails, for every k until it completes with no fault left to fire.
void ExpectFailedCreateLeavesNoTrace(DualHost& env, Fault fault) {
  env.Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    // The root lock file is made once and kept; make it now.
    ASSERT_OK(store.LockRoot(LockType::kExclusive, LockMode::kBlock).status());
    ASSERT_OK(store.CreateExclusive(TestMeta("other")).status());
    const std::string before = Snapshot(host, StateRoot(dir));
    int failed_creates = 0;
    for (uint64_t k = 1;; ++k) {
      SCOPED_TRACE(absl::StrCat("fault at call #", k, ": ", fault.ToString()));
      auto plan = std::make_shared<FaultPlan>(k);
      FaultyHost faulty(host, plan);
      ASSERT_OK_AND_ASSIGN(StateStore fstore, OpenTestStore(faulty, dir));
      plan->Add(FaultRule::AtCall(plan->call_count() + k, fault));
      absl::StatusOr<ContainerLock> made =
          fstore.CreateExclusive(TestMeta("web"));
      if (made.ok()) {
        made->Release();
        ASSERT_OK_AND_ASSIGN(Meta meta, store.Load("web"));
        EXPECT_EQ(meta, TestMeta("web"));
        ASSERT_OK(store.Destroy("web", DestroyMode::kNormal));
        EXPECT_EQ(Snapshot(host, StateRoot(dir)), before);
        if (plan->fired().empty() && plan->call_count() < plan->rules()[0].k) {
          // Every fallible step of create was failed once: lock, mkdir,
          // open, flock, stat, write, fsync, close, rename, fsync x2...
          EXPECT_GE(failed_creates, 12);
          break;
        }
        continue;
      }
      ++failed_creates;
      EXPECT_FALSE(plan->fired().empty()) << made.status();
      EXPECT_EQ(Snapshot(host, StateRoot(dir)), before) << made.status() << "\n"
                                                        << plan->TraceTail(30);
      EXPECT_THAT(store.Load("web"), StatusIs(absl::StatusCode::kNotFound));
      ASSERT_LT(k, 200u) << "create never completed";
      if (::testing::Test::HasFailure()) return;
    }
  });
}

TEST_P(StateStoreTest, FailedCreateLeavesNoTraceEio) {
  ExpectFailedCreateLeavesNoTrace(env(), Fault::Errno(EIO));
}

TEST_P(StateStoreTest, FailedCreateLeavesNoTracePlausibleErrno) {
  ExpectFailedCreateLeavesNoTrace(env(), Fault::PlausibleErrno());
}

TEST_P(StateStoreTest, ListIsSortedAndSkipsForeignEntries) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    for (absl::string_view id : {"zeta", "alpha", "mid-1", "Mid"}) {
      ASSERT_OK(store.CreateExclusive(TestMeta(id)).status());
    }
    std::string root = StateRoot(dir);
    // What dockerd's runc may keep beside us, and other debris.
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/runc-ctr", 0700));
    ASSERT_OK(WriteRaw(host, root + "/runc-ctr/state.json", "{\"id\":1}"));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/.hidden", 0700));
    ASSERT_OK(WriteRaw(host, root + "/.hidden/meta.json", "{}"));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/-flag", 0700));
    ASSERT_OK(WriteRaw(host, root + "/-flag/meta.json", "{}"));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/empty", 0700));
    ASSERT_OK(WriteRaw(host, root + "/plainfile", "x"));
    ASSERT_OK(host.SymlinkAt("alpha", Fd::Cwd(), root + "/link"));

    ASSERT_OK_AND_ASSIGN(std::vector<ListEntry> all, store.List());
    EXPECT_THAT(Ids(all), ElementsAre("Mid", "alpha", "mid-1", "zeta"));
    for (const ListEntry& e : all) {
      ASSERT_THAT(e.meta, IsOk()) << e.id;
      EXPECT_EQ(*e.meta, TestMeta(e.id));
    }
    // Resolve and Destroy leave foreign entries alone too.
    EXPECT_THAT(store.Resolve("runc"), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_OK(store.Destroy("runc-ctr", DestroyMode::kForce));
    EXPECT_THAT(store.Destroy("runc-ctr", DestroyMode::kNormal),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(ReadFileAt(host, Fd::Cwd(), root + "/runc-ctr/state.json", 100),
                IsOk());
  });
}

TEST_P(StateStoreTest, ListReportsUnreadableRecordsWithoutFailing) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    for (absl::string_view id : {"good", "corrupt", "future", "renamed"}) {
      ASSERT_OK(store.CreateExclusive(TestMeta(id)).status());
    }
    std::string root = StateRoot(dir);
    ASSERT_OK(WriteRaw(host, root + "/corrupt/meta.json", "{\"schema_ver"));
    std::string future = SerializeMeta(TestMeta("future"));
    future.replace(future.find("\"schema_version\":1"),
                   strlen("\"schema_version\":1"), "\"schema_version\":7");
    future.insert(future.size() - 1, ",\"new_field\":[1]");
    ASSERT_OK(WriteRaw(host, root + "/future/meta.json", future));
    ASSERT_OK(WriteRaw(host, root + "/renamed/meta.json",
                       SerializeMeta(TestMeta("other"))));

    ASSERT_OK_AND_ASSIGN(std::vector<ListEntry> all, store.List());
    ASSERT_THAT(Ids(all), ElementsAre("corrupt", "future", "good", "renamed"));
    EXPECT_THAT(all[0].meta, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(Message(all[0].meta.status()),
                HasSubstr("container \"corrupt\": meta.json: invalid JSON"));
    EXPECT_THAT(all[1].meta, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_EQ(all[1].meta.status().message(),
              "container \"future\": meta.json schema version 7 is newer than "
              "this runbox supports (1)");
    EXPECT_THAT(all[2].meta, IsOk());
    EXPECT_THAT(Message(all[3].meta.status()),
                HasSubstr("meta.json names container \"other\""));
    EXPECT_THAT(store.Load("future"),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    // Unknown fields alone are fine.
    std::string extra = SerializeMeta(TestMeta("good"));
    extra.insert(extra.size() - 1, ",\"added_later\":{\"x\":true}");
    ASSERT_OK(WriteRaw(host, root + "/good/meta.json", extra));
    EXPECT_THAT(store.Load("good"), IsOk());
    // Every one of them can still be deleted.
    for (absl::string_view id : {"corrupt", "future", "good", "renamed"}) {
      EXPECT_OK(store.Destroy(id, DestroyMode::kNormal)) << id;
    }
    EXPECT_THAT(store.List(), IsOk());
    EXPECT_EQ(Snapshot(host, root), ".runbox.lock -> ");
  });
}

TEST_P(StateStoreTest, ListsManyContainers) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    constexpr int kCount = 200;
    std::vector<std::string> ids;
    for (int i = 0; i < kCount; ++i) {
      ids.push_back(absl::StrCat("ctr-", 1000 + i));
      ASSERT_OK(store.CreateExclusive(TestMeta(ids.back())).status());
    }
    ASSERT_OK_AND_ASSIGN(std::vector<ListEntry> all, store.List());
    EXPECT_EQ(Ids(all), ids);
  });
}

TEST_P(StateStoreTest, ResolvePrefixes) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    for (absl::string_view id : {"ab", "abc", "abd", "xyz1"}) {
      ASSERT_OK(store.CreateExclusive(TestMeta(id)).status());
    }
    // A directory without meta.json is no candidate.
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), StateRoot(dir) + "/xyz2", 0700));

    ASSERT_OK_AND_ASSIGN(std::string id, store.Resolve("ab"));
    EXPECT_EQ(id, "ab") << "an exact match wins over longer IDs";
    ASSERT_OK_AND_ASSIGN(id, store.Resolve("xy"));
    EXPECT_EQ(id, "xyz1");
    ASSERT_OK_AND_ASSIGN(id, store.Resolve("abc"));
    EXPECT_EQ(id, "abc");
    ASSERT_OK(store.Destroy("ab", DestroyMode::kNormal));
    absl::StatusOr<std::string> ambiguous = store.Resolve("ab");
    EXPECT_THAT(ambiguous, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(ambiguous.status().message(),
              "ambiguous container id prefix \"ab\": matches abc, abd");
    absl::StatusOr<std::string> none = store.Resolve("q");
    EXPECT_THAT(none, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_EQ(none.status().message(), "container \"q\" does not exist");
    EXPECT_THAT(store.Resolve("a/"),
                StatusIs(absl::StatusCode::kInvalidArgument));
  });
}

TEST_P(StateStoreTest, DestroyIsIdempotent) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.LockRoot(LockType::kExclusive, LockMode::kBlock).status());
    const std::string before = Snapshot(host, StateRoot(dir));
    {
      ASSERT_OK_AND_ASSIGN(ContainerLock lock,
                           store.CreateExclusive(TestMeta("web")));
      ASSERT_OK(WriteExitRecord(host, lock.dir(), ExitStatus::Exited(0)));
      // A socket-like file and a file runbox does not know: both go.
      ASSERT_OK(WriteRaw(host, StateRoot(dir) + "/web/ctl.sock", ""));
      ASSERT_OK(WriteRaw(host, StateRoot(dir) + "/web/supervisor.log", "x"));
    }
    ASSERT_OK(store.Destroy("web", DestroyMode::kNormal));
    EXPECT_THAT(store.Load("web"), StatusIs(absl::StatusCode::kNotFound));
    absl::Status again = store.Destroy("web", DestroyMode::kNormal);
    EXPECT_THAT(again, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_EQ(again.message(), "container \"web\" does not exist");
    EXPECT_OK(store.Destroy("web", DestroyMode::kForce));
    EXPECT_OK(store.Destroy("never-was", DestroyMode::kForce));
    EXPECT_EQ(Snapshot(host, StateRoot(dir)), before);
    EXPECT_EQ(before, ".runbox.lock -> ");
  });
}

TEST_P(StateStoreTest, DestroyLockedUnderCallersLocks) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    EXPECT_THAT(store.LockRootAndContainer("ghost"),
                StatusIs(absl::StatusCode::kNotFound));
    {
      ASSERT_OK_AND_ASSIGN(auto locks, store.LockRootAndContainer("web"));
      // The caller's teardown runs here, under both locks.
      ASSERT_OK_AND_ASSIGN(Meta meta, store.LoadLocked(locks.second));
      EXPECT_EQ(meta.id, "web");
      ASSERT_OK(store.DestroyLocked(locks.first, locks.second));
      EXPECT_THAT(store.DestroyLocked(locks.first, locks.second),
                  StatusIs(absl::StatusCode::kNotFound));
    }
    EXPECT_THAT(store.Load("web"), StatusIs(absl::StatusCode::kNotFound));
    ASSERT_OK(store.CreateExclusive(TestMeta("db")).status());
    ASSERT_OK_AND_ASSIGN(RootLock root,
                         store.LockRoot(LockType::kShared, LockMode::kBlock));
    ASSERT_OK_AND_ASSIGN(
        ContainerLock lock,
        store.LockContainer("db", LockType::kExclusive, LockMode::kBlock));
    EXPECT_THAT(store.DestroyLocked(root, lock),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  });
}

TEST_P(StateStoreTest, DestroyToleratesMissingFiles) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    ASSERT_OK(host.UnlinkAt(store.root_dir(), "web/meta.json"));
    // No meta.json: the container does not exist, but what is left of it
    // is runbox's and goes.
    EXPECT_THAT(store.Destroy("web", DestroyMode::kNormal),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(host.StatAt(store.root_dir(), "web", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(StateStoreTest, CreateSweepsLeftoversOfAKilledCreate) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    std::string root = StateRoot(dir);
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/web", 0700));
    ASSERT_OK(WriteRaw(host, root + "/web/.meta.json.tmp-0123456789abcdef",
                       "{\"sche"));
    ASSERT_OK_AND_ASSIGN(std::vector<ListEntry> listed, store.List());
    EXPECT_THAT(listed, IsEmpty());
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    EXPECT_THAT(store.Load("web"), IsOk());
    // But a directory with something foreign in it is not swept.
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/runc", 0700));
    ASSERT_OK(WriteRaw(host, root + "/runc/state.json", "{}"));
    EXPECT_THAT(store.CreateExclusive(TestMeta("runc")),
                StatusIs(absl::StatusCode::kAlreadyExists));
    EXPECT_THAT(ReadFileAt(host, Fd::Cwd(), root + "/runc/state.json", 10),
                IsOk());
  });
}

// runtime.md "Lifecycle": create keeps its own copy of config.json; it is
// read back byte for byte, 0600, and goes with the container.
TEST_P(StateStoreTest, SavedConfigIsReadBackAndDestroyedWithTheContainer) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    const std::string text = "{\"ociVersion\": \"1.2.0\"}\n";
    {
      ASSERT_OK_AND_ASSIGN(ContainerLock lock,
                           store.CreateExclusive(TestMeta("web")));
      ASSERT_OK(store.SaveConfigLocked(lock, text));
    }
    ASSERT_OK_AND_ASSIGN(std::string loaded, store.LoadConfig("web"));
    EXPECT_EQ(loaded, text);
    ASSERT_OK_AND_ASSIGN(FileStat file,
                         host.StatAt(store.root_dir(), "web/config.json",
                                     FollowSymlinks::kNoFollow));
    EXPECT_EQ(file.mode & 0777, 0600u);
    ASSERT_OK(store.Destroy("web", DestroyMode::kNormal));
    absl::Status gone = store.LoadConfig("web").status();
    EXPECT_THAT(gone, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_EQ(Message(gone), "container \"web\" does not exist");
    EXPECT_THAT(host.StatAt(store.root_dir(), "web", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(StateStoreTest, MissingSavedConfigIsAClearError) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    absl::Status missing = store.LoadConfig("web").status();
    EXPECT_THAT(missing, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(Message(missing), HasSubstr("web/config.json) is missing"));
    EXPECT_THAT(store.LoadConfig("ghost"),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(store.LoadConfig("../x"),
                StatusIs(absl::StatusCode::kInvalidArgument));
  });
}

TEST_P(StateStoreTest, SaveConfigNeedsTheExclusiveLock) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    ASSERT_OK_AND_ASSIGN(
        ContainerLock shared,
        store.LockContainer("web", LockType::kShared, LockMode::kBlock));
    EXPECT_THAT(store.SaveConfigLocked(shared, "{}"),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  });
}

// A create or destroy killed with config.json (or its temp file) written
// but no meta.json leaves runbox's own files only: swept, not foreign.
TEST_P(StateStoreTest, LeftoverConfigCopiesAreSwept) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    std::string root = StateRoot(dir);
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/web", 0700));
    ASSERT_OK(WriteRaw(host, root + "/web/config.json", "{}"));
    ASSERT_OK(WriteRaw(host, root + "/web/.config.json.tmp-0123456789abcdef",
                       "{\"oci"));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    EXPECT_THAT(store.Load("web"), IsOk());
    // The old copy went with the leftover.
    EXPECT_THAT(store.LoadConfig("web"),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), root + "/db", 0700));
    ASSERT_OK(WriteRaw(host, root + "/db/config.json", "{}"));
    EXPECT_OK(store.Destroy("db", DestroyMode::kForce));
    EXPECT_THAT(host.StatAt(store.root_dir(), "db", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

// Invariant 1: a reader never sees a torn meta.json. A writer alternates
// two records of different sizes while a reader loads in a loop.
DUAL_HOST_CHILD(SaveLoop) {
  if (args.size() != 3) return kChildBadArgs;
  int rounds = 0;
  if (!absl::SimpleAtoi(args[2], &rounds)) return kChildBadArgs;
  absl::StatusOr<StateStore> store = OpenTestStore(host, args[0]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  for (int i = 0; i < rounds; ++i) {
    absl::StatusOr<ContainerLock> lock =
        store->LockContainer(args[1], LockType::kExclusive, LockMode::kBlock);
    if (!lock.ok()) return ExitCodeFor(host, lock.status());
    Meta meta =
        TestMeta(args[1], i % 2 == 0 ? "/short" : std::string(300, 'L'));
    absl::Status saved = store->SaveLocked(*lock, meta);
    if (!saved.ok()) return ExitCodeFor(host, saved);
  }
  return kChildOk;
}

DUAL_HOST_CHILD(LoadLoop) {
  if (args.size() != 3) return kChildBadArgs;
  int rounds = 0;
  if (!absl::SimpleAtoi(args[2], &rounds)) return kChildBadArgs;
  absl::StatusOr<StateStore> store = OpenTestStore(host, args[0]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  for (int i = 0; i < rounds; ++i) {
    absl::StatusOr<Meta> meta = store->Load(args[1]);
    if (!meta.ok()) return ExitCodeFor(host, meta.status());
    if (meta->bundle != "/short" && meta->bundle != std::string(300, 'L') &&
        meta->bundle != "/initial") {
      return kChildError;
    }
  }
  return kChildOk;
}

TEST_P(StateStoreTest, ConcurrentReaderSeesOldOrNewNeverTorn) {
  const int rounds = IsFake() ? 30 : 300;
  for (uint64_t seed : SeedsToRun(IsFake() ? 20 : 1)) {
    std::unique_ptr<DualHost> host_env =
        DualHost::Make(GetParam(), DualHostOptions{.seed = seed});
    host_env->Run([&](Host& host, const std::string& dir) {
      ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
      ASSERT_OK(store.CreateExclusive(TestMeta("web", "/initial")).status());
      std::string n = absl::StrCat(rounds);
      ASSERT_OK_AND_ASSIGN(
          std::vector<ExitStatus> statuses,
          host_env->RunConcurrently(host, {{"SaveLoop", {dir, "web", n}},
                                           {"LoadLoop", {dir, "web", n}},
                                           {"LoadLoop", {dir, "web", n}}}));
      EXPECT_THAT(statuses,
                  ElementsAre(ExitStatus::Exited(0), ExitStatus::Exited(0),
                              ExitStatus::Exited(0)))
          << host_env->ReplayHint(seed);
    });
    if (HasFailure()) return;
  }
}

TEST_P(StateStoreTest, RootLockAfterContainerLockIsALockOrderBug) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, OpenTestStore(host, dir));
    ASSERT_OK(store.CreateExclusive(TestMeta("web")).status());
    {
      ASSERT_OK_AND_ASSIGN(
          ContainerLock lock,
          store.LockContainer("web", LockType::kShared, LockMode::kBlock));
      absl::StatusOr<RootLock> root =
          store.LockRoot(LockType::kExclusive, LockMode::kBlock);
      EXPECT_THAT(root, StatusIs(absl::StatusCode::kFailedPrecondition));
      EXPECT_THAT(Message(root.status()), HasSubstr("lock order violation"));
      ContainerLock moved = std::move(lock);
      EXPECT_THAT(store.LockRoot(LockType::kExclusive, LockMode::kBlock),
                  StatusIs(absl::StatusCode::kFailedPrecondition));
    }
    // Root first, then container: the right order.
    ASSERT_OK_AND_ASSIGN(
        RootLock root, store.LockRoot(LockType::kExclusive, LockMode::kBlock));
    EXPECT_THAT(
        store.LockContainer("web", LockType::kExclusive, LockMode::kBlock),
        IsOk());
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(StateStoreTest);

}  // namespace
}  // namespace runbox
