// real_chaos: the real-host chaos campaign (`tools/chaos --real`). As root,
// it drives the real runbox binary through three kinds of faults until the
// time budget is spent, checking after each that runbox's invariants hold
// and that nothing is left behind (chaos/real/leak_check.h):
//
//  a. kill sweeps: one command (create, start, delete, run -d, or the
//     internal supervise / init during create) SIGKILLed at its host call
//     k through RUNBOX_FAULT_PLAN, for a seeded sample of k, then `state`,
//     `delete --force`, a leak check and a fresh create/delete of the ID;
//  b. ENOSPC: --root on a tiny tmpfs filled to N free bytes (or few free
//     inodes), create/start/state/delete must fail cleanly;
//  c. concurrent CLI storms: random commands on 2-3 IDs at once.
//
// Usage: real_chaos [--minutes M] [--seed S] [--work DIR] [--runbox PATH]
//                   [--batch B] [--stride S] [--replay OP:K]
// Prints one line per phase and the last line "real chaos: N runs, L leaks";
// exits 0 iff there was no leak and no invariant violation, 2 on bad usage
// or without root.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "chaos/real/leak_check.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox::chaos {
namespace {

constexpr absl::string_view kMarkerVariable = "RUNBOX_REAL_CHAOS_MARKER";

struct Flags {
  std::string runbox;
  double minutes = 5;
  std::optional<uint64_t> seed;
  std::string work;
  int batch = 8;       // Kill points per sweep per round.
  int stride = 4;      // First pass: k advances by 1..stride.
  std::string replay;  // "OP:K": just that kill point.
  std::string phases;  // "kill,enospc,storm" or a part; empty: all.
  std::string busybox = "/bin/busybox";
  absl::Duration command_timeout = absl::Seconds(60);
};

std::string Usage() {
  return "usage: real_chaos [--minutes M] [--seed S] [--work DIR] "
         "[--runbox PATH] [--batch B] [--stride S] [--replay OP:K] "
         "[--phases kill,enospc,storm] "
         "[--busybox PATH]\n";
}

std::optional<Flags> ParseFlags(const std::vector<std::string>& argv,
                                std::string& error) {
  Flags flags;
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string name = argv[i];
    std::string value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      error = absl::StrCat(name, " needs a value");
      return std::nullopt;
    }
    bool ok = true;
    if (name == "--runbox") {
      flags.runbox = value;
    } else if (name == "--minutes") {
      ok = absl::SimpleAtod(value, &flags.minutes) && flags.minutes >= 0;
    } else if (name == "--seed") {
      uint64_t s = 0;
      ok = absl::SimpleAtoi(value, &s);
      flags.seed = s;
    } else if (name == "--work") {
      flags.work = value;
    } else if (name == "--batch") {
      ok = absl::SimpleAtoi(value, &flags.batch) && flags.batch > 0;
    } else if (name == "--stride") {
      ok = absl::SimpleAtoi(value, &flags.stride) && flags.stride > 0;
    } else if (name == "--phases") {
      flags.phases = value;
    } else if (name == "--replay") {
      flags.replay = value;
    } else if (name == "--busybox") {
      flags.busybox = value;
    } else {
      error = absl::StrCat("unknown flag ", name);
      return std::nullopt;
    }
    if (!ok) {
      error = absl::StrCat("bad value for ", name, ": \"", value, "\"");
      return std::nullopt;
    }
  }
  return flags;
}

std::optional<std::string> EnvValue(Host& host, absl::string_view key) {
  const std::string prefix = absl::StrCat(key, "=");
  for (const std::string& e : host.Environment()) {
    if (absl::StartsWith(e, prefix)) return e.substr(prefix.size());
  }
  return std::nullopt;
}

bool Exists(Host& host, const std::string& path) {
  return host.StatAt(Fd::Cwd(), path, FollowSymlinks::kFollow).ok();
}

// //runtime/cli:runbox among our runfiles: under `bazel run` (cwd is the
// runfiles tree), `bazel test` (TEST_SRCDIR) or next to the binary.
std::string DefaultRunbox(Host& host, const std::string& argv0) {
  std::vector<std::string> candidates;
  for (const char* var : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (auto dir = EnvValue(host, var)) {
      candidates.push_back(absl::StrCat(*dir, "/runbox/runtime/cli/runbox"));
    }
  }
  candidates.push_back(
      absl::StrCat(argv0, ".runfiles/runbox/runtime/cli/runbox"));
  candidates.push_back("runtime/cli/runbox");
  for (std::string& c : candidates) {
    if (!Exists(host, c)) continue;
    if (!absl::StartsWith(c, "/")) {
      absl::StatusOr<std::string> cwd = host.GetCwd();
      if (cwd.ok()) c = absl::StrCat(*cwd, "/", c);
    }
    return c;
  }
  return "";
}

void RemovePath(Host& host, const std::string& path) {
  RemoveTree(host, Fd::Cwd(), path);
}

// What one runbox command did.
struct Result {
  std::vector<std::string> args;
  ExitStatus status;
  bool hung = false;  // Killed after the command timeout.
  std::string out;
  std::string err;

