// The container's session keyring (runc's): `runbox create`/`run` give the
// container a new session keyring "_ses.<id>", searchable by its owner,
// unless --no-new-keyring, when it keeps the caller's. On Linux, seen from
// the host's /proc/keys while a busybox container runs (inside the
// container /proc/keys is masked); on the simulated kernel, from the
// kernel's model of the container process's credentials.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fakes/fake_kernel.h"
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

const std::vector<std::string> kSleep = {"sleep", "100000"};

// runc's default config running `args`, no terminal.
nlohmann::json ConfigJson(const std::vector<std::string>& args) {
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = args;
  return nlohmann::json::parse(spec::SerializeConfig(config));
}

// The /proc/keys lines of keyrings named `name` (fields: serial, flags,
// usage, timeout, perm, uid, gid, type, "name:", summary).
std::vector<std::string> KeyringLines(const std::string& proc_keys,
                                      const std::string& name) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(proc_keys, '\n')) {
    std::vector<absl::string_view> f =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() >= 9 && f[7] == "keyring" && f[8] == name + ":") {
      out.emplace_back(line);
    }
  }
  return out;
}

// The perm field of a /proc/keys line.
std::string PermOf(const std::string& line) {
  std::vector<absl::string_view> f =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  return f.size() > 4 ? std::string(f[4]) : "";
}

// Runs a detached busybox `sleep` container with `extra_flags` and returns
// the host's /proc/keys lines of "_ses.<id>" while it runs.
// With `with_exec`, then runs `exec -d sleep` in it and appends the lines
// seen after that.
std::vector<std::string> LinuxKeyringsOfContainer(
    const std::vector<std::string>& extra_flags, absl::string_view suffix,
    bool with_exec = false) {
  std::vector<std::string> lines;
  std::unique_ptr<DualHost> env = DualHost::Make("Linux");
  RegisterRunboxAndBusybox(*env);
  env->Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    absl::StatusOr<std::string> before = ReadFile(host, "/proc/keys");
    if (!before.ok()) GTEST_SKIP() << "no /proc/keys: " << before.status();
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeBusyboxRootfs(host, env->ProgramPath("busybox"),
                                absl::StrCat(bundle, "/rootfs")));
    ASSERT_OK(WriteFile(host, absl::StrCat(bundle, "/config.json"),
                        ConfigJson(kSleep).dump(2)));
    // Unique on the machine: keyrings are global.
    const std::string id =
        absl::StrCat("keyring-", suffix, "-", host.GetPid().value);
    const std::string root = absl::StrCat(dir, "/state");
    std::vector<std::string> args = {"--root", root, "run", "-d"};
    args.insert(args.end(), extra_flags.begin(), extra_flags.end());
    args.insert(args.end(), {"--bundle", bundle, id});
    Output run = RunRunbox(*env, host, args);
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK_AND_ASSIGN(std::string keys, ReadFile(host, "/proc/keys"));
    lines = KeyringLines(keys, absl::StrCat("_ses.", id));
    if (with_exec) {
      Output exec =
          RunRunbox(*env, host,
                    {"--root", root, "exec", "-d", id, "/bin/sleep", "200000"});
      ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
      // `exec -d` returns once the process is started; the keyring is
      // joined before that.
      ASSERT_OK_AND_ASSIGN(keys, ReadFile(host, "/proc/keys"));
      std::vector<std::string> after =
          KeyringLines(keys, absl::StrCat("_ses.", id));
      lines.insert(lines.end(), after.begin(), after.end());
    }
    Output del = RunRunbox(*env, host, {"--root", root, "delete", "-f", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
  });
  return lines;
}

TEST(KeyringTest, LinuxContainerGetsItsOwnSessionKeyring) {
  std::vector<std::string> lines = LinuxKeyringsOfContainer({}, "new");
  if (testing::Test::IsSkipped()) return;
  ASSERT_EQ(lines.size(), 1u) << absl::StrJoin(lines, "\n");
  // runc's: possessor all, owner view/read/link, plus owner search.
  EXPECT_EQ(PermOf(lines[0]), "3f1b0000") << lines[0];
}

