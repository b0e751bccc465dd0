// Processes and signals: spawn (clone + exec with namespaces and an fd map),
// exec, wait, kill, pidfds, process identity and credentials, the subreaper,
// parent-death and dumpable bits, namespaces (open, unshare, setns), the
// hostname, signal masks and signalfd. One method per kernel call, except
// Spawn, which must be one call: between clone and exec nothing may allocate
// or be interleaved.
#ifndef RUNBOX_HOSTAPI_PROCESSES_H_
#define RUNBOX_HOSTAPI_PROCESSES_H_

#include <functional>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hostapi/bitmask.h"
#include "hostapi/fd.h"
#include "hostapi/types.h"

namespace runbox {

// Child fd `target` becomes a copy of `source` (dup2 semantics, no
// close-on-exec). Every other fd is closed in the child.
struct FdMapping {
  const Fd* source = nullptr;
  int target = 0;
};

// A namespace for the child to join: setns(fd, type) between clone and exec.
// `fd` is a namespace fd (Processes::OpenNamespace); `type` is the one
// namespace it must be, or kNone for any.
struct NamespaceJoin {
  Namespaces type = Namespaces::kNone;
  const Fd* fd = nullptr;
};

struct SpawnRequest {
  // The program: `exec_fd` when set (execveat(fd, "", AT_EMPTY_PATH), as for
  // the sealed runbox binary), otherwise `path` (absolute or relative to the
  // caller's cwd; no $PATH search).
  std::string path;
  const Fd* exec_fd = nullptr;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::vector<FdMapping> fds;
  // New namespaces for the child (clone flags).
  Namespaces new_namespaces = Namespaces::kNone;
  // Existing namespaces the child joins, in this order, after clone (so
  // after `new_namespaces` are made) and before anything else it does: the
  // exec `path` is resolved in a joined mount namespace (`exec_fd` is
  // unaffected). The caller orders them: on Linux a user namespace must
  // come first, since joining it is what grants the privileges over the
  // others. Joining a pid namespace here moves only the child's future
  // children into it (as setns(CLONE_NEWPID) does); to start the child
  // itself in a pid namespace, call Setns on that namespace before Spawn.
  // A failed join is reported like an exec failure (EINVAL for a fd that is
  // no namespace or of another type, EPERM), with no child left behind.
  std::vector<NamespaceJoin> join_namespaces;
  // Signal the child gets when the caller dies (PR_SET_PDEATHSIG).
  Signal parent_death_signal = Signal::kNone;
  // setsid(2) in the child.
  bool new_session = false;
  // Return a pidfd for the child (CLONE_PIDFD).
  bool want_pidfd = false;
  // Runs in the caller once the child exists (namespaces made and joined)
  // and before it execs, while the child waits: for what only a process
  // outside the child's new user namespace can do, such as writing its id
  // maps, which must be in place before exec or exec drops the child's
  // capabilities. It gets the child's pid and may make host calls. If it
  // fails, the child is killed and reaped and Spawn returns its error.
  std::function<absl::Status(Pid child)> before_exec;
  // Ids the child takes right before exec (setresgid, then setresuid, each
  // setting real, effective and saved), as ids of the child's user
  // namespace: root of a new user namespace, say, so that exec keeps the
  // capabilities the namespace gave it. Unset: the caller's. An id the
  // namespace does not map fails EINVAL (reported like an exec failure).
  std::optional<Uid> uid;
  std::optional<Gid> gid;
};

struct SpawnResult {
  Pid pid;
  Fd pidfd;  // Valid only when SpawnRequest::want_pidfd.
};

struct ExecRequest {
  std::string path;
  const Fd* exec_fd = nullptr;
  std::vector<std::string> argv;
  std::vector<std::string> env;
};

enum class WaitFlags : uint32_t {
  kNone = 0,
  kNoHang = 1 << 0,  // WNOHANG
};
RUNBOX_BITMASK_OPS(WaitFlags)

struct WaitResult {
  Pid pid;
  ExitStatus status;
};

enum class SignalDisposition { kDefault, kIgnore };

struct SignalInfo {
  Signal signal = Signal::kNone;
  Pid sender;        // ssi_pid; 0 when the kernel sent it.
  Uid sender_uid = 0;
  // For SIGCHLD: the child whose state changed (may coalesce several).
  Pid child;
};

class Processes {
 public:
  virtual ~Processes() = default;

  // clone(2) + execve(2). The child starts with default signal dispositions,
  // an empty signal mask and only the fds of `request.fds`. An exec failure
  // in the child is reported here with its errno (ENOENT, EACCES, ENOEXEC),
  // and no child is left behind.
  virtual absl::StatusOr<SpawnResult> Spawn(const SpawnRequest& request) = 0;

  // execve(2)/execveat(2). Restores default signal dispositions and an empty
  // mask first. Returns only on failure.
  virtual absl::Status Exec(const ExecRequest& request) = 0;

  // _exit(2).
  [[noreturn]] virtual void Exit(int code) = 0;

  // wait4(2) on `pid`, or on any child when pid is 0. With kNoHang, nullopt
  // when no child has changed state yet. ECHILD when there is no such child.
  virtual absl::StatusOr<std::optional<WaitResult>> Wait(Pid pid,
                                                         WaitFlags flags) = 0;

