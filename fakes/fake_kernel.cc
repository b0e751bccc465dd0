// FakeKernel's public face: construction of the world (the kernel's init,
// root namespaces), program registration and installation, starting
// processes from outside, Run, power loss and introspection.
#include "fakes/fake_kernel.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fakes/fake_host.h"
#include "fakes/kernel_impl.h"
#include "fakes/special_files.h"
#include "hostapi/status.h"

namespace runbox::fake {

std::string ToString(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kAllExited:
      return "all exited";
    case RunOutcome::kIdle:
      return "idle";
    case RunOutcome::kDone:
      return "done";
    case RunOutcome::kStepLimit:
      return "step limit";
  }
  return "unknown";
}

FakeKernel::Impl::Impl(KernelOptions opts)
    : options(opts),
      rng(opts.seed),
      fs([this] { return options.boot_time + now; }) {
  root_pid_ns = std::make_shared<PidNamespace>();
  for (int i = 0; i < kNamespaceTypes; ++i) root_ns_ids[i] = NewNamespaceId();
  root_pid_ns->id = root_ns_ids[NamespaceIndex(Namespaces::kPid)];
  auto owned = std::make_unique<Process>();
  init = owned.get();
  init->serial = 0;
  init->pids.push_back({root_pid_ns, 1});
  root_pid_ns->processes[1] = init;
  root_pid_ns->last_pid = 1;
  root_pid_ns->init = init;
  init->argv = {"/sbin/init"};
  init->path = {fs.root(), fs.root(), 022};
  init->ns_ids = root_ns_ids;
  init->pid_ns_for_children = root_pid_ns;
  init->session = 1;
  init->state = RunState::kParked;
  init->handle->process = init;
  processes[init->serial] = std::move(owned);
  SetUpMachine();
}

void FakeKernel::Impl::SetUpMachine() {
  freezer_used = false;
  cgroups =
      std::make_unique<CgroupModel>(options.cgroup_layout, [this](Pid pid) {
        // cgroup.kill: SIGKILL from the kernel to each member.
        auto it = root_pid_ns->processes.find(pid.value);
        if (it != root_pid_ns->processes.end()) {
          SendSignal(*it->second, Signal::kKill, nullptr);
        }
      });
  init->mount_ns = std::make_shared<MountNamespace>();
  init->mount_ns->id = root_ns_ids[NamespaceIndex(Namespaces::kMount)];
  init->mount_ns->root = fs.root();
  init->uts_ns = std::make_shared<UtsNamespace>();
  init->uts_ns->id = root_ns_ids[NamespaceIndex(Namespaces::kUts)];
  init->user_ns =
      UserNamespace::Root(root_ns_ids[NamespaceIndex(Namespaces::kUser)]);
  init->net_sysctls = SysctlTable::NewNet();
  init->ipc_sysctls = SysctlTable::NewIpc();
  MountTable& table = init->mount_ns->table;
  auto must = [](absl::Status s) {
    if (!s.ok()) KernelBug(absl::StrCat("boot: ", s.ToString()));
  };
  const MountFlags kSysFlags = MountFlags::kNoSuid | MountFlags::kNoDev |
                               MountFlags::kNoExec | MountFlags::kRelatime;
  must(MakeDirsDurable("/sys/fs/cgroup"));
  must(table.Mount("sysfs", "/sys", "sysfs", kSysFlags, ""));
  std::vector<CgroupMount> mounts = cgroups->Mounts();
  bool unified_at_top =
      mounts.size() == 1 && mounts[0].path == "/sys/fs/cgroup";
  if (!unified_at_top) {
    // v1 hierarchies sit in a tmpfs, as systemd mounts them.
    must(table.Mount(
        "tmpfs", "/sys/fs/cgroup", "tmpfs",
        MountFlags::kNoSuid | MountFlags::kNoDev | MountFlags::kNoExec,
        "mode=755"));
  }
  PathContext ctx{fs.root(), fs.root(), 0};
  for (const CgroupMount& m : mounts) {
    must(MakeDirsDurable(m.path));
    if (m.version == CgroupVersion::kV2) {
      must(table.Mount("cgroup2", m.path, "cgroup2", kSysFlags,
                       "nsdelegate,memory_recursiveprot"));
      continue;
    }
    must(table.Mount("cgroup", m.path, "cgroup", kSysFlags,
                     absl::StrJoin(m.controllers, ",")));
    // "cpu,cpuacct" is also reachable as "cpu" and "cpuacct".
    absl::string_view base = m.path;
    base.remove_prefix(base.rfind('/') + 1);
    if (base.find(',') == absl::string_view::npos) continue;
    for (absl::string_view alias : absl::StrSplit(base, ',')) {
      std::string link = absl::StrCat("/sys/fs/cgroup/", alias);
      absl::Status s = fs.SymlinkAt(ctx, base, nullptr, link);
      if (!s.ok() && !IsErrno(s, EEXIST)) must(s);
    }
  }
  // Make the symlinks durable too.
  OpenHow dir_how;
  dir_how.flags = OpenFlags::kReadOnly | OpenFlags::kDirectory;
  absl::StatusOr<std::shared_ptr<OpenFile>> dir =
      fs.OpenAt(ctx, nullptr, "/sys/fs/cgroup", dir_how);
  must(dir.status());
  must(fs.Fsync(**dir));
}

