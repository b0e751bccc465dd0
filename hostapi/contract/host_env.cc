// The two contract environments: LinuxEnv runs a case in the test process
// (and puts back the per-process state a case may change: cwd, umask, signal
// mask and dispositions); FakeEnv runs it as a simulated process of a fresh
// FakeKernel with a fixed seed and fails the case on deadlock.
#include "hostapi/contract/host_env.h"

#include <cerrno>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fakes/fake_kernel.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_helper.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"

namespace runbox::contract {
namespace {

constexpr absl::string_view kHelperProgram = "contract_helper";
constexpr absl::string_view kFakeHelperPath = "/bin/contract_helper";
constexpr absl::string_view kFakeDir = "/tmp/contract";
constexpr uint64_t kFakeSeed = 1;

// Signals whose disposition a case may change in the test process.
constexpr Signal kResetSignals[] = {
    Signal::kHup,  Signal::kInt,  Signal::kQuit, Signal::kUsr1,  Signal::kUsr2,
    Signal::kPipe, Signal::kAlrm, Signal::kTerm, Signal::kChld,  Signal::kCont,
    Signal::kTstp, Signal::kTtin, Signal::kTtou, Signal::kWinch, Signal::kUrg,
};

std::optional<std::string> EnvValue(Host& host, absl::string_view key) {
  std::string prefix = absl::StrCat(key, "=");
  for (const std::string& entry : host.Environment()) {
    if (absl::StartsWith(entry, prefix)) return entry.substr(prefix.size());
  }
  return std::nullopt;
}

// Removes `name` under `dir` and everything below it; best effort, as the
// directory is scratch space.
void RemoveTree(Host& host, const Fd& dir, const std::string& name) {
  OpenHow how{.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow};
  absl::StatusOr<Fd> sub = host.OpenAt(dir, name, how);
  if (sub.ok()) {
    absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*sub);
    if (entries.ok()) {
      for (const DirEntry& entry : *entries) {
        if (entry.type == FileType::kDirectory) {
          RemoveTree(host, *sub, entry.name);
        } else {
          (void)host.UnlinkAt(*sub, entry.name);
        }
      }
    }
    (void)host.UnlinkAt(dir, name, UnlinkFlags::kRemoveDir);
    return;
  }
  (void)host.UnlinkAt(dir, name);
}

class LinuxEnv final : public HostEnv {
 public:
  std::string name() const override { return "Linux"; }

  std::string HelperPath() override {
    std::string srcdir = EnvValue(host_, "TEST_SRCDIR").value_or(".");
    std::string workspace =
        EnvValue(host_, "TEST_WORKSPACE").value_or("runbox");
    return absl::StrCat(srcdir, "/", workspace,
                        "/hostapi/contract/contract_helper");
  }

  void Run(ContractBody body) override {
    Host& host = host_;
    std::string base = EnvValue(host, "TEST_TMPDIR").value_or("/tmp");
    std::string name =
        absl::StrCat("contract-", absl::Hex(host.RandomUint64()));
    std::string dir = absl::StrCat(base, "/", name);
    absl::Status made = host.MkdirAt(Fd::Cwd(), dir, 0755);
    ASSERT_TRUE(made.ok()) << made;

    // Every case runs in this one process: remember what a case may
    // change, so the next case starts from the same state.
    absl::StatusOr<Fd> cwd = host.OpenAt(
        Fd::Cwd(), ".", {.flags = OpenFlags::kPath | OpenFlags::kDirectory});
    ASSERT_TRUE(cwd.ok()) << cwd.status();
    uint32_t umask = host.Umask(022);
    host.Umask(umask);
    absl::StatusOr<SignalSet> mask = host.BlockSignals(SignalSet());
    ASSERT_TRUE(mask.ok()) << mask.status();
    ReapZombies(host);

    body(host, dir);

    EXPECT_TRUE(host.Fchdir(*cwd).ok());
    host.Umask(umask);
    DrainPendingSignals(host);
    EXPECT_TRUE(host.SetSignalMask(*mask).ok());
    for (Signal sig : kResetSignals) {
      (void)host.SetSignalDisposition(sig, SignalDisposition::kDefault);
    }
    ReapZombies(host);
    absl::StatusOr<Fd> parent =
        host.OpenAt(Fd::Cwd(), base, {.flags = OpenFlags::kDirectory});
    if (parent.ok()) RemoveTree(host, *parent, name);
  }

