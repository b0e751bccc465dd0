// The six OCI hooks (runtime-spec config.md "POSIX-platform Hooks",
// runtime.md "Lifecycle") driven through the runbox CLI on both hosts:
// which command runs which hooks and in what order, the state on their
// stdin, their args and env, and what a failing or hanging hook does to
// create, start and delete. Every hook is the hook recorder
// (fake_programs.h), copied into the bundle's rootfs so startContainer
// hooks, which run after pivot_root, find it too.
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
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"
#include "runtime/testing/recorder_run.h"

namespace runbox {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kId[] = "c1";
constexpr char kAnnotation[] = "org.example.hooks-test";
constexpr char kAnnotationValue[] = "annotated";
// In every runbox command's environment, so a hook that inherits the
// runtime's environment instead of its own `env` shows it.
constexpr char kCanary[] = "RUNBOX_HOOKS_TEST_CANARY=leaked";
// Where startContainer hooks find the recorder and its log: the same files
// as Bundle::recorder and Bundle::log, seen from inside the container.
constexpr char kContainerRecorder[] = "/bin/hook_recorder";
constexpr char kContainerLog[] = "/hooks.log";
// The container's program in tests that start it: alive until killed, so
// poststart can see it running.
const std::vector<std::string>& SleepArgs() {
  static const auto* args =
      new std::vector<std::string>{"/bin/sleep", "100000"};
  return *args;
}

const std::vector<std::string>& AllPhases() {
  static const auto* phases = new std::vector<std::string>{
      "prestart",       "createRuntime", "createContainer",
      "startContainer", "poststart",     "poststop"};
  return *phases;
}

// Like WriteFile, but the file ends up with exactly `mode`, whatever the
// umask (the recorder must be executable).
absl::Status WriteFileWithMode(Host& host, const std::string& path,
                               absl::string_view text, uint32_t mode = 0644) {
  ASSIGN_OR_RETURN(
      Fd fd, host.OpenAt(Fd::Cwd(), path,
                         {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                   OpenFlags::kTruncate,
                          .mode = mode}));
  RETURN_IF_ERROR(WriteAll(host, fd, text));
  RETURN_IF_ERROR(host.Fchmod(fd, mode));
  return host.Close(std::move(fd));
}

// One bundle per test, at DIR/bundle, with the recorder and its log inside
// the rootfs: host paths here, container paths in kContainer*.
struct Bundle {
  explicit Bundle(const std::string& dir)
      : path(absl::StrCat(dir, "/bundle")),
        rootfs(absl::StrCat(path, "/rootfs")),
        recorder(absl::StrCat(rootfs, kContainerRecorder)),
        log(absl::StrCat(rootfs, kContainerLog)) {}
  std::string path;
  std::string rootfs;
  std::string recorder;
  std::string log;
};

// A recorder hook that logs under `label` (a phase name, or "phase#i" when
// a phase has several hooks) and then does what `mode` says (nothing: exit
// 0; an exit code; "hang"). startContainer hooks resolve in the
// container's root (runtime-spec: their path MUST resolve in the container
// namespace); the others in the runtime's.
spec::Hook Recorder(const Bundle& bundle, absl::string_view label,
                    absl::string_view mode = "") {
  const bool inside = absl::StartsWith(label, "startContainer");
  spec::Hook hook;
  hook.path = inside ? std::string(kContainerRecorder) : bundle.recorder;
  hook.args = {hook.path, std::string(label),
               inside ? std::string(kContainerLog) : bundle.log};
  if (!mode.empty()) hook.args.push_back(std::string(mode));
  return hook;
}

std::vector<spec::Hook>& HooksOf(spec::Hooks& hooks, absl::string_view phase) {
  if (phase == "prestart") return hooks.prestart;
  if (phase == "createRuntime") return hooks.create_runtime;
  if (phase == "createContainer") return hooks.create_container;
  if (phase == "startContainer") return hooks.start_container;
  if (phase == "poststart") return hooks.poststart;
  return hooks.poststop;
}

// One succeeding recorder per phase, labelled with the phase's name.
spec::Hooks OnePerPhase(const Bundle& bundle) {
  spec::Hooks hooks;
  for (const std::string& phase : AllPhases()) {
    HooksOf(hooks, phase).push_back(Recorder(bundle, phase));
  }
  return hooks;
}

// What the recorder logged about one run of a hook.
struct HookRecord {
  std::string phase;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string input;
  int pid = 0;
  // The argv of the process the state's pid names, when the hook ran.
  std::vector<std::string> target_argv;
  // A read of stdin said EAGAIN; stdin was non-blocking (null: unknown).
  bool stdin_eagain = false;
  nlohmann::json stdin_nonblocking;
  // `input` parsed; discarded (is_discarded()) if it was not JSON.
  nlohmann::json state;
};

std::vector<HookRecord> ReadRecords(Host& host, const Bundle& bundle) {
  absl::StatusOr<std::string> text =
      ReadFileAt(host, Fd::Cwd(), bundle.log, kUnbounded);
  if (!text.ok()) {
    // No hook has run yet.
    EXPECT_TRUE(IsErrno(text.status(), ENOENT)) << text.status();
    return {};
  }
  std::vector<HookRecord> records;
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::optional<nlohmann::json> j = ParseJson(line);
    if (!j.has_value() || !j->is_object()) {
      ADD_FAILURE() << "bad hook record: " << line;
      continue;
    }
    HookRecord record;
    record.phase = j->value("phase", "");
    record.argv = j->value("argv", std::vector<std::string>{});
    record.env = j->value("env", std::vector<std::string>{});
    record.input = j->value("stdin", "");
    record.pid = j->value("pid", 0);
    record.target_argv = j->value("target_argv", std::vector<std::string>{});
    record.stdin_eagain = j->value("stdin_eagain", false);
    record.stdin_nonblocking = j->value("stdin_nonblocking", nlohmann::json());
    record.state = nlohmann::json::parse(record.input, nullptr,
                                         /*allow_exceptions=*/false);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<std::string> Phases(Host& host, const Bundle& bundle) {
  std::vector<std::string> phases;
  for (const HookRecord& r : ReadRecords(host, bundle))
    phases.push_back(r.phase);
  return phases;
}

// What runbox's init runs as until it execs the container's program.
bool IsRunboxInit(const std::vector<std::string>& argv) {
  return argv.size() >= 2 && argv[0] == "runbox" && argv[1] == "init";
}

const HookRecord* Find(const std::vector<HookRecord>& records,
                       absl::string_view phase) {
  for (const HookRecord& r : records) {
    if (r.phase == phase) return &r;
  }
  return nullptr;
}

class HooksTest : public DualHostTest {
 protected:
  void SetUp() override {
    RegisterRunboxAndBusybox(env());
    recorder_.RegisterHookRecorder();
  }

  // env().Run, except that on the fake the test drives the kernel itself,
  // so the body and the recorder can list its processes.
  void Run(DualHostBody body) {
    recorder_.Run(std::move(body), "/tmp/hooks-test");
  }
  std::vector<std::pair<Pid, std::string>> ProcessesMentioning(
      Host& host, absl::string_view needle) const {
    return recorder_.ProcessesMentioning(host, needle);
  }
  void ExpectNoProcessLeft(Host& host, const std::string& dir) const {
    recorder_.ExpectNoProcessLeft(host, dir);
  }

  // Runs `runbox --root DIR/state ARGS...` with kCanary added to
  // its environment.
  Output RunboxAt(Host& host, const std::string& dir,
                  const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", absl::StrCat(dir, "/state")};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full, {kCanary});
  }

  Output Create(Host& host, const std::string& dir, const Bundle& bundle) {
    return RunboxAt(host, dir,
                    {"create", "--bundle", bundle.path, std::string(kId)});
  }

  // A busybox rootfs with the recorder at Bundle::recorder.
  absl::Status MakeRootfs(Host& host, const Bundle& bundle) {
    RETURN_IF_ERROR(
        MakeBusyboxRootfs(host, env().ProgramPath("busybox"), bundle.rootfs));
    ASSIGN_OR_RETURN(
        std::string recorder,
        ReadFileAt(host, Fd::Cwd(),
                   env().ProgramPath(std::string(kHookRecorderProgram)),
                   kUnbounded));
    return WriteFileWithMode(host, bundle.recorder, recorder, 0755);
  }

  // runc's default config with `hooks`, the program `args`, no terminal,
  // a writable root (startContainer hooks log into it) and one annotation.
  // `edit`, if set, changes the config last.
  absl::Status WriteConfig(
      Host& host, const Bundle& bundle, spec::Hooks hooks,
      const std::vector<std::string>& args = SleepArgs(),
      const std::function<void(spec::Config&)>& edit = nullptr) {
    spec::Config config = spec::DefaultSpec();
    config.process->terminal = false;
    config.process->args = args;
    config.root->readonly = false;
    config.annotations[kAnnotation] = kAnnotationValue;
    config.hooks = std::move(hooks);
    if (edit) edit(config);
    return WriteFileWithMode(host, absl::StrCat(bundle.path, "/config.json"),
                             spec::SerializeConfig(config));
  }

  absl::Status MakeBundle(
      Host& host, const Bundle& bundle, spec::Hooks hooks,
      const std::vector<std::string>& args = SleepArgs(),
      const std::function<void(spec::Config&)>& edit = nullptr) {
    RETURN_IF_ERROR(MakeRootfs(host, bundle));
    return WriteConfig(host, bundle, std::move(hooks), args, edit);
  }

  // After a test: whatever state it left goes (its poststop hooks may run;
  // nobody reads the log after this), and so does any process of the test
  // a failed delete left behind.
  void ForceDelete(Host& host, const std::string& dir) {
    Output out = RunboxAt(host, dir, {"delete", "--force", std::string(kId)});
    EXPECT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    for (const auto& [pid, line] : ProcessesMentioning(host, dir)) {
      (void)host.Kill(pid, Signal::kKill);
    }
  }

  // Expects that the container does not exist in any form: not listed, no
  // state, no directory under the root, no process.
  void ExpectNoTrace(Host& host, const std::string& dir) {
    Output list = RunboxAt(host, dir, {"list", "-q"});
    EXPECT_EQ(list.status, ExitStatus::Exited(0)) << list.Describe();
    EXPECT_EQ(list.out, "");
    Output state = RunboxAt(host, dir, {"state", std::string(kId)});
    EXPECT_EQ(state.status, ExitStatus::Exited(1)) << state.Describe();
    EXPECT_THAT(state.err, HasSubstr("does not exist"));
    EXPECT_THAT(host.OpenAt(Fd::Cwd(), absl::StrCat(dir, "/state/", kId),
                            {.flags = OpenFlags::kDirectory})
                    .status(),
                HasErrno(ENOENT));
    ExpectNoProcessLeft(host, dir);
  }

  // create, start, kill -9, wait: a container that ran and stopped.
  void RunAndStop(Host& host, const std::string& dir, const Bundle& bundle) {
    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    StopContainer(host, dir);
  }

  void StopContainer(Host& host, const std::string& dir) {
    Output kill = RunboxAt(host, dir, {"kill", std::string(kId), "KILL"});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = RunboxAt(host, dir, {"wait", std::string(kId)});
    ASSERT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "137\n");
  }

  std::string StatusOf(Host& host, const std::string& dir) {
    Output state = RunboxAt(host, dir, {"state", std::string(kId)});
    std::optional<nlohmann::json> j = ParseJson(state.out);
    if (state.status != ExitStatus::Exited(0) || !j.has_value()) {
      return absl::StrCat("<", state.Describe(), ">");
    }
    return j->value("status", "");
  }

  // runtime.md steps 3-5: a failing prestart, createRuntime or
  // createContainer hook fails the create, and nothing of it stays. The
  // failing phase has three hooks; the second fails, so the third must not
  // run.
  void ExpectCreateHookFailureLeavesNothing(Host& host, const std::string& dir,
                                            absl::string_view phase) {
    Bundle bundle(dir);
    spec::Hooks hooks = OnePerPhase(bundle);
    const std::string label = std::string(phase);
    HooksOf(hooks, phase) = {Recorder(bundle, absl::StrCat(label, "#0")),
                             Recorder(bundle, absl::StrCat(label, "#1"), "1"),
                             Recorder(bundle, absl::StrCat(label, "#2"))};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    // The error names the phase, the hook and what the hook said.
    EXPECT_THAT(create.err, HasSubstr(absl::StrCat(phase, " hook 1")));
    EXPECT_THAT(create.err, HasSubstr(bundle.recorder));
    EXPECT_THAT(create.err, HasSubstr(absl::StrCat("hook_recorder: ", phase,
                                                   "#1 exits 1")));

    std::vector<std::string> expected;
    for (const std::string& p : AllPhases()) {
      if (p == phase) {
        expected.push_back(absl::StrCat(p, "#0"));
        expected.push_back(absl::StrCat(p, "#1"));
        break;
      }
      expected.push_back(p);
    }
    // runtime.md: the failed create goes on at destroy, then poststop.
    expected.push_back("poststop");
    EXPECT_THAT(Phases(host, bundle), ElementsAreArray(expected));
    ExpectNoTrace(host, dir);

    // The ID is free again.
    ASSERT_OK(WriteConfig(host, bundle, OnePerPhase(bundle)));
    Output again = Create(host, dir, bundle);
    EXPECT_EQ(again.status, ExitStatus::Exited(0)) << again.Describe();
    EXPECT_EQ(StatusOf(host, dir), "created");
  }

  RecorderRun recorder_{env()};
};

// runtime.md "Lifecycle": create runs prestart, createRuntime and
// createContainer (steps 3-5); start runs startContainer, then the program,
// then poststart (7-9); delete runs poststop (13). Nothing else runs hooks.
TEST_P(HooksTest, EachCommandRunsItsHooksInOrder) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeBundle(host, bundle, OnePerPhase(bundle)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    std::vector<HookRecord> records = ReadRecords(host, bundle);
    std::vector<std::string> phases;
    for (const HookRecord& r : records) phases.push_back(r.phase);
    EXPECT_THAT(phases,
                ElementsAre("prestart", "createRuntime", "createContainer"));
    // The container's process existed (still runbox's init) when they ran.
    for (const HookRecord& r : records) {
      EXPECT_TRUE(IsRunboxInit(r.target_argv))
          << r.phase << ": " << absl::StrJoin(r.target_argv, " ");
    }

    EXPECT_EQ(StatusOf(host, dir), "created");
    EXPECT_EQ(Phases(host, bundle).size(), 3u) << "state ran hooks";

    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, IsEmpty());
    records = ReadRecords(host, bundle);
    phases.clear();
    for (const HookRecord& r : records) phases.push_back(r.phase);
    EXPECT_THAT(phases,
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "startContainer", "poststart"));
    // startContainer ran before the exec (on Linux its /proc is the
    // container's, where the host pid names nothing); poststart after it.
    if (const HookRecord* r = Find(records, "startContainer")) {
      EXPECT_TRUE(r->target_argv.empty() || IsRunboxInit(r->target_argv))
          << absl::StrJoin(r->target_argv, " ");
    }
    if (const HookRecord* r = Find(records, "poststart")) {
      EXPECT_EQ(r->target_argv, SleepArgs());
    }

    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    EXPECT_EQ(StatusOf(host, dir), "stopped");
    EXPECT_EQ(Phases(host, bundle).size(), 5u)
        << "kill, wait or state ran hooks";

    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, IsEmpty());
    EXPECT_THAT(Phases(host, bundle),
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "startContainer", "poststart", "poststop"));
    ExpectNoTrace(host, dir);
  });
}

