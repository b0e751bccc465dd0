// The sandbox supervisor; see supervisor.h. One thread, one poll loop: the
// signalfd (SIGCHLD and forwarded signals), the control socket and its
// connections. Nothing here blocks for long except `start`, which waits for
// init's exec.
#include "runtime/sandbox/supervisor.h"

#include <cerrno>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/pod/pod.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"
#include "runtime/sandbox/cgroups/delegation.h"
#include "runtime/sandbox/cgroups/resources.h"
#include "runtime/sandbox/control/messages.h"
#include "runtime/sandbox/control/server.h"
#include "runtime/sandbox/hooks.h"
#include "runtime/sandbox/rootfs.h"
#include "runtime/sandbox/sandbox.h"
#include "runtime/sandbox/sync.h"
#include "runtime/spec/parse.h"
#include "runtime/state/exit_record.h"
#include "runtime/state/meta.h"
#include "runtime/state/oci_state.h"
#include "runtime/state/process_alive.h"
#include "runtime/state/state_store.h"

namespace runbox {

SignalSet ForwardedSignals() {
  return {Signal::kHup,   Signal::kInt,  Signal::kQuit,
          Signal::kTerm,  Signal::kUsr1, Signal::kUsr2,
          Signal::kWinch, Signal::kCont, Signal::kAlrm};
}

namespace {

// A namespace named by path. `/proc/<pid>/ns/<type>` (what pods and CRI
// write) is opened through the host's own procfs access rather than
// whatever the caller's /proc is; any other path (a bind-mounted
// namespace, /var/run/netns/...) is opened as a file.
absl::StatusOr<Fd> OpenNamespacePath(Host& host, absl::string_view path,
                                     Namespaces type) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  int pid = 0;
  if (parts.size() == 5 && parts[0].empty() && parts[1] == "proc" &&
      absl::SimpleAtoi(parts[2], &pid) && pid > 0 && parts[3] == "ns") {
    // config-linux.md: "The runtime MUST generate an error if path is not
    // associated with a namespace of type type": /proc/<pid>/ns/ipc is no
    // network namespace, even though the pid has one.
    if (parts[4] != ProcNamespaceName(type)) {
      return ErrnoError(EINVAL, absl::StrCat("\"", path, "\" is not a ",
                                             ToString(type), " namespace"));
    }
    return host.OpenNamespace(Pid{pid}, type);
  }
  return host.OpenAt(Fd::Cwd(), path, {});
}

}  // namespace

Supervisor::Supervisor(Host& host, SuperviseArgs args)
    : host_(host), args_(std::move(args)) {}

std::string Supervisor::ContainerDir() const {
  return absl::StrCat(args_.root, "/", args_.id);
}

std::string Supervisor::StateJson(absl::string_view status) const {
  OciState state;
  state.id = args_.id;
  state.status =
      ParseContainerStatus(status).value_or(ContainerStatus::kCreating);
  state.pid = init_;
  state.bundle = args_.bundle;
  state.annotations = config_.annotations;
  return SerializeOciState(state);
}

absl::StatusOr<ExitStatus> Supervisor::Run() {
  report_ = host_.AdoptFd(kSupervisorReportFd);
  exe_ = host_.AdoptFd(kSupervisorExeFd);
  config_fd_ = host_.AdoptFd(kSupervisorConfigFd);
  lock_ = host_.AdoptFd(kSupervisorLockFd);
  for (int i = 0; i < args_.preserve_fds; ++i) {
    preserved_.push_back(host_.AdoptFd(kSupervisorFirstPreservedFd + i));
  }
  if (!args_.console_socket.empty()) {
    console_ = host_.AdoptFd(kSupervisorConsoleFd);
  }
  absl::Status booted = Boot();
  if (!booted.ok()) {
    // create is waiting on the report socket: give it the reason. init,
    // if it exists, dies with us (its parent-death signal).
    (void)SendSync(host_, report_, "error", booted.message());
    if (init_.value != 0) (void)host_.Kill(init_, Signal::kKill);
    return booted;
  }
  RETURN_IF_ERROR(Serve());
  return *init_status_;
}

