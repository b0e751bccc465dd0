// Pty ends over two shared ByteQueues, one per direction (see pty.h).
#include "fakes/ipc/pty.h"

#include <cerrno>
#include <utility>

#include "fakes/ipc/byte_queue.h"
#include "hostapi/status.h"

namespace runbox::fake {
namespace {

using ipc_internal::ByteQueue;

constexpr DeviceNumber kPtmxDevice{5, 2};
constexpr uint32_t kPtsMajor = 136;

struct PtyState {
  explicit PtyState(int index) : index(index) {}
  int index;
  ByteQueue to_replica{kPtyBufferSize};
  ByteQueue to_master{kPtyBufferSize};
  bool master_open = true;
  bool replica_open = true;
  WindowSize window;
};

class PtyEnd final : public OpenFile {
 public:
  PtyEnd(std::shared_ptr<PtyState> state, bool master)
      : OpenFile(OpenFlags::kReadWrite),
        state_(std::move(state)),
        master_(master) {}

  ~PtyEnd() override {
    if (master_) {
      state_->master_open = false;
      // The replica is hung up: whatever it had not read is gone.
      state_->to_replica.Clear();
    } else {
      state_->replica_open = false;
    }
  }

  absl::StatusOr<size_t> Read(absl::Span<char> buf) override {
    if (!master_ && !state_->master_open) return 0;  // hung_up_tty_read.
    ByteQueue& in = master_ ? state_->to_master : state_->to_replica;
    if (buf.empty()) return 0;
    if (in.empty()) {
      if (master_ && !state_->replica_open) {
        return ErrnoError(EIO, "read pty master: replica closed");
      }
      return ErrnoError(EAGAIN, "read pty");
    }
    return in.Take(buf);
  }

  absl::StatusOr<size_t> Write(absl::Span<const char> bytes) override {
    if (!master_ && !state_->master_open) {
      return ErrnoError(EIO, "write pty replica: master closed");
    }
    if (bytes.empty()) return 0;
    ByteQueue& out = master_ ? state_->to_replica : state_->to_master;
    if (out.room() == 0) return ErrnoError(EAGAIN, "write pty");
    return out.Append(bytes);
  }

  absl::StatusOr<FileStat> Stat() const override {
    FileStat st;
    st.type = FileType::kCharDevice;
    st.mode = master_ ? 0666 : 0620;
    st.nlink = 1;
    st.rdev =
        master_ ? kPtmxDevice
                : DeviceNumber{kPtsMajor, static_cast<uint32_t>(state_->index)};
    return st;
  }

  PollEvents Readiness() const override {
    if (!master_ && !state_->master_open) {
      return PollEvents::kIn | PollEvents::kOut | PollEvents::kErr |
             PollEvents::kHup;
    }
    const ByteQueue& in = master_ ? state_->to_master : state_->to_replica;
    const ByteQueue& out = master_ ? state_->to_replica : state_->to_master;
    PollEvents ev = PollEvents::kNone;
    if (!in.empty()) ev |= PollEvents::kIn;
    if (out.room() > 0) ev |= PollEvents::kOut;
    if (master_ && !state_->replica_open) ev |= PollEvents::kHup;
    return ev;
  }

  PtyState& state() const { return *state_; }
  bool master() const { return master_; }

 private:
  std::shared_ptr<PtyState> state_;
  bool master_;
};

const PtyEnd* AsPty(const OpenFile& file) {
  return dynamic_cast<const PtyEnd*>(&file);
}

}  // namespace

PtyPair MakePty(int index) {
  auto state = std::make_shared<PtyState>(index);
  return PtyPair{
      .master = std::make_shared<PtyEnd>(state, /*master=*/true),
      .replica = std::make_shared<PtyEnd>(state, /*master=*/false),
  };
}

absl::Status SetWindowSize(OpenFile& file, WindowSize size) {
  const PtyEnd* pty = AsPty(file);
  if (pty == nullptr) return ErrnoError(ENOTTY, "ioctl TIOCSWINSZ");
  pty->state().window = size;
  return absl::OkStatus();
}

absl::StatusOr<WindowSize> GetWindowSize(const OpenFile& file) {
  const PtyEnd* pty = AsPty(file);
  if (pty == nullptr) return ErrnoError(ENOTTY, "ioctl TIOCGWINSZ");
  return pty->state().window;
}

int PtyIndex(const OpenFile& file) {
  const PtyEnd* pty = AsPty(file);
  return pty == nullptr ? -1 : pty->state().index;
}

bool IsPtyReplica(const OpenFile& file) {
  const PtyEnd* pty = AsPty(file);
  return pty != nullptr && !pty->master();
}

}  // namespace runbox::fake
