// The resident sandbox supervisor (`runbox supervise`), runsc's "sandbox"
// process: parent of the container's init, it answers the control socket,
// reaps children, forwards signals, records init's exit status durably and
// then exits with that status (re-raising a fatal signal), so conmon and the
// containerd shim, which wait on it, see what the container did.
#ifndef RUNBOX_RUNTIME_SANDBOX_SUPERVISOR_H_
#define RUNBOX_RUNTIME_SANDBOX_SUPERVISOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hostapi/host.h"
#include "runtime/sandbox/boot.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/sandbox/control/connection.h"
#include "runtime/spec/config.h"

namespace runbox {

// The signals the supervisor forwards to init (the ones an engine or a
// terminal sends to the pid it knows, which is the supervisor's).
SignalSet ForwardedSignals();

class Supervisor {
 public:
  Supervisor(Host& host, SuperviseArgs args);

  // Boots init and reports to `runbox create`; then serves until init has
  // exited and its status is recorded. Returns init's status.
  absl::StatusOr<ExitStatus> Run();

 private:
  // Create-time steps, in order (runtime.md lifecycle steps 2-5).
  absl::Status Boot();
  absl::Status ApplyCgroupResources();
  absl::Status SpawnInit();
  absl::Status WriteIdMaps(Pid child);
  absl::Status RunCreateHooks();
  absl::Status ReportReady();
  // Swaps our stdio (`runbox create`'s) for pipes with no other end.
  absl::Status DropCallerStdio();

  // The serving loop and what it dispatches to.
  absl::Status Serve();
  void OnSignals();
  void OnInitExit(ExitStatus status);
  // A pod sandbox's init has exited: its members go down with it.
  void StopPodMembers();
  // nullopt: the reply waits for init's exit.
  std::optional<control::Response> Handle(
      const control::IncomingRequest& request);
  control::Response HandleStart();
  control::Response HandleSignal(const control::Request& request);
  control::Response HandleFreeze(bool freeze);
  control::Response HandlePs();

  std::string StateJson(absl::string_view status) const;
  std::string ContainerDir() const;

  Host& host_;
  SuperviseArgs args_;
  spec::Config config_;
  Fd report_;  // To `runbox create`, until it has committed.
  Fd exe_;     // Sealed runbox binary, for spawning init.
  Fd config_fd_;
  Fd lock_;  // Our share of the container lock, until create commits.
  std::vector<Fd> preserved_;
  Fd console_;   // --console-socket connection, until init has it.
  Fd signals_;   // signalfd
  Fd listener_;  // ctl.sock
  Fd init_sync_;
  Pid init_;
  std::optional<cgroups::CgroupManager> cgroups_;
  bool started_ = false;
  bool paused_ = false;  // The cgroup is frozen (pause, until resume).
  std::optional<ExitStatus> init_status_;
  struct Client {
    control::ControlConnection connection;
    bool waits_for_exit = false;  // A `wait` request, answered at exit.
  };
  std::vector<Client> clients_;
};

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_SUPERVISOR_H_
