// The flag tables and argument rules of every command, after runc 1.1
// (urfave/cli v1) plus runbox's `wait` and internal commands. One generic
// driver, MakeEntry, turns a CommandSpec<Options> into a CommandEntry;
// no command parses its words by hand.
#include "runtime/cli/command_table.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hostapi/status.h"
#include "hostapi/types.h"
#include "runtime/cli/flag_spec.h"
#include "runtime/cli/options.h"

namespace runbox::cli {
namespace {

constexpr int kUnlimited = -1;

// How many positional arguments a command takes, checked as runc's
// checkArgs does (same wording).
struct ArgCount {
  int min = 0;
  int max = 0;  // kUnlimited: no upper bound.
};

// Stores the positional arguments, already counted, into the options; may
// reject them (an empty ID, an unknown signal).
template <typename T>
using Binder =
    std::function<absl::Status(T& opts, std::vector<std::string> args)>;

template <typename T>
struct CommandSpec {
  absl::string_view name;
  absl::string_view alias;
  absl::string_view summary;
  absl::string_view args_usage;
  absl::string_view description;
  ArgOrder order = ArgOrder::kInterspersed;
  std::vector<Flag<T>> flags;
  ArgCount args;
  Binder<T> bind;  // Null when the command takes no arguments.
};

// urfave/cli gives every command --help/-h.
constexpr FlagInfo kHelpFlag{"help", "h", FlagArity::kBool, {}, "show help"};
constexpr FlagInfo kVersionFlag{
    "version", "v", FlagArity::kBool, {}, "print the version"};

absl::Status InvalidValue(const FlagUse& use, const absl::Status& why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid value \"", use.value,
                                                 "\" for flag ", use.spelling,
                                                 ": ", why.message()));
}

absl::Status CheckArgCount(absl::string_view command, ArgCount count,
                           size_t n) {
  auto fail = [&](absl::string_view how, int k) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", command, "\" requires ", how, k, " argument(s)"));
  };
  const int given = static_cast<int>(n);
  if (count.min == count.max && given != count.min) {
    return fail("exactly ", count.min);
  }
  if (given < count.min) return fail("a minimum of ", count.min);
  if (count.max != kUnlimited && given > count.max) {
    return fail("a maximum of ", count.max);
  }
  return absl::OkStatus();
}

// The generic driver: scan, apply each flag use in order (Go sets values as
// it parses, so a bad value fails before --help is looked at), then --help,
// then the argument count and the binder.
template <typename T>
CommandEntry MakeEntry(CommandSpec<T> spec) {
  CommandEntry entry;
  entry.name = spec.name;
  entry.alias = spec.alias;
  entry.summary = spec.summary;
  entry.args_usage = spec.args_usage;
  entry.description = spec.description;
  for (const Flag<T>& flag : spec.flags) entry.flags.push_back(flag.info);
  std::vector<FlagInfo> scan_flags = entry.flags;
  scan_flags.push_back(kHelpFlag);
  entry.parse = [spec = std::move(spec), scan_flags = std::move(scan_flags)](
                    absl::Span<const std::string> args)
      -> absl::StatusOr<CommandOptions> {
    ASSIGN_OR_RETURN(ScanResult scan, ScanFlags(scan_flags, args, spec.order));
    T opts;
    bool help = false;
    for (const FlagUse& use : scan.uses) {
      absl::Status status;
      if (use.flag == spec.flags.size()) {
        absl::StatusOr<bool> b = ParseGoBool(use.value);
        if (b.ok()) help = *b;
        status = b.status();
      } else {
        status = spec.flags[use.flag].set(opts, use.value);
      }
      if (!status.ok()) return InvalidValue(use, status);
    }
    if (help) return CommandOptions(HelpOptions{std::string(spec.name)});
    RETURN_IF_ERROR(
        CheckArgCount(spec.name, spec.args, scan.positionals.size()));
    if (spec.bind) {
      RETURN_IF_ERROR(spec.bind(opts, std::move(scan.positionals)));
    }
    return CommandOptions(std::move(opts));
  };
  return entry;
}

