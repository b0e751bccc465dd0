// ParseProcStat: see proc_stat.h.
#include "hostapi/linux/proc_stat.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace runbox {
namespace {

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed /proc/<pid>/stat: ", why));
}

}  // namespace

absl::StatusOr<ProcStat> ParseProcStat(absl::string_view content) {
  size_t open = content.find('(');
  size_t close = content.rfind(')');
  if (open == absl::string_view::npos || close == absl::string_view::npos ||
      close < open) {
    return Malformed("no (comm)");
  }
  ProcStat out;
  absl::string_view pid_text =
      absl::StripAsciiWhitespace(content.substr(0, open));
  if (!absl::SimpleAtoi(pid_text, &out.pid) || out.pid <= 0) {
    return Malformed("bad pid");
  }
  out.comm = std::string(content.substr(open + 1, close - open - 1));

  // Fields 3.. follow the last ')', separated by single spaces.
  std::vector<absl::string_view> rest =
      absl::StrSplit(content.substr(close + 1), ' ', absl::SkipEmpty());
  // rest[0] is field 3, so field k is rest[k - 3].
  constexpr size_t kStartTimeIndex = 22 - 3;
  if (rest.size() <= kStartTimeIndex) return Malformed("too few fields");
  if (rest[0].size() != 1) return Malformed("bad state");
  out.state = rest[0][0];
  if (!absl::SimpleAtoi(rest[1], &out.ppid)) return Malformed("bad ppid");
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(rest[kStartTimeIndex]),
                        &out.start_time)) {
    return Malformed("bad start time");
  }
  return out;
}

}  // namespace runbox
