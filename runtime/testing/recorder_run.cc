#include "runtime/testing/recorder_run.h"

#include <memory>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {

void RecorderRun::RegisterHookRecorder() {
  env_.RegisterProgram(
      std::string(kHookRecorderProgram),
      FakeHookRecorder(
          {.argv_of = [this](Host&, Pid pid) { return FakeArgvOf(pid); }}),
      RunfilePath("runtime/testing/hook_recorder"));
}

void RecorderRun::Run(DualHostBody body, absl::string_view fake_dir) {
  if (env_.name() != "Fake") {
    if (LinuxHost().GetUid() != 0) GTEST_SKIP() << "needs root on Linux";
    env_.Run(std::move(body));
    return;
  }
  std::unique_ptr<fake::FakeKernel> kernel = env_.NewFakeKernel();
  kernel_ = kernel.get();
  const std::string dir(fake_dir);
  Pid pid = kernel->StartFunction(
      [&](Host& host) -> int {
        absl::Status made = MakeDirs(host, Fd::Cwd(), dir, 0755);
        if (!made.ok()) {
          ADD_FAILURE() << "fake: make " << dir << ": " << made;
          return 1;
        }
        body(host, dir);
        return 0;
      },
      "recorder_run_body");
  std::optional<ExitStatus> status =
      RunFakeUntilExit(*kernel, pid, env_.seed());
  if (status.has_value()) {
    EXPECT_EQ(*status, ExitStatus::Exited(0))
        << "the body's simulated process ended with " << ToString(*status)
        << "; " << env_.ReplayHint(env_.seed());
  }
  kernel.reset();
  kernel_ = nullptr;
}

std::vector<std::string> RecorderRun::FakeArgvOf(Pid pid) const {
  if (kernel_ == nullptr) return {};
  for (const fake::ProcessInfo& p : kernel_->Processes()) {
    if (p.pid == pid && !p.zombie) return p.argv;
  }
  return {};
}

std::vector<std::pair<Pid, std::string>> RecorderRun::ProcessesMentioning(
    Host& host, absl::string_view needle) const {
  std::vector<std::pair<Pid, std::string>> found;
  auto consider = [&](Pid pid, const std::vector<std::string>& argv) {
    std::string line = absl::StrJoin(argv, " ");
    if (absl::StrContains(line, needle)) {
      found.push_back({pid, absl::StrCat(pid.value, ": ", line)});
    }
  };
  if (kernel_ != nullptr) {
    for (const fake::ProcessInfo& p : kernel_->Processes()) {
      if (!p.zombie) consider(p.pid, p.argv);
    }
    return found;
  }
  absl::StatusOr<Fd> proc =
      host.OpenAt(Fd::Cwd(), "/proc", {.flags = OpenFlags::kDirectory});
  EXPECT_TRUE(proc.ok()) << proc.status();
  if (!proc.ok()) return found;
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*proc);
  EXPECT_TRUE(entries.ok()) << entries.status();
  if (!entries.ok()) return found;
  for (const DirEntry& entry : *entries) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry.name, &pid)) continue;
    // A zombie's command line reads empty.
    consider(Pid{pid}, ProcCmdline(host, Pid{pid}));
  }
  return found;
}

void RecorderRun::ExpectNoProcessLeft(Host& host,
                                      absl::string_view needle) const {
  for (const auto& [pid, line] : ProcessesMentioning(host, needle)) {
    absl::StatusOr<Fd> pidfd = host.PidfdOpen(pid);
    if (!pidfd.ok()) continue;
    PollFd exited{&*pidfd, PollEvents::kIn};
    (void)host.Poll(absl::MakeSpan(&exited, 1), absl::Seconds(5));
  }
  std::vector<std::string> left;
  for (const auto& [pid, line] : ProcessesMentioning(host, needle)) {
    left.push_back(line);
  }
  EXPECT_THAT(left, ::testing::IsEmpty())
      << "processes left behind:\n  " << absl::StrJoin(left, "\n  ");
}

}  // namespace runbox
