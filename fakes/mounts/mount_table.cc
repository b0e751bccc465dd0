// The mount table of one namespace (see mount_table.h). Entries keep Linux's
// tree through parent ids; path lookups walk that tree the way the VFS
// crosses mount points, so stacked and hidden mounts behave as on Linux.
#include "fakes/mounts/mount_table.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

constexpr MountFlags kPropagationFlags =
    MountFlags::kShared | MountFlags::kPrivate | MountFlags::kSlave |
    MountFlags::kUnbindable;
constexpr MountFlags kAtimeFlags =
    MountFlags::kNoAtime | MountFlags::kNoDirAtime | MountFlags::kRelatime;

bool Any(MountFlags set, MountFlags bits) {
  return (set & bits) != MountFlags::kNone;
}

// "/a/./b//c/../" -> "/a/b"; EINVAL for relative paths.
absl::StatusOr<std::string> Normalize(absl::string_view path,
                                      absl::string_view what) {
  if (path.empty() || path[0] != '/') {
    return ErrnoError(EINVAL, absl::StrCat("fake mounts: ", what, " \"", path,
                                           "\" is not absolute"));
  }
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

// Whether `path` is `dir` or below it.
bool IsUnder(absl::string_view path, absl::string_view dir) {
  if (dir == "/") return true;
  return path == dir ||
         (path.size() > dir.size() && path.substr(0, dir.size()) == dir &&
          path[dir.size()] == '/');
}

// The part of `path` below `dir` ("/" when equal). Precondition:
// IsUnder(path, dir).
std::string Below(absl::string_view path, absl::string_view dir) {
  if (dir == "/") return std::string(path);
  if (path.size() == dir.size()) return "/";
  return std::string(path.substr(dir.size()));
}

// `rel` (absolute-style, "/" for none) appended to `dir`.
std::string Join(absl::string_view dir, absl::string_view rel) {
  if (rel == "/") return std::string(dir);
  if (dir == "/") return std::string(rel);
  return absl::StrCat(dir, rel);
}

// The per-mount flags a mount(2) call asks for. For a remount without an
// atime flag, the old atime setting stays (Linux's path_mount).
MountFlags PerMountFlags(MountFlags flags, bool remount, MountFlags old) {
  MountFlags m =
      flags & (MountFlags::kReadOnly | MountFlags::kNoSuid |
               MountFlags::kNoDev | MountFlags::kNoExec | MountFlags::kNoAtime |
               MountFlags::kNoDirAtime | MountFlags::kNoSymFollow);
  if (!Has(flags, MountFlags::kNoAtime)) m |= MountFlags::kRelatime;
  if (Has(flags, MountFlags::kStrictAtime)) {
    m &= ~(MountFlags::kRelatime | MountFlags::kNoAtime);
  }
  if (remount && !Any(flags, kAtimeFlags | MountFlags::kStrictAtime)) {
    m = (m & ~kAtimeFlags) | (old & kAtimeFlags);
  }
  return m;
}

MountFlags SuperblockFlags(MountFlags flags) {
  return flags & (MountFlags::kReadOnly | MountFlags::kSynchronous |
                  MountFlags::kDirSync);
}

}  // namespace

MountTable::MountTable() : counters_(std::make_shared<Counters>()) {
  Entry root;
  root.id = counters_->next_mount_id++;
  root.parent_id = 0;
  root.dev = DeviceNumber{0, counters_->next_anon_minor++};
  root.root = "/";
  root.mount_point = "/";
  root.fstype = "rootfs";
  root.source = "fake";
  root.mount_flags = MountFlags::kRelatime;
  root.shared_id = counters_->next_group_id++;
  entries_.push_back(std::move(root));
}

absl::Status MountTable::Mount(absl::string_view source,
                               absl::string_view target,
                               absl::string_view fstype, MountFlags flags,
                               absl::string_view data) {
  ASSIGN_OR_RETURN(std::string to, Normalize(target, "target"));
  if (Has(flags, MountFlags::kRemount | MountFlags::kBind)) {
    return Reconfigure(to, flags, data, /*superblock=*/false);
  }
  if (Has(flags, MountFlags::kRemount)) {
    return Reconfigure(to, flags, data, /*superblock=*/true);
  }
  if (Has(flags, MountFlags::kBind)) {
    ASSIGN_OR_RETURN(std::string from, Normalize(source, "bind source"));
    return Bind(from, to, Has(flags, MountFlags::kRecursive));
  }
  if (Any(flags, kPropagationFlags)) return ChangePropagation(to, flags);
  if (Has(flags, MountFlags::kMove)) {
    ASSIGN_OR_RETURN(std::string from, Normalize(source, "move source"));
    return Move(from, to);
  }
  return NewMount(source, to, fstype, flags, data);
}

