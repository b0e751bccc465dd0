// `runbox events [--stats] <id>`, minimal until cgroup statistics land
// with the isolation issue: --stats prints one event
// {"type":"stats","id":ID,"data":{}}; without it, runbox prints nothing
// and returns when the container stops (runc streams stats every
// --interval and OOM events meanwhile).
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output.h"

namespace runbox::cli {

CommandResult RunEvents(CommandEnv& env, const EventsOptions& options) {
  if (!options.stats) {
    RETURN_IF_ERROR(Wait(env.ctx, options.id).status());
    return 0;
  }
  // The container must exist, as for runc.
  ASSIGN_OR_RETURN(ContainerState state, State(env.ctx, options.id));
  nlohmann::ordered_json event;
  event["type"] = "stats";
  event["id"] = state.id;
  event["data"] = nlohmann::ordered_json::object();
  RETURN_IF_ERROR(PrintStdout(
      env.host,
      absl::StrCat(
          event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          "\n")));
  return 0;
}

}  // namespace runbox::cli
