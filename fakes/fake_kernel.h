// FakeKernel: the deterministic simulated kernel. It holds the world (file
// system, processes, pipes and sockets, locks, mounts, namespaces, cgroups,
// a virtual clock) and gives each simulated process its own FakeHost view.
//
// Simulated processes are fibers on the caller's thread. A seeded scheduler
// runs one at a time and may switch only inside a host call, so the same seed
// replays the same interleaving bit for bit. Time is virtual: when no process
// can run, the clock jumps to the next timer. See docs/architecture.md.
//
// A process that dies (exit, fatal signal, kill at call k) makes no further
// host calls: its fiber unwinds by a private exception type, caught at the
// fiber's entry, while every host call it makes meanwhile fails (EOWNERDEAD,
// which no caller retries) with no effect. Exec unwinds the old program the
// same way. So runtime code must never `catch (...)` (catching std::exception
// is fine). A process killed while inside a host call made from a destructor
// cannot unwind (destructors are noexcept): its fiber is abandoned, with a note
// on stderr, and the destructors of its outer frames never run (their memory
// stays allocated).
//
// Not modelled (calls fail kUnimplemented or the gap is documented where it
// lives): job control (stop signals act as ignored), process groups, file
// permission checks against credentials (ids, capabilities and user
// namespace maps are modelled: credentials_state.h), SIGWINCH on
// window-size changes, cgroup-namespace path rebasing, seccomp enforcement
// (filters are recorded), raw read(2) of a signalfd.
#ifndef RUNBOX_FAKES_FAKE_KERNEL_H_
#define RUNBOX_FAKES_FAKE_KERNEL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/cgroups/cgroup_layout.h"
#include "fakes/fs/file_system.h"
#include "hostapi/host.h"

namespace runbox::fake {

// What a fake executable runs: argv[0] is the program's path. The return
// value is the exit code (as if from main).
using Program =
    std::function<int(Host& host, const std::vector<std::string>& argv)>;

// CgroupLayout (which cgroup hierarchies CgroupMounts reports) lives in
// fakes/cgroups/cgroup_layout.h, so the cgroup model need not include this.

struct KernelOptions {
  uint64_t seed = 1;
  // Pids are handed out in order and wrap at pid_max, skipping live ones
  // (as Linux does), so a small value makes pid reuse happen in tests.
  int pid_max = 32768;
  absl::Time boot_time = absl::FromUnixSeconds(1767225600);  // 2026-01-01.
  CgroupLayout cgroup_layout = CgroupLayout::kUnified;
  // Upper bound on scheduling steps of one Run call; exceeding it returns
  // RunOutcome::kStepLimit (a livelock guard for tests).
  uint64_t max_steps = 50'000'000;
  // Stack of each simulated process (its fiber); raise it for programs
  // with deep recursion or big stack buffers.
  size_t stack_size = 512 * 1024;
};

struct StartRequest {
  std::string path;  // An executable in the fake file system.
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd = "/";
  // Fd 0 is a pipe holding these bytes whose write end is closed; fds 1 and
  // 2 are capture buffers (StdoutOf, StderrOf).
  std::string stdin_data;
};

enum class RunOutcome {
  kAllExited,  // No process is left but the kernel's init.
  kIdle,       // Processes remain, all blocked with no timer pending.
  kDone,       // RunUntil's predicate became true.
  kStepLimit,  // KernelOptions::max_steps reached.
};
std::string ToString(RunOutcome outcome);

// Wraps the host each simulated process gets (at creation and at exec),
// e.g. in a FaultyHost that shares one FaultPlan across processes.
using HostWrapper = std::function<std::unique_ptr<Host>(Host& inner)>;

struct ProcessInfo {
  Pid pid;     // In the root pid namespace.
  Pid parent;  // Likewise.
  std::vector<std::string> argv;
  bool zombie = false;
};

// A process's credentials as it sees them in its own user namespace (ids
// through its maps; 65534 for an unmapped one). FakeKernel::CredentialsOf.
struct ProcessCredentials {
  Uid uid = 0, euid = 0, suid = 0;
  Gid gid = 0, egid = 0, sgid = 0;
  std::vector<Gid> groups;  // Sorted.
  CapabilitySets caps;
  uint64_t bounding = 0;
  uint64_t ambient = 0;
  bool keep_caps = false;
  std::vector<ResourceLimit> rlimits;  // Indexed by RLIMIT_* (16).
  uint32_t personality = 0;
  int oom_score_adj = 0;
  // The session keyring the process joined or inherited; nullopt for none
  // (Linux would give it the user session keyring when it asks).
  struct SessionKeyring {
    KeySerial serial = 0;
    KeyDescription description;  // Owner ids as the process sees them.
  };
  std::optional<SessionKeyring> session_keyring;
};

// The maps of a process's user namespace as written ("" until written;
// the root namespace's are "0 0 4294967295\n").
struct IdMaps {
  std::string uid_map;
  std::string gid_map;
  bool setgroups_denied = false;
  bool root_namespace = false;
};

class FakeKernel {
 public:
  explicit FakeKernel(KernelOptions options = {});
  // Kills every remaining process and unwinds its fiber.
  ~FakeKernel();
  FakeKernel(const FakeKernel&) = delete;
  FakeKernel& operator=(const FakeKernel&) = delete;

