// AF_UNIX sockets (see unix_socket.h). Each connected socket owns its
// receive queue and holds a weak reference to its peer, so dropping one end
// is visible to the other without a shared connection object.
#include "fakes/ipc/unix_socket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hostapi/status.h"

namespace runbox::fake {

UnixSocket::UnixSocket(PassKey, SocketType type, bool nonblocking)
    : OpenFile(nonblocking ? OpenFlags::kReadWrite | OpenFlags::kNonBlock
                           : OpenFlags::kReadWrite),
      type_(type) {}

std::shared_ptr<UnixSocket> UnixSocket::Create(SocketType type,
                                               bool nonblocking) {
  return std::make_shared<UnixSocket>(PassKey(), type, nonblocking);
}

std::pair<std::shared_ptr<UnixSocket>, std::shared_ptr<UnixSocket>>
UnixSocket::CreatePair(SocketType type, SocketCredentials a,
                       SocketCredentials b) {
  auto first = Create(type, /*nonblocking=*/false);
  auto second = Create(type, /*nonblocking=*/false);
  first->state_ = second->state_ = State::kConnected;
  first->own_creds_ = second->peer_creds_ = a;
  second->own_creds_ = first->peer_creds_ = b;
  first->peer_ = second;
  second->peer_ = first;
  return {std::move(first), std::move(second)};
}

UnixSocket::~UnixSocket() {
  if (state_ != State::kConnected) return;
  // unix_release_sock: the peer is shut down both ways, and told about the
  // reset if data it sent was never read or the connection never accepted.
  // Pending connections of a listener die as members are destroyed, each
  // through this same path.
  if (std::shared_ptr<UnixSocket> peer = peer_.lock()) {
    peer->rcv_shutdown_ = true;
    peer->send_shutdown_ = true;
    if (!queue_.empty() || embryo_) peer->pending_error_ = ECONNRESET;
  }
}

absl::Status UnixSocket::Listen(int backlog) {
  if (state_ == State::kConnected) {
    return ErrnoError(EINVAL, "listen on a connected socket");
  }
  // Linux compares the backlog as unsigned, so negative means the maximum.
  if (backlog < 0 || backlog > kMaxListenBacklog) backlog = kMaxListenBacklog;
  state_ = State::kListening;
  backlog_ = backlog;
  return absl::OkStatus();
}

bool UnixSocket::BacklogFull() const {
  // unix_recvq_full: full once more than `backlog` are queued.
  return pending_.size() > static_cast<size_t>(backlog_);
}

absl::Status UnixSocket::Connect(const std::shared_ptr<UnixSocket>& listener,
                                 SocketCredentials client) {
  if (state_ == State::kConnected) return ErrnoError(EISCONN, "connect");
  if (state_ == State::kListening) {
    return ErrnoError(EINVAL, "connect on a listening socket");
  }
  if (listener == nullptr || listener.get() == this) {
    return ErrnoError(ECONNREFUSED, "connect");
  }
  if (listener->type_ != type_) return ErrnoError(EPROTOTYPE, "connect");
  if (!listener->listening()) return ErrnoError(ECONNREFUSED, "connect");
  if (listener->BacklogFull()) {
    return ErrnoError(EAGAIN, "connect: listener backlog full");
  }
  auto server = Create(type_, /*nonblocking=*/false);
  server->inet_ = listener->inet_;
  server->net_namespace_ = listener->net_namespace_;
  server->state_ = State::kConnected;
  server->embryo_ = true;
  server->own_creds_ = listener->own_creds_;
  server->peer_creds_ = client;
  server->peer_ = weak_from_this();
  state_ = State::kConnected;
  own_creds_ = client;
  peer_creds_ = listener->own_creds_;
  peer_ = server;
  listener->pending_.push_back(std::move(server));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<UnixSocket>> UnixSocket::Accept() {
  if (state_ != State::kListening) {
    return ErrnoError(EINVAL, "accept on a socket that is not listening");
  }
  if (pending_.empty()) return ErrnoError(EAGAIN, "accept");
  std::shared_ptr<UnixSocket> server = std::move(pending_.front());
  pending_.pop_front();
  server->embryo_ = false;
  return server;
}

void UnixSocket::Enqueue(Message message) {
  queued_bytes_ += message.bytes.size();
  queue_.push_back(std::move(message));
}

absl::StatusOr<size_t> UnixSocket::Send(
    absl::Span<const char> bytes, std::vector<std::shared_ptr<OpenFile>> fds) {
  if (fds.size() > kMaxFdsPerMessage) {
    return ErrnoError(EINVAL, "sendmsg: too many fds");
  }
  if (state_ != State::kConnected) return ErrnoError(ENOTCONN, "sendmsg");
  if (send_shutdown_) return ErrnoError(EPIPE, "sendmsg");
  std::shared_ptr<UnixSocket> peer = peer_.lock();
  if (peer == nullptr || peer->rcv_shutdown_) {
    return ErrnoError(EPIPE, "sendmsg");
  }
  size_t room =
      kSocketBufferSize - std::min(kSocketBufferSize, peer->queued_bytes_);
  if (type_ == SocketType::kStream) {
    if (bytes.empty()) return 0;
    if (room == 0) return ErrnoError(EAGAIN, "sendmsg: peer queue full");
    size_t n = std::min(room, bytes.size());
    peer->Enqueue(Message{std::string(bytes.data(), n), 0, std::move(fds)});
    return n;
  }
  if (bytes.size() > kSocketBufferSize) {
    return ErrnoError(EMSGSIZE, "sendmsg: message larger than the buffer");
  }
  if (bytes.size() > room) {
    return ErrnoError(EAGAIN, "sendmsg: peer queue full");
  }
  peer->Enqueue(
      Message{std::string(bytes.data(), bytes.size()), 0, std::move(fds)});
  return bytes.size();
}

void UnixSocket::TakeFds(std::vector<std::shared_ptr<OpenFile>>& from,
                         size_t max_fds, Received& out) {
  for (auto& fd : from) {
    if (out.fds.size() < max_fds) {
      out.fds.push_back(std::move(fd));
    } else {
      out.fds_truncated = true;
    }
  }
  // Dropped fds close here, as the kernel closes them on MSG_CTRUNC.
  from.clear();
}

void UnixSocket::ReceiveStream(size_t max_bytes, size_t max_fds,
                               Received& out) {
  // unix_stream_read_generic: glue messages until the buffer is full, but
  // never read past the end of a message whose fds we took.
  bool took_fds = false;
  while (!queue_.empty() && out.bytes.size() < max_bytes) {
    Message& m = queue_.front();
    if (!m.fds.empty()) {
      TakeFds(m.fds, max_fds, out);
      took_fds = true;
    }
    size_t n =
        std::min(m.bytes.size() - m.offset, max_bytes - out.bytes.size());
    out.bytes.append(m.bytes, m.offset, n);
    m.offset += n;
    queued_bytes_ -= n;
    if (m.offset < m.bytes.size()) break;
    queue_.pop_front();
    if (took_fds) break;
  }
}

void UnixSocket::ReceiveSeqPacket(size_t max_bytes, size_t max_fds,
                                  Received& out) {
  Message m = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= m.bytes.size();
  // The rest of a message longer than the buffer is discarded (MSG_TRUNC).
  m.bytes.resize(std::min(m.bytes.size(), max_bytes));
  out.bytes = std::move(m.bytes);
  TakeFds(m.fds, max_fds, out);
}

absl::StatusOr<UnixSocket::Received> UnixSocket::Receive(size_t max_bytes,
                                                         size_t max_fds) {
  if (state_ != State::kConnected) {
    return ErrnoError(type_ == SocketType::kStream ? EINVAL : ENOTCONN,
                      "recvmsg");
  }
  Received out;
  if (queue_.empty()) {
    // Linux's order: queued data, then the error (once), then EOF.
    if (pending_error_ != 0) {
      return ErrnoError(std::exchange(pending_error_, 0), "recvmsg");
    }
    if (rcv_shutdown_) return out;
    return ErrnoError(EAGAIN, "recvmsg");
  }
  if (max_bytes == 0) return out;
  if (type_ == SocketType::kStream) {
    ReceiveStream(max_bytes, max_fds, out);
  } else {
    ReceiveSeqPacket(max_bytes, max_fds, out);
  }
  return out;
}

absl::StatusOr<SocketCredentials> UnixSocket::PeerCredentials() const {
  switch (state_) {
    case State::kConnected:
      return peer_creds_;
    case State::kListening:
      return own_creds_;
    case State::kUnconnected:
      break;
  }
  return ErrnoError(ENOTCONN, "getsockopt SO_PEERCRED");
}

absl::Status UnixSocket::Shutdown(ShutdownHow how) {
  bool read = how == ShutdownHow::kRead || how == ShutdownHow::kBoth;
  bool write = how == ShutdownHow::kWrite || how == ShutdownHow::kBoth;
  if (read) rcv_shutdown_ = true;
  if (write) send_shutdown_ = true;
  if (state_ != State::kConnected) return absl::OkStatus();
  if (std::shared_ptr<UnixSocket> peer = peer_.lock()) {
    if (read) peer->send_shutdown_ = true;
    if (write) peer->rcv_shutdown_ = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> UnixSocket::Read(absl::Span<char> buf) {
  ASSIGN_OR_RETURN(Received r, Receive(buf.size(), /*max_fds=*/0));
  std::memcpy(buf.data(), r.bytes.data(), r.bytes.size());
  return r.bytes.size();
}

absl::StatusOr<size_t> UnixSocket::Write(absl::Span<const char> bytes) {
  return Send(bytes, {});
}

absl::StatusOr<FileStat> UnixSocket::Stat() const {
  FileStat st;
  st.type = FileType::kSocket;
  st.mode = 0777;
  st.nlink = 1;
  return st;
}

PollEvents UnixSocket::Readiness() const {
  switch (state_) {
    case State::kListening:
      return pending_.empty() ? PollEvents::kNone : PollEvents::kIn;
    case State::kUnconnected:
      return PollEvents::kOut | PollEvents::kHup;
    case State::kConnected:
      break;
  }
  PollEvents ev = PollEvents::kNone;
  if (pending_error_ != 0) ev |= PollEvents::kErr;
  if (rcv_shutdown_ && send_shutdown_) ev |= PollEvents::kHup;
  if (!queue_.empty() || rcv_shutdown_) ev |= PollEvents::kIn;
  std::shared_ptr<UnixSocket> peer = peer_.lock();
  if (send_shutdown_ || peer == nullptr || peer->rcv_shutdown_ ||
      peer->queued_bytes_ <= kSocketBufferSize / 4) {
    ev |= PollEvents::kOut;
  }
  return ev;
}

}  // namespace runbox::fake
