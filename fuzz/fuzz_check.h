// FUZZ_CHECK: how a fuzz target reports a violated property. It prints the
// property and aborts, which libFuzzer records as a crash (and minimizes)
// and which fails the gcc replay test.
#ifndef RUNBOX_FUZZ_FUZZ_CHECK_H_
#define RUNBOX_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

namespace runbox::fuzz {

// RUNBOX_FUZZ_VERBOSE=1 in the environment: targets print why an input was
// rejected (for writing seed corpora; libFuzzer runs stay quiet).
inline bool Verbose() {
  static const bool verbose = std::getenv("RUNBOX_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

}  // namespace runbox::fuzz

// Prints `what` (a std::string expression, evaluated only then) when
// RUNBOX_FUZZ_VERBOSE is set.
#define FUZZ_NOTE(what)                                        \
  do {                                                         \
    if (::runbox::fuzz::Verbose()) {                           \
      std::fprintf(stderr, "%s\n", std::string(what).c_str()); \
    }                                                          \
  } while (0)

#define FUZZ_CHECK(cond, detail)                                           \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: property violated: %s\n%s\n", __FILE__, \
                   __LINE__, #cond, std::string(detail).c_str());          \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

#endif  // RUNBOX_FUZZ_FUZZ_CHECK_H_
