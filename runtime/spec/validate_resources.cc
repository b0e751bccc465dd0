// Checks on `linux.resources` (config-linux.md "Control groups") that need
// no host access. Whether a controller exists, and cgroup v1 versus v2
// differences, are decided where the cgroup is written.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/validate_internal.h"

namespace runbox::spec::validate_internal {
namespace {

absl::Status ValidateDeviceRules(const std::vector<DeviceRule>& rules,
                                 absl::string_view path) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const DeviceRule& rule = rules[i];
    std::string entry = JsonIndex(path, i);
    for (char c : rule.access) {
      if (c != 'r' && c != 'w' && c != 'm') {
        return SpecError(
            JsonField(entry, "access"),
            absl::StrCat(Quote(rule.access), " may only contain r, w and m"));
      }
    }
    // -1 is the Go bindings' internal spelling of "all"; accept it as runc
    // does.
    if (rule.major.has_value() && *rule.major < -1) {
      return SpecError(JsonField(entry, "major"),
                       absl::StrCat(*rule.major, " is not a device number"));
    }
    if (rule.minor.has_value() && *rule.minor < -1) {
      return SpecError(JsonField(entry, "minor"),
                       absl::StrCat(*rule.minor, " is not a device number"));
    }
  }
  return absl::OkStatus();
}

// Memory values are bytes or -1 for unlimited.
absl::Status CheckBytes(const std::optional<int64_t>& value,
                        absl::string_view path) {
  if (value.has_value() && *value < -1) {
    return SpecError(path, absl::StrCat(*value, " is neither bytes nor -1"));
  }
  return absl::OkStatus();
}

absl::Status ValidateMemory(const Memory& memory, absl::string_view path) {
  RETURN_IF_ERROR(CheckBytes(memory.limit, JsonField(path, "limit")));
  RETURN_IF_ERROR(
      CheckBytes(memory.reservation, JsonField(path, "reservation")));
  RETURN_IF_ERROR(CheckBytes(memory.swap, JsonField(path, "swap")));
  RETURN_IF_ERROR(CheckBytes(memory.kernel, JsonField(path, "kernel")));
  RETURN_IF_ERROR(CheckBytes(memory.kernel_tcp, JsonField(path, "kernelTCP")));
  // "The values are from 0 to 100." UINT64_MAX is -1 written by Go
  // clients as "unset", which runc accepts.
  if (memory.swappiness.has_value() && *memory.swappiness > 100 &&
      *memory.swappiness != std::numeric_limits<uint64_t>::max()) {
    return SpecError(JsonField(path, "swappiness"),
                     absl::StrCat(*memory.swappiness, " is outside 0..100"));
  }
  return absl::OkStatus();
}

absl::Status ValidateBlockIo(const BlockIo& io, absl::string_view path) {
  for (size_t i = 0; i < io.weight_device.size(); ++i) {
    const WeightDevice& d = io.weight_device[i];
    // "You MUST specify at least one of weight or leafWeight in a given
    // entry."
    if (!d.weight.has_value() && !d.leaf_weight.has_value()) {
      return SpecError(JsonIndex(JsonField(path, "weightDevice"), i),
                       "needs weight or leafWeight");
    }
  }
  return absl::OkStatus();
}

// "<size><unit>B": 64KB, 2MB, 1GB; the names of the hugetlb files.
bool IsPageSize(absl::string_view size) {
  if (size.size() < 2 || size.back() != 'B') return false;
  size.remove_suffix(1);
  if (absl::string_view("KMGTPE").find(size.back()) !=
      absl::string_view::npos) {
    size.remove_suffix(1);
  }
  if (size.empty()) return false;
  for (char c : size) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// A cgroup v2 interface file name ("memory.high"): a single component.
bool IsCgroupFileName(absl::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  return name.find('/') == absl::string_view::npos;
}

}  // namespace

absl::Status ValidateResources(const Resources& resources,
                               absl::string_view path) {
  RETURN_IF_ERROR(
      ValidateDeviceRules(resources.devices, JsonField(path, "devices")));
  if (resources.memory.has_value()) {
    RETURN_IF_ERROR(
        ValidateMemory(*resources.memory, JsonField(path, "memory")));
  }
  if (resources.cpu.has_value()) {
    std::string cpu = JsonField(path, "cpu");
    RETURN_IF_ERROR(CheckCpuList(resources.cpu->cpus, JsonField(cpu, "cpus")));
    RETURN_IF_ERROR(CheckCpuList(resources.cpu->mems, JsonField(cpu, "mems")));
  }
  if (resources.block_io.has_value()) {
    RETURN_IF_ERROR(
        ValidateBlockIo(*resources.block_io, JsonField(path, "blockIO")));
  }
  for (size_t i = 0; i < resources.hugepage_limits.size(); ++i) {
    const std::string& size = resources.hugepage_limits[i].page_size;
    if (!IsPageSize(size)) {
      return SpecError(
          JsonField(JsonIndex(JsonField(path, "hugepageLimits"), i),
                    "pageSize"),
          absl::StrCat(Quote(size), " is not a page size like \"2MB\""));
    }
  }
  for (const auto& [device, limits] : resources.rdma) {
    // rdma.max takes "<device> hca_handle=N hca_object=M" lines: a name
    // with a space or a newline would be read as other fields or lines.
    if (device.empty() || std::any_of(device.begin(), device.end(), [](char c) {
          return static_cast<unsigned char>(c) <= ' ' || c == '\x7f';
        })) {
      return SpecError(JsonKey(JsonField(path, "rdma"), device),
                       "is not an RDMA device name");
    }
    // "You MUST specify at least one of the hcaHandles or hcaObjects."
    if (!limits.hca_handles.has_value() && !limits.hca_objects.has_value()) {
      return SpecError(JsonKey(JsonField(path, "rdma"), device),
                       "needs hcaHandles or hcaObjects");
    }
  }
  for (const auto& [file, value] : resources.unified) {
    if (!IsCgroupFileName(file)) {
      return SpecError(JsonKey(JsonField(path, "unified"), file),
                       "is not a cgroup file name");
    }
  }
  return absl::OkStatus();
}

}  // namespace runbox::spec::validate_internal