absl::Status Supervisor::Boot() {
  std::string text;
  char buf[16384];
  for (int64_t offset = 0;;) {
    ASSIGN_OR_RETURN(size_t n,
                     host_.PRead(config_fd_, absl::MakeSpan(buf), offset));
    if (n == 0) break;
    text.append(buf, n);
    offset += n;
  }
  ASSIGN_OR_RETURN(config_, spec::ParseConfig(text));

  // Signals arrive through the signalfd only. SIGPIPE is ignored so a
  // client that hangs up mid-reply costs an EPIPE, not the supervisor.
  SignalSet handled = ForwardedSignals();
  handled.Add(Signal::kChld);
  RETURN_IF_ERROR(host_.BlockSignals(handled).status());
  RETURN_IF_ERROR(
      host_.SetSignalDisposition(Signal::kPipe, SignalDisposition::kIgnore));
  ASSIGN_OR_RETURN(signals_, host_.SignalFd(handled));
  // Orphans of the container (without a pid namespace) come back to us to
  // be reaped, not to the engine.
  RETURN_IF_ERROR(host_.SetChildSubreaper());

  ASSIGN_OR_RETURN(
      listener_,
      control::ListenControl(host_, absl::StrCat(ContainerDir(), "/ctl.sock")));
  // The cgroups exist and hold init before init runs a line of user code
  // (it is still waiting for "continue").
  const std::string cgroups_path =
      config_.linux ? config_.linux->cgroups_path : "";
  ASSIGN_OR_RETURN(std::string cgroup,
                   cgroups::ContainerCgroupPath(cgroups_path, args_.id));
  ASSIGN_OR_RETURN(cgroups::CgroupManager manager,
                   cgroups::CgroupManager::ForContainer(host_, cgroup));
  cgroups_.emplace(std::move(manager));
  RETURN_IF_ERROR(Annotate(cgroups_->Create(), "create cgroups"));
  // A cgroup that exists already (create refused it if it held processes)
  // may still be frozen, left by a container paused and then lost: init
  // would freeze in it at once, and create would wait forever.
  absl::StatusOr<bool> frozen = cgroups_->Frozen();
  if (frozen.ok() && *frozen) {
    RETURN_IF_ERROR(Annotate(cgroups_->Thaw(), "thaw the existing cgroup"));
  }
  RETURN_IF_ERROR(ApplyCgroupResources());
  // config-linux.md "Cgroup Ownership": with its own user and cgroup
  // namespaces and a read/write cgroup mount, the container's root gets
  // its v2 cgroup (cgroup v2 hosts only).
  if (std::optional<CgroupOwner> owner =
          cgroups::DelegationOwner(config_, cgroups_->mode())) {
    RETURN_IF_ERROR(Annotate(cgroups::DelegateCgroup(host_, *cgroups_, *owner),
                             "delegate the cgroup to the container's root"));
  }
  RETURN_IF_ERROR(SpawnInit());
  RETURN_IF_ERROR(
      Annotate(cgroups_->AddProcess(init_), "put init into its cgroups"));
  // Engines read a container's memory, CPU and pids statistics, and wait
  // for its OOM events, in the cgroups of the pid runbox reports: ours.
  RETURN_IF_ERROR(Annotate(cgroups_->AddAccountingProcess(host_.GetPid()),
                           "join the container's accounting cgroups"));
  RETURN_IF_ERROR(RunCreateHooks());
  return ReportReady();
}

// linux.resources go to the cgroups before init joins them (runc sets
// them before the process enters, so no limit arrives late). The device
// rules are runc's: the config's, then the devices every container may
// use. Notes (a field this host cannot honour) are not errors.
absl::Status Supervisor::ApplyCgroupResources() {
  spec::Resources resources;
  if (config_.linux.has_value() && config_.linux->resources.has_value()) {
    resources = *config_.linux->resources;
    resources.devices = cgroups::ContainerDeviceRules(*config_.linux);
  }
  absl::StatusOr<cgroups::ResourceNotes> notes =
      cgroups::ApplyResources(host_, *cgroups_, resources);
  return Annotate(notes.status(), "set cgroup resources");
}

