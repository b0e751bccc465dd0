// Contract of signal masks, dispositions, signalfd and sigtimedwait on both
// hosts. runbox never installs handlers: it blocks signals and reads them
// from a signalfd, so that is the path pinned down here (signal(7),
// signalfd(2), sigtimedwait(2)).
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

RUNBOX_CONTRACT_SUITE(SignalsContract);

TEST_P(SignalsContract, SignalFdReadsABlockedSignalWithItsSender) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr1}).status());
    ASSERT_OK_AND_ASSIGN(Fd sfd, host.SignalFd({Signal::kUsr1}));
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr1));
    ASSERT_OK_AND_ASSIGN(SignalInfo info, host.ReadSignal(sfd));
    EXPECT_EQ(info.signal, Signal::kUsr1);
    EXPECT_EQ(info.sender, host.GetPid());
    EXPECT_EQ(info.sender_uid, 0u);
  });
}

TEST_P(SignalsContract, SignalFdPollsReadableOnlyWhileASignalIsPending) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr2}).status());
    ASSERT_OK_AND_ASSIGN(Fd sfd, host.SignalFd({Signal::kUsr2}));
    PollFd pfd{.fd = &sfd, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr2));
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(1));
    EXPECT_TRUE(Has(pfd.revents, PollEvents::kIn));
    ASSERT_OK(host.ReadSignal(sfd).status());
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
  });
}

TEST_P(SignalsContract, SignalFdIgnoresSignalsOutsideItsSet) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr1, Signal::kUsr2}).status());
    ASSERT_OK_AND_ASSIGN(Fd sfd, host.SignalFd({Signal::kUsr1}));
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr2));
    PollFd pfd{.fd = &sfd, .events = PollEvents::kIn};
    EXPECT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), absl::ZeroDuration()),
                IsOkAndHolds(0));
    // USR2 is still pending, for whoever asks for it.
    ASSERT_OK_AND_ASSIGN(
        std::optional<SignalInfo> info,
        host.WaitSignal({Signal::kUsr2}, absl::ZeroDuration()));
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->signal, Signal::kUsr2);
  });
}

TEST_P(SignalsContract, StandardSignalsDoNotQueue) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr1}).status());
    ASSERT_OK_AND_ASSIGN(Fd sfd, host.SignalFd({Signal::kUsr1}));
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr1));
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr1));
    ASSERT_OK_AND_ASSIGN(SignalInfo info, host.ReadSignal(sfd));
    EXPECT_EQ(info.signal, Signal::kUsr1);
    EXPECT_THAT(host.WaitSignal({Signal::kUsr1}, absl::ZeroDuration()),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
  });
}

TEST_P(SignalsContract, WaitSignalWithZeroTimeoutReturnsNothing) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr1}).status());
    EXPECT_THAT(host.WaitSignal({Signal::kUsr1}, absl::ZeroDuration()),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
  });
}

TEST_P(SignalsContract, WaitSignalTimesOutAfterAShortTimeout) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr1}).status());
    absl::Duration before = host.MonotonicNow();
    EXPECT_THAT(host.WaitSignal({Signal::kUsr1}, absl::Milliseconds(20)),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
    EXPECT_GE(host.MonotonicNow() - before, absl::Milliseconds(20));
  });
}

TEST_P(SignalsContract, WaitSignalTakesAPendingSignal) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr2}).status());
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr2));
    ASSERT_OK_AND_ASSIGN(std::optional<SignalInfo> info,
                         host.WaitSignal({Signal::kUsr2}, std::nullopt));
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->signal, Signal::kUsr2);
    EXPECT_EQ(info->sender, host.GetPid());
    EXPECT_THAT(host.WaitSignal({Signal::kUsr2}, absl::ZeroDuration()),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
  });
}

TEST_P(SignalsContract, BlockSignalsReturnsThePreviousMask) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SignalSet original, host.SetSignalMask(SignalSet()));
    EXPECT_THAT(host.BlockSignals({Signal::kUsr1}), IsOkAndHolds(SignalSet()));
    EXPECT_THAT(host.BlockSignals({Signal::kUsr2}),
                IsOkAndHolds(SignalSet({Signal::kUsr1})));
    EXPECT_THAT(host.UnblockSignals({Signal::kUsr1}),
                IsOkAndHolds(SignalSet({Signal::kUsr1, Signal::kUsr2})));
    EXPECT_THAT(host.SetSignalMask(original),
                IsOkAndHolds(SignalSet({Signal::kUsr2})));
  });
}

TEST_P(SignalsContract, KillAndStopCannotBeBlocked) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.SetSignalMask(SignalSet()).status());
    ASSERT_OK(host.BlockSignals({Signal::kKill, Signal::kStop, Signal::kUsr1})
                  .status());
    ASSERT_OK_AND_ASSIGN(SignalSet mask, host.BlockSignals(SignalSet()));
    EXPECT_TRUE(mask.Contains(Signal::kUsr1));
    EXPECT_FALSE(mask.Contains(Signal::kKill));
    EXPECT_FALSE(mask.Contains(Signal::kStop));
  });
}

