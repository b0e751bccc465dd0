// `linux.seccomp` to classic BPF through libseccomp, the translation runc
// makes (libcontainer/seccomp/seccomp_linux.go): same action, operator and
// architecture mapping, same skipping of unknown syscall names and of rules
// that repeat the default action, same split of a rule whose args test one
// argument twice, same ENOSYS prologue (enosys_stub.cc). Loading is
// apply.cc's.
#include <seccomp.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/library_output.h"
#include "hostapi/status.h"
#include "runtime/sandbox/seccomp/internal.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/names.h"

namespace runbox {
namespace {

constexpr absl::string_view kSeccompPath = "linux.seccomp";
// seccomp(2) filters see six syscall arguments.
constexpr uint32_t kSyscallArgs = 6;
// runc turns on libseccomp's binary-tree syscall lookup above this many
// syscalls; below it the linear list is as fast, and libseccomp <= 2.5.4
// misbehaves with the tree and no rules at all.
constexpr size_t kBinaryTreeMinNames = 32;

struct ContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

// libseccomp returns negated errnos.
absl::Status LibError(int rc, absl::string_view path, absl::string_view what) {
  return Annotate(ErrnoError(-rc, what), path);
}

// "If not specified its default value is EPERM." The action carries 16 bits
// of data; a larger errnoRet would be silently truncated, so it is refused.
absl::StatusOr<uint32_t> ErrnoData(const std::optional<uint32_t>& errno_ret,
                                   absl::string_view path) {
  uint32_t value = errno_ret.value_or(EPERM);
  if (value > 0xffff) {
    return spec::SpecError(
        path, absl::StrCat(value, " does not fit the 16 bits seccomp returns"));
  }
  return value;
}

absl::StatusOr<uint32_t> ToAction(spec::SeccompAction action,
                                  const std::optional<uint32_t>& errno_ret,
                                  absl::string_view errno_path) {
  using spec::SeccompAction;
  switch (action) {
    // The spec's KILL is libseccomp's (and the kernel's) thread kill.
    case SeccompAction::kKill:
    case SeccompAction::kKillThread:
      return SCMP_ACT_KILL_THREAD;
    case SeccompAction::kKillProcess:
      return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::kTrap:
      return SCMP_ACT_TRAP;
    case SeccompAction::kErrno: {
      ASSIGN_OR_RETURN(uint32_t data, ErrnoData(errno_ret, errno_path));
      return SCMP_ACT_ERRNO(data);
    }
    case SeccompAction::kTrace: {
      ASSIGN_OR_RETURN(uint32_t data, ErrnoData(errno_ret, errno_path));
      return SCMP_ACT_TRACE(data);
    }
    case SeccompAction::kAllow:
      return SCMP_ACT_ALLOW;
    case SeccompAction::kLog:
      return SCMP_ACT_LOG;
    case SeccompAction::kNotify:
      return SCMP_ACT_NOTIFY;
  }
  return absl::InternalError("unknown seccomp action");
}

}  // namespace

uint32_t seccomp_internal::ArchToken(spec::SeccompArch arch) {
  using spec::SeccompArch;
  switch (arch) {
    case SeccompArch::kX86:
      return SCMP_ARCH_X86;
    case SeccompArch::kX86_64:
      return SCMP_ARCH_X86_64;
    case SeccompArch::kX32:
      return SCMP_ARCH_X32;
    case SeccompArch::kArm:
      return SCMP_ARCH_ARM;
    case SeccompArch::kAarch64:
      return SCMP_ARCH_AARCH64;
    case SeccompArch::kMips:
      return SCMP_ARCH_MIPS;
    case SeccompArch::kMips64:
      return SCMP_ARCH_MIPS64;
    case SeccompArch::kMips64N32:
      return SCMP_ARCH_MIPS64N32;
    case SeccompArch::kMipsel:
      return SCMP_ARCH_MIPSEL;
    case SeccompArch::kMipsel64:
      return SCMP_ARCH_MIPSEL64;
    case SeccompArch::kMipsel64N32:
      return SCMP_ARCH_MIPSEL64N32;
    case SeccompArch::kPpc:
      return SCMP_ARCH_PPC;
    case SeccompArch::kPpc64:
      return SCMP_ARCH_PPC64;
    case SeccompArch::kPpc64Le:
      return SCMP_ARCH_PPC64LE;
    case SeccompArch::kS390:
      return SCMP_ARCH_S390;
    case SeccompArch::kS390X:
      return SCMP_ARCH_S390X;
    case SeccompArch::kParisc:
      return SCMP_ARCH_PARISC;
    case SeccompArch::kParisc64:
      return SCMP_ARCH_PARISC64;
    case SeccompArch::kRiscv64:
      return SCMP_ARCH_RISCV64;
  }
  return SCMP_ARCH_NATIVE;
}

namespace {

scmp_compare ToCompare(spec::SeccompOperator op) {
  using spec::SeccompOperator;
  switch (op) {
    case SeccompOperator::kNotEqual:
      return SCMP_CMP_NE;
    case SeccompOperator::kLessThan:
      return SCMP_CMP_LT;
    case SeccompOperator::kLessEqual:
      return SCMP_CMP_LE;
    case SeccompOperator::kEqualTo:
      return SCMP_CMP_EQ;
    case SeccompOperator::kGreaterEqual:
      return SCMP_CMP_GE;
    case SeccompOperator::kGreaterThan:
      return SCMP_CMP_GT;
    case SeccompOperator::kMaskedEqual:
      return SCMP_CMP_MASKED_EQ;
  }
  return _SCMP_CMP_MIN;  // Invalid: libseccomp refuses it.
}

SeccompFlags ToFlag(spec::SeccompFlag flag) {
  switch (flag) {
    case spec::SeccompFlag::kTsync:
      return SeccompFlags::kTsync;
    case spec::SeccompFlag::kLog:
      return SeccompFlags::kLog;
    case spec::SeccompFlag::kSpecAllow:
      return SeccompFlags::kSpecAllow;
    case spec::SeccompFlag::kWaitKillableRecv:
      return SeccompFlags::kWaitKillableRecv;
  }
  return SeccompFlags::kNone;
}

// Syscalls the runtime itself makes after loading a notifying filter and
// before the agent holds the listener: a notification for one of them
// would wait for an agent that cannot answer yet, and init would hang
// (runc refuses "write" for the same reason). LoadSeccomp hands the fd
// over with sendmsg(2), finishing a short send with write(2).
bool RuntimeNeedsBeforeAgent(absl::string_view name) {
  return name == "sendmsg" || name == "write";
}

// One conditional rule, or one rule per condition when two conditions test
// the same argument: libseccomp cannot AND two comparisons of one argument,
// and runc (hence every profile written for it) reads such a rule as "any
// of these".
absl::Status AddRule(void* ctx, uint32_t action, int nr,
                     const std::vector<scmp_arg_cmp>& conditions,
                     absl::string_view path, absl::string_view name) {
  std::string what = absl::StrCat("add rule for ", spec::Quote(name));
  int counts[kSyscallArgs] = {};
  bool repeated = false;
  for (const scmp_arg_cmp& c : conditions) {
    repeated = repeated || ++counts[c.arg] > 1;
  }
  if (!repeated) {
    int rc = seccomp_rule_add_array(ctx, action, nr, conditions.size(),
                                    conditions.data());
    if (rc < 0) return LibError(rc, path, what);
    return absl::OkStatus();
  }
  for (const scmp_arg_cmp& c : conditions) {
    int rc = seccomp_rule_add_array(ctx, action, nr, 1, &c);
    if (rc < 0) return LibError(rc, path, what);
  }
  return absl::OkStatus();
}

absl::Status AddSyscallRule(void* ctx, const spec::SeccompSyscall& rule,
                            uint32_t default_action, absl::string_view path,
                            std::vector<std::string>& unknown,
                            std::set<std::string>& unknown_seen,
                            size_t& added) {
  ASSIGN_OR_RETURN(
      uint32_t action,
      ToAction(rule.action, rule.errno_ret, spec::JsonField(path, "errnoRet")));
  std::vector<scmp_arg_cmp> conditions;
  for (size_t i = 0; i < rule.args.size(); ++i) {
    const spec::SeccompArg& arg = rule.args[i];
    if (arg.index >= kSyscallArgs) {
      return spec::SpecError(
          spec::JsonField(spec::JsonIndex(spec::JsonField(path, "args"), i),
                          "index"),
          absl::StrCat(arg.index, " is not an argument index (0-5)"));
    }
    // For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the datum.
    conditions.push_back(
        scmp_arg_cmp{arg.index, ToCompare(arg.op), arg.value, arg.value_two});
  }
  for (size_t i = 0; i < rule.names.size(); ++i) {
    const std::string& name = rule.names[i];
    std::string name_path = spec::JsonIndex(spec::JsonField(path, "names"), i);
    if (rule.action == spec::SeccompAction::kNotify &&
        RuntimeNeedsBeforeAgent(name)) {
      return spec::SpecError(
          name_path,
          absl::StrCat("SCMP_ACT_NOTIFY cannot be used for ", spec::Quote(name),
                       ": the runtime needs it to hand the listener to the "
                       "agent"));
    }
    // libseccomp refuses a rule that repeats the default action; it would
    // change nothing.
    if (action == default_action) continue;
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      if (unknown_seen.insert(name).second) unknown.push_back(name);
      continue;
    }
    RETURN_IF_ERROR(AddRule(ctx, action, nr, conditions, name_path, name));
    ++added;
  }
  return absl::OkStatus();
}

}  // namespace

