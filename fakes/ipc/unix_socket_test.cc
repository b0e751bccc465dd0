// Tests of fakes/ipc/unix_socket: connection setup, stream and seqpacket
// transfer, fd passing, credentials, shutdown and close semantics. Cases
// marked "Linux:" were checked against Linux 6.x.
#include "fakes/ipc/unix_socket.h"

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "fakes/ipc/pipe.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Fds = std::vector<std::shared_ptr<OpenFile>>;

const SocketCredentials kAlice{Pid{100}, 1000, 1000};
const SocketCredentials kBob{Pid{200}, 0, 0};

absl::StatusOr<size_t> Send(UnixSocket& s, const std::string& bytes,
                            Fds fds = {}) {
  return s.Send(absl::MakeConstSpan(bytes), std::move(fds));
}

std::string RecvString(UnixSocket& s, size_t max = 1 << 20) {
  absl::StatusOr<UnixSocket::Received> r = s.Receive(max, 0);
  EXPECT_THAT(r, IsOk());
  return r.ok() ? r->bytes : "";
}

// A listener with credentials kBob and a client connected to it, accepted.
struct Connection {
  std::shared_ptr<UnixSocket> listener;
  std::shared_ptr<UnixSocket> client;
  std::shared_ptr<UnixSocket> server;
};

Connection Connect(SocketType type) {
  Connection c;
  c.listener = UnixSocket::Create(type, false);
  c.listener->SetCredentials(kBob);
  EXPECT_OK(c.listener->Listen(8));
  c.client = UnixSocket::Create(type, false);
  EXPECT_OK(c.client->Connect(c.listener, kAlice));
  absl::StatusOr<std::shared_ptr<UnixSocket>> s = c.listener->Accept();
  EXPECT_THAT(s, IsOk());
  if (s.ok()) c.server = *s;
  return c;
}

TEST(UnixSocketTest, PairTransfersBothWays) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK_AND_ASSIGN(size_t n, Send(*a, "ping"));
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(RecvString(*b), "ping");
  ASSERT_OK(Send(*b, "pong").status());
  EXPECT_EQ(RecvString(*a), "pong");
  EXPECT_TRUE(a->connected());
  EXPECT_EQ(a->type(), SocketType::kStream);
}

TEST(UnixSocketTest, PairPeerCredentialsAreTheOtherEnds) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kSeqPacket, kAlice, kBob);
  ASSERT_OK_AND_ASSIGN(SocketCredentials ca, a->PeerCredentials());
  ASSERT_OK_AND_ASSIGN(SocketCredentials cb, b->PeerCredentials());
  EXPECT_EQ(ca, kBob);
  EXPECT_EQ(cb, kAlice);
}

TEST(UnixSocketTest, EmptyQueueIsEagainWhilePeerOpen) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  EXPECT_THAT(a->Receive(10, 0), HasErrno(EAGAIN));
}

TEST(UnixSocketTest, ConnectAcceptAndCredentials) {
  Connection c = Connect(SocketType::kStream);
  ASSERT_NE(c.server, nullptr);
  EXPECT_TRUE(c.listener->listening());
  EXPECT_TRUE(c.client->connected());
  EXPECT_TRUE(c.server->connected());
  ASSERT_OK_AND_ASSIGN(SocketCredentials client_sees,
                       c.client->PeerCredentials());
  ASSERT_OK_AND_ASSIGN(SocketCredentials server_sees,
                       c.server->PeerCredentials());
  EXPECT_EQ(client_sees, kBob);
  EXPECT_EQ(server_sees, kAlice);
  ASSERT_OK(Send(*c.client, "hi").status());
  EXPECT_EQ(RecvString(*c.server), "hi");
  ASSERT_OK(Send(*c.server, "yo").status());
  EXPECT_EQ(RecvString(*c.client), "yo");
}

TEST(UnixSocketTest, ListenerCredentialsAreTakenAtConnectTime) {
  auto listener = UnixSocket::Create(SocketType::kStream, false);
  listener->SetCredentials(kBob);
  ASSERT_OK(listener->Listen(1));
  auto client = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(client->Connect(listener, kAlice));
  listener->SetCredentials(SocketCredentials{Pid{999}, 5, 5});
  ASSERT_OK_AND_ASSIGN(SocketCredentials creds, client->PeerCredentials());
  EXPECT_EQ(creds, kBob);
  // Linux: SO_PEERCRED on a listener reports the listener's own.
  ASSERT_OK_AND_ASSIGN(creds, listener->PeerCredentials());
  EXPECT_EQ(creds.pid, Pid{999});
}

