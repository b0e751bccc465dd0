// The conformance probe: a small program that reports, as one JSON object
// on stdout, what a process sees of itself through the Host API. The
// conformance suites run it as a container's process (harness.h: RunProbe)
// and compare the report with the spec. The same code runs as the static
// Linux binary //conformance/probe:probe (copied into a busybox rootfs as
// /probe) and as a fake-kernel program (FakeProbe).
//
// Usage: probe [--sysctl KEY]... [--file PATH]... [--write-file PATH]...
//              [--exit N] [--wait-stdin]
//   --sysctl KEY      report ReadSysctl(KEY) under "sysctls".
//   --file PATH       report PATH under "files" (see below).
//   --write-file PATH also try to create PATH (O_WRONLY|O_CREAT, 0644) and
//                     write "probe" to it; reported under files[PATH] with
//                     the --file fields (taken before the write).
//   --exit N          exit N (0..255) after printing the report.
//   --wait-stdin      read stdin to EOF before looking at anything.
// Exit status: 0 (or N), 2 on bad arguments (a usage line on stderr, no
// report).
//
// The report (every key always present; null where the host cannot
// answer; numbers are JSON integers):
//   "pid", "ppid":      GetPid(), GetParentPid().
//   "uid", "gid":       {"real": N, "effective": N, "saved": N}   (or null)
//   "groups":           [supplementary gids, as the host lists them] (or null)
//   "caps":             {"bounding": [...], "effective": [...],
//                        "permitted": [...], "inheritable": [...],
//                        "ambient": [...]}: names "CAP_CHOWN", ... in
//                       capability-number order; a number the project has
//                       no name for appears as "CAP_<n>". bounding from
//                       InBoundingSet up to LastCapability(); effective,
//                       permitted, inheritable from GetCapabilities();
//                       ambient from GetProcessStatus(). Each set null when
//                       the host cannot answer.
//   "no_new_privs":     bool (or null)
//   "seccomp":          0 disabled, 1 strict, 2 filter (or null)
//   "rlimits":          {"RLIMIT_CPU": {"soft": N, "hard": N}, ...} for
//                       every RLIMIT_* of runtime/spec/names.h; infinity is
//                       18446744073709551615; a resource whose GetRlimit
//                       fails is null.
//   "namespaces":       {"pid","net","mnt","ipc","uts","user","cgroup",
//                        "time"} -> inode number of the caller's namespace
//                       (OpenNamespace(GetPid(), type) + FStat st_ino), or
//                       null.
//   "cgroup":           ["hierarchy-id:controllers:path", ...] as in
//                       /proc/self/cgroup (v2: "0::/path") (or null).
//   "hostname":         string (or null)
//   "env":              ["KEY=value", ...] (Environment()).
//   "cwd":              string (or null)
//   "umask":            number (read with Umask(0) and restored).
//   "personality":      number (SetPersonality(0xffffffff)) (or null)
//   "oom_score_adj":    number (or null)
//   "mounts":           [{"target": mount point, "source": string,
//                         "type": fstype, "options": [per-mount options
//                         ("ro" or "rw" first), then the super block's
//                         options but its "ro"/"rw", no duplicates],
//                         "propagation": "shared"|"slave"|"private"|
//                         "unbindable"}] in ListMounts() order (or null).
//                       A mount both shared and a slave reports "shared".
//   "sysctls":          {"KEY": "value" | null} per --sysctl.
//   "files":            {"PATH": {
//       "exists": bool (the stat, not following a final symlink, worked),
//       "errno": errno name of that stat ("ENOENT") or null,
//       "type": "dir"|"file"|"chr"|"blk"|"link"|"fifo"|"sock" or null,
//       "mode": permission bits (07777) or null, "uid", "gid": or null,
//       "major", "minor": device numbers for chr/blk, else null,
//       "read_errno": null when open O_RDONLY (and, for a regular file, a
//                     read) worked, else the errno name ("EACCES"),
//       "content": the first 256 bytes read of a regular file, else null,
//       "write_errno": null when open O_WRONLY worked (closed without
//                     writing, never truncated), else the errno name,
//       "dir_entries": number of entries but . and .. of a directory, else
//                     null,
//       "write_result": only for --write-file: null when the create and
//                     the write worked, else the errno name ("EROFS")}}.
// Errno names are those of ErrnoName (hostapi/status.h); an error without
// an errno is "EIO".
#ifndef RUNBOX_CONFORMANCE_PROBE_PROBE_H_
#define RUNBOX_CONFORMANCE_PROBE_PROBE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fakes/fake_kernel.h"
#include "hostapi/host.h"

namespace runbox::conformance {

// The name the probe is registered under in a DualHost / fake kernel.
inline constexpr absl::string_view kProbeProgram = "probe";

// Runs the probe with `argv` ([0] is the program name).
int ProbeMain(Host& host, const std::vector<std::string>& argv);

// ProbeMain as a fake-kernel program.
fake::Program FakeProbe();

}  // namespace runbox::conformance

#endif  // RUNBOX_CONFORMANCE_PROBE_PROBE_H_
