// Parses untrusted JSON text into an nlohmann::json document with bounds on
// nesting depth and size, without exceptions: nlohmann's own parse throws
// or (with exceptions off) loses the error message, and deep nesting must
// not reach recursive code (copy, dump) in the first place. Shared by every
// runbox parser of untrusted JSON.
#ifndef RUNBOX_RUNTIME_SPEC_BOUNDED_JSON_H_
#define RUNBOX_RUNTIME_SPEC_BOUNDED_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox {

struct JsonLimits {
  int max_depth = 64;  // Arrays and objects open at once.
  size_t max_bytes = size_t{16} << 20;
};

// InvalidArgument on malformed JSON ("invalid JSON: parse error at line 1,
// column 9: syntax error while parsing object - unexpected end of input;
// expected string literal"), trailing garbage, nesting deeper than
// `limits.max_depth` or text longer than `limits.max_bytes`.
absl::StatusOr<nlohmann::json> ParseBoundedJson(absl::string_view text,
                                                const JsonLimits& limits);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SPEC_BOUNDED_JSON_H_
