// Contract of Terminal on both hosts: a pty pair carries bytes both ways,
// window sizes set on one side read back on the other, and the session /
// controlling-terminal rules init relies on (pty(7), tty_ioctl(4)). Linux's
// line discipline echoes and maps "\n" to "\r\n" on output, so cases compare
// only what holds in both canonical and raw modes.
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

RUNBOX_CONTRACT_SUITE(TerminalContract);

// Reads from `fd` until `want` has appeared in what was read.
absl::StatusOr<std::string> ReadUntilContains(Host& host, const Fd& fd,
                                              absl::string_view want) {
  std::string got;
  while (!absl::StrContains(got, want)) {
    ASSIGN_OR_RETURN(std::string more, ReadSome(host, fd, 256));
    if (more.empty()) return got;
    got += more;
  }
  return got;
}

TEST_P(TerminalContract, BytesFromTheMasterReachTheReplica) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    ASSERT_OK(WriteAll(host, pty.master, "hi\n"));
    ASSERT_OK_AND_ASSIGN(std::string got,
                         ReadUntilContains(host, pty.replica, "hi"));
    EXPECT_TRUE(absl::StrContains(got, "hi")) << got;
  });
}

TEST_P(TerminalContract, BytesFromTheReplicaReachTheMaster) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    ASSERT_OK(WriteAll(host, pty.replica, "ok\n"));
    ASSERT_OK_AND_ASSIGN(std::string got,
                         ReadUntilContains(host, pty.master, "ok"));
    EXPECT_TRUE(absl::StrContains(got, "ok")) << got;
  });
}

TEST_P(TerminalContract, BothEndsAreCharacterDevices) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    ASSERT_OK_AND_ASSIGN(FileStat m, host.FStat(pty.master));
    ASSERT_OK_AND_ASSIGN(FileStat r, host.FStat(pty.replica));
    EXPECT_EQ(m.type, FileType::kCharDevice);
    EXPECT_EQ(r.type, FileType::kCharDevice);
  });
}

TEST_P(TerminalContract, WindowSizeSetOnTheMasterReadsBackOnTheReplica) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    ASSERT_OK(host.SetWindowSize(pty.master, {.rows = 24, .cols = 80}));
    EXPECT_THAT(host.GetWindowSize(pty.replica),
                IsOkAndHolds(WindowSize{.rows = 24, .cols = 80}));
    ASSERT_OK(host.SetWindowSize(pty.replica, {.rows = 50, .cols = 132}));
    EXPECT_THAT(host.GetWindowSize(pty.master),
                IsOkAndHolds(WindowSize{.rows = 50, .cols = 132}));
  });
}

TEST_P(TerminalContract, NewPtyHasAZeroWindowSize) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    EXPECT_THAT(host.GetWindowSize(pty.replica), IsOkAndHolds(WindowSize{}));
  });
}

TEST_P(TerminalContract, WindowSizeOfANonTerminalFailsEnotty) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    EXPECT_THAT(host.GetWindowSize(p.read), HasErrno(ENOTTY));
    EXPECT_THAT(host.SetWindowSize(p.write, {.rows = 1, .cols = 1}),
                HasErrno(ENOTTY));
  });
}

TEST_P(TerminalContract, MasterReadFailsEioOnceTheReplicaIsClosed) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    pty.replica.Reset();
    char buf[16];
    EXPECT_THAT(host.Read(pty.master, absl::MakeSpan(buf)), HasErrno(EIO));
  });
}

TEST_P(TerminalContract, ANewSessionLeaderCanTakeAControllingTerminal) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"session-and-ctty"}, {{&pty.replica, 0}}));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)))
        << "11: setsid failed, 12: a second setsid did not fail EPERM, "
           "13: TIOCSCTTY failed";
  });
}

TEST_P(TerminalContract, ControllingTerminalNeedsASessionLeader) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"ctty-without-session"},
                                     {{&pty.replica, 0}}));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)))
        << "1: TIOCSCTTY worked without setsid, 2: it failed but not EPERM";
  });
}

}  // namespace
}  // namespace runbox::contract
