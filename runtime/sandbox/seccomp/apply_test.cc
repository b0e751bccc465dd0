// ApplySeccomp / PrepareSeccomp / LoadSeccomp on the simulated kernel, with
// a seccomp agent listening on a unix socket. The fake refuses a notify
// listener ("not modelled"), so ListenerStubHost stands in for seccomp(2)
// and hands back a memfd the agent can recognise.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/faulty_host.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/seccomp/seccomp.h"

namespace runbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAgentPath[] = "/agent.sock";
constexpr char kListenerContent[] = "seccomp-listener";
constexpr char kState[] =
    R"({"ociVersion":"1.2.0","id":"web","status":"creating","pid":4422,)"
    R"("bundle":"/bundles/web","annotations":{"k":"v"}})";

// Forwards everything to the fake, recording connect and seccomp calls;
// seccomp(2) records the filter and returns a stand-in listener.
class ListenerStubHost : public FaultyHost {
 public:
  explicit ListenerStubHost(Host& fake)
      : FaultyHost(fake, std::make_shared<FaultPlan>()) {}

  absl::Status Connect(const Fd& socket, absl::string_view path) override {
    calls.push_back("connect");
    return FaultyHost::Connect(socket, path);
  }
  absl::StatusOr<Fd> SetSeccompFilter(absl::Span<const uint8_t> program,
                                      SeccompFlags flags) override {
    calls.push_back("seccomp");
    loaded.assign(program.begin(), program.end());
    loaded_flags = flags;
    if (!load_error.ok()) return load_error;
    if (!Has(flags, SeccompFlags::kNewListener)) return Fd();
    ASSIGN_OR_RETURN(Fd listener,
                     MemfdCreate("seccomp-listener", MemfdFlags::kNone));
    RETURN_IF_ERROR(WriteAll(*this, listener, kListenerContent));
    return listener;
  }

  std::vector<std::string> calls;
  std::vector<uint8_t> loaded;
  SeccompFlags loaded_flags = SeccompFlags::kNone;
  absl::Status load_error;
};

spec::Seccomp NotifyingProfile() {
  spec::Seccomp seccomp;
  seccomp.default_action = spec::SeccompAction::kAllow;
  spec::SeccompSyscall rule;
  rule.names = {"mkdir", "mkdirat"};
  rule.action = spec::SeccompAction::kNotify;
  seccomp.syscalls = {rule};
  seccomp.listener_path = kAgentPath;
  seccomp.listener_metadata = "MKNOD=/dev/null";
  return seccomp;
}

absl::StatusOr<Fd> ListenForAgent(Host& host) {
  ASSIGN_OR_RETURN(Fd socket, host.Socket(SocketType::kStream));
  RETURN_IF_ERROR(host.Bind(socket, kAgentPath));
  RETURN_IF_ERROR(host.Listen(socket, 4));
  return socket;
}

// Everything the agent receives on one connection, until EOF.
struct AgentInbox {
  std::string bytes;
  std::vector<Fd> fds;
};
absl::StatusOr<AgentInbox> ReceiveAll(Host& host, const Fd& listening) {
  ASSIGN_OR_RETURN(Fd conn, host.Accept(listening));
  AgentInbox inbox;
  while (true) {
    ASSIGN_OR_RETURN(ReceivedMessage m, host.RecvMsg(conn, 65536, 8));
    if (m.bytes.empty() && m.fds.empty()) return inbox;
    inbox.bytes += m.bytes;
    for (Fd& fd : m.fds) inbox.fds.push_back(std::move(fd));
  }
}

// Runs `body` as one simulated process and checks that it finished.
void RunOnFake(std::function<void(Host&)> body) {
  fake::FakeKernel kernel;
  Pid pid = kernel.StartFunction([&](Host& host) {
    body(host);
    return 0;
  });
  EXPECT_EQ(kernel.Run(), fake::RunOutcome::kAllExited);
  EXPECT_EQ(kernel.ExitStatusOf(pid), ExitStatus::Exited(0));
}

TEST(ApplySeccompTest, NotifySendsProcessStateAndListenerToAgent) {
  RunOnFake([](Host& fake) {
    ListenerStubHost host(fake);
    ASSERT_OK_AND_ASSIGN(Fd listening, ListenForAgent(host));
    ASSERT_OK(ApplySeccomp(host, NotifyingProfile(), kState));
    // The connection is made before the filter can see it.
    EXPECT_THAT(host.calls, ElementsAre("connect", "seccomp"));
    EXPECT_TRUE(Has(host.loaded_flags, SeccompFlags::kNewListener));
    ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> expected,
                         CompileSeccomp(NotifyingProfile()));
    EXPECT_EQ(host.loaded, expected);

    ASSERT_OK_AND_ASSIGN(AgentInbox inbox, ReceiveAll(host, listening));
    nlohmann::json message = nlohmann::json::parse(inbox.bytes);
    EXPECT_EQ(message["ociVersion"], "1.2.0");
    EXPECT_EQ(message["fds"], nlohmann::json::array({"seccompFd"}));
    EXPECT_EQ(message["pid"], 4422);
    EXPECT_EQ(message["metadata"], "MKNOD=/dev/null");
    EXPECT_EQ(message["state"], nlohmann::json::parse(kState));
    ASSERT_EQ(inbox.fds.size(), 1u);
    char buf[64] = {};
    ASSERT_OK_AND_ASSIGN(size_t n,
                         host.PRead(inbox.fds[0], absl::MakeSpan(buf), 0));
    EXPECT_EQ(std::string(buf, n), kListenerContent);
  });
}

