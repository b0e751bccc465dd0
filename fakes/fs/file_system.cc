// The FileSystem's path calls (open, rename, unlink, mkdir, mknod, symlink,
// readlink, link, stat, bind/connect names) and its calls on descriptions
// (readdir, ftruncate, fchmod, fchown, memfd seals). Errnos and their order
// follow Linux's fs/namei.c and fs/open.c. Path resolution is
// path_walk.cc; flock is flock.cc; fsync and power loss are durability.cc.
#include "fakes/fs/file_system.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fakes/fs/file_description.h"
#include "fakes/fs/fs_impl.h"
#include "fakes/fs/inode.h"
#include "fakes/fs/path_walk.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

constexpr uint32_t kNoId = static_cast<uint32_t>(-1);

std::string Quote(absl::string_view path) {
  return absl::StrCat("\"", path, "\"");
}

absl::Status Fail(int err, absl::string_view call, absl::string_view path) {
  return ErrnoError(err, absl::StrCat(call, " ", Quote(path)));
}

absl::Status Context(const absl::Status& s, absl::string_view call,
                     absl::string_view path) {
  return Annotate(s, absl::StrCat(call, " ", Quote(path)));
}

bool IsDead(const Inode& dir) { return dir.links == 0; }

// Whether `ancestor` is `node` or one of its ancestors.
bool IsAncestorOrSelf(const InodeRef& ancestor, InodeRef node) {
  while (node) {
    if (node == ancestor) return true;
    InodeRef parent = node->parent.lock();
    if (parent == node) return false;  // The root.
    node = std::move(parent);
  }
  return false;
}

// The final component of a name to create (filename_create in Linux):
// EEXIST if it exists or is ".", ".." or "/"; a trailing slash is only for
// mkdir; a dead directory takes no new names.
absl::StatusOr<ParentPath> PrepareCreate(PathWalker& walker,
                                         absl::string_view path,
                                         bool is_mkdir) {
  ASSIGN_OR_RETURN(ParentPath parent, walker.WalkParent(path));
  if (parent.last != LastType::kNormal) {
    return ErrnoError(EEXIST, "name exists");
  }
  ASSIGN_OR_RETURN(InodeRef existing, walker.LookupLast(parent));
  if (existing) return ErrnoError(EEXIST, "name exists");
  if (parent.trailing_slash && !is_mkdir) {
    return ErrnoError(ENOENT, "trailing slash on a new non-directory");
  }
  if (IsDead(*parent.dir)) return ErrnoError(ENOENT, "directory removed");
  return parent;
}

}  // namespace

FileDescription* AsOurs(OpenFile& file) {
  return dynamic_cast<FileDescription*>(&file);
}
const FileDescription* AsOurs(const OpenFile& file) {
  return dynamic_cast<const FileDescription*>(&file);
}

InodeRef FileSystem::Impl::NewInode(FileType type, uint32_t mode) {
  auto inode = std::make_shared<Inode>(type, next_ino++, mode, Now());
  if (inodes.size() >= prune_at) {
    std::erase_if(inodes,
                  [](const std::weak_ptr<Inode>& w) { return w.expired(); });
    prune_at = std::max<size_t>(64, 2 * inodes.size());
  }
  inodes.push_back(inode);
  return inode;
}

void FileSystem::Impl::AddEntry(const InodeRef& dir, const std::string& name,
                                const InodeRef& inode) {
  dir->entries[name] = inode;
  ++inode->links;
  if (inode->is_dir()) inode->parent = dir;
  dir->mtime = Now();
}

InodeRef FileSystem::Impl::RemoveEntry(const InodeRef& dir,
                                       const std::string& name) {
  auto node = dir->entries.extract(name);
  if (node.empty()) return nullptr;
  InodeRef inode = std::move(node.mapped());
  --inode->links;
  dir->mtime = Now();
  return inode;
}

PathContext FileSystem::Impl::Normalize(const PathContext& ctx) const {
  PathContext c = ctx;
  if (!c.root) c.root = root;
  if (!c.cwd) c.cwd = c.root;
  return c;
}

FileSystem::FileSystem(std::function<absl::Time()> now)
    : impl_(std::make_unique<Impl>()) {
  impl_->now = std::make_shared<const NowFn>(std::move(now));
  impl_->root = impl_->NewInode(FileType::kDirectory, 0755);
  impl_->root->links = 1;  // Named by the mount, never unlinked.
  impl_->root->parent = impl_->root;
}

