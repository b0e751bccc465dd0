// What a container process is given before its exec, seen from inside real
// busybox containers run through the runbox command line on Linux: the five
// capability sets, uid/gid/groups, no_new_privs, rlimits and the OOM score
// as /proc/self/status and busybox report them, the fds it inherits, and
// the regression tests of the CVE classes these steps close
// (CVE-2024-21626, CVE-2025-52881, CVE-2019-5736). The same steps on the
// simulated kernel are runtime/sandbox's tests; these need root, real
// namespaces and a real /proc, and skip without them.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// runc's default config running `args`, no terminal, as JSON to edit.
nlohmann::json ConfigJson(const std::vector<std::string>& args) {
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = args;
  return nlohmann::json::parse(spec::SerializeConfig(config));
}

// Runs `body` on the Linux host with runbox and busybox registered, or
// skips: these tests need real root.
template <typename Body>
void RunOnLinux(Body body) {
  std::unique_ptr<DualHost> env = DualHost::Make("Linux");
  RegisterRunboxAndBusybox(*env);
  env->Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    body(*env, host, dir);
  });
}

// A bundle at DIR/bundle with a busybox rootfs and `config`.
std::string MakeBundle(const DualHost& env, Host& host, const std::string& dir,
                       const nlohmann::json& config) {
  const std::string bundle = absl::StrCat(dir, "/bundle");
  EXPECT_OK(MakeBusyboxRootfs(host, env.ProgramPath("busybox"),
                              absl::StrCat(bundle, "/rootfs")));
  EXPECT_OK(
      WriteFile(host, absl::StrCat(bundle, "/config.json"), config.dump(2)));
  return bundle;
}

// `runbox --root DIR/state run --bundle BUNDLE ID`, in the foreground.
Output RunContainer(const DualHost& env, Host& host, const std::string& dir,
                    const std::string& bundle, const std::string& id) {
  return RunRunbox(
      env, host,
      {"--root", absl::StrCat(dir, "/state"), "run", "--bundle", bundle, id});
}

// The value of "Key:" in /proc/<pid>/status text, tabs and spaces squeezed
// to one space ("Uid:\t1000\t1000..." -> "1000 1000 ...").
std::string StatusField(const std::string& status, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, key) || !absl::ConsumePrefix(&line, ":")) {
      continue;
    }
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    return absl::StrJoin(words, " ");
  }
  return "<missing " + std::string(key) + ">";
}

// /proc/self/status renders a capability set as 16 hex digits.
std::string CapHex(std::initializer_list<int> caps) {
  uint64_t mask = 0;
  for (int cap : caps) mask |= uint64_t{1} << cap;
  return absl::StrCat(absl::Hex(mask, absl::kZeroPad16));
}

constexpr int kCapChown = 0;
constexpr int kCapKill = 5;
constexpr int kCapNetBindService = 10;
constexpr int kCapAuditWrite = 29;

// The script every attribute test runs: the status file, the soft and hard
// NOFILE limits, the OOM score, separated so the test can split them.
const std::vector<std::string> kReport = {
    "sh", "-c",
    "cat /proc/self/status; echo @@; ulimit -n; ulimit -Hn; echo @@; "
    "cat /proc/self/oom_score_adj"};

struct Report {
  std::string status;
  std::string soft_nofile, hard_nofile;
  std::string oom_score_adj;
};

Report ParseReport(const std::string& out) {
  std::vector<std::string> parts = absl::StrSplit(out, "@@\n");
  Report r;
  if (parts.size() != 3) return r;
  r.status = parts[0];
  std::vector<std::string> limits =
      absl::StrSplit(parts[1], '\n', absl::SkipEmpty());
  if (limits.size() == 2) {
    r.soft_nofile = limits[0];
    r.hard_nofile = limits[1];
  }
  r.oom_score_adj = std::string(absl::StripAsciiWhitespace(parts[2]));
  return r;
}

