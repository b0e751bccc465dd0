// `runbox start <id>`.
#include "runtime/cli/commands.h"

namespace runbox::cli {

CommandResult RunStart(CommandEnv& env, const StartOptions& options) {
  RETURN_IF_ERROR(Start(env.ctx, options.id));
  return 0;
}

}  // namespace runbox::cli
