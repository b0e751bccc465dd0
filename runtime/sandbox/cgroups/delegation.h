// config-linux.md "Cgroup Ownership" (runtime-spec 1.2): on a cgroup v2
// host, a container with its own user and cgroup namespaces and a
// read/write cgroup fs mount gets its cgroup delegated: the directory and
// the files the kernel lists in /sys/kernel/cgroup/delegate are chowned to
// the host ids of the container's root, as runc does. Nothing else changes
// owner, and nothing at all on cgroup v1 (legacy or hybrid hosts).
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_DELEGATION_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_DELEGATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/spec/config.h"

namespace runbox::cgroups {

// Where the kernel lists the files a delegatee may own.
inline constexpr char kDelegateListPath[] = "/sys/kernel/cgroup/delegate";
// The spec's list when that file does not exist.
std::vector<std::string> DefaultDelegateFiles();

// The host uid and gid of the container's root when `config` asks for
// delegation on a host in `mode`: mode unified; linux.namespaces lists a
// user namespace and a new cgroup namespace (no path); the uid and gid
// mappings map container id 0; and a mount has source "cgroup",
// destination /sys/fs/cgroup and no "ro" option. Otherwise nullopt.
std::optional<CgroupOwner> DelegationOwner(const spec::Config& config,
                                           CgroupMode mode);

// Chowns the container's v2 directory, then each file of the delegate list
// (kDelegateListPath, one name a line; DefaultDelegateFiles when it does
// not exist) that exists in it, to `owner`. Listed files the cgroup lacks
// are skipped. FailedPrecondition without a v2 directory.
absl::Status DelegateCgroup(Host& host, const CgroupManager& manager,
                            CgroupOwner owner);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_DELEGATION_H_
