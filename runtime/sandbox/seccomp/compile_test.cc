// CompileSeccomp: each filter is run through a classic-BPF interpreter
// (bpf_eval.h) for chosen syscalls, so the assertions are about what the
// kernel would decide, not about libseccomp's instruction layout.
#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/seccomp/bpf_eval.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/names.h"

namespace runbox {
namespace {

using seccomp_testing::RunSeccompBpf;
using seccomp_testing::SeccompData;
using spec::SeccompAction;
using spec::SeccompArch;
using spec::SeccompArg;
using spec::SeccompOperator;
using spec::SeccompSyscall;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

uint32_t NativeArch() { return seccomp_arch_native(); }

int Nr(const char* name, uint32_t arch = 0) {
  int nr =
      seccomp_syscall_resolve_name_arch(arch == 0 ? NativeArch() : arch, name);
  EXPECT_GE(nr, 0) << name;
  return nr;
}

SeccompSyscall Rule(std::vector<std::string> names, SeccompAction action,
                    std::optional<uint32_t> errno_ret = std::nullopt,
                    std::vector<SeccompArg> args = {}) {
  SeccompSyscall rule;
  rule.names = std::move(names);
  rule.action = action;
  rule.errno_ret = errno_ret;
  rule.args = std::move(args);
  return rule;
}

spec::Seccomp Profile(SeccompAction default_action,
                      std::vector<SeccompSyscall> syscalls) {
  spec::Seccomp seccomp;
  seccomp.default_action = default_action;
  seccomp.syscalls = std::move(syscalls);
  return seccomp;
}

// What `bpf` decides for syscall `name` with `args` on the native arch.
uint32_t Verdict(const std::vector<uint8_t>& bpf, const char* name,
                 std::vector<uint64_t> args = {}, uint32_t arch = 0) {
  SeccompData data;
  data.arch = arch == 0 ? NativeArch() : arch;
  data.nr = Nr(name, data.arch);
  for (size_t i = 0; i < args.size(); ++i) data.args[i] = args[i];
  absl::StatusOr<uint32_t> verdict = RunSeccompBpf(bpf, data);
  EXPECT_TRUE(verdict.ok()) << verdict.status();
  return verdict.value_or(0xdeadbeef);
}

TEST(CompileSeccompTest, ErrnoRuleDeniesOnlyItsSyscall) {
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf,
                       CompileSeccomp(Profile(SeccompAction::kAllow,
                                              {Rule({"mkdir", "mkdirat"},
                                                    SeccompAction::kErrno)})));
  EXPECT_EQ(bpf.size() % 8, 0u);
  EXPECT_EQ(Verdict(bpf, "mkdir"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(Verdict(bpf, "mkdirat"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(Verdict(bpf, "getpid"), SCMP_ACT_ALLOW);
}

TEST(CompileSeccompTest, ErrnoRetAndDefaultErrnoRet) {
  spec::Seccomp seccomp = Profile(
      SeccompAction::kErrno, {Rule({"getpid"}, SeccompAction::kAllow),
                              Rule({"clone3"}, SeccompAction::kErrno, ENOSYS),
                              Rule({"ptrace"}, SeccompAction::kTrace, EACCES),
                              Rule({"kill"}, SeccompAction::kTrace)});
  seccomp.default_errno_ret = EXDEV;
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf, CompileSeccomp(seccomp));
  EXPECT_EQ(Verdict(bpf, "getpid"), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "clone3"), SCMP_ACT_ERRNO(ENOSYS));
  EXPECT_EQ(Verdict(bpf, "ptrace"), SCMP_ACT_TRACE(EACCES));
  EXPECT_EQ(Verdict(bpf, "kill"), SCMP_ACT_TRACE(EPERM));
  EXPECT_EQ(Verdict(bpf, "mkdir"), SCMP_ACT_ERRNO(EXDEV));
}

TEST(CompileSeccompTest, DefaultErrnoIsEperm) {
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf,
                       CompileSeccomp(Profile(SeccompAction::kErrno, {})));
  EXPECT_EQ(Verdict(bpf, "getpid"), SCMP_ACT_ERRNO(EPERM));
}

TEST(CompileSeccompTest, EveryActionMapsToItsKernelAction) {
  struct Case {
    SeccompAction action;
    uint32_t expected;
  };
  const Case cases[] = {
      {SeccompAction::kKill, SCMP_ACT_KILL_THREAD},
      {SeccompAction::kKillThread, SCMP_ACT_KILL_THREAD},
      {SeccompAction::kKillProcess, SCMP_ACT_KILL_PROCESS},
      {SeccompAction::kTrap, SCMP_ACT_TRAP},
      {SeccompAction::kErrno, SCMP_ACT_ERRNO(EPERM)},
      {SeccompAction::kTrace, SCMP_ACT_TRACE(EPERM)},
      {SeccompAction::kLog, SCMP_ACT_LOG},
      {SeccompAction::kNotify, SCMP_ACT_NOTIFY},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(spec::EnumName(c.action));
    spec::Seccomp seccomp =
        Profile(SeccompAction::kAllow, {Rule({"uname"}, c.action)});
    seccomp.listener_path = "/run/agent.sock";
    ASSERT_OK_AND_ASSIGN(SeccompProgram program,
                         CompileSeccompProgram(seccomp));
    EXPECT_EQ(Verdict(program.bpf, "uname"), c.expected);
    EXPECT_EQ(Verdict(program.bpf, "getpid"), SCMP_ACT_ALLOW);
    EXPECT_EQ(Has(program.flags, SeccompFlags::kNewListener),
              c.action == SeccompAction::kNotify);
  }
}

TEST(CompileSeccompTest, EveryDefaultActionApplies) {
  const SeccompAction actions[] = {
      SeccompAction::kKill,  SeccompAction::kKillProcess, SeccompAction::kTrap,
      SeccompAction::kErrno, SeccompAction::kTrace,       SeccompAction::kLog,
  };
  for (SeccompAction action : actions) {
    SCOPED_TRACE(spec::EnumName(action));
    ASSERT_OK_AND_ASSIGN(
        std::vector<uint8_t> bpf,
        CompileSeccomp(
            Profile(action, {Rule({"getpid"}, SeccompAction::kAllow)})));
    EXPECT_EQ(Verdict(bpf, "getpid"), SCMP_ACT_ALLOW);
    EXPECT_NE(Verdict(bpf, "uname"), SCMP_ACT_ALLOW);
  }
}

// One rule per operator on argument 1, with 64-bit values so the high
// word matters too.
TEST(CompileSeccompTest, EveryOperatorComparesAll64Bits) {
  constexpr uint64_t kV = 0x100000005;
  struct Case {
    SeccompOperator op;
    uint64_t value;
    uint64_t value_two;
    std::vector<uint64_t> matching;
    std::vector<uint64_t> not_matching;
  };
  const Case cases[] = {
      {SeccompOperator::kEqualTo, kV, 0, {kV}, {5, kV + 1, 0x200000005}},
      {SeccompOperator::kNotEqual, kV, 0, {5, kV + 1, 0}, {kV}},
      {SeccompOperator::kLessThan,
       kV,
       0,
       {0, 5, 0xffffffff, kV - 1},
       {kV, kV + 1, 0x200000000}},
      {SeccompOperator::kLessEqual, kV, 0, {0, kV}, {kV + 1, 0x200000000}},
      {SeccompOperator::kGreaterThan, kV, 0, {kV + 1, 0x200000000}, {0, 5, kV}},
      {SeccompOperator::kGreaterEqual,
       kV,
       0,
       {kV, 0x200000000},
       {0, 5, kV - 1}},
      // (arg & value) == valueTwo.
      {SeccompOperator::kMaskedEqual,
       0xff0000ff00,
       0x1200001200,
       {0x1200001200, 0x1234001234, 0xffff12ffff12ff},
       {0x1200, 0x1200000000, 0x1300001200}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(spec::EnumName(c.op));
    ASSERT_OK_AND_ASSIGN(
        std::vector<uint8_t> bpf,
        CompileSeccomp(
            Profile(SeccompAction::kAllow,
                    {Rule({"personality"}, SeccompAction::kErrno, EINVAL,
                          {SeccompArg{1, c.value, c.value_two, c.op}})})));
    for (uint64_t v : c.matching) {
      EXPECT_EQ(Verdict(bpf, "personality", {0, v}), SCMP_ACT_ERRNO(EINVAL))
          << std::hex << v;
    }
    for (uint64_t v : c.not_matching) {
      EXPECT_EQ(Verdict(bpf, "personality", {0, v}), SCMP_ACT_ALLOW)
          << std::hex << v;
    }
  }
}

TEST(CompileSeccompTest, ArgsOnDifferentIndexesAreAnded) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<uint8_t> bpf,
      CompileSeccomp(
          Profile(SeccompAction::kErrno,
                  {Rule({"socket"}, SeccompAction::kAllow, std::nullopt,
                        {SeccompArg{0, 1, 0, SeccompOperator::kEqualTo},
                         SeccompArg{2, 0, 0, SeccompOperator::kEqualTo}})})));
  EXPECT_EQ(Verdict(bpf, "socket", {1, 1, 0}), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "socket", {1, 1, 6}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(Verdict(bpf, "socket", {2, 1, 0}), SCMP_ACT_ERRNO(EPERM));
}

// runc's reading of a rule that tests one argument twice: any of them.
TEST(CompileSeccompTest, ArgsOnTheSameIndexAreOred) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<uint8_t> bpf,
      CompileSeccomp(Profile(
          SeccompAction::kErrno,
          {Rule({"personality"}, SeccompAction::kAllow, std::nullopt,
                {SeccompArg{0, 0, 0, SeccompOperator::kEqualTo},
                 SeccompArg{0, 8, 0, SeccompOperator::kEqualTo},
                 SeccompArg{0, 0xffffffff, 0, SeccompOperator::kEqualTo}})})));
  EXPECT_EQ(Verdict(bpf, "personality", {0}), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "personality", {8}), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "personality", {0xffffffff}), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "personality", {9}), SCMP_ACT_ERRNO(EPERM));
}

