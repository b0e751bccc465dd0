// The device-program interpreter (device_program.h). Opcodes from the
// kernel's Documentation/bpf/standardization/instruction-set.rst: the low
// three bits are the class, then a source bit and a four-bit operation.
#include "fakes/cgroups/device_program.h"

#include <array>
#include <cerrno>
#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

constexpr uint8_t kClassLdx = 0x01;
constexpr uint8_t kClassAlu = 0x04;  // 32-bit ALU.
constexpr uint8_t kClassJmp = 0x05;  // 64-bit compares.
constexpr uint8_t kModeMem = 0x60;
constexpr uint8_t kSizeW = 0x00;
constexpr uint8_t kSourceX = 0x08;

constexpr uint8_t kAluOr = 0x40;
constexpr uint8_t kAluAnd = 0x50;
constexpr uint8_t kAluLsh = 0x60;
constexpr uint8_t kAluRsh = 0x70;
constexpr uint8_t kAluMov = 0xb0;

constexpr uint8_t kJmpJa = 0x00;
constexpr uint8_t kJmpJeq = 0x10;
constexpr uint8_t kJmpJset = 0x40;
constexpr uint8_t kJmpJne = 0x50;
constexpr uint8_t kJmpExit = 0x90;

constexpr int kContextSize = 12;  // Three u32 fields.

struct Insn {
  uint8_t code;
  uint8_t dst;
  uint8_t src;
  int16_t off;
  int32_t imm;
};

Insn Decode(absl::Span<const uint8_t> program, size_t i) {
  const uint8_t* p = program.data() + i * 8;
  Insn insn;
  insn.code = p[0];
  insn.dst = p[1] & 0x0f;
  insn.src = p[1] >> 4;
  insn.off = static_cast<int16_t>(p[2] | (p[3] << 8));
  insn.imm = static_cast<int32_t>(static_cast<uint32_t>(p[4]) |
                                  (static_cast<uint32_t>(p[5]) << 8) |
                                  (static_cast<uint32_t>(p[6]) << 16) |
                                  (static_cast<uint32_t>(p[7]) << 24));
  return insn;
}

absl::Status Invalid(size_t pc, absl::string_view what) {
  return ErrnoError(EINVAL,
                    absl::StrCat("device program: insn ", pc, ": ", what));
}

bool IsJump(uint8_t code) {
  if ((code & 0x07) != kClassJmp) return false;
  const uint8_t op = code & 0xf0;
  return op == kJmpJa || op == kJmpJeq || op == kJmpJset || op == kJmpJne;
}

// Static checks of one instruction (what it is, not what it reads).
absl::Status CheckInsn(const Insn& insn, size_t pc, size_t count) {
  if (insn.dst > 10 || insn.src > 10) return Invalid(pc, "bad register");
  const uint8_t cls = insn.code & 0x07;
  if (cls == kClassLdx) {
    if ((insn.code & 0xe0) != kModeMem || (insn.code & 0x18) != kSizeW) {
      return Invalid(pc, "only 32-bit loads are modelled");
    }
    if (insn.off < 0 || insn.off + 4 > kContextSize || insn.off % 4 != 0) {
      return Invalid(pc, "load outside the context");
    }
    if (insn.dst == 10) return Invalid(pc, "r10 is read-only");
    return absl::OkStatus();
  }
  if (cls == kClassAlu) {
    const uint8_t op = insn.code & 0xf0;
    if (op != kAluOr && op != kAluAnd && op != kAluLsh && op != kAluRsh &&
        op != kAluMov) {
      return Invalid(
          pc, absl::StrCat("ALU op 0x", absl::Hex(op), " is not modelled"));
    }
    if (insn.dst == 10) return Invalid(pc, "r10 is read-only");
    return absl::OkStatus();
  }
  if (cls == kClassJmp) {
    const uint8_t op = insn.code & 0xf0;
    if (op == kJmpExit) {
      if (insn.code != (kClassJmp | kJmpExit)) return Invalid(pc, "bad exit");
      return absl::OkStatus();
    }
    if (!IsJump(insn.code)) {
      return Invalid(
          pc, absl::StrCat("jump op 0x", absl::Hex(op), " is not modelled"));
    }
    if (insn.off < 0) return Invalid(pc, "backward jump (a loop)");
    if (pc + 1 + static_cast<size_t>(insn.off) >= count) {
      return Invalid(pc, "jump out of the program");
    }
    return absl::OkStatus();
  }
  return Invalid(pc,
                 absl::StrCat("instruction class ", cls, " is not modelled"));
}

}  // namespace

