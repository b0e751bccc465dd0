// Contract of loopback TCP (TcpSocket, BindLoopback, ConnectLoopback,
// BringUpLoopback) on both hosts: a connection on 127.0.0.1 carries bytes
// both ways with half-close, refusals and port conflicts are the errnos
// tcp(7) and ip(7) give, and a port belongs to one network namespace: what
// listens in one is out of reach of another, and in reach of a process
// that joins it (the pod case). A new network namespace's loopback is down
// until brought up. Linux is the reference; on Linux the test process runs
// in the machine's network namespace, so cases reserve their port by
// binding it first (SO_REUSEADDR lets the listener share it; nobody else
// can listen there meanwhile).
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

RUNBOX_CONTRACT_SUITE(LoopbackTcpContract);

// Ports tried by cases, away from the ephemeral range (32768-60999) so a
// client's port never collides with them.
constexpr uint16_t kFirstPort = 20000;
constexpr uint16_t kLastPort = 20999;

// A TCP socket bound to some free port of the range, tried from a random
// start (concurrent runs share the machine's ports); the port in `port`.
// With `listen`, one it could also listen on (SO_REUSEADDR lets a bind
// share a port that another socket merely bound).
absl::StatusOr<Fd> BindSomePort(Host& host, uint16_t& port,
                                bool listen = false) {
  const uint32_t span = kLastPort - kFirstPort + 1;
  const uint64_t start = host.RandomUint64() % span;
  absl::Status last = absl::OkStatus();
  for (uint32_t i = 0; i < span; ++i) {
    const auto p = static_cast<uint16_t>(kFirstPort + (start + i) % span);
    ASSIGN_OR_RETURN(Fd sock, host.TcpSocket());
    last = host.BindLoopback(sock, p);
    if (last.ok() && listen) last = host.Listen(sock, 8);
    if (last.ok()) {
      port = p;
      return sock;
    }
    if (!IsErrno(last, EADDRINUSE)) return last;
  }
  return last;
}

// A listener on a free port.
absl::StatusOr<Fd> ListenSomePort(Host& host, uint16_t& port) {
  return BindSomePort(host, port, /*listen=*/true);
}

absl::StatusOr<std::string> RecvToEof(Host& host, const Fd& sock) {
  std::string out;
  for (;;) {
    ASSIGN_OR_RETURN(ReceivedMessage m, host.RecvMsg(sock, 4096, 0));
    if (m.bytes.empty()) return out;
    out += m.bytes;
  }
}

TEST_P(LoopbackTcpContract, ConnectAcceptAndEchoBothWays) {
  Run([&](Host& host, const std::string& dir) {
    uint16_t port = 0;
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenSomePort(host, port));
    ASSERT_OK_AND_ASSIGN(Fd client, host.TcpSocket());
    // Loopback connects complete in the backlog, before any accept.
    ASSERT_OK(host.ConnectLoopback(client, port));
    ASSERT_OK_AND_ASSIGN(Fd server, host.Accept(listener));
    ASSERT_OK(WriteAll(host, client, "ping"));
    EXPECT_THAT(ReadSome(host, server, 100), IsOkAndHolds("ping"));
    EXPECT_THAT(host.SendMsg(server, absl::string_view("pong"), {}),
                IsOkAndHolds(4));
    EXPECT_THAT(
        host.RecvMsg(client, 100, 0),
        IsOkAndHolds(::testing::Field(&ReceivedMessage::bytes, "pong")));
    // Half-close: the server reads EOF and may still answer.
    ASSERT_OK(host.Shutdown(client, ShutdownHow::kWrite));
    EXPECT_THAT(RecvToEof(host, server), IsOkAndHolds(""));
    ASSERT_OK(WriteAll(host, server, "bye"));
    ASSERT_OK(host.Close(std::move(server)));
    EXPECT_THAT(RecvToEof(host, client), IsOkAndHolds("bye"));
  });
}

