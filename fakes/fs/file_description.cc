// Reads and writes through an open description of the simulated file
// system (see file_description.h): offsets, O_APPEND, zero-filled holes,
// memfd seals, and the two modelled character devices.
#include "fakes/fs/file_description.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "hostapi/status.h"

namespace runbox::fake {
namespace {

constexpr int64_t kPageSize = 4096;
// Files live in memory: a write or truncate past 1 GiB is EFBIG rather
// than an allocation failure.
constexpr int64_t kMaxFileSize = int64_t{1} << 30;

bool IsDevice(const Inode& inode, DeviceNumber dev) {
  return inode.type == FileType::kCharDevice && inode.rdev == dev;
}

}  // namespace

FileDescription::FileDescription(InodeRef inode, OpenFlags flags,
                                 std::weak_ptr<const NowFn> now)
    : OpenFile(flags), inode_(std::move(inode)), now_(std::move(now)) {}

FileDescription::~FileDescription() { inode_->FlockRelease(this); }

std::optional<absl::Time> FileDescription::Now() const {
  std::shared_ptr<const NowFn> now = now_.lock();
  if (!now) return std::nullopt;
  return (*now)();
}

absl::StatusOr<FileStat> FileDescription::Stat() const {
  return inode_->Stat();
}

absl::StatusOr<size_t> FileDescription::ReadAt(absl::Span<char> buf,
                                               int64_t offset) {
  if (!readable()) return ErrnoError(EBADF, "read: not open for reading");
  if (offset < 0) return ErrnoError(EINVAL, "read: negative offset");
  switch (inode_->type) {
    case FileType::kDirectory:
      return ErrnoError(EISDIR, "read");
    case FileType::kRegular: {
      const std::string& data = inode_->data;
      if (offset >= static_cast<int64_t>(data.size())) return 0;
      size_t n = std::min(buf.size(), data.size() - offset);
      std::memcpy(buf.data(), data.data() + offset, n);
      return n;
    }
    case FileType::kCharDevice:
      if (IsDevice(*inode_, kDevNull)) return 0;
      if (IsDevice(*inode_, kDevZero)) {
        std::fill(buf.begin(), buf.end(), '\0');
        return buf.size();
      }
      break;
    default:
      break;
  }
  return ErrnoError(EINVAL, "read");
}

absl::StatusOr<size_t> FileDescription::WriteAt(absl::Span<const char> bytes,
                                                int64_t offset) {
  if (!writable()) return ErrnoError(EBADF, "write: not open for writing");
  if (offset < 0) return ErrnoError(EINVAL, "write: negative offset");
  if (inode_->type == FileType::kCharDevice &&
      (IsDevice(*inode_, kDevNull) || IsDevice(*inode_, kDevZero))) {
    return bytes.size();  // Swallowed.
  }
  if (inode_->type != FileType::kRegular) return ErrnoError(EINVAL, "write");
  if (bytes.empty()) return 0;
  if (Has(inode_->seals, Seals::kWrite)) {
    return ErrnoError(EPERM, "write: memfd sealed F_SEAL_WRITE");
  }
  std::string& data = inode_->data;
  size_t n = bytes.size();
  if (Has(inode_->seals, Seals::kGrow)) {
    // shmem checks F_SEAL_GROW page by page: the pages that stay within
    // the size are written, the first one that would grow it fails.
    int64_t size = static_cast<int64_t>(data.size());
    int64_t pos = offset;
    int64_t end = offset + static_cast<int64_t>(bytes.size());
    while (pos < end) {
      int64_t chunk_end = std::min(end, (pos / kPageSize + 1) * kPageSize);
      if (chunk_end > size) break;
      pos = chunk_end;
    }
    if (pos == offset) {
      return ErrnoError(EPERM, "write: memfd sealed F_SEAL_GROW");
    }
    n = static_cast<size_t>(pos - offset);
  }
  if (offset + static_cast<int64_t>(n) > kMaxFileSize) {
    return ErrnoError(EFBIG, "write: past the fake's file size limit");
  }
  if (offset + n > data.size()) data.resize(offset + n, '\0');
  std::memcpy(data.data() + offset, bytes.data(), n);
  if (std::optional<absl::Time> now = Now()) inode_->mtime = *now;
  return n;
}

absl::StatusOr<size_t> FileDescription::Read(absl::Span<char> buf) {
  ASSIGN_OR_RETURN(size_t n, ReadAt(buf, offset_));
  if (inode_->type == FileType::kRegular) offset_ += n;
  return n;
}

absl::StatusOr<size_t> FileDescription::Write(absl::Span<const char> bytes) {
  if (writable() && inode_->type == FileType::kRegular &&
      Has(flags(), OpenFlags::kAppend)) {
    offset_ = static_cast<int64_t>(inode_->data.size());
  }
  ASSIGN_OR_RETURN(size_t n, WriteAt(bytes, offset_));
  if (inode_->type == FileType::kRegular) offset_ += n;
  return n;
}

absl::StatusOr<size_t> FileDescription::PRead(absl::Span<char> buf,
                                              int64_t offset) {
  return ReadAt(buf, offset);
}

absl::StatusOr<size_t> FileDescription::PWrite(absl::Span<const char> bytes,
                                               int64_t offset) {
  if (offset < 0) return ErrnoError(EINVAL, "pwrite: negative offset");
  // Linux's documented pwrite bug: with O_APPEND the data goes to the end
  // whatever the offset.
  if (writable() && inode_->type == FileType::kRegular &&
      Has(flags(), OpenFlags::kAppend)) {
    offset = static_cast<int64_t>(inode_->data.size());
  }
  return WriteAt(bytes, offset);
}

absl::Status TruncateData(Inode& inode, int64_t length, absl::Time now) {
  if (length < 0) return ErrnoError(EINVAL, "ftruncate: negative length");
  int64_t size = static_cast<int64_t>(inode.data.size());
  // F_SEAL_WRITE does not stop size changes (memfd_create(2)); only
  // F_SEAL_SHRINK and F_SEAL_GROW do.
  if (length > kMaxFileSize) return ErrnoError(EFBIG, "ftruncate");
  if (length < size && Has(inode.seals, Seals::kShrink)) {
    return ErrnoError(EPERM, "ftruncate: memfd sealed F_SEAL_SHRINK");
  }
  if (length > size && Has(inode.seals, Seals::kGrow)) {
    return ErrnoError(EPERM, "ftruncate: memfd sealed F_SEAL_GROW");
  }
  inode.data.resize(static_cast<size_t>(length), '\0');
  inode.mtime = now;
  return absl::OkStatus();
}

}  // namespace runbox::fake
