// FakeHost's process calls: spawn, exec, exit, wait, kill, pidfds, identity
// and credentials, prctl bits, /proc/self/exe, namespaces and the hostname.
// The kernel side (creation, death, reaping, joining namespaces) is in
// kernel_processes.cc.
#include <cerrno>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "fakes/fake_host.h"
#include "fakes/kernel_impl.h"
#include "fakes/special_files.h"
#include "hostapi/status.h"

namespace runbox::fake {

#define FAKE_ENTER(call)       \
  Process* self = Enter(call); \
  if (self == nullptr) return DeadError()

namespace {

// __NEW_UTS_LEN: the kernel's limit for the hostname and the domain name.
constexpr size_t kMaxUtsName = 64;

bool ValidSignal(Signal sig) {
  int n = static_cast<int>(sig);
  return n >= 0 && n <= kMaxSignal && n != 32 && n != 33;
}

}  // namespace

absl::StatusOr<SpawnResult> FakeHost::Spawn(const SpawnRequest& request) {
  FAKE_ENTER("clone3+execve");
  // Everything that can fail is checked before the child exists, so a
  // failed spawn leaves nothing behind.
  std::shared_ptr<OpenFile> exec_file;
  if (request.exec_fd != nullptr) {
    ASSIGN_OR_RETURN(exec_file, FileOf(*self, *request.exec_fd));
  }
  // The namespaces to join, checked now; the child joins them right after
  // it is made, and resolves the program in a joined mount namespace.
  std::vector<std::shared_ptr<OpenFile>> join_files;
  PathContext child_path = self->path;
  for (const NamespaceJoin& join : request.join_namespaces) {
    if (join.fd == nullptr) return ErrnoError(EBADF, "spawn: namespace fd");
    ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, *join.fd));
    const NamespaceFile* ns = FakeKernel::Impl::AsNamespace(*file, join.type);
    if (ns == nullptr) {
      return ErrnoError(EINVAL, absl::StrCat("spawn \"", request.path,
                                             "\": setns fd ", join.fd->get()));
    }
    if (ns->type() == Namespaces::kMount && ns->mount_ns->root != nullptr) {
      child_path.root = ns->mount_ns->root;
      child_path.cwd = ns->mount_ns->root;
    }
    join_files.push_back(std::move(file));
  }
  InodeRef exe;
  ASSIGN_OR_RETURN(Program program, k_.ResolveProgram(child_path, request.path,
                                                      exec_file.get(), &exe));
  FakeKernel::Impl::NewProcess np;
  np.parent = self;
  np.image = {std::move(program), request.argv};
  np.exe = std::move(exe);
  np.env = request.env;
  np.path = self->path;
  for (const FdMapping& m : request.fds) {
    if (m.source == nullptr || m.target < 0 || m.target >= FdTable::kMaxFds) {
      return ErrnoError(EBADF, "spawn: bad fd mapping");
    }
    ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, *m.source));
    np.fds.emplace_back(m.target, std::move(file));
  }
  np.new_namespaces = request.new_namespaces;
  np.parent_death_signal = request.parent_death_signal;
  np.new_session = request.new_session;
  if (!ValidSignal(request.parent_death_signal)) {
    return ErrnoError(EINVAL, "spawn: bad parent-death signal");
  }
  ASSIGN_OR_RETURN(Process * child, k_.CreateProcess(std::move(np)));
  // The child has not run yet: undo it when a step that Linux takes before
  // exec fails.
  auto undo = [this, child](absl::Status status) {
    k_.Die(*child, ExitStatus::Signaled(Signal::kKill));
    k_.Reap(*child);
    return status;
  };
  for (const std::shared_ptr<OpenFile>& file : join_files) {
    absl::Status joined = k_.JoinNamespace(
        *child, *FakeKernel::Impl::AsNamespace(*file, Namespaces::kNone));
    if (!joined.ok()) {
      return undo(
          Annotate(joined, absl::StrCat("spawn \"", request.path, "\"")));
    }
  }
  SpawnResult result;
  result.pid = k_.PidAs(*self, *child);
  if (request.before_exec) {
    child->held_before_exec = true;
    absl::Status before;
    bool returned = false;
    {
      // A parent killed inside the callback unwinds through here; its
      // child then dies at the gate, as on Linux (EOF on the gate pipe).
      absl::Cleanup release = [&] {
        child->held_before_exec = false;
        if (!returned) k_.Die(*child, ExitStatus::Exited(127));
      };
      before = request.before_exec(result.pid);
      returned = true;
    }
    if (!before.ok()) return undo(before);
  }
  // Its ids, then its execve: the capabilities as exec computes them.
  for (auto [kind, id] : {std::pair{IdMapKind::kGid, request.gid},
                          std::pair{IdMapKind::kUid, request.uid}}) {
    if (!id) continue;
    std::optional<uint32_t> kernel_id = child->user_ns->ToKernel(kind, *id);
    if (!kernel_id) {
      return undo(ErrnoError(EINVAL, absl::StrCat("spawn \"", request.path,
                                                  "\": setresuid/setresgid")));
    }
    KernelCredentials& c = child->creds;
    if (kind == IdMapKind::kGid) {
      c.rgid = c.egid = c.sgid = *kernel_id;
    } else {
      // To root of its namespace from a kernel id it does not map as root:
      // cap_emulate_setxuid gives effective the permitted set.
      c.ruid = c.euid = c.suid = *kernel_id;
      if (*id == 0) c.effective = c.permitted;
    }
  }
  ApplyExecCredentials(*child);
  if (request.want_pidfd) {
    absl::StatusOr<Fd> pidfd =
        Install(*self, std::make_shared<PidFdFile>(child->handle));
    // CLONE_PIDFD fails before the child runs.
    if (!pidfd.ok()) return undo(pidfd.status());
    result.pidfd = *std::move(pidfd);
  }
  return result;
}

