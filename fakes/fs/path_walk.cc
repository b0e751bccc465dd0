// Path resolution (see path_walk.h): Linux's link_path_walk and
// walk_component, minus mounts, permissions and magic links.
#include "fakes/fs/path_walk.h"

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

absl::Status NameError(int err, absl::string_view name) {
  return ErrnoError(err, absl::StrCat("lookup \"", name, "\""));
}

}  // namespace

PathWalker::PathWalker(const PathContext& ctx, const InodeRef& dir,
                       ResolveFlags flags)
    : start_(dir ? dir : ctx.cwd), root_(ctx.root), flags_(flags) {
  if (Has(flags, ResolveFlags::kInRoot) && Has(flags, ResolveFlags::kBeneath)) {
    init_status_ = ErrnoError(EINVAL, "RESOLVE_IN_ROOT with RESOLVE_BENEATH");
  }
  // With either flag the starting directory is the root of the walk:
  // absolute paths start there and ".." stops (or fails) there.
  if (Has(flags, ResolveFlags::kInRoot) || Has(flags, ResolveFlags::kBeneath)) {
    root_ = start_;
  }
  // kNoMagicLinks and kNoXdev need no work: this file system has neither
  // magic links nor mounts.
}

absl::Status PathWalker::CountLink() {
  if (Has(flags_, ResolveFlags::kNoSymlinks)) {
    return ErrnoError(ELOOP, "symlink with RESOLVE_NO_SYMLINKS");
  }
  if (++links_ > kMaxSymlinks) {
    return ErrnoError(ELOOP, "too many levels of symbolic links");
  }
  return absl::OkStatus();
}

absl::StatusOr<InodeRef> PathWalker::DotDot(const InodeRef& dir) {
  if (dir == root_) {
    if (Has(flags_, ResolveFlags::kBeneath)) {
      return ErrnoError(EXDEV, "\"..\" escapes RESOLVE_BENEATH");
    }
    return dir;
  }
  InodeRef parent = dir->parent.lock();
  return parent ? parent : dir;
}

absl::StatusOr<InodeRef> PathWalker::Step(const InodeRef& dir,
                                          const std::string& name) {
  if (name == ".") return dir;
  if (name == "..") return DotDot(dir);
  if (name.size() > kNameMax) return NameError(ENAMETOOLONG, name);
  InodeRef child = dir->Find(name);
  if (!child) return NameError(ENOENT, name);
  if (child->is_symlink()) {
    ASSIGN_OR_RETURN(child, FollowLink(dir, child));
  }
  if (!child->is_dir()) return NameError(ENOTDIR, name);
  return child;
}

absl::StatusOr<ParentPath> PathWalker::WalkParentFrom(const InodeRef& start,
                                                      absl::string_view path) {
  RETURN_IF_ERROR(init_status_);
  if (path.empty()) return ErrnoError(ENOENT, "empty path");
  if (path.size() >= kPathMax) return ErrnoError(ENAMETOOLONG, "path");
  InodeRef cur = start;
  if (path[0] == '/') {
    if (Has(flags_, ResolveFlags::kBeneath)) {
      return ErrnoError(EXDEV, "absolute path with RESOLVE_BENEATH");
    }
    cur = root_;
  }
  std::vector<std::string> comps = absl::StrSplit(path, '/', absl::SkipEmpty());
  ParentPath result;
  if (comps.empty()) {
    result.dir = cur;
    result.last = LastType::kRoot;
    return result;
  }
  for (size_t i = 0; i + 1 < comps.size(); ++i) {
    if (!cur->is_dir()) return NameError(ENOTDIR, comps[i]);
    ASSIGN_OR_RETURN(cur, Step(cur, comps[i]));
  }
  if (!cur->is_dir()) return NameError(ENOTDIR, comps.back());
  result.dir = cur;
  result.name = comps.back();
  result.trailing_slash = path.back() == '/';
  if (result.name == ".") {
    result.last = LastType::kDot;
  } else if (result.name == "..") {
    result.last = LastType::kDotDot;
  }
  return result;
}

absl::StatusOr<ParentPath> PathWalker::WalkParent(absl::string_view path) {
  return WalkParentFrom(start_, path);
}

absl::StatusOr<InodeRef> PathWalker::LookupLast(const ParentPath& parent) {
  switch (parent.last) {
    case LastType::kRoot:
    case LastType::kDot:
      return parent.dir;
    case LastType::kDotDot:
      return DotDot(parent.dir);
    case LastType::kNormal:
      break;
  }
  if (parent.name.size() > kNameMax) {
    return NameError(ENAMETOOLONG, parent.name);
  }
  return parent.dir->Find(parent.name);
}

absl::StatusOr<InodeRef> PathWalker::ResolveFrom(const InodeRef& start,
                                                 absl::string_view path,
                                                 bool follow) {
  ASSIGN_OR_RETURN(ParentPath parent, WalkParentFrom(start, path));
  ASSIGN_OR_RETURN(InodeRef inode, LookupLast(parent));
  if (!inode) return NameError(ENOENT, parent.name);
  if (inode->is_symlink() && (follow || parent.trailing_slash)) {
    ASSIGN_OR_RETURN(inode, FollowLink(parent.dir, inode));
  }
  if (parent.trailing_slash && !inode->is_dir()) {
    return NameError(ENOTDIR, parent.name);
  }
  return inode;
}

absl::StatusOr<InodeRef> PathWalker::Resolve(absl::string_view path,
                                             bool follow) {
  return ResolveFrom(start_, path, follow);
}

absl::StatusOr<InodeRef> PathWalker::FollowLink(const InodeRef& dir,
                                                const InodeRef& link) {
  RETURN_IF_ERROR(CountLink());
  // An empty target cannot be created here, but Linux fails it ENOENT.
  if (link->target.empty()) return ErrnoError(ENOENT, "empty symlink");
  return ResolveFrom(dir, link->target, /*follow=*/true);
}

}  // namespace runbox::fake
