// Intel RDT (config-linux.md "IntelRdt") on the resctrl file system, the way
// runc's libcontainer/intelrdt does it, through the host API only:
//  - the resctrl mount is the first mount of fstype "resctrl" in the
//    caller's mount table; none while linux.intelRdt is set is an error;
//  - the container's resource group ("CLOS") is <mount>/<closID>, or
//    <mount>/<container id> without a closID;
//  - a missing group is made, unless closID is set with no schema (then the
//    group must have been configured beforehand); an existing group with a
//    schema must already hold that schema (it is compared, not rewritten);
//  - a group runbox makes gets l3CacheSchema/memBwSchema (combined), then
//    `schemata` last, written to its `schemata` file;
//  - the container's processes join by pid through `<group>/tasks`.
// With linux.intelRdt unset nothing here is called: resctrl is not even
// read. The caller records the group in meta.json (exec joins it, delete
// removes a group runbox made).
#ifndef RUNBOX_RUNTIME_SANDBOX_RESCTRL_RESCTRL_H_
#define RUNBOX_RUNTIME_SANDBOX_RESCTRL_RESCTRL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/spec/config.h"

namespace runbox::resctrl {

// Whether any of l3CacheSchema, memBwSchema or schemata is set.
bool HasSchema(const spec::IntelRdt& rdt);

// What the `schemata` file of a new group gets, in write order: first the
// L3/MB value (l3CacheSchema's lines, without its "MB:" lines when
// memBwSchema is set, then memBwSchema), then the `schemata` lines. Either
// is empty when its fields are unset. Each non-empty one ends in "\n" (the
// kernel refuses a schemata write without it).
struct SchemataWrites {
  std::string cache_and_bandwidth;
  std::string schemata;
};
SchemataWrites SchemataFor(const spec::IntelRdt& rdt);

// The container's resource group, as planned before any side effect.
struct Group {
  std::string path;     // Absolute: "<resctrl mount>/<closID or id>".
  bool exists = false;  // When it was planned.
};

// Finds the resctrl mount and the group of a container whose config sets
// linux.intelRdt to `rdt`. Errors (FailedPrecondition) when no resctrl file
// system is mounted, and when closID is set without a schema and its group
// does not exist. Reads only: safe before the container's record exists.
absl::StatusOr<Group> PlanGroup(Host& host, const spec::IntelRdt& rdt,
                                absl::string_view container_id);

// Makes the planned group and writes its schemata, or, for a group that
// exists, checks that it holds every schema `rdt` sets (FailedPrecondition
// naming the line on a mismatch). Returns whether it made the directory
// (false when another process made it first: then it is checked instead).
absl::StatusOr<bool> SetUpGroup(Host& host, const Group& group,
                                const spec::IntelRdt& rdt);

// Whether the schemata file text `current` holds every line of `wanted`
// ("RES:id=value;id=value" lines; domains compared by id, values without
// leading zeros or case, whitespace ignored: the kernel reads back its own
// formatting). A line that is not of that form must appear verbatim.
bool SchemataMatch(absl::string_view current, absl::string_view wanted);

// Moves `pid` (as this host sees it) into the group at `group_path`.
absl::Status AddTask(Host& host, absl::string_view group_path, Pid pid);

// Removes the group at `group_path` (its processes go back to the default
// group, as the kernel does); a group that is already gone is no error.
absl::Status RemoveGroup(Host& host, absl::string_view group_path);

}  // namespace runbox::resctrl

#endif  // RUNBOX_RUNTIME_SANDBOX_RESCTRL_RESCTRL_H_