absl::Status FakeKernel::Impl::MakeDirsDurable(absl::string_view path) {
  PathContext ctx{fs.root(), fs.root(), 0};
  std::string dir;
  std::string parent = "/";
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&dir, "/", part);
    absl::Status s = fs.MkdirAt(ctx, nullptr, dir, 0755);
    if (!s.ok() && !IsErrno(s, EEXIST)) return s;
    if (s.ok()) {
      OpenHow how;
      how.flags = OpenFlags::kReadOnly | OpenFlags::kDirectory;
      ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> p,
                       fs.OpenAt(ctx, nullptr, parent, how));
      RETURN_IF_ERROR(fs.Fsync(*p));
    }
    parent = dir;
  }
  return absl::OkStatus();
}

FakeKernel::Impl::~Impl() {
  KillAllProcesses();
  // What is left: init, and objects whose fibers never unwound (none).
  init->handle->process = nullptr;
}

FakeKernel::FakeKernel(KernelOptions options)
    : impl_(std::make_unique<Impl>(options)) {}

FakeKernel::~FakeKernel() = default;

void FakeKernel::RegisterProgram(absl::string_view name, Program program) {
  impl_->programs[std::string(name)] = std::move(program);
}

std::string FakeKernel::ExecutableContent(absl::string_view program_name) {
  return absl::StrCat("#!fake ", program_name, "\n");
}

absl::Status FakeKernel::InstallProgram(absl::string_view path,
                                        absl::string_view program_name) {
  FileSystem& fs = impl_->fs;
  PathContext ctx{fs.root(), fs.root(), 0};
  std::string context = absl::StrCat("install program at \"", path, "\"");
  if (path.empty() || path[0] != '/') {
    return ErrnoError(EINVAL, context);
  }
  // mkdir -p of the parents, each made durable in its own parent.
  std::vector<std::string> dirs;
  std::vector<absl::string_view> parts =
      absl::StrSplit(path.substr(1), '/', absl::SkipEmpty());
  std::string dir;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    absl::StrAppend(&dir, "/", parts[i]);
    absl::Status s = fs.MkdirAt(ctx, nullptr, dir, 0755);
    if (!s.ok() && !IsErrno(s, EEXIST)) return Annotate(s, context);
    dirs.push_back(dir);
  }
  OpenHow how;
  how.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate | OpenFlags::kTruncate;
  how.mode = 0755;
  absl::StatusOr<std::shared_ptr<OpenFile>> file =
      fs.OpenAt(ctx, nullptr, path, how);
  if (!file.ok()) return Annotate(file.status(), context);
  std::string content = ExecutableContent(program_name);
  absl::StatusOr<size_t> n = (*file)->Write(content);
  if (!n.ok()) return Annotate(n.status(), context);
  if (*n != content.size()) return ErrnoError(EIO, context);
  RETURN_IF_ERROR(Annotate(fs.Fchmod(**file, 0755), context));
  RETURN_IF_ERROR(Annotate(fs.Fsync(**file), context));
  dirs.insert(dirs.begin(), "/");
  for (const std::string& d : dirs) {
    OpenHow dir_how;
    dir_how.flags = OpenFlags::kReadOnly | OpenFlags::kDirectory;
    absl::StatusOr<std::shared_ptr<OpenFile>> df =
        fs.OpenAt(ctx, nullptr, d, dir_how);
    if (!df.ok()) return Annotate(df.status(), context);
    RETURN_IF_ERROR(Annotate(fs.Fsync(**df), context));
  }
  return absl::OkStatus();
}

absl::StatusOr<Pid> FakeKernel::Start(const StartRequest& request) {
  Impl& k = *impl_;
  if (k.current != nullptr) {
    KernelBug("FakeKernel::Start called from inside a simulated process");
  }
  PathContext ctx = k.init->path;
  absl::StatusOr<InodeRef> cwd =
      k.fs.Lookup(ctx, nullptr, request.cwd, FollowSymlinks::kFollow);
  if (!cwd.ok()) {
    return Annotate(cwd.status(), absl::StrCat("start: cwd ", request.cwd));
  }
  if (k.fs.TypeOf(*cwd) != FileType::kDirectory) {
    return ErrnoError(ENOTDIR, absl::StrCat("start: cwd ", request.cwd));
  }
  InodeRef exe;
  ASSIGN_OR_RETURN(Program program,
                   k.ResolveProgram(ctx, request.path, nullptr, &exe));
  Impl::Stdio stdio{std::make_shared<std::string>(),
                    std::make_shared<std::string>()};
  Impl::NewProcess np;
  np.parent = k.init;
  std::vector<std::string> argv = request.argv;
  if (argv.empty()) argv.push_back(request.path);
  np.image = {std::move(program), std::move(argv)};
  np.exe = std::move(exe);
  np.env = request.env;
  np.path = {ctx.root, *cwd, 022};
  np.fds.emplace_back(0,
                      std::make_shared<FilledPipeReader>(request.stdin_data));
  np.fds.emplace_back(1, std::make_shared<CaptureFile>(stdio.out));
  np.fds.emplace_back(2, std::make_shared<CaptureFile>(stdio.err));
  np.new_session = true;
  ASSIGN_OR_RETURN(Process * p, k.CreateProcess(std::move(np)));
  k.stdio[p->root_pid()] = std::move(stdio);
  return Pid{p->root_pid()};
}

