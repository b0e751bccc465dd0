// LinuxHost's Sockets: AF_UNIX (control and console sockets), with fd
// passing over SCM_RIGHTS and peer credentials, and loopback IPv4 TCP. Every
// fd is close-on-exec, including fds received (MSG_CMSG_CLOEXEC); sends
// never raise SIGPIPE.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::CallError;
using linux_internal::FdError;
using linux_internal::PathError;

namespace {

int ToSocketType(SocketType type) {
  return type == SocketType::kSeqPacket ? SOCK_SEQPACKET : SOCK_STREAM;
}

// Fills `addr` for `path`; the length covers the path and its NUL.
absl::Status MakeAddress(absl::string_view call, absl::string_view path,
                         struct sockaddr_un* addr, socklen_t* len) {
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  // Keep room for the NUL: other programs (and the fake) expect it.
  if (path.size() >= sizeof(addr->sun_path)) {
    return PathError(ENAMETOOLONG, call, path);
  }
  // An empty path would mean the abstract namespace or autobind.
  if (path.empty()) return PathError(ENOENT, call, path);
  std::memcpy(addr->sun_path, path.data(), path.size());
  *len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) +
                                path.size() + 1);
  return absl::OkStatus();
}

struct sockaddr_in LoopbackAddress(uint16_t port) {
  struct sockaddr_in addr;
  std::memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

absl::StatusOr<Fd> LinuxHost::Socket(SocketType type) {
  int fd = socket(AF_UNIX, ToSocketType(type) | SOCK_CLOEXEC, 0);
  int err = errno;
  if (fd < 0) return CallError(err, "socket AF_UNIX");
  return Own(fd);
}

absl::StatusOr<SocketPairFds> LinuxHost::SocketPair(SocketType type) {
  int fds[2];
  int rc = socketpair(AF_UNIX, ToSocketType(type) | SOCK_CLOEXEC, 0, fds);
  int err = errno;
  if (rc != 0) return CallError(err, "socketpair AF_UNIX");
  return SocketPairFds{Own(fds[0]), Own(fds[1])};
}

absl::Status LinuxHost::Bind(const Fd& socket, absl::string_view path) {
  struct sockaddr_un addr;
  socklen_t len = 0;
  RETURN_IF_ERROR(MakeAddress("bind", path, &addr, &len));
  int rc = bind(socket.get(), reinterpret_cast<struct sockaddr*>(&addr), len);
  int err = errno;
  if (rc != 0) return PathError(err, "bind", path);
  return absl::OkStatus();
}

absl::Status LinuxHost::Listen(const Fd& socket, int backlog) {
  int rc = listen(socket.get(), backlog);
  int err = errno;
  if (rc != 0) return FdError(err, "listen", socket.get());
  return absl::OkStatus();
}

absl::StatusOr<Fd> LinuxHost::Accept(const Fd& socket) {
  while (true) {
    int fd = accept4(socket.get(), nullptr, nullptr, SOCK_CLOEXEC);
    int err = errno;
    if (fd >= 0) return Own(fd);
    // ECONNABORTED: a client gave up while queued; wait for the next one.
    if (err == EINTR || err == ECONNABORTED) continue;
    return FdError(err, "accept4", socket.get());
  }
}

absl::Status LinuxHost::Connect(const Fd& socket, absl::string_view path) {
  struct sockaddr_un addr;
  socklen_t len = 0;
  RETURN_IF_ERROR(MakeAddress("connect", path, &addr, &len));
  // Not restarted on EINTR: a second connect of an interrupted one fails
  // EALREADY, and AF_UNIX connects only block on a full backlog.
  int rc =
      connect(socket.get(), reinterpret_cast<struct sockaddr*>(&addr), len);
  int err = errno;
  if (rc != 0) return PathError(err, "connect", path);
  return absl::OkStatus();
}

absl::StatusOr<size_t> LinuxHost::SendMsg(const Fd& socket,
                                          absl::Span<const char> bytes,
                                          absl::Span<const Fd* const> fds) {
  struct iovec iov;
  iov.iov_base = const_cast<char*>(bytes.data());
  iov.iov_len = bytes.size();
  struct msghdr msg;
  std::memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;

  // cmsghdr-aligned storage for the SCM_RIGHTS message.
  std::vector<struct cmsghdr> control;
  if (!fds.empty()) {
    size_t space = CMSG_SPACE(sizeof(int) * fds.size());
    control.resize((space + sizeof(struct cmsghdr) - 1) /
                   sizeof(struct cmsghdr));
    std::memset(control.data(), 0, control.size() * sizeof(struct cmsghdr));
    msg.msg_control = control.data();
    msg.msg_controllen = space;
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    unsigned char* data = CMSG_DATA(cmsg);
    for (size_t i = 0; i < fds.size(); ++i) {
      int n = fds[i] == nullptr ? -1 : fds[i]->get();
      if (n < 0) return FdError(EBADF, "sendmsg SCM_RIGHTS", n);
      std::memcpy(data + i * sizeof(int), &n, sizeof(int));
    }
  }
  while (true) {
    ssize_t n = sendmsg(socket.get(), &msg, MSG_NOSIGNAL);
    int err = errno;
    if (n >= 0) return static_cast<size_t>(n);
    if (err == EINTR) continue;
    return FdError(err, "sendmsg", socket.get());
  }
}

absl::StatusOr<ReceivedMessage> LinuxHost::RecvMsg(const Fd& socket,
                                                   size_t max_bytes,
                                                   size_t max_fds) {
  ReceivedMessage out;
  out.bytes.resize(max_bytes);
  struct iovec iov;
  iov.iov_base = out.bytes.data();
  iov.iov_len = max_bytes;
  struct msghdr msg;
  std::memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<struct cmsghdr> control;
  if (max_fds > 0) {
    size_t space = CMSG_SPACE(sizeof(int) * max_fds);
    control.resize((space + sizeof(struct cmsghdr) - 1) /
                   sizeof(struct cmsghdr));
    msg.msg_control = control.data();
    msg.msg_controllen = space;
  }
  ssize_t n;
  while (true) {
    n = recvmsg(socket.get(), &msg, MSG_CMSG_CLOEXEC);
    int err = errno;
    if (n >= 0) break;
    if (err == EINTR) continue;
    return FdError(err, "recvmsg", socket.get());
  }
  out.bytes.resize(static_cast<size_t>(n));
  out.fds_truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
  if (msg.msg_controllen > 0) {
    for (struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr;
         cmsg = CMSG_NXTHDR(&msg, cmsg)) {
      if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
        continue;
      }
      size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const unsigned char* data = CMSG_DATA(cmsg);
      for (size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, data + i * sizeof(int), sizeof(int));
        // CMSG_SPACE rounds up, so the kernel may fit one more fd than
        // asked for: own it anyway, then drop the excess below.
        out.fds.push_back(Own(fd));
      }
    }
  }
  if (out.fds.size() > max_fds) {
    out.fds.resize(max_fds);  // Closes the excess.
    out.fds_truncated = true;
  }
  return out;
}

