// Shared pieces of the validator (validate*.cc): one entry point per area
// and the small checks several areas use. Not part of the library's API.
#ifndef RUNBOX_RUNTIME_SPEC_VALIDATE_INTERNAL_H_
#define RUNBOX_RUNTIME_SPEC_VALIDATE_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/spec/config.h"

namespace runbox::spec::validate_internal {

// Areas, each returning the first error under its JSON path.
absl::Status ValidateProcessAt(const Process& process, absl::string_view path);
absl::Status ValidateMounts(const std::vector<Mount>& mounts);
absl::Status ValidateLinux(const Config& config);  // Also hostname vs UTS.
absl::Status ValidateResources(const Resources& resources,
                               absl::string_view path);
absl::Status ValidateSeccomp(const Seccomp& seccomp, absl::string_view path);

// `value` starts with '/'.
absl::Status CheckAbsolute(absl::string_view value, absl::string_view path);
// Some '/'-separated component of `value` is "..".
bool HasDotDot(absl::string_view value);
// Each entry is "KEY=value" with a non-empty KEY.
absl::Status CheckEnv(const std::vector<std::string>& env,
                      absl::string_view path);
// A kernel CPU or memory-node list: "0-3,7". Empty is allowed.
absl::Status CheckCpuList(absl::string_view list, absl::string_view path);
// An id mapping list: sizes > 0, ranges within 32 bits.
absl::Status CheckIdMappings(const std::vector<IdMapping>& mappings,
                             absl::string_view path);

}  // namespace runbox::spec::validate_internal

#endif  // RUNBOX_RUNTIME_SPEC_VALIDATE_INTERNAL_H_