// An internal command: its words go to its owner unparsed.
template <typename T>
CommandEntry PassThrough(absl::string_view name, absl::string_view summary) {
  CommandEntry entry;
  entry.name = name;
  entry.summary = summary;
  entry.args_usage = "[arguments...]";
  entry.hidden = true;
  entry.parse =
      [](absl::Span<const std::string> args) -> absl::StatusOr<CommandOptions> {
    T opts;
    opts.args.assign(args.begin(), args.end());
    return CommandOptions(std::move(opts));
  };
  return entry;
}

// ---- Binders ----

absl::StatusOr<std::string> ContainerId(std::string id) {
  // runc's errEmptyID.
  if (id.empty()) {
    return absl::InvalidArgumentError("container id cannot be empty");
  }
  return id;
}

template <typename T>
absl::Status BindId(T& opts, std::vector<std::string> args) {
  ASSIGN_OR_RETURN(opts.id, ContainerId(std::move(args[0])));
  return absl::OkStatus();
}

absl::Status BindKill(KillOptions& opts, std::vector<std::string> args) {
  ASSIGN_OR_RETURN(opts.id, ContainerId(std::move(args[0])));
  if (args.size() > 1) {
    std::optional<Signal> sig = ParseSignal(args[1]);
    if (!sig.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown signal \"", args[1], "\""));
    }
    opts.signal = *sig;
  }
  return absl::OkStatus();
}

absl::Status BindDelete(DeleteOptions& opts, std::vector<std::string> args) {
  for (std::string& id : args) {
    ASSIGN_OR_RETURN(std::string valid, ContainerId(std::move(id)));
    opts.ids.push_back(std::move(valid));
  }
  return absl::OkStatus();
}

// The words after the ID of exec and ps, without a `--` that separates
// them from the ID (`runc exec [options] ID [--] command`).
std::vector<std::string> AfterId(std::vector<std::string>& args) {
  auto first = args.begin() + 1;
  if (first != args.end() && *first == "--") ++first;
  return std::vector<std::string>(std::make_move_iterator(first),
                                  std::make_move_iterator(args.end()));
}

absl::Status BindExec(ExecOptions& opts, std::vector<std::string> args) {
  ASSIGN_OR_RETURN(opts.id, ContainerId(args[0]));
  opts.command = AfterId(args);
  if (opts.command.empty() && opts.process.empty()) {
    return absl::InvalidArgumentError(
        "\"exec\" requires a command or --process FILE");
  }
  return absl::OkStatus();
}

absl::Status BindPs(PsOptions& opts, std::vector<std::string> args) {
  ASSIGN_OR_RETURN(opts.id, ContainerId(args[0]));
  opts.ps_args = AfterId(args);
  return absl::OkStatus();
}

absl::Status BindHelp(HelpOptions& opts, std::vector<std::string> args) {
  if (args.empty()) return absl::OkStatus();
  const CommandEntry* entry = FindCommand(args[0]);
  if (entry == nullptr) return UnknownCommandError(args[0]);
  opts.command = std::string(entry->name);
  return absl::OkStatus();
}

// ---- Shared flags ----

constexpr absl::string_view kConsoleSocketUsage =
    "path to an AF_UNIX socket which will receive a file descriptor "
    "referencing the master end of the console's pseudoterminal";
constexpr absl::string_view kPreserveFdsUsage =
    "pass N additional file descriptors to the container (stdio + "
    "$LISTEN_FDS + N in total)";
constexpr absl::string_view kPidFileUsage =
    "specify the file to write the process id to";
constexpr absl::string_view kFormatUsage = "select one of: table or json";

