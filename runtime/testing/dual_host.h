// DualHost: runs one test body on LinuxHost and on a fresh FakeKernel, and
// gives the body more processes on either host. A test binary that links
// :dual_host_main is its own helper: spawned with "--dual-host-child NAME",
// it runs the child function registered as NAME (on Linux as a real
// process re-executing the test binary, on the fake as a simulated process
// running the same function). Test names end in /Linux and /Fake.
//
// Lifecycle and conformance suites extend it with RegisterProgram (e.g. the
// runbox Main on the fake, the real runbox binary on Linux).
#ifndef RUNBOX_RUNTIME_TESTING_DUAL_HOST_H_
#define RUNBOX_RUNTIME_TESTING_DUAL_HOST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fakes/fake_kernel.h"
#include "gtest/gtest.h"
#include "hostapi/host.h"

namespace runbox {

// A test body: `dir` is an absolute path to a fresh, empty directory (on
// Linux under $TEST_TMPDIR, never /run; on the fake made durably, so it
// survives PowerLoss).
using DualHostBody = std::function<void(Host& host, const std::string& dir)>;

// What a child process runs; the return value is its exit code. Children
// report through exit codes (and files), never gtest assertions: on Linux
// they are separate processes whose gtest state nobody reads.
using ChildFunction =
    std::function<int(Host& host, const std::vector<std::string>& args)>;

// Registers `fn` as `name` for SpawnChild and RunConcurrently. Call during
// static initialisation (DUAL_HOST_CHILD does) so the re-executed test
// binary knows it too. Returns true, for use in static initialisers.
bool RegisterChildFunction(absl::string_view name, ChildFunction fn);

// Defines and registers a child function:
//   DUAL_HOST_CHILD(CreateOne) { ... return 0; }
// with `host` and `args` in scope.
#define DUAL_HOST_CHILD(name)                                            \
  static int DualHostChild_##name(::runbox::Host& host,                  \
                                  const std::vector<std::string>& args); \
  [[maybe_unused]] static const bool dual_host_child_registered_##name = \
      ::runbox::RegisterChildFunction(#name, &DualHostChild_##name);     \
  static int DualHostChild_##name(::runbox::Host& host,                  \
                                  const std::vector<std::string>& args)

// main() of a dual-host test binary (:dual_host_main defines main() as
// this). With argv[1] == "--dual-host-child" it runs a child function on a
// LinuxHost; otherwise it runs the gtest suite. `--seed=N` (or the
// environment variable RUNBOX_SEED=N) restricts randomized tests to seed N.
int DualHostMain(int argc, char** argv);

// The seed given by --seed=N or RUNBOX_SEED, if any.
std::optional<uint64_t> SeedOverride();
// Seeds (or tries) a randomized test runs: only the override when one is
// given, else 1..count.
std::vector<uint64_t> SeedsToRun(uint64_t count);

struct DualHostOptions {
  // The fake kernel's scheduler seed. On Linux it only names the run.
  uint64_t seed = 1;
  // Fake only: pids wrap here, so a small value forces pid reuse.
  int pid_max = 32768;
  // Fake only: which cgroup hierarchies the kernel mounts.
  fake::CgroupLayout cgroup_layout = fake::CgroupLayout::kUnified;
};

// One child to run: a registered function and its arguments.
struct ChildCall {
  std::string function;
  std::vector<std::string> args;
};

class DualHost {
 public:
  // "Linux" and "Fake", in instantiation order.
  static std::vector<std::string> Names();
  static std::unique_ptr<DualHost> Make(absl::string_view name,
                                        DualHostOptions options = {});
  virtual ~DualHost() = default;

  // "Linux" or "Fake".
  virtual std::string name() const = 0;
  const DualHostOptions& options() const { return options_; }
  uint64_t seed() const { return options_.seed; }

  // Extension point for suites that exec programs: on the fake, `program`
  // is registered in every fresh kernel and installed at /bin/<name>; on
  // Linux, `linux_path` is exec'd. ProgramPath gives the path to exec on
  // the host under test.
  void RegisterProgram(absl::string_view name, fake::Program program,
                       std::string linux_path);
  virtual std::string ProgramPath(absl::string_view name) const = 0;

