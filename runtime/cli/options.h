// The option structs of runbox's command line: one per command plus the
// global flags, filled by ParseArgs (parse_args.h) and read by the command
// implementations. Pure data with runc 1.1's defaults; the grammar that
// fills them is in command_table.cc, the help text in usage.cc.
#ifndef RUNBOX_RUNTIME_CLI_OPTIONS_H_
#define RUNBOX_RUNTIME_CLI_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hostapi/types.h"

namespace runbox::cli {

// podman never passes --root, so this one directory serves all its
// containers (CLIENTS.md).
inline constexpr absl::string_view kDefaultRoot = "/run/runbox";

enum class LogFormat { kText, kJson };
// --rootless: "auto" decides from the euid and user namespace at run time.
enum class RootlessMode { kAuto, kTrue, kFalse };
// --format of list and ps.
enum class OutputFormat { kTable, kJson };

// Flags given before the command name.
struct GlobalOptions {
  std::string root = std::string(kDefaultRoot);
  std::string log;  // Empty: log to stderr.
  LogFormat log_format = LogFormat::kText;
  bool debug = false;
  bool systemd_cgroup = false;
  RootlessMode rootless = RootlessMode::kAuto;
  std::string criu;  // runc's obsolete --criu PATH: accepted, ignored.
  bool operator==(const GlobalOptions&) const = default;
};

// `runbox help [command]`, `--help`/`-h` wherever flags are read, or no
// command at all: print the help of `command`, or of the program when empty.
struct HelpOptions {
  std::string command;
  bool operator==(const HelpOptions&) const = default;
};

// `runbox --version` / `-v`.
struct VersionOptions {
  bool operator==(const VersionOptions&) const = default;
};

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string console_socket;  // Receives the pty master when terminal=true.
  std::string pid_file;
  bool no_pivot = false;
  bool no_new_keyring = false;
  // Fds 3..3+N-1 of the caller (after $LISTEN_FDS) are passed to init.
  int preserve_fds = 0;
  bool operator==(const CreateOptions&) const = default;
};

// run is create + start: every create flag applies. A RunOptions is a
// CreateOptions so the create path can take it unchanged.
struct RunOptions : CreateOptions {
  bool detach = false;
  bool keep = false;  // Keep the container's state after it exits.
  // runc's; accepted and ignored (runbox's supervisor always reaps).
  bool no_subreaper = false;
  bool operator==(const RunOptions&) const = default;
};

struct StartOptions {
  std::string id;
  bool operator==(const StartOptions&) const = default;
};

struct StateOptions {
  std::string id;
  bool operator==(const StateOptions&) const = default;
};

struct PauseOptions {
  std::string id;
  bool operator==(const PauseOptions&) const = default;
};

struct ResumeOptions {
  std::string id;
  bool operator==(const ResumeOptions&) const = default;
};

// runbox extension: block until the container's init exits, print its
// exit status.
struct WaitOptions {
  std::string id;
  bool operator==(const WaitOptions&) const = default;
};

struct KillOptions {
  std::string id;
  // Unset: the image's stop signal (the annotation
  // org.opencontainers.image.stopSignal), else SIGTERM.
  std::optional<Signal> signal;
  bool all = false;  // Every process of the container, not only init.
  bool operator==(const KillOptions&) const = default;
};

struct DeleteOptions {
  // runc takes one ID; runbox takes several and, with --force, goes on past
  // IDs that do not exist (DESIGN.md).
  std::vector<std::string> ids;
  bool force = false;
  bool operator==(const DeleteOptions&) const = default;
};

struct ListOptions {
  OutputFormat format = OutputFormat::kTable;
  bool quiet = false;  // IDs only.
  bool operator==(const ListOptions&) const = default;
};

struct PsOptions {
  std::string id;
  OutputFormat format = OutputFormat::kTable;
  std::vector<std::string> ps_args;  // For ps(1) in table format; empty: -ef.
  bool operator==(const PsOptions&) const = default;
};

// exec --user "uid[:gid]".
struct ExecUser {
  Uid uid = 0;
  std::optional<Gid> gid;
  bool operator==(const ExecUser&) const = default;
};

