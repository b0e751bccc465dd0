// How `runbox create` boots the supervisor and the supervisor boots init:
// the fixed fd numbers each receives and its command line. Both sides of
// each hand-off use these, so they cannot drift apart.
//
//   create ──spawn──▶ supervise  fds: 0-2 stdio, 3 report socket, 4 runbox
//                                exe for init (sealed memfd), 5 config.json
//                                (memfd), 6 the container lock, 7..
//                                preserved fds
//   supervise ──spawn──▶ init   fds: 0-2 stdio, 3.. preserved fds, then
//                                the sync socket and config.json
#ifndef RUNBOX_RUNTIME_SANDBOX_BOOT_H_
#define RUNBOX_RUNTIME_SANDBOX_BOOT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace runbox {

inline constexpr int kSupervisorReportFd = 3;
inline constexpr int kSupervisorExeFd = 4;
inline constexpr int kSupervisorConfigFd = 5;
inline constexpr int kSupervisorLockFd = 6;
inline constexpr int kSupervisorFirstPreservedFd = 7;
// The container's own fds: stdio, then preserved fds from 3 (runc's rule).
inline constexpr int kFirstPreservedFd = 3;

struct SuperviseArgs {
  std::string id;
  std::string root;    // The state root (--root).
  std::string bundle;  // Absolute.
  std::string console_socket;
  bool no_pivot = false;
  int preserve_fds = 0;

  std::vector<std::string> ToArgs() const;  // After "supervise".
  static absl::StatusOr<SuperviseArgs> Parse(
      const std::vector<std::string>& args);
};

struct InitArgs {
  std::string id;
  std::string bundle;
  bool no_pivot = false;
  int preserve_fds = 0;
  int sync_fd = -1;    // Seqpacket socket to the supervisor.
  int config_fd = -1;  // config.json as create validated it.
  // The --console-socket connection, when process.terminal asks for a
  // console: init sends the pty master over it.
  int console_socket_fd = -1;
  // `runbox exec`: config_fd holds process.json instead, sync_fd is a pipe
  // that says "go" once the caller has put us into the container's cgroups,
  // and `rootfs` is the container's root to enter.
  bool exec = false;
  std::string rootfs;

  std::vector<std::string> ToArgs() const;  // After "init".
  static absl::StatusOr<InitArgs> Parse(const std::vector<std::string>& args);
};

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_BOOT_H_
