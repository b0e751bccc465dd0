// Signal generation and default actions, as Linux does them for a process
// with no handlers (runbox installs none: it blocks signals and reads them
// from a signalfd). Stop signals are treated as ignored: job control is not
// modelled (a known gap; runbox never stops processes, it freezes cgroups).
#include "fakes/kernel_impl.h"

namespace runbox::fake {
namespace {

enum class DefaultAction { kTerminate, kCore, kIgnore };

DefaultAction DefaultActionOf(Signal sig) {
  switch (sig) {
    case Signal::kQuit:
    case Signal::kIll:
    case Signal::kTrap:
    case Signal::kAbrt:
    case Signal::kBus:
    case Signal::kFpe:
    case Signal::kSegv:
    case Signal::kXcpu:
    case Signal::kXfsz:
    case Signal::kSys:
      return DefaultAction::kCore;
    case Signal::kChld:
    case Signal::kUrg:
    case Signal::kWinch:
    case Signal::kCont:
    // Stop signals: not modelled, see the file comment.
    case Signal::kStop:
    case Signal::kTstp:
    case Signal::kTtin:
    case Signal::kTtou:
      return DefaultAction::kIgnore;
    default:
      // HUP INT KILL USR1 USR2 PIPE ALRM TERM STKFLT VTALRM PROF IO PWR and
      // the real-time signals.
      return DefaultAction::kTerminate;
  }
}

bool IsStandard(Signal sig) { return static_cast<int>(sig) < 32; }

}  // namespace

void FakeKernel::Impl::SendSignal(Process& t, Signal sig, const Process* sender,
                                  const Process* child) {
  if (sig == Signal::kNone || t.dead || &t == init) return;
  SignalState& s = *t.signals;
  const bool ns_init = t.IsNamespaceInit();
  if (sig == Signal::kKill) {
    // A namespace init is unkillable from inside its namespace; SIGKILL
    // from an ancestor namespace (or the kernel) kills it.
    if (ns_init && sender != nullptr &&
        &sender->active_ns() == &t.active_ns()) {
      return;
    }
    Die(t, ExitStatus::Signaled(Signal::kKill));
    return;
  }
  SignalInfo info;
  info.signal = sig;
  if (sender != nullptr) info.sender = PidAs(t, *sender);
  if (child != nullptr) info.child = PidAs(t, *child);
  // Blocked signals are never ignored at generation (the disposition may
  // change before they are unblocked), so they stay pending for signalfd.
  if (s.blocked.Contains(sig)) {
    if (IsStandard(sig) && s.PendingSet().Contains(sig)) return;
    s.pending.push_back(info);
    return;
  }
  // SIGNAL_UNKILLABLE: an init only gets signals it has handlers for.
  if (ns_init) return;
  if (s.ignored.Contains(sig)) return;
  DefaultAction action = DefaultActionOf(sig);
  if (action == DefaultAction::kIgnore) return;
  Die(t, ExitStatus::Signaled(sig, action == DefaultAction::kCore));
}

void FakeKernel::Impl::DeliverUnblocked(Process& p) {
  SignalState& s = *p.signals;
  std::vector<SignalInfo> deliver;
  std::erase_if(s.pending, [&](const SignalInfo& info) {
    if (s.blocked.Contains(info.signal)) return false;
    deliver.push_back(info);
    return true;
  });
  if (p.IsNamespaceInit() || &p == init) return;
  for (const SignalInfo& info : deliver) {
    if (s.ignored.Contains(info.signal)) continue;
    DefaultAction action = DefaultActionOf(info.signal);
    if (action == DefaultAction::kIgnore) continue;
    Die(p, ExitStatus::Signaled(info.signal, action == DefaultAction::kCore));
    return;
  }
}

}  // namespace runbox::fake
