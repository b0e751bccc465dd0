// cgroup resources through the runbox command line: linux.resources at
// create, `update`, `events --stats`, streamed `events` (stats, OOM events,
// the end when the container stops) and the --systemd-cgroup refusal, on
// both hosts where the behaviour is host-independent, on the fake where
// the kernel must be driven (a simulated OOM kill), and on this machine's
// real cgroups (root only) for what only a kernel does: a memory hog killed
// at 32 MiB, a fork bomb stopped by pids.max, and the hybrid host's
// cgroup2 holding the container's init.
#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/cgroups/hierarchy.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kMiB = 1 << 20;

MATCHER_P(IsOkAndHolds, inner, "is OK with a matching value") {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}
const std::vector<std::string> kLongSleep = {"/bin/sleep", "100000"};

// runc's default config running `args`, no terminal, with `resources` as
// its linux.resources (JSON).
nlohmann::json ConfigJson(const std::vector<std::string>& args,
                          const nlohmann::json& resources) {
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = args;
  nlohmann::json doc = nlohmann::json::parse(spec::SerializeConfig(config));
  for (const auto& [key, value] : resources.items()) {
    doc["linux"]["resources"][key] = value;
  }
  return doc;
}

absl::Status MakeBundle(Host& host, const DualHost& env,
                        const std::string& bundle,
                        const std::vector<std::string>& args,
                        const nlohmann::json& resources) {
  RETURN_IF_ERROR(MakeBusyboxRootfs(host, env.ProgramPath("busybox"),
                                    absl::StrCat(bundle, "/rootfs")));
  return WriteFile(host, absl::StrCat(bundle, "/config.json"),
                   ConfigJson(args, resources).dump(2));
}

Output RunboxAt(const DualHost& env, Host& host, const std::string& root,
                const std::vector<std::string>& args) {
  std::vector<std::string> full = {"--root", root};
  full.insert(full.end(), args.begin(), args.end());
  return RunRunbox(env, host, full);
}

// The container's cgroups, as create made them (default cgroupsPath).
absl::StatusOr<cgroups::CgroupManager> ManagerOf(Host& host,
                                                 absl::string_view id) {
  return cgroups::CgroupManager::ForContainer(host,
                                              absl::StrCat("/runbox/", id));
}

// The memory limit as the container's cgroup states it (v1 or v2).
absl::StatusOr<std::string> MemoryLimit(Host& host,
                                        const cgroups::CgroupManager& m) {
  if (std::optional<std::string> v1 = m.V1Path("memory")) {
    return host.CgroupRead(*v1, "memory.limit_in_bytes");
  }
  return host.CgroupRead(*m.V2Path(), "memory.max");
}

absl::StatusOr<std::string> PidsFile(Host& host,
                                     const cgroups::CgroupManager& m,
                                     absl::string_view file) {
  if (std::optional<std::string> v1 = m.V1Path("pids")) {
    return host.CgroupRead(*v1, file);
  }
  return host.CgroupRead(*m.V2Path(), file);
}

// Every JSON line of `text`.
std::vector<nlohmann::json> JsonLines(absl::string_view text) {
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::optional<nlohmann::json> j = ParseJson(line);
    EXPECT_TRUE(j.has_value()) << line;
    if (j.has_value()) out.push_back(*j);
  }
  return out;
}

int CountType(const std::vector<nlohmann::json>& events,
              absl::string_view type) {
  int n = 0;
  for (const nlohmann::json& e : events) n += e.value("type", "") == type;
  return n;
}

// `runbox --root ROOT ARGS...` started in the background with stdout and
// stderr to files; returns its pid.
absl::StatusOr<Pid> SpawnRunbox(const DualHost& env, Host& host,
                                const std::string& root,
                                const std::vector<std::string>& args,
                                const std::string& out_path) {
  ASSIGN_OR_RETURN(
      Fd out, host.OpenAt(Fd::Cwd(), out_path,
                          {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                    OpenFlags::kTruncate,
                           .mode = 0644}));
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  SpawnRequest request;
  request.path = env.ProgramPath("runbox");
  request.argv = {"runbox", "--root", root};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.env = host.Environment();
  request.fds = {{&in.read, 0}, {&out, 1}, {&out, 2}};
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(request));
  return child.pid;
}

class ResourcesAcceptanceTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }
  Output Runbox(Host& host, const std::string& root,
                const std::vector<std::string>& args) {
    return RunboxAt(env(), host, root, args);
  }
};

// create with limits, read them back, update them, and see them in
// `events --stats`. Needs no start, so it runs wherever create does.
TEST_P(ResourcesAcceptanceTest, CreateUpdateAndStats) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    const std::string id = absl::StrCat("res-", absl::Hex(host.RandomUint64()));
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string root = absl::StrCat(dir, "/state");
    ASSERT_OK(MakeBundle(
        host, env(), bundle, kLongSleep,
        {{"memory", {{"limit", 32 * kMiB}}}, {"pids", {{"limit", 10}}}}));
    Output create = Runbox(host, root, {"create", "--bundle", bundle, id});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    ASSERT_OK_AND_ASSIGN(cgroups::CgroupManager m, ManagerOf(host, id));
    EXPECT_EQ(MemoryLimit(host, m).value_or(""), "33554432\n");
    EXPECT_EQ(PidsFile(host, m, "pids.max").value_or(""), "10\n");

    Output update = Runbox(
        host, root, {"update", "--memory", "64m", "--pids-limit", "20", id});
    EXPECT_EQ(update.status, ExitStatus::Exited(0)) << update.Describe();
    EXPECT_EQ(MemoryLimit(host, m).value_or(""), "67108864\n");
    EXPECT_EQ(PidsFile(host, m, "pids.max").value_or(""), "20\n");

    // --resources from a file; the other flags are ignored then, as runc.
    ASSERT_OK(WriteFile(host, absl::StrCat(dir, "/r.json"),
                        R"({"pids": {"limit": 15}})"));
    Output from_file =
        Runbox(host, root,
               {"update", "--resources", absl::StrCat(dir, "/r.json"),
                "--pids-limit", "99", id});
    EXPECT_EQ(from_file.status, ExitStatus::Exited(0)) << from_file.Describe();
    EXPECT_EQ(PidsFile(host, m, "pids.max").value_or(""), "15\n");
    ASSERT_OK(WriteFile(host, absl::StrCat(dir, "/bad.json"),
                        R"({"memory": {"limit": "lots"}})"));
    Output bad =
        Runbox(host, root,
               {"update", "--resources", absl::StrCat(dir, "/bad.json"), id});
    EXPECT_EQ(bad.status, ExitStatus::Exited(1)) << bad.Describe();
    EXPECT_THAT(bad.err, HasSubstr("memory.limit")) << bad.Describe();
    // "-" reads stdin, which is empty here: not a JSON object.
    Output empty = Runbox(host, root, {"update", "--resources", "-", id});
    EXPECT_EQ(empty.status, ExitStatus::Exited(1)) << empty.Describe();
    EXPECT_THAT(empty.err, HasSubstr("--resources")) << empty.Describe();
    EXPECT_EQ(MemoryLimit(host, m).value_or(""), "67108864\n");

    Output stats = Runbox(host, root, {"events", "--stats", id});
    ASSERT_EQ(stats.status, ExitStatus::Exited(0)) << stats.Describe();
    std::optional<nlohmann::json> doc = ParseJson(stats.out);
    ASSERT_TRUE(doc.has_value()) << stats.Describe();
    EXPECT_EQ(doc->value("type", ""), "stats");
    EXPECT_EQ(doc->value("id", ""), id);
    const nlohmann::json& data = (*doc)["data"];
    EXPECT_EQ(data["memory"]["usage"].value("limit", uint64_t{0}),
              uint64_t{64} * kMiB)
        << stats.out;
    EXPECT_EQ(data["pids"].value("limit", 0), 15) << stats.out;
    EXPECT_GE(data["pids"].value("current", 0), 1) << stats.out;

    Output del = Runbox(host, root, {"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    // A stopped or missing container cannot be updated.
    Output gone = Runbox(host, root, {"update", "--memory", "1g", id});
    EXPECT_EQ(gone.status, ExitStatus::Exited(1)) << gone.Describe();
    EXPECT_THAT(gone.err, HasSubstr("does not exist"));
    ReapExited(host);
  });
}

