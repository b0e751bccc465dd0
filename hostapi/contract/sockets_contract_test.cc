// Contract of Sockets (AF_UNIX stream and seqpacket) on both hosts: round
// trips, message boundaries, SCM_RIGHTS, peer credentials, bind/connect
// errors and EOF/EPIPE, as unix(7), socket(2), connect(2) and recvmsg(2)
// describe them. Socket paths are relative to the case directory (Fchdir),
// since sun_path holds only 108 bytes and $TEST_TMPDIR is long.
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

RUNBOX_CONTRACT_SUITE(SocketsContract);

absl::StatusOr<size_t> Send(Host& host, const Fd& sock, absl::string_view text,
                            std::vector<const Fd*> fds = {}) {
  return host.SendMsg(sock, text, fds);
}

// Receives on a stream socket until EOF.
absl::StatusOr<std::string> RecvToEof(Host& host, const Fd& sock) {
  std::string out;
  for (;;) {
    ASSIGN_OR_RETURN(ReceivedMessage m, host.RecvMsg(sock, 4096, 0));
    if (m.bytes.empty()) return out;
    out += m.bytes;
  }
}

// Binds and listens on `name` in the cwd.
absl::StatusOr<Fd> Listener(Host& host, absl::string_view name) {
  ASSIGN_OR_RETURN(Fd sock, host.Socket(SocketType::kStream));
  RETURN_IF_ERROR(host.Bind(sock, name));
  RETURN_IF_ERROR(host.Listen(sock, 8));
  return sock;
}

TEST_P(SocketsContract, SocketPairStreamRoundTrip) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    EXPECT_THAT(Send(host, p.first, "ping"), IsOkAndHolds(4));
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 100, 0));
    EXPECT_EQ(m.bytes, "ping");
    EXPECT_THAT(m.fds, IsEmpty());
    EXPECT_FALSE(m.fds_truncated);
    EXPECT_THAT(Send(host, p.second, "pong"), IsOkAndHolds(4));
    ASSERT_OK_AND_ASSIGN(m, host.RecvMsg(p.first, 100, 0));
    EXPECT_EQ(m.bytes, "pong");
  });
}

TEST_P(SocketsContract, StreamSocketsAlsoReadAndWrite) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_OK(WriteAll(host, p.first, "via write"));
    EXPECT_THAT(ReadSome(host, p.second, 100), IsOkAndHolds("via write"));
  });
}

TEST_P(SocketsContract, SeqPacketKeepsMessageBoundaries) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p,
                         host.SocketPair(SocketType::kSeqPacket));
    ASSERT_OK(Send(host, p.first, "ab").status());
    ASSERT_OK(Send(host, p.first, "cde").status());
    EXPECT_THAT(host.RecvMsg(p.second, 100, 0),
                IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "ab")));
    EXPECT_THAT(host.RecvMsg(p.second, 100, 0),
                IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "cde")));
  });
}

TEST_P(SocketsContract, SeqPacketDropsTheRestOfALongMessage) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p,
                         host.SocketPair(SocketType::kSeqPacket));
    ASSERT_OK(Send(host, p.first, "abcdef").status());
    ASSERT_OK(Send(host, p.first, "gh").status());
    EXPECT_THAT(host.RecvMsg(p.second, 3, 0),
                IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "abc")));
    EXPECT_THAT(host.RecvMsg(p.second, 100, 0),
                IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "gh")));
  });
}

TEST_P(SocketsContract, ScmRightsPassesADescriptionOfTheSameFile) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "shared"));
    ASSERT_OK_AND_ASSIGN(Fd file,
                         host.OpenAt(d, "f", {.flags = OpenFlags::kReadOnly}));
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_THAT(Send(host, p.first, "x", {&file}), IsOkAndHolds(1));
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 10, 4));
    EXPECT_EQ(m.bytes, "x");
    ASSERT_THAT(m.fds, SizeIs(1));
    EXPECT_FALSE(m.fds_truncated);
    EXPECT_NE(m.fds[0].get(), file.get());
    ASSERT_OK_AND_ASSIGN(FileStat a, host.FStat(file));
    ASSERT_OK_AND_ASSIGN(FileStat b, host.FStat(m.fds[0]));
    EXPECT_EQ(a.ino, b.ino);
    // One open file description: the offset is shared.
    EXPECT_THAT(ReadSome(host, m.fds[0], 2), IsOkAndHolds("sh"));
    EXPECT_THAT(ReadToEof(host, file), IsOkAndHolds("ared"));
  });
}

