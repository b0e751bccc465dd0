// Pipe ends over a shared ByteQueue (see pipe.h for the semantics).
#include "fakes/ipc/pipe.h"

#include <cerrno>
#include <utility>

#include "fakes/ipc/byte_queue.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

using ipc_internal::ByteQueue;

// Shared by both ends; each end's destructor marks its side closed.
struct PipeState {
  explicit PipeState(uint64_t ino) : ino(ino) {}
  ByteQueue buffer{kPipeCapacity};
  bool reader_open = true;
  bool writer_open = true;
  uint64_t ino;
};

FileStat PipeStat(const PipeState& state) {
  FileStat st;
  st.type = FileType::kFifo;
  st.mode = 0600;
  st.ino = state.ino;
  st.nlink = 1;
  return st;
}

OpenFlags WithNonBlock(OpenFlags flags, bool nonblocking) {
  return nonblocking ? flags | OpenFlags::kNonBlock : flags;
}

class PipeReadEnd final : public OpenFile {
 public:
  PipeReadEnd(std::shared_ptr<PipeState> state, bool nonblocking)
      : OpenFile(WithNonBlock(OpenFlags::kReadOnly, nonblocking)),
        state_(std::move(state)) {}
  ~PipeReadEnd() override { state_->reader_open = false; }

  absl::StatusOr<size_t> Read(absl::Span<char> buf) override {
    if (buf.empty()) return 0;
    if (state_->buffer.empty()) {
      if (!state_->writer_open) return 0;
      return ErrnoError(EAGAIN, "read pipe");
    }
    return state_->buffer.Take(buf);
  }

  absl::StatusOr<FileStat> Stat() const override { return PipeStat(*state_); }

  PollEvents Readiness() const override {
    PollEvents ev = PollEvents::kNone;
    if (!state_->buffer.empty() || !state_->writer_open) ev |= PollEvents::kIn;
    if (!state_->writer_open) ev |= PollEvents::kHup;
    return ev;
  }

 private:
  std::shared_ptr<PipeState> state_;
};

class PipeWriteEnd final : public OpenFile {
 public:
  PipeWriteEnd(std::shared_ptr<PipeState> state, bool nonblocking)
      : OpenFile(WithNonBlock(OpenFlags::kWriteOnly, nonblocking)),
        state_(std::move(state)) {}
  ~PipeWriteEnd() override { state_->writer_open = false; }

  absl::StatusOr<size_t> Write(absl::Span<const char> bytes) override {
    // Linux returns 0 for an empty write before looking at the readers.
    if (bytes.empty()) return 0;
    if (!state_->reader_open) return ErrnoError(EPIPE, "write pipe");
    size_t room = state_->buffer.room();
    if (room == 0 ||
        (bytes.size() <= kPipeAtomicWrite && room < bytes.size())) {
      return ErrnoError(EAGAIN, "write pipe");
    }
    return state_->buffer.Append(bytes);
  }

  absl::StatusOr<FileStat> Stat() const override { return PipeStat(*state_); }

  PollEvents Readiness() const override {
    PollEvents ev = PollEvents::kNone;
    if (state_->buffer.room() >= kPipeAtomicWrite) ev |= PollEvents::kOut;
    if (!state_->reader_open) ev |= PollEvents::kErr;
    return ev;
  }

 private:
  std::shared_ptr<PipeState> state_;
};

}  // namespace

PipePair MakePipe(bool nonblocking, uint64_t ino) {
  auto state = std::make_shared<PipeState>(ino);
  return PipePair{
      .read = std::make_shared<PipeReadEnd>(state, nonblocking),
      .write = std::make_shared<PipeWriteEnd>(state, nonblocking),
  };
}

}  // namespace runbox::fake
