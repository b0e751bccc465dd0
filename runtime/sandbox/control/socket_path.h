// Socket paths longer than sun_path (108 bytes with its NUL). The control
// socket lives at <root>/<container-id>/ctl.sock, and container IDs may be
// up to 1024 bytes long, so a bind or connect by full path would fail
// ENAMETOOLONG; this file reaches such a socket through its directory.
// Used by client.cc (connect) and server.cc (bind).
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_SOCKET_PATH_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_SOCKET_PATH_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox::control {

// Longest path bind/connect take directly: sun_path less its NUL.
inline constexpr size_t kMaxDirectSocketPath = 107;

// Calls `op` with `path` itself when it fits in sun_path. Otherwise changes
// the working directory to the path's directory (through an O_PATH fd),
// calls `op` with the base name, and changes back to the previous working
// directory (also through an O_PATH fd, so a cwd we may not read or that
// was renamed meanwhile still comes back).
//
// Why the working directory: the usual alternative, "/proc/self/fd/N/name"
// with N an fd of the directory, needs /proc mounted, which neither a fresh
// mount namespace nor the fake kernel guarantees. The cost is that the cwd
// is process-wide: this is safe only because every runbox process (the
// CLI, the supervisor's poll loop) is single-threaded; do not call it while
// another thread may resolve relative paths.
//
// The result is `op`'s status; if the cwd cannot be put back, that error
// wins, as the process would go on resolving paths from the wrong place.
absl::Status AtSocketPath(
    Host& host, absl::string_view path,
    absl::FunctionRef<absl::Status(absl::string_view name)> op);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_SOCKET_PATH_H_
