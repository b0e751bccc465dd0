// create (runtime.md "create"): validate everything, record the container
// (Creating), boot its supervisor and init, and return once init waits for
// start (Created). Every step before "commit" is undone on failure, and a
// create killed at any point leaves a Creating record that `delete --force`
// sweeps (DESIGN.md invariant 2).
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/container/container.h"
#include "runtime/container/container_internal.h"
#include "runtime/pod/pod.h"
#include "runtime/sandbox/boot.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/sandbox/console.h"
#include "runtime/sandbox/resctrl/resctrl.h"
#include "runtime/sandbox/self_exe.h"
#include "runtime/sandbox/sync.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/serialize.h"
#include "runtime/spec/validate.h"
#include "runtime/state/container_id.h"
#include "runtime/state/process_alive.h"

namespace runbox {
namespace {

// config.json is small; anything this large is a mistake or an attack.
constexpr size_t kMaxConfigBytes = 4 << 20;

}  // namespace

absl::StatusOr<std::string> internal::AbsolutePath(Host& host,
                                                   absl::string_view path) {
  if (absl::StartsWith(path, "/")) return std::string(path);
  ASSIGN_OR_RETURN(std::string cwd, host.GetCwd());
  if (path == "." || path.empty()) return cwd;
  return absl::StrCat(cwd == "/" ? "" : cwd, "/", path);
}

namespace {

// The bundle's config, parsed and validated: all of it before any side
// effect (DESIGN.md security rules).
struct LoadedConfig {
  std::string text;
  spec::Config config;
};
absl::StatusOr<LoadedConfig> LoadConfig(Host& host, absl::string_view bundle) {
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), bundle, {.flags = OpenFlags::kDirectory});
  if (!dir.ok())
    return Annotate(dir.status(), absl::StrCat("open bundle \"", bundle, "\""));
  LoadedConfig loaded;
  ASSIGN_OR_RETURN(loaded.text,
                   ReadFileAt(host, *dir, "config.json", kMaxConfigBytes));
  absl::StatusOr<spec::Config> config = spec::ParseConfig(loaded.text);
  if (!config.ok()) return Annotate(config.status(), "config.json");
  RETURN_IF_ERROR(Annotate(spec::Validate(*config), "config.json"));
  if (!config->process) {
    return absl::InvalidArgumentError(
        "config.json: process: required to create a container");
  }
  // Valid by the spec, not yet done by runbox: refused before any side
  // effect rather than ignored. (Offsets must be written before the first
  // process enters the time namespace, which a clone into it already is.)
  if (config->linux && !config->linux->time_offsets.empty()) {
    return absl::UnimplementedError(
        "config.json: linux.timeOffsets: time namespace offsets are not "
        "supported by runbox yet");
  }
  loaded.config = std::move(*config);
  return loaded;
}

}  // namespace

// Writes the pid file the way runc does: whole or not at all.
absl::Status internal::WritePidFile(Host& host, absl::string_view path,
                                    Pid pid) {
  ASSIGN_OR_RETURN(std::string absolute, AbsolutePath(host, path));
  size_t slash = absolute.rfind('/');
  std::string dir_path = slash == 0 ? "/" : absolute.substr(0, slash);
  ASSIGN_OR_RETURN(Fd dir, host.OpenAt(Fd::Cwd(), dir_path,
                                       {.flags = OpenFlags::kDirectory}));
  return Annotate(AtomicWriteFileAt(host, dir, absolute.substr(slash + 1),
                                    absl::StrCat(pid.value), 0644),
                  absl::StrCat("write pid file \"", path, "\""));
}

