// The final steps and exec of a container process; see exec_process.h.
#include "runtime/sandbox/exec_process.h"

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/process_setup.h"

namespace runbox {
namespace {

// runc's default when the config's env has no PATH.
constexpr char kDefaultPath[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// An /etc/passwd larger than this is not read (HOME falls back to "/").
constexpr size_t kMaxPasswdBytes = 1 << 20;

std::string PathOf(const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    if (absl::StartsWith(entry, "PATH=")) return entry.substr(5);
  }
  return kDefaultPath;
}

// The home directory of `uid` in the container's /etc/passwd, if any. The
// file is the container's to shape: it may be a fifo (open would block), a
// device, huge, or a symlink into /proc; only a bounded regular file is
// read.
absl::StatusOr<std::string> HomeFromPasswd(Host& host, Uid uid) {
  OpenHow how;
  how.flags = OpenFlags::kNonBlock;
  how.resolve = ResolveFlags::kNoMagicLinks;
  ASSIGN_OR_RETURN(Fd fd, host.OpenAt(Fd::Cwd(), "/etc/passwd", how));
  ASSIGN_OR_RETURN(FileStat stat, host.FStat(fd));
  if (stat.type != FileType::kRegular) {
    return ErrnoError(EINVAL, "/etc/passwd is not a regular file");
  }
  ASSIGN_OR_RETURN(std::string text, ReadAll(host, fd, kMaxPasswdBytes));
  // name:password:uid:gid:gecos:home:shell
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, ':');
    Uid line_uid = 0;
    if (fields.size() < 7 || !absl::SimpleAtoi(fields[2], &line_uid) ||
        line_uid != uid) {
      continue;
    }
    if (fields[5].empty()) break;
    return std::string(fields[5]);
  }
  return ErrnoError(ENOENT, absl::StrCat("uid ", uid, " not in /etc/passwd"));
}

// One chdir, and the check that it stayed inside the root.
absl::Status ChangeDirectory(Host& host, absl::string_view cwd) {
  OpenHow how;
  // O_PATH: chdir needs search permission only, not read.
  how.flags = OpenFlags::kPath | OpenFlags::kDirectory;
  how.resolve = ResolveFlags::kNoMagicLinks;
  ASSIGN_OR_RETURN(Fd dir, host.OpenAt(Fd::Cwd(), cwd, how));
  RETURN_IF_ERROR(host.Fchdir(dir));
  // `getcwd`(3) names the directory from the process's root. Outside it,
  // Linux answers "(unreachable)/..." (or ENOENT from glibc), never a path
  // starting with "/".
  absl::StatusOr<std::string> where = host.GetCwd();
  if (!where.ok() || !absl::StartsWith(*where, "/")) {
    // No errno: this is no permission problem a retry as another user
    // could solve.
    return absl::PermissionDeniedError(
        "the working directory is outside the container's root");
  }
  return absl::OkStatus();
}

bool IsPermissionError(const absl::Status& status) {
  return IsErrno(status, EACCES) || IsErrno(status, EPERM);
}

absl::Status InstallSeccomp(Host& host, PreparedSeccomp& seccomp,
                            absl::string_view state_json) {
  return Annotate(LoadSeccomp(host, seccomp, state_json), "load seccomp");
}

}  // namespace

