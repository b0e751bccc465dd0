// The probe on both hosts: run directly, its report agrees with what the
// Host API tells the test; run as a container's process (RunProbe), it
// sees the config's pid namespace, hostname, env and cwd.
#include "conformance/probe/probe.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {
namespace {

using ::testing::Contains;
using ::testing::IsSupersetOf;

constexpr char kSysctl[] = "net.core.somaxconn";

class ProbeTest : public ConformanceTest {
 protected:
  // Runs the probe (not in a container) with `args`.
  Output RunDirect(Host& host, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"probe"};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<Output> out =
        RunProgram(host, env().ProgramPath(kProbeProgram), argv);
    EXPECT_OK(out.status());
    if (!out.ok()) return Output{ExitStatus::Exited(-1), "", ""};
    return *std::move(out);
  }

  // The report of a direct run that must succeed.
  nlohmann::json Report(Host& host, const std::vector<std::string>& args) {
    Output out = RunDirect(host, args);
    EXPECT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    std::optional<nlohmann::json> report = ParseJson(out.out);
    EXPECT_TRUE(report.has_value()) << out.Describe();
    return report.value_or(nlohmann::json::object());
  }
};

TEST_P(ProbeTest, EveryKeyIsPresent) {
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json r = Report(host, {});
    for (const char* key :
         {"pid",         "ppid",          "uid",     "gid",     "groups",
          "caps",        "no_new_privs",  "seccomp", "rlimits", "namespaces",
          "cgroup",      "hostname",      "env",     "cwd",     "umask",
          "personality", "oom_score_adj", "mounts",  "sysctls", "files"}) {
      EXPECT_TRUE(r.contains(key)) << key << " missing from " << r.dump();
    }
    for (const char* set :
         {"bounding", "effective", "permitted", "inheritable", "ambient"}) {
      EXPECT_TRUE(r["caps"].contains(set)) << set;
    }
    EXPECT_TRUE(r["rlimits"].contains("RLIMIT_NOFILE")) << r.dump();
    EXPECT_TRUE(r["rlimits"].contains("RLIMIT_RTTIME")) << r.dump();
    EXPECT_EQ(r["namespaces"].size(), 8u) << r.dump();
  });
}

TEST_P(ProbeTest, IdentityMatchesHost) {
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json r = Report(host, {});
    EXPECT_EQ(r["ppid"], host.GetPid().value);
    EXPECT_NE(r["pid"], host.GetPid().value);
    ASSERT_OK_AND_ASSIGN(ProcessStatus status, host.GetProcessStatus());
    EXPECT_EQ(r["uid"]["real"], host.GetUid());
    EXPECT_EQ(r["uid"]["effective"], status.uid_effective);
    EXPECT_EQ(r["uid"]["saved"], status.uid_saved);
    EXPECT_EQ(r["gid"]["real"], host.GetGid());
    EXPECT_EQ(r["groups"], nlohmann::json(status.groups));
    EXPECT_EQ(r["no_new_privs"], status.no_new_privs);
    EXPECT_EQ(r["seccomp"], status.seccomp_mode);
    EXPECT_EQ(r["cgroup"], nlohmann::json(status.cgroups));
  });
}

TEST_P(ProbeTest, ProcessStateMatchesHost) {
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json r = Report(host, {});
    ASSERT_OK_AND_ASSIGN(std::string cwd, host.GetCwd());
    EXPECT_EQ(r["cwd"], cwd);
    const uint32_t mask = host.Umask(0);
    host.Umask(mask);
    EXPECT_EQ(r["umask"], mask);
    ASSERT_OK_AND_ASSIGN(std::string hostname, host.GetHostname());
    EXPECT_EQ(r["hostname"], hostname);
    ASSERT_OK_AND_ASSIGN(int oom, host.GetOomScoreAdj());
    EXPECT_EQ(r["oom_score_adj"], oom);
    ASSERT_OK_AND_ASSIGN(ResourceLimit nofile, host.GetRlimit(7));
    EXPECT_EQ(r["rlimits"]["RLIMIT_NOFILE"]["soft"], nofile.soft);
    EXPECT_EQ(r["rlimits"]["RLIMIT_NOFILE"]["hard"], nofile.hard);
    ASSERT_OK_AND_ASSIGN(Fd ns,
                         host.OpenNamespace(host.GetPid(), Namespaces::kMount));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(ns));
    EXPECT_EQ(r["namespaces"]["mnt"], st.ino);
    ASSERT_OK_AND_ASSIGN(CapabilitySets caps, host.GetCapabilities());
    EXPECT_EQ(r["caps"]["effective"].size(),
              static_cast<size_t>(__builtin_popcountll(caps.effective)));
  });
}

