// Contract of pipes and poll(2) on both hosts: EOF once every writer is
// gone, EPIPE/SIGPIPE once every reader is gone, non-blocking EAGAIN, and the
// readiness bits poll reports (pipe(7), poll(2)).
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

RUNBOX_CONTRACT_SUITE(PipesPollContract);

absl::StatusOr<int> PollOne(Host& host, PollFd& pfd,
                            std::optional<absl::Duration> timeout) {
  return host.Poll(absl::MakeSpan(&pfd, 1), timeout);
}

TEST_P(PipesPollContract, BytesArriveInOrder) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    ASSERT_OK(WriteAll(host, p.write, "abc"));
    ASSERT_OK(WriteAll(host, p.write, "def"));
    EXPECT_THAT(ReadSome(host, p.read, 2), IsOkAndHolds("ab"));
    EXPECT_THAT(ReadSome(host, p.read, 100), IsOkAndHolds("cdef"));
  });
}

TEST_P(PipesPollContract, ReadGivesEofAfterTheWriterCloses) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    ASSERT_OK(WriteAll(host, p.write, "tail"));
    ASSERT_OK(host.Close(std::move(p.write)));
    EXPECT_THAT(ReadSome(host, p.read, 100), IsOkAndHolds("tail"));
    EXPECT_THAT(ReadSome(host, p.read, 100), IsOkAndHolds(""));
  });
}

TEST_P(PipesPollContract, EofWaitsForEveryWriteEnd) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    ASSERT_OK_AND_ASSIGN(Fd dup, host.Dup(p.write));
    p.write.Reset();
    PollFd pfd{.fd = &p.read, .events = PollEvents::kIn};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(0));
    dup.Reset();
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(1));
    EXPECT_THAT(ReadSome(host, p.read, 10), IsOkAndHolds(""));
  });
}

TEST_P(PipesPollContract, WriteWithoutReadersFailsEpipeWhenSigpipeIgnored) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK(
        host.SetSignalDisposition(Signal::kPipe, SignalDisposition::kIgnore));
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    p.read.Reset();
    EXPECT_THAT(host.Write(p.write, absl::string_view("x")), HasErrno(EPIPE));
  });
}

TEST_P(PipesPollContract, WriteWithoutReadersKillsWithSigpipeByDefault) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    p.read.Reset();
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"write-fd", "1", "x"}, {{&p.write, 1}}));
    EXPECT_THAT(WaitFor(host, child.pid),
                IsOkAndHolds(ExitStatus::Signaled(Signal::kPipe)));
  });
}

TEST_P(PipesPollContract, NonBlockingReadOfAnEmptyPipeFailsEagain) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe(/*nonblocking=*/true));
    char buf[8];
    EXPECT_THAT(host.Read(p.read, absl::MakeSpan(buf)), HasErrno(EAGAIN));
    ASSERT_OK(WriteAll(host, p.write, "now"));
    EXPECT_THAT(ReadSome(host, p.read, 8), IsOkAndHolds("now"));
  });
}

TEST_P(PipesPollContract, NonBlockingWriteToAFullPipeFailsEagain) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe(/*nonblocking=*/true));
    const std::string chunk(4096, 'z');
    size_t written = 0;
    absl::Status last;
    // Linux pipes hold 64 KiB by default; stop long after any sane size.
    while (written < (64u << 20)) {
      absl::StatusOr<size_t> n = host.Write(p.write, chunk);
      if (!n.ok()) {
        last = n.status();
        break;
      }
      written += *n;
    }
    EXPECT_THAT(last, HasErrno(EAGAIN));
    EXPECT_GT(written, 0u);
    PollFd pfd{.fd = &p.write, .events = PollEvents::kOut};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(0));
  });
}

TEST_P(PipesPollContract, PollReportsInAfterAWrite) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    PollFd pfd{.fd = &p.read, .events = PollEvents::kIn};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(0));
    EXPECT_EQ(pfd.revents, PollEvents::kNone);
    ASSERT_OK(WriteAll(host, p.write, "x"));
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(1));
    EXPECT_EQ(pfd.revents, PollEvents::kIn);
  });
}

TEST_P(PipesPollContract, PollReportsHupAfterTheWriterCloses) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    p.write.Reset();
    PollFd pfd{.fd = &p.read, .events = PollEvents::kIn};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(1));
    EXPECT_TRUE(Has(pfd.revents, PollEvents::kHup));
  });
}

TEST_P(PipesPollContract, PollReportsErrOnAWriteEndWithoutReaders) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    p.read.Reset();
    PollFd pfd{.fd = &p.write, .events = PollEvents::kOut};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(1));
    EXPECT_TRUE(Has(pfd.revents, PollEvents::kErr));
  });
}

