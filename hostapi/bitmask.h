// Bitwise operators for enum-class flag sets, so flags stay typed
// (OpenFlags::kCreate | OpenFlags::kExcl) instead of loose ints.
#ifndef RUNBOX_HOSTAPI_BITMASK_H_
#define RUNBOX_HOSTAPI_BITMASK_H_

#include <type_traits>

#define RUNBOX_BITMASK_OPS(E)                                            \
  constexpr E operator|(E a, E b) {                                      \
    using U = std::underlying_type_t<E>;                                 \
    return static_cast<E>(static_cast<U>(a) | static_cast<U>(b));        \
  }                                                                      \
  constexpr E operator&(E a, E b) {                                      \
    using U = std::underlying_type_t<E>;                                 \
    return static_cast<E>(static_cast<U>(a) & static_cast<U>(b));        \
  }                                                                      \
  constexpr E operator~(E a) {                                           \
    using U = std::underlying_type_t<E>;                                 \
    return static_cast<E>(~static_cast<U>(a));                           \
  }                                                                      \
  constexpr E& operator|=(E& a, E b) { return a = a | b; }               \
  constexpr E& operator&=(E& a, E b) { return a = a & b; }               \
  constexpr bool Has(E set, E bit) {                                     \
    using U = std::underlying_type_t<E>;                                 \
    return (static_cast<U>(set) & static_cast<U>(bit)) ==                \
           static_cast<U>(bit);                                          \
  }

#endif  // RUNBOX_HOSTAPI_BITMASK_H_
