// Parsing of /proc/<pid>/stat, the source of process identity (pid plus
// start time, field 22). The command name (field 2) is free text in
// parentheses that may itself hold spaces and ')', so fields after it are
// counted from the LAST ')'. Pure string code, fuzzable and unit-tested.
#ifndef RUNBOX_HOSTAPI_LINUX_PROC_STAT_H_
#define RUNBOX_HOSTAPI_LINUX_PROC_STAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox {

// The fields of /proc/<pid>/stat that runbox reads (see proc(5)).
struct ProcStat {
  int32_t pid = 0;          // Field 1.
  std::string comm;         // Field 2, without the parentheses.
  char state = '?';         // Field 3: R, S, D, Z, T, ...
  int32_t ppid = 0;         // Field 4.
  uint64_t start_time = 0;  // Field 22: clock ticks after boot.
};

// Parses the content of /proc/<pid>/stat. InvalidArgument on malformed text.
absl::StatusOr<ProcStat> ParseProcStat(absl::string_view content);

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_LINUX_PROC_STAT_H_
