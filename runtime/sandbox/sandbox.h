// Entry points of runbox's internal subcommands: the resident sandbox
// supervisor (`runbox supervise`) and the container's init (`runbox init`),
// both re-executed from a sealed copy of the runbox binary. `runbox create`
// starts the first; the first starts the second. See docs/lifecycle.md.
#ifndef RUNBOX_RUNTIME_SANDBOX_SANDBOX_H_
#define RUNBOX_RUNTIME_SANDBOX_SANDBOX_H_

#include <string>
#include <vector>

#include "hostapi/host.h"

namespace runbox {

// `args` are the words after the subcommand name. Both return the process
// exit code (the supervisor mirrors init's; it re-raises a fatal signal
// before it would return).
int SupervisorMain(Host& host, const std::vector<std::string>& args);
int InitMain(Host& host, const std::vector<std::string>& args);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_SANDBOX_H_
