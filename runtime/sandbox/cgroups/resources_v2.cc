// cgroup v2 writers of linux.resources (see resources.h), as runc's fs2
// driver writes them (libcontainer/cgroups/fs2/*.go), with its v1 -> v2
// conversions; and the writers v1 and v2 share (same file names or only a
// suffix apart): cpuset, pids, hugetlb, rdma. Also the enabling of
// controllers in the parents' cgroup.subtree_control, and the device rules
// as an eBPF filter (runc's fs2/devices.go; generator in device_filter.h).
#include <cerrno>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"
#include "runtime/sandbox/cgroups/device_filter.h"
#include "runtime/sandbox/cgroups/resources_internal.h"

namespace runbox::cgroups::internal {

std::string V2Limit(int64_t value) {
  return value < 0 ? "max" : absl::StrCat(value);
}

absl::Status WriteMemoryV2(Host& host, const std::string& path,
                           const spec::Memory& memory, ResourceNotes& notes) {
  if (memory.kernel.has_value() || memory.kernel_tcp.has_value()) {
    notes.push_back(
        "memory.kernel and memory.kernelTCP are ignored (no such limits on "
        "cgroup v2)");
  }
  if (memory.disable_oom_killer.value_or(false)) {
    notes.push_back("memory.disableOOMKiller is ignored on cgroup v2");
  }
  if (memory.swappiness.has_value()) {
    notes.push_back("memory.swappiness is ignored on cgroup v2");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> swap,
                   V2SwapMax(memory.swap, memory.limit));
  if (swap.has_value()) {
    absl::Status s = WriteFile(host, path, "memory.swap.max", *swap);
    // Without swap accounting the file is missing: fine when swap is to be
    // unlimited or off anyway (runc).
    if (!(IsErrno(s, ENOENT) && (*swap == "max" || *swap == "0"))) {
      RETURN_IF_ERROR(s);
    }
  }
  // checkBeforeUpdate: v2 would OOM-kill down to a limit below the usage
  // where v1 refuses it; refuse as v1 does (runc's fs2 checkMemoryUsage).
  if (memory.check_before_update.value_or(false) && memory.limit.has_value() &&
      *memory.limit > 0) {
    ASSIGN_OR_RETURN(std::string text, host.CgroupRead(path, "memory.current"));
    int64_t usage = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &usage)) {
      return absl::InternalError(absl::StrCat("memory.current of \"", path,
                                              "\" reads \"", text, "\""));
    }
    if (usage > *memory.limit) {
      return absl::FailedPreconditionError(absl::StrCat(
          "memory.limit: ", *memory.limit, " is below the current usage ",
          usage, " (checkBeforeUpdate)"));
    }
  }
  if (memory.limit.has_value() && *memory.limit != 0) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "memory.max", V2Limit(*memory.limit)));
  }
  if (memory.reservation.has_value() && *memory.reservation != 0) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "memory.low", V2Limit(*memory.reservation)));
  }
  return absl::OkStatus();
}

absl::Status WriteCpuV2(Host& host, const std::string& path,
                        const spec::Cpu& cpu, ResourceNotes& notes) {
  if (cpu.realtime_period.has_value() || cpu.realtime_runtime.has_value()) {
    notes.push_back(
        "cpu.realtimePeriod and cpu.realtimeRuntime are ignored (no "
        "real-time limits on cgroup v2)");
  }
  if (cpu.shares.has_value() && *cpu.shares != 0) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpu.weight",
                              absl::StrCat(CpuSharesToWeight(*cpu.shares))));
  }
  const int64_t quota = cpu.quota.value_or(0);
  const uint64_t period = cpu.period.value_or(0);
  if (quota != 0 || period != 0) {
    // runc: "max" unless a positive quota; the period only when given (the
    // kernel keeps the old one otherwise).
    std::string value = quota > 0 ? absl::StrCat(quota) : "max";
    if (period != 0) absl::StrAppend(&value, " ", period);
    RETURN_IF_ERROR(WriteFile(host, path, "cpu.max", value));
  }
  if (cpu.burst.has_value()) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "cpu.max.burst", absl::StrCat(*cpu.burst)));
  }
  if (cpu.idle.has_value()) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpu.idle", absl::StrCat(*cpu.idle)));
  }
  return absl::OkStatus();
}

absl::Status WriteCpuset(Host& host, const std::string& path,
                         const spec::Cpu& cpu) {
  if (!cpu.cpus.empty()) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpuset.cpus", cpu.cpus));
  }
  if (!cpu.mems.empty()) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpuset.mems", cpu.mems));
  }
  return absl::OkStatus();
}

absl::Status WritePids(Host& host, const std::string& path,
                       const spec::Pids& pids) {
  // runc: a positive limit, anything else is "max".
  return WriteFile(host, path, "pids.max",
                   pids.limit > 0 ? absl::StrCat(pids.limit) : "max");
}

