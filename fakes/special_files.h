// Open file descriptions the kernel itself makes (not the file system or the
// ipc modules): signalfds, pidfds, namespace fds, and the capture buffers
// that stand for stdout/stderr of processes started from outside the
// simulation.
#ifndef RUNBOX_FAKES_SPECIAL_FILES_H_
#define RUNBOX_FAKES_SPECIAL_FILES_H_

#include <memory>
#include <string>

#include "fakes/open_file.h"
#include "fakes/process.h"

namespace runbox::fake {

// signalfd(2): reads the pending signals of its set. Readiness follows the
// creating process's signal state (signalfds are not shared in practice).
class SignalFdFile : public OpenFile {
 public:
  SignalFdFile(std::shared_ptr<SignalState> state, SignalSet set)
      : OpenFile(OpenFlags::kReadOnly), state_(std::move(state)), set_(set) {}
  absl::StatusOr<FileStat> Stat() const override;
  PollEvents Readiness() const override;
  // read(2) of raw signalfd_siginfo records is not modelled: ReadSignal.
  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;
  const SignalSet& set() const { return set_; }

 private:
  std::shared_ptr<SignalState> state_;
  SignalSet set_;
};

// pidfd_open(2): refers to one process, whatever its pid becomes later.
class PidFdFile : public OpenFile {
 public:
  explicit PidFdFile(std::shared_ptr<ProcessHandle> handle)
      : OpenFile(OpenFlags::kReadWrite), handle_(std::move(handle)) {}
  absl::StatusOr<FileStat> Stat() const override;
  // kIn once the process has exited (zombie or reaped).
  PollEvents Readiness() const override;
  const std::shared_ptr<ProcessHandle>& handle() const { return handle_; }

 private:
  std::shared_ptr<ProcessHandle> handle_;
};

// open("/proc/<pid>/ns/<type>"): names one namespace and keeps it alive.
// Namespaces with state hold their object (pid, mount, uts, user, and the
// sysctls of net and ipc); the others are an id. fstat gives the id as
// st_ino on the nsfs device, as on Linux.
class NamespaceFile : public OpenFile {
 public:
  NamespaceFile(Namespaces type, uint64_t id)
      : OpenFile(OpenFlags::kReadOnly), type_(type), id_(id) {}
  absl::StatusOr<FileStat> Stat() const override;
  PollEvents Readiness() const override { return PollEvents::kNone; }

  Namespaces type() const { return type_; }
  uint64_t id() const { return id_; }

  std::shared_ptr<PidNamespace> pid_ns;      // kPid.
  std::shared_ptr<MountNamespace> mount_ns;  // kMount.
  std::shared_ptr<UtsNamespace> uts_ns;      // kUts.
  std::shared_ptr<UserNamespace> user_ns;    // kUser.
  std::shared_ptr<SysctlTable> net_sysctls;  // kNet.
  std::shared_ptr<SysctlTable> ipc_sysctls;  // kIpc.

 private:
  Namespaces type_;
  uint64_t id_;
};

// A kernel-owned sink standing for a terminal or log file: every write
// appends to `buffer` and succeeds in full.
class CaptureFile : public OpenFile {
 public:
  explicit CaptureFile(std::shared_ptr<std::string> buffer)
      : OpenFile(OpenFlags::kWriteOnly), buffer_(std::move(buffer)) {}
  absl::StatusOr<FileStat> Stat() const override;
  PollEvents Readiness() const override { return PollEvents::kOut; }
  absl::StatusOr<size_t> Write(absl::Span<const char> bytes) override;

 private:
  std::shared_ptr<std::string> buffer_;
};

// The read end of a pipe whose writer wrote `data` and then closed: the
// stdin of processes started from outside. Reads drain it, then EOF.
class FilledPipeReader : public OpenFile {
 public:
  explicit FilledPipeReader(std::string data)
      : OpenFile(OpenFlags::kReadOnly), data_(std::move(data)) {}
  absl::StatusOr<FileStat> Stat() const override;
  PollEvents Readiness() const override;
  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;

 private:
  std::string data_;
  size_t offset_ = 0;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_SPECIAL_FILES_H_
