// HostEnv: where one contract case runs. On Linux the case runs in the test
// process against LinuxHost; on the fake it runs as a simulated process of a
// fresh FakeKernel. Cases are written once against Host and never ask which
// environment they have (except through HelperPath, which differs by host).
#ifndef RUNBOX_HOSTAPI_CONTRACT_HOST_ENV_H_
#define RUNBOX_HOSTAPI_CONTRACT_HOST_ENV_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox::contract {

// A case body: `dir` is an absolute path to a fresh, empty directory that
// the case may fill as it likes.
using ContractBody = std::function<void(Host& host, const std::string& dir)>;

class HostEnv {
 public:
  virtual ~HostEnv() = default;

  // "Linux" or "Fake": the suffix of every test name.
  virtual std::string name() const = 0;
  // Runs `body` to completion and records a gtest failure if the
  // environment itself broke (could not make the directory; on the fake,
  // the body's process was killed or the kernel deadlocked).
  virtual void Run(ContractBody body) = 0;
  // Absolute path of the contract helper program (contract_helper.h) as
  // the host under test sees it; spawn it with argv[0] set to this path.
  virtual std::string HelperPath() = 0;
};

// Names of every environment, in instantiation order.
std::vector<std::string> HostEnvNames();
// Makes the environment called `name` (one of HostEnvNames()).
std::unique_ptr<HostEnv> MakeHostEnv(absl::string_view name);

}  // namespace runbox::contract

#endif  // RUNBOX_HOSTAPI_CONTRACT_HOST_ENV_H_
