// LinuxHost's Terminal: pty pairs (posix_openpt + TIOCGPTPEER, which opens
// the replica through the master and so cannot be raced by a /dev/pts
// swap), window sizes, setsid and the controlling terminal.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

namespace runbox {

using linux_internal::CallError;
using linux_internal::FdError;
using linux_internal::PathError;

absl::StatusOr<PtyPair> LinuxHost::OpenPty() {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  int err = errno;
  if (master < 0) return CallError(err, "posix_openpt");
  PtyPair pair;
  pair.master = Own(master);
  if (grantpt(master) != 0) {
    err = errno;
    return FdError(err, "grantpt", master);
  }
  if (unlockpt(master) != 0) {
    err = errno;
    return FdError(err, "unlockpt", master);
  }
  int replica = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  err = errno;
  if (replica >= 0) {
    pair.replica = Own(replica);
    return pair;
  }
  if (err != EINVAL && err != ENOTTY) {
    return FdError(err, "ioctl TIOCGPTPEER", master);
  }
  // Before Linux 4.13: open the replica by name.
  char name[128];
  if (ptsname_r(master, name, sizeof(name)) != 0) {
    err = errno;
    return FdError(err, "ptsname_r", master);
  }
  replica = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  err = errno;
  if (replica < 0) return PathError(err, "open", name);
  pair.replica = Own(replica);
  return pair;
}

absl::Status LinuxHost::SetWindowSize(const Fd& tty, WindowSize size) {
  struct winsize ws = {};
  ws.ws_row = size.rows;
  ws.ws_col = size.cols;
  int rc = ioctl(tty.get(), TIOCSWINSZ, &ws);
  int err = errno;
  if (rc != 0) return FdError(err, "ioctl TIOCSWINSZ", tty.get());
  return absl::OkStatus();
}

absl::StatusOr<WindowSize> LinuxHost::GetWindowSize(const Fd& tty) {
  struct winsize ws = {};
  int rc = ioctl(tty.get(), TIOCGWINSZ, &ws);
  int err = errno;
  if (rc != 0) return FdError(err, "ioctl TIOCGWINSZ", tty.get());
  return WindowSize{ws.ws_row, ws.ws_col};
}

absl::Status LinuxHost::NewSession() {
  pid_t sid = setsid();
  int err = errno;
  if (sid < 0) return CallError(err, "setsid");
  return absl::OkStatus();
}

absl::Status LinuxHost::SetControllingTerminal(const Fd& tty) {
  int rc = ioctl(tty.get(), TIOCSCTTY, 0);
  int err = errno;
  if (rc != 0) return FdError(err, "ioctl TIOCSCTTY", tty.get());
  return absl::OkStatus();
}

}  // namespace runbox