Pid FakeKernel::StartFunction(std::function<int(Host&)> body,
                              absl::string_view name) {
  Impl& k = *impl_;
  std::string unique(name);
  while (k.programs.contains(unique)) {
    unique = absl::StrCat(name, "-", ++k.function_serial);
  }
  RegisterProgram(unique, [body = std::move(body)](
                              Host& host, const std::vector<std::string>&) {
    return body(host);
  });
  std::string path = absl::StrCat("/fake/bin/", unique);
  absl::Status installed = InstallProgram(path, unique);
  if (!installed.ok()) {
    KernelBug(absl::StrCat("StartFunction: ", installed.ToString()));
  }
  StartRequest request;
  request.path = path;
  request.argv = {path};
  absl::StatusOr<Pid> pid = Start(request);
  if (!pid.ok())
    KernelBug(absl::StrCat("StartFunction: ", pid.status().ToString()));
  return *pid;
}

RunOutcome FakeKernel::Run() { return impl_->RunLoop(nullptr); }

RunOutcome FakeKernel::RunUntil(const std::function<bool()>& done) {
  return impl_->RunLoop(&done);
}

std::optional<ExitStatus> FakeKernel::ExitStatusOf(Pid pid) const {
  auto it = impl_->exit_statuses.find(pid.value);
  if (it == impl_->exit_statuses.end()) return std::nullopt;
  return it->second;
}

std::string FakeKernel::StdoutOf(Pid pid) const {
  auto it = impl_->stdio.find(pid.value);
  return it == impl_->stdio.end() ? std::string() : *it->second.out;
}

std::string FakeKernel::StderrOf(Pid pid) const {
  auto it = impl_->stdio.find(pid.value);
  return it == impl_->stdio.end() ? std::string() : *it->second.err;
}

void FakeKernel::PowerLoss() {
  Impl& k = *impl_;
  if (k.current != nullptr || k.in_run) {
    KernelBug("FakeKernel::PowerLoss called from inside a simulated process");
  }
  k.KillAllProcesses();
  // Init's references into the old tree go before the tree rolls back.
  k.init->path = {};
  k.fs.PowerLoss();
  k.init->path = {k.fs.root(), k.fs.root(), 022};
  // Mounts, namespaces and cgroups of the old boot are gone with their
  // processes; the new boot sets up its own.
  k.SetUpMachine();
}

void FakeKernel::SetHostWrapper(HostWrapper wrapper) {
  impl_->host_wrapper = std::move(wrapper);
}

FileSystem& FakeKernel::fs() { return impl_->fs; }

absl::Duration FakeKernel::MonotonicNow() const { return impl_->now; }

uint64_t FakeKernel::TraceHash() const { return impl_->trace; }

uint64_t FakeKernel::HostCallCount() const { return impl_->calls; }

std::vector<ProcessInfo> FakeKernel::Processes() const {
  std::vector<ProcessInfo> out;
  for (const auto& [pid, p] : impl_->root_pid_ns->processes) {
    if (p == impl_->init) continue;
    ProcessInfo info;
    info.pid = Pid{pid};
    info.parent = p->parent != nullptr ? Pid{p->parent->root_pid()} : Pid{};
    info.argv = p->argv;
    info.zombie = p->zombie;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<MountInfo> FakeKernel::MountsOf(Pid pid) const {
  auto it = impl_->root_pid_ns->processes.find(pid.value);
  if (it == impl_->root_pid_ns->processes.end() ||
      it->second->mount_ns == nullptr) {
    return {};
  }
  return it->second->mount_ns->table.List();
}

std::string FakeKernel::HostnameOf(Pid pid) const {
  auto it = impl_->root_pid_ns->processes.find(pid.value);
  if (it == impl_->root_pid_ns->processes.end() ||
      it->second->uts_ns == nullptr) {
    return "";
  }
  return it->second->uts_ns->hostname;
}

std::vector<std::string> FakeKernel::CgroupPaths() const {
  return impl_->cgroups->AllPaths();
}

absl::StatusOr<std::vector<uint8_t>> FakeKernel::CgroupDeviceProgram(
    absl::string_view path) const {
  return impl_->cgroups->DeviceProgram(path);
}

absl::Status FakeKernel::SimulateOomKill(absl::string_view path) {
  return impl_->cgroups->SimulateOomKill(path);
}

}  // namespace runbox::fake
