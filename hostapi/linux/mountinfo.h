// Parsing of /proc/<pid>/mountinfo lines into MountInfo (see proc(5)):
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=...
// Paths and sources arrive with " \t\n\\" escaped as octal ("\040"); the
// optional fields before "-" may be absent or several. Pure string code.
#ifndef RUNBOX_HOSTAPI_LINUX_MOUNTINFO_H_
#define RUNBOX_HOSTAPI_LINUX_MOUNTINFO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/mounts.h"

namespace runbox {

// Undoes the kernel's octal escapes ("\040" -> " "); other text is kept.
std::string UnescapeMountInfoField(absl::string_view field);

// Parses one line (a trailing newline is allowed). InvalidArgument on
// malformed text.
absl::StatusOr<MountInfo> ParseMountInfoLine(absl::string_view line);

// Parses a whole mountinfo file, skipping empty lines, in file order.
absl::StatusOr<std::vector<MountInfo>> ParseMountInfo(
    absl::string_view content);

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_LINUX_MOUNTINFO_H_