TEST_P(LoopbackTcpContract, ConnectWithoutAListenerIsRefused) {
  Run([&](Host& host, const std::string& dir) {
    // Bound but not listening: the port is ours and closed.
    uint16_t port = 0;
    ASSERT_OK_AND_ASSIGN(Fd reserved, BindSomePort(host, port));
    ASSERT_OK_AND_ASSIGN(Fd client, host.TcpSocket());
    EXPECT_THAT(host.ConnectLoopback(client, port), HasErrno(ECONNREFUSED));
  });
}

TEST_P(LoopbackTcpContract, BindingAListeningPortFailsAddrInUse) {
  Run([&](Host& host, const std::string& dir) {
    uint16_t port = 0;
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenSomePort(host, port));
    ASSERT_OK_AND_ASSIGN(Fd other, host.TcpSocket());
    EXPECT_THAT(host.BindLoopback(other, port), HasErrno(EADDRINUSE));
  });
}

TEST_P(LoopbackTcpContract, ListeningOnASharedPortFailsAddrInUse) {
  Run([&](Host& host, const std::string& dir) {
    // SO_REUSEADDR: two sockets may bind one port; only one may listen.
    uint16_t port = 0;
    ASSERT_OK_AND_ASSIGN(Fd first, BindSomePort(host, port));
    ASSERT_OK_AND_ASSIGN(Fd second, host.TcpSocket());
    ASSERT_OK(host.BindLoopback(second, port));
    ASSERT_OK(host.Listen(first, 8));
    EXPECT_THAT(host.Listen(second, 8), HasErrno(EADDRINUSE));
  });
}

TEST_P(LoopbackTcpContract, APortIsFreeAgainOnceItsListenerCloses) {
  Run([&](Host& host, const std::string& dir) {
    uint16_t port = 0;
    {
      ASSERT_OK_AND_ASSIGN(Fd listener, ListenSomePort(host, port));
      ASSERT_OK_AND_ASSIGN(Fd client, host.TcpSocket());
      ASSERT_OK(host.ConnectLoopback(client, port));
      ASSERT_OK_AND_ASSIGN(Fd server, host.Accept(listener));
      ASSERT_OK(WriteAll(host, client, "x"));
      EXPECT_THAT(ReadSome(host, server, 10), IsOkAndHolds("x"));
      // The server closes first (its side lingers in TIME_WAIT on Linux).
      ASSERT_OK(host.Close(std::move(server)));
      ASSERT_OK(host.Close(std::move(listener)));
    }
    ASSERT_OK_AND_ASSIGN(Fd again, host.TcpSocket());
    ASSERT_OK(host.BindLoopback(again, port));
    EXPECT_OK(host.Listen(again, 8));
  });
}

TEST_P(LoopbackTcpContract, TcpCarriesNoFds) {
  Run([&](Host& host, const std::string& dir) {
    uint16_t port = 0;
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenSomePort(host, port));
    ASSERT_OK_AND_ASSIGN(Fd client, host.TcpSocket());
    ASSERT_OK(host.ConnectLoopback(client, port));
    ASSERT_OK_AND_ASSIGN(Fd server, host.Accept(listener));
    ASSERT_OK_AND_ASSIGN(PipeFds pipe, host.Pipe());
    // SCM_RIGHTS is ignored (kernels before 6.x's stricter cmsg checks may
    // differ): the byte arrives alone.
    EXPECT_THAT(host.SendMsg(client, absl::string_view("x"), {&pipe.read}),
                IsOkAndHolds(1));
    ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(server, 10, 4));
    EXPECT_EQ(m.bytes, "x");
    EXPECT_TRUE(m.fds.empty());
  });
}

TEST_P(LoopbackTcpContract, UnixAddressesDoNotApplyToTcpSockets) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd tcp, host.TcpSocket());
    // A sockaddr_un shorter than a sockaddr_in is EINVAL before the family
    // is looked at.
    EXPECT_THAT(host.Bind(tcp, "s"), HasErrno(EINVAL));
    ASSERT_OK_AND_ASSIGN(Fd unix_socket, host.Socket(SocketType::kStream));
    EXPECT_THAT(host.BindLoopback(unix_socket, kFirstPort), HasErrno(EINVAL));
  });
}

