// The JSON keys of every config.h struct, in one place. Each VisitFields
// lists a struct's members with their key and presence; the reader in
// parse.cc and the writer in serialize.cc are visitors over these lists, so
// the two cannot disagree on a name. Order follows runtime-spec's Go
// bindings (and so `runc spec` output).
#ifndef RUNBOX_RUNTIME_SPEC_CONFIG_FIELDS_H_
#define RUNBOX_RUNTIME_SPEC_CONFIG_FIELDS_H_

#include <type_traits>

#include "runtime/spec/config.h"

namespace runbox::spec {

enum class Presence {
  kOptional,  // May be absent (or null); written only when not default.
  kRequired,  // Absent is a parse error; always written.
  kWritten,   // May be absent; always written (Go writes it unconditionally).
};

// A visitor V provides:
//   template <typename T>
//   void Field(const char* key, T& member, Presence presence);
// where T may be const (writer) or not (reader).

// S is T or const T, so one list serves reading and writing.
template <typename S, typename T>
concept MaybeConst = std::is_same_v<std::remove_const_t<S>, T>;

template <typename V, MaybeConst<ConsoleSize> S>
void VisitFields(V& v, S& s) {
  v.Field("height", s.height, Presence::kRequired);
  v.Field("width", s.width, Presence::kRequired);
}

template <typename V, MaybeConst<User> S>
void VisitFields(V& v, S& s) {
  v.Field("uid", s.uid, Presence::kRequired);
  v.Field("gid", s.gid, Presence::kRequired);
  v.Field("umask", s.umask, Presence::kOptional);
  v.Field("additionalGids", s.additional_gids, Presence::kOptional);
}

template <typename V, MaybeConst<Rlimit> S>
void VisitFields(V& v, S& s) {
  v.Field("type", s.type, Presence::kRequired);
  v.Field("hard", s.hard, Presence::kRequired);
  v.Field("soft", s.soft, Presence::kRequired);
}

template <typename V, MaybeConst<Capabilities> S>
void VisitFields(V& v, S& s) {
  v.Field("bounding", s.bounding, Presence::kOptional);
  v.Field("effective", s.effective, Presence::kOptional);
  v.Field("inheritable", s.inheritable, Presence::kOptional);
  v.Field("permitted", s.permitted, Presence::kOptional);
  v.Field("ambient", s.ambient, Presence::kOptional);
}

template <typename V, MaybeConst<IoPriority> S>
void VisitFields(V& v, S& s) {
  v.Field("class", s.io_class, Presence::kRequired);
  v.Field("priority", s.priority, Presence::kRequired);
}

template <typename V, MaybeConst<Scheduler> S>
void VisitFields(V& v, S& s) {
  v.Field("policy", s.policy, Presence::kRequired);
  v.Field("nice", s.nice, Presence::kOptional);
  v.Field("priority", s.priority, Presence::kOptional);
  v.Field("flags", s.flags, Presence::kOptional);
  v.Field("runtime", s.runtime, Presence::kOptional);
  v.Field("deadline", s.deadline, Presence::kOptional);
  v.Field("period", s.period, Presence::kOptional);
}

template <typename V, MaybeConst<CpuAffinity> S>
void VisitFields(V& v, S& s) {
  v.Field("initial", s.initial, Presence::kOptional);
  v.Field("final", s.final_cpus, Presence::kOptional);
}

template <typename V, MaybeConst<Process> S>
void VisitFields(V& v, S& s) {
  v.Field("terminal", s.terminal, Presence::kOptional);
  v.Field("consoleSize", s.console_size, Presence::kOptional);
  v.Field("user", s.user, Presence::kWritten);
  v.Field("args", s.args, Presence::kOptional);
  v.Field("commandLine", s.command_line, Presence::kOptional);
  v.Field("env", s.env, Presence::kOptional);
  v.Field("cwd", s.cwd, Presence::kRequired);
  v.Field("capabilities", s.capabilities, Presence::kOptional);
  v.Field("rlimits", s.rlimits, Presence::kOptional);
  v.Field("noNewPrivileges", s.no_new_privileges, Presence::kOptional);
  v.Field("apparmorProfile", s.apparmor_profile, Presence::kOptional);
  v.Field("oomScoreAdj", s.oom_score_adj, Presence::kOptional);
  v.Field("scheduler", s.scheduler, Presence::kOptional);
  v.Field("selinuxLabel", s.selinux_label, Presence::kOptional);
  v.Field("ioPriority", s.io_priority, Presence::kOptional);
  v.Field("execCPUAffinity", s.exec_cpu_affinity, Presence::kOptional);
}

template <typename V, MaybeConst<Root> S>
void VisitFields(V& v, S& s) {
  v.Field("path", s.path, Presence::kRequired);
  v.Field("readonly", s.readonly, Presence::kOptional);
}

template <typename V, MaybeConst<IdMapping> S>
void VisitFields(V& v, S& s) {
  v.Field("containerID", s.container_id, Presence::kRequired);
  v.Field("hostID", s.host_id, Presence::kRequired);
  v.Field("size", s.size, Presence::kRequired);
}

template <typename V, MaybeConst<Mount> S>
void VisitFields(V& v, S& s) {
  v.Field("destination", s.destination, Presence::kRequired);
  v.Field("type", s.type, Presence::kOptional);
  v.Field("source", s.source, Presence::kOptional);
  v.Field("options", s.options, Presence::kOptional);
  v.Field("uidMappings", s.uid_mappings, Presence::kOptional);
  v.Field("gidMappings", s.gid_mappings, Presence::kOptional);
}

template <typename V, MaybeConst<Hook> S>
void VisitFields(V& v, S& s) {
  v.Field("path", s.path, Presence::kRequired);
  v.Field("args", s.args, Presence::kOptional);
  v.Field("env", s.env, Presence::kOptional);
  v.Field("timeout", s.timeout, Presence::kOptional);
}

template <typename V, MaybeConst<Hooks> S>
void VisitFields(V& v, S& s) {
  v.Field("prestart", s.prestart, Presence::kOptional);
  v.Field("createRuntime", s.create_runtime, Presence::kOptional);
  v.Field("createContainer", s.create_container, Presence::kOptional);
  v.Field("startContainer", s.start_container, Presence::kOptional);
  v.Field("poststart", s.poststart, Presence::kOptional);
  v.Field("poststop", s.poststop, Presence::kOptional);
}

template <typename V, MaybeConst<LinuxNamespace> S>
void VisitFields(V& v, S& s) {
  v.Field("type", s.type, Presence::kRequired);
  v.Field("path", s.path, Presence::kOptional);
}

template <typename V, MaybeConst<TimeOffset> S>
void VisitFields(V& v, S& s) {
  v.Field("secs", s.secs, Presence::kOptional);
  v.Field("nanosecs", s.nanosecs, Presence::kOptional);
}

template <typename V, MaybeConst<LinuxDevice> S>
void VisitFields(V& v, S& s) {
  v.Field("path", s.path, Presence::kRequired);
  v.Field("type", s.type, Presence::kRequired);
  // "major, minor (int64, REQUIRED unless type is p)". The reader has read
  // `type` by now, so the presence can depend on it.
  const Presence numbers =
      s.type == DeviceType::kFifo ? Presence::kOptional : Presence::kRequired;
  v.Field("major", s.major, numbers);
  v.Field("minor", s.minor, numbers);
  v.Field("fileMode", s.file_mode, Presence::kOptional);
  v.Field("uid", s.uid, Presence::kOptional);
  v.Field("gid", s.gid, Presence::kOptional);
}

template <typename V, MaybeConst<DeviceRule> S>
void VisitFields(V& v, S& s) {
  v.Field("allow", s.allow, Presence::kRequired);
  v.Field("type", s.type, Presence::kOptional);
  v.Field("major", s.major, Presence::kOptional);
  v.Field("minor", s.minor, Presence::kOptional);
  v.Field("access", s.access, Presence::kOptional);
}

template <typename V, MaybeConst<Memory> S>
void VisitFields(V& v, S& s) {
  v.Field("limit", s.limit, Presence::kOptional);
  v.Field("reservation", s.reservation, Presence::kOptional);
  v.Field("swap", s.swap, Presence::kOptional);
  v.Field("kernel", s.kernel, Presence::kOptional);
  v.Field("kernelTCP", s.kernel_tcp, Presence::kOptional);
  v.Field("swappiness", s.swappiness, Presence::kOptional);
  v.Field("disableOOMKiller", s.disable_oom_killer, Presence::kOptional);
  v.Field("useHierarchy", s.use_hierarchy, Presence::kOptional);
  v.Field("checkBeforeUpdate", s.check_before_update, Presence::kOptional);
}

template <typename V, MaybeConst<Cpu> S>
void VisitFields(V& v, S& s) {
  v.Field("shares", s.shares, Presence::kOptional);
  v.Field("quota", s.quota, Presence::kOptional);
  v.Field("burst", s.burst, Presence::kOptional);
  v.Field("period", s.period, Presence::kOptional);
  v.Field("realtimeRuntime", s.realtime_runtime, Presence::kOptional);
  v.Field("realtimePeriod", s.realtime_period, Presence::kOptional);
  v.Field("cpus", s.cpus, Presence::kOptional);
  v.Field("mems", s.mems, Presence::kOptional);
  v.Field("idle", s.idle, Presence::kOptional);
}

template <typename V, MaybeConst<Pids> S>
void VisitFields(V& v, S& s) {
  v.Field("limit", s.limit, Presence::kRequired);
}

template <typename V, MaybeConst<WeightDevice> S>
void VisitFields(V& v, S& s) {
  v.Field("major", s.major, Presence::kRequired);
  v.Field("minor", s.minor, Presence::kRequired);
  v.Field("weight", s.weight, Presence::kOptional);
  v.Field("leafWeight", s.leaf_weight, Presence::kOptional);
}

template <typename V, MaybeConst<ThrottleDevice> S>
void VisitFields(V& v, S& s) {
  v.Field("major", s.major, Presence::kRequired);
  v.Field("minor", s.minor, Presence::kRequired);
  v.Field("rate", s.rate, Presence::kRequired);
}

template <typename V, MaybeConst<BlockIo> S>
void VisitFields(V& v, S& s) {
  v.Field("weight", s.weight, Presence::kOptional);
  v.Field("leafWeight", s.leaf_weight, Presence::kOptional);
  v.Field("weightDevice", s.weight_device, Presence::kOptional);
  v.Field("throttleReadBpsDevice", s.throttle_read_bps_device,
          Presence::kOptional);
  v.Field("throttleWriteBpsDevice", s.throttle_write_bps_device,
          Presence::kOptional);
  v.Field("throttleReadIOPSDevice", s.throttle_read_iops_device,
          Presence::kOptional);
  v.Field("throttleWriteIOPSDevice", s.throttle_write_iops_device,
          Presence::kOptional);
}

template <typename V, MaybeConst<HugepageLimit> S>
void VisitFields(V& v, S& s) {
  v.Field("pageSize", s.page_size, Presence::kRequired);
  v.Field("limit", s.limit, Presence::kRequired);
}

template <typename V, MaybeConst<InterfacePriority> S>
void VisitFields(V& v, S& s) {
  v.Field("name", s.name, Presence::kRequired);
  v.Field("priority", s.priority, Presence::kRequired);
}

template <typename V, MaybeConst<Network> S>
void VisitFields(V& v, S& s) {
  v.Field("classID", s.class_id, Presence::kOptional);
  v.Field("priorities", s.priorities, Presence::kOptional);
}

template <typename V, MaybeConst<Rdma> S>
void VisitFields(V& v, S& s) {
  v.Field("hcaHandles", s.hca_handles, Presence::kOptional);
  v.Field("hcaObjects", s.hca_objects, Presence::kOptional);
}

template <typename V, MaybeConst<Resources> S>
void VisitFields(V& v, S& s) {
  v.Field("devices", s.devices, Presence::kOptional);
  v.Field("memory", s.memory, Presence::kOptional);
  v.Field("cpu", s.cpu, Presence::kOptional);
  v.Field("pids", s.pids, Presence::kOptional);
  v.Field("blockIO", s.block_io, Presence::kOptional);
  v.Field("hugepageLimits", s.hugepage_limits, Presence::kOptional);
  v.Field("network", s.network, Presence::kOptional);
  v.Field("rdma", s.rdma, Presence::kOptional);
  v.Field("unified", s.unified, Presence::kOptional);
}

template <typename V, MaybeConst<SeccompArg> S>
void VisitFields(V& v, S& s) {
  v.Field("index", s.index, Presence::kRequired);
  v.Field("value", s.value, Presence::kRequired);
  v.Field("valueTwo", s.value_two, Presence::kOptional);
  v.Field("op", s.op, Presence::kRequired);
}

template <typename V, MaybeConst<SeccompSyscall> S>
void VisitFields(V& v, S& s) {
  v.Field("names", s.names, Presence::kRequired);
  v.Field("action", s.action, Presence::kRequired);
  v.Field("errnoRet", s.errno_ret, Presence::kOptional);
  v.Field("args", s.args, Presence::kOptional);
}

template <typename V, MaybeConst<Seccomp> S>
void VisitFields(V& v, S& s) {
  v.Field("defaultAction", s.default_action, Presence::kRequired);
  v.Field("defaultErrnoRet", s.default_errno_ret, Presence::kOptional);
  v.Field("architectures", s.architectures, Presence::kOptional);
  v.Field("flags", s.flags, Presence::kOptional);
  v.Field("listenerPath", s.listener_path, Presence::kOptional);
  v.Field("listenerMetadata", s.listener_metadata, Presence::kOptional);
  v.Field("syscalls", s.syscalls, Presence::kOptional);
}

template <typename V, MaybeConst<Personality> S>
void VisitFields(V& v, S& s) {
  v.Field("domain", s.domain, Presence::kRequired);
  v.Field("flags", s.flags, Presence::kOptional);
}

template <typename V, MaybeConst<IntelRdt> S>
void VisitFields(V& v, S& s) {
  v.Field("closID", s.clos_id, Presence::kOptional);
  v.Field("schemata", s.schemata, Presence::kOptional);
  v.Field("l3CacheSchema", s.l3_cache_schema, Presence::kOptional);
  v.Field("memBwSchema", s.mem_bw_schema, Presence::kOptional);
  v.Field("enableCMT", s.enable_cmt, Presence::kOptional);
  v.Field("enableMBM", s.enable_mbm, Presence::kOptional);
}

template <typename V, MaybeConst<Linux> S>
void VisitFields(V& v, S& s) {
  v.Field("uidMappings", s.uid_mappings, Presence::kOptional);
  v.Field("gidMappings", s.gid_mappings, Presence::kOptional);
  v.Field("sysctl", s.sysctl, Presence::kOptional);
  v.Field("resources", s.resources, Presence::kOptional);
  v.Field("cgroupsPath", s.cgroups_path, Presence::kOptional);
  v.Field("namespaces", s.namespaces, Presence::kOptional);
  v.Field("devices", s.devices, Presence::kOptional);
  v.Field("seccomp", s.seccomp, Presence::kOptional);
  v.Field("rootfsPropagation", s.rootfs_propagation, Presence::kOptional);
  v.Field("maskedPaths", s.masked_paths, Presence::kOptional);
  v.Field("readonlyPaths", s.readonly_paths, Presence::kOptional);
  v.Field("mountLabel", s.mount_label, Presence::kOptional);
  v.Field("intelRdt", s.intel_rdt, Presence::kOptional);
  v.Field("personality", s.personality, Presence::kOptional);
  v.Field("timeOffsets", s.time_offsets, Presence::kOptional);
}

template <typename V, MaybeConst<Config> S>
void VisitFields(V& v, S& s) {
  v.Field("ociVersion", s.oci_version, Presence::kRequired);
  v.Field("process", s.process, Presence::kOptional);
  v.Field("root", s.root, Presence::kOptional);
  v.Field("hostname", s.hostname, Presence::kOptional);
  v.Field("domainname", s.domainname, Presence::kOptional);
  v.Field("mounts", s.mounts, Presence::kOptional);
  v.Field("hooks", s.hooks, Presence::kOptional);
  v.Field("annotations", s.annotations, Presence::kOptional);
  v.Field("linux", s.linux, Presence::kOptional);
}

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_CONFIG_FIELDS_H_
