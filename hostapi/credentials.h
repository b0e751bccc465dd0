// Credentials and the per-process attributes a container's process is given
// before its exec: user and group ids, supplementary groups, the five
// capability sets, rlimits, personality, the OOM score, user-namespace id
// maps and sysctls. One method per kernel call (or per procfs write: the
// fake models /proc/<pid>/uid_map, /proc/self/oom_score_adj and /proc/sys
// as process and namespace state, and the Linux host opens those files
// safely, refusing anything that is not procfs).
#ifndef RUNBOX_HOSTAPI_CREDENTIALS_H_
#define RUNBOX_HOSTAPI_CREDENTIALS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hostapi/types.h"

namespace runbox {

// capget(2)/capset(2) sets of the caller, bit n = capability n.
struct CapabilitySets {
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
  bool operator==(const CapabilitySets&) const = default;
};

// getrlimit(2)/setrlimit(2) values; kRlimInfinity is RLIM_INFINITY.
struct ResourceLimit {
  static constexpr uint64_t kRlimInfinity = ~uint64_t{0};
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool operator==(const ResourceLimit&) const = default;
};

enum class IdMapKind { kUid, kGid };

// A key's serial number (key_serial_t). kSessionKeyring is
// KEY_SPEC_SESSION_KEYRING: "the caller's session keyring" where a serial
// is taken.
using KeySerial = int32_t;
inline constexpr KeySerial kSessionKeyring = -3;

// `keyctl`(2) KEYCTL_DESCRIBE of a key: "type;uid;gid;perm;description".
struct KeyDescription {
  std::string type;  // "keyring", "user", ...
  uint32_t uid = 0;  // The owner, in the caller's user namespace.
  uint32_t gid = 0;
  // KEY_POS_* << 24 | KEY_USR_* << 16 | KEY_GRP_* << 8 | KEY_OTH_*, each
  // view 0x01, read 0x02, write 0x04, search 0x08, link 0x10, setattr
  // 0x20.
  uint32_t permissions = 0;
  std::string description;  // A keyring's name.
  bool operator==(const KeyDescription&) const = default;
};

// What /proc/self/status and /proc/self/cgroup tell of the caller: its
// ids, supplementary groups, ambient capabilities, no_new_privs bit,
// seccomp mode and cgroup membership (GetProcessStatus).
struct ProcessStatus {
  // `getresuid`(2) / `getresgid`(2).
  Uid uid_real = 0, uid_effective = 0, uid_saved = 0;
  Gid gid_real = 0, gid_effective = 0, gid_saved = 0;
  // `getgroups`(2), as the kernel lists them.
  std::vector<Gid> groups;
  // The ambient set (CapAmb), bit n = capability n.
  uint64_t ambient = 0;
  // `prctl`(2) PR_GET_NO_NEW_PRIVS.
  bool no_new_privs = false;
  // `prctl`(2) PR_GET_SECCOMP: 0 disabled, 1 strict, 2 filter.
  int seccomp_mode = 0;
  // /proc/self/cgroup lines without the newline,
  // "hierarchy-id:controllers:path" ("0::/a/b" on cgroup v2).
  std::vector<std::string> cgroups;
};

class Credentials {
 public:
  virtual ~Credentials() = default;

  // setresuid(2) / setresgid(2) (raw syscalls: the caller's thread only,
  // which is the whole process for runbox's single-threaded init). An id
  // of ~0u ((uid_t)-1) leaves that id as it is. Ids are the caller's user
  // namespace's: EINVAL for one it does not map; EPERM without
  // CAP_SETUID/CAP_SETGID for an id the caller does not already hold.
  // Leaving uid 0 for good (no real, effective or saved id 0 left) clears
  // the permitted and effective sets unless keepcaps, and always the
  // ambient set; an effective uid leaving 0 clears the effective set.
  virtual absl::Status SetResUid(Uid real, Uid effective, Uid saved) = 0;
  virtual absl::Status SetResGid(Gid real, Gid effective, Gid saved) = 0;
  // setgroups(2). EPERM without CAP_SETGID, or in a user namespace whose
  // setgroups is "deny" or that has no gid_map yet.
  virtual absl::Status SetGroups(absl::Span<const Gid> groups) = 0;
  // prctl(PR_SET_KEEPCAPS): keep the permitted set across a setuid away
  // from 0. Cleared by exec.
  virtual absl::Status SetKeepCaps(bool keep) = 0;

  // capget(2) / capset(2) of the caller's effective, permitted and
  // inheritable sets. capset fails EPERM when it would add to permitted,
  // put into effective what is not in the new permitted, or add to
  // inheritable what is not in permitted (without CAP_SETPCAP) or not in
  // the bounding set. It drops from ambient what leaves permitted or
  // inheritable.
  virtual absl::StatusOr<CapabilitySets> GetCapabilities() = 0;
  virtual absl::Status SetCapabilities(const CapabilitySets& sets) = 0;
  // The highest capability number the kernel knows
  // (/proc/sys/kernel/cap_last_cap; the fake says 40).
  virtual absl::StatusOr<int> LastCapability() = 0;
  // prctl(PR_CAPBSET_READ) / prctl(PR_CAPBSET_DROP): EINVAL for a number
  // beyond LastCapability(); drop needs CAP_SETPCAP (EPERM).
  virtual absl::StatusOr<bool> InBoundingSet(int capability) = 0;
  virtual absl::Status DropBoundingCapability(int capability) = 0;
  // prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL / _RAISE): raising needs
  // the capability in both permitted and inheritable (EPERM).
  virtual absl::Status ClearAmbientCapabilities() = 0;
  virtual absl::Status RaiseAmbientCapability(int capability) = 0;

