// Tests of FaultyHost over a MockHost: which inner calls happen (and with
// which arguments) when the plan fails, kills or shortens a call.
#include "hostapi/faulty_host.h"

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/fault_plan.h"
#include "hostapi/mock_host.h"
#include "hostapi/status_matchers.h"

namespace runbox {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::StrictMock;

constexpr Pid kSelf{42};

// Debian's Abseil has its own string_view, which gMock does not match
// against a string literal.
::testing::Matcher<absl::string_view> Sv(const char* s) {
  return ::testing::Eq(absl::string_view(s));
}

class FaultyHostTest : public ::testing::Test {
 protected:
  FaultyHostTest() {
    ON_CALL(inner_, GetPid).WillByDefault(Return(kSelf));
    ON_CALL(inner_, Fsync).WillByDefault(Return(absl::OkStatus()));
    ON_CALL(inner_, MkdirAt).WillByDefault(Return(absl::OkStatus()));
    ON_CALL(inner_, Flock).WillByDefault(Return(absl::OkStatus()));
    ON_CALL(inner_, Write)
        .WillByDefault([](const Fd&, absl::Span<const char> bytes) {
          return absl::StatusOr<size_t>(bytes.size());
        });
  }

  FaultPlan& plan() { return *plan_; }

  std::shared_ptr<FaultPlan> plan_ = std::make_shared<FaultPlan>(1);
  NiceMock<MockHost> inner_;
  FaultyHost host_{inner_, plan_};
  // Unowned, so no test has to expect its close.
  Fd fd_{3, nullptr};
};

TEST_F(FaultyHostTest, ForwardsWhenNoRuleFires) {
  EXPECT_CALL(inner_, MkdirAt(_, Sv("a"), 0700))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(inner_, Fsync(_))
      .WillOnce(Return(ErrnoError(EIO, "fsync from inner")));
  EXPECT_OK(host_.MkdirAt(Fd::Cwd(), "a", 0700));
  EXPECT_THAT(host_.Fsync(fd_), HasErrno(EIO));
  EXPECT_EQ(plan().call_count(), 2u);
  EXPECT_THAT(plan().fired(), IsEmpty());
}

TEST_F(FaultyHostTest, FailsKthCallWithoutCallingInner) {
  plan().Add(FaultRule::AtCall(2, Fault::Errno(EIO)));
  {
    InSequence seq;
    EXPECT_CALL(inner_, Fsync(_));
    EXPECT_CALL(inner_, MkdirAt(_, Sv("b"), _)).Times(0);
    EXPECT_CALL(inner_, MkdirAt(_, Sv("c"), _));
  }
  EXPECT_OK(host_.Fsync(fd_));
  absl::Status failed = host_.MkdirAt(Fd::Cwd(), "b", 0700);
  EXPECT_THAT(failed, HasErrno(EIO));
  EXPECT_THAT(failed.message(), HasSubstr("mkdirat"));
  EXPECT_THAT(failed.message(), HasSubstr("#2"));
  EXPECT_OK(host_.MkdirAt(Fd::Cwd(), "c", 0700));

  ASSERT_EQ(plan().fired().size(), 1u);
  EXPECT_EQ(plan().fired()[0].call_number, 2u);
  EXPECT_EQ(plan().fired()[0].call, HostCall::kMkdirAt);
  EXPECT_EQ(plan().fired()[0].pid, kSelf);
}

TEST_F(FaultyHostTest, FailsKthCallOfAKind) {
  plan().Add(FaultRule::AtCallOf(HostCall::kWrite, 2, Fault::Errno(ENOSPC)));
  const char data[] = "abc";
  {
    InSequence seq;
    EXPECT_CALL(inner_, Write(_, _));
    EXPECT_CALL(inner_, Fsync(_));
    EXPECT_CALL(inner_, Fsync(_));
    // The second write is failed here; the third reaches the inner host.
    EXPECT_CALL(inner_, Write(_, _));
  }
  EXPECT_OK(host_.Write(fd_, data));
  EXPECT_OK(host_.Fsync(fd_));
  EXPECT_OK(host_.Fsync(fd_));
  EXPECT_THAT(host_.Write(fd_, data), HasErrno(ENOSPC));
  EXPECT_OK(host_.Write(fd_, data));
  EXPECT_EQ(plan().CallsOf(HostCall::kWrite), 3u);
}

// Which of `n` Flock calls fail under a p = 0.3 EINTR rule with `seed`.
std::vector<bool> FlockFailures(uint64_t seed, int n) {
  NiceMock<MockHost> inner;
  ON_CALL(inner, Flock).WillByDefault(Return(absl::OkStatus()));
  FaultyHost host(inner, std::make_shared<FaultPlan>(seed));
  host.plan().Add(
      FaultRule::WithProbability(HostCall::kFlock, 0.3, Fault::Eintr()));
  Fd fd(3, &inner);
  std::vector<bool> failed;
  for (int i = 0; i < n; ++i) {
    absl::Status s = host.Flock(fd, LockOp::kExclusive, LockWait::kBlock);
    if (!s.ok()) {
      EXPECT_THAT(s, HasErrno(EINTR));
    }
    failed.push_back(!s.ok());
  }
  fd.Release();
  return failed;
}

TEST(FaultyHostProbabilityTest, SameSeedSameDecisions) {
  std::vector<bool> a = FlockFailures(1234, 200);
  EXPECT_EQ(a, FlockFailures(1234, 200));
  EXPECT_NE(a, FlockFailures(1235, 200));
  int fails = 0;
  for (bool f : a) fails += f;
  EXPECT_GT(fails, 20);
  EXPECT_LT(fails, 120);
}

TEST_F(FaultyHostTest, ShortWritePassesATruncatedSpan) {
  plan().Add(FaultRule::AtCallOf(HostCall::kWrite, 1, Fault::ShortTransfer(3)));
  std::string seen;
  EXPECT_CALL(inner_, Write(_, _))
      .WillOnce([&](const Fd&, absl::Span<const char> bytes) {
        seen.assign(bytes.data(), bytes.size());
        return absl::StatusOr<size_t>(bytes.size());
      });
  std::string data = "0123456789";
  ASSERT_OK_AND_ASSIGN(size_t n, host_.Write(fd_, data));
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(seen, "012");
}

TEST_F(FaultyHostTest, ShortReadAndRandomLengths) {
  plan().Add(FaultRule::WithProbability({HostCall::kRead, HostCall::kSendMsg},
                                        1.0, Fault::ShortTransfer()));
  EXPECT_CALL(inner_, Read(_, _))
      .Times(20)
      .WillRepeatedly([](const Fd&, absl::Span<char> buf) {
        return absl::StatusOr<size_t>(buf.size());
      });
  EXPECT_CALL(inner_, SendMsg(_, _, _))
      .WillOnce([](const Fd&, absl::Span<const char> bytes,
                   absl::Span<const Fd* const> fds) {
        EXPECT_EQ(fds.size(), 1u);  // Fds pass unchanged.
        return absl::StatusOr<size_t>(bytes.size());
      });
  char buf[16];
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK_AND_ASSIGN(size_t n, host_.Read(fd_, absl::MakeSpan(buf)));
    EXPECT_GE(n, 1u);
    EXPECT_LT(n, sizeof(buf));
  }
  const Fd* fds[] = {&fd_};
  ASSERT_OK_AND_ASSIGN(size_t sent, host_.SendMsg(fd_, "hello", fds));
  EXPECT_GE(sent, 1u);
  EXPECT_LT(sent, 6u);  // "hello" and its NUL.
}