// A helper started with fd 1 a pipe, and fd 0 a pipe the case holds.
struct Child {
  SpawnResult spawned;
  Fd in;
  Fd out;
};

absl::StatusOr<Child> StartHelper(Host& host, const std::string& helper,
                                  const std::vector<std::string>& args,
                                  Namespaces new_namespaces,
                                  std::vector<NamespaceJoin> joins = {}) {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  SpawnRequest req;
  req.path = helper;
  req.argv.push_back(helper);
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.fds = {{&in.read, 0}, {&out.write, 1}};
  req.new_namespaces = new_namespaces;
  req.join_namespaces = std::move(joins);
  ASSIGN_OR_RETURN(SpawnResult spawned, host.Spawn(req));
  return Child{std::move(spawned), std::move(in.write), std::move(out.read)};
}

// Runs the helper to its end; its output.
absl::StatusOr<std::string> RunToEnd(Host& host, Child child) {
  child.in.Reset();
  absl::StatusOr<std::string> out = ReadToEof(host, child.out);
  RETURN_IF_ERROR(WaitFor(host, child.spawned.pid).status());
  return out;
}

bool CanMakeNetNamespaces(Host& host) { return host.GetUid() == 0; }

TEST_P(LoopbackTcpContract, ANewNetNamespaceHasItsLoopbackDown) {
  Run([&](Host& host, const std::string& dir) {
    if (!CanMakeNetNamespaces(host)) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(
        Child connect,
        StartHelper(host, helper(), {"tcp-connect", "20000", "as-is", "x"},
                    Namespaces::kNet));
    EXPECT_THAT(RunToEnd(host, std::move(connect)),
                IsOkAndHolds("error ENETUNREACH\n"));
  });
}

TEST_P(LoopbackTcpContract, BroughtUpLoopbackRefusesAClosedPort) {
  Run([&](Host& host, const std::string& dir) {
    if (!CanMakeNetNamespaces(host)) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(
        Child connect,
        StartHelper(host, helper(), {"tcp-connect", "20000", "up", "x"},
                    Namespaces::kNet));
    EXPECT_THAT(RunToEnd(host, std::move(connect)),
                IsOkAndHolds("error ECONNREFUSED\n"));
  });
}

TEST_P(LoopbackTcpContract, AListenerIsReachableOnlyInItsNetNamespace) {
  Run([&](Host& host, const std::string& dir) {
    if (!CanMakeNetNamespaces(host)) GTEST_SKIP() << "needs root";
    // Ours, closed: so only the helper's namespace has a listener there.
    uint16_t port = 0;
    ASSERT_OK_AND_ASSIGN(Fd reserved, BindSomePort(host, port));
    std::string port_text = absl::StrCat(port);
    ASSERT_OK_AND_ASSIGN(
        Child listener,
        StartHelper(host, helper(), {"tcp-listen", port_text, "up"},
                    Namespaces::kNet));
    absl::Cleanup reap = [&] { KillAndReap(host, listener.spawned.pid); };
    ASSERT_THAT(ReadUntil(host, listener.out, '\n'), IsOkAndHolds("ready\n"));

    // From here (another namespace): refused.
    ASSERT_OK_AND_ASSIGN(Fd client, host.TcpSocket());
    EXPECT_THAT(host.ConnectLoopback(client, port), HasErrno(ECONNREFUSED));

    // From a process that joins the listener's namespace: connected.
    ASSERT_OK_AND_ASSIGN(
        Fd netns, host.OpenNamespace(listener.spawned.pid, Namespaces::kNet));
    ASSERT_OK_AND_ASSIGN(
        Child connect,
        StartHelper(host, helper(), {"tcp-connect", port_text, "as-is", "hi"},
                    Namespaces::kNone, {{Namespaces::kNet, &netns}}));
    EXPECT_THAT(RunToEnd(host, std::move(connect)), IsOkAndHolds("ok\n"));
    EXPECT_THAT(ReadToEof(host, listener.out), IsOkAndHolds("got hi\n"));
    EXPECT_THAT(WaitFor(host, listener.spawned.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

}  // namespace
}  // namespace runbox::contract
