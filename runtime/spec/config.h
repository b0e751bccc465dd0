// The OCI runtime-spec 1.2 configuration (config.md, config-linux.md) as
// plain structs: what config.json and process.json say, nothing more. JSON
// spellings live in names.h (closed sets) and config_fields.h (keys);
// parse.h reads this model, validate.h checks it, serialize.h writes it.
#ifndef RUNBOX_RUNTIME_SPEC_CONFIG_H_
#define RUNBOX_RUNTIME_SPEC_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hostapi/types.h"

// GNU dialects (-std=gnu++20) predefine `linux` as a macro, which would
// rename Config::linux; the build uses -std=c++20 (.bazelrc).
#ifdef linux
#error "runtime/spec/config.h needs -std=c++20: `linux` is a macro here"
#endif

namespace runbox::spec {

// The version runbox implements and writes (`runbox spec`).
inline constexpr absl::string_view kOciVersion = "1.2.0";

// ---------------------------------------------------------------------------
// Closed sets. Numeric values are the kernel's where the kernel has one, so
// the runtime can hand them to the host API unchanged.

enum class NamespaceType {
  kPid,
  kNetwork,
  kMount,
  kIpc,
  kUts,
  kUser,
  kCgroup,
  kTime
};

// Capability numbers from linux/capability.h, CAP_CHOWN .. CAP_LAST_CAP (41
// capabilities as of Linux 5.9).
enum class Capability : int {
  kChown = 0,
  kDacOverride = 1,
  kDacReadSearch = 2,
  kFowner = 3,
  kFsetid = 4,
  kKill = 5,
  kSetgid = 6,
  kSetuid = 7,
  kSetpcap = 8,
  kLinuxImmutable = 9,
  kNetBindService = 10,
  kNetBroadcast = 11,
  kNetAdmin = 12,
  kNetRaw = 13,
  kIpcLock = 14,
  kIpcOwner = 15,
  kSysModule = 16,
  kSysRawio = 17,
  kSysChroot = 18,
  kSysPtrace = 19,
  kSysPacct = 20,
  kSysAdmin = 21,
  kSysBoot = 22,
  kSysNice = 23,
  kSysResource = 24,
  kSysTime = 25,
  kSysTtyConfig = 26,
  kMknod = 27,
  kLease = 28,
  kAuditWrite = 29,
  kAuditControl = 30,
  kSetfcap = 31,
  kMacOverride = 32,
  kMacAdmin = 33,
  kSyslog = 34,
  kWakeAlarm = 35,
  kBlockSuspend = 36,
  kAuditRead = 37,
  kPerfmon = 38,
  kBpf = 39,
  kCheckpointRestore = 40,
};
inline constexpr int kLastCapability = 40;

// Resource numbers from asm-generic/resource.h (RLIMIT_*).
enum class RlimitType : int {
  kCpu = 0,
  kFsize = 1,
  kData = 2,
  kStack = 3,
  kCore = 4,
  kRss = 5,
  kNproc = 6,
  kNofile = 7,
  kMemlock = 8,
  kAs = 9,
  kLocks = 10,
  kSigpending = 11,
  kMsgqueue = 12,
  kNice = 13,
  kRtprio = 14,
  kRttime = 15,
};

// linux.devices[].type: c, b, u (unbuffered char) or p (fifo).
enum class DeviceType { kChar, kBlock, kUnbuffered, kFifo };

// linux.resources.devices[].type: a (all, the default), c or b.
enum class DeviceRuleType { kAll, kChar, kBlock };

// linux.rootfsPropagation. The spec names slave/private/shared/unbindable;
// runc also accepts the recursive spellings, and so do we.
enum class Propagation {
  kPrivate,
  kRprivate,
  kSlave,
  kRslave,
  kShared,
  kRshared,
  kUnbindable,
  kRunbindable
};

enum class SeccompAction {
  kKill,
  kKillProcess,
  kKillThread,
  kTrap,
  kErrno,
  kTrace,
  kAllow,
  kLog,
  kNotify
};
enum class SeccompOperator {
  kNotEqual,
  kLessThan,
  kLessEqual,
  kEqualTo,
  kGreaterEqual,
  kGreaterThan,
  kMaskedEqual
};
enum class SeccompArch {
  kX86,
  kX86_64,
  kX32,
  kArm,
  kAarch64,
  kMips,
  kMips64,
  kMips64N32,
  kMipsel,
  kMipsel64,
  kMipsel64N32,
  kPpc,
  kPpc64,
  kPpc64Le,
  kS390,
  kS390X,
  kParisc,
  kParisc64,
  kRiscv64
};
enum class SeccompFlag { kTsync, kLog, kSpecAllow, kWaitKillableRecv };

enum class PersonalityDomain { kLinux, kLinux32 };

enum class IoPriorityClass { kRt, kBe, kIdle };

enum class SchedulerPolicy {
  kOther,
  kFifo,
  kRr,
  kBatch,
  kIso,
  kIdle,
  kDeadline
};
enum class SchedulerFlag {
  kResetOnFork,
  kReclaim,
  kDlOverrun,
  kKeepPolicy,
  kKeepParams,
  kUtilClampMin,
  kUtilClampMax
};

// ---------------------------------------------------------------------------
// process (config.md "Process"); also the whole of process.json for exec.

struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;
  bool operator==(const ConsoleSize&) const = default;
};

