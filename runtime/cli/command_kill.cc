// `runbox kill <id> [signal]` (default SIGTERM; the parser resolves names
// and numbers) and `--all`.
#include "runtime/cli/commands.h"

namespace runbox::cli {

CommandResult RunKill(CommandEnv& env, const KillOptions& options) {
  RETURN_IF_ERROR(Kill(env.ctx, options.id, options.signal, options.all));
  return 0;
}

}  // namespace runbox::cli