namespace {

absl::StatusOr<ProcessIdentity> ParseIdentity(absl::string_view text) {
  std::vector<std::string> words = absl::StrSplit(text, ' ');
  ProcessIdentity identity;
  if (words.size() != 2 || !absl::SimpleAtoi(words[0], &identity.pid.value) ||
      !absl::SimpleAtoi(words[1], &identity.start_time)) {
    return absl::InternalError(
        absl::StrCat("bad init identity \"", text, "\""));
  }
  return identity;
}

// The init of the pod sandbox `sandbox_id`, which a container joining the
// pod shares namespaces with. The sandbox must be a live pod sandbox.
absl::StatusOr<ProcessIdentity> SandboxInit(RuntimeContext& ctx,
                                            StateStore& store,
                                            absl::string_view sandbox_id) {
  absl::StatusOr<Meta> sandbox = store.Load(sandbox_id);
  if (absl::IsNotFound(sandbox.status())) {
    return absl::NotFoundError(
        absl::StrCat("pod sandbox \"", sandbox_id, "\" does not exist"));
  }
  RETURN_IF_ERROR(sandbox.status());
  ASSIGN_OR_RETURN(pod::PodRole role, pod::RoleOf(sandbox->annotations));
  if (role.role != pod::Role::kSandbox) {
    return absl::FailedPreconditionError(
        absl::StrCat("container \"", sandbox_id, "\" is not a pod sandbox"));
  }
  ASSIGN_OR_RETURN(internal::LiveStatus live,
                   internal::CurrentStatus(ctx, store, *sandbox));
  if (live.status == ContainerStatus::kStopped || !sandbox->init) {
    return absl::FailedPreconditionError(absl::StrCat(
        "pod sandbox \"", sandbox_id, "\" is ",
        ContainerStatusName(live.status), "; it has no namespaces to join"));
  }
  return *sandbox->init;
}

// The sandbox's init still is the process whose namespaces we joined. A
// pod member is created only while its sandbox lives: the sandbox's
// supervisor stops the members it finds once its init has exited, and a
// member created after that scan must not outlive the pod.
absl::Status CheckSandboxAlive(Host& host, const ProcessIdentity& init,
                               absl::string_view sandbox_id) {
  ASSIGN_OR_RETURN(bool alive, IsAlive(host, init));
  if (alive) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("pod sandbox \"", sandbox_id,
                   "\" stopped while the container joined it"));
}

}  // namespace

