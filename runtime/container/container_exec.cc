// exec (runc's `exec`): a new process in a running container. Like runc,
// the process is a child of the caller, not of the supervisor, so an engine
// that is our subreaper (conmon) can wait for a detached one. It joins
// init's namespaces (those that differ from ours), takes the container's
// root and execs, through `runbox init --exec`.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/container/container.h"
#include "runtime/container/container_internal.h"
#include "runtime/sandbox/boot.h"
#include "runtime/sandbox/console.h"
#include "runtime/sandbox/keyring.h"
#include "runtime/sandbox/resctrl/resctrl.h"
#include "runtime/sandbox/rootfs.h"
#include "runtime/sandbox/self_exe.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/serialize.h"
#include "runtime/state/process_alive.h"

namespace runbox {

// The most init --exec writes to report why it could not exec.
inline constexpr size_t kMaxExecReport = 64 * 1024;
namespace {

constexpr Namespaces kAllNamespaces[] = {
    Namespaces::kUser,   Namespaces::kMount, Namespaces::kPid,
    Namespaces::kNet,    Namespaces::kIpc,   Namespaces::kUts,
    Namespaces::kCgroup, Namespaces::kTime};

// init's namespaces that are not ours: (type, fd) in join order, user
// first (it grants the rights to join the rest).
struct Joins {
  std::vector<Namespaces> types;
  std::vector<Fd> fds;
};
absl::StatusOr<Joins> NamespacesToJoin(Host& host, Pid init) {
  Joins joins;
  for (Namespaces type : kAllNamespaces) {
    absl::StatusOr<Fd> theirs = host.OpenNamespace(init, type);
    // A kernel without this namespace type (time before 5.6): nothing to do.
    if (IsErrno(theirs, ENOENT) && type == Namespaces::kTime) continue;
    if (!theirs.ok())
      return Annotate(theirs.status(), absl::StrCat("open ", ToString(type),
                                                    " namespace of init"));
    ASSIGN_OR_RETURN(Fd ours, host.OpenNamespace(host.GetPid(), type));
    ASSIGN_OR_RETURN(FileStat a, host.FStat(*theirs));
    ASSIGN_OR_RETURN(FileStat b, host.FStat(ours));
    if (a.dev == b.dev && a.ino == b.ino) continue;
    joins.types.push_back(type);
    joins.fds.push_back(std::move(*theirs));
  }
  return joins;
}

// What `runbox init --exec` reads: the exec'd process with the container's
// linux object, whose seccomp and personality apply to every process of the
// container (runc's setns init applies them too). An oomScoreAdj the
// process does not set is the container's, as runc gives exec'd processes.
std::string ExecConfig(const spec::Config& container,
                       const spec::Process& process) {
  spec::Config out;
  out.oci_version = std::string(spec::kOciVersion);
  out.root = container.root;
  out.process = process;
  if (!out.process->oom_score_adj && container.process) {
    out.process->oom_score_adj = container.process->oom_score_adj;
  }
  out.linux = container.linux;
  return spec::SerializeConfig(out, spec::JsonStyle::kCompact);
}

}  // namespace

absl::StatusOr<spec::Config> CreatedConfig(RuntimeContext& ctx,
                                           absl::string_view id) {
  ASSIGN_OR_RETURN(StateStore store, internal::OpenStore(ctx));
  return internal::CreatedConfig(store, id);
}

absl::StatusOr<ExecResult> Exec(RuntimeContext& ctx,
                                const ExecProcessRequest& request) {
  Host& host = ctx.host;
  const std::string context =
      absl::StrCat("exec in container \"", request.id, "\"");
  absl::StatusOr<ExecResult> result = [&]() -> absl::StatusOr<ExecResult> {
    RETURN_IF_ERROR(CheckConsoleSocket(request.process.terminal,
                                       request.console_socket, request.detach));
    ASSIGN_OR_RETURN(StateStore store, internal::OpenStore(ctx));
    ASSIGN_OR_RETURN(Meta meta, store.Load(request.id));
    ASSIGN_OR_RETURN(internal::LiveStatus live,
                     internal::CurrentStatus(ctx, store, meta));
    if (live.status != ContainerStatus::kRunning &&
        live.status != ContainerStatus::kCreated) {
      return internal::WrongState("exec in", request.id, live.status);
    }
    if (!meta.init)
      return absl::FailedPreconditionError("container has no init");
    ASSIGN_OR_RETURN(bool alive, IsAlive(host, *meta.init));
    if (!alive)
      return internal::WrongState("exec in", request.id,
                                  ContainerStatus::kStopped);

    ASSIGN_OR_RETURN(Joins joins, NamespacesToJoin(host, meta.init->pid));
    // The config the container was created with, not the bundle's
    // (runtime.md "Lifecycle": later edits of it have no effect).
    ASSIGN_OR_RETURN(spec::Config config,
                     internal::CreatedConfig(store, meta.id));
    // config.md "Linux process": logged and left out, never a failure.
    internal::WarnUngrantableCapabilities(
        ctx, request.process,
        absl::StrCat("exec in container \"", meta.id, "\""));
    const std::string rootfs = ExecRootfs(config, meta.bundle);
    ASSIGN_OR_RETURN(Fd exe, SealedCopyOfSelf(host));
    ASSIGN_OR_RETURN(
        Fd process_fd,
        SealedMemfd(host, "config.json", ExecConfig(config, request.process)));

    InitArgs init;
    init.exec = true;
    init.rootfs = rootfs;
    if (!meta.no_new_keyring) {
      init.session_keyring = SessionKeyringName(meta.id);
    }
    init.preserve_fds = request.preserve_fds;
    init.config_fd = kFirstPreservedFd + request.preserve_fds;
    init.sync_fd = init.config_fd + 1;
    Fd console;
    // A terminal in the foreground: runbox holds the master (`own_end`).
    Fd own_end;
    if (!request.console_socket.empty()) {
      ASSIGN_OR_RETURN(console,
                       ConnectConsoleSocket(host, request.console_socket));
    } else if (request.process.terminal) {
      ASSIGN_OR_RETURN(SocketPairFds pair,
                       host.SocketPair(SocketType::kStream));
      console = std::move(pair.second);
      own_end = std::move(pair.first);
    }
    if (console.valid()) init.console_socket_fd = init.sync_fd + 1;
    // How init reports a failure before the exec (runc's exec reports it
    // too, also with --detach): EOF alone means the exec happened.
    ASSIGN_OR_RETURN(PipeFds report, host.Pipe());
    init.report_fd =
        (console.valid() ? init.console_socket_fd : init.sync_fd) + 1;
    ASSIGN_OR_RETURN(PipeFds go, host.Pipe());
    SpawnRequest spawn;
    spawn.path = "runbox";
    spawn.exec_fd = &exe;
    spawn.argv = {"runbox", "init"};
    for (std::string& arg : init.ToArgs()) spawn.argv.push_back(std::move(arg));
    spawn.env = request.process.env;
    std::vector<Fd> inherited;
    inherited.reserve(3 + request.preserve_fds);
    for (int fd = 0; fd < 3 + request.preserve_fds; ++fd) {
      inherited.emplace_back(fd, nullptr);  // Not ours to close.
      spawn.fds.push_back({&inherited.back(), fd});
    }
    spawn.fds.push_back({&process_fd, init.config_fd});
    spawn.fds.push_back({&go.read, init.sync_fd});
    if (console.valid()) {
      spawn.fds.push_back({&console, init.console_socket_fd});
    }
    spawn.fds.push_back({&report.write, init.report_fd});
    for (size_t i = 0; i < joins.types.size(); ++i) {
      // A pid namespace is chosen by the parent, for its next children.
      if (joins.types[i] == Namespaces::kPid) {
        RETURN_IF_ERROR(Annotate(host.Setns(joins.fds[i], Namespaces::kPid),
                                 "join pid namespace"));
        continue;
      }
      spawn.join_namespaces.push_back({joins.types[i], &joins.fds[i]});
    }
    ASSIGN_OR_RETURN(SpawnResult spawned, host.Spawn(spawn));
    go.read.Reset();
    report.write.Reset();
    console.Reset();
    // Into the container's cgroups before it runs anything of the user's
    // (it waits for "go"): pause, ps and kill --all must see it.
    for (const std::string& cgroup : meta.planned_cgroups) {
      absl::Status joined = host.CgroupAddProcess(cgroup, spawned.pid);
      if (!joined.ok()) {
        (void)host.Kill(spawned.pid, Signal::kKill);
        (void)host.Wait(spawned.pid, WaitFlags::kNone);
        return Annotate(joined, absl::StrCat("put the process into cgroup \"",
                                             cgroup, "\""));
      }
    }
    // And into the container's Intel RDT group, as runc's setns process.
    if (!meta.resctrl_group.empty()) {
      absl::Status joined =
          resctrl::AddTask(host, meta.resctrl_group, spawned.pid);
      if (!joined.ok()) {
        (void)host.Kill(spawned.pid, Signal::kKill);
        (void)host.Wait(spawned.pid, WaitFlags::kNone);
        return joined;
      }
    }
    RETURN_IF_ERROR(WriteAll(host, go.write, "g"));
    go.write.Reset();
    ASSIGN_OR_RETURN(std::string failure,
                     ReadAll(host, report.read, kMaxExecReport));
    report.read.Reset();
    if (!failure.empty()) {
      absl::StatusOr<std::optional<WaitResult>> reaped;
      do {
        reaped = host.Wait(spawned.pid, WaitFlags::kNone);
      } while (IsErrno(reaped, EINTR));
      return absl::FailedPreconditionError(
          absl::StrCat("unable to start container process: ", failure));
    }
    ExecResult out;
    out.pid = spawned.pid;
    if (request.detach) {
      if (!request.pid_file.empty()) {
        RETURN_IF_ERROR(
            internal::WritePidFile(host, request.pid_file, out.pid));
      }
      return out;
    }
    if (own_end.valid()) {
      absl::StatusOr<Fd> master = ReceiveConsole(host, own_end);
      if (master.ok() && master->valid()) {
        absl::Status relayed =
            RelayConsole(host, *master, Fd(0, nullptr), Fd(1, nullptr));
        if (!relayed.ok()) {
          ctx.warn(absl::StrCat("console: ", relayed.message()));
        }
      }
    }
    ASSIGN_OR_RETURN(std::optional<WaitResult> waited,
                     host.Wait(spawned.pid, WaitFlags::kNone));
    out.status = waited->status;
    return out;
  }();
  if (!result.ok()) return Annotate(result.status(), context);
  return result;
}

absl::StatusOr<std::optional<ExitStatus>> Run(RuntimeContext& ctx,
                                              const RunRequest& request) {
  Host& host = ctx.host;
  CreateRequest create = request;
  create.attached = !request.detach;
  // In the foreground without --console-socket, runbox is the console's
  // engine (runc's too): init sends the master here if process.terminal,
  // and otherwise just closes its end.
  std::optional<SocketPairFds> console;
  if (create.attached && request.console_socket.empty()) {
    ASSIGN_OR_RETURN(console, host.SocketPair(SocketType::kStream));
    create.console_connection = &console->second;
  }
  RETURN_IF_ERROR(Create(ctx, create));
  Fd master;
  if (console) {
    console->second.Reset();
    // Create returned: init has sent the master or closed its end.
    absl::StatusOr<Fd> received = ReceiveConsole(host, console->first);
    if (!received.ok()) {
      (void)Delete(ctx, request.id, /*force=*/true);
      return received.status();
    }
    master = *std::move(received);
  }
  absl::Status started = Start(ctx, request.id);
  if (!started.ok()) {
    (void)Delete(ctx, request.id, /*force=*/true);
    return started;
  }
  if (request.detach) return std::optional<ExitStatus>();
  if (master.valid()) {
    absl::Status relayed =
        RelayConsole(host, master, Fd(0, nullptr), Fd(1, nullptr));
    if (!relayed.ok()) ctx.warn(absl::StrCat("console: ", relayed.message()));
    master.Reset();
  }
  ASSIGN_OR_RETURN(ExitStatus status, Wait(ctx, request.id));
  if (!request.keep) RETURN_IF_ERROR(Delete(ctx, request.id, /*force=*/true));
  return std::optional<ExitStatus>(status);
}

}  // namespace runbox
