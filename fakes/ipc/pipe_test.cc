// Tests of fakes/ipc/pipe: capacity, atomic writes, EOF/EPIPE on close,
// readiness and stat.
#include "fakes/ipc/pipe.h"

#include <cerrno>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::Eq;

std::string ReadString(OpenFile& f, size_t n) {
  std::string buf(n, '\0');
  absl::StatusOr<size_t> got = f.Read(absl::MakeSpan(buf));
  EXPECT_THAT(got, IsOk());
  buf.resize(got.ok() ? *got : 0);
  return buf;
}

absl::StatusOr<size_t> WriteString(OpenFile& f, const std::string& s) {
  return f.Write(absl::MakeConstSpan(s));
}

TEST(PipeTest, BytesFlowInOrder) {
  PipePair p = MakePipe(/*nonblocking=*/false);
  ASSERT_OK_AND_ASSIGN(size_t n, WriteString(*p.write, "hello "));
  EXPECT_EQ(n, 6u);
  ASSERT_OK_AND_ASSIGN(n, WriteString(*p.write, "world"));
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(ReadString(*p.read, 3), "hel");
  EXPECT_EQ(ReadString(*p.read, 100), "lo world");
}

TEST(PipeTest, EmptyWithWriterIsEagainThenEofAfterClose) {
  PipePair p = MakePipe(false);
  std::string buf(10, '\0');
  EXPECT_THAT(p.read->Read(absl::MakeSpan(buf)), HasErrno(EAGAIN));
  ASSERT_OK(WriteString(*p.write, "x").status());
  p.write.reset();
  // Buffered data is still delivered before EOF.
  EXPECT_EQ(ReadString(*p.read, 10), "x");
  ASSERT_OK_AND_ASSIGN(size_t n, p.read->Read(absl::MakeSpan(buf)));
  EXPECT_EQ(n, 0u);
}

TEST(PipeTest, WriteWithoutReaderIsEpipe) {
  PipePair p = MakePipe(false);
  p.read.reset();
  EXPECT_THAT(WriteString(*p.write, "x"), HasErrno(EPIPE));
  // An empty write returns 0 before the reader check, as on Linux.
  EXPECT_THAT(WriteString(*p.write, ""), IsOk());
}

TEST(PipeTest, FillsToCapacityThenEagain) {
  PipePair p = MakePipe(true);
  std::string chunk(kPipeCapacity - 100, 'a');
  ASSERT_OK_AND_ASSIGN(size_t n, WriteString(*p.write, chunk));
  EXPECT_EQ(n, chunk.size());
  // A large write takes what fits.
  ASSERT_OK_AND_ASSIGN(n, WriteString(*p.write, std::string(5000, 'b')));
  EXPECT_EQ(n, 100u);
  EXPECT_THAT(WriteString(*p.write, "c"), HasErrno(EAGAIN));
  EXPECT_THAT(WriteString(*p.write, std::string(10000, 'c')), HasErrno(EAGAIN));
}

TEST(PipeTest, SmallWritesAreAtomic) {
  PipePair p = MakePipe(true);
  ASSERT_OK(
      WriteString(*p.write, std::string(kPipeCapacity - 10, 'a')).status());
  // 20 bytes do not fit in 10: all or nothing.
  EXPECT_THAT(WriteString(*p.write, std::string(20, 'b')), HasErrno(EAGAIN));
  ASSERT_OK_AND_ASSIGN(size_t n, WriteString(*p.write, std::string(10, 'b')));
  EXPECT_EQ(n, 10u);
}

TEST(PipeTest, LargeWritesMayBePartial) {
  PipePair p = MakePipe(true);
  ASSERT_OK(
      WriteString(*p.write, std::string(kPipeCapacity - 5000, 'a')).status());
  ASSERT_OK_AND_ASSIGN(
      size_t n, WriteString(*p.write, std::string(kPipeAtomicWrite + 1, 'b')));
  EXPECT_EQ(n, kPipeAtomicWrite + 1);
  ASSERT_OK_AND_ASSIGN(n, WriteString(*p.write, std::string(8000, 'c')));
  EXPECT_EQ(n, 5000 - kPipeAtomicWrite - 1);
}