// The usage field of a /proc/keys line.
int UsageOf(const std::string& line) {
  std::vector<absl::string_view> f =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  int usage = 0;
  if (f.size() > 2) (void)absl::SimpleAtoi(f[2], &usage);
  return usage;
}

// runc's setns init: an exec'd process joins the container's keyring by
// name, so there is still one "_ses.<id>", now held once more.
TEST(KeyringTest, LinuxExecJoinsTheContainersKeyring) {
  std::vector<std::string> lines =
      LinuxKeyringsOfContainer({}, "exec", /*with_exec=*/true);
  if (testing::Test::IsSkipped()) return;
  ASSERT_EQ(lines.size(), 2u) << absl::StrJoin(lines, "\n");
  EXPECT_EQ(lines[0].substr(0, 8), lines[1].substr(0, 8)) << "same serial";
  EXPECT_GT(UsageOf(lines[1]), UsageOf(lines[0]));
}

TEST(KeyringTest, LinuxNoNewKeyringMakesNone) {
  std::vector<std::string> lines =
      LinuxKeyringsOfContainer({"--no-new-keyring"}, "none");
  if (testing::Test::IsSkipped()) return;
  EXPECT_THAT(lines, testing::IsEmpty());
}

// ---------------------------------------------------------------------------
// The simulated kernel.

// A fake kernel with a busybox bundle at /bundle running `config`.
std::unique_ptr<fake::FakeKernel> FakeWithBundle(DualHost& env,
                                                 const nlohmann::json& config) {
  std::unique_ptr<fake::FakeKernel> kernel = env.NewFakeKernel();
  Pid setup = kernel->StartFunction([&](Host& host) {
    EXPECT_OK(
        MakeBusyboxRootfs(host, env.ProgramPath("busybox"), "/bundle/rootfs"));
    EXPECT_OK(WriteFile(host, "/bundle/config.json", config.dump(2)));
    return 0;
  });
  EXPECT_EQ(RunFakeUntilExit(*kernel, setup, 1), ExitStatus::Exited(0));
  return kernel;
}

// The session keyring of the container process running `args`.
std::optional<fake::ProcessCredentials::SessionKeyring> FakeSessionKeyring(
    fake::FakeKernel& kernel, const std::vector<std::string>& args) {
  std::optional<Pid> pid = FindLiveProcess(kernel, args);
  EXPECT_TRUE(pid.has_value()) << "no container process";
  if (!pid) return std::nullopt;
  std::optional<fake::ProcessCredentials> creds = kernel.CredentialsOf(*pid);
  EXPECT_TRUE(creds.has_value());
  if (!creds) return std::nullopt;
  return creds->session_keyring;
}

