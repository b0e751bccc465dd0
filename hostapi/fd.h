// An owned file descriptor: move-only, closed through the host that opened
// it, so the simulated kernel sees every close and a FaultyHost never leaks.
#ifndef RUNBOX_HOSTAPI_FD_H_
#define RUNBOX_HOSTAPI_FD_H_

#include <utility>

namespace runbox {

// Implemented by each host: closes a descriptor it handed out. Must not fail
// loudly: close(2) errors on the files runbox uses carry no information
// (the fd is gone either way), and fsync is where durability is checked.
class FdOwner {
 public:
  virtual void CloseFd(int fd) noexcept = 0;

 protected:
  ~FdOwner() = default;
};

class Fd {
 public:
  Fd() = default;
  Fd(int fd, FdOwner* owner) : fd_(fd), owner_(owner) {}
  ~Fd() { Reset(); }

  Fd(Fd&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)),
        owner_(std::exchange(other.owner_, nullptr)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
      owner_ = std::exchange(other.owner_, nullptr);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  // The calling process's working directory as a `dir` argument (AT_FDCWD).
  static const Fd& Cwd();

  bool valid() const { return fd_ >= 0 || fd_ == kCwdValue; }
  int get() const { return fd_; }
  FdOwner* owner() const { return owner_; }

  // Gives up ownership without closing; the caller must close `fd` itself.
  int Release() {
    owner_ = nullptr;
    return std::exchange(fd_, -1);
  }
  void Reset() {
    if (fd_ >= 0 && owner_ != nullptr) owner_->CloseFd(fd_);
    fd_ = -1;
    owner_ = nullptr;
  }

  static constexpr int kCwdValue = -100;  // AT_FDCWD on Linux.

 private:
  int fd_ = -1;
  FdOwner* owner_ = nullptr;
};

inline const Fd& Fd::Cwd() {
  static const Fd* cwd = new Fd(kCwdValue, nullptr);
  return *cwd;
}

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_FD_H_
