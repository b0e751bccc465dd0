// File locks: flock(2), which belongs to the open file description and is
// released when its last fd closes (and so when its holder dies). runbox's
// root and container locks are flocks on lock files.
#ifndef RUNBOX_HOSTAPI_LOCKS_H_
#define RUNBOX_HOSTAPI_LOCKS_H_

#include "absl/status/status.h"
#include "hostapi/fd.h"

namespace runbox {

enum class LockOp { kShared, kExclusive, kUnlock };
enum class LockWait { kBlock, kTry };

class Locks {
 public:
  virtual ~Locks() = default;

  // flock(2). kTry fails with EAGAIN (EWOULDBLOCK) instead of waiting.
  // Converting a held lock (shared <-> exclusive) is allowed and, as on
  // Linux, not atomic: the old lock is dropped before the new one is taken.
  virtual absl::Status Flock(const Fd& fd, LockOp op, LockWait wait) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_LOCKS_H_
