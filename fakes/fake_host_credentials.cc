// FakeHost's credentials calls: Linux's rules for set*id, setgroups, the
// capability sets, rlimits, personality, the OOM score, id maps and
// sysctls, over the model in credentials_state.h.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fakes/credentials_state.h"
#include "fakes/fake_host.h"
#include "fakes/kernel_impl.h"
#include "hostapi/status.h"

namespace runbox::fake {

#define FAKE_ENTER(call)       \
  Process* self = Enter(call); \
  if (self == nullptr) return DeadError()

namespace {

constexpr int kCapSetgid = 6;
constexpr int kCapSetuid = 7;
constexpr int kCapSetpcap = 8;
constexpr int kCapSysAdmin = 21;
constexpr int kCapSysResource = 24;
constexpr uint32_t kUnchanged = ~uint32_t{0};  // (uid_t)-1 to setresuid.
constexpr size_t kNgroupsMax = 65536;
constexpr uint64_t kNrOpen = 1048576;  // /proc/sys/fs/nr_open.
constexpr int kRlimitNofile = 7;
constexpr size_t kMaxIdMapExtents = 340;
constexpr uint32_t kQueryPersonality = 0xffffffff;

bool ValidCapability(int capability) {
  return capability >= 0 && capability <= kFakeLastCapability;
}

// Checks that Linux makes with `capable`, against the initial user
// namespace (rlimits, the OOM score): a capability in a child namespace
// does not count.
bool CapableInRoot(const Process& p, int capability) {
  return p.user_ns->parent == nullptr && p.creds.Has(capability);
}

// The new real/effective/saved kernel ids of set*id: EINVAL for an id the
// caller's namespace does not map, EPERM for one the caller may not take.
absl::Status NewIds(const Process& p, IdMapKind kind,
                    std::array<uint32_t, 3> wanted,
                    std::array<uint32_t*, 3> ids, absl::string_view call) {
  std::array<uint32_t, 3> kernel;
  for (int i = 0; i < 3; ++i) {
    if (wanted[i] == kUnchanged) {
      kernel[i] = *ids[i];
      continue;
    }
    std::optional<uint32_t> k = p.user_ns->ToKernel(kind, wanted[i]);
    if (!k.has_value()) {
      return ErrnoError(EINVAL,
                        absl::StrCat(call, ": ", wanted[i], " is not mapped"));
    }
    kernel[i] = *k;
  }
  const int cap = kind == IdMapKind::kUid ? kCapSetuid : kCapSetgid;
  if (!p.creds.Has(cap)) {
    for (int i = 0; i < 3; ++i) {
      if (wanted[i] == kUnchanged) continue;
      if (kernel[i] != *ids[0] && kernel[i] != *ids[1] &&
          kernel[i] != *ids[2]) {
        return ErrnoError(EPERM, call);
      }
    }
  }
  for (int i = 0; i < 3; ++i) *ids[i] = kernel[i];
  return absl::OkStatus();
}

// Parses "inside outside count" lines into extents whose lower ids are
// still in the parent namespace's numbering.
absl::StatusOr<std::vector<IdMapExtent>> ParseIdMap(absl::string_view map,
                                                    absl::string_view what) {
  std::vector<IdMapExtent> extents;
  for (absl::string_view line : absl::StrSplit(map, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    IdMapExtent e;
    if (fields.size() != 3 || !absl::SimpleAtoi(fields[0], &e.first) ||
        !absl::SimpleAtoi(fields[1], &e.lower_first) ||
        !absl::SimpleAtoi(fields[2], &e.count) || e.count == 0 ||
        uint64_t{e.first} + e.count > (uint64_t{1} << 32) - 1 ||
        uint64_t{e.lower_first} + e.count > (uint64_t{1} << 32) - 1) {
      return ErrnoError(EINVAL,
                        absl::StrCat(what, ": bad line \"", line, "\""));
    }
    for (const IdMapExtent& o : extents) {
      auto overlap = [](uint32_t a, uint32_t b, uint32_t n, uint32_t m) {
        return uint64_t{a} < uint64_t{b} + m && uint64_t{b} < uint64_t{a} + n;
      };
      if (overlap(e.first, o.first, e.count, o.count) ||
          overlap(e.lower_first, o.lower_first, e.count, o.count)) {
        return ErrnoError(EINVAL, absl::StrCat(what, ": overlapping ranges"));
      }
    }
    extents.push_back(e);
  }
  if (extents.empty() || extents.size() > kMaxIdMapExtents) {
    return ErrnoError(EINVAL,
                      absl::StrCat(what, ": ", extents.size(), " lines"));
  }
  return extents;
}

}  // namespace

absl::Status FakeHost::SetResUid(Uid real, Uid effective, Uid saved) {
  FAKE_ENTER("setresuid");
  KernelCredentials& c = self->creds;
  const KernelCredentials old = c;
  RETURN_IF_ERROR(NewIds(*self, IdMapKind::kUid, {real, effective, saved},
                         {&c.ruid, &c.euid, &c.suid}, "setresuid"));
  // cap_emulate_setxuid: leaving root (uid 0 of the namespace) for good
  // drops permitted and effective unless keepcaps, and always ambient.
  std::optional<uint32_t> root = self->user_ns->ToKernel(IdMapKind::kUid, 0);
  auto is_root = [&root](uint32_t id) { return root && id == *root; };
  const bool was_root =
      is_root(old.ruid) || is_root(old.euid) || is_root(old.suid);
  const bool now_root = is_root(c.ruid) || is_root(c.euid) || is_root(c.suid);
  if (was_root && !now_root) {
    if (!c.keep_caps) {
      c.permitted = 0;
      c.effective = 0;
    }
    c.ambient = 0;
  }
  if (is_root(old.euid) && !is_root(c.euid)) c.effective = 0;
  if (!is_root(old.euid) && is_root(c.euid)) c.effective = c.permitted;
  return absl::OkStatus();
}

absl::Status FakeHost::SetResGid(Gid real, Gid effective, Gid saved) {
  FAKE_ENTER("setresgid");
  KernelCredentials& c = self->creds;
  return NewIds(*self, IdMapKind::kGid, {real, effective, saved},
                {&c.rgid, &c.egid, &c.sgid}, "setresgid");
}

absl::Status FakeHost::SetGroups(absl::Span<const Gid> groups) {
  FAKE_ENTER("setgroups");
  if (groups.size() > kNgroupsMax) return ErrnoError(EINVAL, "setgroups");
  // may_setgroups: CAP_SETGID, and a namespace with a gid_map whose
  // setgroups is not "deny".
  const UserNamespace& ns = *self->user_ns;
  if (!self->creds.Has(kCapSetgid) || !ns.gid_map_written ||
      !ns.setgroups_allowed) {
    return ErrnoError(EPERM, "setgroups");
  }
  std::vector<uint32_t> kernel;
  for (Gid g : groups) {
    std::optional<uint32_t> k = ns.ToKernel(IdMapKind::kGid, g);
    if (!k.has_value()) {
      return ErrnoError(EINVAL,
                        absl::StrCat("setgroups: ", g, " is not mapped"));
    }
    kernel.push_back(*k);
  }
  // The kernel keeps the list sorted (groups_sort).
  std::sort(kernel.begin(), kernel.end());
  self->creds.groups = std::move(kernel);
  return absl::OkStatus();
}

absl::Status FakeHost::SetKeepCaps(bool keep) {
  FAKE_ENTER("prctl PR_SET_KEEPCAPS");
  self->creds.keep_caps = keep;
  return absl::OkStatus();
}

absl::StatusOr<CapabilitySets> FakeHost::GetCapabilities() {
  FAKE_ENTER("capget");
  const KernelCredentials& c = self->creds;
  return CapabilitySets{c.effective, c.permitted, c.inheritable};
}

absl::Status FakeHost::SetCapabilities(const CapabilitySets& sets) {
  FAKE_ENTER("capset");
  KernelCredentials& c = self->creds;
  // capset masks bits beyond the last capability.
  const uint64_t effective = sets.effective & kFullCapabilitySet;
  const uint64_t permitted = sets.permitted & kFullCapabilitySet;
  const uint64_t inheritable = sets.inheritable & kFullCapabilitySet;
  // cap_capset.
  const bool setpcap = c.Has(kCapSetpcap);
  if (!setpcap && (inheritable & ~(c.inheritable | c.permitted)) != 0) {
    return ErrnoError(EPERM, "capset: inheritable beyond permitted");
  }
  if ((inheritable & ~(c.inheritable | c.bounding)) != 0) {
    return ErrnoError(EPERM, "capset: inheritable beyond the bounding set");
  }
  if ((permitted & ~c.permitted) != 0) {
    return ErrnoError(EPERM, "capset: adds to permitted");
  }
  if ((effective & ~permitted) != 0) {
    return ErrnoError(EPERM, "capset: effective beyond permitted");
  }
  c.effective = effective;
  c.permitted = permitted;
  c.inheritable = inheritable;
  c.ambient &= permitted & inheritable;
  return absl::OkStatus();
}

absl::StatusOr<int> FakeHost::LastCapability() {
  FAKE_ENTER("read /proc/sys/kernel/cap_last_cap");
  return kFakeLastCapability;
}

absl::StatusOr<bool> FakeHost::InBoundingSet(int capability) {
  FAKE_ENTER("prctl PR_CAPBSET_READ");
  if (!ValidCapability(capability)) {
    return ErrnoError(EINVAL,
                      absl::StrCat("prctl PR_CAPBSET_READ ", capability));
  }
  return ((self->creds.bounding >> capability) & 1) != 0;
}

absl::Status FakeHost::DropBoundingCapability(int capability) {
  FAKE_ENTER("prctl PR_CAPBSET_DROP");
  std::string what = absl::StrCat("prctl PR_CAPBSET_DROP ", capability);
  if (!ValidCapability(capability)) return ErrnoError(EINVAL, what);
  if (!self->creds.Has(kCapSetpcap)) return ErrnoError(EPERM, what);
  self->creds.bounding &= ~(uint64_t{1} << capability);
  return absl::OkStatus();
}

absl::Status FakeHost::ClearAmbientCapabilities() {
  FAKE_ENTER("prctl PR_CAP_AMBIENT_CLEAR_ALL");
  self->creds.ambient = 0;
  return absl::OkStatus();
}

absl::Status FakeHost::RaiseAmbientCapability(int capability) {
  FAKE_ENTER("prctl PR_CAP_AMBIENT_RAISE");
  std::string what = absl::StrCat("prctl PR_CAP_AMBIENT_RAISE ", capability);
  if (!ValidCapability(capability)) return ErrnoError(EINVAL, what);
  const uint64_t bit = uint64_t{1} << capability;
  KernelCredentials& c = self->creds;
  if ((c.permitted & bit) == 0 || (c.inheritable & bit) == 0) {
    return ErrnoError(EPERM, what);
  }
  c.ambient |= bit;
  return absl::OkStatus();
}

absl::Status FakeHost::SetRlimit(int resource, ResourceLimit limit) {
  FAKE_ENTER("prlimit64");
  std::string what = absl::StrCat("prlimit ", resource);
  if (resource < 0 || resource >= kRlimitCount || limit.soft > limit.hard) {
    return ErrnoError(EINVAL, what);
  }
  ResourceLimit& current = self->creds.rlimits[resource];
  if (limit.hard > current.hard && !CapableInRoot(*self, kCapSysResource)) {
    return ErrnoError(EPERM, what);
  }
  if (resource == kRlimitNofile && limit.hard > kNrOpen) {
    return ErrnoError(EPERM, what);
  }
  current = limit;
  return absl::OkStatus();
}

absl::StatusOr<ResourceLimit> FakeHost::GetRlimit(int resource) {
  FAKE_ENTER("prlimit64");
  if (resource < 0 || resource >= kRlimitCount) {
    return ErrnoError(EINVAL, absl::StrCat("prlimit ", resource));
  }
  return self->creds.rlimits[resource];
}

absl::StatusOr<uint32_t> FakeHost::SetPersonality(uint32_t persona) {
  FAKE_ENTER("personality");
  uint32_t previous = self->creds.personality;
  if (persona != kQueryPersonality) self->creds.personality = persona;
  return previous;
}

absl::Status FakeHost::SetOomScoreAdj(int score) {
  FAKE_ENTER("write /proc/self/oom_score_adj");
  std::string what = absl::StrCat("write /proc/self/oom_score_adj ", score);
  if (score < -1000 || score > 1000) return ErrnoError(EINVAL, what);
  KernelCredentials& c = self->creds;
  const bool privileged = CapableInRoot(*self, kCapSysResource);
  if (score < c.oom_score_adj_min && !privileged) {
    return ErrnoError(EACCES, what);
  }
  c.oom_score_adj = score;
  if (privileged) c.oom_score_adj_min = score;
  return absl::OkStatus();
}

absl::StatusOr<int> FakeHost::GetOomScoreAdj() {
  FAKE_ENTER("read /proc/self/oom_score_adj");
  return self->creds.oom_score_adj;
}

absl::Status FakeHost::WriteIdMap(Pid pid, IdMapKind kind,
                                  absl::string_view map) {
  const char* file = kind == IdMapKind::kUid ? "uid_map" : "gid_map";
  FAKE_ENTER(absl::StrCat("write /proc/pid/", file));
  std::string what = absl::StrCat("write /proc/", pid.value, "/", file);
  Process* target = pid.value > 0 ? k_.FindPid(*self, pid) : nullptr;
  if (target == nullptr || target->reaped) return ErrnoError(ENOENT, what);
  UserNamespace& ns = *target->user_ns;
  const bool written =
      kind == IdMapKind::kUid ? ns.uid_map_written : ns.gid_map_written;
  // The root namespace's maps exist from boot; the others once.
  if (ns.parent == nullptr || written) return ErrnoError(EPERM, what);
  // Only from inside the namespace or its parent.
  if (self->user_ns.get() != &ns && self->user_ns != ns.parent) {
    return ErrnoError(EPERM, what);
  }
  ASSIGN_OR_RETURN(std::vector<IdMapExtent> extents, ParseIdMap(map, what));
  // Lower ids are the parent namespace's: the range must map to one
  // contiguous range of kernel ids (map_id_range_down), or EPERM.
  for (IdMapExtent& e : extents) {
    std::optional<uint32_t> first = ns.parent->ToKernel(kind, e.lower_first);
    std::optional<uint32_t> last =
        ns.parent->ToKernel(kind, e.lower_first + (e.count - 1));
    if (!first || !last || *last - *first != e.count - 1) {
      return ErrnoError(EPERM, absl::StrCat(what, ": ", e.lower_first,
                                            " is not mapped outside"));
    }
    e.lower_first = *first;
  }
  // new_idmap_permitted: CAP_SETUID/CAP_SETGID over the parent, or a map
  // of the writer's own id alone (for gids, once setgroups is denied).
  const int cap = kind == IdMapKind::kUid ? kCapSetuid : kCapSetgid;
  bool permitted = self->user_ns == ns.parent && self->creds.Has(cap);
  if (!permitted && extents.size() == 1 && extents[0].count == 1) {
    const uint32_t own =
        kind == IdMapKind::kUid ? self->creds.euid : self->creds.egid;
    permitted = extents[0].lower_first == own &&
                (kind == IdMapKind::kUid || !ns.setgroups_allowed);
  }
  if (!permitted) return ErrnoError(EPERM, what);
  if (kind == IdMapKind::kUid) {
    ns.uid_map = std::move(extents);
    ns.uid_map_text = std::string(map);
    ns.uid_map_written = true;
  } else {
    ns.gid_map = std::move(extents);
    ns.gid_map_text = std::string(map);
    ns.gid_map_written = true;
  }
  return absl::OkStatus();
}

absl::Status FakeHost::DenySetgroups(Pid pid) {
  FAKE_ENTER("write /proc/pid/setgroups");
  std::string what = absl::StrCat("write /proc/", pid.value, "/setgroups");
  Process* target = pid.value > 0 ? k_.FindPid(*self, pid) : nullptr;
  if (target == nullptr || target->reaped) return ErrnoError(ENOENT, what);
  UserNamespace& ns = *target->user_ns;
  // Opening it for writing needs CAP_SYS_ADMIN over the namespace: in it,
  // or in its parent (or as the parent-side owner).
  const bool inside = self->user_ns.get() == &ns;
  const bool parent = self->user_ns == ns.parent;
  const bool capable = (inside && self->creds.Has(kCapSysAdmin)) ||
                       (parent && (self->creds.Has(kCapSysAdmin) ||
                                   self->creds.euid == ns.owner));
  if (!capable) return ErrnoError(EPERM, what);
  // Too late once a gid_map exists (always, for the root namespace).
  if (ns.gid_map_written) return ErrnoError(EPERM, what);
  ns.setgroups_allowed = false;
  return absl::OkStatus();
}

absl::Status FakeHost::WriteSysctl(absl::string_view key,
                                   absl::string_view value) {
  FAKE_ENTER("write /proc/sys");
  return WriteSysctlAs(*self, key, value);
}

absl::StatusOr<std::string> FakeHost::ReadSysctl(absl::string_view key) {
  FAKE_ENTER("read /proc/sys");
  return ReadSysctlAs(*self, key);
}

absl::StatusOr<ProcessStatus> FakeHost::GetProcessStatus() {
  FAKE_ENTER("read /proc/self/status");
  const KernelCredentials& c = self->creds;
  const UserNamespace& ns = *self->user_ns;
  ProcessStatus status;
  status.uid_real = ns.FromKernel(IdMapKind::kUid, c.ruid);
  status.uid_effective = ns.FromKernel(IdMapKind::kUid, c.euid);
  status.uid_saved = ns.FromKernel(IdMapKind::kUid, c.suid);
  status.gid_real = ns.FromKernel(IdMapKind::kGid, c.rgid);
  status.gid_effective = ns.FromKernel(IdMapKind::kGid, c.egid);
  status.gid_saved = ns.FromKernel(IdMapKind::kGid, c.sgid);
  for (uint32_t g : c.groups) {
    status.groups.push_back(ns.FromKernel(IdMapKind::kGid, g));
  }
  status.ambient = c.ambient;
  status.no_new_privs = self->no_new_privs;
  // SECCOMP_MODE_FILTER once any filter is installed (strict mode is not
  // modelled).
  status.seccomp_mode = self->seccomp_filters > 0 ? 2 : 0;
  status.cgroups = k_.cgroups->CgroupLines(Pid{self->root_pid()});
  return status;
}

// Keyrings. Permission classes as Linux's key_task_permission: possessor
// bits when the key is the caller's session keyring (and `possessed`
// counts), else owner, group or other by the caller's euid/egid; no
// capability overrides them.
namespace {

constexpr uint32_t kKeyView = 0x01;
constexpr uint32_t kKeySearch = 0x08;
constexpr uint32_t kKeySetattr = 0x20;
constexpr uint32_t kKeyAllPermissions = 0x3f3f3f3f;
// KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_LINK.
constexpr uint32_t kNewSessionKeyringPermissions = 0x3f130000;
// The user session keyring's: KEY_POS_ALL | KEY_USR_ALL.
constexpr uint32_t kUserSessionKeyringPermissions = 0x1f3f0000;

uint32_t KeyPermissionsFor(const Process& p, const FakeKeyring& key,
                           bool possessed) {
  uint32_t perm = 0;
  if (possessed) perm |= (key.permissions >> 24) & 0xff;
  if (key.uid == p.creds.euid) {
    perm |= (key.permissions >> 16) & 0xff;
  } else if (key.gid == p.creds.egid) {
    perm |= (key.permissions >> 8) & 0xff;
  } else {
    perm |= key.permissions & 0xff;
  }
  return perm;
}

std::shared_ptr<FakeKeyring> NewKeyring(FakeKernel::Impl& k, const Process& p,
                                        std::string name,
                                        uint32_t permissions) {
  auto key = std::make_shared<FakeKeyring>();
  key->serial = k.next_key_serial++;
  key->name = std::move(name);
  key->uid = p.creds.euid;
  key->gid = p.creds.egid;
  key->permissions = permissions;
  key->user_ns_id = p.user_ns->id;
  k.keyrings[key->serial] = key;
  return key;
}

}  // namespace

absl::StatusOr<KeySerial> FakeHost::JoinSessionKeyring(absl::string_view name) {
  FAKE_ENTER("keyctl join session keyring");
  // Linux's join_session_keyring: an existing keyring of that name the
  // caller may search as a non-possessor, else a new one.
  std::shared_ptr<FakeKeyring> found;
  if (!name.empty()) {
    for (auto it = k_.keyrings.begin(); it != k_.keyrings.end();) {
      std::shared_ptr<FakeKeyring> key = it->second.lock();
      if (key == nullptr) {
        it = k_.keyrings.erase(it);
        continue;
      }
      ++it;
      if (found == nullptr && key->name == name &&
          key->user_ns_id == self->user_ns->id &&
          (KeyPermissionsFor(*self, *key, false) & kKeySearch) != 0) {
        found = std::move(key);
      }
    }
  }
  if (found == nullptr) {
    found = NewKeyring(k_, *self, name.empty() ? "_ses" : std::string(name),
                       kNewSessionKeyringPermissions);
  }
  // Linux says 0 when the keyring found already is the session keyring.
  if (found == self->creds.session_keyring) return 0;
  self->creds.session_keyring = found;
  return found->serial;
}

absl::StatusOr<KeyDescription> FakeHost::DescribeKey(KeySerial serial) {
  FAKE_ENTER("keyctl describe");
  const std::string what = absl::StrCat("keyctl describe ", serial);
  std::shared_ptr<FakeKeyring> key;
  if (serial == kSessionKeyring) {
    if (self->creds.session_keyring == nullptr) {
      std::shared_ptr<FakeKeyring>& user =
          k_.user_session_keyrings[self->creds.euid];
      if (user == nullptr) {
        user =
            NewKeyring(k_, *self, absl::StrCat("_uid_ses.", self->creds.euid),
                       kUserSessionKeyringPermissions);
      }
      self->creds.session_keyring = user;
    }
    key = self->creds.session_keyring;
  } else if (serial <= 0) {
    // Special ids other than the session keyring's are not modelled.
    return ErrnoError(EINVAL, what);
  } else {
    auto it = k_.keyrings.find(serial);
    if (it != k_.keyrings.end()) key = it->second.lock();
  }
  if (key == nullptr) return ErrnoError(ENOKEY, what);
  const bool possessed = key == self->creds.session_keyring;
  if ((KeyPermissionsFor(*self, *key, possessed) & kKeyView) == 0) {
    return ErrnoError(EACCES, what);
  }
  const UserNamespace& ns = *self->user_ns;
  return KeyDescription{"keyring", ns.FromKernel(IdMapKind::kUid, key->uid),
                        ns.FromKernel(IdMapKind::kGid, key->gid),
                        key->permissions, key->name};
}

absl::Status FakeHost::SetKeyPermissions(KeySerial serial,
                                         uint32_t permissions) {
  FAKE_ENTER("keyctl setperm");
  const std::string what =
      absl::StrCat("keyctl setperm ", serial, " ", absl::Hex(permissions));
  if ((permissions & ~kKeyAllPermissions) != 0) {
    return ErrnoError(EINVAL, what);
  }
  std::shared_ptr<FakeKeyring> key;
  if (serial == kSessionKeyring) {
    key = self->creds.session_keyring;
  } else {
    auto it = k_.keyrings.find(serial);
    if (it != k_.keyrings.end()) key = it->second.lock();
  }
  if (key == nullptr) return ErrnoError(ENOKEY, what);
  const bool possessed = key == self->creds.session_keyring;
  if ((KeyPermissionsFor(*self, *key, possessed) & kKeySetattr) == 0) {
    return ErrnoError(EACCES, what);
  }
  if (key->uid != self->creds.euid && !self->creds.Has(kCapSysAdmin)) {
    return ErrnoError(EACCES, what);
  }
  key->permissions = permissions;
  return absl::OkStatus();
}

}  // namespace runbox::fake