  bool ok() const { return !hung && status == ExitStatus::Exited(0); }
  bool killed() const {
    return !hung && status == ExitStatus::Signaled(Signal::kKill);
  }
  std::string Describe() const {
    std::string s = absl::StrCat("`runbox ", absl::StrJoin(args, " "), "` ",
                                 hung ? "hung (killed)" : ToString(status));
    if (!out.empty()) absl::StrAppend(&s, "; stdout: ", out.substr(0, 400));
    if (!err.empty()) absl::StrAppend(&s, "; stderr: ", err.substr(0, 400));
    return s;
  }
};

struct Command {
  std::vector<std::string> args;  // After "runbox --root ROOT".
  std::vector<std::string> env;   // Added to the environment.
  std::string root;               // Empty: the campaign's.
};

// xorshift64*, seeded: every choice of the campaign replays from --seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : x_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  uint64_t Next() {
    x_ ^= x_ >> 12, x_ ^= x_ << 25, x_ ^= x_ >> 27;
    return x_ * 0x2545f4914f6cdd1dULL;
  }
  uint64_t Uniform(uint64_t n) { return n == 0 ? 0 : Next() % n; }

 private:
  uint64_t x_;
};

// One kill sweep: the command `op` (its RUNBOX_FAULT_PLAN role `role`)
// killed at its host call k.
// A storm's commands each get this long (a foreground exec blocked by a
// concurrent pause waits for it).
constexpr absl::Duration kStormTimeout = absl::Seconds(15);

// See SweepRound.
constexpr int kUnfiredToEndInternalSweep = 6;

struct Sweep {
  std::string name;  // "create", "supervise", ...
  std::string op;    // The command run: "create" for supervise and init.
  std::string role;
  // First pass: k walks up by a random stride until the op completes.
  uint64_t next_k = 1;
  bool first_pass_done = false;
  uint64_t total = 0;  // Calls the op makes (known after the first pass).
  uint64_t last_fired = 0;
  int unfired_in_a_row = 0;
  std::set<uint64_t> covered;
  int fired = 0;
  int runs = 0;
  int leaks = 0;
  int violations = 0;
  bool Complete() const { return first_pass_done && covered.size() >= total; }
};

class Campaign {
 public:
  Campaign(LinuxHost& host, Flags flags, uint64_t seed, std::string work)
      : host_(host),
        flags_(std::move(flags)),
        seed_(seed),
        rng_(seed),
        work_(std::move(work)) {
    nonce_ = absl::StrCat(absl::Hex(host_.RandomUint64() & 0xffffff));
    marker_ = absl::StrCat("realchaos", nonce_);
    prefix_ = absl::StrCat("chaos-", seed_, "-", nonce_);
    root_ = work_ + "/state";
    bundle_ = work_ + "/bundle";
    out_dir_ = work_ + "/out";
    for (const char* name :
         {"create", "supervise", "init", "start", "delete", "run"}) {
      const std::string role = name;
      const bool internal = role == "supervise" || role == "init";
      sweeps_.push_back(
          Sweep{.name = role, .op = internal ? "create" : role, .role = role});
    }
  }

  int Main();

 private:
  // --- Running runbox.
  // Runs the commands at once; each gets `timeout` (default: the flag's).
  std::vector<Result> RunAll(const std::vector<Command>& commands,
                             std::optional<absl::Duration> timeout = {});
  Result Run(std::vector<std::string> args, std::vector<std::string> env = {},
             std::string root = "") {
    return RunAll({Command{std::move(args), std::move(env), std::move(root)}})
        .front();
  }
  void ReapOrphans();

  // --- Checks.
  SnapshotOptions LeakOptions() const;
  // Leaks against the baseline (waiting up to a few seconds for processes
  // that are on their way out); each is reported with `context` and then
  // folded into the baseline so it is reported once.
  int CheckLeaks(const std::string& context);
  void Violation(const std::string& context, const std::string& what);
  // `state ID` exits 0 with a JSON document, or fails "does not exist".
  void CheckState(const std::string& context, const std::string& id,
                  const std::string& root = "");
  // `delete --force ID` exits 0.
  void ForceDelete(const std::string& context, const std::string& id,
                   const std::string& root = "");
  // The "status" `state ID` prints; "" when it fails.
  std::string StatusOf(const std::string& id);

  // --- Phases.
  absl::Status Setup();
  bool KillPoint(Sweep& sweep, uint64_t k);
  // Up to `points` kill points of `sweep`; all of them when `first` (so a
  // tiny budget still tries each sweep), else while there is time.
  void SweepRound(Sweep& sweep, int points, bool first);
  void EnospcCase(int index);
  void StormRound(int index);
  void FinalCleanup();
  bool OutOfTime() const { return host_.MonotonicNow() >= deadline_; }
  bool Wanted(absl::string_view phase) const {
    return flags_.phases.empty() ||
           absl::StrContains(absl::StrCat(",", flags_.phases, ","),
                             absl::StrCat(",", phase, ","));
  }
  std::string Replay(const std::string& what) const {
    return absl::StrCat("[seed=", seed_, " ", what, "]");
  }