FileSystem::~FileSystem() {
  // Directories own their children; durable shadows can form cycles.
  for (const std::weak_ptr<Inode>& weak : impl_->inodes) {
    if (InodeRef inode = weak.lock()) {
      inode->entries.clear();
      inode->durable.entries.clear();
    }
  }
}

InodeRef FileSystem::root() const { return impl_->root; }

absl::StatusOr<std::shared_ptr<OpenFile>> FileSystem::OpenAt(
    const PathContext& ctx, const InodeRef& dir, absl::string_view path,
    const OpenHow& how) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir, how.resolve);
  OpenFlags flags = how.flags;
  // O_PATH keeps only these (build_open_flags): no access, no creation.
  if (Has(flags, OpenFlags::kPath)) {
    flags &= OpenFlags::kPath | OpenFlags::kDirectory | OpenFlags::kNoFollow |
             OpenFlags::kKeepOnExec;
  }
  const bool path_only = Has(flags, OpenFlags::kPath);
  const bool create = Has(flags, OpenFlags::kCreate);
  const bool exclusive = create && Has(flags, OpenFlags::kExclusive);
  const bool nofollow = Has(flags, OpenFlags::kNoFollow);
  if (create && Has(flags, OpenFlags::kDirectory)) {
    return Fail(EINVAL, "openat O_CREAT|O_DIRECTORY", path);
  }

  InodeRef inode;
  bool created = false;
  if (create) {
    // Linux's open_last_lookups: O_CREAT follows a final symlink (and
    // creates its target) unless O_EXCL or O_NOFOLLOW.
    InodeRef start = walker.start();
    std::string rest(path);
    while (true) {
      absl::StatusOr<ParentPath> parent = walker.WalkParentAt(start, rest);
      if (!parent.ok()) return Context(parent.status(), "openat", path);
      if (parent->last != LastType::kNormal) {
        ASSIGN_OR_RETURN(inode, walker.LookupLast(*parent));
        break;
      }
      if (parent->trailing_slash) return Fail(EISDIR, "openat", path);
      absl::StatusOr<InodeRef> child = walker.LookupLast(*parent);
      if (!child.ok()) return Context(child.status(), "openat", path);
      if (*child == nullptr) {
        if (IsDead(*parent->dir)) return Fail(ENOENT, "openat", path);
        inode = impl_->NewInode(FileType::kRegular, how.mode & ~c.umask);
        impl_->AddEntry(parent->dir, parent->name, inode);
        created = true;
        break;
      }
      if ((*child)->is_symlink() && !exclusive && !nofollow) {
        absl::Status counted = walker.CountLink();
        if (!counted.ok()) return Context(counted, "openat", path);
        if ((*child)->target.empty()) return Fail(ENOENT, "openat", path);
        start = parent->dir;
        rest = (*child)->target;
        continue;
      }
      inode = *child;
      break;
    }
    if (exclusive && !created) return Fail(EEXIST, "openat", path);
    if (inode->is_dir()) return Fail(EISDIR, "openat O_CREAT", path);
  } else {
    absl::StatusOr<ParentPath> parent = walker.WalkParent(path);
    if (!parent.ok()) return Context(parent.status(), "openat", path);
    absl::StatusOr<InodeRef> found = walker.LookupLast(*parent);
    if (!found.ok()) return Context(found.status(), "openat", path);
    inode = *found;
    if (!inode) return Fail(ENOENT, "openat", path);
    if (inode->is_symlink() && (!nofollow || parent->trailing_slash)) {
      absl::StatusOr<InodeRef> target = walker.FollowLink(parent->dir, inode);
      if (!target.ok()) return Context(target.status(), "openat", path);
      inode = *target;
    }
    if (parent->trailing_slash && !inode->is_dir()) {
      return Fail(ENOTDIR, "openat", path);
    }
  }

  if (Has(flags, OpenFlags::kDirectory) && !inode->is_dir()) {
    return Fail(ENOTDIR, "openat O_DIRECTORY", path);
  }
  const bool writes =
      Has(flags, OpenFlags::kWriteOnly) || Has(flags, OpenFlags::kReadWrite);
  if (!path_only) {
    switch (inode->type) {
      case FileType::kSymlink:
        return Fail(ELOOP, "openat O_NOFOLLOW", path);
      case FileType::kDirectory:
        if (writes || Has(flags, OpenFlags::kTruncate)) {
          return Fail(EISDIR, "openat", path);
        }
        break;
      case FileType::kSocket:
        return Fail(ENXIO, "openat", path);
      case FileType::kFifo:
        return absl::UnimplementedError(
            absl::StrCat("fake: opening FIFO ", Quote(path), " not modelled"));
      case FileType::kCharDevice:
        if (inode->rdev == kDevNull || inode->rdev == kDevZero) break;
        [[fallthrough]];
      case FileType::kBlockDevice:
        return absl::UnimplementedError(
            absl::StrCat("fake: device ", inode->rdev.major, ":",
                         inode->rdev.minor, " not modelled"));
      case FileType::kRegular:
        if (Has(flags, OpenFlags::kTruncate) && !created) {
          inode->data.clear();
          inode->mtime = impl_->Now();
        }
        break;
      case FileType::kUnknown:
        return Fail(EINVAL, "openat", path);
    }
  }
  return std::make_shared<FileDescription>(inode, flags, impl_->now);
}

