// The container's device nodes and /dev symlinks, as runc makes them when
// /dev is not bind-mounted from the host (libcontainer rootfs_linux.go
// createDevices, setupPtmx, setupDevSymlinks).
#ifndef RUNBOX_RUNTIME_SANDBOX_ROOTFS_DEVICES_H_
#define RUNBOX_RUNTIME_SANDBOX_ROOTFS_DEVICES_H_

#include <vector>

#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox::rootfs {

// runc's default devices (null, zero, full, random, urandom, tty; char,
// 0666, root-owned) followed by `linux.devices`; a configured device
// replaces a default one of the same path.
std::vector<spec::LinuxDevice> DevicesToCreate(const spec::Config& config);

// Creates `device` inside `root` (paths resolved there, see safe_path.h):
// `mknodat`(2) with the configured mode (no umask); an existing name is
// kept, as runc does. Where mknod is not allowed (EPERM: a user namespace)
// it bind-mounts the host's node of the same path onto an empty file.
absl::Status CreateDevice(Host& host, const Fd& root,
                          const spec::LinuxDevice& device);

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr; /dev/ptmx -> pts/ptmx
// when /dev/pts is a devpts (`ptmx`), /dev/core -> /proc/kcore when /proc
// is mounted and the kernel has one (`core`). Existing names are kept, except
// /dev/ptmx, which runc always replaces.
absl::Status CreateDevSymlinks(Host& host, const Fd& root, bool ptmx,
                               bool core);

}  // namespace runbox::rootfs

#endif  // RUNBOX_RUNTIME_SANDBOX_ROOTFS_DEVICES_H_
