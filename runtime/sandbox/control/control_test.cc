// The control protocol over real sockets, on LinuxHost and on the fake
// kernel with the same test bodies: a client (the test's process) talks to
// the control test server (a second process, control_test_server.h) or
// drives a ControlConnection itself as a poll loop would. Covers calls and
// replies, fd passing, errno across the socket, malformed and unknown
// requests (error reply, server keeps serving), oversized frames, peer
// refusal, long socket paths, dead sockets, timeouts and the socket's mode.
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/control/client.h"
#include "runtime/sandbox/control/connection.h"
#include "runtime/sandbox/control/control_test_server.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/sandbox/control/frame_io.h"
#include "runtime/sandbox/control/messages.h"
#include "runtime/sandbox/control/server.h"
#include "runtime/testing/dual_host.h"

namespace runbox::control {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

MATCHER_P(IsOkAndHolds, matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

// The control test server (control_test_server.h) as a dual-host child
// function: args are {mode}; the listening socket arrives as fd 3.
DUAL_HOST_CHILD(ControlTestServer) {
  std::vector<std::string> argv = {"control_test_server"};
  argv.insert(argv.end(), args.begin(), args.end());
  return ControlTestServerMain(host, argv);
}

class ControlTest : public DualHostTest {
 protected:
  // Runs `body` on this test's host. On Linux the body runs in the test
  // process itself, so the cwd and umask it may change are put back after.
  void Run(DualHostBody body) {
    if (IsFake()) {
      env().Run(std::move(body));
      return;
    }
    env().Run([&body](Host& host, const std::string& dir) {
      absl::StatusOr<Fd> cwd = host.OpenAt(
          Fd::Cwd(), ".", {.flags = OpenFlags::kPath | OpenFlags::kDirectory});
      ASSERT_TRUE(cwd.ok()) << cwd.status();
      uint32_t umask = host.Umask(022);
      host.Umask(umask);
      body(host, dir);
      EXPECT_TRUE(host.Fchdir(*cwd).ok());
      host.Umask(umask);
    });
  }
};

INSTANTIATE_DUAL_HOST_TEST_SUITE(ControlTest);

// The control test server as a child process. Killed and reaped on
// destruction unless Stop or WaitExit reaped it, so a failed assertion
// leaves no process behind.
class ServerProcess {
 public:
  ServerProcess(Host& host, Pid pid) : host_(host), pid_(pid) {}
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() {
    if (reaped_) return;
    (void)host_.Kill(pid_, Signal::kKill);
    (void)host_.Wait(pid_, WaitFlags::kNone);
  }

  absl::StatusOr<ExitStatus> WaitExit() {
    ASSIGN_OR_RETURN(std::optional<WaitResult> r,
                     host_.Wait(pid_, WaitFlags::kNone));
    reaped_ = true;
    if (!r.has_value()) return absl::InternalError("wait returned nothing");
    return r->status;
  }

 private:
  Host& host_;
  Pid pid_;
  bool reaped_ = false;
};

// Spawns the server in `mode` with `listener` as its fd 3.
absl::StatusOr<std::unique_ptr<ServerProcess>> StartServer(
    Host& host, const DualHost& env, const Fd& listener,
    const std::string& mode) {
  ASSIGN_OR_RETURN(
      SpawnResult spawned,
      env.SpawnChild(host, {.function = "ControlTestServer", .args = {mode}},
                     {{.source = &listener, .target = 3}}));
  return std::make_unique<ServerProcess>(host, spawned.pid);
}

// Listens on `socket_path` and starts the server on it in `mode`.
absl::StatusOr<std::unique_ptr<ServerProcess>> ListenAndServe(
    Host& host, const DualHost& env, const std::string& socket_path,
    const std::string& mode = "serve") {
  ASSIGN_OR_RETURN(Fd listener, ListenControl(host, socket_path));
  // Our copy of the listener closes on return; the server keeps its own.
  return StartServer(host, env, listener, mode);
}

// Sends "destroy" and expects the server to exit 0.
void StopServer(Host& host, const std::string& socket_path,
                ServerProcess& server) {
  ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, socket_path));
  ASSERT_OK_AND_ASSIGN(Response r, Call(host, conn, MakeRequest(Op::kDestroy)));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_THAT(server.WaitExit(), IsOkAndHolds(ExitStatus::Exited(0)));
}