absl::Status Supervisor::SpawnInit() {
  ASSIGN_OR_RETURN(SocketPairFds sync,
                   host_.SocketPair(SocketType::kSeqPacket));
  InitArgs init;
  init.id = args_.id;
  init.bundle = args_.bundle;
  init.no_pivot = args_.no_pivot;
  init.no_new_keyring = args_.no_new_keyring;
  init.preserve_fds = args_.preserve_fds;
  init.sync_fd = kFirstPreservedFd + args_.preserve_fds;
  init.config_fd = init.sync_fd + 1;
  if (console_.valid()) init.console_socket_fd = init.config_fd + 1;

  SpawnRequest request;
  request.path = "runbox";
  request.exec_fd = &exe_;
  request.argv = {"runbox", "init"};
  for (std::string& arg : init.ToArgs()) request.argv.push_back(std::move(arg));
  // init's environment is empty but for the chaos tests' fault-injection
  // hook (runtime/cli/fault_injection.h), so role=init reaches it; init
  // execs the container's process with process.env only.
  for (std::string& entry : host_.Environment()) {
    if (absl::StartsWith(entry, "RUNBOX_FAULT_PLAN=")) {
      request.env.push_back(std::move(entry));
    }
  }
  const Fd stdin_fd(0, nullptr), stdout_fd(1, nullptr), stderr_fd(2, nullptr);
  request.fds = {{&stdin_fd, 0}, {&stdout_fd, 1}, {&stderr_fd, 2}};
  for (int i = 0; i < args_.preserve_fds; ++i) {
    request.fds.push_back({&preserved_[i], kFirstPreservedFd + i});
  }
  request.fds.push_back({&sync.second, init.sync_fd});
  request.fds.push_back({&config_fd_, init.config_fd});
  if (console_.valid()) {
    request.fds.push_back({&console_, init.console_socket_fd});
  }
  request.parent_death_signal = Signal::kKill;

  // New namespaces by flag; existing ones (a path) are joined in the child,
  // except a pid namespace, which only the parent can choose for a child.
  std::vector<Fd> join_fds;
  std::vector<Namespaces> join_types;
  if (config_.linux) {
    join_fds.reserve(config_.linux->namespaces.size());
    for (const spec::LinuxNamespace& ns : config_.linux->namespaces) {
      Namespaces flag = spec::ToHostNamespace(ns.type);
      if (ns.path.empty()) {
        request.new_namespaces |= flag;
        continue;
      }
      absl::StatusOr<Fd> fd = OpenNamespacePath(host_, ns.path, flag);
      if (!fd.ok()) {
        return Annotate(fd.status(),
                        absl::StrCat("open namespace \"", ns.path, "\""));
      }
      if (flag == Namespaces::kPid) {
        RETURN_IF_ERROR(
            Annotate(host_.Setns(*fd, flag),
                     absl::StrCat("join pid namespace \"", ns.path, "\"")));
        continue;
      }
      join_fds.push_back(std::move(*fd));
      join_types.push_back(flag);
    }
  }
  // A user namespace first: it grants the rights to join the others.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < join_fds.size(); ++i) {
      if ((join_types[i] == Namespaces::kUser) == (pass == 0)) {
        request.join_namespaces.push_back({join_types[i], &join_fds[i]});
      }
    }
  }
  if (Has(request.new_namespaces, Namespaces::kUser)) {
    // init runs as root of its user namespace, as runc's does, until the
    // process.user switch right before the container's exec.
    request.before_exec = [this](Pid child) { return WriteIdMaps(child); };
    request.uid = 0;
    request.gid = 0;
  }
  absl::StatusOr<SpawnResult> spawned = host_.Spawn(request);
  if (!spawned.ok()) return Annotate(spawned.status(), "start container init");
  init_ = spawned->pid;
  // init has exec'd the sealed copy; holding it would pin ~10 MB of memory
  // per container for the supervisor's whole life.
  exe_.Reset();
  // init owns the console connection now; ours would keep the engine's
  // socket open after init closes it.
  console_.Reset();
  init_sync_ = std::move(sync.first);
  return absl::OkStatus();
}

// A new user namespace is empty until its maps are written, which only a
// process outside it can do, and they must be in place before init's exec:
// exec by an id the namespace does not map drops every capability. Without
// CAP_SETUID/CAP_SETGID in our own namespace (rootless), the kernel takes
// only a single line mapping our own ids, and setgroups must be denied
// before the gid map.
absl::Status Supervisor::WriteIdMaps(Pid child) {
  auto format = [](const std::vector<spec::IdMapping>& mappings) {
    std::string text;
    for (const spec::IdMapping& m : mappings) {
      absl::StrAppend(&text, m.container_id, " ", m.host_id, " ", m.size, "\n");
    }
    return text;
  };
  const spec::Linux& linux = *config_.linux;  // kUser came from it.
  if (host_.GetUid() != 0) {
    RETURN_IF_ERROR(Annotate(host_.DenySetgroups(child),
                             "deny setgroups in the user namespace"));
  }
  RETURN_IF_ERROR(Annotate(
      host_.WriteIdMap(child, IdMapKind::kUid, format(linux.uid_mappings)),
      "write uid_map"));
  return Annotate(
      host_.WriteIdMap(child, IdMapKind::kGid, format(linux.gid_mappings)),
      "write gid_map");
}

