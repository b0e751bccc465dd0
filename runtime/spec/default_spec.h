// The configuration `runbox spec` writes: runc's `runc spec` example
// (libcontainer/specconv/example.go), and its `--rootless` variant.
#ifndef RUNBOX_RUNTIME_SPEC_DEFAULT_SPEC_H_
#define RUNBOX_RUNTIME_SPEC_DEFAULT_SPEC_H_

#include "hostapi/types.h"
#include "runtime/spec/config.h"

namespace runbox::spec {

struct DefaultSpecOptions {
  // runc adds a cgroup namespace when the host runs cgroup v2 only; the
  // caller knows the host, this module does not.
  bool cgroup_namespace = false;
  // `spec --rootless`: a user namespace mapping container uid/gid 0 to
  // these (the caller's effective ids), no network namespace, /sys bound
  // from the host instead of a new sysfs, no uid=/gid= mount options and
  // no cgroup resources.
  bool rootless = false;
  Uid host_uid = 0;
  Gid host_gid = 0;
};

Config DefaultSpec(const DefaultSpecOptions& options = {});

}  // namespace runbox::spec

#endif  // RUNBOX_RUNTIME_SPEC_DEFAULT_SPEC_H_
