// LinuxHost's Processes (except signal masks and signalfd, in
// signals_linux.cc): spawn with clone3 + setns + execve, exec, wait, kill,
// pidfds, process identity from /proc/<pid>/stat, credentials, the prctl
// bits (subreaper, parent-death signal, dumpable), /proc/self/exe, the
// environment, namespace fds, unshare and setns, and the hostname.
//
// Spawn builds every buffer before clone; the child only makes system calls
// (no allocation, no locks, nothing glibc caches per thread) and reports a
// failure as a fixed-size record over a close-on-exec pipe, so the parent
// sees EOF exactly when exec succeeded.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/linux/proc_stat.h"
#include "hostapi/status.h"

extern char** environ;

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace runbox {

using linux_internal::CallError;
using linux_internal::FdError;
using linux_internal::PathError;

namespace {

// struct clone_args of clone3(2), version 0 (Linux 5.3). Spelled out here
// because <linux/sched.h> clashes with glibc's <sched.h>.
struct CloneArgs {
  uint64_t flags;
  uint64_t pidfd;
  uint64_t child_tid;
  uint64_t parent_tid;
  uint64_t exit_signal;
  uint64_t stack;
  uint64_t stack_size;
  uint64_t tls;
};

// The step of the child that failed, for the error message.
enum ChildStep : int32_t {
  kStepSetns,
  kStepDeathSignal,
  kStepSetsid,
  kStepFdMap,
  kStepCloseFds,
  kStepCredentials,
  kStepExec,
};

const char* ChildStepName(int32_t step) {
  switch (step) {
    case kStepSetns:
      return "setns";
    case kStepDeathSignal:
      return "prctl PR_SET_PDEATHSIG";
    case kStepSetsid:
      return "setsid";
    case kStepFdMap:
      return "dup of the fd map";
    case kStepCloseFds:
      return "close_range";
    case kStepCredentials:
      return "setresuid/setresgid";
    default:
      return "exec";
  }
}

// What travels over the error pipe. Fixed size and smaller than PIPE_BUF,
// so one write is atomic and one read gets all of it.
struct ChildError {
  int32_t step;
  int32_t err;
};

// Everything the child needs, prepared by the parent before clone.
struct ChildPlan {
  const char* path = nullptr;
  int exec_fd = -1;             // execveat(exec_fd, "") when >= 0.
  const int* ns_fds = nullptr;  // setns(ns_fds[i], ns_types[i]), in order.
  const int* ns_types = nullptr;
  size_t ns_count = 0;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const int* sources = nullptr;  // fd map, `map_size` entries each.
  const int* targets = nullptr;
  int* temps = nullptr;  // Scratch, `map_size` entries.
  size_t map_size = 0;
  int* keep = nullptr;  // Sorted unique targets, room for 2 more.
  size_t keep_size = 0;
  int max_target = -1;
  int error_pipe = -1;
  int death_signal = 0;
  bool check_parent = false;  // Whether getppid() can detect a dead parent.
  pid_t parent_pid = 0;
  bool new_session = false;
  int gate = -1;  // Read one byte from it before exec; anything else: die.
  int gate_write = -1;  // The parent's end, closed first so EOF can come.
  int uid = -1;         // setresuid/setresgid before exec when >= 0.
  int gid = -1;
};

// Sets every catchable signal to SIG_DFL (exec resets handlers but keeps
// SIG_IGN, which would leak into the container). 32 and 33 belong to
// glibc's threads; SIGKILL and SIGSTOP cannot change. Async-signal-safe.
void ResetSignalDispositions() {
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP || sig == 32 || sig == 33) continue;
    sigaction(sig, &dfl, nullptr);
  }
}

// Closes [lo, hi]. Async-signal-safe.
int CloseRange(unsigned int lo, unsigned int hi) {
  if (lo > hi) return 0;
  if (syscall(SYS_close_range, lo, hi, 0) == 0) return 0;
  int err = errno;
  if (err != ENOSYS) return err;
  // Before Linux 5.9: close one by one up to the descriptor limit (or
  // fs.nr_open's default ceiling when unlimited).
  struct rlimit limit;
  rlim_t ceiling = rlim_t{1} << 20;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur > 0 &&
      limit.rlim_cur != RLIM_INFINITY) {
    ceiling = limit.rlim_cur;
  }
  unsigned int last = hi;
  if (ceiling - 1 < last) last = static_cast<unsigned int>(ceiling - 1);
  for (unsigned int fd = lo; fd <= last && fd >= lo; ++fd) close(fd);
  return 0;
}

