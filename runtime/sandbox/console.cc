// Console set-up; see console.h. The steps are runc's (setupConsole in
// libcontainer/init_linux.go): a new session first, so the replica can
// become the controlling terminal. One difference: /dev/console is
// mounted before the master is sent, so a container refused for a planted
// /dev/console never hands the engine a console.
#include "runtime/sandbox/console.h"

#include <cerrno>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {

// Unix98 pty replicas: majors 136..143 (UNIX98_PTY_SLAVE_MAJOR), 256 minors
// each.
constexpr uint32_t kFirstPtsMajor = 136;
constexpr uint32_t kPtsMajorCount = 8;

uint16_t Clamp16(uint32_t v) {
  return v > std::numeric_limits<uint16_t>::max()
             ? std::numeric_limits<uint16_t>::max()
             : static_cast<uint16_t>(v);
}

std::string ProcFd(const Fd& fd) {
  return absl::StrCat("/proc/self/fd/", fd.get());
}

// /dev of the caller's root, made (0755) if missing. RESOLVE_IN_ROOT keeps
// every lookup inside the root; RESOLVE_NO_SYMLINKS refuses a /dev that is
// a symlink at all, rather than trusting where it points.
absl::StatusOr<Fd> OpenDevDir(Host& host) {
  constexpr OpenHow kHow = {.flags = OpenFlags::kDirectory | OpenFlags::kPath,
                            .resolve = ResolveFlags::kInRoot |
                                       ResolveFlags::kNoSymlinks |
                                       ResolveFlags::kNoMagicLinks};
  ASSIGN_OR_RETURN(Fd root, host.OpenAt(Fd::Cwd(), "/",
                                        {.flags = OpenFlags::kDirectory |
                                                  OpenFlags::kPath}));
  absl::StatusOr<Fd> dev = host.OpenAt(root, "dev", kHow);
  if (!IsErrno(dev, ENOENT)) return dev;
  absl::Status made = host.MkdirAt(root, "dev", 0755);
  if (!made.ok() && !IsErrno(made, EEXIST)) return made;
  return host.OpenAt(root, "dev", kHow);
}

// The mount target: /dev/console as it is (never through a symlink), or a
// new empty file. O_PATH, so a device node there is not opened.
absl::StatusOr<Fd> OpenConsoleTarget(Host& host, const Fd& dev) {
  // O_PATH | O_NOFOLLOW on a symlink gives the symlink itself; its type
  // below is what refuses it.
  constexpr OpenHow kHow = {
      .flags = OpenFlags::kPath | OpenFlags::kNoFollow,
      .resolve = ResolveFlags::kInRoot | ResolveFlags::kNoMagicLinks};
  absl::StatusOr<Fd> target = host.OpenAt(dev, "console", kHow);
  if (IsErrno(target, ENOENT)) {
    // runc makes an empty file to mount on. O_EXCL: never through a
    // symlink that appeared meanwhile.
    absl::StatusOr<Fd> made = host.OpenAt(
        dev, "console",
        {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                  OpenFlags::kExclusive | OpenFlags::kNoFollow |
                  OpenFlags::kNoCtty,
         .mode = 0666,
         .resolve = ResolveFlags::kInRoot | ResolveFlags::kNoMagicLinks});
    if (!made.ok() && !IsErrno(made, EEXIST)) return made.status();
    target = host.OpenAt(dev, "console", kHow);
  }
  if (!target.ok()) return target.status();
  ASSIGN_OR_RETURN(FileStat st, host.FStat(*target));
  if (st.type != FileType::kRegular && st.type != FileType::kCharDevice) {
    return ErrnoError(
        st.type == FileType::kSymlink ? ELOOP : EINVAL,
        "/dev/console is not a regular file or a character device (a "
        "symlink there could redirect the console mount)");
  }
  return target;
}

}  // namespace

absl::Status CheckConsoleSocket(bool terminal, absl::string_view console_socket,
                                bool detach) {
  // runc's checkTerminal (utils_linux.go), with its wording.
  if (detach && terminal && console_socket.empty()) {
    return absl::InvalidArgumentError(
        "cannot allocate tty if runbox will detach without setting console "
        "socket");
  }
  if ((!detach || !terminal) && !console_socket.empty()) {
    return absl::InvalidArgumentError(
        "cannot use console socket if runbox will not detach or allocate tty");
  }
  return absl::OkStatus();
}

absl::StatusOr<Fd> ReceiveConsole(Host& host, const Fd& connection) {
  while (true) {
    absl::StatusOr<ReceivedMessage> msg = host.RecvMsg(connection, 256, 1);
    if (IsErrno(msg, EINTR)) continue;
    if (!msg.ok()) return Annotate(msg.status(), "receive the console");
    if (msg->fds.empty()) return Fd();
    return std::move(msg->fds[0]);
  }
}

