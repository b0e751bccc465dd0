// The command line (runtime/cli ParseArgs, no I/O): the input split on NUL
// bytes is argv[1..] after "runbox". Properties: no crash; a rejection is
// InvalidArgument with a message; parsing is deterministic (the same argv
// gives an equal ParsedCommand or the same error).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "runtime/cli/parse_args.h"

namespace {

// Real command lines have a few dozen words; more only slows the fuzzer.
constexpr size_t kMaxWords = 128;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> argv = {"runbox"};
  if (!text.empty()) {
    for (absl::string_view word : absl::StrSplit(text, '\0')) {
      if (argv.size() > kMaxWords) return 0;
      argv.emplace_back(word);
    }
  }
  absl::StatusOr<runbox::cli::ParsedCommand> parsed =
      runbox::cli::ParseArgs(argv);
  absl::StatusOr<runbox::cli::ParsedCommand> again =
      runbox::cli::ParseArgs(argv);
  if (!parsed.ok()) {
    FUZZ_NOTE(absl::StrCat("rejected: ", parsed.status().ToString()));
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument,
               parsed.status().ToString());
    FUZZ_CHECK(!parsed.status().message().empty(), parsed.status().ToString());
    FUZZ_CHECK(again.status() == parsed.status(), again.status().ToString());
    return 0;
  }
  FUZZ_CHECK(again.ok() && *again == *parsed, "ParseArgs not deterministic");
  return 0;
}