absl::Status FakeHost::Exec(const ExecRequest& request) {
  FAKE_ENTER("execve");
  std::shared_ptr<OpenFile> exec_file;
  if (request.exec_fd != nullptr) {
    ASSIGN_OR_RETURN(exec_file, FileOf(*self, *request.exec_fd));
  }
  InodeRef exe;
  ASSIGN_OR_RETURN(Program program, k_.ResolveProgram(self->path, request.path,
                                                      exec_file.get(), &exe));
  // Point of no return: the old program's memory is gone.
  self->fds.CloseOnExec();
  exec_file.reset();
  self->exe = std::move(exe);
  self->argv = request.argv;
  self->env = request.env;
  self->image = {std::move(program), request.argv};
  ApplyExecCredentials(*self);
  self->exec_pending = true;
  ++self->generation;
  // As documented in processes.h: default dispositions and an empty mask.
  SignalState& s = *self->signals;
  s.ignored = SignalSet();
  s.blocked = SignalSet();
  k_.DeliverUnblocked(*self);
  if (self->dead) {
    self->exec_pending = false;
    FakeKernel::Impl::UnwindIfDead(*self);
    return DeadError();
  }
  throw ExecUnwind{};
}

void FakeHost::Exit(int code) {
  Process* self = handle_->process;
  if (self != nullptr && self->generation == generation_ && !self->dead) {
    Enter("exit_group");
    k_.Die(*self, ExitStatus::Exited(code & 0xff));
  }
  // [[noreturn]]: unwinds even from a destructor-free context; a stale view
  // has nothing left to run either.
  throw ProcessUnwind{};
}

absl::StatusOr<std::optional<WaitResult>> FakeHost::Wait(Pid pid,
                                                         WaitFlags flags) {
  FAKE_ENTER("wait4");
  if (pid.value < 0) {
    return absl::UnimplementedError("fake: wait on a process group");
  }
  auto matches = [self, pid, this](const Process* c) {
    return pid.value == 0 || k_.PidAs(*self, *c) == pid;
  };
  while (true) {
    bool any = false;
    for (Process* c : self->children) {
      if (!matches(c)) continue;
      any = true;
      if (c->zombie) {
        WaitResult r{k_.PidAs(*self, *c), *c->exit_status};
        k_.Reap(*c);
        return std::optional<WaitResult>(r);
      }
    }
    if (!any) return ErrnoError(ECHILD, "wait4");
    if (Has(flags, WaitFlags::kNoHang)) return std::optional<WaitResult>();
    k_.Park(
        *self,
        [self, matches] {
          for (const Process* c : self->children) {
            if (matches(c) && c->zombie) return true;
          }
          return false;
        },
        std::nullopt);
    if (self->dead) return DeadError();
  }
}

