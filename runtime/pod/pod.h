// Pods, runsc's model: a container whose CRI annotations say it is a
// sandbox anchors a pod; containers that name it as their sandbox join the
// sandbox's network, IPC and UTS namespaces (and its pid namespace when the
// pod shares one), and go down with it.
//
// Engines mark pods with annotations (containerd's CRI plugin, CRI-O, and
// dockershim), never with flags, so this is all a matter of reading them
// and of rewriting the joining container's namespaces before it boots.
#ifndef RUNBOX_RUNTIME_POD_POD_H_
#define RUNBOX_RUNTIME_POD_POD_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/types.h"
#include "runtime/spec/config.h"

namespace runbox::pod {

enum class Role {
  kNone,       // Not part of a pod: a container of its own.
  kSandbox,    // Anchors a pod; others may join it.
  kContainer,  // Joins the pod of `sandbox_id`.
};

struct PodRole {
  Role role = Role::kNone;
  std::string sandbox_id;  // kContainer only.
  bool operator==(const PodRole&) const = default;
};

// Reads the annotations containerd's CRI plugin
// (io.kubernetes.cri.container-type: sandbox|container,
// io.kubernetes.cri.sandbox-id), CRI-O (io.kubernetes.cri-o.ContainerType,
// io.kubernetes.cri-o.SandboxID) and dockershim (io.kubernetes.docker.type:
// podsandbox|container, io.kubernetes.sandbox.id) write. A container type
// without a sandbox ID, or an unknown type, is an InvalidArgument error
// naming the annotation: guessing would put a container in the wrong pod
// or in none.
absl::StatusOr<PodRole> RoleOf(
    const std::map<std::string, std::string>& annotations);

// The namespaces a container of the pod shares with its sandbox: network,
// IPC and UTS always; pid when the container's config joins one (CRI writes
// a pid namespace path exactly when the pod shares its pid namespace; the
// path it writes names the sandbox's runtime pid, which for runbox is the
// supervisor's, so it is never used as given). Each becomes
// /proc/<sandbox init>/ns/<type>; missing entries are added. The hostname
// and domainname are cleared: the shared UTS namespace is the sandbox's to
// name. The rest of the config is untouched.
void JoinSandboxNamespaces(spec::Config& config, Pid sandbox_init);

}  // namespace runbox::pod

#endif  // RUNBOX_RUNTIME_POD_POD_H_
