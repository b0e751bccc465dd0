// LinuxHost's signal calls: masks (sigprocmask), dispositions (SIG_DFL and
// SIG_IGN only; runbox installs no handlers), signalfd and sigtimedwait.
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::CallError;
using linux_internal::FdError;
using linux_internal::FromSigset;
using linux_internal::ToSigset;

namespace {

// si_code > 0 means the kernel generated the signal (SIGCHLD's CLD_*, a
// fault, a timer...); <= 0 means a process sent it (SI_USER, SI_QUEUE,
// SI_TKILL).
SignalInfo MakeSignalInfo(int signo, int code, int pid, unsigned int uid) {
  SignalInfo info;
  info.signal = static_cast<Signal>(signo);
  bool from_kernel = code > 0;
  info.sender = from_kernel ? Pid{0} : Pid{pid};
  info.sender_uid = from_kernel ? 0 : uid;
  if (signo == SIGCHLD && from_kernel) info.child = Pid{pid};
  return info;
}

absl::StatusOr<SignalSet> ChangeMask(int how, const SignalSet& set,
                                     const char* call) {
  sigset_t kernel = ToSigset(set);
  sigset_t old;
  int rc = sigprocmask(how, &kernel, &old);
  int err = errno;
  if (rc != 0) return CallError(err, call);
  return FromSigset(old);
}

}  // namespace

absl::StatusOr<SignalSet> LinuxHost::BlockSignals(const SignalSet& set) {
  return ChangeMask(SIG_BLOCK, set, "sigprocmask SIG_BLOCK");
}

absl::StatusOr<SignalSet> LinuxHost::UnblockSignals(const SignalSet& set) {
  return ChangeMask(SIG_UNBLOCK, set, "sigprocmask SIG_UNBLOCK");
}

absl::StatusOr<SignalSet> LinuxHost::SetSignalMask(const SignalSet& set) {
  return ChangeMask(SIG_SETMASK, set, "sigprocmask SIG_SETMASK");
}

absl::Status LinuxHost::SetSignalDisposition(Signal sig,
                                             SignalDisposition disp) {
  int n = static_cast<int>(sig);
  std::string context = absl::StrCat("sigaction ", SignalName(sig));
  if (sig == Signal::kKill || sig == Signal::kStop) {
    return ErrnoError(EINVAL, context);
  }
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = disp == SignalDisposition::kIgnore ? SIG_IGN : SIG_DFL;
  sigemptyset(&action.sa_mask);
  int rc = sigaction(n, &action, nullptr);
  int err = errno;
  if (rc != 0) return ErrnoError(err, context);
  return absl::OkStatus();
}

absl::StatusOr<Fd> LinuxHost::SignalFd(const SignalSet& set) {
  sigset_t kernel = ToSigset(set);
  int fd = signalfd(-1, &kernel, SFD_CLOEXEC);
  int err = errno;
  if (fd < 0) return CallError(err, "signalfd");
  return Own(fd);
}

absl::StatusOr<SignalInfo> LinuxHost::ReadSignal(const Fd& signal_fd) {
  struct signalfd_siginfo si;
  while (true) {
    ssize_t n = read(signal_fd.get(), &si, sizeof(si));
    int err = errno;
    if (n == static_cast<ssize_t>(sizeof(si))) break;
    if (n < 0 && err == EINTR) continue;
    if (n < 0) return FdError(err, "read signalfd", signal_fd.get());
    // A signalfd returns whole records; anything else is not a signalfd.
    return FdError(EINVAL, "read signalfd", signal_fd.get());
  }
  return MakeSignalInfo(static_cast<int>(si.ssi_signo), si.ssi_code,
                        static_cast<int>(si.ssi_pid), si.ssi_uid);
}

absl::StatusOr<std::optional<SignalInfo>> LinuxHost::WaitSignal(
    const SignalSet& set, std::optional<absl::Duration> timeout) {
  sigset_t kernel = ToSigset(set);
  std::optional<absl::Duration> deadline;
  if (timeout.has_value() && *timeout != absl::InfiniteDuration()) {
    deadline = MonotonicNow() + std::max(*timeout, absl::ZeroDuration());
  }
  siginfo_t si;
  while (true) {
    int rc;
    if (deadline.has_value()) {
      absl::Duration left =
          std::max(*deadline - MonotonicNow(), absl::ZeroDuration());
      struct timespec ts = absl::ToTimespec(left);
      rc = sigtimedwait(&kernel, &si, &ts);
    } else {
      rc = sigwaitinfo(&kernel, &si);
    }
    int err = errno;
    if (rc > 0) break;
    if (err == EAGAIN) return std::nullopt;
    // A handled signal outside `set` interrupted the wait: keep waiting for
    // the rest of the timeout.
    if (err == EINTR) continue;
    return CallError(err, "sigtimedwait");
  }
  return MakeSignalInfo(si.si_signo, si.si_code, si.si_pid, si.si_uid);
}

}  // namespace runbox