[[noreturn]] void ChildFail(int report_fd, int32_t step, int err) {
  ChildError record{step, err};
  while (write(report_fd, &record, sizeof(record)) < 0 && errno == EINTR) {
  }
  _exit(127);
}

// The child between clone and exec. Every signal is blocked on entry (the
// parent blocked them before clone), so no handler inherited from the
// parent can run here.
[[noreturn]] void RunChild(const ChildPlan& plan) {
  int report_fd = plan.error_pipe;
  ResetSignalDispositions();

  // SpawnRequest::before_exec: the parent acts on us first (our pid is all
  // it needs, so we wait here, before anything it could depend on).
  if (plan.gate >= 0) {
    close(plan.gate_write);
    char byte = 0;
    ssize_t n;
    do {
      n = read(plan.gate, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(127);  // The parent gave up and reaps us.
  }

  // Joins come first, while every descriptor still has the number the
  // parent resolved (the fd map below renumbers), and before the death
  // signal, which a credential change could clear.
  for (size_t i = 0; i < plan.ns_count; ++i) {
    if (setns(plan.ns_fds[i], plan.ns_types[i]) != 0) {
      ChildFail(report_fd, kStepSetns, errno);
    }
  }

  if (plan.death_signal != 0) {
    if (prctl(PR_SET_PDEATHSIG, plan.death_signal, 0, 0, 0) != 0) {
      ChildFail(report_fd, kStepDeathSignal, errno);
    }
    // The parent may have died before prctl; then nobody sends the signal,
    // so send it ourselves. It stays pending until the mask is cleared.
    // (getppid() is 0 while the parent lies outside our pid namespace.)
    pid_t ppid = getppid();
    if (plan.check_parent && ppid != 0 && ppid != plan.parent_pid) {
      kill(getpid(), plan.death_signal);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      _exit(127);
    }
  }

  if (plan.new_session && setsid() < 0) {
    ChildFail(report_fd, kStepSetsid, errno);
  }

  // Move the descriptors we still need above every target, so no dup2
  // below can clobber them, then copy each source above the targets too
  // before placing any: sources and targets may overlap (3->4, 4->3).
  int base = plan.max_target + 1;
  int moved = fcntl(report_fd, F_DUPFD_CLOEXEC, base);
  if (moved < 0) ChildFail(report_fd, kStepFdMap, errno);
  report_fd = moved;
  int exec_fd = -1;
  if (plan.exec_fd >= 0) {
    exec_fd = fcntl(plan.exec_fd, F_DUPFD_CLOEXEC, base);
    if (exec_fd < 0) ChildFail(report_fd, kStepFdMap, errno);
  }
  for (size_t i = 0; i < plan.map_size; ++i) {
    plan.temps[i] = fcntl(plan.sources[i], F_DUPFD_CLOEXEC, base);
    if (plan.temps[i] < 0) ChildFail(report_fd, kStepFdMap, errno);
  }
  for (size_t i = 0; i < plan.map_size; ++i) {
    // dup2 clears FD_CLOEXEC on the target: it survives exec.
    while (dup2(plan.temps[i], plan.targets[i]) < 0) {
      if (errno != EINTR) ChildFail(report_fd, kStepFdMap, errno);
    }
  }

  // Close everything but the targets, the error pipe and the exec fd (both
  // close-on-exec, so exec drops them). A close-on-exec exec fd suits ELF
  // binaries such as the sealed runbox memfd; a #! script needs its fd
  // after exec and fails ENOENT, as with fexecve(3).
  size_t keep_size = plan.keep_size;
  int a = report_fd;
  int b = exec_fd;
  if (b >= 0 && b < a) std::swap(a, b);
  plan.keep[keep_size++] = a;
  if (b >= 0) plan.keep[keep_size++] = b;
  unsigned int lo = 0;
  for (size_t i = 0; i < keep_size; ++i) {
    unsigned int k = static_cast<unsigned int>(plan.keep[i]);
    if (k > lo) {
      int err = CloseRange(lo, k - 1);
      if (err != 0) ChildFail(report_fd, kStepCloseFds, err);
    }
    lo = k + 1;
  }
  int err = CloseRange(lo, ~0U);
  if (err != 0) ChildFail(report_fd, kStepCloseFds, err);

  // Raw syscalls: glibc's wrappers would signal other threads, and there
  // are none in this child of clone.
  if (plan.gid >= 0 &&
      syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) {
    ChildFail(report_fd, kStepCredentials, errno);
  }
  if (plan.uid >= 0 &&
      syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) {
    ChildFail(report_fd, kStepCredentials, errno);
  }

  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  if (exec_fd >= 0) {
    syscall(SYS_execveat, exec_fd, "", plan.argv, plan.envp, AT_EMPTY_PATH);
  } else {
    execve(plan.path, plan.argv, plan.envp);
  }
  ChildFail(report_fd, kStepExec, errno);
}

// NULL-terminated char* array over `strings`, which must outlive it.
std::vector<char*> CStringArray(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) {
    out.push_back(const_cast<char*>(s.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

// Reaps `pid`, restarting on EINTR. For children that never reached exec.
void ReapChild(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
  }
}

// Whether the caller's children are made in its own pid namespace, i.e. it
// has not unshared or joined another one for them (then a child's getppid()
// names the caller). True when /proc cannot tell (before Linux 4.12).
bool ChildrenShareOurPidNamespace() {
  struct stat own;
  struct stat children;
  if (stat("/proc/self/ns/pid", &own) != 0 ||
      stat("/proc/self/ns/pid_for_children", &children) != 0) {
    return true;
  }
  return own.st_dev == children.st_dev && own.st_ino == children.st_ino;
}

std::string ProgramName(const std::string& path, const Fd* exec_fd) {
  if (exec_fd != nullptr && path.empty()) {
    return absl::StrCat("fd ", exec_fd->get());
  }
  return path;
}

}  // namespace

absl::StatusOr<SpawnResult> LinuxHost::Spawn(const SpawnRequest& request) {
  std::string program = ProgramName(request.path, request.exec_fd);
  std::string context = absl::StrCat("spawn \"", program, "\"");

  // Validate and lay out the fd map.
  std::vector<int> sources;
  std::vector<int> targets;
  sources.reserve(request.fds.size());
  targets.reserve(request.fds.size());
  int max_target = -1;
  for (const FdMapping& m : request.fds) {
    if (m.source == nullptr || m.source->get() < 0 || m.target < 0) {
      return ErrnoError(EBADF, absl::StrCat(context, ": fd map"));
    }
    sources.push_back(m.source->get());
    targets.push_back(m.target);
    max_target = std::max(max_target, m.target);
  }
  std::vector<int> keep = targets;
  std::sort(keep.begin(), keep.end());
  if (std::adjacent_find(keep.begin(), keep.end()) != keep.end()) {
    return ErrnoError(EINVAL, absl::StrCat(context, ": duplicate fd target"));
  }
  size_t keep_size = keep.size();
  keep.resize(keep_size + 2);
  std::vector<int> temps(sources.size());
  if (request.exec_fd != nullptr && request.exec_fd->get() < 0) {
    return ErrnoError(EBADF, absl::StrCat(context, ": exec fd"));
  }
  std::vector<int> ns_fds;
  std::vector<int> ns_types;
  ns_fds.reserve(request.join_namespaces.size());
  ns_types.reserve(request.join_namespaces.size());
  for (const NamespaceJoin& join : request.join_namespaces) {
    if (join.fd == nullptr || join.fd->get() < 0) {
      return ErrnoError(EBADF, absl::StrCat(context, ": namespace fd"));
    }
    ns_fds.push_back(join.fd->get());
    ns_types.push_back(linux_internal::ToCloneFlags(join.type));
  }

  std::vector<char*> argv = CStringArray(request.argv);
  std::vector<char*> envp = CStringArray(request.env);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    int err = errno;
    return ErrnoError(err, absl::StrCat(context, ": pipe2"));
  }
  Fd error_read = Own(pipe_fds[0]);
  Fd error_write = Own(pipe_fds[1]);

  Fd gate_read;
  Fd gate_write;
  if (request.before_exec) {
    int gate_fds[2];
    if (pipe2(gate_fds, O_CLOEXEC) != 0) {
      int err = errno;
      return ErrnoError(err, absl::StrCat(context, ": pipe2"));
    }
    gate_read = Own(gate_fds[0]);
    gate_write = Own(gate_fds[1]);
  }

  int ns_flags = linux_internal::ToCloneFlags(request.new_namespaces);
  ChildPlan plan;
  plan.path = request.path.c_str();
  plan.exec_fd = request.exec_fd != nullptr ? request.exec_fd->get() : -1;
  plan.ns_fds = ns_fds.data();
  plan.ns_types = ns_types.data();
  plan.ns_count = ns_fds.size();
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.sources = sources.data();
  plan.targets = targets.data();
  plan.temps = temps.data();
  plan.map_size = sources.size();
  plan.keep = keep.data();
  plan.keep_size = keep_size;
  plan.max_target = max_target;
  plan.error_pipe = error_write.get();
  plan.death_signal = static_cast<int>(request.parent_death_signal);
  // In another pid namespace (a new one, or one the caller joined for its
  // children) getppid() is 0: the parent lies outside it.
  plan.check_parent = !Has(request.new_namespaces, Namespaces::kPid) &&
                      ChildrenShareOurPidNamespace();
  plan.parent_pid = getpid();
  plan.new_session = request.new_session;
  plan.gate = gate_read.valid() ? gate_read.get() : -1;
  plan.gate_write = gate_write.valid() ? gate_write.get() : -1;
  if (request.uid) plan.uid = static_cast<int>(*request.uid);
  if (request.gid) plan.gid = static_cast<int>(*request.gid);

  // Block every signal across clone so that no handler of ours runs in the
  // child before it resets the dispositions; the child clears the mask just
  // before exec.
  sigset_t all;
  sigset_t old_mask;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old_mask);

  int pidfd = -1;
  CloneArgs args;
  std::memset(&args, 0, sizeof(args));
  args.flags = static_cast<uint64_t>(static_cast<unsigned int>(ns_flags)) |
               (request.want_pidfd ? CLONE_PIDFD : 0);
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof(args));
  int err = errno;
  if (pid < 0 && err == ENOSYS) {
    // Before Linux 5.3 (or under a seccomp profile that hides clone3). With
    // CLONE_PIDFD the pidfd lands in the parent_tid argument.
    pid = syscall(SYS_clone, static_cast<unsigned long>(args.flags) | SIGCHLD,
                  nullptr, &pidfd, nullptr, nullptr);
    err = errno;
  }
  if (pid == 0) RunChild(plan);

  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  error_write.Reset();
  if (pid < 0) return ErrnoError(err, absl::StrCat(context, ": clone3"));

  SpawnResult result;
  result.pid = Pid{static_cast<int32_t>(pid)};
  if (request.want_pidfd) result.pidfd = Own(pidfd);

  if (request.before_exec) {
    gate_read.Reset();
    absl::Status before = request.before_exec(result.pid);
    if (!before.ok()) {
      // Closing the gate unread makes the child exit; the kill covers a
      // child stuck elsewhere. Either way it never reaches exec.
      gate_write.Reset();
      kill(static_cast<pid_t>(pid), SIGKILL);
      ReapChild(static_cast<pid_t>(pid));
      return before;
    }
    const char go = 1;
    ssize_t w;
    do {
      w = write(gate_write.get(), &go, 1);
    } while (w < 0 && errno == EINTR);
    gate_write.Reset();
  }

  ChildError record{0, 0};
  ssize_t n;
  while (true) {
    n = read(error_read.get(), &record, sizeof(record));
    err = errno;
    if (n >= 0 || err != EINTR) break;
  }
  if (n == 0) return result;  // EOF: the exec succeeded.
  ReapChild(static_cast<pid_t>(pid));
  if (n < 0) return ErrnoError(err, absl::StrCat(context, ": read error pipe"));
  if (n != static_cast<ssize_t>(sizeof(record))) {
    return ErrnoError(EIO, absl::StrCat(context, ": short error record"));
  }
  if (record.step == kStepExec) return ErrnoError(record.err, context);
  return ErrnoError(record.err,
                    absl::StrCat(context, ": ", ChildStepName(record.step)));
}

