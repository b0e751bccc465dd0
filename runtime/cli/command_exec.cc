// `runbox exec`: the process comes from --process FILE (engines always
// pass one), or, as runc builds it, from the process of the config the
// container was created with (not the bundle's config.json, which may have
// changed since), with the command and flags laid over it: args, --cwd,
// --env (appended), --tty (false unless given), --user, --additional-gids,
// --cap (added to every set), --no-new-privs, --apparmor, --process-label.
// When the result has no PATH, runc's default is added; an empty cwd is "/".
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/common/io.h"
#include "runtime/spec/names.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/validate.h"

namespace runbox::cli {
namespace {

constexpr absl::string_view kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// ReadFileAt's errors name the path; parse errors name the JSON path.
absl::StatusOr<spec::Process> ReadProcessFile(Host& host,
                                              const std::string& path) {
  ASSIGN_OR_RETURN(std::string text,
                   ReadFileAt(host, Fd::Cwd(), path, spec::kMaxJsonBytes));
  absl::StatusOr<spec::Process> process = spec::ParseProcess(text);
  if (!process.ok()) {
    return Annotate(process.status(),
                    absl::StrCat("process file \"", path, "\""));
  }
  return process;
}

// The process of the config the container was created with, the base
// runc lays flags over: create's copy, not the bundle's config.json, whose
// later edits must not affect the container (runtime.md "Lifecycle").
absl::StatusOr<spec::Process> ConfigProcess(CommandEnv& env,
                                            absl::string_view id) {
  ASSIGN_OR_RETURN(spec::Config config, CreatedConfig(env.ctx, id));
  return config.process.value_or(spec::Process());
}

absl::Status AddCapabilities(const std::vector<std::string>& names,
                             spec::Process& process) {
  if (names.empty()) return absl::OkStatus();
  if (!process.capabilities.has_value()) process.capabilities.emplace();
  spec::Capabilities& caps = *process.capabilities;
  for (const std::string& name : names) {
    std::string upper = absl::AsciiStrToUpper(name);
    if (!absl::StartsWith(upper, "CAP_")) upper = absl::StrCat("CAP_", upper);
    std::optional<spec::Capability> cap =
        spec::EnumFromName<spec::Capability>(upper);
    if (!cap.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown capability \"", name, "\""));
    }
    for (auto* set : {&caps.bounding, &caps.effective, &caps.inheritable,
                      &caps.permitted, &caps.ambient}) {
      set->push_back(*cap);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<spec::Process> ProcessFromFlags(CommandEnv& env,
                                               const ExecOptions& o) {
  ASSIGN_OR_RETURN(spec::Process p, ConfigProcess(env, o.id));
  p.args = o.command;
  if (!o.cwd.empty()) p.cwd = o.cwd;
  if (p.cwd.empty()) p.cwd = "/";
  p.env.insert(p.env.end(), o.env.begin(), o.env.end());
  bool has_path = false;
  for (const std::string& e : p.env) has_path |= absl::StartsWith(e, "PATH=");
  if (!has_path) p.env.emplace_back(kDefaultPath);
  p.terminal = o.tty;
  if (o.user.has_value()) {
    p.user.uid = o.user->uid;
    if (o.user->gid.has_value()) p.user.gid = *o.user->gid;
  }
  p.user.additional_gids.insert(p.user.additional_gids.end(),
                                o.additional_gids.begin(),
                                o.additional_gids.end());
  RETURN_IF_ERROR(AddCapabilities(o.caps, p));
  if (o.no_new_privs.has_value()) p.no_new_privileges = *o.no_new_privs;
  if (!o.apparmor.empty()) p.apparmor_profile = o.apparmor;
  if (!o.process_label.empty()) p.selinux_label = o.process_label;
  return p;
}

CommandResult ExecProcess(CommandEnv& env, const ExecOptions& options) {
  ExecProcessRequest request;
  request.id = options.id;
  if (!options.process.empty()) {
    ASSIGN_OR_RETURN(request.process,
                     ReadProcessFile(env.host, options.process));
  } else {
    ASSIGN_OR_RETURN(request.process, ProcessFromFlags(env, options));
  }
  RETURN_IF_ERROR(spec::ValidateProcess(request.process));
  request.detach = options.detach;
  request.pid_file = options.pid_file;
  request.console_socket = options.console_socket;
  request.preserve_fds = options.preserve_fds;
  ASSIGN_OR_RETURN(ExecResult result, Exec(env.ctx, request));
  return result.status.has_value() ? result.status->ShellCode() : 0;
}

}  // namespace

// runc 1.1 reports a failed exec as "exec failed: ..." with exit code 255,
// so a caller can tell it from the process's own exit code.
CommandResult RunExec(CommandEnv& env, const ExecOptions& options) {
  CommandResult result = ExecProcess(env, options);
  if (result.ok()) return result;
  env.log.Error(absl::StrCat("exec failed: ", result.status().message()));
  return 255;
}

}  // namespace runbox::cli
