// Tests for the help and version text: it names every visible command and
// flag the parser accepts, hides the internal ones, and fits 80 columns.
#include "runtime/cli/usage.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/cli/command_table.h"
#include "runtime/cli/flag_spec.h"
#include "runtime/cli/options.h"

namespace runbox::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A help line listing `label` in its left column.
std::string Row(absl::string_view label) {
  return absl::StrCat("\n   ", label, " ");
}

void ExpectFitsWidth(const std::string& text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(line.size(), 80u) << line;
  }
}

TEST(ProgramHelpTest, ListsEveryVisibleCommand) {
  std::string help = ProgramHelp();
  int visible = 0;
  for (const CommandEntry& command : Commands()) {
    if (command.hidden) {
      EXPECT_THAT(help, Not(HasSubstr(Row(command.name)))) << command.name;
      continue;
    }
    ++visible;
    std::string label(command.name);
    if (!command.alias.empty()) absl::StrAppend(&label, ", ", command.alias);
    EXPECT_THAT(help, HasSubstr(Row(label))) << command.name;
    // Summaries fit on their line of the command list.
    EXPECT_THAT(help, HasSubstr(absl::StrCat(command.summary, "\n")))
        << command.name;
  }
  // runc's 17 commands, help, and runbox's wait.
  EXPECT_EQ(visible, 19);
  for (const char* name :
       {"checkpoint", "create", "delete", "events", "exec", "features", "kill",
        "list", "pause", "ps", "restore", "resume", "run", "spec", "start",
        "state", "update", "wait"}) {
    EXPECT_THAT(help, HasSubstr(Row(name))) << name;
  }
}

TEST(ProgramHelpTest, ListsGlobalFlagsButNotHiddenOnes) {
  std::string help = ProgramHelp();
  EXPECT_THAT(help, StartsWith("NAME:\n   runbox - "));
  EXPECT_THAT(help, HasSubstr("GLOBAL OPTIONS:"));
  for (const char* label :
       {"--debug", "--log FILE", "--log-format FORMAT", "--root DIR",
        "--systemd-cgroup", "--rootless MODE", "--help, -h", "--version, -v"}) {
    EXPECT_THAT(help, HasSubstr(Row(label))) << label;
  }
  EXPECT_THAT(help, Not(HasSubstr("--criu")));
  EXPECT_THAT(help, HasSubstr(kRunboxVersion));
  ExpectFitsWidth(help);
}

TEST(CommandHelpTest, EveryCommandListsItsFlags) {
  for (const CommandEntry& command : Commands()) {
    ASSERT_OK_AND_ASSIGN(std::string help, CommandHelp(command.name));
    EXPECT_THAT(help, HasSubstr(absl::StrCat("runbox ", command.name)));
    ExpectFitsWidth(help);
    if (command.hidden) continue;
    EXPECT_THAT(help, HasSubstr(Row("--help, -h")));
    EXPECT_THAT(help, HasSubstr(command.args_usage));
    for (const FlagInfo& flag : command.flags) {
      std::string value = flag.arity == FlagArity::kValue
                              ? absl::StrCat(" ", flag.placeholder)
                              : "";
      std::string label = absl::StrCat("--", flag.name, value);
      if (!flag.alias.empty()) {
        absl::StrAppend(&label, ", -", flag.alias, value);
      }
      EXPECT_THAT(help, HasSubstr(Row(label)))
          << command.name << " " << flag.name;
    }
  }
}

TEST(CommandHelpTest, CreateInDetail) {
  ASSERT_OK_AND_ASSIGN(std::string help, CommandHelp("create"));
  EXPECT_THAT(help, StartsWith("NAME:\n   runbox create - create a container"));
  EXPECT_THAT(help,
              HasSubstr("runbox create [command options] <container-id>\n"));
  EXPECT_THAT(help, HasSubstr(Row("--bundle DIR, -b DIR")));
  EXPECT_THAT(help, HasSubstr(Row("--preserve-fds N")));
  EXPECT_THAT(help, HasSubstr(Row("--no-pivot")));
}

TEST(CommandHelpTest, AliasAndUnknown) {
  ASSERT_OK_AND_ASSIGN(std::string by_alias, CommandHelp("h"));
  ASSERT_OK_AND_ASSIGN(std::string by_name, CommandHelp("help"));
  EXPECT_EQ(by_alias, by_name);
  EXPECT_THAT(CommandHelp("nope"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HelpTextTest, ProgramOrCommand) {
  EXPECT_EQ(HelpText(HelpOptions{}), ProgramHelp());
  ASSERT_OK_AND_ASSIGN(std::string kill, CommandHelp("kill"));
  EXPECT_EQ(HelpText(HelpOptions{"kill"}), kill);
  EXPECT_EQ(HelpText(HelpOptions{"nope"}), ProgramHelp());
}

TEST(VersionTextTest, NamesVersionAndSpec) {
  EXPECT_EQ(VersionText(), absl::StrCat("runbox version ", kRunboxVersion,
                                        "\nspec: ", kSpecVersion, "\n"));
}

}  // namespace
}  // namespace runbox::cli
