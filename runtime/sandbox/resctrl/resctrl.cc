// Intel RDT on resctrl; see resctrl.h.
#include "runtime/sandbox/resctrl/resctrl.h"

#include <cerrno>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox::resctrl {
namespace {

// A schemata file is a few lines per resource; anything larger is not one.
constexpr size_t kMaxSchemataBytes = 64 << 10;

std::vector<std::string> Lines(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

std::string Block(const std::vector<std::string>& lines) {
  return lines.empty() ? "" : absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
}

// "00ff" and "FF" name the same bitmask; "0" stays "0".
std::string NormalValue(absl::string_view value) {
  std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  size_t first = v.find_first_not_of('0');
  return first == std::string::npos ? "0" : v.substr(first);
}

// "L3:0=ff;1=0f" -> {"L3", {"0": "ff", "1": "f"}}; nullopt if malformed.
struct SchemaLine {
  std::string resource;
  std::map<std::string, std::string> domains;
};
std::optional<SchemaLine> ParseLine(absl::string_view line) {
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return std::nullopt;
  SchemaLine out;
  out.resource = std::string(absl::StripAsciiWhitespace(line.substr(0, colon)));
  if (out.resource.empty()) return std::nullopt;
  for (absl::string_view domain :
       absl::StrSplit(line.substr(colon + 1), ';', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(domain, absl::MaxSplits('=', 1));
    std::string id(absl::StripAsciiWhitespace(kv.first));
    if (id.empty() || kv.second.empty()) return std::nullopt;
    out.domains[id] = NormalValue(kv.second);
  }
  return out;
}

std::string ResctrlMount(const std::vector<MountInfo>& mounts) {
  for (const MountInfo& m : mounts) {
    if (m.fstype == "resctrl") return m.mount_point;
  }
  return "";
}

absl::Status WriteTo(Host& host, const std::string& path, OpenFlags flags,
                     const std::vector<absl::string_view>& writes) {
  absl::StatusOr<Fd> fd =
      host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kWriteOnly | flags});
  if (!fd.ok())
    return Annotate(fd.status(), absl::StrCat("open \"", path, "\""));
  // One `write`(2) per value: the kernel parses each write whole.
  for (absl::string_view bytes : writes) {
    if (bytes.empty()) continue;
    RETURN_IF_ERROR(Annotate(WriteAll(host, *fd, bytes),
                             absl::StrCat("write \"", path, "\"")));
  }
  return absl::OkStatus();
}

}  // namespace

bool HasSchema(const spec::IntelRdt& rdt) {
  return !rdt.l3_cache_schema.empty() || !rdt.mem_bw_schema.empty() ||
         !rdt.schemata.empty();
}

SchemataWrites SchemataFor(const spec::IntelRdt& rdt) {
  std::vector<std::string> lines;
  for (std::string& line : Lines(rdt.l3_cache_schema)) {
    // config-linux.md: with memBwSchema set, an "MB:" line of
    // l3CacheSchema gives way to memBwSchema's.
    if (!rdt.mem_bw_schema.empty() && absl::StartsWith(line, "MB:")) continue;
    lines.push_back(std::move(line));
  }
  for (std::string& line : Lines(rdt.mem_bw_schema)) {
    lines.push_back(std::move(line));
  }
  std::vector<std::string> schemata;
  for (const std::string& entry : rdt.schemata) {
    for (std::string& line : Lines(entry)) schemata.push_back(std::move(line));
  }
  return {Block(lines), Block(schemata)};
}

bool SchemataMatch(absl::string_view current, absl::string_view wanted) {
  std::vector<std::string> have = Lines(current);
  for (const std::string& want : Lines(wanted)) {
    std::optional<SchemaLine> w = ParseLine(want);
    bool found = false;
    for (const std::string& line : have) {
      if (!w.has_value()) {
        found = line == want;
      } else if (std::optional<SchemaLine> h = ParseLine(line);
                 h.has_value() && h->resource == w->resource) {
        found = true;
        for (const auto& [id, value] : w->domains) {
          auto it = h->domains.find(id);
          found = found && it != h->domains.end() && it->second == value;
        }
      }
      if (found) break;
    }
    if (!found) return false;
  }
  return true;
}

