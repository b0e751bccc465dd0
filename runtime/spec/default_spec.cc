// DefaultSpec: runc's example config, value for value, so `runbox spec`
// output works wherever `runc spec` output does.
#include "runtime/spec/default_spec.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"

namespace runbox::spec {
namespace {

const std::vector<Capability>& DefaultCapabilities() {
  static const auto* caps = new std::vector<Capability>{
      Capability::kAuditWrite, Capability::kKill, Capability::kNetBindService};
  return *caps;
}

std::vector<Mount> DefaultMounts() {
  return {
      {.destination = "/proc", .type = "proc", .source = "proc"},
      {.destination = "/dev",
       .type = "tmpfs",
       .source = "tmpfs",
       .options = {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {.destination = "/dev/pts",
       .type = "devpts",
       .source = "devpts",
       .options = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                   "mode=0620", "gid=5"}},
      {.destination = "/dev/shm",
       .type = "tmpfs",
       .source = "shm",
       .options = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {.destination = "/dev/mqueue",
       .type = "mqueue",
       .source = "mqueue",
       .options = {"nosuid", "noexec", "nodev"}},
      {.destination = "/sys",
       .type = "sysfs",
       .source = "sysfs",
       .options = {"nosuid", "noexec", "nodev", "ro"}},
      {.destination = "/sys/fs/cgroup",
       .type = "cgroup",
       .source = "cgroup",
       .options = {"nosuid", "noexec", "nodev", "relatime", "ro"}},
  };
}

// runc's ToRootless: a user namespace instead of the network one, the
// caller's ids mapped to 0, /sys bound from the host (a new sysfs needs a
// network namespace the user owns), no uid=/gid= mount options (only one
// id is mapped) and no cgroup resources (the user may not own a cgroup).
void MakeRootless(const DefaultSpecOptions& options, Config& config) {
  Linux& linux = *config.linux;
  std::vector<LinuxNamespace> namespaces;
  for (const LinuxNamespace& ns : linux.namespaces) {
    if (ns.type != NamespaceType::kNetwork && ns.type != NamespaceType::kUser) {
      namespaces.push_back(ns);
    }
  }
  namespaces.push_back({.type = NamespaceType::kUser});
  linux.namespaces = std::move(namespaces);
  linux.uid_mappings = {
      {.container_id = 0, .host_id = options.host_uid, .size = 1}};
  linux.gid_mappings = {
      {.container_id = 0, .host_id = options.host_gid, .size = 1}};

  for (Mount& mount : config.mounts) {
    if (mount.destination == "/sys") {
      mount = {.destination = "/sys",
               .type = "none",
               .source = "/sys",
               .options = {"rbind", "nosuid", "noexec", "nodev", "ro"}};
      continue;
    }
    std::vector<std::string> kept;
    for (std::string& option : mount.options) {
      if (!absl::StartsWith(option, "uid=") &&
          !absl::StartsWith(option, "gid=")) {
        kept.push_back(std::move(option));
      }
    }
    mount.options = std::move(kept);
  }
  linux.resources.reset();
}

}  // namespace

Config DefaultSpec(const DefaultSpecOptions& options) {
  Config config;
  config.oci_version = std::string(kOciVersion);
  config.root = Root{.path = "rootfs", .readonly = true};

  Process& process = config.process.emplace();
  process.terminal = true;
  process.args = {"sh"};
  process.env = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "TERM=xterm"};
  process.cwd = "/";
  process.no_new_privileges = true;
  process.capabilities = Capabilities{.bounding = DefaultCapabilities(),
                                      .effective = DefaultCapabilities(),
                                      .permitted = DefaultCapabilities()};
  process.rlimits = {{.type = RlimitType::kNofile, .soft = 1024, .hard = 1024}};

  config.hostname = "runc";
  config.mounts = DefaultMounts();

  Linux& linux = config.linux.emplace();
  linux.masked_paths = {
      "/proc/acpi",
      "/proc/asound",
      "/proc/kcore",
      "/proc/keys",
      "/proc/latency_stats",
      "/proc/timer_list",
      "/proc/timer_stats",
      "/proc/sched_debug",
      "/sys/firmware",
      "/proc/scsi",
      "/sys/devices/virtual/tpm",
  };
  linux.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                          "/proc/sysrq-trigger"};
  // Deny every device; the runtime adds the default devices it creates.
  linux.resources = Resources{
      .devices = {{.allow = false, .access = "rwm"}},
  };
  linux.namespaces = {
      {.type = NamespaceType::kPid},   {.type = NamespaceType::kNetwork},
      {.type = NamespaceType::kIpc},   {.type = NamespaceType::kUts},
      {.type = NamespaceType::kMount},
  };
  if (options.cgroup_namespace) {
    linux.namespaces.push_back({.type = NamespaceType::kCgroup});
  }
  if (options.rootless) MakeRootless(options, config);
  return config;
}

}  // namespace runbox::spec
