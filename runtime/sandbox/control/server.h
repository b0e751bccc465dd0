// The supervisor's side of the control socket: the listening socket
// (ctl.sock, mode 0600 from birth) and a small poll-driven serve loop over
// ControlConnection (connection.h) for tests and simple servers. The
// supervisor runs its own poll loop over the same pieces, adding its
// signalfd and pipes.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_SERVER_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_SERVER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/sandbox/control/connection.h"
#include "runtime/sandbox/control/messages.h"

namespace runbox::control {

// Connections that may wait for Accept.
inline constexpr int kListenBacklog = 64;

// socket(2), bind(2) to `path` (which may be longer than sun_path, see
// socket_path.h) with mode 0600, listen(2). EADDRINUSE if `path` exists:
// removing a stale socket is the caller's decision.
//
// The umask is set to 0177 around bind and put back after: bind creates the
// socket file with 0777 less the umask, and fchmod on a socket fd changes
// the socket's own inode, not the file, so the mode must be right at
// creation. chmod by path afterwards would leave a window in which another
// user could connect (and a connection, once made, survives the chmod).
// The umask is process-wide; runbox processes are single-threaded.
absl::StatusOr<Fd> ListenControl(Host& host, const std::string& path);

// What the supervisor does with a request. `request.fds` are the caller's to
// keep or drop.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual Response Handle(Host& host, IncomingRequest request) = 0;
};

// accept(2) on `listener` (blocking) and a ControlConnection for the new
// connection (peer checked by `check`).
absl::StatusOr<ControlConnection> AcceptControl(Host& host, const Fd& listener,
                                                const PeerCheck& check);

// Accepts one connection and serves its requests, one at a time, until the
// peer hangs up or breaks the protocol (which it is told). OK in both
// cases; an error only when accept or the peer check fails.
absl::Status ServeOnce(Host& host, const Fd& listener, RequestHandler& handler,
                       const PeerCheck& check);

// Serves every connection to `listener` concurrently through Poll, handling
// each request synchronously, until `stop()` is true (checked after each
// round of events). A misbehaving or refused peer is told why and
// dropped; the loop goes on. Returns an error only when Poll or accept(2)
// fails (EMFILE...).
absl::Status ServeLoop(Host& host, const Fd& listener, RequestHandler& handler,
                       const PeerCheck& check,
                       const std::function<bool()>& stop);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_SERVER_H_