absl::StatusOr<PeerCredentials> LinuxHost::GetPeerCredentials(
    const Fd& socket) {
  struct ucred cred;
  socklen_t len = sizeof(cred);
  int rc = getsockopt(socket.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len);
  int err = errno;
  if (rc != 0) return FdError(err, "getsockopt SO_PEERCRED", socket.get());
  return PeerCredentials{Pid{cred.pid}, cred.uid, cred.gid};
}

absl::Status LinuxHost::Shutdown(const Fd& socket, ShutdownHow how) {
  int kernel_how = SHUT_RDWR;
  if (how == ShutdownHow::kRead) kernel_how = SHUT_RD;
  if (how == ShutdownHow::kWrite) kernel_how = SHUT_WR;
  int rc = shutdown(socket.get(), kernel_how);
  int err = errno;
  if (rc != 0) return FdError(err, "shutdown", socket.get());
  return absl::OkStatus();
}

absl::StatusOr<Fd> LinuxHost::TcpSocket() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int err = errno;
  if (fd < 0) return CallError(err, "socket AF_INET");
  return Own(fd);
}

absl::Status LinuxHost::BindLoopback(const Fd& socket, uint16_t port) {
  std::string what = absl::StrCat("bind 127.0.0.1:", port);
  int one = 1;
  int rc =
      setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int err = errno;
  if (rc != 0) {
    return FdError(err, absl::StrCat(what, ": SO_REUSEADDR"), socket.get());
  }
  struct sockaddr_in addr = LoopbackAddress(port);
  rc = bind(socket.get(), reinterpret_cast<struct sockaddr*>(&addr),
            sizeof(addr));
  err = errno;
  if (rc != 0) return FdError(err, what, socket.get());
  return absl::OkStatus();
}

absl::Status LinuxHost::ConnectLoopback(const Fd& socket, uint16_t port) {
  std::string what = absl::StrCat("connect 127.0.0.1:", port);
  struct sockaddr_in addr = LoopbackAddress(port);
  int rc = connect(socket.get(), reinterpret_cast<struct sockaddr*>(&addr),
                   sizeof(addr));
  int err = errno;
  if (rc == 0) return absl::OkStatus();
  if (err != EINTR) return FdError(err, what, socket.get());
  // An interrupted connect goes on in the background: wait for it and
  // read its outcome (SO_ERROR), as connect(2) describes for EINPROGRESS.
  while (true) {
    struct pollfd pfd = {socket.get(), POLLOUT, 0};
    rc = poll(&pfd, 1, -1);
    err = errno;
    if (rc >= 0) break;
    if (err != EINTR)
      return FdError(err, absl::StrCat(what, ": poll"), socket.get());
  }
  int so_error = 0;
  socklen_t len = sizeof(so_error);
  rc = getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
  err = errno;
  if (rc != 0)
    return FdError(err, absl::StrCat(what, ": SO_ERROR"), socket.get());
  if (so_error != 0) return FdError(so_error, what, socket.get());
  return absl::OkStatus();
}

absl::Status LinuxHost::BringUpLoopback() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int err = errno;
  if (fd < 0) return CallError(err, "socket AF_INET (for lo)");
  Fd owned = Own(fd);
  struct ifreq req;
  std::memset(&req, 0, sizeof(req));
  std::memcpy(req.ifr_name, "lo", 3);
  int rc = ioctl(owned.get(), SIOCGIFFLAGS, &req);
  err = errno;
  if (rc != 0) return CallError(err, "ioctl SIOCGIFFLAGS lo");
  if ((req.ifr_flags & IFF_UP) != 0) return absl::OkStatus();
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
  rc = ioctl(owned.get(), SIOCSIFFLAGS, &req);
  err = errno;
  if (rc != 0) return CallError(err, "ioctl SIOCSIFFLAGS lo up");
  return absl::OkStatus();
}

}  // namespace runbox
