// Running suites that use the hook recorder: on Linux a body runs through
// DualHost::Run (skipped without root); on the fake the suite drives a
// fresh kernel itself, so that the recorder can tell which program a pid
// runs (its target_argv) and the test can list, and wait out, the
// processes it leaves.
#ifndef RUNBOX_RUNTIME_TESTING_RECORDER_RUN_H_
#define RUNBOX_RUNTIME_TESTING_RECORDER_RUN_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "fakes/fake_kernel.h"
#include "hostapi/host.h"
#include "runtime/testing/dual_host.h"

namespace runbox {

class RecorderRun {
 public:
  explicit RecorderRun(DualHost& env) : env_(env) {}

  // Registers the hook recorder on the environment, its argv probe reading
  // this object's kernel on the fake.
  void RegisterHookRecorder();

  // Runs `body`. On the fake, `fake_dir` is made and given to the body.
  void Run(DualHostBody body, absl::string_view fake_dir);

  // The argv of live process `pid` of the kernel being driven; empty on
  // Linux or when there is no such process.
  std::vector<std::string> FakeArgvOf(Pid pid) const;

  // Live processes whose command line mentions `needle`, as (pid,
  // "pid: argv"): from the kernel on the fake, from /proc on Linux.
  std::vector<std::pair<Pid, std::string>> ProcessesMentioning(
      Host& host, absl::string_view needle) const;

  // Expects no process mentioning `needle` to be left. One killed just now
  // (init, by its parent-death signal) may take a moment: each one found
  // gets up to 5 seconds, by its pidfd, before it counts.
  void ExpectNoProcessLeft(Host& host, absl::string_view needle) const;

 private:
  DualHost& env_;
  fake::FakeKernel* kernel_ = nullptr;  // While Run drives one.
};

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_TESTING_RECORDER_RUN_H_
