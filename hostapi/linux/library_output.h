// For C libraries whose only way to hand back a result is to write(2) it to
// a file descriptor (libseccomp 2.5 exports a compiled filter only with
// seccomp_export_bpf(ctx, fd)). The bytes are this process's own memory, not
// kernel state any Host models, so the scratch file is a real memfd of the
// calling process whichever Host the runtime runs on: a FakeHost fd number
// means nothing to the library, which would write to whatever real fd has
// that number.
#ifndef RUNBOX_HOSTAPI_LINUX_LIBRARY_OUTPUT_H_
#define RUNBOX_HOSTAPI_LINUX_LIBRARY_OUTPUT_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox {

// Calls `write_to(fd)` with a fresh, empty, close-on-exec memfd and returns
// what it wrote. `write_to` returns 0 or a negated errno (libseccomp's
// convention); a failure is ErrnoError(-rc, what). The memfd is closed
// before returning.
absl::StatusOr<std::string> CaptureLibraryOutput(
    absl::string_view what, absl::FunctionRef<int(int fd)> write_to);

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_LINUX_LIBRARY_OUTPUT_H_
