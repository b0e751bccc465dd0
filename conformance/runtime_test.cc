// runtime.md through the runbox CLI on both hosts: the state of a container
// (State, Query State), its lifecycle (create, start, kill, delete, with
// the hooks each step runs), what a refused operation leaves (Errors: the
// state and the --root directory exactly as before), warnings, and the
// hooks of config.md "POSIX-platform Hooks" (order, stdin, args and env,
// timeout, which namespace a hook's path resolves and runs in).
//
// Every hook, and the program of containers whose run must be seen, is the
// hook recorder (runtime/testing/fake_programs.h): it appends one JSON line
// per run to a log, so the log is the lifecycle's timeline.
#include <algorithm>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"
#include "runtime/testing/recorder_run.h"

namespace runbox::conformance {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// Distinctive IDs: on Linux the default cgroup is /runbox/<id>, shared by
// every suite running on the machine.
constexpr char kId[] = "runtime-spec-c1";
constexpr char kOtherId[] = "runtime-spec-c2";
constexpr char kAnnotation[] = "org.example.conformance";
constexpr char kAnnotationValue[] = "runtime.md";
// Where startContainer hooks (and a recorder run as the container's
// program) find the recorder and its log: Bundle::recorder and
// Bundle::log seen from inside the container.
constexpr char kContainerRecorder[] = "/bin/hook_recorder";
constexpr char kContainerLog[] = "/hooks.log";

// Alive until killed (virtual time on the fake).
const std::vector<std::string>& SleepArgs() {
  static const auto* args =
      new std::vector<std::string>{"/bin/sleep", "100000"};
  return *args;
}

// A container program that logs "program" when it runs, then exits 0.
std::vector<std::string> RecorderProgram(absl::string_view label = "program") {
  return {std::string(kContainerRecorder), std::string(label),
          std::string(kContainerLog)};
}

const std::vector<std::string>& AllPhases() {
  static const auto* phases = new std::vector<std::string>{
      "prestart",       "createRuntime", "createContainer",
      "startContainer", "poststart",     "poststop"};
  return *phases;
}

absl::Status WriteExecutable(Host& host, const std::string& path,
                             absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      Fd fd, host.OpenAt(Fd::Cwd(), path,
                         {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                   OpenFlags::kTruncate,
                          .mode = 0755}));
  RETURN_IF_ERROR(WriteAll(host, fd, bytes));
  RETURN_IF_ERROR(host.Fchmod(fd, 0755));
  return host.Close(std::move(fd));
}

// One bundle at DIR/NAME with the recorder and its log inside the rootfs
// (host paths here; kContainer* inside).
struct Bundle {
  Bundle(const std::string& dir, absl::string_view name = "bundle")
      : path(absl::StrCat(dir, "/", name)),
        rootfs(absl::StrCat(path, "/rootfs")),
        recorder(absl::StrCat(rootfs, kContainerRecorder)),
        log(absl::StrCat(rootfs, kContainerLog)) {}
  std::string path;
  std::string rootfs;
  std::string recorder;
  std::string log;
};

// A recorder hook that logs `label` and then does what `mode` says
// (nothing: exit 0; an exit code; "hang"). startContainer hooks use the
// container's paths, the others the runtime's.
nlohmann::json RecorderHook(const Bundle& bundle, absl::string_view label,
                            absl::string_view mode = "") {
  const bool inside = absl::StartsWith(label, "startContainer");
  const std::string path = inside ? kContainerRecorder : bundle.recorder;
  std::vector<std::string> args = {path, std::string(label),
                                   inside ? kContainerLog : bundle.log};
  if (!mode.empty()) args.push_back(std::string(mode));
  return {{"path", path}, {"args", args}};
}

// One succeeding recorder per phase, labelled with the phase.
nlohmann::json OnePerPhase(const Bundle& bundle) {
  nlohmann::json hooks = nlohmann::json::object();
  for (const std::string& phase : AllPhases()) {
    hooks[phase] = nlohmann::json::array({RecorderHook(bundle, phase)});
  }
  return hooks;
}

// What the recorder logged about one run.
struct Record {
  std::string phase;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string input;
  int pid = 0;
  std::vector<std::string> target_argv;
  nlohmann::json state;  // `input` parsed; discarded if not JSON.
};

std::vector<Record> ReadRecords(Host& host, const std::string& log) {
  absl::StatusOr<std::string> text =
      ReadFileAt(host, Fd::Cwd(), log, kUnbounded);
  if (!text.ok()) {
    EXPECT_TRUE(IsErrno(text.status(), ENOENT)) << text.status();
    return {};
  }
  std::vector<Record> records;
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::optional<nlohmann::json> j = ParseJson(line);
    if (!j.has_value() || !j->is_object()) {
      ADD_FAILURE() << "bad hook record: " << line;
      continue;
    }
    Record r;
    r.phase = j->value("phase", "");
    r.argv = j->value("argv", std::vector<std::string>{});
    r.env = j->value("env", std::vector<std::string>{});
    r.input = j->value("stdin", "");
    r.pid = j->value("pid", 0);
    r.target_argv = j->value("target_argv", std::vector<std::string>{});
    r.state = nlohmann::json::parse(r.input, nullptr,
                                    /*allow_exceptions=*/false);
    records.push_back(std::move(r));
  }
  return records;
}

std::vector<std::string> Phases(Host& host, const std::string& log) {
  std::vector<std::string> phases;
  for (const Record& r : ReadRecords(host, log)) phases.push_back(r.phase);
  return phases;
}

const Record* Find(const std::vector<Record>& records,
                   absl::string_view phase) {
  for (const Record& r : records) {
    if (r.phase == phase) return &r;
  }
  return nullptr;
}

