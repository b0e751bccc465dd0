// runbox's command line grammar, runc 1.1 compatible: argv in, option
// structs out. No I/O and no runtime logic; Main dispatches on the result.
// The grammar itself (flags per command, argument rules) is the table in
// command_table.cc; docs/cli.md describes it for users.
#ifndef RUNBOX_RUNTIME_CLI_PARSE_ARGS_H_
#define RUNBOX_RUNTIME_CLI_PARSE_ARGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/cli/options.h"

namespace runbox::cli {

struct ParsedCommand {
  GlobalOptions global;
  CommandOptions command;
  bool operator==(const ParsedCommand&) const = default;
};

// Parses a full argv; argv[0] (the program name) is skipped.
//
// `runbox [global flags] <command> [flags] [arguments]`, as runc reads it:
// - Every flag is accepted as `--name value`, `--name=value`, `-name value`
//   and `-name=value`, and so are one-letter aliases (`-b`, `--b`). Bool
//   flags take `--flag` or `--flag=true|false`, never a separate word.
//   Repeated flags accumulate where runc's are slices (exec --env, --cap,
//   --additional-gids, --cgroup); otherwise the last one wins. `--` ends
//   the flags.
// - Global flags come before the command name. Command flags may also
//   follow the positional arguments (`delete ID --force`), except for exec
//   and ps, whose first positional argument ends their flags so that
//   `exec ID ls -la` passes `-la` to ls.
// - `--help`/`-h` (global or after any command), `help [command]` and a
//   missing command give HelpOptions; `--version`/`-v` gives
//   VersionOptions. Help wins over argument-count errors, as in runc.
// - The internal commands `supervise` and `init` take the rest of argv
//   unparsed.
//
// Errors are InvalidArgument, worded as runc's (Go's flag package and
// runc's checkArgs) and naming the flag or command:
//   flag provided but not defined: --foo
//   flag needs an argument: --bundle
//   invalid value "x" for flag --preserve-fds: not an integer ...
//   "create" requires exactly 1 argument(s)
//   unknown signal "FOO"
//   unknown command "foo" (see runbox --help)
absl::StatusOr<ParsedCommand> ParseArgs(const std::vector<std::string>& argv);

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_PARSE_ARGS_H_