// "Done when": a container process ends with exactly the configured five
// capability sets. A non-root user keeps capabilities across exec only
// through the ambient set, so this config is one the kernel can honour
// exactly: permitted = inheritable = ambient, which exec turns into
// permitted and effective.
TEST(ProcessAttributesTest, NonRootUserGetsExactlyTheConfiguredAttributes) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    nlohmann::json config = ConfigJson(kReport);
    config["process"]["user"] = {
        {"uid", 1000}, {"gid", 1001}, {"additionalGids", {2000, 3000}}};
    config["process"]["capabilities"] = {
        {"bounding", {"CAP_NET_BIND_SERVICE", "CAP_KILL"}},
        {"effective", {"CAP_NET_BIND_SERVICE"}},
        {"permitted", {"CAP_NET_BIND_SERVICE"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    // Lower than the caller's (root here has no CAP_SYS_RESOURCE to raise).
    config["process"]["rlimits"] = {
        {{"type", "RLIMIT_NOFILE"}, {"soft", 100}, {"hard", 200}}};
    config["process"]["oomScoreAdj"] = 500;
    config["process"]["noNewPrivileges"] = true;
    const std::string bundle = MakeBundle(env, host, dir, config);
    Output run = RunContainer(env, host, dir, bundle, "attrs-user");
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    Report r = ParseReport(run.out);
    const std::string net_bind = CapHex({kCapNetBindService});
    EXPECT_EQ(StatusField(r.status, "CapInh"), net_bind) << run.out;
    EXPECT_EQ(StatusField(r.status, "CapPrm"), net_bind) << run.out;
    EXPECT_EQ(StatusField(r.status, "CapEff"), net_bind) << run.out;
    EXPECT_EQ(StatusField(r.status, "CapBnd"),
              CapHex({kCapNetBindService, kCapKill}))
        << run.out;
    EXPECT_EQ(StatusField(r.status, "CapAmb"), net_bind) << run.out;
    EXPECT_EQ(StatusField(r.status, "Uid"), "1000 1000 1000 1000") << run.out;
    EXPECT_EQ(StatusField(r.status, "Gid"), "1001 1001 1001 1001") << run.out;
    EXPECT_EQ(StatusField(r.status, "Groups"), "2000 3000") << run.out;
    EXPECT_EQ(StatusField(r.status, "NoNewPrivs"), "1") << run.out;
    EXPECT_EQ(r.soft_nofile, "100") << run.out;
    EXPECT_EQ(r.hard_nofile, "200") << run.out;
    EXPECT_EQ(r.oom_score_adj, "500") << run.out;
  });
}

// Root keeps, across exec, bounding | inheritable as permitted and
// effective (`capabilities`(7) "Capabilities and execution of programs by
// root"), plus the ambient set: runc's default shape, with inheritable and
// ambient added, comes out exactly as configured.
TEST(ProcessAttributesTest, RootGetsExactlyTheConfiguredCapabilities) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    nlohmann::json config = ConfigJson(kReport);
    const nlohmann::json three = {"CAP_AUDIT_WRITE", "CAP_KILL",
                                  "CAP_NET_BIND_SERVICE"};
    config["process"]["capabilities"] = {
        {"bounding", three},
        {"effective", three},
        {"permitted", three},
        {"inheritable", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    config["process"]["noNewPrivileges"] = false;
    const std::string bundle = MakeBundle(env, host, dir, config);
    Output run = RunContainer(env, host, dir, bundle, "attrs-root");
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    Report r = ParseReport(run.out);
    const std::string all3 =
        CapHex({kCapAuditWrite, kCapKill, kCapNetBindService});
    EXPECT_EQ(StatusField(r.status, "CapInh"),
              CapHex({kCapKill, kCapNetBindService}))
        << run.out;
    EXPECT_EQ(StatusField(r.status, "CapPrm"), all3) << run.out;
    EXPECT_EQ(StatusField(r.status, "CapEff"), all3) << run.out;
    EXPECT_EQ(StatusField(r.status, "CapBnd"), all3) << run.out;
    EXPECT_EQ(StatusField(r.status, "CapAmb"), CapHex({kCapNetBindService}))
        << run.out;
    EXPECT_EQ(StatusField(r.status, "Uid"), "0 0 0 0") << run.out;
    EXPECT_EQ(StatusField(r.status, "Groups"), "") << run.out;
    EXPECT_EQ(StatusField(r.status, "NoNewPrivs"), "0") << run.out;
  });
}

