// The helper's credentials script (see contract_helper_credentials.h).
#include "hostapi/contract/contract_helper_credentials.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "hostapi/status.h"

namespace runbox::contract {
namespace {

constexpr int kUsage = 100;

bool WriteLine(Host& host, absl::string_view line) {
  Fd out(1, nullptr);
  std::string text = absl::StrCat(line, "\n");
  absl::string_view rest = text;
  while (!rest.empty()) {
    absl::StatusOr<size_t> n = host.Write(out, rest);
    if (!n.ok() || *n == 0) return false;
    rest.remove_prefix(*n);
  }
  return true;
}

std::string Result(const absl::Status& s) {
  return s.ok() ? "ok" : absl::StrCat("error ", ErrnoName(ErrnoOf(s)));
}

std::optional<uint64_t> Limit(absl::string_view text) {
  if (text == "inf") return ResourceLimit::kRlimInfinity;
  uint64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) return std::nullopt;
  return v;
}

std::string LimitText(uint64_t v) {
  return v == ResourceLimit::kRlimInfinity ? "inf" : absl::StrCat(v);
}

std::optional<std::vector<uint32_t>> Numbers(absl::string_view text) {
  std::vector<uint32_t> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    uint32_t v = 0;
    if (!absl::SimpleAtoi(part, &v)) return std::nullopt;
    out.push_back(v);
  }
  return out;
}

// Changes the capability sets with `edit`; the line is capset's result.
template <typename Edit>
std::string EditCaps(Host& host, Edit edit) {
  absl::StatusOr<CapabilitySets> sets = host.GetCapabilities();
  if (!sets.ok()) return Result(sets.status());
  edit(*sets);
  return Result(host.SetCapabilities(*sets));
}

