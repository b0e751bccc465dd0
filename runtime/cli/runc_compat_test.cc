// What engines rely on in runc 1.1's command line, on both hosts: the
// error words they grep ("does not exist", "container not running", "cannot
// exec in a stopped container"...) and the exit codes, the --log-format
// json record (logrus: exactly level, msg, time, in that order, time to the
// second), `ps --format json`, `kill --all`, `exec --detach --pid-file` and
// `exec --preserve-fds`. runc 1.1.5's outputs, for reference, are quoted
// beside each check.
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/container/container.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RuncCompatTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }

  // `runbox --root DIR/state ARGS...`.
  Output RunboxAt(Host& host, const std::string& dir,
                  const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", absl::StrCat(dir, "/state")};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }

  // A bundle at DIR/bundle running `args`; nullopt-free: failures are
  // test failures.
  std::string MakeBundle(Host& host, const std::string& dir,
                         const std::vector<std::string>& args) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    EXPECT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"),
                                absl::StrCat(bundle, "/rootfs")));
    spec::Config config = spec::DefaultSpec();
    config.process->terminal = false;
    config.process->args = args;
    EXPECT_OK(WriteFile(host, absl::StrCat(bundle, "/config.json"),
                        spec::SerializeConfig(config)));
    return bundle;
  }

  // Why real containers cannot run here, if they cannot.
  std::optional<std::string> SkipReason(Host& host) {
    if (!IsFake() && host.GetUid() != 0) return "needs root on Linux";
    return std::nullopt;
  }
};

const std::vector<std::string> kSleep = {"/bin/sleep", "100000"};

// The pids of `ps --format json`.
std::vector<int> PsPids(const Output& ps) {
  std::optional<nlohmann::json> doc = ParseJson(ps.out);
  std::vector<int> pids;
  if (!doc || !doc->is_array()) {
    ADD_FAILURE() << "not a JSON array: " << ps.Describe();
    return pids;
  }
  for (const nlohmann::json& pid : *doc) pids.push_back(pid.get<int>());
  return pids;
}

// runc: `container does not exist`, exit 1 (exec: `exec failed: container
// does not exist`, exit 255). containerd's shim greps "does not exist".
TEST_P(RuncCompatTest, MissingContainerDoesNotExist) {
  env().Run([&](Host& host, const std::string& dir) {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"start", "nope"},
                                               {"kill", "nope"},
                                               {"kill", "nope", "KILL"},
                                               {"delete", "nope"},
                                               {"state", "nope"},
                                               {"ps", "nope"},
                                               {"pause", "nope"},
                                               {"resume", "nope"},
                                               {"exec", "nope", "true"}}) {
      Output out = RunboxAt(host, dir, args);
      EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
      EXPECT_THAT(out.err, HasSubstr("does not exist")) << out.Describe();
    }
  });
}

// runc 1.1.5's exit codes of failed commands: 1, but exec's 255.
TEST_P(RuncCompatTest, ExitCodesOfFailuresAreRuncs) {
  env().Run([&](Host& host, const std::string& dir) {
    EXPECT_EQ(RunboxAt(host, dir, {"start", "nope"}).status,
              ExitStatus::Exited(1));
    EXPECT_EQ(RunboxAt(host, dir, {"state", "nope"}).status,
              ExitStatus::Exited(1));
    EXPECT_EQ(RunboxAt(host, dir, {"exec", "nope", "true"}).status,
              ExitStatus::Exited(255));
  });
}

// The refusals of the state machine, in runc's words where engines grep
// them.
TEST_P(RuncCompatTest, StateRefusalsUseRuncsWords) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    const std::string bundle = MakeBundle(host, dir, kSleep);
    const std::string id = absl::StrCat("compat-", host.GetPid().value);
    Output create = RunboxAt(host, dir, {"create", "--bundle", bundle, id});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();

    // runc: `runc create failed: container with given ID already exists`.
    Output again = RunboxAt(host, dir, {"create", "--bundle", bundle, id});
    EXPECT_EQ(again.status, ExitStatus::Exited(1)) << again.Describe();
    EXPECT_THAT(again.err, HasSubstr(absl::StrCat(
                               "container with given ID already exists: ", id)))
        << again.Describe();

    ASSERT_EQ(RunboxAt(host, dir, {"start", id}).status, ExitStatus::Exited(0));
    // runc: `cannot start an already running container`.
    Output restart = RunboxAt(host, dir, {"start", id});
    EXPECT_EQ(restart.status, ExitStatus::Exited(1)) << restart.Describe();
    EXPECT_THAT(restart.err,
                HasSubstr("cannot start an already running container"));
    // runc: `cannot delete container ID that is not stopped: running`.
    Output del = RunboxAt(host, dir, {"delete", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(1)) << del.Describe();
    EXPECT_THAT(del.err, HasSubstr(absl::StrCat("cannot delete container ", id,
                                                " that is not stopped: "
                                                "running")));
    // runc: `container not paused`.
    Output resume = RunboxAt(host, dir, {"resume", id});
    EXPECT_EQ(resume.status, ExitStatus::Exited(1)) << resume.Describe();
    EXPECT_THAT(resume.err, HasSubstr("container not paused"));

    ASSERT_EQ(RunboxAt(host, dir, {"kill", id, "KILL"}).status,
              ExitStatus::Exited(0));
    ASSERT_EQ(RunboxAt(host, dir, {"wait", id}).status, ExitStatus::Exited(0));
    // runc: `container not running` (containerd and podman grep it).
    Output kill = RunboxAt(host, dir, {"kill", id});
    EXPECT_EQ(kill.status, ExitStatus::Exited(1)) << kill.Describe();
    EXPECT_THAT(kill.err, HasSubstr("container not running"));
    Output pause = RunboxAt(host, dir, {"pause", id});
    EXPECT_EQ(pause.status, ExitStatus::Exited(1)) << pause.Describe();
    EXPECT_THAT(pause.err, HasSubstr("container not running"));
    // runc: `cannot start a container that has stopped`.
    Output start = RunboxAt(host, dir, {"start", id});
    EXPECT_EQ(start.status, ExitStatus::Exited(1)) << start.Describe();
    EXPECT_THAT(start.err,
                HasSubstr("cannot start a container that has stopped"));
    // runc: `exec failed: cannot exec in a stopped container`, exit 255.
    Output exec = RunboxAt(host, dir, {"exec", id, "true"});
    EXPECT_EQ(exec.status, ExitStatus::Exited(255)) << exec.Describe();
    EXPECT_THAT(exec.err, HasSubstr("cannot exec in a stopped container"));

    EXPECT_EQ(RunboxAt(host, dir, {"delete", id}).status,
              ExitStatus::Exited(0));
  });
}