// The names in directory `path` (sorted); nullopt when it is not a
// directory or does not exist.
std::optional<std::vector<std::string>> DirNames(Host& host,
                                                 const std::string& path) {
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) return std::nullopt;
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*dir);
  if (!entries.ok()) return std::nullopt;
  std::vector<std::string> names;
  for (const DirEntry& e : *entries) {
    if (e.name != "." && e.name != "..") names.push_back(e.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every test's fixture: ConformanceTest plus the hook recorder; on the
// fake, the test drives the kernel itself so the recorder can tell which
// program a pid runs (target_argv) and the test can list processes.
class RuntimeSpecTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    recorder_.RegisterHookRecorder();
  }

  void Run(DualHostBody body) {
    recorder_.Run(std::move(body), "/tmp/runtime-conformance");
  }
  std::vector<std::pair<Pid, std::string>> ProcessesMentioning(
      Host& host, absl::string_view needle) const {
    return recorder_.ProcessesMentioning(host, needle);
  }
  void ExpectNoProcessLeft(Host& host, absl::string_view needle) const {
    recorder_.ExpectNoProcessLeft(host, needle);
  }

  static std::string Root(const std::string& dir) {
    return absl::StrCat(dir, "/state");
  }

  // `runbox --root DIR/state ARGS...`.
  Output Runbox(Host& host, const std::string& dir,
                const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", Root(dir)};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }

  Output Create(Host& host, const std::string& dir, const Bundle& bundle,
                const std::string& id = kId) {
    return Runbox(host, dir, {"create", "--bundle", bundle.path, id});
  }

  // runc's default config running `args`, with a writable root (a
  // recorder in the container logs into it), one annotation and `hooks`.
  static nlohmann::json Config(
      const nlohmann::json& hooks,
      const std::vector<std::string>& args = SleepArgs()) {
    nlohmann::json config = DefaultConfig(args);
    config["root"]["readonly"] = false;
    config["annotations"] = {{kAnnotation, kAnnotationValue}};
    if (!hooks.is_null()) config["hooks"] = hooks;
    return config;
  }

  // MakeBundle (harness.h) plus the recorder at Bundle::recorder.
  absl::Status MakeRecorderBundle(Host& host, const Bundle& bundle,
                                  const nlohmann::json& config) {
    RETURN_IF_ERROR(MakeBundle(env(), host, bundle.path, config));
    return CopyRecorder(host, bundle.recorder);
  }

  absl::Status CopyRecorder(Host& host, const std::string& to) {
    ASSIGN_OR_RETURN(
        std::string recorder,
        ReadFileAt(host, Fd::Cwd(),
                   env().ProgramPath(std::string(kHookRecorderProgram)),
                   kUnbounded));
    return WriteExecutable(host, to, recorder);
  }

  absl::Status WriteConfig(Host& host, const Bundle& bundle,
                           const nlohmann::json& config) {
    return WriteFile(host, absl::StrCat(bundle.path, "/config.json"),
                     config.dump(2));
  }

  // `runbox state ID` parsed; nullopt (and the output in `why`) when it
  // fails or is not JSON.
  std::optional<nlohmann::json> StateOf(Host& host, const std::string& dir,
                                        const std::string& id = kId) {
    Output state = Runbox(host, dir, {"state", id});
    std::optional<nlohmann::json> j = ParseJson(state.out);
    if (state.status != ExitStatus::Exited(0) || !j.has_value() ||
        !j->is_object()) {
      ADD_FAILURE() << "runbox state " << id << ": " << state.Describe();
      return std::nullopt;
    }
    return j;
  }

  std::string StatusOf(Host& host, const std::string& dir,
                       const std::string& id = kId) {
    std::optional<nlohmann::json> j = StateOf(host, dir, id);
    return j.has_value() ? j->value("status", "<none>") : "<no state>";
  }

  // Everything a refused operation must leave as it was: `state ID`,
  // `list`, and under --root every name (two levels) and every meta.json.
  std::string Snapshot(Host& host, const std::string& dir,
                       const std::string& id = kId) {
    std::string out;
    Output state = Runbox(host, dir, {"state", id});
    absl::StrAppend(&out, "state: ", ToString(state.status), "\n", state.out,
                    "\n");
    Output list = Runbox(host, dir, {"list", "--format", "json"});
    absl::StrAppend(&out, "list: ", ToString(list.status), "\n", list.out);
    const std::string root = Root(dir);
    for (const std::string& name :
         DirNames(host, root).value_or(std::vector<std::string>{})) {
      absl::StrAppend(&out, name, "\n");
      const std::string sub = absl::StrCat(root, "/", name);
      std::optional<std::vector<std::string>> inner = DirNames(host, sub);
      if (!inner.has_value()) continue;
      for (const std::string& file : *inner) {
        absl::StrAppend(&out, "  ", name, "/", file, "\n");
      }
      absl::StatusOr<std::string> meta =
          ReadFile(host, absl::StrCat(sub, "/meta.json"));
      if (meta.ok()) absl::StrAppend(&out, "  meta.json: ", *meta, "\n");
    }
    return out;
  }

  // create, start: a running container.
  void CreateAndStart(Host& host, const std::string& dir,
                      const Bundle& bundle) {
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = Runbox(host, dir, {"start", kId});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
  }

  // kill -9 and wait: a stopped container.
  void StopContainer(Host& host, const std::string& dir) {
    Output kill = Runbox(host, dir, {"kill", kId, "KILL"});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "137\n");
  }

  // After a test: whatever it left goes.
  void ForceDelete(Host& host, const std::string& dir,
                   const std::vector<std::string>& ids = {kId}) {
    std::vector<std::string> args = {"delete", "--force"};
    args.insert(args.end(), ids.begin(), ids.end());
    Output out = Runbox(host, dir, args);
    EXPECT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    for (const auto& [pid, line] : ProcessesMentioning(host, dir)) {
      (void)host.Kill(pid, Signal::kKill);
    }
  }

  // The container does not exist in any form: `state` says so, it is not
  // listed, it has no directory under --root and no process is left (one
  // whose command line mentions `needle`; by default, anything of the
  // test's).
  void ExpectNoTrace(Host& host, const std::string& dir,
                     const std::string& id = kId,
                     std::optional<std::string> needle = std::nullopt) {
    Output state = Runbox(host, dir, {"state", id});
    EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
    EXPECT_THAT(state.err, HasSubstr("does not exist"));
    Output list = Runbox(host, dir, {"list", "-q"});
    EXPECT_EQ(list.status, ExitStatus::Exited(0)) << list.Describe();
    std::vector<std::string> listed =
        absl::StrSplit(list.out, '\n', absl::SkipEmpty());
    EXPECT_THAT(listed, Not(Contains(id)));
    EXPECT_FALSE(DirNames(host, absl::StrCat(Root(dir), "/", id)).has_value())
        << "the container's state directory is still there";
    ExpectNoProcessLeft(host, needle.value_or(dir));
  }

  // A failing hook in `phase` (prestart, createRuntime or
  // createContainer), the second of three: create fails, the third hook
  // and later phases never run, the lifecycle goes on at destroy and
  // poststop (steps 12-13), nothing is left and the ID is free.
  void ExpectCreateHookFailureStopsTheLifecycle(Host& host,
                                                const std::string& dir,
                                                absl::string_view phase) {
    Bundle bundle(dir);
    nlohmann::json hooks = OnePerPhase(bundle);
    const std::string p(phase);
    hooks[p] =
        nlohmann::json::array({RecorderHook(bundle, absl::StrCat(p, "#0")),
                               RecorderHook(bundle, absl::StrCat(p, "#1"), "1"),
                               RecorderHook(bundle, absl::StrCat(p, "#2"))});
    ASSERT_OK(
        MakeRecorderBundle(host, bundle, Config(hooks, RecorderProgram())));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    EXPECT_NE(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr(absl::StrCat(p, "#1 exits 1")));

    std::vector<std::string> expected;
    for (const std::string& q : AllPhases()) {
      if (q == p) {
        expected.push_back(absl::StrCat(q, "#0"));
        expected.push_back(absl::StrCat(q, "#1"));
        break;
      }
      expected.push_back(q);
    }
    expected.push_back("poststop");
    EXPECT_THAT(Phases(host, bundle.log), ElementsAreArray(expected));
    ExpectNoTrace(host, dir);

    ASSERT_OK(WriteConfig(host, bundle, Config(nlohmann::json())));
    Output again = Create(host, dir, bundle);
    EXPECT_EQ(again.status, ExitStatus::Exited(0)) << again.Describe();
    EXPECT_EQ(StatusOf(host, dir), "created");
  }

  RecorderRun recorder_{env()};
};

