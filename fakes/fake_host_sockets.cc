// FakeHost's Sockets and Terminal: unix sockets and ptys are the fakes/ipc
// models; this file resolves fds and paths, parks blocking calls, installs
// passed fds and translates peer pids into the caller's namespace. Loopback
// TCP sockets are inet-marked stream UnixSockets, found by port in the
// port table of their network namespace (Impl::net_namespaces).
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fakes/fake_host.h"
#include "fakes/ipc/pty.h"
#include "fakes/ipc/unix_socket.h"
#include "fakes/kernel_impl.h"
#include "hostapi/status.h"

namespace runbox::fake {

#define FAKE_ENTER(call)       \
  Process* self = Enter(call); \
  if (self == nullptr) return DeadError()

namespace {

// sizeof(sockaddr_un::sun_path), which includes the terminating NUL.
constexpr size_t kSunPathMax = 108;

SocketCredentials CredentialsOf(const Process& p) {
  return SocketCredentials{Pid{p.root_pid()}, 0, 0};
}

// Capabilities of the loopback calls (linux/capability.h).
constexpr int kCapNetBindService = 10;
constexpr int kCapNetAdmin = 12;
// net.ipv4.ip_local_port_range's default.
constexpr uint16_t kFirstEphemeralPort = 32768;
constexpr uint16_t kLastEphemeralPort = 60999;

uint64_t NetNamespaceOf(const Process& p) {
  return p.ns_ids[NamespaceIndex(Namespaces::kNet)];
}

// The live sockets bound to `port` (expired entries dropped).
std::vector<std::shared_ptr<UnixSocket>> LiveOnPort(
    FakeKernel::Impl::NetNamespaceState& net, uint16_t port) {
  std::vector<std::shared_ptr<UnixSocket>> live;
  auto it = net.ports.find(port);
  if (it == net.ports.end()) return live;
  std::erase_if(it->second, [&](const std::weak_ptr<UnixSocket>& w) {
    std::shared_ptr<UnixSocket> s = w.lock();
    // A socket bound again elsewhere cannot happen (bind once), but one
    // that is gone leaves an expired entry.
    if (s == nullptr) return true;
    live.push_back(std::move(s));
    return false;
  });
  if (it->second.empty()) net.ports.erase(it);
  return live;
}

std::shared_ptr<UnixSocket> ListenerOn(FakeKernel::Impl::NetNamespaceState& net,
                                       uint16_t port) {
  for (std::shared_ptr<UnixSocket>& s : LiveOnPort(net, port)) {
    if (s->listening()) return s;
  }
  return nullptr;
}

// A free ephemeral port of `net`, or 0 when all are taken.
uint16_t EphemeralPort(FakeKernel::Impl::NetNamespaceState& net) {
  for (uint32_t port = kFirstEphemeralPort; port <= kLastEphemeralPort;
       ++port) {
    if (LiveOnPort(net, static_cast<uint16_t>(port)).empty()) {
      return static_cast<uint16_t>(port);
    }
  }
  return 0;
}

// A sockaddr_un given to a TCP socket: EINVAL when shorter than a
// sockaddr_in (16 bytes), else EAFNOSUPPORT, as inet_bind and
// tcp_v4_pre_connect check.
absl::Status AddressForTcp(absl::string_view path, absl::string_view what) {
  constexpr size_t kSunPathOffset = 2;
  constexpr size_t kSockaddrInSize = 16;
  int err = kSunPathOffset + path.size() + 1 < kSockaddrInSize ? EINVAL
                                                               : EAFNOSUPPORT;
  return ErrnoError(err, absl::StrCat(what, ": a TCP socket"));
}

absl::StatusOr<std::shared_ptr<UnixSocket>> AsSocket(
    const std::shared_ptr<OpenFile>& file) {
  auto socket = std::dynamic_pointer_cast<UnixSocket>(file);
  if (socket == nullptr) return ErrnoError(ENOTSOCK, "not a socket");
  return socket;
}

FakeKernel::Impl::NetNamespaceState& NetNamespace(FakeKernel::Impl& k,
                                                  uint64_t id) {
  auto [it, inserted] = k.net_namespaces.try_emplace(id);
  if (inserted) {
    // The root namespace's loopback is up (the machine booted); a new
    // namespace's starts down.
    it->second.loopback_up =
        id == k.root_ns_ids[NamespaceIndex(Namespaces::kNet)];
  }
  return it->second;
}

absl::Status ListenLoopback(FakeKernel::Impl& k, Process& self,
                            const std::shared_ptr<UnixSocket>& sock,
                            int backlog) {
  FakeKernel::Impl::NetNamespaceState& net =
      NetNamespace(k, sock->net_namespace());
  if (sock->port() == 0 && !sock->listening()) {
    if (sock->connected()) return sock->Listen(backlog);  // EINVAL.
    // inet_autobind: an unbound socket listens on an ephemeral port (of
    // 0.0.0.0 on Linux, so even with the loopback down).
    uint16_t port = EphemeralPort(net);
    if (port == 0) return ErrnoError(EADDRINUSE, "listen: no free port");
    sock->SetPort(port);
    net.ports[port].push_back(sock);
  }
  if (!sock->listening()) {
    for (const std::shared_ptr<UnixSocket>& other :
         LiveOnPort(net, sock->port())) {
      if (other != sock && other->listening()) {
        return ErrnoError(EADDRINUSE,
                          absl::StrCat("listen 127.0.0.1:", sock->port()));
      }
    }
  }
  sock->SetCredentials(CredentialsOf(self));
  return sock->Listen(backlog);
}

}  // namespace

absl::StatusOr<Fd> FakeHost::Socket(SocketType type) {
  FAKE_ENTER("socket");
  std::shared_ptr<UnixSocket> socket = UnixSocket::Create(type, false);
  socket->SetCredentials(CredentialsOf(*self));
  return Install(*self, std::move(socket));
}

absl::StatusOr<SocketPairFds> FakeHost::SocketPair(SocketType type) {
  FAKE_ENTER("socketpair");
  auto [a, b] =
      UnixSocket::CreatePair(type, CredentialsOf(*self), CredentialsOf(*self));
  SocketPairFds fds;
  ASSIGN_OR_RETURN(fds.first, Install(*self, std::move(a)));
  ASSIGN_OR_RETURN(fds.second, Install(*self, std::move(b)));
  return fds;
}

absl::Status FakeHost::Bind(const Fd& socket, absl::string_view path) {
  FAKE_ENTER("bind");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  std::string what = absl::StrCat("bind \"", path, "\"");
  if (sock->inet()) return AddressForTcp(path, what);
  if (path.empty()) return ErrnoError(EINVAL, what);
  if (path.size() >= kSunPathMax) return ErrnoError(ENAMETOOLONG, what);
  auto bound = k_.bound_sockets.find(file.get());
  if (bound != k_.bound_sockets.end() && !bound->second.expired()) {
    return ErrnoError(EINVAL, absl::StrCat(what, ": already bound"));
  }
  RETURN_IF_ERROR(Annotate(k_.fs.BindSocket(self->path, nullptr, path,
                                            std::weak_ptr<OpenFile>(file)),
                           what));
  std::erase_if(k_.bound_sockets,
                [](const auto& entry) { return entry.second.expired(); });
  k_.bound_sockets[file.get()] = file;
  return absl::OkStatus();
}

absl::Status FakeHost::Listen(const Fd& socket, int backlog) {
  FAKE_ENTER("listen");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  if (sock->inet()) return ListenLoopback(k_, *self, sock, backlog);
  auto bound = k_.bound_sockets.find(file.get());
  if (bound == k_.bound_sockets.end() || bound->second.lock() != file) {
    // Linux does not autobind a unix socket on listen.
    return ErrnoError(EINVAL, "listen: socket not bound");
  }
  // The listener's credentials are its listen(2)-time ones (SO_PEERCRED of
  // a connecting client reports them).
  sock->SetCredentials(CredentialsOf(*self));
  return sock->Listen(backlog);
}

absl::StatusOr<Fd> FakeHost::Accept(const Fd& socket) {
  FAKE_ENTER("accept4");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  while (true) {
    absl::StatusOr<std::shared_ptr<UnixSocket>> conn = sock->Accept();
    if (conn.ok()) return Install(*self, *std::move(conn));
    if (!IsErrno(conn, EAGAIN) || file->nonblocking()) return conn.status();
    if (!WaitReady(*self, file, PollEvents::kIn)) return DeadError();
  }
}

absl::Status FakeHost::Connect(const Fd& socket, absl::string_view path) {
  FAKE_ENTER("connect");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  std::string what = absl::StrCat("connect \"", path, "\"");
  if (sock->inet()) return AddressForTcp(path, what);
  if (path.size() >= kSunPathMax) return ErrnoError(ENAMETOOLONG, what);
  return ConnectStream(
      *self, file, sock, what,
      [&]() -> absl::StatusOr<std::shared_ptr<UnixSocket>> {
        ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> found,
                         k_.fs.FindSocket(self->path, nullptr, path));
        auto listener = std::dynamic_pointer_cast<UnixSocket>(found);
        if (listener == nullptr) return ErrnoError(ECONNREFUSED, "");
        return listener;
      });
}