TEST(CompileSeccompTest, RuleRepeatingTheDefaultActionIsDropped) {
  spec::Seccomp seccomp = Profile(
      SeccompAction::kErrno, {Rule({"mkdir"}, SeccompAction::kErrno),
                              Rule({"rmdir"}, SeccompAction::kErrno, EPERM),
                              Rule({"unlink"}, SeccompAction::kErrno, ENOENT)});
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf, CompileSeccomp(seccomp));
  EXPECT_EQ(Verdict(bpf, "mkdir"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(Verdict(bpf, "rmdir"), SCMP_ACT_ERRNO(EPERM));
  // A different errno is a different action.
  EXPECT_EQ(Verdict(bpf, "unlink"), SCMP_ACT_ERRNO(ENOENT));
}

TEST(CompileSeccompTest, UnknownNamesAreSkippedAndListedOnce) {
  ASSERT_OK_AND_ASSIGN(SeccompProgram program,
                       CompileSeccompProgram(Profile(
                           SeccompAction::kAllow,
                           {Rule({"no_such_call", "mkdir", "another_unknown"},
                                 SeccompAction::kErrno),
                            Rule({"no_such_call"}, SeccompAction::kKill)})));
  EXPECT_THAT(program.unknown_syscalls,
              ElementsAre("no_such_call", "another_unknown"));
  EXPECT_EQ(Verdict(program.bpf, "mkdir"), SCMP_ACT_ERRNO(EPERM));
}

TEST(CompileSeccompTest, ExtraArchitectureGetsTheRulesToo) {
  spec::Seccomp seccomp =
      Profile(SeccompAction::kAllow, {Rule({"mkdir"}, SeccompAction::kErrno)});
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> native_only,
                       CompileSeccomp(seccomp));
  // Another architecture than the filter's is killed (libseccomp's default
  // bad-arch action).
  EXPECT_EQ(Verdict(native_only, "mkdir", {}, SCMP_ARCH_X86),
            SCMP_ACT_KILL_THREAD);
  EXPECT_EQ(Verdict(native_only, "getpid", {}, SCMP_ARCH_X86),
            SCMP_ACT_KILL_THREAD);

  seccomp.architectures = {SeccompArch::kX86_64, SeccompArch::kX86,
                           SeccompArch::kX32};
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> multi, CompileSeccomp(seccomp));
  for (uint32_t arch : {uint32_t{SCMP_ARCH_X86_64}, uint32_t{SCMP_ARCH_X86}}) {
    SCOPED_TRACE(arch);
    EXPECT_EQ(Verdict(multi, "mkdir", {}, arch), SCMP_ACT_ERRNO(EPERM));
    EXPECT_EQ(Verdict(multi, "getpid", {}, arch), SCMP_ACT_ALLOW);
  }
}

