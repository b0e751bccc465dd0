// Stand-ins for a container image's programs in the fake kernel: a
// busybox-like multi-call program (sh -c with echo, exit N, sleep, cat,
// true, false, trap) that dispatches on the basename of argv[0], a hook
// recorder (an OCI hook that logs how it was run, the same code on both
// hosts), and a rootfs builder that works on both hosts (with the real
// /bin/busybox on Linux), so lifecycle suites run one bundle recipe
// everywhere.
#ifndef RUNBOX_RUNTIME_TESTING_FAKE_PROGRAMS_H_
#define RUNBOX_RUNTIME_TESTING_FAKE_PROGRAMS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fakes/fake_kernel.h"
#include "hostapi/host.h"

namespace runbox {

inline constexpr absl::string_view kFakeBusyboxProgram = "busybox";

// The applets both busyboxes provide and MakeBusyboxRootfs links.
absl::Span<const absl::string_view> BusyboxApplets();

// The multi-call program. Applets:
//   sh -c SCRIPT   commands separated by ';' or newlines, words by blanks,
//                  '...' and "..." group words (no escapes; the only
//                  expansion is `$((A+B-C))` of integers); builtins below
//                  plus `exit [N]` and `trap '' SIG...` (ignore those
//                  signals); an unknown command is 127. `A && B`, `A || B`,
//                  `CMD &` (background) and `A | B` (a pipeline of two
//                  commands) work; background jobs and pipeline stages are
//                  subshells (the program re-executed through
//                  OpenSelfExe). Quotes do not protect ';', '&' or '|'.
//   sh             the same, read from stdin a line at a time as it
//                  arrives (a shell on a console), until exit or EOF.
//   echo [-n] WORDS, cat [FILE...] (stdin without files), sleep SECONDS
//   (virtual time on the fake), true, false.
//   nc -l -p PORT  listen on 127.0.0.1:PORT and accept one connection;
//   nc 127.0.0.1 PORT  connect (refused: "nc: can't connect to remote host
//                  (127.0.0.1): Connection refused" on stderr, exit 1).
//                  Then, as busybox: stdin goes to the connection (its EOF
//                  shuts down writing), the connection to stdout, until the
//                  connection's EOF (exit 0).
int FakeBusyboxMain(Host& host, const std::vector<std::string>& argv);
fake::Program FakeBusybox();

inline constexpr absl::string_view kHookRecorderProgram = "hook_recorder";

// What the hook recorder learns beyond the host API, where a host can tell
// (each may be unset).
struct RecorderProbes {
  // The argv of process `pid` as the caller sees it; empty when unknown.
  std::function<std::vector<std::string>(Host& host, Pid pid)> argv_of;
  // Whether the caller's fd 0 is in non-blocking mode; nullopt if unknown.
  std::function<std::optional<bool>(Host& host)> stdin_nonblocking;
};

// A stand-in for an OCI hook that records how the runtime ran it. On Linux
// it is the static binary //runtime/testing:hook_recorder (so it also runs
// inside a busybox rootfs); on the fake, FakeHookRecorder. argv:
//   [0] anything  [1] PHASE  [2] LOG  [3] optional: an exit code, or "hang"
// It reads stdin to EOF (waiting for input if it finds its stdin
// non-blocking), then appends one JSON line to LOG (O_APPEND):
//   {"phase": PHASE, "argv": [...], "env": [...], "stdin": "...",
//    "pid": its own pid, "stdin_eagain": a read of stdin said EAGAIN,
//    "stdin_nonblocking": probe result or null, "target_argv": [...]}
// where target_argv is what `argv_of` gives for the pid the state JSON on
// stdin names: what the container process was running when the hook ran.
// Then it exits 0; or, with a code N != 0, writes "hook_recorder: PHASE
// exits N" on stderr and exits N; or, for "hang", sleeps forever. Bad
// arguments or an unwritable LOG exit 125.
int HookRecorderMain(Host& host, const std::vector<std::string>& argv,
                     const RecorderProbes& probes);
fake::Program FakeHookRecorder(RecorderProbes probes = {});

// The probes on Linux: /proc/<pid>/cmdline and /proc/self/fdinfo/0.
RecorderProbes LinuxRecorderProbes();
// /proc/<pid>/cmdline as arguments; empty when unreadable (or a zombie).
std::vector<std::string> ProcCmdline(Host& host, Pid pid);

// Registers the program in `kernel` and installs it as
// <rootfs_path>/bin/busybox and one executable per applet
// (<rootfs_path>/bin/sh, ...), for tests that drive a kernel themselves.
absl::Status RegisterFakeBusybox(fake::FakeKernel& kernel,
                                 absl::string_view rootfs_path);

// On either host, from inside a test body: makes `rootfs` (mkdir -p) with
// bin/busybox copied from `busybox_path` and bin/<applet> symlinks to it,
// plus the empty mount points a default config mounts on (proc, dev, sys,
// tmp). On Linux pass the static /bin/busybox; on the fake, the path where
// the "busybox" program is installed (DualHost::ProgramPath).
absl::Status MakeBusyboxRootfs(Host& host, absl::string_view busybox_path,
                               absl::string_view rootfs);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_TESTING_FAKE_PROGRAMS_H_
