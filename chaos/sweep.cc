// Fault sweeps; see sweep.h.
#include "chaos/sweep.h"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "chaos/invariants.h"
#include "chaos/world.h"
#include "hostapi/faulty_host.h"
#include "hostapi/status.h"

namespace runbox::chaos {
namespace {

constexpr char kId[] = "c";
// An operation still running after this much virtual time hangs: longer
// than runbox's own timeouts (10 s of destroy grace), far shorter than the
// containers' sleep.
constexpr absl::Duration kHangAfter = absl::Seconds(1000);

std::vector<std::string> Create(const std::string& bundle,
                                const std::string& id) {
  return {"create", "--bundle", bundle, id};
}
std::vector<std::string> RunDetached(const std::string& bundle,
                                     const std::string& id) {
  return {"run", "-d", "--bundle", bundle, id};
}

std::vector<Operation> MakeOperations() {
  const std::vector<std::string> running = RunDetached(kSleepBundle, kId);
  return {
      {"create", {}, Create(kSleepBundle, kId), {kId}, "created", {}},
      {"start",
       {Create(kSleepBundle, kId)},
       {"start", kId},
       {kId},
       "running",
       // A start that failed after init was released, or whose init died
       // of the fault, leaves it running or stopped.
       {"created", "running", "stopped"}},
      {"run", {}, RunDetached(kSleepBundle, kId), {kId}, "running", {}},
      {"exec",
       {running},
       {"exec", kId, "/bin/true"},
       {kId},
       "running",
       {"running"}},
      {"kill",
       {running},
       {"kill", kId, "KILL"},
       {kId},
       "stopped",
       // The signal may have been sent before the fault.
       {"running", "stopped"}},
      {"pause",
       {running},
       {"pause", kId},
       {kId},
       "paused",
       {"running", "paused"}},
      {"resume",
       {running, {"pause", kId}},
       {"resume", kId},
       {kId},
       "running",
       {"paused", "running"}},
      {"delete",
       {running, {"kill", kId, "KILL"}, {"wait", kId}},
       {"delete", kId},
       {kId},
       "",
       {"stopped", ""}},
      {"delete-force",
       {running},
       {"delete", "--force", kId},
       {kId},
       "",
       // What a failed forced delete leaves is swept by the next one.
       {"running", "stopped", ""}},
      {"pod-join",
       {RunDetached(kSandboxBundle, kPodSandboxId)},
       Create(kMemberBundle, "m"),
       {"m", kPodSandboxId},
       "created",
       {}},
  };
}

// init's durable exit status of each container that has one, raw.
std::map<std::string, std::string> ExitRecords(World& world) {
  std::map<std::string, std::string> records;
  for (const std::string& id : ContainerDirs(world)) {
    world.InKernel([&](Host& host) {
      absl::StatusOr<Fd> fd = host.OpenAt(
          Fd::Cwd(), absl::StrCat(kStateRoot, "/", id, "/exit-status"), {});
      if (!fd.ok()) return 0;
      char buf[256];
      absl::StatusOr<size_t> n = host.Read(*fd, absl::MakeSpan(buf));
      if (n.ok()) records[id] = std::string(buf, *n);
      (void)host.Close(std::move(*fd));
      return 0;
    });
  }
  return records;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// One run; with `kinds`, no fault and the call kinds recorded.
RunReport RunOnce(const Operation& op, const std::optional<FaultPoint>& point,
                  uint64_t seed, std::vector<HostCall>* kinds) {
  RunReport report;
  auto violation = [&](std::string text) {
    report.violations.push_back(std::move(text));
  };
  World world({.seed = seed});
  if (!world.setup_error().empty()) {
    violation(absl::StrCat("set-up: ", world.setup_error()));
    return report;
  }
  // Every process from here on goes through the plan, so the supervisors
  // the set-up starts count (and fail) too while the operation runs.
  auto plan = std::make_shared<FaultPlan>(seed);
  world.kernel().SetHostWrapper([plan](Host& inner) {
    return std::make_unique<FaultyHost>(inner, plan);
  });
  world.StartWatchdog(kHangAfter, 1);
  const Resources fresh = TakeResources(world);
  for (const std::vector<std::string>& cmd : op.setup) {
    CommandResult r = world.Runbox(cmd);
    if (!r.ok()) {
      violation(absl::StrCat("set-up `runbox ", absl::StrJoin(cmd, " "),
                             "`: ", r.Describe()));
      return report;
    }
  }
  const Resources before = TakeResources(world);
  const std::map<std::string, std::string> records_before = ExitRecords(world);
  const std::optional<std::string> status_before =
      ObserveState(world, op.ids[0]).status;

  // Call numbers count from the operation's start; the set-up is the same
  // in every run of the seed, so `base` is too.
  const uint64_t base = plan->call_count();
  if (kinds != nullptr) plan->RecordCallKinds();
  if (point && point->mode == FaultMode::kErrno) {
    plan->Add(FaultRule::AtCall(base + point->k, Fault::Errno(point->err)));
  } else if (point && point->mode == FaultMode::kKill) {
    plan->Add(FaultRule::AtCall(base + point->k, Fault::Kill()));
  }
  absl::StatusOr<Pid> pid = world.StartRunbox(op.args);
  if (!pid.ok()) {
    violation(absl::StrCat("start runbox: ", pid.status().ToString()));
    return report;
  }
  const bool power_loss = point && point->mode == FaultMode::kPowerLoss;
  const absl::Duration started = world.kernel().MonotonicNow();
  CommandResult result = world.RunUntilExit(*pid, [&] {
    return (power_loss && plan->call_count() >= base + point->k) ||
           world.kernel().MonotonicNow() - started >= kHangAfter;
  });
  report.op_calls = plan->call_count() - base;
  report.detail = absl::StrCat("operation: ", result.Describe(), "\n");
  for (const FiredFault& f : plan->fired()) {
    absl::StrAppend(&report.detail, "fault: ", f.ToString(), "\n");
  }
  absl::StrAppend(&report.detail, "last calls of the operation:\n",
                  plan->TraceTail(16));
  world.kernel().SetHostWrapper(nullptr);
  if (kinds != nullptr) {
    *kinds = plan->call_kinds();
    kinds->resize(std::min<size_t>(kinds->size(), report.op_calls));
  }
  report.fired = !plan->fired().empty() ||
                 (power_loss && plan->call_count() >= base + point->k);
  report.op_ok = result.ok();
  const std::string op_text =
      absl::StrCat("`runbox ", absl::StrJoin(op.args, " "), "`");

  if (report.fired && power_loss) {
    world.kernel().PowerLoss();
  } else if (!result.status) {
    violation(absl::StrCat(op_text, " did not end within ",
                           absl::FormatDuration(kHangAfter),
                           " of virtual time (hang or deadlock)"));
  } else if (!report.fired && !result.ok()) {
    violation(
        absl::StrCat(op_text, " failed without a fault: ", result.Describe()));
  } else if (!result.ok() && result.status->exited() &&
             result.status->code < 128 && result.err.empty()) {
    // (From 128 on, the code relays a process's death by a signal, as
    // `exec` does for the process it ran.)
    violation(
        absl::StrCat(op_text, " failed without a word: ", result.Describe()));
  }

  for (std::string& v : CheckRecords(world)) violation(std::move(v));

  // The outcome: a success reached the target; a clean failure left an
  // allowed state, and a failed create no trace at all. A kill that hit
  // a supervisor or init rather than the command itself stops that
  // container: then "stopped" is a fine outcome too.
  // An errno other than EINTR (which every caller retries) may stop the
  // container it hits in its supervisor or init the same way.
  const bool killed_other =
      point && !plan->fired().empty() && plan->fired().front().pid != *pid &&
      (point->mode == FaultMode::kKill ||
       (point->mode == FaultMode::kErrno && point->err != EINTR));
  auto allowed = [&](const std::vector<std::string>& statuses,
                     const std::string& status) {
    return Contains(statuses, status) || (killed_other && status == "stopped");
  };
  const StateView after = ObserveState(world, op.ids[0]);
  const std::string status_after = after.status.value_or("");
  const bool lie = point && point->mode == FaultMode::kErrno && report.fired &&
                   IsFactErrno(point->err);
  if (!power_loss && !lie && result.status) {
    if (result.ok() && !allowed({op.target}, status_after)) {
      violation(absl::StrCat(op_text, " succeeded but state says \"",
                             status_after, "\", not \"", op.target, "\""));
    }
    const bool clean_failure = !result.ok() && result.status->exited();
    if (clean_failure && op.after_failure.empty() && !killed_other) {
      if (after.status) {
        violation(absl::StrCat(op_text, " failed (", result.Describe(),
                               ") but left the container, ", *after.status));
      }
      for (std::string& leak : Leaks(before, TakeResources(world))) {
        violation(absl::StrCat(op_text, " failed and left a trace: ", leak));
      }
    } else if (clean_failure && !allowed(op.after_failure, status_after) &&
               !(op.after_failure.empty() && status_after.empty())) {
      violation(absl::StrCat(
          op_text, " failed (", result.Describe(), ") and left state \"",
          status_after, "\" (before: \"", status_before.value_or(""), "\")"));
    }
  }
  // A recorded exit status never changes while its container exists.
  const std::map<std::string, std::string> records_after = ExitRecords(world);
  for (const auto& [id, record] : records_before) {
    auto it = records_after.find(id);
    if (it != records_after.end() && it->second != record) {
      violation(absl::StrCat("the exit record of ", id, " changed"));
    }
  }
  for (std::string& v : CheckRecovery(world, fresh, op.ids, !lie)) {
    violation(std::move(v));
  }
  report.trace_hash = plan->TraceHash();
  return report;
}

}  // namespace

const std::vector<Operation>& Operations() {
  static const std::vector<Operation>* ops =
      new std::vector<Operation>(MakeOperations());
  return *ops;
}

const Operation* FindOperation(const std::string& name) {
  for (const Operation& op : Operations()) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::string ToString(FaultMode mode) {
  switch (mode) {
    case FaultMode::kErrno:
      return "errno";
    case FaultMode::kKill:
      return "kill";
    case FaultMode::kPowerLoss:
      return "power-loss";
  }
  return "?";
}

std::string ToString(const FaultPoint& point) {
  std::string out = absl::StrCat(ToString(point.mode), " k=", point.k);
  if (point.mode == FaultMode::kErrno) {
    absl::StrAppend(&out, " ", ErrnoName(point.err));
  }
  return out;
}

RunReport RunWithFault(const Operation& op, const FaultPoint& point,
                       uint64_t seed) {
  return RunOnce(op, point, seed, nullptr);
}

std::vector<HostCall> CallKinds(const Operation& op, uint64_t seed) {
  std::vector<HostCall> kinds;
  RunOnce(op, std::nullopt, seed, &kinds);
  return kinds;
}

std::string ReplayCommand(const Operation& op, const FaultPoint& point,
                          uint64_t seed) {
  std::string cmd = absl::StrCat("tools/chaos --op ", op.name, " --mode ",
                                 ToString(point.mode), " --k ", point.k);
  if (point.mode == FaultMode::kErrno) {
    absl::StrAppend(&cmd, " --errno ", ErrnoName(point.err));
  }
  return absl::StrCat(cmd, " --seed ", seed);
}

SweepReport Sweep(const Operation& op, FaultMode mode,
                  const SweepOptions& options) {
  SweepReport report;
  report.op = op.name;
  report.mode = mode;
  // The fault-free run tells how many calls there are and what each is;
  // a faulted run with the same seed makes the same calls up to k.
  const std::vector<HostCall> kinds = CallKinds(op, options.seed);
  report.calls = kinds.size();
  auto check = [&](const FaultPoint& point) {
    ++report.runs;
    RunReport run = RunWithFault(op, point, options.seed);
    if (!run.fired) {
      run.violations.push_back(
          "the fault never fired: the run is not the fault-free run's "
          "replay");
    }
    for (const std::string& v : run.violations) {
      report.violations.push_back(absl::StrCat(
          op.name, " ", ToString(point), " (", HostCallName(kinds[point.k - 1]),
          "): ", v, "\n  replay: ", ReplayCommand(op, point, options.seed)));
    }
  };
  for (uint64_t k = options.first; k <= kinds.size(); k += options.stride) {
    const HostCall call = kinds[k - 1];
    ++report.calls_by_kind[call];
    if (mode == FaultMode::kErrno) {
      for (int err : PlausibleErrnos(call)) check({mode, k, err});
    } else {
      check({mode, k, 0});
    }
  }
  return report;
}

}  // namespace runbox::chaos
