// JSON spellings of the closed sets in config.h (namespace types,
// capabilities, seccomp actions...), one table per enum, and the generic
// lookups parse, serialize and error messages use. Object keys are in
// config_fields.h.
#ifndef RUNBOX_RUNTIME_SPEC_NAMES_H_
#define RUNBOX_RUNTIME_SPEC_NAMES_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "runtime/spec/config.h"

namespace runbox::spec {

template <typename E>
struct Spelling {
  E value;
  absl::string_view name;
};

// Specialised per enum: kWhat names the set in errors ("unknown namespace
// \"foo\""), kTable lists every value with its JSON spelling.
template <typename E>
struct EnumNames;

template <typename E>
concept NamedEnum = requires {
  EnumNames<E>::kWhat;
  EnumNames<E>::kTable;
};

// The JSON spelling of `value`; "unknown" for a value outside the enum.
template <NamedEnum E>
constexpr absl::string_view EnumName(E value) {
  for (const auto& s : EnumNames<E>::kTable) {
    if (s.value == value) return s.name;
  }
  return "unknown";
}

// Exact, case-sensitive match, as the spec's values are.
template <NamedEnum E>
constexpr std::optional<E> EnumFromName(absl::string_view name) {
  for (const auto& s : EnumNames<E>::kTable) {
    if (s.name == name) return s.value;
  }
  return std::nullopt;
}

template <>
struct EnumNames<NamespaceType> {
  static constexpr absl::string_view kWhat = "namespace";
  static constexpr Spelling<NamespaceType> kTable[] = {
      {NamespaceType::kPid, "pid"},       {NamespaceType::kNetwork, "network"},
      {NamespaceType::kMount, "mount"},   {NamespaceType::kIpc, "ipc"},
      {NamespaceType::kUts, "uts"},       {NamespaceType::kUser, "user"},
      {NamespaceType::kCgroup, "cgroup"}, {NamespaceType::kTime, "time"},
  };
};

template <>
struct EnumNames<Capability> {
  static constexpr absl::string_view kWhat = "capability";
  static constexpr Spelling<Capability> kTable[] = {
      {Capability::kChown, "CAP_CHOWN"},
      {Capability::kDacOverride, "CAP_DAC_OVERRIDE"},
      {Capability::kDacReadSearch, "CAP_DAC_READ_SEARCH"},
      {Capability::kFowner, "CAP_FOWNER"},
      {Capability::kFsetid, "CAP_FSETID"},
      {Capability::kKill, "CAP_KILL"},
      {Capability::kSetgid, "CAP_SETGID"},
      {Capability::kSetuid, "CAP_SETUID"},
      {Capability::kSetpcap, "CAP_SETPCAP"},
      {Capability::kLinuxImmutable, "CAP_LINUX_IMMUTABLE"},
      {Capability::kNetBindService, "CAP_NET_BIND_SERVICE"},
      {Capability::kNetBroadcast, "CAP_NET_BROADCAST"},
      {Capability::kNetAdmin, "CAP_NET_ADMIN"},
      {Capability::kNetRaw, "CAP_NET_RAW"},
      {Capability::kIpcLock, "CAP_IPC_LOCK"},
      {Capability::kIpcOwner, "CAP_IPC_OWNER"},
      {Capability::kSysModule, "CAP_SYS_MODULE"},
      {Capability::kSysRawio, "CAP_SYS_RAWIO"},
      {Capability::kSysChroot, "CAP_SYS_CHROOT"},
      {Capability::kSysPtrace, "CAP_SYS_PTRACE"},
      {Capability::kSysPacct, "CAP_SYS_PACCT"},
      {Capability::kSysAdmin, "CAP_SYS_ADMIN"},
      {Capability::kSysBoot, "CAP_SYS_BOOT"},
      {Capability::kSysNice, "CAP_SYS_NICE"},
      {Capability::kSysResource, "CAP_SYS_RESOURCE"},
      {Capability::kSysTime, "CAP_SYS_TIME"},
      {Capability::kSysTtyConfig, "CAP_SYS_TTY_CONFIG"},
      {Capability::kMknod, "CAP_MKNOD"},
      {Capability::kLease, "CAP_LEASE"},
      {Capability::kAuditWrite, "CAP_AUDIT_WRITE"},
      {Capability::kAuditControl, "CAP_AUDIT_CONTROL"},
      {Capability::kSetfcap, "CAP_SETFCAP"},
      {Capability::kMacOverride, "CAP_MAC_OVERRIDE"},
      {Capability::kMacAdmin, "CAP_MAC_ADMIN"},
      {Capability::kSyslog, "CAP_SYSLOG"},
      {Capability::kWakeAlarm, "CAP_WAKE_ALARM"},
      {Capability::kBlockSuspend, "CAP_BLOCK_SUSPEND"},
      {Capability::kAuditRead, "CAP_AUDIT_READ"},
      {Capability::kPerfmon, "CAP_PERFMON"},
      {Capability::kBpf, "CAP_BPF"},
      {Capability::kCheckpointRestore, "CAP_CHECKPOINT_RESTORE"},
  };
};

template <>
struct EnumNames<RlimitType> {
  static constexpr absl::string_view kWhat = "rlimit";
  static constexpr Spelling<RlimitType> kTable[] = {
      {RlimitType::kCpu, "RLIMIT_CPU"},
      {RlimitType::kFsize, "RLIMIT_FSIZE"},
      {RlimitType::kData, "RLIMIT_DATA"},
      {RlimitType::kStack, "RLIMIT_STACK"},
      {RlimitType::kCore, "RLIMIT_CORE"},
      {RlimitType::kRss, "RLIMIT_RSS"},
      {RlimitType::kNproc, "RLIMIT_NPROC"},
      {RlimitType::kNofile, "RLIMIT_NOFILE"},
      {RlimitType::kMemlock, "RLIMIT_MEMLOCK"},
      {RlimitType::kAs, "RLIMIT_AS"},
      {RlimitType::kLocks, "RLIMIT_LOCKS"},
      {RlimitType::kSigpending, "RLIMIT_SIGPENDING"},
      {RlimitType::kMsgqueue, "RLIMIT_MSGQUEUE"},
      {RlimitType::kNice, "RLIMIT_NICE"},
      {RlimitType::kRtprio, "RLIMIT_RTPRIO"},
      {RlimitType::kRttime, "RLIMIT_RTTIME"},
  };
};

template <>
struct EnumNames<DeviceType> {
  static constexpr absl::string_view kWhat = "device type";
  static constexpr Spelling<DeviceType> kTable[] = {
      {DeviceType::kChar, "c"},
      {DeviceType::kBlock, "b"},
      {DeviceType::kUnbuffered, "u"},
      {DeviceType::kFifo, "p"},
  };
};

template <>
struct EnumNames<DeviceRuleType> {
  static constexpr absl::string_view kWhat = "device rule type";
  static constexpr Spelling<DeviceRuleType> kTable[] = {
      {DeviceRuleType::kAll, "a"},
      {DeviceRuleType::kChar, "c"},
      {DeviceRuleType::kBlock, "b"},
  };
};

template <>
struct EnumNames<Propagation> {
  static constexpr absl::string_view kWhat = "rootfs propagation";
  static constexpr Spelling<Propagation> kTable[] = {
      {Propagation::kPrivate, "private"},
      {Propagation::kRprivate, "rprivate"},
      {Propagation::kSlave, "slave"},
      {Propagation::kRslave, "rslave"},
      {Propagation::kShared, "shared"},
      {Propagation::kRshared, "rshared"},
      {Propagation::kUnbindable, "unbindable"},
      {Propagation::kRunbindable, "runbindable"},
  };
};

template <>
struct EnumNames<SeccompAction> {
  static constexpr absl::string_view kWhat = "seccomp action";
  static constexpr Spelling<SeccompAction> kTable[] = {
      {SeccompAction::kKill, "SCMP_ACT_KILL"},
      {SeccompAction::kKillProcess, "SCMP_ACT_KILL_PROCESS"},
      {SeccompAction::kKillThread, "SCMP_ACT_KILL_THREAD"},
      {SeccompAction::kTrap, "SCMP_ACT_TRAP"},
      {SeccompAction::kErrno, "SCMP_ACT_ERRNO"},
      {SeccompAction::kTrace, "SCMP_ACT_TRACE"},
      {SeccompAction::kAllow, "SCMP_ACT_ALLOW"},
      {SeccompAction::kLog, "SCMP_ACT_LOG"},
      {SeccompAction::kNotify, "SCMP_ACT_NOTIFY"},
  };
};

template <>
struct EnumNames<SeccompOperator> {
  static constexpr absl::string_view kWhat = "seccomp operator";
  static constexpr Spelling<SeccompOperator> kTable[] = {
      {SeccompOperator::kNotEqual, "SCMP_CMP_NE"},
      {SeccompOperator::kLessThan, "SCMP_CMP_LT"},
      {SeccompOperator::kLessEqual, "SCMP_CMP_LE"},
      {SeccompOperator::kEqualTo, "SCMP_CMP_EQ"},
      {SeccompOperator::kGreaterEqual, "SCMP_CMP_GE"},
      {SeccompOperator::kGreaterThan, "SCMP_CMP_GT"},
      {SeccompOperator::kMaskedEqual, "SCMP_CMP_MASKED_EQ"},
  };
};

template <>
struct EnumNames<SeccompArch> {
  static constexpr absl::string_view kWhat = "seccomp architecture";
  static constexpr Spelling<SeccompArch> kTable[] = {
      {SeccompArch::kX86, "SCMP_ARCH_X86"},
      {SeccompArch::kX86_64, "SCMP_ARCH_X86_64"},
      {SeccompArch::kX32, "SCMP_ARCH_X32"},
      {SeccompArch::kArm, "SCMP_ARCH_ARM"},
      {SeccompArch::kAarch64, "SCMP_ARCH_AARCH64"},
      {SeccompArch::kMips, "SCMP_ARCH_MIPS"},
      {SeccompArch::kMips64, "SCMP_ARCH_MIPS64"},
      {SeccompArch::kMips64N32, "SCMP_ARCH_MIPS64N32"},
      {SeccompArch::kMipsel, "SCMP_ARCH_MIPSEL"},
      {SeccompArch::kMipsel64, "SCMP_ARCH_MIPSEL64"},
      {SeccompArch::kMipsel64N32, "SCMP_ARCH_MIPSEL64N32"},
      {SeccompArch::kPpc, "SCMP_ARCH_PPC"},
      {SeccompArch::kPpc64, "SCMP_ARCH_PPC64"},
      {SeccompArch::kPpc64Le, "SCMP_ARCH_PPC64LE"},
      {SeccompArch::kS390, "SCMP_ARCH_S390"},
      {SeccompArch::kS390X, "SCMP_ARCH_S390X"},
      {SeccompArch::kParisc, "SCMP_ARCH_PARISC"},
      {SeccompArch::kParisc64, "SCMP_ARCH_PARISC64"},
      {SeccompArch::kRiscv64, "SCMP_ARCH_RISCV64"},
  };
};

template <>
struct EnumNames<SeccompFlag> {
  static constexpr absl::string_view kWhat = "seccomp flag";
  static constexpr Spelling<SeccompFlag> kTable[] = {
      {SeccompFlag::kTsync, "SECCOMP_FILTER_FLAG_TSYNC"},
      {SeccompFlag::kLog, "SECCOMP_FILTER_FLAG_LOG"},
      {SeccompFlag::kSpecAllow, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
      {SeccompFlag::kWaitKillableRecv,
       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
  };
};

template <>
struct EnumNames<PersonalityDomain> {
  static constexpr absl::string_view kWhat = "personality domain";
  static constexpr Spelling<PersonalityDomain> kTable[] = {
      {PersonalityDomain::kLinux, "LINUX"},
      {PersonalityDomain::kLinux32, "LINUX32"},
  };
};

template <>
struct EnumNames<IoPriorityClass> {
  static constexpr absl::string_view kWhat = "I/O priority class";
  static constexpr Spelling<IoPriorityClass> kTable[] = {
      {IoPriorityClass::kRt, "IOPRIO_CLASS_RT"},
      {IoPriorityClass::kBe, "IOPRIO_CLASS_BE"},
      {IoPriorityClass::kIdle, "IOPRIO_CLASS_IDLE"},
  };
};

template <>
struct EnumNames<SchedulerPolicy> {
  static constexpr absl::string_view kWhat = "scheduler policy";
  static constexpr Spelling<SchedulerPolicy> kTable[] = {
      {SchedulerPolicy::kOther, "SCHED_OTHER"},
      {SchedulerPolicy::kFifo, "SCHED_FIFO"},
      {SchedulerPolicy::kRr, "SCHED_RR"},
      {SchedulerPolicy::kBatch, "SCHED_BATCH"},
      {SchedulerPolicy::kIso, "SCHED_ISO"},
      {SchedulerPolicy::kIdle, "SCHED_IDLE"},
      {SchedulerPolicy::kDeadline, "SCHED_DEADLINE"},
  };
};

template <>
struct EnumNames<SchedulerFlag> {
  static constexpr absl::string_view kWhat = "scheduler flag";
  static constexpr Spelling<SchedulerFlag> kTable[] = {
      {SchedulerFlag::kResetOnFork, "SCHED_FLAG_RESET_ON_FORK"},
      {SchedulerFlag::kReclaim, "SCHED_FLAG_RECLAIM"},
      {SchedulerFlag::kDlOverrun, "SCHED_FLAG_DL_OVERRUN"},
      {SchedulerFlag::kKeepPolicy, "SCHED_FLAG_KEEP_POLICY"},
      {SchedulerFlag::kKeepParams, "SCHED_FLAG_KEEP_PARAMS"},
      {SchedulerFlag::kUtilClampMin, "SCHED_FLAG_UTIL_CLAMP_MIN"},
      {SchedulerFlag::kUtilClampMax, "SCHED_FLAG_UTIL_CLAMP_MAX"},
  };
};

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_NAMES_H_
