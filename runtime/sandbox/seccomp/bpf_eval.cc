// The interpreter of bpf_eval.h: the subset of classic BPF that seccomp
// accepts (no packet loads other than 32-bit absolute ones, which read
// struct seccomp_data).
#include "runtime/sandbox/seccomp/bpf_eval.h"

#include <linux/filter.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace runbox::seccomp_testing {

absl::StatusOr<uint32_t> RunSeccompBpf(absl::Span<const uint8_t> program,
                                       const SeccompData& data) {
  static_assert(sizeof(SeccompData) == 64, "struct seccomp_data is 64 bytes");
  if (program.empty() || program.size() % sizeof(sock_filter) != 0) {
    return absl::InvalidArgumentError("program is not whole instructions");
  }
  std::vector<sock_filter> insns(program.size() / sizeof(sock_filter));
  std::memcpy(insns.data(), program.data(), program.size());
  unsigned char bytes[sizeof(SeccompData)];
  std::memcpy(bytes, &data, sizeof(bytes));

  uint32_t a = 0;
  uint32_t x = 0;
  uint32_t mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < insns.size(); ++pc) {
    const sock_filter& in = insns[pc];
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(
          "insn ", pc, " (code 0x", absl::Hex(in.code), "): ", why));
    };
    uint32_t src = BPF_SRC(in.code) == BPF_X ? x : in.k;
    switch (BPF_CLASS(in.code)) {
      case BPF_LD:
        if (in.code == (BPF_LD | BPF_W | BPF_ABS)) {
          if (in.k % 4 != 0 || in.k + 4 > sizeof(bytes)) {
            return bad("load outside seccomp_data");
          }
          std::memcpy(&a, bytes + in.k, 4);
        } else if (in.code == (BPF_LD | BPF_IMM)) {
          a = in.k;
        } else if (in.code == (BPF_LD | BPF_MEM) && in.k < BPF_MEMWORDS) {
          a = mem[in.k];
        } else if (in.code == (BPF_LD | BPF_W | BPF_LEN)) {
          a = sizeof(bytes);
        } else {
          return bad("load not allowed in seccomp");
        }
        break;
      case BPF_LDX:
        if (in.code == (BPF_LDX | BPF_IMM)) {
          x = in.k;
        } else if (in.code == (BPF_LDX | BPF_MEM) && in.k < BPF_MEMWORDS) {
          x = mem[in.k];
        } else if (in.code == (BPF_LDX | BPF_W | BPF_LEN)) {
          x = sizeof(bytes);
        } else {
          return bad("ldx not allowed in seccomp");
        }
        break;
      case BPF_ST:
        if (in.k >= BPF_MEMWORDS) return bad("store out of scratch");
        mem[in.k] = a;
        break;
      case BPF_STX:
        if (in.k >= BPF_MEMWORDS) return bad("store out of scratch");
        mem[in.k] = x;
        break;
      case BPF_ALU:
        switch (BPF_OP(in.code)) {
          case BPF_ADD:
            a += src;
            break;
          case BPF_SUB:
            a -= src;
            break;
          case BPF_MUL:
            a *= src;
            break;
          case BPF_DIV:
            if (src == 0) return bad("division by zero");
            a /= src;
            break;
          case BPF_MOD:
            if (src == 0) return bad("division by zero");
            a %= src;
            break;
          case BPF_OR:
            a |= src;
            break;
          case BPF_AND:
            a &= src;
            break;
          case BPF_XOR:
            a ^= src;
            break;
          case BPF_LSH:
            a = src >= 32 ? 0 : a << src;
            break;
          case BPF_RSH:
            a = src >= 32 ? 0 : a >> src;
            break;
          case BPF_NEG:
            a = -a;
            break;
          default:
            return bad("unknown alu op");
        }
        break;
      case BPF_JMP: {
        size_t next;
        if (BPF_OP(in.code) == BPF_JA) {
          next = pc + 1 + in.k;
        } else {
          bool taken;
          switch (BPF_OP(in.code)) {
            case BPF_JEQ:
              taken = a == src;
              break;
            case BPF_JGT:
              taken = a > src;
              break;
            case BPF_JGE:
              taken = a >= src;
              break;
            case BPF_JSET:
              taken = (a & src) != 0;
              break;
            default:
              return bad("unknown jump");
          }
          next = pc + 1 + (taken ? in.jt : in.jf);
        }
        if (next >= insns.size()) return bad("jump past the end");
        pc = next - 1;  // The loop's ++pc lands on `next`.
        break;
      }
      case BPF_RET:
        if (BPF_RVAL(in.code) == BPF_K) return in.k;
        if (BPF_RVAL(in.code) == BPF_A) return a;
        return bad("unknown return");
      case BPF_MISC:
        if (BPF_MISCOP(in.code) == BPF_TAX) {
          x = a;
        } else if (BPF_MISCOP(in.code) == BPF_TXA) {
          a = x;
        } else {
          return bad("unknown misc op");
        }
        break;
      default:
        return bad("unknown class");
    }
  }
  return absl::InvalidArgumentError("fell off the end of the program");
}

}  // namespace runbox::seccomp_testing
