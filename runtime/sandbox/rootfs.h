// Entering the container's root file system. For now a chroot(2) into the
// bundle's root (no mount namespace setup yet); the isolation work replaces
// it with mounts, pivot_root and masked paths, behind the same calls.
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
// Called by `runbox init --exec` in the container's namespaces.
absl::Status EnterRootfsForExec(Host& host, absl::string_view rootfs);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_H_
