// Tests for Validate / ValidateProcess: every rule, each with the exact
// message and JSON path it reports, applied as one change to a valid
// config (runc's default).
#include "runtime/spec/validate.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/test_util.h"

namespace runbox::spec {
namespace {

std::string ErrorText(const absl::Status& s) {
  return std::string(s.message());
}

// runc's default plus a user namespace, so every area has something in it.
Config Base() {
  Config c = DefaultSpec();
  c.linux->namespaces.push_back({.type = NamespaceType::kUser});
  c.linux->uid_mappings = {{.container_id = 0, .host_id = 1000, .size = 10}};
  c.linux->gid_mappings = {{.container_id = 0, .host_id = 1000, .size = 10}};
  return c;
}

Process& P(Config& c) { return *c.process; }
Linux& L(Config& c) { return *c.linux; }
Resources& R(Config& c) { return *c.linux->resources; }
Seccomp& S(Config& c) {
  if (!c.linux->seccomp.has_value()) c.linux->seccomp.emplace();
  return *c.linux->seccomp;
}

struct Case {
  const char* name;
  std::function<void(Config&)> change;
  std::string error;  // Empty: the changed config is valid.
};

class ValidateTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateTest, Rule) {
  Config c = Base();
  ASSERT_OK(Validate(c));
  GetParam().change(c);
  absl::Status s = Validate(c);
  if (GetParam().error.empty()) {
    EXPECT_OK(s);
  } else {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(ErrorText(s), GetParam().error);
  }
}

std::string Name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(
    Top, ValidateTest,
    ::testing::Values(
        Case{"Version100", [](Config& c) { c.oci_version = "1.0.0"; }, ""},
        Case{"VersionDev", [](Config& c) { c.oci_version = "1.0.2-dev"; }, ""},
        Case{"Version121", [](Config& c) { c.oci_version = "1.2.1"; }, ""},
        Case{"VersionNewerMinor", [](Config& c) { c.oci_version = "1.3.0"; },
             ""},
        Case{"VersionPreReleaseAndBuild",
             [](Config& c) { c.oci_version = "1.1.0-rc.1+build.5"; }, ""},
        Case{"Version2", [](Config& c) { c.oci_version = "2.0.0"; },
             "ociVersion: unsupported version \"2.0.0\": runbox implements "
             "1.x"},
        Case{"Version0", [](Config& c) { c.oci_version = "0.5.0-dev"; },
             "ociVersion: unsupported version \"0.5.0-dev\": runbox "
             "implements 1.x"},
        Case{"VersionGarbage", [](Config& c) { c.oci_version = "abc"; },
             "ociVersion: \"abc\" is not a SemVer version"},
        Case{"VersionTwoParts", [](Config& c) { c.oci_version = "1.0"; },
             "ociVersion: \"1.0\" is not a SemVer version"},
        Case{"VersionLeadingZero", [](Config& c) { c.oci_version = "1.01.0"; },
             "ociVersion: \"1.01.0\" is not a SemVer version"},
        Case{"VersionEmptyPreRelease",
             [](Config& c) { c.oci_version = "1.0.0-"; },
             "ociVersion: \"1.0.0-\" is not a SemVer version"},
        Case{"VersionEmpty", [](Config& c) { c.oci_version = ""; },
             "ociVersion: \"\" is not a SemVer version"},
        Case{"NoRoot", [](Config& c) { c.root.reset(); },
             "root: is required on Linux"},
        Case{"EmptyRootPath", [](Config& c) { c.root->path = ""; },
             "root.path: must not be empty"},
        Case{"AbsoluteRoot", [](Config& c) { c.root->path = "/b/rootfs"; }, ""},
        Case{"NoProcess", [](Config& c) { c.process.reset(); }, ""},
        Case{"HostnameWithoutUts",
             [](Config& c) {
               std::erase_if(L(c).namespaces, [](const LinuxNamespace& ns) {
                 return ns.type == NamespaceType::kUts;
               });
             },
             "hostname: needs a UTS namespace"},
        Case{"HostnameWithoutLinux",
             [](Config& c) {
               c.linux.reset();
               c.mounts.clear();
             },
             "hostname: needs a UTS namespace"},
        Case{"DomainnameWithoutUts",
             [](Config& c) {
               c.hostname = "";
               c.domainname = "example.com";
               std::erase_if(L(c).namespaces, [](const LinuxNamespace& ns) {
                 return ns.type == NamespaceType::kUts;
               });
             },
             "domainname: needs a UTS namespace"},
        Case{"HostnameTooLong",
             [](Config& c) { c.hostname = std::string(65, 'h'); },
             "hostname: is 65 bytes long, the limit is 64"},
        Case{"HostnameAtLimit",
             [](Config& c) { c.hostname = std::string(64, 'h'); }, ""},
        Case{"EmptyAnnotationKey", [](Config& c) { c.annotations[""] = "x"; },
             "annotations[\"\"]: key must not be empty"},
        Case{"EmptyAnnotationValue", [](Config& c) { c.annotations["a"] = ""; },
             ""},
        Case{"StopSignalByNumber",
             [](Config& c) {
               c.annotations["org.opencontainers.image.stopSignal"] = "15";
             },
             ""},
        Case{"StopSignalByName",
             [](Config& c) {
               c.annotations["org.opencontainers.image.stopSignal"] = "SIGINT";
             },
             ""},
        Case{"StopSignalNamingNoSignal",
             [](Config& c) {
               c.annotations["org.opencontainers.image.stopSignal"] = "NOPE";
             },
             "annotations[\"org.opencontainers.image.stopSignal\"]: \"NOPE\" "
             "is not a signal"},
        Case{"IntelRdtAllFields",
             [](Config& c) {
               L(c).intel_rdt = IntelRdt{.clos_id = "gold",
                                         .schemata = {"L2:0=f"},
                                         .l3_cache_schema = "L3:0=ff",
                                         .mem_bw_schema = "MB:0=50"};
             },
             ""},
        Case{"IntelRdtMemBwWithoutPrefix",
             [](Config& c) {
               L(c).intel_rdt = IntelRdt{.mem_bw_schema = "0=50"};
             },
             "linux.intelRdt.memBwSchema: \"0=50\" must start with \"MB:\""},
        Case{"IntelRdtMemBwNewline",
             [](Config& c) {
               L(c).intel_rdt = IntelRdt{.mem_bw_schema = "MB:0=50\nMB:1=50"};
             },
             "linux.intelRdt.memBwSchema: \"MB:0=50\\nMB:1=50\" must not "
             "contain newlines"},
        // SHOULD rules only, as runc: taken as given.
        Case{"IntelRdtL3WithoutPrefixAndMultiLine",
             [](Config& c) {
               L(c).intel_rdt = IntelRdt{.l3_cache_schema = "0=ff\nMB:0=20"};
             },
             ""},
        Case{"IntelRdtClosIdDotDot",
             [](Config& c) { L(c).intel_rdt = IntelRdt{.clos_id = ".."}; },
             "linux.intelRdt.closID: \"..\" is not a resctrl group name"},
        Case{"IntelRdtClosIdSlash",
             [](Config& c) { L(c).intel_rdt = IntelRdt{.clos_id = "a/b"}; },
             "linux.intelRdt.closID: \"a/b\" is not a resctrl group name"}),
    Name);

INSTANTIATE_TEST_SUITE_P(
    Process, ValidateTest,
    ::testing::Values(
        Case{"RelativeCwd", [](Config& c) { P(c).cwd = "tmp"; },
             "process.cwd: must be an absolute path, got \"tmp\""},
        Case{"EmptyCwd", [](Config& c) { P(c).cwd = ""; },
             "process.cwd: must be an absolute path, got \"\""},
        Case{"NoArgs", [](Config& c) { P(c).args.clear(); },
             "process.args: must have at least one entry"},
        Case{"EmptyArg0", [](Config& c) { P(c).args = {""}; },
             "process.args[0]: must not be empty"},
        Case{"EmptyLaterArg",
             [](Config& c) {
               P(c).args = {"sh", ""};
             },
             ""},
        Case{"EnvWithoutEquals", [](Config& c) { P(c).env.push_back("FOO"); },
             "process.env[2]: \"FOO\" is not of the form KEY=value"},
        Case{"EnvEmptyKey", [](Config& c) { P(c).env.push_back("=x"); },
             "process.env[2]: \"=x\" is not of the form KEY=value"},
        Case{"EnvEmptyValue", [](Config& c) { P(c).env.push_back("X="); }, ""},
        Case{"DuplicateRlimit",
             [](Config& c) {
               P(c).rlimits.push_back(
                   {.type = RlimitType::kNofile, .soft = 1, .hard = 1});
             },
             "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
        Case{"SoftAboveHard", [](Config& c) { P(c).rlimits[0].soft = 2048; },
             "process.rlimits[0]: soft limit 2048 exceeds hard limit 1024"},
        Case{"UmaskTooWide", [](Config& c) { P(c).user.umask = 01000; },
             "process.user.umask: 512 has bits outside 0777"},
        Case{"Umask", [](Config& c) { P(c).user.umask = 022; }, ""},
        Case{"OomScoreAdjTooLow", [](Config& c) { P(c).oom_score_adj = -1001; },
             "process.oomScoreAdj: -1001 is outside -1000..1000"},
        Case{"OomScoreAdj", [](Config& c) { P(c).oom_score_adj = -1000; }, ""},
        Case{"ConsoleSizeWithoutTerminal",
             [](Config& c) {
               // config.md: "Runtimes MUST ignore consoleSize if terminal
               // is false or unset."
               P(c).terminal = false;
               P(c).console_size = ConsoleSize{.height = 25, .width = 80};
             },
             ""},
        Case{"SchedulerNice",
             [](Config& c) {
               P(c).scheduler =
                   Scheduler{.policy = SchedulerPolicy::kOther, .nice = 20};
             },
             "process.scheduler.nice: 20 is outside -20..19"},
        Case{"SchedulerPriorityForOther",
             [](Config& c) { P(c).scheduler = Scheduler{.priority = 5}; },
             "process.scheduler.priority: is only valid with SCHED_FIFO or "
             "SCHED_RR"},
        Case{"SchedulerFifoWithoutPriority",
             [](Config& c) {
               P(c).scheduler = Scheduler{.policy = SchedulerPolicy::kFifo};
             },
             "process.scheduler.priority: 0 is outside 1..99"},
        Case{"SchedulerFifo",
             [](Config& c) {
               P(c).scheduler =
                   Scheduler{.policy = SchedulerPolicy::kFifo, .priority = 50};
             },
             ""},
        Case{"SchedulerRuntimeForBatch",
             [](Config& c) {
               P(c).scheduler =
                   Scheduler{.policy = SchedulerPolicy::kBatch, .runtime = 1};
             },
             "process.scheduler: runtime, deadline and period are only valid "
             "with SCHED_DEADLINE"},
        Case{"SchedulerDeadline",
             [](Config& c) {
               P(c).scheduler = Scheduler{.policy = SchedulerPolicy::kDeadline,
                                          .runtime = 1,
                                          .deadline = 2,
                                          .period = 3};
             },
             ""},
        Case{"IoPriority",
             [](Config& c) {
               P(c).io_priority = IoPriority{.io_class = IoPriorityClass::kIdle,
                                             .priority = 8};
             },
             "process.ioPriority.priority: 8 is outside 0..7"},
        Case{"CpuAffinityOpenRange",
             [](Config& c) {
               P(c).exec_cpu_affinity = CpuAffinity{.initial = "0-"};
             },
             "process.execCPUAffinity.initial: \"0-\" is not a CPU list like "
             "\"0-3,7\""},
        Case{"CpuAffinityBackwards",
             [](Config& c) {
               P(c).exec_cpu_affinity = CpuAffinity{.final_cpus = "3-1"};
             },
             "process.execCPUAffinity.final: \"3-1\" is not a CPU list like "
             "\"0-3,7\""},
        Case{"CpuAffinity",
             [](Config& c) {
               P(c).exec_cpu_affinity =
                   CpuAffinity{.initial = "0", .final_cpus = "0-3,7,9-10"};
             },
             ""}),
    Name);

INSTANTIATE_TEST_SUITE_P(
    MountsAndHooks, ValidateTest,
    ::testing::Values(
        Case{"EmptyDestination",
             [](Config& c) { c.mounts[3].destination = ""; },
             "mounts[3].destination: must not be empty"},
        // runc accepts relative destinations for compatibility.
        Case{"RelativeDestination",
             [](Config& c) { c.mounts[0].destination = "proc"; }, ""},
        Case{"IdmapUidOnly",
             [](Config& c) {
               c.mounts[1].uid_mappings = {{.host_id = 1, .size = 1}};
             },
             "mounts[1]: uidMappings and gidMappings must be set together"},
        Case{"IdmapZeroSize",
             [](Config& c) {
               c.mounts[1].uid_mappings = {{.host_id = 1, .size = 1}};
               c.mounts[1].gid_mappings = {{.host_id = 1, .size = 0}};
             },
             "mounts[1].gidMappings[0].size: must be greater than zero"},
        Case{"RelativeHookPath",
             [](Config& c) { c.hooks.prestart = {{.path = "hook"}}; },
             "hooks.prestart[0].path: must be an absolute path, got "
             "\"hook\""},
        Case{"EmptyHookPath",
             [](Config& c) { c.hooks.create_runtime = {{.path = ""}}; },
             "hooks.createRuntime[0].path: must be an absolute path, got "
             "\"\""},
        Case{
            "ZeroHookTimeout",
            [](Config& c) {
              c.hooks.poststop = {{.path = "/a"}, {.path = "/b", .timeout = 0}};
            },
            "hooks.poststop[1].timeout: must be greater than zero, got 0"},
        Case{"NegativeHookTimeout",
             [](Config& c) {
               c.hooks.start_container = {{.path = "/a", .timeout = -5}};
             },
             "hooks.startContainer[0].timeout: must be greater than zero, "
             "got -5"},
        Case{"HookEnv",
             [](Config& c) {
               c.hooks.create_container = {{.path = "/a", .env = {"X"}}};
             },
             "hooks.createContainer[0].env[0]: \"X\" is not of the form "
             "KEY=value"},
        Case{"Hooks",
             [](Config& c) {
               c.hooks.poststart = {{.path = "/a",
                                     .args = {"a", "b"},
                                     .env = {"A=b"},
                                     .timeout = 1}};
             },
             ""}),
    Name);

bool IsType(const LinuxNamespace& ns, NamespaceType t) { return ns.type == t; }

INSTANTIATE_TEST_SUITE_P(
    Namespaces, ValidateTest,
    ::testing::Values(
        Case{"DuplicateNamespace",
             [](Config& c) {
               L(c).namespaces.push_back({.type = NamespaceType::kPid});
             },
             "linux.namespaces[6].type: duplicate namespace \"pid\""},
        Case{"RelativeNamespacePath",
             [](Config& c) { L(c).namespaces[1].path = "ns/net"; },
             "linux.namespaces[1].path: must be an absolute path, got "
             "\"ns/net\""},
        Case{"NamespacePath",
             [](Config& c) { L(c).namespaces[1].path = "/proc/7/ns/net"; }, ""},
        Case{"MappingsWithoutUserNamespace",
             [](Config& c) {
               std::erase_if(L(c).namespaces, [](const auto& ns) {
                 return IsType(ns, NamespaceType::kUser);
               });
             },
             "linux.uidMappings: needs a user namespace"},
        Case{"GidMappingsWithoutUserNamespace",
             [](Config& c) {
               std::erase_if(L(c).namespaces, [](const auto& ns) {
                 return IsType(ns, NamespaceType::kUser);
               });
               L(c).uid_mappings.clear();
             },
             "linux.gidMappings: needs a user namespace"},
        Case{"NewUserNamespaceWithoutUidMappings",
             [](Config& c) { L(c).uid_mappings.clear(); },
             "linux.uidMappings: a new user namespace needs uid mappings"},
        Case{"NewUserNamespaceWithoutGidMappings",
             [](Config& c) { L(c).gid_mappings.clear(); },
             "linux.gidMappings: a new user namespace needs gid mappings"},
        Case{"JoinedUserNamespaceWithoutMappings",
             [](Config& c) {
               L(c).namespaces.back().path = "/proc/7/ns/user";
               L(c).uid_mappings.clear();
               L(c).gid_mappings.clear();
             },
             ""},
        Case{"ZeroSizeMapping",
             [](Config& c) { L(c).uid_mappings[0].size = 0; },
             "linux.uidMappings[0].size: must be greater than zero"},
        Case{"MappingOverflow",
             [](Config& c) {
               L(c).gid_mappings.push_back(
                   {.container_id = 10, .host_id = 4294967295u, .size = 2});
             },
             "linux.gidMappings[1]: id range extends past 4294967295"},
        Case{"MappingToTheTop",
             [](Config& c) {
               L(c).uid_mappings = {
                   {.container_id = 0, .host_id = 4294967295u, .size = 1}};
             },
             ""},
        Case{"TimeOffsetsWithoutTimeNamespace",
             [](Config& c) { L(c).time_offsets["monotonic"] = {.secs = 5}; },
             "linux.timeOffsets: needs a new time namespace"},
        Case{"TimeOffsetsInJoinedNamespace",
             [](Config& c) {
               L(c).namespaces.push_back(
                   {.type = NamespaceType::kTime, .path = "/proc/7/ns/time"});
               L(c).time_offsets["boottime"] = {.secs = 5};
             },
             "linux.timeOffsets: needs a new time namespace"},
        Case{"TimeOffsetsUnknownClock",
             [](Config& c) {
               L(c).namespaces.push_back({.type = NamespaceType::kTime});
               L(c).time_offsets["realtime"] = {.secs = 5};
             },
             "linux.timeOffsets[\"realtime\"]: unknown clock, expected "
             "\"monotonic\" or \"boottime\""},
        Case{"TimeOffsetsNanosecs",
             [](Config& c) {
               L(c).namespaces.push_back({.type = NamespaceType::kTime});
               L(c).time_offsets["boottime"] = {.nanosecs = 1000000000};
             },
             "linux.timeOffsets[\"boottime\"].nanosecs: 1000000000 is not "
             "below 1e9"},
        Case{"TimeOffsets",
             [](Config& c) {
               L(c).namespaces.push_back({.type = NamespaceType::kTime});
               L(c).time_offsets["boottime"] = {.secs = -5,
                                                .nanosecs = 999999999};
             },
             ""}),
    Name);

INSTANTIATE_TEST_SUITE_P(
    DevicesAndCgroups, ValidateTest,
    ::testing::Values(
        Case{"DeviceOutsideDev",
             [](Config& c) {
               L(c).devices = {{.path = "/tmp/x", .major = 1, .minor = 3}};
             },
             "linux.devices[0].path: must be an absolute path under /dev, "
             "got \"/tmp/x\""},
        Case{"DeviceEscapingDev",
             [](Config& c) {
               L(c).devices = {{.path = "/dev/../etc/x", .major = 1}};
             },
             "linux.devices[0].path: must be an absolute path under /dev, "
             "got \"/dev/../etc/x\""},
        Case{"DeviceIsDev",
             [](Config& c) { L(c).devices = {{.path = "/dev/", .major = 1}}; },
             "linux.devices[0].path: must be an absolute path under /dev, "
             "got \"/dev/\""},
        Case{"DeviceRelative",
             [](Config& c) { L(c).devices = {{.path = "dev/null"}}; },
             "linux.devices[0].path: must be an absolute path under /dev, "
             "got \"dev/null\""},
        Case{"DeviceNegativeMajor",
             [](Config& c) {
               L(c).devices = {{.path = "/dev/x", .major = -1, .minor = 3}};
             },
             "linux.devices[0].major: -1 is not a device number"},
        Case{"DeviceHugeMinor",
             [](Config& c) {
               L(c).devices = {
                   {.path = "/dev/x", .major = 1, .minor = int64_t{1} << 32}};
             },
             "linux.devices[0].minor: 4294967296 is not a device number"},
        Case{"Devices",
             [](Config& c) {
               L(c).devices = {
                   {.type = DeviceType::kChar,
                    .path = "/dev/fuse",
                    .major = 10,
                    .minor = 229,
                    .file_mode = 0666},
                   {.type = DeviceType::kFifo, .path = "/dev/pipes/p"}};
             },
             ""},
        Case{"CgroupsPathDotDot",
             [](Config& c) { L(c).cgroups_path = "/a/../../b"; },
             "linux.cgroupsPath: \"/a/../../b\" must not contain \"..\""},
        Case{"CgroupsPathRelative",
             [](Config& c) { L(c).cgroups_path = "runbox/ctr"; }, ""},
        Case{"CgroupsPathSystemd",
             [](Config& c) { L(c).cgroups_path = "system.slice:runbox:ctr"; },
             ""},
        Case{"DeviceRuleAccess",
             [](Config& c) { R(c).devices[0].access = "rwx"; },
             "linux.resources.devices[0].access: \"rwx\" may only contain r, "
             "w and m"},
        Case{"DeviceRuleMajor",
             [](Config& c) {
               R(c).devices.push_back({.allow = true, .major = -2});
             },
             "linux.resources.devices[1].major: -2 is not a device number"},
        Case{"DeviceRuleWildcard",
             [](Config& c) {
               R(c).devices.push_back({.allow = true,
                                       .type = DeviceRuleType::kChar,
                                       .major = -1,
                                       .minor = 3,
                                       .access = "rw"});
             },
             ""},
        Case{"MemoryLimit",
             [](Config& c) { R(c).memory = Memory{.limit = -2}; },
             "linux.resources.memory.limit: -2 is neither bytes nor -1"},
        Case{"MemorySwap", [](Config& c) { R(c).memory = Memory{.swap = -3}; },
             "linux.resources.memory.swap: -3 is neither bytes nor -1"},
        Case{"Swappiness",
             [](Config& c) { R(c).memory = Memory{.swappiness = 101}; },
             "linux.resources.memory.swappiness: 101 is outside 0..100"},
        Case{"SwappinessUnset",
             [](Config& c) {
               R(c).memory =
                   Memory{.limit = -1,
                          .swappiness = std::numeric_limits<uint64_t>::max()};
             },
             ""},
        Case{"Cpus", [](Config& c) { R(c).cpu = Cpu{.cpus = "0-"}; },
             "linux.resources.cpu.cpus: \"0-\" is not a CPU list like "
             "\"0-3,7\""},
        Case{"Mems", [](Config& c) { R(c).cpu = Cpu{.mems = "x"}; },
             "linux.resources.cpu.mems: \"x\" is not a CPU list like "
             "\"0-3,7\""},
        Case{"WeightDeviceWithoutWeight",
             [](Config& c) {
               R(c).block_io = BlockIo{.weight_device = {{.major = 8}}};
             },
             "linux.resources.blockIO.weightDevice[0]: needs weight or "
             "leafWeight"},
        Case{"PageSize",
             [](Config& c) {
               R(c).hugepage_limits = {{.page_size = "2MB"},
                                       {.page_size = "2M"}};
             },
             "linux.resources.hugepageLimits[1].pageSize: \"2M\" is not a "
             "page size like \"2MB\""},
        Case{"RdmaEmpty", [](Config& c) { R(c).rdma["mlx5_1"] = {}; },
             "linux.resources.rdma[\"mlx5_1\"]: needs hcaHandles or "
             "hcaObjects"},
        Case{"UnifiedEscape",
             [](Config& c) { R(c).unified["../memory.max"] = "1"; },
             "linux.resources.unified[\"../memory.max\"]: is not a cgroup "
             "file name"},
        Case{"Unified", [](Config& c) { R(c).unified["memory.max"] = "max"; },
             ""}),
    Name);

INSTANTIATE_TEST_SUITE_P(
    Seccomp, ValidateTest,
    ::testing::Values(
        Case{"NotifyDefault",
             [](Config& c) { S(c).default_action = SeccompAction::kNotify; },
             "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
             "default action"},
        Case{"DefaultErrnoWithAllow",
             [](Config& c) { S(c).default_errno_ret = 1; },
             "linux.seccomp.defaultErrnoRet: is not valid with "
             "SCMP_ACT_ALLOW"},
        Case{"DefaultErrno",
             [](Config& c) {
               S(c).default_action = SeccompAction::kErrno;
               S(c).default_errno_ret = 38;
             },
             ""},
        Case{"NoNames",
             [](Config& c) {
               S(c).syscalls = {{.action = SeccompAction::kAllow}};
             },
             "linux.seccomp.syscalls[0].names: must have at least one entry"},
        Case{"EmptyName",
             [](Config& c) {
               S(c).syscalls = {{.names = {"read", ""}}};
             },
             "linux.seccomp.syscalls[0].names[1]: must not be empty"},
        Case{"ErrnoRetWithKill",
             [](Config& c) {
               S(c).syscalls = {{.names = {"read"},
                                 .action = SeccompAction::kKillProcess,
                                 .errno_ret = 1}};
             },
             "linux.seccomp.syscalls[0].errnoRet: is not valid with "
             "SCMP_ACT_KILL_PROCESS"},
        Case{"ErrnoRetWithTrace",
             [](Config& c) {
               S(c).syscalls = {{.names = {"read"},
                                 .action = SeccompAction::kTrace,
                                 .errno_ret = 1}};
             },
             ""},
        Case{"ArgIndex",
             [](Config& c) {
               S(c).syscalls = {
                   {.names = {"read"}, .args = {{.index = 5}, {.index = 6}}}};
             },
             "linux.seccomp.syscalls[0].args[1].index: 6 is not an argument "
             "index (0-5)"},
        Case{"NotifyWithoutListener",
             [](Config& c) {
               S(c).syscalls = {
                   {.names = {"mount"}, .action = SeccompAction::kNotify}};
             },
             "linux.seccomp.listenerPath: is required when a syscall uses "
             "SCMP_ACT_NOTIFY"},
        Case{"RelativeListener",
             [](Config& c) { S(c).listener_path = "agent.sock"; },
             "linux.seccomp.listenerPath: must be an absolute path, got "
             "\"agent.sock\""},
        Case{"Notify",
             [](Config& c) {
               S(c).listener_path = "/run/agent.sock";
               S(c).syscalls = {
                   {.names = {"mount"}, .action = SeccompAction::kNotify}};
             },
             ""}),
    Name);

INSTANTIATE_TEST_SUITE_P(
    SysctlAndPaths, ValidateTest,
    ::testing::Values(
        Case{"SysctlNotNamespaced",
             [](Config& c) { L(c).sysctl["kernel.panic"] = "1"; },
             "linux.sysctl[\"kernel.panic\"]: is not isolated by a namespace"},
        Case{"SysctlNetWithoutNetns",
             [](Config& c) {
               std::erase_if(L(c).namespaces, [](const auto& ns) {
                 return IsType(ns, NamespaceType::kNetwork);
               });
               L(c).sysctl["net.ipv4.ip_forward"] = "1";
             },
             "linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network "
             "namespace"},
        Case{"SysctlIpcWithoutIpcns",
             [](Config& c) {
               std::erase_if(L(c).namespaces, [](const auto& ns) {
                 return IsType(ns, NamespaceType::kIpc);
               });
               L(c).sysctl["fs.mqueue.msg_max"] = "10";
             },
             "linux.sysctl[\"fs.mqueue.msg_max\"]: needs an IPC namespace"},
        Case{"SysctlHostname",
             [](Config& c) { L(c).sysctl["kernel.hostname"] = "x"; },
             "linux.sysctl[\"kernel.hostname\"]: conflicts with the "
             "\"hostname\" field"},
        Case{"SysctlEmptyComponent",
             [](Config& c) { L(c).sysctl["net..ipv4"] = "1"; },
             "linux.sysctl[\"net..ipv4\"]: is not a sysctl name"},
        Case{"SysctlSlashEscape",
             [](Config& c) { L(c).sysctl["net/../kernel/panic"] = "1"; },
             "linux.sysctl[\"net/../kernel/panic\"]: is not a sysctl name"},
        Case{"SysctlSpace", [](Config& c) { L(c).sysctl["net.ipv4 x"] = "1"; },
             "linux.sysctl[\"net.ipv4 x\"]: is not a sysctl name"},
        Case{"Sysctls",
             [](Config& c) {
               L(c).sysctl = {{"net.ipv4.ip_forward", "1"},
                              {"net/ipv4/conf/eth0.100/forwarding", "1"},
                              {"kernel.shmmax", "1024"},
                              {"kernel.domainname", "example.com"}};
             },
             ""},
        Case{"RelativeMaskedPath",
             [](Config& c) { L(c).masked_paths.push_back("proc/kcore"); },
             "linux.maskedPaths[11]: must be an absolute path, got "
             "\"proc/kcore\""},
        Case{"RelativeReadonlyPath",
             [](Config& c) { L(c).readonly_paths[0] = ""; },
             "linux.readonlyPaths[0]: must be an absolute path, got \"\""},
        Case{"MaskedPathsWithoutMountNamespace",
             [](Config& c) {
               std::erase_if(L(c).namespaces, [](const auto& ns) {
                 return IsType(ns, NamespaceType::kMount);
               });
             },
             "linux.maskedPaths: needs a mount namespace"}),
    Name);

TEST(ValidateProcessTest, PathsAreRelativeToTheProcess) {
  Process p = *DefaultSpec().process;
  EXPECT_OK(ValidateProcess(p));
  p.cwd = "tmp";
  EXPECT_EQ(ErrorText(ValidateProcess(p)),
            "cwd: must be an absolute path, got \"tmp\"");
  p.cwd = "/";
  p.args.clear();
  EXPECT_EQ(ErrorText(ValidateProcess(p)),
            "args: must have at least one entry");
}

TEST(ValidateTest, FirstErrorInDocumentOrder) {
  Config c = Base();
  c.oci_version = "9.9.9";
  c.process->cwd = "relative";
  L(c).namespaces.push_back({.type = NamespaceType::kPid});
  EXPECT_EQ(ErrorText(Validate(c)),
            "ociVersion: unsupported version \"9.9.9\": runbox implements "
            "1.x");
}

TEST(ValidateTest, TestdataConfigsAreValid) {
  for (absl::string_view name : testdata::kTestConfigs) {
    ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(testdata::ReadTestData(name)));
    EXPECT_OK(Validate(c)) << name;
  }
}

TEST(ValidateTest, IsSupportedOciVersion) {
  EXPECT_TRUE(IsSupportedOciVersion("1.2.0"));
  EXPECT_TRUE(IsSupportedOciVersion("1.0.0-rc5-dev"));
  EXPECT_FALSE(IsSupportedOciVersion("1.2.0.0"));
  EXPECT_FALSE(IsSupportedOciVersion("v1.2.0"));
  EXPECT_FALSE(IsSupportedOciVersion("1.2.0+"));
}

}  // namespace
}  // namespace runbox::spec
