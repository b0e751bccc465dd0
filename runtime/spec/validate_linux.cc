// Checks on `linux` (config-linux.md): namespaces and what depends on them
// (id mappings, time offsets, hostname, sysctls, masked paths), devices,
// cgroupsPath, and the entry to resources and seccomp.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/names.h"
#include "runtime/spec/validate_internal.h"

namespace runbox::spec::validate_internal {
namespace {

const LinuxNamespace* FindNamespace(const std::vector<LinuxNamespace>& all,
                                    NamespaceType type) {
  for (const LinuxNamespace& ns : all) {
    if (ns.type == type) return &ns;
  }
  return nullptr;
}

absl::Status ValidateNamespaces(const std::vector<LinuxNamespace>& all) {
  std::set<NamespaceType> seen;
  for (size_t i = 0; i < all.size(); ++i) {
    std::string path = JsonIndex("linux.namespaces", i);
    // config-linux.md: "If a namespaces field contains duplicated
    // namespaces with same type, the runtime MUST generate an error."
    if (!seen.insert(all[i].type).second) {
      return SpecError(
          JsonField(path, "type"),
          absl::StrCat("duplicate namespace \"", EnumName(all[i].type), "\""));
    }
    // "This value MUST be an absolute path in the runtime mount namespace."
    if (!all[i].path.empty()) {
      RETURN_IF_ERROR(CheckAbsolute(all[i].path, JsonField(path, "path")));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateUserMappings(const Linux& linux) {
  RETURN_IF_ERROR(CheckIdMappings(linux.uid_mappings, "linux.uidMappings"));
  RETURN_IF_ERROR(CheckIdMappings(linux.gid_mappings, "linux.gidMappings"));
  const LinuxNamespace* user =
      FindNamespace(linux.namespaces, NamespaceType::kUser);
  // runc: mappings without a user namespace would silently do nothing.
  if (user == nullptr) {
    if (!linux.uid_mappings.empty()) {
      return SpecError("linux.uidMappings", "needs a user namespace");
    }
    if (!linux.gid_mappings.empty()) {
      return SpecError("linux.gidMappings", "needs a user namespace");
    }
    return absl::OkStatus();
  }
  // runc: a new user namespace without mappings maps nobody; uid 0 would
  // be the overflow uid and every setuid fails.
  if (user->path.empty()) {
    if (linux.uid_mappings.empty()) {
      return SpecError("linux.uidMappings",
                       "a new user namespace needs uid mappings");
    }
    if (linux.gid_mappings.empty()) {
      return SpecError("linux.gidMappings",
                       "a new user namespace needs gid mappings");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTimeOffsets(const Linux& linux) {
  if (linux.time_offsets.empty()) return absl::OkStatus();
  for (const auto& [clock, offset] : linux.time_offsets) {
    std::string path = JsonKey("linux.timeOffsets", clock);
    if (clock != "monotonic" && clock != "boottime") {
      return SpecError(path,
                       "unknown clock, expected \"monotonic\" or "
                       "\"boottime\"");
    }
    if (offset.nanosecs >= 1000000000) {
      return SpecError(JsonField(path, "nanosecs"),
                       absl::StrCat(offset.nanosecs, " is not below 1e9"));
    }
  }
  // Offsets can only be written into a time namespace nobody has entered
  // yet, that is one this container creates.
  const LinuxNamespace* time =
      FindNamespace(linux.namespaces, NamespaceType::kTime);
  if (time == nullptr || !time->path.empty()) {
    return SpecError("linux.timeOffsets", "needs a new time namespace");
  }
  return absl::OkStatus();
}

absl::Status ValidateDevices(const std::vector<LinuxDevice>& devices) {
  for (size_t i = 0; i < devices.size(); ++i) {
    const LinuxDevice& d = devices[i];
    std::string path = JsonIndex("linux.devices", i);
    // Device nodes are created under /dev only, as runc does: anywhere
    // else a device node is a way out of the rootfs' restrictions.
    if (!absl::StartsWith(d.path, "/dev/") || d.path.size() == 5 ||
        HasDotDot(d.path)) {
      return SpecError(JsonField(path, "path"),
                       absl::StrCat("must be an absolute path under /dev, got ",
                                    Quote(d.path)));
    }
    if (d.type == DeviceType::kFifo) continue;
    // The host API's DeviceNumber holds 32 bits each.
    constexpr int64_t kMaxNumber = 0xffffffff;
    if (d.major < 0 || d.major > kMaxNumber) {
      return SpecError(JsonField(path, "major"),
                       absl::StrCat(d.major, " is not a device number"));
    }
    if (d.minor < 0 || d.minor > kMaxNumber) {
      return SpecError(JsonField(path, "minor"),
                       absl::StrCat(d.minor, " is not a device number"));
    }
  }
  return absl::OkStatus();
}

// Sysctl keys come with dots ("net.ipv4.ip_forward") or slashes
// ("net/ipv4/conf/eth0.100/forwarding", where a dot is part of a name).
bool IsWellFormedSysctl(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (absl::ascii_iscntrl(c) || absl::ascii_isspace(c)) return false;
  }
  const char separator = key.find('/') != absl::string_view::npos ? '/' : '.';
  for (absl::string_view part : absl::StrSplit(key, separator)) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

// The dotted spelling, for classification.
std::string DottedSysctl(absl::string_view key) {
  if (key.find('/') == absl::string_view::npos) return std::string(key);
  std::string dotted(key);
  for (char& c : dotted) {
    if (c == '/') {
      c = '.';
    } else if (c == '.') {
      c = '/';
    }
  }
  return dotted;
}

// runc's rule: a sysctl may be set only if the container has its own
// instance of it, else it would change the host.
absl::Status ValidateSysctls(const Linux& linux) {
  static constexpr absl::string_view kIpcSysctls[] = {
      "kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
      "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
      "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (const auto& [key, value] : linux.sysctl) {
    std::string path = JsonKey("linux.sysctl", key);
    if (!IsWellFormedSysctl(key)) {
      return SpecError(path, "is not a sysctl name");
    }
    std::string name = DottedSysctl(key);
    bool ipc = absl::StartsWith(name, "fs.mqueue.");
    for (absl::string_view s : kIpcSysctls) ipc = ipc || name == s;
    if (ipc) {
      if (FindNamespace(linux.namespaces, NamespaceType::kIpc) == nullptr) {
        return SpecError(path, "needs an IPC namespace");
      }
      continue;
    }
    if (absl::StartsWith(name, "net.")) {
      if (FindNamespace(linux.namespaces, NamespaceType::kNetwork) == nullptr) {
        return SpecError(path, "needs a network namespace");
      }
      continue;
    }
    if (name == "kernel.hostname") {
      return SpecError(path, "conflicts with the \"hostname\" field");
    }
    if (name == "kernel.domainname") {
      if (FindNamespace(linux.namespaces, NamespaceType::kUts) == nullptr) {
        return SpecError(path, "needs a UTS namespace");
      }
      continue;
    }
    return SpecError(path, "is not isolated by a namespace");
  }
  return absl::OkStatus();
}

absl::Status ValidatePathList(const std::vector<std::string>& paths,
                              absl::string_view path) {
  // config-linux.md: "The values MUST be absolute paths in the container
  // namespace."
  for (size_t i = 0; i < paths.size(); ++i) {
    RETURN_IF_ERROR(CheckAbsolute(paths[i], JsonIndex(path, i)));
  }
  return absl::OkStatus();
}

absl::Status ValidateHostname(const Config& config,
                              const std::vector<LinuxNamespace>& all) {
  // config.md: the hostname is set in the container's UTS namespace; with
  // none, it would rename the host (runc refuses too).
  if (FindNamespace(all, NamespaceType::kUts) != nullptr) {
    return absl::OkStatus();
  }
  if (!config.hostname.empty()) {
    return SpecError("hostname", "needs a UTS namespace");
  }
  if (!config.domainname.empty()) {
    return SpecError("domainname", "needs a UTS namespace");
  }
  return absl::OkStatus();
}

// config-linux.md "IntelRdt": memBwSchema MUST start with "MB:" and MUST
// NOT contain newlines. l3CacheSchema only SHOULD start with "L3:" and
// SHOULD be one line; runc takes it as given, and so does runbox (an "MB:"
// line in it has a defined meaning). closID names a directory in the
// resctrl root, so it is one path component (runc's check).
absl::Status ValidateIntelRdt(const IntelRdt& rdt) {
  const std::string mb = "linux.intelRdt.memBwSchema";
  if (!rdt.mem_bw_schema.empty() &&
      !absl::StartsWith(rdt.mem_bw_schema, "MB:")) {
    return SpecError(
        mb, absl::StrCat(Quote(rdt.mem_bw_schema), " must start with \"MB:\""));
  }
  if (absl::StrContains(rdt.mem_bw_schema, '\n')) {
    return SpecError(mb, absl::StrCat(Quote(rdt.mem_bw_schema),
                                      " must not contain newlines"));
  }
  if (rdt.clos_id == "." || rdt.clos_id == ".." ||
      absl::StrContains(rdt.clos_id, '/') ||
      absl::StrContains(rdt.clos_id, '\n')) {
    return SpecError(
        "linux.intelRdt.closID",
        absl::StrCat(Quote(rdt.clos_id), " is not a resctrl group name"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLinux(const Config& config) {
  static const std::vector<LinuxNamespace> kNoNamespaces;
  const std::vector<LinuxNamespace>& namespaces =
      config.linux.has_value() ? config.linux->namespaces : kNoNamespaces;
  RETURN_IF_ERROR(ValidateHostname(config, namespaces));
  if (!config.linux.has_value()) return absl::OkStatus();
  const Linux& linux = *config.linux;

  RETURN_IF_ERROR(ValidateNamespaces(linux.namespaces));
  RETURN_IF_ERROR(ValidateUserMappings(linux));
  RETURN_IF_ERROR(ValidateTimeOffsets(linux));
  RETURN_IF_ERROR(ValidateDevices(linux.devices));
  // Relative, absolute and systemd ("slice:prefix:name") forms are all
  // fine here; ".." would climb out of the cgroup root the path is
  // resolved against.
  if (HasDotDot(linux.cgroups_path)) {
    return SpecError(
        "linux.cgroupsPath",
        absl::StrCat(Quote(linux.cgroups_path), " must not contain \"..\""));
  }
  if (linux.resources.has_value()) {
    RETURN_IF_ERROR(ValidateResources(*linux.resources, "linux.resources"));
  }
  if (linux.seccomp.has_value()) {
    RETURN_IF_ERROR(ValidateSeccomp(*linux.seccomp, "linux.seccomp"));
  }
  RETURN_IF_ERROR(ValidateSysctls(linux));
  if (linux.intel_rdt.has_value()) {
    RETURN_IF_ERROR(ValidateIntelRdt(*linux.intel_rdt));
  }
  RETURN_IF_ERROR(ValidatePathList(linux.masked_paths, "linux.maskedPaths"));
  RETURN_IF_ERROR(
      ValidatePathList(linux.readonly_paths, "linux.readonlyPaths"));
  // Masking or remounting read-only in the host's mount namespace would
  // change the host (runc refuses too).
  if ((!linux.masked_paths.empty() || !linux.readonly_paths.empty()) &&
      FindNamespace(linux.namespaces, NamespaceType::kMount) == nullptr) {
    return SpecError(linux.masked_paths.empty() ? "linux.readonlyPaths"
                                                : "linux.maskedPaths",
                     "needs a mount namespace");
  }
  return absl::OkStatus();
}

}  // namespace runbox::spec::validate_internal
