// signalfd, pidfd, namespace and capture-buffer descriptions; see
// special_files.h.
#include "fakes/special_files.h"

#include <algorithm>
#include <cerrno>

#include "absl/status/status.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

// Anonymous-inode files live on their own device, like Linux's anon_inodefs.
constexpr uint64_t kAnonDev = 9;
// Namespace files too (nsfs).
constexpr uint64_t kNsfsDev = 4;

FileStat AnonStat(FileType type, uint32_t mode) {
  FileStat st;
  st.type = type;
  st.mode = mode;
  st.dev = kAnonDev;
  st.nlink = 1;
  return st;
}

}  // namespace

absl::StatusOr<FileStat> SignalFdFile::Stat() const {
  return AnonStat(FileType::kUnknown, 0600);
}

PollEvents SignalFdFile::Readiness() const {
  return state_->AnyPendingIn(set_) ? PollEvents::kIn : PollEvents::kNone;
}

absl::StatusOr<size_t> SignalFdFile::Read(absl::Span<char>) {
  return absl::UnimplementedError(
      "fake: read(2) of a signalfd not modelled; use ReadSignal");
}

absl::StatusOr<FileStat> PidFdFile::Stat() const {
  return AnonStat(FileType::kUnknown, 0600);
}

PollEvents PidFdFile::Readiness() const {
  return handle_->exited ? PollEvents::kIn : PollEvents::kNone;
}

absl::StatusOr<FileStat> NamespaceFile::Stat() const {
  // nsfs inodes are regular files, mode 0444, numbered by namespace.
  FileStat st;
  st.type = FileType::kRegular;
  st.mode = 0444;
  st.ino = id_;
  st.dev = kNsfsDev;
  st.nlink = 1;
  return st;
}

absl::StatusOr<FileStat> CaptureFile::Stat() const {
  FileStat st = AnonStat(FileType::kCharDevice, 0620);
  st.rdev = {136, 0};  // Looks like /dev/pts/0.
  return st;
}

absl::StatusOr<size_t> CaptureFile::Write(absl::Span<const char> bytes) {
  buffer_->append(bytes.data(), bytes.size());
  return bytes.size();
}

absl::StatusOr<FileStat> FilledPipeReader::Stat() const {
  FileStat st = AnonStat(FileType::kFifo, 0600);
  st.size = static_cast<int64_t>(data_.size() - offset_);
  return st;
}

PollEvents FilledPipeReader::Readiness() const {
  // No writer is left: readable (data or EOF) and hung up once drained.
  return offset_ < data_.size() ? PollEvents::kIn
                                : PollEvents::kIn | PollEvents::kHup;
}

absl::StatusOr<size_t> FilledPipeReader::Read(absl::Span<char> buf) {
  size_t n = std::min(buf.size(), data_.size() - offset_);
  data_.copy(buf.data(), n, offset_);
  offset_ += n;
  return n;
}

}  // namespace runbox::fake
