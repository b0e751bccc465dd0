// meta.json: the per-container state record, its JSON form and parser
// (DESIGN.md "State and locking" invariants 2, 4, 5). Kept small on
// purpose: `list` reads one per container, and runc's 5.9 KB state.json is
// what makes its list slow. The OCI config stays in the bundle; only what
// the runtime cannot recompute lives here. Storage is state_store.h's.
#ifndef RUNBOX_RUNTIME_STATE_META_H_
#define RUNBOX_RUNTIME_STATE_META_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hostapi/types.h"

namespace runbox {

// The newest meta.json schema this runbox reads and the one it writes.
inline constexpr int kMetaSchemaVersion = 1;
// meta.json is never larger than this (typical: 200-400 bytes); a larger
// file is corrupt or hostile and is refused before it is parsed.
// Annotations are copied in from config.json, so the bound is config.json's
// (runtime/container: 4 MiB), not what a typical record needs.
inline constexpr size_t kMaxMetaBytes = 4 << 20;

// The OCI lifecycle, plus Creating: the window in which create is making
// side effects (DESIGN.md invariant 8: Creating -> Created -> Running <->
// Paused -> Stopped). The transitions are runtime/container's to check.
enum class ContainerStatus { kCreating, kCreated, kRunning, kPaused, kStopped };

// "creating", "created", "running", "paused", "stopped" (the OCI `status`
// strings; "creating" is OCI's too).
absl::string_view ContainerStatusName(ContainerStatus status);
std::optional<ContainerStatus> ParseContainerStatus(absl::string_view name);

struct Meta {
  // Read from the file; SerializeMeta always writes kMetaSchemaVersion.
  int schema_version = kMetaSchemaVersion;
  std::string id;
  ContainerStatus status = ContainerStatus::kCreating;
  // Absolute path of the bundle, as given to create.
  std::string bundle;
  // When create began (Clock::RealNow), written as RFC 3339 UTC with
  // nanoseconds: "2026-01-01T00:00:00.123456789Z".
  absl::Time created = absl::UnixEpoch();
  // The sandbox supervisor (pid as seen from the host, which is also the
  // pid of --pid-file and `state`), once it is spawned.
  std::optional<ProcessIdentity> supervisor;
  // The `runbox create` (or `run`) process that made the record, while the
  // status is creating: alive, the create is at work; dead with no
  // supervisor recorded, it died before spawning anything (stopped).
  std::optional<ProcessIdentity> creator;
  // The container's init, as seen from the host, once it exists.
  std::optional<ProcessIdentity> init;
  // OCI annotations from config.json (reported by `state`).
  std::map<std::string, std::string> annotations;
  // The uid that created the container (rootless checks, `list`'s OWNER).
  Uid owner = 0;
  // Digest of config.json at create ("sha256:<hex>"), empty when none.
  std::string config_digest;
  // The pod sandbox this container joined (runtime/pod), empty when it is
  // not a pod member. The sandbox's supervisor stops its members when the
  // sandbox's init exits.
  std::string sandbox;
  // Created with --no-new-keyring: `exec` then keeps the caller's session
  // keyring instead of joining the container's "_ses.<id>" (as runc).
  bool no_new_keyring = false;
  // The recovery plan (DESIGN.md invariant 2): recorded in state Creating
  // before the first side effect, so `delete --force` can sweep what a
  // killed create left behind. Cgroup paths relative to each hierarchy's
  // root; absolute mount points on the host.
  std::vector<std::string> planned_cgroups;
  std::vector<std::string> planned_mounts;
  // Intel RDT (runtime/sandbox/resctrl): the container's resource group,
  // an absolute path, empty when linux.intelRdt is unset (exec joins it);
  // and whether runbox makes it, so that delete (also of a killed create)
  // removes it. Recorded in state Creating, before the group is made.
  std::string resctrl_group;
  bool resctrl_owned = false;

  bool operator==(const Meta&) const = default;
};

// Compact JSON with schema_version = kMetaSchemaVersion. Empty optional
// fields are left out. Strings that are not valid UTF-8 (JSON cannot carry
// them) have their bad bytes replaced by U+FFFD.
std::string SerializeMeta(const Meta& meta);

// Parses meta.json text; never throws. Errors are InvalidArgument and name
// the field: `meta.json: field "status": expected a string, got number`,
// `meta.json: missing required field "id"`, or FailedPrecondition for
// `meta.json schema version 7 is newer than this runbox supports (1)`.
// Unknown fields are ignored (a newer runbox may add optional ones without
// bumping the version).
absl::StatusOr<Meta> ParseMeta(absl::string_view text);

// "2026-01-01T00:00:00.000000001Z" and back. Parsing keeps nanoseconds: a
// longer fraction is truncated, so that the two round-trip.
std::string FormatRfc3339Nanos(absl::Time time);
absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_META_H_
