// Tests for ParseArgs: the exact command lines podman, containerd and
// dockerd were recorded passing to runc, every flag of every command in each
// spelling Go accepts, argument order, help and version, and the errors.
#include "runtime/cli/parse_args.h"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "hostapi/types.h"
#include "runtime/cli/command_table.h"
#include "runtime/cli/options.h"

namespace runbox::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::StatusOr<ParsedCommand> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "runbox");
  return ParseArgs(args);
}

std::string ErrorOf(std::vector<std::string> args) {
  absl::StatusOr<ParsedCommand> parsed = Parse(args);
  if (parsed.ok()) return "(parsed OK)";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

// Parses and returns the command's options; fails the test if parsing
// fails or gives another command.
template <typename T>
T ParseAs(std::vector<std::string> args) {
  absl::StatusOr<ParsedCommand> parsed = Parse(args);
  EXPECT_TRUE(parsed.ok()) << absl::StrJoin(args, " ") << ": "
                           << parsed.status();
  if (!parsed.ok()) return T{};
  const T* opts = std::get_if<T>(&parsed->command);
  EXPECT_NE(opts, nullptr) << absl::StrJoin(args, " ")
                           << ": parsed as another command";
  return opts == nullptr ? T{} : *opts;
}

GlobalOptions GlobalsOf(std::vector<std::string> args) {
  absl::StatusOr<ParsedCommand> parsed = Parse(args);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? parsed->global : GlobalOptions{};
}

// ---- The engines' recorded command lines ----

// containerd-shim-runc-v2 and dockerd start every call like this.
const std::vector<std::string> kShimPrefix = {
    "--root",
    "/run/containerd/runc/default",
    "--log",
    "/run/containerd/io.containerd.runtime.v2.task/default/web/log.json",
    "--log-format",
    "json"};

std::vector<std::string> Shim(std::vector<std::string> rest) {
  std::vector<std::string> args = kShimPrefix;
  args.insert(args.end(), rest.begin(), rest.end());
  return args;
}

TEST(EngineArgvTest, ContainerdCreate) {
  std::vector<std::string> args = Shim(
      {"create", "--bundle", "/run/task/web", "--pid-file",
       "/run/task/web/init.pid", "--console-socket", "/tmp/pty.sock", "web"});
  GlobalOptions g = GlobalsOf(args);
  EXPECT_EQ(g.root, "/run/containerd/runc/default");
  EXPECT_EQ(g.log,
            "/run/containerd/io.containerd.runtime.v2.task/default/web/"
            "log.json");
  EXPECT_EQ(g.log_format, LogFormat::kJson);
  CreateOptions c = ParseAs<CreateOptions>(args);
  EXPECT_EQ(c.id, "web");
  EXPECT_EQ(c.bundle, "/run/task/web");
  EXPECT_EQ(c.pid_file, "/run/task/web/init.pid");
  EXPECT_EQ(c.console_socket, "/tmp/pty.sock");
  EXPECT_EQ(c.preserve_fds, 0);
  EXPECT_FALSE(c.no_pivot);
}

TEST(EngineArgvTest, PodmanCreateWithLogFormatEquals) {
  // podman: `--log-format=json` with `=`, `--log FILE` as two words, and
  // never --root.
  std::vector<std::string> args = {"--log-format=json",
                                   "--log",
                                   "/var/lib/containers/ctr/oci-log",
                                   "create",
                                   "--bundle",
                                   "/var/lib/containers/ctr/userdata",
                                   "--pid-file",
                                   "/run/containers/ctr/pidfile",
                                   "ctr"};
  GlobalOptions g = GlobalsOf(args);
  EXPECT_EQ(g.root, "/run/runbox");
  EXPECT_EQ(g.log, "/var/lib/containers/ctr/oci-log");
  EXPECT_EQ(g.log_format, LogFormat::kJson);
  CreateOptions c = ParseAs<CreateOptions>(args);
  EXPECT_EQ(c.id, "ctr");
  EXPECT_EQ(c.bundle, "/var/lib/containers/ctr/userdata");
  EXPECT_EQ(c.pid_file, "/run/containers/ctr/pidfile");
}

TEST(EngineArgvTest, StartStatePauseResume) {
  EXPECT_EQ(ParseAs<StartOptions>(Shim({"start", "web"})).id, "web");
  EXPECT_EQ(ParseAs<StateOptions>({"state", "web"}).id, "web");
  EXPECT_EQ(ParseAs<PauseOptions>(Shim({"pause", "web"})).id, "web");
  EXPECT_EQ(ParseAs<ResumeOptions>(Shim({"resume", "web"})).id, "web");
}

TEST(EngineArgvTest, KillWithSignalNumbers) {
  KillOptions term = ParseAs<KillOptions>(Shim({"kill", "web", "15"}));
  EXPECT_EQ(term.id, "web");
  EXPECT_EQ(term.signal, Signal::kTerm);
  EXPECT_FALSE(term.all);
  EXPECT_EQ(ParseAs<KillOptions>(Shim({"kill", "web", "9"})).signal,
            Signal::kKill);
  KillOptions all = ParseAs<KillOptions>(Shim({"kill", "--all", "web", "9"}));
  EXPECT_TRUE(all.all);
  EXPECT_EQ(all.signal, Signal::kKill);
}

TEST(EngineArgvTest, DeleteThenDeleteForce) {
  EXPECT_THAT(ParseAs<DeleteOptions>(Shim({"delete", "web"})).ids,
              ElementsAre("web"));
  DeleteOptions d = ParseAs<DeleteOptions>(Shim({"delete", "--force", "web"}));
  EXPECT_THAT(d.ids, ElementsAre("web"));
  EXPECT_TRUE(d.force);
}

TEST(EngineArgvTest, ContainerdExec) {
  ExecOptions e = ParseAs<ExecOptions>(
      Shim({"exec", "--process", "/tmp/runc-process123", "--detach",
            "--pid-file", "/run/task/web/exec1.pid", "web"}));
  EXPECT_EQ(e.id, "web");
  EXPECT_EQ(e.process, "/tmp/runc-process123");
  EXPECT_TRUE(e.detach);
  EXPECT_EQ(e.pid_file, "/run/task/web/exec1.pid");
  EXPECT_THAT(e.command, IsEmpty());
}

TEST(EngineArgvTest, PodmanExecPidFileFirst) {
  ExecOptions e = ParseAs<ExecOptions>(
      {"--log-format=json", "--log", "/x/oci-log", "exec", "--pid-file",
       "/x/exec_pid", "--process", "/x/exec-process-1", "--detach", "ctr"});
  EXPECT_EQ(e.id, "ctr");
  EXPECT_EQ(e.process, "/x/exec-process-1");
  EXPECT_EQ(e.pid_file, "/x/exec_pid");
  EXPECT_TRUE(e.detach);
}

TEST(EngineArgvTest, InteractiveExec) {
  ExecOptions e = ParseAs<ExecOptions>(
      {"exec", "--tty", "--console-socket", "/x/sock", "--process", "/x/p",
       "--detach", "--pid-file", "/x/pid", "ctr"});
  EXPECT_TRUE(e.tty);
  EXPECT_EQ(e.console_socket, "/x/sock");
}

TEST(EngineArgvTest, PsFormatJson) {
  PsOptions p = ParseAs<PsOptions>(Shim({"ps", "--format", "json", "web"}));
  EXPECT_EQ(p.id, "web");
  EXPECT_EQ(p.format, OutputFormat::kJson);
  EXPECT_THAT(p.ps_args, IsEmpty());
}

TEST(EngineArgvTest, OtherConfigurations) {
  EXPECT_TRUE(GlobalsOf({"--systemd-cgroup", "state", "x"}).systemd_cgroup);
  UpdateOptions u = ParseAs<UpdateOptions>({"update", "--resources", "-", "x"});
  EXPECT_EQ(u.resources, "-");
  EXPECT_EQ(u.id, "x");
  EventsOptions ev = ParseAs<EventsOptions>({"events", "--stats", "x"});
  EXPECT_TRUE(ev.stats);
  EXPECT_EQ(ev.interval, absl::Seconds(5));
  ParseAs<FeaturesOptions>(Shim({"features"}));
  CreateOptions c =
      ParseAs<CreateOptions>({"create", "--bundle", "b", "--preserve-fds", "2",
                              "--no-new-keyring", "x"});
  EXPECT_EQ(c.preserve_fds, 2);
  EXPECT_TRUE(c.no_new_keyring);
}

// ---- Every flag, every spelling ----

// Positional arguments that make each command valid.
const std::map<std::string, std::vector<std::string>>& PositionalsFor() {
  static const auto* m = new std::map<std::string, std::vector<std::string>>{
      {"checkpoint", {"id"}}, {"create", {"id"}},     {"delete", {"id"}},
      {"events", {"id"}},     {"exec", {"id", "sh"}}, {"features", {}},
      {"help", {}},           {"kill", {"id"}},       {"list", {}},
      {"pause", {"id"}},      {"ps", {"id"}},         {"restore", {"id"}},
      {"resume", {"id"}},     {"run", {"id"}},        {"spec", {}},
      {"start", {"id"}},      {"state", {"id"}},      {"update", {"id"}},
      {"wait", {"id"}},
  };
  return *m;
}

// A valid value, different from the default, for each value flag.
std::string SampleValue(absl::string_view flag) {
  static const auto* m = new std::map<std::string, std::string, std::less<>>{
      {"additional-gids", "7"},
      {"blkio-weight", "500"},
      {"cpu-burst", "1000"},
      {"cpu-period", "100000"},
      {"cpu-quota", "-1"},
      {"cpu-rt-period", "1000"},
      {"cpu-rt-runtime", "950"},
      {"cpu-share", "512"},
      {"format", "json"},
      {"interval", "2s"},
      {"kernel-memory", "1g"},
      {"kernel-memory-tcp", "64m"},
      {"log-format", "json"},
      {"memory", "32m"},
      {"memory-reservation", "16m"},
      {"memory-swap", "-1"},
      {"pids-limit", "100"},
      {"preserve-fds", "2"},
      {"rootless", "true"},
      {"status-fd", "3"},
      {"user", "1000:100"},
  };
  auto it = m->find(flag);
  return it == m->end() ? "/some/value" : it->second;
}

// The four spellings Go accepts for `name`: two for the flag and value in
// one word, two with the value as the next word (for bool flags, the flag
// alone).
std::vector<std::vector<std::string>> Spellings(const FlagInfo& flag,
                                                absl::string_view name) {
  std::vector<std::vector<std::string>> out;
  for (absl::string_view dashes : {"--", "-"}) {
    std::string f = absl::StrCat(dashes, name);
    if (flag.arity == FlagArity::kBool) {
      out.push_back({f});
      out.push_back({absl::StrCat(f, "=true")});
    } else {
      std::string v = SampleValue(flag.name);
      out.push_back({f, v});
      out.push_back({absl::StrCat(f, "=", v)});
    }
  }
  return out;
}

TEST(EveryFlagTest, AllSpellingsOfEveryCommandFlagAgree) {
  int checked = 0;
  for (const CommandEntry& command : Commands()) {
    if (command.hidden) continue;
    auto pos = PositionalsFor().find(std::string(command.name));
    ASSERT_NE(pos, PositionalsFor().end())
        << "add \"" << command.name << "\" to PositionalsFor()";
    std::vector<std::string> base = {std::string(command.name)};
    base.insert(base.end(), pos->second.begin(), pos->second.end());
    ASSERT_OK_AND_ASSIGN(ParsedCommand without, Parse(base));

    for (const FlagInfo& flag : command.flags) {
      std::vector<absl::string_view> names = {flag.name};
      if (!flag.alias.empty()) names.push_back(flag.alias);
      std::optional<ParsedCommand> first;
      for (absl::string_view name : names) {
        for (const std::vector<std::string>& spelling : Spellings(flag, name)) {
          // Flags before the arguments: every command takes these.
          std::vector<std::string> args = {std::string(command.name)};
          args.insert(args.end(), spelling.begin(), spelling.end());
          args.insert(args.end(), pos->second.begin(), pos->second.end());
          SCOPED_TRACE(absl::StrJoin(args, " "));
          ASSERT_OK_AND_ASSIGN(ParsedCommand parsed, Parse(args));
          EXPECT_NE(parsed, without) << "the flag changed nothing";
          if (!first.has_value()) first = parsed;
          EXPECT_EQ(parsed, *first);
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 4 * 100);
}

TEST(EveryFlagTest, FlagsAfterArgumentsExceptExecAndPs) {
  // urfave/cli v1 reorders flags written after the arguments.
  for (const CommandEntry& command : Commands()) {
    if (command.hidden || command.name == "exec" || command.name == "ps") {
      continue;
    }
    const std::vector<std::string>& pos =
        PositionalsFor().at(std::string(command.name));
    if (pos.empty()) continue;
    for (const FlagInfo& flag : command.flags) {
      std::vector<std::string> spelling = Spellings(flag, flag.name)[0];
      std::vector<std::string> before = {std::string(command.name)};
      before.insert(before.end(), spelling.begin(), spelling.end());
      before.insert(before.end(), pos.begin(), pos.end());
      std::vector<std::string> after = {std::string(command.name)};
      after.insert(after.end(), pos.begin(), pos.end());
      after.insert(after.end(), spelling.begin(), spelling.end());
      SCOPED_TRACE(absl::StrJoin(after, " "));
      ASSERT_OK_AND_ASSIGN(ParsedCommand b, Parse(before));
      ASSERT_OK_AND_ASSIGN(ParsedCommand a, Parse(after));
      EXPECT_EQ(a, b);
    }
  }
}

TEST(EveryFlagTest, AllSpellingsOfEveryGlobalFlagAgree) {
  ASSERT_OK_AND_ASSIGN(ParsedCommand without, Parse({"list"}));
  int checked = 0;
  for (const FlagInfo& flag : GlobalFlags()) {
    if (flag.name == "help" || flag.name == "version") continue;
    std::vector<absl::string_view> names = {flag.name};
    if (!flag.alias.empty()) names.push_back(flag.alias);
    std::optional<ParsedCommand> first;
    for (absl::string_view name : names) {
      for (std::vector<std::string> args : Spellings(flag, name)) {
        args.push_back("list");
        SCOPED_TRACE(absl::StrJoin(args, " "));
        ASSERT_OK_AND_ASSIGN(ParsedCommand parsed, Parse(args));
        EXPECT_NE(parsed, without);
        if (!first.has_value()) first = parsed;
        EXPECT_EQ(parsed, *first);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 4 * 7);
}

// ---- Values landing in the right fields ----

TEST(GlobalFlagsTest, Defaults) {
  GlobalOptions g = GlobalsOf({"list"});
  EXPECT_EQ(g, GlobalOptions{});
  EXPECT_EQ(g.root, "/run/runbox");
  EXPECT_EQ(g.log_format, LogFormat::kText);
  EXPECT_EQ(g.rootless, RootlessMode::kAuto);
}

TEST(GlobalFlagsTest, AllSet) {
  GlobalOptions g =
      GlobalsOf({"-root", "/r", "-log=/l", "--debug", "--systemd-cgroup",
                 "--rootless=false", "--criu", "/usr/sbin/criu", "--log-format",
                 "text", "list"});
  EXPECT_EQ(g.root, "/r");
  EXPECT_EQ(g.log, "/l");
  EXPECT_TRUE(g.debug);
  EXPECT_TRUE(g.systemd_cgroup);
  EXPECT_EQ(g.rootless, RootlessMode::kFalse);
  EXPECT_EQ(g.criu, "/usr/sbin/criu");
  EXPECT_EQ(g.log_format, LogFormat::kText);
}

TEST(GlobalFlagsTest, DoubleDashBeforeTheCommand) {
  EXPECT_EQ(ParseAs<StateOptions>({"--debug", "--", "state", "x"}).id, "x");
}

TEST(CreateRunTest, Fields) {
  CreateOptions c = ParseAs<CreateOptions>(
      {"create", "-b", "/b", "--no-pivot", "-preserve-fds=3", "id"});
  EXPECT_EQ(c.bundle, "/b");
  EXPECT_TRUE(c.no_pivot);
  EXPECT_EQ(c.preserve_fds, 3);
  EXPECT_EQ(ParseAs<CreateOptions>({"create", "id"}).bundle, ".");

  RunOptions r = ParseAs<RunOptions>({"run", "-d", "--keep", "--pid-file", "p",
                                      "-b", "/b", "--no-subreaper", "id"});
  EXPECT_EQ(r.id, "id");
  EXPECT_TRUE(r.detach);
  EXPECT_TRUE(r.keep);
  EXPECT_TRUE(r.no_subreaper);
  EXPECT_EQ(r.pid_file, "p");
  EXPECT_EQ(r.bundle, "/b");
}

TEST(CreateRunTest, LastValueWins) {
  EXPECT_EQ(
      ParseAs<CreateOptions>({"create", "-b", "x", "--bundle=y", "id"}).bundle,
      "y");
}

TEST(CreateRunTest, BoolValues) {
  EXPECT_FALSE(ParseAs<RunOptions>({"run", "--detach=false", "id"}).detach);
  EXPECT_FALSE(ParseAs<RunOptions>({"run", "-d", "-d=0", "id"}).detach);
  EXPECT_TRUE(ParseAs<RunOptions>({"run", "--detach=True", "id"}).detach);
}

TEST(CreateRunTest, ValueFlagTakesADashWord) {
  EXPECT_EQ(
      ParseAs<CreateOptions>({"create", "--pid-file", "-", "id"}).pid_file,
      "-");
}

TEST(CreateRunTest, DoubleDashAllowsADashId) {
  EXPECT_EQ(ParseAs<CreateOptions>({"create", "-b", "b", "--", "-x"}).id, "-x");
}

TEST(KillTest, SignalsByNameAndNumber) {
  EXPECT_EQ(ParseAs<KillOptions>({"kill", "x"}).signal, std::nullopt);
  EXPECT_EQ(ParseAs<KillOptions>({"kill", "x", "KILL"}).signal, Signal::kKill);
  EXPECT_EQ(ParseAs<KillOptions>({"kill", "x", "SIGHUP"}).signal, Signal::kHup);
  EXPECT_EQ(ParseAs<KillOptions>({"kill", "x", "sigusr1"}).signal,
            Signal::kUsr1);
  EXPECT_EQ(ParseAs<KillOptions>({"kill", "x", "34"}).signal,
            static_cast<Signal>(34));
}

TEST(KillTest, AllAfterArguments) {
  // `runc kill ID 9 --all` works through urfave/cli's reordering.
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"kill", "x", "9", "--all"},
                                             {"kill", "x", "-a", "9"},
                                             {"kill", "-a=true", "x", "9"}}) {
    KillOptions k = ParseAs<KillOptions>(args);
    EXPECT_TRUE(k.all) << absl::StrJoin(args, " ");
    EXPECT_EQ(k.id, "x");
    EXPECT_EQ(k.signal, Signal::kKill);
  }
}

TEST(DeleteTest, SeveralIdsAndForceAnywhere) {
  DeleteOptions d = ParseAs<DeleteOptions>({"delete", "a", "b", "-f", "c"});
  EXPECT_THAT(d.ids, ElementsAre("a", "b", "c"));
  EXPECT_TRUE(d.force);
  EXPECT_FALSE(ParseAs<DeleteOptions>({"delete", "a"}).force);
}

TEST(ListTest, FormatAndQuiet) {
  ListOptions l = ParseAs<ListOptions>({"list"});
  EXPECT_EQ(l.format, OutputFormat::kTable);
  EXPECT_FALSE(l.quiet);
  l = ParseAs<ListOptions>({"list", "-f", "json", "-q"});
  EXPECT_EQ(l.format, OutputFormat::kJson);
  EXPECT_TRUE(l.quiet);
}

TEST(PsTest, PsArgumentsPassThrough) {
  PsOptions p = ParseAs<PsOptions>({"ps", "x", "-ef"});
  EXPECT_EQ(p.id, "x");
  EXPECT_THAT(p.ps_args, ElementsAre("-ef"));
  // A --format after the ID belongs to ps(1), as in runc.
  p = ParseAs<PsOptions>(
      {"ps", "-f", "table", "x", "-o", "pid", "--format", "json"});
  EXPECT_EQ(p.format, OutputFormat::kTable);
  EXPECT_THAT(p.ps_args, ElementsAre("-o", "pid", "--format", "json"));
  EXPECT_THAT(ParseAs<PsOptions>({"ps", "x", "--", "aux"}).ps_args,
              ElementsAre("aux"));
}

TEST(ExecTest, CommandKeepsItsOwnFlags) {
  ExecOptions e = ParseAs<ExecOptions>({"exec", "-t", "x", "ls", "-la"});
  EXPECT_EQ(e.id, "x");
  EXPECT_TRUE(e.tty);
  EXPECT_THAT(e.command, ElementsAre("ls", "-la"));
  EXPECT_TRUE(e.process.empty());
  // After the ID everything is the command, even runbox's flag names.
  EXPECT_THAT(ParseAs<ExecOptions>({"exec", "x", "--tty", "sh"}).command,
              ElementsAre("--tty", "sh"));
  EXPECT_THAT(
      ParseAs<ExecOptions>({"exec", "x", "--", "ls", "--", "-l"}).command,
      ElementsAre("ls", "--", "-l"));
  EXPECT_THAT(ParseAs<ExecOptions>({"exec", "--", "x", "ls"}).command,
              ElementsAre("ls"));
}

TEST(ExecTest, AllFlags) {
  ExecOptions e = ParseAs<ExecOptions>({"exec",
                                        "--console-socket",
                                        "/s",
                                        "--cwd",
                                        "/w",
                                        "-e",
                                        "A=1",
                                        "--env=B=2",
                                        "-env",
                                        "C=3",
                                        "-t",
                                        "-u",
                                        "1000:100",
                                        "-g",
                                        "10",
                                        "--additional-gids=0x14",
                                        "-d",
                                        "--pid-file",
                                        "/p",
                                        "--process-label",
                                        "system_u:r",
                                        "--apparmor",
                                        "prof",
                                        "--no-new-privs",
                                        "-c",
                                        "CAP_NET_ADMIN",
                                        "--cap",
                                        "CAP_SYS_TIME",
                                        "--preserve-fds",
                                        "1",
                                        "--cgroup",
                                        "cpu:/a",
                                        "--cgroup=memory:/b",
                                        "--ignore-paused",
                                        "x",
                                        "true"});
  EXPECT_EQ(e.console_socket, "/s");
  EXPECT_EQ(e.cwd, "/w");
  EXPECT_THAT(e.env, ElementsAre("A=1", "B=2", "C=3"));
  EXPECT_TRUE(e.tty);
  EXPECT_EQ(e.user, (ExecUser{1000, 100}));
  EXPECT_THAT(e.additional_gids, ElementsAre(10u, 20u));
  EXPECT_TRUE(e.detach);
  EXPECT_EQ(e.pid_file, "/p");
  EXPECT_EQ(e.process_label, "system_u:r");
  EXPECT_EQ(e.apparmor, "prof");
  EXPECT_EQ(e.no_new_privs, true);
  EXPECT_THAT(e.caps, ElementsAre("CAP_NET_ADMIN", "CAP_SYS_TIME"));
  EXPECT_EQ(e.preserve_fds, 1);
  EXPECT_THAT(e.cgroups, ElementsAre("cpu:/a", "memory:/b"));
  EXPECT_TRUE(e.ignore_paused);
  EXPECT_THAT(e.command, ElementsAre("true"));
}

TEST(ExecTest, NoNewPrivsUnsetOrExplicitlyFalse) {
  EXPECT_EQ(ParseAs<ExecOptions>({"exec", "x", "sh"}).no_new_privs,
            std::nullopt);
  EXPECT_EQ(ParseAs<ExecOptions>({"exec", "--no-new-privs=false", "x", "sh"})
                .no_new_privs,
            false);
}

TEST(ExecTest, ProcessAndCommandTogether) {
  // runc reads the process.json and ignores the command; so may runbox.
  ExecOptions e = ParseAs<ExecOptions>({"exec", "-p", "/p.json", "x", "sh"});
  EXPECT_EQ(e.process, "/p.json");
  EXPECT_THAT(e.command, ElementsAre("sh"));
}

TEST(EventsTest, Interval) {
  EXPECT_EQ(
      ParseAs<EventsOptions>({"events", "--interval", "1m30s", "x"}).interval,
      absl::Seconds(90));
  EXPECT_EQ(
      ParseAs<EventsOptions>({"events", "x", "--interval=250ms"}).interval,
      absl::Milliseconds(250));
}

TEST(UpdateTest, AllFlags) {
  UpdateOptions u = ParseAs<UpdateOptions>({"update",
                                            "--blkio-weight",
                                            "500",
                                            "--cpu-period",
                                            "100000",
                                            "--cpu-quota",
                                            "-1",
                                            "--cpu-burst",
                                            "10",
                                            "--cpu-rt-period",
                                            "1000",
                                            "--cpu-rt-runtime",
                                            "950",
                                            "--cpu-share",
                                            "512",
                                            "--cpuset-cpus",
                                            "0-3",
                                            "--cpuset-mems",
                                            "0",
                                            "--kernel-memory",
                                            "1g",
                                            "--kernel-memory-tcp",
                                            "64m",
                                            "--memory",
                                            "32m",
                                            "--memory-reservation=16M",
                                            "--memory-swap",
                                            "-1",
                                            "--pids-limit",
                                            "0x10",
                                            "--l3-cache-schema",
                                            "L3:0=ff",
                                            "--mem-bw-schema",
                                            "MB:0=70",
                                            "x"});
  constexpr int64_t kMi = 1 << 20;
  EXPECT_EQ(u.id, "x");
  EXPECT_TRUE(u.resources.empty());
  EXPECT_EQ(u.blkio_weight, 500);
  EXPECT_EQ(u.cpu_period, 100000u);
  EXPECT_EQ(u.cpu_quota, -1);
  EXPECT_EQ(u.cpu_burst, 10u);
  EXPECT_EQ(u.cpu_rt_period, 1000u);
  EXPECT_EQ(u.cpu_rt_runtime, 950);
  EXPECT_EQ(u.cpu_share, 512u);
  EXPECT_EQ(u.cpuset_cpus, "0-3");
  EXPECT_EQ(u.cpuset_mems, "0");
  EXPECT_EQ(u.kernel_memory, 1024 * kMi);
  EXPECT_EQ(u.kernel_memory_tcp, 64 * kMi);
  EXPECT_EQ(u.memory, 32 * kMi);
  EXPECT_EQ(u.memory_reservation, 16 * kMi);
  EXPECT_EQ(u.memory_swap, -1);
  EXPECT_EQ(u.pids_limit, 16);
  EXPECT_EQ(u.l3_cache_schema, "L3:0=ff");
  EXPECT_EQ(u.mem_bw_schema, "MB:0=70");
}

TEST(UpdateTest, UnsetFlagsStayUnset) {
  UpdateOptions u = ParseAs<UpdateOptions>({"update", "-r", "res.json", "x"});
  EXPECT_EQ(u.resources, "res.json");
  EXPECT_EQ(u, (UpdateOptions{.id = "x", .resources = "res.json"}));
}

TEST(SpecTest, BundleAndRootless) {
  SpecOptions s = ParseAs<SpecOptions>({"spec", "--rootless", "-b", "/b"});
  EXPECT_TRUE(s.rootless);
  EXPECT_EQ(s.bundle, "/b");
  EXPECT_EQ(ParseAs<SpecOptions>({"spec"}), SpecOptions{});
}

TEST(WaitTest, Id) { EXPECT_EQ(ParseAs<WaitOptions>({"wait", "x"}).id, "x"); }

TEST(CheckpointRestoreTest, FlagsRecordedCanonically) {
  CheckpointOptions c = ParseAs<CheckpointOptions>(
      {"checkpoint", "--image-path", "/img", "-leave-running", "x",
       "--manage-cgroups-mode=soft", "--tcp-established=false"});
  EXPECT_EQ(c.id, "x");
  EXPECT_THAT(c.flags, ElementsAre("--image-path=/img", "--leave-running",
                                   "--manage-cgroups-mode=soft",
                                   "--tcp-established=false"));
  RestoreOptions r = ParseAs<RestoreOptions>(
      {"restore", "-b", "/b", "-d", "--pid-file", "p", "x"});
  EXPECT_EQ(r.id, "x");
  EXPECT_THAT(r.flags, ElementsAre("--bundle=/b", "--detach", "--pid-file=p"));
}

TEST(InternalCommandsTest, RestOfArgvPassesThrough) {
  SuperviseOptions s = ParseAs<SuperviseOptions>(
      {"supervise", "--control-fd", "3", "-x", "--", "--help", "id"});
  EXPECT_THAT(s.args,
              ElementsAre("--control-fd", "3", "-x", "--", "--help", "id"));
  ASSERT_OK_AND_ASSIGN(ParsedCommand p,
                       Parse({"--root", "/r", "init", "--sync-fd=4"}));
  EXPECT_EQ(p.global.root, "/r");
  EXPECT_EQ(p.command, CommandOptions(InitOptions{{"--sync-fd=4"}}));
  EXPECT_THAT(ParseAs<InitOptions>({"init"}).args, IsEmpty());
}

// ---- Help and version ----

TEST(HelpTest, ProgramHelp) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{},
                                             {"--help"},
                                             {"-h"},
                                             {"--debug", "-help"},
                                             {"help"},
                                             {"h"},
                                             {"--help", "create"},
                                             {"-h", "--version"}}) {
    EXPECT_EQ(ParseAs<HelpOptions>(args).command, "")
        << absl::StrJoin(args, " ");
  }
}

