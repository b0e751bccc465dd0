// Annotations whose meaning the OCI specs define and runbox acts on.
#ifndef RUNBOX_RUNTIME_SPEC_ANNOTATIONS_H_
#define RUNBOX_RUNTIME_SPEC_ANNOTATIONS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "hostapi/types.h"

namespace runbox::spec {

// The image's StopSignal (image-spec config, carried over by the runtime
// conversion): "SIGTERM", "TERM" or a number. `kill` without a signal
// sends it.
inline constexpr absl::string_view kStopSignalAnnotation =
    "org.opencontainers.image.stopSignal";

// The stop signal the annotations name; nullopt when there is none or it
// names no signal (Validate refuses that).
std::optional<Signal> StopSignal(
    const std::map<std::string, std::string>& annotations);

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_ANNOTATIONS_H_
