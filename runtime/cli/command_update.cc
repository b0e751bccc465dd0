// `runbox update`, `checkpoint` and `restore`: not supported yet (update
// lands with cgroup resources in the isolation issue; checkpoint/restore
// has no plan). The parser still accepts runc's flags so the error is this
// one, not a flag error.
#include "absl/strings/str_cat.h"
#include "runtime/cli/commands.h"

namespace runbox::cli {
namespace {

absl::Status NotSupported(absl::string_view command) {
  return absl::UnimplementedError(
      absl::StrCat(command, " is not supported yet"));
}

}  // namespace

CommandResult RunUpdate(CommandEnv&, const UpdateOptions&) {
  return NotSupported("update");
}

CommandResult RunCheckpoint(CommandEnv&, const CheckpointOptions&) {
  return NotSupported("checkpoint");
}

CommandResult RunRestore(CommandEnv&, const RestoreOptions&) {
  return NotSupported("restore");
}

}  // namespace runbox::cli