// Reads one reply frame off `conn` (blocking).
absl::StatusOr<Response> ReadReply(Host& host, const Fd& conn) {
  FrameDecoder decoder;
  std::vector<Fd> fds;
  while (true) {
    ASSIGN_OR_RETURN(bool more, ReceiveChunk(host, conn, decoder, fds));
    ASSIGN_OR_RETURN(std::optional<std::string> frame, decoder.Next());
    if (frame.has_value()) return ParseResponse(*frame);
    if (!more) return absl::UnavailableError("EOF before a reply");
  }
}

// Whether the server closed `conn`: the next receive is end of stream.
bool ClosedByPeer(Host& host, const Fd& conn) {
  absl::StatusOr<ReceivedMessage> m = host.RecvMsg(conn, 64, 0);
  // ECONNRESET means closed too (the peer left our bytes unread).
  if (!m.ok()) return IsErrno(m.status(), ECONNRESET);
  return m->bytes.empty() && m->fds.empty();
}

// sendmsg until all of `bytes` is sent, fds with the first chunk.
absl::Status SendRaw(Host& host, const Fd& conn, absl::string_view bytes,
                     std::vector<const Fd*> fds = {}) {
  bool first = true;
  while (!bytes.empty()) {
    ASSIGN_OR_RETURN(size_t n, host.SendMsg(conn, bytes,
                                            first ? absl::MakeSpan(fds)
                                                  : absl::Span<const Fd*>()));
    bytes.remove_prefix(n);
    first = false;
  }
  return absl::OkStatus();
}

// A connection sends a bad frame and must get an error reply naming
// `error` and be closed; then the server must still serve a new one.
void ExpectRejectedThenServing(Host& host, const std::string& sock,
                               absl::string_view bytes, absl::StatusCode code,
                               absl::string_view error,
                               std::vector<const Fd*> fds = {}) {
  ASSERT_OK_AND_ASSIGN(Fd bad, ConnectControl(host, sock));
  ASSERT_OK(SendRaw(host, bad, bytes, std::move(fds)));
  ASSERT_OK_AND_ASSIGN(Response r, ReadReply(host, bad));
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(StatusOf(r), StatusIs(code));
  EXPECT_THAT(r.error, HasSubstr(error));
  EXPECT_TRUE(ClosedByPeer(host, bad));

  ASSERT_OK_AND_ASSIGN(Fd good, ConnectControl(host, sock));
  ASSERT_OK_AND_ASSIGN(Response ping, Call(host, good, MakeRequest(Op::kPing)));
  EXPECT_TRUE(ping.ok) << ping.error;
}

TEST_P(ControlTest, CallAndReplySeveralTimesOnOneConnection) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Response r, Call(host, conn, MakeRequest(Op::kPing)));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.result, Json({{"pong", true}}));

    ASSERT_OK_AND_ASSIGN(
        r, Call(host, conn,
                MakeSignalRequest({.signal = Signal::kTerm, .pid = Pid{77}})));
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.result, Json({{"signal", 15}, {"all", false}, {"pid", 77}}));

    ASSERT_OK_AND_ASSIGN(r, Call(host, conn, MakeRequest(Op::kPause)));
    EXPECT_TRUE(r.ok);
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, SocketIsMode0600AndUmaskIsPutBack) {
  Run([&](Host& host, const std::string& dir) {
    uint32_t before = host.Umask(022);
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenControl(host, sock));
    EXPECT_EQ(host.Umask(before), 022u);
    ASSERT_OK_AND_ASSIGN(
        FileStat st, host.StatAt(Fd::Cwd(), sock, FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kSocket);
    EXPECT_EQ(st.mode & 07777, 0600u);
    // A second listener on the same path is refused, not replaced.
    EXPECT_THAT(ListenControl(host, sock), HasErrno(EADDRINUSE));
  });
}