absl::StatusOr<Group> PlanGroup(Host& host, const spec::IntelRdt& rdt,
                                absl::string_view container_id) {
  ASSIGN_OR_RETURN(std::vector<MountInfo> mounts, host.ListMounts());
  std::string mount = ResctrlMount(mounts);
  if (mount.empty()) {
    return absl::FailedPreconditionError(
        "linux.intelRdt is set, but no resctrl file system is mounted "
        "(mount -t resctrl resctrl /sys/fs/resctrl)");
  }
  Group group;
  group.path = absl::StrCat(mount == "/" ? "" : mount, "/",
                            rdt.clos_id.empty() ? container_id : rdt.clos_id);
  absl::StatusOr<FileStat> st =
      host.StatAt(Fd::Cwd(), group.path, FollowSymlinks::kNoFollow);
  if (st.ok() && st->type != FileType::kDirectory) {
    return absl::FailedPreconditionError(
        absl::StrCat("resctrl group \"", group.path, "\" is not a directory"));
  }
  if (!st.ok() && !IsErrno(st.status(), ENOENT)) {
    return Annotate(st.status(),
                    absl::StrCat("stat resctrl group \"", group.path, "\""));
  }
  group.exists = st.ok();
  if (!group.exists && !rdt.clos_id.empty() && !HasSchema(rdt)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "linux.intelRdt.closID \"", rdt.clos_id,
        "\" is set without a schema, so its resctrl group must exist, but \"",
        group.path, "\" does not"));
  }
  return group;
}

absl::StatusOr<bool> SetUpGroup(Host& host, const Group& group,
                                const spec::IntelRdt& rdt) {
  const SchemataWrites writes = SchemataFor(rdt);
  const std::string schemata_path = absl::StrCat(group.path, "/schemata");
  bool made = false;
  if (!group.exists) {
    absl::Status mkdir = host.MkdirAt(Fd::Cwd(), group.path, 0755);
    if (!mkdir.ok() && !IsErrno(mkdir, EEXIST)) {
      return Annotate(
          mkdir, absl::StrCat("create resctrl group \"", group.path, "\""));
    }
    made = mkdir.ok();
  }
  if (made) {
    absl::Status written =
        WriteTo(host, schemata_path, OpenFlags::kWriteOnly,
                {writes.cache_and_bandwidth, writes.schemata});
    if (!written.ok()) {
      (void)RemoveGroup(host, group.path);
      return written;
    }
    return true;
  }
  // An existing group keeps its schemata; ours must be what it holds.
  if (!HasSchema(rdt)) return false;
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), group.path, {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) {
    return Annotate(dir.status(),
                    absl::StrCat("open resctrl group \"", group.path, "\""));
  }
  ASSIGN_OR_RETURN(std::string current,
                   ReadFileAt(host, *dir, "schemata", kMaxSchemataBytes));
  const std::string wanted =
      absl::StrCat(writes.cache_and_bandwidth, writes.schemata);
  if (!SchemataMatch(current, wanted)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "resctrl group \"", group.path, "\" exists with schemata \"",
        absl::StrJoin(Lines(current), "\\n"),
        "\", which does not match linux.intelRdt's \"",
        absl::StrJoin(Lines(wanted), "\\n"), "\""));
  }
  return false;
}

absl::Status AddTask(Host& host, absl::string_view group_path, Pid pid) {
  // Appending: the kernel takes one pid per write; a plain file (a test
  // double) keeps the list.
  return Annotate(WriteTo(host, absl::StrCat(group_path, "/tasks"),
                          OpenFlags::kAppend, {absl::StrCat(pid.value, "\n")}),
                  "join the resctrl group");
}

absl::Status RemoveGroup(Host& host, absl::string_view group_path) {
  absl::Status removed =
      host.UnlinkAt(Fd::Cwd(), group_path, UnlinkFlags::kRemoveDir);
  if (IsErrno(removed, ENOENT)) return absl::OkStatus();
  return Annotate(removed,
                  absl::StrCat("remove resctrl group \"", group_path, "\""));
}

}  // namespace runbox::resctrl
