// The cgroup hierarchies, trees and membership (see cgroup_model.h). File
// defaults and value checks live in cgroup_files.cc; this file owns what
// depends on the tree: membership, controller availability, freezing,
// device rules and the files computed from them.
#include "fakes/cgroups/cgroup_model.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fakes/cgroups/cgroup_files.h"
#include "hostapi/status.h"

namespace runbox::fake {

using cgroup_internal::Access;
using cgroup_internal::FileSpec;
using cgroup_internal::Kind;

namespace {

constexpr absl::string_view kCgroupRoot = "/sys/fs/cgroup";

// A devices-cgroup exception: type 'a', 'b' or 'c'; "*" for any number.
struct DeviceRule {
  char type = 'a';
  std::string major = "*";
  std::string minor = "*";
  std::string access;  // Subset of "rwm", in that order.
  bool SameDevice(const DeviceRule& o) const {
    return type == o.type && major == o.major && minor == o.minor;
  }
  // Whether this rule grants everything `o` asks for.
  bool Covers(const DeviceRule& o) const {
    if (type != 'a' && type != o.type) return false;
    if (major != "*" && major != o.major) return false;
    if (minor != "*" && minor != o.minor) return false;
    return absl::c_all_of(
        o.access, [&](char c) { return access.find(c) != std::string::npos; });
  }
  std::string ToString() const {
    return absl::StrCat(std::string(1, type), " ", major, ":", minor, " ",
                        access);
  }
};

std::string AccessUnion(absl::string_view a, absl::string_view b) {
  std::string out;
  for (char c : {'r', 'w', 'm'}) {
    if (absl::StrContains(a, c) || absl::StrContains(b, c)) out += c;
  }
  return out;
}

std::string AccessMinus(absl::string_view a, absl::string_view b) {
  std::string out;
  for (char c : {'r', 'w', 'm'}) {
    if (absl::StrContains(a, c) && !absl::StrContains(b, c)) out += c;
  }
  return out;
}

bool IsDeviceNumber(absl::string_view s) {
  uint32_t n = 0;
  return s == "*" || (!s.empty() && absl::c_all_of(s, absl::ascii_isdigit) &&
                      absl::SimpleAtoi(s, &n));
}

// "c 1:3 rwm" (or "a", meaning everything).
absl::StatusOr<DeviceRule> ParseDeviceRule(absl::string_view value) {
  absl::string_view v = absl::StripAsciiWhitespace(value);
  auto bad = [&] {
    return ErrnoError(EINVAL, absl::StrCat("device rule \"", v, "\""));
  };
  if (v.empty()) return bad();
  DeviceRule rule;
  rule.type = v[0];
  if (rule.type == 'a') {
    rule.access = "rwm";
    return rule;
  }
  std::vector<absl::string_view> t =
      absl::StrSplit(v, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if ((rule.type != 'b' && rule.type != 'c') || t.size() != 3 ||
      t[0].size() != 1) {
    return bad();
  }
  std::vector<absl::string_view> mm = absl::StrSplit(t[1], ':');
  if (mm.size() != 2 || !IsDeviceNumber(mm[0]) || !IsDeviceNumber(mm[1])) {
    return bad();
  }
  rule.major = std::string(mm[0]);
  rule.minor = std::string(mm[1]);
  if (t[2].empty() || t[2].size() > 3 || !absl::c_all_of(t[2], [](char c) {
        return c == 'r' || c == 'w' || c == 'm';
      })) {
    return bad();
  }
  rule.access = AccessUnion(t[2], "");
  return rule;
}

std::string NormalizePath(absl::string_view path) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(path, '/', absl::SkipEmpty());
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

std::string PidLines(const std::vector<Pid>& pids) {
  std::string out;
  for (Pid p : pids) absl::StrAppend(&out, p.value, "\n");
  return out;
}

std::string ListLine(const std::vector<std::string>& names) {
  return names.empty() ? "" : absl::StrCat(absl::StrJoin(names, " "), "\n");
}

absl::Status NoFile(absl::string_view path, absl::string_view file) {
  return ErrnoError(ENOENT,
                    absl::StrCat("cgroup file \"", path, "/", file, "\""));
}

}  // namespace

struct CgroupModel::Node {
  std::string name;
  Node* parent = nullptr;
  std::map<std::string, std::unique_ptr<Node>> children;
  std::set<Pid> procs;
  // Stored file contents that differ from the defaults, by file name.
  std::map<std::string, std::string, std::less<>> contents;
  std::map<std::string, std::vector<std::string>, std::less<>> writes;
  std::vector<std::string> subtree_control;  // v2, in V2Controllers order.
  bool freeze = false;                       // v2 cgroup.freeze.
  bool freezer_self = false;                 // v1 freezer.state FROZEN.
  bool devices_allow_all = true;             // v1 devices behaviour.
  std::vector<DeviceRule> device_rules;      // Its exceptions.
  std::vector<uint8_t> device_program;       // v2 eBPF device filter.
  uint64_t oom_kills = 0;                    // OOM kills in the cgroup itself.
  uint64_t oom_kills_subtree = 0;  // In it and its descendants (v2 events).
  // Owners other than 0:0, by file name ("" for the directory).
  std::map<std::string, CgroupOwner, std::less<>> owners;

