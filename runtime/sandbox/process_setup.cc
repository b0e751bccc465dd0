// Process attributes; see process_setup.h.
#include "runtime/sandbox/process_setup.h"

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/spec/names.h"

namespace runbox {
namespace {

// `personality`(2) domains (linux/personality.h).
constexpr uint32_t kPerLinux = 0x0000;
constexpr uint32_t kPerLinux32 = 0x0008;

uint64_t MaskOf(const std::vector<spec::Capability>& caps) {
  uint64_t mask = 0;
  for (spec::Capability cap : caps)
    mask |= uint64_t{1} << static_cast<int>(cap);
  return mask;
}

// Bits 0..last: capabilities the spec names but this kernel does not know
// are left out, as runc does (it warns and ignores them).
uint64_t KnownMask(int last) {
  return last >= 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
}

std::string CapName(int cap) {
  return std::string(spec::EnumName(static_cast<spec::Capability>(cap)));
}

// Whether this process's user namespace has `setgroups`(2) disabled
// (`user_namespaces`(7): /proc/<pid>/setgroups reads "deny"). Without a
// readable /proc there is no user namespace of ours that could deny it.
bool SetgroupsDenied(Host& host) {
  absl::StatusOr<std::string> text =
      ReadFileAt(host, Fd::Cwd(), "/proc/self/setgroups", 64);
  return text.ok() && absl::StripAsciiWhitespace(*text) == "deny";
}

// The spec validator also takes the slash spelling of a key
// ("net/ipv4/ip_forward"); the host call takes dots. A slash key whose
// names hold dots ("net/ipv4/conf/eth0.100/forwarding") has no dotted
// spelling.
absl::StatusOr<std::string> DottedKey(absl::string_view key) {
  if (!absl::StrContains(key, '/')) return std::string(key);
  if (absl::StrContains(key, '.')) {
    return ErrnoError(EINVAL,
                      "a sysctl name with a dot in it is not supported");
  }
  return absl::StrReplaceAll(key, {{"/", "."}});
}

}  // namespace

absl::Status ApplyContainerSysctls(Host& host, const spec::Config& config) {
  if (!config.linux) return absl::OkStatus();
  for (const auto& [key, value] : config.linux->sysctl) {
    const std::string context = absl::StrCat("set sysctl \"", key, "\"");
    absl::StatusOr<std::string> dotted = DottedKey(key);
    if (!dotted.ok()) return Annotate(dotted.status(), context);
    RETURN_IF_ERROR(Annotate(host.WriteSysctl(*dotted, value), context));
  }
  return absl::OkStatus();
}

absl::Status ApplyRlimits(Host& host, const std::vector<spec::Rlimit>& limits) {
  for (const spec::Rlimit& limit : limits) {
    ResourceLimit value;
    value.soft = limit.soft;
    value.hard = limit.hard;
    RETURN_IF_ERROR(
        Annotate(host.SetRlimit(static_cast<int>(limit.type), value),
                 absl::StrCat("set rlimit ", spec::EnumName(limit.type))));
  }
  return absl::OkStatus();
}

absl::Status ApplyOomScoreAdj(Host& host, const spec::Process& process) {
  if (!process.oom_score_adj) return absl::OkStatus();
  return Annotate(host.SetOomScoreAdj(*process.oom_score_adj),
                  absl::StrCat("set oom_score_adj ", *process.oom_score_adj));
}

WantedCapabilities WantedCapabilitiesOf(const spec::Process& process) {
  WantedCapabilities wanted;
  if (!process.capabilities) return wanted;
  const spec::Capabilities& caps = *process.capabilities;
  wanted.bounding = MaskOf(caps.bounding);
  wanted.effective = MaskOf(caps.effective);
  wanted.permitted = MaskOf(caps.permitted);
  wanted.inheritable = MaskOf(caps.inheritable);
  wanted.ambient = MaskOf(caps.ambient);
  return wanted;
}

absl::Status DropBoundingSet(Host& host, const WantedCapabilities& wanted) {
  ASSIGN_OR_RETURN(int last, host.LastCapability());
  for (int cap = 0; cap <= last && cap < 64; ++cap) {
    if ((wanted.bounding >> cap) & 1) continue;
    // Already gone (a nested runtime's narrower set): nothing to drop, and
    // no need for CAP_SETPCAP to drop it.
    ASSIGN_OR_RETURN(bool present, host.InBoundingSet(cap));
    if (!present) continue;
    RETURN_IF_ERROR(Annotate(
        host.DropBoundingCapability(cap),
        absl::StrCat("drop ", CapName(cap), " from the bounding set")));
  }
  return absl::OkStatus();
}

absl::Status BecomeUser(Host& host, const spec::User& user,
                        const WantedCapabilities& wanted,
                        absl::FunctionRef<absl::Status()> between) {
  // Keep the permitted set across the setuid away from 0; capset below then
  // trims it to what the config asks for.
  RETURN_IF_ERROR(Annotate(host.SetKeepCaps(true), "set keep-caps"));
  absl::Status groups = host.SetGroups(user.additional_gids);
  if (!groups.ok()) {
    // A user namespace whose setgroups is "deny" (rootless): nothing can
    // set groups, and none is needed unless the config asked for some.
    if (!IsErrno(groups, EPERM) || !user.additional_gids.empty() ||
        !SetgroupsDenied(host)) {
      return Annotate(groups, "set additional groups");
    }
  }
  RETURN_IF_ERROR(Annotate(host.SetResGid(user.gid, user.gid, user.gid),
                           absl::StrCat("set gid ", user.gid)));
  RETURN_IF_ERROR(Annotate(host.SetResUid(user.uid, user.uid, user.uid),
                           absl::StrCat("set uid ", user.uid)));
  RETURN_IF_ERROR(between());
  RETURN_IF_ERROR(Annotate(host.SetKeepCaps(false), "clear keep-caps"));

  ASSIGN_OR_RETURN(int last, host.LastCapability());
  const uint64_t known = KnownMask(last);
  CapabilitySets sets;
  sets.effective = wanted.effective & known;
  sets.permitted = wanted.permitted & known;
  sets.inheritable = wanted.inheritable & known;
  RETURN_IF_ERROR(Annotate(host.SetCapabilities(sets), "set capabilities"));
  // The ambient set survives exec for a non-root user; it starts empty so
  // nothing inherited from the runtime's caller stays in it.
  RETURN_IF_ERROR(
      Annotate(host.ClearAmbientCapabilities(), "clear ambient capabilities"));
  const uint64_t ambient = wanted.ambient & known;
  for (int cap = 0; cap <= last && cap < 64; ++cap) {
    if (((ambient >> cap) & 1) == 0) continue;
    RETURN_IF_ERROR(
        Annotate(host.RaiseAmbientCapability(cap),
                 absl::StrCat("raise ambient capability ", CapName(cap))));
  }
  return absl::OkStatus();
}

absl::Status ApplyPersonality(Host& host, const spec::Personality& persona) {
  const uint32_t domain = persona.domain == spec::PersonalityDomain::kLinux32
                              ? kPerLinux32
                              : kPerLinux;
  return Annotate(host.SetPersonality(domain).status(), "set personality");
}

}  // namespace runbox
