// Shared harness for the end-to-end engine suites (podman, containerd,
// dockerd): real engines drive the built runbox binary through a wrapper
// that records every command line it gets. Processes and files go through
// the host API (LinuxHost); nothing here makes system calls itself.
#ifndef RUNBOX_RUNTIME_CLI_ENGINES_ENGINE_HARNESS_H_
#define RUNBOX_RUNTIME_CLI_ENGINES_ENGINE_HARNESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace runbox::engines {

// Empty when the test can run; else the reason to GTEST_SKIP (not root, or
// a tool missing). Also checks that the built runbox binary is present.
std::string MissingPrerequisite(
    const std::vector<std::string>& absolute_tool_paths);

// What one command did. exit_code is the shell convention (128 + signal
// for a process killed by a signal).
struct CommandResult {
  int exit_code = -1;
  std::string out, err;
  // The command's exit code, stdout and stderr, for failure messages.
  std::string Describe() const;
};

struct RunOptions {
  // "KEY=value" entries added to the test's environment.
  std::vector<std::string> extra_env;
  // Written to the command's stdin, which is then closed.
  std::string stdin_text;
  absl::Duration timeout = absl::Seconds(120);
};

// Runs argv (argv[0] an absolute path), captures stdout/stderr, kills it
// (and fails DEADLINE_EXCEEDED, with the output so far in the message)
// after options.timeout. Like RunProgram, it stops reading once the command
// has exited and its pipes are drained, even if a daemon it started still
// holds them open.
absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                  const RunOptions& options = {});

// A fresh empty directory (mode 0700) for one test under $TEST_TMPDIR (or
// /tmp), named `prefix` plus a random suffix, made through the host API.
std::string MakeTempDir(absl::string_view prefix);

// Writes DIR/runbox, a /bin/sh wrapper that appends its argv to
// DIR/argv.log and then execs the built runbox binary (LinuxRunboxPath())
// with the same args. Returns the wrapper's path.
//
// argv.log holds one line per call: the number of args, a space, then each
// arg followed by one space, with '%', space, tab, CR and LF in an arg
// written as %25, %20, %09, %0D and %0A. So `runbox kill c1 15` is the line
// "3 kill c1 15 ".
std::string WriteRunboxWrapper(const std::string& dir);

// The recorded calls in DIR/argv.log, each the list of args after argv[0]
// (empty when nothing was recorded).
std::vector<std::vector<std::string>> RecordedCalls(const std::string& dir);

// The calls one per line, args separated by spaces (for logs and docs).
std::string FormatCalls(const std::vector<std::vector<std::string>>& calls);

// One recorded call split as runbox reads it: the global flags (`--root
// R`, `--log F`, `--log-format json`, `--log-format=json`, `--debug`...),
// the subcommand, and the words after it.
size_t SubcommandIndex(const std::vector<std::string>& call);
std::string Subcommand(const std::vector<std::string>& call);
std::vector<std::string> GlobalArgs(const std::vector<std::string>& call);
std::vector<std::string> SubcommandArgs(const std::vector<std::string>& call);

// The mount points (from /proc/self/mountinfo, octal escapes of blanks
// undone) at or below any of `dirs`, in mount order: what a test must not
// leave behind.
std::vector<std::string> MountsUnder(const std::vector<std::string>& dirs);

// A busybox rootfs in `dir` (created if missing) from busybox-static's
// /bin/busybox: /bin/busybox with applet symlinks for sh, echo, cat, sleep,
// ls, ps, id, hostname, nc, top, true, false, mkdir; /etc/passwd and
// /etc/group for root and nobody; empty /proc, /sys, /dev, /tmp, /root.
absl::Status MakeBusyboxRootfs(const std::string& dir);

// `tar -C dir -cf tar_path .`
absl::Status TarDirectory(const std::string& dir, const std::string& tar_path);

}  // namespace runbox::engines

#endif  // RUNBOX_RUNTIME_CLI_ENGINES_ENGINE_HARNESS_H_