absl::Status MountTable::SetAttr(absl::string_view path, MountFlags set,
                                 MountFlags clear, bool recursive) {
  ASSIGN_OR_RETURN(std::string at, Normalize(path, "mount_setattr path"));
  const MountFlags kFlags = MountFlags::kReadOnly | MountFlags::kNoSuid |
                            MountFlags::kNoDev | MountFlags::kNoExec |
                            MountFlags::kNoDirAtime | MountFlags::kNoSymFollow;
  const MountFlags kAtime =
      MountFlags::kNoAtime | MountFlags::kRelatime | MountFlags::kStrictAtime;
  MountFlags atime = set & kAtime;
  if (((set | clear) & ~(kFlags | kAtime)) != MountFlags::kNone ||
      (atime != MountFlags::kNone && atime != MountFlags::kNoAtime &&
       atime != MountFlags::kRelatime && atime != MountFlags::kStrictAtime)) {
    return ErrnoError(EINVAL,
                      absl::StrCat("mount_setattr \"", at, "\": bad flags"));
  }
  size_t top = TopAt(at);
  if (top == kNone) {
    return ErrnoError(
        EINVAL, absl::StrCat("mount_setattr \"", at, "\": not a mount point"));
  }
  std::vector<size_t> targets = {top};
  if (recursive) targets = Subtree(top);
  for (size_t i : targets) {
    MountFlags& m = entries_[i].mount_flags;
    m = (m & ~(clear & kFlags)) | (set & kFlags);
    if (atime != MountFlags::kNone) {
      // The kernel shows strictatime as neither relatime nor noatime.
      m &= ~(MountFlags::kNoAtime | MountFlags::kRelatime);
      if (atime != MountFlags::kStrictAtime) m |= atime;
    }
  }
  return absl::OkStatus();
}

absl::Status MountTable::BindIdmapped(const std::string& source,
                                      const std::string& target,
                                      bool recursive_bind,
                                      bool recursive_idmap) {
  ASSIGN_OR_RETURN(std::string from, Normalize(source, "idmap source"));
  ASSIGN_OR_RETURN(std::string to, Normalize(target, "idmap target"));
  const size_t first = entries_.size();
  RETURN_IF_ERROR(Bind(from, to, recursive_bind));
  for (size_t i = first; i < entries_.size(); ++i) {
    if (i == first || recursive_idmap) entries_[i].idmapped = true;
  }
  return absl::OkStatus();
}

absl::Status MountTable::Reconfigure(const std::string& target,
                                     MountFlags flags, absl::string_view data,
                                     bool superblock) {
  size_t i = TopAt(target);
  if (i == kNone) {
    return ErrnoError(
        EINVAL, absl::StrCat("remount \"", target, "\": not a mount point"));
  }
  Entry& e = entries_[i];
  e.mount_flags = PerMountFlags(flags, /*remount=*/true, e.mount_flags);
  if (superblock) {
    e.sb_flags = SuperblockFlags(flags);
    e.data = std::string(data);
  }
  return absl::OkStatus();
}