TEST(HelpTest, EmptyArgv) {
  ASSERT_OK_AND_ASSIGN(ParsedCommand p, ParseArgs({}));
  EXPECT_EQ(p, (ParsedCommand{GlobalOptions{}, HelpOptions{}}));
}

TEST(HelpTest, CommandHelp) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"create", "--help"},
                                             {"create", "-h"},
                                             {"help", "create"},
                                             {"create", "-b", "x", "--help"},
                                             {"create", "a", "b", "-h"},
                                             {"h", "create"}}) {
    EXPECT_EQ(ParseAs<HelpOptions>(args).command, "create")
        << absl::StrJoin(args, " ");
  }
  EXPECT_EQ(ParseAs<HelpOptions>({"help", "h"}).command, "help");
  EXPECT_EQ(ParseAs<HelpOptions>({"exec", "--help"}).command, "exec");
  // After exec's ID, --help belongs to the command being executed.
  EXPECT_THAT(ParseAs<ExecOptions>({"exec", "x", "ls", "--help"}).command,
              ElementsAre("ls", "--help"));
  EXPECT_EQ(ParseAs<HelpOptions>({"kill", "--help=false", "-h"}).command,
            "kill");
}

TEST(HelpTest, Version) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--version"}, {"-v"}, {"-v", "create", "x"}, {"--root=/r", "-v"}}) {
    ParseAs<VersionOptions>(args);
  }
}