// runtime.md "State" on each hook's stdin, with the status of its moment.
TEST_P(HooksTest, EachHookGetsTheStateOnStdin) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeBundle(host, bundle, OnePerPhase(bundle)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output state = RunboxAt(host, dir, {"state", std::string(kId)});
    std::optional<nlohmann::json> created = ParseJson(state.out);
    ASSERT_TRUE(created.has_value()) << state.Describe();
    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();

    std::vector<HookRecord> records = ReadRecords(host, bundle);
    ASSERT_EQ(records.size(), AllPhases().size());
    // "pid ... is the ID of the container process, as seen by the host":
    // init, before and after its exec (EachCommandRunsItsHooksInOrder
    // checks it is init). Not `state`'s pid, which is the supervisor's
    // (DESIGN.md "The sandbox supervisor").
    ASSERT_TRUE(records[1].state.is_object()) << records[1].input;
    const int pid = records[1].state.value("pid", 0);
    EXPECT_GT(pid, 0) << records[1].input;
    // runtime.md "State": creating during create, created until the
    // program runs, running after; stopped once it has exited.
    const char* statuses[] = {"creating", "creating", "creating",
                              "created",  "running",  "stopped"};
    for (size_t i = 0; i < records.size(); ++i) {
      const HookRecord& r = records[i];
      SCOPED_TRACE(r.phase);
      EXPECT_EQ(r.phase, AllPhases()[i]);
      ASSERT_TRUE(r.state.is_object()) << r.input;
      EXPECT_EQ(r.state.value("ociVersion", ""),
                created->value("ociVersion", "?"));
      EXPECT_EQ(r.state.value("id", ""), kId);
      EXPECT_EQ(r.state.value("status", ""), statuses[i]);
      EXPECT_EQ(r.state.value("bundle", ""), bundle.path);
      EXPECT_THAT(r.state.value("bundle", ""), StartsWith("/"));
      ASSERT_TRUE(r.state.contains("annotations")) << r.input;
      EXPECT_EQ(r.state["annotations"].value(kAnnotation, ""),
                kAnnotationValue);
      // "REQUIRED when status is created or running"; and the same
      // process throughout.
      if (r.phase != "poststop") {
        EXPECT_EQ(r.state.value("pid", 0), pid) << r.input;
      }
    }
  });
}

