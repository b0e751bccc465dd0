// linux.resources (config-linux.md "Control groups") translated to cgroup
// control files by the v1 and v2 writers of runtime/sandbox/cgroups
// (resources_internal.h), on a host that only records the writes: the
// input is the resources object, placed in a minimal config, parsed by
// spec::ParseConfig and checked by the validator. Every writer runs for a
// v1 directory and for a v2 one (devices v2, an eBPF program, is not a file
// write and is left out). Properties of what a validated spec makes:
// - every value written is one line: no newline or NUL inside (a value
//   with a newline would be several writes to the kernel, e.g. a second
//   rdma.max or cpuset line the spec never asked for);
// - every file name is a plain name: not empty, no '/', no NUL or newline,
//   not "." or "..";
// - every write goes to the directory the writer was given;
// - a writer that refuses gives InvalidArgument or FailedPrecondition with
//   a message (the host never fails here, so nothing else may come back);
// - translating twice writes the same files and values.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_mutator.h"
#include "gmock/gmock.h"
#include "hostapi/mock_host.h"
#include "runtime/sandbox/cgroups/resources.h"
#include "runtime/sandbox/cgroups/resources_internal.h"
#include "runtime/spec/config.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/validate.h"

RUNBOX_FUZZ_JSON_MUTATOR()

namespace {

namespace cgroups = ::runbox::cgroups;
namespace internal = ::runbox::cgroups::internal;
namespace spec = ::runbox::spec;
using ::runbox::Host;

struct FileWrite {
  std::string path;
  std::string file;
  std::string value;
  bool operator==(const FileWrite&) const = default;
};

// A host whose cgroup files are all writable and read back as a machine
// at rest would: no limits, no usage.
class RecordingHost : public testing::NiceMock<runbox::MockHost> {
 public:
  absl::Status CgroupWrite(absl::string_view path, absl::string_view file,
                           absl::string_view value) override {
    writes.push_back(
        FileWrite{std::string(path), std::string(file), std::string(value)});
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> CgroupRead(absl::string_view path,
                                         absl::string_view file) override {
    if (absl::StrContains(file, "limit_in_bytes")) {
      return std::string("9223372036854771712\n");
    }
    return std::string("0\n");
  }
  std::vector<FileWrite> writes;
};

RecordingHost& TheHost() {
  static RecordingHost* host = [] {
    auto* h = new RecordingHost;
    testing::Mock::AllowLeak(h);  // One for the whole run, never verified.
    return h;
  }();
  return *host;
}

constexpr absl::string_view kV1Root = "/sys/fs/cgroup/";
constexpr absl::string_view kV2Dir = "/sys/fs/cgroup/runbox/c";

void CheckStatus(const absl::Status& s, absl::string_view what) {
  if (s.ok()) return;
  FUZZ_NOTE(absl::StrCat(what, ": ", s.ToString()));
  FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument ||
                 s.code() == absl::StatusCode::kFailedPrecondition,
             absl::StrCat(what, ": ", s.ToString()));
  FUZZ_CHECK(!s.message().empty(), what);
}

// Runs every writer, each with its own directory; returns what was
// written.
std::vector<FileWrite> Translate(const spec::Resources& r) {
  RecordingHost& host = TheHost();
  host.writes.clear();
  cgroups::ResourceNotes notes;
  auto v1 = [](absl::string_view controller) {
    return absl::StrCat(kV1Root, controller, "/runbox/c");
  };
  const std::string v2(kV2Dir);
  if (r.memory.has_value()) {
    CheckStatus(internal::WriteMemoryV1(host, v1("memory"), *r.memory, notes),
                "memory v1");
    CheckStatus(internal::WriteMemoryV2(host, v2, *r.memory, notes),
                "memory v2");
  }
  if (r.cpu.has_value()) {
    CheckStatus(internal::WriteCpuV1(host, v1("cpu"), *r.cpu), "cpu v1");
    CheckStatus(internal::WriteCpuV2(host, v2, *r.cpu, notes), "cpu v2");
    CheckStatus(internal::WriteCpuset(host, v1("cpuset"), *r.cpu), "cpuset");
    CheckStatus(internal::WriteCpuset(host, v2, *r.cpu), "cpuset v2");
  }
  if (r.pids.has_value()) {
    CheckStatus(internal::WritePids(host, v1("pids"), *r.pids), "pids v1");
    CheckStatus(internal::WritePids(host, v2, *r.pids), "pids v2");
  }
  if (r.block_io.has_value()) {
    CheckStatus(internal::WriteBlkioV1(host, v1("blkio"), *r.block_io, notes),
                "blkio v1");
    CheckStatus(internal::WriteIoV2(host, v2, *r.block_io, notes), "io v2");
  }
  for (const spec::HugepageLimit& limit : r.hugepage_limits) {
    CheckStatus(
        internal::WriteHugetlb(
            host,
            internal::ControllerDir{runbox::CgroupVersion::kV1, v1("hugetlb")},
            limit),
        "hugetlb v1");
    CheckStatus(
        internal::WriteHugetlb(
            host, internal::ControllerDir{runbox::CgroupVersion::kV2, v2},
            limit),
        "hugetlb v2");
  }
  if (!r.devices.empty()) {
    CheckStatus(internal::WriteDevicesV1(host, v1("devices"), r.devices),
                "devices v1");
  }
  if (!r.rdma.empty()) {
    CheckStatus(internal::WriteRdma(host, v1("rdma"), r.rdma), "rdma v1");
    CheckStatus(internal::WriteRdma(host, v2, r.rdma), "rdma v2");
  }
  return std::move(host.writes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string json =
      absl::StrCat(R"({"ociVersion":"1.2.0","root":{"path":"rootfs"},)",
                   R"("linux":{"resources":)", input, "}}");
  absl::StatusOr<spec::Config> config = spec::ParseConfig(json);
  if (!config.ok()) {
    FUZZ_NOTE(absl::StrCat("parse: ", config.status().ToString()));
    return 0;
  }
  if (!config->linux.has_value() || !config->linux->resources.has_value()) {
    return 0;
  }
  absl::Status valid = spec::Validate(*config);
  if (!valid.ok()) {
    FUZZ_NOTE(absl::StrCat("validate: ", valid.ToString()));
    return 0;
  }
  const spec::Resources& resources = *config->linux->resources;
  const std::vector<FileWrite> writes = Translate(resources);
  for (const FileWrite& w : writes) {
    const std::string where = absl::StrCat(
        "write ", w.file, " = \"", absl::CHexEscape(w.value), "\" in ", w.path);
    FUZZ_CHECK(w.value.find('\n') == std::string::npos &&
                   w.value.find('\0') == std::string::npos,
               absl::StrCat("value of several lines: ", where));
    FUZZ_CHECK(
        !w.file.empty() && w.file != "." && w.file != ".." &&
            w.file.find_first_of(std::string("/\n\0", 3)) == std::string::npos,
        absl::StrCat("file name not plain: ", where));
    FUZZ_CHECK(w.path == kV2Dir || (absl::StartsWith(w.path, kV1Root) &&
                                    absl::EndsWith(w.path, "/runbox/c")),
               absl::StrCat("outside the directory: ", where));
  }
  FUZZ_CHECK(Translate(resources) == writes, "not deterministic");
  // The merge `runbox update` makes with itself changes nothing.
  FUZZ_CHECK(cgroups::MergeResources(resources, resources) == resources,
             "MergeResources(r, r) != r");
  return 0;
}
