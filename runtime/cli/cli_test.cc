// The runbox command line driven as a user drives it, on both hosts: spawn
// `runbox --root DIR/state ...` (the built binary on Linux, Main as a
// simulated process on the fake) with stdout and stderr on pipes, and check
// exit codes, output and the --log file.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/cli/fake_runbox.h"
#include "runtime/common/io.h"
#include "runtime/container/container.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/serialize.h"
#include "runtime/spec/validate.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class CliTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }

  // Runs `runbox ARGS...` with nothing else added.
  Output Runbox(Host& host, const std::vector<std::string>& args) {
    return RunRunbox(env(), host, args);
  }

  // Runs `runbox --root DIR/state ARGS...`.
  Output RunboxAt(Host& host, const std::string& dir,
                  const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", absl::StrCat(dir, "/state")};
    full.insert(full.end(), args.begin(), args.end());
    return Runbox(host, full);
  }
};

TEST_P(CliTest, HelpAndVersion) {
  env().Run([&](Host& host, const std::string&) {
    Output help = Runbox(host, {"--help"});
    EXPECT_EQ(help.status, ExitStatus::Exited(0)) << help.Describe();
    EXPECT_THAT(help.out, HasSubstr("create"));
    EXPECT_THAT(help.err, IsEmpty());

    Output command_help = Runbox(host, {"delete", "--help"});
    EXPECT_EQ(command_help.status, ExitStatus::Exited(0));
    EXPECT_THAT(command_help.out, HasSubstr("--force"));

    Output version = Runbox(host, {"--version"});
    EXPECT_EQ(version.status, ExitStatus::Exited(0));
    EXPECT_EQ(version.out, "runbox version 0.1.0\nspec: 1.2.0\n");
  });
}

TEST_P(CliTest, BadCommandLinesExitOne) {
  env().Run([&](Host& host, const std::string&) {
    Output unknown = Runbox(host, {"frobnicate"});
    EXPECT_EQ(unknown.status, ExitStatus::Exited(1));
    EXPECT_EQ(unknown.err,
              "runbox: unknown command \"frobnicate\" (see runbox --help)\n");
    EXPECT_THAT(unknown.out, IsEmpty());

    Output bad_flag = Runbox(host, {"delete", "--frob", "x"});
    EXPECT_EQ(bad_flag.status, ExitStatus::Exited(1));
    EXPECT_THAT(bad_flag.err, HasSubstr("flag provided but not defined"));
  });
}

TEST_P(CliTest, StateOfMissingContainer) {
  env().Run([&](Host& host, const std::string& dir) {
    Output state = RunboxAt(host, dir, {"state", "x"});
    EXPECT_EQ(state.status, ExitStatus::Exited(1)) << state.Describe();
    EXPECT_THAT(state.err, HasSubstr("container \"x\" does not exist"));
    EXPECT_THAT(state.out, IsEmpty());
  });
}

TEST_P(CliTest, DeleteOfMissingContainer) {
  env().Run([&](Host& host, const std::string& dir) {
    // containerd and docker delete again with --force after the container
    // is gone, and need exit code 0.
    Output forced = RunboxAt(host, dir, {"delete", "--force", "x", "y"});
    EXPECT_EQ(forced.status, ExitStatus::Exited(0)) << forced.Describe();

    Output plain = RunboxAt(host, dir, {"delete", "x"});
    EXPECT_EQ(plain.status, ExitStatus::Exited(1)) << plain.Describe();
    EXPECT_THAT(plain.err, HasSubstr("does not exist"));
  });
}

TEST_P(CliTest, ListOfEmptyRoot) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), absl::StrCat(dir, "/state"), 0700));
    Output table = RunboxAt(host, dir, {"list"});
    EXPECT_EQ(table.status, ExitStatus::Exited(0)) << table.Describe();
    // Go's tabwriter with minwidth 12: every column but the last padded.
    EXPECT_EQ(table.out,
              "ID          PID         STATUS      BUNDLE      CREATED     "
              "OWNER\n");

    Output json = RunboxAt(host, dir, {"list", "--format", "json"});
    EXPECT_EQ(json.status, ExitStatus::Exited(0)) << json.Describe();
    EXPECT_EQ(json.out, "null\n");  // runc encodes its nil slice.

    Output quiet = RunboxAt(host, dir, {"list", "-q"});
    EXPECT_EQ(quiet.status, ExitStatus::Exited(0)) << quiet.Describe();
    EXPECT_EQ(quiet.out, "");
  });
}