absl::Status FakeHost::ConnectStream(
    Process& self, const std::shared_ptr<OpenFile>& file,
    const std::shared_ptr<UnixSocket>& sock, absl::string_view what,
    const std::function<absl::StatusOr<std::shared_ptr<UnixSocket>>()>&
        find_listener) {
  while (true) {
    std::weak_ptr<UnixSocket> weak_listener;
    {
      absl::StatusOr<std::shared_ptr<UnixSocket>> listener = find_listener();
      if (!listener.ok()) return Annotate(listener.status(), what);
      absl::Status s = sock->Connect(*listener, CredentialsOf(self));
      if (!IsErrno(s, EAGAIN) || file->nonblocking()) {
        return Annotate(s, what);
      }
      weak_listener = *listener;
    }
    // Backlog full (for TCP, Linux drops the SYN and retries): wait without
    // keeping the listener alive, so its close refuses us.
    k_.Park(
        self,
        [weak_listener] {
          std::shared_ptr<UnixSocket> l = weak_listener.lock();
          return l == nullptr || !l->BacklogFull() || !l->listening();
        },
        std::nullopt);
    if (self.dead) return DeadError();
  }
}

absl::StatusOr<size_t> FakeHost::SendMsg(const Fd& socket,
                                         absl::Span<const char> bytes,
                                         absl::Span<const Fd* const> fds) {
  FAKE_ENTER("sendmsg");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  std::vector<std::shared_ptr<OpenFile>> passed;
  for (const Fd* fd : fds) {
    if (fd == nullptr) return ErrnoError(EBADF, "sendmsg: null fd");
    ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> f, FileOf(*self, *fd));
    passed.push_back(std::move(f));
  }
  // TCP ignores SCM_RIGHTS: the bytes go, the fds do not (as Linux 6.x;
  // the fds are still checked above).
  if (sock->inet()) passed.clear();
  while (true) {
    // MSG_NOSIGNAL: EPIPE comes back without SIGPIPE.
    absl::StatusOr<size_t> n = sock->Send(bytes, passed);
    if (!IsErrno(n, EAGAIN) || file->nonblocking()) return n;
    if (!WaitReady(*self, file, PollEvents::kOut)) return DeadError();
  }
}