// No capabilities object: every set empty, bounding included (runc's
// reading; see WantedCapabilitiesOf).
TEST(ProcessAttributesTest, AbsentCapabilitiesLeaveEverySetEmpty) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    nlohmann::json config = ConfigJson(kReport);
    config["process"].erase("capabilities");
    const std::string bundle = MakeBundle(env, host, dir, config);
    Output run = RunContainer(env, host, dir, bundle, "attrs-nocaps");
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    Report r = ParseReport(run.out);
    for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
      EXPECT_EQ(StatusField(r.status, set), CapHex({})) << set << run.out;
    }
  });
}

// HOME comes from the container's /etc/passwd when process.env lacks it.
TEST(ProcessAttributesTest, HomeFromTheContainersPasswd) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    nlohmann::json config = ConfigJson({"sh", "-c", "echo $HOME; pwd"});
    config["process"]["cwd"] = "/tmp";
    config["root"]["readonly"] = false;
    const std::string bundle = MakeBundle(env, host, dir, config);
    absl::Status made =
        host.MkdirAt(Fd::Cwd(), absl::StrCat(bundle, "/rootfs/etc"), 0755);
    if (!made.ok()) {
      ASSERT_THAT(made, HasErrno(EEXIST));
    }
    ASSERT_OK(WriteFile(host, absl::StrCat(bundle, "/rootfs/etc/passwd"),
                        "root:x:0:0:root:/root-home:/bin/sh\n"));
    Output run = RunContainer(env, host, dir, bundle, "attrs-home");
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    EXPECT_EQ(run.out, "/root-home\n/tmp\n") << run.Describe();
  });
}

// No host fd reaches the container: its process sees 0-2 and, here, the
// directory `ls`(1) opened to list /proc/self/fd (3). The unsafe variant is a
// runtime that opens a file without O_CLOEXEC in init (runc's leaked
// /sys/fs/cgroup handle of CVE-2024-21626) and execs with it still open.
TEST(ProcessAttributesTest, NoFdBeyondStdioReachesTheContainer) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    const std::string bundle = MakeBundle(
        env, host, dir, ConfigJson({"/bin/busybox", "ls", "/proc/self/fd"}));
    Output run = RunContainer(env, host, dir, bundle, "attrs-fds");
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    EXPECT_EQ(run.out, "0\n1\n2\n3\n") << run.Describe();
  });
}

