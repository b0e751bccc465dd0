// LinuxHost's Seccomp: no_new_privs and seccomp(SECCOMP_SET_MODE_FILTER)
// with a classic-BPF program compiled by runtime/ (via libseccomp).
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

namespace runbox {

using linux_internal::CallError;

absl::Status LinuxHost::SetNoNewPrivs() {
  int rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  int err = errno;
  if (rc != 0) return CallError(err, "prctl PR_SET_NO_NEW_PRIVS");
  return absl::OkStatus();
}

absl::StatusOr<Fd> LinuxHost::SetSeccompFilter(
    absl::Span<const uint8_t> program, SeccompFlags flags) {
  constexpr const char* kCall = "seccomp SECCOMP_SET_MODE_FILTER";
  if (program.empty() || program.size() % sizeof(struct sock_filter) != 0 ||
      program.size() / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    return ErrnoError(
        EINVAL, absl::StrCat(kCall, ": program of ", program.size(), " bytes"));
  }
  // The bytes may be unaligned; copy them into real sock_filter structs.
  std::vector<struct sock_filter> filter(program.size() /
                                         sizeof(struct sock_filter));
  std::memcpy(filter.data(), program.data(), program.size());
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(filter.size());
  prog.filter = filter.data();

  unsigned int kernel_flags = linux_internal::ToSeccompFlags(flags);
  bool listener = Has(flags, SeccompFlags::kNewListener);
  // With both TSYNC and a listener the return value cannot be a thread id,
  // so the kernel insists that a failed sync report ESRCH instead.
  if (listener && Has(flags, SeccompFlags::kTsync)) {
    kernel_flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kernel_flags, &prog);
  int err = errno;
  if (rc < 0) return CallError(err, kCall);
  if (listener) return Own(static_cast<int>(rc));  // Close-on-exec already.
  if (rc > 0) {
    // TSYNC: rc is the thread that could not be synchronised.
    return ErrnoError(ESRCH,
                      absl::StrCat(kCall, ": TSYNC failed for thread ", rc));
  }
  return Fd();
}

}  // namespace runbox
