// Safe resolution inside the container root; see safe_path.h.
#include "runtime/sandbox/rootfs/safe_path.h"

#include <cerrno>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"

namespace runbox::rootfs {
namespace {

constexpr ResolveFlags kInRoot =
    ResolveFlags::kInRoot | ResolveFlags::kNoMagicLinks;

// "a/b/c" -> ("a/b", "c"); "c" -> ("", "c").
std::pair<std::string, std::string> SplitLast(absl::string_view path) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(path, '/', absl::SkipEmpty());
  if (parts.empty()) return {"", ""};
  std::string last(parts.back());
  parts.pop_back();
  return {absl::StrJoin(parts, "/"), std::move(last)};
}

}  // namespace

std::string ProcFdPath(const Fd& fd) {
  return absl::StrCat("/proc/self/fd/", fd.get());
}

absl::StatusOr<Fd> OpenInRoot(Host& host, const Fd& root,
                              absl::string_view path, OpenFlags flags) {
  // RESOLVE_IN_ROOT takes "/x" as "x" already; an empty path is the root
  // itself, which openat2 wants as ".".
  absl::string_view relative = path;
  while (absl::ConsumePrefix(&relative, "/")) {
  }
  if (relative.empty()) relative = ".";
  return host.OpenAt(root, relative, {.flags = flags, .resolve = kInRoot});
}

absl::StatusOr<Fd> MkdirAllInRoot(Host& host, const Fd& root,
                                  absl::string_view path, uint32_t mode) {
  const OpenFlags kDirPath = OpenFlags::kPath | OpenFlags::kDirectory;
  ASSIGN_OR_RETURN(Fd cur, OpenInRoot(host, root, "", kDirPath));
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    absl::StatusOr<Fd> next = OpenInRoot(host, root, prefix, kDirPath);
    if (IsErrno(next, ENOENT)) {
      // Made in the directory the parent resolved to, never by path.
      absl::Status made = host.MkdirAt(cur, part, mode);
      if (!made.ok() && !IsErrno(made, EEXIST)) {
        return Annotate(made, absl::StrCat("mkdir \"", prefix, "\" in rootfs"));
      }
      next = OpenInRoot(host, root, prefix, kDirPath);
    }
    if (!next.ok()) {
      return Annotate(next.status(),
                      absl::StrCat("open \"", prefix, "\" in rootfs"));
    }
    cur = *std::move(next);
  }
  return cur;
}

absl::StatusOr<Fd> OpenMountTarget(Host& host, const Fd& root,
                                   absl::string_view path, TargetKind kind) {
  if (kind == TargetKind::kDirectory) {
    return MkdirAllInRoot(host, root, path, 0755);
  }
  absl::StatusOr<Fd> existing = OpenInRoot(host, root, path, OpenFlags::kPath);
  if (!IsErrno(existing, ENOENT)) return existing;
  auto [dir, name] = SplitLast(path);
  if (name.empty() || name == "." || name == "..") {
    return ErrnoError(EINVAL, absl::StrCat("mount target \"", path, "\""));
  }
  ASSIGN_OR_RETURN(Fd parent, MkdirAllInRoot(host, root, dir, 0755));
  // O_EXCL never follows a symlink: a name that appeared meanwhile fails
  // EEXIST and is opened below like any existing name.
  absl::StatusOr<Fd> made =
      host.OpenAt(parent, name,
                  {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                            OpenFlags::kExclusive | OpenFlags::kNoFollow,
                   .mode = 0644});
  if (!made.ok() && !IsErrno(made, EEXIST)) {
    return Annotate(made.status(),
                    absl::StrCat("create \"", path, "\" in rootfs"));
  }
  absl::StatusOr<Fd> target = OpenInRoot(host, root, path, OpenFlags::kPath);
  if (!target.ok()) {
    return Annotate(target.status(),
                    absl::StrCat("open \"", path, "\" in rootfs"));
  }
  return target;
}

}  // namespace runbox::rootfs
