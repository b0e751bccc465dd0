// docs/cli.md against the command table: every command and every flag the
// parser accepts is documented in its command's section, and every flag a
// section documents is one that command accepts.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "runtime/cli/command_table.h"
#include "runtime/testing/cli_runner.h"

namespace runbox::cli {
namespace {

// The doc's sections by heading line ("## Global options", "### create
// `<container-id>`"), each with its text.
std::map<std::string, std::string> Sections(const std::string& doc) {
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  for (absl::string_view line : absl::StrSplit(doc, '\n')) {
    if (absl::StartsWith(line, "## ") || absl::StartsWith(line, "### ")) {
      current = &sections[std::string(line)];
      continue;
    }
    if (current != nullptr) absl::StrAppend(current, line, "\n");
  }
  return sections;
}

// The section whose heading names `command` ("### create `..."), or "".
std::string SectionOf(const std::map<std::string, std::string>& sections,
                      absl::string_view command) {
  for (const auto& [heading, text] : sections) {
    if (!absl::StartsWith(heading, "### ")) continue;
    std::vector<std::string> words = absl::StrSplit(
        heading.substr(4), absl::ByAnyChar(" ,`"), absl::SkipEmpty());
    for (const std::string& word : words) {
      if (word == command) return text;
    }
  }
  return "";
}

// The long flags a section's tables document: "| `--name ..." rows.
std::set<std::string> TableFlags(const std::string& section) {
  std::set<std::string> flags;
  for (absl::string_view line : absl::StrSplit(section, '\n')) {
    if (!absl::StartsWith(line, "| `--")) continue;
    absl::string_view rest = line.substr(5);
    size_t end = rest.find_first_of(" `=");
    flags.insert(std::string(rest.substr(0, end)));
  }
  return flags;
}

class CliDocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LinuxHost host;
    absl::StatusOr<std::string> doc =
        ReadFile(host, RunfilePath("docs/cli.md"));
    ASSERT_TRUE(doc.ok()) << doc.status();
    sections_ = Sections(*doc);
  }
  std::map<std::string, std::string> sections_;
};

TEST_F(CliDocTest, EveryCommandHasASection) {
  for (const CommandEntry& command : Commands()) {
    if (command.hidden) {
      EXPECT_THAT(SectionOf(sections_, "Internal"),
                  ::testing::HasSubstr(absl::StrCat("`", command.name, "`")))
          << command.name;
      continue;
    }
    EXPECT_NE(SectionOf(sections_, command.name), "") << command.name;
  }
}

TEST_F(CliDocTest, EveryFlagIsDocumentedInItsCommandsSection) {
  const std::string create = SectionOf(sections_, "create");
  for (const CommandEntry& command : Commands()) {
    if (command.hidden) continue;
    std::string section = SectionOf(sections_, command.name);
    // run takes every create option and documents only its own.
    if (command.name == "run") section += create;
    for (const FlagInfo& flag : command.flags) {
      EXPECT_THAT(section, ::testing::HasSubstr(absl::StrCat("`--", flag.name)))
          << command.name << " --" << flag.name;
    }
  }
  const std::string& global = sections_["## Global options"];
  for (const FlagInfo& flag : GlobalFlags()) {
    EXPECT_THAT(global, ::testing::HasSubstr(absl::StrCat("`--", flag.name)))
        << "--" << flag.name;
  }
}

TEST_F(CliDocTest, EveryDocumentedFlagIsAccepted) {
  for (const CommandEntry& command : Commands()) {
    if (command.hidden) continue;
    std::set<std::string> accepted;
    for (const FlagInfo& flag : command.flags) {
      accepted.insert(std::string(flag.name));
    }
    for (const std::string& flag :
         TableFlags(SectionOf(sections_, command.name))) {
      if (command.name == "resume") continue;  // Shares pause's section.
      EXPECT_TRUE(accepted.count(flag)) << command.name << " --" << flag;
    }
  }
  std::set<std::string> global;
  for (const FlagInfo& flag : GlobalFlags()) {
    global.insert(std::string(flag.name));
  }
  for (const std::string& flag : TableFlags(sections_["## Global options"])) {
    EXPECT_TRUE(global.count(flag)) << "--" << flag;
  }
}

}  // namespace
}  // namespace runbox::cli
