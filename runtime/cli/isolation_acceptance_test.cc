// Acceptance tests of the isolation issue ("Done when"), as root on the
// real kernel: a busybox container started by `runbox run` with runc's
// default config sees itself as pid 1, its own hostname, only its rootfs,
// /proc and /sys masked per spec, read-only paths read-only, exactly the
// configured capabilities, a seccomp rule denying mkdir with EPERM, and
// root mapped by a user namespace.
// Cgroup limits, the console and the attack classes have their own suites.
// These answer questions only the real kernel can, so they run on Linux
// only; the fake's side of each feature is tested beside its code.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

constexpr char kHostname[] = "isolated-box";

class IsolationAcceptanceTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }

  // runc's default config running `args`, edited by `edit`.
  static nlohmann::json Config(const std::vector<std::string>& args) {
    spec::Config config = spec::DefaultSpec();
    config.process->terminal = false;
    config.process->args = args;
    config.hostname = kHostname;
    return nlohmann::json::parse(spec::SerializeConfig(config));
  }

  // `runbox run` of a fresh bundle under `dir` with `config`, in the
  // foreground: the container's output is runbox's.
  Output Run(Host& host, const std::string& dir, const nlohmann::json& config) {
    const std::string bundle = absl::StrCat(dir, "/bundle", ++runs_);
    EXPECT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"),
                                bundle + "/rootfs"));
    EXPECT_OK(WriteFile(host, bundle + "/config.json", config.dump(2)));
    return RunRunbox(env(), host,
                     {"--root", dir + "/state", "run", "--bundle", bundle,
                      absl::StrCat("iso", runs_)});
  }
  Output RunArgs(Host& host, const std::string& dir,
                 const std::vector<std::string>& args) {
    return Run(host, dir, Config(args));
  }

  int runs_ = 0;
};

std::optional<std::string> SkipReason(Host& host) {
  if (host.GetUid() != 0) return "needs root: real namespaces and mounts";
  return std::nullopt;
}

TEST_P(IsolationAcceptanceTest, SeesItselfAsPidOneWithItsOwnHostname) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    Output out = RunArgs(host, dir, {"sh", "-c", "echo $$; hostname"});
    ASSERT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_EQ(out.out, absl::StrCat("1\n", kHostname, "\n"));
  });
}

TEST_P(IsolationAcceptanceTest, SeesOnlyItsRootfs) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    // The test's own directory exists on the host but not in the
    // container; "/" lists exactly the rootfs (plus the mount points the
    // spec's mounts made, which MakeBusyboxRootfs already has).
    Output out = RunArgs(host, dir,
                         {"sh", "-c",
                          absl::StrCat("ls -a /; test -e ", dir,
                                       " && echo HOST-VISIBLE; true")});
    ASSERT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_THAT(out.out, Not(HasSubstr("HOST-VISIBLE")));
    std::vector<std::string> inside;
    for (absl::string_view name : absl::StrSplit(out.out, '\n')) {
      if (!name.empty() && name != "." && name != "..") {
        inside.emplace_back(name);
      }
    }
    std::vector<std::string> rootfs;
    absl::StatusOr<Fd> root =
        host.OpenAt(Fd::Cwd(), absl::StrCat(dir, "/bundle", runs_, "/rootfs"),
                    {.flags = OpenFlags::kDirectory});
    ASSERT_OK(root.status());
    ASSERT_OK_AND_ASSIGN(std::vector<DirEntry> entries, host.ReadDir(*root));
    for (const DirEntry& e : entries) {
      if (e.name != "." && e.name != "..") rootfs.push_back(e.name);
    }
    EXPECT_THAT(inside, UnorderedElementsAreArray(rootfs));
  });
}

TEST_P(IsolationAcceptanceTest, ProcAndSysAreMaskedPerSpec) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    // runc's defaults mask files (/proc/keys, /proc/timer_list: /dev/null
    // over them) and directories (/proc/acpi, /sys/firmware: an empty
    // read-only tmpfs). /proc/kcore is masked too but this kernel has none.
    Output out = RunArgs(
        host, dir,
        {"sh", "-c",
         "stat -c '%t:%T' /proc/keys /proc/timer_list; cat /proc/keys | wc -c; "
         "ls -A /proc/acpi /sys/firmware | wc -w; touch /proc/acpi/x"});
    EXPECT_EQ(out.status, ExitStatus::Exited(1)) << out.Describe();
    EXPECT_EQ(out.out, "1:3\n1:3\n0\n2\n") << out.Describe();
    EXPECT_THAT(out.err, HasSubstr("Read-only file system"));
  });
}

