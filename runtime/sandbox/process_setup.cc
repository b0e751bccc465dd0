// Process attributes; see process_setup.h.
#include "runtime/sandbox/process_setup.h"

namespace runbox {

absl::Status ApplyContainerSysctls(Host& /*host*/,
                                   const spec::Config& /*config*/) {
  return absl::OkStatus();
}

}  // namespace runbox