std::vector<Flag<CreateOptions>> CreateFlags() {
  using O = CreateOptions;
  return {
      ValueFlag({"bundle", "b"}, "DIR", &O::bundle, &ParseText,
                "path to the root of the bundle directory (default: the "
                "current directory)"),
      ValueFlag({"console-socket"}, "SOCKET", &O::console_socket, &ParseText,
                kConsoleSocketUsage),
      ValueFlag({"pid-file"}, "FILE", &O::pid_file, &ParseText, kPidFileUsage),
      BoolFlag({"no-pivot"}, &O::no_pivot,
               "do not use pivot root to jail process inside rootfs (for a "
               "rootfs on a ramdisk)"),
      BoolFlag({"no-new-keyring"}, &O::no_new_keyring,
               "do not create a new session keyring for the container; it "
               "inherits the caller's"),
      ValueFlag({"preserve-fds"}, "N", &O::preserve_fds, &ParseCount,
                kPreserveFdsUsage),
  };
}

std::vector<Flag<RunOptions>> RunFlags() {
  using O = RunOptions;
  std::vector<Flag<O>> flags;
  for (Flag<CreateOptions>& flag : CreateFlags()) {
    flags.push_back(Upcast<O>(std::move(flag)));
  }
  flags.push_back(BoolFlag({"detach", "d"}, &O::detach,
                           "detach from the container's process"));
  flags.push_back(BoolFlag({"keep"}, &O::keep,
                           "do not delete the container after it exits"));
  flags.push_back(BoolFlag({"no-subreaper"}, &O::no_subreaper,
                           "accepted for runc compatibility; ignored (the "
                           "supervisor always reaps)"));
  return flags;
}

std::vector<Flag<ExecOptions>> ExecFlags() {
  using O = ExecOptions;
  return {
      ValueFlag({"console-socket"}, "SOCKET", &O::console_socket, &ParseText,
                kConsoleSocketUsage),
      ValueFlag({"cwd"}, "DIR", &O::cwd, &ParseText,
                "current working directory in the container"),
      ListFlag({"env", "e"}, "NAME=VALUE", &O::env, &ParseText,
               "set an environment variable (repeatable)"),
      BoolFlag({"tty", "t"}, &O::tty, "allocate a pseudo-TTY"),
      ValueFlag({"user", "u"}, "UID[:GID]", &O::user, &ParseExecUser,
                "run as this numeric user (and group)"),
      ListFlag({"additional-gids", "g"}, "GID", &O::additional_gids, &ParseGid,
               "add a supplementary group id (repeatable)"),
      ValueFlag({"process", "p"}, "FILE", &O::process, &ParseText,
                "path to a process.json to run instead of a command"),
      BoolFlag({"detach", "d"}, &O::detach,
               "detach from the container's process"),
      ValueFlag({"pid-file"}, "FILE", &O::pid_file, &ParseText, kPidFileUsage),
      ValueFlag({"process-label"}, "LABEL", &O::process_label, &ParseText,
                "set the asm process label for the process commonly used "
                "with selinux"),
      ValueFlag({"apparmor"}, "PROFILE", &O::apparmor, &ParseText,
                "set the apparmor profile for the process"),
      BoolFlag({"no-new-privs"}, &O::no_new_privs,
               "set the no new privileges value for the process"),
      ListFlag({"cap", "c"}, "CAP", &O::caps, &ParseText,
               "add a capability to the bounding set for the process "
               "(repeatable)"),
      ValueFlag({"preserve-fds"}, "N", &O::preserve_fds, &ParseCount,
                kPreserveFdsUsage),
      ListFlag({"cgroup"}, "[CONTROLLER:]PATH", &O::cgroups, &ParseText,
               "run the process in an existing sub-cgroup (repeatable)"),
      BoolFlag({"ignore-paused"}, &O::ignore_paused,
               "allow exec in a paused container"),
  };
}