  bool is_root() const { return parent == nullptr; }
};

struct CgroupModel::Hierarchy {
  int id = 0;  // /proc/<pid>/cgroup hierarchy id; 0 for v2.
  CgroupVersion version = CgroupVersion::kV1;
  std::string mount;
  std::vector<std::string> aliases;  // Symlinks to the mount ("cpu").
  // v1: bound controllers (or "name=systemd"); v2: the root's
  // cgroup.controllers.
  std::vector<std::string> controllers;
  Node root;
  std::map<Pid, Node*> members;  // Absent: the root, never recorded.

  bool Has(absl::string_view controller) const {
    return absl::c_linear_search(controllers, controller);
  }
};

struct CgroupModel::Location {
  Hierarchy* h = nullptr;
  Node* node = nullptr;
};

namespace {

using Node = CgroupModel::Node;
using Hierarchy = CgroupModel::Hierarchy;

std::unique_ptr<Hierarchy> V1Hierarchy(int id, std::string name,
                                       std::vector<std::string> controllers,
                                       std::vector<std::string> aliases = {}) {
  auto h = std::make_unique<Hierarchy>();
  h->id = id;
  h->version = CgroupVersion::kV1;
  h->mount = absl::StrCat(kCgroupRoot, "/", name);
  for (const std::string& a : aliases) {
    h->aliases.push_back(absl::StrCat(kCgroupRoot, "/", a));
  }
  h->controllers = std::move(controllers);
  return h;
}

std::string RelativePath(const Node& node) {
  std::vector<absl::string_view> parts;
  for (const Node* n = &node; !n->is_root(); n = n->parent) {
    parts.push_back(n->name);
  }
  std::reverse(parts.begin(), parts.end());
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

std::string AbsolutePath(const Hierarchy& h, const Node& node) {
  return node.is_root() ? h.mount : absl::StrCat(h.mount, RelativePath(node));
}

// v2: what cgroup.controllers lists; v1: the bound controllers.
const std::vector<std::string>& Available(const Hierarchy& h,
                                          const Node& node) {
  if (h.version == CgroupVersion::kV1 || node.is_root()) return h.controllers;
  return node.parent->subtree_control;
}

std::vector<const FileSpec*> FilesOf(const Hierarchy& h, const Node& node) {
  if (h.version == CgroupVersion::kV1) {
    return cgroup_internal::V1Files(h.controllers, node.is_root());
  }
  return cgroup_internal::V2Files(Available(h, node), node.is_root());
}

const FileSpec* FindFile(const Hierarchy& h, const Node& node,
                         absl::string_view file) {
  for (const FileSpec* spec : FilesOf(h, node)) {
    if (spec->name == file) return spec;
  }
  return nullptr;
}

std::string Stored(const Node& node, const FileSpec& spec) {
  auto it = node.contents.find(spec.name);
  if (it != node.contents.end()) return it->second;
  if (node.is_root() && spec.root_initial != nullptr) return spec.root_initial;
  return spec.initial;
}

void CollectPids(const Node& node, std::vector<Pid>& out) {
  out.insert(out.end(), node.procs.begin(), node.procs.end());
  for (const auto& [name, child] : node.children) CollectPids(*child, out);
}

std::vector<Pid> SubtreePids(const Node& node) {
  std::vector<Pid> out;
  CollectPids(node, out);
  std::sort(out.begin(), out.end());
  return out;
}

int CountDescendants(const Node& node) {
  int n = 0;
  for (const auto& [name, child] : node.children) {
    n += 1 + CountDescendants(*child);
  }
  return n;
}

bool FrozenV2(const Node& node) {
  for (const Node* n = &node; n != nullptr; n = n->parent) {
    if (n->freeze) return true;
  }
  return false;
}

bool FrozenV1(const Node& node) {
  for (const Node* n = &node; n != nullptr; n = n->parent) {
    if (n->freezer_self) return true;
  }
  return false;
}

// cpuset.{cpus,mems}.effective: v1 shows the cgroup's own list (copied
// from its parent at creation); v2 the nearest non-empty cpuset.cpus of the
// cgroup or its ancestors, else everything.
std::string Effective(const Hierarchy& h, const Node& node, bool cpus) {
  const char* own = cpus ? "cpuset.cpus" : "cpuset.mems";
  const char* all = cpus ? "0-1\n" : "0\n";
  if (h.version == CgroupVersion::kV1) {
    auto it = node.contents.find(own);
    return it != node.contents.end() ? it->second : all;
  }
  for (const Node* n = &node; !n->is_root(); n = n->parent) {
    auto it = n->contents.find(own);
    if (it != n->contents.end() && it->second != "\n") return it->second;
  }
  return all;
}

void Join(Hierarchy& h, Node& node, Pid pid) {
  auto it = h.members.find(pid);
  if (it != h.members.end()) it->second->procs.erase(pid);
  node.procs.insert(pid);
  h.members[pid] = &node;
}

void CollectPaths(const Hierarchy& h, const Node& node,
                  std::vector<std::string>& out) {
  out.push_back(AbsolutePath(h, node));
  for (const auto& [name, child] : node.children) {
    CollectPaths(h, *child, out);
  }
}

}  // namespace

CgroupModel::CgroupModel(CgroupLayout layout, KillCallback kill)
    : layout_(layout), kill_(std::move(kill)) {
  if (layout != CgroupLayout::kUnified) {
    hierarchies_.push_back(
        V1Hierarchy(1, "cpu,cpuacct", {"cpu", "cpuacct"}, {"cpu", "cpuacct"}));
    hierarchies_.push_back(V1Hierarchy(2, "blkio", {"blkio"}));
    hierarchies_.push_back(V1Hierarchy(3, "cpuset", {"cpuset"}));
    hierarchies_.push_back(V1Hierarchy(4, "devices", {"devices"}));
    hierarchies_.push_back(V1Hierarchy(5, "freezer", {"freezer"}));
    hierarchies_.push_back(V1Hierarchy(6, "hugetlb", {"hugetlb"}));
    hierarchies_.push_back(V1Hierarchy(7, "memory", {"memory"}));
    hierarchies_.push_back(V1Hierarchy(8, "net_cls,net_prio",
                                       {"net_cls", "net_prio"},
                                       {"net_cls", "net_prio"}));
    hierarchies_.push_back(V1Hierarchy(9, "perf_event", {"perf_event"}));
    hierarchies_.push_back(V1Hierarchy(10, "pids", {"pids"}));
    hierarchies_.push_back(V1Hierarchy(11, "rdma", {"rdma"}));
    hierarchies_.push_back(V1Hierarchy(12, "misc", {"misc"}));
    hierarchies_.push_back(V1Hierarchy(13, "systemd", {"name=systemd"}));
  }
  if (layout != CgroupLayout::kLegacy) {
    auto h = std::make_unique<Hierarchy>();
    h->id = 0;
    h->version = CgroupVersion::kV2;
    if (layout == CgroupLayout::kUnified) {
      h->mount = std::string(kCgroupRoot);
      h->controllers = cgroup_internal::V2Controllers();
      h->root.subtree_control = h->controllers;
    } else {
      h->mount = absl::StrCat(kCgroupRoot, "/unified");
      h->controllers = {"hugetlb"};
    }
    hierarchies_.push_back(std::move(h));
  }
}

CgroupModel::~CgroupModel() = default;

std::vector<CgroupMount> CgroupModel::Mounts() const {
  std::vector<CgroupMount> out;
  for (const auto& h : hierarchies_) {
    out.push_back(CgroupMount{h->version, h->mount, h->controllers});
  }
  return out;
}

absl::StatusOr<CgroupModel::Location> CgroupModel::Find(
    absl::string_view path) const {
  std::string p = NormalizePath(path);
  Hierarchy* best = nullptr;
  size_t best_len = 0;
  for (const auto& h : hierarchies_) {
    std::vector<const std::string*> names = {&h->mount};
    for (const std::string& a : h->aliases) names.push_back(&a);
    for (const std::string* name : names) {
      bool match = p == *name || absl::StartsWith(p, absl::StrCat(*name, "/"));
      if (match && name->size() > best_len) {
        best = h.get();
        best_len = name->size();
      }
    }
  }
  if (best == nullptr) {
    return ErrnoError(
        ENOENT, absl::StrCat("cgroup \"", p, "\": not under a cgroup mount"));
  }
  Node* node = &best->root;
  for (absl::string_view part : absl::StrSplit(
           absl::string_view(p).substr(best_len), '/', absl::SkipEmpty())) {
    auto it = node->children.find(std::string(part));
    if (it == node->children.end()) {
      return ErrnoError(ENOENT, absl::StrCat("cgroup \"", p, "\""));
    }
    node = it->second.get();
  }
  return Location{best, node};
}

absl::Status CgroupModel::Create(absl::string_view path) {
  std::string p = NormalizePath(path);
  if (Find(p).ok()) {
    return ErrnoError(EEXIST, absl::StrCat("mkdir cgroup \"", p, "\""));
  }
  size_t slash = p.rfind('/');
  std::string name = p.substr(slash + 1);
  absl::StatusOr<Location> parent = Find(p.substr(0, slash));
  if (!parent.ok() || name.empty()) {
    return ErrnoError(
        ENOENT, absl::StrCat("mkdir cgroup \"", p, "\": no parent cgroup"));
  }
  Hierarchy& h = *parent->h;
  Node& up = *parent->node;
  if (FindFile(h, up, name) != nullptr) {
    return ErrnoError(EEXIST,
                      absl::StrCat("mkdir cgroup \"", p, "\": a control file"));
  }
  auto child = std::make_unique<Node>();
  child->name = name;
  child->parent = &up;
  if (h.version == CgroupVersion::kV1) {
    for (const FileSpec* spec : FilesOf(h, *child)) {
      if (spec->kind == Kind::kInherited) {
        child->contents[spec->name] = Stored(up, *spec);
      }
    }
    child->devices_allow_all = up.devices_allow_all;
    child->device_rules = up.device_rules;
  }
  up.children[name] = std::move(child);
  return absl::OkStatus();
}

absl::Status CgroupModel::Remove(absl::string_view path) {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  Node& node = *loc.node;
  if (node.is_root()) {
    return ErrnoError(
        EBUSY, absl::StrCat("rmdir cgroup \"", path, "\": a hierarchy root"));
  }
  if (!node.children.empty() || !node.procs.empty()) {
    return ErrnoError(EBUSY,
                      absl::StrCat("rmdir cgroup \"", path, "\": not empty"));
  }
  node.parent->children.erase(node.name);
  return absl::OkStatus();
}

absl::Status CgroupModel::Chown(absl::string_view path, absl::string_view file,
                                Uid uid, Gid gid) {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  if (!file.empty() && FindFile(*loc.h, *loc.node, file) == nullptr) {
    return NoFile(path, file);
  }
  loc.node->owners[std::string(file)] = CgroupOwner{.uid = uid, .gid = gid};
  return absl::OkStatus();
}

absl::StatusOr<CgroupOwner> CgroupModel::Owner(absl::string_view path,
                                               absl::string_view file) const {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  if (!file.empty() && FindFile(*loc.h, *loc.node, file) == nullptr) {
    return NoFile(path, file);
  }
  auto it = loc.node->owners.find(file);
  if (it == loc.node->owners.end()) return CgroupOwner{};
  return it->second;
}

absl::StatusOr<std::string> CgroupModel::Read(absl::string_view path,
                                              absl::string_view file) const {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  const Hierarchy& h = *loc.h;
  const Node& node = *loc.node;
  const FileSpec* spec = FindFile(h, node, file);
  if (spec == nullptr) return NoFile(path, file);
  if (spec->access == Access::kWriteOnly) {
    return ErrnoError(EACCES, absl::StrCat("read cgroup file \"", path, "/",
                                           file, "\": write-only"));
  }
  switch (spec->kind) {
    case Kind::kProcs:
      return PidLines({node.procs.begin(), node.procs.end()});
    case Kind::kControllers:
      return ListLine(Available(h, node));
    case Kind::kSubtreeControl:
      return ListLine(node.subtree_control);
    case Kind::kStat:
      return absl::StrCat("nr_descendants ", CountDescendants(node),
                          "\nnr_dying_descendants 0\n");
    case Kind::kEvents:
      return absl::StrCat("populated ", SubtreePids(node).empty() ? 0 : 1,
                          "\nfrozen ", FrozenV2(node) ? 1 : 0, "\n");
    case Kind::kFreeze:
      return std::string(node.freeze ? "1\n" : "0\n");
    case Kind::kType:
      return std::string("domain\n");
    case Kind::kPidsCurrent:
      return absl::StrCat(SubtreePids(node).size(), "\n");
    case Kind::kFreezerState:
      return std::string(FrozenV1(node) ? "FROZEN\n" : "THAWED\n");
    case Kind::kFreezerSelf:
      return std::string(node.freezer_self ? "1\n" : "0\n");
    case Kind::kFreezerParent:
      return std::string(
          node.parent != nullptr && FrozenV1(*node.parent) ? "1\n" : "0\n");
    case Kind::kDevicesList: {
      if (node.devices_allow_all) return std::string("a *:* rwm\n");
      std::string out;
      for (const DeviceRule& r : node.device_rules) {
        absl::StrAppend(&out, r.ToString(), "\n");
      }
      return out;
    }
    case Kind::kOomControl:
      return absl::StrCat(Stored(node, *spec), "under_oom 0\noom_kill ",
                          node.oom_kills, "\n");
    case Kind::kMemoryEvents: {
      const uint64_t n = file == "memory.events.local" ? node.oom_kills
                                                       : node.oom_kills_subtree;
      return absl::StrCat("low 0\nhigh 0\nmax ", n, "\noom ", n, "\noom_kill ",
                          n, "\n");
    }
    case Kind::kEffectiveCpus:
      return Effective(h, node, /*cpus=*/true);
    case Kind::kEffectiveMems:
      return Effective(h, node, /*cpus=*/false);
    default:
      return Stored(node, *spec);
  }
}

absl::Status CgroupModel::Write(absl::string_view path, absl::string_view file,
                                absl::string_view value) {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  Hierarchy& h = *loc.h;
  Node& node = *loc.node;
  const FileSpec* spec = FindFile(h, node, file);
  if (spec == nullptr) return NoFile(path, file);
  std::string where =
      absl::StrCat("write cgroup file \"", path, "/", file, "\"");
  if (spec->access == Access::kReadOnly) {
    return ErrnoError(EACCES, absl::StrCat(where, ": read-only"));
  }
  if (spec->root_fixed && node.is_root()) {
    return ErrnoError(EINVAL, absl::StrCat(where, ": fixed on the root"));
  }
  absl::string_view v = absl::StripAsciiWhitespace(value);
  auto parse_int = [&](int64_t& n) -> absl::Status {
    if (absl::SimpleAtoi(v, &n)) return absl::OkStatus();
    return ErrnoError(EINVAL, absl::StrCat(where, ": not a number"));
  };
  absl::Status status;
  switch (spec->kind) {
    case Kind::kProcs: {
      int64_t pid = 0;
      RETURN_IF_ERROR(parse_int(pid));
      if (pid <= 0 || pid > INT32_MAX) {
        return ErrnoError(ESRCH, absl::StrCat(where, ": no such pid"));
      }
      status = AddProcess(path, Pid{static_cast<int32_t>(pid)});
      break;
    }
    case Kind::kSubtreeControl:
      status = WriteSubtreeControl(h, node, v);
      break;
    case Kind::kFreeze: {
      int64_t n = 0;
      RETURN_IF_ERROR(parse_int(n));
      if (n != 0 && n != 1) return ErrnoError(ERANGE, where);
      node.freeze = n == 1;
      break;
    }
    case Kind::kKill: {
      int64_t n = 0;
      RETURN_IF_ERROR(parse_int(n));
      if (n != 1) return ErrnoError(ERANGE, where);
      status = Kill(node);
      break;
    }
    case Kind::kType:
      if (v == "threaded") {
        return absl::UnimplementedError(
            "fake: threaded cgroups are not modelled");
      }
      return ErrnoError(EINVAL, where);
    case Kind::kFreezerState:
      if (v != "FROZEN" && v != "THAWED") return ErrnoError(EINVAL, where);
      node.freezer_self = v == "FROZEN";
      break;
    case Kind::kDevicesAllow:
    case Kind::kDevicesDeny:
      status = WriteDevices(node, v, spec->kind == Kind::kDevicesAllow);
      break;
    default: {
      ASSIGN_OR_RETURN(
          std::string content,
          cgroup_internal::StoredWrite(*spec, Stored(node, *spec), value));
      // v1 keeps memory limit <= memory+swap limit (mem_cgroup_resize_max).
      std::string name = spec->name;
      if (name == "memory.limit_in_bytes" ||
          name == "memory.memsw.limit_in_bytes") {
        bool memsw = name == "memory.memsw.limit_in_bytes";
        const FileSpec* other = FindFile(
            h, node,
            memsw ? "memory.limit_in_bytes" : "memory.memsw.limit_in_bytes");
        uint64_t mine = cgroup_internal::V1MemoryBytes(content);
        uint64_t theirs = cgroup_internal::V1MemoryBytes(Stored(node, *other));
        if (memsw ? mine < theirs : mine > theirs) {
          return ErrnoError(
              EINVAL, absl::StrCat(where, ": memory limit above memsw limit"));
        }
      }
      node.contents[spec->name] = std::move(content);
      break;
    }
  }
  if (!status.ok()) return status;
  node.writes[spec->name].push_back(std::string(value));
  return absl::OkStatus();
}

std::vector<std::string> CgroupModel::Writes(absl::string_view path,
                                             absl::string_view file) const {
  absl::StatusOr<Location> loc = Find(path);
  if (!loc.ok()) return {};
  auto it = loc->node->writes.find(file);
  return it == loc->node->writes.end() ? std::vector<std::string>{}
                                       : it->second;
}

absl::Status CgroupModel::WriteSubtreeControl(Hierarchy& h, Node& node,
                                              absl::string_view value) {
  const std::vector<std::string>& known = cgroup_internal::V2Controllers();
  std::set<std::string> enable;
  std::set<std::string> disable;
  for (absl::string_view tok :
       absl::StrSplit(value, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    std::string name(tok.substr(1));
    if ((tok[0] != '+' && tok[0] != '-') ||
        !absl::c_linear_search(known, name)) {
      return ErrnoError(EINVAL,
                        absl::StrCat("cgroup.subtree_control: \"", tok, "\""));
    }
    (tok[0] == '+' ? enable : disable).insert(name);
    (tok[0] == '+' ? disable : enable).erase(name);
  }
  const std::vector<std::string>& available = Available(h, node);
  for (const std::string& c : enable) {
    if (!absl::c_linear_search(available, c)) {
      return ErrnoError(ENOENT, absl::StrCat("cgroup.subtree_control: \"+", c,
                                             "\" not available"));
    }
  }
  for (const std::string& c : disable) {
    for (const auto& [name, child] : node.children) {
      if (absl::c_linear_search(child->subtree_control, c)) {
        return ErrnoError(EBUSY,
                          absl::StrCat("cgroup.subtree_control: \"-", c,
                                       "\" enabled in child \"", name, "\""));
      }
    }
  }
  bool adds = absl::c_any_of(enable, [&](const std::string& c) {
    return !absl::c_linear_search(node.subtree_control, c);
  });
  // No internal processes: a non-root cgroup with members cannot hand
  // domain controllers to children.
  if (adds && !node.is_root() && !node.procs.empty()) {
    return ErrnoError(EBUSY, "cgroup.subtree_control: cgroup has processes");
  }
  std::vector<std::string> result;
  for (const std::string& c : known) {
    bool on = absl::c_linear_search(node.subtree_control, c);
    if ((on || enable.count(c)) && !disable.count(c)) result.push_back(c);
  }
  // Disabled controllers' files vanish from the children; enabling again
  // starts from the defaults, as on Linux.
  for (const std::string& c : disable) {
    for (auto& [name, child] : node.children) {
      std::string prefix = absl::StrCat(c, ".");
      for (auto it = child->contents.begin(); it != child->contents.end();) {
        it = absl::StartsWith(it->first, prefix) ? child->contents.erase(it)
                                                 : std::next(it);
      }
    }
  }
  node.subtree_control = std::move(result);
  return absl::OkStatus();
}

absl::Status CgroupModel::WriteDevices(Node& node, absl::string_view value,
                                       bool allow) {
  ASSIGN_OR_RETURN(DeviceRule rule, ParseDeviceRule(value));
  if (rule.type == 'a') {
    // Changing the default behaviour needs a childless cgroup, and allowing
    // everything a parent that allows everything (devcgroup_update_access).
    if (!node.children.empty()) {
      return ErrnoError(EINVAL, "devices: cgroup has children");
    }
    if (allow && node.parent != nullptr && !node.parent->devices_allow_all) {
      return ErrnoError(EPERM, "devices.allow a: parent denies");
    }
    node.devices_allow_all = allow;
    node.device_rules.clear();
    return absl::OkStatus();
  }
  auto same = absl::c_find_if(node.device_rules, [&](const DeviceRule& r) {
    return r.SameDevice(rule);
  });
  // An exception is the opposite of the default: allowing under "allow all"
  // (or denying under "deny all") removes access from an exception.
  if (allow == node.devices_allow_all) {
    if (same != node.device_rules.end()) {
      same->access = AccessMinus(same->access, rule.access);
      if (same->access.empty()) node.device_rules.erase(same);
    }
    return absl::OkStatus();
  }
  if (allow && node.parent != nullptr && !node.parent->devices_allow_all &&
      !absl::c_any_of(node.parent->device_rules,
                      [&](const DeviceRule& r) { return r.Covers(rule); })) {
    return ErrnoError(
        EPERM, absl::StrCat("devices.allow \"", value, "\": parent denies"));
  }
  if (same != node.device_rules.end()) {
    same->access = AccessUnion(same->access, rule.access);
  } else {
    node.device_rules.push_back(rule);
  }
  return absl::OkStatus();
}

absl::Status CgroupModel::Kill(Node& node) {
  if (kill_ == nullptr) {
    return absl::UnimplementedError(
        "fake: cgroup.kill without a kill callback");
  }
  for (Pid pid : SubtreePids(node)) kill_(pid);
  return absl::OkStatus();
}

absl::Status CgroupModel::SimulateOomKill(absl::string_view path) {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  Node& node = *loc.node;
  const bool memory =
      loc.h->version == CgroupVersion::kV1
          ? loc.h->Has("memory")
          : !node.is_root() &&
                absl::c_linear_search(Available(*loc.h, node), "memory");
  if (!memory) {
    return ErrnoError(
        ENOENT, absl::StrCat("cgroup \"", path, "\": no memory controller"));
  }
  std::vector<Pid> pids = SubtreePids(node);
  if (pids.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cgroup \"", path, "\" has no process to OOM-kill"));
  }
  ++node.oom_kills;
  for (Node* n = &node; n != nullptr; n = n->parent) ++n->oom_kills_subtree;
  if (kill_ != nullptr) kill_(pids.back());
  return absl::OkStatus();
}

absl::Status CgroupModel::AddProcess(absl::string_view path, Pid pid) {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  if (loc.h->version == CgroupVersion::kV2 && !loc.node->is_root() &&
      !loc.node->subtree_control.empty()) {
    return ErrnoError(EBUSY, absl::StrCat("cgroup.procs of \"", path,
                                          "\": controllers enabled for "
                                          "children"));
  }
  Join(*loc.h, *loc.node, pid);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Pid>> CgroupModel::Processes(
    absl::string_view path) const {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  return std::vector<Pid>(loc.node->procs.begin(), loc.node->procs.end());
}

absl::StatusOr<std::vector<std::string>> CgroupModel::Children(
    absl::string_view path) const {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  std::vector<std::string> out;
  for (const auto& [name, child] : loc.node->children) out.push_back(name);
  return out;
}

absl::Status CgroupModel::CheckFork(Pid parent) const {
  for (const auto& h : hierarchies_) {
    if (h->version == CgroupVersion::kV1 && !h->Has("pids")) continue;
    auto it = h->members.find(parent);
    if (it == h->members.end()) continue;
    for (const Node* n = it->second; !n->is_root(); n = n->parent) {
      auto limit = n->contents.find("pids.max");
      if (limit == n->contents.end()) continue;
      int64_t max = 0;
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(limit->second), &max)) {
        continue;  // "max".
      }
      if (static_cast<int64_t>(SubtreePids(*n).size()) + 1 > max) {
        return ErrnoError(EAGAIN,
                          absl::StrCat("fork: pids.max of cgroup \"",
                                       AbsolutePath(*h, *n), "\" reached"));
      }
    }
  }
  return absl::OkStatus();
}

void CgroupModel::OnSpawn(Pid parent, Pid child) {
  for (const auto& h : hierarchies_) {
    auto it = h->members.find(parent);
    Join(*h, it != h->members.end() ? *it->second : h->root, child);
  }
}

void CgroupModel::OnExit(Pid pid) {
  for (const auto& h : hierarchies_) {
    auto it = h->members.find(pid);
    if (it == h->members.end()) continue;
    it->second->procs.erase(pid);
    h->members.erase(it);
  }
}

bool CgroupModel::IsFrozen(Pid pid) const {
  for (const auto& h : hierarchies_) {
    auto it = h->members.find(pid);
    if (it == h->members.end()) continue;
    if (h->version == CgroupVersion::kV2 && FrozenV2(*it->second)) return true;
    if (h->Has("freezer") && FrozenV1(*it->second)) return true;
  }
  return false;
}

std::vector<std::string> CgroupModel::AllPaths() const {
  std::vector<std::string> out;
  for (const auto& h : hierarchies_) CollectPaths(*h, h->root, out);
  return out;
}

absl::Status CgroupModel::AttachDeviceProgram(absl::string_view path,
                                              absl::Span<const uint8_t> program,
                                              absl::string_view license) {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  if (loc.h->version != CgroupVersion::kV2) {
    return ErrnoError(EBADF, absl::StrCat("bpf: cgroup \"", path,
                                          "\" is not a cgroup v2 directory"));
  }
  RETURN_IF_ERROR(CheckDeviceProgram(program));
  (void)license;  // Only GPL-only helpers care; device filters call none.
  loc.node->device_program.assign(program.begin(), program.end());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> CgroupModel::DeviceProgram(
    absl::string_view path) const {
  ASSIGN_OR_RETURN(Location loc, Find(path));
  return loc.node->device_program;
}

bool CgroupModel::DeviceAllowed(Pid pid, const DeviceAccess& access) const {
  for (const auto& h : hierarchies_) {
    if (h->version != CgroupVersion::kV2) continue;
    auto it = h->members.find(pid);
    const Node* node = it == h->members.end() ? &h->root : it->second;
    for (const Node* n = node; n != nullptr; n = n->parent) {
      if (n->device_program.empty()) continue;
      absl::StatusOr<bool> allowed =
          RunDeviceProgram(n->device_program, access);
      // Attach checked the program; a run-time fault denies, as a verifier
      // would never have let it load.
      if (!allowed.ok() || !*allowed) return false;
    }
  }
  return true;
}

std::vector<std::string> CgroupModel::CgroupLines(Pid pid) const {
  std::vector<const Hierarchy*> order;
  for (const auto& h : hierarchies_) order.push_back(h.get());
  std::sort(
      order.begin(), order.end(),
      [](const Hierarchy* a, const Hierarchy* b) { return a->id > b->id; });
  std::vector<std::string> out;
  for (const Hierarchy* h : order) {
    auto it = h->members.find(pid);
    std::string path = it == h->members.end() ? "/" : RelativePath(*it->second);
    std::string controllers = h->version == CgroupVersion::kV2
                                  ? ""
                                  : absl::StrJoin(h->controllers, ",");
    out.push_back(absl::StrCat(h->id, ":", controllers, ":", path));
  }
  return out;
}

}  // namespace runbox::fake
