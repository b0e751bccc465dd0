// StateStore: the container state directory under --root: exclusive
// create, load, save under the container lock, list, ID prefix resolution
// and destroy (DESIGN.md "State and locking", invariants 1-3, 5, 6, 8's
// idempotent delete). What a container *is* (its state machine, processes,
// cgroups) is runtime/container's; this file keeps its record safe.
#ifndef RUNBOX_RUNTIME_STATE_STATE_STORE_H_
#define RUNBOX_RUNTIME_STATE_STATE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/fd.h"
#include "hostapi/host.h"
#include "runtime/state/layout.h"
#include "runtime/state/lock.h"
#include "runtime/state/meta.h"

namespace runbox {

// One container found by List: its meta.json, or why it could not be read
// (corrupt, or written by a newer runbox). Foreign entries are not listed.
struct ListEntry {
  std::string id;
  absl::StatusOr<Meta> meta;
};

enum class DestroyMode {
  kNormal,  // A missing container is NotFound.
  kForce,   // A missing container is fine (`delete --force`).
};

class StateStore {
 public:
  // Opens the state root, creating it (mode 0700, durably) when missing.
  static absl::StatusOr<StateStore> Open(Host& host, StateLayout layout);

  StateStore(StateStore&&) = default;
  StateStore& operator=(StateStore&&) = default;

  const StateLayout& layout() const { return layout_; }
  // The root directory (O_RDONLY|O_DIRECTORY).
  const Fd& root_dir() const { return root_; }

  // Preconditions: this store holds no container lock (lock order); a
  // violation is a bug and fails FailedPrecondition naming it.
  absl::StatusOr<RootLock> LockRoot(LockType type, LockMode mode);
  // NotFound `container "x" does not exist`; see ContainerLock::Acquire.
  absl::StatusOr<ContainerLock> LockContainer(absl::string_view id,
                                              LockType type, LockMode mode);

  // Creates the container `meta.id` under the root lock: mkdir <root>/<id>
  // (AlreadyExists `container with given ID already exists: <id>`, runc
  // 1.1's words and the ID, if it exists), lock it, write meta.json
  // atomically, fsync the root. On any failure it removes what it made,
  // leaving no trace. Returns the container lock, held exclusively, so the
  // caller goes on under it.
  //
  // A directory left by a killed create or destroy (no meta.json, nothing
  // but runbox's own leftovers, unlocked) does not count as existing: it
  // is swept and the create proceeds.
  absl::StatusOr<ContainerLock> CreateExclusive(const Meta& meta);

  // Reads meta.json without a lock: saves are atomic, so this is the old
  // or the new record, never a mix. NotFound `container "x" does not
  // exist`; InvalidArgument for a bad ID or a corrupt record;
  // FailedPrecondition for a newer schema.
  absl::StatusOr<Meta> Load(absl::string_view id);
  // Preconditions: `lock` is held (any type).
  absl::StatusOr<Meta> LoadLocked(const ContainerLock& lock);
  // Replaces meta.json atomically and durably (io.h AtomicWriteFileAt).
  // Preconditions: `lock` is held exclusively and meta.id == lock.id().
  absl::Status SaveLocked(const ContainerLock& lock, const Meta& meta);

  // The container's own copy of the config.json create validated
  // (runtime.md "Lifecycle": edits of the bundle's config.json after create
  // do not affect the container). Written once, atomically and durably, by
  // create, in state Creating; Destroy removes it with the directory.
  // Preconditions: `lock` is held exclusively.
  absl::Status SaveConfigLocked(const ContainerLock& lock,
                                absl::string_view config_text);
  // Reads that copy without a lock (it is written once, atomically).
  // NotFound `container "x" does not exist` when the container does not;
  // FailedPrecondition naming the file when the container exists but its
  // copy does not (a create killed before writing it, or a container of an
  // older runbox). The text is not checked here: parsing is the caller's.
  absl::StatusOr<std::string> LoadConfig(absl::string_view id);

