// OomKillCount (see oom.h): one read of the memory controller's event
// counters.
#include "runtime/sandbox/cgroups/oom.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/sandbox/cgroups/resources_internal.h"

namespace runbox::cgroups {

std::optional<uint64_t> KeyedValue(absl::string_view text,
                                   absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, " ")) {
      continue;
    }
    uint64_t n = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &n)) return n;
    return std::nullopt;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<uint64_t>> OomKillCount(
    Host& host, const CgroupManager& manager) {
  std::optional<internal::ControllerDir> dir =
      internal::DirFor(manager, "memory");
  if (!dir.has_value()) return std::optional<uint64_t>();
  const char* file = dir->version == CgroupVersion::kV1 ? "memory.oom_control"
                                                        : "memory.events";
  absl::StatusOr<std::string> text = host.CgroupRead(dir->path, file);
  if (!text.ok()) {
    return Annotate(text.status(), absl::StrCat("read ", file, " of cgroup \"",
                                                dir->path, "\""));
  }
  return KeyedValue(*text, "oom_kill");
}

}  // namespace runbox::cgroups
