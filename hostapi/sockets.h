// Unix-domain sockets: the control socket, the console socket, and fd passing
// with SCM_RIGHTS; paths are file-system paths. Plus loopback IPv4 TCP
// (127.0.0.1 only), enough to show what a network namespace shares.
#ifndef RUNBOX_HOSTAPI_SOCKETS_H_
#define RUNBOX_HOSTAPI_SOCKETS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  std::string bytes;    // Empty with no fds means the peer closed (stream).
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

  // Loopback IPv4 TCP. Listen (an unbound socket gets an ephemeral port),
  // Accept, SendMsg, RecvMsg, Read, Write, Shutdown and Close work on these
  // sockets as on a unix stream socket, except that SendMsg drops the fds
  // (TCP ignores SCM_RIGHTS). Bind/Connect by path
  // fail on them (EINVAL for a short path, else EAFNOSUPPORT), and
  // BindLoopback/ConnectLoopback on a unix socket fail EINVAL.
  // GetPeerCredentials reports pid 0 and the overflow ids (65534). A socket
  // belongs to the network namespace its creator was in.
  //
  // `socket`(AF_INET, SOCK_STREAM | SOCK_CLOEXEC).
  virtual absl::StatusOr<Fd> TcpSocket() = 0;
  // `bind`(2) to 127.0.0.1:port, with SO_REUSEADDR (a port whose listener
  // closed can be bound again at once). EADDRINUSE when a socket listens on
  // the port in the socket's network namespace; EACCES for a port below
  // 1024 without CAP_NET_BIND_SERVICE. Port 0 picks a free ephemeral port.
  // Binding works with the loopback down, but nothing can connect then.
  virtual absl::Status BindLoopback(const Fd& socket, uint16_t port) = 0;
  // `connect`(2) to 127.0.0.1:port in the socket's network namespace:
  // ECONNREFUSED when nobody listens there, ENETUNREACH when the
  // namespace's loopback is down. Blocks until the connection is made.
  virtual absl::Status ConnectLoopback(const Fd& socket, uint16_t port) = 0;
  // `ip link set lo up` in the caller's network namespace (SIOCSIFFLAGS
  // with IFF_UP; a no-op when it is up). A new network namespace starts
  // with its loopback down, so nothing can reach 127.0.0.1 there until
  // this runs (runc does it for the namespaces it creates). EPERM
  // without CAP_NET_ADMIN over the namespace.
  virtual absl::Status BringUpLoopback() = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_SOCKETS_H_
