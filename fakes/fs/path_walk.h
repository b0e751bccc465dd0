// Path resolution in the simulated file system, as Linux's namei does it:
// components, "." and "..", trailing slashes, symlinks (40 at most, absolute
// ones restarting at the root) and the openat2 RESOLVE_* restrictions.
// Private to fakes/fs.
#ifndef RUNBOX_FAKES_FS_PATH_WALK_H_
#define RUNBOX_FAKES_FS_PATH_WALK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fakes/fs/file_system.h"
#include "fakes/fs/inode.h"
#include "hostapi/types.h"

namespace runbox::fake {

inline constexpr size_t kPathMax = 4096;  // Including the NUL.
inline constexpr size_t kNameMax = 255;
inline constexpr int kMaxSymlinks = 40;

// The final component of a path, as Linux classifies it (LAST_*).
enum class LastType { kNormal, kDot, kDotDot, kRoot };

// A path resolved up to (not including) its final component.
struct ParentPath {
  InodeRef dir;      // Directory holding the final component.
  std::string name;  // The final component (empty for kRoot).
  LastType last = LastType::kNormal;
  bool trailing_slash = false;  // "a/b/": the final must be a directory.
};

class PathWalker {
 public:
  // `dir` is the starting directory (nullptr: ctx.cwd). Fails EINVAL for
  // kInRoot with kBeneath, as openat2 does.
  PathWalker(const PathContext& ctx, const InodeRef& dir,
             ResolveFlags flags = ResolveFlags::kNone);

  // Resolves every component but the last; the result's dir is a
  // directory. ENOENT for "", ENAMETOOLONG, ENOTDIR, ELOOP, EXDEV.
  absl::StatusOr<ParentPath> WalkParent(absl::string_view path);

  // The inode the final component names, nullptr if absent (no error),
  // without following a final symlink.
  absl::StatusOr<InodeRef> LookupLast(const ParentPath& parent);

  // Full resolution. A final symlink is followed when `follow` is set or
  // the path ends in a slash. ENOENT if anything is missing.
  absl::StatusOr<InodeRef> Resolve(absl::string_view path, bool follow);

  // Follows `link` (a symlink found in `dir`), counting it against the
  // 40-link limit; kNoSymlinks makes any follow ELOOP.
  absl::StatusOr<InodeRef> FollowLink(const InodeRef& dir,
                                      const InodeRef& link);
  // Counts one link follow without resolving (for callers that walk the
  // target themselves, like O_CREAT through a dangling symlink).
  absl::Status CountLink();

  // The directory relative paths start from ("" paths mean this one).
  const InodeRef& start() const { return start_; }
  // The same walk from another directory (a symlink's), sharing the
  // link count.
  absl::StatusOr<ParentPath> WalkParentAt(const InodeRef& start,
                                          absl::string_view path) {
    return WalkParentFrom(start, path);
  }

 private:
  absl::StatusOr<ParentPath> WalkParentFrom(const InodeRef& start,
                                            absl::string_view path);
  absl::StatusOr<InodeRef> ResolveFrom(const InodeRef& start,
                                       absl::string_view path, bool follow);
  absl::StatusOr<InodeRef> DotDot(const InodeRef& dir);
  absl::StatusOr<InodeRef> Step(const InodeRef& dir, const std::string& name);

  InodeRef start_;
  InodeRef root_;  // Where absolute paths start and ".." stops.
  ResolveFlags flags_;
  absl::Status init_status_;
  int links_ = 0;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FS_PATH_WALK_H_