absl::Status RelayConsole(Host& host, const Fd& master, const Fd& in,
                          const Fd& out) {
  bool in_open = true;
  char buf[4096];
  while (true) {
    PollFd fds[2] = {{&master, PollEvents::kIn}, {&in, PollEvents::kIn}};
    absl::StatusOr<int> ready =
        host.Poll(absl::MakeSpan(fds, in_open ? 2 : 1), std::nullopt);
    if (IsErrno(ready, EINTR)) continue;
    if (!ready.ok()) return ready.status();
    if (fds[0].revents != PollEvents::kNone) {
      absl::StatusOr<size_t> n = host.Read(master, absl::MakeSpan(buf));
      if (IsErrno(n, EINTR) || IsErrno(n, EAGAIN)) continue;
      // EIO (or EOF): no replica is open any more.
      if (!n.ok() || *n == 0) return absl::OkStatus();
      RETURN_IF_ERROR(WriteAll(host, out, absl::string_view(buf, *n)));
    }
    if (in_open && fds[1].revents != PollEvents::kNone) {
      absl::StatusOr<size_t> n = host.Read(in, absl::MakeSpan(buf));
      if (IsErrno(n, EINTR) || IsErrno(n, EAGAIN)) continue;
      if (!n.ok() || *n == 0) {
        in_open = false;
        continue;
      }
      RETURN_IF_ERROR(WriteAll(host, master, absl::string_view(buf, *n)));
    }
  }
}

absl::StatusOr<Fd> ConnectConsoleSocket(Host& host, absl::string_view path) {
  ASSIGN_OR_RETURN(Fd socket, host.Socket(SocketType::kStream));
  RETURN_IF_ERROR(
      Annotate(host.Connect(socket, path),
               absl::StrCat("connect to console socket \"", path, "\"")));
  return socket;
}

absl::StatusOr<std::string> PtyName(Host& host, const Fd& replica) {
  ASSIGN_OR_RETURN(FileStat st, host.FStat(replica));
  if (st.type != FileType::kCharDevice || st.rdev.major < kFirstPtsMajor ||
      st.rdev.major >= kFirstPtsMajor + kPtsMajorCount) {
    return ErrnoError(ENOTTY, "not a pty replica");
  }
  return absl::StrCat("/dev/pts/",
                      (st.rdev.major - kFirstPtsMajor) * 256 + st.rdev.minor);
}

absl::Status MountDevConsole(Host& host, const Fd& replica) {
  ASSIGN_OR_RETURN(Fd dev, OpenDevDir(host));
  ASSIGN_OR_RETURN(Fd target, OpenConsoleTarget(host, dev));
  // Both ends by fd: the mount lands on the inode just checked, whatever
  // the path says by now.
  return Annotate(
      host.Mount(ProcFd(replica), ProcFd(target), "", MountFlags::kBind, ""),
      "bind the console on /dev/console");
}

absl::Status SetupConsole(Host& host, const spec::Process& process,
                          Fd console_socket, ConsoleMount mount) {
  if (!process.terminal) return absl::OkStatus();  // Closes the socket.
  if (!console_socket.valid()) {
    return absl::FailedPreconditionError(
        "process.terminal is set but there is no console socket");
  }
  // EPERM: already a session leader (or a group leader, which the
  // controlling-terminal step below then refuses with a clear error).
  absl::Status session = host.NewSession();
  if (!session.ok() && !IsErrno(session, EPERM)) {
    return Annotate(session, "new session for the console");
  }
  // The container's /dev/ptmx: after PrepareRootfs, "/" is the container's
  // root, so the pty belongs to the container's devpts.
  absl::StatusOr<PtyPair> opened = host.OpenPty();
  if (!opened.ok()) return Annotate(opened.status(), "open a console pty");
  PtyPair pty = *std::move(opened);
  if (process.console_size) {
    RETURN_IF_ERROR(Annotate(
        host.SetWindowSize(pty.master,
                           WindowSize{Clamp16(process.console_size->height),
                                      Clamp16(process.console_size->width)}),
        "set consoleSize"));
  }
  ASSIGN_OR_RETURN(std::string name, PtyName(host, pty.replica));
  if (mount == ConsoleMount::kDevConsole) {
    RETURN_IF_ERROR(MountDevConsole(host, pty.replica));
  }
  const Fd* fds[] = {&pty.master};
  absl::StatusOr<size_t> sent = host.SendMsg(console_socket, name, fds);
  if (!sent.ok()) {
    return Annotate(sent.status(), "send the console to the console socket");
  }
  if (*sent != name.size()) {
    return absl::InternalError("console socket took a partial message");
  }
  // Only the engine holds the master now; nothing of the host's stays.
  pty.master.Reset();
  console_socket.Reset();

  for (int stdio = 0; stdio < 3; ++stdio) {
    RETURN_IF_ERROR(Annotate(host.Dup3(pty.replica, stdio),
                             absl::StrCat("console as fd ", stdio)));
  }
  return Annotate(host.SetControllingTerminal(pty.replica),
                  "make the console the controlling terminal");
}

}  // namespace runbox
