// Default OpenFile methods: how Linux fails a call the description's type
// does not support. Subclasses override what they model.
#include "fakes/open_file.h"

#include <cerrno>

#include "hostapi/status.h"

namespace runbox::fake {

absl::StatusOr<size_t> OpenFile::Read(absl::Span<char> buf) {
  // read(2) on an fd not open for reading (or O_PATH) is EBADF; on one that
  // is but cannot be read (e.g. an epoll fd) it is EINVAL.
  if (!readable()) return ErrnoError(EBADF, "read");
  return ErrnoError(EINVAL, "read");
}

absl::StatusOr<size_t> OpenFile::Write(absl::Span<const char> bytes) {
  if (!writable()) return ErrnoError(EBADF, "write");
  return ErrnoError(EINVAL, "write");
}

absl::StatusOr<size_t> OpenFile::PRead(absl::Span<char> buf, int64_t offset) {
  if (!readable()) return ErrnoError(EBADF, "pread");
  return ErrnoError(ESPIPE, "pread");
}

absl::StatusOr<size_t> OpenFile::PWrite(absl::Span<const char> bytes,
                                        int64_t offset) {
  if (!writable()) return ErrnoError(EBADF, "pwrite");
  return ErrnoError(ESPIPE, "pwrite");
}

}  // namespace runbox::fake
