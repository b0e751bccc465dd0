// Shared pieces of the contract cases: the parameterized fixture (one
// instantiation per HostEnv, named "Linux" / "Fake"), and small sequences
// over Host (write all, read to EOF, spawn the helper) that cases repeat.
#ifndef RUNBOX_HOSTAPI_CONTRACT_CONTRACT_TEST_UTIL_H_
#define RUNBOX_HOSTAPI_CONTRACT_CONTRACT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/host_env.h"
#include "hostapi/host.h"

namespace runbox::contract {

// Base of every contract suite. Each suite derives its own named fixture
// (FilesContract, ...) so test names read Contract/FilesContract.Case/Linux.
class HostContractTest : public testing::TestWithParam<std::string> {
 protected:
  HostEnv& env() {
    if (env_ == nullptr) env_ = MakeHostEnv(GetParam());
    return *env_;
  }
  void Run(ContractBody body) { env().Run(std::move(body)); }
  std::string helper() { return env().HelperPath(); }

 private:
  std::unique_ptr<HostEnv> env_;
};

std::string ContractParamName(const testing::TestParamInfo<std::string>& info);

#define RUNBOX_CONTRACT_SUITE(Suite)                            \
  class Suite : public ::runbox::contract::HostContractTest {}; \
  INSTANTIATE_TEST_SUITE_P(                                     \
      Contract, Suite,                                          \
      ::testing::ValuesIn(::runbox::contract::HostEnvNames()),  \
      ::runbox::contract::ContractParamName)

// openat(dir, path, O_DIRECTORY).
absl::StatusOr<Fd> OpenDir(Host& host, const Fd& at, absl::string_view path);
// Creates (or truncates) `path` under `dir` with `content`.
absl::Status WriteFile(Host& host, const Fd& dir, absl::string_view path,
                       absl::string_view content, uint32_t mode = 0644);
// The whole content of `path` under `dir`.
absl::StatusOr<std::string> ReadFile(Host& host, const Fd& dir,
                                     absl::string_view path);
// write(2) until everything is written.
absl::Status WriteAll(Host& host, const Fd& fd, absl::string_view text);
// One read(2) / pread(2) of at most `max` bytes.
absl::StatusOr<std::string> ReadSome(Host& host, const Fd& fd, size_t max);
absl::StatusOr<std::string> PReadSome(Host& host, const Fd& fd, size_t max,
                                      int64_t offset);
// read(2) until EOF.
absl::StatusOr<std::string> ReadToEof(Host& host, const Fd& fd);
// read(2) one byte at a time until `delim` (included) or EOF.
absl::StatusOr<std::string> ReadUntil(Host& host, const Fd& fd, char delim);

// Spawns the helper: argv = {helper_path, args...}.
absl::StatusOr<SpawnResult> SpawnHelper(Host& host,
                                        const std::string& helper_path,
                                        const std::vector<std::string>& args,
                                        const std::vector<FdMapping>& fds = {},
                                        bool want_pidfd = false);
// wait4(pid, 0) and its status.
absl::StatusOr<ExitStatus> WaitFor(Host& host, Pid pid);

// What a helper run printed and how it ended.
struct HelperRun {
  Pid pid;
  ExitStatus status;
  std::string out;
};
// Spawns the helper with fd 1 a pipe (plus `fds`), reads its output to EOF
// and reaps it.
absl::StatusOr<HelperRun> RunHelper(Host& host, const std::string& helper_path,
                                    const std::vector<std::string>& args,
                                    std::vector<FdMapping> fds = {});

// Matches a StatusOr that is OK and whose value matches `expected`.
MATCHER_P(IsOkAndHolds, expected,
          "is OK and holds " + testing::PrintToString(expected)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return testing::ExplainMatchResult(expected, *arg, result_listener);
}

// Cleanup for a child the case may not get to reap: SIGKILL and reap.
void KillAndReap(Host& host, Pid pid);

}  // namespace runbox::contract

#endif  // RUNBOX_HOSTAPI_CONTRACT_CONTRACT_TEST_UTIL_H_
