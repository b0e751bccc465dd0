// Root file system entry; see rootfs.h.
#include "runtime/sandbox/rootfs.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox {

std::string RootfsPath(const spec::Config& config, absl::string_view bundle) {
  const std::string path = config.root ? config.root->path : "rootfs";
  if (absl::StartsWith(path, "/")) return path;
  return absl::StrCat(bundle, "/", path);
}

bool HasNewNamespace(const spec::Config& config, spec::NamespaceType type) {
  if (!config.linux) return false;
  for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
    if (ns.type == type && ns.path.empty()) return true;
  }
  return false;
}

absl::Status PrepareRootfs(Host& host, const spec::Config& config,
                           absl::string_view bundle, bool /*no_pivot*/) {
  return EnterRootfsForExec(host, RootfsPath(config, bundle));
}

absl::Status FinalizeRootfs(Host& /*host*/, const spec::Config& /*config*/) {
  return absl::OkStatus();
}

absl::Status EnterRootfsForExec(Host& host, absl::string_view rootfs) {
  RETURN_IF_ERROR(Annotate(host.Chroot(rootfs),
                           absl::StrCat("enter rootfs \"", rootfs, "\"")));
  ASSIGN_OR_RETURN(Fd root, host.OpenAt(Fd::Cwd(), "/",
                                        {.flags = OpenFlags::kDirectory}));
  return host.Fchdir(root);
}

}  // namespace runbox
