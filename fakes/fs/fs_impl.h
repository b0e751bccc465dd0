// FileSystem's private state, shared by the files that implement its calls
// (file_system.cc, flock.cc, durability.cc). Private to fakes/fs.
#ifndef RUNBOX_FAKES_FS_FS_IMPL_H_
#define RUNBOX_FAKES_FS_FS_IMPL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fakes/fs/file_description.h"
#include "fakes/fs/file_system.h"
#include "fakes/fs/inode.h"

namespace runbox::fake {

struct FileSystem::Impl {
  std::shared_ptr<const NowFn> now;
  InodeRef root;
  uint64_t next_ino = 1;
  // Every inode ever made, weakly: PowerLoss resets those it cannot reach,
  // and teardown clears entries so reference cycles through durable
  // shadows (a directory moved under its old child) never leak.
  std::vector<std::weak_ptr<Inode>> inodes;
  size_t prune_at = 64;

  absl::Time Now() const { return (*now)(); }
  InodeRef NewInode(FileType type, uint32_t mode);
  // Links `inode` as `name` in `dir`; keeps link counts, "..", mtimes.
  void AddEntry(const InodeRef& dir, const std::string& name,
                const InodeRef& inode);
  // Unlinks `name` from `dir` and returns what it named. A directory left
  // without a name is dead: lookups and creations in it fail ENOENT.
  InodeRef RemoveEntry(const InodeRef& dir, const std::string& name);
  // Fills in a missing root or cwd with the file system's root.
  PathContext Normalize(const PathContext& ctx) const;
};

// The description if this file system made it, else nullptr.
FileDescription* AsOurs(OpenFile& file);
const FileDescription* AsOurs(const OpenFile& file);

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FS_FS_IMPL_H_