TEST_P(HooksTest, PrestartFailureLeavesNothing) {
  Run([&](Host& host, const std::string& dir) {
    ExpectCreateHookFailureLeavesNothing(host, dir, "prestart");
  });
}

TEST_P(HooksTest, CreateRuntimeFailureLeavesNothing) {
  Run([&](Host& host, const std::string& dir) {
    ExpectCreateHookFailureLeavesNothing(host, dir, "createRuntime");
  });
}

TEST_P(HooksTest, CreateContainerFailureLeavesNothing) {
  Run([&](Host& host, const std::string& dir) {
    ExpectCreateHookFailureLeavesNothing(host, dir, "createContainer");
  });
}

// runtime.md steps 4 and 12-13: a failing createRuntime hook makes the
// runtime "stop the container, and continue the lifecycle at step 12",
// and step 13 runs the poststop hooks (as runc's destroy does).
TEST_P(HooksTest, PoststopRunsWhenACreateHookFails) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks;
    hooks.create_runtime = {Recorder(bundle, "createRuntime", "1")};
    hooks.poststop = {Recorder(bundle, "poststop")};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(Phases(host, bundle), ElementsAre("createRuntime", "poststop"));
    ExpectNoTrace(host, dir);
  });
}

// runtime.md step 7: a failing startContainer hook fails the start; the
// program never runs, nor do the poststart hooks; the container is
// stopped, and delete runs poststop.
TEST_P(HooksTest, StartContainerFailureFailsStart) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks = OnePerPhase(bundle);
    hooks.start_container = {Recorder(bundle, "startContainer", "1")};
    // The program is the recorder too: if it ran, the log says so.
    ASSERT_OK(MakeBundle(host, bundle, hooks,
                         {std::string(kContainerRecorder), "program",
                          std::string(kContainerLog)}));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    EXPECT_EQ(start.status, ExitStatus::Exited(1)) << start.Describe();
    EXPECT_THAT(start.err, HasSubstr("startContainer hook 0"));
    EXPECT_THAT(start.err, HasSubstr(kContainerRecorder));
    EXPECT_THAT(start.err, HasSubstr("hook_recorder: startContainer exits 1"));
    // init exits after it has told the supervisor, and start does not wait
    // for that: on Linux `state` can still say "created" for a moment.
    Output wait = RunboxAt(host, dir, {"wait", std::string(kId)});
    EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(StatusOf(host, dir), "stopped");
    EXPECT_THAT(Phases(host, bundle),
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "startContainer"));

    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(Phases(host, bundle),
                ElementsAre("prestart", "createRuntime", "createContainer",
                            "startContainer", "poststop"));
    ExpectNoTrace(host, dir);
  });
}

