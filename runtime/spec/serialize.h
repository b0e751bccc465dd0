// Writes the config.h model back to config.json / process.json text, for
// `runbox spec`, for state the runtime keeps, and for the parse ->
// serialize -> parse identity the fuzzers check.
#ifndef RUNBOX_RUNTIME_SPEC_SERIALIZE_H_
#define RUNBOX_RUNTIME_SPEC_SERIALIZE_H_

#include <string>

#include "runtime/spec/config.h"

namespace runbox::spec {

enum class JsonStyle {
  kIndented,  // Tab-indented, one value per line, no final newline: the
              // bytes `runc spec` writes.
  kCompact,   // One line, no spaces.
};

// Keys appear in the spec's order. Optional members equal to their default
// (empty string or list, false, nullopt) are left out and required ones
// always written, so ParseConfig(SerializeConfig(c)) == c for every c that
// ParseConfig can produce. A string that is not valid UTF-8 (only possible
// in a model built in code) is written with U+FFFD replacements.
std::string SerializeConfig(const Config& config,
                            JsonStyle style = JsonStyle::kIndented);
std::string SerializeProcess(const Process& process,
                             JsonStyle style = JsonStyle::kIndented);

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_SERIALIZE_H_
