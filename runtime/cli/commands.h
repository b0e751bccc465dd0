// The command implementations Main dispatches to, one small file per
// command group (command_*.cc). Each maps its option struct to the
// container.h call and prints the result to stdout. None reports its own
// error: it returns the status and Main logs it once (delete, which goes on
// past failures, logs each and returns exit code 1).
#ifndef RUNBOX_RUNTIME_CLI_COMMANDS_H_
#define RUNBOX_RUNTIME_CLI_COMMANDS_H_

#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/cli/logger.h"
#include "runtime/cli/options.h"
#include "runtime/container/container.h"

namespace runbox::cli {

struct CommandEnv {
  Host& host;
  const GlobalOptions& global;
  RuntimeContext& ctx;
  Logger& log;
};

// The process exit code on success (runc's: 0, or the container's or
// process's exit code where the command waited for one).
using CommandResult = absl::StatusOr<int>;

// command_create.cc
CommandResult RunCreate(CommandEnv& env, const CreateOptions& options);
CommandResult RunRun(CommandEnv& env, const RunOptions& options);
// command_start.cc
CommandResult RunStart(CommandEnv& env, const StartOptions& options);
// command_state.cc
CommandResult RunState(CommandEnv& env, const StateOptions& options);
CommandResult RunList(CommandEnv& env, const ListOptions& options);
// command_kill.cc
CommandResult RunKill(CommandEnv& env, const KillOptions& options);
// command_delete.cc
CommandResult RunDelete(CommandEnv& env, const DeleteOptions& options);
// command_exec.cc
CommandResult RunExec(CommandEnv& env, const ExecOptions& options);
// command_pause.cc
CommandResult RunPause(CommandEnv& env, const PauseOptions& options);
CommandResult RunResume(CommandEnv& env, const ResumeOptions& options);
// command_ps.cc
CommandResult RunPs(CommandEnv& env, const PsOptions& options);
// command_wait.cc
CommandResult RunWait(CommandEnv& env, const WaitOptions& options);
// command_events.cc
CommandResult RunEvents(CommandEnv& env, const EventsOptions& options);
// command_spec.cc
CommandResult RunSpec(CommandEnv& env, const SpecOptions& options);
// command_features.cc
CommandResult RunFeatures(CommandEnv& env, const FeaturesOptions& options);
// command_update.cc: update, checkpoint and restore are not supported yet.
CommandResult RunUpdate(CommandEnv& env, const UpdateOptions& options);
CommandResult RunCheckpoint(CommandEnv& env, const CheckpointOptions& options);
CommandResult RunRestore(CommandEnv& env, const RestoreOptions& options);

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_COMMANDS_H_
