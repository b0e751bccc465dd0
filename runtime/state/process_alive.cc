// IsAlive: one GetProcessIdentity call and a comparison; see the header for
// why zombies count and errors are not swallowed.
#include "runtime/state/process_alive.h"

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox {

absl::StatusOr<bool> IsAlive(Processes& processes,
                             const ProcessIdentity& identity) {
  if (identity.pid.value <= 0) return false;
  absl::StatusOr<ProcessIdentity> now =
      processes.GetProcessIdentity(identity.pid);
  if (IsErrno(now, ESRCH) || IsErrno(now, ENOENT)) return false;
  if (!now.ok()) {
    return Annotate(now.status(),
                    absl::StrCat("check process ", identity.pid.value));
  }
  return now->start_time == identity.start_time;
}

}  // namespace runbox