absl::Status MountTable::Bind(const std::string& source,
                              const std::string& target, bool recursive) {
  size_t src = Resolve(source);
  if (entries_[src].unbindable) {
    return ErrnoError(EINVAL, absl::StrCat("bind \"", source,
                                           "\": source mount is unbindable"));
  }
  // Clone the source mount, then (recursive) the submounts below `source`,
  // parents before children; `clones` maps an original's id to its copy's.
  std::vector<std::pair<int, int>> clones;
  auto clone_of = [&clones](int id) {
    for (const auto& [from, to] : clones) {
      if (from == id) return to;
    }
    return 0;
  };
  std::vector<size_t> originals = {src};
  if (recursive) {
    for (size_t i : Subtree(src)) {
      if (i != src && IsUnder(entries_[i].mount_point, source)) {
        originals.push_back(i);
      }
    }
  }
  int attach_parent = entries_[Resolve(target)].id;
  bool parent_shared = IsShared(attach_parent);
  std::vector<size_t> added;
  for (size_t i : originals) {
    const Entry& old = entries_[i];
    Entry e = old;
    e.id = counters_->next_mount_id++;
    e.unbindable = false;
    if (i == src) {
      e.parent_id = attach_parent;
      e.mount_point = target;
      e.root = Join(old.root, Below(source, old.mount_point));
    } else {
      // Unbindable mounts (and so everything below them) are not copied.
      e.parent_id = old.unbindable ? 0 : clone_of(old.parent_id);
      if (e.parent_id == 0) continue;
      e.mount_point = Join(target, Below(old.mount_point, source));
    }
    clones.emplace_back(old.id, e.id);
    entries_.push_back(std::move(e));
    added.push_back(entries_.size() - 1);
  }
  if (parent_shared) MakeShared(added);
  return absl::OkStatus();
}

absl::Status MountTable::ChangePropagation(const std::string& target,
                                           MountFlags flags) {
  // Exactly one propagation type, optionally recursive, nothing else.
  MountFlags type = flags & ~MountFlags::kRecursive;
  auto bits = static_cast<uint32_t>(type);
  if (!Any(type, kPropagationFlags) || (bits & (bits - 1)) != 0) {
    return ErrnoError(
        EINVAL, absl::StrCat("mount \"", target, "\": bad propagation flags"));
  }
  size_t top = TopAt(target);
  if (top == kNone) {
    return ErrnoError(EINVAL, absl::StrCat("change propagation of \"", target,
                                           "\": not a mount point"));
  }
  std::vector<size_t> targets = {top};
  if (Has(flags, MountFlags::kRecursive)) targets = Subtree(top);
  if (type == MountFlags::kShared) {
    MakeShared(targets);
    for (size_t i : targets) entries_[i].unbindable = false;
    return absl::OkStatus();
  }
  for (size_t i : targets) {
    Entry& e = entries_[i];
    if (type == MountFlags::kSlave) {
      if (e.shared_id != 0) e.master_id = e.shared_id;
    } else {
      e.master_id = 0;
    }
    e.shared_id = 0;
    e.unbindable = type == MountFlags::kUnbindable;
  }
  return absl::OkStatus();
}

absl::Status MountTable::Move(const std::string& source,
                              const std::string& target) {
  size_t m = TopAt(source);
  if (m == kNone || entries_[m].parent_id == 0) {
    return ErrnoError(EINVAL, absl::StrCat("move \"", source,
                                           "\": not a movable mount point"));
  }
  if (IsShared(entries_[m].parent_id)) {
    return ErrnoError(
        EINVAL, absl::StrCat("move \"", source, "\": parent mount is shared"));
  }
  std::vector<size_t> tree = Subtree(m);
  size_t dest = Resolve(target);
  if (std::find(tree.begin(), tree.end(), dest) != tree.end()) {
    return ErrnoError(ELOOP, absl::StrCat("move \"", source, "\" to \"", target,
                                          "\": into itself"));
  }
  bool dest_shared = IsShared(entries_[dest].id);
  if (dest_shared) {
    for (size_t i : tree) {
      if (entries_[i].unbindable) {
        return ErrnoError(EINVAL, "move: unbindable mount to a shared parent");
      }
    }
  }
  for (size_t i : tree) {
    Entry& e = entries_[i];
    e.mount_point = Join(target, Below(e.mount_point, source));
  }
  entries_[m].parent_id = entries_[dest].id;
  if (dest_shared) MakeShared(tree);
  return absl::OkStatus();
}

absl::Status MountTable::NewMount(absl::string_view source,
                                  const std::string& target,
                                  absl::string_view fstype, MountFlags flags,
                                  absl::string_view data) {
  if (fstype.empty()) {
    return ErrnoError(
        EINVAL, absl::StrCat("mount \"", target, "\": no file system type"));
  }
  Entry e;
  e.id = counters_->next_mount_id++;
  e.parent_id = entries_[Resolve(target)].id;
  e.dev = DeviceNumber{0, counters_->next_anon_minor++};
  e.root = "/";
  e.mount_point = target;
  e.fstype = std::string(fstype);
  e.source = source.empty() ? "none" : std::string(source);
  e.data = std::string(data);
  e.mount_flags = PerMountFlags(flags, /*remount=*/false, MountFlags::kNone);
  e.sb_flags = SuperblockFlags(flags);
  bool parent_shared = IsShared(e.parent_id);
  entries_.push_back(std::move(e));
  if (parent_shared) MakeShared({entries_.size() - 1});
  return absl::OkStatus();
}

