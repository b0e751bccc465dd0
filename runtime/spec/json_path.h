// JSON paths for error messages ("linux.namespaces[2].type",
// "annotations[\"com.example\"]") and the one error shape every spec
// error has: "<path>: <what is wrong>", code InvalidArgument.
#ifndef RUNBOX_RUNTIME_SPEC_JSON_PATH_H_
#define RUNBOX_RUNTIME_SPEC_JSON_PATH_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace runbox::spec {

// `base.key`, or `key` at the top level.
inline std::string JsonField(absl::string_view base, absl::string_view key) {
  return base.empty() ? std::string(key) : absl::StrCat(base, ".", key);
}

// `base[i]`.
inline std::string JsonIndex(absl::string_view base, size_t i) {
  return absl::StrCat(base, "[", i, "]");
}

// `base["key"]` for members of free-form maps (annotations, sysctl), whose
// keys may contain dots.
inline std::string JsonKey(absl::string_view base, absl::string_view key) {
  return absl::StrCat(base, "[\"", absl::CHexEscape(key), "\"]");
}

// A user-supplied string quoted for a message, control bytes escaped.
inline std::string Quote(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text), "\"");
}

inline absl::Status SpecError(absl::string_view path, absl::string_view what) {
  if (path.empty()) return absl::InvalidArgumentError(what);
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_JSON_PATH_H_
