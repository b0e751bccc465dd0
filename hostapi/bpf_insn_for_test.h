// struct bpf_insn records written out by hand, for tests that hand a cgroup
// device program to a host (the contract suite, the fake kernel's
// interpreter): hostapi/ and fakes/ cannot use runtime/'s generator.
#ifndef RUNBOX_HOSTAPI_BPF_INSN_FOR_TEST_H_
#define RUNBOX_HOSTAPI_BPF_INSN_FOR_TEST_H_

#include <cstdint>
#include <vector>

namespace runbox {

// One instruction: opcode, dst/src registers (src in the high nibble),
// offset and immediate, as the kernel's struct bpf_insn lays them out.
struct BpfInsn {
  uint8_t code, regs;
  int16_t off;
  int32_t imm;
};

// The instructions as the little-endian bytes the kernel loads.
inline std::vector<uint8_t> EncodeBpf(const std::vector<BpfInsn>& insns) {
  std::vector<uint8_t> out;
  for (const BpfInsn& i : insns) {
    const uint32_t imm = static_cast<uint32_t>(i.imm);
    const uint16_t off = static_cast<uint16_t>(i.off);
    out.insert(out.end(),
               {i.code, i.regs, static_cast<uint8_t>(off),
                static_cast<uint8_t>(off >> 8), static_cast<uint8_t>(imm),
                static_cast<uint8_t>(imm >> 8), static_cast<uint8_t>(imm >> 16),
                static_cast<uint8_t>(imm >> 24)});
  }
  return out;
}

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_BPF_INSN_FOR_TEST_H_
