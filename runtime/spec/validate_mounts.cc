// Checks on `mounts` (config.md "Mounts") that need no host access. Where
// a destination resolves inside the rootfs is decided at mount time, by
// the safe path walk.
#include <string>

#include "hostapi/status.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/validate_internal.h"

namespace runbox::spec::validate_internal {

absl::Status ValidateMounts(const std::vector<Mount>& mounts) {
  for (size_t i = 0; i < mounts.size(); ++i) {
    const Mount& m = mounts[i];
    std::string path = JsonIndex("mounts", i);
    // The spec says destination MUST be absolute; runc accepts a relative
    // one (relative to the container's "/") for old configs, so we do too.
    // Empty names no place at all.
    if (m.destination.empty()) {
      return SpecError(JsonField(path, "destination"), "must not be empty");
    }
    // Idmapped mounts (runtime-spec 1.2): mount_setattr(2) takes one user
    // namespace carrying both maps, so both must be given.
    if (m.uid_mappings.empty() != m.gid_mappings.empty()) {
      return SpecError(path,
                       "uidMappings and gidMappings must be set together");
    }
    RETURN_IF_ERROR(
        CheckIdMappings(m.uid_mappings, JsonField(path, "uidMappings")));
    RETURN_IF_ERROR(
        CheckIdMappings(m.gid_mappings, JsonField(path, "gidMappings")));
  }
  return absl::OkStatus();
}

}  // namespace runbox::spec::validate_internal