// Runs `runbox ARGS...` with fd 3 = `extra` (so --preserve-fds 1 passes
// it on), stdout and stderr into files under `dir`.
Output RunWithFd3(const DualHost& env, Host& host, const std::string& dir,
                  const Fd& extra, const std::vector<std::string>& args) {
  Output result;
  result.status = ExitStatus::Exited(-1);
  auto open_out = [&](const std::string& name) {
    return host.OpenAt(Fd::Cwd(), absl::StrCat(dir, "/", name),
                       {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                 OpenFlags::kTruncate,
                        .mode = 0644});
  };
  absl::StatusOr<Fd> out = open_out("fd3.out");
  absl::StatusOr<Fd> err = open_out("fd3.err");
  absl::StatusOr<PipeFds> in = host.Pipe();
  EXPECT_OK(out.status());
  EXPECT_OK(err.status());
  EXPECT_OK(in.status());
  if (!out.ok() || !err.ok() || !in.ok()) return result;
  SpawnRequest request;
  request.path = env.ProgramPath("runbox");
  request.argv = {"runbox"};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.env = host.Environment();
  request.fds = {{&in->read, 0}, {&*out, 1}, {&*err, 2}, {&extra, 3}};
  absl::StatusOr<SpawnResult> child = host.Spawn(request);
  EXPECT_OK(child.status());
  if (!child.ok()) return result;
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host.Wait(child->pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  EXPECT_OK(waited.status());
  if (!waited.ok() || !waited->has_value()) return result;
  result.status = (*waited)->status;
  result.out = ReadFile(host, absl::StrCat(dir, "/fd3.out")).value_or("");
  result.err = ReadFile(host, absl::StrCat(dir, "/fd3.err")).value_or("");
  return result;
}

// CVE-2024-21626: init holds a directory fd of the host (here fd 3, passed
// with --preserve-fds 1) and process.cwd names it as "/proc/self/fd/3".
// The unsafe variant is a plain `chdir`(2) of process.cwd: the kernel follows
// the magic link to the host directory, the program starts there, outside
// its root, and `cat ../../../etc/shadow` reads the host's. Here the start
// must fail, or the process must find itself inside its root.
TEST(ProcessAttributesTest, Cve2024_21626CwdThroughALeakedHostFd) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    const std::string host_dir = absl::StrCat(dir, "/host-secret-dir");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), host_dir, 0755));
    ASSERT_OK(WriteFile(host, absl::StrCat(host_dir, "/secret"), "host\n"));
    nlohmann::json config = ConfigJson({"sh", "-c", "pwd; cat secret"});
    config["process"]["cwd"] = "/proc/self/fd/3";
    const std::string bundle = MakeBundle(env, host, dir, config);
    ASSERT_OK_AND_ASSIGN(
        Fd leaked,
        host.OpenAt(Fd::Cwd(), host_dir, {.flags = OpenFlags::kDirectory}));
    Output run = RunWithFd3(
        env, host, dir, leaked,
        {"--root", absl::StrCat(dir, "/state"), "run", "--preserve-fds", "1",
         "--bundle", bundle, "cve-2024-21626"});
    EXPECT_THAT(run.out, Not(HasSubstr("host"))) << run.Describe();
    EXPECT_THAT(run.out, Not(HasSubstr("unreachable"))) << run.Describe();
    if (run.status == ExitStatus::Exited(0)) {
      EXPECT_TRUE(absl::StartsWith(run.out, "/")) << run.Describe();
    } else {
      EXPECT_THAT(run.err, HasSubstr("cwd")) << run.Describe();
    }
    (void)RunRunbox(env, host,
                    {"--root", absl::StrCat(dir, "/state"), "delete", "--force",
                     "cve-2024-21626"});
  });
}

// CVE-2025-52881 class: a config mount puts an ordinary file of the host
// over /proc/sys/kernel/domainname, so a runtime that writes linux.sysctl
// by path (`open`("/proc/sys/kernel/domainname", O_WRONLY)) writes the
// attacker's chosen value into that host file instead of the kernel. The
// write must refuse a target that is not procfs: the start fails and the
// host file is unchanged.
TEST(ProcessAttributesTest, Cve2025_52881SysctlRedirectedByABindMount) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    const std::string victim = absl::StrCat(dir, "/victim");
    ASSERT_OK(WriteFile(host, victim, "untouched\n"));
    nlohmann::json config = ConfigJson({"true"});
    config["mounts"].push_back({{"destination", "/proc/sys/kernel/domainname"},
                                {"type", "bind"},
                                {"source", victim},
                                {"options", {"bind"}}});
    config["linux"]["sysctl"] = {{"kernel.domainname", "pwned"}};
    const std::string bundle = MakeBundle(env, host, dir, config);
    Output run = RunContainer(env, host, dir, bundle, "cve-2025-52881");
    EXPECT_NE(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_OK_AND_ASSIGN(std::string after, ReadFile(host, victim));
    EXPECT_EQ(after, "untouched\n") << run.Describe();
    // Which defence stopped it: the mount policy, or the sysctl write.
    RecordProperty("refusal", run.err);
    (void)RunRunbox(env, host,
                    {"--root", absl::StrCat(dir, "/state"), "delete", "--force",
                     "cve-2025-52881"});
  });
}

