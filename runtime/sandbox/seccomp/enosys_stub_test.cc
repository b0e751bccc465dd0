// The ENOSYS prologue: new syscalls get ENOSYS under a denying default,
// known ones keep the profile's verdict, per architecture and x32 mode.
#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/seccomp/bpf_eval.h"
#include "runtime/sandbox/seccomp/internal.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/names.h"

namespace runbox {
namespace {

using seccomp_testing::RunSeccompBpf;
using seccomp_testing::SeccompData;
using spec::SeccompAction;
using spec::SeccompArch;

constexpr uint32_t kX32Bit = 0x40000000;

uint32_t VerdictOfNr(const std::vector<uint8_t>& bpf, uint32_t arch,
                     uint32_t nr) {
  SeccompData data;
  data.arch = arch;
  data.nr = static_cast<int32_t>(nr);
  absl::StatusOr<uint32_t> verdict = RunSeccompBpf(bpf, data);
  EXPECT_TRUE(verdict.ok()) << verdict.status();
  return verdict.value_or(0xdeadbeef);
}

uint32_t NrOf(const char* name, uint32_t arch) {
  int nr = seccomp_syscall_resolve_name_arch(arch, name);
  EXPECT_GE(nr, 0) << name;
  return static_cast<uint32_t>(nr);
}

// Deny by default (EPERM), allow a few, on x86_64, x86 and x32.
spec::Seccomp DenyingProfile() {
  spec::Seccomp seccomp;
  seccomp.default_action = SeccompAction::kErrno;
  seccomp.architectures = {SeccompArch::kX86_64, SeccompArch::kX86,
                           SeccompArch::kX32};
  spec::SeccompSyscall allow;
  allow.names = {"read", "write", "openat", "exit_group"};
  allow.action = SeccompAction::kAllow;
  spec::SeccompSyscall deny;
  deny.names = {"mount"};
  deny.action = SeccompAction::kErrno;
  deny.errno_ret = EACCES;
  seccomp.syscalls = {allow, deny};
  return seccomp;
}

TEST(EnosysStubTest, SyscallsAboveTheProfileGetEnosys) {
  if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
    GTEST_SKIP() << "numbers below are x86_64's";
  }
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf,
                       CompileSeccomp(DenyingProfile()));
  // x86_64: openat (257) is the largest named.
  uint32_t last = NrOf("openat", SCMP_ARCH_X86_64);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, last), SCMP_ACT_ALLOW);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, last + 1),
            SCMP_ACT_ERRNO(ENOSYS));
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, 450), SCMP_ACT_ERRNO(ENOSYS));
  // Below it, unnamed syscalls keep the default.
  EXPECT_EQ(
      VerdictOfNr(bpf, SCMP_ARCH_X86_64, NrOf("getpid", SCMP_ARCH_X86_64)),
      SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, NrOf("mount", SCMP_ARCH_X86_64)),
            SCMP_ACT_ERRNO(EACCES));

  // x86 numbers its syscalls differently: its own largest.
  uint32_t last_x86 = NrOf("openat", SCMP_ARCH_X86);
  EXPECT_NE(last_x86, last);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86, last_x86), SCMP_ACT_ALLOW);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86, last_x86 + 1),
            SCMP_ACT_ERRNO(ENOSYS));

  // x32: x86_64's arch value, numbers with the x32 bit.
  uint32_t last_x32 = NrOf("openat", SCMP_ARCH_X32);
  EXPECT_NE(last_x32 & kX32Bit, 0u);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, NrOf("read", SCMP_ARCH_X32)),
            SCMP_ACT_ALLOW);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, last_x32 + 1),
            SCMP_ACT_ERRNO(ENOSYS));
}

TEST(EnosysStubTest, X32ModeWithoutX32InTheProfileIsLeftToTheFilter) {
  spec::Seccomp seccomp = DenyingProfile();
  seccomp.architectures = {SeccompArch::kX86_64};
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf, CompileSeccomp(seccomp));
  uint32_t last = NrOf("openat", SCMP_ARCH_X86_64);
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, last + 1),
            SCMP_ACT_ERRNO(ENOSYS));
  // libseccomp's own handling of x32 numbers in an x86_64-only filter.
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> plain_bpf, CompileSeccomp([&] {
                         spec::Seccomp s = seccomp;
                         s.architectures.clear();
                         return s;
                       }()));
  EXPECT_EQ(VerdictOfNr(bpf, SCMP_ARCH_X86_64, kX32Bit | 1000),
            VerdictOfNr(plain_bpf, SCMP_ARCH_X86_64, kX32Bit | 1000));
}

