// A FIFO of bytes with a fixed capacity: the buffer behind pipes and ptys.
// Internal to fakes/ipc; sockets keep message boundaries and use their own
// queue.
#ifndef RUNBOX_FAKES_IPC_BYTE_QUEUE_H_
#define RUNBOX_FAKES_IPC_BYTE_QUEUE_H_

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "absl/types/span.h"

namespace runbox::fake::ipc_internal {

class ByteQueue {
 public:
  explicit ByteQueue(size_t capacity) : capacity_(capacity) {}

  size_t size() const { return data_.size() - head_; }
  bool empty() const { return size() == 0; }
  size_t capacity() const { return capacity_; }
  size_t room() const { return capacity_ - size(); }

  // Appends as much of `bytes` as fits; returns how much did.
  size_t Append(absl::Span<const char> bytes) {
    size_t n = std::min(bytes.size(), room());
    data_.append(bytes.data(), n);
    return n;
  }

  // Moves up to buf.size() bytes out; returns how many.
  size_t Take(absl::Span<char> buf) {
    size_t n = std::min(buf.size(), size());
    if (n > 0) std::memcpy(buf.data(), data_.data() + head_, n);
    head_ += n;
    // Compact once the consumed prefix dominates, so memory stays bounded
    // by about twice the capacity without copying on every read.
    if (head_ == data_.size()) {
      data_.clear();
      head_ = 0;
    } else if (head_ > data_.size() / 2) {
      data_.erase(0, head_);
      head_ = 0;
    }
    return n;
  }

  void Clear() {
    data_.clear();
    head_ = 0;
  }

 private:
  size_t capacity_;
  std::string data_;
  size_t head_ = 0;
};

}  // namespace runbox::fake::ipc_internal

#endif  // RUNBOX_FAKES_IPC_BYTE_QUEUE_H_
