// StateLayout: where runbox keeps container state under --root (DESIGN.md
// "State and locking"). Names and modes only; creating, locking and
// removing them is state_store.h's and lock.h's job.
//
//   <root>/                 0700, default /run/runbox
//   <root>/.runbox.lock     the root lock file (never removed)
//   <root>/<id>/            0700; `flock`(2) on this directory is the
//                           container lock (lock.h)
//   <root>/<id>/meta.json   0600, Meta (meta.h)
//   <root>/<id>/ctl.sock    0600, the supervisor's control socket
//   <root>/<id>/exit-status 0600, init's durable wait status (exit_record.h)
//   <root>/<id>/resources.json 0600, linux.resources after `update`
//   <root>/<id>/config.json 0600, the config the container was created
//                           with (runtime.md: later edits of the bundle's
//                           config.json do not affect the container)
//
// Entries of the root that are not valid container IDs, or are IDs without
// a meta.json, are not runbox containers: dockerd may keep runc's state in
// the same root. Listing skips them and nothing else touches them.
#ifndef RUNBOX_RUNTIME_STATE_LAYOUT_H_
#define RUNBOX_RUNTIME_STATE_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace runbox {

inline constexpr absl::string_view kDefaultStateRoot = "/run/runbox";

class StateLayout {
 public:
  static constexpr uint32_t kRootMode = 0700;
  static constexpr uint32_t kContainerDirMode = 0700;
  static constexpr uint32_t kFileMode = 0600;
  static constexpr uint32_t kSocketMode = 0600;

  static constexpr absl::string_view kRootLockFile = ".runbox.lock";
  static constexpr absl::string_view kMetaFile = "meta.json";
  static constexpr absl::string_view kControlSocket = "ctl.sock";
  static constexpr absl::string_view kExitStatusFile = "exit-status";
  // The resources of the last `update` (runtime/container).
  static constexpr absl::string_view kResourcesFile = "resources.json";
  // The config.json create validated; delete, exec and update read it.
  static constexpr absl::string_view kConfigFile = "config.json";
  // A larger copy is refused unread (create's bound on config.json).
  static constexpr size_t kMaxConfigBytes = 4 << 20;

  explicit StateLayout(std::string root = std::string(kDefaultStateRoot));

  const std::string& root() const { return root_; }
  std::string RootLockPath() const;
  // <root>/<id>; `id` must be valid (container_id.h).
  std::string ContainerDir(absl::string_view id) const;
  std::string MetaPath(absl::string_view id) const;
  // May exceed sun_path's 108 bytes for long roots and IDs: bind and
  // connect relative to the container directory's fd, not by this path.
  std::string ControlSocketPath(absl::string_view id) const;
  std::string ExitStatusPath(absl::string_view id) const;
  // "<id>/meta.json": paths relative to the root directory's fd.
  static std::string RelativeMetaPath(absl::string_view id);

 private:
  std::string root_;
};

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_LAYOUT_H_
