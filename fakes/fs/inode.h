// An inode of the simulated file system and its durable shadow: what a
// power loss would bring back. The file system (file_system.cc) keeps the
// tree consistent; this file only holds the state and small helpers.
// Flock state lives here too, keyed by the holding description, so a
// description can release its lock without reaching the FileSystem.
#ifndef RUNBOX_FAKES_FS_INODE_H_
#define RUNBOX_FAKES_FS_INODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "fakes/fs/file_system.h"
#include "fakes/open_file.h"
#include "hostapi/files.h"
#include "hostapi/types.h"

namespace runbox::fake {

// st_dev of the tree and of memfds.
inline constexpr uint64_t kTreeDev = 1;
inline constexpr uint64_t kMemfdDev = 2;

class Inode {
 public:
  Inode(FileType type, uint64_t ino, uint32_t mode, absl::Time mtime);
  Inode(const Inode&) = delete;
  Inode& operator=(const Inode&) = delete;

  bool is_dir() const { return type == FileType::kDirectory; }
  bool is_symlink() const { return type == FileType::kSymlink; }
  bool is_regular() const { return type == FileType::kRegular; }

  // The child named `name`, or nullptr.
  InodeRef Find(const std::string& name) const;
  // stat(2) of this inode: nlink counts names (files) or 2 + subdirectories
  // (directories), 0 once unlinked.
  FileStat Stat() const;
  // Subdirectories among the current entries.
  int Subdirs() const;

  // What fsync/fdatasync make durable.
  void SyncData();
  void SyncMetadata();
  void SyncEntries();

  // `flock`(2) state: which descriptions hold the lock, and how.
  bool FlockConflicts(const OpenFile* holder, LockOp op) const;
  void FlockRelease(const OpenFile* holder);

  const FileType type;
  const uint64_t ino;
  uint64_t dev = kTreeDev;
  uint32_t mode;  // 07777 bits.
  Uid uid = 0;
  Gid gid = 0;
  // Names referring to this inode in the current tree (a directory has at
  // most one; the root counts as named). 0 means unlinked.
  int links = 0;
  absl::Time mtime;

  std::string data;                         // kRegular.
  std::map<std::string, InodeRef> entries;  // kDirectory.
  std::weak_ptr<Inode> parent;              // kDirectory: "..".
  std::string target;                       // kSymlink (never changes).
  DeviceNumber rdev;                        // Device nodes.
  std::weak_ptr<OpenFile> socket;           // kSocket, from bind(2).

  // memfd_create(2) files.
  bool memfd = false;
  std::string memfd_name;
  Seals seals = Seals::kNone;

  // The durable shadow. Symlink targets and device numbers never change, so
  // only these are shadowed.
  struct Durable {
    std::string data;
    std::map<std::string, InodeRef> entries;
    uint32_t mode = 0;
    Uid uid = 0;
    Gid gid = 0;
    absl::Time mtime;
  };
  Durable durable;

  // `flock`(2): holders of a shared lock, or the one exclusive holder.
  std::set<const OpenFile*> flock_shared;
  const OpenFile* flock_exclusive = nullptr;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FS_INODE_H_
