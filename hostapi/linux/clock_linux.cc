// LinuxHost's Clock: CLOCK_MONOTONIC and CLOCK_REALTIME, and sleeps that
// restart on EINTR with the time that remains.
#include <time.h>

#include <cerrno>

#include "hostapi/linux/linux_host.h"

namespace runbox {

absl::Duration LinuxHost::MonotonicNow() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::DurationFromTimespec(ts);
}

absl::Time LinuxHost::RealNow() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return absl::TimeFromTimespec(ts);
}

void LinuxHost::SleepFor(absl::Duration duration) {
  if (duration <= absl::ZeroDuration()) return;
  // An absolute deadline on the monotonic clock: restarts after EINTR
  // neither drift nor sleep longer than asked.
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  absl::Duration end = absl::DurationFromTimespec(now) + duration;
  if (end == absl::InfiniteDuration()) {
    end = absl::Seconds(int64_t{1} << 40);  // Beyond any uptime.
  }
  struct timespec deadline = absl::ToTimespec(end);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) ==
         EINTR) {
  }
}

}  // namespace runbox