absl::Status LinuxHost::Exec(const ExecRequest& request) {
  if (request.exec_fd != nullptr && request.exec_fd->get() < 0) {
    return FdError(EBADF, "execveat", request.exec_fd->get());
  }
  std::vector<char*> argv = CStringArray(request.argv);
  std::vector<char*> envp = CStringArray(request.env);

  // Save what we change, to put it back if exec fails.
  sigset_t all;
  sigset_t old_mask;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old_mask);
  struct sigaction old_actions[kMaxSignal + 1];
  bool saved[kMaxSignal + 1] = {};
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    saved[sig] = sigaction(sig, nullptr, &old_actions[sig]) == 0;
  }
  ResetSignalDispositions();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  int err;
  if (request.exec_fd != nullptr) {
    syscall(SYS_execveat, request.exec_fd->get(), "", argv.data(), envp.data(),
            AT_EMPTY_PATH);
    err = errno;
  } else {
    execve(request.path.c_str(), argv.data(), envp.data());
    err = errno;
  }

  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if (saved[sig]) sigaction(sig, &old_actions[sig], nullptr);
  }
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  return PathError(err, request.exec_fd != nullptr ? "execveat" : "execve",
                   ProgramName(request.path, request.exec_fd));
}

void LinuxHost::Exit(int code) { _exit(code); }

