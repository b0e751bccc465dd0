// `runbox init`: the container's first process until the user's program
// replaces it. Spawned by the supervisor inside the container's new
// namespaces, it finishes the setup that must happen from inside, runs the
// in-container hooks, waits for `start`, and execs the program. With
// --exec it is instead a process `runbox exec` starts in a running
// container's namespaces. runtime-spec runtime.md "Lifecycle" steps 2-8.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/boot.h"
#include "runtime/sandbox/console.h"
#include "runtime/sandbox/exec_process.h"
#include "runtime/sandbox/hooks.h"
#include "runtime/sandbox/keyring.h"
#include "runtime/sandbox/process_setup.h"
#include "runtime/sandbox/rootfs.h"
#include "runtime/sandbox/sandbox.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/sandbox/sync.h"
#include "runtime/spec/parse.h"
#include "runtime/state/meta.h"
#include "runtime/state/oci_state.h"

namespace runbox {
namespace {

// An fd this process inherited by number, owned from now on.
absl::StatusOr<std::string> ReadInherited(Host& host, const Fd& fd) {
  std::string text;
  char buf[16384];
  for (int64_t offset = 0;;) {
    ASSIGN_OR_RETURN(size_t n, host.PRead(fd, absl::MakeSpan(buf), offset));
    if (n == 0) return text;
    text.append(buf, n);
    offset += n;
  }
}

// The state JSON the in-container hooks read. The supervisor sends only
// our pid as the host sees it (sync messages are small; annotations may
// not be), and the rest is in the config we already have.
absl::StatusOr<std::string> HookState(const InitArgs& args,
                                      const spec::Config& config,
                                      absl::string_view pid,
                                      ContainerStatus status) {
  OciState state;
  state.id = args.id;
  state.status = status;
  if (!absl::SimpleAtoi(pid, &state.pid.value)) {
    return absl::InternalError(absl::StrCat("bad pid from supervisor \"", pid, "\""));
  }
  state.bundle = args.bundle;
  state.annotations = config.annotations;
  return SerializeOciState(state);
}

// linux.seccomp compiled, and its agent connected while listenerPath still
// resolves in the runtime's mount namespace: before the root changes.
absl::StatusOr<std::optional<PreparedSeccomp>> PrepareContainerSeccomp(
    Host& host, const spec::Config& config) {
  if (!config.linux || !config.linux->seccomp) return std::nullopt;
  ASSIGN_OR_RETURN(PreparedSeccomp prepared,
                   PrepareSeccomp(host, *config.linux->seccomp));
  return std::optional<PreparedSeccomp>(std::move(prepared));
}

// What the seccomp agent learns about a process of `runbox exec`, which
// knows neither the container's id nor its bundle: a running container
// with this process's pid.
std::string ExecSeccompState(Host& host) {
  OciState state;
  state.status = ContainerStatus::kRunning;
  state.pid = host.GetPid();
  return SerializeOciState(state);
}

// The process of `config` with the container-wide settings that apply to
// it; `config` and `seccomp` must outlive the result.
ContainerProcess ContainerProcessOf(const spec::Config& config,
                                    std::optional<PreparedSeccomp>& seccomp,
                                    absl::string_view state_json) {
  ContainerProcess target;
  target.process = &*config.process;
  target.state_json = std::string(state_json);
  if (seccomp) target.seccomp = &*seccomp;
  if (config.linux) {
    if (config.linux->personality) {
      target.personality = &*config.linux->personality;
    }
  }
  return target;
}

// Everything between spawn and exec. `sync` is the socket to the
// supervisor: it is close-on-exec, so a successful exec closes it, which
// is how the supervisor learns that `start` worked.
absl::Status RunInit(Host& host, const InitArgs& args, const Fd& sync) {
  Fd console_socket = args.console_socket_fd >= 0
                          ? host.AdoptFd(args.console_socket_fd)
                          : Fd();
  Fd config_fd = host.AdoptFd(args.config_fd);
  ASSIGN_OR_RETURN(std::string config_text, ReadInherited(host, config_fd));
  config_fd.Reset();
  ASSIGN_OR_RETURN(spec::Config config, spec::ParseConfig(config_text));
  const spec::Process& process = *config.process;  // Create checked it.
  // runc's first step in the new namespaces: the container's own session
  // keyring, not the caller's.
  if (!args.no_new_keyring) {
    RETURN_IF_ERROR(JoinContainerSessionKeyring(host, config, args.id));
  }

  if (!config.hostname.empty() && HasNewNamespace(config, spec::NamespaceType::kUts)) {
    RETURN_IF_ERROR(
        Annotate(host.Sethostname(config.hostname), "set hostname"));
  }
  if (!config.domainname.empty() &&
      HasNewNamespace(config, spec::NamespaceType::kUts)) {
    RETURN_IF_ERROR(
        Annotate(host.Setdomainname(config.domainname), "set domainname"));
  }

  // runc brings up lo in a network namespace it creates (its "loopback"
  // network): without it nothing, not even a pod's containers sharing the
  // namespace, reaches 127.0.0.1 (ENETUNREACH).
  if (HasNewNamespace(config, spec::NamespaceType::kNetwork)) {
    RETURN_IF_ERROR(Annotate(host.BringUpLoopback(), "bring up lo"));
  }

  // The namespaces exist: the supervisor runs prestart and createRuntime
  // hooks in the runtime's namespaces now, then lets us go on.
  RETURN_IF_ERROR(SendSync(host, sync, "setup"));
  ASSIGN_OR_RETURN(std::string pid,
                   ExpectSync(host, sync, "continue", "supervisor"));
  ASSIGN_OR_RETURN(std::string state_json,
                   HookState(args, config, pid, ContainerStatus::kCreating));

  // createContainer: in the container's namespaces, before the root moves.
  RETURN_IF_ERROR(RunHooks(host, config.hooks.create_container,
                           "createContainer", state_json));
  // The seccomp agent gets the state of a creating container (config-linux.md
  // "The Container Process State").
  const std::string seccomp_state = state_json;
  ASSIGN_OR_RETURN(std::optional<PreparedSeccomp> seccomp,
                   PrepareContainerSeccomp(host, config));
  RETURN_IF_ERROR(PrepareRootfs(host, config, args.bundle, args.no_pivot));
  RETURN_IF_ERROR(SetupConsole(host, process, std::move(console_socket),
                               ConsoleMount::kDevConsole));
  RETURN_IF_ERROR(ApplyContainerSysctls(host, config));
  RETURN_IF_ERROR(FinalizeRootfs(host, config));
  // As runc: a program that cannot run fails create, so an engine never
  // holds a created container that cannot start.
  RETURN_IF_ERROR(CheckProgram(host, process));

  RETURN_IF_ERROR(SendSync(host, sync, "ready"));
  RETURN_IF_ERROR(ExpectSync(host, sync, "start", "supervisor").status());
  ASSIGN_OR_RETURN(state_json,
                   HookState(args, config, pid, ContainerStatus::kCreated));
  ContainerProcess target = ContainerProcessOf(config, seccomp, seccomp_state);
  // runtime.md: startContainer hooks run in the container after start, before
  // the user's program; like runc we run them as the container's process
  // would run, after the privilege drop and the seccomp filter.
  target.before_exec = [&]() {
    return RunHooks(host, config.hooks.start_container, "startContainer",
                    state_json);
  };
  return ExecUserProcess(host, target);
}

// `runbox init --exec`: a process for `runbox exec`, already in the
// container's namespaces; it takes the container's root and execs.
absl::Status RunExecInit(Host& host, const InitArgs& args) {
  Fd console_socket = args.console_socket_fd >= 0
                          ? host.AdoptFd(args.console_socket_fd)
                          : Fd();
  // Nothing of the user's runs before we are in the container's cgroups:
  // `runbox exec` moves us there, then says "go" (EOF means it gave up).
  Fd go = host.AdoptFd(args.sync_fd);
  char byte = 0;
  ASSIGN_OR_RETURN(size_t n, host.Read(go, absl::MakeSpan(&byte, 1)));
  if (n != 1) return absl::AbortedError("runbox exec gave up");
  go.Reset();
  // runc's setns init: the container's session keyring, by name.
  if (!args.session_keyring.empty()) {
    RETURN_IF_ERROR(JoinExistingSessionKeyring(host, args.session_keyring));
  }
  // A config.json holding the exec'd process and the container's linux
  // object, whose seccomp and personality apply to it too (runc's setns
  // init does the same).
  Fd config_fd = host.AdoptFd(args.config_fd);
  ASSIGN_OR_RETURN(std::string text, ReadInherited(host, config_fd));
  config_fd.Reset();
  ASSIGN_OR_RETURN(spec::Config config, spec::ParseConfig(text));
  if (!config.process) return absl::InvalidArgumentError("exec: no process");
  ASSIGN_OR_RETURN(std::optional<PreparedSeccomp> seccomp,
                   PrepareContainerSeccomp(host, config));
  RETURN_IF_ERROR(EnterRootfsForExec(host, args.rootfs));
  // As for init, minus /dev/console: that stays init's.
  RETURN_IF_ERROR(SetupConsole(host, *config.process, std::move(console_socket),
                               ConsoleMount::kNone));
  return ExecUserProcess(
      host, ContainerProcessOf(config, seccomp, ExecSeccompState(host)));
}

}  // namespace

int InitMain(Host& host, const std::vector<std::string>& argv) {
  // Until the user's program replaces us, no process in the container may
  // open our /proc/<pid>/exe or memory (the CVE-2019-5736 class); exec
  // makes the new program dumpable again.
  (void)host.SetDumpable(false);
  absl::StatusOr<InitArgs> args = InitArgs::Parse(argv);
  if (!args.ok()) {
    (void)WriteAll(host, Fd(2, nullptr),
                   absl::StrCat("runbox init: ", args.status().message(), "\n"));
    return 1;
  }
  if (args->exec) {
    // The report pipe, moved to a close-on-exec copy: `runbox exec` reads
    // our error there (EOF: the exec happened).
    Fd report;
    if (args->report_fd >= 0) {
      Fd inherited = host.AdoptFd(args->report_fd);
      absl::StatusOr<Fd> copy = host.Dup(inherited);
      inherited.Reset();
      if (copy.ok()) report = *std::move(copy);
    }
    absl::Status s = RunExecInit(host, *args);
    if (report.valid()) {
      (void)WriteAll(host, report,
                     s.message().empty() ? "exec failed" : s.message());
    } else {
      (void)WriteAll(host, Fd(2, nullptr),
                     absl::StrCat("runbox exec: ", s.message(), "\n"));
    }
    return 127;
  }
  // Move the sync socket off its inherited number to a close-on-exec copy.
  Fd inherited = host.AdoptFd(args->sync_fd);
  absl::StatusOr<Fd> sync = host.Dup(inherited);
  inherited.Reset();
  if (!sync.ok()) return 1;
  absl::Status s = RunInit(host, *args, *sync);
  // Only failures get here: tell the supervisor why, then die.
  (void)SendSync(host, *sync, "error", s.message());
  return 127;
}

}  // namespace runbox