TEST_P(SocketsContract, ScmRightsPassesSeveralFdsInOrder) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "A"));
    ASSERT_OK(WriteFile(host, d, "b", "B"));
    ASSERT_OK_AND_ASSIGN(Fd a, host.OpenAt(d, "a", {}));
    ASSERT_OK_AND_ASSIGN(Fd b, host.OpenAt(d, "b", {}));
    ASSERT_OK_AND_ASSIGN(SocketPairFds p,
                         host.SocketPair(SocketType::kSeqPacket));
    ASSERT_OK(Send(host, p.first, "two", {&a, &b}).status());
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 10, 4));
    ASSERT_THAT(m.fds, SizeIs(2));
    EXPECT_THAT(ReadToEof(host, m.fds[0]), IsOkAndHolds("A"));
    EXPECT_THAT(ReadToEof(host, m.fds[1]), IsOkAndHolds("B"));
  });
}

TEST_P(SocketsContract, RecvMsgReportsFdsThatDidNotFit) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(PipeFds x, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_OK(Send(host, p.first, "x", {&x.read, &x.write}).status());
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 10, 1));
    EXPECT_EQ(m.bytes, "x");
    EXPECT_THAT(m.fds, SizeIs(1));
    EXPECT_TRUE(m.fds_truncated);
  });
}

TEST_P(SocketsContract, RecvMsgWithoutRoomForFdsDropsThem) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds x, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_OK(Send(host, p.first, "x", {&x.read}).status());
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 10, 0));
    EXPECT_EQ(m.bytes, "x");
    EXPECT_THAT(m.fds, IsEmpty());
    EXPECT_TRUE(m.fds_truncated);
  });
}

TEST_P(SocketsContract, PeerCredentialsOfASocketPairAreOurOwn) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_OK_AND_ASSIGN(PeerCredentials cred,
                         host.GetPeerCredentials(p.first));
    EXPECT_EQ(cred.pid, host.GetPid());
    EXPECT_EQ(cred.uid, 0u);
    EXPECT_EQ(cred.gid, 0u);
  });
}

TEST_P(SocketsContract, BindListenConnectAcceptRoundTrip) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listener(host, "ctl.sock"));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kStream));
    // A listening unix socket queues the connection; accept comes later.
    ASSERT_OK(host.Connect(client, "ctl.sock"));
    ASSERT_OK_AND_ASSIGN(Fd server, host.Accept(listener));
    ASSERT_OK(Send(host, client, "request").status());
    EXPECT_THAT(
        host.RecvMsg(server, 100, 0),
        IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "request")));
    ASSERT_OK(Send(host, server, "reply").status());
    EXPECT_THAT(
        host.RecvMsg(client, 100, 0),
        IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "reply")));
    ASSERT_OK_AND_ASSIGN(PeerCredentials cred, host.GetPeerCredentials(client));
    EXPECT_EQ(cred.pid, host.GetPid());
  });
}

TEST_P(SocketsContract, SeqPacketListenerKeepsBoundaries) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd listener, host.Socket(SocketType::kSeqPacket));
    ASSERT_OK(host.Bind(listener, "seq.sock"));
    ASSERT_OK(host.Listen(listener, 4));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kSeqPacket));
    ASSERT_OK(host.Connect(client, "seq.sock"));
    ASSERT_OK_AND_ASSIGN(Fd server, host.Accept(listener));
    ASSERT_OK(Send(host, client, "one").status());
    ASSERT_OK(Send(host, client, "two").status());
    EXPECT_THAT(host.RecvMsg(server, 100, 0),
                IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "one")));
  });
}

TEST_P(SocketsContract, ListenerPollsReadableWithAPendingConnection) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listener(host, "poll.sock"));
    PollFd pfd{.fd = &listener, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kStream));
    ASSERT_OK(host.Connect(client, "poll.sock"));
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(1));
    EXPECT_TRUE(Has(pfd.revents, PollEvents::kIn));
  });
}

TEST_P(SocketsContract, PeerCredentialsNameTheConnectingProcess) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listener(host, "ctl.sock"));
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"connect-and-send", "ctl.sock", "hello"}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    // Blocks until the child connects.
    ASSERT_OK_AND_ASSIGN(Fd server, host.Accept(listener));
    ASSERT_OK_AND_ASSIGN(PeerCredentials cred, host.GetPeerCredentials(server));
    EXPECT_EQ(cred.pid, child.pid);
    EXPECT_EQ(cred.uid, 0u);
    EXPECT_THAT(RecvToEof(host, server), IsOkAndHolds("hello"));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(SocketsContract, ConnectToAMissingPathFailsEnoent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Connect(client, "missing.sock"), HasErrno(ENOENT));
  });
}

