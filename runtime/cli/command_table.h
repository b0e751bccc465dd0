// The runc-compatible grammar as data: the global flags and, per command,
// its flag table, its positional arguments and its help text. ParseArgs
// (parse_args.h) and the help (usage.h) both read these tables, so a flag
// that parses is a flag that is documented.
#ifndef RUNBOX_RUNTIME_CLI_COMMAND_TABLE_H_
#define RUNBOX_RUNTIME_CLI_COMMAND_TABLE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "runtime/cli/flag_spec.h"
#include "runtime/cli/options.h"

namespace runbox::cli {

// One command, its option type erased.
struct CommandEntry {
  absl::string_view name;
  absl::string_view alias;        // "h" for help; usually empty.
  absl::string_view summary;      // One line for `runbox --help`.
  absl::string_view args_usage;   // "<container-id>", after the options.
  absl::string_view description;  // Longer text for `runbox CMD --help`.
  bool hidden = false;            // Internal: not in the help.
  // The command's flags, without --help/-h which every command accepts.
  // Empty for internal commands, which take their words unparsed.
  std::vector<FlagInfo> flags;
  // Parses the words after the command name.
  std::function<absl::StatusOr<CommandOptions>(
      absl::Span<const std::string> args)>
      parse;
};

// Every command, hidden ones included, in help order.
absl::Span<const CommandEntry> Commands();

// The command named `name` (or with that alias), or nullptr.
const CommandEntry* FindCommand(absl::string_view name);

// "unknown command \"foo\" (see runbox --help)", InvalidArgument.
absl::Status UnknownCommandError(absl::string_view name);

// The global flags, --help/-h and --version/-v included.
absl::Span<const FlagInfo> GlobalFlags();

// The global flags at the front of `args` (the words after the program
// name), Go style: the first non-flag word ends them.
struct GlobalParse {
  GlobalOptions options;
  bool help = false;
  bool version = false;
  std::vector<std::string> rest;  // The command name and its words.
};
absl::StatusOr<GlobalParse> ParseGlobalFlags(
    absl::Span<const std::string> args);

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_COMMAND_TABLE_H_