// runtime.md step 9: a failing poststart hook is a warning; start succeeds
// and the container runs.
TEST_P(HooksTest, PoststartFailureIsAWarning) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks;
    hooks.poststart = {Recorder(bundle, "poststart", "1")};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    EXPECT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, StartsWith("runbox: warning: "));
    EXPECT_THAT(start.err, HasSubstr("poststart hook 0"));
    EXPECT_THAT(start.err, HasSubstr(bundle.recorder));
    EXPECT_THAT(start.err, HasSubstr("hook_recorder: poststart exits 1"));
    EXPECT_EQ(StatusOf(host, dir), "running");
    EXPECT_THAT(Phases(host, bundle), ElementsAre("poststart"));
  });
}

// runtime.md step 9: after a failing poststart hook "the remaining hooks
// and lifecycle continue as if the hook had succeeded".
TEST_P(HooksTest, RemainingPoststartHooksRunAfterAFailure) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks;
    hooks.poststart = {Recorder(bundle, "poststart#0", "1"),
                       Recorder(bundle, "poststart#1")};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    EXPECT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, HasSubstr("poststart hook 0"));
    EXPECT_THAT(Phases(host, bundle),
                ElementsAre("poststart#0", "poststart#1"));
  });
}

// runtime.md step 13: a failing poststop hook is a warning; delete
// succeeds and the state goes.
TEST_P(HooksTest, PoststopFailureIsAWarning) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks;
    hooks.poststop = {Recorder(bundle, "poststop", "1")};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(RunAndStop(host, dir, bundle));

    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, StartsWith("runbox: warning: "));
    EXPECT_THAT(del.err, HasSubstr("poststop hook 0"));
    EXPECT_THAT(del.err, HasSubstr(bundle.recorder));
    EXPECT_THAT(del.err, HasSubstr("hook_recorder: poststop exits 1"));
    EXPECT_THAT(Phases(host, bundle), ElementsAre("poststop"));
    ExpectNoTrace(host, dir);
  });
}

