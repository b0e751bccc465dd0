// A sealed in-memory copy of the running runbox binary. The supervisor and
// init are re-executed from it, never from a path: a container that could
// reach the binary through /proc/<pid>/exe gets only the sealed copy, which
// cannot be written (DESIGN.md security rules, the CVE-2019-5736 class).
#ifndef RUNBOX_RUNTIME_SANDBOX_SELF_EXE_H_
#define RUNBOX_RUNTIME_SANDBOX_SELF_EXE_H_

#include "absl/status/statusor.h"
#include "hostapi/host.h"

namespace runbox {

// memfd_create + a copy of /proc/self/exe + every seal.
absl::StatusOr<Fd> SealedCopyOfSelf(Host& host);

// A sealed memfd holding `bytes` (config.json handed to the supervisor).
absl::StatusOr<Fd> SealedMemfd(Host& host, absl::string_view name,
                               absl::string_view bytes);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_SELF_EXE_H_
