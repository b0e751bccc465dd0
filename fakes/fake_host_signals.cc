// FakeHost's signal calls: masks, dispositions, signalfd, sigtimedwait.
// Generation and default actions are in kernel_signals.cc.
#include <cerrno>
#include <utility>

#include "fakes/fake_host.h"
#include "fakes/kernel_impl.h"
#include "fakes/special_files.h"
#include "hostapi/status.h"

namespace runbox::fake {

#define FAKE_ENTER(call)       \
  Process* self = Enter(call); \
  if (self == nullptr) return DeadError()

namespace {

// SIGKILL and SIGSTOP cannot be blocked; sigprocmask drops them silently.
SignalSet Blockable(SignalSet set) {
  set.Remove(Signal::kKill);
  set.Remove(Signal::kStop);
  return set;
}

SignalSet Union(const SignalSet& a, const SignalSet& b) {
  SignalSet out = a;
  for (int n = 1; n <= kMaxSignal; ++n) {
    if (b.Contains(static_cast<Signal>(n))) out.Add(static_cast<Signal>(n));
  }
  return out;
}

SignalSet Minus(const SignalSet& a, const SignalSet& b) {
  SignalSet out = a;
  for (int n = 1; n <= kMaxSignal; ++n) {
    if (b.Contains(static_cast<Signal>(n))) out.Remove(static_cast<Signal>(n));
  }
  return out;
}

}  // namespace

absl::StatusOr<SignalSet> FakeHost::BlockSignals(const SignalSet& set) {
  FAKE_ENTER("rt_sigprocmask(SIG_BLOCK)");
  SignalSet& blocked = self->signals->blocked;
  SignalSet old = blocked;
  blocked = Union(blocked, Blockable(set));
  return old;
}

absl::StatusOr<SignalSet> FakeHost::UnblockSignals(const SignalSet& set) {
  FAKE_ENTER("rt_sigprocmask(SIG_UNBLOCK)");
  SignalSet& blocked = self->signals->blocked;
  SignalSet old = blocked;
  blocked = Minus(blocked, set);
  k_.DeliverUnblocked(*self);
  RETURN_IF_ERROR(AfterEffect(*self, absl::OkStatus()));
  return old;
}

absl::StatusOr<SignalSet> FakeHost::SetSignalMask(const SignalSet& set) {
  FAKE_ENTER("rt_sigprocmask(SIG_SETMASK)");
  SignalSet& blocked = self->signals->blocked;
  SignalSet old = blocked;
  blocked = Blockable(set);
  k_.DeliverUnblocked(*self);
  RETURN_IF_ERROR(AfterEffect(*self, absl::OkStatus()));
  return old;
}

absl::Status FakeHost::SetSignalDisposition(Signal sig,
                                            SignalDisposition disp) {
  FAKE_ENTER("rt_sigaction");
  int n = static_cast<int>(sig);
  if (n < 1 || n > kMaxSignal || n == 32 || n == 33 || sig == Signal::kKill ||
      sig == Signal::kStop) {
    return ErrnoError(EINVAL, "rt_sigaction");
  }
  SignalState& s = *self->signals;
  if (disp == SignalDisposition::kIgnore) {
    s.ignored.Add(sig);
    // POSIX: setting SIG_IGN discards a pending instance.
    s.Discard(sig);
  } else {
    s.ignored.Remove(sig);
  }
  return absl::OkStatus();
}

absl::StatusOr<Fd> FakeHost::SignalFd(const SignalSet& set) {
  FAKE_ENTER("signalfd4");
  return Install(*self,
                 std::make_shared<SignalFdFile>(self->signals, Blockable(set)));
}

absl::StatusOr<SignalInfo> FakeHost::ReadSignal(const Fd& signal_fd) {
  FAKE_ENTER("read(signalfd)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, signal_fd));
  auto* sfd = dynamic_cast<SignalFdFile*>(file.get());
  if (sfd == nullptr) return ErrnoError(EINVAL, "read: not a signalfd");
  SignalSet set = sfd->set();
  while (true) {
    std::optional<SignalInfo> info = self->signals->Dequeue(set);
    if (info.has_value()) return *info;
    if (file->nonblocking()) return ErrnoError(EAGAIN, "read(signalfd)");
    std::shared_ptr<SignalState> state = self->signals;
    k_.Park(
        *self, [state, set] { return state->AnyPendingIn(set); }, std::nullopt);
    if (self->dead) return DeadError();
  }
}

absl::StatusOr<std::optional<SignalInfo>> FakeHost::WaitSignal(
    const SignalSet& set, std::optional<absl::Duration> timeout) {
  FAKE_ENTER("rt_sigtimedwait");
  std::optional<absl::Duration> deadline;
  if (timeout.has_value()) deadline = k_.now + *timeout;
  SignalSet wanted = Blockable(set);
  while (true) {
    std::optional<SignalInfo> info = self->signals->Dequeue(wanted);
    if (info.has_value()) return info;
    if (deadline.has_value() && *deadline <= k_.now) {
      return std::optional<SignalInfo>();
    }
    std::shared_ptr<SignalState> state = self->signals;
    k_.Park(
        *self, [state, wanted] { return state->AnyPendingIn(wanted); },
        deadline);
    if (self->dead) return DeadError();
  }
}

}  // namespace runbox::fake
