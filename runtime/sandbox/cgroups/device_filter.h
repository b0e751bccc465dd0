// linux.resources.devices as a cgroup v2 device filter: the eBPF program
// (BPF_PROG_TYPE_CGROUP_DEVICE) runc attaches to a container's v2 cgroup,
// generated as runc generates it (libcontainer/cgroups/devices: the rules
// are first run through runc's devices-cgroup emulator, so v2 enforces what
// v1 would, then each remaining exception becomes one block of compares).
// Pure: the host call that loads and attaches it is Cgroups::
// CgroupAttachDeviceFilter.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_DEVICE_FILTER_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_DEVICE_FILTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/spec/config.h"

namespace runbox::cgroups {

// One eBPF instruction, the fields of the kernel's struct bpf_insn.
struct BpfInsn {
  uint8_t code = 0;
  uint8_t dst = 0;  // Register numbers, 0-10.
  uint8_t src = 0;
  int16_t off = 0;
  int32_t imm = 0;
  bool operator==(const BpfInsn&) const = default;
};

// The 8-byte little-endian records `bpf`(2) BPF_PROG_LOAD takes.
std::vector<uint8_t> EncodeBpf(absl::Span<const BpfInsn> insns);

struct DeviceFilter {
  std::vector<BpfInsn> insns;
  // The program's license (runc's: the generator comes from crun, relicensed
  // Apache-2.0).
  std::string license = "Apache";
  // Whether accesses no exception covers are allowed (the rules' last
  // reset was an allow-all), for logs and tests.
  bool default_allow = false;

  std::vector<uint8_t> Bytes() const { return EncodeBpf(insns); }
};

// The filter for `rules`, applied in order from a cgroup that denies
// everything (runc's emulator starts so): a rule of type "a" (any numbers,
// any access) resets to deny-all or allow-all; any other rule adds or
// removes an exception to the current default, merging access letters per
// (type, major, minor), so the last rule for a device wins. Empty access
// means "rwm", as for v1's devices.allow. The program allows an access only
// when one exception covers all of its bits (as the v1 kernel matches).
// InvalidArgument, as runc's emulator refuses it, for removing access that
// a wider wildcard exception grants ("cannot punch a hole"), for an access
// letter other than r, w, m, and for a major or minor outside 0..2^32-1.
absl::StatusOr<DeviceFilter> CompileDeviceFilter(
    const std::vector<spec::DeviceRule>& rules);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_DEVICE_FILTER_H_