TEST_P(ControlTest, FdsTravelWithTheRequest) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds err, host.Pipe());
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    Json process = {{"args", {"/bin/echo", "hi"}}};
    const Fd* fds[] = {&out.write, &err.write};
    ASSERT_OK_AND_ASSIGN(
        Response r,
        Call(host, conn, MakeExecRequest({.process = process, .detach = true}),
             fds));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.result["fds"], 2);
    EXPECT_EQ(r.result["process"], process);
    // The server wrote through its copies before it replied.
    for (const Fd* read_end : {&out.read, &err.read}) {
      std::string buf(sizeof(kWrittenByServer) - 1, '\0');
      ASSERT_OK_AND_ASSIGN(size_t n, host.Read(*read_end, absl::MakeSpan(buf)));
      EXPECT_EQ(buf.substr(0, n), kWrittenByServer);
    }
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, SupervisorErrorsKeepCodeAndErrno) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Response r, Call(host, conn, MakeRequest(Op::kState)));
    EXPECT_FALSE(r.ok);
    absl::Status status = StatusOf(r);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(status, HasErrno(ESRCH));
    EXPECT_THAT(status.message(), HasSubstr("signal init: kill 42: ESRCH"));
    // The connection stays usable after an error the handler returned.
    ASSERT_OK_AND_ASSIGN(r, Call(host, conn, MakeRequest(Op::kPing)));
    EXPECT_TRUE(r.ok);
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, OversizedReplyBecomesAnError) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Response r, Call(host, conn, MakeRequest(Op::kStats)));
    EXPECT_THAT(StatusOf(r), StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_THAT(r.error, HasSubstr("exceeds the control frame limit"));
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, MalformedJsonGetsAnErrorAndTheServerKeepsServing) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ExpectRejectedThenServing(host, sock, EncodeFrame("{\"op\": \"ping\""),
                              absl::StatusCode::kInvalidArgument,
                              "control request: invalid JSON");
    ExpectRejectedThenServing(host, sock, EncodeFrame("[1, 2]"),
                              absl::StatusCode::kInvalidArgument,
                              "expected a JSON object");
    ExpectRejectedThenServing(
        host, sock, EncodeFrame(R"({"op":"signal","args":{"signal":99}})"),
        absl::StatusCode::kInvalidArgument, "args.signal");
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, UnknownOpGetsAnErrorReply) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ExpectRejectedThenServing(host, sock, EncodeFrame(R"({"op":"foo"})"),
                              absl::StatusCode::kInvalidArgument,
                              "unknown request \"foo\"");
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, BadFramesGetAnErrorReply) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    // Only the header of a 2 MiB frame: refused from the header alone.
    std::string header = EncodeFrame(std::string(2 << 20, ' ')).substr(0, 4);
    ExpectRejectedThenServing(host, sock, header,
                              absl::StatusCode::kResourceExhausted,
                              "exceeds the limit of 1048576 bytes");
    ExpectRejectedThenServing(host, sock, std::string("\0\0\0\0", 4),
                              absl::StatusCode::kInvalidArgument, "length 0");
    ExpectRejectedThenServing(host, sock, "GET / HTTP/1.1\r\n\r\n",
                              absl::StatusCode::kInvalidArgument,
                              "not a control frame");
    // Two requests without waiting for the first reply.
    std::string ping = EncodeFrame(SerializeRequest(MakeRequest(Op::kPing)));
    ExpectRejectedThenServing(host, sock, ping + ping,
                              absl::StatusCode::kInvalidArgument,
                              "before the reply to the previous one");
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, TooManyFdsGetAnErrorReply) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    std::vector<PipeFds> pipes;
    std::vector<const Fd*> fds;
    for (size_t i = 0; i < kMaxFrameFds / 2 + 1; ++i) {
      ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
      pipes.push_back(std::move(p));
    }
    for (const PipeFds& p : pipes) {
      fds.push_back(&p.read);
      fds.push_back(&p.write);
    }
    ASSERT_GT(fds.size(), kMaxFrameFds);
    ExpectRejectedThenServing(
        host, sock, EncodeFrame(SerializeRequest(MakeRequest(Op::kPing))),
        absl::StatusCode::kInvalidArgument, "more than 16 fds", fds);
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, HangingUpMidFrameIsTold) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    std::string frame = EncodeFrame(SerializeRequest(MakeRequest(Op::kPing)));
    ASSERT_OK(SendRaw(host, conn, frame.substr(0, 7)));
    ASSERT_OK(host.Shutdown(conn, ShutdownHow::kWrite));
    ASSERT_OK_AND_ASSIGN(Response r, ReadReply(host, conn));
    EXPECT_THAT(StatusOf(r), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(r.error, HasSubstr("connection closed after 3 of"));
    StopServer(host, sock, *proc);
  });
}

