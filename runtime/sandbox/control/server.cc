// The listening control socket and the simple serve loops; see server.h.
#include "runtime/sandbox/control/server.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/socket_path.h"

namespace runbox::control {
namespace {

// Reads and answers whatever `conn` has ready.
void Step(Host& host, ControlConnection& conn, RequestHandler& handler) {
  absl::StatusOr<std::optional<IncomingRequest>> in = conn.OnReadable(host);
  // An error has been told to the peer and closed the connection; the
  // server has nothing more to do about it.
  if (!in.ok() || !in->has_value()) return;
  Response response = handler.Handle(host, **std::move(in));
  (void)conn.Reply(host, response);
}

}  // namespace

absl::StatusOr<Fd> ListenControl(Host& host, const std::string& path) {
  std::string context = absl::StrCat("listen on control socket \"", path, "\"");
  absl::StatusOr<Fd> sock = host.Socket(SocketType::kStream);
  if (!sock.ok()) return Annotate(sock.status(), context);
  uint32_t old_umask = host.Umask(0177);
  absl::Status bound = AtSocketPath(host, path, [&](absl::string_view name) {
    return host.Bind(*sock, name);
  });
  host.Umask(old_umask);
  RETURN_IF_ERROR(Annotate(bound, context));
  absl::Status listening = host.Listen(*sock, kListenBacklog);
  if (!listening.ok()) {
    // Leave no socket file that nobody will ever serve.
    (void)AtSocketPath(host, path, [&](absl::string_view name) {
      return host.UnlinkAt(Fd::Cwd(), name);
    });
    return Annotate(listening, context);
  }
  return sock;
}

absl::StatusOr<ControlConnection> AcceptControl(Host& host, const Fd& listener,
                                                const PeerCheck& check) {
  ASSIGN_OR_RETURN(Fd conn, host.Accept(listener));
  return ControlConnection::Create(host, std::move(conn), check);
}

absl::Status ServeOnce(Host& host, const Fd& listener, RequestHandler& handler,
                       const PeerCheck& check) {
  ASSIGN_OR_RETURN(ControlConnection conn,
                   AcceptControl(host, listener, check));
  while (!conn.closed()) {
    // Blocking here is fine: this connection is all ServeOnce serves.
    PollFd poll_fd{.fd = &conn.fd(), .events = conn.WantedEvents()};
    RETURN_IF_ERROR(
        host.Poll(absl::MakeSpan(&poll_fd, 1), std::nullopt).status());
    Step(host, conn, handler);
  }
  return absl::OkStatus();
}

absl::Status ServeLoop(Host& host, const Fd& listener, RequestHandler& handler,
                       const PeerCheck& check,
                       const std::function<bool()>& stop) {
  std::vector<ControlConnection> conns;
  while (!stop()) {
    std::vector<PollFd> poll_fds;
    poll_fds.reserve(conns.size() + 1);
    poll_fds.push_back({.fd = &listener, .events = PollEvents::kIn});
    for (const ControlConnection& conn : conns) {
      poll_fds.push_back({.fd = &conn.fd(), .events = conn.WantedEvents()});
    }
    RETURN_IF_ERROR(host.Poll(absl::MakeSpan(poll_fds), std::nullopt).status());
    // Connections first: the listener's new connection is appended below
    // and must not shift the indices being read.
    for (size_t i = 0; i < conns.size(); ++i) {
      if (poll_fds[i + 1].revents != PollEvents::kNone) {
        Step(host, conns[i], handler);
      }
    }
    if (poll_fds[0].revents != PollEvents::kNone) {
      ASSIGN_OR_RETURN(Fd fd, host.Accept(listener));
      absl::StatusOr<ControlConnection> conn =
          ControlConnection::Create(host, std::move(fd), check);
      // A refused peer has been told and closed; serve the others.
      if (conn.ok()) conns.push_back(*std::move(conn));
    }
    std::erase_if(conns, [](const ControlConnection& c) { return c.closed(); });
  }
  return absl::OkStatus();
}

}  // namespace runbox::control
