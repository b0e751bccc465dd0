// Time. On Linux the real clocks; in the fake a virtual clock that only
// sleeps and timeouts advance, so no test waits for real.
#ifndef RUNBOX_HOSTAPI_CLOCK_H_
#define RUNBOX_HOSTAPI_CLOCK_H_

#include "absl/time/time.h"

namespace runbox {

class Clock {
 public:
  virtual ~Clock() = default;

  // CLOCK_MONOTONIC, as a duration since an arbitrary start (boot).
  virtual absl::Duration MonotonicNow() = 0;
  // CLOCK_REALTIME.
  virtual absl::Time RealNow() = 0;
  // nanosleep(2), restarted on EINTR until `duration` has passed.
  virtual void SleepFor(absl::Duration duration) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_CLOCK_H_
