// Container IDs (DESIGN.md "State and locking" invariant 6): which names are
// valid. An ID becomes a directory name under the state root, so the rules
// keep it one safe path component. Prefix lookup lives in state_store.h.
#ifndef RUNBOX_RUNTIME_STATE_CONTAINER_ID_H_
#define RUNBOX_RUNTIME_STATE_CONTAINER_ID_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace runbox {

inline constexpr size_t kMaxContainerIdLength = 1024;

// OK when `id` matches [A-Za-z0-9][A-Za-z0-9_.+-]{0,1023} and holds no
// "..". Otherwise InvalidArgument naming the id and the rule it breaks:
//   invalid container id "a/b": character '/' at offset 1 is not allowed
//   (allowed: A-Z a-z 0-9 and _ . + -, starting with a letter or digit)
absl::Status ValidateContainerId(absl::string_view id);

inline bool IsValidContainerId(absl::string_view id) {
  return ValidateContainerId(id).ok();
}

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_CONTAINER_ID_H_
