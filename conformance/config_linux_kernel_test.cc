// config-linux.md cases only the real kernel answers, on Linux only (the
// fake records mounts and seccomp filters without redirecting file access
// or enforcing them, and has no mknod applet): a masked file reads empty
// and a masked directory lists nothing, a read-only path refuses writes
// with EROFS, a seccomp rule returns its errno, the device allow list is
// enforced in order, pids.max stops forks, and the user namespace's maps
// are the configured ones.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ConfigLinuxKernelTest : public ConformanceTest {
 protected:
  // `runbox run` of a fresh bundle with `config`; `prepare` may add files
  // to the rootfs first.
  Output Run(Host& host, const std::string& dir, const nlohmann::json& config,
             const std::function<absl::Status(const std::string&)>& prepare =
                 nullptr) {
    const std::string bundle = absl::StrCat(dir, "/bundle", ++runs_);
    EXPECT_OK(MakeBundle(env(), host, bundle, config));
    if (prepare) EXPECT_OK(prepare(bundle + "/rootfs"));
    return RunRunbox(env(), host,
                     {"--root", absl::StrCat(dir, "/state"), "run", "--bundle",
                      bundle, absl::StrCat("k", runs_)});
  }

  // The probe's report from a run of `config` with `probe_args`, after
  // `prepare`.
  absl::StatusOr<nlohmann::json> Probe(
      Host& host, const std::string& dir, nlohmann::json config,
      const std::vector<std::string>& probe_args,
      const std::function<absl::Status(const std::string&)>& prepare =
          nullptr) {
    std::vector<std::string> args = {"/probe"};
    args.insert(args.end(), probe_args.begin(), probe_args.end());
    config["process"]["args"] = args;
    Output run = Run(host, dir, config, prepare);
    if (run.status != ExitStatus::Exited(0)) {
      return absl::InternalError(run.Describe());
    }
    std::optional<nlohmann::json> report = ParseJson(run.out);
    if (!report.has_value()) return absl::InternalError(run.Describe());
    return *report;
  }

  int runs_ = 0;
};

// A file with content and a directory with an entry in the rootfs.
absl::Status AddSecrets(Host& host, const std::string& rootfs) {
  RETURN_IF_ERROR(WriteFile(host, rootfs + "/conf-secret", "secret"));
  RETURN_IF_ERROR(host.MkdirAt(Fd::Cwd(), rootfs + "/conf-dir", 0755));
  return WriteFile(host, rootfs + "/conf-dir/entry", "e");
}

nlohmann::json ConfigWithPaths(const char* field) {
  nlohmann::json config = DefaultConfig({});
  config["root"]["readonly"] = false;
  config["linux"][field] = {"/conf-secret", "/conf-dir"};
  return config;
}

// --- Masked paths -----------------------------------------------------------

class ConfigLinuxMaskedPathsKernel : public ConfigLinuxKernelTest {};

TEST_P(ConfigLinuxMaskedPathsKernel, MaskedFileReadsAsEmpty) {
  Covers({"config-linux/masked-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK_AND_ASSIGN(
        nlohmann::json report,
        Probe(host, dir, ConfigWithPaths("maskedPaths"),
              {"--file", "/conf-secret"}, [&](const std::string& rootfs) {
                return AddSecrets(host, rootfs);
              }));
    const nlohmann::json& f = report["files"]["/conf-secret"];
    // /dev/null over it: the null device, reading nothing.
    EXPECT_EQ(f["type"], "chr") << f.dump();
    EXPECT_EQ(f["major"], 1) << f.dump();
    EXPECT_EQ(f["minor"], 3) << f.dump();
    EXPECT_NE(f["content"], "secret") << f.dump();
  });
}

TEST_P(ConfigLinuxMaskedPathsKernel, MaskedDirectoryHasNoEntriesAndIsReadOnly) {
  Covers({"config-linux/masked-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK_AND_ASSIGN(
        nlohmann::json report,
        Probe(host, dir, ConfigWithPaths("maskedPaths"),
              {"--file", "/conf-dir", "--file", "/conf-dir/entry",
               "--write-file", "/conf-dir/new"},
              [&](const std::string& rootfs) {
                return AddSecrets(host, rootfs);
              }));
    EXPECT_EQ(report["files"]["/conf-dir"]["dir_entries"], 0)
        << report["files"].dump();
    EXPECT_EQ(report["files"]["/conf-dir/entry"]["errno"], "ENOENT")
        << report["files"].dump();
    EXPECT_EQ(report["files"]["/conf-dir/new"]["write_result"], "EROFS")
        << report["files"].dump();
  });
}

