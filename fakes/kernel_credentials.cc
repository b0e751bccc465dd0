// The credentials model's transitions and tables: user namespaces and their
// maps, default rlimits and sysctls, and the capability changes of entering
// a user namespace and of exec. See credentials_state.h.
#include <cerrno>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fakes/credentials_state.h"
#include "fakes/kernel_impl.h"
#include "fakes/process.h"
#include "hostapi/status.h"

namespace runbox::fake {

std::shared_ptr<UserNamespace> UserNamespace::Root(uint64_t id) {
  auto ns = std::make_shared<UserNamespace>();
  ns->id = id;
  ns->uid_map = {{0, 0, 4294967295u}};
  ns->gid_map = {{0, 0, 4294967295u}};
  ns->uid_map_text = "0 0 4294967295\n";
  ns->gid_map_text = "0 0 4294967295\n";
  ns->uid_map_written = true;
  ns->gid_map_written = true;
  return ns;
}

std::optional<uint32_t> UserNamespace::ToKernel(IdMapKind kind,
                                                uint32_t id) const {
  for (const IdMapExtent& e : Map(kind)) {
    if (id >= e.first && id - e.first < e.count) {
      return e.lower_first + (id - e.first);
    }
  }
  return std::nullopt;
}

uint32_t UserNamespace::FromKernel(IdMapKind kind, uint32_t kernel_id) const {
  for (const IdMapExtent& e : Map(kind)) {
    if (kernel_id >= e.lower_first && kernel_id - e.lower_first < e.count) {
      return e.first + (kernel_id - e.lower_first);
    }
  }
  return kOverflowId;
}

std::shared_ptr<SysctlTable> SysctlTable::NewNet() {
  auto t = std::make_shared<SysctlTable>();
  t->values = {
      {"net.core.somaxconn", "4096"},
      {"net.ipv4.ip_forward", "0"},
      {"net.ipv4.ip_unprivileged_port_start", "1024"},
      {"net.ipv4.ping_group_range", "1\t0"},
      {"net.ipv4.tcp_syncookies", "1"},
      {"net.ipv6.conf.all.disable_ipv6", "0"},
  };
  return t;
}

std::shared_ptr<SysctlTable> SysctlTable::NewIpc() {
  auto t = std::make_shared<SysctlTable>();
  t->values = {
      {"fs.mqueue.msg_max", "10"},
      {"fs.mqueue.msgsize_max", "8192"},
      {"fs.mqueue.queues_max", "256"},
      {"kernel.msgmax", "8192"},
      {"kernel.msgmnb", "16384"},
      {"kernel.msgmni", "32000"},
      {"kernel.sem", "32000\t1024000000\t500\t32000"},
      {"kernel.shmall", "18446744073692774399"},
      {"kernel.shmmax", "18446744073692774399"},
      {"kernel.shmmni", "4096"},
  };
  return t;
}

std::array<ResourceLimit, kRlimitCount> KernelCredentials::DefaultRlimits() {
  constexpr uint64_t kInf = ResourceLimit::kRlimInfinity;
  // A typical x86-64 boot's init, RLIMIT_* order.
  return {{
      {kInf, kInf},        // CPU
      {kInf, kInf},        // FSIZE
      {kInf, kInf},        // DATA
      {8 << 20, kInf},     // STACK
      {0, kInf},           // CORE
      {kInf, kInf},        // RSS
      {63432, 63432},      // NPROC
      {1024, 1048576},     // NOFILE (nr_open)
      {8 << 20, 8 << 20},  // MEMLOCK
      {kInf, kInf},        // AS
      {kInf, kInf},        // LOCKS
      {63432, 63432},      // SIGPENDING
      {819200, 819200},    // MSGQUEUE
      {0, 0},              // NICE
      {0, 0},              // RTPRIO
      {kInf, kInf},        // RTTIME
  }};
}

void EnterUserNamespace(Process& p, std::shared_ptr<UserNamespace> ns) {
  p.user_ns = std::move(ns);
  KernelCredentials& c = p.creds;
  c.permitted = kFullCapabilitySet;
  c.effective = kFullCapabilitySet;
  c.bounding = kFullCapabilitySet;
  c.inheritable = 0;
  c.ambient = 0;
  c.keep_caps = false;
}

void EnterNewUserNamespace(Process& p, uint64_t id) {
  auto ns = std::make_shared<UserNamespace>();
  ns->id = id;
  ns->parent = p.user_ns;
  ns->owner = p.creds.euid;
  // A child of a namespace that denies setgroups denies it too.
  if (ns->parent != nullptr && !ns->parent->setgroups_allowed) {
    ns->setgroups_allowed = false;
  }
  EnterUserNamespace(p, std::move(ns));
}

void ApplyExecCredentials(Process& p) {
  KernelCredentials& c = p.creds;
  // Root is uid 0 of the process's own namespace (none before its map).
  std::optional<uint32_t> root = p.user_ns->ToKernel(IdMapKind::kUid, 0);
  const bool real_root = root.has_value() && c.ruid == *root;
  const bool effective_root = root.has_value() && c.euid == *root;
  // cap_bprm_creds_from_file for a file with no capabilities and no set-id
  // bit: root's file is treated as having every capability.
  uint64_t permitted = 0;
  if (real_root || effective_root) permitted = c.bounding | c.inheritable;
  permitted |= c.ambient;
  c.permitted = permitted & kFullCapabilitySet;
  c.effective = effective_root ? c.permitted : c.ambient;
  c.keep_caps = false;
}

absl::Status ValidateSysctlKey(absl::string_view key) {
  bool bad = key.empty() || key.find('/') != absl::string_view::npos ||
             key.find('\0') != absl::string_view::npos;
  if (!bad) {
    // ".." splits into empty parts, so this refuses it too.
    for (absl::string_view part : absl::StrSplit(key, '.')) {
      if (part.empty()) bad = true;
    }
  }
  if (bad) return ErrnoError(EINVAL, absl::StrCat("sysctl key \"", key, "\""));
  return absl::OkStatus();
}

namespace {

// __NEW_UTS_LEN.
constexpr size_t kMaxUtsName = 64;

enum class SysctlHome {
  kNone,
  kUtsHostname,
  kUtsDomainname,
  kReadOnly,
  kNet,
  kIpc
};

SysctlHome HomeOf(const Process& p, absl::string_view key) {
  if (key == "kernel.hostname") return SysctlHome::kUtsHostname;
  if (key == "kernel.domainname") return SysctlHome::kUtsDomainname;
  if (key == "kernel.cap_last_cap") return SysctlHome::kReadOnly;
  if (p.net_sysctls != nullptr && p.net_sysctls->values.contains(key)) {
    return SysctlHome::kNet;
  }
  if (p.ipc_sysctls != nullptr && p.ipc_sysctls->values.contains(key)) {
    return SysctlHome::kIpc;
  }
  return SysctlHome::kNone;
}

// A numeric sysctl's new value: as many integers as the old value has
// (proc_dointvec and friends), stored tab-separated as Linux shows them.
absl::StatusOr<std::string> NormalizeNumbers(absl::string_view key,
                                             absl::string_view old_value,
                                             absl::string_view value) {
  std::vector<absl::string_view> old_parts =
      absl::StrSplit(old_value, '\t', absl::SkipEmpty());
  std::vector<absl::string_view> parts =
      absl::StrSplit(value, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  std::string what = absl::StrCat("write /proc/sys ", key);
  if (parts.empty() || parts.size() > old_parts.size()) {
    return ErrnoError(EINVAL, what);
  }
  std::vector<std::string> out(old_parts.begin(), old_parts.end());
  for (size_t i = 0; i < parts.size(); ++i) {
    int64_t signed_value = 0;
    uint64_t unsigned_value = 0;
    if (!absl::SimpleAtoi(parts[i], &signed_value) &&
        !absl::SimpleAtoi(parts[i], &unsigned_value)) {
      return ErrnoError(EINVAL, what);
    }
    out[i] = std::string(parts[i]);
  }
  return absl::StrJoin(out, "\t");
}

}  // namespace

absl::StatusOr<std::string> ReadSysctlAs(const Process& p,
                                         absl::string_view key) {
  RETURN_IF_ERROR(ValidateSysctlKey(key));
  switch (HomeOf(p, key)) {
    case SysctlHome::kUtsHostname:
      return p.uts_ns->hostname;
    case SysctlHome::kUtsDomainname:
      return p.uts_ns->domainname;
    case SysctlHome::kReadOnly:
      return absl::StrCat(kFakeLastCapability);
    case SysctlHome::kNet:
      return p.net_sysctls->values.find(key)->second;
    case SysctlHome::kIpc:
      return p.ipc_sysctls->values.find(key)->second;
    case SysctlHome::kNone:
      break;
  }
  return ErrnoError(ENOENT, absl::StrCat("open /proc/sys ", key));
}

absl::Status WriteSysctlAs(Process& p, absl::string_view key,
                           absl::string_view value) {
  RETURN_IF_ERROR(ValidateSysctlKey(key));
  SysctlHome home = HomeOf(p, key);
  std::string what = absl::StrCat("open /proc/sys ", key);
  if (home == SysctlHome::kNone) return ErrnoError(ENOENT, what);
  const bool root = p.user_ns->FromKernel(IdMapKind::kUid, p.creds.euid) == 0;
  if (home == SysctlHome::kReadOnly || !root) return ErrnoError(EACCES, what);
  if (home == SysctlHome::kUtsHostname || home == SysctlHome::kUtsDomainname) {
    // proc_do_uts_string: the written string, up to a newline.
    absl::string_view name = value.substr(0, value.find('\n'));
    if (name.size() > kMaxUtsName) return ErrnoError(EINVAL, what);
    (home == SysctlHome::kUtsHostname ? p.uts_ns->hostname
                                      : p.uts_ns->domainname) =
        std::string(name);
    return absl::OkStatus();
  }
  SysctlTable& table =
      home == SysctlHome::kNet ? *p.net_sysctls : *p.ipc_sysctls;
  std::string& stored = table.values.find(key)->second;
  ASSIGN_OR_RETURN(stored, NormalizeNumbers(key, stored, value));
  return absl::OkStatus();
}

namespace {

const Process* FindRootPid(const FakeKernel::Impl& k, Pid pid) {
  auto it = k.root_pid_ns->processes.find(pid.value);
  if (it == k.root_pid_ns->processes.end() || it->second == k.init ||
      it->second->user_ns == nullptr) {
    return nullptr;
  }
  return it->second;
}

}  // namespace

std::optional<ProcessCredentials> FakeKernel::CredentialsOf(Pid pid) const {
  const Process* p = FindRootPid(*impl_, pid);
  if (p == nullptr) return std::nullopt;
  const KernelCredentials& c = p->creds;
  const UserNamespace& ns = *p->user_ns;
  ProcessCredentials out;
  out.uid = ns.FromKernel(IdMapKind::kUid, c.ruid);
  out.euid = ns.FromKernel(IdMapKind::kUid, c.euid);
  out.suid = ns.FromKernel(IdMapKind::kUid, c.suid);
  out.gid = ns.FromKernel(IdMapKind::kGid, c.rgid);
  out.egid = ns.FromKernel(IdMapKind::kGid, c.egid);
  out.sgid = ns.FromKernel(IdMapKind::kGid, c.sgid);
  for (uint32_t g : c.groups) {
    out.groups.push_back(ns.FromKernel(IdMapKind::kGid, g));
  }
  out.caps = {c.effective, c.permitted, c.inheritable};
  out.bounding = c.bounding;
  out.ambient = c.ambient;
  out.keep_caps = c.keep_caps;
  out.rlimits.assign(c.rlimits.begin(), c.rlimits.end());
  out.personality = c.personality;
  out.oom_score_adj = c.oom_score_adj;
  if (c.session_keyring != nullptr) {
    const FakeKeyring& k = *c.session_keyring;
    out.session_keyring = ProcessCredentials::SessionKeyring{
        k.serial,
        {"keyring", ns.FromKernel(IdMapKind::kUid, k.uid),
         ns.FromKernel(IdMapKind::kGid, k.gid), k.permissions, k.name}};
  }
  return out;
}

std::optional<std::string> FakeKernel::SysctlOf(Pid pid,
                                                absl::string_view key) const {
  const Process* p = FindRootPid(*impl_, pid);
  if (p == nullptr || p->dead) return std::nullopt;
  absl::StatusOr<std::string> value = ReadSysctlAs(*p, key);
  if (!value.ok()) return std::nullopt;
  return *value;
}

std::optional<IdMaps> FakeKernel::IdMapsOf(Pid pid) const {
  const Process* p = FindRootPid(*impl_, pid);
  if (p == nullptr) return std::nullopt;
  const UserNamespace& ns = *p->user_ns;
  return IdMaps{ns.uid_map_text, ns.gid_map_text, !ns.setgroups_allowed,
                ns.parent == nullptr};
}

}  // namespace runbox::fake