std::vector<Flag<UpdateOptions>> UpdateFlags() {
  using O = UpdateOptions;
  return {
      ValueFlag({"resources", "r"}, "FILE", &O::resources, &ParseText,
                "path to a JSON file of the resources to update, or '-' for "
                "stdin; the other flags are then ignored"),
      ValueFlag({"blkio-weight"}, "N", &O::blkio_weight, &ParseUint16,
                "per-cgroup block IO weight, 10 to 1000"),
      ValueFlag({"cpu-period"}, "USECS", &O::cpu_period, &ParseDecimalUint64,
                "CPU CFS period to be used for hardcapping (0: system "
                "default)"),
      ValueFlag({"cpu-quota"}, "USECS", &O::cpu_quota, &ParseDecimalInt64,
                "CPU CFS hardcap limit: allowed CPU time in a period"),
      ValueFlag({"cpu-burst"}, "USECS", &O::cpu_burst, &ParseDecimalUint64,
                "CPU CFS burst limit: accumulated unused quota usable in a "
                "period"),
      ValueFlag({"cpu-rt-period"}, "USECS", &O::cpu_rt_period,
                &ParseDecimalUint64,
                "CPU realtime period to be used for hardcapping (0: system "
                "default)"),
      ValueFlag({"cpu-rt-runtime"}, "USECS", &O::cpu_rt_runtime,
                &ParseDecimalInt64,
                "CPU realtime hardcap limit: allowed CPU time in a period"),
      ValueFlag({"cpu-share"}, "N", &O::cpu_share, &ParseDecimalUint64,
                "CPU shares (relative weight vs. other containers)"),
      ValueFlag({"cpuset-cpus"}, "CPUS", &O::cpuset_cpus, &ParseText,
                "CPUs to use (\"0-3\", \"0,2\")"),
      ValueFlag({"cpuset-mems"}, "NODES", &O::cpuset_mems, &ParseText,
                "memory nodes to use"),
      ValueFlag({"kernel-memory"}, "SIZE", &O::kernel_memory, &ParseMemoryBytes,
                "kernel memory limit (cgroup v1 only)"),
      ValueFlag({"kernel-memory-tcp"}, "SIZE", &O::kernel_memory_tcp,
                &ParseMemoryBytes,
                "kernel memory limit for TCP buffers (cgroup v1 only)"),
      ValueFlag({"memory"}, "SIZE", &O::memory, &ParseMemoryBytes,
                "memory limit (bytes, or with a k/m/g suffix; -1: "
                "unlimited)"),
      ValueFlag({"memory-reservation"}, "SIZE", &O::memory_reservation,
                &ParseMemoryBytes, "memory reservation or soft limit"),
      ValueFlag({"memory-swap"}, "SIZE", &O::memory_swap, &ParseMemoryBytes,
                "total memory usage (memory + swap); -1: unlimited swap"),
      ValueFlag({"pids-limit"}, "N", &O::pids_limit, &ParseGoInt,
                "maximum number of pids allowed in the container"),
      ValueFlag({"l3-cache-schema"}, "SCHEMA", &O::l3_cache_schema, &ParseText,
                "Intel RDT L3 cache schema"),
      ValueFlag({"mem-bw-schema"}, "SCHEMA", &O::mem_bw_schema, &ParseText,
                "Intel RDT memory bandwidth schema"),
  };
}

std::vector<Flag<CheckpointOptions>> CheckpointFlags() {
  using O = CheckpointOptions;
  constexpr FlagArity kValue = FlagArity::kValue;
  constexpr FlagArity kBool = FlagArity::kBool;
  constexpr absl::string_view kUsage = "criu option (not supported)";
  std::vector<Flag<O>> flags;
  for (auto [name, arity] :
       std::vector<std::pair<absl::string_view, FlagArity>>{
           {"image-path", kValue},
           {"work-path", kValue},
           {"parent-path", kValue},
           {"leave-running", kBool},
           {"tcp-established", kBool},
           {"ext-unix-sk", kBool},
           {"shell-job", kBool},
           {"lazy-pages", kBool},
           {"status-fd", kValue},
           {"page-server", kValue},
           {"file-locks", kBool},
           {"pre-dump", kBool},
           {"manage-cgroups-mode", kValue},
           {"empty-ns", kValue},
           {"auto-dedup", kBool},
       }) {
    flags.push_back(RecordedFlag({name}, arity, &O::flags, kUsage));
  }
  return flags;
}

