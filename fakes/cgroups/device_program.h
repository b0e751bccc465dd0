// A tiny interpreter for BPF_PROG_TYPE_CGROUP_DEVICE programs, for the
// simulated kernel (it runs the programs attached to a cgroup when a member
// opens a device node) and for tests of runtime/'s program generator. It
// knows only the instructions a device filter needs (32-bit loads from the
// context, 32-bit ALU mov/and/or/rsh/lsh, 64-bit conditional jumps, exit)
// and refuses anything else, as the fake refuses what it does not model.
// Independent of the generator on purpose: its opcode table is written from
// the kernel's instruction-set document, not shared with runtime/.
#ifndef RUNBOX_FAKES_CGROUPS_DEVICE_PROGRAM_H_
#define RUNBOX_FAKES_CGROUPS_DEVICE_PROGRAM_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace runbox::fake {

// struct bpf_cgroup_dev_ctx (linux/bpf.h): access_type is
// (access bits << 16) | device type.
inline constexpr uint32_t kBpfDevBlock = 1;
inline constexpr uint32_t kBpfDevChar = 2;
inline constexpr uint32_t kBpfAccMknod = 1;
inline constexpr uint32_t kBpfAccRead = 2;
inline constexpr uint32_t kBpfAccWrite = 4;

struct DeviceAccess {
  uint32_t type = kBpfDevChar;  // kBpfDevBlock or kBpfDevChar.
  uint32_t access = 0;          // kBpfAcc* bits.
  uint32_t major = 0;
  uint32_t minor = 0;
};

// What `bpf`(2) BPF_PROG_LOAD's verifier would say, for the subset modelled:
// EINVAL for an empty program, a length that is not a multiple of 8 bytes,
// an unknown or unmodelled instruction, a register above r10, a load
// outside the 12-byte context, a jump out of the program or backwards (no
// loops), or a path that falls off the end.
absl::Status CheckDeviceProgram(absl::Span<const uint8_t> program);

// Runs `program` (raw little-endian struct bpf_insn records) on one access:
// true when it returns non-zero (allowed). Errors as CheckDeviceProgram.
absl::StatusOr<bool> RunDeviceProgram(absl::Span<const uint8_t> program,
                                      const DeviceAccess& access);

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_CGROUPS_DEVICE_PROGRAM_H_
