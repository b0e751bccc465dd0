// Errno payloads on absl::Status; see status.h.
#include "hostapi/status.h"

#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace runbox {
namespace {

constexpr absl::string_view kErrnoPayload = "runbox.dev/errno";

struct ErrnoNameEntry {
  int err;
  const char* name;
};

// The errnos a container runtime meets; others print as "errno N".
constexpr ErrnoNameEntry kErrnoNames[] = {
    {EPERM, "EPERM"},         {ENOENT, "ENOENT"},
    {ESRCH, "ESRCH"},         {EINTR, "EINTR"},
    {EIO, "EIO"},             {ENXIO, "ENXIO"},
    {E2BIG, "E2BIG"},         {ENOEXEC, "ENOEXEC"},
    {EBADF, "EBADF"},         {ECHILD, "ECHILD"},
    {EAGAIN, "EAGAIN"},       {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},       {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},         {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"},         {ENODEV, "ENODEV"},
    {ENOTDIR, "ENOTDIR"},     {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},       {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},       {ENOTTY, "ENOTTY"},
    {ETXTBSY, "ETXTBSY"},     {EFBIG, "EFBIG"},
    {ENOSPC, "ENOSPC"},       {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"},         {EMLINK, "EMLINK"},
    {EPIPE, "EPIPE"},         {ERANGE, "ERANGE"},
    {EDEADLK, "EDEADLK"},     {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOLCK, "ENOLCK"},       {ENOSYS, "ENOSYS"},
    {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"},
    {ENODATA, "ENODATA"},     {ENOTSOCK, "ENOTSOCK"},
    {EMSGSIZE, "EMSGSIZE"},   {EOPNOTSUPP, "EOPNOTSUPP"},
    {EADDRINUSE, "EADDRINUSE"}, {ECONNRESET, "ECONNRESET"},
    {ECONNREFUSED, "ECONNREFUSED"}, {ENOTCONN, "ENOTCONN"},
    {ETIMEDOUT, "ETIMEDOUT"}, {EDQUOT, "EDQUOT"},
    {ECANCELED, "ECANCELED"}, {EOWNERDEAD, "EOWNERDEAD"},
    {ENOBUFS, "ENOBUFS"},     {ETOOMANYREFS, "ETOOMANYREFS"},
    {EUSERS, "EUSERS"},       {EOVERFLOW, "EOVERFLOW"},
    {ECONNABORTED, "ECONNABORTED"}, {EPROTOTYPE, "EPROTOTYPE"},
    {EISCONN, "EISCONN"},
    {ENETUNREACH, "ENETUNREACH"}, {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"},
};

}  // namespace

std::string ErrnoName(int err) {
  for (const auto& e : kErrnoNames) {
    if (e.err == err) return e.name;
  }
  return absl::StrCat("errno ", err);
}

absl::Status ErrnoError(int err, absl::string_view context) {
  // strerror is not thread-safe in general, but glibc's returns static
  // strings for known errnos; this runs in the runtime's single thread.
  std::string message = absl::StrCat(ErrnoName(err), " (", std::strerror(err), ")");
  if (!context.empty()) message = absl::StrCat(context, ": ", message);
  absl::Status status(absl::ErrnoToStatusCode(err), message);
  status.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(err)));
  return status;
}

int ErrnoOf(const absl::Status& status) {
  if (status.ok()) return 0;
  auto payload = status.GetPayload(kErrnoPayload);
  if (!payload.has_value()) return 0;
  int err = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &err)) return 0;
  return err;
}

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok() || context.empty()) return status;
  absl::Status out(status.code(), absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) {
        out.SetPayload(url, payload);
      });
  return out;
}

}  // namespace runbox
