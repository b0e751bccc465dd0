// Process creation, program lookup, death, reaping, and namespaces (new
// ones, and joining existing ones): the kernel side of spawn/exec/exit/wait
// and setns. Signals are in kernel_signals.cc.
#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fakes/kernel_impl.h"
#include "fakes/special_files.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

constexpr absl::string_view kExecutablePrefix = "#!fake ";

}  // namespace

absl::StatusOr<Program> FakeKernel::Impl::ResolveProgram(const PathContext& ctx,
                                                         absl::string_view path,
                                                         OpenFile* exec_file,
                                                         InodeRef* exe) {
  std::string what = exec_file != nullptr
                         ? "execveat(fd)"
                         : absl::StrCat("execve \"", path, "\"");
  FileStat st;
  InodeRef inode;
  if (exec_file != nullptr) {
    ASSIGN_OR_RETURN(st, exec_file->Stat());
    inode = fs.InodeOf(*exec_file);
  } else {
    if (path.empty()) return ErrnoError(ENOENT, what);
    absl::StatusOr<FileStat> s =
        fs.StatAt(ctx, nullptr, path, FollowSymlinks::kFollow);
    if (!s.ok()) return Annotate(s.status(), what);
    st = *s;
    absl::StatusOr<InodeRef> found =
        fs.Lookup(ctx, nullptr, path, FollowSymlinks::kFollow);
    if (!found.ok()) return Annotate(found.status(), what);
    inode = *found;
  }
  if (st.type != FileType::kRegular || (st.mode & 0111) == 0 ||
      inode == nullptr) {
    return ErrnoError(EACCES, what);
  }
  absl::StatusOr<std::string> content = fs.ReadAll(inode);
  if (!content.ok()) return Annotate(content.status(), what);
  absl::string_view text = *content;
  if (!absl::StartsWith(text, kExecutablePrefix)) {
    return ErrnoError(ENOEXEC, what);
  }
  text.remove_prefix(kExecutablePrefix.size());
  size_t eol = text.find('\n');
  if (eol == absl::string_view::npos) return ErrnoError(ENOEXEC, what);
  auto it = programs.find(text.substr(0, eol));
  if (it == programs.end()) {
    return ErrnoError(ENOEXEC, absl::StrCat(what, ": no program \"",
                                            text.substr(0, eol), "\""));
  }
  if (exe != nullptr) *exe = std::move(inode);
  return it->second;
}

absl::StatusOr<std::vector<int>> FakeKernel::Impl::AllocatePids(
    const std::vector<std::shared_ptr<PidNamespace>>& chain) {
  std::vector<int> pids;
  const int max = options.pid_max;
  for (const auto& ns : chain) {
    int candidate = ns->last_pid;
    bool found = false;
    for (int i = 0; i < max; ++i) {
      candidate = candidate % max + 1;
      if (!ns->processes.contains(candidate)) {
        found = true;
        break;
      }
    }
    if (!found) return ErrnoError(EAGAIN, "fork: no free pid");
    pids.push_back(candidate);
  }
  for (size_t i = 0; i < chain.size(); ++i) chain[i]->last_pid = pids[i];
  return pids;
}

absl::StatusOr<Process*> FakeKernel::Impl::CreateProcess(NewProcess req) {
  Process& parent = *req.parent;
  std::shared_ptr<PidNamespace> ns = parent.pid_ns_for_children;
  const bool new_pid_ns = Has(req.new_namespaces, Namespaces::kPid);
  if (new_pid_ns) {
    auto fresh = std::make_shared<PidNamespace>();
    fresh->id = NewNamespaceId();
    fresh->parent = ns;
    fresh->level = ns->level + 1;
    ns = std::move(fresh);
  } else if (ns->init_died) {
    // The namespace's init is gone: Linux refuses new members.
    return ErrnoError(ENOMEM, "fork: pid namespace is exiting");
  }
  // The pids controller refuses the fork before anything is made.
  RETURN_IF_ERROR(cgroups->CheckFork(Pid{parent.root_pid()}));
  std::vector<std::shared_ptr<PidNamespace>> chain;
  for (auto n = ns; n != nullptr; n = n->parent) chain.push_back(n);
  std::reverse(chain.begin(), chain.end());
  ASSIGN_OR_RETURN(std::vector<int> pids, AllocatePids(chain));

  auto owned = std::make_unique<Process>();
  Process& p = *owned;
  p.serial = next_serial++;
  for (size_t i = 0; i < chain.size(); ++i) {
    p.pids.push_back({chain[i], pids[i]});
    chain[i]->processes[pids[i]] = &p;
  }
  if (ns->init == nullptr && !ns->init_died) ns->init = &p;
  p.parent = &parent;
  parent.children.push_back(&p);
  for (auto& [fd, file] : req.fds) p.fds.InstallAt(fd, std::move(file), false);
  p.path = std::move(req.path);
  p.argv = req.image.argv;
  p.env = std::move(req.env);
  p.ns_ids = parent.ns_ids;
  p.pid_ns_for_children = ns;
  p.ns_ids[NamespaceIndex(Namespaces::kPid)] = ns->id;
  p.mount_ns = parent.mount_ns;
  p.uts_ns = parent.uts_ns;
  p.creds = parent.creds;
  p.user_ns = parent.user_ns;
  p.net_sysctls = parent.net_sysctls;
  p.ipc_sysctls = parent.ipc_sysctls;
  ApplyNewNamespaces(p, req.new_namespaces & ~Namespaces::kPid,
                     /*for_unshare=*/false);
  // /proc/<pid>/stat field 22: clock ticks (100 Hz) since boot, kept
  // strictly increasing so two processes never share an identity.
  uint64_t ticks = static_cast<uint64_t>(now / absl::Milliseconds(10));
  p.start_time = std::max(ticks, last_start_time + 1);
  last_start_time = p.start_time;
  p.session = req.new_session ? p.root_pid() : parent.session;
  p.parent_death_signal = req.parent_death_signal;
  p.handle->process = &p;
  p.image = std::move(req.image);
  p.exe = std::move(req.exe);
  processes[p.serial] = std::move(owned);
  cgroups->OnSpawn(Pid{parent.root_pid()}, Pid{p.root_pid()});
  AddSchedulable(p);
  return &p;
}

