// Console set-up; see console.h.
#include "runtime/sandbox/console.h"

namespace runbox {

absl::Status SetupConsole(Host& /*host*/, const spec::Process& process,
                          int /*console_socket_fd*/) {
  if (!process.terminal) return absl::OkStatus();
  return absl::UnimplementedError("process.terminal is not supported yet");
}

}  // namespace runbox