TEST(UnixSocketTest, PeerCredentialsOfUnconnectedIsEnotconn) {
  auto s = UnixSocket::Create(SocketType::kStream, false);
  EXPECT_THAT(s->PeerCredentials(), HasErrno(ENOTCONN));
}

TEST(UnixSocketTest, ConnectErrors) {
  auto not_listening = UnixSocket::Create(SocketType::kStream, false);
  auto client = UnixSocket::Create(SocketType::kStream, false);
  EXPECT_THAT(client->Connect(not_listening, kAlice), HasErrno(ECONNREFUSED));
  EXPECT_THAT(client->Connect(nullptr, kAlice), HasErrno(ECONNREFUSED));

  auto seq_listener = UnixSocket::Create(SocketType::kSeqPacket, false);
  ASSERT_OK(seq_listener->Listen(1));
  EXPECT_THAT(client->Connect(seq_listener, kAlice), HasErrno(EPROTOTYPE));

  auto listener = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(listener->Listen(1));
  ASSERT_OK(client->Connect(listener, kAlice));
  EXPECT_THAT(client->Connect(listener, kAlice), HasErrno(EISCONN));
  // A listening socket cannot connect.
  EXPECT_THAT(listener->Connect(listener, kAlice), HasErrno(EINVAL));
}

TEST(UnixSocketTest, BacklogAllowsBacklogPlusOnePending) {
  // Linux: listen(0) lets one connect through, the next gets EAGAIN.
  auto listener = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(listener->Listen(0));
  auto c1 = UnixSocket::Create(SocketType::kStream, true);
  auto c2 = UnixSocket::Create(SocketType::kStream, true);
  EXPECT_FALSE(listener->BacklogFull());
  ASSERT_OK(c1->Connect(listener, kAlice));
  EXPECT_TRUE(listener->BacklogFull());
  EXPECT_THAT(c2->Connect(listener, kAlice), HasErrno(EAGAIN));
  EXPECT_FALSE(c2->connected());
  ASSERT_OK(listener->Accept().status());
  EXPECT_FALSE(listener->BacklogFull());
  EXPECT_OK(c2->Connect(listener, kAlice));
}

TEST(UnixSocketTest, AcceptErrors) {
  auto s = UnixSocket::Create(SocketType::kStream, false);
  EXPECT_THAT(s->Accept(), HasErrno(EINVAL));
  ASSERT_OK(s->Listen(4));
  EXPECT_THAT(s->Accept(), HasErrno(EAGAIN));
}

TEST(UnixSocketTest, AcceptIsFifo) {
  auto listener = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(listener->Listen(4));
  auto c1 = UnixSocket::Create(SocketType::kStream, false);
  auto c2 = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(c1->Connect(listener, kAlice));
  ASSERT_OK(c2->Connect(listener, kBob));
  ASSERT_OK_AND_ASSIGN(auto s1, listener->Accept());
  ASSERT_OK_AND_ASSIGN(auto s2, listener->Accept());
  ASSERT_OK_AND_ASSIGN(SocketCredentials p1, s1->PeerCredentials());
  ASSERT_OK_AND_ASSIGN(SocketCredentials p2, s2->PeerCredentials());
  EXPECT_EQ(p1, kAlice);
  EXPECT_EQ(p2, kBob);
}

TEST(UnixSocketTest, ListenOnConnectedIsEinval) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  EXPECT_THAT(a->Listen(1), HasErrno(EINVAL));
}

TEST(UnixSocketTest, DataSentBeforeAcceptIsKept) {
  auto listener = UnixSocket::Create(SocketType::kSeqPacket, false);
  ASSERT_OK(listener->Listen(1));
  auto client = UnixSocket::Create(SocketType::kSeqPacket, false);
  ASSERT_OK(client->Connect(listener, kAlice));
  ASSERT_OK(Send(*client, "early").status());
  ASSERT_OK_AND_ASSIGN(auto server, listener->Accept());
  EXPECT_EQ(RecvString(*server), "early");
}

TEST(UnixSocketTest, DroppingListenerResetsPendingConnections) {
  // Linux: the connector reads ECONNRESET once, then EOF; writes EPIPE.
  auto listener = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(listener->Listen(1));
  auto client = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(client->Connect(listener, kAlice));
  listener.reset();
  EXPECT_TRUE(Has(client->Readiness(), PollEvents::kErr));
  EXPECT_THAT(client->Receive(10, 0), HasErrno(ECONNRESET));
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, client->Receive(10, 0));
  EXPECT_THAT(r.bytes, IsEmpty());
  EXPECT_THAT(Send(*client, "x"), HasErrno(EPIPE));
}

