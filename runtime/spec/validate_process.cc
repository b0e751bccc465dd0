// Checks on `process` (config.md "Process", "POSIX process", "Linux
// Process"), shared by config.json and process.json.
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/names.h"
#include "runtime/spec/validate_internal.h"

namespace runbox::spec::validate_internal {
namespace {

absl::Status ValidateArgs(const Process& process, absl::string_view path) {
  // config.md: "at least one entry is REQUIRED (non-Windows)".
  std::string args = JsonField(path, "args");
  if (process.args.empty()) {
    return SpecError(args, "must have at least one entry");
  }
  if (process.args[0].empty()) {
    return SpecError(JsonIndex(args, 0), "must not be empty");
  }
  return absl::OkStatus();
}

absl::Status ValidateRlimits(const std::vector<Rlimit>& rlimits,
                             absl::string_view path) {
  std::set<RlimitType> seen;
  for (size_t i = 0; i < rlimits.size(); ++i) {
    const Rlimit& r = rlimits[i];
    std::string entry = JsonIndex(path, i);
    // config.md: "If rlimits contains duplicated entries with same type,
    // the runtime MUST generate an error."
    if (!seen.insert(r.type).second) {
      return SpecError(
          JsonField(entry, "type"),
          absl::StrCat("duplicate rlimit \"", EnumName(r.type), "\""));
    }
    // setrlimit(2) fails with EINVAL otherwise; say so before any process
    // exists.
    if (r.soft > r.hard) {
      return SpecError(entry, absl::StrCat("soft limit ", r.soft,
                                           " exceeds hard limit ", r.hard));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateScheduler(const Scheduler& s, absl::string_view path) {
  // The rules runc applies before sched_setattr(2).
  if (s.nice < -20 || s.nice > 19) {
    return SpecError(JsonField(path, "nice"),
                     absl::StrCat(s.nice, " is outside -20..19"));
  }
  const bool realtime =
      s.policy == SchedulerPolicy::kFifo || s.policy == SchedulerPolicy::kRr;
  if (!realtime && s.priority != 0) {
    return SpecError(JsonField(path, "priority"),
                     "is only valid with SCHED_FIFO or SCHED_RR");
  }
  if (realtime && (s.priority < 1 || s.priority > 99)) {
    return SpecError(JsonField(path, "priority"),
                     absl::StrCat(s.priority, " is outside 1..99"));
  }
  if (s.policy != SchedulerPolicy::kDeadline &&
      (s.runtime != 0 || s.deadline != 0 || s.period != 0)) {
    return SpecError(path,
                     "runtime, deadline and period are only valid with "
                     "SCHED_DEADLINE");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateProcessAt(const Process& process, absl::string_view path) {
  // config.md: cwd "MUST be an absolute path".
  RETURN_IF_ERROR(CheckAbsolute(process.cwd, JsonField(path, "cwd")));
  RETURN_IF_ERROR(ValidateArgs(process, path));
  RETURN_IF_ERROR(CheckEnv(process.env, JsonField(path, "env")));
  if (process.user.umask.has_value() && *process.user.umask > 0777) {
    return SpecError(
        JsonField(path, "user.umask"),
        absl::StrCat(*process.user.umask, " has bits outside 0777"));
  }
  RETURN_IF_ERROR(ValidateRlimits(process.rlimits, JsonField(path, "rlimits")));
  // /proc/<pid>/oom_score_adj accepts -1000..1000.
  if (process.oom_score_adj.has_value() &&
      (*process.oom_score_adj < -1000 || *process.oom_score_adj > 1000)) {
    return SpecError(
        JsonField(path, "oomScoreAdj"),
        absl::StrCat(*process.oom_score_adj, " is outside -1000..1000"));
  }
  if (process.scheduler.has_value()) {
    RETURN_IF_ERROR(
        ValidateScheduler(*process.scheduler, JsonField(path, "scheduler")));
  }
  if (process.io_priority.has_value()) {
    int32_t priority = process.io_priority->priority;
    if (priority < 0 || priority > 7) {
      return SpecError(JsonField(path, "ioPriority.priority"),
                       absl::StrCat(priority, " is outside 0..7"));
    }
  }
  if (process.exec_cpu_affinity.has_value()) {
    std::string affinity = JsonField(path, "execCPUAffinity");
    RETURN_IF_ERROR(CheckCpuList(process.exec_cpu_affinity->initial,
                                 JsonField(affinity, "initial")));
    RETURN_IF_ERROR(CheckCpuList(process.exec_cpu_affinity->final_cpus,
                                 JsonField(affinity, "final")));
  }
  return absl::OkStatus();
}

}  // namespace runbox::spec::validate_internal