// CVE-2019-5736: while `runbox init` waits for `start` it is the runtime
// binary running inside the container's pid namespace (pid 1). A process
// of the container opening /proc/1/exe for writing would reach the
// runtime's executable. The unsafe variant is an init exec'd from the
// host's runbox path and left dumpable: the container opens /proc/1/exe
// (O_PATH, then O_WRONLY once init has exec'd away from it) and rewrites
// the host binary, which the next `runbox` run then executes as root. Here
// init is non-dumpable (the open is refused) and runs from a sealed memfd
// (a write would be refused even if it were opened); the host binary must
// be unchanged.
TEST(ProcessAttributesTest, Cve2019_5736InitExeIsNotWritableFromInside) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    const std::string runbox = env.ProgramPath("runbox");
    ASSERT_OK_AND_ASSIGN(FileStat before, host.StatAt(Fd::Cwd(), runbox,
                                                      FollowSymlinks::kFollow));
    const std::string bundle =
        MakeBundle(env, host, dir, ConfigJson({"sleep", "100000"}));
    const std::string root = absl::StrCat(dir, "/state");
    Output create = RunRunbox(
        env, host,
        {"--root", root, "create", "--bundle", bundle, "cve-2019-5736"});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    // Created, not started: pid 1 of the container is still runbox init.
    Output exec =
        RunRunbox(env, host,
                  {"--root", root, "exec", "cve-2019-5736", "sh", "-c",
                   "cat /proc/1/comm; "
                   "(echo pwned >> /proc/1/exe) 2>/dev/null && echo WROTE-EXE; "
                   "(echo pwned > /proc/1/exe) 2>/dev/null && echo WROTE-EXE; "
                   "echo done"});
    EXPECT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    EXPECT_THAT(exec.out, HasSubstr("done")) << exec.Describe();
    EXPECT_THAT(exec.out, Not(HasSubstr("WROTE-EXE"))) << exec.Describe();
    (void)RunRunbox(env, host,
                    {"--root", root, "delete", "--force", "cve-2019-5736"});
    ASSERT_OK_AND_ASSIGN(FileStat after, host.StatAt(Fd::Cwd(), runbox,
                                                     FollowSymlinks::kFollow));
    EXPECT_EQ(after.size, before.size);
    EXPECT_EQ(after.mtime, before.mtime);
  });
}

// linux.personality LINUX32: uname(2) reports a 32-bit machine.
TEST(ProcessAttributesTest, PersonalityLinux32) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    nlohmann::json config = ConfigJson({"/bin/busybox", "uname", "-m"});
    config["linux"]["personality"] = {{"domain", "LINUX32"}};
    const std::string bundle = MakeBundle(env, host, dir, config);
    Output run = RunContainer(env, host, dir, bundle, "attrs-linux32");
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    EXPECT_EQ(run.out, "i686\n") << run.Describe();
  });
}

