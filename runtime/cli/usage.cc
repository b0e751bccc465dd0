// Renders the command table as help text, in the layout urfave/cli gives
// runc (NAME / USAGE / COMMANDS / OPTIONS sections, aligned columns), with
// usage text wrapped at 80 columns.
#include "runtime/cli/usage.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "runtime/cli/command_table.h"
#include "runtime/cli/flag_spec.h"

namespace runbox::cli {
namespace {

constexpr size_t kWidth = 80;
constexpr absl::string_view kIndent = "   ";

// Appends `text` word-wrapped so no line passes kWidth (unless one word is
// longer), continuation lines starting at column `column`. The first line
// continues the current one, which is assumed to end at `column`.
void AppendWrapped(std::string& out, absl::string_view text, size_t column) {
  size_t at = column;
  bool first = true;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!first && at + 1 + word.size() > kWidth) {
      absl::StrAppend(&out, "\n", std::string(column, ' '));
      at = column;
      first = true;
    }
    if (!first) {
      out += ' ';
      ++at;
    }
    absl::StrAppend(&out, word);
    at += word.size();
    first = false;
  }
  out += '\n';
}

// Two aligned columns: a label and its wrapped text.
void AppendTable(std::string& out,
                 const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t label_width = 0;
  for (const auto& row : rows) {
    label_width = std::max(label_width, row.first.size());
  }
  const size_t column = kIndent.size() + label_width + 2;
  for (const auto& [label, text] : rows) {
    absl::StrAppend(&out, kIndent, label,
                    std::string(label_width + 2 - label.size(), ' '));
    AppendWrapped(out, text, column);
  }
}

// "--bundle DIR, -b DIR" or "--detach, -d".
std::string FlagLabel(const FlagInfo& flag) {
  std::string value = flag.arity == FlagArity::kValue
                          ? absl::StrCat(" ", flag.placeholder)
                          : "";
  std::string label = absl::StrCat("--", flag.name, value);
  if (!flag.alias.empty()) absl::StrAppend(&label, ", -", flag.alias, value);
  return label;
}

void AppendFlags(std::string& out, absl::string_view title,
                 absl::Span<const FlagInfo> flags, bool with_help) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagInfo& flag : flags) {
    if (flag.hidden) continue;
    rows.emplace_back(FlagLabel(flag), std::string(flag.usage));
  }
  if (with_help) rows.emplace_back("--help, -h", "show help");
  absl::StrAppend(&out, title, ":\n");
  AppendTable(out, rows);
}

std::string CommandHelpFor(const CommandEntry& entry) {
  std::string out = absl::StrCat("NAME:\n", kIndent);
  AppendWrapped(out, absl::StrCat("runbox ", entry.name, " - ", entry.summary),
                kIndent.size());
  absl::StrAppend(&out, "\nUSAGE:\n", kIndent, "runbox ", entry.name);
  if (entry.hidden) {
    absl::StrAppend(&out, " ", entry.args_usage, "\n");
    return out;
  }
  absl::StrAppend(&out, " [command options]");
  if (!entry.args_usage.empty()) absl::StrAppend(&out, " ", entry.args_usage);
  out += '\n';
  if (!entry.alias.empty()) {
    absl::StrAppend(&out, "\nALIASES:\n", kIndent, entry.alias, "\n");
  }
  if (!entry.description.empty()) {
    absl::StrAppend(&out, "\nDESCRIPTION:\n", kIndent);
    AppendWrapped(out, entry.description, kIndent.size());
  }
  out += '\n';
  AppendFlags(out, "OPTIONS", entry.flags, /*with_help=*/true);
  return out;
}

}  // namespace

std::string ProgramHelp() {
  std::string out = absl::StrCat(
      "NAME:\n", kIndent, "runbox - Open Container Initiative runtime\n\n",
      "USAGE:\n", kIndent,
      "runbox [global options] command [command options] [arguments...]\n\n",
      "VERSION:\n", kIndent, kRunboxVersion, "\n", kIndent,
      "spec: ", kSpecVersion, "\n\nDESCRIPTION:\n", kIndent);
  AppendWrapped(
      out,
      "runbox runs containers from Open Container Initiative bundles: a "
      "directory holding config.json and a root file system. Its command "
      "line is runc's, so containerd, podman and dockerd drive it "
      "unchanged. To start a container: runbox run [-b bundle] "
      "<container-id>",
      kIndent.size());
  std::vector<std::pair<std::string, std::string>> rows;
  for (const CommandEntry& entry : Commands()) {
    if (entry.hidden) continue;
    std::string label(entry.name);
    if (!entry.alias.empty()) absl::StrAppend(&label, ", ", entry.alias);
    rows.emplace_back(std::move(label), std::string(entry.summary));
  }
  absl::StrAppend(&out, "\nCOMMANDS:\n");
  AppendTable(out, rows);
  out += '\n';
  // GlobalFlags() ends with --help and --version.
  AppendFlags(out, "GLOBAL OPTIONS", GlobalFlags(), /*with_help=*/false);
  return out;
}

absl::StatusOr<std::string> CommandHelp(absl::string_view command) {
  const CommandEntry* entry = FindCommand(command);
  if (entry == nullptr) return UnknownCommandError(command);
  return CommandHelpFor(*entry);
}

std::string HelpText(const HelpOptions& help) {
  if (help.command.empty()) return ProgramHelp();
  absl::StatusOr<std::string> text = CommandHelp(help.command);
  return text.ok() ? *std::move(text) : ProgramHelp();
}

std::string VersionText() {
  return absl::StrCat("runbox version ", kRunboxVersion,
                      "\nspec: ", kSpecVersion, "\n");
}

}  // namespace runbox::cli
