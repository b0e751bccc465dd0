// The root lock and the container lock (DESIGN.md "State and locking"
// invariant 3): RAII holders of `flock`(2) locks, released when their fd
// closes, and so when their holder dies.
//
// The protocol:
//   * Lock order: root lock, then container lock, then the sandbox's. A
//     process that needs both takes the root lock first; one that holds a
//     container lock never blocks on the root lock.
//   * The root lock is a flock on <root>/.runbox.lock, a file that is never
//     removed. Exclusive holders create or remove container directories
//     (StateStore::CreateExclusive, Destroy).
//   * The container lock is a flock on the container directory itself. No
//     lock file exists, so none is ever unlinked under a waiter: Destroy
//     removes the directory as its last step while holding the root lock
//     and the container lock. A process blocked in flock on that directory
//     then wakes holding a lock on a removed inode. So after every flock,
//     Acquire checks that the locked directory is still the one at
//     <root>/<id> (same dev and inode, nlink > 0). A removed directory means
//     the container is gone: NotFound. A different directory means a new
//     container of the same ID replaced it: Acquire starts over.
//   * Nobody waits for a busy container lock while holding the root lock
//     (StateStore::LockRootAndContainer drops the root lock to wait), so a
//     slow container operation cannot stall creates of other containers.
//     The one exception is CreateExclusive locking the directory it has
//     just made, which others hold only for as long as it takes them to
//     find it has no meta.json.
#ifndef RUNBOX_RUNTIME_STATE_LOCK_H_
#define RUNBOX_RUNTIME_STATE_LOCK_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/fd.h"
#include "hostapi/host.h"

namespace runbox {

enum class LockType { kShared, kExclusive };
enum class LockMode {
  kBlock,  // Wait for the lock.
  kTry,    // Fail at once (kUnavailable with EAGAIN) when it is held.
};

// Counts the container locks a process holds through one StateStore, so
// that taking the root lock after a container lock (the wrong order) is
// caught as a bug instead of a rare deadlock. Shared by the store and its
// locks.
struct LockOrderTracker {
  int container_locks_held = 0;
};

class RootLock {
 public:
  // Opens (creating when missing, mode 0600) and flocks <root>/.runbox.lock.
  // `root_dir` is the state root's directory fd. EINTR is retried.
  // Preconditions: the caller holds no ContainerLock.
  static absl::StatusOr<RootLock> Acquire(Host& host, const Fd& root_dir,
                                          LockType type, LockMode mode);

  RootLock(RootLock&&) = default;
  RootLock& operator=(RootLock&&) = default;

  LockType type() const { return type_; }
  // Unlocks now (closing the fd), before destruction.
  void Release() { fd_.Reset(); }
  bool held() const { return fd_.valid(); }

 private:
  RootLock(Fd fd, LockType type) : fd_(std::move(fd)), type_(type) {}

  Fd fd_;
  LockType type_;
};

class ContainerLock {
 public:
  // Opens <root>/<id> and flocks it, then checks it is still the live
  // container directory (see the protocol above). Errors:
  //   NotFound `container "x" does not exist` when there is no such
  //   directory or it was removed while we waited;
  //   Unavailable (EAGAIN) `container "x" is locked by another process`
  //   with kTry.
  // `id` must be valid (container_id.h). `tracker` may be null.
  // Preconditions: a caller that also needs the root lock holds it already.
  static absl::StatusOr<ContainerLock> Acquire(
      Host& host, const Fd& root_dir, absl::string_view id, LockType type,
      LockMode mode, std::shared_ptr<LockOrderTracker> tracker = nullptr);

  ContainerLock(ContainerLock&& other) noexcept;
  ContainerLock& operator=(ContainerLock&& other) noexcept;
  ~ContainerLock();

  const std::string& id() const { return id_; }
  LockType type() const { return type_; }
  // The container directory (O_RDONLY|O_DIRECTORY), for *at calls and for
  // fsync. It is the locked fd: closing it unlocks.
  const Fd& dir() const { return dir_; }
  // Device and inode of the locked directory, as verified at Acquire.
  uint64_t dev() const { return dev_; }
  uint64_t ino() const { return ino_; }
  void Release();
  bool held() const { return dir_.valid(); }

 private:
  ContainerLock(std::string id, Fd dir, LockType type, uint64_t dev,
                uint64_t ino, std::shared_ptr<LockOrderTracker> tracker);

  std::string id_;
  Fd dir_;
  LockType type_;
  uint64_t dev_ = 0;
  uint64_t ino_ = 0;
  std::shared_ptr<LockOrderTracker> tracker_;
};

// The runc wording clients parse: `container "x" does not exist`.
absl::Status ContainerNotFoundError(absl::string_view id);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_LOCK_H_
