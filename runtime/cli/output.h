// What the runbox CLI writes and how: stdout and stderr as the calling
// process's fds 1 and 2 through the host (on the fake, the simulated
// process's own), and Go's time.RFC3339Nano, which runc prints in `list`
// and in its logs. Never std::cout or printf.
#ifndef RUNBOX_RUNTIME_CLI_OUTPUT_H_
#define RUNBOX_RUNTIME_CLI_OUTPUT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hostapi/fd.h"
#include "hostapi/host.h"

namespace runbox::cli {

// Fds 1 and 2 of the calling process, borrowed: an Fd without an owner
// never closes.
const Fd& StdoutFd();
const Fd& StderrFd();

// Writes all of `text` to fd 1 / fd 2.
absl::Status PrintStdout(Host& host, absl::string_view text);
absl::Status PrintStderr(Host& host, absl::string_view text);

// Go's time.RFC3339Nano in UTC: "2026-01-01T00:00:00.5Z" (trailing zeros
// of the fraction dropped, no fraction when it is zero).
std::string FormatRfc3339Nano(absl::Time time);

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_OUTPUT_H_
