// Shared between compile.cc and enosys_stub.cc. EnosysStub: the -ENOSYS
// prologue runc puts in front of libseccomp's filter
// (libcontainer/seccomp/patchbpf): with a denying default action, a syscall
// newer than every syscall the profile names gets ENOSYS, not the default
// errno, so libc falls back to the older call (glibc tries clone3,
// faccessat2, fchmodat2... and falls back only on ENOSYS). Internal to
// runtime/sandbox/seccomp.
#ifndef RUNBOX_RUNTIME_SANDBOX_SECCOMP_INTERNAL_H_
#define RUNBOX_RUNTIME_SANDBOX_SECCOMP_INTERNAL_H_

#include <cstdint>
#include <vector>

#include "runtime/spec/config.h"

namespace runbox::seccomp_internal {

// libseccomp's SCMP_ARCH_* token for `arch` (compile.cc).
uint32_t ArchToken(spec::SeccompArch arch);

// struct sock_filter instructions (8 bytes each, host byte order) to run
// before the filter they are prepended to; empty when none are needed: the
// default action allows (SCMP_ACT_ALLOW, LOG, or TRACE, whose tracer can
// handle new syscalls), or the profile lists no architectures (runc looks
// only at those), or names no syscall known on them. For each listed
// architecture: a syscall number above the largest the profile names for it
// returns ERRNO(ENOSYS); so does s390(x)'s multiplexer number 0, which the
// kernel leaves in place for a syscall it does not know. Everything else
// falls through to the filter.
std::vector<uint8_t> EnosysStub(const spec::Seccomp& seccomp);

}  // namespace runbox::seccomp_internal

#endif  // RUNBOX_RUNTIME_SANDBOX_SECCOMP_INTERNAL_H_