  // Every container, sorted by ID. Reads the root directory and each
  // container's meta.json, nothing else, and takes no lock: a create in
  // flight (no meta.json yet) is not listed. Entries that are not valid IDs,
  // not directories, or have no meta.json are foreign and skipped.
  absl::StatusOr<std::vector<ListEntry>> List();

  // The container an ID or ID prefix names: an exact match always wins; a
  // prefix of exactly one container resolves to it; a prefix of several
  // fails InvalidArgument naming them (`ambiguous container id prefix "ab":
  // matches abc, abd`); none is NotFound (`container "ab" does not
  // exist`). Destructive commands that clients repeat after success (e.g.
  // containerd's second `delete --force <id>`) must not resolve prefixes:
  // the prefix would then name another container.
  absl::StatusOr<std::string> Resolve(absl::string_view id_or_prefix);

  // Removes the container's directory under the root lock and the
  // container lock (waiting for the latter without the former): meta.json
  // first (from then on the container does not exist), then the exit
  // record, the socket and any other file of it, then the directory; then
  // fsyncs the root. Idempotent: files already gone are fine, and it keeps
  // going past failures and reports them all. A missing container is
  // NotFound, or OK with kForce. A directory that holds files runbox does
  // not write and no meta.json (runc's, say) is not ours: left alone,
  // reported as missing.
  absl::Status Destroy(absl::string_view id, DestroyMode mode);
  // Destroy of one incarnation only: the directory `lock` held (its device
  // and inode; the caller has released it, as the lock order demands, root
  // before container). Should that directory be gone by the time both
  // locks are held, and a new container of the same ID be there (a
  // concurrent delete, then create), that one is left alone: as for a
  // missing container, NotFound, or OK with kForce.
  absl::Status DestroyIncarnation(const ContainerLock& lock, DestroyMode mode);

  // Both locks for a teardown, root first, never waiting for the container
  // lock while the root lock is held: when the container lock is busy, the
  // root lock is dropped, the container lock awaited, and both retried.
  // NotFound when the container does not exist (or vanished meanwhile).
  // Holding the root lock stalls every create: keep the section short.
  absl::StatusOr<std::pair<RootLock, ContainerLock>> LockRootAndContainer(
      absl::string_view id);
  // Destroy's work, for a caller that holds both locks (from
  // LockRootAndContainer) and tears the container down under them first.
  // NotFound when there was no meta.json (leftovers are still swept).
  // Preconditions: `root` and `lock` are held exclusively, from this store.
  absl::Status DestroyLocked(const RootLock& root, const ContainerLock& lock);

 private:
  StateStore(Host& host, StateLayout layout, Fd root);

  // Destroy, of the directory with that device and inode only, if given.
  absl::Status DestroyMatching(
      absl::string_view id, DestroyMode mode,
      std::optional<std::pair<uint64_t, uint64_t>> dev_ino);

  // Removes the container's files (meta.json first), then its directory,
  // then fsyncs the root. Keeps going past failures, reports them all.
  // Preconditions: the root lock and `lock` are held exclusively.
  absl::Status RemoveContainerLocked(const ContainerLock& lock);
  absl::Status RemoveFilesLocked(const ContainerLock& lock);
  // Whether the locked directory holds nothing but what a killed create or
  // destroy leaves behind (no meta.json; runbox's file names only).
  // Preconditions: the root lock and `lock` are held exclusively.
  absl::StatusOr<bool> IsLeftoverLocked(const ContainerLock& lock);
  // If <root>/<id> is such a leftover and unlocked, removes it: true.
  // Preconditions: the root lock is held exclusively.
  absl::StatusOr<bool> SweepLeftoverLocked(absl::string_view id);
  bool HasMeta(absl::string_view id);

  Host* host_;
  StateLayout layout_;
  Fd root_;
  std::shared_ptr<LockOrderTracker> tracker_;
};

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_STATE_STORE_H_
