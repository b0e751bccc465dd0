// The durable exit record (DESIGN.md "State and locking" invariant 7): the
// supervisor writes init's wait status into the container directory before
// it exits, so `state` and `wait` report it after the supervisor is gone,
// also after a crash or power loss. Written once, never changed.
#ifndef RUNBOX_RUNTIME_STATE_EXIT_RECORD_H_
#define RUNBOX_RUNTIME_STATE_EXIT_RECORD_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "hostapi/types.h"

namespace runbox {

// Writes <container dir>/exit-status atomically and durably (temp file,
// fsync, rename without replacing, fsync of the directory; io.h). The
// record is immutable: writing the status already recorded again is a
// no-op (a retried write), writing a different one fails AlreadyExists and
// leaves the first. `container_dir` must be a real directory fd.
absl::Status WriteExitRecord(Host& host, const Fd& container_dir,
                             const ExitStatus& status);

// The recorded status, or nullopt when none was written (yet).
// InvalidArgument for a corrupt record.
absl::StatusOr<std::optional<ExitStatus>> ReadExitRecord(
    Files& files, const Fd& container_dir);

// The record's text: {"kind":"exited","code":3} or
// {"kind":"signaled","signal":9,"core_dumped":false}.
std::string SerializeExitRecord(const ExitStatus& status);
absl::StatusOr<ExitStatus> ParseExitRecord(absl::string_view text);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_EXIT_RECORD_H_
