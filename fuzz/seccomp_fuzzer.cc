// linux.seccomp (config-linux.md "Seccomp") through the libseccomp
// translation, stopping before anything is loaded: the input is the
// seccomp object, placed in a minimal config and parsed by
// spec::ParseConfig, checked by the validator, then compiled by
// CompileSeccompProgram (runtime/sandbox/seccomp/seccomp.h), which makes no
// host call. Properties:
// - a spec the validator accepts compiles, or fails with a clean error:
//   InvalidArgument or FailedPrecondition, message naming linux.seccomp
//   (never Internal, never a crash or a libseccomp abort);
// - a compiled program is whole struct sock_filter instructions (8 bytes
//   each), and compiling again gives the same bytes (no hidden state in
//   libseccomp's context between compiles);
// - the program runs, in the kernel checker's model (bpf_eval), to a
//   verdict for a few syscalls of this architecture and of a foreign one:
//   no out-of-bounds jump or load, no falling off the end.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_mutator.h"
#include "runtime/sandbox/seccomp/bpf_eval.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/spec/config.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/validate.h"

RUNBOX_FUZZ_JSON_MUTATOR()

namespace {

// AUDIT_ARCH_X86_64, AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386 (linux/audit.h).
constexpr uint32_t kArches[] = {0xC000003Eu, 0xC00000B7u, 0x40000003u};
// read, openat (x86_64), clone3, a number no table has, a negative one,
// and the x32 bit.
constexpr int32_t kSyscalls[] = {0, 257, 435, 4000, -1, 0x40000000 | 1};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Compiling is libseccomp's work, linear in the rules: keep inputs small.
  if (size > 8192) return 0;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string json =
      absl::StrCat(R"({"ociVersion":"1.2.0","root":{"path":"rootfs"},)",
                   R"("linux":{"seccomp":)", input, "}}");
  absl::StatusOr<runbox::spec::Config> config = runbox::spec::ParseConfig(json);
  if (!config.ok()) {
    FUZZ_NOTE(absl::StrCat("parse: ", config.status().ToString()));
    return 0;
  }
  if (!config->linux.has_value() || !config->linux->seccomp.has_value()) {
    return 0;  // null
  }
  absl::Status valid = runbox::spec::Validate(*config);
  if (!valid.ok()) {
    FUZZ_NOTE(absl::StrCat("validate: ", valid.ToString()));
    return 0;
  }
  const runbox::spec::Seccomp& seccomp = *config->linux->seccomp;
  absl::StatusOr<runbox::SeccompProgram> program =
      runbox::CompileSeccompProgram(seccomp);
  if (!program.ok()) {
    FUZZ_NOTE(absl::StrCat("compile: ", program.status().ToString()));
    absl::StatusCode code = program.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kFailedPrecondition,
               program.status().ToString());
    FUZZ_CHECK(absl::StrContains(program.status().message(), "seccomp"),
               program.status().ToString());
    return 0;
  }
  const std::vector<uint8_t>& bpf = program->bpf;
  FUZZ_CHECK(!bpf.empty() && bpf.size() % 8 == 0,
             absl::StrCat("program of ", bpf.size(), " bytes"));
  absl::StatusOr<runbox::SeccompProgram> again =
      runbox::CompileSeccompProgram(seccomp);
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(again->bpf == bpf, "compiling twice differs");
  FUZZ_CHECK(again->flags == program->flags, "flags differ");
  FUZZ_CHECK(again->unknown_syscalls == program->unknown_syscalls,
             "unknown syscalls differ");
  for (uint32_t arch : kArches) {
    for (int32_t nr : kSyscalls) {
      runbox::seccomp_testing::SeccompData d;
      d.nr = nr;
      d.arch = arch;
      d.args[0] = 0xFFFFFFFFFFFFFFFFull;
      d.args[1] = 1;
      absl::StatusOr<uint32_t> verdict =
          runbox::seccomp_testing::RunSeccompBpf(bpf, d);
      FUZZ_CHECK(verdict.ok(), absl::StrCat("arch ", arch, " nr ", nr, ": ",
                                            verdict.status().ToString()));
    }
  }
  return 0;
}
