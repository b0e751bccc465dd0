// Which cgroup hierarchies the simulated kernel mounts. Its own header so
// that fakes/cgroups does not depend on fakes/fake_kernel.h (which uses it).
#ifndef RUNBOX_FAKES_CGROUPS_CGROUP_LAYOUT_H_
#define RUNBOX_FAKES_CGROUPS_CGROUP_LAYOUT_H_

namespace runbox::fake {

enum class CgroupLayout {
  kUnified,  // cgroup v2 at /sys/fs/cgroup with all controllers.
  kHybrid,   // v1 controllers under /sys/fs/cgroup/<ctl>, v2 at .../unified.
  kLegacy,   // v1 only.
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_CGROUPS_CGROUP_LAYOUT_H_