  // prlimit(2) on the caller; `resource` is RLIMIT_* (as the OCI
  // RlimitType numbers them; EINVAL beyond RLIMIT_RTTIME). Raising a hard
  // limit needs CAP_SYS_RESOURCE in the initial user namespace (EPERM),
  // and RLIMIT_NOFILE's hard limit may not pass fs.nr_open (EPERM); soft
  // above hard is EINVAL. Inherited across spawn and exec.
  virtual absl::Status SetRlimit(int resource, ResourceLimit limit) = 0;
  virtual absl::StatusOr<ResourceLimit> GetRlimit(int resource) = 0;
  // personality(2); returns the previous persona (0xffffffff only
  // queries).
  virtual absl::StatusOr<uint32_t> SetPersonality(uint32_t persona) = 0;

  // Writes /proc/self/oom_score_adj (-1000..1000, EINVAL otherwise).
  // Going below the lowest value set by a holder of CAP_SYS_RESOURCE (in
  // the initial user namespace; inherited, 0 at boot) needs that
  // capability: EACCES.
  virtual absl::Status SetOomScoreAdj(int score) = 0;
  virtual absl::StatusOr<int> GetOomScoreAdj() = 0;
  // Writes /proc/<pid>/uid_map or gid_map ("inside outside count" lines,
  // outside ids in the parent namespace's numbering), which may be done
  // once per user namespace (EPERM the second time, and for the initial
  // namespace). The writer must be in that namespace or its parent;
  // mapping more than its own single id needs CAP_SETUID/CAP_SETGID in the
  // parent (EPERM), and a gid self-map needs setgroups denied first.
  // EINVAL for a malformed map; ENOENT when `pid` does not exist.
  virtual absl::Status WriteIdMap(Pid pid, IdMapKind kind,
                                  absl::string_view map) = 0;
  // Writes "deny" to /proc/<pid>/setgroups: EPERM once its gid_map is
  // written (so always for the initial namespace).
  virtual absl::Status DenySetgroups(Pid pid) = 0;
  // Writes /proc/sys/<key with dots as slashes> in the caller's
  // namespaces ("net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward).
  // ENOENT for an unknown key; EINVAL for a key with "..", an empty
  // component or a slash (checked before anything is opened). The file is
  // opened without following symlinks or crossing a mount, and must be on
  // procfs, so a mount over /proc, or over the file (even of another
  // procfs file), cannot redirect the write (the CVE-2025-52881 class):
  // otherwise EXDEV. A consequence: with anything mounted on the path
  // (e.g. /proc/sys made read-only by a bind mount), writes fail EXDEV.
  // ReadSysctl gives the value without its trailing newline. The same
  // safe open serves the oom_score_adj, id-map and setgroups files.
  virtual absl::Status WriteSysctl(absl::string_view key,
                                   absl::string_view value) = 0;
  virtual absl::StatusOr<std::string> ReadSysctl(absl::string_view key) = 0;

  // Session keyrings (runc gives each container its own, "_ses.<id>").
  // `keyctl`(2) KEYCTL_JOIN_SESSION_KEYRING: makes the keyring named
  // `name` the caller's session keyring and returns its serial. It joins
  // an existing keyring of that name in the caller's user namespace that
  // the caller may search as a non-possessor (the owner's, group's or
  // others' search bit; no capability overrides it), else creates one
  // owned by the caller's fsuid/fsgid with permissions 0x3f130000
  // (possessor all, owner view, read and link). The session keyring is
  // inherited across spawn and exec. The result is 0 when the keyring
  // found already was the caller's session keyring. ENOSYS without keyring
  // support (runc then goes on without one); EDQUOT past the owner's key quota;
  // EPERM where a seccomp filter refuses `keyctl`(2), as Docker's default does.
  virtual absl::StatusOr<KeySerial> JoinSessionKeyring(
      absl::string_view name) = 0;
  // KEYCTL_DESCRIBE: needs view permission (as possessor when the caller
  // possesses the key, e.g. its session keyring). ENOKEY for an unknown or
  // dead serial, EACCES without view permission. kSessionKeyring names the
  // caller's session keyring (Linux installs the user session keyring
  // "_uid_ses.<uid>" as it first when the caller has none).
  virtual absl::StatusOr<KeyDescription> DescribeKey(KeySerial serial) = 0;
  // KEYCTL_SETPERM: only the key's owner (or a holder of CAP_SYS_ADMIN)
  // with setattr permission on it may: EACCES otherwise; ENOKEY as above.
  virtual absl::Status SetKeyPermissions(KeySerial serial,
                                         uint32_t permissions) = 0;

  // The caller's ProcessStatus: ids, groups, ambient set, no_new_privs and
  // seccomp mode (from the kernel calls, or /proc/self/status), and its
  // cgroups (/proc/self/cgroup, paths relative to the caller's cgroup
  // namespace root).
  virtual absl::StatusOr<ProcessStatus> GetProcessStatus() = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_CREDENTIALS_H_
