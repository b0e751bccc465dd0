// The fake kernel's runbox program; see fake_runbox.h.
#include "runtime/cli/fake_runbox.h"

#include "runtime/cli/main.h"

namespace runbox::cli {

fake::Program RunboxProgram() {
  return [](Host& host, const std::vector<std::string>& argv) {
    return Main(host, argv);
  };
}

absl::Status InstallRunbox(fake::FakeKernel& kernel, absl::string_view path) {
  kernel.RegisterProgram(kFakeRunboxProgram, RunboxProgram());
  return kernel.InstallProgram(path, kFakeRunboxProgram);
}

}  // namespace runbox::cli