absl::Status FakeHost::Kill(Pid pid, Signal sig) {
  FAKE_ENTER("kill");
  if (pid.value <= 0) {
    return absl::UnimplementedError("fake: kill of a process group");
  }
  if (!ValidSignal(sig)) return ErrnoError(EINVAL, "kill: bad signal");
  Process* target = k_.FindPid(*self, pid);
  if (target == nullptr) {
    return ErrnoError(ESRCH, absl::StrCat("kill ", pid.value));
  }
  k_.SendSignal(*target, sig, self);
  return AfterEffect(*self, absl::OkStatus());
}

absl::StatusOr<Fd> FakeHost::PidfdOpen(Pid pid) {
  FAKE_ENTER("pidfd_open");
  Process* target = pid.value > 0 ? k_.FindPid(*self, pid) : nullptr;
  if (target == nullptr) {
    return ErrnoError(pid.value > 0 ? ESRCH : EINVAL,
                      absl::StrCat("pidfd_open ", pid.value));
  }
  return Install(*self, std::make_shared<PidFdFile>(target->handle));
}

absl::Status FakeHost::PidfdSendSignal(const Fd& pidfd, Signal sig) {
  FAKE_ENTER("pidfd_send_signal");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, pidfd));
  auto* pf = dynamic_cast<PidFdFile*>(file.get());
  if (pf == nullptr) return ErrnoError(EBADF, "pidfd_send_signal: not a pidfd");
  if (!ValidSignal(sig)) {
    return ErrnoError(EINVAL, "pidfd_send_signal: bad signal");
  }
  // Unlike kill(2), an exited process (zombie or not) is gone for a pidfd.
  Process* target = pf->handle()->process;
  if (target == nullptr || target->dead) {
    return ErrnoError(ESRCH, "pidfd_send_signal");
  }
  k_.SendSignal(*target, sig, self);
  return AfterEffect(*self, absl::OkStatus());
}

Pid FakeHost::GetPid() {
  Process* self = Enter("getpid");
  if (self == nullptr) return Pid{};
  return Pid{self->pids.back().pid};
}

Pid FakeHost::GetParentPid() {
  Process* self = Enter("getppid");
  if (self == nullptr || self->parent == nullptr) return Pid{};
  return k_.PidAs(*self, *self->parent);
}

absl::StatusOr<ProcessIdentity> FakeHost::GetProcessIdentity(Pid pid) {
  FAKE_ENTER("read /proc/pid/stat");
  Process* target = pid.value > 0 ? k_.FindPid(*self, pid) : nullptr;
  if (target == nullptr) {
    return ErrnoError(ESRCH, absl::StrCat("/proc/", pid.value, "/stat"));
  }
  return ProcessIdentity{pid, target->start_time};
}

absl::Status FakeHost::SetChildSubreaper() {
  FAKE_ENTER("prctl(PR_SET_CHILD_SUBREAPER)");
  self->subreaper = true;
  return absl::OkStatus();
}

std::vector<std::string> FakeHost::Environment() {
  Process* self = Enter("environ");
  if (self == nullptr) return {};
  return self->env;
}

absl::StatusOr<Fd> FakeHost::OpenSelfExe() {
  FAKE_ENTER("open /proc/self/exe");
  if (self->exe == nullptr) return ErrnoError(ENOENT, "open /proc/self/exe");
  return Install(*self, k_.fs.OpenInode(self->exe, OpenFlags::kReadOnly));
}

absl::Status FakeHost::SetParentDeathSignal(Signal sig) {
  FAKE_ENTER("prctl(PR_SET_PDEATHSIG)");
  if (!ValidSignal(sig)) return ErrnoError(EINVAL, "prctl PR_SET_PDEATHSIG");
  self->parent_death_signal = sig;
  return absl::OkStatus();
}

absl::Status FakeHost::SetDumpable(bool dumpable) {
  FAKE_ENTER("prctl(PR_SET_DUMPABLE)");
  self->dumpable = dumpable;
  return absl::OkStatus();
}

