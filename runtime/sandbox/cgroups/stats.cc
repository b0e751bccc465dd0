// ReadStats (see stats.h): each controller's statistics files, v1 or v2,
// parsed into runc's types.Stats JSON. A file the kernel lacks leaves its
// fields out; any other read failure is an error.
#include "runtime/sandbox/cgroups/stats.h"

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/sandbox/cgroups/oom.h"
#include "runtime/sandbox/cgroups/resources_internal.h"

namespace runbox::cgroups {
namespace {

using Json = nlohmann::ordered_json;
using internal::ControllerDir;

// USER_HZ: cpuacct.stat counts in these ticks.
constexpr uint64_t kNanosPerTick = 10'000'000;
// Huge page sizes to look for (x86-64, arm64, ppc64 cover these).
constexpr const char* kHugePageSizes[] = {"64KB", "2MB", "32MB", "512MB",
                                          "1GB"};

// The file's text; nullopt when the kernel lacks it (ENOENT).
absl::StatusOr<std::optional<std::string>> ReadOptional(
    Host& host, const std::string& path, absl::string_view file) {
  absl::StatusOr<std::string> text = host.CgroupRead(path, file);
  if (IsErrno(text, ENOENT)) {
    // The file is missing, or the whole cgroup: the latter is an error.
    absl::StatusOr<std::string> procs = host.CgroupRead(path, "cgroup.procs");
    if (IsErrno(procs, ENOENT)) {
      return Annotate(procs.status(),
                      absl::StrCat("cgroup \"", path, "\" does not exist"));
    }
    return std::optional<std::string>();
  }
  if (!text.ok()) {
    return Annotate(text.status(),
                    absl::StrCat("read ", file, " of cgroup \"", path, "\""));
  }
  return std::optional<std::string>(*std::move(text));
}

// A file holding one number ("max" reads as 0, runc's "no limit").
absl::StatusOr<std::optional<uint64_t>> ReadNumber(Host& host,
                                                   const std::string& path,
                                                   absl::string_view file) {
  ASSIGN_OR_RETURN(std::optional<std::string> text,
                   ReadOptional(host, path, file));
  if (!text.has_value()) return std::optional<uint64_t>();
  absl::string_view v = absl::StripAsciiWhitespace(*text);
  if (v == "max") return std::optional<uint64_t>(0);
  uint64_t n = 0;
  if (!absl::SimpleAtoi(v, &n)) return std::optional<uint64_t>();
  return std::optional<uint64_t>(n);
}

// Every "key value" line of a flat keyed file.
Json KeyedMap(absl::string_view text) {
  Json out = Json::object();
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    uint64_t n = 0;
    if (kv.size() == 2 && absl::SimpleAtoi(kv[1], &n))
      out[std::string(kv[0])] = n;
  }
  return out;
}

void SetIf(Json& j, const char* key, const std::optional<uint64_t>& v) {
  if (v.has_value()) j[key] = *v;
}

// One memory counter family of v1 ("memory", "memory.memsw"...).
absl::StatusOr<Json> V1MemoryEntry(Host& host, const std::string& path,
                                   absl::string_view prefix) {
  Json e = Json::object();
  struct Field {
    const char* key;
    const char* suffix;
  };
  for (const Field& f :
       {Field{"usage", "usage_in_bytes"}, Field{"max", "max_usage_in_bytes"},
        Field{"failcnt", "failcnt"}, Field{"limit", "limit_in_bytes"}}) {
    ASSIGN_OR_RETURN(
        std::optional<uint64_t> v,
        ReadNumber(host, path, absl::StrCat(prefix, ".", f.suffix)));
    SetIf(e, f.key, v);
  }
  return e;
}

absl::Status CpuV1(Host& host, const CgroupManager& manager, Json& cpu) {
  Json usage = Json::object();
  if (std::optional<std::string> acct = manager.V1Path("cpuacct")) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> total,
                     ReadNumber(host, *acct, "cpuacct.usage"));
    SetIf(usage, "total", total);
    ASSIGN_OR_RETURN(std::optional<std::string> percpu,
                     ReadOptional(host, *acct, "cpuacct.usage_percpu"));
    if (percpu.has_value()) {
      Json list = Json::array();
      for (absl::string_view n :
           absl::StrSplit(*percpu, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
        uint64_t v = 0;
        if (absl::SimpleAtoi(n, &v)) list.push_back(v);
      }
      usage["percpu"] = list;
    }
    ASSIGN_OR_RETURN(std::optional<std::string> stat,
                     ReadOptional(host, *acct, "cpuacct.stat"));
    if (stat.has_value()) {
      usage["kernel"] = KeyedValue(*stat, "system").value_or(0) * kNanosPerTick;
      usage["user"] = KeyedValue(*stat, "user").value_or(0) * kNanosPerTick;
    }
  }
  cpu["usage"] = usage;
  if (std::optional<std::string> path = manager.V1Path("cpu")) {
    ASSIGN_OR_RETURN(std::optional<std::string> stat,
                     ReadOptional(host, *path, "cpu.stat"));
    if (stat.has_value()) {
      cpu["throttling"] = {
          {"periods", KeyedValue(*stat, "nr_periods").value_or(0)},
          {"throttled_periods", KeyedValue(*stat, "nr_throttled").value_or(0)},
          {"throttled_time", KeyedValue(*stat, "throttled_time").value_or(0)}};
    }
  }
  return absl::OkStatus();
}

