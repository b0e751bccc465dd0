// `flock`(2) on descriptions of the simulated file system. The lock belongs
// to the description (the OpenFile object), so dup'd fds share it and the
// FileDescription destructor releases it. Never blocks: FakeHost parks a
// blocking locker and retries when FlockWouldBlock turns false.
#include <cerrno>

#include "fakes/fs/file_description.h"
#include "fakes/fs/file_system.h"
#include "fakes/fs/fs_impl.h"
#include "fakes/fs/inode.h"
#include "hostapi/status.h"

namespace runbox::fake {

absl::Status FileSystem::Flock(OpenFile& file, LockOp op) {
  FileDescription* desc = AsOurs(file);
  // Only files of this file system carry locks in the fake; flock on a
  // pipe or socket (legal on Linux) is not modelled.
  if (!desc) return ErrnoError(EINVAL, "flock: not a file-system fd");
  if (desc->path_only()) return ErrnoError(EBADF, "flock: O_PATH fd");
  Inode& inode = *desc->inode();
  const OpenFile* holder = desc;
  if (op == LockOp::kUnlock) {
    inode.FlockRelease(holder);
    return absl::OkStatus();
  }
  if (op == LockOp::kShared && inode.flock_shared.contains(holder)) {
    return absl::OkStatus();
  }
  if (op == LockOp::kExclusive && inode.flock_exclusive == holder) {
    return absl::OkStatus();
  }
  // Conversion is not atomic on Linux (flock_lock_inode): the old lock is
  // gone before the conflict check, and stays gone on EAGAIN.
  inode.FlockRelease(holder);
  if (inode.FlockConflicts(holder, op)) {
    return ErrnoError(EAGAIN, "flock: held by another description");
  }
  if (op == LockOp::kShared) {
    inode.flock_shared.insert(holder);
  } else {
    inode.flock_exclusive = holder;
  }
  return absl::OkStatus();
}

bool FileSystem::FlockWouldBlock(OpenFile& file, LockOp op) const {
  const FileDescription* desc = AsOurs(file);
  if (!desc || desc->path_only()) return false;  // Flock fails at once.
  return desc->inode()->FlockConflicts(desc, op);
}

}  // namespace runbox::fake
