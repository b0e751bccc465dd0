// `runbox spec [--bundle DIR] [--rootless]`: writes runc's default
// config.json into the bundle directory (default: the current one), and
// refuses to replace an existing one, with runc's message.
#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"

namespace runbox::cli {
namespace {

// runc adds a cgroup namespace when the host runs cgroup v2 only.
bool CgroupV2Only(Host& host) {
  absl::StatusOr<std::vector<CgroupMount>> mounts = host.CgroupMounts();
  if (!mounts.ok() || mounts->empty()) return false;
  for (const CgroupMount& m : *mounts) {
    if (m.version != CgroupVersion::kV2) return false;
  }
  return true;
}

spec::DefaultSpecOptions SpecOptionsFor(Host& host, bool rootless) {
  spec::DefaultSpecOptions options;
  options.cgroup_namespace = CgroupV2Only(host);
  options.rootless = rootless;
  // runc maps the caller's effective ids; runbox has only the real ones,
  // which differ only under setuid.
  options.host_uid = host.GetUid();
  options.host_gid = host.GetGid();
  return options;
}

}  // namespace

CommandResult RunSpec(CommandEnv& env, const SpecOptions& options) {
  std::string config = spec::SerializeConfig(
      spec::DefaultSpec(SpecOptionsFor(env.host, options.rootless)));
  absl::StatusOr<Fd> bundle = env.host.OpenAt(Fd::Cwd(), options.bundle,
                                              {.flags = OpenFlags::kDirectory});
  if (!bundle.ok()) {
    return Annotate(bundle.status(),
                    absl::StrCat("open bundle \"", options.bundle, "\""));
  }
  // O_EXCL rather than runc's stat-then-write: no window in which another
  // writer, or a dangling symlink, is followed.
  absl::StatusOr<Fd> file =
      env.host.OpenAt(*bundle, "config.json",
                      {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                OpenFlags::kExclusive | OpenFlags::kNoFollow,
                       .mode = 0666});
  if (IsErrno(file, EEXIST)) {
    return absl::AlreadyExistsError("File config.json exists. Remove it first");
  }
  if (!file.ok()) return Annotate(file.status(), "create config.json");
  RETURN_IF_ERROR(
      Annotate(WriteAll(env.host, *file, config), "write config.json"));
  RETURN_IF_ERROR(
      Annotate(env.host.Close(*std::move(file)), "close config.json"));
  return 0;
}

}  // namespace runbox::cli