TEST_P(SocketsContract, ConnectToABoundSocketThatDoesNotListenIsRefused) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd bound, host.Socket(SocketType::kStream));
    ASSERT_OK(host.Bind(bound, "quiet.sock"));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Connect(client, "quiet.sock"), HasErrno(ECONNREFUSED));
  });
}

TEST_P(SocketsContract, ConnectAfterTheListenerClosedIsRefused) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listener(host, "gone.sock"));
    ASSERT_OK(host.Close(std::move(listener)));
    // The socket file stays behind; nobody listens on it.
    EXPECT_OK(host.StatAt(d, "gone.sock", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Connect(client, "gone.sock"), HasErrno(ECONNREFUSED));
  });
}

TEST_P(SocketsContract, ConnectToARegularFileIsRefused) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK(WriteFile(host, d, "plain", "not a socket"));
    ASSERT_OK_AND_ASSIGN(Fd client, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Connect(client, "plain"), HasErrno(ECONNREFUSED));
  });
}

TEST_P(SocketsContract, BindCreatesASocketInode) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd listener, Listener(host, "ctl.sock"));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "ctl.sock", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kSocket);
  });
}

TEST_P(SocketsContract, BindToAnExistingPathFailsEaddrinuse) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK(WriteFile(host, d, "taken", "x"));
    ASSERT_OK_AND_ASSIGN(Fd a, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Bind(a, "taken"), HasErrno(EADDRINUSE));
    // A stale socket file left by a closed listener is in use too.
    ASSERT_OK_AND_ASSIGN(Fd old, Listener(host, "stale.sock"));
    old.Reset();
    ASSERT_OK_AND_ASSIGN(Fd b, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Bind(b, "stale.sock"), HasErrno(EADDRINUSE));
  });
}

TEST_P(SocketsContract, BindToAPathLongerThanSunPathFailsEnametoolong) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.Fchdir(d));
    ASSERT_OK_AND_ASSIGN(Fd sock, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.Bind(sock, std::string(200, 's')), HasErrno(ENAMETOOLONG));
  });
}

TEST_P(SocketsContract, StreamRecvGivesEofAfterThePeerCloses) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_OK(Send(host, p.first, "last").status());
    p.first.Reset();
    EXPECT_THAT(RecvToEof(host, p.second), IsOkAndHolds("last"));
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 100, 4));
    EXPECT_EQ(m.bytes, "");
    EXPECT_THAT(m.fds, IsEmpty());
    PollFd pfd{.fd = &p.second, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(1));
    EXPECT_TRUE(Has(pfd.revents, PollEvents::kHup));
  });
}

TEST_P(SocketsContract, SeqPacketRecvGivesEofAfterThePeerCloses) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p,
                         host.SocketPair(SocketType::kSeqPacket));
    p.first.Reset();
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(p.second, 100, 0));
    EXPECT_EQ(m.bytes, "");
  });
}

TEST_P(SocketsContract, SendToAClosedPeerFailsEpipeWithoutSigpipe) {
  Run([&](Host& host, const std::string& dir) {
    // SIGPIPE keeps its default (fatal) action: SendMsg must not raise it.
    ASSERT_OK(
        host.SetSignalDisposition(Signal::kPipe, SignalDisposition::kDefault));
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    p.second.Reset();
    EXPECT_THAT(Send(host, p.first, "nobody"), HasErrno(EPIPE));
  });
}

TEST_P(SocketsContract, ShutdownWriteGivesThePeerEofButKeepsTheOtherWay) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SocketPairFds p, host.SocketPair(SocketType::kStream));
    ASSERT_OK(host.Shutdown(p.first, ShutdownHow::kWrite));
    EXPECT_THAT(RecvToEof(host, p.second), IsOkAndHolds(""));
    ASSERT_OK(Send(host, p.second, "back").status());
    EXPECT_THAT(
        host.RecvMsg(p.first, 100, 0),
        IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "back")));
    ASSERT_OK(
        host.SetSignalDisposition(Signal::kPipe, SignalDisposition::kIgnore));
    EXPECT_THAT(Send(host, p.first, "more"), HasErrno(EPIPE));
  });
}

}  // namespace
}  // namespace runbox::contract
