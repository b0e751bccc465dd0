// mounts[] entries; see spec_mounts.h. runc's rootfs_linux.go
// (mountToRootfs, mountCgroupV1/V2) is the model.
#include "runtime/sandbox/rootfs/spec_mounts.h"

#include <cerrno>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"
#include "runtime/sandbox/cgroups/hierarchy.h"
#include "runtime/sandbox/rootfs/mount_options.h"
#include "runtime/sandbox/rootfs/safe_path.h"

namespace runbox::rootfs {
namespace {

std::string Describe(const spec::Mount& mount) {
  return absl::StrCat("mount \"", mount.source, "\" on \"", mount.destination,
                      "\"", mount.type.empty() ? "" : " type ", mount.type);
}

// The last path component ("/sys/fs/cgroup/cpu,cpuacct" -> "cpu,cpuacct").
absl::string_view Base(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// Propagation changes, each a `mount`(2) of its own, on the mount now at
// `destination` (reopened: the fd we mounted on names the covered
// directory, not the new mount).
absl::Status ApplyPropagation(Host& host, const Fd& root,
                              absl::string_view destination,
                              const MountOptions& options) {
  if (options.propagation.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Fd top,
                   OpenInRoot(host, root, destination, OpenFlags::kPath));
  for (MountFlags flags : options.propagation) {
    RETURN_IF_ERROR(host.Mount("", ProcFdPath(top), "", flags, ""));
  }
  return absl::OkStatus();
}

// The recursive options ("rro", "rnosuid", ...): `mount_setattr`(2) with
// AT_RECURSIVE on the mount now at `destination` and every mount below it.
absl::Status ApplyRecursive(Host& host, const Fd& root,
                            absl::string_view destination,
                            const MountOptions& options) {
  if (options.recursive_set == MountFlags::kNone &&
      options.recursive_clear == MountFlags::kNone) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Fd top,
                   OpenInRoot(host, root, destination, OpenFlags::kPath));
  return host.MountSetattr(ProcFdPath(top), options.recursive_set,
                           options.recursive_clear, /*recursive=*/true);
}

// An entry's idmapping: none, "idmap" (the top mount) or "ridmap" (every
// mount of the bound tree).
enum class Idmap { kNone, kTop, kRecursive };

// config.md: with "idmap"/"ridmap" (or mount uidMappings/gidMappings, which
// runc takes as "idmap") the mount MUST get an idmapping, from the mount's
// mappings or else the container's user namespace, and an error MUST be
// returned when it cannot. runbox makes idmapped bind mounts with the
// mount's own mappings in a container without a user namespace (init is
// then root of the host, which the kernel asks for); inside a user
// namespace init could not idmap a host file system, so it refuses.
absl::StatusOr<Idmap> IdmapOf(const spec::Mount& mount, bool user_namespace) {
  const bool mappings =
      !mount.uid_mappings.empty() || !mount.gid_mappings.empty();
  Idmap idmap = mappings ? Idmap::kTop : Idmap::kNone;
  for (const std::string& option : mount.options) {
    if (option == "idmap" && idmap == Idmap::kNone) idmap = Idmap::kTop;
    if (option == "ridmap") idmap = Idmap::kRecursive;
  }
  if (idmap == Idmap::kNone) return idmap;
  if (user_namespace) {
    return ErrnoError(EOPNOTSUPP,
                      "idmapped mounts (idmap, ridmap, uidMappings) in a "
                      "container with a user namespace are not supported");
  }
  if (mount.uid_mappings.empty() || mount.gid_mappings.empty()) {
    return ErrnoError(EINVAL,
                      "idmap/ridmap needs the mount's uidMappings and "
                      "gidMappings when the container has no user namespace");
  }
  if (!IsBindMount(mount)) {
    return ErrnoError(EINVAL, "idmap/ridmap applies to bind mounts only");
  }
  return idmap;
}

std::string IdMapText(const std::vector<spec::IdMapping>& mappings) {
  std::string text;
  for (const spec::IdMapping& m : mappings) {
    absl::StrAppend(&text, m.container_id, " ", m.host_id, " ", m.size, "\n");
  }
  return text;
}

// `child` as /proc names it. Before the root change /proc is still the
// host's, mounted for the pid namespace init came from, where our child
// has another pid: the "Pid:" line of a pidfd's fdinfo gives it (the
// kernel writes it for the pid namespace of the reading proc). Without
// fdinfo (the fake kernel, whose /proc follows the caller), `child`.
absl::StatusOr<Pid> ProcPid(Host& host, Pid child) {
  ASSIGN_OR_RETURN(Fd pidfd, host.PidfdOpen(child));
  absl::StatusOr<Fd> info =
      host.OpenAt(Fd::Cwd(), absl::StrCat("/proc/self/fdinfo/", pidfd.get()),
                  {.flags = OpenFlags::kReadOnly});
  if (IsErrno(info, ENOENT)) return child;
  RETURN_IF_ERROR(Annotate(info.status(), "open the pidfd's fdinfo"));
  ASSIGN_OR_RETURN(std::string text, ReadAll(host, *info, 1 << 16));
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, "Pid:")) continue;
    int pid = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &pid) && pid > 0) {
      return Pid{pid};
    }
  }
  return ErrnoError(ESRCH, "no pid in the pidfd's fdinfo");
}