// Either `process` or `command` is set (the parser enforces it). With
// --process, the other process flags are ignored, as runc does; without it
// they override the container's config.json process.
struct ExecOptions {
  std::string id;
  std::vector<std::string> command;
  std::string process;  // Path of a process.json.
  std::string console_socket;
  std::string cwd;
  std::vector<std::string> env;  // "NAME=value", appended to the config's.
  bool tty = false;
  std::optional<ExecUser> user;
  std::vector<Gid> additional_gids;
  bool detach = false;
  std::string pid_file;
  std::string process_label;
  std::string apparmor;
  std::optional<bool> no_new_privs;  // Unset: keep the config's value.
  std::vector<std::string> caps;     // Added to every capability set.
  int preserve_fds = 0;
  // "[controller[,controller]:]path" sub-cgroups to run the process in.
  std::vector<std::string> cgroups;
  bool ignore_paused = false;
  bool operator==(const ExecOptions&) const = default;
};

struct EventsOptions {
  std::string id;
  absl::Duration interval = absl::Seconds(5);  // Always > 0.
  bool stats = false;  // Print one stats event and exit.
  bool operator==(const EventsOptions&) const = default;
};

// Each field is set only when its flag was given. Memory values are bytes
// (runc's "32m", "1g" suffixes are binary) or -1 for unlimited. With
// --resources, runc ignores every other flag; so does runbox.
struct UpdateOptions {
  std::string id;
  std::string resources;  // Path of a LinuxResources JSON; "-" is stdin.
  std::optional<uint16_t> blkio_weight;
  std::optional<uint64_t> cpu_period;
  std::optional<int64_t> cpu_quota;
  std::optional<uint64_t> cpu_burst;
  std::optional<uint64_t> cpu_rt_period;
  std::optional<int64_t> cpu_rt_runtime;
  std::optional<uint64_t> cpu_share;
  std::optional<std::string> cpuset_cpus;
  std::optional<std::string> cpuset_mems;
  std::optional<int64_t> kernel_memory;
  std::optional<int64_t> kernel_memory_tcp;
  std::optional<int64_t> memory;
  std::optional<int64_t> memory_reservation;
  std::optional<int64_t> memory_swap;
  std::optional<int64_t> pids_limit;
  std::optional<std::string> l3_cache_schema;
  std::optional<std::string> mem_bw_schema;
  bool operator==(const UpdateOptions&) const = default;
};

struct SpecOptions {
  std::string bundle = ".";
  bool rootless = false;
  bool operator==(const SpecOptions&) const = default;
};

struct FeaturesOptions {
  bool operator==(const FeaturesOptions&) const = default;
};

// checkpoint and restore are not supported. Their runc flags are recognised
// (so a flag's value is not mistaken for the ID) and kept as given, in
// canonical form ("--image-path=/x", "--leave-running"), for the error.
struct CheckpointOptions {
  std::string id;
  std::vector<std::string> flags;
  bool operator==(const CheckpointOptions&) const = default;
};

struct RestoreOptions {
  std::string id;
  std::vector<std::string> flags;
  bool operator==(const RestoreOptions&) const = default;
};

// Internal commands: the runbox binary re-executed as a pod's sandbox
// supervisor or as a container's init. Not in the help. Everything after
// the command name is passed through unparsed to its owner.
struct SuperviseOptions {
  std::vector<std::string> args;
  bool operator==(const SuperviseOptions&) const = default;
};

struct InitOptions {
  std::vector<std::string> args;
  bool operator==(const InitOptions&) const = default;
};

using CommandOptions =
    std::variant<HelpOptions, VersionOptions, CreateOptions, RunOptions,
                 StartOptions, StateOptions, KillOptions, DeleteOptions,
                 ListOptions, PsOptions, ExecOptions, PauseOptions,
                 ResumeOptions, EventsOptions, UpdateOptions, SpecOptions,
                 FeaturesOptions, WaitOptions, CheckpointOptions,
                 RestoreOptions, SuperviseOptions, InitOptions>;

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_OPTIONS_H_
