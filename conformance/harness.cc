// The conformance harness; see harness.h.
#include "conformance/harness.h"

#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "conformance/probe/probe.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/fake_programs.h"

namespace runbox::conformance {
namespace {

constexpr absl::string_view kRequirementsFile = "conformance/requirements.tsv";

// The ids of requirements.tsv (empty, after a test failure, when the file
// cannot be read).
const std::set<std::string>& RequirementIds() {
  static const std::set<std::string>* const ids = [] {
    auto* result = new std::set<std::string>;
    LinuxHost host;
    absl::StatusOr<std::string> text =
        ReadFileAt(host, Fd::Cwd(), RunfilePath(kRequirementsFile), kUnbounded);
    if (!text.ok()) {
      ADD_FAILURE() << "reading " << kRequirementsFile << ": " << text.status();
      return result;
    }
    bool header_seen = false;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      absl::ConsumeSuffix(&line, "\r");
      if (line.empty() || line.front() == '#') continue;
      if (!header_seen) {
        header_seen = true;
        continue;
      }
      std::vector<absl::string_view> columns = absl::StrSplit(line, '\t');
      if (!columns.front().empty()) result->emplace(columns.front());
    }
    return result;
  }();
  return *ids;
}

std::string ProbeLinuxPath() { return RunfilePath("conformance/probe/probe"); }

absl::Status CopyExecutable(Host& host, const std::string& from,
                            const std::string& to) {
  ASSIGN_OR_RETURN(std::string binary,
                   ReadFileAt(host, Fd::Cwd(), from, kUnbounded));
  ASSIGN_OR_RETURN(
      Fd out, host.OpenAt(Fd::Cwd(), to,
                          {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                    OpenFlags::kTruncate,
                           .mode = 0755}));
  RETURN_IF_ERROR(WriteAll(host, out, binary));
  RETURN_IF_ERROR(host.Fchmod(out, 0755));
  return host.Close(std::move(out));
}

}  // namespace

void Covers(std::initializer_list<absl::string_view> ids) {
  const std::set<std::string>& known = RequirementIds();
  for (absl::string_view id : ids) {
    if (known.count(std::string(id)) == 0) {
      ADD_FAILURE() << "Covers: \"" << id << "\" is not an id of "
                    << kRequirementsFile;
    }
  }
  ::testing::Test::RecordProperty("covers", absl::StrJoin(ids, " "));
}

void ConformanceTest::SetUp() {
  DualHostTest::SetUp();
  RegisterRunboxAndBusybox(env());
  env().RegisterProgram(kProbeProgram, FakeProbe(), ProbeLinuxPath());
}

std::optional<std::string> ConformanceTest::NeedsRoot(Host& host) {
  if (dynamic_cast<LinuxHost*>(&host) == nullptr) return std::nullopt;
  if (host.GetUid() == 0) return std::nullopt;
  return std::string("needs root on Linux");
}

nlohmann::json DefaultConfig(const std::vector<std::string>& args) {
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = args;
  return nlohmann::json::parse(spec::SerializeConfig(config));
}

nlohmann::json ProbeConfig(const std::vector<std::string>& probe_args) {
  std::vector<std::string> args = {std::string(kProbeInContainer)};
  args.insert(args.end(), probe_args.begin(), probe_args.end());
  return DefaultConfig(args);
}

nlohmann::json MountAt(const nlohmann::json& report, absl::string_view target) {
  nlohmann::json found;
  if (!report.contains("mounts") || !report["mounts"].is_array()) return found;
  for (const nlohmann::json& m : report["mounts"]) {
    if (m.value("target", "") == target) found = m;
  }
  return found;
}

absl::Status MakeBundle(const DualHost& env, Host& host,
                        const std::string& bundle,
                        const nlohmann::json& config) {
  const std::string rootfs = absl::StrCat(bundle, "/rootfs");
  RETURN_IF_ERROR(MakeBusyboxRootfs(host, env.ProgramPath("busybox"), rootfs));
  RETURN_IF_ERROR(CopyExecutable(host, env.ProgramPath(kProbeProgram),
                                 absl::StrCat(rootfs, kProbeInContainer)));
  return WriteFile(host, absl::StrCat(bundle, "/config.json"), config.dump(2));
}

absl::StatusOr<nlohmann::json> RunProbe(
    const DualHost& env, Host& host, const std::string& dir,
    nlohmann::json config, const std::vector<std::string>& probe_args) {
  static std::atomic<int> counter{0};
  const int n = ++counter;
  const std::string id = absl::StrCat("probe-", n);
  const std::string bundle = absl::StrCat(dir, "/", id, "-bundle");
  std::vector<std::string> args = {std::string(kProbeInContainer)};
  args.insert(args.end(), probe_args.begin(), probe_args.end());
  config["process"]["args"] = args;
  RETURN_IF_ERROR(MakeBundle(env, host, bundle, config));
  Output run = RunRunbox(
      env, host,
      {"--root", absl::StrCat(dir, "/state"), "run", "--bundle", bundle, id});
  if (run.status != ExitStatus::Exited(0)) {
    return absl::InternalError(
        absl::StrCat("runbox run ", id, ": ", run.Describe()));
  }
  std::optional<nlohmann::json> report = ParseJson(run.out);
  if (!report.has_value() || !report->is_object()) {
    return absl::InternalError(
        absl::StrCat("runbox run ", id,
                     ": the probe's report is not JSON: ", run.Describe()));
  }
  return *std::move(report);
}

}  // namespace runbox::conformance
