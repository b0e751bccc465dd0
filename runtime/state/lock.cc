// RootLock and ContainerLock acquisition, including the check that makes
// a lock won on a destroyed container directory report NotFound instead of
// a lock on nothing (lock.h describes the protocol).
#include "runtime/state/lock.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/state/layout.h"

namespace runbox {
namespace {

// A container replaced by a new one of the same ID between our open and our
// flock, this many times in a row, is a storm of create/delete on one ID;
// give up rather than spin.
constexpr int kMaxReplacedAttempts = 16;

LockOp ToLockOp(LockType type) {
  return type == LockType::kShared ? LockOp::kShared : LockOp::kExclusive;
}

LockWait ToLockWait(LockMode mode) {
  return mode == LockMode::kTry ? LockWait::kTry : LockWait::kBlock;
}

// flock, retrying EINTR (a blocking flock is interrupted by any signal).
absl::Status FlockRetrying(Host& host, const Fd& fd, LockType type,
                           LockMode mode) {
  absl::Status s;
  do {
    s = host.Flock(fd, ToLockOp(type), ToLockWait(mode));
  } while (IsErrno(s, EINTR));
  return s;
}

// Errors of opening or stat-ing <root>/<id> that mean "no such container".
bool MeansMissing(const absl::Status& s) {
  return IsErrno(s, ENOENT) || IsErrno(s, ENOTDIR) || IsErrno(s, ELOOP);
}

}  // namespace

absl::Status ContainerNotFoundError(absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat("container \"", id, "\" does not exist"));
}

absl::StatusOr<RootLock> RootLock::Acquire(Host& host, const Fd& root_dir,
                                           LockType type, LockMode mode) {
  OpenHow how;
  how.flags = OpenFlags::kReadOnly | OpenFlags::kCreate | OpenFlags::kNoFollow;
  how.mode = StateLayout::kFileMode;
  absl::StatusOr<Fd> fd =
      host.OpenAt(root_dir, StateLayout::kRootLockFile, how);
  if (!fd.ok()) return Annotate(fd.status(), "lock state root");
  absl::Status s = FlockRetrying(host, *fd, type, mode);
  if (IsErrno(s, EAGAIN)) {
    return Annotate(s, "state root is locked by another process");
  }
  if (!s.ok()) return Annotate(s, "lock state root");
  return RootLock(std::move(*fd), type);
}

absl::StatusOr<ContainerLock> ContainerLock::Acquire(
    Host& host, const Fd& root_dir, absl::string_view id, LockType type,
    LockMode mode, std::shared_ptr<LockOrderTracker> tracker) {
  const std::string context = absl::StrCat("lock container \"", id, "\"");
  for (int attempt = 0; attempt < kMaxReplacedAttempts; ++attempt) {
    OpenHow how;
    how.flags =
        OpenFlags::kReadOnly | OpenFlags::kDirectory | OpenFlags::kNoFollow;
    absl::StatusOr<Fd> dir = host.OpenAt(root_dir, id, how);
    if (MeansMissing(dir.status())) return ContainerNotFoundError(id);
    if (!dir.ok()) return Annotate(dir.status(), context);

    absl::Status s = FlockRetrying(host, *dir, type, mode);
    if (IsErrno(s, EAGAIN)) {
      return Annotate(s, absl::StrCat("container \"", id,
                                      "\" is locked by another process"));
    }
    if (!s.ok()) return Annotate(s, context);

    // The lock is ours; is the directory still the container's?
    absl::StatusOr<FileStat> locked = host.FStat(*dir);
    if (!locked.ok()) return Annotate(locked.status(), context);
    absl::StatusOr<FileStat> current =
        host.StatAt(root_dir, id, FollowSymlinks::kNoFollow);
    // Destroyed while we waited (or before our flock).
    if (MeansMissing(current.status())) return ContainerNotFoundError(id);
    if (!current.ok()) return Annotate(current.status(), context);
    // Destroyed and created anew: lock the new one. nlink == 0 catches the
    // new directory reusing the old one's inode number (ext4 does).
    if (current->ino != locked->ino || current->dev != locked->dev ||
        locked->nlink == 0) {
      continue;
    }
    return ContainerLock(std::string(id), std::move(*dir), type, locked->dev,
                         locked->ino, std::move(tracker));
  }
  return absl::AbortedError(
      absl::StrCat(context, ": the container was replaced ",
                   kMaxReplacedAttempts, " times while locking it"));
}

ContainerLock::ContainerLock(std::string id, Fd dir, LockType type,
                             uint64_t dev, uint64_t ino,
                             std::shared_ptr<LockOrderTracker> tracker)
    : id_(std::move(id)),
      dir_(std::move(dir)),
      type_(type),
      dev_(dev),
      ino_(ino),
      tracker_(std::move(tracker)) {
  if (tracker_ != nullptr) ++tracker_->container_locks_held;
}

ContainerLock::ContainerLock(ContainerLock&& other) noexcept
    : id_(std::move(other.id_)),
      dir_(std::move(other.dir_)),
      type_(other.type_),
      dev_(other.dev_),
      ino_(other.ino_),
      tracker_(std::exchange(other.tracker_, nullptr)) {}

ContainerLock& ContainerLock::operator=(ContainerLock&& other) noexcept {
  if (this != &other) {
    Release();
    id_ = std::move(other.id_);
    dir_ = std::move(other.dir_);
    type_ = other.type_;
    dev_ = other.dev_;
    ino_ = other.ino_;
    tracker_ = std::exchange(other.tracker_, nullptr);
  }
  return *this;
}

ContainerLock::~ContainerLock() { Release(); }

void ContainerLock::Release() {
  dir_.Reset();
  if (tracker_ != nullptr) {
    --tracker_->container_locks_held;
    tracker_ = nullptr;
  }
}

}  // namespace runbox