absl::Status CpuV2(Host& host, const std::string& path, Json& cpu) {
  ASSIGN_OR_RETURN(std::optional<std::string> stat,
                   ReadOptional(host, path, "cpu.stat"));
  if (!stat.has_value()) return absl::OkStatus();
  cpu["usage"] = {
      {"total", KeyedValue(*stat, "usage_usec").value_or(0) * 1000},
      {"kernel", KeyedValue(*stat, "system_usec").value_or(0) * 1000},
      {"user", KeyedValue(*stat, "user_usec").value_or(0) * 1000}};
  if (KeyedValue(*stat, "nr_periods").has_value()) {
    cpu["throttling"] = {
        {"periods", KeyedValue(*stat, "nr_periods").value_or(0)},
        {"throttled_periods", KeyedValue(*stat, "nr_throttled").value_or(0)},
        {"throttled_time",
         KeyedValue(*stat, "throttled_usec").value_or(0) * 1000}};
  }
  return absl::OkStatus();
}

absl::Status MemoryV1(Host& host, const std::string& path, Json& memory) {
  ASSIGN_OR_RETURN(std::optional<std::string> stat,
                   ReadOptional(host, path, "memory.stat"));
  if (stat.has_value()) {
    Json raw = KeyedMap(*stat);
    memory["cache"] = raw.value("cache", uint64_t{0});
    memory["raw"] = raw;
  }
  ASSIGN_OR_RETURN(memory["usage"], V1MemoryEntry(host, path, "memory"));
  ASSIGN_OR_RETURN(Json swap, V1MemoryEntry(host, path, "memory.memsw"));
  if (!swap.empty()) memory["swap"] = swap;
  ASSIGN_OR_RETURN(memory["kernel"], V1MemoryEntry(host, path, "memory.kmem"));
  ASSIGN_OR_RETURN(Json tcp, V1MemoryEntry(host, path, "memory.kmem.tcp"));
  if (!tcp.empty()) memory["kernelTCP"] = tcp;
  return absl::OkStatus();
}

