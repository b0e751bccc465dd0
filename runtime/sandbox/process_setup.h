// Container-wide process attributes init sets from inside the container's
// namespaces (sysctls), and the per-process ones every container process
// gets before its exec (see exec_process.h).
#ifndef RUNBOX_RUNTIME_SANDBOX_PROCESS_SETUP_H_
#define RUNBOX_RUNTIME_SANDBOX_PROCESS_SETUP_H_

#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// linux.sysctl, written through the container's own /proc/sys.
absl::Status ApplyContainerSysctls(Host& host, const spec::Config& config);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_PROCESS_SETUP_H_
