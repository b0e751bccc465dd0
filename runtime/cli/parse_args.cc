// ParseArgs: the global flags, then the command's own parser from the
// command table. runc (urfave/cli v1) reads argv the same way: Go's flag
// package on the words before the command name, then the command's flags.
#include "runtime/cli/parse_args.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hostapi/status.h"
#include "runtime/cli/command_table.h"
#include "runtime/cli/options.h"

namespace runbox::cli {

absl::StatusOr<ParsedCommand> ParseArgs(const std::vector<std::string>& argv) {
  absl::Span<const std::string> args(argv);
  if (!args.empty()) args.remove_prefix(1);

  ASSIGN_OR_RETURN(GlobalParse global, ParseGlobalFlags(args));
  ParsedCommand parsed;
  parsed.global = std::move(global.options);
  // urfave/cli checks --help before --version, and both before the
  // command: `runbox --help create` is the program's help.
  // No command at all prints the help too, as runc does.
  if (global.help) {
    parsed.command = HelpOptions{};
    return parsed;
  }
  if (global.version) {
    parsed.command = VersionOptions{};
    return parsed;
  }
  if (global.rest.empty()) {
    parsed.command = HelpOptions{};
    return parsed;
  }
  const std::string& name = global.rest.front();
  const CommandEntry* entry = FindCommand(name);
  if (entry == nullptr) return UnknownCommandError(name);
  ASSIGN_OR_RETURN(parsed.command,
                   entry->parse(absl::MakeConstSpan(global.rest).subspan(1)));
  return parsed;
}

}  // namespace runbox::cli
