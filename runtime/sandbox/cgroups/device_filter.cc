// CompileDeviceFilter (device_filter.h): runc's devices-cgroup emulator
// (libcontainer/cgroups/devices/devices_emulator.go) reduces the rules to a
// default and a set of exceptions; each exception becomes a block that
// jumps to the next block on any mismatch and otherwise returns the
// opposite of the default; the last block returns the default.
#include "runtime/sandbox/cgroups/device_filter.h"

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox::cgroups {
namespace {

// struct bpf_cgroup_dev_ctx: u32 access_type ((access << 16) | type), u32
// major, u32 minor. Constants from linux/bpf.h.
constexpr int32_t kDevBlock = 1;
constexpr int32_t kDevChar = 2;
constexpr uint8_t kAccMknod = 1;
constexpr uint8_t kAccRead = 2;
constexpr uint8_t kAccWrite = 4;
constexpr uint8_t kAccAll = kAccMknod | kAccRead | kAccWrite;

// Opcodes: class | operation | source (linux/bpf_common.h, linux/bpf.h).
constexpr uint8_t kLdxMemW = 0x01 | 0x60 | 0x00;  // BPF_LDX|BPF_MEM|BPF_W.
constexpr uint8_t kAlu32AndK = 0x04 | 0x50;       // BPF_ALU|BPF_AND|BPF_K.
constexpr uint8_t kAlu32RshK = 0x04 | 0x70;       // BPF_ALU|BPF_RSH|BPF_K.
constexpr uint8_t kAlu32MovK = 0x04 | 0xb0;       // BPF_ALU|BPF_MOV|BPF_K.
constexpr uint8_t kAlu32MovX = 0x04 | 0xb0 | 0x08;
constexpr uint8_t kJneK = 0x05 | 0x50;  // BPF_JMP|BPF_JNE|BPF_K.
constexpr uint8_t kJneX = 0x05 | 0x50 | 0x08;
constexpr uint8_t kExit = 0x05 | 0x90;  // BPF_JMP|BPF_EXIT.

// Registers the program keeps the context fields in (as runc's does).
constexpr uint8_t kR0 = 0, kR1 = 1, kType = 2, kAccess = 3, kMajor = 4,
                  kMinor = 5;

constexpr int64_t kMaxNumber = std::numeric_limits<uint32_t>::max();

// The match part of an exception; a wildcard number is -1 (runc's).
struct Meta {
  spec::DeviceRuleType type = spec::DeviceRuleType::kChar;
  int64_t major = -1;
  int64_t minor = -1;
  // runc's order: major, minor, then type (block before char).
  bool operator<(const Meta& o) const {
    return std::tie(major, minor, type) < std::tie(o.major, o.minor, o.type);
  }
  bool operator==(const Meta& o) const = default;
};

std::string MetaText(const Meta& m) {
  auto number = [](int64_t n) {
    return n < 0 ? std::string("*") : absl::StrCat(n);
  };
  return absl::StrCat(m.type == spec::DeviceRuleType::kBlock ? "b" : "c", " ",
                      number(m.major), ":", number(m.minor));
}

std::string AccessText(uint8_t access) {
  std::string out;
  if (access & kAccRead) out += 'r';
  if (access & kAccWrite) out += 'w';
  if (access & kAccMknod) out += 'm';
  return out;
}

absl::StatusOr<uint8_t> ParseAccess(const std::string& access, size_t index) {
  if (access.empty()) return kAccAll;
  uint8_t bits = 0;
  for (char c : access) {
    switch (c) {
      case 'r':
        bits |= kAccRead;
        break;
      case 'w':
        bits |= kAccWrite;
        break;
      case 'm':
        bits |= kAccMknod;
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "device rule ", index, ": unknown access \"", access, "\""));
    }
  }
  return bits;
}

absl::StatusOr<int64_t> Number(const std::optional<int64_t>& n,
                               absl::string_view what, size_t index) {
  if (!n.has_value()) return -1;
  if (*n < 0 || *n > kMaxNumber) {
    return absl::InvalidArgumentError(absl::StrCat(
        "device rule ", index, ": invalid ", what, " number ", *n));
  }
  return *n;
}

// runc's emulator: a default and the exceptions to it.
class Emulator {
 public:
  absl::Status Apply(const spec::DeviceRule& rule, size_t index) {
    ASSIGN_OR_RETURN(uint8_t access, ParseAccess(rule.access, index));
    ASSIGN_OR_RETURN(int64_t major, Number(rule.major, "major", index));
    ASSIGN_OR_RETURN(int64_t minor, Number(rule.minor, "minor", index));
    if (rule.type == spec::DeviceRuleType::kAll) {
      // Whatever its numbers and access, "a" resets the cgroup (runc).
      default_allow_ = rule.allow;
      exceptions_.clear();
      return absl::OkStatus();
    }
    const Meta meta{rule.type, major, minor};
    // An allow in allow-all mode removes a deny exception, and so on.
    if (rule.allow == default_allow_) return Remove(meta, access, index);
    exceptions_[meta] |= access;
    return absl::OkStatus();
  }

  bool default_allow() const { return default_allow_; }
  const std::map<Meta, uint8_t>& exceptions() const { return exceptions_; }