absl::Status WriteIoV2(Host& host, const std::string& path,
                       const spec::BlockIo& io, ResourceNotes& notes) {
  if (io.weight.has_value() && *io.weight != 0) {
    // BFQ takes the v1 scale as it is; else io.weight, converted (runc).
    absl::Status s =
        WriteFile(host, path, "io.bfq.weight", absl::StrCat(*io.weight));
    if (IsErrno(s, ENOENT)) {
      s = WriteFile(host, path, "io.weight",
                    absl::StrCat(BlkioWeightToIoWeight(*io.weight)));
    }
    RETURN_IF_ERROR(s);
  }
  if (io.leaf_weight.has_value()) {
    notes.push_back("blockIO.leafWeight is ignored on cgroup v2");
  }
  for (const spec::WeightDevice& d : io.weight_device) {
    if (!d.weight.has_value()) continue;
    RETURN_IF_ERROR(WriteFile(host, path, "io.weight",
                              absl::StrCat(d.major, ":", d.minor, " ",
                                           BlkioWeightToIoWeight(*d.weight))));
  }
  struct Throttle {
    const std::vector<spec::ThrottleDevice>* devices;
    const char* key;
  };
  for (const Throttle& t :
       {Throttle{&io.throttle_read_bps_device, "rbps"},
        Throttle{&io.throttle_write_bps_device, "wbps"},
        Throttle{&io.throttle_read_iops_device, "riops"},
        Throttle{&io.throttle_write_iops_device, "wiops"}}) {
    for (const spec::ThrottleDevice& d : *t.devices) {
      RETURN_IF_ERROR(WriteFile(
          host, path, "io.max",
          absl::StrCat(d.major, ":", d.minor, " ", t.key, "=", d.rate)));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteHugetlb(Host& host, const ControllerDir& dir,
                          const spec::HugepageLimit& limit) {
  if (limit.page_size.empty() || absl::StrContains(limit.page_size, '/') ||
      absl::StrContains(limit.page_size, "..")) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid hugepage size \"", limit.page_size, "\""));
  }
  const bool v1 = dir.version == CgroupVersion::kV1;
  return WriteFile(host, dir.path,
                   absl::StrCat("hugetlb.", limit.page_size,
                                v1 ? ".limit_in_bytes" : ".max"),
                   absl::StrCat(limit.limit));
}

absl::Status WriteRdma(Host& host, const std::string& path,
                       const std::map<std::string, spec::Rdma>& rdma) {
  for (const auto& [device, limits] : rdma) {
    std::vector<std::string> parts = {device};
    if (limits.hca_handles.has_value()) {
      parts.push_back(absl::StrCat("hca_handle=", *limits.hca_handles));
    }
    if (limits.hca_objects.has_value()) {
      parts.push_back(absl::StrCat("hca_object=", *limits.hca_objects));
    }
    if (parts.size() == 1) continue;
    RETURN_IF_ERROR(
        WriteFile(host, path, "rdma.max", absl::StrJoin(parts, " ")));
  }
  return absl::OkStatus();
}

absl::Status WriteDevicesV2(Host& host, const std::string& path,
                            const std::vector<spec::DeviceRule>& rules) {
  absl::StatusOr<DeviceFilter> filter = CompileDeviceFilter(rules);
  if (!filter.ok()) return Annotate(filter.status(), "linux.resources.devices");
  return Annotate(
      host.CgroupAttachDeviceFilter(path, filter->Bytes(), filter->license),
      absl::StrCat("attach the device filter to cgroup \"", path, "\""));
}

absl::Status EnableV2Controllers(Host& host, const CgroupManager& manager) {
  const std::optional<V2Hierarchy>& v2 = manager.hierarchies().v2;
  if (!v2.has_value() || v2->controllers.empty()) return absl::OkStatus();
  std::vector<absl::string_view> parts =
      absl::StrSplit(manager.cgroup_path(), '/', absl::SkipEmpty());
  std::string level = v2->mount;
  // Every level but the container's own: its processes live there, and a
  // cgroup with processes cannot hand controllers to children.
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) absl::StrAppend(&level, "/", parts[i - 1]);
    absl::StatusOr<std::string> offered =
        host.CgroupRead(level, "cgroup.controllers");
    if (!offered.ok()) {
      return Annotate(
          offered.status(),
          absl::StrCat("read cgroup.controllers of \"", level, "\""));
    }
    absl::StatusOr<std::string> enabled =
        host.CgroupRead(level, "cgroup.subtree_control");
    if (!enabled.ok()) {
      return Annotate(
          enabled.status(),
          absl::StrCat("read cgroup.subtree_control of \"", level, "\""));
    }
    std::vector<std::string> on =
        absl::StrSplit(*enabled, absl::ByAnyChar(" \n"), absl::SkipEmpty());
    std::vector<std::string> add;
    for (absl::string_view c :
         absl::StrSplit(*offered, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
      if (!absl::c_linear_search(v2->controllers, c)) continue;
      if (absl::c_linear_search(on, c)) continue;
      add.push_back(absl::StrCat("+", c));
    }
    if (add.empty()) continue;
    RETURN_IF_ERROR(WriteFile(host, level, "cgroup.subtree_control",
                              absl::StrJoin(add, " ")));
  }
  return absl::OkStatus();
}

}  // namespace runbox::cgroups::internal
