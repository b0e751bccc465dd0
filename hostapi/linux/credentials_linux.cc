// LinuxHost's Credentials: raw setresuid/setresgid/setgroups (glibc's
// wrappers would broadcast the change to every thread with a signal, which
// runbox's single-threaded init does not need and a seccomp-filtered or
// half-set-up process should not depend on), capget/capset with the 64-bit
// (version 3) sets, prctl for keepcaps and the bounding and ambient sets,
// prlimit, personality, and procfs writes through safe_procfs.h.
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/linux/safe_procfs.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::CallError;
using linux_internal::ReadProcFile;
using linux_internal::WriteProcFile;

namespace {

absl::Status PrctlError(int err, absl::string_view option, int arg) {
  return ErrnoError(err, absl::StrCat("prctl ", option, " ", arg));
}

// "net.ipv4.ip_forward" -> "sys/net/ipv4/ip_forward"; EINVAL for a key
// that could name anything outside /proc/sys.
absl::StatusOr<std::string> SysctlPath(absl::string_view key) {
  if (key.empty() || key.find('/') != absl::string_view::npos ||
      key.find('\0') != absl::string_view::npos) {
    return ErrnoError(EINVAL, absl::StrCat("sysctl key \"", key, "\""));
  }
  for (absl::string_view part : absl::StrSplit(key, '.')) {
    // ".." splits into empty parts, so this also refuses it.
    if (part.empty()) {
      return ErrnoError(EINVAL, absl::StrCat("sysctl key \"", key, "\""));
    }
  }
  return absl::StrCat("sys/", absl::StrReplaceAll(key, {{".", "/"}}));
}

absl::StatusOr<int> ParseInt(absl::string_view text, absl::string_view what) {
  int value = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &value)) {
    return ErrnoError(EINVAL,
                      absl::StrCat(what, ": not a number: \"", text, "\""));
  }
  return value;
}

}  // namespace