  LinuxHost& host_;
  Flags flags_;
  uint64_t seed_;
  Rng rng_;
  std::string work_;
  std::string nonce_;
  std::string marker_;
  std::string prefix_;
  std::string root_;
  std::string bundle_;
  std::string out_dir_;
  absl::Duration deadline_;
  Snapshot original_;  // Before the campaign.
  Snapshot baseline_;  // Plus leaks already reported.
  std::set<std::string> ids_;
  std::vector<Sweep> sweeps_;
  int command_count_ = 0;
  int runs_ = 0;
  int leaks_ = 0;
  int violations_ = 0;
  int enospc_runs_ = 0, enospc_leaks_ = 0, enospc_violations_ = 0;
  int enospc_clean_errors_ = 0;
  int storm_runs_ = 0, storm_commands_ = 0, storm_leaks_ = 0,
      storm_violations_ = 0, storm_exec_blocked_ = 0;
};

std::vector<Result> Campaign::RunAll(const std::vector<Command>& commands,
                                     std::optional<absl::Duration> timeout) {
  struct Child {
    Pid pid;
    Fd pidfd;
    std::string out_path, err_path;
    bool done = false;
  };
  std::vector<Result> results(commands.size());
  std::vector<Child> children(commands.size());
  absl::StatusOr<Fd> null =
      host_.OpenAt(Fd::Cwd(), "/dev/null", {.flags = OpenFlags::kReadOnly});
  for (size_t i = 0; i < commands.size(); ++i) {
    const Command& c = commands[i];
    Result& r = results[i];
    r.args = {"--root", c.root.empty() ? root_ : c.root};
    r.args.insert(r.args.end(), c.args.begin(), c.args.end());
    Child& child = children[i];
    const int n = ++command_count_;
    child.out_path = absl::StrCat(out_dir_, "/", n, ".out");
    child.err_path = absl::StrCat(out_dir_, "/", n, ".err");
    auto open_out = [&](const std::string& path) {
      return host_.OpenAt(Fd::Cwd(), path,
                          {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                    OpenFlags::kTruncate,
                           .mode = 0644});
    };
    absl::StatusOr<Fd> out = open_out(child.out_path);
    absl::StatusOr<Fd> err = open_out(child.err_path);
    SpawnRequest request;
    request.path = flags_.runbox;
    request.argv = {"runbox"};
    request.argv.insert(request.argv.end(), r.args.begin(), r.args.end());
    request.env = host_.Environment();
    request.env.push_back(absl::StrCat(kMarkerVariable, "=", marker_));
    request.env.insert(request.env.end(), c.env.begin(), c.env.end());
    request.want_pidfd = true;
    absl::StatusOr<SpawnResult> spawned;
    if (null.ok() && out.ok() && err.ok()) {
      request.fds = {{&*null, 0}, {&*out, 1}, {&*err, 2}};
      spawned = host_.Spawn(request);
    } else {
      spawned = absl::InternalError("cannot open the output files");
    }
    if (!spawned.ok()) {
      r.status = ExitStatus::Exited(-1);
      r.err = absl::StrCat("real_chaos: spawn: ", spawned.status().ToString());
      child.done = true;
      continue;
    }
    child.pid = spawned->pid;
    child.pidfd = std::move(spawned->pidfd);
  }
  const absl::Duration deadline = host_.MonotonicNow() + flags_.command_timeout;
  while (true) {
    std::vector<PollFd> fds;
    std::vector<size_t> which;
    for (size_t i = 0; i < children.size(); ++i) {
      if (children[i].done) continue;
      fds.push_back({.fd = &children[i].pidfd, .events = PollEvents::kIn});
      which.push_back(i);
    }
    if (fds.empty()) break;
    absl::Duration left = deadline - host_.MonotonicNow();
    if (left <= absl::ZeroDuration()) {
      for (size_t i : which) {
        (void)host_.PidfdSendSignal(children[i].pidfd, Signal::kKill);
        results[i].hung = true;
      }
      left = absl::Seconds(10);  // For the kills to land.
    }
    absl::StatusOr<int> ready = host_.Poll(absl::MakeSpan(fds), left);
    if (IsErrno(ready, EINTR)) continue;
    if (!ready.ok()) break;
    if (*ready == 0 && results[which[0]].hung) break;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents != PollEvents::kNone) children[which[k]].done = true;
    }
  }
  for (size_t i = 0; i < children.size(); ++i) {
    Child& child = children[i];
    Result& r = results[i];
    if (child.pid.value <= 0) continue;
    absl::StatusOr<std::optional<WaitResult>> waited;
    do {
      waited = host_.Wait(child.pid, WaitFlags::kNone);
    } while (IsErrno(waited, EINTR));
    if (waited.ok() && waited->has_value()) {
      r.status = (*waited)->status;
    } else {
      r.status = ExitStatus::Exited(-1);
    }
    r.out = ReadFileAt(host_, Fd::Cwd(), child.out_path, 1 << 20).value_or("");
    r.err = ReadFileAt(host_, Fd::Cwd(), child.err_path, 1 << 20).value_or("");
    (void)host_.UnlinkAt(Fd::Cwd(), child.out_path);
    (void)host_.UnlinkAt(Fd::Cwd(), child.err_path);
  }
  return results;
}

