// Container-wide process attributes init sets from inside the container's
// namespaces (sysctls), and the per-process ones every container process
// gets before its exec: rlimits, the OOM score, the privilege drop (user,
// groups, the five capability sets) and the personality. The order they are
// applied in, and the last steps (cwd, seccomp, exec), are exec_process.h's.
#ifndef RUNBOX_RUNTIME_SANDBOX_PROCESS_SETUP_H_
#define RUNBOX_RUNTIME_SANDBOX_PROCESS_SETUP_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// linux.sysctl, written through the container's own /proc/sys. The host
// refuses keys with "..", and targets that are not procfs (a bind mount
// over /proc/sys/..., the CVE-2025-52881 class).
absl::Status ApplyContainerSysctls(Host& host, const spec::Config& config);

// process.rlimits, each with `prlimit`(2). Called before the privilege drop:
// raising a hard limit needs CAP_SYS_RESOURCE.
absl::Status ApplyRlimits(Host& host, const std::vector<spec::Rlimit>& limits);

// process.oomScoreAdj, when present (absent: inherit). Lowering it needs
// CAP_SYS_RESOURCE, so this too comes before the drop.
absl::Status ApplyOomScoreAdj(Host& host, const spec::Process& process);

// The capability sets a process ends with, as bit masks (bit n = capability
// n). An absent process.capabilities means every set empty, bounding
// included, as runc does (libcontainer finalizeNamespace starts from an
// empty Capabilities): the spec gives no default, and granting root's full
// set to a config that names none would be the unsafe reading.
struct WantedCapabilities {
  uint64_t bounding = 0;
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
  uint64_t ambient = 0;
};
WantedCapabilities WantedCapabilitiesOf(const spec::Process& process);

// The bounding-set half of the drop: every capability 0..LastCapability()
// that `wanted.bounding` does not list and the bounding set still has.
// Needs CAP_SETPCAP, so it runs while the process is still root.
absl::Status DropBoundingSet(Host& host, const WantedCapabilities& wanted);

// Becomes process.user and takes the wanted capability sets, runc's
// sequence: keep-caps on, `setgroups`(additionalGids) (skipped when the user
// namespace denies it and none were asked for), setresgid, setresuid,
// keep-caps off, `capset`(effective, permitted, inheritable), then the
// ambient set cleared and raised cap by cap. `between` runs after the ids
// change and before the capabilities are set (the cwd retry as the
// container's user).
absl::Status BecomeUser(Host& host, const spec::User& user,
                        const WantedCapabilities& wanted,
                        absl::FunctionRef<absl::Status()> between);

// linux.personality: `personality`(2) with PER_LINUX or PER_LINUX32.
absl::Status ApplyPersonality(Host& host, const spec::Personality& persona);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_PROCESS_SETUP_H_