std::vector<Flag<RestoreOptions>> RestoreFlags() {
  using O = RestoreOptions;
  constexpr FlagArity kValue = FlagArity::kValue;
  constexpr FlagArity kBool = FlagArity::kBool;
  constexpr absl::string_view kUsage = "restore option (not supported)";
  std::vector<Flag<O>> flags;
  for (auto [names, arity] : std::vector<std::pair<FlagNames, FlagArity>>{
           {{"console-socket"}, kValue},
           {{"image-path"}, kValue},
           {{"work-path"}, kValue},
           {{"tcp-established"}, kBool},
           {{"ext-unix-sk"}, kBool},
           {{"shell-job"}, kBool},
           {{"file-locks"}, kBool},
           {{"manage-cgroups-mode"}, kValue},
           {{"bundle", "b"}, kValue},
           {{"detach", "d"}, kBool},
           {{"pid-file"}, kValue},
           {{"no-subreaper"}, kBool},
           {{"no-pivot"}, kBool},
           {{"empty-ns"}, kValue},
           {{"auto-dedup"}, kBool},
           {{"lazy-pages"}, kBool},
           {{"lsm-profile"}, kValue},
           {{"lsm-mount-context"}, kValue},
       }) {
    flags.push_back(RecordedFlag(names, arity, &O::flags, kUsage));
  }
  return flags;
}

constexpr ArgCount kOneId{1, 1};
constexpr ArgCount kNoArgs{0, 0};
constexpr absl::string_view kIdUsage = "<container-id>";