// runc's default masked paths on this kernel: /proc/keys and
// /proc/timer_list are the null device, /proc/acpi and /sys/firmware empty.
TEST_P(ConfigLinuxMaskedPathsKernel, DefaultMaskedProcAndSysPathsAreHidden) {
  Covers({"config-linux/masked-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    std::vector<std::string> args;
    for (const char* path :
         {"/proc/keys", "/proc/timer_list", "/proc/acpi", "/sys/firmware"}) {
      args.insert(args.end(), {"--file", path});
    }
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         Probe(host, dir, DefaultConfig({}), args));
    for (const char* path : {"/proc/keys", "/proc/timer_list"}) {
      const nlohmann::json& f = report["files"][path];
      if (f["errno"] == "ENOENT") continue;  // Not in this kernel.
      EXPECT_EQ(f["type"], "chr") << path << ": " << f.dump();
      EXPECT_EQ(f["major"], 1) << path << ": " << f.dump();
      EXPECT_EQ(f["minor"], 3) << path << ": " << f.dump();
    }
    for (const char* path : {"/proc/acpi", "/sys/firmware"}) {
      const nlohmann::json& f = report["files"][path];
      if (f["errno"] == "ENOENT") continue;
      EXPECT_EQ(f["dir_entries"], 0) << path << ": " << f.dump();
    }
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxMaskedPathsKernel);

// --- Read-only paths --------------------------------------------------------

class ConfigLinuxReadonlyPathsKernel : public ConfigLinuxKernelTest {};

TEST_P(ConfigLinuxReadonlyPathsKernel, WritesFailWithErofs) {
  Covers({"config-linux/readonly-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         Probe(host, dir, ConfigWithPaths("readonlyPaths"),
                               {"--file", "/conf-secret", "--write-file",
                                "/conf-dir/new", "--write-file", "/writable"},
                               [&](const std::string& rootfs) {
                                 return AddSecrets(host, rootfs);
                               }));
    const nlohmann::json& files = report["files"];
    EXPECT_EQ(files["/conf-secret"]["content"], "secret") << files.dump();
    EXPECT_EQ(files["/conf-secret"]["write_errno"], "EROFS") << files.dump();
    EXPECT_EQ(files["/conf-dir/new"]["write_result"], "EROFS") << files.dump();
    EXPECT_EQ(files["/writable"]["write_result"], nullptr) << files.dump();
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxReadonlyPathsKernel);

// --- Seccomp ----------------------------------------------------------------

class ConfigLinuxSeccompKernel : public ConfigLinuxKernelTest {};

TEST_P(ConfigLinuxSeccompKernel, RuleReturnsItsErrno) {
  Covers({"config-linux/seccomp/10", "config-linux/seccomp/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config =
        DefaultConfig({"sh", "-c",
                       "mkdir /dev/shm/d && echo MADE; touch /dev/shm/f && "
                       "echo TOUCHED"});
    config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                  {"syscalls",
                                   {{{"names", {"mkdir", "mkdirat"}},
                                     {"action", "SCMP_ACT_ERRNO"},
                                     {"errnoRet", 13}}}}};  // EACCES
    Output out = Run(host, dir, config);
    EXPECT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_EQ(out.out, "TOUCHED\n") << out.Describe();
    EXPECT_THAT(out.err, HasSubstr("Permission denied")) << out.Describe();
  });
}

// defaultAction ALLOW lets every unlisted call through (touch works);
// an ERRNO rule without errnoRet returns EPERM.
TEST_P(ConfigLinuxSeccompKernel, DefaultActionAllowsUnlistedCalls) {
  Covers({"config-linux/seccomp/1", "config-linux/seccomp/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config =
        DefaultConfig({"sh", "-c",
                       "mkdir /dev/shm/d && echo MADE; touch /dev/shm/f && "
                       "echo TOUCHED"});
    config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls",
         {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}}}}};
    Output out = Run(host, dir, config);
    EXPECT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_EQ(out.out, "TOUCHED\n") << out.Describe();
    EXPECT_THAT(out.err, HasSubstr("Operation not permitted"))
        << out.Describe();
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxSeccompKernel);

// --- Device allow list, pids limit -----------------------------------------

class ConfigLinuxCgroupsKernel : public ConfigLinuxKernelTest {};

// Deny all, allow c 10:200 (tun) rw, then deny c 10:200 w: the entries apply in
// order, so the node opens for reading and not for writing.
TEST_P(ConfigLinuxCgroupsKernel, DeviceListIsEnforcedInOrder) {
  Covers({"config-linux/allowed-device-list/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["devices"] = {
        {{"allow", false}, {"access", "rwm"}},
        {{"allow", true},
         {"type", "c"},
         {"major", 10},
         {"minor", 200},
         {"access", "rw"}},
        {{"allow", false},
         {"type", "c"},
         {"major", 10},
         {"minor", 200},
         {"access", "w"}}};
    auto prepare = [&](const std::string& rootfs) -> absl::Status {
      return host.MknodAt(Fd::Cwd(), rootfs + "/conf-tun",
                          FileType::kCharDevice, 0666, {10, 200});
    };
    ASSERT_OK_AND_ASSIGN(
        nlohmann::json report,
        Probe(host, dir, config, {"--file", "/conf-tun"}, prepare));
    const nlohmann::json& f = report["files"]["/conf-tun"];
    EXPECT_EQ(f["read_errno"], nullptr) << f.dump();
    EXPECT_EQ(f["write_errno"], "EPERM") << f.dump();
  });
}

