// The client side of the control socket, used by the runbox CLI: connect to
// a supervisor's ctl.sock and make one call (a request frame, with fds,
// then its response frame). Message rules are messages.h's; the
// supervisor's side is connection.h / server.h.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_CLIENT_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hostapi/host.h"
#include "runtime/sandbox/control/messages.h"

namespace runbox::control {

// socket(2) + connect(2) to the control socket at `socket_path`, which may
// be longer than sun_path (see socket_path.h). When nobody serves it the
// error keeps connect's errno (ENOENT: no socket file; ECONNREFUSED: a
// socket file whose supervisor is gone) and says so:
// `control socket "/run/runbox/web/ctl.sock": the supervisor is not
// running: connect "ctl.sock": ECONNREFUSED (Connection refused)`.
absl::StatusOr<Fd> ConnectControl(Host& host, const std::string& socket_path);

// One call on a connection from ConnectControl: sends `request` as a frame
// (looping over short sends; `fds` travel with the first chunk, at most
// kMaxFrameFds), then reads one response frame, collecting any fds sent
// with it into `received_fds` (closed when null).
//
// The returned status is about transport: an error here means the call
// could not be made or answered (EPIPE, a malformed reply, the supervisor
// closing without a reply, DeadlineExceeded once `timeout` has passed
// without a complete reply). An error the supervisor reports comes back as
// a Response with ok == false; StatusOf turns it into a Status with the
// supervisor's code and errno.
//
// `timeout` bounds the wait for the reply (through Poll); nullopt waits as
// long as the supervisor takes (`wait` may take forever by design).
// Requests are validated (ValidateRequest) before anything is sent.
absl::StatusOr<Response> Call(
    Host& host, const Fd& conn, const Request& request,
    absl::Span<const Fd* const> fds = {},
    std::vector<Fd>* received_fds = nullptr,
    std::optional<absl::Duration> timeout = std::nullopt);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_CLIENT_H_
