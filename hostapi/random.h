// Randomness (temp-file names, jitter). getrandom(2) on Linux; the fake draws
// from the kernel's one seeded generator, so runs replay.
#ifndef RUNBOX_HOSTAPI_RANDOM_H_
#define RUNBOX_HOSTAPI_RANDOM_H_

#include <cstdint>

namespace runbox {

class Random {
 public:
  virtual ~Random() = default;

  virtual uint64_t RandomUint64() = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_RANDOM_H_