bool SeccompNotifies(const spec::Seccomp& seccomp) {
  if (seccomp.default_action == spec::SeccompAction::kNotify) return true;
  for (const spec::SeccompSyscall& rule : seccomp.syscalls) {
    if (rule.action == spec::SeccompAction::kNotify) return true;
  }
  return false;
}

absl::StatusOr<SeccompProgram> CompileSeccompProgram(
    const spec::Seccomp& seccomp) {
  ASSIGN_OR_RETURN(uint32_t default_action,
                   ToAction(seccomp.default_action, seccomp.default_errno_ret,
                            spec::JsonField(kSeccompPath, "defaultErrnoRet")));
  Context ctx(seccomp_init(default_action));
  if (ctx == nullptr) {
    return spec::SpecError(
        spec::JsonField(kSeccompPath, "defaultAction"),
        absl::StrCat("libseccomp refuses ", EnumName(seccomp.default_action),
                     " as the default action"));
  }
  // no_new_privs is the caller's (process.noNewPrivileges), and the filter
  // is loaded by seccomp(2) from the host API, not by seccomp_load; the
  // attribute only matters to seccomp_load, but keep libseccomp from
  // assuming either way.
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return LibError(rc, kSeccompPath, "clear SCMP_FLTATR_CTL_NNP");

  for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
    rc = seccomp_arch_add(
        ctx.get(), seccomp_internal::ArchToken(seccomp.architectures[i]));
    // EEXIST: the native architecture, which every filter has.
    if (rc < 0 && rc != -EEXIST) {
      return LibError(
          rc,
          spec::JsonIndex(spec::JsonField(kSeccompPath, "architectures"), i),
          absl::StrCat("add architecture ",
                       EnumName(seccomp.architectures[i])));
    }
  }

  SeccompProgram program;
  std::set<std::string> unknown_seen;
  size_t added = 0;
  for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
    RETURN_IF_ERROR(AddSyscallRule(
        ctx.get(), seccomp.syscalls[i], default_action,
        spec::JsonIndex(spec::JsonField(kSeccompPath, "syscalls"), i),
        program.unknown_syscalls, unknown_seen, added));
  }
  if (added > kBinaryTreeMinNames) {
    // The attribute is read when the BPF is generated. An optimisation
    // only: older libseccomp lacks it, and the filter means the same.
    (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  }

  for (spec::SeccompFlag flag : seccomp.flags) program.flags |= ToFlag(flag);
  if (SeccompNotifies(seccomp)) {
    program.flags |= SeccompFlags::kNewListener;
  } else {
    // The kernel refuses WAIT_KILLABLE_RECV without a listener, and without
    // one there are no notifications whose wait it would change.
    program.flags &= ~SeccompFlags::kWaitKillableRecv;
  }

  absl::StatusOr<std::string> bpf = CaptureLibraryOutput(
      "seccomp_export_bpf",
      [&](int fd) { return seccomp_export_bpf(ctx.get(), fd); });
  if (!bpf.ok()) return Annotate(bpf.status(), kSeccompPath);
  program.bpf = seccomp_internal::EnosysStub(seccomp);
  program.bpf.insert(program.bpf.end(), bpf->begin(), bpf->end());
  return program;
}

absl::StatusOr<std::vector<uint8_t>> CompileSeccomp(
    const spec::Seccomp& seccomp) {
  ASSIGN_OR_RETURN(SeccompProgram program, CompileSeccompProgram(seccomp));
  return std::move(program.bpf);
}

}  // namespace runbox
