// The container's root file system, as runc sets it up: in the container's
// mount namespace, the spec's mounts and devices inside the rootfs (paths
// resolved there, mounts through fds: rootfs/safe_path.h), the root change
// (`pivot_root`(2), or a move and chroot), then masked and read-only paths
// (rootfs/masked_paths.h). A config without a mount namespace gets only a
// chroot: mounting there would change the host's mount table.
#ifndef RUNBOX_RUNTIME_SANDBOX_ROOTFS_H_
#define RUNBOX_RUNTIME_SANDBOX_ROOTFS_H_

#include <string>

#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// The absolute path of the container's root: root.path, relative to the
// bundle unless absolute.
std::string RootfsPath(const spec::Config& config, absl::string_view bundle);

// What `runbox init --exec` enters (EnterRootfsForExec): "/" when the
// container has a mount namespace (joining it lands at its root), else the
// RootfsPath to chroot into.
std::string ExecRootfs(const spec::Config& config, absl::string_view bundle);

// Whether the config asks for a new namespace of `type` (no path).
bool HasNewNamespace(const spec::Config& config, spec::NamespaceType type);

// Called by init, in its new mount namespace, after the createContainer
// hooks: the spec's mounts and devices, then the root change (pivot_root,
// or with `no_pivot` a move and chroot). After it, "/" is the container's
// root and the working directory is "/".
absl::Status PrepareRootfs(Host& host, const spec::Config& config,
                           absl::string_view bundle, bool no_pivot);
// Called by init after the console is set up (it binds /dev/console):
// masked and read-only paths, then the read-only root.
absl::Status FinalizeRootfs(Host& host, const spec::Config& config);
// Called by `runbox init --exec` in the container's namespaces. `rootfs`
// "/" means the caller joined the container's mount namespace, whose root
// is the container's: only a chdir to "/". Otherwise a chroot into it.
absl::Status EnterRootfsForExec(Host& host, absl::string_view rootfs);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_H_