TEST_P(SignalsContract, DispositionOfKillOrStopCannotChange) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_THAT(
        host.SetSignalDisposition(Signal::kKill, SignalDisposition::kIgnore),
        HasErrno(EINVAL));
    EXPECT_THAT(
        host.SetSignalDisposition(Signal::kStop, SignalDisposition::kIgnore),
        HasErrno(EINVAL));
    EXPECT_THAT(
        host.SetSignalDisposition(Signal::kKill, SignalDisposition::kDefault),
        HasErrno(EINVAL));
  });
}

TEST_P(SignalsContract, AnIgnoredSignalIsDiscardedNotPending) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(
        host.SetSignalDisposition(Signal::kUsr1, SignalDisposition::kIgnore));
    // Not blocked and ignored: discarded when sent (signal(7)).
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr1));
    ASSERT_OK(host.BlockSignals({Signal::kUsr1}).status());
    EXPECT_THAT(host.WaitSignal({Signal::kUsr1}, absl::ZeroDuration()),
                IsOkAndHolds(::testing::Eq(std::nullopt)));
  });
}

TEST_P(SignalsContract, ABlockedIgnoredSignalStaysPending) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kUsr2}).status());
    ASSERT_OK(
        host.SetSignalDisposition(Signal::kUsr2, SignalDisposition::kIgnore));
    ASSERT_OK(host.Kill(host.GetPid(), Signal::kUsr2));
    ASSERT_OK_AND_ASSIGN(
        std::optional<SignalInfo> info,
        host.WaitSignal({Signal::kUsr2}, absl::ZeroDuration()));
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->signal, Signal::kUsr2);
  });
}

TEST_P(SignalsContract, AChildIgnoringTermSurvivesTerm) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"ignore-term-then-wait"},
                                     {{&in.read, 0}, {&out.write, 1}}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    out.write.Reset();
    ASSERT_THAT(ReadUntil(host, out.read, '\n'), IsOkAndHolds("ready\n"));
    ASSERT_OK(host.Kill(child.pid, Signal::kTerm));
    // Ignored signals are dropped when sent, so the child lives on and
    // exits normally once its stdin closes.
    in.write.Reset();
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(SignalsContract, AChildIgnoringTermStillDiesOfKill) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"ignore-term-then-wait"},
                                     {{&in.read, 0}, {&out.write, 1}}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    out.write.Reset();
    ASSERT_THAT(ReadUntil(host, out.read, '\n'), IsOkAndHolds("ready\n"));
    ASSERT_OK(host.Kill(child.pid, Signal::kTerm));
    ASSERT_OK(host.Kill(child.pid, Signal::kKill));
    EXPECT_THAT(WaitFor(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kKill)));
    std::move(reap).Cancel();
  });
}

TEST_P(SignalsContract, SigchldArrivesOnASignalFdWhenAChildExits) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(host.BlockSignals({Signal::kChld}).status());
    ASSERT_OK_AND_ASSIGN(Fd sfd, host.SignalFd({Signal::kChld}));
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "5"}));
    ASSERT_OK_AND_ASSIGN(SignalInfo info, host.ReadSignal(sfd));
    EXPECT_EQ(info.signal, Signal::kChld);
    EXPECT_EQ(info.child, child.pid);
    // The signal does not reap: the status is still there.
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(5)));
  });
}

TEST_P(SignalsContract, AnotherProcessSeesUsAsTheSender) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"wait-signal", "USR1"},
                                     {{&out.write, 1}}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    out.write.Reset();
    ASSERT_THAT(ReadUntil(host, out.read, '\n'), IsOkAndHolds("ready\n"));
    ASSERT_OK(host.Kill(child.pid, Signal::kUsr1));
    EXPECT_THAT(ReadUntil(host, out.read, '\n'),
                IsOkAndHolds(absl::StrCat(static_cast<int>(Signal::kUsr1), " ",
                                          host.GetPid().value, "\n")));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(SignalsContract, PidfdSendSignalReportsTheSender) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"wait-signal", "USR2"},
                                     {{&out.write, 1}}, /*want_pidfd=*/true));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    out.write.Reset();
    ASSERT_THAT(ReadUntil(host, out.read, '\n'), IsOkAndHolds("ready\n"));
    ASSERT_OK(host.PidfdSendSignal(child.pidfd, Signal::kUsr2));
    EXPECT_THAT(ReadUntil(host, out.read, '\n'),
                IsOkAndHolds(absl::StrCat(static_cast<int>(Signal::kUsr2), " ",
                                          host.GetPid().value, "\n")));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

}  // namespace
}  // namespace runbox::contract
