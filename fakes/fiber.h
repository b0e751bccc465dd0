// Fibers for simulated processes: ucontext stacks that all run on the thread
// that calls FakeKernel::Run, switched explicitly (never preempted). Owns the
// stack memory, the AddressSanitizer switch annotations, and the per-fiber
// C++ exception globals; scheduling policy lives in the kernel.
#ifndef RUNBOX_FAKES_FIBER_H_
#define RUNBOX_FAKES_FIBER_H_

#include <ucontext.h>

#include <cstddef>
#include <functional>
#include <memory>

namespace runbox::fake {

class Fiber {
 public:
  // The calling thread's own context (no stack of its own): what a fiber
  // switches back to when the kernel's Run loop must decide.
  Fiber();
  // A fiber that runs `entry` on a fresh heap stack of `stack_size` bytes
  // when first switched to. `entry` must never return: it ends with
  // SwitchFinal.
  Fiber(size_t stack_size, std::function<void()> entry);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Suspends `from` (the running fiber) and resumes `to`. Returns when some
  // fiber switches back to `from`.
  static void Switch(Fiber& from, Fiber& to);
  // Like Switch, for a fiber that has finished: `from` is never resumed, so
  // its stack may be freed once `to` runs.
  [[noreturn]] static void SwitchFinal(Fiber& from, Fiber& to);

  bool started() const { return started_; }

 private:
  static void Trampoline(unsigned int hi, unsigned int lo);
  // Saves this fiber's exception-handling globals and ASan state before a
  // switch away from it, and restores them after switching back.
  void AfterResume();

  ucontext_t context_;
  std::unique_ptr<char[]> stack_;
  size_t stack_size_ = 0;
  std::function<void()> entry_;
  bool started_ = false;
  // __cxa_eh_globals: each fiber has its own "exceptions being handled" and
  // "uncaught exceptions" state, as threads do.
  void* eh_caught_ = nullptr;
  unsigned int eh_uncaught_ = 0;
  // AddressSanitizer bookkeeping (unused without ASan).
  void* asan_fake_stack_ = nullptr;
  const void* asan_stack_bottom_ = nullptr;
  size_t asan_stack_size_ = 0;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FIBER_H_