// init connects while listenerPath still resolves and loads the filter
// after pivot_root, when it no longer does.
TEST(ApplySeccompTest, PreparedConnectionOutlivesThePath) {
  RunOnFake([](Host& fake) {
    ListenerStubHost host(fake);
    ASSERT_OK_AND_ASSIGN(Fd listening, ListenForAgent(host));
    ASSERT_OK_AND_ASSIGN(PreparedSeccomp prepared,
                         PrepareSeccomp(host, NotifyingProfile()));
    EXPECT_THAT(host.calls, ElementsAre("connect"));
    ASSERT_OK(fake.UnlinkAt(Fd::Cwd(), kAgentPath));
    ASSERT_OK(LoadSeccomp(host, prepared, kState));
    EXPECT_FALSE(prepared.agent.valid());
    ASSERT_OK_AND_ASSIGN(AgentInbox inbox, ReceiveAll(host, listening));
    EXPECT_EQ(inbox.fds.size(), 1u);
    EXPECT_THAT(inbox.bytes, HasSubstr(R"("fds":["seccompFd"])"));
  });
}

TEST(ApplySeccompTest, WithoutNotifyOnlyLoads) {
  RunOnFake([](Host& fake) {
    ListenerStubHost host(fake);
    spec::Seccomp seccomp;
    seccomp.default_action = spec::SeccompAction::kErrno;
    seccomp.flags = {spec::SeccompFlag::kLog};
    ASSERT_OK(ApplySeccomp(host, seccomp, kState));
    EXPECT_THAT(host.calls, ElementsAre("seccomp"));
    EXPECT_EQ(host.loaded_flags, SeccompFlags::kLog);
    ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> expected,
                         CompileSeccomp(seccomp));
    EXPECT_EQ(host.loaded, expected);
  });
}

TEST(ApplySeccompTest, MissingAgentFailsBeforeLoading) {
  RunOnFake([](Host& fake) {
    ListenerStubHost host(fake);
    absl::Status s = ApplySeccomp(host, NotifyingProfile(), kState);
    EXPECT_THAT(s, HasErrno(ENOENT));
    EXPECT_THAT(s.message(), HasSubstr("connect to seccomp agent"));
    EXPECT_THAT(host.calls, ElementsAre("connect"));
  });
}

TEST(ApplySeccompTest, StateWithoutPidFailsBeforeLoading) {
  RunOnFake([](Host& fake) {
    ListenerStubHost host(fake);
    ASSERT_OK_AND_ASSIGN(Fd listening, ListenForAgent(host));
    EXPECT_THAT(ApplySeccomp(host, NotifyingProfile(), R"({"id":"web"})"),
                StatusIs(absl::StatusCode::kInternal));
    EXPECT_THAT(host.calls, ElementsAre("connect"));
    ASSERT_OK_AND_ASSIGN(AgentInbox inbox, ReceiveAll(host, listening));
    EXPECT_EQ(inbox.bytes, "");
    EXPECT_TRUE(inbox.fds.empty());
  });
}

TEST(ApplySeccompTest, LoadFailureIsReportedAndAgentGetsNothing) {
  RunOnFake([](Host& fake) {
    ListenerStubHost host(fake);
    host.load_error = ErrnoError(EACCES, "seccomp");
    ASSERT_OK_AND_ASSIGN(Fd listening, ListenForAgent(host));
    absl::Status s = ApplySeccomp(host, NotifyingProfile(), kState);
    EXPECT_THAT(s, HasErrno(EACCES));
    EXPECT_THAT(s.message(), HasSubstr("load seccomp filter"));
    ASSERT_OK_AND_ASSIGN(AgentInbox inbox, ReceiveAll(host, listening));
    EXPECT_EQ(inbox.bytes, "");
    EXPECT_TRUE(inbox.fds.empty());
  });
}

TEST(SeccompProcessStateTest, FieldsInSpecOrder) {
  ASSERT_OK_AND_ASSIGN(std::string with_metadata,
                       SeccompProcessState(kState, "meta"));
  EXPECT_EQ(with_metadata,
            std::string(R"({"ociVersion":"1.2.0","fds":["seccompFd"],)"
                        R"("pid":4422,"metadata":"meta","state":)") +
                kState + "}");
  ASSERT_OK_AND_ASSIGN(std::string without, SeccompProcessState(kState, ""));
  EXPECT_THAT(without, Not(HasSubstr("metadata")));
}

TEST(SeccompProcessStateTest, RejectsStateThatIsNotAnObjectWithPid) {
  for (const char* bad :
       {"", "[]", "{\"pid\":\"12\"}", "{", "{\"id\":\"x\"}"}) {
    EXPECT_THAT(SeccompProcessState(bad, ""),
                StatusIs(absl::StatusCode::kInternal))
        << bad;
  }
}

}  // namespace
}  // namespace runbox