TEST_P(ResourcesAcceptanceTest, SystemdCgroupFlagIsRefusedBeforeAnything) {
  env().Run([&](Host& host, const std::string& dir) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string root = absl::StrCat(dir, "/state");
    ASSERT_OK(MakeBundle(host, env(), bundle, kLongSleep, {}));
    for (const char* command : {"create", "run"}) {
      Output out = RunRunbox(env(), host,
                             {"--root", root, "--systemd-cgroup", command,
                              "--bundle", bundle, "sd"});
      EXPECT_EQ(out.status, ExitStatus::Exited(1)) << out.Describe();
      EXPECT_THAT(out.err, HasSubstr("systemd cgroup driver is not supported"))
          << out.Describe();
      EXPECT_THAT(host.StatAt(Fd::Cwd(), absl::StrCat(root, "/sd"),
                              FollowSymlinks::kNoFollow),
                  HasErrno(ENOENT));
    }
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ResourcesAcceptanceTest);

// --- Fake only: streamed events, virtual time and a simulated OOM kill -----

std::unique_ptr<DualHost> MakeFakeEnv() {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  return env;
}

// events streams a stats line per interval until the container stops, and
// then exits 0.
TEST(ResourcesEventsFakeTest, StreamsStatsUntilTheContainerStops) {
  std::unique_ptr<DualHost> env = MakeFakeEnv();
  env->Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.SetChildSubreaper());
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string root = absl::StrCat(dir, "/state");
    const std::string out_path = absl::StrCat(dir, "/events.out");
    ASSERT_OK(
        MakeBundle(host, *env, bundle, kLongSleep, {{"pids", {{"limit", 5}}}}));
    Output run =
        RunboxAt(*env, host, root, {"run", "-d", "--bundle", bundle, "ev"});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK_AND_ASSIGN(
        Pid events,
        SpawnRunbox(*env, host, root, {"events", "--interval", "2s", "ev"},
                    out_path));
    // Virtual time: 7 s is three 2 s intervals.
    host.SleepFor(absl::Milliseconds(7500));
    Output kill = RunboxAt(*env, host, root, {"kill", "ev", "KILL"});
    EXPECT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    EXPECT_THAT(Reap(host, events), IsOkAndHolds(ExitStatus::Exited(0)));
    ASSERT_OK_AND_ASSIGN(std::string out, ReadFile(host, out_path));
    std::vector<nlohmann::json> lines = JsonLines(out);
    EXPECT_EQ(CountType(lines, "stats"), 3) << out;
    EXPECT_EQ(CountType(lines, "oom"), 0) << out;
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0].value("id", ""), "ev");
    EXPECT_EQ(lines[0]["data"]["pids"].value("limit", 0), 5) << out;
    Output del = RunboxAt(*env, host, root, {"delete", "ev"});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    ReapExited(host);
  });
}

// An OOM kill of the container's init: events reports {"type":"oom"} and
// then ends with the container.
TEST(ResourcesEventsFakeTest, OomKillIsReported) {
  std::unique_ptr<DualHost> env = MakeFakeEnv();
  std::unique_ptr<fake::FakeKernel> kernel = env->NewFakeKernel();
  std::atomic<bool> ready{false};
  std::string events_out;
  std::optional<ExitStatus> events_status;
  std::optional<ExitStatus> wait_status;
  Pid body = kernel->StartFunction([&](Host& host) -> int {
    const std::string dir = "/t";
    if (!MakeDirs(host, Fd::Cwd(), dir, 0755).ok()) return 1;
    if (!host.SetChildSubreaper().ok()) return 1;
    const std::string bundle = "/t/bundle";
    const std::string root = "/t/state";
    if (!MakeBundle(host, *env, bundle, kLongSleep,
                    {{"memory", {{"limit", 32 * kMiB}}}})
             .ok()) {
      return 2;
    }
    Output run =
        RunboxAt(*env, host, root, {"run", "-d", "--bundle", bundle, "oom"});
    if (run.status != ExitStatus::Exited(0)) return 3;
    absl::StatusOr<Pid> events =
        SpawnRunbox(*env, host, root, {"events", "oom"}, "/t/events.out");
    if (!events.ok()) return 4;
    // Let events take its first look before the OOM.
    host.SleepFor(absl::Seconds(2));
    ready = true;
    absl::StatusOr<ExitStatus> status = Reap(host, *events);
    if (status.ok()) events_status = *status;
    events_out = ReadFile(host, "/t/events.out").value_or("");
    Output wait = RunboxAt(*env, host, root, {"wait", "oom"});
    if (wait.status == ExitStatus::Exited(0)) {
      int code = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(wait.out), &code)) {
        wait_status = ExitStatus::Exited(code);
      }
    }
    (void)RunboxAt(*env, host, root, {"delete", "--force", "oom"});
    ReapExited(host);
    return 0;
  });
  kernel->RunUntil([&] { return ready.load(); });
  ASSERT_TRUE(ready.load()) << "the container did not come up";
  ASSERT_OK(kernel->SimulateOomKill("/sys/fs/cgroup/runbox/oom"));
  std::optional<ExitStatus> done = RunFakeUntilExit(*kernel, body, 1);
  ASSERT_EQ(done, ExitStatus::Exited(0));
  EXPECT_EQ(events_status, ExitStatus::Exited(0));
  std::vector<nlohmann::json> lines = JsonLines(events_out);
  ASSERT_EQ(CountType(lines, "oom"), 1) << events_out;
  // wait prints init's shell code: 128 + SIGKILL.
  EXPECT_EQ(wait_status, ExitStatus::Exited(137));
}

