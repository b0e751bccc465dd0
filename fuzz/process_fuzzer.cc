// process.json (`runbox exec --process FILE`, read by command_exec.cc):
// ParseProcess, ValidateProcess and SerializeProcess on arbitrary bytes.
// Properties as config_fuzzer's: rejections are InvalidArgument with a
// message; an accepted input round-trips through SerializeProcess to an
// equal model and a fixed point of the serializer, with the same
// ValidateProcess verdict.
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

void CheckRoundTrip(const Process& process, JsonStyle style) {
  std::string text = SerializeProcess(process, style);
  absl::StatusOr<Process> back = ParseProcess(text);
  FUZZ_CHECK(back.ok(), absl::StrCat(back.status().ToString(), "\n", text));
  FUZZ_CHECK(*back == process, absl::StrCat("model changed:\n", text, "\n",
                                            SerializeProcess(*back, style)));
  FUZZ_CHECK(SerializeProcess(*back, style) == text, text);
  absl::Status v1 = ValidateProcess(process), v2 = ValidateProcess(*back);
  FUZZ_CHECK(v1 == v2, absl::StrCat(v1.ToString(), " vs ", v2.ToString()));
}

}  // namespace
}  // namespace runbox::spec

RUNBOX_FUZZ_JSON_MUTATOR()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runbox::spec;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Process> process = ParseProcess(text);
  if (!process.ok()) {
    CheckRejection(process.status());
    return 0;
  }
  absl::Status valid = ValidateProcess(*process);
  if (!valid.ok()) CheckRejection(valid);
  CheckRoundTrip(*process, JsonStyle::kCompact);
  CheckRoundTrip(*process, JsonStyle::kIndented);
  return 0;
}
