// The fake kernel's credentials model: per-process ids, capability sets,
// rlimits, personality and OOM score (KernelCredentials), user namespaces
// with their id maps (UserNamespace), and the namespaced sysctls
// (SysctlTable). The host calls are in fake_host_credentials.cc; the
// transitions the rest of the kernel triggers (fork, exec, entering a user
// namespace) are the free functions below (kernel_credentials.cc).
//
// Ids are stored as kernel ids (the root user namespace's numbering) and
// translated through the caller's user namespace at every call, as Linux
// does: an id with no mapping is EINVAL going in and the overflow id 65534
// coming out. Capabilities are those of the process in its own user
// namespace; "privileged over" a child user namespace means having the
// capability in the parent (the owner rule is left out).
//
// Sysctls: kernel.hostname and kernel.domainname are the UTS namespace's
// names (the same state as sethostname); the IPC ones (kernel.shm*,
// kernel.msg*, kernel.sem, fs.mqueue.*) live per IPC namespace and the
// net.* ones per network namespace, each a fresh table of defaults when the
// namespace is created (as Linux does, not a copy). kernel.cap_last_cap is
// read-only. Other keys do not exist (ENOENT). A write needs euid 0 in the
// caller's user namespace (the files are root's, mode 0644).
#ifndef RUNBOX_FAKES_CREDENTIALS_STATE_H_
#define RUNBOX_FAKES_CREDENTIALS_STATE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/credentials.h"
#include "hostapi/types.h"

namespace runbox::fake {

struct Process;

// CAP_CHECKPOINT_RESTORE, the last capability of Linux 5.9 to 6.x.
constexpr int kFakeLastCapability = 40;
constexpr uint64_t kFullCapabilitySet =
    (uint64_t{1} << (kFakeLastCapability + 1)) - 1;
constexpr uint32_t kOverflowId = 65534;
constexpr int kRlimitCount = 16;  // RLIM_NLIMITS.

// One line of a uid_map or gid_map: ids [first, first+count) of the
// namespace are kernel ids [lower_first, lower_first+count).
struct IdMapExtent {
  uint32_t first = 0;
  uint32_t lower_first = 0;
  uint32_t count = 0;
};

struct UserNamespace {
  uint64_t id = 0;
  std::shared_ptr<UserNamespace> parent;  // nullptr for the root one.
  uint32_t owner = 0;                     // Kernel euid of the creator.
  std::vector<IdMapExtent> uid_map;
  std::vector<IdMapExtent> gid_map;
  // As written, for FakeKernel::IdMapsOf.
  std::string uid_map_text;
  std::string gid_map_text;
  bool uid_map_written = false;
  bool gid_map_written = false;
  bool setgroups_allowed = true;

  // The root namespace: identity maps over every id, already written.
  static std::shared_ptr<UserNamespace> Root(uint64_t id);

  const std::vector<IdMapExtent>& Map(IdMapKind kind) const {
    return kind == IdMapKind::kUid ? uid_map : gid_map;
  }
  // Namespace id -> kernel id; nullopt when unmapped.
  std::optional<uint32_t> ToKernel(IdMapKind kind, uint32_t id) const;
  // Kernel id -> namespace id; kOverflowId when unmapped.
  uint32_t FromKernel(IdMapKind kind, uint32_t kernel_id) const;
};

// A namespace's sysctl values by key ("net.ipv4.ip_forward").
struct SysctlTable {
  std::map<std::string, std::string, std::less<>> values;
  // Fresh tables with the defaults of a new namespace.
  static std::shared_ptr<SysctlTable> NewNet();
  static std::shared_ptr<SysctlTable> NewIpc();
};

// A keyring (only keyrings are modelled: runbox only joins session
// keyrings). Shared by the processes whose session keyring it is; the
// kernel's registry holds it weakly, so it dies with its last holder, as a
// Linux keyring is garbage-collected.
struct FakeKeyring {
  KeySerial serial = 0;
  std::string name;
  uint32_t uid = 0, gid = 0;  // Kernel ids of the owner.
  uint32_t permissions = 0;
  uint64_t user_ns_id = 0;  // The user namespace it was made in.
};

struct KernelCredentials {
  // Kernel ids.
  uint32_t ruid = 0, euid = 0, suid = 0;
  uint32_t rgid = 0, egid = 0, sgid = 0;
  std::vector<uint32_t> groups;
  uint64_t effective = kFullCapabilitySet;
  uint64_t permitted = kFullCapabilitySet;
  uint64_t inheritable = 0;
  uint64_t bounding = kFullCapabilitySet;
  uint64_t ambient = 0;
  bool keep_caps = false;  // PR_SET_KEEPCAPS; cleared by exec.
  std::array<ResourceLimit, kRlimitCount> rlimits = DefaultRlimits();
  uint32_t personality = 0;
  int oom_score_adj = 0;
  // The lowest score a process without CAP_SYS_RESOURCE may set (raised
  // by writes made with it; inherited), as Linux's oom_score_adj_min.
  int oom_score_adj_min = 0;
  // The session keyring; nullptr until the process joins or is given one
  // (inherited at fork, kept across exec).
  std::shared_ptr<FakeKeyring> session_keyring;

  static std::array<ResourceLimit, kRlimitCount> DefaultRlimits();
  bool Has(int capability) const { return (effective >> capability) & 1; }
};

// Transitions. Fork copies the parent's credentials and namespaces as
// they are (Process's copy); these handle the rest.
// Joining or creating `ns`: the full capability set in it, as
// set_cred_user_ns does (permitted, effective and bounding full;
// inheritable and ambient empty).
void EnterUserNamespace(Process& p, std::shared_ptr<UserNamespace> ns);
// A fresh user namespace that `p` enters, owned by p's euid.
void EnterNewUserNamespace(Process& p, uint64_t id);
// `execve`(2) of a file with no set-id bit or file capabilities: root (uid
// or euid 0 in its namespace) gets P' = bounding | inheritable | ambient
// and, with euid 0, E' = P'; others get P' = E' = ambient. keepcaps is
// cleared.
void ApplyExecCredentials(Process& p);

// Sysctl keys. EINVAL for a malformed key (see credentials.h).
absl::Status ValidateSysctlKey(absl::string_view key);
// The value of `key` in p's namespaces (without a trailing newline), and
// its write: ENOENT for an unknown key, EACCES for a read-only one or a
// writer that is not root in its namespace, EINVAL for a malformed value.
absl::StatusOr<std::string> ReadSysctlAs(const Process& p,
                                         absl::string_view key);
absl::Status WriteSysctlAs(Process& p, absl::string_view key,
                           absl::string_view value);

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_CREDENTIALS_STATE_H_
