// Validate(): the top-level fields (ociVersion, root, hostname, hooks,
// annotations) and the order in which the areas are checked, plus the
// small checks the area files share. Areas: validate_process.cc,
// validate_mounts.cc, validate_linux.cc, validate_resources.cc,
// validate_seccomp.cc.
#include "runtime/spec/validate.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/spec/annotations.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/validate_internal.h"

namespace runbox::spec {
namespace validate_internal {

absl::Status CheckAbsolute(absl::string_view value, absl::string_view path) {
  if (value.empty() || value.front() != '/') {
    return SpecError(
        path, absl::StrCat("must be an absolute path, got ", Quote(value)));
  }
  return absl::OkStatus();
}

bool HasDotDot(absl::string_view value) {
  for (absl::string_view part : absl::StrSplit(value, '/')) {
    if (part == "..") return true;
  }
  return false;
}

absl::Status CheckEnv(const std::vector<std::string>& env,
                      absl::string_view path) {
  for (size_t i = 0; i < env.size(); ++i) {
    size_t eq = env[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      return SpecError(
          JsonIndex(path, i),
          absl::StrCat(Quote(env[i]), " is not of the form KEY=value"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCpuList(absl::string_view list, absl::string_view path) {
  if (list.empty()) return absl::OkStatus();
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    std::vector<absl::string_view> range = absl::StrSplit(item, '-');
    uint32_t first = 0;
    uint32_t last = 0;
    bool ok = range.size() <= 2 && !range[0].empty() &&
              absl::ascii_isdigit(range[0][0]) &&
              absl::SimpleAtoi(range[0], &first);
    if (ok && range.size() == 2) {
      ok = !range[1].empty() && absl::ascii_isdigit(range[1][0]) &&
           absl::SimpleAtoi(range[1], &last) && first <= last;
    }
    if (!ok) {
      return SpecError(
          path, absl::StrCat(Quote(list), " is not a CPU list like \"0-3,7\""));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckIdMappings(const std::vector<IdMapping>& mappings,
                             absl::string_view path) {
  constexpr uint64_t kIdSpace = uint64_t{1} << 32;
  for (size_t i = 0; i < mappings.size(); ++i) {
    const IdMapping& m = mappings[i];
    if (m.size == 0) {
      return SpecError(JsonField(JsonIndex(path, i), "size"),
                       "must be greater than zero");
    }
    if (uint64_t{m.container_id} + m.size > kIdSpace ||
        uint64_t{m.host_id} + m.size > kIdSpace) {
      return SpecError(JsonIndex(path, i), "id range extends past 4294967295");
    }
  }
  return absl::OkStatus();
}

}  // namespace validate_internal

namespace {

using validate_internal::CheckAbsolute;
using validate_internal::CheckEnv;

// A SemVer 2.0.0 numeric identifier: digits, no leading zero.
bool IsNumericIdentifier(absl::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// Pre-release and build identifiers: [0-9A-Za-z-]+, dot-separated.
bool AreIdentifiers(absl::string_view s) {
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
  }
  return true;
}

bool IsSemVer(absl::string_view version, absl::string_view* major) {
  absl::string_view core = version;
  if (size_t plus = core.find('+'); plus != absl::string_view::npos) {
    if (!AreIdentifiers(core.substr(plus + 1))) return false;
    core = core.substr(0, plus);
  }
  if (size_t dash = core.find('-'); dash != absl::string_view::npos) {
    if (!AreIdentifiers(core.substr(dash + 1))) return false;
    core = core.substr(0, dash);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(core, '.');
  if (parts.size() != 3) return false;
  for (absl::string_view p : parts) {
    if (!IsNumericIdentifier(p)) return false;
  }
  *major = parts[0];
  return true;
}

absl::Status ValidateOciVersion(absl::string_view version) {
  absl::string_view major;
  if (!IsSemVer(version, &major)) {
    return SpecError("ociVersion",
                     absl::StrCat(Quote(version), " is not a SemVer version"));
  }
  if (major != "1") {
    return SpecError("ociVersion",
                     absl::StrCat("unsupported version ", Quote(version),
                                  ": runbox implements 1.x"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRoot(const std::optional<Root>& root) {
  // config.md: "On all other platforms [than Windows], this field is
  // REQUIRED."
  if (!root.has_value()) return SpecError("root", "is required on Linux");
  if (root->path.empty()) return SpecError("root.path", "must not be empty");
  return absl::OkStatus();
}

// sethostname(2) and setdomainname(2) refuse more than 64 bytes.
absl::Status ValidateName(const std::string& name, absl::string_view path) {
  constexpr size_t kMaxName = 64;
  if (name.size() > kMaxName) {
    return SpecError(
        path, absl::StrCat("is ", name.size(), " bytes long, the limit is 64"));
  }
  return absl::OkStatus();
}

absl::Status ValidateHookList(const std::vector<Hook>& hooks,
                              absl::string_view path) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    std::string hook_path = JsonIndex(path, i);
    const Hook& hook = hooks[i];
    // config.md: "path MUST be absolute"; "If set, timeout MUST be greater
    // than zero."
    RETURN_IF_ERROR(CheckAbsolute(hook.path, JsonField(hook_path, "path")));
    RETURN_IF_ERROR(CheckEnv(hook.env, JsonField(hook_path, "env")));
    if (hook.timeout.has_value() && *hook.timeout <= 0) {
      return SpecError(
          JsonField(hook_path, "timeout"),
          absl::StrCat("must be greater than zero, got ", *hook.timeout));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateHooks(const Hooks& hooks) {
  RETURN_IF_ERROR(ValidateHookList(hooks.prestart, "hooks.prestart"));
  RETURN_IF_ERROR(
      ValidateHookList(hooks.create_runtime, "hooks.createRuntime"));
  RETURN_IF_ERROR(
      ValidateHookList(hooks.create_container, "hooks.createContainer"));
  RETURN_IF_ERROR(
      ValidateHookList(hooks.start_container, "hooks.startContainer"));
  RETURN_IF_ERROR(ValidateHookList(hooks.poststart, "hooks.poststart"));
  return ValidateHookList(hooks.poststop, "hooks.poststop");
}

absl::Status ValidateAnnotations(
    const std::map<std::string, std::string>& annotations) {
  // config.md: "Keys MUST NOT be an empty string."
  if (annotations.contains("")) {
    return SpecError(JsonKey("annotations", ""), "key must not be empty");
  }
  // config.md: org.opencontainers.image.* values "MUST be valid values for
  // the corresponding property": the stop signal is one `kill` sends.
  if (auto it = annotations.find(std::string(kStopSignalAnnotation));
      it != annotations.end() && !StopSignal(annotations).has_value()) {
    return SpecError(JsonKey("annotations", it->first),
                     absl::StrCat("\"", it->second, "\" is not a signal"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsSupportedOciVersion(absl::string_view version) {
  return ValidateOciVersion(version).ok();
}

absl::Status Validate(const Config& config) {
  RETURN_IF_ERROR(ValidateOciVersion(config.oci_version));
  RETURN_IF_ERROR(ValidateRoot(config.root));
  if (config.process.has_value()) {
    RETURN_IF_ERROR(
        validate_internal::ValidateProcessAt(*config.process, "process"));
  }
  RETURN_IF_ERROR(ValidateName(config.hostname, "hostname"));
  RETURN_IF_ERROR(ValidateName(config.domainname, "domainname"));
  RETURN_IF_ERROR(validate_internal::ValidateMounts(config.mounts));
  RETURN_IF_ERROR(ValidateHooks(config.hooks));
  RETURN_IF_ERROR(ValidateAnnotations(config.annotations));
  return validate_internal::ValidateLinux(config);
}

absl::Status ValidateProcess(const Process& process) {
  return validate_internal::ValidateProcessAt(process, "");
}

}  // namespace runbox::spec
