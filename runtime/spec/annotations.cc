#include "runtime/spec/annotations.h"

namespace runbox::spec {

std::optional<Signal> StopSignal(
    const std::map<std::string, std::string>& annotations) {
  auto it = annotations.find(std::string(kStopSignalAnnotation));
  if (it == annotations.end()) return std::nullopt;
  return ParseSignal(it->second);
}

}  // namespace runbox::spec
