// Helpers the runtime/cli suites share to drive runbox as a user does:
// spawn a program with stdout and stderr captured (RunProgram, Output),
// run `runbox ...` on a DualHost (RunRunbox), find runfiles, register the
// runbox and busybox programs, and small file and JSON utilities.
#ifndef RUNBOX_RUNTIME_TESTING_CLI_RUNNER_H_
#define RUNBOX_RUNTIME_TESTING_CLI_RUNNER_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fakes/fake_kernel.h"
#include "hostapi/host.h"
#include "runtime/testing/dual_host.h"

namespace runbox {

// What one command did.
struct Output {
  ExitStatus status;
  std::string out;
  std::string err;
  // For failure messages.
  std::string Describe() const;
};

// The value of `key` in the test process's environment; "" when unset.
std::string EnvValue(absl::string_view key);

// A file among the test's runfiles (a `data` dependency), by its path in
// the workspace.
std::string RunfilePath(absl::string_view path);

// The //runtime/cli:runbox binary among the test's runfiles.
std::string LinuxRunboxPath();

// Registers "runbox" (cli::RunboxProgram on the fake, LinuxRunboxPath on
// Linux) and the busybox stand-in (the real /bin/busybox on Linux).
void RegisterRunboxAndBusybox(DualHost& env);

// Spawns `path` with `argv`, the caller's environment plus `extra_env`, an
// empty stdin and stdout/stderr on pipes; reads both until the child exits
// (a supervisor it started may hold the pipes open much longer), drains
// what is left, then reaps the child.
absl::StatusOr<Output> RunProgram(
    Host& host, const std::string& path, const std::vector<std::string>& argv,
    const std::vector<std::string>& extra_env = {});

// Runs `runbox ARGS...` (env's "runbox" program) with `extra_env` added to
// its environment. A failure to run it is a test failure (EXPECT), and
// gives an Output that exited -1.
Output RunRunbox(const DualHost& env, Host& host,
                 const std::vector<std::string>& args,
                 const std::vector<std::string>& extra_env = {});

// Runs `runbox --root ROOT ARGS...` (the /bin/runbox installed in the
// fake kernel) to its exit, running the kernel meanwhile. A failure to
// start it is a test failure and gives an Output that exited -1.
Output RunFakeRunbox(fake::FakeKernel& kernel, const std::string& root,
                     const std::vector<std::string>& args);

// The live (not zombie) fake process running exactly `argv`.
std::optional<Pid> FindLiveProcess(const fake::FakeKernel& kernel,
                                   const std::vector<std::string>& argv);

absl::StatusOr<std::string> ReadFile(Host& host, const std::string& path);

// Creates or truncates `path` (mode 0644, less the umask) and
// writes `text`.
absl::Status WriteFile(Host& host, const std::string& path,
                       absl::string_view text);

// The names in directory `path` but "." and "..", sorted; empty when it
// does not exist (other errors are test failures).
std::vector<std::string> Entries(Host& host, const std::string& path);

// `text` parsed as JSON; nullopt when it is not JSON.
std::optional<nlohmann::json> ParseJson(absl::string_view text);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_TESTING_CLI_RUNNER_H_
