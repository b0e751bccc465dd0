// cgroup v1 writers of linux.resources (see resources.h): memory (with the
// memory/memsw ordering), cpu, blkio and devices, as runc's fs driver
// writes them (libcontainer/cgroups/fs/*.go). cpuset, pids, hugetlb and
// rdma share their writers with v2 (resources_v2.cc).
#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/sandbox/cgroups/resources_internal.h"

namespace runbox::cgroups::internal {
namespace {

constexpr absl::string_view kMemoryLimit = "memory.limit_in_bytes";
constexpr absl::string_view kMemswLimit = "memory.memsw.limit_in_bytes";

std::string DeviceNumber(const std::optional<int64_t>& n) {
  return n.has_value() ? absl::StrCat(*n) : "*";
}

std::string RuleText(const spec::DeviceRule& rule) {
  if (rule.type == spec::DeviceRuleType::kAll && !rule.major.has_value() &&
      !rule.minor.has_value() &&
      (rule.access.empty() || rule.access == "rwm")) {
    return "a";
  }
  char type = rule.type == spec::DeviceRuleType::kChar    ? 'c'
              : rule.type == spec::DeviceRuleType::kBlock ? 'b'
                                                          : 'a';
  return absl::StrCat(std::string(1, type), " ", DeviceNumber(rule.major), ":",
                      DeviceNumber(rule.minor), " ",
                      rule.access.empty() ? "rwm" : rule.access);
}

// Writes a memory file; a missing memsw file (swap accounting off) is
// fine for "unlimited" only.
absl::Status WriteSwap(Host& host, const std::string& path, int64_t swap) {
  absl::Status s = WriteFile(host, path, kMemswLimit, absl::StrCat(swap));
  if (IsErrno(s, ENOENT)) {
    if (swap == -1) return absl::OkStatus();
    return Annotate(s,
                    "swap limit given, but the kernel has no swap accounting");
  }
  return s;
}

}  // namespace

absl::Status WriteMemoryV1(Host& host, const std::string& path,
                           const spec::Memory& memory, ResourceNotes& notes) {
  if (memory.kernel.has_value() || memory.kernel_tcp.has_value()) {
    notes.push_back(
        "memory.kernel and memory.kernelTCP are ignored (deprecated; runc "
        "ignores them too)");
  }
  int64_t limit = memory.limit.value_or(0);
  int64_t swap = memory.swap.value_or(0);
  // runc: unlimited memory with no swap given is unlimited swap too.
  if (limit == -1 && swap == 0) {
    absl::StatusOr<std::string> memsw = host.CgroupRead(path, kMemswLimit);
    if (memsw.ok()) swap = -1;
  }
  // The kernel keeps limit <= memsw limit at every step: when the new swap
  // limit is above the current memory limit (or unlimited), raise it
  // first; otherwise lower the memory limit first.
  bool swap_first = false;
  if (limit != 0 && swap != 0) {
    absl::StatusOr<std::string> current = host.CgroupRead(path, kMemoryLimit);
    if (!current.ok()) {
      return Annotate(
          current.status(),
          absl::StrCat("read ", kMemoryLimit, " of cgroup \"", path, "\""));
    }
    uint64_t now = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(*current), &now)) {
      return absl::InternalError(absl::StrCat(
          kMemoryLimit, " of cgroup \"", path, "\" reads \"", *current, "\""));
    }
    swap_first = swap == -1 || now < static_cast<uint64_t>(swap);
  }
  if (swap_first) RETURN_IF_ERROR(WriteSwap(host, path, swap));
  if (limit != 0) {
    RETURN_IF_ERROR(WriteFile(host, path, kMemoryLimit, absl::StrCat(limit)));
  }
  if (!swap_first && swap != 0) RETURN_IF_ERROR(WriteSwap(host, path, swap));
  if (memory.reservation.has_value() && *memory.reservation != 0) {
    RETURN_IF_ERROR(WriteFile(host, path, "memory.soft_limit_in_bytes",
                              absl::StrCat(*memory.reservation)));
  }
  if (memory.disable_oom_killer.value_or(false)) {
    RETURN_IF_ERROR(WriteFile(host, path, "memory.oom_control", "1"));
  }
  if (memory.swappiness.has_value()) {
    if (*memory.swappiness > 100) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid memory swappiness ", *memory.swappiness,
                       ": the range is 0-100"));
    }
    RETURN_IF_ERROR(WriteFile(host, path, "memory.swappiness",
                              absl::StrCat(*memory.swappiness)));
  }
  return absl::OkStatus();
}