TEST(KeyringTest, FakeContainerGetsItsOwnSessionKeyring) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel =
      FakeWithBundle(*env, ConfigJson(kSleep));
  Output run = RunFakeRunbox(*kernel, "/run/keys",
                             {"run", "-d", "--bundle", "/bundle", "k1"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
  auto keyring = FakeSessionKeyring(*kernel, kSleep);
  ASSERT_TRUE(keyring.has_value()) << "no session keyring";
  EXPECT_EQ(keyring->description,
            (KeyDescription{"keyring", 0, 0, 0x3f1b0000, "_ses.k1"}));
  EXPECT_EQ(RunFakeRunbox(*kernel, "/run/keys", {"delete", "-f", "k1"}).status,
            ExitStatus::Exited(0));
}

TEST(KeyringTest, FakeUserNamespaceMakesItSearchableByOthers) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  nlohmann::json config = ConfigJson(kSleep);
  config["linux"]["namespaces"].push_back({{"type", "user"}});
  config["linux"]["uidMappings"] = {
      {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
  config["linux"]["gidMappings"] = {
      {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
  std::unique_ptr<fake::FakeKernel> kernel = FakeWithBundle(*env, config);
  Output run = RunFakeRunbox(*kernel, "/run/keys",
                             {"run", "-d", "--bundle", "/bundle", "k2"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
  auto keyring = FakeSessionKeyring(*kernel, kSleep);
  ASSERT_TRUE(keyring.has_value()) << "no session keyring";
  EXPECT_EQ(keyring->description.description, "_ses.k2");
  EXPECT_EQ(keyring->description.permissions, 0x3f130008u);
  EXPECT_EQ(RunFakeRunbox(*kernel, "/run/keys", {"delete", "-f", "k2"}).status,
            ExitStatus::Exited(0));
}

TEST(KeyringTest, FakeNoNewKeyringKeepsTheCallers) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel =
      FakeWithBundle(*env, ConfigJson(kSleep));
  Output run = RunFakeRunbox(
      *kernel, "/run/keys",
      {"run", "-d", "--no-new-keyring", "--bundle", "/bundle", "k3"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
  // runbox itself never joined one, so the container has none either.
  auto keyring = FakeSessionKeyring(*kernel, kSleep);
  EXPECT_FALSE(keyring.has_value()) << keyring->description.description;
  EXPECT_EQ(RunFakeRunbox(*kernel, "/run/keys", {"delete", "-f", "k3"}).status,
            ExitStatus::Exited(0));
}

TEST(KeyringTest, FakeExecJoinsTheContainersKeyring) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel =
      FakeWithBundle(*env, ConfigJson(kSleep));
  Output run = RunFakeRunbox(*kernel, "/run/keys",
                             {"run", "-d", "--bundle", "/bundle", "k4"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
  auto init_keyring = FakeSessionKeyring(*kernel, kSleep);
  ASSERT_TRUE(init_keyring.has_value());
  const std::vector<std::string> exec_args = {"sleep", "200000"};
  Output exec = RunFakeRunbox(*kernel, "/run/keys",
                              {"exec", "-d", "k4", "sleep", "200000"});
  ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
  EXPECT_EQ(kernel->RunUntil([&] {
    return FindLiveProcess(*kernel, exec_args).has_value();
  }),
            fake::RunOutcome::kDone);
  auto exec_keyring = FakeSessionKeyring(*kernel, exec_args);
  ASSERT_TRUE(exec_keyring.has_value()) << "exec'd process has no keyring";
  EXPECT_EQ(exec_keyring->serial, init_keyring->serial);
  EXPECT_EQ(RunFakeRunbox(*kernel, "/run/keys", {"delete", "-f", "k4"}).status,
            ExitStatus::Exited(0));
}

TEST(KeyringTest, FakeExecAfterNoNewKeyringJoinsNone) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel =
      FakeWithBundle(*env, ConfigJson(kSleep));
  Output run = RunFakeRunbox(
      *kernel, "/run/keys",
      {"run", "-d", "--no-new-keyring", "--bundle", "/bundle", "k5"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
  const std::vector<std::string> exec_args = {"sleep", "200000"};
  Output exec = RunFakeRunbox(*kernel, "/run/keys",
                              {"exec", "-d", "k5", "sleep", "200000"});
  ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
  EXPECT_EQ(kernel->RunUntil([&] {
    return FindLiveProcess(*kernel, exec_args).has_value();
  }),
            fake::RunOutcome::kDone);
  auto keyring = FakeSessionKeyring(*kernel, exec_args);
  EXPECT_FALSE(keyring.has_value()) << keyring->description.description;
  EXPECT_EQ(RunFakeRunbox(*kernel, "/run/keys", {"delete", "-f", "k5"}).status,
            ExitStatus::Exited(0));
}

}  // namespace
}  // namespace runbox