void FakeKernel::Impl::ApplyNewNamespaces(Process& p, Namespaces flags,
                                          bool for_unshare) {
  for (int i = 0; i < kNamespaceTypes; ++i) {
    auto type = static_cast<Namespaces>(1u << i);
    if (!Has(flags, type)) continue;
    if (type == Namespaces::kPid) {
      if (!for_unshare) continue;  // CreateProcess made it.
      // `unshare`(CLONE_NEWPID): the caller stays; its next child is the
      // new namespace's init.
      auto fresh = std::make_shared<PidNamespace>();
      fresh->id = NewNamespaceId();
      fresh->parent = p.pids.back().ns;
      fresh->level = fresh->parent->level + 1;
      p.pid_ns_for_children = std::move(fresh);
      continue;
    }
    p.ns_ids[i] = NewNamespaceId();
    if (type == Namespaces::kMount) {
      auto copy = std::make_shared<MountNamespace>(*p.mount_ns);
      copy->id = p.ns_ids[i];
      p.mount_ns = std::move(copy);
    } else if (type == Namespaces::kUts) {
      auto copy = std::make_shared<UtsNamespace>(*p.uts_ns);
      copy->id = p.ns_ids[i];
      p.uts_ns = std::move(copy);
    } else if (type == Namespaces::kUser) {
      // First in bit order, as Linux makes the user namespace before the
      // others it will own.
      EnterNewUserNamespace(p, p.ns_ids[i]);
    } else if (type == Namespaces::kNet) {
      p.net_sysctls = SysctlTable::NewNet();
    } else if (type == Namespaces::kIpc) {
      p.ipc_sysctls = SysctlTable::NewIpc();
    }
  }
}

const NamespaceFile* FakeKernel::Impl::AsNamespace(const OpenFile& file,
                                                   Namespaces type) {
  const auto* ns = dynamic_cast<const NamespaceFile*>(&file);
  if (ns == nullptr) return nullptr;
  if (type != Namespaces::kNone && type != ns->type()) return nullptr;
  return ns;
}

absl::Status FakeKernel::Impl::JoinNamespace(Process& p,
                                             const NamespaceFile& ns) {
  const int index = NamespaceIndex(ns.type());
  switch (ns.type()) {
    case Namespaces::kPid: {
      // pidns_install: only the caller's own pid namespace or one below it;
      // the caller stays where it is, its next children go there.
      PidNamespace& active = p.active_ns();
      if (ns.pid_ns.get() != &active && !active.IsAncestorOf(ns.pid_ns.get())) {
        return ErrnoError(EINVAL,
                          "setns: pid namespace not below the caller's");
      }
      p.pid_ns_for_children = ns.pid_ns;
      return absl::OkStatus();
    }
    case Namespaces::kUser:
      if (p.ns_ids[index] == ns.id()) {
        return ErrnoError(EINVAL, "setns: already in that user namespace");
      }
      EnterUserNamespace(p, ns.user_ns);
      break;
    case Namespaces::kNet:
      p.net_sysctls = ns.net_sysctls;
      break;
    case Namespaces::kIpc:
      p.ipc_sysctls = ns.ipc_sysctls;
      break;
    case Namespaces::kMount:
      // mntns_install: root and cwd move to the namespace's root.
      p.mount_ns = ns.mount_ns;
      if (ns.mount_ns->root != nullptr) {
        p.path.root = ns.mount_ns->root;
        p.path.cwd = ns.mount_ns->root;
      }
      break;
    case Namespaces::kUts:
      p.uts_ns = ns.uts_ns;
      break;
    default:
      break;
  }
  p.ns_ids[index] = ns.id();
  return absl::OkStatus();
}