absl::Status Supervisor::RunCreateHooks() {
  RETURN_IF_ERROR(
      ExpectSync(host_, init_sync_, "setup", "container init").status());
  // runtime.md steps 3-4: prestart (deprecated) and createRuntime run in
  // the runtime's namespaces once the container's exist; a failure stops
  // the create.
  const std::string state = StateJson("creating");
  RETURN_IF_ERROR(RunHooks(host_, config_.hooks.prestart, "prestart", state));
  RETURN_IF_ERROR(
      RunHooks(host_, config_.hooks.create_runtime, "createRuntime", state));
  RETURN_IF_ERROR(
      SendSync(host_, init_sync_, "continue", absl::StrCat(init_.value)));
  return ExpectSync(host_, init_sync_, "ready", "container init").status();
}

// Hands create the init's identity, then waits until create has saved the
// Created state durably ("commit"). Only then do we stop dying with create
// (parent-death signal) and drop our share of the container lock: a create
// killed before that point takes us and init down with it, so `delete
// --force` never races a half-made container (DESIGN.md invariant 2).
absl::Status Supervisor::ReportReady() {
  ASSIGN_OR_RETURN(ProcessIdentity init, host_.GetProcessIdentity(init_));
  RETURN_IF_ERROR(SendSync(host_, report_, "ready",
                           absl::StrCat(init.pid.value, " ", init.start_time)));
  RETURN_IF_ERROR(
      ExpectSync(host_, report_, "commit", "runbox create").status());
  RETURN_IF_ERROR(host_.SetParentDeathSignal(Signal::kNone));
  lock_.Reset();
  config_fd_.Reset();
  preserved_.clear();
  RETURN_IF_ERROR(DropCallerStdio());
  RETURN_IF_ERROR(SendSync(host_, report_, "done"));
  report_.Reset();
  return absl::OkStatus();
}

// Our stdio is `runbox create`'s caller's: init has its own copies (or
// the console instead), so holding ours would keep the engine's pipes open
// for as long as the container lives, which runc's create never does.
// containerd's runc shim (dockerd's too) reads create's output to EOF when
// the container has a terminal, and would never get to `start`. From here
// on stdin reads EOF and output fails EPIPE (SIGPIPE is ignored); a pipe,
// not /dev/null, so it needs nothing from the file system.
absl::Status Supervisor::DropCallerStdio() {
  ASSIGN_OR_RETURN(PipeFds in, host_.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host_.Pipe());
  RETURN_IF_ERROR(Annotate(host_.Dup3(in.read, 0), "replace stdin"));
  RETURN_IF_ERROR(Annotate(host_.Dup3(out.write, 1), "replace stdout"));
  return Annotate(host_.Dup3(out.write, 2), "replace stderr");
}

absl::Status Supervisor::Serve() {
  while (!init_status_) {
    std::vector<PollFd> fds = {{&signals_, PollEvents::kIn},
                               {&listener_, PollEvents::kIn}};
    for (const Client& client : clients_) {
      fds.push_back({&client.connection.fd(),
                     client.connection.WantedEvents() | PollEvents::kHup});
    }
    // The container lives as long as this loop does: a failed poll or
    // signal read (EINTR, ENOMEM) is tried again, never the end.
    absl::StatusOr<int> ready = host_.Poll(absl::MakeSpan(fds), std::nullopt);
    if (!ready.ok() || *ready <= 0) continue;
    if (fds[0].revents != PollEvents::kNone) OnSignals();
    for (size_t i = 0; i + 2 < fds.size(); ++i) {
      if (fds[i + 2].revents == PollEvents::kNone) continue;
      Client& client = clients_[i];
      absl::StatusOr<std::optional<control::IncomingRequest>> request =
          client.connection.OnReadable(host_);
      if (!request.ok() || !request->has_value()) continue;
      std::optional<control::Response> response = Handle(**request);
      if (response) {
        (void)client.connection.Reply(host_, *response);
      } else {
        client.waits_for_exit = true;
      }
    }
    std::erase_if(clients_,
                  [](const Client& c) { return c.connection.closed(); });
    if (fds[1].revents != PollEvents::kNone && !init_status_) {
      absl::StatusOr<control::ControlConnection> accepted =
          control::AcceptControl(host_, listener_,
                                 control::AllowUidOrRoot(host_.GetUid()));
      if (accepted.ok()) clients_.push_back({std::move(*accepted)});
    }
  }
  return absl::OkStatus();
}

