// CaptureLibraryOutput: a real memfd, handed to a library, read back.
#include "hostapi/linux/library_output.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox {

absl::StatusOr<std::string> CaptureLibraryOutput(
    absl::string_view what, absl::FunctionRef<int(int fd)> write_to) {
  int fd = memfd_create("runbox-library-output", MFD_CLOEXEC);
  int err = errno;
  if (fd < 0) return ErrnoError(err, "memfd_create");
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};

  int rc = write_to(fd);
  if (rc < 0) return ErrnoError(-rc, what);
  if (rc > 0) {
    return ErrnoError(EIO, absl::StrCat(what, ": returned ", rc));
  }
  std::string out;
  char buf[16384];
  for (off_t offset = 0;;) {
    ssize_t n = pread(fd, buf, sizeof(buf), offset);
    err = errno;
    if (n < 0 && err == EINTR) continue;
    if (n < 0) return ErrnoError(err, absl::StrCat(what, ": pread memfd"));
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    offset += n;
  }
}

}  // namespace runbox
