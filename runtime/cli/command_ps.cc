// `runbox ps [--format json] <id>`. JSON is what engines use (`ctr task
// ps`, `docker top`): the host pids as an array, as runc prints them. runc's
// table format runs ps(1) and keeps the container's lines; runbox prints a
// "PID" header and the pids instead, and ignores the ps(1) arguments.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output.h"

namespace runbox::cli {

CommandResult RunPs(CommandEnv& env, const PsOptions& options) {
  ASSIGN_OR_RETURN(std::vector<Pid> pids, ListProcesses(env.ctx, options.id));
  auto pid_text = [](std::string* out, Pid pid) {
    absl::StrAppend(out, pid.value);
  };
  std::string out;
  if (options.format == OutputFormat::kJson) {
    out = absl::StrCat("[", absl::StrJoin(pids, ",", pid_text), "]\n");
  } else {
    out = "PID\n";
    for (Pid pid : pids) absl::StrAppend(&out, pid.value, "\n");
  }
  RETURN_IF_ERROR(PrintStdout(env.host, out));
  return 0;
}

}  // namespace runbox::cli
