// Pseudo-terminals for `process.terminal`: a pty pair whose master goes to
// the --console-socket, and the session/controlling-tty calls init makes.
#ifndef RUNBOX_HOSTAPI_TERMINAL_H_
#define RUNBOX_HOSTAPI_TERMINAL_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hostapi/fd.h"

namespace runbox {

struct PtyPair {
  Fd master;
  Fd replica;  // The /dev/pts/N side the container gets as stdio.
};

struct WindowSize {
  uint16_t rows = 0;
  uint16_t cols = 0;
  bool operator==(const WindowSize&) const = default;
};

class Terminal {
 public:
  virtual ~Terminal() = default;

  // posix_openpt(O_RDWR|O_NOCTTY|O_CLOEXEC) + unlockpt + TIOCGPTPEER.
  virtual absl::StatusOr<PtyPair> OpenPty() = 0;
  // TIOCSWINSZ / TIOCGWINSZ.
  virtual absl::Status SetWindowSize(const Fd& tty, WindowSize size) = 0;
  virtual absl::StatusOr<WindowSize> GetWindowSize(const Fd& tty) = 0;
  // setsid(2).
  virtual absl::Status NewSession() = 0;
  // ioctl(TIOCSCTTY).
  virtual absl::Status SetControllingTerminal(const Fd& tty) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_TERMINAL_H_
