// ucontext fiber switching with ASan annotations; see fiber.h. swapcontext
// also saves the signal mask (a system call per switch); measured at about
// 0.15 us per switch here, which the scheduler's cheap path avoids.
#include "fakes/fiber.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define RUNBOX_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUNBOX_FIBER_ASAN 1
#endif
#endif

#ifdef RUNBOX_FIBER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

// The Itanium C++ ABI's per-thread exception state; libstdc++ and libc++abi
// both start the struct with these two fields.
namespace __cxxabiv1 {
struct __cxa_eh_globals;
extern "C" __cxa_eh_globals* __cxa_get_globals() noexcept;
}  // namespace __cxxabiv1

namespace runbox::fake {
namespace {

struct EhGlobals {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};

EhGlobals* CurrentEhGlobals() {
  return reinterpret_cast<EhGlobals*>(__cxxabiv1::__cxa_get_globals());
}

// The fiber that switched to the one now starting or resuming, so the
// resumed side can record the stack bounds ASan reports for it.
thread_local Fiber* switching_from = nullptr;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "fiber: %s\n", what);
  std::abort();
}

}  // namespace

Fiber::Fiber() : started_(true) {}

Fiber::Fiber(size_t stack_size, std::function<void()> entry)
    : stack_(new char[stack_size]),
      stack_size_(stack_size),
      entry_(std::move(entry)) {
  if (getcontext(&context_) != 0) Die("getcontext failed");
  context_.uc_stack.ss_sp = stack_.get();
  context_.uc_stack.ss_size = stack_size_;
  context_.uc_link = nullptr;
  auto bits = reinterpret_cast<uintptr_t>(this);
  makecontext(&context_, reinterpret_cast<void (*)()>(&Fiber::Trampoline), 2,
              static_cast<unsigned int>(bits >> 32),
              static_cast<unsigned int>(bits & 0xffffffffu));
#ifdef RUNBOX_FIBER_ASAN
  asan_stack_bottom_ = stack_.get();
  asan_stack_size_ = stack_size_;
#endif
}

Fiber::~Fiber() = default;

void Fiber::Trampoline(unsigned int hi, unsigned int lo) {
  auto* self = reinterpret_cast<Fiber*>((static_cast<uintptr_t>(hi) << 32) |
                                        static_cast<uintptr_t>(lo));
  self->started_ = true;
  self->AfterResume();
  self->entry_();
  Die("fiber entry returned");
}

void Fiber::AfterResume() {
#ifdef RUNBOX_FIBER_ASAN
  const void* bottom = nullptr;
  size_t size = 0;
  __sanitizer_finish_switch_fiber(asan_fake_stack_, &bottom, &size);
  if (switching_from != nullptr && switching_from->stack_ == nullptr) {
    // The thread's own stack: only ASan knows its bounds.
    switching_from->asan_stack_bottom_ = bottom;
    switching_from->asan_stack_size_ = size;
  }
#endif
  EhGlobals* g = CurrentEhGlobals();
  g->caught_exceptions = eh_caught_;
  g->uncaught_exceptions = eh_uncaught_;
}

void Fiber::Switch(Fiber& from, Fiber& to) {
  EhGlobals* g = CurrentEhGlobals();
  from.eh_caught_ = g->caught_exceptions;
  from.eh_uncaught_ = g->uncaught_exceptions;
  switching_from = &from;
#ifdef RUNBOX_FIBER_ASAN
  __sanitizer_start_switch_fiber(&from.asan_fake_stack_, to.asan_stack_bottom_,
                                 to.asan_stack_size_);
#endif
  if (swapcontext(&from.context_, &to.context_) != 0) Die("swapcontext");
  from.AfterResume();
}

void Fiber::SwitchFinal(Fiber& from, Fiber& to) {
  switching_from = &from;
#ifdef RUNBOX_FIBER_ASAN
  // nullptr: this fiber's fake stack frames are released now.
  __sanitizer_start_switch_fiber(nullptr, to.asan_stack_bottom_,
                                 to.asan_stack_size_);
#endif
  setcontext(&to.context_);
  Die("setcontext returned");
}

}  // namespace runbox::fake