TEST(CompileSeccompTest, LongProfileStillDecidesEverySyscall) {
  // Enough names for the binary-tree layout runc switches to.
  const std::vector<std::string> allowed = {
      "read",     "write",     "open",      "close",        "stat",
      "fstat",    "lstat",     "poll",      "lseek",        "mmap",
      "mprotect", "munmap",    "brk",       "rt_sigaction", "rt_sigprocmask",
      "ioctl",    "pread64",   "pwrite64",  "readv",        "writev",
      "access",   "pipe",      "select",    "sched_yield",  "mremap",
      "msync",    "mincore",   "madvise",   "dup",          "dup2",
      "pause",    "nanosleep", "getitimer", "alarm",        "setitimer",
      "getpid",   "sendfile",  "execve",    "exit",         "exit_group",
      "openat",   "newfstatat"};
  ASSERT_GT(allowed.size(), 32u);
  ASSERT_OK_AND_ASSIGN(
      std::vector<uint8_t> bpf,
      CompileSeccomp(Profile(SeccompAction::kErrno,
                             {Rule(allowed, SeccompAction::kAllow)})));
  for (const std::string& name : allowed) {
    EXPECT_EQ(Verdict(bpf, name.c_str()), SCMP_ACT_ALLOW) << name;
  }
  for (const char* name : {"mkdir", "mount", "reboot", "socket", "clone3"}) {
    EXPECT_EQ(Verdict(bpf, name), SCMP_ACT_ERRNO(EPERM)) << name;
  }
}