 private:
  // A case that blocked a signal and left it pending would have it
  // delivered (often fatally) once the mask is put back: take it now.
  static void DrainPendingSignals(Host& host) {
    absl::StatusOr<SignalSet> blocked = host.BlockSignals(SignalSet());
    if (!blocked.ok() || blocked->Empty()) return;
    for (int i = 0; i < 128; ++i) {
      absl::StatusOr<std::optional<SignalInfo>> info =
          host.WaitSignal(*blocked, absl::ZeroDuration());
      if (!info.ok() || !info->has_value()) return;
    }
  }

  // Children that a failed case left behind and that have exited since.
  static void ReapZombies(Host& host) {
    for (int i = 0; i < 1024; ++i) {
      absl::StatusOr<std::optional<WaitResult>> r =
          host.Wait(Pid{0}, WaitFlags::kNoHang);
      if (!r.ok() || !r->has_value()) return;
    }
  }

  LinuxHost host_;
};

absl::Status MakeDirs(Host& host, absl::string_view path) {
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    absl::Status s = host.MkdirAt(Fd::Cwd(), prefix, 0755);
    if (!s.ok() && !IsErrno(s, EEXIST)) return s;
  }
  return absl::OkStatus();
}

class FakeEnv final : public HostEnv {
 public:
  std::string name() const override { return "Fake"; }

  std::string HelperPath() override { return std::string(kFakeHelperPath); }

  void Run(ContractBody body) override {
    fake::FakeKernel kernel(fake::KernelOptions{.seed = kFakeSeed});
    kernel.RegisterProgram(
        kHelperProgram, [](Host& host, const std::vector<std::string>& argv) {
          return ContractHelperMain(host, argv);
        });
    absl::Status installed =
        kernel.InstallProgram(kFakeHelperPath, kHelperProgram);
    ASSERT_TRUE(installed.ok()) << installed;

    std::string dir(kFakeDir);
    Pid pid = kernel.StartFunction(
        [&](Host& host) -> int {
          absl::Status made = MakeDirs(host, dir);
          if (!made.ok()) {
            ADD_FAILURE() << "fake: make " << dir << ": " << made;
            return 1;
          }
          body(host, dir);
          return 0;
        },
        "contract_case");
    fake::RunOutcome outcome =
        kernel.RunUntil([&] { return kernel.ExitStatusOf(pid).has_value(); });
    std::optional<ExitStatus> status = kernel.ExitStatusOf(pid);
    if (!status.has_value()) {
      std::vector<std::string> live;
      for (const fake::ProcessInfo& p : kernel.Processes()) {
        live.push_back(absl::StrCat(p.pid.value, " (parent ", p.parent.value,
                                    ") ", absl::StrJoin(p.argv, " "),
                                    p.zombie ? " <zombie>" : ""));
      }
      ADD_FAILURE() << "fake kernel (seed " << kFakeSeed << ") stopped with "
                    << fake::ToString(outcome)
                    << " before the case's process exited; every process "
                       "is blocked (deadlock). Processes:\n  "
                    << absl::StrJoin(live, "\n  ");
      return;
    }
    EXPECT_EQ(*status, ExitStatus::Exited(0))
        << "the case's simulated process ended with " << ToString(*status)
        << " (seed " << kFakeSeed << ")";
  }
};

}  // namespace

std::vector<std::string> HostEnvNames() { return {"Linux", "Fake"}; }

std::unique_ptr<HostEnv> MakeHostEnv(absl::string_view name) {
  if (name == "Linux") return std::make_unique<LinuxEnv>();
  if (name == "Fake") return std::make_unique<FakeEnv>();
  return nullptr;
}

}  // namespace runbox::contract
