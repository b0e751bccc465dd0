// Control groups. cgroupfs is made of files, but it gets its own concern so
// the simulated kernel can model hierarchies, controllers, membership and
// freezing (and so a fault plan can target cgroup calls). Paths are absolute
// cgroupfs paths ("/sys/fs/cgroup/memory/runbox/web"); runtime/ builds them
// from the hierarchies that CgroupMounts reports, for v1, v2 and hybrid.
#ifndef RUNBOX_HOSTAPI_CGROUPS_H_
#define RUNBOX_HOSTAPI_CGROUPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hostapi/types.h"

namespace runbox {

enum class CgroupVersion { kV1, kV2 };

// A mounted cgroup hierarchy, from /proc/self/mountinfo.
struct CgroupMount {
  CgroupVersion version = CgroupVersion::kV2;
  std::string path;  // Mount point, e.g. "/sys/fs/cgroup/memory".
  // v1: the controllers bound to it ("cpu", "cpuacct", "name=systemd"); v2:
  // the controllers its root offers (cgroup.controllers).
  std::vector<std::string> controllers;
};

// The owner of a cgroup directory or control file.
struct CgroupOwner {
  Uid uid = 0;
  Gid gid = 0;
  bool operator==(const CgroupOwner&) const = default;
};

class Cgroups {
 public:
  virtual ~Cgroups() = default;

  virtual absl::StatusOr<std::vector<CgroupMount>> CgroupMounts() = 0;
  // mkdir(2) of a cgroup directory (EEXIST if present; parents must exist).
  virtual absl::Status CgroupCreate(absl::string_view path) = 0;
  // rmdir(2) of a cgroup: EBUSY while it has processes or children.
  virtual absl::Status CgroupRemove(absl::string_view path) = 0;
  // Reads or writes one control file (`file` is a name like "memory.max").
  virtual absl::StatusOr<std::string> CgroupRead(absl::string_view path,
                                                 absl::string_view file) = 0;
  virtual absl::Status CgroupWrite(absl::string_view path,
                                   absl::string_view file,
                                   absl::string_view value) = 0;
  // Moves a process into the cgroup (writes cgroup.procs).
  virtual absl::Status CgroupAddProcess(absl::string_view path, Pid pid) = 0;
  // Pids in the cgroup itself (cgroup.procs), not its children.
  virtual absl::StatusOr<std::vector<Pid>> CgroupProcesses(
      absl::string_view path) = 0;
  // Child cgroup names of `path`.
  virtual absl::StatusOr<std::vector<std::string>> CgroupChildren(
      absl::string_view path) = 0;
  // The cgroup v2 device controller: `bpf`(2) BPF_PROG_LOAD of `program`
  // (raw struct bpf_insn records, BPF_PROG_TYPE_CGROUP_DEVICE, `license`),
  // then BPF_PROG_ATTACH to the v2 cgroup at `path` as BPF_CGROUP_DEVICE
  // with BPF_F_ALLOW_MULTI, then BPF_PROG_DETACH of every device program
  // that was attached to that cgroup before (BPF_PROG_QUERY), so a second
  // call replaces the first, with no moment without a filter. Programs of
  // ancestors stay and still apply: an access needs every one to allow it.
  // The program returns 0 to refuse (the open or mknod fails EPERM). ENOENT
  // for a missing cgroup, EBADF for a v1 cgroup, EINVAL for a program the
  // verifier rejects, EPERM without CAP_SYS_ADMIN (or CAP_BPF).
  virtual absl::Status CgroupAttachDeviceFilter(
      absl::string_view path, absl::Span<const uint8_t> program,
      absl::string_view license) = 0;
  // `chown`(2) of the cgroup directory `path` (`file` empty) or of its
  // control file `file` (no symlinks are followed), for delegating a cgroup
  // to a container's root (config-linux.md "Cgroup Ownership"). ENOENT for a
  // missing cgroup or file, EPERM without CAP_CHOWN.
  virtual absl::Status CgroupChown(absl::string_view path,
                                   absl::string_view file, Uid uid,
                                   Gid gid) = 0;
  // Who owns the same (`stat`(2)). ENOENT for a missing cgroup or file.
  virtual absl::StatusOr<CgroupOwner> CgroupGetOwner(
      absl::string_view path, absl::string_view file) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_CGROUPS_H_