struct User {
  Uid uid = 0;
  Gid gid = 0;
  std::optional<uint32_t> umask;  // Absent: leave the runtime's umask.
  std::vector<Gid> additional_gids;
  bool operator==(const User&) const = default;
};

struct Rlimit {
  RlimitType type = RlimitType::kCpu;
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool operator==(const Rlimit&) const = default;
};

struct Capabilities {
  std::vector<Capability> bounding;
  std::vector<Capability> effective;
  std::vector<Capability> inheritable;
  std::vector<Capability> permitted;
  std::vector<Capability> ambient;
  // Names this runbox does not know, per set, in file order. They parse
  // (config.md "Linux process": a runtime SHOULD NOT fail on capabilities
  // it cannot grant), serialize writes them back after the known ones, and
  // create and exec warn about them and go on without them.
  struct Unknown {
    std::vector<std::string> bounding;
    std::vector<std::string> effective;
    std::vector<std::string> inheritable;
    std::vector<std::string> permitted;
    std::vector<std::string> ambient;
    bool operator==(const Unknown&) const = default;
  };
  Unknown unknown;
  bool operator==(const Capabilities&) const = default;
};

struct IoPriority {
  IoPriorityClass io_class = IoPriorityClass::kBe;
  int32_t priority = 0;  // 0 (highest) .. 7 (lowest).
  bool operator==(const IoPriority&) const = default;
};

// sched_setattr(2).
struct Scheduler {
  SchedulerPolicy policy = SchedulerPolicy::kOther;
  int32_t nice = 0;
  int32_t priority = 0;
  std::vector<SchedulerFlag> flags;
  uint64_t runtime = 0;  // SCHED_DEADLINE only, nanoseconds.
  uint64_t deadline = 0;
  uint64_t period = 0;
  bool operator==(const Scheduler&) const = default;
};

// CPU lists ("0-3,7") for the exec'd process: before and after it execs.
struct CpuAffinity {
  std::string initial;
  std::string final_cpus;  // JSON "final".
  bool operator==(const CpuAffinity&) const = default;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;  // Ignored unless terminal.
  User user;
  std::vector<std::string> args;
  std::string command_line;  // Windows only; kept for round trips.
  std::vector<std::string> env;
  std::string cwd;
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::string apparmor_profile;
  std::optional<int32_t> oom_score_adj;  // Absent: do not touch.
  std::optional<Scheduler> scheduler;
  std::string selinux_label;
  std::optional<IoPriority> io_priority;
  std::optional<CpuAffinity> exec_cpu_affinity;
  bool operator==(const Process&) const = default;
};

// ---------------------------------------------------------------------------
// root, mounts, hooks (config.md).

struct Root {
  std::string path;  // Absolute, or relative to the bundle.
  bool readonly = false;
  bool operator==(const Root&) const = default;
};

// A user namespace id mapping, also used by idmapped mounts.
struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
  bool operator==(const IdMapping&) const = default;
};

struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
  bool operator==(const Mount&) const = default;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int64_t> timeout;  // Seconds; absent means no timeout.
  bool operator==(const Hook&) const = default;
};

struct Hooks {
  std::vector<Hook> prestart;  // Deprecated by the spec, still honoured.
  std::vector<Hook> create_runtime;
  std::vector<Hook> create_container;
  std::vector<Hook> start_container;
  std::vector<Hook> poststart;
  std::vector<Hook> poststop;
  bool operator==(const Hooks&) const = default;
};

// ---------------------------------------------------------------------------
// linux (config-linux.md).

struct LinuxNamespace {
  NamespaceType type = NamespaceType::kPid;
  std::string path;  // Empty: create a new namespace; else join this one.
  bool operator==(const LinuxNamespace&) const = default;
};

struct TimeOffset {
  int64_t secs = 0;
  uint32_t nanosecs = 0;
  bool operator==(const TimeOffset&) const = default;
};

struct LinuxDevice {
  DeviceType type = DeviceType::kChar;
  std::string path;
  int64_t major = 0;  // Required unless type is kFifo.
  int64_t minor = 0;
  std::optional<uint32_t> file_mode;
  std::optional<Uid> uid;
  std::optional<Gid> gid;
  bool operator==(const LinuxDevice&) const = default;
};

// One entry of the device cgroup allow/deny list.
struct DeviceRule {
  bool allow = false;
  DeviceRuleType type = DeviceRuleType::kAll;
  std::optional<int64_t> major;  // Absent: all ("*").
  std::optional<int64_t> minor;
  std::string access;  // Letters of "rwm".
  bool operator==(const DeviceRule&) const = default;
};

