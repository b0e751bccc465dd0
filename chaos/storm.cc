// Seeded storms; see storm.h.
#include "chaos/storm.h"

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "chaos/invariants.h"
#include "chaos/world.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/status.h"

namespace runbox::chaos {
namespace {

// splitmix64: the storm's own draws (which op, which ID), a pure function
// of the seed and the client, independent of the scheduler's generator.
class Draws {
 public:
  explicit Draws(uint64_t seed) : x_(seed) {}
  uint64_t Next() {
    uint64_t z = (x_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // In [0, n), n > 0.
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }

 private:
  uint64_t x_;
};

uint64_t Mix(uint64_t a, uint64_t b) {
  Draws d(a * 0x100000001b3ULL ^ (b + 0x51ed270b7a3f9c1dULL));
  return d.Next();
}

struct Weighted {
  OpKind kind;
  int weight;
};
// Creates are common enough that most ops find something to act on, and
// `state` common enough that the in-between states get observed.
constexpr Weighted kOpWeights[] = {
    {OpKind::kCreate, 12}, {OpKind::kRun, 12},   {OpKind::kStart, 10},
    {OpKind::kKill, 9},    {OpKind::kPause, 6},  {OpKind::kResume, 6},
    {OpKind::kExec, 6},    {OpKind::kDelete, 9}, {OpKind::kDeleteForce, 8},
    {OpKind::kState, 22},
};

OpKind DrawKind(Draws& draws) {
  int total = 0;
  for (const Weighted& w : kOpWeights) total += w.weight;
  int pick = static_cast<int>(draws.Uniform(total));
  for (const Weighted& w : kOpWeights) {
    if (pick < w.weight) return w.kind;
    pick -= w.weight;
  }
  return OpKind::kState;
}

std::string BundleOf(const std::string& id) {
  return id == kPodSandboxId ? kSandboxBundle : kSleepBundle;
}

std::vector<std::string> ArgsOf(OpKind kind, const std::string& id) {
  switch (kind) {
    case OpKind::kCreate:
      return {"create", "--bundle", BundleOf(id), id};
    case OpKind::kRun:
      return {"run", "-d", "--bundle", BundleOf(id), id};
    case OpKind::kStart:
      return {"start", id};
    case OpKind::kKill:
      return {"kill", id, "KILL"};
    case OpKind::kPause:
      return {"pause", id};
    case OpKind::kResume:
      return {"resume", id};
    case OpKind::kExec:
      return {"exec", id, "/bin/true"};
    case OpKind::kDelete:
      return {"delete", id};
    case OpKind::kDeleteForce:
      return {"delete", "--force", id};
    case OpKind::kState:
      return {"state", id};
  }
  return {};
}

// What one runbox process did, as its client saw it.
struct Ran {
  std::optional<Pid> pid;
  std::optional<ExitStatus> status;  // Unset when spawn or wait failed.
  std::string out, err;
  std::string problem;  // The client's own failure, if any.
};

absl::StatusOr<std::string> ReadMemfd(Host& host, const Fd& fd) {
  std::string out;
  char buf[4096];
  while (true) {
    ASSIGN_OR_RETURN(size_t n, host.PRead(fd, absl::MakeSpan(buf),
                                          static_cast<int64_t>(out.size())));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

// Spawns `runbox --root kStateRoot ARGS` with stdout and stderr on memfds
// (so a supervisor that keeps them blocks no one), waits for it and reads
// what it wrote.
Ran RunRunbox(Host& host, const std::vector<std::string>& args,
              const std::function<void(Pid)>& started) {
  Ran ran;
  absl::StatusOr<Fd> in = host.MemfdCreate("storm-stdin", MemfdFlags::kNone);
  absl::StatusOr<Fd> out = host.MemfdCreate("storm-stdout", MemfdFlags::kNone);
  absl::StatusOr<Fd> err = host.MemfdCreate("storm-stderr", MemfdFlags::kNone);
  if (!in.ok() || !out.ok() || !err.ok()) {
    ran.problem = "memfd_create failed";
    return ran;
  }
  SpawnRequest request;
  request.path = "/bin/runbox";
  request.argv = {"runbox", "--root", kStateRoot};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.fds = {{&*in, 0}, {&*out, 1}, {&*err, 2}};
  absl::StatusOr<SpawnResult> child = host.Spawn(request);
  if (!child.ok()) {
    ran.problem = absl::StrCat("spawn: ", child.status().ToString());
    return ran;
  }
  ran.pid = child->pid;
  started(child->pid);
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host.Wait(child->pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  if (!waited.ok() || !waited->has_value()) {
    ran.problem = absl::StrCat(
        "wait: ", waited.ok() ? "no status" : waited.status().ToString());
    return ran;
  }
  ran.status = (*waited)->status;
  absl::StatusOr<std::string> o = ReadMemfd(host, *out);
  absl::StatusOr<std::string> e = ReadMemfd(host, *err);
  if (o.ok()) ran.out = *std::move(o);
  if (e.ok()) ran.err = *std::move(e);
  return ran;
}

// An exit record of one incarnation of a container: its directory.
struct Incarnation {
  std::string id;
  uint64_t dev = 0, ino = 0;
  auto operator<=>(const Incarnation&) const = default;
};

struct ExitSighting {
  std::string record;
  uint64_t at = 0;  // Logical time of the first sighting.
  int client = -1;  // -1: the runner.
};

// Longer than any timeout of runbox's own (the supervisor's destroy grace
// is 10 s), far shorter than the containers' sleep.
constexpr absl::Duration kStuckAfter = absl::Seconds(1000);

// The storm's shared state: the clients are fibers on one OS thread, so
// plain members suffice and every access is in scheduler order.
class Storm {
 public:
  explicit Storm(const StormOptions& options)
      : options_(options), world_({.seed = options.seed}) {}

  StormReport Run();

 private:
  int ClientMain(Host& host, int client);
  // When the clients are stuck (an exec whose process a concurrent pause
  // froze waits for a resume, as with runc): resumes every paused
  // container, as an operator would, with the resumes in the history.
  int OperatorMain(Host& host);
  // Runs `runbox ARGS` for `client` and records it in the history.
  void RecordedOp(Host& host, int client, OpKind kind, const std::string& id);
  // Reads every <root>/<id>/exit-status and checks it against what was
  // seen before for that directory.
  void ReadExitRecords(Host& host, int client);
  void Classify(StormOp& op, const Ran& ran);
  void CheckHistory();
  void Violation(std::string text, const std::string& id = "") {
    report_.violations.push_back(std::move(text));
    if (!id.empty()) blamed_ids_.insert(id);
  }

  StormOptions options_;
  World world_;
  std::shared_ptr<FaultPlan> plan_;
  std::set<int32_t> client_pids_;
  uint64_t clock_ = 0;
  std::vector<StormOp> history_;
  std::vector<Ran> runs_;  // Parallel to history_.
  std::map<Incarnation, ExitSighting> exit_records_;
  std::set<std::string> blamed_ids_;
  int clients_done_ = 0;
  StormReport report_;
};

int Storm::ClientMain(Host& host, int client) {
  Draws draws(Mix(options_.seed, static_cast<uint64_t>(client) + 1));
  for (int i = 0; i < options_.ops_per_client; ++i) {
    const OpKind kind = DrawKind(draws);
    const std::string id = options_.ids[draws.Uniform(options_.ids.size())];
    RecordedOp(host, client, kind, id);
    if (options_.after_each_op) options_.after_each_op(host, client);
    ReadExitRecords(host, client);
  }
  ++clients_done_;
  return 0;
}

void Storm::RecordedOp(Host& host, int client, OpKind kind,
                       const std::string& id) {
  StormOp op;
  op.op.client = client;
  op.op.id = id;
  op.op.kind = kind;
  op.args = ArgsOf(kind, id);
  op.op.invoked = ++clock_;
  const size_t index = history_.size();
  history_.push_back(op);
  runs_.emplace_back();
  Ran ran = RunRunbox(host, op.args,
                      [&](Pid pid) { history_[index].pid = pid.value; });
  history_[index].op.returned = ++clock_;
  runs_[index] = std::move(ran);
}

int Storm::OperatorMain(Host& host) {
  const int operator_client = options_.clients;
  for (const std::string& id : options_.ids) {
    const size_t index = history_.size();
    RecordedOp(host, operator_client, OpKind::kState, id);
    nlohmann::json doc =
        nlohmann::json::parse(runs_[index].out, nullptr, false);
    if (doc.is_object() && doc.value("status", "") == "paused") {
      RecordedOp(host, operator_client, OpKind::kResume, id);
    }
  }
  return 0;
}

void Storm::ReadExitRecords(Host& host, int client) {
  for (const std::string& id : options_.ids) {
    absl::StatusOr<Fd> dir =
        host.OpenAt(Fd::Cwd(), absl::StrCat(kStateRoot, "/", id),
                    {.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow});
    if (!dir.ok()) continue;
    absl::StatusOr<FileStat> st = host.FStat(*dir);
    absl::StatusOr<Fd> fd = host.OpenAt(*dir, "exit-status", {});
    if (st.ok() && fd.ok()) {
      absl::StatusOr<std::string> record = ReadMemfd(host, *fd);
      if (record.ok()) {
        const Incarnation key{id, st->dev, st->ino};
        const uint64_t now = ++clock_;
        auto [it, inserted] =
            exit_records_.emplace(key, ExitSighting{*record, now, client});
        if (!inserted && it->second.record != *record) {
          Violation(
              absl::StrCat("the exit status of container \"", id,
                           "\" (directory inode ", st->ino, ") changed: ",
                           it->second.client < 0
                               ? std::string("the runner")
                               : absl::StrCat("client ", it->second.client),
                           " read ", absl::CHexEscape(it->second.record),
                           " at ", it->second.at, ", ",
                           client < 0 ? std::string("the runner")
                                      : absl::StrCat("client ", client),
                           " read ", absl::CHexEscape(*record), " at ", now),
              id);
          it->second = ExitSighting{*record, now, client};
        }
      }
    }
    if (fd.ok()) (void)host.Close(*std::move(fd));
    (void)host.Close(*std::move(dir));
  }
}

std::optional<Observed> ParseObserved(const std::string& status) {
  if (status == "creating") return Observed::kCreating;
  if (status == "created") return Observed::kCreated;
  if (status == "running") return Observed::kRunning;
  if (status == "paused") return Observed::kPaused;
  if (status == "stopped") return Observed::kStopped;
  return std::nullopt;
}

void Storm::Classify(StormOp& op, const Ran& ran) {
  HistoryOp& h = op.op;
  for (const FiredFault& f : plan_->fired()) {
    if (op.pid != 0 && f.pid.value == op.pid) {
      op.faults.push_back(f.ToString());
    }
  }
  if (!ran.problem.empty()) {
    op.outcome = absl::StrCat("client: ", ran.problem);
  } else {
    CommandResult r{ran.status, ran.out, ran.err};
    op.outcome = r.Describe();
  }
  const bool faulted = !op.faults.empty();
  // A lie (ENOENT for a file that is there, ESRCH for a live process) may
  // make even a success untrue: `state` told init is gone says "stopped".
  bool lied = false;
  for (const FiredFault& f : plan_->fired()) {
    lied |= op.pid != 0 && f.pid.value == op.pid &&
            f.fault.kind == Fault::Kind::kErrno && IsFactErrno(f.fault.err);
  }
  const std::string cmd = absl::StrCat("client ", h.client, " `runbox ",
                                       absl::StrJoin(op.args, " "), "` [",
                                       h.invoked, ", ", h.returned, "]");
  if (!ran.status) {
    // The client could not start or reap it: nothing is known. Without a
    // fault that is the harness's or the kernel's failure.
    h.result = OpResult::kIndeterminate;
    if (!faulted) Violation(absl::StrCat(cmd, ": ", op.outcome), h.id);
    return;
  }
  // exec exits with its process's status: a process killed by a signal
  // (a concurrent kill of the container) ran, so the exec took effect.
  // (A faulted exec's code may be runbox's own 255 with its message lost
  // to the fault: that is no process's death.)
  const bool exec_ran_and_was_killed =
      h.kind == OpKind::kExec && !faulted && ran.status->exited() &&
      ran.status->code > 128 && ran.status->code <= 128 + 64 && ran.err.empty();
  if (lied) {
    h.result = OpResult::kIndeterminate;
    return;
  }
  if (*ran.status == ExitStatus::Exited(0) || exec_ran_and_was_killed) {
    // Success is success, fault or not: runbox claims the op took effect.
    h.result = OpResult::kOk;
    if (h.kind == OpKind::kState) {
      nlohmann::json doc = nlohmann::json::parse(ran.out, nullptr, false);
      std::optional<Observed> observed;
      if (doc.is_object() && doc.value("id", "") == h.id) {
        observed = ParseObserved(doc.value("status", ""));
      }
      if (!observed) {
        Violation(absl::StrCat(cmd, " printed no sound state: ", op.outcome),
                  h.id);
        h.result = OpResult::kIndeterminate;
        return;
      }
      h.observed = observed;
    }
    return;
  }
  if (faulted || !ran.status->exited()) {
    // A fault hit it, or it died of a signal (a kill fault).
    h.result = OpResult::kIndeterminate;
    if (!faulted) {
      Violation(absl::StrCat(cmd, " died without a fault: ", op.outcome), h.id);
    }
    return;
  }
  if (h.kind == OpKind::kState &&
      absl::StrContains(ran.err, "does not exist")) {
    h.result = OpResult::kOk;
    h.observed = Observed::kAbsent;
    return;
  }
  h.result = OpResult::kFailed;
  if (ran.err.empty()) {
    Violation(absl::StrCat(cmd, " failed without a word: ", op.outcome), h.id);
  }
}

void Storm::CheckHistory() {
  std::vector<HistoryOp> ops;
  for (const StormOp& op : history_) ops.push_back(op.op);
  // One ID at a time, so that every ID that fails is named.
  for (const std::string& id : options_.ids) {
    std::vector<HistoryOp> of_id;
    for (const HistoryOp& op : ops) {
      if (op.id == id) of_id.push_back(op);
    }
    LinearizabilityResult result = CheckLinearizable(of_id, {});
    if (!result.ok()) Violation(result.explanation, id);
  }
}

StormReport Storm::Run() {
  report_.seed = options_.seed;
  if (!world_.setup_error().empty()) {
    Violation(absl::StrCat("set-up: ", world_.setup_error()));
    return report_;
  }
  // Run stops at each kStuckAfter, not at the containers' sleeps' end.
  world_.StartWatchdog(kStuckAfter, 2);
  const Resources baseline = TakeResources(world_);

  plan_ = std::make_shared<FaultPlan>(options_.seed);
  if (options_.errno_probability > 0) {
    plan_->Add(FaultRule::WithProbability(HostCallSet::All(),
                                          options_.errno_probability,
                                          Fault::PlausibleErrno()));
  }
  if (options_.kill_probability > 0) {
    plan_->Add(FaultRule::WithProbability(
        HostCallSet::All(), options_.kill_probability, Fault::Kill()));
  }
  std::shared_ptr<FaultPlan> plan = plan_;
  const std::set<int32_t>* clients = &client_pids_;
  world_.kernel().SetHostWrapper(
      [plan, clients](Host& inner) -> std::unique_ptr<Host> {
        if (!clients->contains(inner.GetParentPid().value)) return nullptr;
        return std::make_unique<FaultyHost>(inner, plan);
      });

  for (int c = 0; c < options_.clients; ++c) {
    const Pid pid = world_.kernel().StartFunction(
        [this, c](Host& host) { return ClientMain(host, c); }, "storm-client");
    client_pids_.insert(pid.value);
  }
  // Virtual time only moves when every process waits: the clients are
  // stuck once it has moved far (the containers' sleeps would end next,
  // which the model does not allow).
  fake::FakeKernel& kernel = world_.kernel();
  const absl::Duration start = kernel.MonotonicNow();
  auto waited = [&](int spans) {
    return kernel.MonotonicNow() - start >= spans * kStuckAfter;
  };

  fake::RunOutcome outcome = kernel.RunUntil(
      [&] { return clients_done_ == options_.clients || waited(1); });
  if (clients_done_ != options_.clients) {
    const Pid op_pid = kernel.StartFunction(
        [this](Host& host) { return OperatorMain(host); }, "storm-operator");
    outcome = kernel.RunUntil([&] {
      return (clients_done_ == options_.clients &&
              kernel.ExitStatusOf(op_pid).has_value()) ||
             waited(2);
    });
  }
  world_.kernel().SetHostWrapper(nullptr);
  if (clients_done_ != options_.clients) {
    std::string processes;
    for (const fake::ProcessInfo& p : kernel.Processes()) {
      absl::StrAppend(&processes, "\n    ", p.pid.value, " (parent ",
                      p.parent.value, ") ", absl::StrJoin(p.argv, " "),
                      p.zombie ? " <zombie>" : "");
    }
    Violation(absl::StrCat("the clients did not finish (",
                           fake::ToString(outcome),
                           "): ", options_.clients - clients_done_,
                           " still running; processes:", processes));
  }

  for (size_t i = 0; i < history_.size(); ++i) {
    Classify(history_[i], runs_[i]);
  }
  report_.faults_fired = plan_->fired().size();
  if (options_.doctor_history) {
    std::vector<HistoryOp*> ops;
    for (StormOp& op : history_) ops.push_back(&op.op);
    options_.doctor_history(ops);
  }

  // The runner reads the exit records once more, then checks.
  world_.InKernel([&](Host& host) {
    ReadExitRecords(host, -1);
    return 0;
  });
  for (std::string& v : CheckRecords(world_)) Violation(std::move(v));
  if (clients_done_ == options_.clients) CheckHistory();
  report_.trace_hash =
      world_.kernel().TraceHash() * 0x100000001b3ULL ^ plan_->TraceHash();
  // A lie (ENOENT for a cgroup that is there...) may leak what it denied.
  bool lied = false;
  for (const FiredFault& f : plan_->fired()) {
    lied |= f.fault.kind == Fault::Kind::kErrno && IsFactErrno(f.fault.err);
  }
  for (std::string& v :
       CheckRecovery(world_, baseline, options_.ids, /*check_leaks=*/!lied)) {
    Violation(absl::StrCat("recovery: ", v));
  }

  report_.exit_records = exit_records_.size();
  for (const StormOp& op : history_) {
    ++report_.ops;
    switch (op.op.result) {
      case OpResult::kOk:
        ++report_.ok;
        break;
      case OpResult::kFailed:
        ++report_.failed;
        break;
      case OpResult::kIndeterminate:
        ++report_.indeterminate;
        break;
    }
  }
  report_.history = history_;
  if (!report_.violations.empty()) {
    std::string& text = report_.text;
    absl::StrAppend(&text, "storm seed ", options_.seed, ": ",
                    report_.violations.size(), " violation(s); ",
                    options_.clients, " clients x ", options_.ops_per_client,
                    " ops on {", absl::StrJoin(options_.ids, ", "),
                    "}, errno p=", options_.errno_probability,
                    ", kill p=", options_.kill_probability, ", ",
                    report_.faults_fired, " faults fired\n");
    for (const std::string& v : report_.violations) {
      absl::StrAppend(&text, "VIOLATION: ", v, "\n");
    }
    absl::StrAppend(&text, "replay:\n", StormReplayCommands(options_.seed));
    if (blamed_ids_.empty()) {
      absl::StrAppend(&text, "history:\n", FormatHistory(history_));
    }
    for (const std::string& id : blamed_ids_) {
      absl::StrAppend(&text, "history of \"", id, "\":\n",
                      FormatHistory(history_, id));
    }
  }
  return report_;
}

}  // namespace

StormOptions StormOptionsForSeed(uint64_t seed) {
  Draws draws(Mix(seed, 0));
  StormOptions options;
  options.seed = seed;
  options.clients = 2 + static_cast<int>(draws.Uniform(3));
  options.ops_per_client = 6 + static_cast<int>(draws.Uniform(5));
  if (draws.Uniform(5) == 0) options.ids = {"a", kPodSandboxId};
  if (draws.Uniform(4) == 0) {
    options.errno_probability = 0;
    options.kill_probability = 0;
  }
  return options;
}

StormReport RunStorm(const StormOptions& options) {
  Storm storm(options);
  return storm.Run();
}

std::string StormReplayCommands(uint64_t seed) {
  return absl::StrCat("  tools/chaos --storm-seed ", seed,
                      "\n  bazel test //chaos:storm_test "
                      "--test_env=RUNBOX_SEED=",
                      seed, "\n");
}

std::string FormatHistory(const std::vector<StormOp>& history,
                          const std::string& only_id) {
  std::string out;
  for (const StormOp& op : history) {
    if (!only_id.empty() && op.op.id != only_id) continue;
    absl::StrAppend(&out, "  ", ToString(op.op), "  `runbox ",
                    absl::StrJoin(op.args, " "), "` pid ", op.pid, ": ",
                    op.outcome, "\n");
    for (const std::string& f : op.faults) {
      absl::StrAppend(&out, "      fault: ", f, "\n");
    }
  }
  return out;
}

}  // namespace runbox::chaos