// ---- Errors ----

TEST(ErrorsTest, UnknownFlags) {
  EXPECT_EQ(ErrorOf({"--foo", "list"}), "flag provided but not defined: --foo");
  EXPECT_EQ(ErrorOf({"create", "-foo", "x"}),
            "flag provided but not defined: -foo");
  EXPECT_EQ(ErrorOf({"create", "x", "--foo=1"}),
            "flag provided but not defined: --foo");
  // Global flags go before the command, as in runc.
  EXPECT_EQ(ErrorOf({"create", "--root", "/r", "x"}),
            "flag provided but not defined: --root");
  // A flag of another command.
  EXPECT_EQ(ErrorOf({"start", "--bundle", "b", "x"}),
            "flag provided but not defined: --bundle");
  EXPECT_EQ(ErrorOf({"create", "-dt", "x"}),
            "flag provided but not defined: -dt");
}

TEST(ErrorsTest, MissingValues) {
  EXPECT_EQ(ErrorOf({"create", "x", "--bundle"}),
            "flag needs an argument: --bundle");
  EXPECT_EQ(ErrorOf({"--root"}), "flag needs an argument: --root");
  EXPECT_EQ(ErrorOf({"exec", "-p"}), "flag needs an argument: -p");
}

TEST(ErrorsTest, ArgumentCounts) {
  EXPECT_EQ(ErrorOf({"create"}), "\"create\" requires exactly 1 argument(s)");
  EXPECT_EQ(ErrorOf({"create", "-b", "b"}),
            "\"create\" requires exactly 1 argument(s)");
  EXPECT_EQ(ErrorOf({"start", "a", "b"}),
            "\"start\" requires exactly 1 argument(s)");
  EXPECT_EQ(ErrorOf({"kill"}), "\"kill\" requires a minimum of 1 argument(s)");
  EXPECT_EQ(ErrorOf({"kill", "x", "9", "extra"}),
            "\"kill\" requires a maximum of 2 argument(s)");
  EXPECT_EQ(ErrorOf({"delete", "--force"}),
            "\"delete\" requires a minimum of 1 argument(s)");
  EXPECT_EQ(ErrorOf({"list", "x"}), "\"list\" requires exactly 0 argument(s)");
  EXPECT_EQ(ErrorOf({"features", "x"}),
            "\"features\" requires exactly 0 argument(s)");
  EXPECT_EQ(ErrorOf({"exec"}), "\"exec\" requires a minimum of 1 argument(s)");
  EXPECT_EQ(ErrorOf({"ps"}), "\"ps\" requires a minimum of 1 argument(s)");
  EXPECT_EQ(ErrorOf({"help", "create", "x"}),
            "\"help\" requires a maximum of 1 argument(s)");
  for (const char* command : {"state", "pause", "resume", "events", "update",
                              "wait", "run", "checkpoint", "restore"}) {
    EXPECT_EQ(ErrorOf({command}),
              absl::StrCat("\"", command, "\" requires exactly 1 argument(s)"));
  }
  // A bool flag never takes the next word, which is then one too many.
  EXPECT_EQ(ErrorOf({"run", "--detach", "true", "x"}),
            "\"run\" requires exactly 1 argument(s)");
}

