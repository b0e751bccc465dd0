// Test helpers for runtime/state, and the child functions every state test
// binary registers (each binary is its own helper on Linux):
//   CreateOne <dir> <id> [bundle]    CreateExclusive; exit code by result.
//   DestroyOne <dir> <id> [force]    Destroy.
//   LockAndCheck <dir> <id>          LockContainer(kBlock), then LoadLocked
//                                    must work: 0, or 2 for NotFound.
#include "runtime/state/state_test_util.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/testing/dual_host.h"

namespace runbox {

Meta TestMeta(absl::string_view id, absl::string_view bundle) {
  Meta meta;
  meta.id = std::string(id);
  meta.status = ContainerStatus::kCreating;
  meta.bundle =
      bundle.empty() ? absl::StrCat("/bundles/", id) : std::string(bundle);
  meta.created = absl::FromUnixNanos(1767225600123456789);
  meta.owner = 0;
  return meta;
}

std::string StateRoot(const std::string& dir) {
  return absl::StrCat(dir, "/state");
}

absl::StatusOr<StateStore> OpenTestStore(Host& host, const std::string& dir) {
  return StateStore::Open(host, StateLayout(StateRoot(dir)));
}

namespace {

void SnapshotInto(Host& host, const Fd& dir, const std::string& prefix,
                  std::vector<std::string>& lines) {
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(dir);
  if (!entries.ok()) {
    lines.push_back(
        absl::StrCat(prefix, " <", entries.status().ToString(), ">"));
    return;
  }
  for (const DirEntry& e : *entries) {
    std::string name = absl::StrCat(prefix, e.name);
    absl::StatusOr<FileStat> st =
        host.StatAt(dir, e.name, FollowSymlinks::kNoFollow);
    FileType type = st.ok() ? st->type : e.type;
    if (type == FileType::kDirectory) {
      lines.push_back(absl::StrCat(name, "/"));
      absl::StatusOr<Fd> sub = host.OpenAt(
          dir, e.name, {.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow});
      if (sub.ok()) SnapshotInto(host, *sub, absl::StrCat(name, "/"), lines);
    } else if (type == FileType::kRegular) {
      absl::StatusOr<std::string> text = ReadFileAt(host, dir, e.name, 1 << 20);
      lines.push_back(absl::StrCat(
          name, " -> ", text.ok() ? *text : text.status().ToString()));
    } else {
      lines.push_back(absl::StrCat(name, " (", ToString(type), ")"));
    }
  }
}

}  // namespace

std::string Snapshot(Host& host, const std::string& path) {
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) return absl::StrCat("<", dir.status().ToString(), ">");
  std::vector<std::string> lines;
  SnapshotInto(host, *dir, "", lines);
  std::sort(lines.begin(), lines.end());
  return absl::StrJoin(lines, "\n");
}

int ExitCodeFor(Host& host, const absl::Status& status) {
  if (status.ok()) return kChildOk;
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return kChildAlreadyExists;
  }
  if (status.code() == absl::StatusCode::kNotFound) return kChildNotFound;
  Fd err(2, nullptr);
  (void)WriteAll(host, err, absl::StrCat("child: ", status.ToString(), "\n"));
  return kChildError;
}

DUAL_HOST_CHILD(CreateOne) {
  if (args.size() < 2) return kChildBadArgs;
  absl::StatusOr<StateStore> store = OpenTestStore(host, args[0]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  absl::StatusOr<ContainerLock> lock =
      store->CreateExclusive(TestMeta(args[1], args.size() > 2 ? args[2] : ""));
  return ExitCodeFor(host, lock.status());
}

DUAL_HOST_CHILD(DestroyOne) {
  if (args.size() < 2) return kChildBadArgs;
  absl::StatusOr<StateStore> store = OpenTestStore(host, args[0]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  DestroyMode mode = args.size() > 2 && args[2] == "force"
                         ? DestroyMode::kForce
                         : DestroyMode::kNormal;
  return ExitCodeFor(host, store->Destroy(args[1], mode));
}

DUAL_HOST_CHILD(LockAndCheck) {
  if (args.size() != 2) return kChildBadArgs;
  absl::StatusOr<StateStore> store = OpenTestStore(host, args[0]);
  if (!store.ok()) return ExitCodeFor(host, store.status());
  absl::StatusOr<ContainerLock> lock =
      store->LockContainer(args[1], LockType::kExclusive, LockMode::kBlock);
  if (!lock.ok()) return ExitCodeFor(host, lock.status());
  // A lock that Acquire granted must be on the live container: its record
  // is there, and nobody can remove it while we hold the lock.
  absl::StatusOr<Meta> meta = store->LoadLocked(*lock);
  if (!meta.ok()) {
    Fd err(2, nullptr);
    (void)WriteAll(host, err,
                   absl::StrCat("LockAndCheck: locked a container without a "
                                "record: ",
                                meta.status().ToString(), "\n"));
    return kChildError;
  }
  return kChildOk;
}

}  // namespace runbox
