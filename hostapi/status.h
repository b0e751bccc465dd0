// Errors carry an errno number. absl::StatusCode alone cannot tell ENOENT from
// ESRCH (both kNotFound) or EAGAIN from EINTR (both kUnavailable), so every
// host error stores its errno in a payload that survives Annotate().
#ifndef RUNBOX_HOSTAPI_STATUS_H_
#define RUNBOX_HOSTAPI_STATUS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace runbox {

// "openat \"meta.json\": ENOENT (No such file or directory)" with the code
// from absl::ErrnoToStatusCode and `err` stored as a payload.
absl::Status ErrnoError(int err, absl::string_view context);

// The errno stored by ErrnoError, or 0 when the status has none (OK or an
// error that did not come from the host).
int ErrnoOf(const absl::Status& status);
inline bool IsErrno(const absl::Status& status, int err) {
  return ErrnoOf(status) == err;
}
template <typename T>
int ErrnoOf(const absl::StatusOr<T>& s) {
  return ErrnoOf(s.status());
}
template <typename T>
bool IsErrno(const absl::StatusOr<T>& s, int err) {
  return ErrnoOf(s.status()) == err;
}

// Symbolic name of an errno value ("ENOENT"), or "errno 1234".
std::string ErrnoName(int err);

// Prefixes `context: ` to the message, keeping the code and payloads. OK
// stays OK.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace runbox

#define RUNBOX_STATUS_CONCAT_INNER_(a, b) a##b
#define RUNBOX_STATUS_CONCAT_(a, b) RUNBOX_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                                    \
  do {                                                           \
    ::absl::Status runbox_status_ = (expr);                      \
    if (!runbox_status_.ok()) return runbox_status_;             \
  } while (0)

// ASSIGN_OR_RETURN(auto x, Foo()); declares x from a StatusOr or returns.
#define ASSIGN_OR_RETURN(lhs, expr)                                         \
  RUNBOX_ASSIGN_OR_RETURN_IMPL_(                                            \
      RUNBOX_STATUS_CONCAT_(runbox_statusor_, __LINE__), lhs, expr)
#define RUNBOX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

#endif  // RUNBOX_HOSTAPI_STATUS_H_
