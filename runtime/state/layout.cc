// StateLayout's path builders.
#include "runtime/state/layout.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace runbox {
namespace {

std::string Join(absl::string_view root, absl::string_view name) {
  return absl::StrCat(root == "/" ? "" : root, "/", name);
}

}  // namespace

StateLayout::StateLayout(std::string root) : root_(std::move(root)) {
  // "/run/runbox/" and "/run/runbox" are one root; "/" stays "/".
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string StateLayout::RootLockPath() const {
  return Join(root_, kRootLockFile);
}

std::string StateLayout::ContainerDir(absl::string_view id) const {
  return Join(root_, id);
}

std::string StateLayout::MetaPath(absl::string_view id) const {
  return absl::StrCat(ContainerDir(id), "/", kMetaFile);
}

std::string StateLayout::ControlSocketPath(absl::string_view id) const {
  return absl::StrCat(ContainerDir(id), "/", kControlSocket);
}

std::string StateLayout::ExitStatusPath(absl::string_view id) const {
  return absl::StrCat(ContainerDir(id), "/", kExitStatusFile);
}

std::string StateLayout::RelativeMetaPath(absl::string_view id) {
  return absl::StrCat(id, "/", kMetaFile);
}

}  // namespace runbox
