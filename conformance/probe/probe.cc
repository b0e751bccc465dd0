// The conformance probe; see probe.h for the report's schema.
#include "conformance/probe/probe.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/spec/config.h"
#include "runtime/spec/names.h"

namespace runbox::conformance {
namespace {

using nlohmann::json;

constexpr int kBadArguments = 2;
constexpr size_t kContentBytes = 256;

const Fd& StdFd(int n) {
  static const Fd* const fds[] = {new Fd(0, nullptr), new Fd(1, nullptr),
                                  new Fd(2, nullptr)};
  return *fds[n];
}

// The errno name of a failed call; "EIO" when it carries none.
std::string ErrnoNameOf(const absl::Status& status) {
  int err = ErrnoOf(status);
  return ErrnoName(err == 0 ? EIO : err);
}

std::string CapabilityName(int number) {
  absl::string_view name =
      spec::EnumName(static_cast<spec::Capability>(number));
  if (name == "unknown") return absl::StrCat("CAP_", number);
  return std::string(name);
}

json CapabilityNames(uint64_t bits) {
  json names = json::array();
  for (int n = 0; n < 64; ++n) {
    if ((bits >> n) & 1) names.push_back(CapabilityName(n));
  }
  return names;
}

struct Arguments {
  std::vector<std::string> sysctls;
  // In order of first mention; `write` for --write-file.
  std::vector<std::pair<std::string, bool>> files;
  int exit_code = 0;
  bool wait_stdin = false;
};

std::optional<Arguments> ParseArguments(const std::vector<std::string>& argv) {
  Arguments args;
  auto add_file = [&](const std::string& path, bool write) {
    for (auto& [p, w] : args.files) {
      if (p == path) {
        w = w || write;
        return;
      }
    }
    args.files.emplace_back(path, write);
  };
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const bool has_value = i + 1 < argv.size();
    if (a == "--wait-stdin") {
      args.wait_stdin = true;
    } else if (a == "--sysctl" && has_value) {
      args.sysctls.push_back(argv[++i]);
    } else if (a == "--file" && has_value) {
      add_file(argv[++i], false);
    } else if (a == "--write-file" && has_value) {
      add_file(argv[++i], true);
    } else if (a == "--exit" && has_value) {
      if (!absl::SimpleAtoi(argv[++i], &args.exit_code) || args.exit_code < 0 ||
          args.exit_code > 255) {
        return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  return args;
}

json Ids(uint32_t real, uint32_t effective, uint32_t saved) {
  return {{"real", real}, {"effective", effective}, {"saved", saved}};
}

json Capabilities(Host& host, const absl::StatusOr<ProcessStatus>& status) {
  json caps = {{"bounding", nullptr},
               {"effective", nullptr},
               {"permitted", nullptr},
               {"inheritable", nullptr},
               {"ambient", nullptr}};
  absl::StatusOr<int> last = host.LastCapability();
  if (last.ok()) {
    uint64_t bounding = 0;
    bool ok = true;
    for (int n = 0; n <= *last && n < 64; ++n) {
      absl::StatusOr<bool> in = host.InBoundingSet(n);
      if (!in.ok()) {
        ok = false;
        break;
      }
      if (*in) bounding |= uint64_t{1} << n;
    }
    if (ok) caps["bounding"] = CapabilityNames(bounding);
  }
  absl::StatusOr<CapabilitySets> sets = host.GetCapabilities();
  if (sets.ok()) {
    caps["effective"] = CapabilityNames(sets->effective);
    caps["permitted"] = CapabilityNames(sets->permitted);
    caps["inheritable"] = CapabilityNames(sets->inheritable);
  }
  if (status.ok()) caps["ambient"] = CapabilityNames(status->ambient);
  return caps;
}

json Rlimits(Host& host) {
  json limits = json::object();
  for (const auto& s : spec::EnumNames<spec::RlimitType>::kTable) {
    absl::StatusOr<ResourceLimit> limit =
        host.GetRlimit(static_cast<int>(s.value));
    if (limit.ok()) {
      limits[std::string(s.name)] = {{"soft", limit->soft},
                                     {"hard", limit->hard}};
    } else {
      limits[std::string(s.name)] = nullptr;
    }
  }
  return limits;
}

json NamespaceInodes(Host& host) {
  static constexpr Namespaces kTypes[] = {
      Namespaces::kPid,    Namespaces::kNet,  Namespaces::kMount,
      Namespaces::kIpc,    Namespaces::kUts,  Namespaces::kUser,
      Namespaces::kCgroup, Namespaces::kTime,
  };
  json out = json::object();
  const Pid self = host.GetPid();
  for (Namespaces type : kTypes) {
    const std::string name(ProcNamespaceName(type));
    out[name] = nullptr;
    absl::StatusOr<Fd> fd = host.OpenNamespace(self, type);
    if (!fd.ok()) continue;
    absl::StatusOr<FileStat> st = host.FStat(*fd);
    if (st.ok()) out[name] = st->ino;
  }
  return out;
}

std::string Propagation(absl::string_view optional_fields) {
  bool slave = false;
  for (absl::string_view field :
       absl::StrSplit(optional_fields, ' ', absl::SkipEmpty())) {
    if (absl::StartsWith(field, "shared:")) return "shared";
    if (absl::StartsWith(field, "master:")) slave = true;
    if (field == "unbindable") return "unbindable";
  }
  return slave ? "slave" : "private";
}

json Mounts(Host& host) {
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (!mounts.ok()) return nullptr;
  json out = json::array();
  for (const MountInfo& m : *mounts) {
    json options = json::array();
    for (int i = 0; i < 2; ++i) {
      const std::string& list = i == 0 ? m.options : m.super_options;
      for (absl::string_view o : absl::StrSplit(list, ',', absl::SkipEmpty())) {
        // "ro"/"rw" is the mount's; the super block's may differ.
        if (i == 1 && (o == "ro" || o == "rw")) continue;
        if (std::find(options.begin(), options.end(), std::string(o)) ==
            options.end()) {
          options.push_back(std::string(o));
        }
      }
    }
    out.push_back({{"target", m.mount_point},
                   {"source", m.source},
                   {"type", m.fstype},
                   {"options", options},
                   {"propagation", Propagation(m.propagation)}});
  }
  return out;
}

const char* TypeName(FileType type) {
  switch (type) {
    case FileType::kRegular:
      return "file";
    case FileType::kDirectory:
      return "dir";
    case FileType::kSymlink:
      return "link";
    case FileType::kCharDevice:
      return "chr";
    case FileType::kBlockDevice:
      return "blk";
    case FileType::kFifo:
      return "fifo";
    case FileType::kSocket:
      return "sock";
    case FileType::kUnknown:
      break;
  }
  return nullptr;
}

json FileReport(Host& host, const std::string& path, bool try_write) {
  json f = {
      {"exists", false},    {"errno", nullptr},       {"type", nullptr},
      {"mode", nullptr},    {"uid", nullptr},         {"gid", nullptr},
      {"major", nullptr},   {"minor", nullptr},       {"read_errno", nullptr},
      {"content", nullptr}, {"write_errno", nullptr}, {"dir_entries", nullptr}};
  absl::StatusOr<FileStat> st =
      host.StatAt(Fd::Cwd(), path, FollowSymlinks::kNoFollow);
  if (st.ok()) {
    f["exists"] = true;
    const char* name = TypeName(st->type);
    if (name != nullptr) f["type"] = name;
    f["mode"] = st->mode & 07777;
    f["uid"] = st->uid;
    f["gid"] = st->gid;
    if (st->type == FileType::kCharDevice ||
        st->type == FileType::kBlockDevice) {
      f["major"] = st->rdev.major;
      f["minor"] = st->rdev.minor;
    }
  } else {
    f["errno"] = ErrnoNameOf(st.status());
  }
  // Opens never block (a fifo without a writer, a tty) nor take a
  // controlling terminal.
  const OpenFlags extra = OpenFlags::kNonBlock | OpenFlags::kNoCtty;
  {
    absl::StatusOr<Fd> fd =
        host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kReadOnly | extra});
    if (!fd.ok()) {
      f["read_errno"] = ErrnoNameOf(fd.status());
    } else {
      absl::StatusOr<FileStat> opened = host.FStat(*fd);
      if (opened.ok() && opened->type == FileType::kRegular) {
        std::string content(kContentBytes, '\0');
        size_t got = 0;
        absl::Status read_status;
        while (got < content.size()) {
          absl::StatusOr<size_t> n = host.Read(
              *fd, absl::MakeSpan(content.data() + got, content.size() - got));
          if (IsErrno(n, EINTR)) continue;
          if (!n.ok()) {
            read_status = n.status();
            break;
          }
          if (*n == 0) break;
          got += *n;
        }
        if (read_status.ok()) {
          content.resize(got);
          f["content"] = content;
        } else {
          f["read_errno"] = ErrnoNameOf(read_status);
        }
      }
      if (opened.ok() && opened->type == FileType::kDirectory) {
        absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*fd);
        if (entries.ok()) f["dir_entries"] = entries->size();
      }
    }
  }
  {
    absl::StatusOr<Fd> fd =
        host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kWriteOnly | extra});
    if (!fd.ok()) f["write_errno"] = ErrnoNameOf(fd.status());
  }
  if (try_write) {
    f["write_result"] = nullptr;
    absl::StatusOr<Fd> fd = host.OpenAt(
        Fd::Cwd(), path,
        {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate | extra,
         .mode = 0644});
    if (!fd.ok()) {
      f["write_result"] = ErrnoNameOf(fd.status());
    } else {
      absl::Status written = WriteAll(host, *fd, "probe");
      if (written.ok()) written = host.Close(*std::move(fd));
      if (!written.ok()) f["write_result"] = ErrnoNameOf(written);
    }
  }
  return f;
}

