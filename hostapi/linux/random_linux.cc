// LinuxHost's Random: getrandom(2) from the kernel's CSPRNG. Used for temp
// names and jitter, where any failure would be a kernel bug; it aborts
// rather than hand out a predictable value.
#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hostapi/linux/linux_host.h"

namespace runbox {

uint64_t LinuxHost::RandomUint64() {
  uint64_t value = 0;
  char* out = reinterpret_cast<char*>(&value);
  size_t got = 0;
  while (got < sizeof(value)) {
    ssize_t n = getrandom(out + got, sizeof(value) - got, 0);
    int err = errno;
    if (n > 0) {
      got += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && err == EINTR) continue;
    std::fprintf(stderr, "runbox: getrandom failed: %s\n", std::strerror(err));
    std::abort();
  }
  return value;
}

}  // namespace runbox
