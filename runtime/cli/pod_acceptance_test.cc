// Pods through the runbox command line, on both hosts: a sandbox and two
// containers that join it by CRI annotations (runtime/pod). A member
// reaches another's listener on 127.0.0.1, so they share one network
// namespace; killing or deleting the sandbox stops its members; deleting
// a member leaves the pod running; and everything tears down to an empty
// state root.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTypeKey[] = "io.kubernetes.cri.container-type";
constexpr char kSandboxKey[] = "io.kubernetes.cri.sandbox-id";

// The sandbox only holds the pod's namespaces, as a pod's pause container
// does. runbox brings up the loopback of each network namespace it makes,
// as runc does, so the members can talk over 127.0.0.1.
const std::vector<std::string> kSandboxProcess = {"/bin/sleep", "100000"};
const std::vector<std::string> kMemberProcess = {"/bin/sleep", "100000"};

// A bundle running `args`: runc's default config (its own pid, network,
// ipc, uts and mount namespaces), with `annotations`.
absl::Status MakeBundle(Host& host, const DualHost& env,
                        const std::string& bundle,
                        const std::vector<std::string>& args,
                        const nlohmann::json& annotations) {
  RETURN_IF_ERROR(MakeBusyboxRootfs(host, env.ProgramPath("busybox"),
                                    absl::StrCat(bundle, "/rootfs")));
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = args;
  nlohmann::json doc = nlohmann::json::parse(spec::SerializeConfig(config));
  doc["annotations"] = annotations;
  return WriteFile(host, absl::StrCat(bundle, "/config.json"), doc.dump(2));
}

nlohmann::json SandboxAnnotations() { return {{kTypeKey, "sandbox"}}; }
nlohmann::json MemberAnnotations(const std::string& sandbox) {
  return {{kTypeKey, "container"}, {kSandboxKey, sandbox}};
}

class PodAcceptanceTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }
  // Per test body: the state root and a fresh ID prefix.
  void Begin(Host& host, const std::string& dir) {
    root_ = absl::StrCat(dir, "/state");
    dir_ = dir;
    prefix_ = absl::StrCat("pod-", absl::Hex(host.RandomUint64()));
  }
  std::string Id(absl::string_view name) const {
    return absl::StrCat(prefix_, "-", name);
  }
  std::string Bundle(absl::string_view name) const {
    return absl::StrCat(dir_, "/", name);
  }
  Output Runbox(Host& host, const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", root_};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }
  // create + start of bundle `name` as container Id(name).
  void Launch(Host& host, absl::string_view name) {
    Output create =
        Runbox(host, {"create", "--bundle", Bundle(name), Id(name)});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = Runbox(host, {"start", Id(name)});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
  }
  // A sandbox and two sleeping members, all running.
  void LaunchPod(Host& host) {
    ASSERT_OK(MakeBundle(host, env(), Bundle("sandbox"), kSandboxProcess,
                         SandboxAnnotations()));
    for (const char* member : {"a", "b"}) {
      ASSERT_OK(MakeBundle(host, env(), Bundle(member), kMemberProcess,
                           MemberAnnotations(Id("sandbox"))));
    }
    for (const char* name : {"sandbox", "a", "b"}) {
      ASSERT_NO_FATAL_FAILURE(Launch(host, name));
    }
  }
  std::string Status(Host& host, absl::string_view name) {
    Output state = Runbox(host, {"state", Id(name)});
    std::optional<nlohmann::json> doc = ParseJson(state.out);
    if (!doc) return absl::StrCat("(no state: ", state.Describe(), ")");
    return doc->value("status", "");
  }
  // `runbox wait`: blocks until the container has exited; its status.
  std::string Wait(Host& host, absl::string_view name) {
    Output wait = Runbox(host, {"wait", Id(name)});
    EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    return wait.out;
  }
  void DeleteAll(Host& host) {
    for (const char* name : {"a", "b", "sandbox"}) {
      Output del = Runbox(host, {"delete", "--force", Id(name)});
      EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    }
    EXPECT_THAT(Entries(host, root_),
                ::testing::Each(::testing::StartsWith(".")));
  }

  std::string root_, dir_, prefix_;
};

