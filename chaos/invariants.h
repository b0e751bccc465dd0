// The chaos invariants (docs/chaos.md) as code: each check returns the
// violations it found, as sentences, so a sweep or a storm can report them
// with the seed that replays the run. No gtest here: the campaign binary
// (tools/chaos) uses the same checks.
#ifndef RUNBOX_CHAOS_INVARIANTS_H_
#define RUNBOX_CHAOS_INVARIANTS_H_

#include <optional>
#include <string>
#include <vector>

#include "chaos/world.h"

namespace runbox::chaos {

// What a runbox run may leave on the machine: live processes, the host's
// mounts, cgroups, and the file tree (but /sys and /proc, whose cgroup
// directories are `cgroups`).
struct Resources {
  std::vector<std::string> processes;  // argv, space-joined; sorted.
  std::vector<std::string> mounts;     // "fstype on mount_point"; sorted.
  std::vector<std::string> cgroups;    // Sorted.
  std::vector<std::string> files;      // "path (type)"; sorted.
};
Resources TakeResources(World& world);

// What `after` holds and `before` did not, as "leaked process: ...". The
// state root itself and its lock file are not leaks: the first command
// makes them and nothing removes them (as runc's root).
std::vector<std::string> Leaks(const Resources& before, const Resources& after);

// What `runbox state ID` says. A container that exists must yield JSON
// naming it, with a known status and a pid when alive; one that does not
// must fail with "does not exist". Anything else is a violation.
struct StateView {
  std::optional<std::string> status;  // nullopt: does not exist.
  std::string violation;              // Empty when the output was sound.
};
StateView ObserveState(World& world, const std::string& id);

// The IDs that have a directory under the state root.
std::vector<std::string> ContainerDirs(World& world);

// Invariant "the record tells the truth": for each container directory,
// `state` parses (ObserveState), and a container said to be created,
// running or paused has its supervisor alive. Also "no two live containers with
// one ID": at most one live supervisor per ID.
std::vector<std::string> CheckRecords(World& world);

// Errnos that state a fact about the file system or the process table
// rather than a failure (ENOENT, EEXIST, ESRCH, ECONNRESET...). Injected where
// the fact is false, they make the kernel lie ("no such file" for a file that
// is there), and runbox acts on the lie: `delete --force`, told a cgroup is
// gone, leaves it. A run with a lie checks that nothing is corrupted and
// that recovery works, not that the outcome matches the world or that
// nothing leaked (docs/chaos.md).
bool IsFactErrno(int err);

// Recovery: `delete --force` of every container under the root succeeds;
// afterwards nothing is left beyond `baseline` (Leaks); then a new
// `create` of each ID in `ids` succeeds and its `delete --force` leaves
// nothing again. With `check_leaks` false, what was left is not counted
// (a run where the kernel denied a resource's existence, see sweep.cc).
std::vector<std::string> CheckRecovery(World& world, const Resources& baseline,
                                       const std::vector<std::string>& ids,
                                       bool check_leaks = true);

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_INVARIANTS_H_
