// ReadAll, WriteAll, AtomicWriteFileAt and MakeDirs: loops and sequences
// over single host calls. The atomic write's step order is the crash
// consistency argument of DESIGN.md "State and locking" invariant 1; see
// io.h before reordering anything.
#include "runtime/common/io.h"

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

constexpr size_t kReadChunk = 4096;
// Attempts at a fresh temp name when the random one exists already (a
// leftover of a killed writer that drew the same 64 bits: never, in
// practice, but a loop costs nothing).
constexpr int kTempNameAttempts = 4;

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

absl::StatusOr<std::string> ReadAll(Files& files, const Fd& fd,
                                    size_t max_bytes) {
  std::string out;
  char buf[kReadChunk];
  while (true) {
    // Ask for one byte more than allowed, so an oversized file is noticed
    // without reading all of it.
    size_t want = sizeof(buf);
    if (max_bytes != kUnbounded) {
      want = std::min(want, max_bytes - out.size() + 1);
    }
    absl::StatusOr<size_t> n = files.Read(fd, absl::Span<char>(buf, want));
    if (!n.ok()) {
      if (IsErrno(n, EINTR)) continue;
      return n.status();
    }
    if (*n == 0) return out;
    if (max_bytes != kUnbounded && *n > max_bytes - out.size()) {
      return ErrnoError(EFBIG,
                        absl::StrCat("larger than ", max_bytes, " bytes"));
    }
    out.append(buf, *n);
  }
}

absl::StatusOr<std::string> ReadFileAt(Files& files, const Fd& dir,
                                       absl::string_view path,
                                       size_t max_bytes) {
  std::string context = absl::StrCat("read ", Quoted(path));
  absl::StatusOr<Fd> fd = files.OpenAt(dir, path, OpenHow{});
  if (!fd.ok()) return Annotate(fd.status(), context);
  absl::StatusOr<std::string> data = ReadAll(files, *fd, max_bytes);
  if (!data.ok()) return Annotate(data.status(), context);
  return data;
}

absl::Status WriteAll(Files& files, const Fd& fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    absl::StatusOr<size_t> n =
        files.Write(fd, absl::Span<const char>(bytes.data(), bytes.size()));
    if (!n.ok()) {
      if (IsErrno(n, EINTR)) continue;
      return n.status();
    }
    if (*n == 0) return ErrnoError(EIO, "write made no progress");
    bytes.remove_prefix(std::min(*n, bytes.size()));
  }
  return absl::OkStatus();
}

std::string AtomicWriteTempPrefix(absl::string_view name) {
  return absl::StrCat(".", name, ".tmp-");
}

absl::Status AtomicWriteFileAt(Host& host, const Fd& dir,
                               absl::string_view name, absl::string_view bytes,
                               uint32_t mode, ExistingFile existing) {
  const std::string context = absl::StrCat("write ", Quoted(name));
  std::string tmp;
  absl::StatusOr<Fd> file;
  for (int attempt = 0; attempt < kTempNameAttempts; ++attempt) {
    tmp = absl::StrCat(AtomicWriteTempPrefix(name),
                       absl::Hex(host.RandomUint64(), absl::kZeroPad16));
    OpenHow how;
    how.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                OpenFlags::kExclusive | OpenFlags::kNoFollow;
    how.mode = mode;
    file = host.OpenAt(dir, tmp, how);
    if (!IsErrno(file, EEXIST)) break;
  }
  if (!file.ok()) {
    return Annotate(file.status(), context);
  }
  // From here until the rename, the temp file is ours to remove.
  absl::Cleanup remove_tmp = [&] { (void)host.UnlinkAt(dir, tmp); };

  // The host's errors name the call ("fsync fd 7: EIO"); ours name the file.
  absl::Status s = WriteAll(host, *file, bytes);
  if (!s.ok()) return Annotate(s, context);
  s = host.Fsync(*file);
  if (!s.ok()) return Annotate(s, context);
  s = host.Close(std::move(*file));
  if (!s.ok()) return Annotate(s, context);
  RenameFlags flags = existing == ExistingFile::kKeep ? RenameFlags::kNoReplace
                                                      : RenameFlags::kNone;
  s = host.RenameAt(dir, tmp, dir, name, flags);
  if (!s.ok()) return Annotate(s, context);
  std::move(remove_tmp).Cancel();

  s = host.Fsync(dir);
  if (!s.ok()) return Annotate(s, context);
  return absl::OkStatus();
}

absl::Status MakeDirs(Files& files, const Fd& dir, absl::string_view path,
                      uint32_t mode) {
  const std::string context = absl::StrCat("make directory ", Quoted(path));
  OpenHow dir_how{.flags = OpenFlags::kDirectory};
  // The directory each component is made in, as an fd that can be fsynced.
  absl::StatusOr<Fd> parent =
      files.OpenAt(dir, absl::StartsWith(path, "/") ? "/" : ".", dir_how);
  if (!parent.ok()) return Annotate(parent.status(), context);
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::Status made = files.MkdirAt(*parent, part, mode);
    if (made.ok()) {
      absl::Status synced = files.Fsync(*parent);
      if (!synced.ok()) return Annotate(synced, context);
    } else if (!IsErrno(made, EEXIST)) {
      return Annotate(made, context);
    }
    // An existing non-directory fails here with ENOTDIR.
    absl::StatusOr<Fd> child = files.OpenAt(*parent, part, dir_how);
    if (!child.ok()) return Annotate(child.status(), context);
    parent = std::move(child);
  }
  return absl::OkStatus();
}

}  // namespace runbox
