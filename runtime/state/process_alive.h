// Whether a recorded process still runs (DESIGN.md "State and locking"
// invariant 4): identity is pid plus start time, never kill(pid, 0) alone,
// so a pid the kernel has since given to another process is not "running".
#ifndef RUNBOX_RUNTIME_STATE_PROCESS_ALIVE_H_
#define RUNBOX_RUNTIME_STATE_PROCESS_ALIVE_H_

#include "absl/status/statusor.h"
#include "hostapi/processes.h"
#include "hostapi/types.h"

namespace runbox {

// True when a process with `identity.pid` exists and started at
// `identity.start_time`; false when the pid is gone or now names another
// process. A pid <= 0 is never alive (kill(0 or -n) means a process group).
//
// A zombie counts as alive: it still holds its pid and identity, and the
// host API cannot tell it from a running process (GetProcessIdentity works
// for zombies, as /proc/<pid>/stat does). That is safe here because no
// runbox decision rests on it alone: a container's end is known from its
// durable exit record (exit_record.h), which the supervisor writes before
// it exits and which `state` consults first.
//
// Errors other than "no such process" (ESRCH) are returned, not guessed:
// an unreadable /proc does not make a container stopped.
absl::StatusOr<bool> IsAlive(Processes& processes,
                             const ProcessIdentity& identity);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_PROCESS_ALIVE_H_
