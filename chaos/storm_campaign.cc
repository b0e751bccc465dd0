// Storm campaigns; see storm_campaign.h.
#include "chaos/storm_campaign.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "chaos/storm.h"

namespace runbox::chaos {
namespace {

void Print(std::FILE* out, const std::string& text) {
  std::fputs(text.c_str(), out);
  std::fflush(out);
}

std::string Hex(uint64_t v) {
  return absl::StrCat(absl::Hex(v, absl::kZeroPad16));
}

int Replay(uint64_t seed, std::FILE* out) {
  const StormOptions options = StormOptionsForSeed(seed);
  const StormReport report = RunStorm(options);
  Print(out, absl::StrCat(
                 "storm seed ", seed, ": ", options.clients, " clients x ",
                 options.ops_per_client, " ops, ", report.ops, " ops (",
                 report.ok, " ok, ", report.failed, " failed, ",
                 report.indeterminate, " indeterminate), ", report.faults_fired,
                 " faults fired, ", report.exit_records,
                 " exit records\nhistory:\n", FormatHistory(report.history)));
  for (const std::string& v : report.violations) {
    Print(out, absl::StrCat("VIOLATION: ", v, "\n"));
  }
  Print(out, absl::StrCat("trace hash ", Hex(report.trace_hash), "\n",
                          "storms: 1 seeds, ",
                          report.violations.empty() ? 0 : 1, " violations\n"));
  return report.violations.empty() ? 0 : 1;
}

}  // namespace

int RunStormCampaign(Host& host, const CampaignOptions& options) {
  if (options.replay_seed) return Replay(*options.replay_seed, options.out);
  const absl::Duration start = host.MonotonicNow();
  const absl::Duration budget = options.minutes > 0
                                    ? absl::Minutes(options.minutes)
                                    : absl::InfiniteDuration();
  uint64_t ran = 0, violations = 0, ops = 0, faults = 0;
  for (uint64_t i = 0; i < options.seeds; ++i) {
    if (host.MonotonicNow() - start >= budget) break;
    const uint64_t seed = options.first_seed + i;
    const StormReport report = RunStorm(StormOptionsForSeed(seed));
    ++ran;
    ops += report.ops;
    faults += report.faults_fired;
    if (!report.violations.empty()) {
      ++violations;
      Print(options.out, report.text);
    }
    if (ran % 1000 == 0) {
      const double secs = absl::ToDoubleSeconds(host.MonotonicNow() - start);
      Print(options.out,
            absl::StrCat(
                "storms: ", ran, " seeds (up to ", seed, "), ", violations,
                " with violations, ", ops, " ops, ", faults, " faults, ",
                absl::SixDigits(secs > 0 ? ran / secs : 0), " seeds/s\n"));
    }
  }
  const double secs = absl::ToDoubleSeconds(host.MonotonicNow() - start);
  Print(options.out, absl::StrCat("storms: ", ran, " seeds, ", violations,
                                  " violations (", ops, " ops, ", faults,
                                  " faults, ", absl::SixDigits(secs), " s)\n"));
  return violations == 0 ? 0 : 1;
}

}  // namespace runbox::chaos
