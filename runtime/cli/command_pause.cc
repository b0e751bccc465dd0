// `runbox pause <id>` and `runbox resume <id>`.
#include "runtime/cli/commands.h"

namespace runbox::cli {

CommandResult RunPause(CommandEnv& env, const PauseOptions& options) {
  RETURN_IF_ERROR(Pause(env.ctx, options.id));
  return 0;
}

CommandResult RunResume(CommandEnv& env, const ResumeOptions& options) {
  RETURN_IF_ERROR(Resume(env.ctx, options.id));
  return 0;
}

}  // namespace runbox::cli