  // Runs `body` to completion: on Linux in the test process, on the fake
  // as the first simulated process of a fresh kernel. Records a gtest
  // failure if the environment broke (no directory; on the fake, a
  // deadlock or the body's process killed), with the seed to replay.
  virtual void Run(DualHostBody body) = 0;

  // Inside a body: the path of this test binary as the host sees it, and a
  // spawn of it that runs the child function `call.function`. The child
  // inherits fds 1 and 2, the caller's environment and `fds`.
  virtual std::string ChildPath() const = 0;
  absl::StatusOr<SpawnResult> SpawnChild(
      Host& host, const ChildCall& call,
      const std::vector<FdMapping>& fds = {}) const;

  // Inside a body: spawns every call as a child, holds them all at a start
  // gate until the last one is spawned, releases them together, waits for
  // all and returns their exit statuses in order.
  absl::StatusOr<std::vector<ExitStatus>> RunConcurrently(
      Host& host, const std::vector<ChildCall>& calls) const;

  // Fake only (nullptr on Linux): a fresh kernel with this harness's
  // options and programs, for tests that drive the kernel themselves
  // (RunUntil, PowerLoss). Use RunFakeUntilExit to run its processes.
  virtual std::unique_ptr<fake::FakeKernel> NewFakeKernel() const = 0;

  // How to rerun the current test with `seed`:
  // "bazel test //runtime/state:x --test_filter=Suite.Case/Fake
  //  --test_env=RUNBOX_SEED=7".
  std::string ReplayHint(uint64_t seed) const;

 protected:
  explicit DualHost(DualHostOptions options) : options_(options) {}

  struct ProgramEntry {
    fake::Program program;
    std::string linux_path;
  };
  DualHostOptions options_;
  std::map<std::string, ProgramEntry> programs_;
};

// Runs `kernel` until `pid` exits and returns its status; on a deadlock or
// step limit, records a gtest failure listing the live processes and the
// seed, and returns nullopt.
std::optional<ExitStatus> RunFakeUntilExit(fake::FakeKernel& kernel, Pid pid,
                                           uint64_t seed);

// Waits for child `pid` (restarting on EINTR) and returns how it ended.
absl::StatusOr<ExitStatus> Reap(Host& host, Pid pid);

// Reaps every child that has already exited (orphaned supervisors reparent
// to a test that made itself a subreaper); returns at once otherwise.
void ReapExited(Host& host);

// rm -rf of `name` in `dir`; best effort (test scratch space).
void RemoveTree(Host& host, const Fd& dir, const std::string& name);

// Base fixture of dual-host suites: TEST_P(MySuite, Case) { env().Run(...); }
class DualHostTest : public ::testing::TestWithParam<std::string> {
 protected:
  DualHost& env() {
    if (env_ == nullptr) env_ = DualHost::Make(GetParam());
    return *env_;
  }
  bool IsFake() const { return GetParam() == "Fake"; }

 private:
  std::unique_ptr<DualHost> env_;
};

}  // namespace runbox

// Instantiates `suite` (a DualHostTest) on both hosts: Suite.Case/Linux and
// Suite.Case/Fake.
#define INSTANTIATE_DUAL_HOST_TEST_SUITE(suite)                  \
  INSTANTIATE_TEST_SUITE_P(                                      \
      , suite, ::testing::ValuesIn(::runbox::DualHost::Names()), \
      [](const ::testing::TestParamInfo<std::string>& info) {    \
        return info.param;                                       \
      })

// Instantiates `suite` on Linux only (Suite.Case/Linux), for questions only
// the real kernel can answer (a filter enforced, a limit applied); the
// fake's side of such a feature is tested beside its code.
#define INSTANTIATE_LINUX_ONLY_TEST_SUITE(suite)              \
  INSTANTIATE_TEST_SUITE_P(                                   \
      , suite, ::testing::Values(std::string("Linux")),       \
      [](const ::testing::TestParamInfo<std::string>& info) { \
        return info.param;                                    \
      })

#endif  // RUNBOX_RUNTIME_TESTING_DUAL_HOST_H_