TEST_P(ProbeTest, FileReport) {
  env().Run([&](Host& host, const std::string& dir) {
    const std::string file = absl::StrCat(dir, "/hello");
    ASSERT_OK(WriteFile(host, file, "hello probe"));
    ASSERT_OK_AND_ASSIGN(Fd fd, host.OpenAt(Fd::Cwd(), file, {}));
    ASSERT_OK(host.Fchmod(fd, 0640));
    const std::string missing = absl::StrCat(dir, "/missing");
    nlohmann::json r =
        Report(host, {"--file", file, "--file", missing, "--file", dir});
    const nlohmann::json& f = r["files"][file];
    EXPECT_EQ(f["exists"], true) << f;
    EXPECT_EQ(f["errno"], nullptr) << f;
    EXPECT_EQ(f["type"], "file") << f;
    EXPECT_EQ(f["mode"], 0640) << f;
    EXPECT_EQ(f["content"], "hello probe") << f;
    EXPECT_EQ(f["read_errno"], nullptr) << f;
    EXPECT_EQ(f["write_errno"], nullptr) << f;
    ASSERT_OK_AND_ASSIGN(std::string after, ReadFile(host, file));
    EXPECT_EQ(after, "hello probe") << "the probe modified the file";

    const nlohmann::json& m = r["files"][missing];
    EXPECT_EQ(m["exists"], false) << m;
    EXPECT_EQ(m["errno"], "ENOENT") << m;
    EXPECT_EQ(m["read_errno"], "ENOENT") << m;
    EXPECT_EQ(m["type"], nullptr) << m;

    const nlohmann::json& d = r["files"][dir];
    EXPECT_EQ(d["type"], "dir") << d;
    EXPECT_EQ(d["dir_entries"], 1) << d;
    EXPECT_EQ(d["write_errno"], "EISDIR") << d;
  });
}

TEST_P(ProbeTest, WriteFileCreatesAndReports) {
  env().Run([&](Host& host, const std::string& dir) {
    const std::string file = absl::StrCat(dir, "/written");
    nlohmann::json r = Report(host, {"--write-file", file});
    EXPECT_EQ(r["files"][file]["write_result"], nullptr) << r["files"];
    EXPECT_EQ(r["files"][file]["exists"], false) << r["files"];
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(host, file));
    EXPECT_EQ(text, "probe");
    const std::string in_missing_dir = absl::StrCat(dir, "/no/such");
    r = Report(host, {"--write-file", in_missing_dir});
    EXPECT_EQ(r["files"][in_missing_dir]["write_result"], "ENOENT");
  });
}

TEST_P(ProbeTest, SysctlMatchesHost) {
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json r =
        Report(host, {"--sysctl", kSysctl, "--sysctl", "no.such.key"});
    ASSERT_OK_AND_ASSIGN(std::string value, host.ReadSysctl(kSysctl));
    EXPECT_EQ(r["sysctls"][kSysctl], value);
    EXPECT_EQ(r["sysctls"]["no.such.key"], nullptr);
  });
}

TEST_P(ProbeTest, BadArgumentsExit2) {
  env().Run([&](Host& host, const std::string& dir) {
    Output out = RunDirect(host, {"--no-such-flag"});
    EXPECT_EQ(out.status, ExitStatus::Exited(2)) << out.Describe();
    EXPECT_EQ(out.out, "");
    out = RunDirect(host, {"--file"});
    EXPECT_EQ(out.status, ExitStatus::Exited(2)) << out.Describe();
  });
}

TEST_P(ProbeTest, ExitCodeAfterReport) {
  env().Run([&](Host& host, const std::string& dir) {
    Output out = RunDirect(host, {"--exit", "7"});
    EXPECT_EQ(out.status, ExitStatus::Exited(7)) << out.Describe();
    EXPECT_TRUE(ParseJson(out.out).has_value()) << out.Describe();
  });
}

TEST_P(ProbeTest, InContainerSeesConfig) {
  env().Run([&](Host& host, const std::string& dir) {
    if (std::optional<std::string> why = NeedsRoot(host)) GTEST_SKIP() << *why;
    nlohmann::json config = DefaultConfig({});
    config["hostname"] = "probe-host";
    config["process"]["env"] = {"PATH=/bin", "PROBE_VAR=42"};
    config["process"]["cwd"] = "/tmp";
    absl::StatusOr<nlohmann::json> r =
        RunProbe(env(), host, dir, config, {"--file", "/probe"});
    ASSERT_OK(r.status());
    EXPECT_EQ((*r)["pid"], 1) << r->dump();
    EXPECT_EQ((*r)["hostname"], "probe-host");
    EXPECT_THAT((*r)["env"].get<std::vector<std::string>>(),
                IsSupersetOf({"PATH=/bin", "PROBE_VAR=42"}));
    EXPECT_EQ((*r)["cwd"], "/tmp");
    EXPECT_EQ((*r)["files"]["/probe"]["type"], "file") << r->dump();
    EXPECT_EQ((*r)["uid"]["real"], 0) << r->dump();
    EXPECT_THAT((*r)["caps"]["bounding"].get<std::vector<std::string>>(),
                Contains("CAP_KILL"));
    // The default config's namespaces are new ones.
    ASSERT_OK_AND_ASSIGN(Fd pid_ns,
                         host.OpenNamespace(host.GetPid(), Namespaces::kPid));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(pid_ns));
    EXPECT_NE((*r)["namespaces"]["pid"], nullptr) << r->dump();
    EXPECT_NE((*r)["namespaces"]["pid"], st.ino) << r->dump();
    EXPECT_TRUE((*r)["mounts"].is_array()) << r->dump();
    EXPECT_FALSE((*r)["mounts"].empty()) << r->dump();
    RecordProperty("report", r->dump());
  });
}

TEST(CoversTest, UnknownIdIsAFailure) {
  EXPECT_NONFATAL_FAILURE(Covers({"no/such/requirement"}),
                          "is not an id of conformance/requirements.tsv");
}

TEST_P(ProbeTest, InContainerExitStatusIsAnError) {
  env().Run([&](Host& host, const std::string& dir) {
    if (std::optional<std::string> why = NeedsRoot(host)) GTEST_SKIP() << *why;
    absl::StatusOr<nlohmann::json> r =
        RunProbe(env(), host, dir, DefaultConfig({}), {"--exit", "3"});
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("3"));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ProbeTest);

}  // namespace
}  // namespace runbox::conformance
