// Control-file catalogue and write validation (see cgroup_files.h). Defaults
// and error numbers follow Linux 6.x; files of statistics read as zeros.
#include "fakes/cgroups/cgroup_files.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"

namespace runbox::fake::cgroup_internal {
namespace {

constexpr uint64_t kPageSize = 4096;
// PAGE_COUNTER_MAX: "unlimited", in pages.
constexpr uint64_t kUnlimitedPages =
    static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / kPageSize;
constexpr uint64_t k2M = uint64_t{2} << 20;
constexpr uint64_t k1G = uint64_t{1} << 30;

using W = Where;
using A = Access;
using K = Kind;

// Core files of every v2 cgroup.
const FileSpec kV2Core[] = {
    {.name = "cgroup.procs", .kind = K::kProcs},
    {.name = "cgroup.threads", .kind = K::kProcs},
    {.name = "cgroup.controllers",
     .kind = K::kControllers,
     .access = A::kReadOnly},
    {.name = "cgroup.subtree_control", .kind = K::kSubtreeControl},
    {.name = "cgroup.stat", .kind = K::kStat, .access = A::kReadOnly},
    {.name = "cgroup.max.depth", .kind = K::kMaxOrCount, .initial = "max\n"},
    {.name = "cgroup.max.descendants",
     .kind = K::kMaxOrCount,
     .initial = "max\n"},
    {.name = "cpu.stat",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "usage_usec 0\nuser_usec 0\nsystem_usec 0\n"},
    {.name = "cgroup.type", .kind = K::kType, .where = W::kNotOnRoot},
    {.name = "cgroup.events",
     .kind = K::kEvents,
     .access = A::kReadOnly,
     .where = W::kNotOnRoot},
    {.name = "cgroup.freeze", .kind = K::kFreeze, .where = W::kNotOnRoot},
    {.name = "cgroup.kill",
     .kind = K::kKill,
     .access = A::kWriteOnly,
     .where = W::kNotOnRoot},
};

// v2 controller files; none of them exists on the root.
const FileSpec kV2Cpuset[] = {
    {.name = "cpuset.cpus", .kind = K::kCpuList, .initial = "\n"},
    {.name = "cpuset.mems", .kind = K::kCpuList, .initial = "\n"},
    {.name = "cpuset.cpus.effective",
     .kind = K::kEffectiveCpus,
     .access = A::kReadOnly},
    {.name = "cpuset.mems.effective",
     .kind = K::kEffectiveMems,
     .access = A::kReadOnly},
};
const FileSpec kV2Cpu[] = {
    {.name = "cpu.max", .kind = K::kCpuMax, .initial = "max 100000\n"},
    {.name = "cpu.weight",
     .kind = K::kRange,
     .initial = "100\n",
     .min = 1,
     .max = 10000,
     .range_errno = ERANGE},
    {.name = "cpu.weight.nice",
     .kind = K::kRange,
     .initial = "0\n",
     .min = -20,
     .max = 19,
     .range_errno = ERANGE},
    {.name = "cpu.idle", .kind = K::kRange, .initial = "0\n", .max = 1},
};
const FileSpec kV2Io[] = {
    {.name = "io.max", .kind = K::kIoMax},
    {.name = "io.weight", .kind = K::kIoWeight, .initial = "default 100\n"},
    {.name = "io.stat", .kind = K::kConstant, .access = A::kReadOnly},
};
const FileSpec kV2Memory[] = {
    {.name = "memory.max", .kind = K::kMemory, .initial = "max\n"},
    {.name = "memory.high", .kind = K::kMemory, .initial = "max\n"},
    {.name = "memory.low", .kind = K::kMemory, .initial = "0\n"},
    {.name = "memory.min", .kind = K::kMemory, .initial = "0\n"},
    {.name = "memory.swap.max", .kind = K::kMemory, .initial = "max\n"},
    {.name = "memory.oom.group", .kind = K::kRange, .initial = "0\n", .max = 1},
    {.name = "memory.current",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "memory.peak",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "memory.swap.current",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "memory.events", .kind = K::kMemoryEvents, .access = A::kReadOnly},
    {.name = "memory.events.local",
     .kind = K::kMemoryEvents,
     .access = A::kReadOnly},
    {.name = "memory.swap.events",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "high 0\nmax 0\nfail 0\n"},
    {.name = "memory.stat",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "anon 0\nfile 0\nkernel 0\nkernel_stack 0\nsock 0\nshmem 0\n"},
};
const FileSpec kV2Hugetlb[] = {
    {.name = "hugetlb.2MB.max",
     .kind = K::kMemory,
     .initial = "max\n",
     .unit = k2M},
    {.name = "hugetlb.2MB.rsvd.max",
     .kind = K::kMemory,
     .initial = "max\n",
     .unit = k2M},
    {.name = "hugetlb.2MB.current",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "hugetlb.2MB.rsvd.current",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "hugetlb.2MB.events",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "max 0\n"},
    {.name = "hugetlb.1GB.max",
     .kind = K::kMemory,
     .initial = "max\n",
     .unit = k1G},
    {.name = "hugetlb.1GB.rsvd.max",
     .kind = K::kMemory,
     .initial = "max\n",
     .unit = k1G},
    {.name = "hugetlb.1GB.current",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "hugetlb.1GB.rsvd.current",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "hugetlb.1GB.events",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "max 0\n"},
};
const FileSpec kV2Pids[] = {
    {.name = "pids.max", .kind = K::kMaxOrCount, .initial = "max\n"},
    {.name = "pids.current", .kind = K::kPidsCurrent, .access = A::kReadOnly},
    {.name = "pids.events",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "max 0\n"},
};
const FileSpec kV2Rdma[] = {
    {.name = "rdma.max", .kind = K::kKeyedLines},
    {.name = "rdma.current", .kind = K::kConstant, .access = A::kReadOnly},
};
const FileSpec kV2Misc[] = {
    {.name = "misc.max", .kind = K::kKeyedLines},
    {.name = "misc.current", .kind = K::kConstant, .access = A::kReadOnly},
};

// Core files of every v1 cgroup.
const FileSpec kV1Core[] = {
    {.name = "cgroup.procs", .kind = K::kProcs},
    {.name = "tasks", .kind = K::kProcs},
    {.name = "notify_on_release",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cgroup.clone_children",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "release_agent",
     .kind = K::kText,
     .where = W::kOnlyOnRoot,
     .initial = "\n"},
    {.name = "cgroup.sane_behavior",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .where = W::kOnlyOnRoot,
     .initial = "0\n"},
};

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr const char* kV1Unlimited = "9223372036854771712\n";

const FileSpec kV1Cpu[] = {
    {.name = "cpu.shares",
     .kind = K::kRange,
     .initial = "1024\n",
     .min = 2,
     .max = 262144,
     .clamp = true,
     .root_fixed = true},
    {.name = "cpu.cfs_quota_us",
     .kind = K::kCfsQuota,
     .initial = "-1\n",
     .root_fixed = true},
    {.name = "cpu.cfs_period_us",
     .kind = K::kRange,
     .initial = "100000\n",
     .min = 1000,
     .max = 1000000,
     .root_fixed = true},
    {.name = "cpu.cfs_burst_us",
     .kind = K::kRange,
     .initial = "0\n",
     .max = kInt64Max},
    {.name = "cpu.rt_runtime_us",
     .kind = K::kRange,
     .initial = "0\n",
     .root_initial = "950000\n",
     .min = -1,
     .max = kInt64Max},
    {.name = "cpu.rt_period_us",
     .kind = K::kRange,
     .initial = "1000000\n",
     .min = 1,
     .max = kInt64Max},
    {.name = "cpu.idle", .kind = K::kRange, .initial = "0\n", .max = 1},
    {.name = "cpu.stat",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n"
                "nr_bursts 0\nburst_time 0\n"},
};
const FileSpec kV1Cpuacct[] = {
    {.name = "cpuacct.usage", .kind = K::kRange, .initial = "0\n"},
    {.name = "cpuacct.stat",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "user 0\nsystem 0\n"},
    {.name = "cpuacct.usage_percpu",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0 0 \n"},
    {.name = "cpuacct.usage_all",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "cpu user system\n0 0 0\n1 0 0\n"},
};
const FileSpec kV1Cpuset[] = {
    {.name = "cpuset.cpus",
     .kind = K::kInherited,
     .initial = "\n",
     .root_initial = "0-1\n"},
    {.name = "cpuset.mems",
     .kind = K::kInherited,
     .initial = "\n",
     .root_initial = "0\n"},
    {.name = "cpuset.effective_cpus",
     .kind = K::kEffectiveCpus,
     .access = A::kReadOnly},
    {.name = "cpuset.effective_mems",
     .kind = K::kEffectiveMems,
     .access = A::kReadOnly},
    {.name = "cpuset.cpu_exclusive",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cpuset.mem_exclusive",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cpuset.mem_hardwall",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cpuset.memory_migrate",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cpuset.memory_spread_page",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cpuset.memory_spread_slab",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 1},
    {.name = "cpuset.sched_load_balance",
     .kind = K::kRange,
     .initial = "1\n",
     .max = 1},
    {.name = "cpuset.sched_relax_domain_level",
     .kind = K::kRange,
     .initial = "-1\n",
     .min = -1,
     .max = 5},
    {.name = "cpuset.memory_pressure",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "cpuset.memory_pressure_enabled",
     .kind = K::kRange,
     .where = W::kOnlyOnRoot,
     .initial = "0\n",
     .max = 1},
};
const FileSpec kV1Memory[] = {
    {.name = "memory.limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited,
     .root_fixed = true},
    {.name = "memory.memsw.limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited,
     .root_fixed = true},
    {.name = "memory.soft_limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited},
    {.name = "memory.kmem.limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited},
    {.name = "memory.kmem.tcp.limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited},
    {.name = "memory.usage_in_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "memory.memsw.usage_in_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "memory.kmem.usage_in_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "memory.kmem.tcp.usage_in_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    // Statistics that only a write of 0 resets.
    {.name = "memory.max_usage_in_bytes", .kind = K::kRange, .initial = "0\n"},
    {.name = "memory.memsw.max_usage_in_bytes",
     .kind = K::kRange,
     .initial = "0\n"},
    {.name = "memory.kmem.max_usage_in_bytes",
     .kind = K::kRange,
     .initial = "0\n"},
    {.name = "memory.failcnt", .kind = K::kRange, .initial = "0\n"},
    {.name = "memory.memsw.failcnt", .kind = K::kRange, .initial = "0\n"},
    {.name = "memory.kmem.failcnt", .kind = K::kRange, .initial = "0\n"},
    {.name = "memory.oom_control",
     .kind = K::kOomControl,
     .initial = "oom_kill_disable 0\n"},
    {.name = "memory.swappiness",
     .kind = K::kRange,
     .initial = "60\n",
     .max = 200},
    {.name = "memory.use_hierarchy",
     .kind = K::kRange,
     .initial = "1\n",
     .max = 1},
    {.name = "memory.move_charge_at_immigrate",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 3},
    {.name = "memory.force_empty", .kind = K::kText, .access = A::kWriteOnly},
    {.name = "memory.stat",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "cache 0\nrss 0\nrss_huge 0\nshmem 0\nmapped_file 0\n"
                "swap 0\npgpgin 0\npgpgout 0\n"
                "hierarchical_memory_limit 9223372036854771712\n"},
};
const FileSpec kV1Devices[] = {
    {.name = "devices.allow",
     .kind = K::kDevicesAllow,
     .access = A::kWriteOnly},
    {.name = "devices.deny", .kind = K::kDevicesDeny, .access = A::kWriteOnly},
    {.name = "devices.list", .kind = K::kDevicesList, .access = A::kReadOnly},
};
const FileSpec kV1Freezer[] = {
    {.name = "freezer.state", .kind = K::kFreezerState, .where = W::kNotOnRoot},
    {.name = "freezer.self_freezing",
     .kind = K::kFreezerSelf,
     .access = A::kReadOnly,
     .where = W::kNotOnRoot},
    {.name = "freezer.parent_freezing",
     .kind = K::kFreezerParent,
     .access = A::kReadOnly,
     .where = W::kNotOnRoot},
};
const FileSpec kV1Blkio[] = {
    {.name = "blkio.weight",
     .kind = K::kRange,
     .initial = "500\n",
     .min = 10,
     .max = 1000},
    {.name = "blkio.weight_device", .kind = K::kKeyedLines},
    {.name = "blkio.bfq.weight",
     .kind = K::kRange,
     .initial = "100\n",
     .min = 1,
     .max = 1000},
    {.name = "blkio.throttle.read_bps_device", .kind = K::kDeviceLines},
    {.name = "blkio.throttle.write_bps_device", .kind = K::kDeviceLines},
    {.name = "blkio.throttle.read_iops_device", .kind = K::kDeviceLines},
    {.name = "blkio.throttle.write_iops_device", .kind = K::kDeviceLines},
    {.name = "blkio.throttle.io_service_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "Total 0\n"},
    {.name = "blkio.throttle.io_serviced",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "Total 0\n"},
    {.name = "blkio.reset_stats", .kind = K::kText, .access = A::kWriteOnly},
};
const FileSpec kV1Hugetlb[] = {
    {.name = "hugetlb.2MB.limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited,
     .unit = k2M},
    {.name = "hugetlb.2MB.usage_in_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "hugetlb.2MB.max_usage_in_bytes",
     .kind = K::kRange,
     .initial = "0\n"},
    {.name = "hugetlb.2MB.failcnt", .kind = K::kRange, .initial = "0\n"},
    {.name = "hugetlb.1GB.limit_in_bytes",
     .kind = K::kV1Memory,
     .initial = kV1Unlimited,
     .unit = k1G},
    {.name = "hugetlb.1GB.usage_in_bytes",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "0\n"},
    {.name = "hugetlb.1GB.max_usage_in_bytes",
     .kind = K::kRange,
     .initial = "0\n"},
    {.name = "hugetlb.1GB.failcnt", .kind = K::kRange, .initial = "0\n"},
};
const FileSpec kV1Pids[] = {
    {.name = "pids.max",
     .kind = K::kMaxOrCount,
     .where = W::kNotOnRoot,
     .initial = "max\n"},
    {.name = "pids.current",
     .kind = K::kPidsCurrent,
     .access = A::kReadOnly,
     .where = W::kNotOnRoot},
    {.name = "pids.events",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .where = W::kNotOnRoot,
     .initial = "max 0\n"},
};
const FileSpec kV1NetCls[] = {
    {.name = "net_cls.classid",
     .kind = K::kRange,
     .initial = "0\n",
     .max = 4294967295},
};
const FileSpec kV1NetPrio[] = {
    {.name = "net_prio.prioidx",
     .kind = K::kConstant,
     .access = A::kReadOnly,
     .initial = "1\n"},
    {.name = "net_prio.ifpriomap", .kind = K::kKeyedLines, .initial = "lo 0\n"},
};
const FileSpec kV1Rdma[] = {
    {.name = "rdma.max", .kind = K::kKeyedLines, .where = W::kNotOnRoot},
    {.name = "rdma.current", .kind = K::kConstant, .access = A::kReadOnly},
};
const FileSpec kV1Misc[] = {
    {.name = "misc.max", .kind = K::kKeyedLines, .where = W::kNotOnRoot},
    {.name = "misc.current", .kind = K::kConstant, .access = A::kReadOnly},
};

template <size_t N>
void AddFiles(const FileSpec (&specs)[N], bool root,
              std::vector<const FileSpec*>& out) {
  for (const FileSpec& spec : specs) {
    if (spec.where == W::kNotOnRoot && root) continue;
    if (spec.where == W::kOnlyOnRoot && !root) continue;
    out.push_back(&spec);
  }
}

std::string Trimmed(absl::string_view value) {
  return std::string(absl::StripAsciiWhitespace(value));
}

std::vector<absl::string_view> Tokens(absl::string_view value) {
  return absl::StrSplit(value, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
}

absl::Status Invalid(const FileSpec& spec, absl::string_view value,
                     int err = EINVAL) {
  return ErrnoError(err, absl::StrCat("write ", spec.name, " \"",
                                      absl::CEscape(value), "\""));
}

// memparse(): decimal digits with an optional K/M/G/T/P/E suffix.
// Saturates on overflow.
std::optional<uint64_t> MemParse(absl::string_view s) {
  if (s.empty()) return std::nullopt;
  int shift = 0;
  switch (absl::ascii_tolower(s.back())) {
    case 'k':
      shift = 10;
      break;
    case 'm':
      shift = 20;
      break;
    case 'g':
      shift = 30;
      break;
    case 't':
      shift = 40;
      break;
    case 'p':
      shift = 50;
      break;
    case 'e':
      shift = 60;
      break;
    default:
      break;
  }
  if (shift != 0) s.remove_suffix(1);
  uint64_t n = 0;
  if (s.empty() || !absl::c_all_of(s, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(s, &n)) {
    return std::nullopt;
  }
  if (shift != 0 && n > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return std::numeric_limits<uint64_t>::max();
  }
  return n << shift;
}

// page_counter_memparse(): bytes to pages, capped at "unlimited", then
// rounded down to the file's unit (hugetlb: the huge page size).
uint64_t BytesToPages(uint64_t bytes, uint64_t unit) {
  uint64_t pages = std::min(bytes / kPageSize, kUnlimitedPages);
  uint64_t per_unit = std::max<uint64_t>(1, unit / kPageSize);
  if (pages != kUnlimitedPages) pages -= pages % per_unit;
  return pages;
}

absl::StatusOr<uint64_t> MemoryPages(const FileSpec& spec,
                                     absl::string_view value,
                                     absl::string_view unlimited_word) {
  std::string v = Trimmed(value);
  if (v == unlimited_word) return kUnlimitedPages;
  std::optional<uint64_t> bytes = MemParse(v);
  if (!bytes.has_value()) return Invalid(spec, value);
  return BytesToPages(*bytes, spec.unit);
}

bool IsDevice(absl::string_view s) {
  std::pair<absl::string_view, absl::string_view> mm =
      absl::StrSplit(s, absl::MaxSplits(':', 1));
  uint32_t n = 0;
  return absl::SimpleAtoi(mm.first, &n) && absl::SimpleAtoi(mm.second, &n) &&
         absl::c_all_of(mm.first, absl::ascii_isdigit) &&
         absl::c_all_of(mm.second, absl::ascii_isdigit);
}

bool IsCpuList(absl::string_view s) {
  for (absl::string_view range : absl::StrSplit(s, ',')) {
    std::vector<absl::string_view> ends = absl::StrSplit(range, '-');
    if (ends.size() > 2) return false;
    uint32_t lo = 0;
    uint32_t hi = 0;
    if (!absl::SimpleAtoi(ends[0], &lo)) return false;
    if (ends.size() == 2 && (!absl::SimpleAtoi(ends[1], &hi) || hi < lo)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> Lines(absl::string_view content) {
  return absl::StrSplit(content, '\n', absl::SkipEmpty());
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) absl::StrAppend(&out, l, "\n");
  return out;
}

// Replaces the line starting with `key` (as its first token), or appends;
// an empty `line` removes it.
std::string SetKeyedLine(absl::string_view content, absl::string_view key,
                         const std::string& line) {
  std::vector<std::string> lines = Lines(content);
  auto it = absl::c_find_if(lines, [&](const std::string& l) {
    std::vector<absl::string_view> t = Tokens(l);
    return !t.empty() && t[0] == key;
  });
  if (it != lines.end()) {
    if (line.empty()) {
      lines.erase(it);
    } else {
      *it = line;
    }
  } else if (!line.empty()) {
    lines.push_back(line);
  }
  return JoinLines(lines);
}

absl::StatusOr<std::string> WriteCpuMax(const FileSpec& spec,
                                        absl::string_view current,
                                        absl::string_view value) {
  std::vector<absl::string_view> t = Tokens(value);
  std::vector<absl::string_view> old = Tokens(current);
  if (t.empty() || t.size() > 2 || old.size() != 2) {
    return Invalid(spec, value);
  }
  int64_t quota = 0;
  int64_t period = 0;
  if (t[0] != "max" && (!absl::SimpleAtoi(t[0], &quota) || quota < 1000)) {
    return Invalid(spec, value);
  }
  absl::string_view period_text = t.size() == 2 ? t[1] : old[1];
  if (!absl::SimpleAtoi(period_text, &period) || period < 1000 ||
      period > 1000000) {
    return Invalid(spec, value);
  }
  return absl::StrCat(t[0], " ", period, "\n");
}

absl::StatusOr<std::string> WriteIoWeight(const FileSpec& spec,
                                          absl::string_view current,
                                          absl::string_view value) {
  std::vector<absl::string_view> t = Tokens(value);
  if (t.size() == 1) t.insert(t.begin(), "default");
  if (t.size() != 2 || (t[0] != "default" && !IsDevice(t[0]))) {
    return Invalid(spec, value);
  }
  int64_t weight = 0;
  if (t[0] != "default" && t[1] == "default") {
    return SetKeyedLine(current, t[0], "");  // Back to the default weight.
  }
  if (!absl::SimpleAtoi(t[1], &weight) || weight < 1 || weight > 10000) {
    return Invalid(spec, value);
  }
  return SetKeyedLine(current, t[0], absl::StrCat(t[0], " ", weight));
}

absl::StatusOr<std::string> WriteIoMax(const FileSpec& spec,
                                       absl::string_view current,
                                       absl::string_view value) {
  std::vector<absl::string_view> t = Tokens(value);
  if (t.size() < 2 || !IsDevice(t[0])) return Invalid(spec, value);
  const char* kKeys[] = {"rbps", "wbps", "riops", "wiops"};
  std::string limits[4] = {"max", "max", "max", "max"};
  for (const std::string& line : Lines(current)) {
    std::vector<absl::string_view> old = Tokens(line);
    if (old.empty() || old[0] != t[0]) continue;
    for (size_t i = 1; i < old.size(); ++i) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(old[i], absl::MaxSplits('=', 1));
      for (int k = 0; k < 4; ++k) {
        if (kv.first == kKeys[k]) limits[k] = std::string(kv.second);
      }
    }
  }
  for (size_t i = 1; i < t.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(t[i], absl::MaxSplits('=', 1));
    int k = 0;
    while (k < 4 && kv.first != kKeys[k]) ++k;
    uint64_t n = 0;
    if (k == 4 || (kv.second != "max" && !absl::SimpleAtoi(kv.second, &n))) {
      return Invalid(spec, value);
    }
    limits[k] = std::string(kv.second);
  }
  bool all_max =
      absl::c_all_of(limits, [](const std::string& l) { return l == "max"; });
  std::string line =
      all_max ? ""
              : absl::StrCat(t[0], " rbps=", limits[0], " wbps=", limits[1],
                             " riops=", limits[2], " wiops=", limits[3]);
  return SetKeyedLine(current, t[0], line);
}

absl::StatusOr<std::string> WriteRange(const FileSpec& spec,
                                       absl::string_view value) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(Trimmed(value), &n)) return Invalid(spec, value);
  if (n < spec.min || n > spec.max) {
    if (!spec.clamp) {
      return Invalid(spec, value,
                     spec.range_errno != 0 ? spec.range_errno : EINVAL);
    }
    n = std::clamp(n, spec.min, spec.max);
  }
  return absl::StrCat(n, "\n");
}

}  // namespace

const std::vector<std::string>& V2Controllers() {
  static const auto* controllers = new std::vector<std::string>{
      "cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"};
  return *controllers;
}

std::vector<const FileSpec*> V1Files(
    const std::vector<std::string>& controllers, bool root) {
  std::vector<const FileSpec*> out;
  AddFiles(kV1Core, root, out);
  for (const std::string& c : controllers) {
    if (c == "cpu") AddFiles(kV1Cpu, root, out);
    if (c == "cpuacct") AddFiles(kV1Cpuacct, root, out);
    if (c == "cpuset") AddFiles(kV1Cpuset, root, out);
    if (c == "memory") AddFiles(kV1Memory, root, out);
    if (c == "devices") AddFiles(kV1Devices, root, out);
    if (c == "freezer") AddFiles(kV1Freezer, root, out);
    if (c == "blkio") AddFiles(kV1Blkio, root, out);
    if (c == "hugetlb") AddFiles(kV1Hugetlb, root, out);
    if (c == "pids") AddFiles(kV1Pids, root, out);
    if (c == "net_cls") AddFiles(kV1NetCls, root, out);
    if (c == "net_prio") AddFiles(kV1NetPrio, root, out);
    if (c == "rdma") AddFiles(kV1Rdma, root, out);
    if (c == "misc") AddFiles(kV1Misc, root, out);
  }
  return out;
}

std::vector<const FileSpec*> V2Files(const std::vector<std::string>& enabled,
                                     bool root) {
  std::vector<const FileSpec*> out;
  AddFiles(kV2Core, root, out);
  // Controller interface files are not created on the root.
  if (root) return out;
  for (const std::string& c : enabled) {
    if (c == "cpuset") AddFiles(kV2Cpuset, root, out);
    if (c == "cpu") AddFiles(kV2Cpu, root, out);
    if (c == "io") AddFiles(kV2Io, root, out);
    if (c == "memory") AddFiles(kV2Memory, root, out);
    if (c == "hugetlb") AddFiles(kV2Hugetlb, root, out);
    if (c == "pids") AddFiles(kV2Pids, root, out);
    if (c == "rdma") AddFiles(kV2Rdma, root, out);
    if (c == "misc") AddFiles(kV2Misc, root, out);
  }
  return out;
}

uint64_t V1MemoryBytes(absl::string_view content) {
  uint64_t n = 0;
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(content), &n)
             ? n
             : std::numeric_limits<uint64_t>::max();
}

absl::StatusOr<std::string> StoredWrite(const FileSpec& spec,
                                        absl::string_view current,
                                        absl::string_view value) {
  switch (spec.kind) {
    case K::kText:
      return absl::StrCat(Trimmed(value), "\n");
    case K::kCpuList:
    case K::kInherited: {
      std::string v = Trimmed(value);
      if (!v.empty() && !IsCpuList(v)) return Invalid(spec, value);
      return absl::StrCat(v, "\n");
    }
    case K::kRange:
      return WriteRange(spec, value);
    case K::kMemory: {
      ASSIGN_OR_RETURN(uint64_t pages, MemoryPages(spec, value, "max"));
      if (pages == kUnlimitedPages) return std::string("max\n");
      return absl::StrCat(pages * kPageSize, "\n");
    }
    case K::kV1Memory: {
      ASSIGN_OR_RETURN(uint64_t pages, MemoryPages(spec, value, "-1"));
      return absl::StrCat(pages * kPageSize, "\n");
    }
    case K::kMaxOrCount: {
      std::string v = Trimmed(value);
      int64_t n = 0;
      if (v == "max") return std::string("max\n");
      if (!absl::SimpleAtoi(v, &n) || n < 0) return Invalid(spec, value);
      return absl::StrCat(n, "\n");
    }
    case K::kCpuMax:
      return WriteCpuMax(spec, current, value);
    case K::kCfsQuota: {
      int64_t n = 0;
      if (!absl::SimpleAtoi(Trimmed(value), &n)) return Invalid(spec, value);
      if (n < 0) return std::string("-1\n");  // Any negative: no limit.
      if (n < 1000) return Invalid(spec, value);
      return absl::StrCat(n, "\n");
    }
    case K::kIoWeight:
      return WriteIoWeight(spec, current, value);
    case K::kIoMax:
      return WriteIoMax(spec, current, value);
    case K::kKeyedLines: {
      std::vector<absl::string_view> t = Tokens(value);
      if (t.size() < 2) return Invalid(spec, value);
      return SetKeyedLine(current, t[0], absl::StrJoin(t, " "));
    }
    case K::kDeviceLines: {
      std::vector<absl::string_view> t = Tokens(value);
      uint64_t n = 0;
      if (t.size() != 2 || !IsDevice(t[0]) || !absl::SimpleAtoi(t[1], &n)) {
        return Invalid(spec, value);
      }
      return SetKeyedLine(current, t[0],
                          n == 0 ? "" : absl::StrCat(t[0], " ", n));
    }
    case K::kOomControl: {
      std::string v = Trimmed(value);
      if (v != "0" && v != "1") return Invalid(spec, value);
      // Only the flag is stored; CgroupModel adds under_oom and oom_kill.
      return absl::StrCat("oom_kill_disable ", v, "\n");
    }
    default:
      break;
  }
  // Read-only and computed kinds never get here (CgroupModel handles them).
  return Invalid(spec, value, EACCES);
}

}  // namespace runbox::fake::cgroup_internal