TEST_P(ControlTest, RefusedPeerIsToldPermissionDenied) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(auto proc,
                         ListenAndServe(host, env(), sock, "refuse"));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Response r, Call(host, conn, MakeRequest(Op::kPing)));
    EXPECT_FALSE(r.ok);
    EXPECT_THAT(StatusOf(r), StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(r.error, HasSubstr(absl::StrCat("peer uid ", kForeignUid)));
    EXPECT_TRUE(ClosedByPeer(host, conn));
    EXPECT_THAT(proc->WaitExit(), IsOkAndHolds(ExitStatus::Exited(0)));
  });
}

TEST_P(ControlTest, LongSocketPathWorks) {
  Run([&](Host& host, const std::string& dir) {
    std::string deep = absl::StrCat(dir, "/", std::string(100, 'd'));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), deep, 0700));
    std::string sock = deep + "/ctl.sock";
    ASSERT_GT(sock.size(), 108u);
    ASSERT_OK_AND_ASSIGN(FileStat cwd_before,
                         host.StatAt(Fd::Cwd(), ".", FollowSymlinks::kFollow));

    ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, env(), sock));
    ASSERT_OK_AND_ASSIGN(
        FileStat st, host.StatAt(Fd::Cwd(), sock, FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kSocket);
    EXPECT_EQ(st.mode & 07777, 0600u);
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Response r, Call(host, conn, MakeRequest(Op::kPing)));
    EXPECT_TRUE(r.ok);
    StopServer(host, sock, *proc);

    // The detour through the socket's directory left the cwd as it was.
    ASSERT_OK_AND_ASSIGN(FileStat cwd_after,
                         host.StatAt(Fd::Cwd(), ".", FollowSymlinks::kFollow));
    EXPECT_EQ(cwd_after.ino, cwd_before.ino);
    EXPECT_EQ(cwd_after.dev, cwd_before.dev);
  });
}

TEST_P(ControlTest, DeadSocketsGiveAClearError) {
  Run([&](Host& host, const std::string& dir) {
    absl::StatusOr<Fd> missing = ConnectControl(host, dir + "/missing.sock");
    EXPECT_THAT(missing, HasErrno(ENOENT));
    EXPECT_THAT(missing.status().message(),
                HasSubstr("the supervisor is not running"));

    // A socket file whose listener is gone, as after a supervisor crash.
    std::string sock = dir + "/dead.sock";
    { ASSERT_OK(ListenControl(host, sock).status()); }
    absl::StatusOr<Fd> refused = ConnectControl(host, sock);
    EXPECT_THAT(refused, HasErrno(ECONNREFUSED));
    EXPECT_THAT(refused.status().message(),
                HasSubstr(absl::StrCat("control socket \"", sock,
                                       "\": the supervisor is not running")));

    std::string deep = absl::StrCat(dir, "/", std::string(110, 'e'));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), deep, 0700));
    EXPECT_THAT(ConnectControl(host, deep + "/ctl.sock"), HasErrno(ENOENT));
    EXPECT_THAT(ConnectControl(host, dir + "/no/such/dir/" +
                                         std::string(100, 'x') + "/ctl.sock"),
                HasErrno(ENOENT));
  });
}

TEST_P(ControlTest, CallTimesOutWithoutAReply) {
  Run([&](Host& host, const std::string& dir) {
    // A listener nobody accepts on: the connection waits in the backlog and
    // the request sits unread.
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    absl::StatusOr<Response> r = Call(host, conn, MakeRequest(Op::kPing), {},
                                      nullptr, absl::ZeroDuration());
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kDeadlineExceeded));
    EXPECT_THAT(r.status().message(), HasSubstr("control call \"ping\""));
  });
}

