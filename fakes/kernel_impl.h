// FakeKernel::Impl: the state of the simulated world and the kernel-side
// operations FakeHost calls into (scheduling, process creation and death,
// signals). Private to fakes/: runtime code sees only Host.
//
// Scheduling: every host call enters Step(), which hashes (pid, call) into
// the trace and picks uniformly among runnable processes (the caller too).
// Fibers switch directly to one another; the Run loop on the caller's stack
// only starts the first one, unwinds killed ones, frees finished stacks and
// decides when Run returns.
#ifndef RUNBOX_FAKES_KERNEL_IMPL_H_
#define RUNBOX_FAKES_KERNEL_IMPL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/cgroups/cgroup_model.h"
#include "fakes/fake_kernel.h"
#include "fakes/fiber.h"
#include "fakes/fs/file_system.h"
#include "fakes/process.h"
#include "fakes/seeded_random.h"

namespace runbox::fake {

class FakeHost;
class NamespaceFile;
class UnixSocket;

// Thrown inside a dying process's fiber and caught at its entry point. Not
// derived from std::exception, so `catch (const std::exception&)` in
// runtime code lets it through; runtime code must never `catch (...)`.
struct ProcessUnwind {};
// Thrown by a successful exec; the fiber entry then runs the new image.
struct ExecUnwind {};

[[noreturn]] void KernelBug(absl::string_view message);

struct FakeKernel::Impl {
  explicit Impl(KernelOptions opts);
  ~Impl();

  // --- Scheduling (scheduler.cc) -----------------------------------------
  // A scheduling point at the start of host call `call` of `self` (the
  // running process). Returns false when `self` is dead on return and could
  // not unwind (a host call from a destructor during unwinding); otherwise
  // a dead process throws ProcessUnwind.
  bool Step(Process& self, absl::string_view call);
  // Blocks `self` until `wake` returns true or `deadline` (virtual
  // monotonic time) passes. Returns true when woken by `wake`. Throws (or
  // returns false, see Step) if the process is killed meanwhile; callers
  // check `self.dead` after a false return.
  bool Park(Process& self, std::function<bool()> wake,
            std::optional<absl::Duration> deadline);
  // Throws ProcessUnwind when `self` is dead and throwing is safe.
  static void UnwindIfDead(Process& self);
  // From std::terminate on the fiber of a dead process that could not
  // unwind (see scheduler.cc): leaves the fiber for good.
  [[noreturn]] void AbandonCurrentFiber();
  RunOutcome RunLoop(const std::function<bool()>* done);

  // --- Processes (kernel_processes.cc) ------------------------------------
  struct NewProcess {
    Process* parent = nullptr;
    Image image;
    InodeRef exe;  // The executable file behind `image`.
    std::vector<std::string> env;
    PathContext path;
    std::vector<std::pair<int, std::shared_ptr<OpenFile>>> fds;
    Namespaces new_namespaces = Namespaces::kNone;
    Signal parent_death_signal = Signal::kNone;
    bool new_session = false;
  };
  absl::StatusOr<Process*> CreateProcess(NewProcess request);
  // Finds the program an executable names: `exec_file` if set, else `path`
  // resolved in `ctx`. ENOENT, EACCES (directory, not executable), ENOEXEC.
  // Sets `*exe` (if given) to the executable's inode.
  absl::StatusOr<Program> ResolveProgram(const PathContext& ctx,
                                         absl::string_view path,
                                         OpenFile* exec_file,
                                         InodeRef* exe = nullptr);
  // Death, whatever the cause; see DESIGN.md "Crash model". Idempotent.
  void Die(Process& p, ExitStatus status);
  void Reap(Process& p);
  // The process `pid` names in the namespace `viewer` sees (zombies too).
  Process* FindPid(const Process& viewer, Pid pid) const;
  Pid PidAs(const Process& viewer, const Process& p) const;
  void ApplyNewNamespaces(Process& p, Namespaces flags, bool for_unshare);
  // The namespace `file` names when it is a namespace fd of type `type`
  // (kNone: any type); nullptr otherwise (setns fails EINVAL).
  static const NamespaceFile* AsNamespace(const OpenFile& file,
                                          Namespaces type);
  // `setns`(2) of `p` into `ns`. EINVAL for a pid namespace that is neither
  // p's own nor below it, or for p's own user namespace.
  absl::Status JoinNamespace(Process& p, const NamespaceFile& ns);
  uint64_t NewNamespaceId() { return next_namespace_id++; }
  void KillAllProcesses();

  // --- Signals (kernel_signals.cc) ----------------------------------------
  // Generates `sig` for `target` from `sender` (nullptr: the kernel).
  void SendSignal(Process& target, Signal sig, const Process* sender,
                  const Process* child = nullptr);
  // After a mask change: acts on pending signals no longer blocked.
  void DeliverUnblocked(Process& p);