std::string Describe(const SeccompSyscall& rule) {
  std::ostringstream out;
  out << spec::EnumName(rule.action);
  if (rule.errno_ret) out << "(" << *rule.errno_ret << ")";
  for (const SeccompArg& arg : rule.args) {
    out << std::hex << " [" << arg.index << " " << spec::EnumName(arg.op)
        << " 0x" << arg.value << " 0x" << arg.value_two << "]";
  }
  return out.str();
}

// Random profiles of one rule per syscall, checked against a model of the
// spec's meaning: a rule applies when all its conditions hold, or any of
// them when two test the same argument (runc's reading); otherwise the
// default action. Prints the seed of a failing profile.
TEST(CompileSeccompTest, RandomProfilesMatchTheModel) {
  const char* const kPool[] = {"read",   "openat", "close", "fstat",
                               "mmap",   "ioctl",  "fcntl", "personality",
                               "socket", "kill",   "dup3",  "lseek"};
  const SeccompOperator kOps[] = {
      SeccompOperator::kNotEqual,     SeccompOperator::kLessThan,
      SeccompOperator::kLessEqual,    SeccompOperator::kEqualTo,
      SeccompOperator::kGreaterEqual, SeccompOperator::kGreaterThan,
      SeccompOperator::kMaskedEqual};
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937_64 rng(seed);
    auto below = [&](uint64_t n) { return rng() % n; };
    auto value = [&]() -> uint64_t {
      switch (below(5)) {
        case 0:
          return below(4);
        case 1:
          return 0xffffffffull - below(2);
        case 2:
          return (below(3) << 32) | below(3);
        case 3:
          return ~0ull - below(2);
        default:
          return rng();
      }
    };
    auto action = [&](std::optional<uint32_t>& errno_ret) {
      const SeccompAction kActions[] = {
          SeccompAction::kAllow,       SeccompAction::kErrno,
          SeccompAction::kTrap,        SeccompAction::kLog,
          SeccompAction::kKillProcess, SeccompAction::kTrace};
      SeccompAction a = kActions[below(6)];
      errno_ret.reset();
      if ((a == SeccompAction::kErrno || a == SeccompAction::kTrace) &&
          below(2) == 0) {
        errno_ret = 1 + below(3);  // Often equal to another rule's or EPERM.
      }
      return a;
    };
    auto verdict_of = [](SeccompAction a, std::optional<uint32_t> e) {
      switch (a) {
        case SeccompAction::kAllow:
          return SCMP_ACT_ALLOW;
        case SeccompAction::kErrno:
          return SCMP_ACT_ERRNO(e.value_or(EPERM));
        case SeccompAction::kTrace:
          return SCMP_ACT_TRACE(e.value_or(EPERM));
        case SeccompAction::kTrap:
          return SCMP_ACT_TRAP;
        case SeccompAction::kLog:
          return SCMP_ACT_LOG;
        default:
          return SCMP_ACT_KILL_PROCESS;
      }
    };

    spec::Seccomp seccomp;
    seccomp.default_action = action(seccomp.default_errno_ret);
    std::vector<const char*> names(std::begin(kPool), std::end(kPool));
    std::shuffle(names.begin(), names.end(), rng);
    size_t rules = 1 + below(6);
    for (size_t r = 0; r < rules; ++r) {
      SeccompSyscall rule;
      rule.names = {names[r]};
      rule.action = action(rule.errno_ret);
      size_t args = below(4);
      for (size_t a = 0; a < args; ++a) {
        rule.args.push_back(SeccompArg{static_cast<uint32_t>(below(3)), value(),
                                       value(), kOps[below(7)]});
      }
      // libseccomp 2.5.4 merges separate rules of one syscall wrongly when
      // two of them range-compare (LT/LE/GT/GE) one 64-bit argument: {a0 <=
      // 0} and {a0 < 1<<32} let a0 = 0xffffffff through, in its BPF and on
      // the kernel alike. runc has the same filter. The OR-ed rules real
      // profiles write (personality, clone) use EQ and MASKED_EQ, so only
      // those are drawn when an index repeats.
      std::set<uint32_t> seen;
      bool repeats = false;
      for (const SeccompArg& arg : rule.args) {
        repeats = repeats || !seen.insert(arg.index).second;
      }
      if (repeats) {
        for (SeccompArg& arg : rule.args) {
          arg.op = below(2) == 0 ? SeccompOperator::kEqualTo
                                 : SeccompOperator::kMaskedEqual;
        }
      }
      seccomp.syscalls.push_back(rule);
    }
    ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf, CompileSeccomp(seccomp));

    uint32_t fallback =
        verdict_of(seccomp.default_action, seccomp.default_errno_ret);
    for (const SeccompSyscall& rule : seccomp.syscalls) {
      bool repeated = false;
      for (size_t i = 0; i < rule.args.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
          repeated = repeated || rule.args[i].index == rule.args[j].index;
        }
      }
      for (int probe = 0; probe < 24; ++probe) {
        std::vector<uint64_t> argv(3);
        for (uint64_t& v : argv) v = value();
        // Aim at the rule's own constants half the time.
        for (const SeccompArg& arg : rule.args) {
          if (below(2) == 0) {
            argv[arg.index] = arg.op == SeccompOperator::kMaskedEqual
                                  ? arg.value_two + below(2)
                                  : arg.value + below(3) - 1;
          }
        }
        auto holds = [&](const SeccompArg& arg) {
          uint64_t v = argv[arg.index];
          switch (arg.op) {
            case SeccompOperator::kNotEqual:
              return v != arg.value;
            case SeccompOperator::kLessThan:
              return v < arg.value;
            case SeccompOperator::kLessEqual:
              return v <= arg.value;
            case SeccompOperator::kEqualTo:
              return v == arg.value;
            case SeccompOperator::kGreaterEqual:
              return v >= arg.value;
            case SeccompOperator::kGreaterThan:
              return v > arg.value;
            // libseccomp (so runc too) masks valueTwo as well: bits of it
            // outside the mask are ignored rather than never matching.
            case SeccompOperator::kMaskedEqual:
              return (v & arg.value) == (arg.value_two & arg.value);
          }
          return false;
        };
        bool applies = rule.args.empty() || !repeated;
        for (const SeccompArg& arg : rule.args) {
          applies = repeated ? applies || holds(arg) : applies && holds(arg);
        }
        uint32_t expected =
            applies ? verdict_of(rule.action, rule.errno_ret) : fallback;
        ASSERT_EQ(Verdict(bpf, rule.names[0].c_str(), argv), expected)
            << rule.names[0] << " args " << std::hex << argv[0] << " "
            << argv[1] << " " << argv[2] << "; rule " << Describe(rule);
      }
    }
  }
}

