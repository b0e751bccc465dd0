// meta.json (runtime/state/meta.h), the per-container record that `state`,
// `list`, `delete` and every lifecycle command load from disk. Properties:
// - a rejected input gives InvalidArgument (malformed) or FailedPrecondition
//   (newer schema) with a message;
// - for an input that parses, SerializeMeta -> ParseMeta gives an equal
//   model (up to schema_version, which SerializeMeta always writes as
//   kMetaSchemaVersion) and serializing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_mutator.h"
#include "runtime/state/meta.h"

RUNBOX_FUZZ_JSON_MUTATOR()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using runbox::Meta;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Meta> meta = runbox::ParseMeta(text);
  if (!meta.ok()) {
    FUZZ_NOTE(absl::StrCat("rejected: ", meta.status().ToString()));
    absl::StatusCode code = meta.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kFailedPrecondition,
               meta.status().ToString());
    FUZZ_CHECK(!meta.status().message().empty(), meta.status().ToString());
    return 0;
  }
  std::string serialized = runbox::SerializeMeta(*meta);
  absl::StatusOr<Meta> back = runbox::ParseMeta(serialized);
  FUZZ_CHECK(back.ok(),
             absl::StrCat(back.status().ToString(), "\n", serialized));
  Meta expected = *meta;
  expected.schema_version = runbox::kMetaSchemaVersion;
  FUZZ_CHECK(*back == expected,
             absl::StrCat("model changed:\n", serialized, "\n",
                          runbox::SerializeMeta(*back)));
  FUZZ_CHECK(runbox::SerializeMeta(*back) == serialized, serialized);
  return 0;
}