// The shape containerd's shim reads: the last JSON line of --log.
void ExpectErrorLine(absl::string_view line, absl::string_view message) {
  std::optional<nlohmann::json> record = ParseJson(line);
  ASSERT_TRUE(record.has_value()) << line;
  EXPECT_EQ(record->value("level", ""), "error") << line;
  EXPECT_THAT(record->value("msg", ""), HasSubstr(message)) << line;
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, record->value("time", ""),
                              &time, &error))
      << line << ": " << error;
}

TEST_P(CliTest, JsonLogGetsOneErrorLinePerFailure) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string log = absl::StrCat(dir, "/log.json");
    Output state = RunboxAt(
        host, dir, {"--log", log, "--log-format", "json", "state", "x"});
    EXPECT_EQ(state.status, ExitStatus::Exited(1)) << state.Describe();
    // The error also goes to stderr, for engines that read it there.
    EXPECT_THAT(state.err, HasSubstr("container \"x\" does not exist"));

    // A command line that does not parse still reaches the log (podman's
    // `--log-format=json` spelling).
    Output bad =
        RunboxAt(host, dir,
                 {"--log", log, "--log-format=json", "kill", "x", "NOSUCHSIG"});
    EXPECT_EQ(bad.status, ExitStatus::Exited(1)) << bad.Describe();

    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(host, log));
    std::vector<std::string> lines =
        absl::StrSplit(text, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 2u) << text;
    ExpectErrorLine(lines[0], "container \"x\" does not exist");
    ExpectErrorLine(lines[1], "unknown signal \"NOSUCHSIG\"");
  });
}

TEST_P(CliTest, DebugLogsTheArgv) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string log = absl::StrCat(dir, "/log.json");
    Output features =
        RunboxAt(host, dir,
                 {"--debug", "--log", log, "--log-format", "json", "features"});
    EXPECT_EQ(features.status, ExitStatus::Exited(0)) << features.Describe();
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(host, log));
    std::optional<nlohmann::json> record = ParseJson(text);
    ASSERT_TRUE(record.has_value()) << text;
    EXPECT_EQ(record->value("level", ""), "debug");
    EXPECT_THAT(record->value("msg", ""),
                StartsWith("argv [\"runbox\",\"--root\""));
    EXPECT_THAT(record->value("msg", ""), HasSubstr("\"features\"]"));

    // Without --debug nothing is logged, but the file is created.
    std::string quiet_log = absl::StrCat(dir, "/quiet.json");
    Output quiet = RunboxAt(host, dir, {"--log", quiet_log, "features"});
    EXPECT_EQ(quiet.status, ExitStatus::Exited(0));
    ASSERT_OK_AND_ASSIGN(std::string quiet_text, ReadFile(host, quiet_log));
    EXPECT_EQ(quiet_text, "");
  });
}

TEST_P(CliTest, TextLogFile) {
  env().Run([&](Host& host, const std::string& dir) {
    std::string log = absl::StrCat(dir, "/log.txt");
    Output state = RunboxAt(host, dir, {"--log", log, "state", "x"});
    EXPECT_EQ(state.status, ExitStatus::Exited(1));
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(host, log));
    EXPECT_THAT(text, StartsWith("time=\""));
    EXPECT_THAT(text, HasSubstr(" level=error msg=\"container \\\"x\\\" does "
                                "not exist"));
  });
}

TEST_P(CliTest, SpecWritesAValidConfigOnce) {
  env().Run([&](Host& host, const std::string& dir) {
    for (bool rootless : {false, true}) {
      std::string bundle = absl::StrCat(dir, rootless ? "/rootless" : "/b");
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), bundle, 0755));
      std::vector<std::string> args = {"spec", "--bundle", bundle};
      if (rootless) args.push_back("--rootless");
      Output spec = Runbox(host, args);
      EXPECT_EQ(spec.status, ExitStatus::Exited(0)) << spec.Describe();

      ASSERT_OK_AND_ASSIGN(
          std::string text,
          ReadFile(host, absl::StrCat(bundle, "/config.json")));
      ASSERT_OK_AND_ASSIGN(spec::Config config, spec::ParseConfig(text));
      EXPECT_OK(spec::Validate(config));
      ASSERT_TRUE(config.process.has_value());
      EXPECT_EQ(config.process->args, std::vector<std::string>{"sh"});

      Output again = Runbox(host, args);
      EXPECT_EQ(again.status, ExitStatus::Exited(1)) << again.Describe();
      EXPECT_THAT(again.err,
                  HasSubstr("File config.json exists. Remove it first"));
      // The first file is untouched.
      ASSERT_OK_AND_ASSIGN(
          std::string kept,
          ReadFile(host, absl::StrCat(bundle, "/config.json")));
      EXPECT_EQ(kept, text);
    }
  });
}

