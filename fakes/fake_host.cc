// FakeHost plumbing (the scheduling point every call starts with, fd
// lookups) and the small concerns: clock, random, seccomp.
#include "fakes/fake_host.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fakes/kernel_impl.h"
#include "hostapi/status.h"

namespace runbox::fake {

FakeHost::FakeHost(FakeKernel::Impl& kernel,
                   std::shared_ptr<ProcessHandle> handle, uint64_t generation)
    : k_(kernel), handle_(std::move(handle)), generation_(generation) {}

FakeHost::~FakeHost() = default;

Process* FakeHost::Enter(absl::string_view call) {
  Process* p = handle_->process;
  if (p == nullptr || p->generation != generation_) return nullptr;
  if (p->dead) {
    FakeKernel::Impl::UnwindIfDead(*p);
    return nullptr;
  }
  if (k_.current != p) {
    KernelBug(absl::StrCat("host call ", call, " of pid ", p->root_pid(),
                           " made outside its own fiber (use the Host& the "
                           "program was given, inside Run)"));
  }
  if (!k_.Step(*p, call)) return nullptr;
  return p;
}

// EOWNERDEAD, not EINTR: the dying process's destructors may sit in
// loops that retry EINTR (as they must on Linux) and would spin forever.
// Nothing retries "owner died".
absl::Status FakeHost::DeadError() {
  return ErrnoError(EOWNERDEAD, "fake: the calling process is exiting");
}

absl::Status FakeHost::AfterEffect(Process& self, absl::Status status) {
  if (self.dead) {
    FakeKernel::Impl::UnwindIfDead(self);
    return DeadError();
  }
  return status;
}

absl::StatusOr<std::shared_ptr<OpenFile>> FakeHost::FileOf(const Process& self,
                                                           const Fd& fd) const {
  const std::shared_ptr<OpenFile>* file = self.fds.Get(fd.get());
  if (file == nullptr) {
    return ErrnoError(EBADF, absl::StrCat("fd ", fd.get()));
  }
  return *file;
}

absl::StatusOr<InodeRef> FakeHost::DirOf(const Process& self,
                                         const Fd& dir) const {
  if (dir.get() == Fd::kCwdValue) return InodeRef();
  ASSIGN_OR_RETURN(std::shared_ptr<OpenFile> file, FileOf(self, dir));
  InodeRef inode = k_.fs.InodeOf(*file);
  if (inode == nullptr) {
    return ErrnoError(ENOTDIR, absl::StrCat("fd ", dir.get()));
  }
  return inode;
}

absl::StatusOr<Fd> FakeHost::Install(Process& self,
                                     std::shared_ptr<OpenFile> file,
                                     bool cloexec) {
  int fd = self.fds.Install(std::move(file), cloexec);
  if (fd < 0) return ErrnoError(EMFILE, "install fd");
  return Fd(fd, this);
}

bool FakeHost::WaitReady(Process& self, const std::shared_ptr<OpenFile>& file,
                         PollEvents events) {
  if (file->nonblocking()) return !self.dead;
  const PollEvents wanted = events | PollEvents::kHup | PollEvents::kErr;
  k_.Park(
      self,
      [file, wanted] {
        return (file->Readiness() & wanted) != PollEvents::kNone;
      },
      std::nullopt);
  return !self.dead;
}

void FakeHost::CloseFd(int fd) noexcept {
  Process* p = handle_->process;
  if (p == nullptr || p->generation != generation_ || p->dead) return;
  std::shared_ptr<OpenFile> file = p->fds.Remove(fd);
}

// --- Clock -----------------------------------------------------------------

absl::Duration FakeHost::MonotonicNow() {
  if (Enter("clock_gettime") == nullptr) return k_.now;
  return k_.now;
}

absl::Time FakeHost::RealNow() {
  Enter("clock_gettime");
  return k_.options.boot_time + k_.now;
}

void FakeHost::SleepFor(absl::Duration duration) {
  Process* self = Enter("nanosleep");
  if (self == nullptr) return;
  if (duration <= absl::ZeroDuration()) return;
  k_.Park(*self, nullptr, k_.now + duration);
}

// --- Random ----------------------------------------------------------------

uint64_t FakeHost::RandomUint64() {
  Enter("getrandom");
  return k_.rng.Next();
}

// --- Seccomp ---------------------------------------------------------------

absl::Status FakeHost::SetNoNewPrivs() {
  Process* self = Enter("prctl(PR_SET_NO_NEW_PRIVS)");
  if (self == nullptr) return DeadError();
  self->no_new_privs = true;
  return absl::OkStatus();
}

absl::StatusOr<Fd> FakeHost::SetSeccompFilter(absl::Span<const uint8_t> program,
                                              SeccompFlags flags) {
  Process* self = Enter("seccomp");
  if (self == nullptr) return DeadError();
  // struct sock_filter is 8 bytes; BPF_MAXINSNS is 4096.
  if (program.empty() || program.size() % 8 != 0 || program.size() / 8 > 4096) {
    return ErrnoError(EINVAL, "seccomp: bad filter length");
  }
  if (Has(flags, SeccompFlags::kNewListener)) {
    return absl::UnimplementedError("fake: seccomp notify not modelled");
  }
  // The filter is recorded, not enforced: simulated programs make no
  // system calls of their own.
  ++self->seccomp_filters;
  return Fd();
}

}  // namespace runbox::fake