TEST(UnixSocketTest, DroppingPeerGivesEofAndEpipe) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK(Send(*b, "last words").status());
  b.reset();
  EXPECT_EQ(RecvString(*a), "last words");
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, a->Receive(10, 0));
  EXPECT_THAT(r.bytes, IsEmpty());
  EXPECT_THAT(r.fds, IsEmpty());
  EXPECT_THAT(Send(*a, "x"), HasErrno(EPIPE));
}

TEST(UnixSocketTest, DroppingPeerWithUnreadDataResets) {
  // Linux: closing with unread data makes the peer's next read on an
  // empty queue fail ECONNRESET once, after its own queued data.
  for (SocketType type : {SocketType::kStream, SocketType::kSeqPacket}) {
    auto [a, b] = UnixSocket::CreatePair(type, kAlice, kBob);
    ASSERT_OK(Send(*a, "never read").status());
    ASSERT_OK(Send(*b, "hello").status());
    b.reset();
    EXPECT_EQ(RecvString(*a), "hello");
    EXPECT_THAT(a->Receive(10, 0), HasErrno(ECONNRESET));
    ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, a->Receive(10, 0));
    EXPECT_THAT(r.bytes, IsEmpty());
  }
}

TEST(UnixSocketTest, ClosingClientBeforeAcceptGivesServerEof) {
  auto listener = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(listener->Listen(1));
  auto client = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(client->Connect(listener, kAlice));
  ASSERT_OK(Send(*client, "bye").status());
  client.reset();
  ASSERT_OK_AND_ASSIGN(auto server, listener->Accept());
  EXPECT_EQ(RecvString(*server), "bye");
  EXPECT_EQ(RecvString(*server), "");
  EXPECT_THAT(Send(*server, "x"), HasErrno(EPIPE));
}

TEST(UnixSocketTest, StreamJoinsMessagesAndSplitsReads) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK(Send(*a, "abc").status());
  ASSERT_OK(Send(*a, "def").status());
  EXPECT_EQ(RecvString(*b, 2), "ab");
  EXPECT_EQ(RecvString(*b, 3), "cde");
  EXPECT_EQ(RecvString(*b, 100), "f");
}

TEST(UnixSocketTest, StreamPartialSendWhenPeerQueueFills) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  std::string big(kSocketBufferSize - 10, 'x');
  ASSERT_OK_AND_ASSIGN(size_t n, Send(*a, big));
  EXPECT_EQ(n, big.size());
  ASSERT_OK_AND_ASSIGN(n, Send(*a, std::string(100, 'y')));
  EXPECT_EQ(n, 10u);
  EXPECT_THAT(Send(*a, "z"), HasErrno(EAGAIN));
  EXPECT_FALSE(Has(a->Readiness(), PollEvents::kOut));
  EXPECT_EQ(RecvString(*b, 10).size(), 10u);
  ASSERT_OK_AND_ASSIGN(n, Send(*a, "z"));
  EXPECT_EQ(n, 1u);
}

TEST(UnixSocketTest, SeqPacketKeepsBoundariesAndTruncates) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kSeqPacket, kAlice, kBob);
  ASSERT_OK(Send(*a, "first").status());
  ASSERT_OK(Send(*a, "second").status());
  EXPECT_EQ(RecvString(*b, 3), "fir");  // The rest of "first" is discarded.
  EXPECT_EQ(RecvString(*b, 100), "second");
  EXPECT_THAT(b->Receive(100, 0), HasErrno(EAGAIN));
}

TEST(UnixSocketTest, SeqPacketIsAllOrNothing) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kSeqPacket, kAlice, kBob);
  EXPECT_THAT(Send(*a, std::string(kSocketBufferSize + 1, 'x')),
              HasErrno(EMSGSIZE));
  ASSERT_OK(Send(*a, std::string(kSocketBufferSize - 10, 'x')).status());
  EXPECT_THAT(Send(*a, std::string(11, 'y')), HasErrno(EAGAIN));
  ASSERT_OK_AND_ASSIGN(size_t n, Send(*a, std::string(10, 'y')));
  EXPECT_EQ(n, 10u);
}

TEST(UnixSocketTest, FdsTravelWithTheirMessage) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kSeqPacket, kAlice, kBob);
  PipePair p = MakePipe(false);
  ASSERT_OK(Send(*a, "fds", {p.read, p.write}).status());
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, b->Receive(100, 10));
  EXPECT_EQ(r.bytes, "fds");
  EXPECT_THAT(r.fds, ElementsAre(p.read, p.write));
  EXPECT_FALSE(r.fds_truncated);
}

