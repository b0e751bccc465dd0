// The OCI state document (runtime-spec runtime.md "State"): what `runbox
// state` prints and what every hook reads on its stdin.
#ifndef RUNBOX_RUNTIME_STATE_OCI_STATE_H_
#define RUNBOX_RUNTIME_STATE_OCI_STATE_H_

#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "hostapi/types.h"
#include "runtime/state/meta.h"

namespace runbox {

inline constexpr char kOciVersion[] = "1.2.0";

struct OciState {
  std::string id;
  ContainerStatus status = ContainerStatus::kCreating;
  Pid pid;  // Left out when 0 (runtime.md: only while the process exists).
  std::string bundle;
  std::map<std::string, std::string> annotations;
  // runc's extras, which podman and containerd read.
  std::optional<absl::Time> created;
  std::optional<Uid> owner;
};

// Indented JSON, as runc prints it.
std::string SerializeOciState(const OciState& state);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_OCI_STATE_H_
