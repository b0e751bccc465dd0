// `runbox features` (runtime-spec features.md): the fields runc 1.1
// prints, in its order, plus the ones the spec added since, each stating
// what runbox implements.
#include "runtime/cli/features.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/sandbox/rootfs/mount_options.h"

namespace runbox::cli {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

nlohmann::ordered_json Features() {
  return nlohmann::ordered_json::parse(FeaturesJson());
}

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) {
    keys.push_back(it.key());
  }
  return keys;
}

std::vector<std::string> Strings(const nlohmann::ordered_json& array) {
  return array.get<std::vector<std::string>>();
}

TEST(FeaturesTest, PrintedAsRuncPrintsIt) {
  const std::string text = FeaturesJson();
  EXPECT_TRUE(absl::StartsWith(text, "{\n    \"ociVersionMin\": \"1.0.0\","))
      << text;
  EXPECT_TRUE(absl::EndsWith(text, "}\n"));
  EXPECT_THAT(Keys(Features()),
              ElementsAre("ociVersionMin", "ociVersionMax", "hooks",
                          "mountOptions", "linux", "annotations"));
}

TEST(FeaturesTest, LinuxHasEveryFeaturesMdObject) {
  nlohmann::ordered_json linux = Features()["linux"];
  EXPECT_THAT(Keys(linux), ElementsAre("namespaces", "capabilities", "cgroup",
                                       "seccomp", "apparmor", "selinux",
                                       "intelRdt", "mountExtensions"));
  EXPECT_EQ(linux["cgroup"],
            nlohmann::ordered_json::parse(R"({"v1": true, "v2": true,
              "systemd": false, "systemdUser": false, "rdma": true})"));
  EXPECT_EQ(linux["apparmor"]["enabled"], false);
  EXPECT_EQ(linux["selinux"]["enabled"], false);
  EXPECT_EQ(linux["intelRdt"], nlohmann::ordered_json::parse(
                                   R"({"enabled": true, "schemata": true})"));
  EXPECT_EQ(linux["mountExtensions"]["idmap"]["enabled"], false);
}

TEST(FeaturesTest, NamespacesAreTheSevenOfRuncAndTime) {
  EXPECT_THAT(Strings(Features()["linux"]["namespaces"]),
              ElementsAre("cgroup", "ipc", "mount", "network", "pid", "time",
                          "user", "uts"));
}

TEST(FeaturesTest, CapabilitiesInKernelOrder) {
  std::vector<std::string> caps = Strings(Features()["linux"]["capabilities"]);
  ASSERT_EQ(caps.size(), 41u);
  EXPECT_EQ(caps.front(), "CAP_CHOWN");
  EXPECT_EQ(caps.back(), "CAP_CHECKPOINT_RESTORE");
}

TEST(FeaturesTest, SeccompListsSortedAsRunc) {
  nlohmann::ordered_json seccomp = Features()["linux"]["seccomp"];
  EXPECT_EQ(seccomp["enabled"], true);
  for (const char* list : {"actions", "operators", "archs"}) {
    std::vector<std::string> names = Strings(seccomp[list]);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << list;
  }
  // runc 1.1.5's lists are all there.
  EXPECT_THAT(Strings(seccomp["actions"]),
              ElementsAre("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                          "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                          "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                          "SCMP_ACT_TRAP"));
  EXPECT_THAT(
      Strings(seccomp["operators"]),
      ElementsAre("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"));
  std::vector<std::string> archs = Strings(seccomp["archs"]);
  for (const char* arch :
       {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
        "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86",
        "SCMP_ARCH_X86_64"}) {
    EXPECT_THAT(archs, Contains(arch));
  }
  EXPECT_THAT(
      Strings(seccomp["knownFlags"]),
      ElementsAre("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
}

// Truthful: each listed option is one runbox acts on, none goes to the
// file system as data.
TEST(FeaturesTest, EveryListedMountOptionIsOneRunboxParses) {
  std::vector<std::string> options = Strings(Features()["mountOptions"]);
  EXPECT_TRUE(std::is_sorted(options.begin(), options.end()));
  for (const std::string& option : options) {
    EXPECT_THAT(rootfs::ParseMountOptions({option}).data, IsEmpty()) << option;
  }
}

// runc 1.1 lists these, but runbox does not implement them (they would be
// silently ignored or handed to the file system).
TEST(FeaturesTest, UnimplementedMountOptionsAreLeftOut) {
  std::vector<std::string> options = Strings(Features()["mountOptions"]);
  for (const char* missing : {"tmpcopyup", "idmap", "ridmap", "loud", "silent",
                              "mand", "iversion", "lazytime", "acl"}) {
    EXPECT_THAT(options, Not(Contains(missing)));
  }
}

// nosymfollow and the recursive forms are implemented (MS_NOSYMFOLLOW,
// `mount_setattr`(2) with AT_RECURSIVE), so they are listed.
TEST(FeaturesTest, SymfollowAndRecursiveMountOptionsAreListed) {
  std::vector<std::string> options = Strings(Features()["mountOptions"]);
  for (const char* listed :
       {"nosymfollow", "symfollow",    "ratime",      "rdev",
        "rdiratime",   "rexec",        "rnoatime",    "rnodev",
        "rnodiratime", "rnoexec",      "rnorelatime", "rnostrictatime",
        "rnosuid",     "rnosymfollow", "rrelatime",   "rro",
        "rrw",         "rstrictatime", "rsuid",       "rsymfollow"}) {
    EXPECT_THAT(options, Contains(listed));
  }
}

TEST(FeaturesTest, AllSixHooks) {
  EXPECT_THAT(Strings(Features()["hooks"]),
              ElementsAre("prestart", "createRuntime", "createContainer",
                          "startContainer", "poststart", "poststop"));
}

}  // namespace
}  // namespace runbox::cli
