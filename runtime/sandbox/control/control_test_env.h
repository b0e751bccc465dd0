// Where a control protocol test runs: on Linux in the test process against
// LinuxHost, on the fake as a simulated process of a fresh FakeKernel. The
// test body is the same on both; it spawns the control test server
// (control_test_server.h) as a second process through ServerPath().
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_CONTROL_TEST_ENV_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_CONTROL_TEST_ENV_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox::control {

// `dir` is an absolute path to a fresh, empty directory.
using ControlTestBody = std::function<void(Host& host, const std::string& dir)>;

class ControlTestEnv {
 public:
  virtual ~ControlTestEnv() = default;
  // "Linux" or "Fake": the suffix of the test names.
  virtual std::string name() const = 0;
  // Runs `body` to completion; records a gtest failure if the environment
  // itself broke (on the fake: the body's process died or deadlocked).
  virtual void Run(ControlTestBody body) = 0;
  // The control test server's path as the host sees it.
  virtual std::string ServerPath() = 0;
};

std::vector<std::string> ControlTestEnvNames();
// `fake_seed` seeds the fake kernel's scheduler (ignored on Linux).
std::unique_ptr<ControlTestEnv> MakeControlTestEnv(absl::string_view name,
                                                   uint64_t fake_seed = 1);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_CONTROL_TEST_ENV_H_