// One op's line, or nullopt for a malformed op.
std::optional<std::string> RunOp(Host& host, absl::string_view op) {
  absl::string_view name = op;
  absl::string_view arg;
  if (size_t colon = op.find(':'); colon != absl::string_view::npos) {
    name = op.substr(0, colon);
    arg = op.substr(colon + 1);
  }
  int n = -1;
  (void)absl::SimpleAtoi(arg, &n);
  const uint64_t bit = n >= 0 && n < 64 ? uint64_t{1} << n : 0;
  if (name == "uid") return absl::StrCat(host.GetUid());
  if (name == "capget") {
    absl::StatusOr<CapabilitySets> s = host.GetCapabilities();
    if (!s.ok()) return Result(s.status());
    return absl::StrCat(absl::Hex(s->effective), " ", absl::Hex(s->permitted),
                        " ", absl::Hex(s->inheritable));
  }
  if (name == "cap-drop") {
    return EditCaps(host, [bit](CapabilitySets& s) {
      s.effective &= ~bit;
      s.permitted &= ~bit;
      s.inheritable &= ~bit;
    });
  }
  if (name == "cap-inh-add") {
    return EditCaps(host, [bit](CapabilitySets& s) { s.inheritable |= bit; });
  }
  if (name == "cap-perm-add") {
    return EditCaps(host, [bit](CapabilitySets& s) {
      s.permitted |= bit;
      s.effective |= bit;
    });
  }
  if (name == "cap-eff-all") {
    return EditCaps(host, [](CapabilitySets& s) { s.effective = s.permitted; });
  }
  if (name == "bound") {
    absl::StatusOr<bool> in = host.InBoundingSet(n);
    if (!in.ok()) return Result(in.status());
    return std::string(*in ? "1" : "0");
  }
  if (name == "drop-bound") return Result(host.DropBoundingCapability(n));
  if (name == "ambient-clear") return Result(host.ClearAmbientCapabilities());
  if (name == "ambient-raise") return Result(host.RaiseAmbientCapability(n));
  if (name == "keepcaps") return Result(host.SetKeepCaps(arg == "1"));
  if (name == "setresuid" || name == "setresgid") {
    std::optional<std::vector<uint32_t>> ids = Numbers(arg);
    if (!ids || ids->size() != 3) return std::nullopt;
    const std::vector<uint32_t>& i = *ids;
    return Result(name == "setresuid" ? host.SetResUid(i[0], i[1], i[2])
                                      : host.SetResGid(i[0], i[1], i[2]));
  }
  if (name == "setgroups") {
    std::optional<std::vector<uint32_t>> ids = Numbers(arg);
    if (!ids) return std::nullopt;
    return Result(host.SetGroups(*ids));
  }
  if (name == "rlimit-get") {
    absl::StatusOr<ResourceLimit> l = host.GetRlimit(n);
    if (!l.ok()) return Result(l.status());
    return absl::StrCat(LimitText(l->soft), " ", LimitText(l->hard));
  }
  if (name == "rlimit-set") {
    std::vector<absl::string_view> parts = absl::StrSplit(arg, ',');
    int resource = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &resource)) {
      return std::nullopt;
    }
    std::optional<uint64_t> soft = Limit(parts[1]);
    std::optional<uint64_t> hard = Limit(parts[2]);
    if (!soft || !hard) return std::nullopt;
    return Result(host.SetRlimit(resource, {*soft, *hard}));
  }
  if (name == "personality") {
    uint32_t persona = 0;
    if (!absl::SimpleAtoi(arg, &persona)) return std::nullopt;
    absl::StatusOr<uint32_t> previous = host.SetPersonality(persona);
    if (!previous.ok()) return Result(previous.status());
    return absl::StrCat(*previous);
  }
  if (name == "oom-get") {
    absl::StatusOr<int> score = host.GetOomScoreAdj();
    if (!score.ok()) return Result(score.status());
    return absl::StrCat(*score);
  }
  if (name == "oom-set") {
    int score = 0;
    if (!absl::SimpleAtoi(arg, &score)) return std::nullopt;
    return Result(host.SetOomScoreAdj(score));
  }
  if (name == "sysctl-get") {
    absl::StatusOr<std::string> value = host.ReadSysctl(arg);
    if (!value.ok()) return Result(value.status());
    return *value;
  }
  if (name == "sysctl-set") {
    size_t eq = arg.find('=');
    if (eq == absl::string_view::npos) return std::nullopt;
    return Result(host.WriteSysctl(arg.substr(0, eq), arg.substr(eq + 1)));
  }
  if (name == "key-join") {
    absl::StatusOr<KeySerial> serial = host.JoinSessionKeyring(arg);
    if (!serial.ok()) return Result(serial.status());
    return absl::StrCat(*serial);
  }
  if (name == "key-describe" || name == "key-setperm") {
    std::vector<absl::string_view> parts = absl::StrSplit(arg, ',');
    KeySerial serial = kSessionKeyring;
    if (parts[0] != "session" && !absl::SimpleAtoi(parts[0], &serial)) {
      return std::nullopt;
    }
    if (name == "key-setperm") {
      uint32_t perm = 0;
      if (parts.size() != 2 || !absl::SimpleHexAtoi(parts[1], &perm)) {
        return std::nullopt;
      }
      return Result(host.SetKeyPermissions(serial, perm));
    }
    absl::StatusOr<KeyDescription> d = host.DescribeKey(serial);
    if (!d.ok()) return Result(d.status());
    return absl::StrCat(d->type, " ", d->uid, " ", d->gid, " ",
                        absl::Hex(d->permissions), " ", d->description);
  }
  if (name == "nnp") return Result(host.SetNoNewPrivs());
  if (name == "status") {
    absl::StatusOr<ProcessStatus> st = host.GetProcessStatus();
    if (!st.ok()) return Result(st.status());
    return absl::StrCat(
        st->uid_real, " ", st->uid_effective, " ", st->uid_saved, " ",
        st->gid_real, " ", st->gid_effective, " ", st->gid_saved,
        " groups:", absl::StrJoin(st->groups, ","),
        " nnp:", st->no_new_privs ? 1 : 0, " seccomp:", st->seccomp_mode,
        " amb:", absl::Hex(st->ambient));
  }
  if (name == "cgroup") {
    absl::StatusOr<ProcessStatus> st = host.GetProcessStatus();
    if (!st.ok()) return Result(st.status());
    return absl::StrJoin(st->cgroups, "|");
  }
  if (name == "wait-stdin") {
    Fd in(0, nullptr);
    char buf[64];
    for (;;) {
      absl::StatusOr<size_t> got = host.Read(in, absl::MakeSpan(buf));
      if (!got.ok() || *got == 0) break;
    }
    return std::string("ok");
  }
  return std::nullopt;
}

}  // namespace

int CredentialsScript(Host& host, const std::vector<std::string>& argv) {
  for (size_t i = 2; i < argv.size(); ++i) {
    if (argv[i] == "exec") {
      ExecRequest req;
      req.path = argv[0];
      req.argv = {argv[0], "creds"};
      req.argv.insert(req.argv.end(), argv.begin() + i + 1, argv.end());
      req.env = host.Environment();
      absl::Status s = host.Exec(req);
      return WriteLine(host, Result(s)) ? 0 : 1;
    }
    std::optional<std::string> line = RunOp(host, argv[i]);
    if (!line.has_value()) return kUsage;
    if (!WriteLine(host, *line)) return 1;
  }
  return 0;
}

}  // namespace runbox::contract
