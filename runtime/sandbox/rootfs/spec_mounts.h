// One mounts[] entry of the config, mounted inside the container's root
// before the root change (runc's mountToRootfs). Targets are resolved in
// the root and mounted through /proc/self/fd/N (safe_path.h).
#ifndef RUNBOX_RUNTIME_SANDBOX_ROOTFS_SPEC_MOUNTS_H_
#define RUNBOX_RUNTIME_SANDBOX_ROOTFS_SPEC_MOUNTS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox::rootfs {

// Whether `mount` is a bind mount (type "bind" or a bind/rbind option).
bool IsBindMount(const spec::Mount& mount);

// Mounts `mount` in `root` (an O_PATH fd of the rootfs). Bind sources are
// host paths, relative ones taken from `bundle`. A read-only bind is a
// bind then a remount; a read-only /dev is mounted writable and made
// read-only by FinalizeRootfs (devices go in first). "idmap"/"ridmap"
// (or the mount's uidMappings/gidMappings) make an idmapped bind mount
// with the mount's mappings; with `user_namespace` (the container has
// one) they fail EOPNOTSUPP, without mappings EINVAL.
absl::Status MountSpecEntry(Host& host, const Fd& root,
                            absl::string_view bundle, const spec::Mount& mount,
                            bool user_namespace);

}  // namespace runbox::rootfs

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_SPEC_MOUNTS_H_
