// World: one simulated machine for chaos runs. A fresh FakeKernel with the
// runbox program at /bin/runbox, the busybox stand-in, and three bundles
// made durable (so they survive PowerLoss):
//
//   /bundles/sleep    a container that sleeps "forever"
//   /bundles/sandbox  a CRI pod sandbox (containerd's annotations)
//   /bundles/member   a CRI member of the sandbox with ID kPodSandboxId
//
// Every runbox command runs with `--root kStateRoot`. A World is cheap
// (a few hundred microseconds), so every chaos run gets a fresh one and the
// same seed replays the same run bit for bit.
#ifndef RUNBOX_CHAOS_WORLD_H_
#define RUNBOX_CHAOS_WORLD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fakes/fake_kernel.h"
#include "hostapi/host.h"

namespace runbox::chaos {

inline constexpr char kStateRoot[] = "/run/runbox";
inline constexpr char kSleepBundle[] = "/bundles/sleep";
inline constexpr char kSandboxBundle[] = "/bundles/sandbox";
inline constexpr char kMemberBundle[] = "/bundles/member";
inline constexpr char kPodSandboxId[] = "pod";

struct WorldOptions {
  uint64_t seed = 1;
  fake::CgroupLayout cgroup_layout = fake::CgroupLayout::kUnified;
};

// What one runbox command did.
struct CommandResult {
  // Unset when the command did not end (the kernel deadlocked, hit its step
  // limit, or lost power first).
  std::optional<ExitStatus> status;
  std::string out;
  std::string err;

  bool ok() const { return status == ExitStatus::Exited(0); }
  // "exit 1, stderr: ..." for reports.
  std::string Describe() const;
};

class World {
 public:
  explicit World(WorldOptions options = {});
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Empty unless setting the machine up failed (a broken build).
  const std::string& setup_error() const { return setup_error_; }
  fake::FakeKernel& kernel() { return *kernel_; }
  uint64_t seed() const { return options_.seed; }

  // `runbox --root kStateRoot ARGS...` as a process started from outside
  // the simulation; nothing runs until the kernel does.
  absl::StatusOr<Pid> StartRunbox(const std::vector<std::string>& args);
  // Runs the kernel until `pid` has exited or `stop` (if given) holds.
  CommandResult RunUntilExit(Pid pid,
                             const std::function<bool()>& stop = nullptr);
  // StartRunbox, then RunUntilExit.
  CommandResult Runbox(const std::vector<std::string>& args);

  // The fake has no mount redirection (fakes/fs/file_system.h), so what
  // init makes in a container's /dev tmpfs (device nodes, or the regular
  // files it bind-mounts devices on) lands in the bundle's rootfs/dev. This
  // empties each bundle's rootfs/dev, as the tmpfs going away does on
  // Linux; call it once no container is left.
  void UnmountContainerDevs();

  // Virtual time only moves when every process waits, and then jumps
  // straight to the next timer: the containers' sleeps (100000 s) would
  // end, and a hung command would seem to end with them. A watchdog
  // process whose timers fire every `span`, `times` times, makes the clock
  // stop there, so RunUntil can tell a hang by the clock. Start it before
  // taking a baseline of the machine's resources: it is one of them.
  void StartWatchdog(absl::Duration span, int times);

  // Runs `body` as a simulated process to its end; false when it did not
  // end or exited non-zero.
  bool InKernel(const std::function<int(Host&)>& body);

 private:
  WorldOptions options_;
  std::unique_ptr<fake::FakeKernel> kernel_;
  std::string setup_error_;
};

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_WORLD_H_
