// FakeKernel: the deterministic simulated kernel. It holds the world (file
// system, processes, pipes and sockets, locks, mounts, namespaces, cgroups,
// a virtual clock) and gives each simulated process its own FakeHost view.
//
// Simulated processes are fibers on the caller's thread. A seeded scheduler
// runs one at a time and may switch only inside a host call, so the same seed
// replays the same interleaving bit for bit. Time is virtual: when no process
// can run, the clock jumps to the next timer. See docs/architecture.md.
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
#include "fakes/fs/file_system.h"
#include "hostapi/host.h"

namespace runbox::fake {

// What a fake executable runs: argv[0] is the program's path. The return
// value is the exit code (as if from main).
using Program =
    std::function<int(Host& host, const std::vector<std::string>& argv)>;

// Which cgroup hierarchies CgroupMounts reports.
enum class CgroupLayout {
  kUnified,  // cgroup v2 at /sys/fs/cgroup with all controllers.
  kHybrid,   // v1 controllers under /sys/fs/cgroup/<ctl>, v2 at .../unified.
  kLegacy,   // v1 only.
};

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
};

struct StartRequest {
  std::string path;  // An executable in the fake file system.
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd = "/";
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
  // reparents to it. Nothing runs until Run.
  absl::StatusOr<Pid> Start(const StartRequest& request);
  // Registers `body` as a program of a fresh name, installs it under
  // /fake/bin and starts it.
  Pid StartFunction(std::function<int(Host&)> body,
                    absl::string_view name = "function");

  // Runs processes until none is left (kAllExited) or none can make
  // progress (kIdle). Reentrant calls from inside a process are a bug.
  RunOutcome Run();
  RunOutcome RunUntil(const std::function<bool()>& done);
  // The exit status of a process that init reaped, by its root-namespace
  // pid (the last process with that pid, as pids are reused).
  std::optional<ExitStatus> ExitStatusOf(Pid pid) const;

  // Crash of the whole machine: every process dies without another call,
  // every fd closes, mounts/namespaces/cgroups vanish, the file system
  // returns to its durable state.
  void PowerLoss();

  void SetHostWrapper(HostWrapper wrapper);

  FileSystem& fs();
  absl::Duration MonotonicNow() const;
  // Hash of every host call (pid, call) in order; equal hashes mean equal
  // interleavings.
  uint64_t TraceHash() const;
  uint64_t HostCallCount() const;

  // Introspection for tests and leak checks.
  std::vector<ProcessInfo> Processes() const;  // Live and zombie.
  std::vector<MountInfo> MountsOf(Pid pid) const;
  std::vector<std::string> CgroupPaths() const;  // Every cgroup that exists.

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FAKE_KERNEL_H_
