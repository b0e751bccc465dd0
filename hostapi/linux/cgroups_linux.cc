// LinuxHost's Cgroups: the mounted hierarchies from /proc/self/mountinfo (v1
// controllers from each mount's super options, v2 controllers from
// cgroup.controllers); the rest is mkdir/rmdir/read/write of cgroupfs files.
// Paths are absolute cgroupfs paths chosen by runtime/.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/linux/mountinfo.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::PathError;
using linux_internal::ReadWholeFile;

namespace {

std::string Join(absl::string_view dir, absl::string_view file) {
  return absl::StrCat(absl::StripSuffix(dir, "/"), "/", file);
}

// v1 controller names: the usual ones, plus whatever /proc/cgroups lists on
// this kernel. Other super options (rw, nsdelegate, clone_children,
// release_agent=...) are not controllers.
absl::flat_hash_set<std::string> KnownV1Controllers() {
  absl::flat_hash_set<std::string> names = {
      "cpuset",  "cpu",     "cpuacct", "blkio",      "memory",
      "devices", "freezer", "net_cls", "perf_event", "net_prio",
      "hugetlb", "pids",    "rdma",    "misc",       "debug"};
  absl::StatusOr<std::string> table = ReadWholeFile("/proc/cgroups");
  if (table.ok()) {
    for (absl::string_view line : absl::StrSplit(*table, '\n')) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<absl::string_view> fields =
          absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (!fields.empty()) names.insert(std::string(fields[0]));
    }
  }
  return names;
}

}  // namespace

absl::StatusOr<std::vector<CgroupMount>> LinuxHost::CgroupMounts() {
  constexpr const char* kPath = "/proc/self/mountinfo";
  ASSIGN_OR_RETURN(std::string content, ReadWholeFile(kPath));
  absl::StatusOr<std::vector<MountInfo>> mounts = ParseMountInfo(content);
  if (!mounts.ok()) return Annotate(mounts.status(), kPath);

  std::vector<CgroupMount> out;
  std::optional<absl::flat_hash_set<std::string>> v1_names;
  for (const MountInfo& m : *mounts) {
    if (m.fstype == "cgroup") {
      if (!v1_names.has_value()) v1_names = KnownV1Controllers();
      CgroupMount cg;
      cg.version = CgroupVersion::kV1;
      cg.path = m.mount_point;
      for (absl::string_view opt : absl::StrSplit(m.super_options, ',')) {
        if (absl::StartsWith(opt, "name=") ||
            v1_names->contains(std::string(opt))) {
          cg.controllers.emplace_back(opt);
        }
      }
      out.push_back(std::move(cg));
    } else if (m.fstype == "cgroup2") {
      CgroupMount cg;
      cg.version = CgroupVersion::kV2;
      cg.path = m.mount_point;
      absl::StatusOr<std::string> list =
          ReadWholeFile(Join(m.mount_point, "cgroup.controllers"));
      if (!list.ok()) return list.status();
      for (absl::string_view name :
           absl::StrSplit(*list, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
        cg.controllers.emplace_back(name);
      }
      out.push_back(std::move(cg));
    }
  }
  return out;
}

absl::Status LinuxHost::CgroupCreate(absl::string_view path) {
  std::string p(path);
  int rc = mkdir(p.c_str(), 0755);
  int err = errno;
  if (rc != 0) return PathError(err, "mkdir", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::CgroupRemove(absl::string_view path) {
  std::string p(path);
  int rc = rmdir(p.c_str());
  int err = errno;
  if (rc != 0) return PathError(err, "rmdir", path);
  return absl::OkStatus();
}

absl::StatusOr<std::string> LinuxHost::CgroupRead(absl::string_view path,
                                                  absl::string_view file) {
  return ReadWholeFile(Join(path, file));
}

absl::Status LinuxHost::CgroupWrite(absl::string_view path,
                                    absl::string_view file,
                                    absl::string_view value) {
  std::string p = Join(path, file);
  int fd = open(p.c_str(), O_WRONLY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) return PathError(err, "open", p);
  Fd own = Own(fd);
  // cgroupfs parses each write(2) on its own: the value must go in one.
  while (true) {
    ssize_t n = write(fd, value.data(), value.size());
    err = errno;
    if (n < 0 && err == EINTR) continue;
    if (n < 0) return PathError(err, "write", p);
    if (static_cast<size_t>(n) != value.size()) {
      return PathError(EIO, "short write", p);
    }
    return absl::OkStatus();
  }
}

namespace {

// The cgroup directory itself for an empty `file`.
std::string CgroupFilePath(absl::string_view path, absl::string_view file) {
  return file.empty() ? std::string(path) : Join(path, file);
}

}  // namespace

absl::Status LinuxHost::CgroupChown(absl::string_view path,
                                    absl::string_view file, Uid uid, Gid gid) {
  std::string p = CgroupFilePath(path, file);
  int rc = fchownat(AT_FDCWD, p.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW);
  int err = errno;
  if (rc != 0) return PathError(err, "fchownat", p);
  return absl::OkStatus();
}

absl::StatusOr<CgroupOwner> LinuxHost::CgroupGetOwner(absl::string_view path,
                                                      absl::string_view file) {
  std::string p = CgroupFilePath(path, file);
  struct stat st;
  int rc = fstatat(AT_FDCWD, p.c_str(), &st, AT_SYMLINK_NOFOLLOW);
  int err = errno;
  if (rc != 0) return PathError(err, "fstatat", p);
  return CgroupOwner{.uid = st.st_uid, .gid = st.st_gid};
}

absl::Status LinuxHost::CgroupAddProcess(absl::string_view path, Pid pid) {
  return CgroupWrite(path, "cgroup.procs", absl::StrCat(pid.value));
}

absl::StatusOr<std::vector<Pid>> LinuxHost::CgroupProcesses(
    absl::string_view path) {
  std::string p = Join(path, "cgroup.procs");
  ASSIGN_OR_RETURN(std::string content, ReadWholeFile(p));
  std::vector<Pid> out;
  for (absl::string_view line :
       absl::StrSplit(content, '\n', absl::SkipWhitespace())) {
    int32_t pid = 0;
    if (!absl::SimpleAtoi(line, &pid)) {
      return absl::InvalidArgumentError(
          absl::StrCat(p, ": malformed line \"", line, "\""));
    }
    out.push_back(Pid{pid});
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> LinuxHost::CgroupChildren(
    absl::string_view path) {
  std::string p(path);
  int fd = open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) return PathError(err, "open", path);
  Fd dir = Own(fd);
  absl::StatusOr<std::vector<DirEntry>> entries = ReadDir(dir);
  if (!entries.ok()) return Annotate(entries.status(), p);
  std::vector<std::string> out;
  for (DirEntry& e : *entries) {
    if (e.type == FileType::kDirectory) out.push_back(std::move(e.name));
  }
  return out;
}

}  // namespace runbox
