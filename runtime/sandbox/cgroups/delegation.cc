// Cgroup delegation; see delegation.h.
#include "runtime/sandbox/cgroups/delegation.h"

#include <cerrno>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox::cgroups {
namespace {

// The host id that `mappings` give container id 0.
std::optional<uint32_t> HostRoot(const std::vector<spec::IdMapping>& mappings) {
  for (const spec::IdMapping& m : mappings) {
    if (m.container_id == 0 && m.size > 0) return m.host_id;
  }
  return std::nullopt;
}

bool IsReadWriteCgroupMount(const spec::Mount& m) {
  if (m.source != "cgroup") return false;
  if (absl::StripSuffix(m.destination, "/") != "/sys/fs/cgroup") return false;
  return !absl::c_linear_search(m.options, "ro");
}

}  // namespace

std::vector<std::string> DefaultDelegateFiles() {
  return {"cgroup.procs", "cgroup.subtree_control", "cgroup.threads"};
}

std::optional<CgroupOwner> DelegationOwner(const spec::Config& config,
                                           CgroupMode mode) {
  if (mode != CgroupMode::kUnified || !config.linux.has_value()) {
    return std::nullopt;
  }
  bool user = false, new_cgroup = false;
  for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
    if (ns.type == spec::NamespaceType::kUser) user = true;
    if (ns.type == spec::NamespaceType::kCgroup && ns.path.empty()) {
      new_cgroup = true;
    }
  }
  if (!user || !new_cgroup) return std::nullopt;
  if (!absl::c_any_of(config.mounts, IsReadWriteCgroupMount)) {
    return std::nullopt;
  }
  std::optional<uint32_t> uid = HostRoot(config.linux->uid_mappings);
  std::optional<uint32_t> gid = HostRoot(config.linux->gid_mappings);
  if (!uid.has_value() || !gid.has_value()) return std::nullopt;
  return CgroupOwner{.uid = *uid, .gid = *gid};
}

absl::Status DelegateCgroup(Host& host, const CgroupManager& manager,
                            CgroupOwner owner) {
  std::optional<std::string> dir = manager.V2Path();
  if (!dir.has_value()) {
    return absl::FailedPreconditionError(
        "cgroup delegation needs a cgroup v2 directory");
  }
  std::vector<std::string> files;
  absl::StatusOr<std::string> list =
      ReadFileAt(host, Fd::Cwd(), kDelegateListPath, 64 * 1024);
  if (list.ok()) {
    for (absl::string_view line : absl::StrSplit(*list, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      // A name in the cgroup's directory, nothing else.
      if (line.empty() || line == "." || line == ".." ||
          absl::StrContains(line, '/')) {
        continue;
      }
      files.emplace_back(line);
    }
  } else if (IsErrno(list.status(), ENOENT)) {
    files = DefaultDelegateFiles();
  } else {
    return Annotate(list.status(), absl::StrCat("read ", kDelegateListPath));
  }
  RETURN_IF_ERROR(Annotate(host.CgroupChown(*dir, "", owner.uid, owner.gid),
                           absl::StrCat("chown cgroup \"", *dir, "\"")));
  for (const std::string& file : files) {
    absl::Status s = host.CgroupChown(*dir, file, owner.uid, owner.gid);
    if (IsErrno(s, ENOENT)) continue;  // Listed, but not in this cgroup.
    RETURN_IF_ERROR(Annotate(
        s, absl::StrCat("chown \"", file, "\" of cgroup \"", *dir, "\"")));
  }
  return absl::OkStatus();
}

}  // namespace runbox::cgroups