TEST_F(FaultyHostTest, KillAtKSendsSigkillToSelf) {
  plan().Add(FaultRule::AtCall(2, Fault::Kill()));
  {
    InSequence seq;
    EXPECT_CALL(inner_, Fsync(_));
    EXPECT_CALL(inner_, Kill(kSelf, Signal::kKill))
        .WillOnce(Return(absl::OkStatus()));
  }
  EXPECT_CALL(inner_, MkdirAt).Times(0);
  EXPECT_OK(host_.Fsync(fd_));
  // The mock's Kill returns, so the killed call reports that it is dead.
  EXPECT_THAT(host_.MkdirAt(Fd::Cwd(), "x", 0700),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(plan().TraceTail(1), HasSubstr("mkdirat -> killed"));
}

TEST_F(FaultyHostTest, KillAtACallThatCannotFail) {
  plan().Add(FaultRule::AtCallOf(HostCall::kGetParentPid, 1, Fault::Kill()));
  {
    InSequence seq;
    EXPECT_CALL(inner_, Kill(kSelf, Signal::kKill));
    // Kill returned (a mock), and there is no error to give: forward.
    EXPECT_CALL(inner_, GetParentPid).WillOnce(Return(Pid{1}));
  }
  EXPECT_EQ(host_.GetParentPid(), Pid{1});
}

TEST_F(FaultyHostTest, CallsThatCannotFailAreNeverFailed) {
  plan().Add(
      FaultRule::AfterCall(0, HostCallSet::All(), Fault::PlausibleErrno()));
  EXPECT_CALL(inner_, GetPid).WillRepeatedly(Return(kSelf));
  EXPECT_CALL(inner_, GetParentPid).WillOnce(Return(Pid{1}));
  EXPECT_CALL(inner_, Umask(022)).WillOnce(Return(077));
  EXPECT_CALL(inner_, Environment)
      .WillOnce(Return(std::vector<std::string>{"A=1"}));
  EXPECT_CALL(inner_, MonotonicNow).WillOnce(Return(absl::Seconds(5)));
  EXPECT_CALL(inner_, RealNow).WillOnce(Return(absl::UnixEpoch()));
  EXPECT_CALL(inner_, SleepFor(absl::Seconds(1)));
  EXPECT_CALL(inner_, RandomUint64).WillOnce(Return(99));
  EXPECT_CALL(inner_, Fsync).Times(0);

  EXPECT_EQ(host_.GetPid(), kSelf);
  EXPECT_EQ(host_.GetParentPid(), Pid{1});
  EXPECT_EQ(host_.Umask(022), 077u);
  EXPECT_EQ(host_.Environment(), std::vector<std::string>{"A=1"});
  EXPECT_EQ(host_.MonotonicNow(), absl::Seconds(5));
  EXPECT_EQ(host_.RealNow(), absl::UnixEpoch());
  host_.SleepFor(absl::Seconds(1));
  EXPECT_EQ(host_.RandomUint64(), 99u);
  EXPECT_THAT(plan().fired(), IsEmpty());
  // They count, and a fallible call right after them does fail.
  EXPECT_EQ(plan().call_count(), 8u);
  EXPECT_FALSE(host_.Fsync(fd_).ok());
  EXPECT_EQ(plan().fired().size(), 1u);
}

TEST_F(FaultyHostTest, ForwardsTheContainerLifecycleCalls) {
  Fd ns(7, nullptr);
  {
    InSequence seq;
    EXPECT_CALL(inner_, OpenSelfExe).WillOnce([this] {
      return absl::StatusOr<Fd>(Fd(5, &inner_));
    });
    EXPECT_CALL(inner_, OpenNamespace(Pid{9}, Namespaces::kUts))
        .WillOnce(Return(ErrnoError(ENOENT, "/proc/9/ns/uts")));
    EXPECT_CALL(inner_, Setns(_, Namespaces::kPid))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(inner_, SetParentDeathSignal(Signal::kNone))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(inner_, SetDumpable(false)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(inner_, Sethostname(Sv("box")))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(inner_, Setdomainname(Sv("example.org")))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(inner_, GetHostname)
        .WillOnce(Return(absl::StatusOr<std::string>("box")));
    EXPECT_CALL(inner_, GetUid).WillOnce(Return(0u));
    EXPECT_CALL(inner_, GetGid).WillOnce(Return(5u));
    EXPECT_CALL(inner_, CloseFd(5));
  }
  ASSERT_OK_AND_ASSIGN(Fd exe, host_.OpenSelfExe());
  EXPECT_EQ(exe.get(), 5);
  EXPECT_THAT(host_.OpenNamespace(Pid{9}, Namespaces::kUts), HasErrno(ENOENT));
  EXPECT_OK(host_.Setns(ns, Namespaces::kPid));
  EXPECT_OK(host_.SetParentDeathSignal(Signal::kNone));
  EXPECT_OK(host_.SetDumpable(false));
  EXPECT_OK(host_.Sethostname("box"));
  EXPECT_OK(host_.Setdomainname("example.org"));
  ASSERT_OK_AND_ASSIGN(std::string name, host_.GetHostname());
  EXPECT_EQ(name, "box");
  EXPECT_EQ(host_.GetUid(), 0u);
  EXPECT_EQ(host_.GetGid(), 5u);
  exe.Reset();
  EXPECT_EQ(plan().CallsOf(HostCall::kOpenNamespace), 1u);
  EXPECT_THAT(plan().TraceTail(10), HasSubstr("open_namespace -> ENOENT"));
}

TEST_F(FaultyHostTest, FailsLifecycleCallsWithoutCallingInner) {
  plan().Add(
      FaultRule::AtCallOf(HostCall::kSethostname, 1, Fault::Errno(EPERM)));
  plan().Add(
      FaultRule::AtCallOf(HostCall::kOpenSelfExe, 1, Fault::PlausibleErrno()));
  plan().Add(FaultRule::AfterCall(
      0, {HostCall::kGetUid, HostCall::kGetHostname, HostCall::kSetDumpable},
      Fault::PlausibleErrno()));
  EXPECT_CALL(inner_, Sethostname).Times(0);
  EXPECT_CALL(inner_, OpenSelfExe).Times(0);
  EXPECT_CALL(inner_, SetDumpable).Times(0);
  EXPECT_CALL(inner_, GetUid).WillOnce(Return(0u));
  EXPECT_CALL(inner_, GetHostname)
      .WillOnce(Return(absl::StatusOr<std::string>("h")));
  EXPECT_THAT(host_.Sethostname("x"), HasErrno(EPERM));
  absl::StatusOr<Fd> exe = host_.OpenSelfExe();
  ASSERT_FALSE(exe.ok());
  EXPECT_THAT(PlausibleErrnos(HostCall::kOpenSelfExe),
              ::testing::Contains(ErrnoOf(exe.status())));
  EXPECT_THAT(host_.SetDumpable(true), HasErrno(EINVAL));
  // getuid and uname cannot fail: the rule never fires on them.
  EXPECT_EQ(host_.GetUid(), 0u);
  EXPECT_OK(host_.GetHostname());
  EXPECT_EQ(plan().fired().size(), 3u);
}

TEST_F(FaultyHostTest, EintrOnlyWhereItCanHappen) {
  plan().Add(FaultRule::AfterCall(0, HostCallSet::All(), Fault::Eintr()));
  EXPECT_CALL(inner_, MkdirAt);
  EXPECT_CALL(inner_, Flock).Times(0);
  EXPECT_OK(host_.MkdirAt(Fd::Cwd(), "d", 0700));
  EXPECT_THAT(host_.Flock(fd_, LockOp::kShared, LockWait::kBlock),
              HasErrno(EINTR));
}

TEST_F(FaultyHostTest, FdsComeFromTheInnerHostUnchanged) {
  EXPECT_CALL(inner_, OpenAt(_, Sv("f"), _))
      .WillOnce([this](const Fd&, absl::string_view, const OpenHow&) {
        return absl::StatusOr<Fd>(Fd(9, &inner_));
      });
  EXPECT_CALL(inner_, CloseFd(9));
  ASSERT_OK_AND_ASSIGN(Fd fd, host_.OpenAt(Fd::Cwd(), "f", OpenHow{}));
  EXPECT_EQ(fd.get(), 9);
  EXPECT_EQ(fd.owner(), &inner_);
}

TEST_F(FaultyHostTest, FailedCloseStillClosesTheFd) {
  plan().Add(FaultRule::AtCallOf(HostCall::kClose, 1, Fault::Errno(EIO)));
  EXPECT_CALL(inner_, Close).Times(0);
  EXPECT_CALL(inner_, CloseFd(5));
  EXPECT_THAT(host_.Close(Fd(5, &inner_)), HasErrno(EIO));
}

TEST_F(FaultyHostTest, ExecForwardsOrFails) {
  plan().Add(FaultRule::AtCallOf(HostCall::kExec, 1, Fault::Errno(ENOMEM)));
  EXPECT_CALL(inner_, Exec)
      .WillOnce(Return(ErrnoError(ENOENT, "execve /bin/x")));
  ExecRequest request{.path = "/bin/x"};
  EXPECT_THAT(host_.Exec(request), HasErrno(ENOMEM));
  EXPECT_THAT(host_.Exec(request), HasErrno(ENOENT));
  EXPECT_THAT(plan().TraceTail(1), HasSubstr("execve -> ENOENT"));
}

TEST_F(FaultyHostTest, AsksThePidOnce) {
  EXPECT_CALL(inner_, GetPid).Times(1).WillOnce(Return(kSelf));
  EXPECT_CALL(inner_, Fsync).Times(3);
  for (int i = 0; i < 3; ++i) EXPECT_OK(host_.Fsync(fd_));
}

TEST(FaultyHostSharedPlanTest, CountsAcrossHosts) {
  auto plan = std::make_shared<FaultPlan>(1);
  plan->Add(FaultRule::AtCall(3, Fault::Errno(EIO)));
  StrictMock<MockHost> a;
  StrictMock<MockHost> b;
  EXPECT_CALL(a, GetPid).WillOnce(Return(Pid{10}));
  EXPECT_CALL(b, GetPid).WillOnce(Return(Pid{20}));
  EXPECT_CALL(a, SetNoNewPrivs)
      .Times(2)
      .WillRepeatedly(Return(absl::OkStatus()));
  FaultyHost host_a(a, plan);
  FaultyHost host_b(b, plan);
  EXPECT_OK(host_a.SetNoNewPrivs());
  EXPECT_THAT(host_a.SetNoNewPrivs(), IsOk());
  EXPECT_THAT(host_b.SetNoNewPrivs(), HasErrno(EIO));  // Call #3 overall.
  EXPECT_EQ(plan->call_count(), 3u);
  ASSERT_EQ(plan->fired().size(), 1u);
  EXPECT_EQ(plan->fired()[0].pid, Pid{20});
}

// Runs a short call sequence and returns the plan's trace hash.
uint64_t TraceOf(Pid pid, int inner_fsync_errno, bool extra_mkdir) {
  NiceMock<MockHost> inner;
  ON_CALL(inner, GetPid).WillByDefault(Return(pid));
  ON_CALL(inner, MkdirAt).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(inner, Fsync)
      .WillByDefault(Return(inner_fsync_errno == 0
                                ? absl::OkStatus()
                                : ErrnoError(inner_fsync_errno, "fsync")));
  auto plan = std::make_shared<FaultPlan>(1);
  FaultyHost host(inner, plan);
  Fd fd(3, &inner);
  (void)host.MkdirAt(Fd::Cwd(), "a", 0700);
  if (extra_mkdir) (void)host.MkdirAt(Fd::Cwd(), "b", 0700);
  (void)host.Fsync(fd);
  (void)host.RandomUint64();
  fd.Release();
  return plan->TraceHash();
}

TEST(FaultyHostTraceTest, HashFollowsTheCallSequence) {
  uint64_t base = TraceOf(Pid{5}, 0, false);
  EXPECT_EQ(base, TraceOf(Pid{5}, 0, false));
  EXPECT_NE(base, TraceOf(Pid{6}, 0, false));    // Another pid.
  EXPECT_NE(base, TraceOf(Pid{5}, EIO, false));  // Another result.
  EXPECT_NE(base, TraceOf(Pid{5}, 0, true));     // Another call.
}

TEST_F(FaultyHostTest, ToStringNamesSeedAndRules) {
  auto plan = std::make_shared<FaultPlan>(987654321);
  plan->Add(FaultRule::AtCallOf(HostCall::kRenameAt, 4, Fault::Kill()));
  FaultyHost host(inner_, plan);
  EXPECT_THAT(host.plan().ToString(), HasSubstr("seed=987654321"));
  EXPECT_THAT(host.plan().ToString(), HasSubstr("renameat #4: kill"));
}

TEST(FaultyHostDeathTest, ExitForwardsToInner) {
  EXPECT_EXIT(
      {
        NiceMock<MockHost> inner;
        ON_CALL(inner, Exit).WillByDefault([](int code) { std::_Exit(code); });
        FaultyHost host(inner, std::make_shared<FaultPlan>(1));
        host.Exit(3);
      },
      ::testing::ExitedWithCode(3), "");
}

}  // namespace
}  // namespace runbox