// runc: {"level":"error","msg":"container does not exist",
// "time":"2026-11-25T22:39:22Z"}: logrus's JSONFormatter, keys sorted, the
// default RFC 3339 time to the second.
TEST_P(RuncCompatTest, JsonLogRecordIsLogrusShaped) {
  env().Run([&](Host& host, const std::string& dir) {
    const std::string log = absl::StrCat(dir, "/log.json");
    Output state = RunboxAt(
        host, dir, {"--log", log, "--log-format", "json", "state", "nope"});
    EXPECT_EQ(state.status, ExitStatus::Exited(1)) << state.Describe();
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(host, log));
    std::vector<std::string> lines =
        absl::StrSplit(text, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 1u) << text;
    nlohmann::ordered_json record = nlohmann::ordered_json::parse(lines[0]);
    std::vector<std::string> keys;
    for (auto it = record.begin(); it != record.end(); ++it) {
      keys.push_back(it.key());
    }
    EXPECT_THAT(keys, ElementsAre("level", "msg", "time"));
    EXPECT_EQ(record["level"], "error");
    EXPECT_THAT(record["msg"].get<std::string>(), HasSubstr("does not exist"));
    EXPECT_TRUE(
        std::regex_match(record["time"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
        << lines[0];
    // The line is compact, as logrus writes it.
    EXPECT_TRUE(absl::StartsWith(lines[0], "{\"level\":\"error\",\"msg\":\""))
        << lines[0];
  });
}

// --debug adds debug records before the error, in the same shape.
TEST_P(RuncCompatTest, JsonLogWithDebugHasDebugLinesThenTheError) {
  env().Run([&](Host& host, const std::string& dir) {
    const std::string log = absl::StrCat(dir, "/log.json");
    Output state = RunboxAt(
        host, dir,
        {"--debug", "--log", log, "--log-format", "json", "state", "nope"});
    EXPECT_EQ(state.status, ExitStatus::Exited(1)) << state.Describe();
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(host, log));
    std::vector<std::string> lines =
        absl::StrSplit(text, '\n', absl::SkipEmpty());
    ASSERT_GE(lines.size(), 2u) << text;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::optional<nlohmann::json> record = ParseJson(lines[i]);
      ASSERT_TRUE(record.has_value()) << lines[i];
      EXPECT_EQ(record->value("level", ""),
                i + 1 == lines.size() ? "error" : "debug")
          << lines[i];
    }
  });
}

