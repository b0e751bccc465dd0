// seccomp(2) and the process attributes that must be set with it. The filter
// arrives compiled (classic BPF, as libseccomp exports it); translating the
// OCI spec into it is runtime/ logic and needs no host call.
#ifndef RUNBOX_HOSTAPI_SECCOMP_H_
#define RUNBOX_HOSTAPI_SECCOMP_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hostapi/bitmask.h"
#include "hostapi/fd.h"

namespace runbox {

// SECCOMP_FILTER_FLAG_*.
enum class SeccompFlags : uint32_t {
  kNone = 0,
  kTsync = 1 << 0,
  kLog = 1 << 1,
  kSpecAllow = 1 << 2,
  kNewListener = 1 << 3,
  kWaitKillableRecv = 1 << 4,
};
RUNBOX_BITMASK_OPS(SeccompFlags)

class Seccomp {
 public:
  virtual ~Seccomp() = default;

  // prctl(PR_SET_NO_NEW_PRIVS, 1).
  virtual absl::Status SetNoNewPrivs() = 0;
  // seccomp(SECCOMP_SET_MODE_FILTER): `program` is an array of struct
  // sock_filter (8 bytes each). With kNewListener, returns the notify
  // listener fd; otherwise an invalid Fd.
  virtual absl::StatusOr<Fd> SetSeccompFilter(
      absl::Span<const uint8_t> program, SeccompFlags flags) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_SECCOMP_H_