absl::Status MountTable::Umount(absl::string_view target, UmountFlags flags) {
  ASSIGN_OR_RETURN(std::string path, Normalize(target, "target"));
  size_t m = TopAt(path);
  if (m == kNone) {
    return ErrnoError(EINVAL,
                      absl::StrCat("umount \"", path, "\": not a mount point"));
  }
  if (entries_[m].parent_id == 0) {
    return ErrnoError(
        EINVAL, absl::StrCat("umount \"", path, "\": the namespace root"));
  }
  std::vector<size_t> tree = Subtree(m);
  if (tree.size() > 1 && !Has(flags, UmountFlags::kDetach)) {
    return ErrnoError(EBUSY,
                      absl::StrCat("umount \"", path, "\": mounts below it"));
  }
  std::vector<bool> doomed(entries_.size(), false);
  for (size_t i : tree) doomed[i] = true;
  std::vector<Entry> kept;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!doomed[i]) kept.push_back(std::move(entries_[i]));
  }
  entries_ = std::move(kept);
  return absl::OkStatus();
}

absl::Status MountTable::PivotRoot(absl::string_view new_root,
                                   absl::string_view put_old) {
  ASSIGN_OR_RETURN(std::string new_path, Normalize(new_root, "new_root"));
  ASSIGN_OR_RETURN(std::string old_path, Normalize(put_old, "put_old"));
  size_t root = Resolve("/");
  size_t new_m = Resolve(new_path);
  size_t old_m = Resolve(old_path);
  // The checks in `pivot_root`(2)'s order.
  if (IsShared(entries_[old_m].id) || IsShared(entries_[new_m].parent_id) ||
      IsShared(entries_[root].parent_id)) {
    return ErrnoError(EINVAL, "pivot_root: shared mount involved");
  }
  if (new_m == root || old_m == root) {
    return ErrnoError(EBUSY, "pivot_root: on the current root mount");
  }
  if (entries_[new_m].mount_point != new_path) {
    return ErrnoError(EINVAL, absl::StrCat("pivot_root: \"", new_path,
                                           "\" is not a mount point"));
  }
  if (!IsUnder(old_path, new_path)) {
    return ErrnoError(
        EINVAL, absl::StrCat("pivot_root: \"", old_path, "\" is not under \"",
                             new_path, "\""));
  }
  std::vector<size_t> new_tree = Subtree(new_m);
  std::vector<bool> in_new(entries_.size(), false);
  for (size_t i : new_tree) in_new[i] = true;
  std::string put_old_inside = Below(old_path, new_path);
  // The old root's tree, less new_root's, moves below put_old; new_root's
  // tree moves up to "/".
  for (size_t i : Subtree(root)) {
    if (in_new[i]) continue;
    entries_[i].mount_point = Join(put_old_inside, entries_[i].mount_point);
  }
  for (size_t i : new_tree) {
    entries_[i].mount_point = Below(entries_[i].mount_point, new_path);
  }
  entries_[new_m].parent_id = entries_[root].parent_id;
  entries_[root].parent_id = entries_[old_m].id;
  return absl::OkStatus();
}

std::vector<MountInfo> MountTable::List() const {
  std::vector<MountInfo> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(Info(e));
  return out;
}

bool MountTable::IsMountPoint(absl::string_view path) const {
  absl::StatusOr<std::string> p = Normalize(path, "path");
  return p.ok() && TopAt(*p) != kNone;
}

std::optional<MountInfo> MountTable::MountAt(absl::string_view path) const {
  absl::StatusOr<std::string> p = Normalize(path, "path");
  if (!p.ok()) return std::nullopt;
  size_t i = TopAt(*p);
  if (i == kNone) return std::nullopt;
  return Info(entries_[i]);
}

