// `runbox features`: what this runtime supports, as the runtime-spec's
// features.md document, printed as runc prints it (4-space indent, final
// newline). Capabilities, namespaces and seccomp names come from the spec
// model's tables, so the document lists exactly what config.json parsing
// accepts.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output.h"
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

// The mount(2) options runbox translates (flags and propagation), as
// runc's specconv.KnownMountOptions lists them.
const std::vector<std::string>& MountOptions() {
  static const auto* options = new std::vector<std::string>{
      "async",         "atime",       "bind",        "defaults",  "dev",
      "diratime",      "dirsync",     "exec",        "iversion",  "lazytime",
      "loud",          "mand",        "noatime",     "nodev",     "nodiratime",
      "noexec",        "noiversion",  "nolazytime",  "nomand",    "norelatime",
      "nostrictatime", "nosuid",      "nosymfollow", "private",   "rbind",
      "relatime",      "remount",     "ro",          "rprivate",  "rshared",
      "rslave",        "runbindable", "rw",          "shared",    "silent",
      "slave",         "strictatime", "suid",        "symfollow", "sync",
      "unbindable"};
  return *options;
}

std::string FeaturesJson() {
  using Json = nlohmann::ordered_json;
  Json linux_features;
  linux_features["namespaces"] = AllNames<spec::NamespaceType>();
  linux_features["capabilities"] = AllNames<spec::Capability>();
  linux_features["cgroup"] = {{"v1", true}, {"v2", true}, {"systemd", false}};
  linux_features["seccomp"] = {{"enabled", true},
                               {"actions", AllNames<spec::SeccompAction>()},
                               {"operators", AllNames<spec::SeccompOperator>()},
                               {"archs", AllNames<spec::SeccompArch>()}};
  linux_features["apparmor"] = {{"enabled", false}};
  linux_features["selinux"] = {{"enabled", false}};

  Json features;
  features["ociVersionMin"] = "1.0.0";
  features["ociVersionMax"] = std::string(spec::kOciVersion);
  features["hooks"] = {"prestart",       "createRuntime", "createContainer",
                       "startContainer", "poststart",     "poststop"};
  features["mountOptions"] = MountOptions();
  features["linux"] = std::move(linux_features);
  features["annotations"] = Json::object();
  return absl::StrCat(features.dump(4), "\n");
}

}  // namespace

CommandResult RunFeatures(CommandEnv& env, const FeaturesOptions&) {
  RETURN_IF_ERROR(PrintStdout(env.host, FeaturesJson()));
  return 0;
}

}  // namespace runbox::cli