TEST_P(PodAcceptanceTest, AMemberReachesAnothersListenerOn127001) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    Begin(host, dir);
    ASSERT_OK(MakeBundle(host, env(), Bundle("sandbox"), kSandboxProcess,
                         SandboxAnnotations()));
    // The listener answers one connection with "pong".
    ASSERT_OK(MakeBundle(host, env(), Bundle("a"),
                         {"/bin/sh", "-c", "echo pong | nc -l -p 9000"},
                         MemberAnnotations(Id("sandbox"))));
    ASSERT_OK(MakeBundle(host, env(), Bundle("b"),
                         {"/bin/nc", "127.0.0.1", "9000"},
                         MemberAnnotations(Id("sandbox"))));
    ASSERT_NO_FATAL_FAILURE(Launch(host, "sandbox"));
    ASSERT_NO_FATAL_FAILURE(Launch(host, "a"));

    // The client runs in the foreground until the listener answers: the
    // listener may not listen yet (nor the sandbox's loopback be up) when
    // it first tries. Bounded attempts, no timing.
    Output client;
    int attempts = 0;
    for (; attempts < 200; ++attempts) {
      client = Runbox(host, {"run", "--bundle", Bundle("b"), Id("b")});
      if (client.status == ExitStatus::Exited(0)) break;
    }
    EXPECT_EQ(client.status, ExitStatus::Exited(0)) << client.Describe();
    EXPECT_EQ(client.out, "pong\n") << client.Describe();
    if (client.status == ExitStatus::Exited(0)) {
      // The listener exits once its one connection is done.
      EXPECT_EQ(Wait(host, "a"), "0\n");
    }
    EXPECT_EQ(Status(host, "sandbox"), "running");
    DeleteAll(host);
    ReapExited(host);
  });
}

TEST_P(PodAcceptanceTest, KillingTheSandboxStopsItsMembers) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    Begin(host, dir);
    ASSERT_NO_FATAL_FAILURE(LaunchPod(host));
    Output kill = Runbox(host, {"kill", Id("sandbox"), "KILL"});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    EXPECT_EQ(Wait(host, "sandbox"), "137\n");
    EXPECT_EQ(Wait(host, "a"), "137\n");
    EXPECT_EQ(Wait(host, "b"), "137\n");
    for (const char* name : {"sandbox", "a", "b"}) {
      EXPECT_EQ(Status(host, name), "stopped") << name;
    }
    DeleteAll(host);
    ReapExited(host);
  });
}

TEST_P(PodAcceptanceTest, KillingTheSandboxStopsAPausedMember) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    Begin(host, dir);
    ASSERT_NO_FATAL_FAILURE(LaunchPod(host));
    Output pause = Runbox(host, {"pause", Id("a")});
    ASSERT_EQ(pause.status, ExitStatus::Exited(0)) << pause.Describe();
    EXPECT_EQ(Status(host, "a"), "paused");
    Output kill = Runbox(host, {"kill", Id("sandbox"), "KILL"});
    ASSERT_EQ(kill.status, ExitStatus::Exited(0)) << kill.Describe();
    // A frozen task dies of SIGKILL only once thawed: the sandbox's
    // supervisor thaws it.
    EXPECT_EQ(Wait(host, "a"), "137\n");
    EXPECT_EQ(Wait(host, "b"), "137\n");
    DeleteAll(host);
    ReapExited(host);
  });
}

TEST_P(PodAcceptanceTest, DeletingTheSandboxStopsItsMembers) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    Begin(host, dir);
    ASSERT_NO_FATAL_FAILURE(LaunchPod(host));
    Output del = Runbox(host, {"delete", "--force", Id("sandbox")});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_EQ(Wait(host, "a"), "137\n");
    EXPECT_EQ(Wait(host, "b"), "137\n");
    DeleteAll(host);
    ReapExited(host);
  });
}

TEST_P(PodAcceptanceTest, DeletingAMemberLeavesThePodRunning) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    Begin(host, dir);
    ASSERT_NO_FATAL_FAILURE(LaunchPod(host));
    Output del = Runbox(host, {"delete", "--force", Id("a")});
    ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_EQ(Status(host, "sandbox"), "running");
    EXPECT_EQ(Status(host, "b"), "running");
    DeleteAll(host);
    ReapExited(host);
  });
}

TEST_P(PodAcceptanceTest, JoiningAMissingSandboxFailsAndLeavesNoTrace) {
  SCOPED_TRACE(env().ReplayHint(env().seed()));
  env().Run([&](Host& host, const std::string& dir) {
    if (!IsFake() && host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    Begin(host, dir);
    ASSERT_OK(MakeBundle(host, env(), Bundle("a"), kMemberProcess,
                         MemberAnnotations(Id("nope"))));
    Output create = Runbox(host, {"create", "--bundle", Bundle("a"), Id("a")});
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr(absl::StrCat("pod sandbox \"", Id("nope"),
                                                   "\" does not exist")));
    EXPECT_THAT(Entries(host, root_),
                ::testing::Each(::testing::StartsWith(".")));
    ReapExited(host);
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(PodAcceptanceTest);

}  // namespace
}  // namespace runbox
