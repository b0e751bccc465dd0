// A classic-BPF interpreter for seccomp filters, for tests: runs a program
// the way the kernel's seccomp does over one struct seccomp_data and
// returns the filter's verdict (SECCOMP_RET_*, equal to libseccomp's
// SCMP_ACT_* values), so tests can assert what a filter does rather than
// how libseccomp laid it out.
#ifndef RUNBOX_RUNTIME_SANDBOX_SECCOMP_BPF_EVAL_H_
#define RUNBOX_RUNTIME_SANDBOX_SECCOMP_BPF_EVAL_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace runbox::seccomp_testing {

// struct seccomp_data, field for field.
struct SeccompData {
  int32_t nr = 0;
  uint32_t arch = 0;
  uint64_t instruction_pointer = 0;
  uint64_t args[6] = {};
};

// Runs `program` (struct sock_filter[] bytes). Fails on what the kernel's
// checker would reject: an unknown opcode, a jump or load out of bounds,
// division by zero, or falling off the end.
absl::StatusOr<uint32_t> RunSeccompBpf(absl::Span<const uint8_t> program,
                                       const SeccompData& data);

}  // namespace runbox::seccomp_testing

#endif  // RUNBOX_RUNTIME_SANDBOX_SECCOMP_BPF_EVAL_H_
