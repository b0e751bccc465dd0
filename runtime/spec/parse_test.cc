// Tests for ParseConfig / ParseProcess: real configs from runc, podman and
// containerd, and one test per kind of structural error with its message.
#include "runtime/spec/parse.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/test_util.h"

namespace runbox::spec {
namespace {

// The message alone; gtest prints an absl::string_view as a list of chars.
template <typename T>
std::string ErrorText(const absl::StatusOr<T>& s) {
  return std::string(s.status().message());
}

using testdata::ReadTestData;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(ParseConfigTest, RuncDefault) {
  ASSERT_OK_AND_ASSIGN(Config c,
                       ParseConfig(ReadTestData("runc_default.json")));
  EXPECT_EQ(c.oci_version, "1.2.0");
  ASSERT_TRUE(c.root.has_value());
  EXPECT_EQ(c.root->path, "rootfs");
  EXPECT_TRUE(c.root->readonly);
  ASSERT_TRUE(c.process.has_value());
  const Process& p = *c.process;
  EXPECT_TRUE(p.terminal);
  EXPECT_EQ(p.user.uid, 0u);
  EXPECT_THAT(p.args, ElementsAre("sh"));
  EXPECT_EQ(p.cwd, "/");
  EXPECT_TRUE(p.no_new_privileges);
  ASSERT_TRUE(p.capabilities.has_value());
  EXPECT_THAT(p.capabilities->bounding,
              ElementsAre(Capability::kAuditWrite, Capability::kKill,
                          Capability::kNetBindService));
  EXPECT_TRUE(p.capabilities->ambient.empty());
  ASSERT_EQ(p.rlimits.size(), 1u);
  EXPECT_EQ(p.rlimits[0].type, RlimitType::kNofile);
  EXPECT_EQ(p.rlimits[0].soft, 1024u);
  EXPECT_EQ(p.rlimits[0].hard, 1024u);
  EXPECT_FALSE(p.oom_score_adj.has_value());
  EXPECT_EQ(c.hostname, "runc");
  ASSERT_EQ(c.mounts.size(), 7u);
  EXPECT_EQ(c.mounts[2].destination, "/dev/pts");
  EXPECT_THAT(c.mounts[2].options,
              ElementsAre("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                          "mode=0620", "gid=5"));
  ASSERT_TRUE(c.linux.has_value());
  ASSERT_EQ(c.linux->namespaces.size(), 6u);
  EXPECT_EQ(c.linux->namespaces[1].type, NamespaceType::kNetwork);
  EXPECT_EQ(c.linux->namespaces[5].type, NamespaceType::kCgroup);
  EXPECT_EQ(c.linux->masked_paths.size(), 11u);
  ASSERT_TRUE(c.linux->resources.has_value());
  ASSERT_EQ(c.linux->resources->devices.size(), 1u);
  EXPECT_FALSE(c.linux->resources->devices[0].allow);
  EXPECT_EQ(c.linux->resources->devices[0].type, DeviceRuleType::kAll);
  EXPECT_EQ(c.linux->resources->devices[0].access, "rwm");
  EXPECT_FALSE(c.linux->seccomp.has_value());
}

TEST(ParseConfigTest, Podman) {
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(ReadTestData("podman.json")));
  const Process& p = *c.process;
  EXPECT_EQ(p.user.uid, 1000u);
  EXPECT_THAT(p.user.umask, Optional(18u));
  EXPECT_THAT(p.user.additional_gids, ElementsAre(1000u, 10u, 27u));
  EXPECT_THAT(p.oom_score_adj, Optional(0));
  EXPECT_FALSE(p.terminal);
  EXPECT_EQ(c.linux->cgroups_path, "machine.slice:libpod:9f1c2d3e4b5a");
  EXPECT_EQ(c.linux->namespaces[1].path,
            "/run/netns/netns-2b8c1f20-4e3d-11ee-be56-0242ac120002");
  EXPECT_EQ(c.linux->rootfs_propagation, Propagation::kRslave);
  ASSERT_EQ(c.mounts[7].uid_mappings.size(), 1u);
  EXPECT_EQ(c.mounts[7].uid_mappings[0].host_id, 100000u);
  EXPECT_EQ(c.hooks.create_runtime[0].timeout, 10);
  EXPECT_EQ(c.hooks.poststop.size(), 1u);
  EXPECT_EQ(c.annotations.at("io.container.manager"), "libpod");
  const Seccomp& s = *c.linux->seccomp;
  EXPECT_EQ(s.default_action, SeccompAction::kErrno);
  EXPECT_THAT(s.default_errno_ret, Optional(38u));
  EXPECT_THAT(
      s.architectures,
      ElementsAre(SeccompArch::kX86_64, SeccompArch::kX86, SeccompArch::kX32));
  ASSERT_EQ(s.syscalls.size(), 4u);
  EXPECT_EQ(s.syscalls[2].args[0].op, SeccompOperator::kEqualTo);
  EXPECT_THAT(c.linux->resources->memory->limit, Optional(536870912));
  EXPECT_THAT(c.linux->resources->memory->disable_oom_killer, Optional(false));
  EXPECT_FALSE(c.linux->resources->memory->reservation.has_value());
  EXPECT_EQ(c.linux->resources->pids->limit, 2048);
}

TEST(ParseConfigTest, ContainerdWithEveryArea) {
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(ReadTestData("containerd.json")));
  const Process& p = *c.process;
  EXPECT_THAT(p.capabilities->ambient,
              ElementsAre(Capability::kNetBindService));
  EXPECT_THAT(p.oom_score_adj, Optional(-998));
  EXPECT_EQ(p.scheduler->policy, SchedulerPolicy::kBatch);
  EXPECT_EQ(p.scheduler->nice, 5);
  EXPECT_THAT(p.scheduler->flags, ElementsAre(SchedulerFlag::kResetOnFork));
  EXPECT_EQ(p.io_priority->io_class, IoPriorityClass::kBe);
  EXPECT_EQ(p.exec_cpu_affinity->final_cpus, "0-3,7");
  EXPECT_EQ(c.domainname, "cluster.local");
  const Linux& l = *c.linux;
  EXPECT_EQ(l.time_offsets.at("monotonic").secs, -86400);
  EXPECT_EQ(l.time_offsets.at("monotonic").nanosecs, 500u);
  ASSERT_EQ(l.devices.size(), 3u);
  EXPECT_EQ(l.devices[0].type, DeviceType::kBlock);
  EXPECT_THAT(l.devices[0].file_mode, Optional(432u));
  EXPECT_EQ(l.devices[1].type, DeviceType::kUnbuffered);
  EXPECT_EQ(l.devices[2].type, DeviceType::kFifo);  // No major/minor.
  EXPECT_EQ(l.devices[2].major, 0);
  const Resources& r = *l.resources;
  EXPECT_EQ(r.devices[2].type, DeviceRuleType::kChar);
  EXPECT_THAT(r.devices[2].major, Optional(136));
  EXPECT_FALSE(r.devices[2].minor.has_value());
  EXPECT_THAT(r.memory->swap, Optional(-1));
  EXPECT_THAT(r.cpu->quota, Optional(-1));
  EXPECT_EQ(r.pids->limit, -1);
  EXPECT_EQ(r.block_io->throttle_write_bps_device[0].rate,
            18446744073709551615u);
  EXPECT_FALSE(r.block_io->weight_device[1].leaf_weight.has_value());
  EXPECT_EQ(r.hugepage_limits[0].limit, 9223372036854771712u);
  EXPECT_THAT(r.network->class_id, Optional(1048577u));
  EXPECT_FALSE(r.rdma.at("mlx4_0").hca_handles.has_value());
  EXPECT_EQ(r.unified.at("memory.high"), "max");
  const Seccomp& s = *l.seccomp;
  EXPECT_THAT(s.flags, ElementsAre(SeccompFlag::kLog, SeccompFlag::kSpecAllow));
  EXPECT_EQ(s.syscalls[1].args[0].op, SeccompOperator::kMaskedEqual);
  EXPECT_EQ(s.syscalls[2].args[1].value_two, 3u);
  EXPECT_EQ(s.syscalls[3].action, SeccompAction::kNotify);
  EXPECT_EQ(l.sysctl.at("net/ipv4/conf/eth0.100/forwarding"), "1");
  EXPECT_EQ(l.intel_rdt->clos_id, "guaranteed_group");
  EXPECT_TRUE(l.intel_rdt->enable_cmt);
  EXPECT_EQ(l.personality->domain, PersonalityDomain::kLinux);
  EXPECT_EQ(l.rootfs_propagation, Propagation::kPrivate);
}

TEST(ParseConfigTest, MinimalConfig) {
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(R"({"ociVersion": "1.0.0"})"));
  Config expected;
  expected.oci_version = "1.0.0";
  EXPECT_EQ(c, expected);
}

TEST(ParseConfigTest, UnknownFieldsAreIgnored) {
  ASSERT_OK_AND_ASSIGN(Config plain, ParseConfig(R"({
      "ociVersion": "1.2.0",
      "root": {"path": "rootfs"},
      "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 1, "gid": 2}},
      "linux": {"namespaces": [{"type": "pid"}]}})"));
  ASSERT_OK_AND_ASSIGN(Config extended, ParseConfig(R"({
      "ociVersion": "1.2.0", "future": {"deep": [[{}]]}, "solaris": 5,
      "root": {"path": "rootfs", "x": "y"},
      "process": {"cwd": "/", "args": ["sh"], "later": null,
                  "user": {"uid": 1, "gid": 2, "username": "win"}},
      "linux": {"namespaces": [{"type": "pid", "flags": 3}],
                "netDevices": {"eth0": {}}, "memoryPolicy": {}}})"));
  EXPECT_EQ(plain, extended);
}

TEST(ParseConfigTest, NullMeansAbsent) {
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(R"({
      "ociVersion": "1.2.0", "process": null, "mounts": null,
      "annotations": null,
      "linux": {"namespaces": null, "resources": {"memory": {"limit": null}}}
  })"));
  EXPECT_FALSE(c.process.has_value());
  EXPECT_TRUE(c.mounts.empty());
  EXPECT_TRUE(c.linux->namespaces.empty());
  EXPECT_FALSE(c.linux->resources->memory->limit.has_value());
}