void Supervisor::OnSignals() {
  // A failed read leaves the signal pending: the next poll sees it again.
  absl::StatusOr<SignalInfo> info = host_.ReadSignal(signals_);
  if (!info.ok()) return;
  if (info->signal != Signal::kChld) {
    // Forward what the engine sent us; init gets it as if sent directly.
    (void)host_.Kill(init_, info->signal);
    return;
  }
  // SIGCHLDs coalesce: reap everything that has exited. The SIGCHLD is
  // consumed, so a failed wait (EINTR) is tried again rather than leaving
  // init's exit unnoticed; ECHILD means there is nothing left to reap.
  constexpr int kWaitTries = 8;
  for (int failures = 0; failures < kWaitTries;) {
    absl::StatusOr<std::optional<WaitResult>> reaped =
        host_.Wait(Pid{0}, WaitFlags::kNoHang);
    if (!reaped.ok()) {
      if (IsErrno(reaped, ECHILD)) return;
      ++failures;
      continue;
    }
    if (!reaped->has_value()) return;
    if ((*reaped)->pid == init_) OnInitExit((*reaped)->status);
  }
}

// DESIGN.md invariant 7: the status is durable before anyone hears of it,
// and before we exit, so `state` and `wait` report it after we are gone.
void Supervisor::OnInitExit(ExitStatus status) {
  init_status_ = status;
  absl::StatusOr<Fd> dir =
      host_.OpenAt(Fd::Cwd(), ContainerDir(), {.flags = OpenFlags::kDirectory});
  if (dir.ok()) (void)WriteExitRecord(host_, *dir, status);
  for (Client& client : clients_) {
    if (!client.waits_for_exit) continue;
    (void)client.connection.Reply(
        host_, control::OkResponse({{"status", status.RawStatus()}}));
  }
  absl::StatusOr<pod::PodRole> role = pod::RoleOf(config_.annotations);
  if (role.ok() && role->role == pod::Role::kSandbox) StopPodMembers();
}

// The members are the containers under our root whose meta.json names us
// as their sandbox: the state directory is the pod's registry, so a member
// is found however far its create got (DESIGN.md invariant 2's record).
// A member with a live init has its cgroups killed, which thaws a paused
// one (a v1-frozen task cannot die) and takes its exec'd processes too;
// its supervisor then records the exit and goes. A member still being
// created has no init yet, and its supervisor is killed instead, which
// fails that create. Best effort: a member we cannot read or kill is left
// for `delete --force`.
void Supervisor::StopPodMembers() {
  absl::StatusOr<StateStore> store =
      StateStore::Open(host_, StateLayout(args_.root));
  if (!store.ok()) return;
  absl::StatusOr<std::vector<ListEntry>> entries = store->List();
  if (!entries.ok()) return;
  for (const ListEntry& entry : *entries) {
    if (!entry.meta.ok() || entry.meta->sandbox != args_.id) continue;
    const Meta& member = *entry.meta;
    const std::optional<ProcessIdentity>& target =
        member.init ? member.init : member.supervisor;
    if (!target) continue;
    absl::StatusOr<bool> alive = IsAlive(host_, *target);
    if (!alive.ok() || !*alive) continue;
    if (member.init) {
      absl::StatusOr<cgroups::CgroupManager> cgroups =
          cgroups::CgroupManager::ForRecordedPaths(host_,
                                                   member.planned_cgroups);
      if (cgroups.ok() && cgroups->KillAll(Signal::kKill).ok()) continue;
    }
    (void)host_.Kill(target->pid, Signal::kKill);
  }
}