absl::Status FileSystem::RenameAt(const PathContext& ctx,
                                  const InodeRef& from_dir,
                                  absl::string_view from,
                                  const InodeRef& to_dir, absl::string_view to,
                                  RenameFlags flags) {
  const bool exchange = Has(flags, RenameFlags::kExchange);
  const bool noreplace = Has(flags, RenameFlags::kNoReplace);
  std::string call = absl::StrCat("renameat2 ", Quote(from), " to");
  if (exchange && noreplace) return Fail(EINVAL, call, to);
  PathContext c = impl_->Normalize(ctx);
  PathWalker from_walker(c, from_dir), to_walker(c, to_dir);
  absl::StatusOr<ParentPath> old_parent = from_walker.WalkParent(from);
  if (!old_parent.ok()) return Context(old_parent.status(), call, to);
  absl::StatusOr<ParentPath> new_parent = to_walker.WalkParent(to);
  if (!new_parent.ok()) return Context(new_parent.status(), call, to);
  // Linux's do_renameat2, check for check.
  if (old_parent->last != LastType::kNormal) return Fail(EBUSY, call, to);
  if (new_parent->last != LastType::kNormal) {
    return Fail(noreplace ? EEXIST : EBUSY, call, to);
  }
  absl::StatusOr<InodeRef> old_inode = from_walker.LookupLast(*old_parent);
  if (!old_inode.ok()) return Context(old_inode.status(), call, to);
  if (!*old_inode) return Fail(ENOENT, call, to);
  absl::StatusOr<InodeRef> new_inode = to_walker.LookupLast(*new_parent);
  if (!new_inode.ok()) return Context(new_inode.status(), call, to);
  const InodeRef& source = *old_inode;
  const InodeRef& target = *new_inode;
  if (noreplace && target) return Fail(EEXIST, call, to);
  if (exchange) {
    if (!target) return Fail(ENOENT, call, to);
    if (!target->is_dir() && new_parent->trailing_slash) {
      return Fail(ENOTDIR, call, to);
    }
  }
  if (!source->is_dir()) {
    if (old_parent->trailing_slash) return Fail(ENOTDIR, call, to);
    if (!exchange && new_parent->trailing_slash) {
      return Fail(ENOTDIR, call, to);
    }
  }
  if (old_parent->dir != new_parent->dir) {
    // A directory cannot move into its own subtree, nor the target be an
    // ancestor of the source.
    if (source->is_dir() && IsAncestorOrSelf(source, new_parent->dir)) {
      return Fail(EINVAL, call, to);
    }
    if (target && target->is_dir() &&
        IsAncestorOrSelf(target, old_parent->dir)) {
      return Fail(exchange ? EINVAL : ENOTEMPTY, call, to);
    }
  }
  if (source == target) return absl::OkStatus();  // Same inode: nothing.
  if (target && !exchange) {
    if (source->is_dir()) {
      if (!target->is_dir()) return Fail(ENOTDIR, call, to);
      if (!target->entries.empty()) return Fail(ENOTEMPTY, call, to);
    } else if (target->is_dir()) {
      return Fail(EISDIR, call, to);
    }
  }
  if (!target && IsDead(*new_parent->dir)) return Fail(ENOENT, call, to);

  if (exchange) {
    old_parent->dir->entries[old_parent->name] = target;
    new_parent->dir->entries[new_parent->name] = source;
    if (source->is_dir()) source->parent = new_parent->dir;
    if (target->is_dir()) target->parent = old_parent->dir;
    old_parent->dir->mtime = new_parent->dir->mtime = impl_->Now();
    return absl::OkStatus();
  }
  // The replaced name and the moved one change in one step: no observer
  // sees the target missing.
  if (target) impl_->RemoveEntry(new_parent->dir, new_parent->name);
  impl_->RemoveEntry(old_parent->dir, old_parent->name);
  impl_->AddEntry(new_parent->dir, new_parent->name, source);
  return absl::OkStatus();
}