TEST(ParseConfigTest, LargeNumbersAtTheLimits) {
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(R"({
      "ociVersion": "1.2.0",
      "process": {"cwd": "/", "user": {"uid": 4294967295, "gid": 0},
                  "rlimits": [{"type": "RLIMIT_CORE",
                               "soft": 18446744073709551615,
                               "hard": 18446744073709551615}]},
      "linux": {"resources": {"memory": {"limit": 9223372036854775807,
                                         "swap": -9223372036854775808}}}})"));
  EXPECT_EQ(c.process->user.uid, 4294967295u);
  EXPECT_EQ(c.process->rlimits[0].hard, 18446744073709551615u);
  EXPECT_THAT(c.linux->resources->memory->limit, Optional(9223372036854775807));
}

struct BadConfig {
  const char* name;
  std::string json;
  std::string error;
};

std::string WithProcess(absl::string_view process) {
  return absl::StrCat(R"({"ociVersion": "1.2.0", "process": )", process, "}");
}
std::string WithLinux(absl::string_view linux) {
  return absl::StrCat(R"({"ociVersion": "1.2.0", "linux": )", linux, "}");
}

class ParseErrorTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ParseErrorTest, NamesThePath) {
  absl::StatusOr<Config> c = ParseConfig(GetParam().json);
  ASSERT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorText(c), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    WrongTypes, ParseErrorTest,
    ::testing::Values(
        // DESIGN.md: a peer read this as "no namespaces" and mounted /proc
        // into the caller's mount namespace.
        BadConfig{"NamespacesObject",
                  WithLinux(R"({"namespaces": {"type": "pid"}})"),
                  "linux.namespaces: expected array, got object"},
        BadConfig{"ArgsString", WithProcess(R"({"cwd": "/", "args": "sh"})"),
                  "process.args: expected array, got string"},
        BadConfig{"ArgNumber",
                  WithProcess(R"({"cwd": "/", "args": ["a", "b", 3]})"),
                  "process.args[2]: expected string, got number"},
        BadConfig{"ArgNull", WithProcess(R"({"cwd": "/", "args": [null]})"),
                  "process.args[0]: expected string, got null"},
        BadConfig{"TerminalString",
                  WithProcess(R"({"cwd": "/", "terminal": "yes"})"),
                  "process.terminal: expected boolean, got string"},
        BadConfig{
            "UidString",
            WithProcess(R"({"cwd": "/", "user": {"uid": "0", "gid": 0}})"),
            "process.user.uid: expected integer, got string"},
        BadConfig{
            "UidFraction",
            WithProcess(R"({"cwd": "/", "user": {"uid": 1.5, "gid": 0}})"),
            "process.user.uid: expected integer, got 1.5"},
        BadConfig{"UidNegative",
                  WithProcess(R"({"cwd": "/", "user": {"uid": -1, "gid": 0}})"),
                  "process.user.uid: -1 is out of range for uint32"},
        BadConfig{"UidTooLarge",
                  WithProcess(
                      R"({"cwd": "/", "user": {"uid": 4294967296, "gid": 0}})"),
                  "process.user.uid: 4294967296 is out of range for uint32"},
        BadConfig{"RootArray", R"({"ociVersion": "1.2.0", "root": []})",
                  "root: expected object, got array"},
        BadConfig{"LinuxArray", WithLinux("[]"),
                  "linux: expected object, got array"},
        BadConfig{"VersionNumber", R"({"ociVersion": 1})",
                  "ociVersion: expected string, got number"},
        BadConfig{"AnnotationNumber",
                  R"({"ociVersion": "1.2.0", "annotations": {"a.b": 1}})",
                  "annotations[\"a.b\"]: expected string, got number"},
        BadConfig{"HookTimeoutString",
                  R"({"ociVersion": "1.2.0", "hooks": {"poststop":
                      [{"path": "/bin/true", "timeout": "5"}]}})",
                  "hooks.poststop[0].timeout: expected integer, got string"},
        BadConfig{"MemoryLimitTooLarge", WithLinux(R"({"resources": {"memory":
                      {"limit": 9223372036854775808}}})"),
                  "linux.resources.memory.limit: 9223372036854775808 is out "
                  "of range for int64"},
        BadConfig{"MemoryLimitBeyond64Bits",
                  WithLinux(R"({"resources": {"memory":
                      {"limit": 100000000000000000000}}})"),
                  "linux.resources.memory.limit: 1e+20 is out of range for "
                  "int64"},
        BadConfig{"RlimitNegative",
                  WithProcess(R"({"cwd": "/", "rlimits": [{"type":
                      "RLIMIT_NOFILE", "soft": -1, "hard": 1}]})"),
                  "process.rlimits[0].soft: -1 is out of range for uint64"},
        BadConfig{"WeightTooLarge",
                  WithLinux(R"({"resources": {"blockIO": {"weight": 70000}}})"),
                  "linux.resources.blockIO.weight: 70000 is out of range for "
                  "uint16"},
        BadConfig{"OomScoreAdjTooLarge",
                  WithProcess(R"({"cwd": "/", "oomScoreAdj": 3000000000})"),
                  "process.oomScoreAdj: 3000000000 is out of range for "
                  "int32"},
        BadConfig{"TopLevelArray", "[]", "expected a JSON object, got array"},
        BadConfig{"TopLevelString", "\"config\"",
                  "expected a JSON object, got string"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    MissingAndUnknown, ParseErrorTest,
    ::testing::Values(
        BadConfig{"NoVersion", "{}", "missing required field \"ociVersion\""},
        BadConfig{"NullVersion", R"({"ociVersion": null})",
                  "missing required field \"ociVersion\""},
        BadConfig{"RootWithoutPath",
                  R"({"ociVersion": "1.2.0", "root": {"readonly": true}})",
                  "root: missing required field \"path\""},
        BadConfig{"ProcessWithoutCwd", WithProcess(R"({"args": ["sh"]})"),
                  "process: missing required field \"cwd\""},
        BadConfig{"UserWithoutGid",
                  WithProcess(R"({"cwd": "/", "user": {"uid": 0}})"),
                  "process.user: missing required field \"gid\""},
        BadConfig{"MountWithoutDestination",
                  R"({"ociVersion": "1.2.0", "mounts": [{"type": "proc"}]})",
                  "mounts[0]: missing required field \"destination\""},
        BadConfig{"CharDeviceWithoutMajor",
                  WithLinux(R"({"devices": [{"path": "/dev/x",
                      "type": "c", "minor": 1}]})"),
                  "linux.devices[0]: missing required field \"major\""},
        BadConfig{"UnknownNamespace",
                  WithLinux(R"({"namespaces": [{"type": "pid"},
                      {"type": "foo"}]})"),
                  "linux.namespaces[1].type: unknown namespace \"foo\""},
        BadConfig{"NamespaceWithoutType",
                  WithLinux(R"({"namespaces": [{"path": "/proc/1/ns/net"}]})"),
                  "linux.namespaces[0]: missing required field \"type\""},
        BadConfig{"CapabilityNotAString",
                  WithProcess(R"({"cwd": "/", "capabilities": {"bounding":
                      ["CAP_KILL", 7]}})"),
                  "process.capabilities.bounding[1]: expected string, got "
                  "number"},
        BadConfig{"CapabilitySetNotAnArray",
                  WithProcess(R"({"cwd": "/", "capabilities": {"effective":
                      "CAP_KILL"}})"),
                  "process.capabilities.effective: expected array, got "
                  "string"},
        BadConfig{"CapabilitiesNotAnObject",
                  WithProcess(R"({"cwd": "/", "capabilities": []})"),
                  "process.capabilities: expected object, got array"},
        BadConfig{"UnknownRlimit",
                  WithProcess(R"({"cwd": "/", "rlimits": [{"type":
                      "RLIMIT_FOO", "soft": 1, "hard": 1}]})"),
                  "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
        BadConfig{"UnknownDeviceType",
                  WithLinux(R"({"devices": [{"path": "/dev/x", "type": "x",
                      "major": 1, "minor": 1}]})"),
                  "linux.devices[0].type: unknown device type \"x\""},
        BadConfig{"UnknownPropagation",
                  WithLinux(R"({"rootfsPropagation": "everywhere"})"),
                  "linux.rootfsPropagation: unknown rootfs propagation "
                  "\"everywhere\""},
        BadConfig{
            "UnknownSeccompAction",
            WithLinux(R"({"seccomp": {"defaultAction": "SCMP_ACT_NOPE"}})"),
            "linux.seccomp.defaultAction: unknown seccomp action "
            "\"SCMP_ACT_NOPE\""},
        BadConfig{"UnknownSeccompOperator",
                  WithLinux(R"({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                      "syscalls": [{"names": ["read"], "action":
                      "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1,
                      "op": "SCMP_CMP_XX"}]}]}})"),
                  "linux.seccomp.syscalls[0].args[0].op: unknown seccomp "
                  "operator \"SCMP_CMP_XX\""},
        BadConfig{"UnknownPersonality",
                  WithLinux(R"({"personality": {"domain": "BSD"}})"),
                  "linux.personality.domain: unknown personality domain "
                  "\"BSD\""},
        BadConfig{"NulInString",
                  WithProcess(R"({"cwd": "/", "args": ["/bin/sh\u0000x"]})"),
                  "process.args[0]: contains a NUL byte"},
        BadConfig{"NulInKey",
                  R"({"ociVersion": "1.2.0", "annotations": {"a\u0000": "b"}})",
                  "annotations[\"a\\x00\"]: contains a NUL byte"},
        BadConfig{"ControlCharsEscapedInMessages",
                  WithLinux(R"({"namespaces": [{"type": "p\nid"}]})"),
                  "linux.namespaces[0].type: unknown namespace \"p\\nid\""}),
    [](const auto& info) { return info.param.name; });

