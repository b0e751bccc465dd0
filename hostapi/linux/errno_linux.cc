// Error statuses for failed system calls: the errno number as payload (see
// hostapi/status.h) and a context naming the call and its object, e.g.
// `openat2 "meta.json": ENOENT (No such file or directory)`.
#include "absl/strings/str_cat.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

namespace runbox::linux_internal {

absl::Status CallError(int err, absl::string_view call) {
  return ErrnoError(err, call);
}

absl::Status PathError(int err, absl::string_view call,
                       absl::string_view path) {
  return ErrnoError(err, absl::StrCat(call, " \"", path, "\""));
}

absl::Status FdError(int err, absl::string_view call, int fd) {
  return ErrnoError(err, absl::StrCat(call, " fd ", fd));
}

}  // namespace runbox::linux_internal
