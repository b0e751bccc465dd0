// Inode state helpers: stat, durability snapshots and flock conflicts.
// Tree invariants (links, parents) are kept by file_system.cc.
#include "fakes/fs/inode.h"

namespace runbox::fake {

Inode::Inode(FileType type, uint64_t ino, uint32_t mode, absl::Time mtime)
    : type(type), ino(ino), mode(mode & 07777), mtime(mtime) {
  // Creating an inode journals its metadata with it; its data and entries
  // start empty in the durable shadow until an fsync.
  durable.mode = this->mode;
  durable.mtime = mtime;
}

InodeRef Inode::Find(const std::string& name) const {
  auto it = entries.find(name);
  return it == entries.end() ? nullptr : it->second;
}

int Inode::Subdirs() const {
  int n = 0;
  for (const auto& [name, child] : entries) n += child->is_dir() ? 1 : 0;
  return n;
}

FileStat Inode::Stat() const {
  FileStat st;
  st.type = type;
  st.mode = mode;
  st.ino = ino;
  st.dev = dev;
  if (is_dir()) {
    st.nlink = links > 0 ? 2 + Subdirs() : 0;
  } else {
    st.nlink = links;
  }
  st.uid = uid;
  st.gid = gid;
  switch (type) {
    case FileType::kRegular:
      st.size = static_cast<int64_t>(data.size());
      break;
    case FileType::kDirectory:
      st.size = 4096;
      break;
    case FileType::kSymlink:
      st.size = static_cast<int64_t>(target.size());
      break;
    default:
      st.size = 0;
  }
  st.rdev = rdev;
  st.mtime = mtime;
  return st;
}

void Inode::SyncData() {
  durable.data = data;
  durable.mtime = mtime;
}

void Inode::SyncMetadata() {
  durable.mode = mode;
  durable.uid = uid;
  durable.gid = gid;
  durable.mtime = mtime;
}

void Inode::SyncEntries() { durable.entries = entries; }

bool Inode::FlockConflicts(const OpenFile* holder, LockOp op) const {
  // The holder's own lock never conflicts: converting drops it first.
  switch (op) {
    case LockOp::kUnlock:
      return false;
    case LockOp::kShared:
      return flock_exclusive != nullptr && flock_exclusive != holder;
    case LockOp::kExclusive:
      if (flock_exclusive != nullptr && flock_exclusive != holder) return true;
      for (const OpenFile* other : flock_shared) {
        if (other != holder) return true;
      }
      return false;
  }
  return false;
}

void Inode::FlockRelease(const OpenFile* holder) {
  flock_shared.erase(holder);
  if (flock_exclusive == holder) flock_exclusive = nullptr;
}

}  // namespace runbox::fake