std::vector<CommandEntry> BuildCommands() {
  std::vector<CommandEntry> c;
  c.push_back(MakeEntry(CommandSpec<CheckpointOptions>{
      .name = "checkpoint",
      .summary = "checkpoint a running container (not supported)",
      .args_usage = kIdUsage,
      .description = "runbox does not implement checkpoint; runc's flags are "
                     "accepted so the error names the command.",
      .flags = CheckpointFlags(),
      .args = kOneId,
      .bind = &BindId<CheckpointOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<CreateOptions>{
      .name = "create",
      .summary = "create a container",
      .args_usage = kIdUsage,
      .description =
          "Creates a container from a bundle (a directory holding "
          "config.json and the root file system). The container's process "
          "waits until `runbox start`.",
      .flags = CreateFlags(),
      .args = kOneId,
      .bind = &BindId<CreateOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<DeleteOptions>{
      .name = "delete",
      .summary = "delete any resources held by the container",
      .args_usage = "<container-id> [<container-id>...]",
      .description = "With --force, a running container is killed first and "
                     "an ID that does not exist is skipped without error.",
      .flags = {BoolFlag({"force", "f"}, &DeleteOptions::force,
                         "forcibly delete the container if it is still "
                         "running (uses SIGKILL)")},
      .args = {1, kUnlimited},
      .bind = &BindDelete,
  }));
  c.push_back(MakeEntry(CommandSpec<EventsOptions>{
      .name = "events",
      .summary = "display container events and resource usage statistics",
      .args_usage = kIdUsage,
      .flags = {ValueFlag({"interval"}, "DURATION", &EventsOptions::interval,
                          &ParsePositiveDuration,
                          "set the stats collection interval (default: 5s)"),
                BoolFlag({"stats"}, &EventsOptions::stats,
                         "display the container's stats once, then exit")},
      .args = kOneId,
      .bind = &BindId<EventsOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<ExecOptions>{
      .name = "exec",
      .summary = "execute new process inside the container",
      .args_usage = "<container-id> [--] <command> [args...]",
      .description =
          "Runs <command> in the container, or the process described by "
          "--process FILE. Options must come before <container-id>: "
          "everything after it belongs to the command.",
      .order = ArgOrder::kFlagsFirst,
      .flags = ExecFlags(),
      .args = {1, kUnlimited},
      .bind = &BindExec,
  }));
  c.push_back(MakeEntry(CommandSpec<FeaturesOptions>{
      .name = "features",
      .summary = "show the enabled features (JSON)",
      .args = kNoArgs,
  }));
  c.push_back(MakeEntry(CommandSpec<HelpOptions>{
      .name = "help",
      .alias = "h",
      .summary = "show a list of commands or help for one command",
      .args_usage = "[command]",
      .args = {0, 1},
      .bind = &BindHelp,
  }));
  c.push_back(
      PassThrough<InitOptions>("init", "internal: a container's init process"));
  c.push_back(MakeEntry(CommandSpec<KillOptions>{
      .name = "kill",
      .summary = "send a signal (default: SIGTERM) to the container's init "
                 "process",
      .args_usage = "<container-id> [signal]",
      .description = "The signal is a name (TERM, SIGTERM, sigkill) or a "
                     "number (15).",
      .flags = {BoolFlag({"all", "a"}, &KillOptions::all,
                         "send the signal to all processes in the "
                         "container")},
      .args = {1, 2},
      .bind = &BindKill,
  }));
  c.push_back(MakeEntry(CommandSpec<ListOptions>{
      .name = "list",
      .summary = "list containers started by runbox with the given root",
      .flags = {ValueFlag({"format", "f"}, "FORMAT", &ListOptions::format,
                          &ParseOutputFormat,
                          "select one of: table or json (default: table)"),
                BoolFlag({"quiet", "q"}, &ListOptions::quiet,
                         "display only container IDs")},
      .args = kNoArgs,
  }));
  c.push_back(MakeEntry(CommandSpec<PauseOptions>{
      .name = "pause",
      .summary = "suspend all processes inside the container",
      .args_usage = kIdUsage,
      .args = kOneId,
      .bind = &BindId<PauseOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<PsOptions>{
      .name = "ps",
      .summary = "display the processes running inside a container",
      .args_usage = "<container-id> [ps options]",
      .description = "In table format the [ps options] go to ps(1) (default "
                     "-ef); options for runbox come before <container-id>.",
      .order = ArgOrder::kFlagsFirst,
      .flags = {ValueFlag({"format", "f"}, "FORMAT", &PsOptions::format,
                          &ParseOutputFormat,
                          "select one of: table or json (default: table)")},
      .args = {1, kUnlimited},
      .bind = &BindPs,
  }));
  c.push_back(MakeEntry(CommandSpec<RestoreOptions>{
      .name = "restore",
      .summary = "restore a container from a previous checkpoint (not "
                 "supported)",
      .args_usage = kIdUsage,
      .description = "runbox does not implement restore; runc's flags are "
                     "accepted so the error names the command.",
      .flags = RestoreFlags(),
      .args = kOneId,
      .bind = &BindId<RestoreOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<ResumeOptions>{
      .name = "resume",
      .summary = "resume all processes that have been previously paused",
      .args_usage = kIdUsage,
      .args = kOneId,
      .bind = &BindId<ResumeOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<RunOptions>{
      .name = "run",
      .summary = "create and start a container",
      .args_usage = kIdUsage,
      .description = "Like create followed by start. Without --detach, "
                     "runbox waits for the container's process and exits "
                     "with its status.",
      .flags = RunFlags(),
      .args = kOneId,
      .bind = &BindId<RunOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<SpecOptions>{
      .name = "spec",
      .summary = "create a new specification file (config.json)",
      .flags = {ValueFlag({"bundle", "b"}, "DIR", &SpecOptions::bundle,
                          &ParseText,
                          "path to the root of the bundle directory "
                          "(default: the current directory)"),
                BoolFlag({"rootless"}, &SpecOptions::rootless,
                         "generate a configuration for a rootless "
                         "container")},
      .args = kNoArgs,
  }));
  c.push_back(MakeEntry(CommandSpec<StartOptions>{
      .name = "start",
      .summary = "execute the user defined process in a created container",
      .args_usage = kIdUsage,
      .args = kOneId,
      .bind = &BindId<StartOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<StateOptions>{
      .name = "state",
      .summary = "output the state of a container (JSON)",
      .args_usage = kIdUsage,
      .args = kOneId,
      .bind = &BindId<StateOptions>,
  }));
  c.push_back(PassThrough<SuperviseOptions>(
      "supervise", "internal: a pod's sandbox supervisor"));
  c.push_back(MakeEntry(CommandSpec<UpdateOptions>{
      .name = "update",
      .summary = "update container resource constraints",
      .args_usage = kIdUsage,
      .flags = UpdateFlags(),
      .args = kOneId,
      .bind = &BindId<UpdateOptions>,
  }));
  c.push_back(MakeEntry(CommandSpec<WaitOptions>{
      .name = "wait",
      .summary = "wait for the container to exit, print its exit status",
      .args_usage = kIdUsage,
      .description = "A runbox extension (runc has no wait). Prints the exit "
                     "code, or 128 + the signal number if a signal ended the "
                     "process, as a shell does.",
      .args = kOneId,
      .bind = &BindId<WaitOptions>,
  }));
  return c;
}

std::vector<Flag<GlobalOptions>> GlobalFlagTable() {
  using O = GlobalOptions;
  return {
      BoolFlag({"debug"}, &O::debug, "enable debug logging"),
      ValueFlag({"log"}, "FILE", &O::log, &ParseText,
                "set the log file to write runbox logs to (default: stderr)"),
      ValueFlag({"log-format"}, "FORMAT", &O::log_format, &ParseLogFormat,
                "set the log format: text (default) or json"),
      ValueFlag({"root"}, "DIR", &O::root, &ParseText,
                "root directory for storage of container state, on a tmpfs "
                "(default: /run/runbox)"),
      Hidden(ValueFlag({"criu"}, "PATH", &O::criu, &ParseText,
                       "obsolete; ignored")),
      BoolFlag({"systemd-cgroup"}, &O::systemd_cgroup,
               "enable systemd cgroup support: cgroupsPath is "
               "\"slice:prefix:name\""),
      ValueFlag({"rootless"}, "MODE", &O::rootless, &ParseRootlessMode,
                "ignore cgroup permission errors: true, false or auto "
                "(default)"),
  };
}

const std::vector<Flag<GlobalOptions>>& GlobalTable() {
  static const auto* table =
      new std::vector<Flag<GlobalOptions>>(GlobalFlagTable());
  return *table;
}

}  // namespace

absl::Span<const CommandEntry> Commands() {
  static const auto* commands = new std::vector<CommandEntry>(BuildCommands());
  return *commands;
}

const CommandEntry* FindCommand(absl::string_view name) {
  if (name.empty()) return nullptr;
  for (const CommandEntry& entry : Commands()) {
    if (entry.name == name || entry.alias == name) return &entry;
  }
  return nullptr;
}

absl::Status UnknownCommandError(absl::string_view name) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command \"", name, "\" (see runbox --help)"));
}

absl::Span<const FlagInfo> GlobalFlags() {
  static const auto* infos = [] {
    auto* v = new std::vector<FlagInfo>;
    for (const Flag<GlobalOptions>& flag : GlobalTable()) {
      v->push_back(flag.info);
    }
    v->push_back(kHelpFlag);
    v->push_back(kVersionFlag);
    return v;
  }();
  return *infos;
}

absl::StatusOr<GlobalParse> ParseGlobalFlags(
    absl::Span<const std::string> args) {
  const std::vector<Flag<GlobalOptions>>& table = GlobalTable();
  const size_t help_index = table.size();  // GlobalFlags() order.
  ASSIGN_OR_RETURN(ScanResult scan,
                   ScanFlags(GlobalFlags(), args, ArgOrder::kFlagsFirst));
  GlobalParse result;
  for (const FlagUse& use : scan.uses) {
    absl::Status status;
    if (use.flag >= help_index) {
      absl::StatusOr<bool> b = ParseGoBool(use.value);
      if (b.ok()) (use.flag == help_index ? result.help : result.version) = *b;
      status = b.status();
    } else {
      status = table[use.flag].set(result.options, use.value);
    }
    if (!status.ok()) return InvalidValue(use, status);
  }
  result.rest = std::move(scan.positionals);
  return result;
}

}  // namespace runbox::cli
