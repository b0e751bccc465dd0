// Helpers shared by the runtime/state dual-host tests: sample records, a
// store under a test directory, snapshots of a directory tree (for "no
// trace" checks) and child functions that operate on a store.
#ifndef RUNBOX_RUNTIME_STATE_STATE_TEST_UTIL_H_
#define RUNBOX_RUNTIME_STATE_STATE_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/state/meta.h"
#include "runtime/state/state_store.h"

namespace runbox {

// Exit codes of the state child functions (state_test_util.cc).
inline constexpr int kChildOk = 0;
inline constexpr int kChildAlreadyExists = 1;
inline constexpr int kChildNotFound = 2;
inline constexpr int kChildError = 3;
inline constexpr int kChildBadArgs = 100;

// A typical record: status Creating, bundle "/bundles/<id>", a fixed time.
Meta TestMeta(absl::string_view id, absl::string_view bundle = "");

// The state root the tests use under a test directory.
std::string StateRoot(const std::string& dir);
absl::StatusOr<StateStore> OpenTestStore(Host& host, const std::string& dir);

// "name/", "name -> content" lines for every entry below `path`, sorted:
// equal snapshots mean equal trees (names, types and file contents).
std::string Snapshot(Host& host, const std::string& path);

// The exit code for a status: kChildOk, kChildAlreadyExists,
// kChildNotFound or kChildError (after printing it to stderr).
int ExitCodeFor(Host& host, const absl::Status& status);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_STATE_STATE_TEST_UTIL_H_
