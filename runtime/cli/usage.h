// Help and version text of the runbox command line. Generated from the
// command table (command_table.h), so the help lists exactly the commands
// and flags the parser accepts. Pure functions; Main prints the result.
#ifndef RUNBOX_RUNTIME_CLI_USAGE_H_
#define RUNBOX_RUNTIME_CLI_USAGE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/cli/options.h"

namespace runbox::cli {

inline constexpr absl::string_view kRunboxVersion = "0.1.0";
// The OCI runtime-spec version runbox implements (runtime/spec kOciVersion).
inline constexpr absl::string_view kSpecVersion = "1.2.0";

// `runbox --help`: usage, every visible command with its summary, the
// global flags.
std::string ProgramHelp();

// `runbox <command> --help`: usage line, description and flags of one
// command (an alias such as "h" works). InvalidArgument for an unknown one.
absl::StatusOr<std::string> CommandHelp(absl::string_view command);

// The text for a parsed HelpOptions: ProgramHelp() when `command` is empty
// (or unknown), else CommandHelp(command).
std::string HelpText(const HelpOptions& help);

// `runbox --version`: "runbox version 0.1.0\nspec: 1.2.0\n".
std::string VersionText();

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_USAGE_H_
