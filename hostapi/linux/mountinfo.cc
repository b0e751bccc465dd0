// Mountinfo parsing: see mountinfo.h.
#include "hostapi/linux/mountinfo.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace runbox {
namespace {

absl::Status Malformed(absl::string_view line, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed mountinfo line \"", line, "\": ", why));
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::string UnescapeMountInfoField(absl::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && IsOctal(field[i + 1]) &&
        IsOctal(field[i + 2]) && IsOctal(field[i + 3])) {
      int value = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                  (field[i + 3] - '0');
      out.push_back(static_cast<char>(value));
      i += 3;
      continue;
    }
    out.push_back(field[i]);
  }
  return out;
}

absl::StatusOr<MountInfo> ParseMountInfoLine(absl::string_view line) {
  line = absl::StripSuffix(line, "\n");
  // Split on single spaces without skipping empties: an empty source (a
  // mount made with source "") shows as two spaces in a row.
  std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
  size_t dash = 0;
  for (size_t i = 6; i < f.size(); ++i) {
    if (f[i] == "-") {
      dash = i;
      break;
    }
  }
  if (f.size() < 10 || dash == 0) return Malformed(line, "no \" - \"");
  if (f.size() < dash + 4) return Malformed(line, "too few fields after -");

  MountInfo out;
  if (!absl::SimpleAtoi(f[0], &out.id)) return Malformed(line, "bad id");
  if (!absl::SimpleAtoi(f[1], &out.parent_id)) {
    return Malformed(line, "bad parent id");
  }
  std::pair<absl::string_view, absl::string_view> dev =
      absl::StrSplit(f[2], absl::MaxSplits(':', 1));
  if (!absl::SimpleAtoi(dev.first, &out.dev.major) ||
      !absl::SimpleAtoi(dev.second, &out.dev.minor)) {
    return Malformed(line, "bad major:minor");
  }
  out.root = UnescapeMountInfoField(f[3]);
  out.mount_point = UnescapeMountInfoField(f[4]);
  out.options = std::string(f[5]);
  out.propagation = absl::StrJoin(f.begin() + 6, f.begin() + dash, " ");
  out.fstype = UnescapeMountInfoField(f[dash + 1]);
  out.source = UnescapeMountInfoField(f[dash + 2]);
  // Super options hold no spaces (escaped), but join defensively.
  out.super_options =
      UnescapeMountInfoField(absl::StrJoin(f.begin() + dash + 3, f.end(), " "));
  return out;
}

absl::StatusOr<std::vector<MountInfo>> ParseMountInfo(
    absl::string_view content) {
  std::vector<MountInfo> out;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    if (line.empty()) continue;
    absl::StatusOr<MountInfo> info = ParseMountInfoLine(line);
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

}  // namespace runbox
