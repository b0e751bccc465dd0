// `runbox create` and `runbox run`: the create flags become a CreateRequest
// (run adds --detach and --keep). run's exit code is the container's when
// it waited for it, as runc's is.
#include "runtime/cli/commands.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"

namespace runbox::cli {
namespace {

CreateRequest ToRequest(const CreateOptions& options) {
  CreateRequest request;
  request.id = options.id;
  request.bundle = options.bundle;
  request.console_socket = options.console_socket;
  request.pid_file = options.pid_file;
  request.no_pivot = options.no_pivot;
  request.preserve_fds = options.preserve_fds;
  request.no_new_keyring = options.no_new_keyring;
  return request;
}

// --systemd-cgroup asks for the systemd cgroup driver, which runbox does
// not have: refuse before any side effect rather than make cgroupfs
// cgroups the caller's systemd does not know about.
absl::Status RejectSystemdCgroup(const CommandEnv& env) {
  if (!env.global.systemd_cgroup) return absl::OkStatus();
  return cgroups::SystemdUnsupportedError();
}

}  // namespace

CommandResult RunCreate(CommandEnv& env, const CreateOptions& options) {
  RETURN_IF_ERROR(RejectSystemdCgroup(env));
  RETURN_IF_ERROR(Create(env.ctx, ToRequest(options)));
  return 0;
}

CommandResult RunRun(CommandEnv& env, const RunOptions& options) {
  RETURN_IF_ERROR(RejectSystemdCgroup(env));
  RunRequest request;
  static_cast<CreateRequest&>(request) = ToRequest(options);
  request.detach = options.detach;
  request.keep = options.keep;
  ASSIGN_OR_RETURN(std::optional<ExitStatus> status, Run(env.ctx, request));
  return status.has_value() ? status->ShellCode() : 0;
}

}  // namespace runbox::cli
