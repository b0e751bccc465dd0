// The durability model: what fsync/fdatasync make durable and what a power
// loss brings back. A file's data (and metadata) is durable at its fsync;
// a directory's set of entries at the directory's fsync, and never through
// a fsync of a file in it (POSIX; the bug class runbox must not have).
// DebugString shows the tree with '*' on entries a power loss would lose.
#include <cerrno>
#include <deque>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "fakes/fs/file_description.h"
#include "fakes/fs/file_system.h"
#include "fakes/fs/fs_impl.h"
#include "fakes/fs/inode.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

absl::StatusOr<Inode*> SyncTarget(OpenFile& file, absl::string_view call) {
  FileDescription* desc = AsOurs(file);
  if (!desc) return ErrnoError(EINVAL, absl::StrCat(call, ": not a file"));
  if (desc->path_only()) {
    return ErrnoError(EBADF, absl::StrCat(call, ": O_PATH fd"));
  }
  Inode& inode = *desc->inode();
  if (!inode.is_regular() && !inode.is_dir()) {
    // /dev/null and /dev/zero have no fsync.
    return ErrnoError(EINVAL, absl::StrCat(call, ": not a file"));
  }
  return &inode;
}

}  // namespace

absl::Status FileSystem::Fsync(OpenFile& file) {
  ASSIGN_OR_RETURN(Inode * inode, SyncTarget(file, "fsync"));
  if (inode->is_dir()) {
    inode->SyncEntries();
  } else {
    inode->SyncData();
  }
  inode->SyncMetadata();
  return absl::OkStatus();
}

absl::Status FileSystem::Fdatasync(OpenFile& file) {
  ASSIGN_OR_RETURN(Inode * inode, SyncTarget(file, "fdatasync"));
  // A directory has no data of its own to sync: the fake makes its entries
  // durable only at fsync, the stricter reading.
  if (inode->is_regular()) inode->SyncData();
  return absl::OkStatus();
}

void FileSystem::PowerLoss() {
  // Walk from the root along durable entries, breadth first in name order
  // so the result is deterministic. Each directory keeps the first durable
  // name that reaches it: durable shadows of separately synced directories
  // can name a moved directory twice (or in a cycle), which a real
  // journal would have resolved one way; the fake picks one.
  //
  // Socket inodes vanish: their sockets died with every process, and the
  // directories runtimes bind in (/run) are tmpfs on a real machine.
  std::set<Inode*> reached;
  std::map<Inode*, std::map<std::string, InodeRef>> new_entries;
  std::deque<InodeRef> queue;
  reached.insert(impl_->root.get());
  queue.push_back(impl_->root);
  while (!queue.empty()) {
    InodeRef dir = queue.front();
    queue.pop_front();
    std::map<std::string, InodeRef>& kept = new_entries[dir.get()];
    for (const auto& [name, child] : dir->durable.entries) {
      if (child->type == FileType::kSocket) continue;
      if (child->is_dir()) {
        if (!reached.insert(child.get()).second) continue;
        child->parent = dir;
        queue.push_back(child);
      } else {
        reached.insert(child.get());
      }
      kept[name] = child;
    }
  }

  for (const std::weak_ptr<Inode>& weak : impl_->inodes) {
    InodeRef inode = weak.lock();
    if (!inode) continue;
    // Every description was dropped, so every lock is gone; clear anyway
    // in case a caller kept one.
    inode->flock_shared.clear();
    inode->flock_exclusive = nullptr;
    if (inode->memfd) continue;  // Never in the tree; dies with its fds.
    if (!reached.contains(inode.get())) {
      // Unreachable after the crash: gone. Clearing entries also breaks
      // reference cycles through durable shadows.
      inode->entries.clear();
      inode->durable.entries.clear();
      inode->links = 0;
      continue;
    }
    inode->data = inode->durable.data;
    inode->mode = inode->durable.mode;
    inode->uid = inode->durable.uid;
    inode->gid = inode->durable.gid;
    inode->mtime = inode->durable.mtime;
    inode->links = 0;
    if (inode->is_dir()) {
      inode->entries = std::move(new_entries[inode.get()]);
      inode->durable.entries = inode->entries;
    }
  }
  // Link counts from the restored tree.
  impl_->root->links = 1;
  for (Inode* dir : reached) {
    for (const auto& [name, child] : dir->entries) ++child->links;
  }
}

void FileSystem::SyncAll() {
  for (const std::weak_ptr<Inode>& weak : impl_->inodes) {
    InodeRef inode = weak.lock();
    if (!inode || inode->memfd) continue;
    if (inode->is_dir()) {
      inode->SyncEntries();
    } else {
      inode->SyncData();
    }
    inode->SyncMetadata();
  }
}

namespace {

void DebugTree(const Inode& dir, int depth, std::string& out) {
  std::string indent(2 * depth, ' ');
  std::map<std::string, std::pair<InodeRef, bool>> names;  // name -> current?
  for (const auto& [name, child] : dir.entries) names[name] = {child, true};
  for (const auto& [name, child] : dir.durable.entries) {
    if (!dir.entries.contains(name)) names[name] = {child, false};
  }
  for (const auto& [name, entry] : names) {
    const auto& [child, current] = entry;
    if (!current) {
      absl::StrAppend(&out, indent, "-", name,
                      " (removed, durable: ", ToString(child->type), ")\n");
      continue;
    }
    auto durable = dir.durable.entries.find(name);
    bool is_durable =
        durable != dir.durable.entries.end() && durable->second == child;
    absl::StrAppend(&out, indent, is_durable ? " " : "*", name);
    switch (child->type) {
      case FileType::kDirectory:
        absl::StrAppend(&out, "/\n");
        DebugTree(*child, depth + 1, out);
        continue;
      case FileType::kRegular:
        absl::StrAppend(&out, " (file, ", child->data.size(), " bytes");
        if (child->durable.data != child->data) {
          absl::StrAppend(&out, ", durable ", child->durable.data.size());
        }
        absl::StrAppend(&out, ")");
        break;
      case FileType::kSymlink:
        absl::StrAppend(&out, " -> ", child->target);
        break;
      case FileType::kCharDevice:
      case FileType::kBlockDevice:
        absl::StrAppend(&out, " (", ToString(child->type), " ",
                        child->rdev.major, ":", child->rdev.minor, ")");
        break;
      default:
        absl::StrAppend(&out, " (", ToString(child->type), ")");
    }
    absl::StrAppend(&out, " ino ", child->ino, "\n");
  }
}

}  // namespace

std::string FileSystem::DebugString() const {
  std::string out = "/  ('*': not durable, '-': durable only)\n";
  DebugTree(*impl_->root, 1, out);
  return out;
}

}  // namespace runbox::fake
