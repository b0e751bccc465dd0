// File I/O sequences built on the host API's single calls: read a whole
// (bounded) file, write all bytes, replace a file atomically and durably,
// make directories. Each step is one host call, so the fake kernel and
// FaultyHost see, interleave and fail every one of them.
#ifndef RUNBOX_RUNTIME_COMMON_IO_H_
#define RUNBOX_RUNTIME_COMMON_IO_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/fd.h"
#include "hostapi/files.h"
#include "hostapi/host.h"
#include "hostapi/status.h"

namespace runbox {

inline constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

// Calls `call` (returning a Status or StatusOr) until it does not fail with
// EINTR, the one errno that means "nothing happened, ask again" for every
// blocking call.
template <typename Call>
auto RetryOnEintr(Call&& call) {
  while (true) {
    auto result = call();
    if (!IsErrno(result, EINTR)) return result;
  }
}

// Reads `fd` from its current offset to end of file, retrying EINTR. Fails
// with EFBIG (kOutOfRange) once more than `max_bytes` arrive, so a hostile
// or corrupt file cannot make the caller allocate without bound.
absl::StatusOr<std::string> ReadAll(Files& files, const Fd& fd,
                                    size_t max_bytes = kUnbounded);

// Opens `path` (relative to `dir`, following symlinks like cat(1)) and
// reads it whole; EFBIG when it is larger than `max_bytes`. Errors name the
// path: `read "meta.json": open: ENOENT (...)`.
absl::StatusOr<std::string> ReadFileAt(Files& files, const Fd& dir,
                                       absl::string_view path,
                                       size_t max_bytes);

// Writes every byte, looping on short writes and retrying EINTR. A write
// that makes no progress (returns 0) fails with EIO instead of spinning.
absl::Status WriteAll(Files& files, const Fd& fd, absl::string_view bytes);

// What AtomicWriteFileAt does when `name` already exists.
enum class ExistingFile {
  kReplace,  // rename(2) over it atomically.
  kKeep,     // Leave it and fail with EEXIST (renameat2 RENAME_NOREPLACE).
};

// Replaces (or creates) `name` in `dir` so that a reader, or the machine
// after a crash or power loss at any point, sees either the old file or the
// complete new one, never a torn or missing one. The steps, in this order:
//   1. openat(dir, ".<name>.tmp-<16 random hex>", O_CREAT|O_EXCL|O_WRONLY)
//      with `mode` (less the umask);
//   2. WriteAll;  3. fsync(tmp): the data is durable before it has a name;
//   4. close(tmp), reporting its error;
//   5. renameat(tmp -> name): the atomic switch;
//   6. fsync(dir): the new name is durable.
// A failure before step 5 unlinks the temp file (best effort) and leaves
// `name` untouched. A failure at step 6 is reported, but the new content is
// already in place (only its durability is unknown), so nothing is undone.
// `dir` must be a real directory fd (not O_PATH: fsync needs one).
absl::Status AtomicWriteFileAt(Host& host, const Fd& dir,
                               absl::string_view name, absl::string_view bytes,
                               uint32_t mode,
                               ExistingFile existing = ExistingFile::kReplace);

// The temp-file prefix AtomicWriteFileAt uses for `name` (".<name>.tmp-"),
// for sweepers that recognise leftovers of a killed writer.
std::string AtomicWriteTempPrefix(absl::string_view name);

// mkdir -p of `path` relative to `dir`: creates each missing component
// with `mode` (less the umask) and fsyncs its parent, so a directory this
// call made survives power loss. An existing directory is fine; an existing
// non-directory fails ENOTDIR.
absl::Status MakeDirs(Files& files, const Fd& dir, absl::string_view path,
                      uint32_t mode);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_COMMON_IO_H_
