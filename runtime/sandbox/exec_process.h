// The last steps of every container process, for init and for exec: umask,
// working directory, then `execve`(2) of process.args with execvp(3)'s PATH
// search in the container's environment.
#ifndef RUNBOX_RUNTIME_SANDBOX_EXEC_PROCESS_H_
#define RUNBOX_RUNTIME_SANDBOX_EXEC_PROCESS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// The path execvp(3) would run for `name` under `env`'s PATH (runc's
// default PATH when there is none): `name` itself when it has a slash,
// else the first regular, executable file found. ENOENT when none.
absl::StatusOr<std::string> FindExecutable(Files& files, absl::string_view name,
                                           const std::vector<std::string>& env);

// Returns only on failure.
absl::Status ExecUserProcess(Host& host, const spec::Process& process);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_EXEC_PROCESS_H_