// linux.seccomp filters every process of the container: init's program
// and, as runc does, those of `runbox exec` (whose init reads the
// container's linux object with its process). Without no_new_privs the
// filter goes in before the capability drop, which needs CAP_SYS_ADMIN.
TEST(ProcessAttributesTest, SeccompFiltersInitAndExecProcesses) {
  RunOnLinux([](const DualHost& env, Host& host, const std::string& dir) {
    const std::string probe =
        "mkdir /tmp/probe && echo MADE; grep Seccomp: /proc/self/status";
    nlohmann::json config = ConfigJson({"sh", "-c", probe});
    config["process"]["noNewPrivileges"] = false;
    config["mounts"].push_back({{"destination", "/tmp"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", {"nosuid", "nodev"}}});
    config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                  {"syscalls",
                                   {{{"names", {"mkdir", "mkdirat"}},
                                     {"action", "SCMP_ACT_ERRNO"},
                                     {"errnoRet", 1}}}}};
    const std::string bundle = MakeBundle(env, host, dir, config);
    const std::string root = absl::StrCat(dir, "/state");
    Output run = RunContainer(env, host, dir, bundle, "seccomp-init");
    EXPECT_THAT(run.out, Not(HasSubstr("MADE"))) << run.Describe();
    EXPECT_THAT(run.out, HasSubstr("Seccomp:\t2")) << run.Describe();
    EXPECT_THAT(run.err, HasSubstr("Operation not permitted"))
        << run.Describe();

    config["process"]["args"] = {"sleep", "100000"};
    ASSERT_OK(
        WriteFile(host, absl::StrCat(bundle, "/config.json"), config.dump(2)));
    Output create = RunRunbox(
        env, host, {"--root", root, "create", "--bundle", bundle, "seccomp"});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output exec = RunRunbox(
        env, host, {"--root", root, "exec", "seccomp", "sh", "-c", probe});
    EXPECT_THAT(exec.out, Not(HasSubstr("MADE"))) << exec.Describe();
    EXPECT_THAT(exec.out, HasSubstr("Seccomp:\t2")) << exec.Describe();
    EXPECT_THAT(exec.err, HasSubstr("Operation not permitted"))
        << exec.Describe();
    (void)RunRunbox(env, host,
                    {"--root", root, "delete", "--force", "seccomp"});
    (void)RunRunbox(env, host,
                    {"--root", root, "delete", "--force", "seccomp-init"});
  });
}

// ---------------------------------------------------------------------------
// The simulated kernel: the same bundle recipe through the same CLI, the
// container process's credentials read from the kernel model.

TEST(FakeProcessAttributesTest,
     ContainerProcessEndsWithTheConfiguredAttributes) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel = env->NewFakeKernel();
  const std::vector<std::string> args = {"sleep", "100000"};
  nlohmann::json config = ConfigJson(args);
  config["process"]["user"] = {
      {"uid", 1000}, {"gid", 1001}, {"additionalGids", {3000, 2000}}};
  config["process"]["capabilities"] = {
      {"bounding", {"CAP_NET_BIND_SERVICE", "CAP_KILL"}},
      {"effective", {"CAP_NET_BIND_SERVICE"}},
      {"permitted", {"CAP_NET_BIND_SERVICE"}},
      {"inheritable", {"CAP_NET_BIND_SERVICE"}},
      {"ambient", {"CAP_NET_BIND_SERVICE"}}};
  config["process"]["rlimits"] = {
      {{"type", "RLIMIT_NOFILE"}, {"soft", 100}, {"hard", 200}}};
  config["process"]["oomScoreAdj"] = 500;
  config["linux"]["sysctl"] = {{"kernel.domainname", "attrs.example"}};
  config["linux"]["personality"] = {{"domain", "LINUX32"}};
  Pid setup = kernel->StartFunction([&](Host& host) {
    EXPECT_OK(
        MakeBusyboxRootfs(host, env->ProgramPath("busybox"), "/bundle/rootfs"));
    EXPECT_OK(WriteFile(host, "/bundle/config.json", config.dump(2)));
    return 0;
  });
  ASSERT_EQ(RunFakeUntilExit(*kernel, setup, 1), ExitStatus::Exited(0));
  Output run = RunFakeRunbox(*kernel, "/run/attrs",
                             {"run", "-d", "--bundle", "/bundle", "attrs"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
  std::optional<Pid> pid = FindLiveProcess(*kernel, args);
  ASSERT_TRUE(pid.has_value()) << "no container process";
  std::optional<fake::ProcessCredentials> creds = kernel->CredentialsOf(*pid);
  ASSERT_TRUE(creds.has_value());
  const uint64_t net_bind = uint64_t{1} << kCapNetBindService;
  EXPECT_EQ(creds->caps.effective, net_bind);
  EXPECT_EQ(creds->caps.permitted, net_bind);
  EXPECT_EQ(creds->caps.inheritable, net_bind);
  EXPECT_EQ(creds->ambient, net_bind);
  EXPECT_EQ(creds->bounding, net_bind | (uint64_t{1} << kCapKill));
  EXPECT_EQ(creds->uid, 1000u);
  EXPECT_EQ(creds->euid, 1000u);
  EXPECT_EQ(creds->suid, 1000u);
  EXPECT_EQ(creds->gid, 1001u);
  EXPECT_EQ(creds->egid, 1001u);
  EXPECT_EQ(creds->sgid, 1001u);
  EXPECT_EQ(creds->groups, (std::vector<Gid>{2000, 3000}));
  EXPECT_FALSE(creds->keep_caps);
  ASSERT_GT(creds->rlimits.size(), 7u);
  EXPECT_EQ(creds->rlimits[7], (ResourceLimit{100, 200}));
  EXPECT_EQ(creds->oom_score_adj, 500);
  EXPECT_EQ(creds->personality, 0x0008u);  // PER_LINUX32.
  EXPECT_EQ(kernel->SysctlOf(*pid, "kernel.domainname"),
            std::optional<std::string>("attrs.example"));
  // The runtime's own view is untouched: the sysctl is the container's.
  EXPECT_NE(kernel->SysctlOf(setup, "kernel.domainname"),
            std::optional<std::string>("attrs.example"));

  // `runbox exec --process`: the exec'd process gets its own process.json's
  // attributes the same way, the container's personality, and the
  // container's oomScoreAdj when it sets none.
  nlohmann::json process = config["process"];
  process["args"] = {"sleep", "200000"};
  process["user"] = {{"uid", 7}, {"gid", 8}};
  process["capabilities"] = {{"bounding", {"CAP_KILL"}},
                             {"effective", {"CAP_KILL"}},
                             {"permitted", {"CAP_KILL"}}};
  process["rlimits"] = {
      {{"type", "RLIMIT_NOFILE"}, {"soft", 50}, {"hard", 60}}};
  process.erase("oomScoreAdj");
  Pid write = kernel->StartFunction([&](Host& host) {
    EXPECT_OK(WriteFile(host, "/process.json", process.dump(2)));
    return 0;
  });
  ASSERT_EQ(RunFakeUntilExit(*kernel, write, 1), ExitStatus::Exited(0));
  Output exec =
      RunFakeRunbox(*kernel, "/run/attrs",
                    {"exec", "-d", "--process", "/process.json", "attrs"});
  ASSERT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
  // `exec -d` returns once the process is on its way; let it get there.
  const std::vector<std::string> exec_args = {"sleep", "200000"};
  EXPECT_EQ(kernel->RunUntil([&] {
    return FindLiveProcess(*kernel, exec_args).has_value();
  }),
            fake::RunOutcome::kDone);
  std::optional<Pid> exec_pid = FindLiveProcess(*kernel, exec_args);
  ASSERT_TRUE(exec_pid.has_value()) << "no exec'd process";
  creds = kernel->CredentialsOf(*exec_pid);
  ASSERT_TRUE(creds.has_value());
  const uint64_t kill = uint64_t{1} << kCapKill;
  // Not root: nothing survives exec without the ambient set.
  EXPECT_EQ(creds->caps.permitted, 0u);
  EXPECT_EQ(creds->caps.effective, 0u);
  EXPECT_EQ(creds->bounding, kill);
  EXPECT_EQ(creds->uid, 7u);
  EXPECT_EQ(creds->gid, 8u);
  EXPECT_TRUE(creds->groups.empty());
  EXPECT_EQ(creds->rlimits[7], (ResourceLimit{50, 60}));
  EXPECT_EQ(creds->oom_score_adj, 500);
  EXPECT_EQ(creds->personality, 0x0008u);

  Output del =
      RunFakeRunbox(*kernel, "/run/attrs", {"delete", "--force", "attrs"});
  EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
}

}  // namespace
}  // namespace runbox
