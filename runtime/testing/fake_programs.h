// Stand-ins for a container image's programs in the fake kernel: a
// busybox-like multi-call program (sh -c with echo, exit N, sleep, cat,
// true, false, trap) that dispatches on the basename of argv[0], and a
// rootfs builder that works on both hosts (with the real /bin/busybox on
// Linux), so lifecycle suites run one bundle recipe everywhere.
#ifndef RUNBOX_RUNTIME_TESTING_FAKE_PROGRAMS_H_
#define RUNBOX_RUNTIME_TESTING_FAKE_PROGRAMS_H_

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
//                  '...' and "..." group words (no escapes, no expansion);
//                  builtins below plus `exit [N]` and `trap '' SIG...`
//                  (ignore those signals); an unknown command is 127.
//   echo [-n] WORDS, cat [FILE...] (stdin without files), sleep SECONDS
//   (virtual time on the fake), true, false.
int FakeBusyboxMain(Host& host, const std::vector<std::string>& argv);
fake::Program FakeBusybox();

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