absl::Status MemoryV2(Host& host, const std::string& path, Json& memory) {
  ASSIGN_OR_RETURN(std::optional<std::string> stat,
                   ReadOptional(host, path, "memory.stat"));
  if (stat.has_value()) {
    Json raw = KeyedMap(*stat);
    memory["cache"] = raw.value("file", uint64_t{0});
    memory["raw"] = raw;
  }
  Json usage = Json::object();
  ASSIGN_OR_RETURN(std::optional<uint64_t> current,
                   ReadNumber(host, path, "memory.current"));
  SetIf(usage, "usage", current);
  ASSIGN_OR_RETURN(std::optional<uint64_t> peak,
                   ReadNumber(host, path, "memory.peak"));
  SetIf(usage, "max", peak);
  ASSIGN_OR_RETURN(std::optional<uint64_t> limit,
                   ReadNumber(host, path, "memory.max"));
  SetIf(usage, "limit", limit);
  ASSIGN_OR_RETURN(std::optional<std::string> events,
                   ReadOptional(host, path, "memory.events"));
  if (events.has_value()) {
    usage["failcnt"] = KeyedValue(*events, "max").value_or(0);
  }
  memory["usage"] = usage;
  Json swap = Json::object();
  ASSIGN_OR_RETURN(std::optional<uint64_t> swap_current,
                   ReadNumber(host, path, "memory.swap.current"));
  SetIf(swap, "usage", swap_current);
  ASSIGN_OR_RETURN(std::optional<uint64_t> swap_max,
                   ReadNumber(host, path, "memory.swap.max"));
  SetIf(swap, "limit", swap_max);
  if (!swap.empty()) memory["swap"] = swap;
  return absl::OkStatus();
}

absl::Status Pids(Host& host, const std::string& path, Json& pids) {
  ASSIGN_OR_RETURN(std::optional<uint64_t> current,
                   ReadNumber(host, path, "pids.current"));
  SetIf(pids, "current", current);
  ASSIGN_OR_RETURN(std::optional<uint64_t> limit,
                   ReadNumber(host, path, "pids.max"));
  SetIf(pids, "limit", limit);
  return absl::OkStatus();
}

Json BlkioEntry(absl::string_view device, absl::string_view op,
                uint64_t value) {
  std::pair<absl::string_view, absl::string_view> mm =
      absl::StrSplit(device, absl::MaxSplits(':', 1));
  uint64_t major = 0;
  uint64_t minor = 0;
  (void)absl::SimpleAtoi(mm.first, &major);
  (void)absl::SimpleAtoi(mm.second, &minor);
  return Json{{"major", major}, {"minor", minor}, {"op", op}, {"value", value}};
}

// v1 "8:0 Read 4096" lines ("Total N" lines are skipped).
Json V1BlkioList(absl::string_view text) {
  Json list = Json::array();
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> t =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    uint64_t v = 0;
    if (t.size() == 3 && absl::SimpleAtoi(t[2], &v)) {
      list.push_back(BlkioEntry(t[0], t[1], v));
    }
  }
  return list;
}

absl::Status BlkioV1(Host& host, const std::string& path, Json& blkio) {
  struct Source {
    const char* key;
    const char* recursive;
    const char* flat;
  };
  for (const Source& s :
       {Source{"ioServiceBytesRecursive",
               "blkio.throttle.io_service_bytes_recursive",
               "blkio.throttle.io_service_bytes"},
        Source{"ioServicedRecursive", "blkio.throttle.io_serviced_recursive",
               "blkio.throttle.io_serviced"}}) {
    ASSIGN_OR_RETURN(std::optional<std::string> text,
                     ReadOptional(host, path, s.recursive));
    if (!text.has_value()) {
      ASSIGN_OR_RETURN(text, ReadOptional(host, path, s.flat));
    }
    if (text.has_value()) blkio[s.key] = V1BlkioList(*text);
  }
  return absl::OkStatus();
}

// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0".
absl::Status IoV2(Host& host, const std::string& path, Json& blkio) {
  ASSIGN_OR_RETURN(std::optional<std::string> text,
                   ReadOptional(host, path, "io.stat"));
  if (!text.has_value()) return absl::OkStatus();
  Json bytes = Json::array();
  Json ios = Json::array();
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> t =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (t.empty()) continue;
    for (size_t i = 1; i < t.size(); ++i) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(t[i], absl::MaxSplits('=', 1));
      uint64_t v = 0;
      if (!absl::SimpleAtoi(kv.second, &v)) continue;
      if (kv.first == "rbytes") bytes.push_back(BlkioEntry(t[0], "Read", v));
      if (kv.first == "wbytes") bytes.push_back(BlkioEntry(t[0], "Write", v));
      if (kv.first == "rios") ios.push_back(BlkioEntry(t[0], "Read", v));
      if (kv.first == "wios") ios.push_back(BlkioEntry(t[0], "Write", v));
    }
  }
  blkio["ioServiceBytesRecursive"] = bytes;
  blkio["ioServicedRecursive"] = ios;
  return absl::OkStatus();
}

