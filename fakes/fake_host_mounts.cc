// FakeHost's Mounts and Cgroups: mount tables are per mount namespace
// (fakes/mounts), cgroup hierarchies are the kernel's cgroup model
// (fakes/cgroups), which keeps root-namespace pids that this file
// translates. Cgroup namespaces do not rebase paths (a known gap). This file
// turns the caller's paths (including /proc/self/fd/N magic links) into the
// absolute paths those models keep. Paths are relative to the caller's root,
// which after pivot_root, or a move of a mount over "/" then a chroot into
// it (--no-pivot), is where the table has the namespace's root; after a
// bare chroot they are not (a known gap).
#include <algorithm>
#include <cerrno>
#include <deque>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fakes/fake_host.h"
#include "fakes/fs/inode.h"
#include "fakes/ipc/pty.h"
#include "fakes/kernel_impl.h"
#include "hostapi/status.h"

namespace runbox::fake {

#define FAKE_ENTER(call)       \
  Process* self = Enter(call); \
  if (self == nullptr) return DeadError()

namespace {

// The absolute path of a directory as seen from `root`, walking "..".
std::string DirectoryPath(const InodeRef& root, const InodeRef& dir) {
  std::vector<std::string> names;
  InodeRef cur = dir;
  while (cur != root) {
    InodeRef parent = cur->parent.lock();
    if (parent == nullptr || parent == cur) break;
    std::string name;
    for (const auto& [entry, child] : parent->entries) {
      if (child == cur) {
        name = entry;
        break;
      }
    }
    if (name.empty()) break;  // Unlinked directory.
    names.push_back(std::move(name));
    cur = std::move(parent);
  }
  std::reverse(names.begin(), names.end());
  return absl::StrCat("/", absl::StrJoin(names, "/"));
}

// Any path of a non-directory inode: breadth-first from the root, names in
// order, so the answer is deterministic.
std::optional<std::string> FilePath(const InodeRef& root,
                                    const InodeRef& target) {
  std::deque<std::pair<InodeRef, std::string>> queue{{root, ""}};
  while (!queue.empty()) {
    auto [dir, path] = std::move(queue.front());
    queue.pop_front();
    for (const auto& [name, child] : dir->entries) {
      std::string child_path = absl::StrCat(path, "/", name);
      if (child == target) return child_path;
      if (child->is_dir()) queue.emplace_back(child, std::move(child_path));
    }
  }
  return std::nullopt;
}

// "/proc/self/fd/N" and its aliases name fd N of the caller.
std::optional<int> MagicFd(const Process& self, absl::string_view path) {
  for (std::string prefix :
       {std::string("/proc/self/fd/"), std::string("/proc/thread-self/fd/"),
        absl::StrCat("/proc/", self.pids.back().pid, "/fd/")}) {
    if (!absl::StartsWith(path, prefix)) continue;
    int fd = -1;
    if (absl::SimpleAtoi(path.substr(prefix.size()), &fd) && fd >= 0) {
      return fd;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::string> FakeHost::MountPath(const Process& self,
                                                absl::string_view path) const {
  std::string what = absl::StrCat("mount path \"", path, "\"");
  InodeRef inode;
  if (std::optional<int> fd = MagicFd(self, path)) {
    const std::shared_ptr<OpenFile>* file = self.fds.Get(*fd);
    if (file == nullptr) return ErrnoError(ENOENT, what);
    inode = k_.fs.InodeOf(**file);
    // A pty end lives in devpts, which the fake does not model as files:
    // it is named as Linux's mountinfo names a bind of it.
    if (inode == nullptr && PtyIndex(**file) >= 0) {
      return absl::StrCat("/dev/pts/", PtyIndex(**file));
    }
    if (inode == nullptr) return ErrnoError(ENOENT, what);
  } else {
    absl::StatusOr<InodeRef> found =
        k_.fs.Lookup(self.path, nullptr, path, FollowSymlinks::kFollow);
    if (!found.ok()) return Annotate(found.status(), what);
    inode = *std::move(found);
  }
  if (inode->is_dir()) return DirectoryPath(self.path.root, inode);
  std::optional<std::string> file_path = FilePath(self.path.root, inode);
  if (!file_path.has_value()) return ErrnoError(ENOENT, what);
  return *file_path;
}

absl::Status FakeHost::Mount(absl::string_view source, absl::string_view target,
                             absl::string_view fstype, MountFlags flags,
                             absl::string_view data) {
  FAKE_ENTER("mount");
  ASSIGN_OR_RETURN(std::string target_path, MountPath(*self, target));
  std::string source_arg(source);
  if ((Has(flags, MountFlags::kBind) || Has(flags, MountFlags::kMove)) &&
      !Has(flags, MountFlags::kRemount)) {
    ASSIGN_OR_RETURN(source_arg, MountPath(*self, source));
  }
  RETURN_IF_ERROR(self->mount_ns->table.Mount(source_arg, target_path, fstype,
                                              flags, data));
  if (Has(flags, MountFlags::kMove) && target_path == "/") {
    // A mount moved over the root (`runbox create --no-pivot`): Linux's
    // setns into this namespace walks down the mounts stacked on its root
    // (LOOKUP_DOWN), so joiners land on the moved mount from now on.
    InodeRef moved;
    if (std::optional<int> fd = MagicFd(*self, source)) {
      const std::shared_ptr<OpenFile>* file = self->fds.Get(*fd);
      if (file != nullptr) moved = k_.fs.InodeOf(**file);
    } else {
      absl::StatusOr<InodeRef> found =
          k_.fs.Lookup(self->path, nullptr, source, FollowSymlinks::kFollow);
      if (found.ok()) moved = *std::move(found);
    }
    if (moved != nullptr && moved->is_dir()) self->mount_ns->root = moved;
  }
  return absl::OkStatus();
}

absl::Status FakeHost::Umount(absl::string_view target, UmountFlags flags) {
  FAKE_ENTER("umount2");
  ASSIGN_OR_RETURN(std::string target_path, MountPath(*self, target));
  return self->mount_ns->table.Umount(target_path, flags);
}

absl::Status FakeHost::PivotRoot(absl::string_view new_root,
                                 absl::string_view put_old) {
  FAKE_ENTER("pivot_root");
  std::string what = absl::StrCat("pivot_root \"", new_root, "\"");
  ASSIGN_OR_RETURN(InodeRef new_dir, k_.fs.Lookup(self->path, nullptr, new_root,
                                                  FollowSymlinks::kFollow));
  ASSIGN_OR_RETURN(InodeRef old_dir, k_.fs.Lookup(self->path, nullptr, put_old,
                                                  FollowSymlinks::kFollow));
  if (!new_dir->is_dir() || !old_dir->is_dir()) {
    return ErrnoError(ENOTDIR, what);
  }
  ASSIGN_OR_RETURN(std::string new_path, MountPath(*self, new_root));
  ASSIGN_OR_RETURN(std::string old_path, MountPath(*self, put_old));
  RETURN_IF_ERROR(self->mount_ns->table.PivotRoot(new_path, old_path));
  // Linux moves the root and cwd of every process of the mount namespace
  // that used the old root.
  InodeRef old_root = self->path.root;
  for (Process* p : k_.schedulable) {
    if (p->mount_ns != self->mount_ns) continue;
    if (p->path.root == old_root) p->path.root = new_dir;
    if (p->path.cwd == old_root) p->path.cwd = new_dir;
  }
  // The namespace's root mount is now the new root (setns lands there).
  self->mount_ns->root = new_dir;
  return absl::OkStatus();
}

absl::Status FakeHost::Chroot(absl::string_view path) {
  FAKE_ENTER("chroot");
  ASSIGN_OR_RETURN(InodeRef dir, k_.fs.Lookup(self->path, nullptr, path,
                                              FollowSymlinks::kFollow));
  if (k_.fs.TypeOf(dir) != FileType::kDirectory) {
    return ErrnoError(ENOTDIR, absl::StrCat("chroot \"", path, "\""));
  }
  self->path.root = std::move(dir);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MountInfo>> FakeHost::ListMounts() {
  FAKE_ENTER("read /proc/self/mountinfo");
  return self->mount_ns->table.List();
}

absl::Status FakeHost::MountSetattr(absl::string_view path, MountFlags set,
                                    MountFlags clear, bool recursive) {
  FAKE_ENTER("mount_setattr");
  ASSIGN_OR_RETURN(std::string at, MountPath(*self, path));
  return self->mount_ns->table.SetAttr(at, set, clear, recursive);
}

absl::Status FakeHost::MountIdmapped(absl::string_view source,
                                     absl::string_view target, const Fd& userns,
                                     bool recursive_bind,
                                     bool recursive_idmap) {
  FAKE_ENTER("open_tree+mount_setattr+move_mount");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, userns));
  if (FakeKernel::Impl::AsNamespace(*file, Namespaces::kUser) == nullptr) {
    return ErrnoError(EINVAL,
                      absl::StrCat("mount_setattr (MOUNT_ATTR_IDMAP) "
                                   "fd ",
                                   userns.get(), ": not a user namespace"));
  }
  ASSIGN_OR_RETURN(std::string from, MountPath(*self, source));
  ASSIGN_OR_RETURN(std::string to, MountPath(*self, target));
  return self->mount_ns->table.BindIdmapped(from, to, recursive_bind,
                                            recursive_idmap);
}

absl::StatusOr<std::vector<CgroupMount>> FakeHost::CgroupMounts() {
  FAKE_ENTER("read /proc/self/mountinfo (cgroup)");
  return k_.cgroups->Mounts();
}

absl::Status FakeHost::CgroupCreate(absl::string_view path) {
  FAKE_ENTER("mkdir (cgroup)");
  return k_.cgroups->Create(path);
}

absl::Status FakeHost::CgroupRemove(absl::string_view path) {
  FAKE_ENTER("rmdir (cgroup)");
  return k_.cgroups->Remove(path);
}

absl::StatusOr<std::string> FakeHost::CgroupRead(absl::string_view path,
                                                 absl::string_view file) {
  FAKE_ENTER("read (cgroup)");
  if (file == "cgroup.procs" || file == "tasks") {
    // Pids as the caller's namespace sees them.
    ASSIGN_OR_RETURN(std::vector<Pid> pids, CgroupPidsAs(*self, path));
    std::string out;
    for (Pid pid : pids) absl::StrAppend(&out, pid.value, "\n");
    return out;
  }
  return k_.cgroups->Read(path, file);
}

absl::Status FakeHost::CgroupWrite(absl::string_view path,
                                   absl::string_view file,
                                   absl::string_view value) {
  FAKE_ENTER("write (cgroup)");
  if (file == "cgroup.procs" || file == "tasks") {
    int pid = 0;
    if (!absl::SimpleAtoi(value, &pid) || pid < 0) {
      return ErrnoError(EINVAL, absl::StrCat("write ", file));
    }
    return AddToCgroup(*self, path, Pid{pid});
  }
  if (file == "cgroup.freeze" || file == "freezer.state") {
    k_.freezer_used = true;
  }
  absl::Status s = k_.cgroups->Write(path, file, value);
  // cgroup.kill may have killed the caller.
  return AfterEffect(*self, std::move(s));
}

absl::Status FakeHost::CgroupAddProcess(absl::string_view path, Pid pid) {
  FAKE_ENTER("write cgroup.procs");
  return AddToCgroup(*self, path, pid);
}

absl::StatusOr<std::vector<Pid>> FakeHost::CgroupProcesses(
    absl::string_view path) {
  FAKE_ENTER("read cgroup.procs");
  return CgroupPidsAs(*self, path);
}

absl::StatusOr<std::vector<std::string>> FakeHost::CgroupChildren(
    absl::string_view path) {
  FAKE_ENTER("getdents64 (cgroup)");
  return k_.cgroups->Children(path);
}

absl::Status FakeHost::CgroupAttachDeviceFilter(
    absl::string_view path, absl::Span<const uint8_t> program,
    absl::string_view license) {
  FAKE_ENTER("bpf (cgroup device)");
  return k_.cgroups->AttachDeviceProgram(path, program, license);
}

absl::Status FakeHost::CgroupChown(absl::string_view path,
                                   absl::string_view file, Uid uid, Gid gid) {
  FAKE_ENTER("fchownat (cgroup)");
  return k_.cgroups->Chown(path, file, uid, gid);
}

absl::StatusOr<CgroupOwner> FakeHost::CgroupGetOwner(absl::string_view path,
                                                     absl::string_view file) {
  FAKE_ENTER("fstatat (cgroup)");
  return k_.cgroups->Owner(path, file);
}

absl::Status FakeHost::AddToCgroup(Process& self, absl::string_view path,
                                   Pid pid) {
  // Pid 0 is the writer itself, as for cgroup.procs.
  Process* target = pid.value == 0 ? &self : k_.FindPid(self, pid);
  if (target == nullptr || target->dead) {
    return ErrnoError(ESRCH, absl::StrCat("cgroup.procs: pid ", pid.value));
  }
  return k_.cgroups->AddProcess(path, Pid{target->root_pid()});
}

absl::StatusOr<std::vector<Pid>> FakeHost::CgroupPidsAs(
    const Process& self, absl::string_view path) const {
  ASSIGN_OR_RETURN(std::vector<Pid> root_pids, k_.cgroups->Processes(path));
  std::vector<Pid> pids;
  for (Pid root : root_pids) {
    auto it = k_.root_pid_ns->processes.find(root.value);
    if (it == k_.root_pid_ns->processes.end()) continue;
    Pid seen = k_.PidAs(self, *it->second);
    if (seen.value != 0) pids.push_back(seen);
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace runbox::fake
