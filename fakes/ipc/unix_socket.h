// AF_UNIX stream and seqpacket sockets of the simulated kernel: listen,
// connect, accept, transfer with SCM_RIGHTS fds, peer credentials, shutdown.
// Binding and lookup by path belong to the file system (BindSocket,
// FindSocket); SIGPIPE, blocking and fd installation to the kernel. Never
// blocks: EAGAIN means "would block" (see open_file.h). Loopback TCP
// sockets are stream UnixSockets marked inet: the kernel keeps their ports
// (per network namespace) and refuses what TCP cannot do (fd passing).
#ifndef RUNBOX_FAKES_IPC_UNIX_SOCKET_H_
#define RUNBOX_FAKES_IPC_UNIX_SOCKET_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "fakes/open_file.h"
#include "hostapi/sockets.h"
#include "hostapi/types.h"

namespace runbox::fake {

// SO_PEERCRED material. `pid` is in the root pid namespace; the kernel
// translates it for the caller.
struct SocketCredentials {
  Pid pid;
  Uid uid = 0;
  Gid gid = 0;
  bool operator==(const SocketCredentials&) const = default;
};

// Bytes a socket's receive queue holds before senders get EAGAIN
// (net.core.wmem_default on Linux).
inline constexpr size_t kSocketBufferSize = 212992;
// SCM_MAX_FD: more fds in one message fail EINVAL.
inline constexpr size_t kMaxFdsPerMessage = 253;
// net.core.somaxconn: larger (and negative) backlogs are clamped to it.
inline constexpr int kMaxListenBacklog = 4096;

class UnixSocket : public OpenFile,
                   public std::enable_shared_from_this<UnixSocket> {
 public:
  // What Receive returns. Empty bytes and no fds mean end of file.
  struct Received {
    std::string bytes;
    std::vector<std::shared_ptr<OpenFile>> fds;
    bool fds_truncated = false;  // MSG_CTRUNC: fds beyond max_fds dropped.
  };

  // socket(AF_UNIX, type): unconnected, O_RDWR.
  static std::shared_ptr<UnixSocket> Create(SocketType type, bool nonblocking);
  // socketpair(AF_UNIX, type): `a` sees `b`'s credentials as its peer's and
  // the other way round.
  static std::pair<std::shared_ptr<UnixSocket>, std::shared_ptr<UnixSocket>>
  CreatePair(SocketType type, SocketCredentials a, SocketCredentials b);

  // Dropping a connected socket shuts its peer down both ways (the peer
  // reads EOF and writes EPIPE); if it still held unread data, or was never
  // accepted, the peer's next receive on an empty queue fails ECONNRESET
  // once first, as on Linux. Dropping a listener drops its pending
  // connections the same way.
  ~UnixSocket() override;

  SocketType type() const { return type_; }
  // An AF_INET stream socket (loopback TCP) of the network namespace with
  // id `net_namespace` (its creator's). Connections accepted from an inet
  // listener are inet too, of the same namespace.
  bool inet() const { return inet_; }
  void SetInet(uint64_t net_namespace) {
    inet_ = true;
    net_namespace_ = net_namespace;
  }
  uint64_t net_namespace() const { return net_namespace_; }
  // The loopback port an inet socket is bound to; 0 when unbound. The
  // kernel keeps the port table.
  uint16_t port() const { return port_; }
  void SetPort(uint16_t port) { port_ = port; }
  bool listening() const { return state_ == State::kListening; }
  bool connected() const { return state_ == State::kConnected; }

  // The socket's own credentials: the listener side's peer credentials
  // come from here, as of the Connect (the kernel calls this at Listen).
  void SetCredentials(SocketCredentials creds) { own_creds_ = creds; }

  // listen(2): EINVAL when connected. Listening again updates the backlog.
  // Up to backlog + 1 connections may wait for Accept, as on Linux. An
  // unbound socket is the kernel's to refuse (EINVAL).
  absl::Status Listen(int backlog);
  // connect(2) to `listener`, which the kernel found by path: EISCONN if
  // this socket is connected, EINVAL if it listens, EPROTOTYPE on a type
  // mismatch, ECONNREFUSED if `listener` does not listen, EAGAIN while its
  // backlog is full (see BacklogFull). On success this socket is connected
  // to a new server-side socket queued on the listener; `client` becomes
  // that socket's peer credentials, and this socket records the listener's
  // credentials as its peer's.
  absl::Status Connect(const std::shared_ptr<UnixSocket>& listener,
                       SocketCredentials client);
  // accept(2): EINVAL unless listening, EAGAIN with nothing pending. The
  // result is blocking; the kernel sets flags from accept4's.
  absl::StatusOr<std::shared_ptr<UnixSocket>> Accept();
  // Whether a Connect to this listener would fail EAGAIN now. A blocked
  // connector may retry once this turns false (a listener's Readiness has
  // no bit for it).
  bool BacklogFull() const;

  // sendmsg(2) without signals: EINVAL for more than kMaxFdsPerMessage fds,
  // ENOTCONN unless connected, EPIPE after our Shutdown(kWrite) or when the
  // peer is gone or shut down for reading, EAGAIN when the peer's queue is
  // full. Stream sockets may take part of `bytes` (the fds go with it); an
  // empty stream send returns 0 and drops the fds (Linux does). Seqpacket
  // sends one message whole or fails EAGAIN, or EMSGSIZE if it could never
  // fit in kSocketBufferSize.
  absl::StatusOr<size_t> Send(absl::Span<const char> bytes,
                              std::vector<std::shared_ptr<OpenFile>> fds);
  // recvmsg(2): EINVAL (stream) or ENOTCONN (seqpacket) unless connected.
  // With nothing queued: a pending ECONNRESET (once), else EOF (empty
  // result) when the peer is gone or shut down for writing or we shut
  // down for reading, else EAGAIN. Seqpacket returns one message, dropping
  // bytes past max_bytes. Stream joins messages but stops after a message
  // that carried fds; fds arrive with the first byte of their message.
  // Fds past max_fds are dropped and fds_truncated set. max_bytes == 0
  // consumes nothing.
  absl::StatusOr<Received> Receive(size_t max_bytes, size_t max_fds);
  // SO_PEERCRED: ENOTCONN when neither connected nor listening; a listener
  // reports its own credentials, as Linux does.
  absl::StatusOr<SocketCredentials> PeerCredentials() const;
  // shutdown(2): also shuts the peer's opposite direction. Succeeds on an
  // unconnected socket, as on Linux.
  absl::Status Shutdown(ShutdownHow how);

  // read(2)/write(2): Receive/Send without fds (received fds are dropped).
  // Write's EPIPE is where the kernel raises SIGPIPE.
  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;
  absl::StatusOr<size_t> Write(absl::Span<const char> bytes) override;
  // A kSocket with mode 0777.
  absl::StatusOr<FileStat> Stat() const override;
  // Listener: kIn with a connection pending. Unconnected: kOut | kHup (as
  // Linux). Connected: kIn with data or EOF, kOut when the peer's queue is
  // at most a quarter full (Linux's unix_writable) or a send would fail at
  // once, kHup when shut down both ways (the peer closed), kErr with a
  // pending ECONNRESET.
  PollEvents Readiness() const override;

 private:
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  // Use Create/CreatePair; public only for std::make_shared.
  UnixSocket(PassKey, SocketType type, bool nonblocking);

 private:
  enum class State { kUnconnected, kListening, kConnected };

  struct Message {
    std::string bytes;
    size_t offset = 0;  // Bytes already read (stream only).
    std::vector<std::shared_ptr<OpenFile>> fds;
  };

  // Appends `message` to our receive queue.
  void Enqueue(Message message);
  void ReceiveStream(size_t max_bytes, size_t max_fds, Received& out);
  void ReceiveSeqPacket(size_t max_bytes, size_t max_fds, Received& out);
  static void TakeFds(std::vector<std::shared_ptr<OpenFile>>& from,
                      size_t max_fds, Received& out);

  SocketType type_;
  bool inet_ = false;
  uint16_t port_ = 0;
  uint64_t net_namespace_ = 0;
  State state_ = State::kUnconnected;
  SocketCredentials own_creds_;

  // Listening.
  int backlog_ = 0;
  std::deque<std::shared_ptr<UnixSocket>> pending_;

  // Connected.
  std::weak_ptr<UnixSocket> peer_;
  SocketCredentials peer_creds_;
  bool embryo_ = false;  // Queued on a listener, not accepted yet.
  std::deque<Message> queue_;
  size_t queued_bytes_ = 0;  // Unread bytes in queue_.
  bool rcv_shutdown_ = false;
  bool send_shutdown_ = false;
  int pending_error_ = 0;  // sk_err: reported once by Receive.
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_IPC_UNIX_SOCKET_H_