// `kill --all`: every process of the container gets the signal, the exec'd
// ones too; `ps --format json` lists them before and none after.
TEST_P(RuncCompatTest, KillAllReachesExecdProcessesAndPsSeesThem) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    const std::string bundle = MakeBundle(host, dir, kSleep);
    const std::string id = absl::StrCat("killall-", host.GetPid().value);
    Output run = RunboxAt(host, dir, {"run", "-d", "--bundle", bundle, id});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    const std::string pid_file = absl::StrCat(dir, "/exec.pid");
    Output exec = RunboxAt(host, dir,
                           {"exec", "--detach", "--pid-file", pid_file, id,
                            "/bin/sleep", "200000"});
    ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    EXPECT_THAT(exec.out, IsEmpty());
    // --pid-file: the exec'd process's host pid, no newline (runc's).
    ASSERT_OK_AND_ASSIGN(std::string pid_text, ReadFile(host, pid_file));
    int exec_pid = 0;
    ASSERT_TRUE(absl::SimpleAtoi(pid_text, &exec_pid)) << pid_text;
    EXPECT_FALSE(absl::EndsWith(pid_text, "\n"));

    Output ps = RunboxAt(host, dir, {"ps", "--format", "json", id});
    ASSERT_EQ(ps.status, ExitStatus::Exited(0)) << ps.Describe();
    std::vector<int> pids = PsPids(ps);
    EXPECT_EQ(pids.size(), 2u) << ps.out;
    EXPECT_THAT(pids, testing::Contains(exec_pid)) << ps.out;
    EXPECT_TRUE(absl::EndsWith(ps.out, "]\n")) << ps.out;

    Output kill = RunboxAt(host, dir, {"kill", "--all", id, "KILL"});
    EXPECT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    Output wait = RunboxAt(host, dir, {"wait", id});
    EXPECT_EQ(wait.out, "137\n") << wait.Describe();
    // The exec'd sleep died too (not just init): nothing is left.
    Output after = RunboxAt(host, dir, {"ps", "--format", "json", id});
    if (after.status == ExitStatus::Exited(0)) {
      EXPECT_THAT(PsPids(after), IsEmpty()) << after.Describe();
    }
    EXPECT_EQ(RunboxAt(host, dir, {"delete", "--force", id}).status,
              ExitStatus::Exited(0));
  });
}

// runc: `exec failed: unable to start container process: exec:
// "/nonexist": stat /nonexist: no such file or directory`, exit 255, with
// and without --detach (containerd always passes --detach): the caller
// learns that the program never ran.
TEST_P(RuncCompatTest, ExecOfAMissingProgramFails) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    const std::string bundle = MakeBundle(host, dir, kSleep);
    const std::string id = absl::StrCat("nox-", host.GetPid().value);
    Output run = RunboxAt(host, dir, {"run", "-d", "--bundle", bundle, id});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    for (bool detach : {true, false}) {
      std::vector<std::string> args = {"exec"};
      if (detach) args.push_back("--detach");
      args.insert(args.end(), {id, "/nonexist"});
      Output exec = RunboxAt(host, dir, args);
      EXPECT_EQ(exec.status, ExitStatus::Exited(255)) << exec.Describe();
      EXPECT_THAT(exec.err, HasSubstr("exec failed: "));
      EXPECT_THAT(exec.err, HasSubstr("unable to start container process"));
      EXPECT_THAT(exec.err, HasSubstr("/nonexist"));
    }
    // The container itself is unharmed.
    Output echo = RunboxAt(host, dir, {"exec", id, "/bin/echo", "ok"});
    EXPECT_EQ(echo.status, ExitStatus::Exited(0)) << echo.Describe();
    EXPECT_EQ(echo.out, "ok\n");
    EXPECT_EQ(RunboxAt(host, dir, {"delete", "--force", id}).status,
              ExitStatus::Exited(0));
  });
}

// `exec --preserve-fds 1`: the caller's fd 3 is the process's fd 3, and
// nothing beyond it.
TEST_P(RuncCompatTest, ExecPreserveFdsPassesFd3) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    // The fake's file system has no /proc/self/fd to name fd 3 by; its
    // spawn passes fds by the same code on both hosts.
    if (IsFake()) GTEST_SKIP() << "the fake has no /proc/self/fd";
    const std::string bundle = MakeBundle(host, dir, kSleep);
    const std::string id = absl::StrCat("pfd-", host.GetPid().value);
    Output run = RunboxAt(host, dir, {"run", "-d", "--bundle", bundle, id});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK(WriteFile(host, absl::StrCat(dir, "/fd3.txt"), "via fd 3\n"));
    ASSERT_OK_AND_ASSIGN(Fd extra,
                         host.OpenAt(Fd::Cwd(), absl::StrCat(dir, "/fd3.txt"),
                                     {.flags = OpenFlags::kReadOnly}));
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    SpawnRequest request;
    request.path = env().ProgramPath("runbox");
    request.argv = {"runbox", "--root",         absl::StrCat(dir, "/state"),
                    "exec",   "--preserve-fds", "1",
                    id,       "/bin/cat",       "/proc/self/fd/3"};
    request.env = host.Environment();
    Fd err(2, nullptr);
    request.fds = {{&out.write, 1}, {&err, 2}, {&extra, 3}};
    ASSERT_OK_AND_ASSIGN(SpawnResult child, host.Spawn(request));
    out.write.Reset();
    ASSERT_OK_AND_ASSIGN(std::string text, ReadAll(host, out.read));
    absl::StatusOr<std::optional<WaitResult>> waited;
    do {
      waited = host.Wait(child.pid, WaitFlags::kNone);
    } while (IsErrno(waited, EINTR));
    ASSERT_OK(waited.status());
    ASSERT_TRUE(waited->has_value());
    EXPECT_EQ((*waited)->status, ExitStatus::Exited(0));
    EXPECT_EQ(text, "via fd 3\n");
    EXPECT_EQ(RunboxAt(host, dir, {"delete", "--force", id}).status,
              ExitStatus::Exited(0));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(RuncCompatTest);

}  // namespace
}  // namespace runbox
