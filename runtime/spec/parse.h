// Reads config.json and process.json text into the config.h model. Only
// structure is checked here (JSON syntax, types, ranges, required keys,
// known enum spellings); the spec's semantic rules are in validate.h.
#ifndef RUNBOX_RUNTIME_SPEC_PARSE_H_
#define RUNBOX_RUNTIME_SPEC_PARSE_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/spec/config.h"

namespace runbox::spec {

// Bounds that keep hostile input from exhausting the stack or memory. A
// real config nests about 6 levels and weighs a few KB (100 KB with a
// large seccomp profile).
inline constexpr int kMaxJsonDepth = 64;
inline constexpr size_t kMaxJsonBytes = 16 << 20;

// Parses config.json. Errors are InvalidArgument and name the JSON path of
// the first problem found: `process.args[2]: expected string, got number`,
// `linux.namespaces[1].type: unknown namespace "foo"`, `root: missing
// required field "path"`.
//
// - Unknown keys are ignored (config.md "Extensibility").
// - A key whose value is null counts as absent, as in the Go bindings every
//   client uses. Any other value of the wrong type is an error, never a
//   default: `"namespaces": {}` is rejected, not read as "no namespaces".
// - Integers must be JSON integers (no fraction or exponent) within the
//   field's range (uint32 for ids, int64 for limits...).
// - Strings must not contain NUL bytes, which would truncate them at the
//   kernel boundary.
// Never throws.
absl::StatusOr<Config> ParseConfig(absl::string_view json);

// Parses process.json (`runbox exec --process`): the `process` object of
// config.json on its own, so paths are relative to it (`args[0]: ...`).
absl::StatusOr<Process> ParseProcess(absl::string_view json);

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_PARSE_H_