// A user namespace with `mount`'s uidMappings and gidMappings, as runc
// 1.2 makes one: a child in a new user namespace, its maps written and
// its namespace opened while it waits before its exec, then killed (the
// hook fails on purpose, so it never execs). The fd keeps the namespace.
absl::StatusOr<Fd> MappingUserNamespace(Host& host, const spec::Mount& mount) {
  // The program is never run; our own is one both hosts can resolve.
  ASSIGN_OR_RETURN(Fd exe, host.OpenSelfExe());
  SpawnRequest request;
  request.exec_fd = &exe;
  request.argv = {"runbox-idmap-userns"};
  request.new_namespaces = Namespaces::kUser;
  Fd userns;
  request.before_exec = [&](Pid child) -> absl::Status {
    ASSIGN_OR_RETURN(Pid pid, ProcPid(host, child));
    RETURN_IF_ERROR(Annotate(
        host.WriteIdMap(pid, IdMapKind::kUid, IdMapText(mount.uid_mappings)),
        "write the idmapped mount's uid_map"));
    RETURN_IF_ERROR(Annotate(
        host.WriteIdMap(pid, IdMapKind::kGid, IdMapText(mount.gid_mappings)),
        "write the idmapped mount's gid_map"));
    ASSIGN_OR_RETURN(userns, host.OpenNamespace(pid, Namespaces::kUser));
    return absl::CancelledError("user namespace taken");
  };
  absl::StatusOr<SpawnResult> spawned = host.Spawn(request);
  if (userns.valid()) return userns;
  if (spawned.ok()) {  // Unreachable: the hook always fails.
    (void)host.Kill(spawned->pid, Signal::kKill);
    (void)host.Wait(spawned->pid, WaitFlags::kNone);
    return absl::InternalError("idmap user namespace helper ran");
  }
  return Annotate(spawned.status(), "make the idmapped mount's user namespace");
}

absl::Status MountBind(Host& host, const Fd& root, absl::string_view bundle,
                       const spec::Mount& mount, const MountOptions& options,
                       Idmap idmap = Idmap::kNone) {
  // The source is the engine's (a host path, trusted like the config): it
  // may be a symlink on the host. The destination is the container's.
  std::string source = mount.source;
  if (!absl::StartsWith(source, "/"))
    source = absl::StrCat(bundle, "/", source);
  ASSIGN_OR_RETURN(Fd from,
                   host.OpenAt(Fd::Cwd(), source, {.flags = OpenFlags::kPath}));
  ASSIGN_OR_RETURN(FileStat st, host.FStat(from));
  TargetKind kind = st.type == FileType::kDirectory ? TargetKind::kDirectory
                                                    : TargetKind::kFile;
  ASSIGN_OR_RETURN(Fd target,
                   OpenMountTarget(host, root, mount.destination, kind));
  if (idmap != Idmap::kNone) {
    ASSIGN_OR_RETURN(Fd userns, MappingUserNamespace(host, mount));
    RETURN_IF_ERROR(host.MountIdmapped(ProcFdPath(from), ProcFdPath(target),
                                       userns, options.recursive,
                                       idmap == Idmap::kRecursive));
  } else {
    MountFlags bind = MountFlags::kBind;
    if (options.recursive) bind |= MountFlags::kRecursive;
    RETURN_IF_ERROR(
        host.Mount(ProcFdPath(from), ProcFdPath(target), "", bind, ""));
  }
  // The kernel ignores every other flag on a new bind: apply them with a
  // remount of the new mount.
  MountFlags rest = options.flags & ~MountFlags::kRemount;
  if (rest != MountFlags::kNone) {
    ASSIGN_OR_RETURN(
        Fd top, OpenInRoot(host, root, mount.destination, OpenFlags::kPath));
    RETURN_IF_ERROR(host.Mount("", ProcFdPath(top), "",
                               MountFlags::kBind | MountFlags::kRemount | rest,
                               ""));
  }
  RETURN_IF_ERROR(ApplyRecursive(host, root, mount.destination, options));
  return ApplyPropagation(host, root, mount.destination, options);
}