absl::StatusOr<std::string> FindExecutable(
    Files& files, absl::string_view name, const std::vector<std::string>& env) {
  if (name.empty()) return ErrnoError(ENOENT, "exec \"\"");
  if (absl::StrContains(name, '/')) return std::string(name);
  for (absl::string_view dir : absl::StrSplit(PathOf(env), ':')) {
    // An empty PATH entry means the working directory, as in `execvp`(3).
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

absl::Status CheckProgram(Files& files, const spec::Process& process) {
  if (process.args.empty()) {
    return absl::InvalidArgumentError("process.args must not be empty");
  }
  const std::string& name = process.args[0];
  if (!absl::StrContains(name, '/')) {
    return FindExecutable(files, name, process.env).status();
  }
  std::string path = name;
  if (!absl::StartsWith(name, "/")) {
    absl::string_view cwd = process.cwd.empty() ? "/" : process.cwd;
    path = absl::StrCat(cwd, absl::EndsWith(cwd, "/") ? "" : "/", name);
  }
  // runc's wording (Go's LookPath), which engines match on.
  const std::string context = absl::StrCat("exec: \"", name, "\": stat ", path);
  absl::StatusOr<FileStat> stat =
      files.StatAt(Fd::Cwd(), path, FollowSymlinks::kFollow);
  if (!stat.ok()) return ErrnoError(ErrnoOf(stat), context);
  if (stat->type == FileType::kDirectory || (stat->mode & 0111) == 0) {
    return ErrnoError(EACCES, context);
  }
  return absl::OkStatus();
}

std::vector<std::string> EnvironmentWithHome(
    Host& host, const std::vector<std::string>& env, Uid uid) {
  std::vector<std::string> out;
  out.reserve(env.size() + 1);
  for (const std::string& entry : env) {
    // runc tests HOME with os.Getenv, so an empty HOME counts as unset.
    if (entry == "HOME=") continue;
    if (absl::StartsWith(entry, "HOME=")) return env;
    out.push_back(entry);
  }
  absl::StatusOr<std::string> home = HomeFromPasswd(host, uid);
  out.push_back(absl::StrCat("HOME=", home.ok() ? *home : "/"));
  return out;
}

absl::Status EnterWorkingDirectory(Host& host, absl::string_view cwd) {
  const absl::string_view dir = cwd.empty() ? "/" : cwd;
  return Annotate(ChangeDirectory(host, dir),
                  absl::StrCat("chdir to cwd \"", dir, "\""));
}

absl::Status ExecUserProcess(Host& host, const ContainerProcess& target) {
  const spec::Process& process = *target.process;
  if (process.args.empty()) {
    return absl::InvalidArgumentError("process.args must not be empty");
  }
  // What needs privileges the drop takes away: lowering the OOM score and
  // raising hard limits need CAP_SYS_RESOURCE.
  RETURN_IF_ERROR(ApplyOomScoreAdj(host, process));
  RETURN_IF_ERROR(ApplyRlimits(host, process.rlimits));
  const std::vector<std::string> env =
      EnvironmentWithHome(host, process.env, process.user.uid);
  if (process.no_new_privileges) {
    RETURN_IF_ERROR(Annotate(host.SetNoNewPrivs(), "set no_new_privs"));
  }
  if (target.seccomp != nullptr && !process.no_new_privileges) {
    RETURN_IF_ERROR(InstallSeccomp(host, *target.seccomp, target.state_json));
  }
  if (process.user.umask) host.Umask(*process.user.umask);

  // As runc: chdir as root first, so a cwd only root can reach works; if
  // root is refused (root squashing, a volume chowned to the container's
  // user), try again as the container's user.
  absl::Status chdir = EnterWorkingDirectory(host, process.cwd);
  const bool retry_chdir = IsPermissionError(chdir);
  if (!chdir.ok() && !retry_chdir) return chdir;
  const WantedCapabilities wanted = WantedCapabilitiesOf(process);
  RETURN_IF_ERROR(DropBoundingSet(host, wanted));
  RETURN_IF_ERROR(BecomeUser(host, process.user, wanted, [&] {
    return retry_chdir ? EnterWorkingDirectory(host, process.cwd)
                       : absl::OkStatus();
  }));
  if (target.personality != nullptr) {
    RETURN_IF_ERROR(ApplyPersonality(host, *target.personality));
  }

  ASSIGN_OR_RETURN(std::string path,
                   FindExecutable(host, process.args[0], env));
  if (target.seccomp != nullptr && process.no_new_privileges) {
    RETURN_IF_ERROR(InstallSeccomp(host, *target.seccomp, target.state_json));
  }
  if (target.before_exec) RETURN_IF_ERROR(target.before_exec());
  ExecRequest request;
  request.path = path;
  request.argv = process.args;
  request.env = env;
  return Annotate(host.Exec(request), absl::StrCat("exec \"", path, "\""));
}

}  // namespace runbox
