// Semantic checks on a parsed config: the spec's MUSTs and the rules runc
// enforces before it touches the host, so that a create fails before its
// first side effect (DESIGN.md "Security rules"). What can only be checked
// against the host (does the rootfs exist, is the cgroup v2, may this user
// write there) is left to the code that uses the value.
#ifndef RUNBOX_RUNTIME_SPEC_VALIDATE_H_
#define RUNBOX_RUNTIME_SPEC_VALIDATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/spec/config.h"

namespace runbox::spec {

// OK, or InvalidArgument naming the JSON path of the FIRST problem, in
// document order (`linux.namespaces[2].path: must be an absolute path, got
// "ns"`). One error at a time keeps messages short and the order
// deterministic; the user fixes and retries as with a compiler.
//
// Choices where the spec leaves room, each following runc:
// - ociVersion: any SemVer 1.x.y (pre-release and build suffixes allowed,
//   "1.0.2-dev"); 0.x, 2.x and non-SemVer are rejected. Newer 1.x minors
//   are accepted, as unknown properties are ignored anyway and clients
//   (containerd, podman) write the version of the spec they vendor.
// - root is required (the spec requires it on Linux); its path may be
//   relative to the bundle.
// - mounts[].destination must be non-empty; a relative destination is
//   accepted and taken relative to the container's "/", as runc does for
//   compatibility, although the spec says it MUST be absolute.
// - process.consoleSize without terminal is accepted: the spec says the
//   runtime MUST ignore it.
// - cgroupsPath may be absolute, relative or systemd's "slice:prefix:name";
//   whether systemd cgroups are supported is decided where it is used.
// - hostname and domainname need a UTS namespace; sysctls need the
//   namespace that isolates them (net.* a network namespace, IPC ones an
//   IPC namespace), others are refused; mapping uids needs a user
//   namespace and a new user namespace needs mappings.
absl::Status Validate(const Config& config);

// The checks on `process` alone, for process.json (`runbox exec`). Paths
// are relative to the process object (`cwd: ...`).
absl::Status ValidateProcess(const Process& process);

// SemVer 2.0.0 with major version 1.
bool IsSupportedOciVersion(absl::string_view version);

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_VALIDATE_H_