// Suites named after runtime.md's sections.
class RuntimeState : public RuntimeSpecTest {};
class RuntimeLifecycle : public RuntimeSpecTest {};
class RuntimeErrors : public RuntimeSpecTest {};
class RuntimeWarnings : public RuntimeSpecTest {};
class RuntimeOperations : public RuntimeSpecTest {};
class RuntimeHooks : public RuntimeSpecTest {};

// ---------------------------------------------------------------------------
// State

// "State": every required property, with its value, for a created and a
// running container; pid names a live process on the host.
TEST_P(RuntimeState, StateHasTheRequiredProperties) {
  Covers({"runtime/state/1", "runtime/state/2", "runtime/state/4",
          "runtime/state/6", "runtime/state/7", "runtime/state/8",
          "runtime/query-state/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(nlohmann::json())));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();

    for (const char* status : {"created", "running"}) {
      SCOPED_TRACE(status);
      if (std::string(status) == "running") {
        Output start = Runbox(host, dir, {"start", kId});
        ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
      }
      std::optional<nlohmann::json> state = StateOf(host, dir);
      ASSERT_TRUE(state.has_value());
      SCOPED_TRACE(state->dump());
      ASSERT_TRUE((*state)["ociVersion"].is_string());
      // The config's ociVersion, which runbox's default spec writes.
      EXPECT_THAT((*state)["ociVersion"].get<std::string>(), StartsWith("1."));
      ASSERT_TRUE((*state)["id"].is_string());
      EXPECT_EQ((*state)["id"], kId);
      ASSERT_TRUE((*state)["status"].is_string());
      EXPECT_EQ((*state)["status"], status);
      ASSERT_TRUE((*state)["pid"].is_number_integer());
      const int pid = (*state)["pid"].get<int>();
      EXPECT_GT(pid, 0);
      // Seen by the host: a live process there.
      EXPECT_OK(host.Kill(Pid{pid}, Signal::kNone));
      ASSERT_TRUE((*state)["bundle"].is_string());
      EXPECT_EQ((*state)["bundle"], bundle.path);
      EXPECT_THAT((*state)["bundle"].get<std::string>(), StartsWith("/"));
      ASSERT_TRUE((*state)["annotations"].is_object());
      EXPECT_EQ((*state)["annotations"],
                nlohmann::json({{kAnnotation, kAnnotationValue}}));
    }
  });
}

// "State": status is created after create, running after start, stopped
// once the process has exited, whatever stopped it.
TEST_P(RuntimeState, StatusFollowsTheLifecycle) {
  Covers({"runtime/state/4", "runtime/query-state/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle,
                                 Config(nlohmann::json(), {"/bin/true"})));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_EQ(StatusOf(host, dir), "created");
    Output start = Runbox(host, dir, {"start", kId});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    // The program exits on its own.
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "0\n");
    EXPECT_EQ(StatusOf(host, dir), "stopped");
  });
}

// "State": a status beyond the four is a runtime-defined new state:
// runbox's "paused" is one (a frozen container), and it ends as running
// again.
TEST_P(RuntimeState, PausedIsAStateOfItsOwn) {
  Covers({"runtime/state/5"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(nlohmann::json())));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    Output pause = Runbox(host, dir, {"pause", kId});
    ASSERT_EQ(pause.status, ExitStatus::Exited(0)) << pause.Describe();
    EXPECT_EQ(StatusOf(host, dir), "paused");
    Output resume = Runbox(host, dir, {"resume", kId});
    ASSERT_EQ(resume.status, ExitStatus::Exited(0)) << resume.Describe();
    EXPECT_EQ(StatusOf(host, dir), "running");
  });
}

// "State": the ID is unique on the host: a second container with the
// same ID under the same root cannot exist, one with another ID can.
TEST_P(RuntimeState, IdIsUnique) {
  Covers({"runtime/state/3", "runtime/create/2", "runtime/create/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle first(dir, "first");
    Bundle second(dir, "second");
    ASSERT_OK(MakeRecorderBundle(host, first, Config(nlohmann::json())));
    ASSERT_OK(MakeRecorderBundle(host, second, Config(OnePerPhase(second))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir, {kId, kOtherId}); };
    Output create = Create(host, dir, first);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();

    Output again = Create(host, dir, second);
    EXPECT_NE(again.status, ExitStatus::Exited(0)) << again.Describe();
    EXPECT_THAT(again.err, HasSubstr("already exists"));
    // Nothing of the second bundle ran, and the first is untouched.
    EXPECT_THAT(Phases(host, second.log), IsEmpty());
    std::optional<nlohmann::json> state = StateOf(host, dir);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->value("bundle", ""), first.path);
    EXPECT_EQ(state->value("status", ""), "created");

    Output other = Create(host, dir, second, kOtherId);
    EXPECT_EQ(other.status, ExitStatus::Exited(0)) << other.Describe();
    Output list = Runbox(host, dir, {"list", "-q"});
    EXPECT_EQ(list.out, absl::StrCat(kId, "\n", kOtherId, "\n"));
  });
}

// "State": annotations absent or empty when the config has none.
TEST_P(RuntimeState, NoAnnotationsMeansAbsentOrEmpty) {
  Covers({"runtime/state/8"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json config = Config(nlohmann::json());
    config.erase("annotations");
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    std::optional<nlohmann::json> state = StateOf(host, dir);
    ASSERT_TRUE(state.has_value());
    if (state->contains("annotations")) {
      EXPECT_EQ((*state)["annotations"], nlohmann::json::object());
    }
  });
}

// ---------------------------------------------------------------------------
// Lifecycle