TEST_P(PipesPollContract, PollReportsOutOnAnEmptyPipe) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    PollFd pfd{.fd = &p.write, .events = PollEvents::kOut};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(1));
    EXPECT_EQ(pfd.revents, PollEvents::kOut);
  });
}

TEST_P(PipesPollContract, PollWithZeroTimeoutReturnsZeroWhenNothingIsReady) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds a, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds b, host.Pipe());
    PollFd fds[] = {{.fd = &a.read, .events = PollEvents::kIn},
                    {.fd = &b.read, .events = PollEvents::kIn}};
    EXPECT_THAT(host.Poll(absl::MakeSpan(fds), absl::ZeroDuration()),
                IsOkAndHolds(0));
  });
}

TEST_P(PipesPollContract, PollWithATimeoutReturnsZeroAfterIt) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    PollFd pfd{.fd = &p.read, .events = PollEvents::kIn};
    absl::Duration before = host.MonotonicNow();
    EXPECT_THAT(PollOne(host, pfd, absl::Milliseconds(15)), IsOkAndHolds(0));
    EXPECT_GE(host.MonotonicNow() - before, absl::Milliseconds(15));
  });
}

TEST_P(PipesPollContract, PollCountsOnlyTheReadyFds) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds a, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds b, host.Pipe());
    ASSERT_OK(WriteAll(host, b.write, "y"));
    PollFd fds[] = {{.fd = &a.read, .events = PollEvents::kIn},
                    {.fd = &b.read, .events = PollEvents::kIn}};
    EXPECT_THAT(host.Poll(absl::MakeSpan(fds), std::nullopt), IsOkAndHolds(1));
    EXPECT_EQ(fds[0].revents, PollEvents::kNone);
    EXPECT_EQ(fds[1].revents, PollEvents::kIn);
  });
}

TEST_P(PipesPollContract, PollWakesWhenAnotherProcessWrites) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"write-fd", "1", "hi"}, {{&p.write, 1}}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    p.write.Reset();
    PollFd pfd{.fd = &p.read, .events = PollEvents::kIn};
    EXPECT_THAT(PollOne(host, pfd, std::nullopt), IsOkAndHolds(1));
    EXPECT_THAT(ReadToEof(host, p.read), IsOkAndHolds("hi"));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(PipesPollContract, PollReportsNvalForAnFdThatIsNotOpen) {
  Run([&](Host& host, const std::string& dir) {
    // An fd number nobody opened (below RLIMIT_NOFILE); not owned, so the
    // Fd never closes it.
    Fd unopened(1000, nullptr);
    PollFd pfd{.fd = &unopened, .events = PollEvents::kIn};
    EXPECT_THAT(PollOne(host, pfd, absl::ZeroDuration()), IsOkAndHolds(1));
    EXPECT_EQ(pfd.revents, PollEvents::kNval);
  });
}

TEST_P(PipesPollContract, PipeEndsStatAsFifos) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds p, host.Pipe());
    ASSERT_OK_AND_ASSIGN(FileStat r, host.FStat(p.read));
    ASSERT_OK_AND_ASSIGN(FileStat w, host.FStat(p.write));
    EXPECT_EQ(r.type, FileType::kFifo);
    EXPECT_EQ(w.type, FileType::kFifo);
    EXPECT_EQ(r.ino, w.ino);
  });
}

TEST_P(PipesPollContract, ChildCatCopiesStdinToStdout) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(PipeFds in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    ASSERT_OK_AND_ASSIGN(
        SpawnResult child,
        SpawnHelper(host, helper(), {"cat"}, {{&in.read, 0}, {&out.write, 1}}));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    in.read.Reset();
    out.write.Reset();
    ASSERT_OK(WriteAll(host, in.write, "through a child\n"));
    in.write.Reset();
    EXPECT_THAT(ReadToEof(host, out.read), IsOkAndHolds("through a child\n"));
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
  });
}

TEST_P(PipesPollContract, SetNonBlockingAppliesToOneEndOnly) {
  Run([&](Host& host, const std::string&) {
    ASSERT_OK_AND_ASSIGN(PipeFds pipe, host.Pipe());
    ASSERT_OK(host.SetNonBlocking(pipe.read, true));
    char byte = 0;
    EXPECT_THAT(host.Read(pipe.read, absl::MakeSpan(&byte, 1)),
                HasErrno(EAGAIN));
    ASSERT_OK(host.SetNonBlocking(pipe.read, false));
    ASSERT_OK(WriteAll(host, pipe.write, "x"));
    EXPECT_THAT(ReadSome(host, pipe.read, 1), IsOkAndHolds("x"));
  });
}

}  // namespace
}  // namespace runbox::contract
