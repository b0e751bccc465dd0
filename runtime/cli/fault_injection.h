// A testing hook for real-host chaos: RUNBOX_FAULT_PLAN in the environment
// makes one runbox role (a command such as "create", or the internal
// "supervise" / "init") run on a FaultyHost over its real host, so a test
// can SIGKILL the supervisor at its host call k without a debugger. It has
// no effect unless the variable is set, and the container's own processes
// never see it (they get process.env only).
//
//   RUNBOX_FAULT_PLAN="kill-at=37,role=supervise"
//
// kill-at=K   SIGKILL the process at its host call K (1-based)
// role=NAME   only processes whose argv names NAME as its command
#ifndef RUNBOX_RUNTIME_CLI_FAULT_INJECTION_H_
#define RUNBOX_RUNTIME_CLI_FAULT_INJECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox {

inline constexpr char kFaultPlanVariable[] = "RUNBOX_FAULT_PLAN";

struct FaultInjection {
  uint64_t kill_at = 0;
  std::string role;
};

// Parses the variable's value; an error names the bad part.
absl::StatusOr<FaultInjection> ParseFaultInjection(absl::string_view text);

// The command word of a runbox argv: the first argument after the global
// flags ("runbox --root R create ..." gives "create").
std::string CommandOf(const std::vector<std::string>& argv);

// A FaultyHost over `host` when the environment asks for one for this argv,
// else nullptr. A malformed variable is reported on stderr and ignored.
std::unique_ptr<Host> MaybeInjectFaults(Host& host,
                                        const std::vector<std::string>& argv);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_CLI_FAULT_INJECTION_H_