std::optional<control::Response> Supervisor::Handle(
    const control::IncomingRequest& incoming) {
  const control::Request& request = incoming.request;
  switch (request.op) {
    case control::Op::kPing:
    case control::Op::kState:
      return control::OkResponse(
          {{"init", init_.value}, {"started", started_}, {"paused", paused_}});
    case control::Op::kStart:
      return HandleStart();
    case control::Op::kSignal:
      return HandleSignal(request);
    case control::Op::kWait:
      if (init_status_) {
        return control::OkResponse({{"status", init_status_->RawStatus()}});
      }
      return std::nullopt;
    case control::Op::kPs:
      return HandlePs();
    case control::Op::kPause:
      return HandleFreeze(true);
    case control::Op::kResume:
      return HandleFreeze(false);
    case control::Op::kDestroy:
      (void)host_.Kill(init_, Signal::kKill);
      return control::OkResponse();
    case control::Op::kStats:
      return control::OkResponse();
    case control::Op::kExec:
      break;
  }
  return control::ErrorResponse(absl::UnimplementedError(
      absl::StrCat("control request \"", control::OpName(request.op),
                   "\" is not supported by this supervisor")));
}

// runtime.md steps 7-9: startContainer hooks and the exec happen in init;
// its sync socket closes when the exec succeeds. poststart hooks run here,
// in the runtime's namespaces; their failures are warnings.
control::Response Supervisor::HandleStart() {
  if (started_) {
    return control::ErrorResponse(
        absl::FailedPreconditionError("container already started"));
  }
  started_ = true;
  absl::Status sent = SendSync(host_, init_sync_, "start");
  if (!sent.ok()) return control::ErrorResponse(Annotate(sent, "start init"));
  absl::StatusOr<SyncMessage> reply = ReceiveSync(host_, init_sync_);
  init_sync_.Reset();
  if (!reply.ok()) return control::ErrorResponse(reply.status());
  if (reply->type == "error") {
    return control::ErrorResponse(
        absl::FailedPreconditionError(reply->payload));
  }
  std::vector<std::string> warnings;
  absl::Status hooks = RunHooks(host_, config_.hooks.poststart, "poststart",
                                StateJson("running"), HookFailure::kContinue);
  if (!hooks.ok()) warnings.push_back(std::string(hooks.message()));
  return control::OkResponse({{"warnings", warnings}});
}

control::Response Supervisor::HandleSignal(const control::Request& request) {
  absl::StatusOr<control::SignalArgs> args = control::SignalArgsOf(request);
  if (!args.ok()) return control::ErrorResponse(args.status());
  absl::Status sent = args->all
                          ? cgroups_->KillAll(args->signal)
                          : host_.Kill(args->pid.value_or(init_), args->signal);
  if (!sent.ok()) return control::ErrorResponse(sent);
  return control::OkResponse();
}

// pause/resume: the cgroup freezer, for every process of the container.
control::Response Supervisor::HandleFreeze(bool freeze) {
  absl::Status done = freeze ? cgroups_->Freeze() : cgroups_->Thaw();
  if (!done.ok()) return control::ErrorResponse(done);
  paused_ = freeze;
  return control::OkResponse();
}

control::Response Supervisor::HandlePs() {
  absl::StatusOr<std::vector<Pid>> pids = cgroups_->Processes();
  if (!pids.ok()) return control::ErrorResponse(pids.status());
  nlohmann::json list = nlohmann::json::array();
  for (Pid pid : *pids) list.push_back(pid.value);
  return control::OkResponse({{"pids", list}});
}

int SupervisorMain(Host& host, const std::vector<std::string>& argv) {
  absl::StatusOr<SuperviseArgs> args = SuperviseArgs::Parse(argv);
  if (!args.ok()) {
    (void)WriteAll(
        host, Fd(2, nullptr),
        absl::StrCat("runbox supervise: ", args.status().message(), "\n"));
    return 1;
  }
  Supervisor supervisor(host, *args);
  absl::StatusOr<ExitStatus> status = supervisor.Run();
  if (!status.ok()) return 1;
  if (status->exited()) return status->code;
  // Mirror a fatal signal: die of it ourselves, so a waiting engine sees
  // "killed by SIGKILL", not an exit code.
  (void)host.SetSignalDisposition(status->signal, SignalDisposition::kDefault);
  SignalSet just;
  just.Add(status->signal);
  (void)host.UnblockSignals(just);
  (void)host.Kill(host.GetPid(), status->signal);
  return status->ShellCode();
}

}  // namespace runbox