  KernelOptions options;
  SeededRandom rng;
  absl::Duration now = absl::ZeroDuration();
  FileSystem fs;
  uint64_t trace = 14695981039346656037ULL;  // FNV-1a offset basis.
  uint64_t calls = 0;
  uint64_t run_steps = 0;

  std::unique_ptr<CgroupModel> cgroups;
  // Set once any cgroup was frozen: until then the scheduler skips the
  // per-process IsFrozen lookups.
  bool freezer_used = false;
  // A fresh cgroup model, and a root mount table with sysfs and the cgroup
  // hierarchies mounted on directories that exist (durably) in the file
  // system. At boot and after a power loss.
  void SetUpMachine();
  // mkdir -p with every new directory made durable in its parent.
  absl::Status MakeDirsDurable(absl::string_view path);
  uint64_t next_pipe_ino = 1;  // pipefs inode numbers.
  // Keyrings by serial (fake_host_credentials.cc), and the per-uid user
  // session keyrings ("_uid_ses.<uid>") Linux installs as the session
  // keyring of a process that asks for one it does not have.
  std::map<KeySerial, std::weak_ptr<FakeKeyring>> keyrings;
  std::map<uint32_t, std::shared_ptr<FakeKeyring>> user_session_keyrings;
  KeySerial next_key_serial = 0x10000000;
  int next_pty_index = 0;  // /dev/pts/N.
  // Sockets that bind(2) named (listen needs a name). Keyed by address for
  // lookup only, never iterated; the weak_ptr tells a reused address apart.
  std::map<const OpenFile*, std::weak_ptr<OpenFile>> bound_sockets;
  // Loopback TCP of one network namespace: whether lo is up (the root
  // namespace's is; a new one's is down until SIOCSIFFLAGS, and connects
  // fail ENETUNREACH meanwhile), and the inet
  // sockets bound to each port (several may share a port, SO_REUSEADDR, as
  // long as at most one of them listens). Expired entries are dropped
  // lazily.
  struct NetNamespaceState {
    bool loopback_up = false;
    std::map<uint16_t, std::vector<std::weak_ptr<UnixSocket>>> ports;
  };
  // By network namespace id (ids are never reused).
  std::map<uint64_t, NetNamespaceState> net_namespaces;

  std::map<std::string, Program, std::less<>> programs;
  int function_serial = 0;
  HostWrapper host_wrapper;

  // Every Process object, by serial (creation order). An object outlives
  // its pids until its fiber has unwound.
  std::map<uint64_t, std::unique_ptr<Process>> processes;
  uint64_t next_serial = 1;
  // Live processes that have fibers, ordered by root pid.
  std::vector<Process*> schedulable;
  Process* init = nullptr;  // Root pid namespace's pid 1; never scheduled.
  std::shared_ptr<PidNamespace> root_pid_ns;
  uint64_t next_namespace_id = 4026531835ULL;  // Like Linux nsfs inodes.
  std::array<uint64_t, kNamespaceTypes> root_ns_ids{};
  uint64_t last_start_time = 0;
  std::map<int, ExitStatus> exit_statuses;  // By root pid.
  struct Stdio {
    std::shared_ptr<std::string> out;
    std::shared_ptr<std::string> err;
  };
  std::map<int, Stdio> stdio;  // Of processes started from outside.
  // Host views of finished programs, kept so a stray Fd that outlives its
  // program still closes through a valid (inert) owner.
  std::vector<std::unique_ptr<Host>> retired_wrappers;
  std::vector<std::unique_ptr<FakeHost>> retired_hosts;

  Fiber main_fiber;
  Process* current = nullptr;
  bool in_run = false;
  const std::function<bool()>* done = nullptr;
  std::vector<Process*> unwind_queue;  // Killed while not running.
  std::vector<Process*> finished;      // Fibers that ended; freed by Run.
  std::vector<Process*> reaped_list;   // Reaped, deleted once unwound.
  std::vector<Process*> runnable_scratch;

 private:
  friend class FakeKernel;
  void Reschedule(Process& self);
  Process* PickNext();
  bool IsRunnable(Process& p) const;
  void SwitchFrom(Process& self, Process* next);
  void Resume(Process& p);
  [[noreturn]] void FiberMain(Process* p);
  void DrainUnwinds();
  void CollectFinished();
  void RemoveSchedulable(Process& p);
  void AddSchedulable(Process& p);
  Process* FindReaper(Process& dying);
  void NotifyParentOfDeath(Process& child);
  absl::StatusOr<std::vector<int>> AllocatePids(
      const std::vector<std::shared_ptr<PidNamespace>>& chain);
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_KERNEL_IMPL_H_