MountInfo MountTable::MountContaining(absl::string_view path) const {
  // Normalize cannot fail on an absolute path.
  std::string absolute = absl::StrCat("/", path);
  return Info(entries_[Resolve(*Normalize(absolute, "path"))]);
}

size_t MountTable::IndexOf(int id) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].id == id) return i;
  }
  return kNone;
}

size_t MountTable::RootIndex() const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].parent_id == 0) return i;
  }
  return 0;  // Unreachable: the namespace root is never removed.
}

size_t MountTable::ChildAt(size_t parent, const std::string& path) const {
  int parent_id = entries_[parent].id;
  size_t found = kNone;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i != parent && entries_[i].parent_id == parent_id &&
        entries_[i].mount_point == path) {
      found = i;  // The latest wins, should moves have doubled a spot.
    }
  }
  return found;
}

size_t MountTable::Resolve(const std::string& path) const {
  // Cross mount points component by component, climbing each stack of
  // mounts to its top, as the VFS does when it follows a path.
  size_t cur = RootIndex();
  auto climb = [&](const std::string& at) {
    for (size_t next; (next = ChildAt(cur, at)) != kNone;) cur = next;
  };
  climb("/");
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    climb(prefix);
  }
  return cur;
}

size_t MountTable::TopAt(const std::string& path) const {
  size_t i = Resolve(path);
  return entries_[i].mount_point == path ? i : kNone;
}

std::vector<size_t> MountTable::Subtree(size_t index) const {
  // Depth first, parents before children, siblings in mount order (the
  // order of Linux's next_mnt), whatever moves and pivots did to the list.
  std::vector<size_t> out;
  std::vector<size_t> stack = {index};
  while (!stack.empty()) {
    size_t cur = stack.back();
    stack.pop_back();
    out.push_back(cur);
    for (size_t i = entries_.size(); i-- > 0;) {
      if (i != cur && entries_[i].parent_id == entries_[cur].id) {
        stack.push_back(i);
      }
    }
  }
  return out;
}

bool MountTable::IsShared(int id) const {
  size_t i = IndexOf(id);
  return i != kNone && entries_[i].shared_id != 0;
}

void MountTable::MakeShared(const std::vector<size_t>& indices) {
  for (size_t i : indices) {
    if (entries_[i].shared_id == 0) {
      entries_[i].shared_id = counters_->next_group_id++;
    }
  }
}

MountInfo MountTable::Info(const Entry& e) const {
  MountInfo info;
  info.id = e.id;
  info.parent_id = e.parent_id;
  info.dev = e.dev;
  info.root = e.root;
  info.mount_point = e.mount_point;
  info.fstype = e.fstype;
  info.source = e.source;

  info.options = Has(e.mount_flags, MountFlags::kReadOnly) ? "ro" : "rw";
  const std::pair<MountFlags, const char*> kMountOptions[] = {
      {MountFlags::kNoSuid, ",nosuid"},
      {MountFlags::kNoDev, ",nodev"},
      {MountFlags::kNoExec, ",noexec"},
      {MountFlags::kNoAtime, ",noatime"},
      {MountFlags::kNoDirAtime, ",nodiratime"},
      {MountFlags::kRelatime, ",relatime"},
      {MountFlags::kNoSymFollow, ",nosymfollow"},
  };
  for (const auto& [flag, name] : kMountOptions) {
    if (Has(e.mount_flags, flag)) info.options += name;
  }
  if (e.idmapped) info.options += ",idmapped";

  std::vector<std::string> propagation;
  if (e.shared_id != 0)
    propagation.push_back(absl::StrCat("shared:", e.shared_id));
  if (e.master_id != 0)
    propagation.push_back(absl::StrCat("master:", e.master_id));
  if (e.unbindable) propagation.push_back("unbindable");
  info.propagation = absl::StrJoin(propagation, " ");

  info.super_options = Has(e.sb_flags, MountFlags::kReadOnly) ? "ro" : "rw";
  if (Has(e.sb_flags, MountFlags::kSynchronous)) info.super_options += ",sync";
  if (Has(e.sb_flags, MountFlags::kDirSync)) info.super_options += ",dirsync";
  if (!e.data.empty()) absl::StrAppend(&info.super_options, ",", e.data);
  return info;
}

}  // namespace runbox::fake