// One cgroup file system at `destination`. `own_cgroup` is the caller's
// cgroup in that hierarchy (/proc/self/cgroup; "" when unknown). Outside a
// cgroup namespace a new mount would show the host's whole hierarchy, so
// the host's directory of that cgroup is bound instead, as runc does
// without a cgroup namespace; in one, /proc/self/cgroup reads "/" and a
// new mount shows the namespace's root. Where the kernel refuses a new
// mount (EPERM: a user namespace without its own cgroup namespace), the
// host's mount at `host_mount` is bound as well. A bind is then given
// `flags` (read-only) by a remount.
absl::Status MountOneCgroup(Host& host, const Fd& root,
                            const std::string& destination,
                            absl::string_view fstype,
                            const std::string& host_mount, MountFlags flags,
                            absl::string_view data,
                            absl::string_view own_cgroup) {
  ASSIGN_OR_RETURN(Fd dir, MkdirAllInRoot(host, root, destination, 0755));
  std::string source = host_mount;
  if (own_cgroup.empty() || own_cgroup == "/") {
    absl::Status mounted =
        host.Mount(fstype, ProcFdPath(dir), fstype, flags, data);
    if (!IsErrno(mounted, EPERM)) return mounted;
  } else {
    source = cgroups::JoinCgroupPath(host_mount, own_cgroup);
  }
  ASSIGN_OR_RETURN(Fd from, host.OpenAt(Fd::Cwd(), source,
                                        {.flags = OpenFlags::kPath |
                                                  OpenFlags::kDirectory}));
  RETURN_IF_ERROR(host.Mount(ProcFdPath(from), ProcFdPath(dir), "",
                             MountFlags::kBind | MountFlags::kRecursive, ""));
  if (flags == MountFlags::kNone) return absl::OkStatus();
  ASSIGN_OR_RETURN(Fd top,
                   OpenInRoot(host, root, destination, OpenFlags::kPath));
  return host.Mount("", ProcFdPath(top), "",
                    MountFlags::kBind | MountFlags::kRemount | flags, "");
}

// The caller's cgroups (cgroups::ParseProcCgroup of /proc/self/cgroup);
// empty where the host has no such file (the fake kernel), which mounts
// every hierarchy anew.
absl::StatusOr<std::map<std::string, std::string>> OwnCgroups(Host& host) {
  absl::StatusOr<Fd> fd = host.OpenAt(Fd::Cwd(), "/proc/self/cgroup",
                                      {.flags = OpenFlags::kReadOnly});
  if (IsErrno(fd, ENOENT)) return std::map<std::string, std::string>();
  RETURN_IF_ERROR(Annotate(fd.status(), "open /proc/self/cgroup"));
  absl::StatusOr<std::string> text = ReadAll(host, *fd, 1 << 20);
  RETURN_IF_ERROR(Annotate(text.status(), "read /proc/self/cgroup"));
  return cgroups::ParseProcCgroup(*text);
}

// "cgroup": the host's hierarchies as the container sees them, runc's
// layout. Unified host: one cgroup2 mount. v1 or hybrid: a tmpfs holding a
// mount of each hierarchy (in a cgroup namespace the kernel shows the
// container's own subtree) and aliases for combined ones ("cpu" ->
// "cpu,cpuacct"), all read-only if asked.
absl::Status MountCgroup(Host& host, const Fd& root, const spec::Mount& mount,
                         const MountOptions& options) {
  ASSIGN_OR_RETURN(cgroups::Hierarchies hierarchies,
                   cgroups::DetectHierarchies(host));
  ASSIGN_OR_RETURN(auto own, OwnCgroups(host));
  const MountFlags flags = options.flags & ~MountFlags::kRemount;
  if (hierarchies.mode == cgroups::CgroupMode::kUnified) {
    return MountOneCgroup(host, root, mount.destination, "cgroup2",
                          hierarchies.v2->mount, flags, "", own[""]);
  }
  ASSIGN_OR_RETURN(Fd target, OpenMountTarget(host, root, mount.destination,
                                              TargetKind::kDirectory));
  RETURN_IF_ERROR(host.Mount("tmpfs", ProcFdPath(target), "tmpfs",
                             flags & ~MountFlags::kReadOnly, "mode=755"));
  ASSIGN_OR_RETURN(Fd tmpfs,
                   OpenInRoot(host, root, mount.destination,
                              OpenFlags::kPath | OpenFlags::kDirectory));
  for (const cgroups::V1Hierarchy& v1 : hierarchies.v1) {
    const std::string name(Base(v1.mount));
    RETURN_IF_ERROR(MountOneCgroup(
        host, root, absl::StrCat(mount.destination, "/", name), "cgroup",
        v1.mount, flags, absl::StrJoin(v1.controllers, ","),
        own[cgroups::HierarchyKey(v1.controllers)]));
    if (v1.controllers.size() < 2) continue;
    for (absl::string_view alias : absl::StrSplit(name, ',')) {
      if (alias == name) continue;
      absl::Status s = host.SymlinkAt(name, tmpfs, alias);
      if (!s.ok() && !IsErrno(s, EEXIST)) return s;
    }
  }
  if (hierarchies.v2) {
    const std::string name(Base(hierarchies.v2->mount));
    RETURN_IF_ERROR(
        MountOneCgroup(host, root, absl::StrCat(mount.destination, "/", name),
                       "cgroup2", hierarchies.v2->mount, flags, "", own[""]));
  }
  if (Has(flags, MountFlags::kReadOnly)) {
    RETURN_IF_ERROR(host.Mount("", ProcFdPath(tmpfs), "",
                               MountFlags::kRemount | MountFlags::kBind | flags,
                               ""));
  }
  return absl::OkStatus();
}