absl::Status LinuxHost::SetResUid(Uid real, Uid effective, Uid saved) {
  if (syscall(SYS_setresuid, real, effective, saved) != 0) {
    int err = errno;
    return CallError(
        err, absl::StrCat("setresuid ", real, " ", effective, " ", saved));
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::SetResGid(Gid real, Gid effective, Gid saved) {
  if (syscall(SYS_setresgid, real, effective, saved) != 0) {
    int err = errno;
    return CallError(
        err, absl::StrCat("setresgid ", real, " ", effective, " ", saved));
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::SetGroups(absl::Span<const Gid> groups) {
  std::vector<gid_t> list(groups.begin(), groups.end());
  if (syscall(SYS_setgroups, list.size(), list.data()) != 0) {
    int err = errno;
    return CallError(err, absl::StrCat("setgroups (", list.size(), ")"));
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::SetKeepCaps(bool keep) {
  if (prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) != 0) {
    int err = errno;
    return PrctlError(err, "PR_SET_KEEPCAPS", keep ? 1 : 0);
  }
  return absl::OkStatus();
}

absl::StatusOr<CapabilitySets> LinuxHost::GetCapabilities() {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) {
    int err = errno;
    return CallError(err, "capget");
  }
  auto join = [](uint32_t low, uint32_t high) {
    return uint64_t{low} | (uint64_t{high} << 32);
  };
  CapabilitySets sets;
  sets.effective = join(data[0].effective, data[1].effective);
  sets.permitted = join(data[0].permitted, data[1].permitted);
  sets.inheritable = join(data[0].inheritable, data[1].inheritable);
  return sets;
}

absl::Status LinuxHost::SetCapabilities(const CapabilitySets& sets) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<uint32_t>(sets.effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(sets.permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(sets.inheritable >> (32 * i));
  }
  if (syscall(SYS_capset, &header, data) != 0) {
    int err = errno;
    return CallError(err, "capset");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> LinuxHost::LastCapability() {
  absl::StatusOr<std::string> text = ReadProcFile("sys/kernel/cap_last_cap");
  if (text.ok()) return ParseInt(*text, "/proc/sys/kernel/cap_last_cap");
  // No usable /proc (not mounted yet, or masked by a mount): the bounding
  // set answers EINVAL beyond the last capability.
  int last = -1;
  while (last < 63 && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0) ++last;
  if (last < 0) return text.status();
  return last;
}

absl::StatusOr<bool> LinuxHost::InBoundingSet(int capability) {
  int rc = prctl(PR_CAPBSET_READ, capability, 0, 0, 0);
  if (rc < 0) {
    int err = errno;
    return PrctlError(err, "PR_CAPBSET_READ", capability);
  }
  return rc == 1;
}

absl::Status LinuxHost::DropBoundingCapability(int capability) {
  if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0) {
    int err = errno;
    return PrctlError(err, "PR_CAPBSET_DROP", capability);
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::ClearAmbientCapabilities() {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    int err = errno;
    return PrctlError(err, "PR_CAP_AMBIENT_CLEAR_ALL", 0);
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::RaiseAmbientCapability(int capability) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, capability, 0, 0) != 0) {
    int err = errno;
    return PrctlError(err, "PR_CAP_AMBIENT_RAISE", capability);
  }
  return absl::OkStatus();
}

absl::Status LinuxHost::SetRlimit(int resource, ResourceLimit limit) {
  struct rlimit64 value;
  value.rlim_cur = limit.soft;
  value.rlim_max = limit.hard;
  if (syscall(SYS_prlimit64, 0, resource, &value, nullptr) != 0) {
    int err = errno;
    return CallError(err, absl::StrCat("prlimit ", resource, " ", limit.soft,
                                       " ", limit.hard));
  }
  return absl::OkStatus();
}

absl::StatusOr<ResourceLimit> LinuxHost::GetRlimit(int resource) {
  struct rlimit64 value = {};
  if (syscall(SYS_prlimit64, 0, resource, nullptr, &value) != 0) {
    int err = errno;
    return CallError(err, absl::StrCat("prlimit ", resource));
  }
  return ResourceLimit{.soft = value.rlim_cur, .hard = value.rlim_max};
}

absl::StatusOr<uint32_t> LinuxHost::SetPersonality(uint32_t persona) {
  // The raw call: it returns the previous persona, or -errno (glibc's
  // wrapper has reported errors differently across versions).
  long rc = syscall(SYS_personality, static_cast<unsigned long>(persona));
  if (rc < 0) {
    int err = errno;
    return CallError(err, absl::StrCat("personality ", persona));
  }
  return static_cast<uint32_t>(rc);
}

absl::Status LinuxHost::SetOomScoreAdj(int score) {
  return WriteProcFile("self/oom_score_adj", absl::StrCat(score));
}

absl::StatusOr<int> LinuxHost::GetOomScoreAdj() {
  ASSIGN_OR_RETURN(std::string text, ReadProcFile("self/oom_score_adj"));
  return ParseInt(text, "/proc/self/oom_score_adj");
}

absl::Status LinuxHost::WriteIdMap(Pid pid, IdMapKind kind,
                                   absl::string_view map) {
  if (pid.value <= 0) {
    return ErrnoError(EINVAL, absl::StrCat("id map of pid ", pid.value));
  }
  return WriteProcFile(
      absl::StrCat(pid.value,
                   kind == IdMapKind::kUid ? "/uid_map" : "/gid_map"),
      map);
}

absl::Status LinuxHost::DenySetgroups(Pid pid) {
  if (pid.value <= 0) {
    return ErrnoError(EINVAL, absl::StrCat("setgroups of pid ", pid.value));
  }
  return WriteProcFile(absl::StrCat(pid.value, "/setgroups"), "deny");
}

absl::Status LinuxHost::WriteSysctl(absl::string_view key,
                                    absl::string_view value) {
  ASSIGN_OR_RETURN(std::string path, SysctlPath(key));
  return WriteProcFile(path, value);
}

absl::StatusOr<std::string> LinuxHost::ReadSysctl(absl::string_view key) {
  ASSIGN_OR_RETURN(std::string path, SysctlPath(key));
  ASSIGN_OR_RETURN(std::string text, ReadProcFile(path));
  // The value as sysctl(8) shows it: without the trailing newline.
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

absl::StatusOr<ProcessStatus> LinuxHost::GetProcessStatus() {
  ProcessStatus status;
  if (getresuid(&status.uid_real, &status.uid_effective, &status.uid_saved) !=
      0) {
    return ErrnoError(errno, "getresuid");
  }
  if (getresgid(&status.gid_real, &status.gid_effective, &status.gid_saved) !=
      0) {
    return ErrnoError(errno, "getresgid");
  }
  int count = getgroups(0, nullptr);
  if (count < 0) return ErrnoError(errno, "getgroups");
  std::vector<gid_t> groups(count);
  count = getgroups(count, groups.data());
  if (count < 0) return ErrnoError(errno, "getgroups");
  status.groups.assign(groups.begin(), groups.begin() + count);
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (nnp < 0) return PrctlError(errno, "PR_GET_NO_NEW_PRIVS", 0);
  status.no_new_privs = nnp == 1;
  // PR_GET_SECCOMP in strict mode would be killed (only read, write, exit
  // and sigreturn are allowed there), so the mode comes from
  // /proc/self/status ("Seccomp:"), with the ambient set ("CapAmb:").
  ASSIGN_OR_RETURN(std::string text, ReadProcFile("self/status"));
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, "Seccomp:")) {
      line = absl::StripAsciiWhitespace(line);
      if (!absl::SimpleAtoi(line, &status.seccomp_mode)) {
        return ErrnoError(EIO, "/proc/self/status: bad Seccomp line");
      }
    } else if (absl::ConsumePrefix(&line, "CapAmb:")) {
      line = absl::StripAsciiWhitespace(line);
      if (!absl::SimpleHexAtoi(line, &status.ambient)) {
        return ErrnoError(EIO, "/proc/self/status: bad CapAmb line");
      }
    }
  }
  ASSIGN_OR_RETURN(std::string cgroups, ReadProcFile("self/cgroup"));
  for (absl::string_view line : absl::StrSplit(cgroups, '\n')) {
    if (!line.empty()) status.cgroups.emplace_back(line);
  }
  return status;
}

// Keyrings through the raw `keyctl`(2) (no libkeyutils dependency).
absl::StatusOr<KeySerial> LinuxHost::JoinSessionKeyring(
    absl::string_view name) {
  const std::string copy(name);
  long rc = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, copy.c_str());
  if (rc < 0) {
    int err = errno;
    return CallError(
        err, absl::StrCat("keyctl join session keyring \"", name, "\""));
  }
  return static_cast<KeySerial>(rc);
}

absl::StatusOr<KeyDescription> LinuxHost::DescribeKey(KeySerial serial) {
  const std::string what = absl::StrCat("keyctl describe ", serial);
  std::string buffer(256, '\0');
  for (;;) {
    long rc = syscall(SYS_keyctl, KEYCTL_DESCRIBE, serial, buffer.data(),
                      buffer.size());
    if (rc < 0) {
      int err = errno;
      return CallError(err, what);
    }
    // rc counts the terminating NUL; a larger one means "buffer too small".
    if (static_cast<size_t>(rc) <= buffer.size()) {
      buffer.resize(rc > 0 ? rc - 1 : 0);
      break;
    }
    buffer.assign(rc, '\0');
  }
  // "type;uid;gid;perm;description": the description may hold ';'.
  std::vector<std::string> parts =
      absl::StrSplit(buffer, absl::MaxSplits(';', 4));
  KeyDescription out;
  if (parts.size() != 5 || !absl::SimpleAtoi(parts[1], &out.uid) ||
      !absl::SimpleAtoi(parts[2], &out.gid) ||
      !absl::SimpleHexAtoi(parts[3], &out.permissions)) {
    return ErrnoError(EIO, absl::StrCat(what, ": unexpected \"", buffer, "\""));
  }
  out.type = parts[0];
  out.description = parts[4];
  return out;
}

absl::Status LinuxHost::SetKeyPermissions(KeySerial serial,
                                          uint32_t permissions) {
  long rc = syscall(SYS_keyctl, KEYCTL_SETPERM, serial, permissions);
  if (rc < 0) {
    int err = errno;
    return CallError(err, absl::StrCat("keyctl setperm ", serial, " ",
                                       absl::Hex(permissions)));
  }
  return absl::OkStatus();
}

}  // namespace runbox