// Steps 1-13 with one hook per phase and two in createRuntime and
// poststart: create runs prestart, createRuntime (in listed order),
// createContainer and not the program; start runs startContainer before
// the program and poststart after it, before start returns; kill and
// wait run nothing; delete runs poststop. Breaking hook order anywhere
// turns this test red.
TEST_P(RuntimeLifecycle, HooksRunAtTheirStepsInOrder) {
  Covers({"runtime/scope-of-a-container/1",
          "runtime/operations/1",
          "runtime/lifecycle/4",
          "runtime/lifecycle/6",
          "runtime/lifecycle/8",
          "runtime/lifecycle/10",
          "runtime/lifecycle/12",
          "runtime/lifecycle/14",
          "runtime/lifecycle/15",
          "runtime/lifecycle/18",
          "config/posix-platform-hooks/4",
          "config/prestart/1",
          "config/prestart/2",
          "config/createruntime-hooks/1",
          "config/createcontainer-hooks/1",
          "config/createcontainer-hooks/2",
          "config/startcontainer-hooks/1",
          "config/poststart/1",
          "config/poststop/1",
          "runtime/start/4",
          "runtime/create/6"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = OnePerPhase(bundle);
    hooks["createRuntime"] =
        nlohmann::json::array({RecorderHook(bundle, "createRuntime#0"),
                               RecorderHook(bundle, "createRuntime#1")});
    hooks["poststart"] =
        nlohmann::json::array({RecorderHook(bundle, "poststart#0"),
                               RecorderHook(bundle, "poststart#1")});
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(hooks)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    std::vector<Record> records = ReadRecords(host, bundle.log);
    std::vector<std::string> phases;
    for (const Record& r : records) phases.push_back(r.phase);
    EXPECT_THAT(phases, ElementsAre("prestart", "createRuntime#0",
                                    "createRuntime#1", "createContainer"));
    // The container's process exists (the environment is made) and is
    // still runbox's init: the program has not run.
    for (const Record& r : records) {
      EXPECT_TRUE(r.target_argv.size() >= 2 && r.target_argv[0] == "runbox" &&
                  r.target_argv[1] == "init")
          << r.phase << ": " << absl::StrJoin(r.target_argv, " ");
    }
    EXPECT_EQ(StatusOf(host, dir), "created");

    Output start = Runbox(host, dir, {"start", kId});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    records = ReadRecords(host, bundle.log);
    phases.clear();
    for (const Record& r : records) phases.push_back(r.phase);
    EXPECT_THAT(phases,
                ElementsAre("prestart", "createRuntime#0", "createRuntime#1",
                            "createContainer", "startContainer", "poststart#0",
                            "poststart#1"));
    // startContainer before the exec, poststart after it.
    if (const Record* r = Find(records, "startContainer")) {
      EXPECT_THAT(r->target_argv, Not(ElementsAreArray(SleepArgs())));
    }
    for (const char* phase : {"poststart#0", "poststart#1"}) {
      if (const Record* r = Find(records, phase)) {
        EXPECT_EQ(r->target_argv, SleepArgs()) << phase;
      }
    }
    EXPECT_EQ(StatusOf(host, dir), "running");

    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    EXPECT_EQ(StatusOf(host, dir), "stopped");
    EXPECT_EQ(Phases(host, bundle.log).size(), 7u)
        << "kill, wait or state ran hooks";

    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(Phases(host, bundle.log),
                ElementsAre("prestart", "createRuntime#0", "createRuntime#1",
                            "createContainer", "startContainer", "poststart#0",
                            "poststart#1", "poststop"));
    // poststop ran after the container was gone: the state it got says
    // stopped.
    records = ReadRecords(host, bundle.log);
    if (const Record* r = Find(records, "poststop")) {
      EXPECT_EQ(r->state.value("status", ""), "stopped") << r->input;
    }
    ExpectNoTrace(host, dir);
  });
}

// Steps 2 and 8: create does not run the program; start does.
TEST_P(RuntimeLifecycle, ProgramRunsOnlyAtStart) {
  Covers({"runtime/lifecycle/4", "runtime/lifecycle/14", "runtime/create/4",
          "runtime/create/6", "runtime/start/4"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle,
                                 Config(nlohmann::json(), RecorderProgram())));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_THAT(Phases(host, bundle.log), IsEmpty());
    EXPECT_EQ(StatusOf(host, dir), "created");

    Output start = Runbox(host, dir, {"start", kId});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "0\n");
    std::vector<Record> records = ReadRecords(host, bundle.log);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].phase, "program");
    EXPECT_EQ(records[0].argv, RecorderProgram());
  });
}

// Step 2: "Any updates to config.json after this step MUST NOT affect the
// container": a new program, poststart hooks and annotations written
// after create change nothing of what start and state do.
TEST_P(RuntimeLifecycle, ConfigChangesAfterCreateHaveNoEffect) {
  Covers({"runtime/lifecycle/5"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = nlohmann::json::object();
    hooks["poststart"] =
        nlohmann::json::array({RecorderHook(bundle, "poststart")});
    hooks["poststop"] =
        nlohmann::json::array({RecorderHook(bundle, "poststop")});
    nlohmann::json config = Config(hooks, RecorderProgram());
    config["process"]["env"].push_back("CONFORMANCE_ENV=original");
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();

    // Every part of the config a later operation could read: the hooks of
    // start and delete, the program, the process env that exec inherits,
    // the annotations that state reports.
    nlohmann::json changed_hooks = nlohmann::json::object();
    changed_hooks["poststart"] =
        nlohmann::json::array({RecorderHook(bundle, "changed-poststart")});
    changed_hooks["poststop"] =
        nlohmann::json::array({RecorderHook(bundle, "changed-poststop")});
    nlohmann::json changed =
        Config(changed_hooks, RecorderProgram("changed-program"));
    changed["process"]["env"].push_back("CONFORMANCE_ENV=changed");
    changed["annotations"] = {{kAnnotation, "changed"}};
    ASSERT_OK(WriteConfig(host, bundle, changed));

    // exec without --process takes the container's process (env, cwd,
    // user) as it was at create.
    Output exec =
        Runbox(host, dir, {"exec", kId, std::string(kProbeInContainer)});
    ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    std::optional<nlohmann::json> report = ParseJson(exec.out);
    ASSERT_TRUE(report.has_value()) << exec.Describe();
    std::vector<std::string> env =
        (*report).value("env", std::vector<std::string>{});
    EXPECT_THAT(env, Contains("CONFORMANCE_ENV=original"));
    EXPECT_THAT(env, Not(Contains("CONFORMANCE_ENV=changed")));

    Output start = Runbox(host, dir, {"start", kId});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    std::optional<nlohmann::json> state = StateOf(host, dir);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ((*state)["annotations"].value(kAnnotation, ""), kAnnotationValue);
    // Also after the bundle's config.json is gone altogether.
    ASSERT_OK(
        host.UnlinkAt(Fd::Cwd(), absl::StrCat(bundle.path, "/config.json")));
    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, Not(HasSubstr("poststop"))) << del.Describe();
    std::vector<std::string> phases = Phases(host, bundle.log);
    // The program and poststart race; poststop, the one configured at
    // create and not the edited one, comes last.
    EXPECT_THAT(phases, AnyOf(ElementsAre("program", "poststart", "poststop"),
                              ElementsAre("poststart", "program", "poststop")));
    ExpectNoTrace(host, dir);
  });
}

// Steps 5, 10: a created container killed never runs its program, its
// status becomes stopped and delete works.
TEST_P(RuntimeLifecycle, KillOfCreatedContainerStopsIt) {
  Covers({"runtime/kill/4", "runtime/state/4", "runtime/lifecycle/17"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(
        host, bundle, Config(OnePerPhase(bundle), RecorderProgram())));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output kill = Runbox(host, dir, {"kill", kId, "KILL"});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "137\n");
    EXPECT_EQ(StatusOf(host, dir), "stopped");
    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(Phases(host, bundle.log),
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "poststop"));
    ExpectNoTrace(host, dir);
  });
}

