// OCI hooks (runtime-spec config.md "POSIX-platform Hooks"): each hook runs
// as a child process with its own path, args and env, the container state
// JSON on stdin, and an optional timeout. Where a hook runs (runtime or
// container namespace) is the caller's choice; which failures are fatal is
// the lifecycle's, not this file's.
#ifndef RUNBOX_RUNTIME_SANDBOX_HOOKS_H_
#define RUNBOX_RUNTIME_SANDBOX_HOOKS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// Runs one hook to completion. Fails if it cannot start, exits non-zero,
// dies of a signal or outlives its timeout (then it is killed). The error
// names the hook and carries the start of its output.
absl::Status RunHook(Host& host, const spec::Hook& hook,
                     absl::string_view state_json);

// What a failing hook does to the hooks after it (runtime.md "Lifecycle").
enum class HookFailure {
  kStop,      // prestart, createRuntime, createContainer, startContainer.
  kContinue,  // poststart, poststop: warn, and the rest still run.
};

// Runs `hooks` in order. With kStop it returns the first failure; with
// kContinue it runs them all and returns every failure, joined. Failures
// are annotated with the phase ("createRuntime hook 2").
absl::Status RunHooks(Host& host, absl::Span<const spec::Hook> hooks,
                      absl::string_view phase, absl::string_view state_json,
                      HookFailure on_failure = HookFailure::kStop);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_HOOKS_H_
