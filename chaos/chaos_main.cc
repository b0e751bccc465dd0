// tools/chaos's engine (docs/chaos.md).
//
//   chaos [--op NAME] [--mode errno|kill|power-loss] [--seed S]
//       fault sweeps (all operations and modes unless narrowed), with the
//       number of fault points per operation;
//   chaos --op NAME --mode MODE --k K [--errno NAME] [--seed S]
//       replays one sweep run: its output, fault, violations, trace hash;
//   chaos --seeds N [--first-seed S] [--minutes M]
//       N seeded storms (or as many as fit in M minutes);
//   chaos --storm-seed S
//       replays one storm with its whole history and trace hash.
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chaos/storm_campaign.h"
#include "chaos/sweep.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"

namespace runbox::chaos {
namespace {

struct Args {
  // Storms.
  uint64_t seeds = 0;
  uint64_t first_seed = 1;
  double minutes = 0;
  std::optional<uint64_t> storm_seed;
  // Sweeps.
  std::string op;
  std::string mode;
  uint64_t k = 0;
  std::string err;
  uint64_t seed = 1;
};

int Usage(const std::string& problem) {
  std::fprintf(stderr,
               "chaos: %s\nusage: chaos [--op NAME] [--mode "
               "errno|kill|power-loss] [--k K [--errno NAME]] [--seed S]\n"
               "       chaos --seeds N [--first-seed S] [--minutes M]\n"
               "       chaos --storm-seed S\n",
               problem.c_str());
  return 2;
}

std::optional<FaultMode> ParseMode(const std::string& text) {
  for (FaultMode m :
       {FaultMode::kErrno, FaultMode::kKill, FaultMode::kPowerLoss}) {
    if (ToString(m) == text) return m;
  }
  return std::nullopt;
}

int ErrnoByName(const std::string& name) {
  for (int e = 1; e < 4096; ++e) {
    if (ErrnoName(e) == name) return e;
  }
  int n = 0;
  return absl::SimpleAtoi(name, &n) ? n : 0;
}

int Main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      return i + 1 < argc ? argv[++i] : std::string();
    };
    if (flag == "--op") {
      args.op = value();
    } else if (flag == "--mode") {
      args.mode = value();
    } else if (flag == "--k") {
      if (!absl::SimpleAtoi(value(), &args.k)) return Usage("bad --k");
    } else if (flag == "--errno") {
      args.err = value();
    } else if (flag == "--seed") {
      if (!absl::SimpleAtoi(value(), &args.seed)) return Usage("bad --seed");
    } else if (flag == "--seeds") {
      if (!absl::SimpleAtoi(value(), &args.seeds)) return Usage("bad --seeds");
    } else if (flag == "--first-seed") {
      if (!absl::SimpleAtoi(value(), &args.first_seed)) {
        return Usage("bad --first-seed");
      }
    } else if (flag == "--minutes") {
      if (!absl::SimpleAtod(value(), &args.minutes)) {
        return Usage("bad --minutes");
      }
    } else if (flag == "--storm-seed") {
      uint64_t seed = 0;
      if (!absl::SimpleAtoi(value(), &seed)) return Usage("bad --storm-seed");
      args.storm_seed = seed;
    } else {
      return Usage(absl::StrCat("unknown argument ", flag));
    }
  }
  if (args.seeds > 0 || args.minutes > 0 || args.storm_seed) {
    LinuxHost host;  // Only its clock: the campaign's time budget.
    CampaignOptions campaign;
    campaign.first_seed = args.first_seed;
    campaign.seeds = args.seeds > 0 ? args.seeds : UINT64_MAX;
    campaign.minutes = args.minutes;
    campaign.replay_seed = args.storm_seed;
    return RunStormCampaign(host, campaign);
  }

  std::vector<const Operation*> ops;
  if (args.op.empty()) {
    for (const Operation& op : Operations()) ops.push_back(&op);
  } else if (const Operation* op = FindOperation(args.op)) {
    ops.push_back(op);
  } else {
    return Usage(absl::StrCat("no operation ", args.op));
  }
  std::vector<FaultMode> modes = {FaultMode::kErrno, FaultMode::kKill,
                                  FaultMode::kPowerLoss};
  if (!args.mode.empty()) {
    std::optional<FaultMode> mode = ParseMode(args.mode);
    if (!mode) return Usage(absl::StrCat("no mode ", args.mode));
    modes = {*mode};
  }

  if (args.k > 0) {  // Replay one run.
    if (ops.size() != 1 || modes.size() != 1) {
      return Usage("--k needs --op and --mode");
    }
    FaultPoint point{modes[0], args.k, 0};
    if (point.mode == FaultMode::kErrno) {
      point.err = ErrnoByName(args.err);
      if (point.err == 0) return Usage("--mode errno needs --errno NAME");
    }
    RunReport run = RunWithFault(*ops[0], point, args.seed);
    std::printf("%s %s seed %llu: %s, operation %s, %llu calls\n",
                ops[0]->name.c_str(), ToString(point).c_str(),
                static_cast<unsigned long long>(args.seed),
                run.fired ? "fault fired" : "fault not reached",
                run.op_ok ? "succeeded" : "failed",
                static_cast<unsigned long long>(run.op_calls));
    std::printf("%s\n", run.detail.c_str());
    for (const std::string& v : run.violations) {
      std::printf("VIOLATION: %s\n", v.c_str());
    }
    std::printf("trace hash %016llx\n",
                static_cast<unsigned long long>(run.trace_hash));
    return run.violations.empty() ? 0 : 1;
  }

  uint64_t violations = 0, runs = 0;
  for (const Operation* op : ops) {
    for (FaultMode mode : modes) {
      SweepReport r = Sweep(*op, mode, {.seed = args.seed});
      runs += r.runs;
      violations += r.violations.size();
      std::vector<std::string> kinds;
      for (const auto& [call, n] : r.calls_by_kind) {
        kinds.push_back(absl::StrCat(HostCallName(call), " ", n));
      }
      std::printf(
          "%-12s %-10s %5llu fault points, %6llu runs, %llu "
          "violations  [%s]\n",
          op->name.c_str(), ToString(mode).c_str(),
          static_cast<unsigned long long>(r.calls),
          static_cast<unsigned long long>(r.runs),
          static_cast<unsigned long long>(r.violations.size()),
          absl::StrJoin(kinds, ", ").c_str());
      for (const std::string& v : r.violations) {
        std::printf("  VIOLATION %s\n", v.c_str());
      }
      std::fflush(stdout);
    }
  }
  std::printf("sweeps: %llu runs, %llu violations\n",
              static_cast<unsigned long long>(runs),
              static_cast<unsigned long long>(violations));
  return violations == 0 ? 0 : 1;
}

}  // namespace
}  // namespace runbox::chaos

int main(int argc, char** argv) { return runbox::chaos::Main(argc, argv); }
