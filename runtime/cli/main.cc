// Main: parse, set up the logger, dispatch to the command, report an error
// once. The commands themselves are in command_*.cc.
#include "runtime/cli/main.h"

#include <nlohmann/json.hpp>
#include <memory>
#include <variant>

#include "absl/strings/str_cat.h"
#include "runtime/cli/command_table.h"
#include "runtime/cli/fault_injection.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/logger.h"
#include "runtime/cli/output.h"
#include "runtime/cli/parse_args.h"
#include "runtime/cli/usage.h"
#include "runtime/container/container.h"
#include "runtime/sandbox/sandbox.h"

namespace runbox {
namespace {

using namespace ::runbox::cli;  // NOLINT: this file is the CLI's hub.

// One overload per command; the variant visit makes a missing one a
// compile error.
struct Dispatch {
  CommandEnv& env;

  CommandResult operator()(const HelpOptions& o) {
    RETURN_IF_ERROR(PrintStdout(env.host, HelpText(o)));
    return 0;
  }
  CommandResult operator()(const VersionOptions&) {
    RETURN_IF_ERROR(PrintStdout(env.host, VersionText()));
    return 0;
  }
  CommandResult operator()(const CreateOptions& o) { return RunCreate(env, o); }
  CommandResult operator()(const RunOptions& o) { return RunRun(env, o); }
  CommandResult operator()(const StartOptions& o) { return RunStart(env, o); }
  CommandResult operator()(const StateOptions& o) { return RunState(env, o); }
  CommandResult operator()(const KillOptions& o) { return RunKill(env, o); }
  CommandResult operator()(const DeleteOptions& o) { return RunDelete(env, o); }
  CommandResult operator()(const ListOptions& o) { return RunList(env, o); }
  CommandResult operator()(const PsOptions& o) { return RunPs(env, o); }
  CommandResult operator()(const ExecOptions& o) { return RunExec(env, o); }
  CommandResult operator()(const PauseOptions& o) { return RunPause(env, o); }
  CommandResult operator()(const ResumeOptions& o) { return RunResume(env, o); }
  CommandResult operator()(const EventsOptions& o) { return RunEvents(env, o); }
  CommandResult operator()(const UpdateOptions& o) { return RunUpdate(env, o); }
  CommandResult operator()(const SpecOptions& o) { return RunSpec(env, o); }
  CommandResult operator()(const FeaturesOptions& o) {
    return RunFeatures(env, o);
  }
  CommandResult operator()(const WaitOptions& o) { return RunWait(env, o); }
  CommandResult operator()(const CheckpointOptions& o) {
    return RunCheckpoint(env, o);
  }
  CommandResult operator()(const RestoreOptions& o) {
    return RunRestore(env, o);
  }
  // Handled before the logger exists (Main).
  CommandResult operator()(const SuperviseOptions& o) {
    return SupervisorMain(env.host, o.args);
  }
  CommandResult operator()(const InitOptions& o) {
    return InitMain(env.host, o.args);
  }
};

// A command line that does not parse: report it through the log the
// global flags asked for when they parse on their own, so containerd sees
// "flag provided but not defined: --foo" in its log.json.
int ReportParseError(Host& host, const std::vector<std::string>& argv,
                     const absl::Status& error) {
  std::vector<std::string> words;
  if (!argv.empty()) words.assign(argv.begin() + 1, argv.end());
  absl::StatusOr<GlobalParse> globals = ParseGlobalFlags(words);
  GlobalOptions global = globals.ok() ? globals->options : GlobalOptions();
  Logger log(host, global.log_format, global.debug);
  if (!global.log.empty()) (void)log.OpenFile(global.log);
  log.Error(error.message());
  return 1;
}

// argv as a JSON array: unambiguous with spaces and empty words, for
// recording exactly what an engine passed.
std::string ArgvJson(const std::vector<std::string>& argv) {
  return nlohmann::json(argv).dump(-1, ' ', false,
                                   nlohmann::json::error_handler_t::replace);
}

}  // namespace

int Main(Host& real_host, const std::vector<std::string>& argv) {
  std::unique_ptr<Host> faulty = MaybeInjectFaults(real_host, argv);
  Host& host = faulty ? *faulty : real_host;
  // A hook or a client that goes away while we write to it is an error to
  // report (EPIPE), not a reason to die. Every exec and spawn restores the
  // default, so the container's processes never inherit this.
  (void)host.SetSignalDisposition(Signal::kPipe, SignalDisposition::kIgnore);
  absl::StatusOr<ParsedCommand> parsed = ParseArgs(argv);
  if (!parsed.ok()) return ReportParseError(host, argv, parsed.status());

  // Internal commands own their process: init runs inside the container's
  // namespaces, where the caller's --log path means nothing, so neither
  // gets the CLI's logger.
  if (const auto* o = std::get_if<SuperviseOptions>(&parsed->command)) {
    return SupervisorMain(host, o->args);
  }
  if (const auto* o = std::get_if<InitOptions>(&parsed->command)) {
    return InitMain(host, o->args);
  }

  const GlobalOptions& global = parsed->global;
  Logger log(host, global.log_format, global.debug);
  if (!global.log.empty()) {
    absl::Status opened = log.OpenFile(global.log);
    if (!opened.ok()) {
      (void)PrintStderr(host, absl::StrCat("runbox: ", opened.message(), "\n"));
      return 1;
    }
  }
  log.Debug(absl::StrCat("argv ", ArgvJson(argv)));

  RuntimeContext ctx{.host = host,
                     .root = global.root,
                     .warn = [&log](absl::string_view m) { log.Warn(m); }};
  CommandEnv env{host, global, ctx, log};
  CommandResult result = std::visit(Dispatch{env}, parsed->command);
  if (!result.ok()) {
    log.Error(result.status().message());
    return 1;
  }
  return *result;
}

}  // namespace runbox