TEST(UnixSocketTest, FdsBeyondMaxAreDroppedAndFlagged) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kSeqPacket, kAlice, kBob);
  PipePair p = MakePipe(false);
  std::weak_ptr<OpenFile> write_end = p.write;
  ASSERT_OK(Send(*a, "m", {p.read, std::move(p.write)}).status());
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, b->Receive(100, 1));
  EXPECT_THAT(r.fds, ElementsAre(p.read));
  EXPECT_TRUE(r.fds_truncated);
  // The dropped write end is closed: the reader sees EOF.
  EXPECT_TRUE(write_end.expired());
  EXPECT_TRUE(Has(p.read->Readiness(), PollEvents::kHup));
}

TEST(UnixSocketTest, TooManyFdsIsEinval) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  PipePair p = MakePipe(false);
  Fds fds(kMaxFdsPerMessage + 1, p.read);
  EXPECT_THAT(Send(*a, "x", fds), HasErrno(EINVAL));
  fds.pop_back();
  EXPECT_OK(Send(*a, "x", fds).status());
}

TEST(UnixSocketTest, StreamFdsArriveWithFirstByteAndStopTheRead) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  PipePair p = MakePipe(false);
  ASSERT_OK(Send(*a, "plain-").status());
  ASSERT_OK(Send(*a, "withfd", {p.read}).status());
  ASSERT_OK(Send(*a, "-after").status());
  // Bytes before the fd message are joined with it; the read stops at the
  // end of the message that carried fds.
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, b->Receive(100, 4));
  EXPECT_EQ(r.bytes, "plain-withfd");
  EXPECT_THAT(r.fds, ElementsAre(p.read));
  ASSERT_OK_AND_ASSIGN(r, b->Receive(100, 4));
  EXPECT_EQ(r.bytes, "-after");
  EXPECT_THAT(r.fds, IsEmpty());
}

TEST(UnixSocketTest, StreamFdsComeWithAPartialReadOfTheirMessage) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  PipePair p = MakePipe(false);
  ASSERT_OK(Send(*a, "withfd", {p.read}).status());
  ASSERT_OK(Send(*a, "more", {p.write}).status());
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, b->Receive(2, 4));
  EXPECT_EQ(r.bytes, "wi");
  EXPECT_THAT(r.fds, ElementsAre(p.read));
  // The rest of the first message no longer carries fds, so the read goes
  // on into the next one (taking its fds) and stops at its end, as
  // unix_stream_read_generic does.
  ASSERT_OK(Send(*a, "tail").status());
  ASSERT_OK_AND_ASSIGN(r, b->Receive(100, 4));
  EXPECT_EQ(r.bytes, "thfdmore");
  EXPECT_THAT(r.fds, ElementsAre(p.write));
  ASSERT_OK_AND_ASSIGN(r, b->Receive(100, 4));
  EXPECT_EQ(r.bytes, "tail");
}

TEST(UnixSocketTest, EmptyStreamSendDropsFds) {
  // Linux: sendmsg with no bytes on a stream socket sends nothing.
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  PipePair p = MakePipe(false);
  ASSERT_OK_AND_ASSIGN(size_t n, Send(*a, "", {p.read}));
  EXPECT_EQ(n, 0u);
  EXPECT_THAT(b->Receive(100, 4), HasErrno(EAGAIN));
}

TEST(UnixSocketTest, ZeroMaxBytesConsumesNothing) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK(Send(*a, "x").status());
  ASSERT_OK_AND_ASSIGN(UnixSocket::Received r, b->Receive(0, 4));
  EXPECT_THAT(r.bytes, IsEmpty());
  EXPECT_EQ(RecvString(*b), "x");
}

TEST(UnixSocketTest, UnconnectedErrors) {
  // Linux: recv on an unconnected stream socket is EINVAL, seqpacket
  // ENOTCONN; send is ENOTCONN; shutdown succeeds.
  auto stream = UnixSocket::Create(SocketType::kStream, false);
  auto seq = UnixSocket::Create(SocketType::kSeqPacket, false);
  EXPECT_THAT(stream->Receive(10, 0), HasErrno(EINVAL));
  EXPECT_THAT(seq->Receive(10, 0), HasErrno(ENOTCONN));
  EXPECT_THAT(Send(*stream, "x"), HasErrno(ENOTCONN));
  EXPECT_THAT(Send(*seq, "x"), HasErrno(ENOTCONN));
  EXPECT_OK(stream->Shutdown(ShutdownHow::kBoth));
}