absl::Status Create(RuntimeContext& ctx, const CreateRequest& request) {
  Host& host = ctx.host;
  const std::string context =
      absl::StrCat("create container \"", request.id, "\"");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateContainerId(request.id));
    ASSIGN_OR_RETURN(std::string bundle,
                     internal::AbsolutePath(host, request.bundle));
    ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfig(host, bundle));
    RETURN_IF_ERROR(CheckConsoleSocket(loaded.config.process->terminal,
                                       request.console_socket,
                                       !request.attached));
    if (loaded.config.process->terminal && request.console_socket.empty() &&
        request.console_connection == nullptr) {
      return absl::InvalidArgumentError(
          "process.terminal needs a console (--console-socket)");
    }
    // The cgroups the supervisor will make, known before anything exists,
    // so a killed create leaves a record of them (DESIGN.md invariant 2).
    const std::string cgroups_path =
        loaded.config.linux ? loaded.config.linux->cgroups_path : "";
    ASSIGN_OR_RETURN(std::string cgroup,
                     cgroups::ContainerCgroupPath(cgroups_path, request.id));
    ASSIGN_OR_RETURN(cgroups::CgroupManager planned,
                     cgroups::CgroupManager::ForContainer(host, cgroup));
    // The Intel RDT group, found (or found missing) before anything
    // exists: no resctrl mounted is an error that leaves nothing behind.
    const std::optional<spec::IntelRdt>& rdt =
        loaded.config.linux ? loaded.config.linux->intel_rdt : std::nullopt;
    std::optional<resctrl::Group> rdt_group;
    if (rdt.has_value()) {
      ASSIGN_OR_RETURN(rdt_group, resctrl::PlanGroup(host, *rdt, request.id));
    }
    ASSIGN_OR_RETURN(StateStore store, internal::OpenStore(ctx));
    // config-linux.md "Control groups": a cgroup that already holds
    // processes (another container's) is not fit for a new container, as
    // runc 1.2 decides; refused before anything exists, so the failure
    // leaves those processes and their cgroup alone. A container of this
    // id that exists already is reported as such by CreateExclusive below.
    absl::StatusOr<std::vector<Pid>> occupants = planned.Processes();
    if (occupants.ok() && !occupants->empty() && !store.Load(request.id).ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cgroup \"", cgroup, "\" is not empty: ", occupants->size(),
          " process(es) already in it"));
    }

    // A pod member boots into its sandbox's namespaces (runtime/pod).
    ASSIGN_OR_RETURN(pod::PodRole role, pod::RoleOf(loaded.config.annotations));
    std::optional<ProcessIdentity> sandbox_init;
    if (role.role == pod::Role::kContainer) {
      ASSIGN_OR_RETURN(sandbox_init, SandboxInit(ctx, store, role.sandbox_id));
      pod::JoinSandboxNamespaces(loaded.config, sandbox_init->pid);
      loaded.text = spec::SerializeConfig(loaded.config);
    }

    Meta meta;
    meta.sandbox = role.sandbox_id;
    meta.planned_cgroups = planned.Paths();
    if (rdt_group) {
      meta.resctrl_group = rdt_group->path;
      meta.resctrl_owned = !rdt_group->exists;
    }
    meta.id = request.id;
    meta.status = ContainerStatus::kCreating;
    meta.bundle = bundle;
    meta.created = host.RealNow();
    meta.owner = host.GetUid();
    ASSIGN_OR_RETURN(meta.creator, host.GetProcessIdentity(host.GetPid()));
    meta.annotations = loaded.config.annotations;
    meta.no_new_keyring = request.no_new_keyring;
    // config.md "Linux process": logged and left out, never a failure.
    internal::WarnUngrantableCapabilities(
        ctx, *loaded.config.process,
        absl::StrCat("container \"", request.id, "\""));
    ASSIGN_OR_RETURN(ContainerLock lock, store.CreateExclusive(meta));

    // From here on a failure must leave no trace: the supervisor (and with
    // it init, by its parent-death signal) is killed and reaped, then the
    // record goes.
    Pid supervisor;
    absl::Cleanup undo = [&] {
      if (supervisor.value != 0) {
        (void)host.Kill(supervisor, Signal::kKill);
        (void)host.Wait(supervisor, WaitFlags::kNone);
        // runtime.md: a failed create hook stops the container and the
        // lifecycle goes on at destroy (step 12) and poststop (step 13).
        internal::RunPoststopHooks(ctx, meta, loaded.config);
      }
      lock.Release();
      // Tried twice: a transient failure (EMFILE, ENOMEM) passes. Cgroups
      // that still cannot go keep the record, which names them, so that
      // `delete --force` can; without it they would leak unseen.
      absl::Status removed =
          cgroups::CgroupManager::RemovePaths(host, meta.planned_cgroups);
      if (!removed.ok()) {
        removed =
            cgroups::CgroupManager::RemovePaths(host, meta.planned_cgroups);
      }
      if (!removed.ok()) {
        ctx.warn(absl::StrCat("container \"", request.id,
                              "\": cgroups not removed (", removed.message(),
                              "); `runbox delete --force ", request.id,
                              "` removes them"));
        return;
      }
      if (meta.resctrl_owned) {
        (void)resctrl::RemoveGroup(host, meta.resctrl_group);
      }
      (void)store.DestroyIncarnation(lock, DestroyMode::kForce);
    };
    // The config this container is created with, kept beside meta.json:
    // delete, exec and update read it, never the bundle's again (runtime.md
    // "Lifecycle"). A pod member's is the text its supervisor gets, with
    // the sandbox's namespaces.
    RETURN_IF_ERROR(store.SaveConfigLocked(lock, loaded.text));
    if (rdt_group) {
      absl::StatusOr<bool> made = resctrl::SetUpGroup(host, *rdt_group, *rdt);
      // Not ours if another process made it first; a group SetUpGroup made
      // and could not finish, it removes itself.
      meta.resctrl_owned = made.ok() && *made;
      RETURN_IF_ERROR(made.status());
    }

    // The supervisor never enters the container, so it runs from the binary
    // itself (pages shared with every other runbox); init, which does, gets
    // a sealed copy that the supervisor drops once init has exec'd it.
    ASSIGN_OR_RETURN(Fd self, host.OpenSelfExe());
    ASSIGN_OR_RETURN(Fd exe, SealedCopyOfSelf(host));
    ASSIGN_OR_RETURN(Fd config_fd,
                     SealedMemfd(host, "config.json", loaded.text));
    ASSIGN_OR_RETURN(SocketPairFds report,
                     host.SocketPair(SocketType::kSeqPacket));
    Fd console;
    if (!request.console_socket.empty()) {
      ASSIGN_OR_RETURN(console,
                       ConnectConsoleSocket(host, request.console_socket));
    } else if (request.console_connection != nullptr) {
      ASSIGN_OR_RETURN(console, host.Dup(*request.console_connection));
    }

    SuperviseArgs args;
    args.id = request.id;
    args.root = store.layout().root();
    args.bundle = bundle;
    args.console_socket = request.console_socket;
    if (console.valid() && args.console_socket.empty()) {
      args.console_socket = "-";  // runbox's own: a foreground `run`.
    }
    args.no_pivot = request.no_pivot;
    args.no_new_keyring = request.no_new_keyring;
    args.preserve_fds = request.preserve_fds;
    SpawnRequest spawn;
    spawn.path = "runbox";
    spawn.exec_fd = &self;
    spawn.argv = {"runbox", "supervise"};
    // The caller's environment, as runc's init gets it (the container's
    // process gets process.env only).
    spawn.env = host.Environment();
    for (std::string& arg : args.ToArgs()) spawn.argv.push_back(std::move(arg));
    std::vector<Fd> inherited;
    inherited.reserve(3 + request.preserve_fds);
    for (int fd = 0; fd < 3 + request.preserve_fds; ++fd) {
      inherited.emplace_back(fd, nullptr);  // Not ours to close.
    }
    spawn.fds = {{&inherited[0], 0},
                 {&inherited[1], 1},
                 {&inherited[2], 2},
                 {&report.second, kSupervisorReportFd},
                 {&exe, kSupervisorExeFd},
                 {&config_fd, kSupervisorConfigFd},
                 {&lock.dir(), kSupervisorLockFd}};
    if (console.valid()) spawn.fds.push_back({&console, kSupervisorConsoleFd});
    for (int i = 0; i < request.preserve_fds; ++i) {
      spawn.fds.push_back(
          {&inherited[kFirstPreservedFd + i], kSupervisorFirstPreservedFd + i});
    }
    // Until it has heard "commit", the supervisor dies with us.
    spawn.parent_death_signal = Signal::kKill;
    absl::StatusOr<SpawnResult> spawned = host.Spawn(spawn);
    if (!spawned.ok()) return Annotate(spawned.status(), "start supervisor");
    supervisor = spawned->pid;
    report.second.Reset();
    console.Reset();

    ASSIGN_OR_RETURN(meta.supervisor, host.GetProcessIdentity(supervisor));
    RETURN_IF_ERROR(store.SaveLocked(lock, meta));
    ASSIGN_OR_RETURN(std::string ready,
                     ExpectSync(host, report.first, "ready", "supervisor"));
    ASSIGN_OR_RETURN(meta.init, ParseIdentity(ready));
    // Into the Intel RDT group before init runs any of the user's code (it
    // waits for start); its children inherit the group.
    if (!meta.resctrl_group.empty()) {
      RETURN_IF_ERROR(
          resctrl::AddTask(host, meta.resctrl_group, meta.init->pid));
    }
    if (sandbox_init) {
      RETURN_IF_ERROR(CheckSandboxAlive(host, *sandbox_init, role.sandbox_id));
    }
    meta.status = ContainerStatus::kCreated;
    RETURN_IF_ERROR(store.SaveLocked(lock, meta));
    RETURN_IF_ERROR(SendSync(host, report.first, "commit"));
    RETURN_IF_ERROR(
        ExpectSync(host, report.first, "done", "supervisor").status());
    if (!request.pid_file.empty()) {
      RETURN_IF_ERROR(
          internal::WritePidFile(host, request.pid_file, supervisor));
    }
    std::move(undo).Cancel();
    return absl::OkStatus();
  }();
  return Annotate(status, context);
}

}  // namespace runbox