TEST(CompileSeccompTest, FlagsMapToSeccompFlags) {
  spec::Seccomp seccomp = Profile(SeccompAction::kAllow, {});
  seccomp.flags = {spec::SeccompFlag::kTsync, spec::SeccompFlag::kLog,
                   spec::SeccompFlag::kSpecAllow,
                   spec::SeccompFlag::kWaitKillableRecv};
  ASSERT_OK_AND_ASSIGN(SeccompProgram program, CompileSeccompProgram(seccomp));
  // WAIT_KILLABLE_RECV needs a listener; without one it is dropped.
  EXPECT_EQ(program.flags, SeccompFlags::kTsync | SeccompFlags::kLog |
                               SeccompFlags::kSpecAllow);

  seccomp.syscalls = {Rule({"mkdir"}, SeccompAction::kNotify)};
  seccomp.listener_path = "/run/agent.sock";
  ASSERT_OK_AND_ASSIGN(program, CompileSeccompProgram(seccomp));
  EXPECT_EQ(program.flags, SeccompFlags::kTsync | SeccompFlags::kLog |
                               SeccompFlags::kSpecAllow |
                               SeccompFlags::kWaitKillableRecv |
                               SeccompFlags::kNewListener);
}

TEST(CompileSeccompTest, NotifyOnWhatTheRuntimeNeedsIsRefusedWithPath) {
  for (const char* name : {"write", "sendmsg"}) {
    spec::Seccomp seccomp = Profile(
        SeccompAction::kAllow, {Rule({"getpid"}, SeccompAction::kErrno),
                                Rule({"mkdir", name}, SeccompAction::kNotify)});
    seccomp.listener_path = "/run/agent.sock";
    absl::StatusOr<SeccompProgram> program = CompileSeccompProgram(seccomp);
    EXPECT_THAT(program, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(program.status().message(),
                HasSubstr("linux.seccomp.syscalls[1].names[1]: "));
  }
}

TEST(CompileSeccompTest, OversizedErrnoRetIsRefusedWithPath) {
  absl::StatusOr<std::vector<uint8_t>> bpf = CompileSeccomp(
      Profile(SeccompAction::kAllow,
              {Rule({"getpid"}, SeccompAction::kLog),
               Rule({"mkdir"}, SeccompAction::kErrno, 0x10000)}));
  EXPECT_THAT(bpf, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(bpf.status().message(),
              HasSubstr("linux.seccomp.syscalls[1].errnoRet: 65536"));

  spec::Seccomp seccomp = Profile(SeccompAction::kErrno, {});
  seccomp.default_errno_ret = 70000;
  bpf = CompileSeccomp(seccomp);
  EXPECT_THAT(bpf.status().message(),
              HasSubstr("linux.seccomp.defaultErrnoRet: 70000"));
}

TEST(CompileSeccompTest, ArchitectureOfOtherEndiannessIsRefusedWithPath) {
  spec::Seccomp seccomp = Profile(SeccompAction::kAllow, {});
  seccomp.architectures = {SeccompArch::kX86, SeccompArch::kS390X};
  absl::StatusOr<std::vector<uint8_t>> bpf = CompileSeccomp(seccomp);
  EXPECT_FALSE(bpf.ok());
  EXPECT_THAT(bpf.status().message(),
              HasSubstr("linux.seccomp.architectures[1]: "));
}

TEST(CompileSeccompTest, BadArgIndexIsRefusedWithPath) {
  absl::StatusOr<std::vector<uint8_t>> bpf = CompileSeccomp(
      Profile(SeccompAction::kAllow,
              {Rule({"mkdir"}, SeccompAction::kErrno, std::nullopt,
                    {SeccompArg{0, 1, 0, SeccompOperator::kEqualTo},
                     SeccompArg{6, 1, 0, SeccompOperator::kEqualTo}})}));
  EXPECT_THAT(bpf.status().message(),
              HasSubstr("linux.seccomp.syscalls[0].args[1].index: 6"));
}

TEST(CompileSeccompTest, SeccompNotifiesSeesAnyNotifyRule) {
  spec::Seccomp seccomp =
      Profile(SeccompAction::kAllow, {Rule({"mkdir"}, SeccompAction::kErrno)});
  EXPECT_FALSE(SeccompNotifies(seccomp));
  seccomp.syscalls.push_back(Rule({"chmod"}, SeccompAction::kNotify));
  EXPECT_TRUE(SeccompNotifies(seccomp));
}

}  // namespace
}  // namespace runbox
