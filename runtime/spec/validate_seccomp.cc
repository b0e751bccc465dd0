// Checks on `linux.seccomp` (config-linux.md "Seccomp") beyond the known
// spellings parse.cc enforces. Whether libseccomp knows a syscall name is
// decided when the filter is built.
#include <string>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/names.h"
#include "runtime/spec/validate_internal.h"

namespace runbox::spec::validate_internal {
namespace {

// "Some actions like SCMP_ACT_ERRNO and SCMP_ACT_TRACE allow to specify the
// errno code to return. When the action doesn't support an errno, the
// runtime MUST print and error and fail."
bool TakesErrno(SeccompAction action) {
  return action == SeccompAction::kErrno || action == SeccompAction::kTrace;
}

// seccomp(2) filters see six syscall arguments.
constexpr uint32_t kSyscallArgs = 6;

absl::Status ValidateSyscall(const SeccompSyscall& rule,
                             absl::string_view path) {
  // "names MUST contain at least one entry."
  if (rule.names.empty()) {
    return SpecError(JsonField(path, "names"), "must have at least one entry");
  }
  for (size_t i = 0; i < rule.names.size(); ++i) {
    if (rule.names[i].empty()) {
      return SpecError(JsonIndex(JsonField(path, "names"), i),
                       "must not be empty");
    }
  }
  if (rule.errno_ret.has_value() && !TakesErrno(rule.action)) {
    return SpecError(JsonField(path, "errnoRet"),
                     absl::StrCat("is not valid with ", EnumName(rule.action)));
  }
  for (size_t i = 0; i < rule.args.size(); ++i) {
    if (rule.args[i].index >= kSyscallArgs) {
      return SpecError(
          JsonField(JsonIndex(JsonField(path, "args"), i), "index"),
          absl::StrCat(rule.args[i].index, " is not an argument index (0-5)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSeccomp(const Seccomp& seccomp, absl::string_view path) {
  // runc: a notifying default action would hand every syscall, including
  // the runtime's own until exec, to the listener.
  if (seccomp.default_action == SeccompAction::kNotify) {
    return SpecError(JsonField(path, "defaultAction"),
                     "SCMP_ACT_NOTIFY cannot be the default action");
  }
  if (seccomp.default_errno_ret.has_value() &&
      !TakesErrno(seccomp.default_action)) {
    return SpecError(
        JsonField(path, "defaultErrnoRet"),
        absl::StrCat("is not valid with ", EnumName(seccomp.default_action)));
  }
  if (!seccomp.listener_path.empty()) {
    RETURN_IF_ERROR(
        CheckAbsolute(seccomp.listener_path, JsonField(path, "listenerPath")));
  }
  // config-linux.md: "listenerMetadata ... MUST NOT be set if listenerPath
  // is not set."
  if (!seccomp.listener_metadata.empty() && seccomp.listener_path.empty()) {
    return SpecError(JsonField(path, "listenerMetadata"),
                     "must not be set without listenerPath");
  }
  bool notifies = false;
  for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
    RETURN_IF_ERROR(ValidateSyscall(seccomp.syscalls[i],
                                    JsonIndex(JsonField(path, "syscalls"), i)));
    notifies = notifies || seccomp.syscalls[i].action == SeccompAction::kNotify;
  }
  // The notify fd goes to the listener; with none it would go nowhere and
  // every notifying syscall would block forever.
  if (notifies && seccomp.listener_path.empty()) {
    return SpecError(JsonField(path, "listenerPath"),
                     "is required when a syscall uses SCMP_ACT_NOTIFY");
  }
  return absl::OkStatus();
}

}  // namespace runbox::spec::validate_internal
