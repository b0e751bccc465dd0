// The conformance suites' harness: a dual-host fixture with runbox, the
// busybox stand-in and the probe registered; bundles made from runc's
// default config; and RunProbe, which runs the probe as a container's
// process and returns what it saw.
//
// Every conformance test names the spec requirements it checks with
// Covers(); tools/conformance-matrix joins those names, read from the test
// results, with conformance/requirements.tsv into docs/conformance.md.
#ifndef RUNBOX_CONFORMANCE_HARNESS_H_
#define RUNBOX_CONFORMANCE_HARNESS_H_

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {

// Records that the running test checks the requirements `ids` (the first
// column of conformance/requirements.tsv, e.g. "runtime/state/1"), as the
// gtest property "covers" of the test case. An id the file does not list
// is a test failure, so a typo cannot claim coverage. Call it once per
// test, at the top of the TEST_P body (outside env().Run); `Covers({})`
// marks a test of a clause with no MUST or SHOULD (sysctl, propagation).
void Covers(std::initializer_list<absl::string_view> ids);

// Base fixture: registers runbox, busybox and the probe on the host under
// test. Tests are TEST_P(ThisOrSubclass, Name) and the suite is
// instantiated with INSTANTIATE_DUAL_HOST_TEST_SUITE (or
// INSTANTIATE_LINUX_ONLY_TEST_SUITE for what only the kernel can answer).
class ConformanceTest : public DualHostTest {
 protected:
  void SetUp() override;

  // Inside a body on Linux: a reason to skip when the test needs root and
  // is not root; nullopt on the fake.
  static std::optional<std::string> NeedsRoot(Host& host);
};

// runc's default config (`runbox spec`), no terminal, running `args`.
nlohmann::json DefaultConfig(const std::vector<std::string>& args);

// Makes a bundle at `bundle` (mkdir -p): rootfs/ with busybox, the applets
// and /probe, and config.json = `config`.
absl::Status MakeBundle(const DualHost& env, Host& host,
                        const std::string& bundle,
                        const nlohmann::json& config);

// The probe's path inside a bundle's rootfs.
inline constexpr absl::string_view kProbeInContainer = "/probe";

// DefaultConfig running the probe with `probe_args`.
nlohmann::json ProbeConfig(const std::vector<std::string>& probe_args = {});

// The mount entry of a probe report at `target` (the top one, when mounts
// are stacked there), or null.
nlohmann::json MountAt(const nlohmann::json& report, absl::string_view target);

// Runs `runbox --root ROOT run --bundle BUNDLE ID` in the foreground for a
// fresh bundle under `dir` whose process.args are ["/probe", probe_args...]
// (the rest of `config` as given) and parses the probe's report from the
// container's stdout. An error names the exit status and stderr.
absl::StatusOr<nlohmann::json> RunProbe(
    const DualHost& env, Host& host, const std::string& dir,
    nlohmann::json config, const std::vector<std::string>& probe_args = {});

}  // namespace runbox::conformance

#endif  // RUNBOX_CONFORMANCE_HARNESS_H_