// Memory values are bytes, -1 for unlimited.
struct Memory {
  std::optional<int64_t> limit;
  std::optional<int64_t> reservation;
  std::optional<int64_t> swap;
  std::optional<int64_t> kernel;
  std::optional<int64_t> kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;
  std::optional<bool> use_hierarchy;
  std::optional<bool> check_before_update;
  bool operator==(const Memory&) const = default;
};

struct Cpu {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> burst;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::string cpus;
  std::string mems;
  std::optional<int64_t> idle;
  bool operator==(const Cpu&) const = default;
};

struct Pids {
  int64_t limit = 0;  // <= 0 means no limit.
  bool operator==(const Pids&) const = default;
};

struct WeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  bool operator==(const WeightDevice&) const = default;
};

struct ThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
  bool operator==(const ThrottleDevice&) const = default;
};

struct BlockIo {
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> throttle_read_bps_device;
  std::vector<ThrottleDevice> throttle_write_bps_device;
  std::vector<ThrottleDevice> throttle_read_iops_device;
  std::vector<ThrottleDevice> throttle_write_iops_device;
  bool operator==(const BlockIo&) const = default;
};

struct HugepageLimit {
  std::string page_size;  // "2MB", "1GB", ...
  uint64_t limit = 0;
  bool operator==(const HugepageLimit&) const = default;
};

struct InterfacePriority {
  std::string name;
  uint32_t priority = 0;
  bool operator==(const InterfacePriority&) const = default;
};

struct Network {
  std::optional<uint32_t> class_id;
  std::vector<InterfacePriority> priorities;
  bool operator==(const Network&) const = default;
};

struct Rdma {
  std::optional<uint32_t> hca_handles;
  std::optional<uint32_t> hca_objects;
  bool operator==(const Rdma&) const = default;
};

struct Resources {
  std::vector<DeviceRule> devices;
  std::optional<Memory> memory;
  std::optional<Cpu> cpu;
  std::optional<Pids> pids;
  std::optional<BlockIo> block_io;
  std::vector<HugepageLimit> hugepage_limits;
  std::optional<Network> network;
  std::map<std::string, Rdma> rdma;            // Keyed by device name.
  std::map<std::string, std::string> unified;  // cgroup v2 file -> value.
  bool operator==(const Resources&) const = default;
};

struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  SeccompOperator op = SeccompOperator::kEqualTo;
  bool operator==(const SeccompArg&) const = default;
};

struct SeccompSyscall {
  std::vector<std::string> names;
  SeccompAction action = SeccompAction::kAllow;
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
  bool operator==(const SeccompSyscall&) const = default;
};

struct Seccomp {
  SeccompAction default_action = SeccompAction::kAllow;
  std::optional<uint32_t> default_errno_ret;
  std::vector<SeccompArch> architectures;
  std::vector<SeccompFlag> flags;
  std::string listener_path;
  std::string listener_metadata;
  std::vector<SeccompSyscall> syscalls;
  bool operator==(const Seccomp&) const = default;
};

struct Personality {
  PersonalityDomain domain = PersonalityDomain::kLinux;
  std::vector<std::string> flags;  // None are defined by the spec yet.
  bool operator==(const Personality&) const = default;
};

// Intel RDT on resctrl (runtime/sandbox/resctrl). `schemata` holds one
// line of the schemata file per element.
struct IntelRdt {
  std::string clos_id;
  std::vector<std::string> schemata;
  std::string l3_cache_schema;
  std::string mem_bw_schema;
  bool enable_cmt = false;
  bool enable_mbm = false;
  bool operator==(const IntelRdt&) const = default;
};

struct Linux {
  std::vector<LinuxNamespace> namespaces;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
  std::map<std::string, TimeOffset> time_offsets;  // "monotonic", "boottime".
  std::vector<LinuxDevice> devices;
  std::string cgroups_path;
  std::optional<Resources> resources;
  std::optional<Propagation> rootfs_propagation;
  std::optional<Seccomp> seccomp;
  std::map<std::string, std::string> sysctl;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string mount_label;
  std::optional<Personality> personality;
  std::optional<IntelRdt> intel_rdt;
  bool operator==(const Linux&) const = default;
};

// ---------------------------------------------------------------------------
// The whole config.json.

struct Config {
  std::string oci_version;
  std::optional<Process> process;  // Required by `start`, not by `create`.
  std::optional<Root> root;        // Required on Linux (Validate checks).
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux;
  bool operator==(const Config&) const = default;
};

// The host API's flag for one namespace type.
constexpr Namespaces ToHostNamespace(NamespaceType type) {
  switch (type) {
    case NamespaceType::kPid:
      return Namespaces::kPid;
    case NamespaceType::kNetwork:
      return Namespaces::kNet;
    case NamespaceType::kMount:
      return Namespaces::kMount;
    case NamespaceType::kIpc:
      return Namespaces::kIpc;
    case NamespaceType::kUts:
      return Namespaces::kUts;
    case NamespaceType::kUser:
      return Namespaces::kUser;
    case NamespaceType::kCgroup:
      return Namespaces::kCgroup;
    case NamespaceType::kTime:
      return Namespaces::kTime;
  }
  return Namespaces::kNone;
}

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_CONFIG_H_
