// Anonymous pipes (pipe2(2)) of the simulated kernel: two open file
// descriptions sharing one 64 KiB buffer. Never blocks: EAGAIN means "would
// block", and the kernel parks the caller until Readiness() changes.
// Raising SIGPIPE on EPIPE is the kernel's job.
#ifndef RUNBOX_FAKES_IPC_PIPE_H_
#define RUNBOX_FAKES_IPC_PIPE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "fakes/open_file.h"

namespace runbox::fake {

// Linux's default pipe capacity (16 pages).
inline constexpr size_t kPipeCapacity = 65536;
// PIPE_BUF: writes up to this size are atomic (all or EAGAIN).
inline constexpr size_t kPipeAtomicWrite = 4096;

struct PipePair {
  std::shared_ptr<OpenFile> read;   // O_RDONLY.
  std::shared_ptr<OpenFile> write;  // O_WRONLY.
};

// A new pipe. An end is "open" while its description object exists: the
// last fd closing drops it, and the other end sees EOF (reader) or EPIPE
// (writer).
//   read:  available bytes (up to the buffer size); EAGAIN when empty with
//          the writer open; 0 (EOF) when empty and the writer is gone.
//   write: EPIPE with no reader; writes of at most kPipeAtomicWrite bytes
//          go in whole or fail EAGAIN; longer ones may be partial, EAGAIN
//          only when the pipe is full.
//   Readiness: read end kIn when data or EOF, kHup when the writer is gone;
//          write end kOut when at least kPipeAtomicWrite bytes are free (so
//          the next write makes progress, like Linux's free page slot),
//          kErr when the reader is gone.
// Stat reports a kFifo with mode 0600 and inode `ino` on both ends. The
// wrong-direction call fails EBADF; pread/pwrite fail ESPIPE.
PipePair MakePipe(bool nonblocking, uint64_t ino = 0);

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_IPC_PIPE_H_