TEST_P(ControlTest, CallRefusesBadRequestsBeforeSending) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds pair,
                         host.SocketPair(SocketType::kStream));
    Request bad = MakeRequest(Op::kPs);
    bad.args["x"] = 1;
    EXPECT_THAT(Call(host, pair.first, bad),
                StatusIs(absl::StatusCode::kInvalidArgument));
    // Nothing was sent.
    PollFd p{.fd = &pair.second, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&p, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
  });
}

TEST_P(ControlTest, ServerClosingWithoutReplyIsAnError) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds pair,
                         host.SocketPair(SocketType::kStream));
    ASSERT_OK(host.Shutdown(pair.second, ShutdownHow::kWrite));
    absl::StatusOr<Response> r = Call(host, pair.first, MakeRequest(Op::kPing));
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(r.status().message(), HasSubstr("without replying"));
  });
}

// ControlConnection driven step by step, as the supervisor's poll loop does,
// over a socketpair in one process.
TEST_P(ControlTest, ConnectionIsDrivableFromAnExternalPollLoop) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds pair,
                         host.SocketPair(SocketType::kStream));
    std::optional<PeerCredentials> seen;
    ASSERT_OK_AND_ASSIGN(
        ControlConnection conn,
        ControlConnection::Create(host, std::move(pair.second),
                                  [&seen](const PeerCredentials& peer) {
                                    seen = peer;
                                    return absl::OkStatus();
                                  }));
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->pid, host.GetPid());
    EXPECT_EQ(conn.WantedEvents(), PollEvents::kIn);
    auto poll_conn = [&]() -> absl::StatusOr<int> {
      PollFd p{.fd = &conn.fd(), .events = conn.WantedEvents()};
      return host.Poll(absl::MakeSpan(&p, 1), absl::ZeroDuration());
    };

    // A request in two pieces: nothing until the frame is whole.
    std::string frame = EncodeFrame(SerializeRequest(MakeRequest(Op::kPing)));
    ASSERT_OK(SendRaw(host, pair.first, frame.substr(0, 3)));
    EXPECT_THAT(poll_conn(), IsOkAndHolds(1));
    ASSERT_OK_AND_ASSIGN(std::optional<IncomingRequest> in,
                         conn.OnReadable(host));
    EXPECT_FALSE(in.has_value());
    EXPECT_FALSE(conn.closed());
    EXPECT_THAT(poll_conn(), IsOkAndHolds(0));
    EXPECT_THAT(conn.Reply(host, OkResponse()),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    ASSERT_OK(SendRaw(host, pair.first, frame.substr(3)));
    ASSERT_OK_AND_ASSIGN(in, conn.OnReadable(host));
    ASSERT_TRUE(in.has_value());
    EXPECT_EQ(in->request.op, Op::kPing);
    EXPECT_EQ(in->peer.pid, host.GetPid());
    EXPECT_TRUE(conn.awaiting_reply());
    EXPECT_EQ(conn.WantedEvents(), PollEvents::kNone);
    ASSERT_OK(conn.Reply(host, OkResponse({{"pong", true}})));
    ASSERT_OK_AND_ASSIGN(Response r, ReadReply(host, pair.first));
    EXPECT_EQ(r.result, Json({{"pong", true}}));
    EXPECT_EQ(conn.WantedEvents(), PollEvents::kIn);

    // A `wait` whose client hangs up before the reply: poll reports the
    // hang-up although nothing is polled for, and the connection closes.
    ASSERT_OK(SendRaw(host, pair.first,
                      EncodeFrame(SerializeRequest(MakeWaitRequest({})))));
    ASSERT_OK_AND_ASSIGN(in, conn.OnReadable(host));
    ASSERT_TRUE(in.has_value());
    EXPECT_EQ(in->request.op, Op::kWait);
    EXPECT_THAT(poll_conn(), IsOkAndHolds(0));
    pair.first.Reset();
    EXPECT_THAT(poll_conn(), IsOkAndHolds(1));
    ASSERT_OK_AND_ASSIGN(in, conn.OnReadable(host));
    EXPECT_FALSE(in.has_value());
    EXPECT_TRUE(conn.closed());
    EXPECT_THAT(conn.Reply(host, OkResponse()),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  });
}