// --- Linux only: what only a kernel does --------------------------------

// Why the real cgroups cannot be used for `controller`, if they cannot.
std::optional<std::string> LinuxSkipReason(Host& host,
                                           absl::string_view controller) {
  if (host.GetUid() != 0) return "needs root";
  absl::StatusOr<cgroups::Hierarchies> h = cgroups::DetectHierarchies(host);
  if (!h.ok()) return absl::StrCat("no cgroups: ", h.status().message());
  if (h->V1For(controller) == nullptr &&
      !(h->v2.has_value() && h->v2->Has(controller))) {
    return absl::StrCat("the ", controller, " controller is not mounted");
  }
  return std::nullopt;
}

class ResourcesLinuxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = DualHost::Make("Linux");
    RegisterRunboxAndBusybox(*env_);
  }
  std::unique_ptr<DualHost> env_;
};

// A 32 MiB limit (swap included) and a shell doubling a string until the
// OOM killer ends it: the OOM killer ends it, `events` reports the OOM, and
// init's status is SIGKILL.
TEST_F(ResourcesLinuxTest, MemoryHogIsOomKilledAndReported) {
  env_->Run([&](Host& host, const std::string& dir) {
    if (auto reason = LinuxSkipReason(host, "memory")) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string id = absl::StrCat("hog-", absl::Hex(host.RandomUint64()));
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string root = absl::StrCat(dir, "/state");
    const std::string out_path = absl::StrCat(dir, "/events.out");
    ASSERT_OK(MakeBundle(
        host, *env_, bundle, {"/bin/sh", "-c", "x=a; while :; do x=$x$x; done"},
        {{"memory", {{"limit", 32 * kMiB}, {"swap", 32 * kMiB}}}}));
    Output create =
        RunboxAt(*env_, host, root, {"create", "--bundle", bundle, id});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    ASSERT_OK_AND_ASSIGN(
        Pid events, SpawnRunbox(*env_, host, root,
                                {"events", "--interval", "1s", id}, out_path));
    Output start = RunboxAt(*env_, host, root, {"start", id});
    EXPECT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    Output wait = RunboxAt(*env_, host, root, {"wait", id});
    EXPECT_EQ(wait.out, "137\n") << wait.Describe();
    EXPECT_THAT(Reap(host, events), IsOkAndHolds(ExitStatus::Exited(0)));
    ASSERT_OK_AND_ASSIGN(std::string out, ReadFile(host, out_path));
    EXPECT_GE(CountType(JsonLines(out), "oom"), 1) << out;
    Output stats = RunboxAt(*env_, host, root, {"events", "--stats", id});
    std::optional<nlohmann::json> doc = ParseJson(stats.out);
    ASSERT_TRUE(doc.has_value()) << stats.Describe();
    EXPECT_EQ((*doc)["data"]["memory"]["usage"].value("limit", uint64_t{0}),
              uint64_t{32} * kMiB);
    Output del = RunboxAt(*env_, host, root, {"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    ReapExited(host);
  });
}

// pids.max 10 stops a fork loop: the cgroup never holds more than 10.
TEST_F(ResourcesLinuxTest, PidsLimitStopsAForkLoop) {
  env_->Run([&](Host& host, const std::string& dir) {
    if (auto reason = LinuxSkipReason(host, "pids")) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string id =
        absl::StrCat("fork-", absl::Hex(host.RandomUint64()));
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string root = absl::StrCat(dir, "/state");
    // Forks until refused, printing how many forks succeeded; a refused
    // fork ends the script (ash), so the run returns once the limit is hit.
    ASSERT_OK(MakeBundle(host, *env_, bundle,
                         {"/bin/sh", "-c",
                          "n=0; for i in $(/bin/busybox seq 50); do "
                          "sleep 1000 & n=$((n+1)); echo $n; done; exit 3"},
                         {{"pids", {{"limit", 10}}}}));
    Output run =
        RunboxAt(*env_, host, root, {"run", "--keep", "--bundle", bundle, id});
    EXPECT_NE(run.status, ExitStatus::Exited(3))
        << "all 50 forks succeeded: " << run.Describe();
    EXPECT_THAT(run.err, HasSubstr("fork")) << run.Describe();
    std::vector<std::string> counts =
        absl::StrSplit(run.out, '\n', absl::SkipEmpty());
    ASSERT_FALSE(counts.empty()) << run.Describe();
    int n = 0;
    ASSERT_TRUE(absl::SimpleAtoi(counts.back(), &n)) << run.Describe();
    // The shell itself is one of the 10.
    EXPECT_LE(n, 9) << run.Describe();
    EXPECT_GE(n, 1) << run.Describe();
    Output stats = RunboxAt(*env_, host, root, {"events", "--stats", id});
    std::optional<nlohmann::json> doc = ParseJson(stats.out);
    ASSERT_TRUE(doc.has_value()) << stats.Describe();
    EXPECT_EQ((*doc)["data"]["pids"].value("limit", 0), 10);
    Output del = RunboxAt(*env_, host, root, {"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    ReapExited(host);
  });
}

// On a hybrid host the container's cgroup2 directory (under
// /sys/fs/cgroup/unified) holds init too: populated while it runs, empty
// after a kill, gone after delete.
TEST_F(ResourcesLinuxTest, HybridCgroup2HoldsInitUntilDelete) {
  env_->Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    absl::StatusOr<cgroups::Hierarchies> h = cgroups::DetectHierarchies(host);
    if (!h.ok() || h->mode != cgroups::CgroupMode::kHybrid) {
      GTEST_SKIP() << "the host's cgroups are not hybrid";
    }
    ASSERT_OK(host.SetChildSubreaper());
    const std::string id = absl::StrCat("hy-", absl::Hex(host.RandomUint64()));
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string root = absl::StrCat(dir, "/state");
    ASSERT_OK(MakeBundle(host, *env_, bundle, kLongSleep, {}));
    Output create =
        RunboxAt(*env_, host, root, {"create", "--bundle", bundle, id});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    ASSERT_OK_AND_ASSIGN(cgroups::CgroupManager m, ManagerOf(host, id));
    const std::string v2 = *m.V2Path();
    EXPECT_TRUE(absl::StartsWith(v2, h->v2->mount)) << v2;
    ASSERT_OK_AND_ASSIGN(std::vector<Pid> procs, host.CgroupProcesses(v2));
    EXPECT_EQ(procs.size(), 1u) << "init in the cgroup2 directory";
    EXPECT_THAT(host.CgroupRead(v2, "cgroup.events"),
                IsOkAndHolds(HasSubstr("populated 1")));
    Output kill = RunboxAt(*env_, host, root, {"kill", "--all", id, "KILL"});
    EXPECT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = RunboxAt(*env_, host, root, {"wait", id});
    EXPECT_EQ(wait.out, "137\n") << wait.Describe();
    EXPECT_THAT(host.CgroupRead(v2, "cgroup.events"),
                IsOkAndHolds(HasSubstr("populated 0")));
    Output del = RunboxAt(*env_, host, root, {"delete", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(host.CgroupRead(v2, "cgroup.procs"), HasErrno(ENOENT));
    ReapExited(host);
  });
}

}  // namespace
}  // namespace runbox