TEST_P(CliTest, FeaturesIsJson) {
  env().Run([&](Host& host, const std::string&) {
    Output features = Runbox(host, {"features"});
    EXPECT_EQ(features.status, ExitStatus::Exited(0)) << features.Describe();
    std::optional<nlohmann::json> doc = ParseJson(features.out);
    ASSERT_TRUE(doc.has_value()) << features.out;
    EXPECT_EQ(doc->value("ociVersionMin", ""), "1.0.0");
    EXPECT_EQ(doc->value("ociVersionMax", ""), "1.2.0");
    EXPECT_EQ((*doc)["hooks"].size(), 6u);
    const nlohmann::json& linux_doc = (*doc)["linux"];
    EXPECT_THAT(linux_doc["namespaces"].get<std::vector<std::string>>(),
                Contains("pid"));
    EXPECT_EQ(linux_doc["capabilities"].size(), 41u);
    EXPECT_EQ(linux_doc["cgroup"]["systemd"], false);
    EXPECT_EQ(linux_doc["seccomp"]["enabled"], true);
    EXPECT_EQ(linux_doc["apparmor"]["enabled"], false);
  });
}

TEST_P(CliTest, UnsupportedCommands) {
  env().Run([&](Host& host, const std::string& dir) {
    for (absl::string_view command : {"checkpoint", "restore"}) {
      Output out = RunboxAt(host, dir, {std::string(command), "x"});
      EXPECT_EQ(out.status, ExitStatus::Exited(1)) << out.Describe();
      EXPECT_EQ(out.err,
                absl::StrCat("runbox: ", command, " is not supported yet\n"));
    }
  });
}

// ---------------------------------------------------------------------------
// The lifecycle through the CLI. Skipped while the container layer answers
// Unimplemented.

// A bundle at DIR/bundle: a busybox rootfs and runc's default config with
// `args` and no terminal.
absl::Status MakeBundle(Host& host, const DualHost& env, const std::string& dir,
                        const std::vector<std::string>& args) {
  std::string bundle = absl::StrCat(dir, "/bundle");
  RETURN_IF_ERROR(MakeBusyboxRootfs(host, env.ProgramPath("busybox"),
                                    absl::StrCat(bundle, "/rootfs")));
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = args;
  return WriteFile(host, absl::StrCat(bundle, "/config.json"),
                   spec::SerializeConfig(config));
}

// Why the lifecycle cannot run here, if it cannot.
std::optional<std::string> LifecycleSkipReason(Host& host, bool fake,
                                               const std::string& dir) {
  if (!fake) {
    if (host.GetUid() != 0) return "needs root on Linux";
  }
  // A create that must fail validation (no such bundle) before any side
  // effect: Unimplemented means there is no lifecycle yet.
  RuntimeContext ctx{.host = host, .root = absl::StrCat(dir, "/probe-root")};
  CreateRequest probe;
  probe.id = "probe";
  probe.bundle = absl::StrCat(dir, "/no-such-bundle");
  if (absl::IsUnimplemented(Create(ctx, probe))) {
    return "lifecycle not implemented yet";
  }
  return std::nullopt;
}

