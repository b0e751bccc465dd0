#include "runtime/pod/pod.h"

#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace runbox::pod {
namespace {

// One engine's spelling: the type annotation, its sandbox and container
// values, and the annotation naming the sandbox.
struct Dialect {
  absl::string_view type_key;
  absl::string_view sandbox_value;
  absl::string_view container_value;
  absl::string_view sandbox_id_key;
};

constexpr Dialect kDialects[] = {
    {"io.kubernetes.cri.container-type", "sandbox", "container",
     "io.kubernetes.cri.sandbox-id"},
    {"io.kubernetes.cri-o.ContainerType", "sandbox", "container",
     "io.kubernetes.cri-o.SandboxID"},
    {"io.kubernetes.docker.type", "podsandbox", "container",
     "io.kubernetes.sandbox.id"},
};

absl::string_view NamespaceFile(spec::NamespaceType type) {
  switch (type) {
    case spec::NamespaceType::kNetwork:
      return "net";
    case spec::NamespaceType::kIpc:
      return "ipc";
    case spec::NamespaceType::kUts:
      return "uts";
    case spec::NamespaceType::kPid:
      return "pid";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<PodRole> RoleOf(
    const std::map<std::string, std::string>& annotations) {
  for (const Dialect& dialect : kDialects) {
    auto type = annotations.find(std::string(dialect.type_key));
    if (type == annotations.end()) continue;
    if (type->second == dialect.sandbox_value) {
      return PodRole{Role::kSandbox, ""};
    }
    if (type->second != dialect.container_value) {
      return absl::InvalidArgumentError(
          absl::StrCat("annotation ", dialect.type_key, ": unknown type \"",
                       type->second, "\" (want \"", dialect.sandbox_value,
                       "\" or \"", dialect.container_value, "\")"));
    }
    auto sandbox = annotations.find(std::string(dialect.sandbox_id_key));
    if (sandbox == annotations.end() || sandbox->second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "annotation ", dialect.type_key, " is \"container\" but ",
          dialect.sandbox_id_key, " names no sandbox"));
    }
    return PodRole{Role::kContainer, sandbox->second};
  }
  return PodRole{};
}

void JoinSandboxNamespaces(spec::Config& config, Pid sandbox_init) {
  // The pod's UTS namespace is the sandbox's to name.
  config.hostname.clear();
  config.domainname.clear();
  if (!config.linux) config.linux.emplace();
  auto path_of = [&](spec::NamespaceType type) {
    return absl::StrCat("/proc/", sandbox_init.value, "/ns/",
                        NamespaceFile(type));
  };
  std::vector<spec::LinuxNamespace>& namespaces = config.linux->namespaces;
  for (spec::NamespaceType type :
       {spec::NamespaceType::kNetwork, spec::NamespaceType::kIpc,
        spec::NamespaceType::kUts}) {
    bool found = false;
    for (spec::LinuxNamespace& ns : namespaces) {
      if (ns.type != type) continue;
      ns.path = path_of(type);
      found = true;
    }
    if (!found) namespaces.push_back({type, path_of(type)});
  }
  for (spec::LinuxNamespace& ns : namespaces) {
    if (ns.type == spec::NamespaceType::kPid && !ns.path.empty()) {
      ns.path = path_of(ns.type);
    }
  }
}

}  // namespace runbox::pod
