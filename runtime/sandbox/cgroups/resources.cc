// ApplyResources (see resources.h): the value conversions, which hierarchy
// each controller's files go to, and the order of the writes. The writers
// themselves are in resources_v1.cc and resources_v2.cc.
#include "runtime/sandbox/cgroups/resources.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/cgroups/resources_internal.h"

namespace runbox::cgroups {

uint64_t CpuSharesToWeight(uint64_t shares) {
  if (shares == 0) return 0;
  if (shares < 2) shares = 2;
  if (shares > 262144) shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t BlkioWeightToIoWeight(uint64_t weight) {
  if (weight == 0) return 0;
  if (weight < 10) weight = 10;
  if (weight > 1000) weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

absl::StatusOr<std::optional<std::string>> V2SwapMax(
    std::optional<int64_t> swap, std::optional<int64_t> limit) {
  const int64_t s = swap.value_or(0);
  const int64_t m = limit.value_or(0);
  if (m == -1 && s == 0) return std::optional<std::string>("max");
  if (s == 0) return std::optional<std::string>();
  if (s < 0) return std::optional<std::string>("max");
  if (m == 0 || m == -1) {
    return absl::InvalidArgumentError(
        "memory.swap: unable to set a swap limit without a memory limit");
  }
  if (m < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("memory.limit: invalid value ", m));
  }
  if (s < m) {
    return absl::InvalidArgumentError(
        absl::StrCat("memory.swap (", s, ") must be at least memory.limit (", m,
                     "): it counts memory plus swap"));
  }
  return std::optional<std::string>(absl::StrCat(s - m));
}

std::vector<spec::DeviceRule> ContainerDeviceRules(const spec::Linux& linux) {
  std::vector<spec::DeviceRule> rules;
  if (linux.resources.has_value()) rules = linux.resources->devices;
  using T = spec::DeviceRuleType;
  auto allow = [&](T type, std::optional<int64_t> major,
                   std::optional<int64_t> minor, std::string access) {
    rules.push_back(spec::DeviceRule{true, type, major, minor, access});
  };
  // runc's AllowedDevices (libcontainer/specconv).
  allow(T::kChar, std::nullopt, std::nullopt, "m");
  allow(T::kBlock, std::nullopt, std::nullopt, "m");
  allow(T::kChar, 1, 3, "rwm");               // /dev/null
  allow(T::kChar, 1, 8, "rwm");               // /dev/random
  allow(T::kChar, 1, 7, "rwm");               // /dev/full
  allow(T::kChar, 5, 0, "rwm");               // /dev/tty
  allow(T::kChar, 1, 5, "rwm");               // /dev/zero
  allow(T::kChar, 1, 9, "rwm");               // /dev/urandom
  allow(T::kChar, 5, 1, "rwm");               // /dev/console
  allow(T::kChar, 136, std::nullopt, "rwm");  // /dev/pts/*
  allow(T::kChar, 5, 2, "rwm");               // /dev/ptmx
  for (const spec::LinuxDevice& d : linux.devices) {
    if (d.type == spec::DeviceType::kFifo) continue;
    allow(d.type == spec::DeviceType::kBlock ? T::kBlock : T::kChar, d.major,
          d.minor, "rwm");
  }
  return rules;
}

spec::Resources UpdatableSubset(const spec::Resources& resources) {
  spec::Resources out;
  out.memory = resources.memory;
  out.cpu = resources.cpu;
  out.pids = resources.pids;
  if (resources.block_io.has_value() &&
      resources.block_io->weight.has_value()) {
    out.block_io.emplace();
    out.block_io->weight = resources.block_io->weight;
  }
  out.unified = resources.unified;
  return out;
}

namespace {

template <typename T>
void Over(std::optional<T>& base, const std::optional<T>& change) {
  if (change.has_value()) base = change;
}

}  // namespace

spec::Resources MergeResources(const spec::Resources& base,
                               const spec::Resources& changes) {
  spec::Resources out = base;
  if (changes.memory.has_value()) {
    const spec::Memory& c = *changes.memory;
    spec::Memory& m =
        out.memory.has_value() ? *out.memory : out.memory.emplace();
    Over(m.limit, c.limit);
    Over(m.reservation, c.reservation);
    Over(m.swap, c.swap);
    Over(m.kernel, c.kernel);
    Over(m.kernel_tcp, c.kernel_tcp);
    Over(m.swappiness, c.swappiness);
    Over(m.disable_oom_killer, c.disable_oom_killer);
    Over(m.use_hierarchy, c.use_hierarchy);
    Over(m.check_before_update, c.check_before_update);
  }
  if (changes.cpu.has_value()) {
    const spec::Cpu& c = *changes.cpu;
    spec::Cpu& p = out.cpu.has_value() ? *out.cpu : out.cpu.emplace();
    Over(p.shares, c.shares);
    Over(p.quota, c.quota);
    Over(p.burst, c.burst);
    Over(p.period, c.period);
    Over(p.realtime_runtime, c.realtime_runtime);
    Over(p.realtime_period, c.realtime_period);
    Over(p.idle, c.idle);
    if (!c.cpus.empty()) p.cpus = c.cpus;
    if (!c.mems.empty()) p.mems = c.mems;
  }
  if (changes.pids.has_value()) out.pids = changes.pids;
  if (changes.block_io.has_value()) {
    const spec::BlockIo& c = *changes.block_io;
    spec::BlockIo& b =
        out.block_io.has_value() ? *out.block_io : out.block_io.emplace();
    Over(b.weight, c.weight);
    Over(b.leaf_weight, c.leaf_weight);
  }
  for (const auto& [key, value] : changes.unified) out.unified[key] = value;
  return out;
}

namespace internal {

std::optional<ControllerDir> DirFor(const CgroupManager& manager,
                                    absl::string_view controller) {
  if (std::optional<std::string> v1 = manager.V1Path(controller)) {
    return ControllerDir{CgroupVersion::kV1, *std::move(v1)};
  }
  const absl::string_view v2_name = controller == "blkio" ? "io" : controller;
  std::optional<std::string> v2 = manager.V2Path();
  if (v2.has_value() && manager.hierarchies().v2.has_value() &&
      manager.hierarchies().v2->Has(v2_name)) {
    return ControllerDir{CgroupVersion::kV2, *std::move(v2)};
  }
  return std::nullopt;
}

absl::Status WriteFile(Host& host, const std::string& path,
                       absl::string_view file, absl::string_view value) {
  absl::Status s = host.CgroupWrite(path, file, value);
  if (s.ok()) return s;
  return Annotate(s, absl::StrCat("write ", file, " \"", value,
                                  "\" of cgroup \"", path, "\""));
}

}  // namespace internal

namespace {

using internal::ControllerDir;
using internal::DirFor;

// A unified key is one file name of the container's v2 directory.
absl::Status CheckUnifiedKeys(const CgroupManager& manager,
                              const spec::Resources& resources) {
  if (resources.unified.empty()) return absl::OkStatus();
  if (!manager.V2Path().has_value()) {
    return absl::InvalidArgumentError(
        "linux.resources.unified needs cgroup v2, and this host has none "
        "mounted");
  }
  for (const auto& [key, value] : resources.unified) {
    if (key.empty() || absl::StrContains(key, '/') ||
        absl::StrContains(key, "..") || key.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("linux.resources.unified: invalid key \"", key,
                       "\": a cgroup file name without \"/\" or \"..\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResourceNotes> ApplyResources(Host& host,
                                             const CgroupManager& manager,
                                             const spec::Resources& resources) {
  RETURN_IF_ERROR(CheckUnifiedKeys(manager, resources));
  ResourceNotes notes;
  RETURN_IF_ERROR(internal::EnableV2Controllers(host, manager));
  auto dir_for = [&](absl::string_view controller,
                     absl::string_view field) -> std::optional<ControllerDir> {
    std::optional<ControllerDir> dir = DirFor(manager, controller);
    if (!dir.has_value()) {
      notes.push_back(absl::StrCat("linux.resources.", field,
                                   " is ignored: no ", controller,
                                   " controller is mounted"));
    }
    return dir;
  };
  if (resources.memory.has_value()) {
    if (auto dir = dir_for("memory", "memory")) {
      RETURN_IF_ERROR(dir->version == CgroupVersion::kV1
                          ? internal::WriteMemoryV1(host, dir->path,
                                                    *resources.memory, notes)
                          : internal::WriteMemoryV2(host, dir->path,
                                                    *resources.memory, notes));
    }
  }
  if (resources.cpu.has_value()) {
    const spec::Cpu& cpu = *resources.cpu;
    const bool cpu_set = cpu.shares || cpu.quota || cpu.period || cpu.burst ||
                         cpu.realtime_period || cpu.realtime_runtime ||
                         cpu.idle;
    if (cpu_set) {
      if (auto dir = dir_for("cpu", "cpu")) {
        RETURN_IF_ERROR(
            dir->version == CgroupVersion::kV1
                ? internal::WriteCpuV1(host, dir->path, cpu)
                : internal::WriteCpuV2(host, dir->path, cpu, notes));
      }
    }
    if (!cpu.cpus.empty() || !cpu.mems.empty()) {
      if (auto dir = dir_for("cpuset", "cpu.cpus")) {
        RETURN_IF_ERROR(internal::WriteCpuset(host, dir->path, cpu));
      }
    }
  }
  if (resources.pids.has_value()) {
    if (auto dir = dir_for("pids", "pids")) {
      RETURN_IF_ERROR(internal::WritePids(host, dir->path, *resources.pids));
    }
  }
  if (resources.block_io.has_value()) {
    if (auto dir = dir_for("blkio", "blockIO")) {
      RETURN_IF_ERROR(dir->version == CgroupVersion::kV1
                          ? internal::WriteBlkioV1(host, dir->path,
                                                   *resources.block_io, notes)
                          : internal::WriteIoV2(host, dir->path,
                                                *resources.block_io, notes));
    }
  }
  for (const spec::HugepageLimit& limit : resources.hugepage_limits) {
    if (auto dir = dir_for("hugetlb", "hugepageLimits")) {
      RETURN_IF_ERROR(internal::WriteHugetlb(host, *dir, limit));
    }
  }
  if (resources.network.has_value()) {
    const spec::Network& net = *resources.network;
    std::optional<std::string> cls = manager.V1Path("net_cls");
    std::optional<std::string> prio = manager.V1Path("net_prio");
    if (net.class_id.has_value()) {
      if (cls.has_value()) {
        RETURN_IF_ERROR(internal::WriteFile(host, *cls, "net_cls.classid",
                                            absl::StrCat(*net.class_id)));
      } else {
        notes.push_back(
            "linux.resources.network.classID is ignored: no net_cls "
            "controller (cgroup v1 only)");
      }
    }
    for (const spec::InterfacePriority& p : net.priorities) {
      if (!prio.has_value()) {
        notes.push_back(
            "linux.resources.network.priorities are ignored: no net_prio "
            "controller (cgroup v1 only)");
        break;
      }
      RETURN_IF_ERROR(
          internal::WriteFile(host, *prio, "net_prio.ifpriomap",
                              absl::StrCat(p.name, " ", p.priority)));
    }
  }
  if (!resources.rdma.empty()) {
    if (auto dir = dir_for("rdma", "rdma")) {
      RETURN_IF_ERROR(internal::WriteRdma(host, dir->path, resources.rdma));
    }
  }
  // The devices controller that governs the container: v1's when a v1
  // hierarchy binds it (legacy and hybrid hosts; the v2 mount of a hybrid
  // host offers no device controller, and runc's fs driver writes only v1
  // there), else the v2 eBPF filter (unified hosts, as runc's fs2 driver).
  // Never both: one rule list, one enforcer, as runc.
  if (!resources.devices.empty()) {
    if (std::optional<std::string> devices = manager.V1Path("devices")) {
      RETURN_IF_ERROR(
          internal::WriteDevicesV1(host, *devices, resources.devices));
    } else if (std::optional<std::string> v2 = manager.V2Path()) {
      RETURN_IF_ERROR(internal::WriteDevicesV2(host, *v2, resources.devices));
    } else {
      notes.push_back(
          "linux.resources.devices are not enforced: no devices controller "
          "is mounted");
    }
  }
  // Last, so that a unified value overrides what the fields above wrote
  // (runc's order).
  if (!resources.unified.empty()) {
    const std::string v2 = *manager.V2Path();
    for (const auto& [file, value] : resources.unified) {
      absl::Status s = internal::WriteFile(host, v2, file, value);
      if (IsErrno(s, ENOENT)) {
        return Annotate(s, absl::StrCat("linux.resources.unified[\"", file,
                                        "\"]: no such file (is its controller "
                                        "available?)"));
      }
      RETURN_IF_ERROR(s);
    }
  }
  return notes;
}

}  // namespace runbox::cgroups