  // A file whose content is ExecutableContent(name) runs the program
  // registered as `name` when executed.
  void RegisterProgram(absl::string_view name, Program program);
  static std::string ExecutableContent(absl::string_view program_name);
  // Writes such an executable at `path` (mode 0755, parent directories
  // created, everything durable).
  absl::Status InstallProgram(absl::string_view path,
                              absl::string_view program_name);

  // Starts a process from outside the simulation, as a child of the
  // kernel's own init (pid 1), which reaps it and every orphan that
  // reparents to it. It leads a new session and has the stdio described in
  // StartRequest. Nothing runs until Run.
  absl::StatusOr<Pid> Start(const StartRequest& request);
  // Registers `body` as a program of a fresh name, installs it under
  // /fake/bin and starts it.
  Pid StartFunction(std::function<int(Host&)> body,
                    absl::string_view name = "function");

  // Runs processes until none is left (kAllExited) or none can make
  // progress (kIdle). Reentrant calls from inside a process are a bug.
  RunOutcome Run();
  RunOutcome RunUntil(const std::function<bool()>& done);
  // The exit status of a process that has died, whoever reaps it (init
  // reaps orphans at once), by its root-namespace pid (the last process
  // with that pid, as pids are reused).
  std::optional<ExitStatus> ExitStatusOf(Pid pid) const;
  // What a process started with Start wrote to its fd 1 / fd 2 (and so did
  // every process that inherited them), by root-namespace pid.
  std::string StdoutOf(Pid pid) const;
  std::string StderrOf(Pid pid) const;

  // Crash of the whole machine: every process dies without another call,
  // every fd closes, mounts/namespaces/cgroups vanish, the file system
  // returns to its durable state. The machine then boots again: root mount
  // table with /sys and the cgroup hierarchies, empty cgroup tree.
  void PowerLoss();

  void SetHostWrapper(HostWrapper wrapper);

  FileSystem& fs();
  absl::Duration MonotonicNow() const;
  // Hash of every host call (pid, call) in order; equal hashes mean equal
  // interleavings.
  uint64_t TraceHash() const;
  uint64_t HostCallCount() const;

  // Introspection for tests and leak checks.
  // Live and zombie processes in root-pid order, without the kernel's init.
  std::vector<ProcessInfo> Processes() const;
  // The mount table of the process's mount namespace. At boot: "/", sysfs
  // on /sys and the cgroup hierarchies of KernelOptions::cgroup_layout
  // (whose directories exist in the file system).
  std::vector<MountInfo> MountsOf(Pid pid) const;
  // The hostname of the process's UTS namespace ("fake" at boot); empty
  // when there is no such process.
  std::string HostnameOf(Pid pid) const;
  // Credentials, a sysctl (as ReadSysctl gives it) and the user
  // namespace's maps of a process by root-namespace pid; nullopt when there
  // is no such process (or no such sysctl).
  std::optional<ProcessCredentials> CredentialsOf(Pid pid) const;
  std::optional<std::string> SysctlOf(Pid pid, absl::string_view key) const;
  std::optional<IdMaps> IdMapsOf(Pid pid) const;
  std::vector<std::string> CgroupPaths() const;  // Every cgroup that exists.
  // The v2 device program attached to the cgroup at absolute `path` (raw
  // instructions; empty when none), ENOENT for no such cgroup.
  absl::StatusOr<std::vector<uint8_t>> CgroupDeviceProgram(
      absl::string_view path) const;
  // The OOM killer acting in the cgroup at absolute `path`: counts the
  // event and SIGKILLs the subtree's highest pid (CgroupModel::
  // SimulateOomKill). Call between Run calls, not from a process.
  absl::Status SimulateOomKill(absl::string_view path);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FAKE_KERNEL_H_