 private:
  // v1 ignores the removal of part of a wildcard exception without a word;
  // runc refuses it, so that a rule never seems to work when it does not.
  absl::Status Remove(const Meta& meta, uint8_t access, size_t index) {
    for (const Meta& wider :
         {Meta{meta.type, -1, meta.minor}, Meta{meta.type, meta.major, -1},
          Meta{meta.type, -1, -1}}) {
      if (wider == meta) continue;
      auto it = exceptions_.find(wider);
      if (it == exceptions_.end() || (it->second & access) == 0) continue;
      return absl::InvalidArgumentError(absl::StrCat(
          "device rule ", index, " (", MetaText(meta), " ", AccessText(access),
          ") cannot be enforced: it would punch a hole in the wider rule ",
          MetaText(wider), " ", AccessText(it->second)));
    }
    auto it = exceptions_.find(meta);
    if (it == exceptions_.end()) return absl::OkStatus();
    it->second &= static_cast<uint8_t>(~access);
    if (it->second == 0) exceptions_.erase(it);
    return absl::OkStatus();
  }

  bool default_allow_ = false;
  std::map<Meta, uint8_t> exceptions_;
};

BpfInsn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  return BpfInsn{code, dst, src, off, imm};
}

void AppendReturn(std::vector<BpfInsn>& out, bool allow) {
  out.push_back(Insn(kAlu32MovK, kR0, 0, 0, allow ? 1 : 0));
  out.push_back(Insn(kExit, 0, 0, 0, 0));
}

// A "skip to the next block when `reg` != value" compare. Values above
// INT32_MAX go through r1: a 64-bit compare sign-extends an immediate, and
// the context's u32 fields are zero-extended.
void AppendSkipUnlessEqual(std::vector<BpfInsn>& block, uint8_t reg,
                           int64_t value) {
  const int32_t imm = static_cast<int32_t>(static_cast<uint32_t>(value));
  if (imm >= 0) {
    block.push_back(Insn(kJneK, reg, 0, 0, imm));
    return;
  }
  block.push_back(Insn(kAlu32MovK, kR1, 0, 0, imm));
  block.push_back(Insn(kJneX, reg, kR1, 0, 0));
}

// One exception: it matches type, numbers and a request whose access bits
// all lie in its access; a match returns `allow`.
std::vector<BpfInsn> Block(const Meta& meta, uint8_t access, bool allow) {
  std::vector<BpfInsn> block;
  block.push_back(
      Insn(kJneK, kType, 0, 0,
           meta.type == spec::DeviceRuleType::kBlock ? kDevBlock : kDevChar));
  if (access != kAccAll) {
    block.push_back(Insn(kAlu32MovX, kR1, kAccess, 0, 0));
    block.push_back(Insn(kAlu32AndK, kR1, 0, 0, access));
    block.push_back(Insn(kJneX, kR1, kAccess, 0, 0));
  }
  if (meta.major >= 0) AppendSkipUnlessEqual(block, kMajor, meta.major);
  if (meta.minor >= 0) AppendSkipUnlessEqual(block, kMinor, meta.minor);
  AppendReturn(block, allow);
  // Every jump so far goes to the instruction after the block.
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i].code == kJneK || block[i].code == kJneX) {
      block[i].off = static_cast<int16_t>(block.size() - i - 1);
    }
  }
  return block;
}

}  // namespace

std::vector<uint8_t> EncodeBpf(absl::Span<const BpfInsn> insns) {
  std::vector<uint8_t> out;
  out.reserve(insns.size() * 8);
  for (const BpfInsn& insn : insns) {
    const uint16_t off = static_cast<uint16_t>(insn.off);
    const uint32_t imm = static_cast<uint32_t>(insn.imm);
    out.push_back(insn.code);
    out.push_back(static_cast<uint8_t>((insn.src << 4) | (insn.dst & 0x0f)));
    out.push_back(static_cast<uint8_t>(off & 0xff));
    out.push_back(static_cast<uint8_t>(off >> 8));
    for (int shift = 0; shift < 32; shift += 8) {
      out.push_back(static_cast<uint8_t>(imm >> shift));
    }
  }
  return out;
}

absl::StatusOr<DeviceFilter> CompileDeviceFilter(
    const std::vector<spec::DeviceRule>& rules) {
  Emulator emulator;
  for (size_t i = 0; i < rules.size(); ++i) {
    RETURN_IF_ERROR(emulator.Apply(rules[i], i));
  }
  DeviceFilter filter;
  filter.default_allow = emulator.default_allow();
  std::vector<BpfInsn>& p = filter.insns;
  p.push_back(Insn(kLdxMemW, kType, kR1, 0, 0));
  p.push_back(Insn(kAlu32AndK, kType, 0, 0, 0xffff));
  p.push_back(Insn(kLdxMemW, kAccess, kR1, 0, 0));
  p.push_back(Insn(kAlu32RshK, kAccess, 0, 0, 16));
  p.push_back(Insn(kLdxMemW, kMajor, kR1, 4, 0));
  p.push_back(Insn(kLdxMemW, kMinor, kR1, 8, 0));
  for (const auto& [meta, access] : emulator.exceptions()) {
    std::vector<BpfInsn> block = Block(meta, access, !filter.default_allow);
    p.insert(p.end(), block.begin(), block.end());
  }
  AppendReturn(p, filter.default_allow);
  return filter;
}

}  // namespace runbox::cgroups