// runtime.md step 13, as step 9.
TEST_P(HooksTest, RemainingPoststopHooksRunAfterAFailure) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks;
    hooks.poststop = {Recorder(bundle, "poststop#0", "1"),
                      Recorder(bundle, "poststop#1")};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(RunAndStop(host, dir, bundle));

    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, HasSubstr("poststop hook 0"));
    EXPECT_THAT(Phases(host, bundle), ElementsAre("poststop#0", "poststop#1"));
    ExpectNoTrace(host, dir);
  });
}

// config.md: "timeout is the number of seconds before aborting the hook.
// If set, timeout MUST be greater than zero." A createRuntime hook that
// outlives it fails the create, and is killed.
TEST_P(HooksTest, HookTimeoutFailsCreateAndKillsTheHook) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks = OnePerPhase(bundle);
    spec::Hook hang = Recorder(bundle, "createRuntime", "hang");
    hang.timeout = 1;
    hooks.create_runtime = {hang};
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    const absl::Duration before = host.MonotonicNow();
    Output create = Create(host, dir, bundle);
    const absl::Duration took = host.MonotonicNow() - before;
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("createRuntime hook 0"));
    EXPECT_THAT(create.err, HasSubstr(bundle.recorder));
    EXPECT_THAT(create.err, HasSubstr("timeout 1s"));
    EXPECT_THAT(create.err, HasSubstr("timed out"));
    // Virtual time on the fake, real on Linux.
    EXPECT_GE(took, absl::Seconds(1));
    EXPECT_LT(took, absl::Seconds(10));

    // The hook ran (and logged) before it hung; no create hook after it
    // ran, and the failed create went on to poststop (runtime.md).
    EXPECT_THAT(Phases(host, bundle),
                ElementsAre("prestart", "createRuntime", "poststop"));
    // ExpectNoTrace includes the hung hook (its path is in the bundle).
    ExpectNoTrace(host, dir);
  });
}