// Supervisors of killed commands reparent to us (a subreaper): reap the
// ones that exited so they do not linger as zombies.
void Campaign::ReapOrphans() {
  while (true) {
    absl::StatusOr<std::optional<WaitResult>> r =
        host_.Wait(Pid{0}, WaitFlags::kNoHang);
    if (IsErrno(r, EINTR)) continue;
    if (!r.ok() || !r->has_value()) return;
  }
}

SnapshotOptions Campaign::LeakOptions() const {
  SnapshotOptions options;
  options.file_roots = {work_};
  options.skip_paths = {bundle_, out_dir_};
  options.process_markers = {marker_, prefix_};
  return options;
}

int Campaign::CheckLeaks(const std::string& context) {
  std::vector<std::string> leaks;
  Snapshot now;
  // Processes on their way out (a supervisor finishing its exit) get a
  // few seconds; anything still there then is a leak.
  const absl::Duration until = host_.MonotonicNow() + absl::Seconds(5);
  while (true) {
    ReapOrphans();
    now = TakeSnapshot(host_, LeakOptions());
    leaks = Diff(baseline_, now);
    if (leaks.empty() || host_.MonotonicNow() >= until) break;
    host_.SleepFor(absl::Milliseconds(100));
  }
  for (const std::string& leak : leaks) {
    std::cout << "LEAK " << context << ": " << leak << "\n";
  }
  // Report each leak once: what is left now is the new normal.
  baseline_.mounts.insert(now.mounts.begin(), now.mounts.end());
  baseline_.cgroups.insert(now.cgroups.begin(), now.cgroups.end());
  for (const auto& [pid, argv] : now.processes) baseline_.processes[pid] = argv;
  baseline_.files.insert(now.files.begin(), now.files.end());
  leaks_ += leaks.size();
  std::cout.flush();
  return leaks.size();
}

void Campaign::Violation(const std::string& context, const std::string& what) {
  ++violations_;
  std::cout << "VIOLATION " << context << ": " << what << "\n";
  std::cout.flush();
}

void Campaign::CheckState(const std::string& context, const std::string& id,
                          const std::string& root) {
  Result state = Run({"state", id}, {}, root);
  if (state.ok()) {
    nlohmann::json doc =
        nlohmann::json::parse(state.out, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("status")) {
      Violation(context, "state printed no state JSON: " + state.Describe());
    }
    return;
  }
  if (state.hung || state.status.kind != ExitStatus::Kind::kExited ||
      !absl::StrContains(state.err, "does not exist")) {
    Violation(context,
              "state neither JSON nor \"does not exist\": " + state.Describe());
  }
}

void Campaign::ForceDelete(const std::string& context, const std::string& id,
                           const std::string& root) {
  Result del = Run({"delete", "--force", id}, {}, root);
  if (!del.ok()) Violation(context, "delete --force failed: " + del.Describe());
}

std::string Campaign::StatusOf(const std::string& id) {
  Result state = Run({"state", id});
  if (!state.ok()) return "";
  nlohmann::json doc =
      nlohmann::json::parse(state.out, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";
  return doc.value("status", "");
}

absl::Status Campaign::Setup() {
  RETURN_IF_ERROR(MakeDirs(host_, Fd::Cwd(), out_dir_, 0755));
  RETURN_IF_ERROR(
      MakeBusyboxRootfs(host_, flags_.busybox, bundle_ + "/rootfs"));
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = {"/bin/sleep", "86400"};
  config.process->env.push_back(absl::StrCat(kMarkerVariable, "=", marker_));
  RETURN_IF_ERROR(WriteFile(host_, bundle_ + "/config.json",
                            spec::SerializeConfig(config)));
  // A warm-up create and delete, so the baseline has what a used root
  // keeps (its lock file) and the binary is known to work; and a check
  // that the leak checker sees a live container's cgroups, processes and
  // files (a blind checker would report no leak ever).
  const std::string id = prefix_ + "-warmup";
  ids_.insert(id);
  Snapshot empty = TakeSnapshot(host_, LeakOptions());
  Result create = Run({"create", "--bundle", bundle_, id});
  std::vector<std::string> seen =
      Diff(empty, TakeSnapshot(host_, LeakOptions()));
  Result del = Run({"delete", "--force", id});
  if (!create.ok() || !del.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "warm-up failed: ", create.Describe(), "\n", del.Describe()));
  }
  int kinds[3] = {0, 0, 0};
  for (const std::string& line : seen) {
    kinds[0] += absl::StartsWith(line, "cgroup ");
    kinds[1] += absl::StartsWith(line, "process ");
    kinds[2] += absl::StartsWith(line, "file ");
  }
  std::cout << "leak checker sees a created container as " << kinds[0]
            << " cgroups, " << kinds[1] << " processes, " << kinds[2]
            << " files\n";
  if (kinds[0] == 0 || kinds[1] == 0 || kinds[2] == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the leak checker does not see a live container: ",
                     absl::StrJoin(seen, "; ")));
  }
  ReapOrphans();
  baseline_ = TakeSnapshot(host_, LeakOptions());
  for (const std::string& e : baseline_.errors) {
    std::cout << "note: snapshot: " << e << "\n";
  }
  return absl::OkStatus();
}

