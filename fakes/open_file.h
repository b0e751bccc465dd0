// An open file description in the simulated kernel: what an fd refers to.
// Files, directories, pipe ends, sockets, signalfds, pidfds and ptys all
// derive from it. Every operation here is non-blocking and atomic: EAGAIN
// means "would block", and FakeHost (not the object) parks the calling
// process until Readiness() changes, unless the description is non-blocking.
#ifndef RUNBOX_FAKES_OPEN_FILE_H_
#define RUNBOX_FAKES_OPEN_FILE_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hostapi/files.h"
#include "hostapi/types.h"

namespace runbox::fake {

class OpenFile {
 public:
  explicit OpenFile(OpenFlags flags) : flags_(flags) {}
  virtual ~OpenFile() = default;
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  // Defaults fail the way Linux fails on an fd that does not support the
  // call (EINVAL/ESPIPE); subclasses override what they model.
  virtual absl::StatusOr<size_t> Read(absl::Span<char> buf);
  virtual absl::StatusOr<size_t> Write(absl::Span<const char> bytes);
  virtual absl::StatusOr<size_t> PRead(absl::Span<char> buf, int64_t offset);
  virtual absl::StatusOr<size_t> PWrite(absl::Span<const char> bytes,
                                        int64_t offset);
  virtual absl::StatusOr<FileStat> Stat() const = 0;
  // What poll(2) would report now (kIn, kOut, kHup, kErr).
  virtual PollEvents Readiness() const { return PollEvents::kIn | PollEvents::kOut; }

  OpenFlags flags() const { return flags_; }
  void set_flags(OpenFlags flags) { flags_ = flags; }
  bool nonblocking() const { return Has(flags_, OpenFlags::kNonBlock); }
  bool readable() const {
    return !Has(flags_, OpenFlags::kWriteOnly) && !Has(flags_, OpenFlags::kPath);
  }
  bool writable() const {
    return (Has(flags_, OpenFlags::kWriteOnly) ||
            Has(flags_, OpenFlags::kReadWrite)) &&
           !Has(flags_, OpenFlags::kPath);
  }

 private:
  OpenFlags flags_;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_OPEN_FILE_H_