absl::Status CheckDeviceProgram(absl::Span<const uint8_t> program) {
  if (program.empty() || program.size() % 8 != 0) {
    return ErrnoError(EINVAL, absl::StrCat("device program: ", program.size(),
                                           " bytes is not whole instructions"));
  }
  const size_t count = program.size() / 8;
  for (size_t pc = 0; pc < count; ++pc) {
    RETURN_IF_ERROR(CheckInsn(Decode(program, pc), pc, count));
  }
  const Insn last = Decode(program, count - 1);
  const bool ends =
      last.code == (kClassJmp | kJmpExit) || last.code == (kClassJmp | kJmpJa);
  if (!ends) return Invalid(count - 1, "falls off the end");
  return absl::OkStatus();
}

absl::StatusOr<bool> RunDeviceProgram(absl::Span<const uint8_t> program,
                                      const DeviceAccess& access) {
  RETURN_IF_ERROR(CheckDeviceProgram(program));
  const std::array<uint32_t, 3> ctx = {(access.access << 16) | access.type,
                                       access.major, access.minor};
  std::array<uint64_t, 11> reg{};
  // What the verifier tracks: which registers hold a value, and which the
  // context pointer (r1 on entry; any write makes it a scalar).
  std::array<bool, 11> set{};
  std::array<bool, 11> is_ctx{};
  set[1] = set[10] = true;
  is_ctx[1] = true;
  auto operand_of = [&](size_t pc, uint8_t r) -> absl::StatusOr<uint64_t> {
    if (!set[r]) return Invalid(pc, absl::StrCat("r", r, " is not set"));
    if (is_ctx[r]) return Invalid(pc, "arithmetic on the context pointer");
    return reg[r];
  };
  const size_t count = program.size() / 8;
  for (size_t pc = 0; pc < count;) {
    const Insn insn = Decode(program, pc);
    const uint8_t cls = insn.code & 0x07;
    const uint8_t op = insn.code & 0xf0;
    if (cls == kClassLdx) {
      if (!set[insn.src] || !is_ctx[insn.src]) {
        return Invalid(pc, "load through a non-context pointer");
      }
      reg[insn.dst] = ctx[insn.off / 4];
      set[insn.dst] = true;
      is_ctx[insn.dst] = false;
      ++pc;
      continue;
    }
    if (cls == kClassAlu) {
      uint32_t operand = static_cast<uint32_t>(insn.imm);
      if (insn.code & kSourceX) {
        ASSIGN_OR_RETURN(uint64_t v, operand_of(pc, insn.src));
        operand = static_cast<uint32_t>(v);
      }
      uint32_t value = 0;
      if (op == kAluMov) {
        value = operand;
      } else {
        ASSIGN_OR_RETURN(uint64_t d, operand_of(pc, insn.dst));
        const uint32_t dst = static_cast<uint32_t>(d);
        switch (op) {
          case kAluOr:
            value = dst | operand;
            break;
          case kAluAnd:
            value = dst & operand;
            break;
          case kAluLsh:
          case kAluRsh:
            if (operand >= 32) return Invalid(pc, "shift by 32 or more");
            value = op == kAluLsh ? dst << operand : dst >> operand;
            break;
        }
      }
      reg[insn.dst] = value;  // 32-bit results are zero-extended.
      set[insn.dst] = true;
      is_ctx[insn.dst] = false;
      ++pc;
      continue;
    }
    // kClassJmp.
    if (op == kJmpExit) {
      ASSIGN_OR_RETURN(uint64_t r0, operand_of(pc, 0));
      return r0 != 0;
    }
    bool taken = true;
    if (op != kJmpJa) {
      ASSIGN_OR_RETURN(uint64_t dst, operand_of(pc, insn.dst));
      // 64-bit compares: an immediate is sign-extended, as in the kernel.
      uint64_t operand = static_cast<uint64_t>(static_cast<int64_t>(insn.imm));
      if (insn.code & kSourceX) {
        ASSIGN_OR_RETURN(operand, operand_of(pc, insn.src));
      }
      taken = op == kJmpJeq   ? dst == operand
              : op == kJmpJne ? dst != operand
                              : (dst & operand) != 0;  // kJmpJset.
    }
    pc += 1 + (taken ? static_cast<size_t>(insn.off) : 0);
  }
  // CheckDeviceProgram makes the last instruction an exit or a jump.
  return Invalid(count, "fell off the end");
}

}  // namespace runbox::fake