// One kill point. Returns whether the fault fired (the op did not finish).
bool Campaign::KillPoint(Sweep& sweep, uint64_t k) {
  const std::string id = absl::StrCat(prefix_, "-", sweep.name, "-", k);
  const std::string context = Replay(
      absl::StrCat("phase=kill-sweep op=", sweep.name, " k=", k, " id=", id));
  const std::string plan =
      absl::StrCat("RUNBOX_FAULT_PLAN=kill-at=", k, ",role=", sweep.role);
  ids_.insert(id);
  ++runs_;
  ++sweep.runs;
  const int violations_before = violations_;

  // Preconditions, then the faulted command.
  Result op;
  if (sweep.op == "start") {
    Result create = Run({"create", "--bundle", bundle_, id});
    if (!create.ok()) Violation(context, "setup: " + create.Describe());
    op = Run({"start", id}, {plan});
  } else if (sweep.op == "delete") {
    Result run = Run({"run", "-d", "--bundle", bundle_, id});
    if (!run.ok()) Violation(context, "setup: " + run.Describe());
    op = Run({"delete", "--force", id}, {plan});
  } else if (sweep.op == "run") {
    op = Run({"run", "-d", "--bundle", bundle_, id}, {plan});
  } else {  // create, and supervise / init during create.
    op = Run({"create", "--bundle", bundle_, id}, {plan});
  }
  bool fired;
  if (sweep.role == sweep.op) {
    fired = op.killed();
    if (!fired && !op.ok()) {
      Violation(context, "the op failed without the fault: " + op.Describe());
    }
  } else {
    fired = !op.ok();
    if (fired && (op.hung || op.status.kind != ExitStatus::Kind::kExited)) {
      Violation(context, "create did not exit cleanly when its " + sweep.role +
                             " was killed: " + op.Describe());
    }
  }
  if (op.hung) Violation(context, op.Describe());

  CheckState(context, id);
  ForceDelete(context, id);
  int leaks = CheckLeaks(context);
  // The ID works again.
  Result again = Run({"create", "--bundle", bundle_, id});
  if (!again.ok()) Violation(context, "a fresh create: " + again.Describe());
  ForceDelete(context, id);
  leaks += CheckLeaks(context + " (after a fresh create/delete)");
  sweep.leaks += leaks;
  sweep.violations += violations_ - violations_before;
  sweep.covered.insert(k);
  if (fired) ++sweep.fired;
  return fired;
}

void Campaign::SweepRound(Sweep& sweep, int points, bool first) {
  for (int i = 0; i < points && !sweep.Complete(); ++i) {
    if (!first && OutOfTime()) return;
    if (!sweep.first_pass_done) {
      const uint64_t k = sweep.next_k;
      sweep.next_k += 1 + rng_.Uniform(flags_.stride);
      if (KillPoint(sweep, k)) {
        sweep.last_fired = k;
        sweep.unfired_in_a_row = 0;
        continue;
      }
      // The command itself completing means k is past its last call. For
      // supervise and init, create succeeding may also mean the fault hit
      // a call whose failure is ignored (init is pid 1 of its namespace,
      // where its own SIGKILL is ignored and the call fails instead), so
      // those end after several points in a row that did not fire.
      if (sweep.role == sweep.op ||
          ++sweep.unfired_in_a_row >= kUnfiredToEndInternalSweep) {
        sweep.first_pass_done = true;
        sweep.total = sweep.role == sweep.op ? k - 1 : sweep.last_fired;
        // Points past the end are not fault points.
        sweep.covered.erase(sweep.covered.upper_bound(sweep.total),
                            sweep.covered.end());
      }
      continue;
    }
    // Then the points the strides skipped, in random order.
    std::vector<uint64_t> left;
    for (uint64_t k = 1; k <= sweep.total; ++k) {
      if (!sweep.covered.count(k)) left.push_back(k);
    }
    if (left.empty()) return;
    const uint64_t k = left[rng_.Uniform(left.size())];
    KillPoint(sweep, k);
  }
}

