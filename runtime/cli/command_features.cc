// `runbox features`: what this runtime supports, as the runtime-spec's
// features.md document, printed as runc prints it (4-space indent, final
// newline). Capabilities, namespaces and seccomp names come from the spec
// model's tables, so the document lists exactly what config.json parsing
// accepts; the rest states what runbox implements (features_test.cc
// checks the mount options against the parser).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/features.h"
#include "runtime/cli/output.h"
#include "runtime/cli/usage.h"
#include "runtime/spec/names.h"

namespace runbox::cli {
namespace {

template <spec::NamedEnum E>
std::vector<std::string> AllNames() {
  std::vector<std::string> names;
  for (const auto& s : spec::EnumNames<E>::kTable) {
    names.emplace_back(s.name);
  }
  return names;
}

// The mounts[].options words runbox acts on (rootfs/mount_options.cc):
// `mount`(2) flags and their negations, nosymfollow/symfollow, the
// recursive `mount_setattr`(2) forms (rro, rnosuid, ...), propagation,
// bind and "defaults". Unlike runc it leaves out what it does not
// implement: tmpcopyup, idmap and ridmap (only in part: see
// mountExtensions below), acl, and the flags it would pass on as
// file-system data (loud, silent, mand, iversion, lazytime and their
// negations).
const std::vector<std::string>& MountOptions() {
  static const auto* options = new std::vector<std::string>{
      "async",       "atime",          "bind",        "defaults",
      "dev",         "diratime",       "dirsync",     "exec",
      "noatime",     "nodev",          "nodiratime",  "noexec",
      "norelatime",  "nostrictatime",  "nosuid",      "nosymfollow",
      "private",     "ratime",         "rbind",       "rdev",
      "rdiratime",   "relatime",       "remount",     "rexec",
      "rnoatime",    "rnodev",         "rnodiratime", "rnoexec",
      "rnorelatime", "rnostrictatime", "rnosuid",     "rnosymfollow",
      "ro",          "rprivate",       "rrelatime",   "rro",
      "rrw",         "rshared",        "rslave",      "rstrictatime",
      "rsuid",       "rsymfollow",     "runbindable", "rw",
      "shared",      "slave",          "strictatime", "suid",
      "symfollow",   "sync",           "unbindable",
  };
  return *options;
}

template <spec::NamedEnum E>
std::vector<std::string> SortedNames() {
  std::vector<std::string> names = AllNames<E>();
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string FeaturesJson() {
  using Json = nlohmann::ordered_json;
  Json linux_features;
  // Sorted as runc sorts them; capabilities in kernel order, as runc.
  linux_features["namespaces"] = SortedNames<spec::NamespaceType>();
  linux_features["capabilities"] = AllNames<spec::Capability>();
  // cgroupfs on either version and the rdma controller; no systemd
  // driver (--systemd-cgroup is refused).
  linux_features["cgroup"] = {{"v1", true},
                              {"v2", true},
                              {"systemd", false},
                              {"systemdUser", false},
                              {"rdma", true}};
  linux_features["seccomp"] = {
      {"enabled", true},
      {"actions", SortedNames<spec::SeccompAction>()},
      {"operators", SortedNames<spec::SeccompOperator>()},
      {"archs", SortedNames<spec::SeccompArch>()},
      {"knownFlags", AllNames<spec::SeccompFlag>()}};
  linux_features["apparmor"] = {{"enabled", false}};
  linux_features["selinux"] = {{"enabled", false}};
  // runtime/sandbox/resctrl; "schemata": the intelRdt.schemata field.
  linux_features["intelRdt"] = {{"enabled", true}, {"schemata", true}};
  // Idmapped mounts work only with the mount's own mappings in a container
  // without a user namespace (rootfs/spec_mounts.cc); engines ask for them
  // for user-namespaced containers, which runbox refuses, so not enabled.
  linux_features["mountExtensions"] = {{"idmap", {{"enabled", false}}}};

  Json features;
  features["ociVersionMin"] = "1.0.0";
  features["ociVersionMax"] = std::string(spec::kOciVersion);
  features["hooks"] = {"prestart",       "createRuntime", "createContainer",
                       "startContainer", "poststart",     "poststop"};
  features["mountOptions"] = MountOptions();
  features["linux"] = std::move(linux_features);
  features["annotations"] = {
      {"org.opencontainers.runbox.version", std::string(kRunboxVersion)}};
  return absl::StrCat(features.dump(4), "\n");
}

CommandResult RunFeatures(CommandEnv& env, const FeaturesOptions&) {
  RETURN_IF_ERROR(PrintStdout(env.host, FeaturesJson()));
  return 0;
}

}  // namespace runbox::cli