// ---------------------------------------------------------------------------
// Operations

TEST_P(RuntimeOperations, StateWithoutIdFails) {
  Covers({"runtime/query-state/1"});
  Run([&](Host& host, const std::string& dir) {
    Output out = Runbox(host, dir, {"state"});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_THAT(out.out, IsEmpty());
  });
}

TEST_P(RuntimeOperations, StateOfMissingContainerFails) {
  Covers({"runtime/query-state/2"});
  Run([&](Host& host, const std::string& dir) {
    Output out = Runbox(host, dir, {"state", "nosuch"});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_THAT(out.err, HasSubstr("does not exist"));
    EXPECT_THAT(out.out, IsEmpty());
  });
}

// create without an ID fails; so does one whose bundle is missing.
TEST_P(RuntimeOperations, CreateWithoutIdOrBundleFails) {
  Covers({"runtime/create/1"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output no_id = Runbox(host, dir, {"create", "--bundle", bundle.path});
    EXPECT_NE(no_id.status, ExitStatus::Exited(0)) << no_id.Describe();
    Output no_bundle = Runbox(
        host, dir, {"create", "--bundle", absl::StrCat(dir, "/nosuch"), kId});
    EXPECT_NE(no_bundle.status, ExitStatus::Exited(0)) << no_bundle.Describe();
    EXPECT_THAT(Phases(host, bundle.log), IsEmpty());
    ExpectNoTrace(host, dir);
  });
}

// An invalid ID is an error and creates nothing.
TEST_P(RuntimeOperations, CreateWithInvalidIdFails) {
  Covers({"runtime/create/2", "runtime/create/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    for (const char* id : {"../escape", "a/b", ".hidden"}) {
      SCOPED_TRACE(id);
      Output create = Create(host, dir, bundle, id);
      EXPECT_NE(create.status, ExitStatus::Exited(0)) << create.Describe();
    }
    EXPECT_THAT(Phases(host, bundle.log), IsEmpty());
    // Nothing but, at most, the root's lock file.
    EXPECT_THAT(DirNames(host, Root(dir)).value_or(std::vector<std::string>{}),
                AnyOf(IsEmpty(), ElementsAre(".runbox.lock")));
    EXPECT_THAT(DirNames(host, dir).value_or(std::vector<std::string>{}),
                Not(Contains("escape")));
    ExpectNoProcessLeft(host, dir);
  });
}

// "all of the properties configured in config.json except for process
// MUST be applied" at create: a process exec'd into the created container
// sees the config's hostname and mount, while the program has not run.
TEST_P(RuntimeOperations, CreateAppliesTheConfigButNotTheProgram) {
  Covers({"runtime/create/4", "runtime/create/5", "runtime/create/6",
          "runtime/lifecycle/1", "runtime/lifecycle/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json config = Config(nlohmann::json(), RecorderProgram());
    config["hostname"] = "conformance-host";
    config["mounts"].push_back(
        {{"destination", "/scratch"},
         {"type", "tmpfs"},
         {"source", "tmpfs"},
         {"options", nlohmann::json::array({"nosuid", "size=1m"})}});
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(bundle.rootfs, "/scratch"),
                       0755));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();

    Output exec =
        Runbox(host, dir, {"exec", kId, std::string(kProbeInContainer)});
    ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    std::optional<nlohmann::json> report = ParseJson(exec.out);
    ASSERT_TRUE(report.has_value()) << exec.Describe();
    EXPECT_EQ((*report)["hostname"], "conformance-host");
    bool scratch = false;
    if ((*report)["mounts"].is_array()) {
      for (const nlohmann::json& m : (*report)["mounts"]) {
        if (m.value("target", "") == "/scratch") {
          scratch = true;
          EXPECT_EQ(m.value("type", ""), "tmpfs");
        }
      }
    }
    EXPECT_TRUE(scratch) << (*report)["mounts"].dump();
    EXPECT_THAT(Phases(host, bundle.log), IsEmpty()) << "the program ran";
    EXPECT_EQ(StatusOf(host, dir), "created");
  });
}

// "If the runtime cannot apply a property as specified in the
// configuration, it MUST generate an error and a new container MUST NOT
// be created": a bind mount of a missing source.
TEST_P(RuntimeOperations, CreateWithUnapplicableConfigFails) {
  Covers({"runtime/create/7", "runtime/create/8", "runtime/lifecycle/2"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json config = Config(OnePerPhase(bundle));
    config["mounts"].push_back({{"destination", "/missing"},
                                {"type", "bind"},
                                {"source", absl::StrCat(dir, "/no-such-dir")},
                                {"options", nlohmann::json::array({"rbind"})}});
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    EXPECT_NE(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("no-such-dir"));
    // No later hook ran, nor the program.
    EXPECT_THAT(Phases(host, bundle.log),
                Not(Contains(AnyOf("startContainer", "poststart"))));
    ExpectNoTrace(host, dir);
  });
}

TEST_P(RuntimeOperations, StartWithoutIdFails) {
  Covers({"runtime/start/1"});
  Run([&](Host& host, const std::string& dir) {
    Output out = Runbox(host, dir, {"start"});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    Output missing = Runbox(host, dir, {"start", "nosuch"});
    EXPECT_NE(missing.status, ExitStatus::Exited(0)) << missing.Describe();
    EXPECT_THAT(missing.err, HasSubstr("does not exist"));
  });
}

// start of a running container: an error, no second run of the program
// or of the start hooks, and nothing changed.
TEST_P(RuntimeOperations, StartOnRunningContainerFailsAndChangesNothing) {
  Covers({"runtime/start/2", "runtime/start/3", "runtime/errors/1"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    const std::vector<std::string> phases = Phases(host, bundle.log);
    const std::string before = Snapshot(host, dir);
    EXPECT_THAT(before, HasSubstr("\"running\""));

    Output again = Runbox(host, dir, {"start", kId});
    EXPECT_NE(again.status, ExitStatus::Exited(0)) << again.Describe();
    EXPECT_EQ(Snapshot(host, dir), before);
    EXPECT_EQ(Phases(host, bundle.log), phases);
  });
}

// start of a stopped container: an error and nothing changed.
TEST_P(RuntimeOperations, StartOnStoppedContainerFails) {
  Covers({"runtime/start/2", "runtime/start/3", "runtime/errors/1"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    const std::vector<std::string> phases = Phases(host, bundle.log);
    const std::string before = Snapshot(host, dir);
    EXPECT_THAT(before, HasSubstr("\"stopped\""));

    Output again = Runbox(host, dir, {"start", kId});
    EXPECT_NE(again.status, ExitStatus::Exited(0)) << again.Describe();
    EXPECT_EQ(Snapshot(host, dir), before);
    EXPECT_EQ(Phases(host, bundle.log), phases);
  });
}