// --root on a tmpfs of 256 KiB with `free` bytes left (or, for odd cases,
// few inodes): every command fails cleanly or works, `state` never prints
// torn JSON, and delete --force once there is room again leaves nothing.
void Campaign::EnospcCase(int index) {
  static constexpr int64_t kFree[] = {0, 4096, 8192, 16384, 32768, 65536};
  static constexpr int kInodes[] = {2, 3, 4, 6, 8, 12};
  const bool by_inodes = index % 2 == 1;
  const int64_t free = kFree[(index / 2) % 6];
  const int inodes = kInodes[(index / 2) % 6];
  const std::string what = by_inodes ? absl::StrCat("nr_inodes=", inodes)
                                     : absl::StrCat("size=256k free=", free);
  const std::string mnt = absl::StrCat(work_, "/enospc");
  const std::string root = mnt + "/root";
  const std::string id = absl::StrCat(prefix_, "-enospc-", index);
  const std::string context = Replay(
      absl::StrCat("phase=enospc case=", index, " (", what, ") id=", id));
  ids_.insert(id);
  ++runs_;
  ++enospc_runs_;
  const int violations_before = violations_;
  const int leaks_before = leaks_;

  absl::Status made = host_.MkdirAt(Fd::Cwd(), mnt, 0700);
  absl::Status mounted = host_.Mount(
      "tmpfs", mnt, "tmpfs", MountFlags::kNone,
      by_inodes ? absl::StrCat("size=256k,mode=0700,nr_inodes=", inodes)
                : "size=256k,mode=0700");
  if (!made.ok() || !mounted.ok()) {
    Violation(context, absl::StrCat("cannot set up the tmpfs: ",
                                    made.ToString(), " ", mounted.ToString()));
    RemovePath(host_, mnt);
    return;
  }
  const std::string filler = mnt + "/filler";
  if (!by_inodes) {
    // Fill it up, then give back `free` bytes.
    absl::StatusOr<Fd> fd = host_.OpenAt(
        Fd::Cwd(), filler,
        {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate, .mode = 0600});
    if (fd.ok()) {
      const std::string chunk(4096, 'x');
      int64_t written = 0;
      while (true) {
        absl::StatusOr<size_t> n = host_.Write(*fd, chunk);
        if (IsErrno(n, EINTR)) continue;
        if (!n.ok() || *n == 0) break;
        written += *n;
      }
      (void)host_.Ftruncate(*fd, std::max<int64_t>(0, written - free));
    }
  }
  std::vector<std::pair<std::vector<std::string>, bool>> steps = {
      {{"create", "--bundle", bundle_, id}, false},
      {{"state", id}, true},
      {{"start", id}, false},
      {{"state", id}, true},
      {{"kill", id, "KILL"}, false},
      {{"delete", id}, false},
      {{"state", id}, true},
  };
  for (const auto& [args, is_state] : steps) {
    Result r = Run(args, {}, root);
    if (r.hung || r.status.kind != ExitStatus::Kind::kExited ||
        (r.status.code != 0 && r.status.code != 1)) {
      Violation(context, "not a clean exit: " + r.Describe());
      continue;
    }
    if (r.status.code == 1) {
      ++enospc_clean_errors_;
      if (!absl::StartsWith(r.err, "runbox: ")) {
        Violation(context, "an error without its message: " + r.Describe());
      }
    }
    if (is_state && r.ok()) {
      nlohmann::json doc =
          nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
      if (doc.is_discarded() || !doc.is_object()) {
        Violation(context, "state printed torn JSON: " + r.Describe());
      }
    }
  }
  // Room again: delete --force must clean up whatever is left.
  (void)host_.UnlinkAt(Fd::Cwd(), filler);
  ForceDelete(context, id, root);
  CheckState(context, id, root);
  for (const std::string& name : [&] {
         std::vector<std::string> names;
         absl::StatusOr<Fd> dir =
             host_.OpenAt(Fd::Cwd(), root, {.flags = OpenFlags::kDirectory});
         if (!dir.ok()) return names;
         absl::StatusOr<std::vector<DirEntry>> entries = host_.ReadDir(*dir);
         if (entries.ok()) {
           for (const DirEntry& e : *entries) names.push_back(e.name);
         }
         return names;
       }()) {
    if (name == ".runbox.lock") continue;
    std::cout << "LEAK " << context << ": file " << root << "/" << name
              << " left behind\n";
    ++leaks_;
  }
  absl::Status unmounted = host_.Umount(mnt, UmountFlags::kNone);
  if (!unmounted.ok()) {
    Violation(context, "umount of the tmpfs: " + unmounted.ToString() +
                           " (something still uses it)");
    (void)host_.Umount(mnt, UmountFlags::kDetach);
  }
  (void)host_.UnlinkAt(Fd::Cwd(), mnt, UnlinkFlags::kRemoveDir);
  CheckLeaks(context);
  enospc_leaks_ += leaks_ - leaks_before;
  enospc_violations_ += violations_ - violations_before;
}

