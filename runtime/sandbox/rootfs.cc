// Root file system setup, runc's way (libcontainer/rootfs_linux.go
// prepareRootfs, pivotRoot, msMoveRoot, finalizeRootfs); see rootfs.h.
// Every path inside the rootfs is resolved there (rootfs/safe_path.h) and
// every mount targets an fd, so the image cannot steer a mount with
// symlinks.
#include "runtime/sandbox/rootfs.h"

#include <cerrno>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/sandbox/rootfs/devices.h"
#include "runtime/sandbox/rootfs/masked_paths.h"
#include "runtime/sandbox/rootfs/mount_options.h"
#include "runtime/sandbox/rootfs/safe_path.h"
#include "runtime/sandbox/rootfs/spec_mounts.h"

namespace runbox {
namespace {

const OpenHow kDirPath = {.flags = OpenFlags::kPath | OpenFlags::kDirectory};

bool HasMountNamespace(const spec::Config& config) {
  if (!config.linux) return false;
  for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
    if (ns.type == spec::NamespaceType::kMount) return true;
  }
  return false;
}

// linux.rootfsPropagation as `mount`(2) flags; runc's default is rslave, so
// nothing we mount reaches the host and host mounts still reach us.
MountFlags RootPropagation(const spec::Config& config) {
  if (!config.linux || !config.linux->rootfs_propagation) {
    return MountFlags::kSlave | MountFlags::kRecursive;
  }
  switch (*config.linux->rootfs_propagation) {
    case spec::Propagation::kPrivate:
      return MountFlags::kPrivate;
    case spec::Propagation::kRprivate:
      return MountFlags::kPrivate | MountFlags::kRecursive;
    case spec::Propagation::kSlave:
      return MountFlags::kSlave;
    case spec::Propagation::kRslave:
      return MountFlags::kSlave | MountFlags::kRecursive;
    case spec::Propagation::kShared:
      return MountFlags::kShared;
    case spec::Propagation::kRshared:
      return MountFlags::kShared | MountFlags::kRecursive;
    case spec::Propagation::kUnbindable:
      return MountFlags::kUnbindable;
    case spec::Propagation::kRunbindable:
      return MountFlags::kUnbindable | MountFlags::kRecursive;
  }
  return MountFlags::kSlave | MountFlags::kRecursive;
}

const spec::Mount* MountAt(const spec::Config& config,
                           absl::string_view destination) {
  const spec::Mount* found = nullptr;
  for (const spec::Mount& m : config.mounts) {
    if (absl::StripSuffix(m.destination, "/") == destination) found = &m;
  }
  return found;
}

// `pivot_root`(2) of the rootfs onto itself: the old root ends up stacked
// on the new one, and a lazy unmount of "." (which, through an fd of the
// old root, names it) drops it. No directory for the old root is needed,
// so a read-only rootfs works too (runc's pivotRoot).
absl::Status PivotIntoRootfs(Host& host, const Fd& rootfs) {
  ASSIGN_OR_RETURN(Fd old_root, host.OpenAt(Fd::Cwd(), "/", kDirPath));
  RETURN_IF_ERROR(host.Fchdir(rootfs));
  RETURN_IF_ERROR(Annotate(host.PivotRoot(".", "."), "pivot_root"));
  RETURN_IF_ERROR(host.Fchdir(old_root));
  // Our unmount must not propagate to the host's mounts.
  RETURN_IF_ERROR(Annotate(
      host.Mount("", ".", "", MountFlags::kSlave | MountFlags::kRecursive, ""),
      "make the old root a slave"));
  RETURN_IF_ERROR(
      Annotate(host.Umount(".", UmountFlags::kDetach), "unmount the old root"));
  return absl::OkStatus();
}

// --no-pivot (a rootfs on a ramdisk, where pivot_root fails): move the
// rootfs mount over "/" and chroot into it (runc's msMoveRoot).
absl::Status MoveIntoRootfs(Host& host, const Fd& rootfs,
                            absl::string_view rootfs_path) {
  RETURN_IF_ERROR(host.Fchdir(rootfs));
  RETURN_IF_ERROR(
      Annotate(host.Mount(rootfs_path, "/", "", MountFlags::kMove, ""),
               "move the rootfs to \"/\""));
  return Annotate(host.Chroot("."), "chroot into the rootfs");
}

absl::Status ChdirRoot(Host& host) {
  ASSIGN_OR_RETURN(Fd root, host.OpenAt(Fd::Cwd(), "/", kDirPath));
  return host.Fchdir(root);
}

absl::Status SetUpDev(Host& host, const Fd& root, const spec::Config& config) {
  for (const spec::LinuxDevice& device : rootfs::DevicesToCreate(config)) {
    RETURN_IF_ERROR(rootfs::CreateDevice(host, root, device));
  }
  const spec::Mount* pts = MountAt(config, "/dev/pts");
  const spec::Mount* proc = MountAt(config, "/proc");
  // runc links /dev/core only where the kernel has a /proc/kcore.
  const bool core =
      proc != nullptr && proc->type == "proc" &&
      host.StatAt(Fd::Cwd(), "/proc/kcore", FollowSymlinks::kNoFollow).ok();
  return rootfs::CreateDevSymlinks(
      host, root, /*ptmx=*/pts != nullptr && pts->type == "devpts", core);
}

// With a shared "/" (rootfsPropagation shared or rshared), `pivot_root`(2)
// refuses a new root whose parent mount is shared: make the mount holding
// the rootfs private first (runc's rootfsParentMountPrivate).
absl::Status MakeRootfsParentPrivate(Host& host,
                                     absl::string_view rootfs_path) {
  ASSIGN_OR_RETURN(std::vector<MountInfo> mounts, host.ListMounts());
  const MountInfo* parent = nullptr;
  for (const MountInfo& m : mounts) {
    const bool holds =
        m.mount_point == "/" || rootfs_path == m.mount_point ||
        absl::StartsWith(rootfs_path, absl::StrCat(m.mount_point, "/"));
    if (holds && (parent == nullptr ||
                  m.mount_point.size() >= parent->mount_point.size())) {
      parent = &m;
    }
  }
  if (parent == nullptr || !absl::StrContains(parent->propagation, "shared:")) {
    return absl::OkStatus();
  }
  return Annotate(
      host.Mount("", parent->mount_point, "", MountFlags::kPrivate, ""),
      absl::StrCat("make \"", parent->mount_point, "\" private"));
}

absl::Status PrepareMounts(Host& host, const spec::Config& config,
                           absl::string_view bundle, bool no_pivot) {
  const std::string rootfs_path = RootfsPath(config, bundle);
  const MountFlags propagation = RootPropagation(config);
  RETURN_IF_ERROR(Annotate(host.Mount("", "/", "", propagation, ""),
                           "set the propagation of \"/\""));
  if (Has(propagation, MountFlags::kShared)) {
    RETURN_IF_ERROR(MakeRootfsParentPrivate(host, rootfs_path));
  }
  // pivot_root needs the rootfs to be a mount point.
  RETURN_IF_ERROR(Annotate(
      host.Mount(rootfs_path, rootfs_path, "bind",
                 MountFlags::kBind | MountFlags::kRecursive, ""),
      absl::StrCat("bind the rootfs \"", rootfs_path, "\" onto itself")));
  // Opened after the bind, so it names the new mount.
  ASSIGN_OR_RETURN(Fd root, host.OpenAt(Fd::Cwd(), rootfs_path, kDirPath));
  bool user_namespace = false;
  if (config.linux) {
    for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
      user_namespace |= ns.type == spec::NamespaceType::kUser;
    }
  }
  for (const spec::Mount& mount : config.mounts) {
    RETURN_IF_ERROR(
        rootfs::MountSpecEntry(host, root, bundle, mount, user_namespace));
  }
  const spec::Mount* dev = MountAt(config, "/dev");
  if (dev == nullptr || !rootfs::IsBindMount(*dev)) {
    RETURN_IF_ERROR(SetUpDev(host, root, config));
  }
  if (no_pivot) {
    RETURN_IF_ERROR(MoveIntoRootfs(host, root, rootfs_path));
  } else {
    RETURN_IF_ERROR(PivotIntoRootfs(host, root));
  }
  RETURN_IF_ERROR(ChdirRoot(host));
  if (Has(propagation, MountFlags::kShared)) {
    // runc applies a shared propagation again after the root change, so
    // the new "/" joins a peer group.
    RETURN_IF_ERROR(Annotate(host.Mount("", "/", "", propagation, ""),
                             "set the propagation of the new \"/\""));
  }
  return absl::OkStatus();
}

}  // namespace

