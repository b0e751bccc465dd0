// Profiles as podman and containerd write them, from config.json text
// through ParseConfig and Validate to the filter's verdicts: the path a
// real `runbox create` takes up to the load.
#include <seccomp.h>

#include <cerrno>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/seccomp/bpf_eval.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/validate.h"

namespace runbox {
namespace {

using seccomp_testing::RunSeccompBpf;
using seccomp_testing::SeccompData;

// Parses `seccomp_json` as a config's linux.seccomp and validates it.
absl::StatusOr<spec::Seccomp> ParseProfile(const std::string& seccomp_json) {
  std::string config = R"({"ociVersion":"1.2.0","root":{"path":"rootfs"},)"
                       R"("linux":{"seccomp":)" +
                       seccomp_json + "}}";
  ASSIGN_OR_RETURN(spec::Config parsed, spec::ParseConfig(config));
  RETURN_IF_ERROR(spec::Validate(parsed));
  return *parsed.linux->seccomp;
}

uint32_t Verdict(const std::vector<uint8_t>& bpf, const char* name,
                 std::vector<uint64_t> args = {},
                 uint32_t arch = SCMP_ARCH_X86_64) {
  SeccompData data;
  data.arch = arch;
  data.nr = seccomp_syscall_resolve_name_arch(arch, name);
  EXPECT_GE(data.nr, 0) << name;
  for (size_t i = 0; i < args.size(); ++i) data.args[i] = args[i];
  absl::StatusOr<uint32_t> verdict = RunSeccompBpf(bpf, data);
  EXPECT_TRUE(verdict.ok()) << verdict.status();
  return verdict.value_or(0xdeadbeef);
}

TEST(SeccompProfileTest, PodmanStyleDenyByDefault) {
  if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
    GTEST_SKIP() << "syscall names below are x86_64's";
  }
  ASSERT_OK_AND_ASSIGN(spec::Seccomp seccomp, ParseProfile(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [
      {"names": ["bdflush", "kexec_load", "nice", "vm86", "vm86old"],
       "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
      {"names": ["brk", "close", "execve", "exit_group", "openat", "read",
                 "write"],
       "action": "SCMP_ACT_ALLOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
      {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
    ]})"));
  ASSERT_OK_AND_ASSIGN(SeccompProgram program, CompileSeccompProgram(seccomp));
  const std::vector<uint8_t>& bpf = program.bpf;
  EXPECT_EQ(Verdict(bpf, "read"), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "execve"), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "kexec_load"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(Verdict(bpf, "mount"), SCMP_ACT_ERRNO(ENOSYS));
  // glibc falls back to clone(2) on ENOSYS.
  EXPECT_EQ(Verdict(bpf, "clone3"), SCMP_ACT_ERRNO(ENOSYS));
  EXPECT_EQ(Verdict(bpf, "personality", {0}), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "personality", {8}), SCMP_ACT_ERRNO(ENOSYS));
  // 32-bit callers get the same rules under their own numbers.
  EXPECT_EQ(Verdict(bpf, "read", {}, SCMP_ARCH_X86), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "vm86", {}, SCMP_ARCH_X86), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(Verdict(bpf, "mount", {}, SCMP_ARCH_X86), SCMP_ACT_ERRNO(ENOSYS));
  // Names x86_64 lacks (nice, vm86...) are still known to libseccomp.
  EXPECT_TRUE(program.unknown_syscalls.empty());
  EXPECT_EQ(program.flags, SeccompFlags::kNone);
}

TEST(SeccompProfileTest, ContainerdStyleWithNotifyAndFlags) {
  if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
    GTEST_SKIP() << "syscall names below are x86_64's";
  }
  ASSERT_OK_AND_ASSIGN(spec::Seccomp seccomp, ParseProfile(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
    "listenerPath": "/run/seccomp-agent.sock",
    "listenerMetadata": "profile=default",
    "syscalls": [
      {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2114060288, "valueTwo": 0,
                 "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
       "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"},
                {"index": 1, "value": 1, "valueTwo": 3,
                 "op": "SCMP_CMP_NE"}]},
      {"names": ["mount"], "action": "SCMP_ACT_NOTIFY"},
      {"names": ["ptrace"], "action": "SCMP_ACT_TRACE", "errnoRet": 1},
      {"names": ["kexec_load"], "action": "SCMP_ACT_KILL_PROCESS"},
      {"names": ["reboot"], "action": "SCMP_ACT_LOG"},
      {"names": ["a_syscall_from_the_future"], "action": "SCMP_ACT_ALLOW"}
    ]})"));
  ASSERT_OK_AND_ASSIGN(SeccompProgram program, CompileSeccompProgram(seccomp));
  const std::vector<uint8_t>& bpf = program.bpf;
  EXPECT_EQ(program.flags, SeccompFlags::kLog | SeccompFlags::kSpecAllow |
                               SeccompFlags::kNewListener);
  EXPECT_THAT(program.unknown_syscalls,
              ::testing::ElementsAre("a_syscall_from_the_future"));
  EXPECT_EQ(Verdict(bpf, "write"), SCMP_ACT_ALLOW);
  // clone without namespace flags (CLONE_NEW* = 0x7e020000) only.
  EXPECT_EQ(Verdict(bpf, "clone", {0x11}), SCMP_ACT_ALLOW);
  EXPECT_EQ(Verdict(bpf, "clone", {0x10000000 | 0x11}), SCMP_ACT_ERRNO(1));
  // AF_VSOCK (40) sockets, except of type SOCK_STREAM (1).
  EXPECT_EQ(Verdict(bpf, "socket", {40, 2}), SCMP_ACT_ERRNO(97));
  EXPECT_EQ(Verdict(bpf, "socket", {40, 1}), SCMP_ACT_ERRNO(1));
  EXPECT_EQ(Verdict(bpf, "socket", {2, 2}), SCMP_ACT_ERRNO(1));
  EXPECT_EQ(Verdict(bpf, "mount"), SCMP_ACT_NOTIFY);
  EXPECT_EQ(Verdict(bpf, "ptrace"), SCMP_ACT_TRACE(1));
  EXPECT_EQ(Verdict(bpf, "kexec_load"), SCMP_ACT_KILL_PROCESS);
  EXPECT_EQ(Verdict(bpf, "reboot"), SCMP_ACT_LOG);
  EXPECT_EQ(Verdict(bpf, "getpid"), SCMP_ACT_ERRNO(1));
}

TEST(SeccompProfileTest, ValidationRejectsNotifyWithoutListener) {
  EXPECT_THAT(ParseProfile(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace runbox