absl::Status FileSystem::UnlinkAt(const PathContext& ctx, const InodeRef& dir,
                                  absl::string_view path, UnlinkFlags flags) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  const bool rmdir = Has(flags, UnlinkFlags::kRemoveDir);
  const char* call = rmdir ? "unlinkat AT_REMOVEDIR" : "unlinkat";
  absl::StatusOr<ParentPath> parent = walker.WalkParent(path);
  if (!parent.ok()) return Context(parent.status(), call, path);
  switch (parent->last) {
    case LastType::kNormal:
      break;
    case LastType::kDot:
      return Fail(rmdir ? EINVAL : EISDIR, call, path);
    case LastType::kDotDot:
      return Fail(rmdir ? ENOTEMPTY : EISDIR, call, path);
    case LastType::kRoot:
      return Fail(rmdir ? EBUSY : EISDIR, call, path);
  }
  absl::StatusOr<InodeRef> victim = walker.LookupLast(*parent);
  if (!victim.ok()) return Context(victim.status(), call, path);
  if (!*victim) return Fail(ENOENT, call, path);
  if (rmdir) {
    if (!(*victim)->is_dir()) return Fail(ENOTDIR, call, path);
    if (!(*victim)->entries.empty()) return Fail(ENOTEMPTY, call, path);
  } else {
    if ((*victim)->is_dir()) return Fail(EISDIR, call, path);
    if (parent->trailing_slash) return Fail(ENOTDIR, call, path);
  }
  impl_->RemoveEntry(parent->dir, parent->name);
  return absl::OkStatus();
}

absl::Status FileSystem::MkdirAt(const PathContext& ctx, const InodeRef& dir,
                                 absl::string_view path, uint32_t mode) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  absl::StatusOr<ParentPath> parent = PrepareCreate(walker, path, true);
  if (!parent.ok()) return Context(parent.status(), "mkdirat", path);
  // mkdir keeps the permission and sticky bits only.
  InodeRef inode =
      impl_->NewInode(FileType::kDirectory, mode & 01777 & ~c.umask);
  impl_->AddEntry(parent->dir, parent->name, inode);
  return absl::OkStatus();
}

absl::Status FileSystem::MknodAt(const PathContext& ctx, const InodeRef& dir,
                                 absl::string_view path, FileType type,
                                 uint32_t mode, DeviceNumber dev) {
  switch (type) {
    case FileType::kRegular:
    case FileType::kCharDevice:
    case FileType::kBlockDevice:
    case FileType::kFifo:
    case FileType::kSocket:
      break;
    case FileType::kDirectory:
      return Fail(EPERM, "mknodat S_IFDIR", path);
    default:
      return Fail(EINVAL, "mknodat", path);
  }
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  absl::StatusOr<ParentPath> parent = PrepareCreate(walker, path, false);
  if (!parent.ok()) return Context(parent.status(), "mknodat", path);
  InodeRef inode = impl_->NewInode(type, mode & 07777 & ~c.umask);
  if (type == FileType::kCharDevice || type == FileType::kBlockDevice) {
    inode->rdev = dev;
  }
  impl_->AddEntry(parent->dir, parent->name, inode);
  return absl::OkStatus();
}

absl::Status FileSystem::SymlinkAt(const PathContext& ctx,
                                   absl::string_view target,
                                   const InodeRef& dir,
                                   absl::string_view link_path) {
  if (target.empty()) return Fail(ENOENT, "symlinkat: empty target", link_path);
  if (target.size() >= kPathMax) {
    return Fail(ENAMETOOLONG, "symlinkat: target", link_path);
  }
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  absl::StatusOr<ParentPath> parent = PrepareCreate(walker, link_path, false);
  if (!parent.ok()) return Context(parent.status(), "symlinkat", link_path);
  InodeRef inode = impl_->NewInode(FileType::kSymlink, 0777);
  inode->target = std::string(target);
  impl_->AddEntry(parent->dir, parent->name, inode);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FileSystem::ReadlinkAt(const PathContext& ctx,
                                                   const InodeRef& dir,
                                                   absl::string_view path) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  InodeRef inode;
  if (path.empty()) {
    // Linux: an empty path names the fd itself, ENOENT unless a symlink.
    inode = walker.start();
    if (!inode->is_symlink()) return Fail(ENOENT, "readlinkat", path);
  } else {
    absl::StatusOr<InodeRef> found = walker.Resolve(path, /*follow=*/false);
    if (!found.ok()) return Context(found.status(), "readlinkat", path);
    inode = *found;
  }
  if (!inode->is_symlink()) return Fail(EINVAL, "readlinkat", path);
  return inode->target;
}

