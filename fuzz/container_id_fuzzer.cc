// Container IDs (runtime/state/container_id.h): ValidateContainerId against
// an independent reading of its documented rule,
// [A-Za-z0-9][A-Za-z0-9_.+-]{0,1023} with no "..", and the shape of its
// error. Prefix resolution (StateStore::Resolve) reads the state directory
// through the Host, so it is not fuzzed here.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "runtime/state/container_id.h"

namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

bool OracleValid(absl::string_view id) {
  if (id.empty() || id.size() > runbox::kMaxContainerIdLength) return false;
  if (!IsAlnum(id[0])) return false;
  for (char c : id) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '+' && c != '-') {
      return false;
    }
  }
  return !absl::StrContains(id, "..");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view id(reinterpret_cast<const char*>(data), size);
  absl::Status status = runbox::ValidateContainerId(id);
  bool expected = OracleValid(id);
  FUZZ_CHECK(status.ok() == expected,
             absl::StrCat("ValidateContainerId: ", status.ToString(),
                          ", rule says ", expected ? "valid" : "invalid"));
  FUZZ_CHECK(runbox::IsValidContainerId(id) == expected, "IsValidContainerId");
  if (!status.ok()) {
    FUZZ_NOTE(absl::StrCat("rejected: ", status.ToString()));
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
               status.ToString());
    FUZZ_CHECK(absl::StartsWith(status.message(), "invalid container id"),
               status.ToString());
    // The id is quoted escaped: no raw control or 8-bit bytes in messages.
    for (char c : status.message()) {
      FUZZ_CHECK(c >= 0x20 && c < 0x7f, status.ToString());
    }
  }
  return 0;
}
