// The container's session keyring, as runc makes it: unless
// --no-new-keyring, init joins a new session keyring named "_ses.<id>", so
// the container does not share the caller's (runc's standard_init_linux.go
// and libcontainer/keys), and makes it searchable by its owner (or, in a
// user namespace, by others) so that a later join by that name finds it.
#ifndef RUNBOX_RUNTIME_SANDBOX_KEYRING_H_
#define RUNBOX_RUNTIME_SANDBOX_KEYRING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox {

// "_ses.<id>".
std::string SessionKeyringName(absl::string_view container_id);

// Joins (creating) the keyring "_ses.<id>" and adds the search bit runc
// adds: the owner's (0x80000) without a user namespace in `config`,
// others' (0x8) with one, keeping every other bit. ENOSYS (no keyrings in
// this kernel) is not an error, as in runc: the container then keeps the
// inherited keyring. Errors read "unable to join session keyring: ..." and
// "unable to mod keyring permissions: ...", runc's words.
absl::Status JoinContainerSessionKeyring(Host& host, const spec::Config& config,
                                         absl::string_view container_id);

// `runbox exec`'s process (runc's setns init): joins the keyring `name` the
// container's init made searchable, without changing it; ENOSYS is not an
// error.
absl::Status JoinExistingSessionKeyring(Host& host, absl::string_view name);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_KEYRING_H_
