// The simulated kernel's one source of randomness: xoshiro256** seeded
// through splitmix64. Our own code maps draws to ranges (never
// std::*_distribution, whose output differs between standard libraries), so
// a seed replays the same run on any machine.
#ifndef RUNBOX_FAKES_SEEDED_RANDOM_H_
#define RUNBOX_FAKES_SEEDED_RANDOM_H_

#include <cstdint>

namespace runbox::fake {

class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : state_) word = SplitMix64(x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) for n > 0 (Lemire's multiply-shift; the bias is below
  // n / 2^64, irrelevant for scheduling).
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }

 private:
  static uint64_t SplitMix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4];
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_SEEDED_RANDOM_H_