TEST(PipeTest, InterleavedTrafficPreservesEveryByteInOrder) {
  PipePair p = MakePipe(true);
  std::string sent;
  std::string received;
  // Writes outpace reads, so the pipe fills, wraps and compacts repeatedly.
  for (int i = 0; i < 200; ++i) {
    std::string chunk(1000 + i * 37, static_cast<char>('a' + i % 26));
    absl::StatusOr<size_t> n = WriteString(*p.write, chunk);
    if (n.ok()) {
      sent += chunk.substr(0, *n);
    } else {
      ASSERT_THAT(n, HasErrno(EAGAIN));
    }
    received += ReadString(*p.read, 900);
  }
  p.write.reset();
  while (true) {
    std::string got = ReadString(*p.read, 5000);
    if (got.empty()) break;
    received += got;
  }
  EXPECT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent);
}

TEST(PipeTest, ReadinessOfReadEnd) {
  PipePair p = MakePipe(false);
  EXPECT_EQ(p.read->Readiness(), PollEvents::kNone);
  ASSERT_OK(WriteString(*p.write, "x").status());
  EXPECT_EQ(p.read->Readiness(), PollEvents::kIn);
  p.write.reset();
  EXPECT_EQ(p.read->Readiness(), PollEvents::kIn | PollEvents::kHup);
}

TEST(PipeTest, ReadinessOfWriteEnd) {
  PipePair p = MakePipe(true);
  EXPECT_EQ(p.write->Readiness(), PollEvents::kOut);
  ASSERT_OK(
      WriteString(*p.write, std::string(kPipeCapacity - 100, 'a')).status());
  // Less than PIPE_BUF free: a small write could still fail, so not kOut.
  EXPECT_EQ(p.write->Readiness(), PollEvents::kNone);
  EXPECT_EQ(ReadString(*p.read, 5000).size(), 5000u);
  EXPECT_EQ(p.write->Readiness(), PollEvents::kOut);
  p.read.reset();
  EXPECT_EQ(p.write->Readiness(), PollEvents::kOut | PollEvents::kErr);
}

TEST(PipeTest, WrongDirectionIsEbadf) {
  PipePair p = MakePipe(false);
  std::string buf(4, '\0');
  EXPECT_THAT(p.write->Read(absl::MakeSpan(buf)), HasErrno(EBADF));
  EXPECT_THAT(WriteString(*p.read, "x"), HasErrno(EBADF));
}

TEST(PipeTest, PositionalIoIsEspipe) {
  PipePair p = MakePipe(false);
  std::string buf(4, '\0');
  EXPECT_THAT(p.read->PRead(absl::MakeSpan(buf), 0), HasErrno(ESPIPE));
  EXPECT_THAT(p.write->PWrite(absl::MakeConstSpan(buf), 0), HasErrno(ESPIPE));
}

TEST(PipeTest, FlagsAndStat) {
  PipePair p = MakePipe(/*nonblocking=*/true, /*ino=*/42);
  EXPECT_TRUE(p.read->nonblocking());
  EXPECT_TRUE(p.write->nonblocking());
  EXPECT_TRUE(p.read->readable());
  EXPECT_FALSE(p.read->writable());
  EXPECT_TRUE(p.write->writable());
  EXPECT_FALSE(p.write->readable());
  EXPECT_FALSE(MakePipe(false).read->nonblocking());
  for (const auto& end : {p.read, p.write}) {
    ASSERT_OK_AND_ASSIGN(FileStat st, end->Stat());
    EXPECT_EQ(st.type, FileType::kFifo);
    EXPECT_EQ(st.ino, 42u);
    EXPECT_EQ(st.mode, 0600u);
  }
}

TEST(PipeTest, ZeroLengthReadReturnsZero) {
  PipePair p = MakePipe(false);
  ASSERT_OK_AND_ASSIGN(size_t n, p.read->Read(absl::Span<char>()));
  EXPECT_THAT(n, Eq(0u));
}

}  // namespace
}  // namespace runbox::fake