Uid FakeHost::GetUid() {
  Process* self = Enter("getuid");
  if (self == nullptr) return 0;
  return self->user_ns->FromKernel(IdMapKind::kUid, self->creds.ruid);
}

Gid FakeHost::GetGid() {
  Process* self = Enter("getgid");
  if (self == nullptr) return 0;
  return self->user_ns->FromKernel(IdMapKind::kGid, self->creds.rgid);
}

absl::StatusOr<Fd> FakeHost::OpenNamespace(Pid pid, Namespaces one_namespace) {
  FAKE_ENTER("open /proc/pid/ns");
  const int index = NamespaceIndex(one_namespace);
  if (index < 0) {
    return ErrnoError(EINVAL, absl::StrCat("open namespace of ", pid.value,
                                           ": not exactly one namespace"));
  }
  std::string what = absl::StrCat("open ", ToString(one_namespace),
                                  " namespace of pid ", pid.value);
  Process* target = pid.value > 0 ? k_.FindPid(*self, pid) : nullptr;
  if (target == nullptr) return ErrnoError(ENOENT, what);
  // An exited process (a zombie) has dropped its nsproxy; Linux still
  // finds its user and pid namespaces through its credentials and pid.
  if (target->dead && one_namespace != Namespaces::kUser &&
      one_namespace != Namespaces::kPid) {
    return ErrnoError(ENOENT, what);
  }
  std::shared_ptr<NamespaceFile> file;
  switch (one_namespace) {
    case Namespaces::kPid:
      file = std::make_shared<NamespaceFile>(one_namespace,
                                             target->pids.back().ns->id);
      file->pid_ns = target->pids.back().ns;
      break;
    case Namespaces::kMount:
      file =
          std::make_shared<NamespaceFile>(one_namespace, target->mount_ns->id);
      file->mount_ns = target->mount_ns;
      break;
    case Namespaces::kUts:
      file = std::make_shared<NamespaceFile>(one_namespace, target->uts_ns->id);
      file->uts_ns = target->uts_ns;
      break;
    case Namespaces::kUser:
      file =
          std::make_shared<NamespaceFile>(one_namespace, target->user_ns->id);
      file->user_ns = target->user_ns;
      break;
    case Namespaces::kNet:
      file =
          std::make_shared<NamespaceFile>(one_namespace, target->ns_ids[index]);
      file->net_sysctls = target->net_sysctls;
      break;
    case Namespaces::kIpc:
      file =
          std::make_shared<NamespaceFile>(one_namespace, target->ns_ids[index]);
      file->ipc_sysctls = target->ipc_sysctls;
      break;
    default:
      file =
          std::make_shared<NamespaceFile>(one_namespace, target->ns_ids[index]);
      break;
  }
  return Install(*self, std::move(file));
}

absl::Status FakeHost::Unshare(Namespaces namespaces) {
  FAKE_ENTER("unshare");
  k_.ApplyNewNamespaces(*self, namespaces, /*for_unshare=*/true);
  return absl::OkStatus();
}

absl::Status FakeHost::Setns(const Fd& fd, Namespaces type) {
  FAKE_ENTER("setns");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, fd));
  const NamespaceFile* ns = FakeKernel::Impl::AsNamespace(*file, type);
  if (ns == nullptr) {
    return ErrnoError(EINVAL, absl::StrCat("setns fd ", fd.get()));
  }
  return Annotate(k_.JoinNamespace(*self, *ns), absl::StrCat("fd ", fd.get()));
}

absl::Status FakeHost::Sethostname(absl::string_view name) {
  FAKE_ENTER("sethostname");
  if (name.size() > kMaxUtsName) return ErrnoError(EINVAL, "sethostname");
  self->uts_ns->hostname = std::string(name);
  return absl::OkStatus();
}

absl::Status FakeHost::Setdomainname(absl::string_view name) {
  FAKE_ENTER("setdomainname");
  if (name.size() > kMaxUtsName) return ErrnoError(EINVAL, "setdomainname");
  self->uts_ns->domainname = std::string(name);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeHost::GetHostname() {
  FAKE_ENTER("uname");
  return self->uts_ns->hostname;
}

}  // namespace runbox::fake
