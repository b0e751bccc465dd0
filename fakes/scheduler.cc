// The seeded scheduler: scheduling points, parking, picking the next
// process, fiber entry and the Run loop. See kernel_impl.h for the model.
// Determinism rests on three rules: processes are scanned in root-pid order,
// every choice draws from the one SeededRandom, and nothing depends on
// pointer values or real time.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_host.h"
#include "fakes/kernel_impl.h"

namespace runbox::fake {
namespace {

constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t FnvByte(uint64_t h, uint8_t b) { return (h ^ b) * kFnvPrime; }

// The kernel whose fibers run on this thread (set whenever Run resumes one).
thread_local FakeKernel::Impl* running_kernel = nullptr;
std::terminate_handler previous_terminate = nullptr;

// Fibers of dying processes that could not unwind: their stacks may hold
// the only pointers to heap objects, so they stay allocated (and reachable,
// for LeakSanitizer) until the program exits. Rare by construction.
std::vector<std::unique_ptr<Fiber>>& AbandonedFibers() {
  static auto* fibers = new std::vector<std::unique_ptr<Fiber>>();
  return *fibers;
}

// ProcessUnwind thrown through a noexcept frame (a host call from a
// destructor, killed while blocked) ends in std::terminate. If that happens
// on a dying process's fiber, abandon the fiber instead of the test.
[[noreturn]] void OnTerminate() {
  FakeKernel::Impl* k = running_kernel;
  if (k != nullptr && k->current != nullptr && k->current->dead &&
      k->current->fiber != nullptr) {
    k->AbandonCurrentFiber();
  }
  if (previous_terminate != nullptr) previous_terminate();
  std::abort();
}

}  // namespace

void FakeKernel::Impl::AbandonCurrentFiber() {
  Process* p = current;
  std::fprintf(stderr,
               "fake kernel: pid %d was killed inside a host call made from a "
               "destructor; its fiber is abandoned without unwinding\n",
               p->root_pid());
  AbandonedFibers().push_back(std::move(p->fiber));
  p->fiber_done = true;
  current = nullptr;
  Fiber::SwitchFinal(*AbandonedFibers().back(), main_fiber);
}

void KernelBug(absl::string_view message) {
  std::fprintf(stderr, "fake kernel bug: %.*s\n",
               static_cast<int>(message.size()), message.data());
  std::abort();
}

bool FakeKernel::Impl::Step(Process& self, absl::string_view call) {
  uint32_t pid = static_cast<uint32_t>(self.root_pid());
  uint64_t h = trace;
  for (int i = 0; i < 4; ++i) h = FnvByte(h, (pid >> (8 * i)) & 0xff);
  for (char c : call) h = FnvByte(h, static_cast<uint8_t>(c));
  trace = FnvByte(h, 0);
  ++calls;
  ++run_steps;
  self.state = RunState::kReady;
  Reschedule(self);
  if (self.dead) {
    UnwindIfDead(self);
    return false;
  }
  return true;
}

bool FakeKernel::Impl::Park(Process& self, std::function<bool()> wake,
                            std::optional<absl::Duration> deadline) {
  self.state = RunState::kParked;
  self.wake = std::move(wake);
  self.deadline = deadline;
  Reschedule(self);
  std::function<bool()> woke_by = std::move(self.wake);
  self.wake = nullptr;
  self.deadline.reset();
  if (self.dead) {
    UnwindIfDead(self);
    return false;
  }
  return woke_by && woke_by();
}

void FakeKernel::Impl::UnwindIfDead(Process& self) {
  // During unwinding (destructors of the dying program) a throw would
  // terminate; those calls return an error instead.
  if (self.dead && std::uncaught_exceptions() == 0) throw ProcessUnwind{};
}

void FakeKernel::Impl::Reschedule(Process& self) {
  if (!unwind_queue.empty() || run_steps >= options.max_steps ||
      (done != nullptr && (*done)())) {
    SwitchFrom(self, nullptr);  // The Run loop decides.
    return;
  }
  Process* next = PickNext();
  if (next == &self) {
    self.state = RunState::kRunning;
    return;
  }
  SwitchFrom(self, next);
}

bool FakeKernel::Impl::IsRunnable(Process& p) const {
  if (freezer_used && cgroups->IsFrozen(Pid{p.root_pid()})) return false;
  if (p.held_before_exec) return false;
  switch (p.state) {
    case RunState::kNew:
    case RunState::kReady:
    case RunState::kRunning:
      return true;
    case RunState::kParked:
      if (p.deadline.has_value() && *p.deadline <= now) return true;
      return p.wake && p.wake();
  }
  return false;
}

Process* FakeKernel::Impl::PickNext() {
  for (int round = 0; round < 2; ++round) {
    runnable_scratch.clear();
    std::optional<absl::Duration> earliest;
    for (Process* p : schedulable) {
      if (IsRunnable(*p)) {
        runnable_scratch.push_back(p);
      } else if (p->state == RunState::kParked && p->deadline.has_value() &&
                 !(freezer_used && cgroups->IsFrozen(Pid{p->root_pid()}))) {
        if (!earliest || *p->deadline < *earliest) earliest = p->deadline;
      }
    }
    if (!runnable_scratch.empty()) {
      if (runnable_scratch.size() == 1) return runnable_scratch[0];
      return runnable_scratch[rng.Uniform(runnable_scratch.size())];
    }
    // Nothing can run: time passes until the next timer, at no real cost.
    if (!earliest) return nullptr;
    now = std::max(now, *earliest);
  }
  return nullptr;
}

void FakeKernel::Impl::SwitchFrom(Process& self, Process* next) {
  if (next == nullptr) {
    current = nullptr;
    Fiber::Switch(*self.fiber, main_fiber);
  } else {
    current = next;
    next->state = RunState::kRunning;
    Fiber::Switch(*self.fiber, *next->fiber);
  }
  // Whoever resumed us set `current` and our state.
}

void FakeKernel::Impl::Resume(Process& p) {
  if (running_kernel != this) {
    running_kernel = this;
    static bool installed = [] {
      previous_terminate = std::set_terminate(OnTerminate);
      return true;
    }();
    (void)installed;
  }
  current = &p;
  p.state = RunState::kRunning;
  Fiber::Switch(main_fiber, *p.fiber);
  current = nullptr;
}

void FakeKernel::Impl::FiberMain(Process* p) {
  while (true) {
    auto host = std::make_unique<FakeHost>(*this, p->handle, p->generation);
    std::unique_ptr<Host> wrapped;
    if (host_wrapper) wrapped = host_wrapper(*host);
    Host& h = wrapped != nullptr ? *wrapped : *host;
    Image image = std::move(p->image);
    p->image = {};
    p->exec_pending = false;
    bool exec = false;
    try {
      int code = image.program(h, image.argv);
      Die(*p, ExitStatus::Exited(code & 0xff));
    } catch (const ProcessUnwind&) {
    } catch (const ExecUnwind&) {
      exec = true;
    }
    retired_wrappers.push_back(std::move(wrapped));
    retired_hosts.push_back(std::move(host));
    if (!exec || p->dead || !p->exec_pending) break;
  }
  p->fiber_done = true;
  finished.push_back(p);
  current = nullptr;
  Fiber::SwitchFinal(*p->fiber, main_fiber);
}

void FakeKernel::Impl::AddSchedulable(Process& p) {
  auto it = std::lower_bound(schedulable.begin(), schedulable.end(), &p,
                             [](const Process* a, const Process* b) {
                               return a->root_pid() < b->root_pid();
                             });
  schedulable.insert(it, &p);
  p.fiber = std::make_unique<Fiber>(options.stack_size,
                                    [this, pp = &p] { FiberMain(pp); });
}

void FakeKernel::Impl::RemoveSchedulable(Process& p) {
  auto it = std::find(schedulable.begin(), schedulable.end(), &p);
  if (it != schedulable.end()) schedulable.erase(it);
}

void FakeKernel::Impl::DrainUnwinds() {
  while (!unwind_queue.empty()) {
    Process* p = unwind_queue.front();
    unwind_queue.erase(unwind_queue.begin());
    if (p->fiber_done || p->fiber == nullptr) continue;
    Resume(*p);
    CollectFinished();
  }
}

void FakeKernel::Impl::CollectFinished() {
  while (!finished.empty()) {
    std::vector<Process*> batch = std::move(finished);
    finished.clear();
    for (Process* p : batch) p->fiber.reset();
  }
  // Delete objects that are both reaped and unwound.
  std::erase_if(reaped_list, [this](Process* p) {
    if (p->fiber != nullptr) return false;
    p->handle->process = nullptr;
    processes.erase(p->serial);
    return true;
  });
}

RunOutcome FakeKernel::Impl::RunLoop(const std::function<bool()>* until) {
  if (in_run || current != nullptr) {
    KernelBug("FakeKernel::Run called from inside a simulated process");
  }
  in_run = true;
  done = until;
  run_steps = 0;
  RunOutcome outcome;
  while (true) {
    DrainUnwinds();
    CollectFinished();
    if (until != nullptr && (*until)()) {
      outcome = RunOutcome::kDone;
      break;
    }
    if (run_steps >= options.max_steps) {
      outcome = RunOutcome::kStepLimit;
      break;
    }
    if (schedulable.empty()) {
      outcome = RunOutcome::kAllExited;
      break;
    }
    Process* next = PickNext();
    if (next == nullptr) {
      outcome = RunOutcome::kIdle;
      break;
    }
    Resume(*next);
  }
  in_run = false;
  done = nullptr;
  return outcome;
}

}  // namespace runbox::fake
