// Pseudo-terminal pairs of the simulated kernel, in raw mode only: no echo,
// no line discipline, no special characters, no job-control signals (the
// kernel sends SIGWINCH on a window-size change if it models that). Bytes
// written to one end are read from the other. Never blocks: EAGAIN means
// "would block" (see open_file.h).
#ifndef RUNBOX_FAKES_IPC_PTY_H_
#define RUNBOX_FAKES_IPC_PTY_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fakes/open_file.h"
#include "hostapi/terminal.h"

namespace runbox::fake {

// Bytes buffered per direction before writers get EAGAIN (Linux buffers
// about 12 KiB in raw mode: n_tty's 4 KiB plus flip buffers).
inline constexpr size_t kPtyBufferSize = 12288;

// Not hostapi's PtyPair, which holds fds: these are the descriptions.
struct PtyPair {
  std::shared_ptr<OpenFile> master;   // /dev/ptmx: char device 5:2.
  std::shared_ptr<OpenFile> replica;  // /dev/pts/<index>: char device 136:N.
};

// A new pair, both ends O_RDWR. While both ends exist: reads return what
// the other end wrote (EAGAIN when nothing is buffered), writes may be
// partial (EAGAIN when the buffer is full). As measured on Linux 6.x:
//   - once the master is gone, the replica is hung up: reads return 0
//     (EOF, buffered input is lost), writes fail EIO;
//   - once the replica is gone, the master reads what is left, then fails
//     EIO; its writes still queue (until the buffer is full).
// Readiness: kIn with data, kOut with room; master kHup once the replica
// is gone; a hung-up replica reports kIn | kOut | kErr | kHup.
PtyPair MakePty(int index);

// TIOCSWINSZ / TIOCGWINSZ on either end; both ends share one size (0x0 at
// first). ENOTTY for descriptions that are not pty ends.
absl::Status SetWindowSize(OpenFile& file, WindowSize size);
absl::StatusOr<WindowSize> GetWindowSize(const OpenFile& file);

// The pty's index N (for /dev/pts/N and TIOCGPTN) from either end, or -1
// if `file` is not a pty end.
int PtyIndex(const OpenFile& file);
// Whether `file` is the replica (/dev/pts/N) end of a pty.
bool IsPtyReplica(const OpenFile& file);

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_IPC_PTY_H_