// A config without process: start cannot run anything and says so (here
// create already refuses it, before any side effect).
TEST_P(RuntimeOperations, StartWithoutProcessFails) {
  Covers({"runtime/start/5"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json config = Config(OnePerPhase(bundle));
    config.erase("process");
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    if (create.status == ExitStatus::Exited(0)) {
      Output start = Runbox(host, dir, {"start", kId});
      EXPECT_NE(start.status, ExitStatus::Exited(0)) << start.Describe();
    } else {
      EXPECT_THAT(create.err, HasSubstr("process")) << create.Describe();
      ExpectNoTrace(host, dir);
    }
    EXPECT_THAT(Phases(host, bundle.log),
                Not(Contains(AnyOf("startContainer", "poststart"))));
  });
}

TEST_P(RuntimeOperations, KillWithoutIdFails) {
  Covers({"runtime/kill/1"});
  Run([&](Host& host, const std::string& dir) {
    Output out = Runbox(host, dir, {"kill"});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    Output missing = Runbox(host, dir, {"kill", "nosuch", "KILL"});
    EXPECT_NE(missing.status, ExitStatus::Exited(0)) << missing.Describe();
    EXPECT_THAT(missing.err, HasSubstr("does not exist"));
  });
}

// kill of a stopped container: an error and nothing changed.
TEST_P(RuntimeOperations, KillOfStoppedContainerFailsAndChangesNothing) {
  Covers({"runtime/kill/2", "runtime/kill/3", "runtime/errors/1"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    const std::string before = Snapshot(host, dir);
    Output kill = Runbox(host, dir, {"kill", kId, "KILL"});
    EXPECT_NE(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    EXPECT_EQ(Snapshot(host, dir), before);
    // The recorded exit status is still the first one.
    Output wait = Runbox(host, dir, {"wait", kId});
    EXPECT_EQ(wait.out, "137\n") << wait.Describe();
  });
}

// kill sends the signal it is given: SIGUSR1 (default action: terminate)
// ends the program with that signal, not SIGTERM's or SIGKILL's status.
TEST_P(RuntimeOperations, KillSendsTheGivenSignal) {
  Covers({"runtime/kill/4"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    // Without a pid namespace of its own: a namespace's init only gets the
    // signals it has handlers for, and sleep has none.
    nlohmann::json config = Config(nlohmann::json());
    nlohmann::json namespaces = nlohmann::json::array();
    for (const nlohmann::json& ns : config["linux"]["namespaces"]) {
      if (ns.value("type", "") != "pid") namespaces.push_back(ns);
    }
    config["linux"]["namespaces"] = namespaces;
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    Output kill = Runbox(host, dir, {"kill", kId, "USR1"});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "138\n");
    EXPECT_EQ(StatusOf(host, dir), "stopped");
  });
}

// config.md: org.opencontainers.image.stopSignal "indicates the signal that
// SHOULD be sent by container runtimes to kill the container": `kill`
// without a signal sends it (SIGUSR1 here, 138), an explicit one wins.
TEST_P(RuntimeOperations, KillWithoutSignalSendsTheImageStopSignal) {
  Covers({"config/annotations/8"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    // No pid namespace, as in KillSendsTheGivenSignal.
    nlohmann::json config = Config(nlohmann::json());
    nlohmann::json namespaces = nlohmann::json::array();
    for (const nlohmann::json& ns : config["linux"]["namespaces"]) {
      if (ns.value("type", "") != "pid") namespaces.push_back(ns);
    }
    config["linux"]["namespaces"] = namespaces;
    config["annotations"] = {{"org.opencontainers.image.stopSignal", "USR1"}};
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    Output kill = Runbox(host, dir, {"kill", kId});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = Runbox(host, dir, {"wait", kId});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "138\n");
  });
}

TEST_P(RuntimeOperations, DeleteWithoutIdFails) {
  Covers({"runtime/delete/1"});
  Run([&](Host& host, const std::string& dir) {
    Output out = Runbox(host, dir, {"delete"});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    Output missing = Runbox(host, dir, {"delete", "nosuch"});
    EXPECT_NE(missing.status, ExitStatus::Exited(0)) << missing.Describe();
    EXPECT_THAT(missing.err, HasSubstr("does not exist"));
  });
}

// delete of a running container without --force: an error, nothing
// changed, no poststop; with --force it goes.
TEST_P(RuntimeOperations, DeleteOfRunningContainerFailsAndChangesNothing) {
  Covers({"runtime/delete/2", "runtime/delete/3", "runtime/errors/1"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    const std::vector<std::string> phases = Phases(host, bundle.log);
    const std::string before = Snapshot(host, dir);
    Output del = Runbox(host, dir, {"delete", kId});
    EXPECT_NE(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, HasSubstr("not stopped"));
    EXPECT_EQ(Snapshot(host, dir), before);
    EXPECT_EQ(Phases(host, bundle.log), phases);

    Output force = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(force.status, ExitStatus::Exited(0)) << force.Describe();
    EXPECT_EQ(Phases(host, bundle.log).back(), "poststop");
    ExpectNoTrace(host, dir);
  });
}

// delete frees what create made (state, processes) and the ID can be used
// again; what the container did not create (the bundle, a bind-mounted
// host directory and its file) stays.
TEST_P(RuntimeOperations, DeleteFreesResourcesAndKeepsOthers) {
  Covers({"runtime/delete/4", "runtime/delete/5", "runtime/lifecycle/17"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    const std::string shared = absl::StrCat(dir, "/shared");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), shared, 0755));
    ASSERT_OK(WriteFile(host, absl::StrCat(shared, "/keep"), "kept"));
    nlohmann::json config = Config(nlohmann::json());
    config["mounts"].push_back(
        {{"destination", "/shared"},
         {"type", "bind"},
         {"source", shared},
         {"options", nlohmann::json::array({"rbind", "rw"})}});
    ASSERT_OK(MakeRecorderBundle(host, bundle, config));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(bundle.rootfs, "/shared"),
                       0755));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    ExpectNoTrace(host, dir);

    absl::StatusOr<std::string> kept =
        ReadFile(host, absl::StrCat(shared, "/keep"));
    ASSERT_OK(kept.status());
    EXPECT_EQ(*kept, "kept");
    EXPECT_OK(ReadFile(host, absl::StrCat(bundle.path, "/config.json")));
    EXPECT_OK(ReadFile(host, bundle.recorder));

    Output again = Create(host, dir, bundle);
    EXPECT_EQ(again.status, ExitStatus::Exited(0)) << again.Describe();
    EXPECT_EQ(StatusOf(host, dir), "created");
  });
}

// ---------------------------------------------------------------------------
// Errors: a refused create leaves the existing container and the root as
// they were.