absl::StatusOr<ReceivedMessage> FakeHost::RecvMsg(const Fd& socket,
                                                  size_t max_bytes,
                                                  size_t max_fds) {
  FAKE_ENTER("recvmsg");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  while (true) {
    absl::StatusOr<UnixSocket::Received> r = sock->Receive(max_bytes, max_fds);
    if (r.ok()) {
      ReceivedMessage msg;
      msg.bytes = std::move(r->bytes);
      msg.fds_truncated = r->fds_truncated;
      for (std::shared_ptr<OpenFile>& f : r->fds) {
        absl::StatusOr<Fd> fd = Install(*self, std::move(f));
        if (!fd.ok()) {
          // Linux drops fds that do not fit and reports MSG_CTRUNC.
          msg.fds_truncated = true;
          continue;
        }
        msg.fds.push_back(*std::move(fd));
      }
      return msg;
    }
    if (!IsErrno(r, EAGAIN) || file->nonblocking()) return r.status();
    if (!WaitReady(*self, file, PollEvents::kIn)) return DeadError();
  }
}

absl::StatusOr<PeerCredentials> FakeHost::GetPeerCredentials(const Fd& socket) {
  FAKE_ENTER("getsockopt(SO_PEERCRED)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  if (sock->inet()) {
    // TCP has no peer credentials: Linux reports pid 0 and the overflow
    // ids.
    constexpr uint32_t kOverflowId = 65534;
    return PeerCredentials{Pid{0}, kOverflowId, kOverflowId};
  }
  ASSIGN_OR_RETURN(SocketCredentials creds, sock->PeerCredentials());
  PeerCredentials out;
  out.uid = creds.uid;
  out.gid = creds.gid;
  // The peer's pid as the caller's namespace sees it (0 if invisible).
  auto it = k_.root_pid_ns->processes.find(creds.pid.value);
  if (it != k_.root_pid_ns->processes.end()) {
    out.pid = k_.PidAs(*self, *it->second);
  } else if (&self->active_ns() == k_.root_pid_ns.get()) {
    out.pid = creds.pid;  // Gone and reaped: the number it had.
  }
  return out;
}

absl::Status FakeHost::Shutdown(const Fd& socket, ShutdownHow how) {
  FAKE_ENTER("shutdown");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  return sock->Shutdown(how);
}

absl::StatusOr<Fd> FakeHost::TcpSocket() {
  FAKE_ENTER("socket");
  std::shared_ptr<UnixSocket> socket =
      UnixSocket::Create(SocketType::kStream, false);
  socket->SetInet(NetNamespaceOf(*self));
  socket->SetCredentials(CredentialsOf(*self));
  return Install(*self, std::move(socket));
}