// Several commands at once on three IDs, a few rounds, then delete --force
// of each and the leak check.
void Campaign::StormRound(int index) {
  const int kIds = 3;
  const int kRounds = 3;
  std::vector<std::string> ids;
  for (int i = 0; i < kIds; ++i) {
    ids.push_back(absl::StrCat(prefix_, "-storm", index, "-", i));
    ids_.insert(ids.back());
  }
  const std::string context = Replay(
      absl::StrCat("phase=storm round=", index, " ids=", ids.front(), ".."));
  ++runs_;
  ++storm_runs_;
  const int violations_before = violations_;
  const int leaks_before = leaks_;
  // Each storm has its own generator, so `--replay storm:K` replays it.
  Rng rng(seed_ * 1000003 + index);
  std::vector<std::string> history;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<Command> commands;
    const int n = 4 + rng.Uniform(4);
    for (int i = 0; i < n; ++i) {
      const std::string& id = ids[rng.Uniform(ids.size())];
      std::vector<std::string> args;
      switch (rng.Uniform(11)) {
        case 0:
        case 1:
          args = {"create", "--bundle", bundle_, id};
          break;
        case 2:
          args = {"run", "-d", "--bundle", bundle_, id};
          break;
        case 3:
          args = {"start", id};
          break;
        case 4:
          args = {"kill", id, "KILL"};
          break;
        case 5:
          args = {"pause", id};
          break;
        case 6:
          args = {"resume", id};
          break;
        case 7:
          args = {"exec", id, "/bin/true"};
          break;
        case 8:
          args = {"delete", id};
          break;
        case 9:
          args = {"delete", "--force", id};
          break;
        default:
          args = {"state", id};
          break;
      }
      commands.push_back({args, {}, ""});
    }
    std::vector<Result> results = RunAll(commands, kStormTimeout);
    storm_commands_ += results.size();
    std::vector<std::string> all;
    for (const Result& r : results) all.push_back(r.Describe());
    history.push_back(
        absl::StrCat("round ", round, ":\n    ", absl::StrJoin(all, "\n    ")));
    for (const Result& r : results) {
      const std::string& verb = r.args[2];
      // The container ID follows the verb ("exec ID /bin/true"), or ends
      // the command ("create --bundle B ID").
      const std::string& id = verb == "exec" ? r.args[3] : r.args.back();
      if (r.hung && verb == "exec" && StatusOf(id) == "paused") {
        // A pause that lands while exec starts its process freezes that
        // process too: a foreground exec then waits for it until resume,
        // as runc's does. Not a hang of runbox's own.
        ++storm_exec_blocked_;
        continue;
      }
      if (r.hung || r.status.kind != ExitStatus::Kind::kExited) {
        Violation(context,
                  absl::StrCat("round ", round, ": ", r.Describe(),
                               "\n  all: ", absl::StrJoin(history, "\n  ")));
        continue;
      }
      const int code = r.status.code;
      const bool exec = verb == "exec";
      if (code != 0 && code != 1 && !(exec && code == 255)) {
        Violation(context, absl::StrCat("round ", round,
                                        ": odd exit code: ", r.Describe()));
      }
      if (code != 0 && !absl::StartsWith(r.err, "runbox: ")) {
        Violation(context, absl::StrCat("round ", round,
                                        ": an error without its message: ",
                                        r.Describe()));
      }
      if (verb == "state" && code == 0) {
        nlohmann::json doc =
            nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded() || !doc.is_object()) {
          Violation(context, "state printed torn JSON: " + r.Describe());
        }
      }
    }
    // Every state readable between rounds.
    for (const std::string& id : ids) CheckState(context, id);
  }
  for (const std::string& id : ids) ForceDelete(context, id);
  if (CheckLeaks(context) > 0) {
    std::cout << "  the storm's commands, " << absl::StrJoin(history, "\n  ")
              << "\n";
  }
  storm_leaks_ += leaks_ - leaks_before;
  storm_violations_ += violations_ - violations_before;
}

// Deletes every ID the campaign used, compares with the host before the
// campaign, reports what is left as leaks, then removes it.
void Campaign::FinalCleanup() {
  for (const std::string& id : ids_) {
    (void)Run({"delete", "--force", id});
  }
  ReapOrphans();
  // What is new since the last check (leaks reported before are part of
  // the baseline by now, so they are not counted twice).
  Snapshot now = TakeSnapshot(host_, LeakOptions());
  for (const std::string& leak : Diff(baseline_, now)) {
    std::cout << "LEAK " << Replay("phase=final") << ": " << leak << "\n";
    ++leaks_;
  }
  // Everything the campaign left, reported now or earlier, goes.
  Snapshot left = now;
  left.files.clear();
  std::vector<std::string> leftovers = Diff(original_, left);
  if (!leftovers.empty()) {
    std::cout << "removing " << leftovers.size()
              << " leftover mounts, cgroups and processes\n";
  }
  // Processes first (thawing their cgroups), then cgroups deepest first.
  for (const std::string& cg : now.cgroups) {
    if (original_.cgroups.count(cg)) continue;
    if (absl::StrContains(cg, "/freezer/")) {
      (void)host_.CgroupWrite(cg, "freezer.state", "THAWED");
    }
  }
  for (const auto& [pid, argv] : now.processes) {
    if (!original_.processes.count(pid)) {
      (void)host_.Kill(Pid{pid}, Signal::kKill);
    }
  }
  host_.SleepFor(absl::Milliseconds(200));
  ReapOrphans();
  std::vector<std::string> cgroups;
  for (const std::string& cg : now.cgroups) {
    if (!original_.cgroups.count(cg)) cgroups.push_back(cg);
  }
  std::sort(cgroups.begin(), cgroups.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() > b.size();
            });
  for (const std::string& cg : cgroups) (void)host_.CgroupRemove(cg);
  absl::StatusOr<std::vector<MountInfo>> mounts = host_.ListMounts();
  if (mounts.ok()) {
    for (auto it = mounts->rbegin(); it != mounts->rend(); ++it) {
      if (absl::StartsWith(it->mount_point, work_ + "/")) {
        (void)host_.Umount(it->mount_point, UmountFlags::kDetach);
      }
    }
  }
}

