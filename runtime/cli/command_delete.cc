// `runbox delete [--force] <id>...`: every ID in order, going on past
// failures. With --force a missing ID is no failure (containerd and docker
// delete again with --force after the container is gone and need exit code
// 0); Delete itself decides that. Each failure is logged here, once.
#include "runtime/cli/commands.h"

namespace runbox::cli {

CommandResult RunDelete(CommandEnv& env, const DeleteOptions& options) {
  int code = 0;
  for (const std::string& id : options.ids) {
    absl::Status deleted = Delete(env.ctx, id, options.force);
    if (deleted.ok()) continue;
    env.log.Error(deleted.message());
    code = 1;
  }
  return code;
}

}  // namespace runbox::cli
