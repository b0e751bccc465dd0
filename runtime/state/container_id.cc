// ValidateContainerId: the ID grammar of DESIGN.md invariant 6, with an
// error that says which character or rule failed. runc's own rule is
// ^[\w+-\.]+$ plus a path check; ours is stricter at the first character so
// that no ID can look like a flag or a hidden file.
#include "runtime/state/container_id.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace runbox {
namespace {

constexpr absl::string_view kAllowed =
    "(allowed: A-Z a-z 0-9 and _ . + -, starting with a letter or digit)";
// Long IDs are cut in messages: the error must stay readable.
constexpr size_t kMaxQuoted = 64;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

bool IsAllowed(char c) {
  return IsAlnum(c) || c == '_' || c == '.' || c == '+' || c == '-';
}

std::string Quote(absl::string_view id) {
  if (id.size() <= kMaxQuoted)
    return absl::StrCat("\"", absl::CHexEscape(id), "\"");
  return absl::StrCat("\"", absl::CHexEscape(id.substr(0, kMaxQuoted)),
                      "\"... (", id.size(), " bytes)");
}

std::string Describe(char c) {
  return absl::StrCat("'", absl::CHexEscape(absl::string_view(&c, 1)), "'");
}

absl::Status Invalid(absl::string_view id, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid container id ", Quote(id), ": ", why));
}

}  // namespace

absl::Status ValidateContainerId(absl::string_view id) {
  if (id.empty()) return Invalid(id, "must not be empty");
  if (id.size() > kMaxContainerIdLength) {
    return Invalid(
        id, absl::StrCat("longer than ", kMaxContainerIdLength, " characters"));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    if (!IsAllowed(id[i])) {
      return Invalid(
          id, absl::StrCat("character ", Describe(id[i]), " at offset ", i,
                           " is not allowed ", kAllowed));
    }
  }
  if (!IsAlnum(id[0])) {
    return Invalid(id, absl::StrCat("must start with a letter or digit, not ",
                                    Describe(id[0])));
  }
  if (id.find("..") != absl::string_view::npos) {
    return Invalid(id, "must not contain \"..\"");
  }
  return absl::OkStatus();
}

}  // namespace runbox