absl::Status FakeHost::BindLoopback(const Fd& socket, uint16_t port) {
  FAKE_ENTER("bind");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  std::string what = absl::StrCat("bind 127.0.0.1:", port);
  // unix_bind of a sockaddr_in: the family is wrong.
  if (!sock->inet())
    return ErrnoError(EINVAL, absl::StrCat(what, ": a unix socket"));
  if (sock->port() != 0 || sock->listening() || sock->connected()) {
    return ErrnoError(EINVAL, absl::StrCat(what, ": already bound"));
  }
  FakeKernel::Impl::NetNamespaceState& net =
      NetNamespace(k_, sock->net_namespace());
  if (port != 0 && port < 1024 && !self->creds.Has(kCapNetBindService)) {
    return ErrnoError(EACCES, what);
  }
  if (port == 0) {
    port = EphemeralPort(net);
    if (port == 0) return ErrnoError(EADDRINUSE, what);
  } else if (ListenerOn(net, port) != nullptr) {
    // SO_REUSEADDR lets bound sockets share a port, not a listening one.
    return ErrnoError(EADDRINUSE, what);
  }
  sock->SetPort(port);
  net.ports[port].push_back(sock);
  return absl::OkStatus();
}

absl::Status FakeHost::ConnectLoopback(const Fd& socket, uint16_t port) {
  FAKE_ENTER("connect");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, socket));
  ASSIGN_OR_RETURN(std::shared_ptr<UnixSocket> sock, AsSocket(file));
  std::string what = absl::StrCat("connect 127.0.0.1:", port);
  if (!sock->inet())
    return ErrnoError(EINVAL, absl::StrCat(what, ": a unix socket"));
  if (sock->connected()) return ErrnoError(EISCONN, what);
  if (sock->listening()) return ErrnoError(EINVAL, what);
  const uint64_t ns = sock->net_namespace();
  return ConnectStream(
      *self, file, sock, what,
      [&]() -> absl::StatusOr<std::shared_ptr<UnixSocket>> {
        FakeKernel::Impl::NetNamespaceState& net = NetNamespace(k_, ns);
        if (!net.loopback_up) {
          return ErrnoError(ENETUNREACH, "loopback is down");
        }
        std::shared_ptr<UnixSocket> listener = ListenerOn(net, port);
        // Nobody listens: the RST of a closed port.
        if (listener == nullptr) return ErrnoError(ECONNREFUSED, "");
        return listener;
      });
}

absl::Status FakeHost::BringUpLoopback() {
  FAKE_ENTER("ioctl SIOCSIFFLAGS");
  if (!self->creds.Has(kCapNetAdmin)) {
    return ErrnoError(EPERM, "ioctl SIOCSIFFLAGS lo up");
  }
  NetNamespace(k_, NetNamespaceOf(*self)).loopback_up = true;
  return absl::OkStatus();
}

absl::StatusOr<runbox::PtyPair> FakeHost::OpenPty() {
  FAKE_ENTER("posix_openpt");
  fake::PtyPair pty = MakePty(k_.next_pty_index++);
  runbox::PtyPair fds;
  ASSIGN_OR_RETURN(fds.master, Install(*self, std::move(pty.master)));
  ASSIGN_OR_RETURN(fds.replica, Install(*self, std::move(pty.replica)));
  return fds;
}

absl::Status FakeHost::SetWindowSize(const Fd& tty, WindowSize size) {
  FAKE_ENTER("ioctl(TIOCSWINSZ)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, tty));
  // SIGWINCH to the foreground process group is not modelled.
  return fake::SetWindowSize(*file, size);
}

absl::StatusOr<WindowSize> FakeHost::GetWindowSize(const Fd& tty) {
  FAKE_ENTER("ioctl(TIOCGWINSZ)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, tty));
  return fake::GetWindowSize(*file);
}

absl::Status FakeHost::NewSession() {
  FAKE_ENTER("setsid");
  // EPERM for a process group leader; without process groups, a session
  // leader is the one case the fake can tell.
  if (self->session == self->root_pid()) {
    return ErrnoError(EPERM, "setsid: already a session leader");
  }
  self->session = self->root_pid();
  self->controlling_tty.reset();
  return absl::OkStatus();
}

absl::Status FakeHost::SetControllingTerminal(const Fd& tty) {
  FAKE_ENTER("ioctl(TIOCSCTTY)");
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(*self, tty));
  if (PtyIndex(*file) < 0) return ErrnoError(ENOTTY, "TIOCSCTTY");
  if (self->session != self->root_pid()) {
    return ErrnoError(EPERM, "TIOCSCTTY: not a session leader");
  }
  self->controlling_tty = file;
  return absl::OkStatus();
}

}  // namespace runbox::fake
