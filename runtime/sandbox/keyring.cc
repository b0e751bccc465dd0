// See keyring.h.
#include "runtime/sandbox/keyring.h"

#include <cerrno>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

constexpr uint32_t kOwnerSearch = 0x00080000;  // KEY_USR_SEARCH.
constexpr uint32_t kOtherSearch = 0x00000008;  // KEY_OTH_SEARCH.

// runc's Namespaces.Contains(NEWUSER): a new user namespace or one joined
// by path.
bool HasUserNamespace(const spec::Config& config) {
  if (!config.linux) return false;
  for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
    if (ns.type == spec::NamespaceType::kUser) return true;
  }
  return false;
}

}  // namespace

std::string SessionKeyringName(absl::string_view container_id) {
  return absl::StrCat("_ses.", container_id);
}

absl::Status JoinContainerSessionKeyring(Host& host, const spec::Config& config,
                                         absl::string_view container_id) {
  absl::StatusOr<KeySerial> serial =
      host.JoinSessionKeyring(SessionKeyringName(container_id));
  if (IsErrno(serial.status(), ENOSYS)) return absl::OkStatus();
  if (!serial.ok()) {
    return Annotate(serial.status(), "unable to join session keyring");
  }
  // runc's ModKeyringPerm: read the permissions, keep them all, add the
  // search bit. (The session keyring's special id, since the join says 0
  // when the keyring was the session keyring already.)
  absl::StatusOr<KeyDescription> description =
      host.DescribeKey(kSessionKeyring);
  if (!description.ok()) {
    return Annotate(description.status(), "unable to mod keyring permissions");
  }
  const uint32_t add = HasUserNamespace(config) ? kOtherSearch : kOwnerSearch;
  return Annotate(
      host.SetKeyPermissions(kSessionKeyring, description->permissions | add),
      "unable to mod keyring permissions");
}

absl::Status JoinExistingSessionKeyring(Host& host, absl::string_view name) {
  absl::StatusOr<KeySerial> serial = host.JoinSessionKeyring(name);
  if (serial.ok() || IsErrno(serial.status(), ENOSYS)) {
    return absl::OkStatus();
  }
  return Annotate(serial.status(), "unable to join session keyring");
}

}  // namespace runbox