int Campaign::Main() {
  std::cout << "real chaos: seed " << seed_ << ", work " << work_ << ", runbox "
            << flags_.runbox << ", budget " << flags_.minutes << " min\n";
  std::cout.flush();
  original_ = TakeSnapshot(host_, LeakOptions());
  if (absl::Status s = Setup(); !s.ok()) {
    std::cerr << "real_chaos: setup: " << s << "\n";
    FinalCleanup();
    return 2;
  }
  deadline_ = host_.MonotonicNow() +
              absl::Seconds(static_cast<int64_t>(flags_.minutes * 60));

  if (!flags_.replay.empty()) {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(flags_.replay, absl::MaxSplits(':', 1));
    uint64_t k = 0;
    auto sweep =
        std::find_if(sweeps_.begin(), sweeps_.end(),
                     [&](const Sweep& s) { return s.name == parts.first; });
    if (parts.first == "enospc" && absl::SimpleAtoi(parts.second, &k)) {
      EnospcCase(k);
    } else if (parts.first == "storm" && absl::SimpleAtoi(parts.second, &k)) {
      StormRound(k);
    } else if (sweep != sweeps_.end() && absl::SimpleAtoi(parts.second, &k) &&
               k > 0) {
      KillPoint(*sweep, k);
    } else {
      std::cerr << "real_chaos: --replay wants OP:K (OP one of create, "
                   "supervise, init, start, delete, run, enospc, storm)\n";
      FinalCleanup();
      return 2;
    }
  } else {
    int enospc = 0;
    int storm = 0;
    for (int round = 0;; ++round) {
      // Once every kill point is covered, the budget goes to ENOSPC cases
      // and storms.
      for (Sweep& sweep : sweeps_) {
        if (!Wanted("kill") || (round > 0 && OutOfTime())) break;
        SweepRound(sweep, flags_.batch, round == 0);
      }
      if (Wanted("enospc") && (round == 0 || !OutOfTime())) {
        EnospcCase(enospc++);
      }
      if (Wanted("storm") && (round == 0 || !OutOfTime())) {
        StormRound(storm++);
      }
      if (OutOfTime()) break;
    }
  }

  FinalCleanup();
  for (const Sweep& s : sweeps_) {
    if (s.runs == 0) continue;
    std::cout << "kill sweep " << s.name << ": "
              << (s.first_pass_done
                      ? absl::StrCat(s.covered.size(), " of ", s.total,
                                     " points")
                      : absl::StrCat(s.covered.size(), " points (of ? , the ",
                                     "op never completed)"))
              << ", " << s.fired << " fired, " << s.runs << " runs, " << s.leaks
              << " leaks, " << s.violations << " violations\n";
  }
  if (enospc_runs_ > 0) {
    std::cout << "enospc: " << enospc_runs_ << " runs, " << enospc_clean_errors_
              << " clean errors, " << enospc_leaks_ << " leaks, "
              << enospc_violations_ << " violations\n";
  }
  if (storm_runs_ > 0) {
    std::cout << "storm: " << storm_runs_ << " runs, " << storm_commands_
              << " commands (" << storm_exec_blocked_
              << " execs blocked by a concurrent pause), " << storm_leaks_
              << " leaks, " << storm_violations_ << " violations\n";
  }
  std::cout << "invariant violations: " << violations_ << "\n";
  std::cout << "real chaos: " << runs_ << " runs, " << leaks_ << " leaks"
            << std::endl;
  return leaks_ == 0 && violations_ == 0 ? 0 : 1;
}

int RealChaosMain(const std::vector<std::string>& argv) {
  LinuxHost host;
  std::string error;
  std::optional<Flags> flags = ParseFlags(argv, error);
  if (!flags.has_value()) {
    std::cerr << "real_chaos: " << error << "\n" << Usage();
    return 2;
  }
  if (host.GetUid() != 0) {
    std::cerr << "real_chaos: needs root (it makes real containers, cgroups "
                 "and mounts)\n";
    return 2;
  }
  if (flags->runbox.empty()) {
    flags->runbox = DefaultRunbox(host, argv.empty() ? "" : argv[0]);
    if (flags->runbox.empty()) {
      std::cerr << "real_chaos: cannot find the runbox binary; pass --runbox "
                   "PATH\n";
      return 2;
    }
  }
  if (!Exists(host, flags->busybox)) {
    std::cerr << "real_chaos: " << flags->busybox
              << " missing (apt-get install busybox-static)\n";
    return 2;
  }
  const uint64_t seed = flags->seed.value_or(host.RandomUint64() % 1000000);
  // A fresh scratch directory unless one is given.
  bool made_work = false;
  std::string work = flags->work;
  if (work.empty()) {
    std::string base = EnvValue(host, "TEST_TMPDIR")
                           .value_or(EnvValue(host, "TMPDIR").value_or("/tmp"));
    work = absl::StrCat(base, "/real-chaos-", seed, "-",
                        absl::Hex(host.RandomUint64() & 0xffff));
    made_work = true;
  }
  if (absl::Status s = MakeDirs(host, Fd::Cwd(), work, 0755); !s.ok()) {
    std::cerr << "real_chaos: " << work << ": " << s << "\n";
    return 2;
  }
  // Supervisors whose runbox was killed reparent to us, so the leak check
  // sees them and they never linger as zombies of init.
  (void)host.SetChildSubreaper();
  int code;
  {
    Campaign campaign(host, *flags, seed, work);
    code = campaign.Main();
  }
  if (made_work) {
    RemovePath(host, work);
  } else {
    for (const char* sub : {"/state", "/bundle", "/out"}) {
      RemovePath(host, work + sub);
    }
  }
  return code;
}

}  // namespace
}  // namespace runbox::chaos

int main(int argc, char** argv) {
  return runbox::chaos::RealChaosMain(
      std::vector<std::string>(argv, argv + argc));
}