TEST(ParseConfigTest, EveryTruncationIsAnError) {
  std::string text = ReadTestData("runc_default.json");
  // Every prefix that stops before the final '}' is incomplete.
  const size_t last_brace = text.rfind('}');
  for (size_t n = 0; n <= last_brace; ++n) {
    absl::StatusOr<Config> c = ParseConfig(absl::string_view(text.data(), n));
    ASSERT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument)) << n;
    ASSERT_THAT(ErrorText(c), HasSubstr("invalid JSON")) << n;
  }
  EXPECT_OK(ParseConfig(absl::string_view(text.data(), last_brace + 1)));
}

TEST(ParseConfigTest, TruncatedConfigMessage) {
  absl::StatusOr<Config> c = ParseConfig(R"({"ociVersion": "1.2.0", "linux)");
  EXPECT_EQ(ErrorText(c),
            "invalid JSON: parse error at line 1, column 31: syntax error "
            "while parsing object key - invalid string: missing closing "
            "quote; last read: '\"linux'; expected string literal");
}

TEST(ParseConfigTest, DeepNestingIsRejectedNotACrash) {
  for (const std::string& open : {std::string("["), std::string("{\"a\":")}) {
    std::string text = R"({"ociVersion": "1.2.0", "linux": )";
    for (int i = 0; i < 100000; ++i) text += open;
    absl::StatusOr<Config> c = ParseConfig(text);
    EXPECT_EQ(ErrorText(c), "invalid JSON: nested deeper than 64 levels");
  }
}

