// The final exec of a container process; see exec_process.h.
#include "runtime/sandbox/exec_process.h"

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

// runc's default when the config's env has no PATH.
constexpr char kDefaultPath[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string PathOf(const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    if (absl::StartsWith(entry, "PATH=")) return entry.substr(5);
  }
  return kDefaultPath;
}

}  // namespace

absl::StatusOr<std::string> FindExecutable(Files& files, absl::string_view name,
                                           const std::vector<std::string>& env) {
  if (name.empty()) return ErrnoError(ENOENT, "exec \"\"");
  if (absl::StrContains(name, '/')) return std::string(name);
  for (absl::string_view dir : absl::StrSplit(PathOf(env), ':')) {
    // An empty PATH entry means the working directory, as in execvp(3).
    std::string candidate =
        dir.empty() ? std::string(name) : absl::StrCat(dir, "/", name);
    absl::StatusOr<FileStat> stat =
        files.StatAt(Fd::Cwd(), candidate, FollowSymlinks::kFollow);
    if (stat.ok() && stat->type == FileType::kRegular &&
        (stat->mode & 0111) != 0) {
      return candidate;
    }
  }
  return ErrnoError(ENOENT, absl::StrCat("exec \"", name,
                                         "\": executable file not found in "
                                         "$PATH"));
}

absl::Status ExecUserProcess(Host& host, const spec::Process& process) {
  if (process.user.umask) host.Umask(*process.user.umask);
  const std::string cwd = process.cwd.empty() ? "/" : process.cwd;
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), cwd, {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) return Annotate(dir.status(), absl::StrCat("chdir to cwd \"", cwd, "\""));
  RETURN_IF_ERROR(host.Fchdir(*dir));
  if (process.args.empty()) {
    return absl::InvalidArgumentError("process.args must not be empty");
  }
  ASSIGN_OR_RETURN(std::string path,
                   FindExecutable(host, process.args[0], process.env));
  ExecRequest request;
  request.path = path;
  request.argv = process.args;
  request.env = process.env;
  return Annotate(host.Exec(request), absl::StrCat("exec \"", path, "\""));
}

}  // namespace runbox