absl::Status Hugetlb(Host& host, const ControllerDir& dir, Json& hugetlb) {
  const bool v1 = dir.version == CgroupVersion::kV1;
  for (const char* size : kHugePageSizes) {
    const std::string prefix = absl::StrCat("hugetlb.", size, ".");
    ASSIGN_OR_RETURN(
        std::optional<uint64_t> usage,
        ReadNumber(host, dir.path,
                   absl::StrCat(prefix, v1 ? "usage_in_bytes" : "current")));
    if (!usage.has_value()) continue;
    Json e = {{"usage", *usage}};
    if (v1) {
      ASSIGN_OR_RETURN(std::optional<uint64_t> max,
                       ReadNumber(host, dir.path,
                                  absl::StrCat(prefix, "max_usage_in_bytes")));
      SetIf(e, "max", max);
      ASSIGN_OR_RETURN(
          std::optional<uint64_t> failcnt,
          ReadNumber(host, dir.path, absl::StrCat(prefix, "failcnt")));
      e["failcnt"] = failcnt.value_or(0);
    } else {
      ASSIGN_OR_RETURN(
          std::optional<std::string> events,
          ReadOptional(host, dir.path, absl::StrCat(prefix, "events")));
      e["failcnt"] =
          events.has_value() ? KeyedValue(*events, "max").value_or(0) : 0;
    }
    hugetlb[size] = e;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> ReadStats(Host& host, const CgroupManager& manager) {
  Json stats = Json::object();
  Json cpu = Json::object();
  if (std::optional<ControllerDir> dir = internal::DirFor(manager, "cpu");
      dir.has_value() && dir->version == CgroupVersion::kV2) {
    RETURN_IF_ERROR(CpuV2(host, dir->path, cpu));
  } else if (manager.V1Path("cpu") || manager.V1Path("cpuacct")) {
    RETURN_IF_ERROR(CpuV1(host, manager, cpu));
  } else if (std::optional<std::string> v2 = manager.V2Path()) {
    // cpu.stat is a core file of every v2 cgroup: usage without the
    // controller enabled.
    RETURN_IF_ERROR(CpuV2(host, *v2, cpu));
  }
  stats["cpu"] = cpu;
  Json memory = Json::object();
  if (std::optional<ControllerDir> dir = internal::DirFor(manager, "memory")) {
    RETURN_IF_ERROR(dir->version == CgroupVersion::kV1
                        ? MemoryV1(host, dir->path, memory)
                        : MemoryV2(host, dir->path, memory));
  }
  stats["memory"] = memory;
  Json pids = Json::object();
  if (std::optional<ControllerDir> dir = internal::DirFor(manager, "pids")) {
    RETURN_IF_ERROR(Pids(host, dir->path, pids));
  }
  stats["pids"] = pids;
  Json blkio = Json::object();
  if (std::optional<ControllerDir> dir = internal::DirFor(manager, "blkio")) {
    RETURN_IF_ERROR(dir->version == CgroupVersion::kV1
                        ? BlkioV1(host, dir->path, blkio)
                        : IoV2(host, dir->path, blkio));
  }
  stats["blkio"] = blkio;
  Json hugetlb = Json::object();
  if (std::optional<ControllerDir> dir = internal::DirFor(manager, "hugetlb")) {
    RETURN_IF_ERROR(Hugetlb(host, *dir, hugetlb));
  }
  stats["hugetlb"] = hugetlb;
  return stats;
}

}  // namespace runbox::cgroups