TEST(ErrorsTest, EmptyIds) {
  EXPECT_EQ(ErrorOf({"state", ""}), "container id cannot be empty");
  EXPECT_EQ(ErrorOf({"delete", "a", ""}), "container id cannot be empty");
  EXPECT_EQ(ErrorOf({"exec", "", "sh"}), "container id cannot be empty");
}

TEST(ErrorsTest, ExecNeedsACommandOrProcess) {
  EXPECT_EQ(ErrorOf({"exec", "x"}),
            "\"exec\" requires a command or --process FILE");
  EXPECT_EQ(ErrorOf({"exec", "x", "--"}),
            "\"exec\" requires a command or --process FILE");
}

TEST(ErrorsTest, BadSignals) {
  EXPECT_EQ(ErrorOf({"kill", "x", "FOO"}), "unknown signal \"FOO\"");
  EXPECT_EQ(ErrorOf({"kill", "x", "65"}), "unknown signal \"65\"");
  EXPECT_EQ(ErrorOf({"kill", "x", "0"}), "unknown signal \"0\"");
  EXPECT_EQ(ErrorOf({"kill", "x", ""}), "unknown signal \"\"");
  // A negative number reads as an (undefined) flag, as in Go.
  EXPECT_EQ(ErrorOf({"kill", "x", "-9"}), "flag provided but not defined: -9");
}

