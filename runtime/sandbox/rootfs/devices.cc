// Device nodes and /dev symlinks; see devices.h.
#include "runtime/sandbox/rootfs/devices.h"

#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/rootfs/safe_path.h"

namespace runbox::rootfs {
namespace {

spec::LinuxDevice CharDevice(const char* path, int64_t major, int64_t minor) {
  return {.type = spec::DeviceType::kChar,
          .path = path,
          .major = major,
          .minor = minor,
          .file_mode = 0666,
          .uid = 0,
          .gid = 0};
}

FileType NodeType(spec::DeviceType type) {
  switch (type) {
    case spec::DeviceType::kBlock:
      return FileType::kBlockDevice;
    case spec::DeviceType::kFifo:
      return FileType::kFifo;
    case spec::DeviceType::kChar:
    case spec::DeviceType::kUnbuffered:
      break;
  }
  return FileType::kCharDevice;
}

// "/dev/net/tun" -> ("/dev/net", "tun").
std::pair<std::string, std::string> DirAndName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

// What runc does where `mknod`(2) is refused: an empty file with the
// host's node bound on it.
absl::Status BindHostDevice(Host& host, const Fd& root,
                            const spec::LinuxDevice& device) {
  ASSIGN_OR_RETURN(Fd target,
                   OpenMountTarget(host, root, device.path, TargetKind::kFile));
  ASSIGN_OR_RETURN(Fd source, host.OpenAt(Fd::Cwd(), device.path,
                                          {.flags = OpenFlags::kPath}));
  return host.Mount(ProcFdPath(source), ProcFdPath(target), "bind",
                    MountFlags::kBind, "");
}

}  // namespace

std::vector<spec::LinuxDevice> DevicesToCreate(const spec::Config& config) {
  std::vector<spec::LinuxDevice> out = {
      CharDevice("/dev/null", 1, 3),    CharDevice("/dev/zero", 1, 5),
      CharDevice("/dev/full", 1, 7),    CharDevice("/dev/random", 1, 8),
      CharDevice("/dev/urandom", 1, 9), CharDevice("/dev/tty", 5, 0),
  };
  if (!config.linux) return out;
  for (const spec::LinuxDevice& device : config.linux->devices) {
    bool replaced = false;
    for (spec::LinuxDevice& d : out) {
      if (d.path == device.path) {
        d = device;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(device);
  }
  return out;
}

absl::Status CreateDevice(Host& host, const Fd& root,
                          const spec::LinuxDevice& device) {
  const std::string what = absl::StrCat("create device \"", device.path, "\"");
  auto [dir_path, name] = DirAndName(device.path);
  if (name.empty() || name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrCat(what, ": bad path"));
  }
  absl::StatusOr<Fd> dir = MkdirAllInRoot(host, root, dir_path, 0755);
  if (!dir.ok()) return Annotate(dir.status(), what);
  const uint32_t mode = device.file_mode.value_or(0666) & 07777;
  // The mode is the config's, not less our umask.
  const uint32_t old_umask = host.Umask(0);
  absl::Status made = host.MknodAt(*dir, name, NodeType(device.type), mode,
                                   {static_cast<uint32_t>(device.major),
                                    static_cast<uint32_t>(device.minor)});
  host.Umask(old_umask);
  if (IsErrno(made, EEXIST)) {
    // config-linux.md: "If a file already exists at path that does not
    // match the requested device, the runtime MUST generate an error."
    ASSIGN_OR_RETURN(FileStat st,
                     host.StatAt(*dir, name, FollowSymlinks::kNoFollow));
    const bool same_node =
        st.type == NodeType(device.type) &&
        (device.type == spec::DeviceType::kFifo ||
         (st.rdev.major == static_cast<uint32_t>(device.major) &&
          st.rdev.minor == static_cast<uint32_t>(device.minor)));
    if (!same_node) {
      return ErrnoError(
          EEXIST, absl::StrCat(what, ": a ", ToString(st.type), " (",
                               st.rdev.major, ":", st.rdev.minor,
                               ") that is not the requested device exists"));
    }
    return absl::OkStatus();
  }
  if (IsErrno(made, EPERM)) {
    return Annotate(BindHostDevice(host, root, device), what);
  }
  if (!made.ok()) return Annotate(made, what);
  const Uid uid = device.uid.value_or(0);
  const Gid gid = device.gid.value_or(0);
  if (uid == 0 && gid == 0) return absl::OkStatus();  // mknod made it so.
  // `fchown`(2) needs a real open; O_NONBLOCK and O_NOCTTY keep the open
  // of a device free of side effects, O_NOFOLLOW keeps it on our node.
  absl::StatusOr<Fd> node =
      host.OpenAt(*dir, name,
                  {.flags = OpenFlags::kReadOnly | OpenFlags::kNonBlock |
                            OpenFlags::kNoCtty | OpenFlags::kNoFollow});
  if (!node.ok()) return Annotate(node.status(), absl::StrCat(what, ": chown"));
  return Annotate(host.Fchown(*node, uid, gid), absl::StrCat(what, ": chown"));
}

absl::Status CreateDevSymlinks(Host& host, const Fd& root, bool ptmx,
                               bool core) {
  ASSIGN_OR_RETURN(Fd dev, MkdirAllInRoot(host, root, "/dev", 0755));
  std::vector<std::pair<std::string, std::string>> links = {
      {"/proc/self/fd", "fd"},
      {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"},
  };
  if (core) links.push_back({"/proc/kcore", "core"});
  if (ptmx) {
    absl::Status gone = host.UnlinkAt(dev, "ptmx");
    if (!gone.ok() && !IsErrno(gone, ENOENT)) {
      return Annotate(gone, "remove /dev/ptmx");
    }
    links.push_back({"pts/ptmx", "ptmx"});
  }
  for (const auto& [target, name] : links) {
    absl::Status s = host.SymlinkAt(target, dev, name);
    if (!s.ok() && !IsErrno(s, EEXIST)) {
      return Annotate(s, absl::StrCat("symlink /dev/", name));
    }
  }
  return absl::OkStatus();
}

}  // namespace runbox::rootfs