void WaitForStdinEof(Host& host) {
  char buf[4096];
  while (true) {
    absl::StatusOr<size_t> n = host.Read(StdFd(0), absl::MakeSpan(buf));
    if (IsErrno(n, EINTR)) continue;
    if (IsErrno(n, EAGAIN)) {
      PollFd in{&StdFd(0), PollEvents::kIn};
      if (!host.Poll(absl::MakeSpan(&in, 1), std::nullopt).ok()) return;
      continue;
    }
    if (!n.ok() || *n == 0) return;
  }
}

}  // namespace

int ProbeMain(Host& host, const std::vector<std::string>& argv) {
  std::optional<Arguments> args = ParseArguments(argv);
  if (!args.has_value()) {
    (void)WriteAll(host, StdFd(2),
                   "probe: usage: probe [--sysctl KEY]... [--file PATH]... "
                   "[--write-file PATH]... [--exit N] [--wait-stdin]\n");
    return kBadArguments;
  }
  if (args->wait_stdin) WaitForStdinEof(host);

  json r = json::object();
  r["pid"] = host.GetPid().value;
  r["ppid"] = host.GetParentPid().value;
  absl::StatusOr<ProcessStatus> status = host.GetProcessStatus();
  if (status.ok()) {
    r["uid"] = Ids(status->uid_real, status->uid_effective, status->uid_saved);
    r["gid"] = Ids(status->gid_real, status->gid_effective, status->gid_saved);
    r["groups"] = status->groups;
    r["no_new_privs"] = status->no_new_privs;
    r["seccomp"] = status->seccomp_mode;
    r["cgroup"] = status->cgroups;
  } else {
    for (const char* key :
         {"uid", "gid", "groups", "no_new_privs", "seccomp", "cgroup"}) {
      r[key] = nullptr;
    }
  }
  r["caps"] = Capabilities(host, status);
  r["rlimits"] = Rlimits(host);
  r["namespaces"] = NamespaceInodes(host);
  absl::StatusOr<std::string> hostname = host.GetHostname();
  r["hostname"] = hostname.ok() ? json(*hostname) : json(nullptr);
  r["env"] = host.Environment();
  absl::StatusOr<std::string> cwd = host.GetCwd();
  r["cwd"] = cwd.ok() ? json(*cwd) : json(nullptr);
  const uint32_t mask = host.Umask(0);
  host.Umask(mask);
  r["umask"] = mask;
  absl::StatusOr<uint32_t> persona = host.SetPersonality(0xffffffff);
  r["personality"] = persona.ok() ? json(*persona) : json(nullptr);
  absl::StatusOr<int> oom = host.GetOomScoreAdj();
  r["oom_score_adj"] = oom.ok() ? json(*oom) : json(nullptr);
  r["mounts"] = Mounts(host);
  json sysctls = json::object();
  for (const std::string& key : args->sysctls) {
    absl::StatusOr<std::string> value = host.ReadSysctl(key);
    sysctls[key] = value.ok() ? json(*value) : json(nullptr);
  }
  r["sysctls"] = sysctls;
  json files = json::object();
  for (const auto& [path, write] : args->files) {
    files[path] = FileReport(host, path, write);
  }
  r["files"] = files;

  std::string text =
      r.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (!WriteAll(host, StdFd(1), text).ok()) return 1;
  return args->exit_code;
}

fake::Program FakeProbe() { return ProbeMain; }

}  // namespace runbox::conformance
