// The runbox binary inside the simulated kernel: a fake program that runs
// runbox::Main, so fake tests drive the real CLI as a simulated process and
// the supervisor and init re-executed from it run Main again.
#ifndef RUNBOX_RUNTIME_CLI_FAKE_RUNBOX_H_
#define RUNBOX_RUNTIME_CLI_FAKE_RUNBOX_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fakes/fake_kernel.h"

namespace runbox::cli {

inline constexpr absl::string_view kFakeRunboxProgram = "runbox";

// runbox::Main as a fake::Program (for DualHost::RegisterProgram).
fake::Program RunboxProgram();

// Registers the program "runbox" in `kernel` and installs it as an
// executable at `path`.
absl::Status InstallRunbox(fake::FakeKernel& kernel,
                           absl::string_view path = "/usr/bin/runbox");

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_FAKE_RUNBOX_H_
