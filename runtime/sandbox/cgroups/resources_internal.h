// Pieces shared by resources.cc, resources_v1.cc and resources_v2.cc:
// where a controller lives and a checked write of one control file.
// Internal to runtime/sandbox/cgroups.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_RESOURCES_INTERNAL_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_RESOURCES_INTERNAL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/sandbox/cgroups/resources.h"
#include "runtime/spec/config.h"

namespace runbox::cgroups::internal {

// The container's directory for `controller` (v1 name: "memory", "cpu",
// "blkio"...): the v1 hierarchy that binds it, else the v2 directory when
// the v2 root offers it ("blkio" is "io" there). nullopt when neither.
struct ControllerDir {
  CgroupVersion version = CgroupVersion::kV2;
  std::string path;
};
std::optional<ControllerDir> DirFor(const CgroupManager& manager,
                                    absl::string_view controller);

// CgroupWrite, annotated `write <file> "<value>" of cgroup "<path>"`.
absl::Status WriteFile(Host& host, const std::string& path,
                       absl::string_view file, absl::string_view value);

// "-1" stays "-1" for v1; v2 spells unlimited "max".
std::string V2Limit(int64_t value);

// Each controller's writer, for the directory DirFor chose.
absl::Status WriteMemoryV1(Host& host, const std::string& path,
                           const spec::Memory& memory, ResourceNotes& notes);
absl::Status WriteMemoryV2(Host& host, const std::string& path,
                           const spec::Memory& memory, ResourceNotes& notes);
absl::Status WriteCpuV1(Host& host, const std::string& path,
                        const spec::Cpu& cpu);
absl::Status WriteCpuV2(Host& host, const std::string& path,
                        const spec::Cpu& cpu, ResourceNotes& notes);
absl::Status WriteCpuset(Host& host, const std::string& path,
                         const spec::Cpu& cpu);
absl::Status WritePids(Host& host, const std::string& path,
                       const spec::Pids& pids);
absl::Status WriteBlkioV1(Host& host, const std::string& path,
                          const spec::BlockIo& io, ResourceNotes& notes);
absl::Status WriteIoV2(Host& host, const std::string& path,
                       const spec::BlockIo& io, ResourceNotes& notes);
absl::Status WriteHugetlb(Host& host, const ControllerDir& dir,
                          const spec::HugepageLimit& limit);
absl::Status WriteDevicesV1(Host& host, const std::string& path,
                            const std::vector<spec::DeviceRule>& rules);
// The rules as one eBPF device program attached to the v2 directory,
// replacing the one attached before (runc's semantics: device_filter.h).
absl::Status WriteDevicesV2(Host& host, const std::string& path,
                            const std::vector<spec::DeviceRule>& rules);
absl::Status WriteRdma(Host& host, const std::string& path,
                       const std::map<std::string, spec::Rdma>& rdma);
// Enables every controller the v2 root offers in each level above the
// container's directory.
absl::Status EnableV2Controllers(Host& host, const CgroupManager& manager);

}  // namespace runbox::cgroups::internal

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_RESOURCES_INTERNAL_H_
