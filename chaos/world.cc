// World; see world.h.
#include "chaos/world.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hostapi/status.h"
#include "runtime/cli/fake_runbox.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox::chaos {
namespace {

constexpr char kBusyboxPath[] = "/bin/busybox";
// containerd's CRI annotations (docs/pods.md).
constexpr char kTypeKey[] = "io.kubernetes.cri.container-type";
constexpr char kSandboxKey[] = "io.kubernetes.cri.sandbox-id";

// A bundle that sleeps, as runc's default config (its own pid, network,
// ipc, uts and mount namespaces) with `annotations`.
absl::Status MakeBundle(Host& host, const std::string& bundle,
                        std::map<std::string, std::string> annotations) {
  RETURN_IF_ERROR(
      MakeBusyboxRootfs(host, kBusyboxPath, absl::StrCat(bundle, "/rootfs")));
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = {"/bin/sleep", "100000"};
  config.annotations = std::move(annotations);
  return WriteFile(host, absl::StrCat(bundle, "/config.json"),
                   spec::SerializeConfig(config));
}

}  // namespace

std::string CommandResult::Describe() const {
  return absl::StrCat(status ? ToString(*status) : "did not end",
                      out.empty() ? "" : absl::StrCat(", stdout: ", out),
                      err.empty() ? "" : absl::StrCat(", stderr: ", err));
}

World::World(WorldOptions options) : options_(options) {
  fake::KernelOptions kernel_options;
  kernel_options.seed = options.seed;
  kernel_options.cgroup_layout = options.cgroup_layout;
  // Runaway runs (a livelock a fault provoked) end as violations, fast.
  kernel_options.max_steps = 2'000'000;
  kernel_ = std::make_unique<fake::FakeKernel>(kernel_options);
  kernel_->RegisterProgram(cli::kFakeRunboxProgram, cli::RunboxProgram());
  kernel_->RegisterProgram(kFakeBusyboxProgram, FakeBusybox());
  absl::Status installed =
      kernel_->InstallProgram("/bin/runbox", cli::kFakeRunboxProgram);
  if (installed.ok()) {
    installed = kernel_->InstallProgram(kBusyboxPath, kFakeBusyboxProgram);
  }
  const bool made =
      installed.ok() && InKernel([](Host& host) {
        absl::Status s = MakeBundle(host, kSleepBundle, {});
        if (s.ok()) {
          s = MakeBundle(host, kSandboxBundle, {{kTypeKey, "sandbox"}});
        }
        if (s.ok()) {
          s = MakeBundle(
              host, kMemberBundle,
              {{kTypeKey, "container"}, {kSandboxKey, kPodSandboxId}});
        }
        return s.ok() ? 0 : 1;
      });
  if (!installed.ok()) {
    setup_error_ = installed.ToString();
  } else if (!made) {
    setup_error_ = "making the bundles failed";
  }
  // The machine as set up survives every power loss.
  kernel_->fs().SyncAll();
}

absl::StatusOr<Pid> World::StartRunbox(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"runbox", "--root", kStateRoot};
  argv.insert(argv.end(), args.begin(), args.end());
  return kernel_->Start({.path = "/bin/runbox", .argv = std::move(argv)});
}

CommandResult World::RunUntilExit(Pid pid, const std::function<bool()>& stop) {
  const fake::RunOutcome outcome = kernel_->RunUntil([&] {
    return kernel_->ExitStatusOf(pid).has_value() || (stop && stop());
  });
  CommandResult result{kernel_->ExitStatusOf(pid), kernel_->StdoutOf(pid),
                       kernel_->StderrOf(pid)};
  if (!result.status && outcome != fake::RunOutcome::kDone) {
    // Stuck: what every process was doing is the first thing to know.
    absl::StrAppend(&result.err, "\n[kernel ", fake::ToString(outcome),
                    "; processes:");
    for (const fake::ProcessInfo& p : kernel_->Processes()) {
      absl::StrAppend(&result.err, "\n  ", p.pid.value, " (parent ",
                      p.parent.value, ") ", absl::StrJoin(p.argv, " "),
                      p.zombie ? " <zombie>" : "");
    }
    absl::StrAppend(&result.err, "]");
  }
  return result;
}

CommandResult World::Runbox(const std::vector<std::string>& args) {
  absl::StatusOr<Pid> pid = StartRunbox(args);
  if (!pid.ok()) return {std::nullopt, "", pid.status().ToString()};
  return RunUntilExit(*pid);
}

void World::UnmountContainerDevs() {
  InKernel([](Host& host) {
    for (const char* bundle : {kSleepBundle, kSandboxBundle, kMemberBundle}) {
      const std::string dev = absl::StrCat(bundle, "/rootfs/dev");
      absl::StatusOr<Fd> dir =
          host.OpenAt(Fd::Cwd(), dev, {.flags = OpenFlags::kDirectory});
      if (!dir.ok()) continue;
      absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*dir);
      if (!entries.ok()) continue;
      for (const DirEntry& e : *entries) {
        RemoveTree(host, *dir, e.name);
      }
    }
    return 0;
  });
}

void World::StartWatchdog(absl::Duration span, int times) {
  kernel_->StartFunction(
      [span, times](Host& host) {
        for (int i = 0; i < times; ++i) (void)host.SleepFor(span);
        return 0;
      },
      "watchdog");
}

bool World::InKernel(const std::function<int(Host&)>& body) {
  Pid pid = kernel_->StartFunction([&](Host& host) { return body(host); });
  kernel_->RunUntil([&] { return kernel_->ExitStatusOf(pid).has_value(); });
  return kernel_->ExitStatusOf(pid) == ExitStatus::Exited(0);
}

}  // namespace runbox::chaos
