// The container's seccomp filter (runtime-spec config-linux.md "Seccomp"):
// `linux.seccomp` compiled to classic BPF with libseccomp, loaded with
// seccomp(2), and, for SCMP_ACT_NOTIFY rules, the listener fd handed to the
// agent at `listenerPath` with the container process state. When to load it
// (relative to no_new_privs, the capability drop and exec) is the caller's
// business: runtime/sandbox/exec_process.cc.
#ifndef RUNBOX_RUNTIME_SANDBOX_SECCOMP_SECCOMP_H_
#define RUNBOX_RUNTIME_SANDBOX_SECCOMP_SECCOMP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// A filter ready for Seccomp::SetSeccompFilter.
struct SeccompProgram {
  // struct sock_filter[] in host byte order, as seccomp(2) takes it.
  std::vector<uint8_t> bpf;
  // The spec's `flags`, plus kNewListener when a rule uses SCMP_ACT_NOTIFY.
  SeccompFlags flags = SeccompFlags::kNone;
  // Syscall names neither libseccomp nor this kernel's tables know, skipped
  // as runc skips them (a profile written for a newer kernel still loads);
  // each once, in spec order, for the caller to log.
  std::vector<std::string> unknown_syscalls;
};

// Compiles `seccomp` (already validated by spec::Validate). Errors name the
// JSON path under "linux.seccomp" (`linux.seccomp.syscalls[3].names[0]:
// ...`). Rules whose action equals the default action are dropped (they
// change nothing, and libseccomp refuses them). With a denying default
// action, syscalls numbered above every one the profile names get ENOSYS,
// as runc's filters give (enosys_stub.cc). The filter does not set
// no_new_privs: the caller does that when process.noNewPrivileges asks.
// Makes no host call: libseccomp works in this process's memory (see
// hostapi/linux/library_output.h for the one scratch fd it needs).
absl::StatusOr<SeccompProgram> CompileSeccompProgram(
    const spec::Seccomp& seccomp);

// Just the BPF of CompileSeccompProgram.
absl::StatusOr<std::vector<uint8_t>> CompileSeccomp(
    const spec::Seccomp& seccomp);

// True when some rule uses SCMP_ACT_NOTIFY, so loading the filter yields a
// listener fd for the agent at `listenerPath`.
bool SeccompNotifies(const spec::Seccomp& seccomp);

// The container process state sent to the seccomp agent (config-linux.md
// "The Container Process State"): {"ociVersion", "fds": ["seccompFd"],
// "pid", "metadata" (when set), "state"}. `state_json` is the container's
// OCI state document (runtime.md "State", status "creating"), whose "pid"
// is also the top-level "pid".
absl::StatusOr<std::string> SeccompProcessState(
    absl::string_view state_json, absl::string_view listener_metadata);

// The two halves of ApplySeccomp, for a caller whose file system view
// changes in between: `listenerPath` is a path in the runtime's mount
// namespace, which the container's init no longer sees after pivot_root,
// while the filter must be loaded as late as possible, just before exec.
struct PreparedSeccomp {
  SeccompProgram program;
  // Connected to `listenerPath` when the filter notifies; otherwise
  // invalid. Connecting before loading also keeps socket(2) and connect(2)
  // out of the filter's reach.
  Fd agent;
  std::string listener_metadata;
};

// Compiles and, when the filter notifies, connects to the agent. Call it
// while `listenerPath` resolves (before pivot_root). No process state
// changes; on failure nothing is left open.
absl::StatusOr<PreparedSeccomp> PrepareSeccomp(Host& host,
                                               const spec::Seccomp& seccomp);

// Loads the filter (seccomp(2) with the spec's flags), then, when it
// notifies, sends the container process state built from `state_json` and
// the listener fd (SCM_RIGHTS) to the agent and closes both: the spec wants
// exactly one state per connection, and the container must not inherit the
// listener. The state is built before the filter is loaded, so a bad
// `state_json` fails with no filter in place. Preconditions: no_new_privs
// is set or the caller has CAP_SYS_ADMIN (else EACCES).
absl::Status LoadSeccomp(Host& host, PreparedSeccomp& prepared,
                         absl::string_view state_json);

// PrepareSeccomp then LoadSeccomp, for a caller that can reach
// `listenerPath` at load time (or has no notify rules).
absl::Status ApplySeccomp(Host& host, const spec::Seccomp& seccomp,
                          absl::string_view state_json);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_SECCOMP_SECCOMP_H_
