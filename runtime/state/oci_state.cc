// JSON form of the OCI state; see oci_state.h.
#include "runtime/state/oci_state.h"

#include <nlohmann/json.hpp>

namespace runbox {

std::string SerializeOciState(const OciState& state) {
  nlohmann::ordered_json j;
  j["ociVersion"] = kOciVersion;
  j["id"] = state.id;
  j["status"] = std::string(ContainerStatusName(state.status));
  if (state.pid.value != 0) j["pid"] = state.pid.value;
  j["bundle"] = state.bundle;
  j["annotations"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : state.annotations) {
    j["annotations"][key] = value;
  }
  if (state.created) j["created"] = FormatRfc3339Nanos(*state.created);
  if (state.owner) j["owner"] = *state.owner == 0 ? "root" : std::to_string(*state.owner);
  // Strings came from our own validated inputs, but never let a stray
  // invalid byte turn into an exception.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace runbox
