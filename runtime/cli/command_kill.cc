// `runbox kill <id> [signal]` and `--all`. The parser resolves names and
// numbers; without a signal, the container's stop signal is sent.
#include "runtime/cli/commands.h"
#include "runtime/spec/annotations.h"

namespace runbox::cli {

CommandResult RunKill(CommandEnv& env, const KillOptions& options) {
  Signal signal = Signal::kTerm;
  if (options.signal.has_value()) {
    signal = *options.signal;
  } else {
    // config.md: org.opencontainers.image.stopSignal "indicates the signal
    // that SHOULD be sent by container runtimes to kill the container".
    // create validated it.
    ASSIGN_OR_RETURN(ContainerState state, State(env.ctx, options.id));
    signal = spec::StopSignal(state.annotations).value_or(Signal::kTerm);
  }
  RETURN_IF_ERROR(Kill(env.ctx, options.id, signal, options.all));
  return 0;
}

}  // namespace runbox::cli