absl::StatusOr<std::optional<WaitResult>> LinuxHost::Wait(Pid pid,
                                                          WaitFlags flags) {
  if (pid.value < 0) return CallError(EINVAL, "wait4 of a process group");
  pid_t target = pid.value == 0 ? -1 : pid.value;
  int options = __WALL;
  if (Has(flags, WaitFlags::kNoHang)) options |= WNOHANG;
  int status = 0;
  pid_t got;
  while (true) {
    got = wait4(target, &status, options, nullptr);
    int err = errno;
    if (got >= 0) break;
    if (err == EINTR) continue;
    std::string which = pid.value == 0 ? "any child" : absl::StrCat(pid.value);
    return ErrnoError(err, absl::StrCat("wait4 ", which));
  }
  if (got == 0) return std::nullopt;
  WaitResult result;
  result.pid = Pid{got};
  if (WIFEXITED(status)) {
    result.status = ExitStatus::Exited(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    result.status = ExitStatus::Signaled(static_cast<Signal>(WTERMSIG(status)),
                                         WCOREDUMP(status));
  } else {
    // Without WUNTRACED/WCONTINUED only exits and deaths are reported.
    result.status = ExitStatus::FromRaw(status);
  }
  return result;
}

absl::Status LinuxHost::Kill(Pid pid, Signal sig) {
  // kill(0) and negative pids signal process groups; never by accident.
  if (pid.value <= 0) {
    return ErrnoError(EINVAL, absl::StrCat("kill ", pid.value));
  }
  int rc = kill(pid.value, static_cast<int>(sig));
  int err = errno;
  if (rc != 0) {
    return ErrnoError(err,
                      absl::StrCat("kill ", pid.value, " ", SignalName(sig)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Fd> LinuxHost::PidfdOpen(Pid pid) {
  if (pid.value <= 0) {
    return ErrnoError(EINVAL, absl::StrCat("pidfd_open ", pid.value));
  }
  // pidfds are always close-on-exec.
  long fd = syscall(SYS_pidfd_open, pid.value, 0);
  int err = errno;
  if (fd < 0) return ErrnoError(err, absl::StrCat("pidfd_open ", pid.value));
  return Own(static_cast<int>(fd));
}

absl::Status LinuxHost::PidfdSendSignal(const Fd& pidfd, Signal sig) {
  long rc = syscall(SYS_pidfd_send_signal, pidfd.get(), static_cast<int>(sig),
                    nullptr, 0);
  int err = errno;
  if (rc != 0) return FdError(err, "pidfd_send_signal", pidfd.get());
  return absl::OkStatus();
}

Pid LinuxHost::GetPid() { return Pid{getpid()}; }

Pid LinuxHost::GetParentPid() { return Pid{getppid()}; }

absl::StatusOr<ProcessIdentity> LinuxHost::GetProcessIdentity(Pid pid) {
  std::string path = absl::StrCat("/proc/", pid.value, "/stat");
  if (pid.value <= 0) return PathError(ESRCH, "read", path);
  absl::StatusOr<std::string> content = linux_internal::ReadWholeFile(path);
  if (!content.ok()) {
    // The /proc entry vanishes with the process (a zombie keeps it).
    int err = ErrnoOf(content.status());
    if (err == ENOENT) return PathError(ESRCH, "read", path);
    return content.status();
  }
  absl::StatusOr<ProcStat> stat = ParseProcStat(*content);
  if (!stat.ok()) return Annotate(stat.status(), path);
  return ProcessIdentity{pid, stat->start_time};
}

absl::Status LinuxHost::SetChildSubreaper() {
  int rc = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int err = errno;
  if (rc != 0) return CallError(err, "prctl PR_SET_CHILD_SUBREAPER");
  return absl::OkStatus();
}

std::vector<std::string> LinuxHost::Environment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    out.emplace_back(*e);
  }
  return out;
}

absl::StatusOr<Fd> LinuxHost::OpenSelfExe() {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) return PathError(err, "open", "/proc/self/exe");
  return Own(fd);
}

absl::Status LinuxHost::SetParentDeathSignal(Signal sig) {
  int rc = prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(sig), 0, 0, 0);
  int err = errno;
  if (rc != 0) return CallError(err, "prctl PR_SET_PDEATHSIG");
  return absl::OkStatus();
}

absl::Status LinuxHost::SetDumpable(bool dumpable) {
  int rc = prctl(PR_SET_DUMPABLE, dumpable ? 1UL : 0UL, 0, 0, 0);
  int err = errno;
  if (rc != 0) return CallError(err, "prctl PR_SET_DUMPABLE");
  return absl::OkStatus();
}

Uid LinuxHost::GetUid() { return getuid(); }

Gid LinuxHost::GetGid() { return getgid(); }

absl::StatusOr<Fd> LinuxHost::OpenNamespace(Pid pid, Namespaces one_namespace) {
  const absl::string_view name = ProcNamespaceName(one_namespace);
  if (name.empty()) {
    return ErrnoError(EINVAL, absl::StrCat("open namespace of ", pid.value,
                                           ": not exactly one namespace"));
  }
  std::string path = absl::StrCat("/proc/", pid.value, "/ns/", name);
  // /proc/0 and negative pids do not exist: ENOENT, as for a reaped pid.
  if (pid.value <= 0) return PathError(ENOENT, "open", path);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  int err = errno;
  if (fd < 0) return PathError(err, "open", path);
  return Own(fd);
}

absl::Status LinuxHost::Unshare(Namespaces namespaces) {
  int rc = unshare(linux_internal::ToCloneFlags(namespaces));
  int err = errno;
  if (rc != 0) return CallError(err, "unshare");
  return absl::OkStatus();
}

absl::Status LinuxHost::Setns(const Fd& fd, Namespaces type) {
  int rc = setns(fd.get(), linux_internal::ToCloneFlags(type));
  int err = errno;
  if (rc != 0) return FdError(err, "setns", fd.get());
  return absl::OkStatus();
}

absl::Status LinuxHost::Sethostname(absl::string_view name) {
  int rc = sethostname(name.data(), name.size());
  int err = errno;
  if (rc != 0) return CallError(err, "sethostname");
  return absl::OkStatus();
}

absl::Status LinuxHost::Setdomainname(absl::string_view name) {
  int rc = setdomainname(name.data(), name.size());
  int err = errno;
  if (rc != 0) return CallError(err, "setdomainname");
  return absl::OkStatus();
}

absl::StatusOr<std::string> LinuxHost::GetHostname() {
  struct utsname names;
  if (uname(&names) != 0) {
    int err = errno;
    return CallError(err, "uname");
  }
  return std::string(names.nodename);
}

}  // namespace runbox
