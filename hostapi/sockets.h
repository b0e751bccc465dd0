// Unix-domain sockets: the control socket, the console socket, and fd passing
// with SCM_RIGHTS. Only AF_UNIX is modelled; paths are file-system paths.
#ifndef RUNBOX_HOSTAPI_SOCKETS_H_
#define RUNBOX_HOSTAPI_SOCKETS_H_

#include <cstddef>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hostapi/fd.h"
#include "hostapi/types.h"

namespace runbox {

enum class SocketType { kStream, kSeqPacket };

struct SocketPairFds {
  Fd first;
  Fd second;
};

struct ReceivedMessage {
  std::string bytes;   // Empty with no fds means the peer closed (stream).
  std::vector<Fd> fds;  // Installed in the caller, close-on-exec.
  bool fds_truncated = false;  // MSG_CTRUNC: more fds were sent than asked.
};

// SO_PEERCRED: who is at the other end, captured at connect time.
struct PeerCredentials {
  Pid pid;
  Uid uid = 0;
  Gid gid = 0;
};

enum class ShutdownHow { kRead, kWrite, kBoth };

class Sockets {
 public:
  virtual ~Sockets() = default;

  // socket(AF_UNIX, type | SOCK_CLOEXEC).
  virtual absl::StatusOr<Fd> Socket(SocketType type) = 0;
  // socketpair(AF_UNIX, type | SOCK_CLOEXEC).
  virtual absl::StatusOr<SocketPairFds> SocketPair(SocketType type) = 0;
  // bind(2) to a path: creates a socket inode (EADDRINUSE if the name
  // exists). Paths longer than sun_path fail ENAMETOOLONG.
  virtual absl::Status Bind(const Fd& socket, absl::string_view path) = 0;
  virtual absl::Status Listen(const Fd& socket, int backlog) = 0;
  // accept4(2) with SOCK_CLOEXEC; blocks until a client connects.
  virtual absl::StatusOr<Fd> Accept(const Fd& socket) = 0;
  // connect(2): ECONNREFUSED when nobody listens, ENOENT when no such path.
  virtual absl::Status Connect(const Fd& socket, absl::string_view path) = 0;
  // sendmsg(2) with MSG_NOSIGNAL (EPIPE, never SIGPIPE) and the fds as
  // SCM_RIGHTS. Stream sockets may send less than all bytes.
  virtual absl::StatusOr<size_t> SendMsg(const Fd& socket,
                                         absl::Span<const char> bytes,
                                         absl::Span<const Fd* const> fds) = 0;
  // recvmsg(2) with MSG_CMSG_CLOEXEC: up to `max_bytes` bytes and
  // `max_fds` fds.
  virtual absl::StatusOr<ReceivedMessage> RecvMsg(const Fd& socket,
                                                  size_t max_bytes,
                                                  size_t max_fds) = 0;
  virtual absl::StatusOr<PeerCredentials> GetPeerCredentials(
      const Fd& socket) = 0;
  virtual absl::Status Shutdown(const Fd& socket, ShutdownHow how) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_SOCKETS_H_
