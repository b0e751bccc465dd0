// RUNBOX_FAULT_PLAN; see fault_injection.h.
#include "runtime/cli/fault_injection.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "runtime/common/io.h"

namespace runbox {

absl::StatusOr<FaultInjection> ParseFaultInjection(absl::string_view text) {
  FaultInjection out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == "kill-at" && absl::SimpleAtoi(kv.second, &out.kill_at) &&
        out.kill_at > 0) {
      continue;
    }
    if (kv.first == "role" && !kv.second.empty()) {
      out.role = std::string(kv.second);
      continue;
    }
    return absl::InvalidArgumentError(
        absl::StrCat(kFaultPlanVariable, ": bad part \"", part, "\""));
  }
  if (out.kill_at == 0 || out.role.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kFaultPlanVariable, " needs kill-at=K and role=NAME"));
  }
  return out;
}

std::string CommandOf(const std::vector<std::string>& argv) {
  // The global flags that take a separate value.
  static constexpr absl::string_view kValueFlags[] = {
      "--root", "--log", "--log-format", "--criu", "--rootless"};
  for (size_t i = 1; i < argv.size(); ++i) {
    absl::string_view arg = argv[i];
    if (!absl::StartsWith(arg, "-")) return std::string(arg);
    if (absl::StrContains(arg, '=')) continue;
    for (absl::string_view flag : kValueFlags) {
      if (arg == flag) {
        ++i;
        break;
      }
    }
  }
  return "";
}

std::unique_ptr<Host> MaybeInjectFaults(Host& host,
                                        const std::vector<std::string>& argv) {
  const std::string prefix = absl::StrCat(kFaultPlanVariable, "=");
  for (const std::string& entry : host.Environment()) {
    if (!absl::StartsWith(entry, prefix)) continue;
    absl::StatusOr<FaultInjection> injection =
        ParseFaultInjection(absl::string_view(entry).substr(prefix.size()));
    if (!injection.ok()) {
      (void)WriteAll(host, Fd(2, nullptr),
                     absl::StrCat("runbox: ignoring ",
                                  injection.status().message(), "\n"));
      return nullptr;
    }
    if (CommandOf(argv) != injection->role) return nullptr;
    auto plan = std::make_shared<FaultPlan>(/*seed=*/injection->kill_at);
    plan->Add(FaultRule::AtCall(injection->kill_at, Fault::Kill()));
    return std::make_unique<FaultyHost>(host, std::move(plan));
  }
  return nullptr;
}

}  // namespace runbox