TEST_P(RuntimeErrors, FailedCreateChangesNothing) {
  Covers({"runtime/errors/1", "runtime/create/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    Bundle broken(dir, "broken");
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(nlohmann::json())));
    nlohmann::json config = Config(OnePerPhase(broken));
    config["hooks"]["createRuntime"] =
        nlohmann::json::array({RecorderHook(broken, "createRuntime", "1")});
    ASSERT_OK(MakeRecorderBundle(host, broken, config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir, {kId, kOtherId}); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    const std::string before = Snapshot(host, dir);

    // The same ID, and a new ID whose create fails halfway.
    Output same = Create(host, dir, broken);
    EXPECT_NE(same.status, ExitStatus::Exited(0)) << same.Describe();
    Output halfway = Create(host, dir, broken, kOtherId);
    EXPECT_NE(halfway.status, ExitStatus::Exited(0)) << halfway.Describe();
    EXPECT_EQ(Snapshot(host, dir), before);
    // No supervisor of the second ID and no hook of the broken bundle is left.
    ExpectNoTrace(host, dir, kOtherId, absl::StrCat("--id ", kOtherId, " "));
    ExpectNoProcessLeft(host, broken.path);
  });
}

// ---------------------------------------------------------------------------
// Warnings: failing poststart and poststop hooks are warnings; the
// operation and the remaining hooks go on.

TEST_P(RuntimeWarnings, FailingPoststartHookIsAWarning) {
  Covers({"runtime/warnings/1", "runtime/lifecycle/16"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = nlohmann::json::object();
    hooks["poststart"] =
        nlohmann::json::array({RecorderHook(bundle, "poststart#0", "1"),
                               RecorderHook(bundle, "poststart#1")});
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(hooks)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = Runbox(host, dir, {"start", kId});
    EXPECT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, HasSubstr("warning"));
    EXPECT_THAT(start.err, HasSubstr("poststart#0 exits 1"));
    EXPECT_THAT(Phases(host, bundle.log),
                ElementsAre("poststart#0", "poststart#1"));
    EXPECT_EQ(StatusOf(host, dir), "running");
  });
}

TEST_P(RuntimeWarnings, FailingPoststopHookIsAWarning) {
  Covers({"runtime/warnings/1", "runtime/lifecycle/19"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = nlohmann::json::object();
    hooks["poststop"] =
        nlohmann::json::array({RecorderHook(bundle, "poststop#0", "1"),
                               RecorderHook(bundle, "poststop#1")});
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(hooks)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = Runbox(host, dir, {"delete", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, HasSubstr("warning"));
    EXPECT_THAT(del.err, HasSubstr("poststop#0 exits 1"));
    EXPECT_THAT(Phases(host, bundle.log),
                ElementsAre("poststop#0", "poststop#1"));
    ExpectNoTrace(host, dir);
  });
}

// ---------------------------------------------------------------------------
// Hooks

TEST_P(RuntimeHooks, FailingPrestartHookStopsTheLifecycle) {
  Covers({"runtime/lifecycle/7", "config/posix-platform-hooks/4"});
  Run([&](Host& host, const std::string& dir) {
    ExpectCreateHookFailureStopsTheLifecycle(host, dir, "prestart");
  });
}

TEST_P(RuntimeHooks, FailingCreateRuntimeHookStopsTheLifecycle) {
  Covers({"runtime/lifecycle/9", "config/posix-platform-hooks/4"});
  Run([&](Host& host, const std::string& dir) {
    ExpectCreateHookFailureStopsTheLifecycle(host, dir, "createRuntime");
  });
}

TEST_P(RuntimeHooks, FailingCreateContainerHookStopsTheLifecycle) {
  Covers({"runtime/lifecycle/11", "config/posix-platform-hooks/4"});
  Run([&](Host& host, const std::string& dir) {
    ExpectCreateHookFailureStopsTheLifecycle(host, dir, "createContainer");
  });
}

// Step 7: a failing startContainer hook fails start; the program and
// poststart never run, the container is stopped, delete runs poststop.
TEST_P(RuntimeHooks, FailingStartContainerHookStopsTheLifecycle) {
  Covers({"runtime/lifecycle/13"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = OnePerPhase(bundle);
    hooks["startContainer"] =
        nlohmann::json::array({RecorderHook(bundle, "startContainer", "1")});
    ASSERT_OK(
        MakeRecorderBundle(host, bundle, Config(hooks, RecorderProgram())));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = Runbox(host, dir, {"start", kId});
    EXPECT_NE(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, HasSubstr("startContainer exits 1"));
    // Stopped (start may return before init is gone).
    Output wait = Runbox(host, dir, {"wait", kId});
    EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(StatusOf(host, dir), "stopped");
    Output del = Runbox(host, dir, {"delete", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(Phases(host, bundle.log),
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "startContainer", "poststop"));
    ExpectNoTrace(host, dir);
  });
}

// config.md: "The state of the container MUST be passed to hooks over
// stdin": each hook gets the state of its moment.
TEST_P(RuntimeHooks, EachHookGetsTheStateOnStdin) {
  Covers({"config/posix-platform-hooks/5", "runtime/state/6"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(OnePerPhase(bundle))));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    std::optional<nlohmann::json> running = StateOf(host, dir);
    ASSERT_TRUE(running.has_value());
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();

    std::vector<Record> records = ReadRecords(host, bundle.log);
    ASSERT_EQ(records.size(), AllPhases().size());
    const char* statuses[] = {"creating", "creating", "creating",
                              "created",  "running",  "stopped"};
    ASSERT_TRUE(records[1].state.is_object()) << records[1].input;
    const int pid = records[1].state.value("pid", 0);
    EXPECT_GT(pid, 0);
    for (size_t i = 0; i < records.size(); ++i) {
      const Record& r = records[i];
      SCOPED_TRACE(r.phase);
      EXPECT_EQ(r.phase, AllPhases()[i]);
      ASSERT_TRUE(r.state.is_object()) << r.input;
      EXPECT_EQ(r.state.value("ociVersion", ""),
                running->value("ociVersion", "?"));
      EXPECT_EQ(r.state.value("id", ""), kId);
      EXPECT_EQ(r.state.value("status", ""), statuses[i]);
      EXPECT_EQ(r.state.value("bundle", ""), bundle.path);
      ASSERT_TRUE(r.state.contains("annotations")) << r.input;
      EXPECT_EQ(r.state["annotations"].value(kAnnotation, ""),
                kAnnotationValue);
      if (r.phase != "poststop") {
        EXPECT_EQ(r.state.value("pid", 0), pid) << r.input;
      }
    }
  });
}

// config.md: args are execv's argv, env is the hook's whole environment.
TEST_P(RuntimeHooks, HooksGetExactlyTheirArgsAndEnv) {
  Covers({"config/posix-platform-hooks/1"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = OnePerPhase(bundle);
    for (const std::string& phase : AllPhases()) {
      nlohmann::json& hook = hooks[phase][0];
      hook["args"][0] = absl::StrCat("argv0-of-", phase);
      hook["args"].push_back("0");
      hook["env"] = {absl::StrCat("HOOK_PHASE=", phase), "WITH_EQUALS=a=b"};
    }
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(hooks)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();

    std::vector<Record> records = ReadRecords(host, bundle.log);
    ASSERT_EQ(records.size(), AllPhases().size());
    for (const Record& r : records) {
      SCOPED_TRACE(r.phase);
      const nlohmann::json& hook = hooks[r.phase][0];
      EXPECT_EQ(r.argv, hook["args"].get<std::vector<std::string>>());
      EXPECT_EQ(r.env, hook["env"].get<std::vector<std::string>>());
    }
  });
}

