// config.json: ParseConfig, Validate and SerializeConfig on arbitrary bytes.
// Properties:
// - a rejected input gives InvalidArgument with a message (never Internal,
//   which means the parser caught an exception);
// - for an input that parses, in both JSON styles, SerializeConfig ->
//   ParseConfig gives an equal model, serializing that again gives the same
//   bytes, and Validate gives the same verdict for both models.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_mutator.h"
#include "runtime/spec/config.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/serialize.h"
#include "runtime/spec/validate.h"

namespace runbox::spec {
namespace {

void CheckRejection(const absl::Status& status) {
  FUZZ_NOTE(absl::StrCat("rejected: ", status.ToString()));
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             status.ToString());
  FUZZ_CHECK(!status.message().empty(), status.ToString());
}

void CheckRoundTrip(const Config& config, JsonStyle style) {
  std::string text = SerializeConfig(config, style);
  absl::StatusOr<Config> back = ParseConfig(text);
  FUZZ_CHECK(back.ok(), absl::StrCat(back.status().ToString(), "\n", text));
  FUZZ_CHECK(*back == config, absl::StrCat("model changed:\n", text, "\n",
                                           SerializeConfig(*back, style)));
  FUZZ_CHECK(SerializeConfig(*back, style) == text, text);
  absl::Status v1 = Validate(config), v2 = Validate(*back);
  FUZZ_CHECK(v1 == v2, absl::StrCat(v1.ToString(), " vs ", v2.ToString()));
}

}  // namespace
}  // namespace runbox::spec

RUNBOX_FUZZ_JSON_MUTATOR()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runbox::spec;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Config> config = ParseConfig(text);
  if (!config.ok()) {
    CheckRejection(config.status());
    return 0;
  }
  absl::Status valid = Validate(*config);
  if (!valid.ok()) CheckRejection(valid);
  CheckRoundTrip(*config, JsonStyle::kCompact);
  CheckRoundTrip(*config, JsonStyle::kIndented);
  return 0;
}
