// runbox's entry point: `runbox::Main(Host&, argv)`. main() on Linux
// (runbox_main.cc) and the fake kernel's "runbox" program (fake_runbox.h)
// both call it, so the supervisor and init re-executed from the runbox
// binary run the same code on both hosts (DESIGN.md "The host API").
#ifndef RUNBOX_RUNTIME_CLI_MAIN_H_
#define RUNBOX_RUNTIME_CLI_MAIN_H_

#include <string>
#include <vector>

#include "hostapi/host.h"

namespace runbox {

// Parses `argv` (argv[0] is the program), runs the command and returns the
// process exit code, as runc's: 0 on success, 1 on any error (reported once,
// see cli/logger.h), or the container's exit code for a waiting `run` or
// `exec`. The internal `supervise` and `init` commands return their owners'
// codes.
int Main(Host& host, const std::vector<std::string>& argv);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_CLI_MAIN_H_
