// An open file description of the simulated file system: an inode, an
// offset and the open flags. Regular files, directories, O_PATH handles,
// memfds and the modelled character devices (/dev/null, /dev/zero).
// Private to fakes/fs; others see an OpenFile and ask FileSystem::InodeOf.
#ifndef RUNBOX_FAKES_FS_FILE_DESCRIPTION_H_
#define RUNBOX_FAKES_FS_FILE_DESCRIPTION_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "fakes/fs/inode.h"
#include "fakes/open_file.h"

namespace runbox::fake {

// The kernel's clock, shared weakly so a description that outlives its
// FileSystem (and the kernel) never calls a dead clock.
using NowFn = std::function<absl::Time()>;

// Which character devices opening models.
inline constexpr DeviceNumber kDevNull{1, 3};
inline constexpr DeviceNumber kDevZero{1, 5};

class FileDescription : public OpenFile {
 public:
  FileDescription(InodeRef inode, OpenFlags flags,
                  std::weak_ptr<const NowFn> now);
  // Releases this description's flock: it holds the inode, so this works
  // even after the FileSystem is gone.
  ~FileDescription() override;

  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;
  absl::StatusOr<size_t> Write(absl::Span<const char> bytes) override;
  absl::StatusOr<size_t> PRead(absl::Span<char> buf, int64_t offset) override;
  absl::StatusOr<size_t> PWrite(absl::Span<const char> bytes,
                                int64_t offset) override;
  absl::StatusOr<FileStat> Stat() const override;

  const InodeRef& inode() const { return inode_; }
  bool path_only() const { return Has(flags(), OpenFlags::kPath); }

 private:
  absl::StatusOr<size_t> ReadAt(absl::Span<char> buf, int64_t offset);
  absl::StatusOr<size_t> WriteAt(absl::Span<const char> bytes, int64_t offset);
  std::optional<absl::Time> Now() const;

  InodeRef inode_;
  int64_t offset_ = 0;
  std::weak_ptr<const NowFn> now_;
};

// ftruncate(2) of a regular file's data, honouring memfd seals.
absl::Status TruncateData(Inode& inode, int64_t length, absl::Time now);

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FS_FILE_DESCRIPTION_H_