TEST(ErrorsTest, BadValues) {
  EXPECT_EQ(ErrorOf({"create", "--preserve-fds", "many", "x"}),
            "invalid value \"many\" for flag --preserve-fds: not an integer "
            "(or out of range)");
  EXPECT_EQ(ErrorOf({"create", "--preserve-fds=-1", "x"}),
            "invalid value \"-1\" for flag --preserve-fds: must not be "
            "negative");
  EXPECT_EQ(ErrorOf({"run", "--detach=yes", "x"}),
            "invalid value \"yes\" for flag --detach: expected true or false");
  EXPECT_EQ(ErrorOf({"list", "--format", "xml"}),
            "invalid value \"xml\" for flag --format: must be table or json");
  EXPECT_EQ(ErrorOf({"ps", "-f=yaml", "x"}),
            "invalid value \"yaml\" for flag -f: must be table or json");
  EXPECT_EQ(ErrorOf({"--log-format", "xml", "list"}),
            "invalid value \"xml\" for flag --log-format: must be text or "
            "json");
  EXPECT_EQ(ErrorOf({"--rootless", "sometimes", "list"}),
            "invalid value \"sometimes\" for flag --rootless: must be true, "
            "false or auto");
  EXPECT_THAT(ErrorOf({"events", "--interval", "0", "x"}),
              HasSubstr("--interval: must be greater than 0"));
  EXPECT_THAT(ErrorOf({"events", "--interval", "5", "x"}),
              HasSubstr("for flag --interval: not a duration"));
  EXPECT_THAT(ErrorOf({"update", "--memory", "lots", "x"}),
              HasSubstr("invalid value \"lots\" for flag --memory"));
  EXPECT_THAT(ErrorOf({"update", "--cpu-period", "-5", "x"}),
              HasSubstr("for flag --cpu-period: not an unsigned integer"));
  EXPECT_THAT(ErrorOf({"update", "--blkio-weight", "70000", "x"}),
              HasSubstr("--blkio-weight"));
  EXPECT_THAT(ErrorOf({"exec", "-u", "root", "x", "sh"}),
              HasSubstr("invalid value \"root\" for flag -u"));
  EXPECT_THAT(ErrorOf({"exec", "-g", "-1", "x", "sh"}),
              HasSubstr("invalid value \"-1\" for flag -g"));
  EXPECT_THAT(ErrorOf({"create", "--help=maybe", "x"}),
              HasSubstr("for flag --help"));
  EXPECT_THAT(ErrorOf({"--version=2"}), HasSubstr("for flag --version"));
}

TEST(ErrorsTest, BadFlagSyntax) {
  EXPECT_EQ(ErrorOf({"---root", "/r", "list"}), "bad flag syntax: ---root");
  EXPECT_EQ(ErrorOf({"create", "-=b", "x"}), "bad flag syntax: -=b");
}

TEST(ErrorsTest, UnknownCommands) {
  EXPECT_EQ(ErrorOf({"frobnicate", "x"}),
            "unknown command \"frobnicate\" (see runbox --help)");
  EXPECT_EQ(ErrorOf({"help", "frobnicate"}),
            "unknown command \"frobnicate\" (see runbox --help)");
  EXPECT_EQ(ErrorOf({"--root", "/r", "", "x"}),
            "unknown command \"\" (see runbox --help)");
  // Names are exact: no prefixes, no case folding.
  EXPECT_THAT(ErrorOf({"CREATE", "x"}), HasSubstr("unknown command"));
  EXPECT_THAT(ErrorOf({"cre", "x"}), HasSubstr("unknown command"));
}

}  // namespace
}  // namespace runbox::cli
