// The last steps of every container process, for init and for exec: the
// per-process attributes of process_setup.h in runc's order (its
// standard_init_linux.go and finalizeNamespace), the working directory,
// seccomp, then `execve`(2) of process.args with `execvp`(3)'s PATH search in
// the container's environment.
#ifndef RUNBOX_RUNTIME_SANDBOX_EXEC_PROCESS_H_
#define RUNBOX_RUNTIME_SANDBOX_EXEC_PROCESS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/config.h"

namespace runbox {

// The path `execvp`(3) would run for `name` under `env`'s PATH (runc's
// default PATH when there is none): `name` itself when it has a slash,
// else the first regular, executable file found. ENOENT when none.
absl::StatusOr<std::string> FindExecutable(Files& files, absl::string_view name,
                                           const std::vector<std::string>& env);

// Whether process.args[0] names a program that can run, checked as runc
// checks it before create returns (so a missing program fails create, not
// start): a name without a slash is looked up in process.env's PATH, else
// the file (relative to process.cwd unless absolute) must exist (ENOENT)
// and be a non-directory with an execute bit (EACCES). Call it with the
// container's root as "/".
absl::Status CheckProgram(Files& files, const spec::Process& process);

// process.env with HOME added when it is unset or empty, as runc does: the
// home directory /etc/passwd of the container gives `uid` (read safely: a
// regular file, bounded, no magic links), else "/". Call it with the
// container's root as "/".
std::vector<std::string> EnvironmentWithHome(
    Host& host, const std::vector<std::string>& env, Uid uid);

// Changes to `cwd` (relative to the container's root, "/" when empty) and
// checks that the result lies inside the root. Magic links are refused
// outright, and `getcwd`(3) must give a path from the root, so a cwd such
// as "/proc/self/fd/N" naming a directory fd of the host that init holds
// cannot put the process outside its root (CVE-2024-21626).
absl::Status EnterWorkingDirectory(Host& host, absl::string_view cwd);

// One container process to exec: its process object and the container-wide
// settings every process of the container gets.
struct ContainerProcess {
  const spec::Process* process = nullptr;
  // linux.seccomp, compiled and its agent connected (PrepareSeccomp) while
  // listenerPath still resolved, before the root changed.
  PreparedSeccomp* seccomp = nullptr;
  const spec::Personality* personality = nullptr;  // linux.personality
  // The container's state, for the seccomp agent (SeccompProcessState).
  std::string state_json;
  // Runs last, right before the exec, with the process's final privileges
  // and seccomp filter: init's startContainer hooks, where runc runs them.
  std::function<absl::Status()> before_exec;
};

// Applies, in order: oomScoreAdj, rlimits, HOME, no_new_privs, seccomp when
// no_new_privs is off (installing a filter then needs CAP_SYS_ADMIN, which
// the drop takes away), umask, the chdir as root, the bounding set, user
// and groups, the chdir again as the user if root was refused, the
// capability sets, personality, the PATH search (as the user, as execvp
// would), seccomp when no_new_privs is on (as late as possible, so the
// filter need not allow what runbox itself calls), then the exec. Each
// chdir is checked (EnterWorkingDirectory).
//
// `before_exec` runs after all of it, as runc runs the startContainer
// hooks: as the container's user, with its capabilities and its seccomp
// filter. The state the seccomp agent gets is the caller's `state_json`.
//
// fds: the process keeps 0-2 and the preserved fds (3..), which its parent
// mapped in without close-on-exec; every fd the host API opens is
// close-on-exec (hostapi/files.h), and Spawn closes all others, so nothing
// else reaches the program. Returns only on failure.
absl::Status ExecUserProcess(Host& host, const ContainerProcess& target);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_EXEC_PROCESS_H_