TEST(ParseConfigTest, DeepButAllowedNestingInUnknownFields) {
  std::string text = R"({"ociVersion": "1.2.0", "x": )";
  text += std::string(kMaxJsonDepth - 1, '[');
  text += std::string(kMaxJsonDepth - 1, ']');
  text += "}";
  EXPECT_OK(ParseConfig(text));
}

TEST(ParseConfigTest, OversizedInputIsRejected) {
  std::string text = R"({"ociVersion": "1.2.0", "hostname": ")";
  text += std::string(kMaxJsonBytes, 'a');
  text += "\"}";
  EXPECT_THAT(ErrorText(ParseConfig(text)), HasSubstr("exceeds the limit"));
}

// config.md "Linux process": a runtime SHOULD NOT fail on capabilities it
// cannot grant, so names it does not know parse and are kept aside.
TEST(ParseConfigTest, UnknownCapabilitiesAreKeptAsideNotAnError) {
  ASSERT_OK_AND_ASSIGN(Config c,
                       ParseConfig(WithProcess(R"({"cwd": "/", "capabilities": {
          "bounding": ["CAP_KILL", "CAP_FOO", "CAP_CHOWN", "CAP_BAR"],
          "effective": ["cap_kill"],
          "ambient": ["CAP_FOO"]}})")));
  ASSERT_TRUE(c.process.has_value());
  ASSERT_TRUE(c.process->capabilities.has_value());
  const Capabilities& caps = *c.process->capabilities;
  EXPECT_THAT(caps.bounding,
              ElementsAre(Capability::kKill, Capability::kChown));
  EXPECT_THAT(caps.unknown.bounding, ElementsAre("CAP_FOO", "CAP_BAR"));
  // Names are case-sensitive, as in runc.
  EXPECT_TRUE(caps.effective.empty());
  EXPECT_THAT(caps.unknown.effective, ElementsAre("cap_kill"));
  EXPECT_TRUE(caps.ambient.empty());
  EXPECT_THAT(caps.unknown.ambient, ElementsAre("CAP_FOO"));
  EXPECT_TRUE(caps.unknown.inheritable.empty());
  EXPECT_TRUE(caps.unknown.permitted.empty());
}