TEST(UnixSocketTest, ShutdownWriteGivesPeerEofAfterData) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK(Send(*a, "tail").status());
  ASSERT_OK(a->Shutdown(ShutdownHow::kWrite));
  EXPECT_THAT(Send(*a, "x"), HasErrno(EPIPE));
  EXPECT_EQ(RecvString(*b), "tail");
  EXPECT_EQ(RecvString(*b), "");
  // The other direction still works.
  ASSERT_OK(Send(*b, "reply").status());
  EXPECT_EQ(RecvString(*a), "reply");
}

TEST(UnixSocketTest, ShutdownReadMakesPeerSendEpipe) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK(Send(*b, "queued").status());
  ASSERT_OK(a->Shutdown(ShutdownHow::kRead));
  EXPECT_THAT(Send(*b, "x"), HasErrno(EPIPE));
  // Data queued before the shutdown is still readable, then EOF.
  EXPECT_EQ(RecvString(*a), "queued");
  EXPECT_EQ(RecvString(*a), "");
}

TEST(UnixSocketTest, ReadinessOfListener) {
  auto listener = UnixSocket::Create(SocketType::kStream, false);
  EXPECT_EQ(listener->Readiness(), PollEvents::kOut | PollEvents::kHup);
  ASSERT_OK(listener->Listen(1));
  EXPECT_EQ(listener->Readiness(), PollEvents::kNone);
  auto client = UnixSocket::Create(SocketType::kStream, false);
  ASSERT_OK(client->Connect(listener, kAlice));
  EXPECT_EQ(listener->Readiness(), PollEvents::kIn);
}

TEST(UnixSocketTest, ReadinessOfConnected) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  EXPECT_EQ(a->Readiness(), PollEvents::kOut);
  ASSERT_OK(Send(*b, "x").status());
  EXPECT_EQ(a->Readiness(), PollEvents::kIn | PollEvents::kOut);
  RecvString(*a);
  // Linux: a closed peer shows IN|OUT|HUP (reads EOF, writes EPIPE).
  b.reset();
  EXPECT_EQ(a->Readiness(),
            PollEvents::kIn | PollEvents::kOut | PollEvents::kHup);
}

TEST(UnixSocketTest, WritabilityReturnsAtAQuarterFull) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  ASSERT_OK(Send(*a, std::string(kSocketBufferSize, 'x')).status());
  EXPECT_FALSE(Has(a->Readiness(), PollEvents::kOut));
  RecvString(*b, kSocketBufferSize / 2);
  EXPECT_FALSE(Has(a->Readiness(), PollEvents::kOut));
  RecvString(*b, kSocketBufferSize / 4);
  EXPECT_TRUE(Has(a->Readiness(), PollEvents::kOut));
}

TEST(UnixSocketTest, ReadAndWriteMapToReceiveAndSend) {
  auto [a, b] = UnixSocket::CreatePair(SocketType::kStream, kAlice, kBob);
  std::string out = "via write";
  ASSERT_OK_AND_ASSIGN(size_t n, a->Write(absl::MakeConstSpan(out)));
  EXPECT_EQ(n, out.size());
  std::string buf(100, '\0');
  ASSERT_OK_AND_ASSIGN(n, b->Read(absl::MakeSpan(buf)));
  EXPECT_EQ(buf.substr(0, n), "via write");
  EXPECT_THAT(b->Read(absl::MakeSpan(buf)), HasErrno(EAGAIN));
  a.reset();
  ASSERT_OK_AND_ASSIGN(n, b->Read(absl::MakeSpan(buf)));
  EXPECT_EQ(n, 0u);
  EXPECT_THAT(b->Write(absl::MakeConstSpan(out)), HasErrno(EPIPE));
}

TEST(UnixSocketTest, StatAndFlags) {
  auto s = UnixSocket::Create(SocketType::kSeqPacket, /*nonblocking=*/true);
  EXPECT_TRUE(s->nonblocking());
  EXPECT_TRUE(s->readable());
  EXPECT_TRUE(s->writable());
  EXPECT_EQ(s->type(), SocketType::kSeqPacket);
  ASSERT_OK_AND_ASSIGN(FileStat st, s->Stat());
  EXPECT_EQ(st.type, FileType::kSocket);
}

TEST(UnixSocketTest, AcceptedSocketIsBlockingEvenFromNonblockingListener) {
  auto listener = UnixSocket::Create(SocketType::kStream, true);
  ASSERT_OK(listener->Listen(1));
  auto client = UnixSocket::Create(SocketType::kStream, true);
  ASSERT_OK(client->Connect(listener, kAlice));
  ASSERT_OK_AND_ASSIGN(auto server, listener->Accept());
  EXPECT_FALSE(server->nonblocking());
}

}  // namespace
}  // namespace runbox::fake
