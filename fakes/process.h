// A simulated process and the per-process kernel state: pids in nested pid
// namespaces, the fd table, signal state, namespaces, prctl bits, lifecycle
// flags, and the scheduling state of its fiber. Behaviour (death, signals,
// waits) lives in FakeKernel::Impl; this file only holds the data and small
// helpers.
#ifndef RUNBOX_FAKES_PROCESS_H_
#define RUNBOX_FAKES_PROCESS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fakes/credentials_state.h"
#include "fakes/fake_kernel.h"
#include "fakes/fiber.h"
#include "fakes/fs/file_system.h"
#include "fakes/mounts/mount_table.h"
#include "fakes/open_file.h"
#include "hostapi/host.h"

namespace runbox::fake {

struct Process;
class FakeHost;

// A pid namespace. The root one has no parent; its init (pid 1) is the
// kernel's own process. Others get their init from the spawn that creates
// them (or the first spawn after `unshare`(CLONE_NEWPID)).
struct PidNamespace {
  uint64_t id = 0;
  std::shared_ptr<PidNamespace> parent;
  int level = 0;                      // 0 for the root namespace.
  std::map<int, Process*> processes;  // By pid in this namespace.
  int last_pid = 0;
  Process* init = nullptr;
  bool init_died = false;  // Further forks fail ENOMEM, as on Linux.

  bool IsAncestorOf(const PidNamespace* other) const {
    for (const PidNamespace* ns = other ? other->parent.get() : nullptr;
         ns != nullptr; ns = ns->parent.get()) {
      if (ns == this) return true;
    }
    return false;
  }
};

struct UtsNamespace {
  uint64_t id = 0;
  std::string hostname = "fake";
  std::string domainname = "(none)";  // Linux's default.
};

struct MountNamespace {
  uint64_t id = 0;
  MountTable table;
  // The root of the namespace's root mount: where `setns`(2) puts the root
  // and cwd of a process that joins. Moves with pivot_root.
  InodeRef root;
};

// Namespaces by type, indexed like the bits of `Namespaces`.
constexpr int kNamespaceTypes = 8;
int NamespaceIndex(Namespaces one_namespace);

class FdTable {
 public:
  struct Entry {
    std::shared_ptr<OpenFile> file;
    bool cloexec = true;
  };
  static constexpr int kMaxFds = 4096;  // RLIMIT_NOFILE.

  // The lowest free number, or -1 when the table is full (EMFILE).
  int Install(std::shared_ptr<OpenFile> file, bool cloexec);
  void InstallAt(int fd, std::shared_ptr<OpenFile> file, bool cloexec);
  // nullptr when `fd` is not open.
  const std::shared_ptr<OpenFile>* Get(int fd) const;
  // Removes `fd` and returns its description (nullptr if not open), so the
  // caller drops the reference outside of any iteration.
  std::shared_ptr<OpenFile> Remove(int fd);
  // exec(2): drops close-on-exec entries.
  void CloseOnExec();
  // Every entry, emptied (death): the returned vector holds the references.
  std::vector<std::shared_ptr<OpenFile>> TakeAll();
  std::vector<int> OpenFds() const;

 private:
  std::vector<Entry> entries_;
};

// Signal state, shared with the process's signalfds (which may outlive it).
struct SignalState {
  SignalSet blocked;
  SignalSet ignored;  // Dispositions set to SIG_IGN.
  // Pending signals in arrival order: one instance per standard signal,
  // every instance of a real-time one.
  std::vector<SignalInfo> pending;

  SignalSet PendingSet() const;
  bool AnyPendingIn(const SignalSet& set) const;
  // Removes and returns the lowest-numbered pending signal of `set`.
  std::optional<SignalInfo> Dequeue(const SignalSet& set);
  void Discard(Signal sig);
};

// Outlives the Process: FakeHost objects and pidfds hold it, so a stale view
// of a reaped process fails cleanly instead of touching freed memory.
struct ProcessHandle {
  Process* process = nullptr;  // nullptr once the Process is destroyed.
  bool exited = false;
};

// What a process runs: a registered program and its arguments.
struct Image {
  Program program;
  std::vector<std::string> argv;
};

enum class RunState {
  kNew,      // Created, its fiber has not run yet.
  kReady,    // Stopped at a scheduling point, may run.
  kRunning,  // The one process on the CPU.
  kParked,   // Blocked until `wake` is true or `deadline` passes.
};

struct Process {
  uint64_t serial = 0;  // Creation order, never reused.
  // Pids from the root namespace (index 0) down to the process's own.
  struct NsPid {
    std::shared_ptr<PidNamespace> ns;
    int pid = 0;
  };
  std::vector<NsPid> pids;
  int root_pid() const { return pids.front().pid; }
  PidNamespace& active_ns() const { return *pids.back().ns; }
  // Its pid as seen from `ns` (0 when not visible there).
  int PidIn(const PidNamespace& ns) const {
    for (const NsPid& p : pids) {
      if (p.ns.get() == &ns) return p.pid;
    }
    return 0;
  }
  bool IsNamespaceInit() const { return active_ns().init == this; }

  Process* parent = nullptr;
  std::vector<Process*> children;  // In creation order (live and zombie).

  FdTable fds;
  PathContext path;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::shared_ptr<SignalState> signals = std::make_shared<SignalState>();

  // Namespaces: ids by type, plus the objects that hold state.
  std::array<uint64_t, kNamespaceTypes> ns_ids{};
  std::shared_ptr<PidNamespace> pid_ns_for_children;
  std::shared_ptr<MountNamespace> mount_ns;
  std::shared_ptr<UtsNamespace> uts_ns;
  // Credentials and the namespaces that hold credential state
  // (credentials_state.h); copied at fork.
  KernelCredentials creds;
  std::shared_ptr<UserNamespace> user_ns;
  std::shared_ptr<SysctlTable> net_sysctls;
  std::shared_ptr<SysctlTable> ipc_sysctls;

  uint64_t start_time = 0;
  int session = 0;  // Root-namespace pid of the session leader.
  bool subreaper = false;
  bool dumpable = true;  // PR_SET_DUMPABLE.
  bool no_new_privs = false;
  int seccomp_filters = 0;
  Signal parent_death_signal = Signal::kNone;
  std::shared_ptr<OpenFile> controlling_tty;  // TIOCSCTTY.

  // Lifecycle. `dead`: exited or killed; resources are released at once.
  // `zombie`: dead and not yet reaped. `reaped`: gone from every pid table.
  bool dead = false;
  bool zombie = false;
  bool reaped = false;
  std::optional<ExitStatus> exit_status;
  std::shared_ptr<ProcessHandle> handle = std::make_shared<ProcessHandle>();

  // Execution.
  RunState state = RunState::kNew;
  // Spawned but held before its exec while the parent runs
  // SpawnRequest::before_exec: not runnable.
  bool held_before_exec = false;
  std::function<bool()> wake;  // For kParked; empty means "only the deadline".
  std::optional<absl::Duration> deadline;
  std::unique_ptr<Fiber> fiber;
  bool fiber_done = false;
  Image image;  // The program to run next (at start and after exec).
  // The executable file the running program was exec'd from (a path's
  // inode or an exec_fd's memfd): /proc/self/exe. nullptr for init.
  InodeRef exe;
  bool exec_pending = false;
  // Bumped at exec: FakeHost views of the previous program go stale.
  uint64_t generation = 0;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_PROCESS_H_