absl::Status FileSystem::LinkAt(const PathContext& ctx, const InodeRef& old_dir,
                                absl::string_view old_path,
                                const InodeRef& new_dir,
                                absl::string_view new_path) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker old_walker(c, old_dir), new_walker(c, new_dir);
  std::string call = absl::StrCat("linkat ", Quote(old_path), " to");
  absl::StatusOr<InodeRef> old_inode =
      old_walker.Resolve(old_path, /*follow=*/false);
  if (!old_inode.ok()) return Context(old_inode.status(), call, new_path);
  absl::StatusOr<ParentPath> parent =
      PrepareCreate(new_walker, new_path, false);
  if (!parent.ok()) return Context(parent.status(), call, new_path);
  if ((*old_inode)->is_dir()) return Fail(EPERM, call, new_path);
  if ((*old_inode)->links == 0) return Fail(ENOENT, call, new_path);
  impl_->AddEntry(parent->dir, parent->name, *old_inode);
  return absl::OkStatus();
}

absl::StatusOr<FileStat> FileSystem::StatAt(const PathContext& ctx,
                                            const InodeRef& dir,
                                            absl::string_view path,
                                            FollowSymlinks follow) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  if (path.empty()) return walker.start()->Stat();  // AT_EMPTY_PATH.
  absl::StatusOr<InodeRef> inode =
      walker.Resolve(path, follow == FollowSymlinks::kFollow);
  if (!inode.ok()) return Context(inode.status(), "fstatat", path);
  return (*inode)->Stat();
}

absl::StatusOr<InodeRef> FileSystem::Lookup(const PathContext& ctx,
                                            const InodeRef& dir,
                                            absl::string_view path,
                                            FollowSymlinks follow) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  absl::StatusOr<InodeRef> inode =
      walker.Resolve(path, follow == FollowSymlinks::kFollow);
  if (!inode.ok()) return Context(inode.status(), "lookup", path);
  return *inode;
}

absl::StatusOr<std::vector<DirEntry>> FileSystem::ReadDir(OpenFile& dir) {
  FileDescription* desc = AsOurs(dir);
  if (!desc) return ErrnoError(EINVAL, "getdents64: not a file-system fd");
  if (desc->path_only()) return ErrnoError(EBADF, "getdents64: O_PATH fd");
  const Inode& inode = *desc->inode();
  if (!inode.is_dir()) return ErrnoError(ENOTDIR, "getdents64");
  if (IsDead(inode)) return ErrnoError(ENOENT, "getdents64: removed dir");
  std::vector<DirEntry> result;
  result.reserve(inode.entries.size());
  for (const auto& [name, child] : inode.entries) {
    result.push_back(DirEntry{name, child->type, child->ino});
  }
  return result;
}

absl::Status FileSystem::Ftruncate(OpenFile& file, int64_t length) {
  FileDescription* desc = AsOurs(file);
  if (!desc) return ErrnoError(EINVAL, "ftruncate: not a file-system fd");
  if (desc->path_only()) return ErrnoError(EBADF, "ftruncate: O_PATH fd");
  if (!desc->inode()->is_regular() || !desc->writable()) {
    return ErrnoError(EINVAL, "ftruncate: not a regular file open to write");
  }
  return TruncateData(*desc->inode(), length, impl_->Now());
}

absl::Status FileSystem::Fchmod(OpenFile& file, uint32_t mode) {
  FileDescription* desc = AsOurs(file);
  if (!desc) return ErrnoError(EINVAL, "fchmod: not a file-system fd");
  if (desc->path_only()) return ErrnoError(EBADF, "fchmod: O_PATH fd");
  desc->inode()->mode = mode & 07777;
  return absl::OkStatus();
}