class EchoOpHandler final : public RequestHandler {
 public:
  Response Handle(Host& host, IncomingRequest in) override {
    ++calls;
    return OkResponse({{"op", OpName(in.request.op)}});
  }
  int calls = 0;
};

// ServeOnce in the client's own process: the client queues its requests
// and half-closes before the server runs, so nothing blocks.
TEST_P(ControlTest, ServeOnceServesOneConnectionUntilItEnds) {
  Run([&](Host& host, const std::string& dir) {
    std::string sock = dir + "/ctl.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenControl(host, sock));
    ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
    ASSERT_OK(SendRaw(host, conn,
                      EncodeFrame(SerializeRequest(MakeRequest(Op::kPs)))));
    ASSERT_OK(host.Shutdown(conn, ShutdownHow::kWrite));
    EchoOpHandler handler;
    // The client is this process, so its uid is the "supervisor's".
    ASSERT_OK_AND_ASSIGN(PeerCredentials self, host.GetPeerCredentials(conn));
    ASSERT_OK(ServeOnce(host, listener, handler, AllowUidOrRoot(self.uid)));
    EXPECT_EQ(handler.calls, 1);
    ASSERT_OK_AND_ASSIGN(Response r, ReadReply(host, conn));
    EXPECT_EQ(r.result, Json({{"op", "ps"}}));
    EXPECT_TRUE(ClosedByPeer(host, conn));
  });
}

// The same conversation under many schedules of the fake kernel: the
// client and the server interleave differently with each seed (the refused
// peer's send may or may not see EPIPE before its reply arrives).
TEST(ControlFakeSeedsTest, ConversationHoldsUnderEverySchedule) {
  constexpr uint64_t kSeeds = 100;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE(absl::StrCat("fake kernel seed ", seed));
    std::unique_ptr<DualHost> env = DualHost::Make("Fake", {.seed = seed});
    env->Run([&](Host& host, const std::string& dir) {
      std::string sock = dir + "/ctl.sock";
      ASSERT_OK_AND_ASSIGN(auto proc, ListenAndServe(host, *env, sock));
      ExpectRejectedThenServing(host, sock, EncodeFrame("{"),
                                absl::StatusCode::kInvalidArgument,
                                "invalid JSON");
      ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
      ASSERT_OK_AND_ASSIGN(Fd conn, ConnectControl(host, sock));
      const Fd* fds[] = {&out.write};
      ASSERT_OK_AND_ASSIGN(
          Response r,
          Call(host, conn, MakeExecRequest({.process = Json::object()}), fds));
      EXPECT_TRUE(r.ok) << r.error;
      StopServer(host, sock, *proc);

      std::string refuse_sock = dir + "/refuse.sock";
      ASSERT_OK_AND_ASSIGN(auto refuser,
                           ListenAndServe(host, *env, refuse_sock, "refuse"));
      ASSERT_OK_AND_ASSIGN(Fd refused, ConnectControl(host, refuse_sock));
      ASSERT_OK_AND_ASSIGN(r, Call(host, refused, MakeRequest(Op::kPing)));
      EXPECT_THAT(StatusOf(r), StatusIs(absl::StatusCode::kPermissionDenied));
      EXPECT_THAT(refuser->WaitExit(), IsOkAndHolds(ExitStatus::Exited(0)));
    });
    if (HasFailure()) break;
  }
}

TEST(CheckPeerUidTest, OwnUidAndRootPassOthersAreDenied) {
  PeerCredentials peer{.pid = Pid{99}, .uid = 1000, .gid = 1000};
  EXPECT_OK(CheckPeerUid(peer, 1000));
  peer.uid = 0;
  EXPECT_OK(CheckPeerUid(peer, 1000));
  peer.uid = 1001;
  absl::Status denied = CheckPeerUid(peer, 1000);
  EXPECT_THAT(denied, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(denied.message(), HasSubstr("peer uid 1001 (pid 99)"));
  EXPECT_THAT(denied.message(), HasSubstr("supervisor's uid 1000"));
  // The supervisor running as root admits only root.
  EXPECT_THAT(AllowUidOrRoot(0)(peer),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace runbox::control
