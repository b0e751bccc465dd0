// `runbox create` and `runbox run`: the create flags become a CreateRequest
// (run adds --detach and --keep). run's exit code is the container's when
// it waited for it, as runc's is.
#include "runtime/cli/commands.h"

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
  // --no-new-keyring: runbox makes no session keyring, so there is nothing
  // to skip.
  return request;
}

}  // namespace

CommandResult RunCreate(CommandEnv& env, const CreateOptions& options) {
  RETURN_IF_ERROR(Create(env.ctx, ToRequest(options)));
  return 0;
}

CommandResult RunRun(CommandEnv& env, const RunOptions& options) {
  RunRequest request;
  static_cast<CreateRequest&>(request) = ToRequest(options);
  request.detach = options.detach;
  request.keep = options.keep;
  ASSIGN_OR_RETURN(std::optional<ExitStatus> status, Run(env.ctx, request));
  return status.has_value() ? status->ShellCode() : 0;
}

}  // namespace runbox::cli