TEST(ParseProcessTest, UnknownCapabilitiesAreKeptAside) {
  ASSERT_OK_AND_ASSIGN(Process p, ParseProcess(R"({"cwd": "/", "args": ["sh"],
      "capabilities": {"permitted": ["CAP_NOT_A_REAL_ONE", "CAP_KILL"]}})"));
  ASSERT_TRUE(p.capabilities.has_value());
  EXPECT_THAT(p.capabilities->permitted, ElementsAre(Capability::kKill));
  EXPECT_THAT(p.capabilities->unknown.permitted,
              ElementsAre("CAP_NOT_A_REAL_ONE"));
}

TEST(ParseProcessTest, ProcessJson) {
  ASSERT_OK_AND_ASSIGN(Process p, ParseProcess(R"({
      "terminal": true, "consoleSize": {"height": 25, "width": 80},
      "user": {"uid": 5, "gid": 6}, "args": ["/bin/echo", "hi"],
      "env": ["A=b"], "cwd": "/tmp", "noNewPrivileges": true,
      "capabilities": {"bounding": ["CAP_CHECKPOINT_RESTORE"]}})"));
  EXPECT_TRUE(p.terminal);
  EXPECT_EQ(p.console_size->width, 80u);
  EXPECT_EQ(p.user.gid, 6u);
  EXPECT_THAT(p.args, ElementsAre("/bin/echo", "hi"));
  EXPECT_THAT(p.capabilities->bounding,
              ElementsAre(Capability::kCheckpointRestore));
}

TEST(ParseProcessTest, PathsAreRelativeToTheProcess) {
  EXPECT_EQ(ErrorText(ParseProcess(R"({"cwd": "/", "args": [1]})")),
            "args[0]: expected string, got number");
  EXPECT_EQ(ErrorText(ParseProcess(R"({"args": ["sh"]})")),
            "missing required field \"cwd\"");
  EXPECT_EQ(ErrorText(ParseProcess(R"(["sh"])")),
            "expected a JSON object, got array");
  EXPECT_THAT(ParseProcess(R"({"cwd": "/")"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace runbox::spec