Process* FakeKernel::Impl::FindPid(const Process& viewer, Pid pid) const {
  const auto& procs = viewer.active_ns().processes;
  auto it = procs.find(pid.value);
  return it == procs.end() ? nullptr : it->second;
}

Pid FakeKernel::Impl::PidAs(const Process& viewer, const Process& p) const {
  return Pid{p.PidIn(viewer.active_ns())};
}

Process* FakeKernel::Impl::FindReaper(Process& dying) {
  PidNamespace& ns = dying.active_ns();
  // prctl(PR_SET_CHILD_SUBREAPER): the nearest living subreaper among the
  // ancestors that share the namespace (find_new_reaper in kernel/exit.c).
  for (Process* a = dying.parent; a != nullptr && a != init; a = a->parent) {
    if (&a->active_ns() != &ns) break;
    if (a->subreaper && !a->dead) return a;
  }
  return ns.init != nullptr ? ns.init : init;
}

void FakeKernel::Impl::NotifyParentOfDeath(Process& child) {
  Process* parent = child.parent;
  if (parent == nullptr) return;
  // The kernel's init reaps at once; so does Linux for a parent that set
  // SIGCHLD to SIG_IGN (no zombies are made).
  if (parent == init || parent->signals->ignored.Contains(Signal::kChld)) {
    Reap(child);
    return;
  }
  // A dying namespace init reaps its children itself (see Die).
  if (parent->dead) return;
  SendSignal(*parent, Signal::kChld, &child, &child);
}

void FakeKernel::Impl::Die(Process& p, ExitStatus status) {
  if (p.dead || &p == init) return;
  p.dead = true;
  p.exit_status = status;
  p.handle->exited = true;
  exit_statuses[p.root_pid()] = status;
  RemoveSchedulable(p);
  if (p.state == RunState::kNew) {
    // Never ran: nothing to unwind.
    p.fiber.reset();
    p.fiber_done = true;
  } else if (&p != current && p.fiber != nullptr && !p.fiber_done) {
    unwind_queue.push_back(&p);
  }
  p.wake = nullptr;
  p.deadline.reset();
  {
    // Dropping the descriptions closes pipe ends and releases flocks.
    std::vector<std::shared_ptr<OpenFile>> files = p.fds.TakeAll();
    files.clear();
    p.controlling_tty.reset();
  }
  cgroups->OnExit(Pid{p.root_pid()});

  PidNamespace& ns = p.active_ns();
  const bool ns_init = ns.init == &p && &ns != root_pid_ns.get();
  if (ns_init) {
    // zap_pid_ns_processes: the namespace dies with its init.
    ns.init_died = true;
    std::vector<Process*> victims;
    for (const auto& [pid, q] : ns.processes) {
      if (q != &p && !q->dead) victims.push_back(q);
    }
    for (Process* q : victims) Die(*q, ExitStatus::Signaled(Signal::kKill));
  }
  std::vector<Process*> kids = std::move(p.children);
  p.children.clear();
  Process* reaper = ns_init ? nullptr : FindReaper(p);
  for (Process* c : kids) {
    if (ns_init) {
      // Every member is dead; init's exit reaps them all.
      c->parent = nullptr;
      Reap(*c);
      continue;
    }
    c->parent = reaper;
    reaper->children.push_back(c);
    if (!c->dead && c->parent_death_signal != Signal::kNone) {
      SendSignal(*c, c->parent_death_signal, nullptr);
    }
    if (c->zombie) NotifyParentOfDeath(*c);
  }
  p.zombie = true;
  p.path = {};
  NotifyParentOfDeath(p);
}

void FakeKernel::Impl::Reap(Process& p) {
  if (p.reaped) return;
  for (const Process::NsPid& np : p.pids) {
    auto it = np.ns->processes.find(np.pid);
    if (it != np.ns->processes.end() && it->second == &p) {
      np.ns->processes.erase(it);
    }
    if (np.ns->init == &p) np.ns->init = nullptr;
  }
  if (p.parent != nullptr) {
    auto& siblings = p.parent->children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), &p),
                   siblings.end());
  }
  p.parent = nullptr;
  p.zombie = false;
  p.reaped = true;
  reaped_list.push_back(&p);
}

void FakeKernel::Impl::KillAllProcesses() {
  std::vector<Process*> victims;
  for (const auto& [pid, p] : root_pid_ns->processes) {
    if (p != init) victims.push_back(p);
  }
  for (Process* p : victims) Die(*p, ExitStatus::Signaled(Signal::kKill));
  DrainUnwinds();
  CollectFinished();
}

}  // namespace runbox::fake