absl::Status WriteCpuV1(Host& host, const std::string& path,
                        const spec::Cpu& cpu) {
  if (cpu.shares.has_value() && *cpu.shares != 0) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "cpu.shares", absl::StrCat(*cpu.shares)));
  }
  // The period first: a quota is checked against it.
  if (cpu.period.has_value() && *cpu.period != 0) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "cpu.cfs_period_us", absl::StrCat(*cpu.period)));
  }
  if (cpu.quota.has_value() && *cpu.quota != 0) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "cpu.cfs_quota_us", absl::StrCat(*cpu.quota)));
  }
  if (cpu.burst.has_value()) {
    RETURN_IF_ERROR(
        WriteFile(host, path, "cpu.cfs_burst_us", absl::StrCat(*cpu.burst)));
  }
  if (cpu.realtime_period.has_value() && *cpu.realtime_period != 0) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpu.rt_period_us",
                              absl::StrCat(*cpu.realtime_period)));
  }
  if (cpu.realtime_runtime.has_value() && *cpu.realtime_runtime != 0) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpu.rt_runtime_us",
                              absl::StrCat(*cpu.realtime_runtime)));
  }
  if (cpu.idle.has_value()) {
    RETURN_IF_ERROR(WriteFile(host, path, "cpu.idle", absl::StrCat(*cpu.idle)));
  }
  return absl::OkStatus();
}

absl::Status WriteBlkioV1(Host& host, const std::string& path,
                          const spec::BlockIo& io, ResourceNotes& notes) {
  // Kernels with BFQ have only blkio.bfq.weight (runc falls back too).
  auto weight_file = [&](absl::string_view file, absl::string_view bfq,
                         const std::string& value) -> absl::Status {
    absl::Status s = WriteFile(host, path, file, value);
    if (!IsErrno(s, ENOENT)) return s;
    return WriteFile(host, path, bfq, value);
  };
  if (io.weight.has_value() && *io.weight != 0) {
    absl::Status s = weight_file("blkio.weight", "blkio.bfq.weight",
                                 absl::StrCat(*io.weight));
    // Neither file: no proportional I/O scheduler on this kernel.
    if (IsErrno(s, ENOENT)) {
      notes.push_back(
          "blockIO.weight is ignored: the kernel has neither blkio.weight "
          "nor blkio.bfq.weight");
    } else {
      RETURN_IF_ERROR(s);
    }
  }
  if (io.leaf_weight.has_value() && *io.leaf_weight != 0) {
    absl::Status s = WriteFile(host, path, "blkio.leaf_weight",
                               absl::StrCat(*io.leaf_weight));
    if (IsErrno(s, ENOENT)) {
      notes.push_back(
          "blockIO.leafWeight: the kernel has no blkio.leaf_weight");
    } else {
      RETURN_IF_ERROR(s);
    }
  }
  for (const spec::WeightDevice& d : io.weight_device) {
    if (!d.weight.has_value()) continue;
    RETURN_IF_ERROR(
        weight_file("blkio.weight_device", "blkio.bfq.weight_device",
                    absl::StrCat(d.major, ":", d.minor, " ", *d.weight)));
  }
  struct Throttle {
    const std::vector<spec::ThrottleDevice>* devices;
    const char* file;
  };
  for (const Throttle& t : {Throttle{&io.throttle_read_bps_device,
                                     "blkio.throttle.read_bps_device"},
                            Throttle{&io.throttle_write_bps_device,
                                     "blkio.throttle.write_bps_device"},
                            Throttle{&io.throttle_read_iops_device,
                                     "blkio.throttle.read_iops_device"},
                            Throttle{&io.throttle_write_iops_device,
                                     "blkio.throttle.write_iops_device"}}) {
    for (const spec::ThrottleDevice& d : *t.devices) {
      RETURN_IF_ERROR(
          WriteFile(host, path, t.file,
                    absl::StrCat(d.major, ":", d.minor, " ", d.rate)));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteDevicesV1(Host& host, const std::string& path,
                            const std::vector<spec::DeviceRule>& rules) {
  // In order, as the kernel applies them: a leading deny-all (runc's
  // default config starts with one) turns the cgroup's inherited allow-all
  // into deny-all, and the allow rules after it open the exceptions, which
  // is the state runc's device emulator writes ("a" denied first, then the
  // allowed devices). Rules without a deny-all leave allow-all in place, as
  // in runc.
  for (const spec::DeviceRule& rule : rules) {
    RETURN_IF_ERROR(WriteFile(host, path,
                              rule.allow ? "devices.allow" : "devices.deny",
                              RuleText(rule)));
  }
  return absl::OkStatus();
}

}  // namespace runbox::cgroups::internal
