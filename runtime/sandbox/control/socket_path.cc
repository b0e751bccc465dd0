// Reaching long socket paths through their directory; see socket_path.h.
#include "runtime/sandbox/control/socket_path.h"

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox::control {

absl::Status AtSocketPath(
    Host& host, absl::string_view path,
    absl::FunctionRef<absl::Status(absl::string_view name)> op) {
  if (path.size() <= kMaxDirectSocketPath) return op(path);
  size_t slash = path.rfind('/');
  // A long base name cannot be helped: let the host report ENAMETOOLONG.
  if (slash == absl::string_view::npos || slash + 1 == path.size() ||
      path.size() - slash - 1 > kMaxDirectSocketPath) {
    return op(path);
  }
  absl::string_view dir = slash == 0 ? "/" : path.substr(0, slash);
  absl::string_view name = path.substr(slash + 1);

  const OpenHow kDirPath{.flags = OpenFlags::kPath | OpenFlags::kDirectory};
  absl::StatusOr<Fd> target = host.OpenAt(Fd::Cwd(), dir, kDirPath);
  if (!target.ok()) {
    return Annotate(target.status(),
                    absl::StrCat("open socket directory \"", dir, "\""));
  }
  absl::StatusOr<Fd> saved = host.OpenAt(Fd::Cwd(), ".", kDirPath);
  if (!saved.ok()) {
    return Annotate(saved.status(), "open the working directory");
  }
  RETURN_IF_ERROR(
      Annotate(host.Fchdir(*target),
               absl::StrCat("chdir to socket directory \"", dir, "\"")));
  absl::Status result = op(name);
  absl::Status restored = host.Fchdir(*saved);
  if (!restored.ok()) {
    return Annotate(restored, "restore the working directory");
  }
  return result;
}

}  // namespace runbox::control
