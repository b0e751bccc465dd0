// How `runbox create` boots the supervisor and the supervisor boots init:
// the fixed fd numbers each receives and its command line. Both sides of
// each hand-off use these, so they cannot drift apart.
//
//   create ──spawn──▶ supervise  fds: 0-2 stdio, 3 report socket, 4 runbox
//                                exe for init (sealed memfd), 5 config.json
//                                (memfd), 6 the container lock, 7 the
//                                console socket connection (only with
//                                --console-socket), 8.. preserved fds
//   supervise ──spawn──▶ init   fds: 0-2 stdio, 3.. preserved fds, then
//                                the sync socket, config.json and the
//                                console socket connection (if any)
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
// Connected by create (runbox is the socket's client, as runc is), so a
// bad --console-socket fails create before the supervisor exists.
inline constexpr int kSupervisorConsoleFd = 7;
inline constexpr int kSupervisorFirstPreservedFd = 8;
// The container's own fds: stdio, then preserved fds from 3 (runc's rule).
inline constexpr int kFirstPreservedFd = 3;

struct SuperviseArgs {
  std::string id;
  std::string root;    // The state root (--root).
  std::string bundle;  // Absolute.
  // Non-empty: fd kSupervisorConsoleFd is connected to this path ("-":
  // to `runbox run` itself, which relays a foreground terminal).
  std::string console_socket;
  bool no_pivot = false;
  // --no-new-keyring: init keeps the inherited session keyring instead of
  // joining "_ses.<id>" (keyring.h).
  bool no_new_keyring = false;
  int preserve_fds = 0;

  std::vector<std::string> ToArgs() const;  // After "supervise".
  static absl::StatusOr<SuperviseArgs> Parse(
      const std::vector<std::string>& args);
};

struct InitArgs {
  std::string id;
  std::string bundle;
  bool no_pivot = false;
  bool no_new_keyring = false;  // As SuperviseArgs's.
  int preserve_fds = 0;
  int sync_fd = -1;    // Seqpacket socket to the supervisor.
  int config_fd = -1;  // config.json as create validated it.
  // The --console-socket connection, when process.terminal asks for a
  // console: init sends the pty master over it.
  int console_socket_fd = -1;
  // `runbox exec`: config_fd holds a config.json of the exec'd process and
  // the container's linux object (container_exec.cc), sync_fd is a pipe
  // that says "go" once the caller has put us into the container's cgroups,
  // and `rootfs` is the container's root to enter.
  bool exec = false;
  std::string rootfs;
  // Exec only: the session keyring to join by name ("_ses.<id>"); empty
  // when the container was created with --no-new-keyring.
  std::string session_keyring;
  // Exec only: the write end of a pipe that gets the error when init
  // cannot exec the process; the exec itself closes it (init keeps a
  // close-on-exec copy), so EOF alone means the program runs.
  int report_fd = -1;

  std::vector<std::string> ToArgs() const;  // After "init".
  static absl::StatusOr<InitArgs> Parse(const std::vector<std::string>& args);
};

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_BOOT_H_
