// The container's console (`process.terminal`), as runc does it: a pty
// opened inside the container (its /dev/ptmx, so the container's devpts),
// the master sent over the --console-socket connection with SCM_RIGHTS
// (the message's bytes are the replica's name, "/dev/pts/N"), the replica
// made the process's stdin, stdout and stderr and its controlling terminal,
// and, for init, bind-mounted on /dev/console.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONSOLE_H_
#define RUNBOX_RUNTIME_SANDBOX_CONSOLE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// runc's checks of --console-socket against process.terminal, made before
// any side effect. `detach`: the runtime returns while the container runs
// (create always; run and exec with --detach). A terminal without a socket
// is only possible in the foreground, where the runtime itself holds the
// pty (RelayConsole); a socket without a terminal, or in the foreground,
// is an error.
absl::Status CheckConsoleSocket(bool terminal, absl::string_view console_socket,
                                bool detach);

// Connects to the --console-socket listener (runbox is its client, as runc
// is). The connection goes down to init, which sends the master over it.
absl::StatusOr<Fd> ConnectConsoleSocket(Host& host, absl::string_view path);

enum class ConsoleMount {
  kDevConsole,  // Container init: bind the replica on /dev/console.
  kNone,        // `runbox exec`: the container's /dev/console is init's.
};

// Called in the container's root (after PrepareRootfs, or for exec after
// EnterRootfsForExec). Without `process.terminal` it only closes
// `console_socket`. Otherwise: setsid, a pty from the container's
// /dev/ptmx, consoleSize on it, /dev/console per `mount`, the master over
// `console_socket` (closed afterwards: no host fd reaches the container),
// the replica as fds 0-2 and as controlling terminal.
absl::Status SetupConsole(Host& host, const spec::Process& process,
                          Fd console_socket, ConsoleMount mount);

// The master SetupConsole sent over `connection` (runbox's own end of a
// socket pair, for a terminal in the foreground); an invalid Fd when the
// other end closed without one (the process has no terminal).
absl::StatusOr<Fd> ReceiveConsole(Host& host, const Fd& connection);

// A terminal in the foreground, as runc does it: `in` goes to the pty
// master and the master to `out`, until the container side hangs up
// (every replica closed: the process and its children are gone). End of
// `in` stops only that direction, as runc's copy does. runc also puts a
// terminal `in` in raw mode and forwards SIGWINCH; runbox does not yet.
absl::Status RelayConsole(Host& host, const Fd& master, const Fd& in,
                          const Fd& out);

// The pty replica's name, "/dev/pts/N", from its device number (Unix98
// ptys: majors 136-143, N = (major - 136) * 256 + minor).
absl::StatusOr<std::string> PtyName(Host& host, const Fd& replica);

// Bind-mounts `replica` on /dev/console of the caller's root, creating an
// empty /dev/console file first if there is none. The target is opened
// with RESOLVE_IN_ROOT and O_NOFOLLOW, checked to be a regular file or a
// character device, and mounted through /proc/self/fd: a symlink planted
// at /dev/console (or /dev) cannot redirect the mount (the CVE-2025-52565
// class); it is refused.
absl::Status MountDevConsole(Host& host, const Fd& replica);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_CONSOLE_H_