// config.md: args "with the same semantics as IEEE Std 1003.1-2008 execv's
// argv" (so args[0] is the hook's argv[0], not its path) and env "with the
// same semantics as IEEE Std 1003.1-2008's environ": exactly the hook's
// own, nothing of the runtime's (kCanary).
TEST_P(HooksTest, HooksGetExactlyTheirArgsAndEnv) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks = OnePerPhase(bundle);
    for (const std::string& phase : AllPhases()) {
      spec::Hook& hook = HooksOf(hooks, phase)[0];
      hook.args[0] = absl::StrCat("argv0-of-", phase);
      hook.args.push_back("0");
      // prestart gets no env at all: an empty environment, not runbox's.
      if (phase != "prestart") {
        hook.env = {absl::StrCat("HOOK_PHASE=", phase), "WITH_EQUALS=a=b",
                    "EMPTY="};
      }
    }
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(RunAndStop(host, dir, bundle));
    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();

    std::vector<HookRecord> records = ReadRecords(host, bundle);
    ASSERT_EQ(records.size(), AllPhases().size());
    for (const HookRecord& r : records) {
      SCOPED_TRACE(r.phase);
      const spec::Hook& hook = HooksOf(hooks, r.phase)[0];
      EXPECT_EQ(r.argv, hook.args);
      EXPECT_EQ(r.env, hook.env);
      EXPECT_THAT(r.env, Not(Contains(kCanary)));
    }
  });
}