TEST_P(IsolationAcceptanceTest, ReadonlyPathsAreReadOnly) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    Output out = RunArgs(host, dir,
                         {"sh", "-c",
                          "cat /proc/sys/kernel/hostname; "
                          "echo other > /proc/sys/kernel/hostname"});
    EXPECT_NE(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_EQ(out.out, absl::StrCat(kHostname, "\n"));
    EXPECT_THAT(out.err, HasSubstr("Read-only file system"));
  });
}

// The capability sets in /proc/self/status, as hex masks.
std::map<std::string, uint64_t> CapsOf(absl::string_view status) {
  std::map<std::string, uint64_t> caps;
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::StartsWith(line, "Cap")) continue;
    std::vector<std::string> kv = absl::StrSplit(line, ':');
    if (kv.size() != 2) continue;
    uint64_t value = 0;
    if (absl::SimpleHexAtoi(absl::StripAsciiWhitespace(kv[1]), &value)) {
      caps[kv[0]] = value;
    }
  }
  return caps;
}

TEST_P(IsolationAcceptanceTest, CapabilitiesAreExactlyAsConfigured) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = Config({"cat", "/proc/self/status"});
    config["process"]["capabilities"] = {
        {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"effective", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"permitted", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    Output out = Run(host, dir, config);
    ASSERT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    constexpr uint64_t kChown = 1ull << 0, kKill = 1ull << 5,
                       kBind = 1ull << 10;
    std::map<std::string, uint64_t> caps = CapsOf(out.out);
    EXPECT_EQ(caps["CapBnd"], kChown | kKill | kBind) << out.out;
    EXPECT_EQ(caps["CapEff"], kKill | kBind) << out.out;
    EXPECT_EQ(caps["CapPrm"], kKill | kBind) << out.out;
    EXPECT_EQ(caps["CapInh"], kBind) << out.out;
    EXPECT_EQ(caps["CapAmb"], kBind) << out.out;
  });
}

TEST_P(IsolationAcceptanceTest, SeccompRuleDeniesMkdirWithEperm) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    nlohmann::json config =
        Config({"sh", "-c", "mkdir /dev/shm/d && echo MADE; echo done"});
    config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"architectures",
         {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
        {"syscalls",
         {{{"names", {"mkdir", "mkdirat"}},
           {"action", "SCMP_ACT_ERRNO"},
           {"errnoRet", 1}}}}};
    Output out = Run(host, dir, config);
    ASSERT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    EXPECT_EQ(out.out, "done\n");
    EXPECT_THAT(out.err, HasSubstr("Operation not permitted"));
  });
}

TEST_P(IsolationAcceptanceTest, UserNamespaceMapsRootToAnUnprivilegedRange) {
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = SkipReason(host)) GTEST_SKIP() << *reason;
    nlohmann::json config =
        Config({"sh", "-c", "id -u; id -g; cat /proc/self/uid_map"});
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    config["linux"]["gidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    // The container's root is host uid 100000, which must be able to reach
    // the rootfs (as with runc): the test's own directory lies under a
    // 0700 home, so this bundle goes to a fresh world-searchable one.
    const std::string base = absl::StrCat(
        "/tmp/runbox-userns-", dir.substr(dir.find_last_of('/') + 1));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), base, 0755));
    Output out = Run(host, base, config);
    RemoveTree(host, Fd::Cwd(), base);
    ASSERT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    std::vector<std::string> lines =
        absl::StrSplit(out.out, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 3u) << out.out;
    EXPECT_EQ(lines[0], "0");
    EXPECT_EQ(lines[1], "0");
    std::vector<std::string> map =
        absl::StrSplit(lines[2], ' ', absl::SkipEmpty());
    EXPECT_THAT(map, ::testing::ElementsAre("0", "100000", "65536"));
  });
}

// Linux only: see the file comment.
INSTANTIATE_LINUX_ONLY_TEST_SUITE(IsolationAcceptanceTest);

}  // namespace
}  // namespace runbox