// A node the device list denies cannot be opened, though it exists in the
// rootfs; one it allows can (or fails for another reason than EPERM).
TEST_P(ConfigLinuxCgroupsKernel, DeniedDeviceCannotBeOpened) {
  Covers({"config-linux/allowed-device-list/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["devices"] = {
        {{"allow", false}, {"access", "rwm"}},
        {{"allow", true},
         {"type", "c"},
         {"major", 1},
         {"minor", 7},
         {"access", "rw"}}};
    auto prepare = [&](const std::string& rootfs) -> absl::Status {
      RETURN_IF_ERROR(host.MknodAt(Fd::Cwd(), rootfs + "/conf-allowed",
                                   FileType::kCharDevice, 0666, {1, 7}));
      return host.MknodAt(Fd::Cwd(), rootfs + "/conf-denied",
                          FileType::kCharDevice, 0666, {10, 229});
    };
    ASSERT_OK_AND_ASSIGN(
        nlohmann::json report,
        Probe(host, dir, config,
              {"--file", "/conf-allowed", "--file", "/conf-denied"}, prepare));
    const nlohmann::json& files = report["files"];
    EXPECT_EQ(files["/conf-allowed"]["read_errno"], nullptr) << files.dump();
    EXPECT_EQ(files["/conf-denied"]["read_errno"], "EPERM") << files.dump();
  });
}

// pids.max 10 stops a fork loop.
TEST_P(ConfigLinuxCgroupsKernel, PidsLimitStopsForks) {
  Covers({"config-linux/pids/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig(
        {"sh", "-c",
         "n=0; for i in $(seq 30); do sleep 1000 & n=$((n+1)); echo $n; "
         "done; exit 3"});
    config["linux"]["resources"]["pids"] = {{"limit", 10}};
    Output out = Run(host, dir, config);
    EXPECT_NE(out.status, ExitStatus::Exited(3))
        << "all 30 forks succeeded: " << out.Describe();
    std::vector<std::string> counts =
        absl::StrSplit(out.out, '\n', absl::SkipEmpty());
    ASSERT_FALSE(counts.empty()) << out.Describe();
    int n = 0;
    ASSERT_TRUE(absl::SimpleAtoi(counts.back(), &n)) << out.Describe();
    EXPECT_LE(n, 9) << out.Describe();  // The shell is one of the 10.
    ReapExited(host);
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxCgroupsKernel);

// --- User namespace mappings ------------------------------------------------

class ConfigLinuxUserNamespaceMappingsKernel : public ConfigLinuxKernelTest {};

std::vector<std::string> Words(const nlohmann::json& content) {
  if (!content.is_string()) return {};
  return absl::StrSplit(content.get<std::string>(), absl::ByAnyChar(" \n"),
                        absl::SkipEmpty());
}

TEST_P(ConfigLinuxUserNamespaceMappingsKernel, MapsAreTheConfiguredOnes) {
  Covers({"config-linux/user-namespace-mappings/1",
          "config-linux/user-namespace-mappings/2",
          "config-linux/user-namespace-mappings/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    config["linux"]["gidMappings"] = {
        {{"containerID", 0}, {"hostID", 200000}, {"size", 1000}}};
    const std::string base =
        absl::StrCat("/tmp/runbox-conformance-userns-", host.RandomUint64());
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), base, 0755));
    absl::StatusOr<nlohmann::json> report =
        Probe(host, base, config,
              {"--file", "/proc/self/uid_map", "--file", "/proc/self/gid_map"});
    RemoveTree(host, Fd::Cwd(), base);
    ASSERT_OK(report.status());
    EXPECT_THAT(Words((*report)["files"]["/proc/self/uid_map"]["content"]),
                ElementsAre("0", "100000", "65536"))
        << (*report)["files"].dump();
    EXPECT_THAT(Words((*report)["files"]["/proc/self/gid_map"]["content"]),
                ElementsAre("0", "200000", "1000"))
        << (*report)["files"].dump();
    EXPECT_EQ((*report)["uid"]["effective"], 0);
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxUserNamespaceMappingsKernel);

}  // namespace
}  // namespace runbox::conformance