TEST_P(CliTest, Lifecycle) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = LifecycleSkipReason(host, IsFake(), dir)) {
      GTEST_SKIP() << *reason;
    }
    ASSERT_OK(MakeBundle(host, env(), dir, {"/bin/sleep", "100000"}));
    std::string bundle = absl::StrCat(dir, "/bundle");
    std::string pid_file = absl::StrCat(dir, "/pid");

    Output create =
        RunboxAt(host, dir,
                 {"create", "--bundle", bundle, "--pid-file", pid_file, "c1"});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    ASSERT_OK_AND_ASSIGN(std::string pid_text, ReadFile(host, pid_file));
    int pid = 0;
    ASSERT_TRUE(absl::SimpleAtoi(pid_text, &pid)) << pid_text;

    Output created = RunboxAt(host, dir, {"state", "c1"});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    std::optional<nlohmann::json> state = ParseJson(created.out);
    ASSERT_TRUE(state.has_value()) << created.out;
    EXPECT_EQ(state->value("status", ""), "created");
    EXPECT_EQ(state->value("pid", 0), pid);
    EXPECT_EQ(state->value("id", ""), "c1");

    Output again = RunboxAt(host, dir, {"create", "--bundle", bundle, "c1"});
    EXPECT_EQ(again.status, ExitStatus::Exited(1));
    EXPECT_THAT(again.err, HasSubstr("c1"));

    Output start = RunboxAt(host, dir, {"start", "c1"});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    state = ParseJson(RunboxAt(host, dir, {"state", "c1"}).out);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->value("status", ""), "running");

    Output list = RunboxAt(host, dir, {"list", "-q"});
    EXPECT_EQ(list.out, "c1\n") << list.Describe();
    Output table = RunboxAt(host, dir, {"list"});
    std::vector<std::string> rows =
        absl::StrSplit(table.out, '\n', absl::SkipEmpty());
    ASSERT_EQ(rows.size(), 2u) << table.Describe();
    EXPECT_THAT(rows[1],
                StartsWith(absl::StrCat("c1", std::string(10, ' '), pid, " ")));
    EXPECT_THAT(rows[1], HasSubstr(" running "));
    Output list_json = RunboxAt(host, dir, {"list", "--format", "json"});
    std::optional<nlohmann::json> listed = ParseJson(list_json.out);
    ASSERT_TRUE(listed.has_value() && listed->is_array()) << list_json.out;
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].value("status", ""), "running");

    Output echo = RunboxAt(host, dir, {"exec", "c1", "/bin/echo", "hi"});
    EXPECT_EQ(echo.status, ExitStatus::Exited(0)) << echo.Describe();
    EXPECT_EQ(echo.out, "hi\n");
    Output exit3 =
        RunboxAt(host, dir, {"exec", "c1", "/bin/sh", "-c", "exit 3"});
    EXPECT_EQ(exit3.status, ExitStatus::Exited(3)) << exit3.Describe();

    Output ps = RunboxAt(host, dir, {"ps", "--format", "json", "c1"});
    EXPECT_EQ(ps.status, ExitStatus::Exited(0)) << ps.Describe();
    std::optional<nlohmann::json> pids = ParseJson(ps.out);
    ASSERT_TRUE(pids.has_value() && pids->is_array()) << ps.out;
    EXPECT_FALSE(pids->empty());

    Output kill = RunboxAt(host, dir, {"kill", "c1", "KILL"});
    EXPECT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = RunboxAt(host, dir, {"wait", "c1"});
    EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "137\n");
    state = ParseJson(RunboxAt(host, dir, {"state", "c1"}).out);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->value("status", ""), "stopped");

    Output del = RunboxAt(host, dir, {"delete", "c1"});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    Output gone = RunboxAt(host, dir, {"state", "c1"});
    EXPECT_EQ(gone.status, ExitStatus::Exited(1));
    EXPECT_THAT(gone.err, HasSubstr("container \"c1\" does not exist"));
    EXPECT_EQ(RunboxAt(host, dir, {"delete", "c1"}).status,
              ExitStatus::Exited(1));
  });
}

TEST_P(CliTest, RunReturnsTheContainersExitCode) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = LifecycleSkipReason(host, IsFake(), dir)) {
      GTEST_SKIP() << *reason;
    }
    ASSERT_OK(
        MakeBundle(host, env(), dir, {"/bin/sh", "-c", "echo out; exit 7"}));
    std::string bundle = absl::StrCat(dir, "/bundle");
    Output run = RunboxAt(host, dir, {"run", "--bundle", bundle, "r1"});
    EXPECT_EQ(run.status, ExitStatus::Exited(7)) << run.Describe();
    EXPECT_EQ(run.out, "out\n");
    // run deletes the container after it exits (no --keep).
    EXPECT_EQ(RunboxAt(host, dir, {"state", "r1"}).status,
              ExitStatus::Exited(1));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(CliTest);

// InstallRunbox, for suites that drive a fake kernel themselves: the
// program writes to the simulated process's own fds 1 and 2.
TEST(InstallRunboxTest, RunsMainAsASimulatedProcess) {
  fake::FakeKernel kernel;
  ASSERT_OK(cli::InstallRunbox(kernel));
  ASSERT_OK_AND_ASSIGN(Pid version,
                       kernel.Start({.path = "/usr/bin/runbox",
                                     .argv = {"runbox", "--version"}}));
  ASSERT_OK_AND_ASSIGN(Pid bad, kernel.Start({.path = "/usr/bin/runbox",
                                              .argv = {"runbox", "nope"}}));
  EXPECT_EQ(kernel.Run(), fake::RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(version), ExitStatus::Exited(0));
  EXPECT_EQ(kernel.StdoutOf(version), "runbox version 0.1.0\nspec: 1.2.0\n");
  EXPECT_EQ(kernel.ExitStatusOf(bad), ExitStatus::Exited(1));
  EXPECT_EQ(kernel.StderrOf(bad),
            "runbox: unknown command \"nope\" (see runbox --help)\n");
  EXPECT_EQ(kernel.StdoutOf(bad), "");
}

}  // namespace
}  // namespace runbox