TEST(EnosysStubTest, NoStubWhenTheDefaultAllowsOrNoArchIsListed) {
  for (SeccompAction action :
       {SeccompAction::kAllow, SeccompAction::kLog, SeccompAction::kTrace}) {
    spec::Seccomp seccomp = DenyingProfile();
    seccomp.default_action = action;
    EXPECT_TRUE(seccomp_internal::EnosysStub(seccomp).empty())
        << spec::EnumName(action);
  }
  spec::Seccomp seccomp = DenyingProfile();
  seccomp.architectures.clear();
  EXPECT_TRUE(seccomp_internal::EnosysStub(seccomp).empty());
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bpf, CompileSeccomp(seccomp));
  EXPECT_EQ(VerdictOfNr(bpf, seccomp_arch_native(), 450),
            SCMP_ACT_ERRNO(EPERM));
  // Names only unknown ones: nothing to compare against.
  seccomp = DenyingProfile();
  seccomp.syscalls = {
      {.names = {"no_such_syscall"}, .action = SeccompAction::kAllow}};
  EXPECT_TRUE(seccomp_internal::EnosysStub(seccomp).empty());
}

// Run alone, with "ret ALLOW" standing for the filter after it.
uint32_t StubVerdict(const spec::Seccomp& seccomp, uint32_t arch, uint32_t nr) {
  std::vector<uint8_t> bpf = seccomp_internal::EnosysStub(seccomp);
  const uint8_t ret_allow[8] = {0x06, 0, 0, 0, 0, 0, 0xff, 0x7f};
  bpf.insert(bpf.end(), std::begin(ret_allow), std::end(ret_allow));
  return VerdictOfNr(bpf, arch, nr);
}

TEST(EnosysStubTest, S390MultiplexerNumberZeroGetsEnosys) {
  spec::Seccomp seccomp = DenyingProfile();
  seccomp.architectures = {SeccompArch::kS390X};
  EXPECT_EQ(StubVerdict(seccomp, SCMP_ARCH_S390X, 0), SCMP_ACT_ERRNO(ENOSYS));
  uint32_t last = NrOf("openat", SCMP_ARCH_S390X);
  EXPECT_EQ(StubVerdict(seccomp, SCMP_ARCH_S390X, last), SCMP_ACT_ALLOW);
  EXPECT_EQ(StubVerdict(seccomp, SCMP_ARCH_S390X, last + 1),
            SCMP_ACT_ERRNO(ENOSYS));
  // Other architectures pass through untouched.
  EXPECT_EQ(StubVerdict(seccomp, SCMP_ARCH_X86_64, 0), SCMP_ACT_ALLOW);
  EXPECT_EQ(StubVerdict(seccomp, SCMP_ARCH_X86_64, 1000), SCMP_ACT_ALLOW);
}

TEST(EnosysStubTest, EveryListedArchitectureGetsItsBlock) {
  spec::Seccomp seccomp = DenyingProfile();
  seccomp.architectures = {SeccompArch::kAarch64, SeccompArch::kArm,
                           SeccompArch::kRiscv64, SeccompArch::kX86};
  for (uint32_t arch : {uint32_t{SCMP_ARCH_AARCH64}, uint32_t{SCMP_ARCH_ARM},
                        uint32_t{SCMP_ARCH_RISCV64}, uint32_t{SCMP_ARCH_X86}}) {
    SCOPED_TRACE(arch);
    uint32_t last = 0;
    for (const char* name :
         {"read", "write", "openat", "exit_group", "mount"}) {
      last = std::max(last, NrOf(name, arch));
    }
    EXPECT_EQ(StubVerdict(seccomp, arch, last), SCMP_ACT_ALLOW);
    EXPECT_EQ(StubVerdict(seccomp, arch, last + 1), SCMP_ACT_ERRNO(ENOSYS));
  }
  EXPECT_EQ(StubVerdict(seccomp, SCMP_ARCH_X86_64, 1000), SCMP_ACT_ALLOW);
}

}  // namespace
}  // namespace runbox