std::string RootfsPath(const spec::Config& config, absl::string_view bundle) {
  const std::string path = config.root ? config.root->path : "rootfs";
  if (absl::StartsWith(path, "/")) return path;
  return absl::StrCat(bundle, "/", path);
}

std::string ExecRootfs(const spec::Config& config, absl::string_view bundle) {
  return HasMountNamespace(config) ? "/" : RootfsPath(config, bundle);
}

bool HasNewNamespace(const spec::Config& config, spec::NamespaceType type) {
  if (!config.linux) return false;
  for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
    if (ns.type == type && ns.path.empty()) return true;
  }
  return false;
}

absl::Status PrepareRootfs(Host& host, const spec::Config& config,
                           absl::string_view bundle, bool no_pivot) {
  if (!HasMountNamespace(config)) {
    // Mounting would change the host's mount table: like before, only a
    // chroot.
    return EnterRootfsForExec(host, RootfsPath(config, bundle));
  }
  return Annotate(PrepareMounts(host, config, bundle, no_pivot),
                  "prepare rootfs");
}

absl::Status FinalizeRootfs(Host& host, const spec::Config& config) {
  if (!HasMountNamespace(config)) return absl::OkStatus();
  absl::Status s = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Fd root, host.OpenAt(Fd::Cwd(), "/", kDirPath));
    const spec::Mount* dev = MountAt(config, "/dev");
    if (dev != nullptr && !rootfs::IsBindMount(*dev) &&
        Has(rootfs::ParseMountOptions(dev->options).flags,
            MountFlags::kReadOnly)) {
      RETURN_IF_ERROR(rootfs::RemountReadOnly(host, root, "/dev"));
    }
    RETURN_IF_ERROR(rootfs::MaskPaths(host, root, config.linux->masked_paths));
    RETURN_IF_ERROR(
        rootfs::MakeReadonlyPaths(host, root, config.linux->readonly_paths));
    if (config.root && config.root->readonly) {
      RETURN_IF_ERROR(rootfs::RemountReadOnly(host, root, "/"));
    }
    return absl::OkStatus();
  }();
  return Annotate(s, "finalize rootfs");
}

absl::Status EnterRootfsForExec(Host& host, absl::string_view rootfs) {
  // In the container's mount namespace its root is already ours (`setns`(2)
  // moved us there): nothing to enter.
  if (rootfs != "/") {
    RETURN_IF_ERROR(Annotate(host.Chroot(rootfs),
                             absl::StrCat("enter rootfs \"", rootfs, "\"")));
  }
  return ChdirRoot(host);
}

}  // namespace runbox
