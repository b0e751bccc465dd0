// `update` and the samples `events` reads: both work from the CLI process
// on the container's cgroups directly (found through the paths create
// recorded in meta.json), as runc's update and events do, without asking
// the supervisor. The resources a container has after an update live in
// <root>/<id>/resources.json (runc keeps them in its state.json; meta.json
// stays small for `list`).
#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/container/container.h"
#include "runtime/container/container_internal.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/sandbox/cgroups/oom.h"
#include "runtime/sandbox/cgroups/resources.h"
#include "runtime/sandbox/cgroups/stats.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/serialize.h"
#include "runtime/state/layout.h"

namespace runbox {

using internal::CurrentStatus;
using internal::LiveStatus;
using internal::OpenStore;
using internal::WrongState;

namespace {

constexpr absl::string_view kResourcesFile = StateLayout::kResourcesFile;
constexpr size_t kMaxResourcesBytes = 4 << 20;

// The resources the container has now: its last update's, else those of
// the config it was created with (absent: none).
absl::StatusOr<spec::Resources> CurrentResources(Host& host, StateStore& store,
                                                 const Meta& meta) {
  absl::StatusOr<Fd> dir =
      host.OpenAt(store.root_dir(), meta.id, {.flags = OpenFlags::kDirectory});
  if (!dir.ok()) return Annotate(dir.status(), "open the container directory");
  absl::StatusOr<std::string> text =
      ReadFileAt(host, *dir, kResourcesFile, kMaxResourcesBytes);
  if (!IsErrno(text, ENOENT)) {
    RETURN_IF_ERROR(text.status());
    absl::StatusOr<spec::Config> doc = spec::ParseConfig(*text);
    if (!doc.ok()) return Annotate(doc.status(), kResourcesFile);
    if (!doc->linux.has_value() || !doc->linux->resources.has_value()) {
      return spec::Resources{};
    }
    return *doc->linux->resources;
  }
  // The config the container was created with (runtime.md "Lifecycle":
  // later edits of the bundle's have no effect).
  ASSIGN_OR_RETURN(spec::Config config,
                   internal::CreatedConfig(store, meta.id));
  if (!config.linux.has_value() || !config.linux->resources.has_value()) {
    return spec::Resources{};
  }
  return *config.linux->resources;
}

absl::Status SaveResources(Host& host, const StateStore& store,
                           const Meta& meta, const spec::Resources& resources) {
  spec::Config doc;
  doc.oci_version = "1.2.0";
  doc.linux.emplace().resources = resources;
  ASSIGN_OR_RETURN(Fd dir, host.OpenAt(store.root_dir(), meta.id,
                                       {.flags = OpenFlags::kDirectory}));
  return Annotate(
      AtomicWriteFileAt(host, dir, kResourcesFile,
                        spec::SerializeConfig(doc, spec::JsonStyle::kCompact),
                        StateLayout::kFileMode),
      absl::StrCat("write ", kResourcesFile));
}

absl::StatusOr<cgroups::CgroupManager> ManagerOf(Host& host, const Meta& meta) {
  if (meta.planned_cgroups.empty()) {
    return absl::FailedPreconditionError("the container has no cgroups");
  }
  return cgroups::CgroupManager::ForRecordedPaths(host, meta.planned_cgroups);
}

}  // namespace

absl::Status Update(RuntimeContext& ctx, absl::string_view id,
                    const spec::Resources& changes) {
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
    ASSIGN_OR_RETURN(
        ContainerLock lock,
        store.LockContainer(id, LockType::kExclusive, LockMode::kBlock));
    ASSIGN_OR_RETURN(Meta meta, store.LoadLocked(lock));
    ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
    if (live.status != ContainerStatus::kCreated &&
        live.status != ContainerStatus::kRunning &&
        live.status != ContainerStatus::kPaused) {
      return WrongState("update", id, live.status);
    }
    ASSIGN_OR_RETURN(spec::Resources current,
                     CurrentResources(ctx.host, store, meta));
    spec::Resources merged = cgroups::MergeResources(current, changes);
    ASSIGN_OR_RETURN(cgroups::CgroupManager manager, ManagerOf(ctx.host, meta));
    RETURN_IF_ERROR(cgroups::ApplyResources(ctx.host, manager,
                                            cgroups::UpdatableSubset(merged))
                        .status());
    return SaveResources(ctx.host, store, meta, merged);
  }();
  return Annotate(status, absl::StrCat("update container \"", id, "\""));
}

absl::StatusOr<ResourceSample> SampleResources(RuntimeContext& ctx,
                                               absl::string_view id,
                                               SampleDepth depth) {
  ASSIGN_OR_RETURN(StateStore store, OpenStore(ctx));
  ASSIGN_OR_RETURN(Meta meta, store.Load(id));
  ASSIGN_OR_RETURN(LiveStatus live, CurrentStatus(ctx, store, meta));
  ResourceSample sample;
  sample.status = live.status;
  if (meta.planned_cgroups.empty()) return sample;
  ASSIGN_OR_RETURN(cgroups::CgroupManager manager, ManagerOf(ctx.host, meta));
  // The cgroups outlive init until delete; once gone there is nothing to
  // read, which is not an error for a stopped container.
  absl::StatusOr<std::optional<uint64_t>> ooms =
      cgroups::OomKillCount(ctx.host, manager);
  if (IsErrno(ooms, ENOENT) && live.status == ContainerStatus::kStopped) {
    return sample;
  }
  RETURN_IF_ERROR(ooms.status());
  sample.oom_kills = *ooms;
  if (depth == SampleDepth::kOomOnly) return sample;
  absl::StatusOr<nlohmann::ordered_json> stats =
      cgroups::ReadStats(ctx.host, manager);
  if (IsErrno(stats, ENOENT) && live.status == ContainerStatus::kStopped) {
    return sample;
  }
  RETURN_IF_ERROR(stats.status());
  sample.stats_json =
      stats->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return sample;
}

}  // namespace runbox