// config.md: a hook's timeout aborts it; the hook failing so fails create
// like any failing createRuntime hook.
TEST_P(RuntimeHooks, HookTimeoutAbortsTheHook) {
  Covers({"runtime/lifecycle/9"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json hooks = OnePerPhase(bundle);
    nlohmann::json hang = RecorderHook(bundle, "createRuntime", "hang");
    hang["timeout"] = 1;
    hooks["createRuntime"] = nlohmann::json::array({hang});
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(hooks)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir, bundle);
    EXPECT_NE(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("timed out"));
    EXPECT_THAT(Phases(host, bundle.log),
                ElementsAre("prestart", "createRuntime", "poststop"));
    // Includes the hung hook: its path is under the test's directory.
    ExpectNoTrace(host, dir);
  });
}

// config.md: a relative hook path and a timeout of zero are invalid; the
// create fails before any side effect.
TEST_P(RuntimeHooks, InvalidHookPathOrTimeoutFailsCreate) {
  Covers({"config/posix-platform-hooks/2", "config/posix-platform-hooks/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    nlohmann::json relative = RecorderHook(bundle, "createRuntime");
    relative["path"] = "rootfs/bin/hook_recorder";
    nlohmann::json zero = RecorderHook(bundle, "createRuntime");
    zero["timeout"] = 0;
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(nlohmann::json())));
    for (const nlohmann::json& bad :
         std::vector<nlohmann::json>{relative, zero}) {
      SCOPED_TRACE(bad.dump());
      nlohmann::json hooks = OnePerPhase(bundle);
      hooks["createRuntime"] = nlohmann::json::array({bad});
      ASSERT_OK(WriteConfig(host, bundle, Config(hooks)));
      Output create = Create(host, dir, bundle);
      EXPECT_NE(create.status, ExitStatus::Exited(0)) << create.Describe();
      EXPECT_THAT(create.err, HasSubstr("hooks.createRuntime[0]"));
      EXPECT_THAT(Phases(host, bundle.log), IsEmpty());
      ExpectNoTrace(host, dir);
    }
  });
}

// config.md: prestart, createRuntime, createContainer, poststart and
// poststop paths resolve in the runtime namespace (here: a recorder that
// exists only outside the rootfs); startContainer's in the container's
// (a recorder only inside it). startContainer runs in the container's
// mount namespace (its log lands inside the rootfs), poststart and
// poststop in the runtime's (theirs outside, after pivot_root);
// createContainer runs before pivot_root (its path outside the rootfs
// resolves) but, like startContainer, in the container's pid namespace
// (they see a pid below the host's pid of the container), the others in
// the runtime's.
TEST_P(RuntimeHooks, HookPathsResolveAndRunInTheirNamespaces) {
  Covers({"config/prestart/3", "config/prestart/4",
          "config/createruntime-hooks/2", "config/createruntime-hooks/3",
          "config/createcontainer-hooks/1", "config/createcontainer-hooks/3",
          "config/createcontainer-hooks/4", "config/startcontainer-hooks/2",
          "config/startcontainer-hooks/3", "config/poststart/2",
          "config/poststart/3", "config/poststop/2", "config/poststop/3"});
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    const std::string outside = absl::StrCat(dir, "/host-only");
    const std::string outside_recorder = absl::StrCat(outside, "/recorder");
    const std::string outside_log = absl::StrCat(outside, "/hooks.log");
    const std::string inside_dir = "/container-only";
    const std::string inside_recorder = absl::StrCat(inside_dir, "/recorder");
    nlohmann::json hooks = nlohmann::json::object();
    for (const std::string& phase : AllPhases()) {
      const bool in_container = phase == "startContainer";
      const std::string path =
          in_container ? inside_recorder : outside_recorder;
      nlohmann::json hook = nlohmann::json::object();
      hook["path"] = path;
      hook["args"] = std::vector<std::string>{
          path, phase, in_container ? kContainerLog : outside_log};
      hooks[phase] = nlohmann::json::array({hook});
    }
    ASSERT_OK(MakeRecorderBundle(host, bundle, Config(hooks)));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), outside, 0755));
    ASSERT_OK(CopyRecorder(host, outside_recorder));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(bundle.rootfs, inside_dir),
                       0755));
    ASSERT_OK(CopyRecorder(host, absl::StrCat(bundle.rootfs, inside_recorder)));
    // The container's path does not name a file outside it.
    EXPECT_FALSE(ReadFile(host, inside_recorder).ok());
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    ASSERT_NO_FATAL_FAILURE(CreateAndStart(host, dir, bundle));
    EXPECT_THAT(Runbox(host, dir, {"state", kId}).err, IsEmpty());
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = Runbox(host, dir, {"delete", kId});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, IsEmpty());

    std::vector<Record> runtime_side = ReadRecords(host, outside_log);
    std::vector<std::string> phases;
    for (const Record& r : runtime_side) phases.push_back(r.phase);
    EXPECT_THAT(phases,
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "poststart", "poststop"));
    std::vector<Record> container_side = ReadRecords(host, bundle.log);
    ASSERT_EQ(container_side.size(), 1u);
    EXPECT_EQ(container_side[0].phase, "startContainer");

    // The container's pid as the host sees it, from a createRuntime
    // hook's state.
    const Record* create_runtime = Find(runtime_side, "createRuntime");
    ASSERT_NE(create_runtime, nullptr);
    const int host_pid = create_runtime->state.value("pid", 0);
    ASSERT_GT(host_pid, 1);
    const Record* create_container = Find(runtime_side, "createContainer");
    ASSERT_NE(create_container, nullptr);
    EXPECT_LT(create_container->pid, host_pid)
        << "createContainer ran in the runtime's pid namespace";
    EXPECT_LT(container_side[0].pid, host_pid)
        << "startContainer ran in the runtime's pid namespace";
    // The runtime's hooks see host pids: above those of the container's
    // fresh namespace (on Linux, even after the host's pids wrap: they
    // restart at 300).
    for (const Record& r : runtime_side) {
      if (r.phase == "createContainer") continue;
      EXPECT_GT(r.pid, create_container->pid)
          << r.phase << " ran in the container's pid namespace";
    }
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(RuntimeState);
INSTANTIATE_DUAL_HOST_TEST_SUITE(RuntimeLifecycle);
INSTANTIATE_DUAL_HOST_TEST_SUITE(RuntimeErrors);
INSTANTIATE_DUAL_HOST_TEST_SUITE(RuntimeWarnings);
INSTANTIATE_DUAL_HOST_TEST_SUITE(RuntimeOperations);
INSTANTIATE_DUAL_HOST_TEST_SUITE(RuntimeHooks);

}  // namespace
}  // namespace runbox::conformance