// A hook's stdin is an ordinary blocking pipe (runc gives one): a hook
// that reads it with read(2), as cat and most shell tools do, must not
// get EAGAIN before the runtime has written the state.
TEST_P(HooksTest, HooksGetABlockingStdin) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    ASSERT_OK(MakeBundle(host, bundle, OnePerPhase(bundle)));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(RunAndStop(host, dir, bundle));
    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();

    std::vector<HookRecord> records = ReadRecords(host, bundle);
    EXPECT_EQ(records.size(), AllPhases().size());
    for (const HookRecord& r : records) {
      // On Linux the recorder reads the mode from /proc; on the fake only
      // an EAGAIN shows it.
      EXPECT_FALSE(r.stdin_eagain) << r.phase << ": read(stdin) said EAGAIN";
      EXPECT_NE(r.stdin_nonblocking, nlohmann::json(true))
          << r.phase << ": stdin is O_NONBLOCK";
    }
  });
}

// hooks.cc: "A hook that exits without reading its stdin is not an
// error." Every hook here is busybox `true`, which exits at once: when it
// is gone before the runtime writes the state, the write fails with EPIPE,
// and a runbox process that does not ignore SIGPIPE (init runs the
// createContainer and startContainer hooks, `delete` the poststop ones)
// must not die of it. On the fake the hooks win that race with this seed;
// on Linux they often do.
TEST_P(HooksTest, HooksNeedNotReadStdin) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    spec::Hooks hooks;
    for (const std::string& phase : AllPhases()) {
      spec::Hook hook;
      hook.path = phase == "startContainer"
                      ? "/bin/true"
                      : absl::StrCat(bundle.rootfs, "/bin/true");
      hook.args = {"true"};
      HooksOf(hooks, phase).push_back(hook);
    }
    ASSERT_OK(MakeBundle(host, bundle, hooks));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };

    Output create = Create(host, dir, bundle);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = RunboxAt(host, dir, {"start", std::string(kId)});
    EXPECT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, IsEmpty());
    EXPECT_EQ(StatusOf(host, dir), "running");
    ASSERT_NO_FATAL_FAILURE(StopContainer(host, dir));
    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_THAT(del.err, IsEmpty());
    ExpectNoTrace(host, dir);
  });
}

// config.md puts no bound on annotations, and every hook gets them whole
// on stdin. 100 KiB is more than one pipe holds (the runtime must keep
// writing while the hook reads) and more than runbox's 64 KiB sync
// messages, which carry the state to init for createContainer and
// startContainer.
TEST_P(HooksTest, LargeAnnotationsReachEveryHook) {
  Run([&](Host& host, const std::string& dir) {
    Bundle bundle(dir);
    const std::string big(100 << 10, 'x');
    ASSERT_OK(MakeBundle(host, bundle, OnePerPhase(bundle), SleepArgs(),
                         [&](spec::Config& config) {
                           config.annotations["org.example.big"] = big;
                         }));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    ASSERT_NO_FATAL_FAILURE(RunAndStop(host, dir, bundle));
    Output del = RunboxAt(host, dir, {"delete", std::string(kId)});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();

    std::vector<HookRecord> records = ReadRecords(host, bundle);
    EXPECT_EQ(records.size(), AllPhases().size());
    for (const HookRecord& r : records) {
      SCOPED_TRACE(r.phase);
      ASSERT_TRUE(r.state.is_object())
          << r.input.size() << " bytes that are not JSON, ending "
          << r.input.substr(r.input.size() -
                            std::min<size_t>(40, r.input.size()));
      ASSERT_TRUE(r.state.contains("annotations"));
      EXPECT_EQ(r.state["annotations"].value("org.example.big", "").size(),
                big.size());
    }
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(HooksTest);

}  // namespace
}  // namespace runbox
