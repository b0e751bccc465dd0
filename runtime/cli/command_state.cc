// `runbox state <id>` and `runbox list`, printed as runc prints them:
// state as indented OCI state JSON (no final newline, like runc); list as a
// table aligned like Go's tabwriter (minwidth 12, padding 3), as a compact
// JSON array (`null` when there are none, as runc's nil slice encodes), or
// IDs only with -q.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output.h"
#include "runtime/state/oci_state.h"

namespace runbox::cli {
namespace {

// runc prints the user name; runbox has no passwd lookup, so a number
// except for root.
std::string OwnerName(Uid uid) { return uid == 0 ? "root" : absl::StrCat(uid); }

// Width as tabwriter counts it: UTF-8 code points.
size_t TextWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

// Go's tabwriter.NewWriter(w, 12, 1, 3, ' ', 0): every cell but the last
// of a line is padded to max(widest + 3, 12) of its column.
std::string Tabulate(const std::vector<std::vector<std::string>>& rows) {
  constexpr size_t kMinWidth = 12;
  constexpr size_t kPadding = 3;
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(kMinWidth);
      widths[i] = std::max(widths[i], TextWidth(row[i]) + kPadding);
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - TextWidth(row[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

std::string ListTable(const std::vector<ContainerState>& states) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (const ContainerState& s : states) {
    rows.push_back({s.id, absl::StrCat(s.pid.value),
                    std::string(ContainerStatusName(s.status)), s.bundle,
                    FormatRfc3339Nano(s.created), OwnerName(s.owner)});
  }
  return Tabulate(rows);
}

// runc's list containerState, less rootfs (which runbox does not record).
std::string ListJson(const std::vector<ContainerState>& states) {
  if (states.empty()) return "null\n";
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const ContainerState& s : states) {
    nlohmann::ordered_json j;
    j["ociVersion"] = kOciVersion;
    j["id"] = s.id;
    j["pid"] = s.pid.value;
    j["status"] = std::string(ContainerStatusName(s.status));
    j["bundle"] = s.bundle;
    j["created"] = FormatRfc3339Nano(s.created);
    if (!s.annotations.empty()) j["annotations"] = s.annotations;
    j["owner"] = OwnerName(s.owner);
    array.push_back(std::move(j));
  }
  return absl::StrCat(
      array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      "\n");
}

}  // namespace

CommandResult RunState(CommandEnv& env, const StateOptions& options) {
  ASSIGN_OR_RETURN(ContainerState state, State(env.ctx, options.id));
  RETURN_IF_ERROR(PrintStdout(env.host, StateJson(state)));
  return 0;
}

CommandResult RunList(CommandEnv& env, const ListOptions& options) {
  ASSIGN_OR_RETURN(std::vector<ContainerState> states, List(env.ctx));
  std::string out;
  if (options.quiet) {
    for (const ContainerState& s : states) absl::StrAppend(&out, s.id, "\n");
  } else if (options.format == OutputFormat::kJson) {
    out = ListJson(states);
  } else {
    out = ListTable(states);
  }
  RETURN_IF_ERROR(PrintStdout(env.host, out));
  return 0;
}

}  // namespace runbox::cli