  // kill(2) of one process (pid > 0). ESRCH when it does not exist (a zombie
  // still exists). Signal kNone checks existence only.
  virtual absl::Status Kill(Pid pid, Signal sig) = 0;
  // pidfd_open(2) and pidfd_send_signal(2): signals that cannot hit a reused
  // pid. The pidfd polls readable (kIn) once the process has exited.
  virtual absl::StatusOr<Fd> PidfdOpen(Pid pid) = 0;
  virtual absl::Status PidfdSendSignal(const Fd& pidfd, Signal sig) = 0;

  virtual Pid GetPid() = 0;
  virtual Pid GetParentPid() = 0;
  // Pid plus start time from /proc/<pid>/stat; ESRCH when gone. Works for
  // any visible process, zombies included.
  virtual absl::StatusOr<ProcessIdentity> GetProcessIdentity(Pid pid) = 0;
  // prctl(PR_SET_CHILD_SUBREAPER): orphans below the caller reparent to it.
  virtual absl::Status SetChildSubreaper() = 0;
  // The caller's environment ("KEY=value"), as given at exec.
  virtual std::vector<std::string> Environment() = 0;
  // open("/proc/self/exe", O_RDONLY | O_CLOEXEC): the program the caller
  // runs, as executed (a memfd when it was started from one), so a copy of
  // its bytes in a sealed memfd runs the same program (SpawnRequest::exec_fd).
  virtual absl::StatusOr<Fd> OpenSelfExe() = 0;
  // prctl(PR_SET_PDEATHSIG): the signal the caller gets when its parent
  // dies; kNone clears it. (SpawnRequest::parent_death_signal sets it for a
  // child from its start.) EINVAL for a signal out of range.
  virtual absl::Status SetParentDeathSignal(Signal sig) = 0;
  // prctl(PR_SET_DUMPABLE): whether the caller may dump core and be
  // ptraced, and whether its /proc files belong to its own user rather than
  // root.
  virtual absl::Status SetDumpable(bool dumpable) = 0;
  // getuid(2) and getgid(2): the caller's real ids in its user namespace.
  virtual Uid GetUid() = 0;
  virtual Gid GetGid() = 0;

  // open("/proc/<pid>/ns/<name>", O_RDONLY | O_CLOEXEC), name one of user,
  // mnt, pid, net, ipc, uts, cgroup, time: an fd naming one namespace of
  // the process, for Setns and SpawnRequest::join_namespaces. For kPid it is
  // the pid namespace the process itself is in. Two fds name the same
  // namespace exactly when FStat gives both the same dev and ino. EINVAL
  // unless `one_namespace` is exactly one namespace. ENOENT when `pid` names
  // no process (reaped, or never was), and for an exited one (a zombie) for
  // every type but kUser and kPid, which Linux still finds through its
  // credentials and pid.
  virtual absl::StatusOr<Fd> OpenNamespace(Pid pid,
                                           Namespaces one_namespace) = 0;
  // unshare(2): new namespaces for the caller (for kPid, for its future
  // children only).
  virtual absl::Status Unshare(Namespaces namespaces) = 0;
  // setns(2) with a namespace fd (OpenNamespace): the caller joins that
  // namespace. Joining a mount namespace also moves the caller's root and
  // cwd to the namespace's root. Joining a pid namespace (which must be the
  // caller's own or one below it) changes only where the caller's future
  // children are made, not the caller's own pid. `type` is the namespace
  // the fd must be, or kNone for any. EINVAL when `fd` names no namespace,
  // `type` does not match, or (user) it is the caller's own user namespace.
  virtual absl::Status Setns(const Fd& fd, Namespaces type) = 0;
  // sethostname(2) and setdomainname(2) in the caller's UTS namespace;
  // EINVAL beyond 64 bytes.
  virtual absl::Status Sethostname(absl::string_view name) = 0;
  virtual absl::Status Setdomainname(absl::string_view name) = 0;
  // uname(2)'s nodename: the hostname of the caller's UTS namespace.
  virtual absl::StatusOr<std::string> GetHostname() = 0;

  // sigprocmask(SIG_BLOCK / SIG_UNBLOCK / SIG_SETMASK); returns the old mask.
  virtual absl::StatusOr<SignalSet> BlockSignals(const SignalSet& set) = 0;
  virtual absl::StatusOr<SignalSet> UnblockSignals(const SignalSet& set) = 0;
  virtual absl::StatusOr<SignalSet> SetSignalMask(const SignalSet& set) = 0;
  // signal(2) with SIG_DFL or SIG_IGN (runbox installs no handlers: it
  // blocks signals and reads them from a signalfd). SIGKILL and SIGSTOP
  // fail EINVAL.
  virtual absl::Status SetSignalDisposition(Signal sig,
                                            SignalDisposition disp) = 0;
  // signalfd(2) for `set` (which the caller should block). Polls readable
  // while one of them is pending.
  virtual absl::StatusOr<Fd> SignalFd(const SignalSet& set) = 0;
  // One read(2) of a signalfd: blocks until a signal of its set is pending.
  virtual absl::StatusOr<SignalInfo> ReadSignal(const Fd& signal_fd) = 0;
  // sigtimedwait(2): nullopt on timeout; nullopt timeout waits forever.
  virtual absl::StatusOr<std::optional<SignalInfo>> WaitSignal(
      const SignalSet& set, std::optional<absl::Duration> timeout) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_PROCESSES_H_
