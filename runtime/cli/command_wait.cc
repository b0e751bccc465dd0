// `runbox wait <id>` (a runbox extension): blocks until the container's
// init exits and prints its exit status in the shell's convention (the
// code, or 128 + the signal), on one line. The command itself exits 0: its
// output, not its exit code, carries the status, so a failure to wait (exit
// 1) is never confused with a container that exited 1.
#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output.h"

namespace runbox::cli {

CommandResult RunWait(CommandEnv& env, const WaitOptions& options) {
  ASSIGN_OR_RETURN(ExitStatus status, Wait(env.ctx, options.id));
  RETURN_IF_ERROR(
      PrintStdout(env.host, absl::StrCat(status.ShellCode(), "\n")));
  return 0;
}

}  // namespace runbox::cli