// proc and sysfs only go on a real directory: a symlink there could aim
// them at a place the masked and read-only paths then miss (runc's
// checkProcMount).
absl::Status CheckPlainDirectory(Host& host, const Fd& root,
                                 absl::string_view destination) {
  std::string path(absl::StripSuffix(destination, "/"));
  size_t slash = path.rfind('/');
  std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) {
    return absl::InvalidArgumentError("refusing to mount over the rootfs");
  }
  ASSIGN_OR_RETURN(Fd dir, MkdirAllInRoot(host, root, parent, 0755));
  absl::StatusOr<FileStat> st =
      host.StatAt(dir, name, FollowSymlinks::kNoFollow);
  if (IsErrno(st, ENOENT)) return absl::OkStatus();  // We make it.
  if (!st.ok()) return st.status();
  if (st->type != FileType::kDirectory) {
    return ErrnoError(
        ENOTDIR, absl::StrCat("\"", destination, "\" is a ", ToString(st->type),
                              ", not a directory"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsBindMount(const spec::Mount& mount) {
  if (mount.type == "bind") return true;
  for (const std::string& option : mount.options) {
    if (option == "bind" || option == "rbind") return true;
  }
  return false;
}

absl::Status MountSpecEntry(Host& host, const Fd& root,
                            absl::string_view bundle, const spec::Mount& mount,
                            bool user_namespace) {
  MountOptions options = ParseMountOptions(mount.options);
  absl::StatusOr<Idmap> idmap = IdmapOf(mount, user_namespace);
  if (!idmap.ok()) return Annotate(idmap.status(), Describe(mount));
  absl::Status s = [&]() -> absl::Status {
    if (IsBindMount(mount))
      return MountBind(host, root, bundle, mount, options, *idmap);
    if (mount.type == "cgroup") return MountCgroup(host, root, mount, options);
    if (mount.type == "proc" || mount.type == "sysfs") {
      RETURN_IF_ERROR(CheckPlainDirectory(host, root, mount.destination));
    }
    MountFlags flags = options.flags;
    // A read-only /dev still gets its device nodes: FinalizeRootfs makes it
    // read-only after.
    if (mount.destination == "/dev") flags &= ~MountFlags::kReadOnly;
    ASSIGN_OR_RETURN(Fd target, OpenMountTarget(host, root, mount.destination,
                                                TargetKind::kDirectory));
    absl::Status mounted = host.Mount(mount.source, ProcFdPath(target),
                                      mount.type, flags, options.data);
    if (mount.type == "sysfs" && IsErrno(mounted, EPERM)) {
      // A user namespace without its own network namespace may not mount
      // sysfs: runc binds the host's /sys instead.
      spec::Mount host_sys = mount;
      host_sys.source = "/sys";
      MountOptions recursive = options;
      recursive.bind = true;
      recursive.recursive = true;
      return MountBind(host, root, bundle, host_sys, recursive);
    }
    RETURN_IF_ERROR(mounted);
    RETURN_IF_ERROR(ApplyRecursive(host, root, mount.destination, options));
    return ApplyPropagation(host, root, mount.destination, options);
  }();
  return Annotate(s, Describe(mount));
}

}  // namespace runbox::rootfs
