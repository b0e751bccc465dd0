// EnosysStub (internal.h): per listed architecture, "syscall number above
// the profile's largest → ERRNO(ENOSYS)", in classic BPF that falls
// through to the libseccomp filter appended after it.
#include <linux/filter.h>
#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "runtime/sandbox/seccomp/internal.h"

namespace runbox::seccomp_internal {
namespace {

// struct seccomp_data offsets.
constexpr uint32_t kNrOffset = 0;
constexpr uint32_t kArchOffset = 4;
// x32 syscalls run under AUDIT_ARCH_X86_64 with this bit in their number.
constexpr uint32_t kX32SyscallBit = 0x40000000;

// The largest syscall numbers the profile names, for one AUDIT_ARCH value
// (x86_64 and x32 share one, told apart by kX32SyscallBit).
struct ArchLimits {
  uint32_t audit_arch = 0;
  std::optional<uint32_t> max_nr;   // Every arch but x32.
  std::optional<uint32_t> max_x32;  // x32, under AUDIT_ARCH_X86_64.
};

bool AllowsByDefault(spec::SeccompAction action) {
  // A tracer can answer new syscalls itself (runc's reasoning).
  return action == spec::SeccompAction::kAllow ||
         action == spec::SeccompAction::kLog ||
         action == spec::SeccompAction::kTrace;
}

class Assembler {
 public:
  void Stmt(uint16_t code, uint32_t k) { insns_.push_back({code, 0, 0, k}); }
  void Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
    insns_.push_back({code, jt, jf, k});
  }
  // Unconditional jump to the first instruction after the stub.
  void JumpToFilter() {
    to_filter_.push_back(insns_.size());
    Stmt(BPF_JMP | BPF_JA, 0);
  }
  // nr > max → ERRNO(ENOSYS), else the filter.
  void EnosysAbove(uint32_t max) {
    Jump(BPF_JMP | BPF_JGT | BPF_K, max, 0, 1);
    Stmt(BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS));
    JumpToFilter();
  }
  size_t size() const { return insns_.size(); }
  sock_filter& at(size_t i) { return insns_[i]; }

  std::vector<uint8_t> Finish() {
    for (size_t i : to_filter_) {
      insns_[i].k = static_cast<uint32_t>(insns_.size() - (i + 1));
    }
    std::vector<uint8_t> bytes(insns_.size() * sizeof(sock_filter));
    std::memcpy(bytes.data(), insns_.data(), bytes.size());
    return bytes;
  }

 private:
  std::vector<sock_filter> insns_;
  std::vector<size_t> to_filter_;
};

}  // namespace

std::vector<uint8_t> EnosysStub(const spec::Seccomp& seccomp) {
  if (AllowsByDefault(seccomp.default_action)) return {};
  std::vector<ArchLimits> archs;
  for (spec::SeccompArch arch : seccomp.architectures) {
    uint32_t token = ArchToken(arch);
    std::optional<uint32_t> max;
    for (const spec::SeccompSyscall& rule : seccomp.syscalls) {
      for (const std::string& name : rule.names) {
        // Negative: unknown, or a pseudo-number for a name this arch lacks.
        int nr = seccomp_syscall_resolve_name_arch(token, name.c_str());
        if (nr < 0) continue;
        max = std::max(max.value_or(0), static_cast<uint32_t>(nr));
      }
    }
    if (!max.has_value()) continue;
    bool x32 = token == SCMP_ARCH_X32;
    uint32_t audit_arch = x32 ? SCMP_ARCH_X86_64 : token;
    auto it = std::find_if(archs.begin(), archs.end(), [&](const auto& a) {
      return a.audit_arch == audit_arch;
    });
    if (it == archs.end()) {
      archs.push_back({audit_arch});
      it = archs.end() - 1;
    }
    (x32 ? it->max_x32 : it->max_nr) = *max;
  }

  Assembler as;
  for (const ArchLimits& arch : archs) {
    // Not this arch: on to the next block (its jf is patched below).
    as.Stmt(BPF_LD | BPF_W | BPF_ABS, kArchOffset);
    size_t check = as.size();
    as.Jump(BPF_JMP | BPF_JEQ | BPF_K, arch.audit_arch, 0, 0);
    as.Stmt(BPF_LD | BPF_W | BPF_ABS, kNrOffset);
    if (arch.audit_arch == SCMP_ARCH_S390 ||
        arch.audit_arch == SCMP_ARCH_S390X) {
      // s390 multiplexes large syscall numbers through number 0 (the long
      // gone setup(2)), which is what an unknown one arrives as.
      as.Jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
      as.Stmt(BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS));
    }
    if (arch.audit_arch == SCMP_ARCH_X86_64) {
      size_t mode = as.size();
      as.Jump(BPF_JMP | BPF_JSET | BPF_K, kX32SyscallBit, 0, 0);
      size_t native_start = as.size();
      if (arch.max_nr.has_value()) {
        as.EnosysAbove(*arch.max_nr);
      } else {
        as.JumpToFilter();
      }
      as.at(mode).jt = static_cast<uint8_t>(as.size() - native_start);
      if (arch.max_x32.has_value()) {
        as.EnosysAbove(*arch.max_x32);
      } else {
        as.JumpToFilter();
      }
    } else {
      as.EnosysAbove(*arch.max_nr);
    }
    as.at(check).jf = static_cast<uint8_t>(as.size() - (check + 1));
  }
  if (as.size() == 0) return {};
  return as.Finish();
}

}  // namespace runbox::seccomp_internal
