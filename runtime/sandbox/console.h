// The container's console (`process.terminal`): a pty opened inside the
// container, its master sent over the --console-socket connection with
// SCM_RIGHTS (as runc does), its replica made the process's stdio and
// controlling terminal and bind-mounted on /dev/console.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONSOLE_H_
#define RUNBOX_RUNTIME_SANDBOX_CONSOLE_H_

#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// Called by init after PrepareRootfs. A no-op unless `process.terminal`;
// `console_socket_fd` is the inherited connection (-1 when none).
absl::Status SetupConsole(Host& host, const spec::Process& process,
                          int console_socket_fd);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_CONSOLE_H_
