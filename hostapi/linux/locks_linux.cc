// LinuxHost's Locks: flock(2). A blocking lock restarts on EINTR, so a
// signal that runbox does not handle never surfaces as a lock failure.
#include <sys/file.h>

#include <cerrno>

#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"

namespace runbox {

absl::Status LinuxHost::Flock(const Fd& fd, LockOp op, LockWait wait) {
  int kernel_op = 0;
  switch (op) {
    case LockOp::kShared:
      kernel_op = LOCK_SH;
      break;
    case LockOp::kExclusive:
      kernel_op = LOCK_EX;
      break;
    case LockOp::kUnlock:
      kernel_op = LOCK_UN;
      break;
  }
  if (wait == LockWait::kTry) kernel_op |= LOCK_NB;
  while (true) {
    int rc = flock(fd.get(), kernel_op);
    int err = errno;
    if (rc == 0) return absl::OkStatus();
    if (err == EINTR) continue;
    return linux_internal::FdError(err, "flock", fd.get());
  }
}

}  // namespace runbox