absl::Status FileSystem::Fchown(OpenFile& file, Uid uid, Gid gid) {
  FileDescription* desc = AsOurs(file);
  if (!desc) return ErrnoError(EINVAL, "fchown: not a file-system fd");
  if (desc->path_only()) return ErrnoError(EBADF, "fchown: O_PATH fd");
  Inode& inode = *desc->inode();
  if (uid != kNoId) inode.uid = uid;
  if (gid != kNoId) inode.gid = gid;
  // chown_common: on a non-directory, chown drops setuid, and setgid when
  // group-executable, even for root and even when nothing changes. Order
  // matters to a runtime: chown then chmod keeps the bits.
  if (!inode.is_dir()) {
    inode.mode &= ~04000u;
    if ((inode.mode & 02010) == 02010) inode.mode &= ~02000u;
  }
  return absl::OkStatus();
}

InodeRef FileSystem::InodeOf(const OpenFile& file) const {
  const FileDescription* desc = AsOurs(file);
  return desc ? desc->inode() : nullptr;
}

InodeRef FileSystem::ParentOf(const InodeRef& dir) const {
  InodeRef parent = dir->parent.lock();
  return parent ? parent : dir;
}

FileType FileSystem::TypeOf(const InodeRef& inode) const { return inode->type; }

absl::StatusOr<std::string> FileSystem::ReadAll(const InodeRef& inode) const {
  // For exec: `execve`(2) of anything but a regular file is EACCES.
  if (!inode->is_regular()) return ErrnoError(EACCES, "exec: not a file");
  return inode->data;
}

std::shared_ptr<OpenFile> FileSystem::OpenInode(const InodeRef& inode,
                                                OpenFlags flags) {
  flags &= OpenFlags::kWriteOnly | OpenFlags::kReadWrite;
  return std::make_shared<FileDescription>(inode, flags, impl_->now);
}

std::shared_ptr<OpenFile> FileSystem::CreateMemfd(absl::string_view name,
                                                  MemfdFlags flags) {
  InodeRef inode = impl_->NewInode(FileType::kRegular, 0777);
  inode->dev = kMemfdDev;
  inode->memfd = true;
  inode->memfd_name = std::string(name);
  // Without MFD_ALLOW_SEALING a memfd starts sealed against sealing.
  if (!Has(flags, MemfdFlags::kAllowSealing)) inode->seals = Seals::kSeal;
  return std::make_shared<FileDescription>(inode, OpenFlags::kReadWrite,
                                           impl_->now);
}

absl::Status FileSystem::AddSeals(OpenFile& file, Seals seals) {
  FileDescription* desc = AsOurs(file);
  if (!desc) return ErrnoError(EINVAL, "F_ADD_SEALS: not a memfd");
  if (desc->path_only()) return ErrnoError(EBADF, "F_ADD_SEALS: O_PATH fd");
  Inode& inode = *desc->inode();
  if (!inode.memfd) return ErrnoError(EINVAL, "F_ADD_SEALS: not a memfd");
  if (!desc->writable()) {
    return ErrnoError(EPERM, "F_ADD_SEALS: not open for writing");
  }
  if (Has(inode.seals, Seals::kSeal)) {
    return ErrnoError(EPERM, "F_ADD_SEALS: sealed against sealing");
  }
  inode.seals |= seals;
  return absl::OkStatus();
}

absl::Status FileSystem::BindSocket(const PathContext& ctx, const InodeRef& dir,
                                    absl::string_view path,
                                    std::weak_ptr<OpenFile> socket) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  absl::StatusOr<ParentPath> parent = PrepareCreate(walker, path, false);
  if (!parent.ok()) {
    // unix_bind turns mknod's EEXIST into EADDRINUSE.
    if (IsErrno(parent.status(), EEXIST)) return Fail(EADDRINUSE, "bind", path);
    return Context(parent.status(), "bind", path);
  }
  InodeRef inode = impl_->NewInode(FileType::kSocket, 0777 & ~c.umask);
  inode->socket = std::move(socket);
  impl_->AddEntry(parent->dir, parent->name, inode);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<OpenFile>> FileSystem::FindSocket(
    const PathContext& ctx, const InodeRef& dir, absl::string_view path) {
  PathContext c = impl_->Normalize(ctx);
  PathWalker walker(c, dir);
  absl::StatusOr<InodeRef> inode = walker.Resolve(path, /*follow=*/true);
  if (!inode.ok()) return Context(inode.status(), "connect", path);
  if ((*inode)->type != FileType::kSocket) {
    return Fail(ECONNREFUSED, "connect: not a socket", path);
  }
  std::shared_ptr<OpenFile> socket = (*inode)->socket.lock();
  if (!socket) return Fail(ECONNREFUSED, "connect: socket closed", path);
  return socket;
}

}  // namespace runbox::fake
