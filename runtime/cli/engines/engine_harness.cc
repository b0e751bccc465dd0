// The engine suites' harness (engine_harness.h): a timeout-capable command
// runner on the host API, the argv-recording runbox wrapper, and a busybox
// image rootfs.
#include "runtime/cli/engines/engine_harness.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "hostapi/host.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/testing/cli_runner.h"

namespace runbox::engines {
namespace {

bool Exists(Host& host, const std::string& path) {
  return host.StatAt(Fd::Cwd(), path, FollowSymlinks::kFollow).ok();
}

// `path` made absolute against the working directory.
std::string Absolute(Host& host, const std::string& path) {
  if (absl::StartsWith(path, "/")) return path;
  absl::StatusOr<std::string> cwd = host.GetCwd();
  if (!cwd.ok()) return path;
  return absl::StrCat(*cwd, "/", path);
}

// Single-quotes `text` for /bin/sh.
std::string ShellQuote(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

std::string DecodeArg(absl::string_view encoded) {
  return absl::StrReplaceAll(encoded, {{"%20", " "},
                                       {"%09", "\t"},
                                       {"%0D", "\r"},
                                       {"%0A", "\n"},
                                       {"%25", "%"}});
}

absl::Status WriteExecutable(Host& host, const std::string& path,
                             absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      Fd fd, host.OpenAt(Fd::Cwd(), path,
                         {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                   OpenFlags::kTruncate,
                          .mode = 0755}));
  RETURN_IF_ERROR(WriteAll(host, fd, bytes));
  RETURN_IF_ERROR(host.Fchmod(fd, 0755));
  return host.Close(std::move(fd));
}

}  // namespace

std::string MissingPrerequisite(
    const std::vector<std::string>& absolute_tool_paths) {
  LinuxHost host;
  if (host.GetUid() != 0) return "needs root (real engines and cgroups)";
  for (const std::string& tool : absolute_tool_paths) {
    if (!Exists(host, tool)) return absl::StrCat("needs ", tool, " (missing)");
  }
  std::string runbox = LinuxRunboxPath();
  if (!Exists(host, runbox)) {
    return absl::StrCat("needs the built runbox at ", runbox);
  }
  return "";
}

std::string CommandResult::Describe() const {
  return absl::StrCat("exit code ", exit_code, "\nstdout: ", out,
                      "\nstderr: ", err);
}

absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                  const RunOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("Run: empty argv");
  LinuxHost host;
  // A command that exits without reading its stdin must not kill the test.
  RETURN_IF_ERROR(
      host.SetSignalDisposition(Signal::kPipe, SignalDisposition::kIgnore));
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds err, host.Pipe());
  SpawnRequest request;
  request.path = argv[0];
  request.argv = argv;
  request.env = host.Environment();
  request.env.insert(request.env.end(), options.extra_env.begin(),
                     options.extra_env.end());
  request.fds = {{&in.read, 0}, {&out.write, 1}, {&err.write, 2}};
  request.want_pidfd = true;
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(request));
  in.read.Reset();
  out.write.Reset();
  err.write.Reset();

  absl::string_view pending_stdin = options.stdin_text;
  bool stdin_open = !pending_stdin.empty();
  if (stdin_open) {
    RETURN_IF_ERROR(host.SetNonBlocking(in.write, true));
  } else {
    in.write.Reset();
  }

  const absl::Duration deadline = host.MonotonicNow() + options.timeout;
  CommandResult result;
  const Fd* pipes[] = {&out.read, &err.read};
  std::string* sinks[] = {&result.out, &result.err};
  bool open[] = {true, true};
  bool exited = false;
  bool timed_out = false;
  while (!exited || open[0] || open[1]) {
    std::vector<PollFd> fds;
    std::vector<int> which;  // 0, 1: out, err; 2: stdin; 3: the pidfd.
    for (int i = 0; i < 2; ++i) {
      if (!open[i]) continue;
      fds.push_back({.fd = pipes[i], .events = PollEvents::kIn});
      which.push_back(i);
    }
    if (stdin_open && !exited) {
      fds.push_back({.fd = &in.write, .events = PollEvents::kOut});
      which.push_back(2);
    }
    if (!exited) {
      fds.push_back({.fd = &child.pidfd, .events = PollEvents::kIn});
      which.push_back(3);
    }
    // Once the command has exited, take only what is already there: a
    // daemon it started may hold the pipes open for much longer.
    absl::Duration timeout = absl::ZeroDuration();
    if (!exited) {
      timeout = std::max(deadline - host.MonotonicNow(), absl::ZeroDuration());
    }
    absl::StatusOr<int> ready = host.Poll(absl::MakeSpan(fds), timeout);
    if (IsErrno(ready, EINTR)) continue;
    RETURN_IF_ERROR(ready.status());
    if (*ready == 0) {
      if (exited) break;
      timed_out = true;
      break;
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == PollEvents::kNone) continue;
      switch (which[k]) {
        case 0:
        case 1: {
          char buf[4096];
          absl::StatusOr<size_t> n = host.Read(*pipes[which[k]], buf);
          if (IsErrno(n, EINTR) || IsErrno(n, EAGAIN)) break;
          RETURN_IF_ERROR(n.status());
          if (*n == 0) open[which[k]] = false;
          sinks[which[k]]->append(buf, *n);
          break;
        }
        case 2: {
          absl::StatusOr<size_t> n = host.Write(
              in.write, absl::MakeConstSpan(
                            pending_stdin.data(),
                            std::min<size_t>(pending_stdin.size(), 4096)));
          if (IsErrno(n, EINTR) || IsErrno(n, EAGAIN)) break;
          if (!n.ok()) {  // EPIPE: the command stopped reading.
            pending_stdin = {};
          } else {
            pending_stdin.remove_prefix(*n);
          }
          if (pending_stdin.empty()) {
            stdin_open = false;
            in.write.Reset();
          }
          break;
        }
        case 3:
          exited = true;
          break;
      }
    }
  }
  if (timed_out) {
    absl::Status killed = host.PidfdSendSignal(child.pidfd, Signal::kKill);
    if (!killed.ok() && !IsErrno(killed, ESRCH)) return killed;
  }
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host.Wait(child.pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  RETURN_IF_ERROR(waited.status());
  if (!waited->has_value()) return absl::InternalError("wait: no status");
  result.exit_code = (*waited)->status.ShellCode();
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(
        absl::StrJoin(argv, " "), ": killed after ",
        absl::FormatDuration(options.timeout), "\nstdout so far: ", result.out,
        "\nstderr so far: ", result.err));
  }
  return result;
}

std::string MakeTempDir(absl::string_view prefix) {
  LinuxHost host;
  std::string base = EnvValue("TEST_TMPDIR");
  if (base.empty()) base = "/tmp";
  absl::Status made = MakeDirs(host, Fd::Cwd(), base, 0755);
  EXPECT_TRUE(made.ok()) << base << ": " << made;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string path = absl::StrCat(base, "/", prefix, "-",
                                    absl::Hex(host.RandomUint64() & 0xffffff));
    absl::Status status = host.MkdirAt(Fd::Cwd(), path, 0700);
    if (status.ok()) return path;
    if (!IsErrno(status, EEXIST)) {
      ADD_FAILURE() << "mkdir " << path << ": " << status;
      return "";
    }
  }
  ADD_FAILURE() << "no free temp dir name under " << base;
  return "";
}

std::string WriteRunboxWrapper(const std::string& dir) {
  LinuxHost host;
  const std::string log = absl::StrCat(dir, "/argv.log");
  const std::string wrapper = absl::StrCat(dir, "/runbox");
  const std::string runbox = Absolute(host, LinuxRunboxPath());
  // One pipeline encodes every arg: NUL-separated into sed -z, which
  // escapes %, space, tab, CR and LF, then NULs become the separating
  // spaces. The line goes out in one append (one `write`(2) of the builtin
  // printf), so concurrent calls do not interleave.
  std::string script = absl::StrCat(
      "#!/bin/sh\n"
      "# Records each call, then runs the built runbox (engine_harness.h).\n"
      "enc=$(printf '%s\\0' \"$@\" | /bin/sed -z -e 's/%/%25/g' "
      "-e 's/ /%20/g' -e 's/\\t/%09/g' -e 's/\\r/%0D/g' -e 's/\\n/%0A/g' "
      "| /usr/bin/tr '\\0' ' ')\n"
      "printf '%s %s\\n' \"$#\" \"$enc\" >> ",
      ShellQuote(log),
      "\n"
      "exec ",
      ShellQuote(runbox), " \"$@\"\n");
  absl::Status written = WriteExecutable(host, wrapper, script);
  EXPECT_TRUE(written.ok()) << wrapper << ": " << written;
  return wrapper;
}

std::vector<std::vector<std::string>> RecordedCalls(const std::string& dir) {
  LinuxHost host;
  std::vector<std::vector<std::string>> calls;
  absl::StatusOr<std::string> text =
      ReadFile(host, absl::StrCat(dir, "/argv.log"));
  if (IsErrno(text, ENOENT)) return calls;
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return calls;
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    int count = 0;
    if (fields.empty() || !absl::SimpleAtoi(fields[0], &count) || count < 0 ||
        static_cast<size_t>(count) + 1 > fields.size()) {
      ADD_FAILURE() << "malformed argv.log line: " << line;
      continue;
    }
    std::vector<std::string> args;
    for (int i = 1; i <= count; ++i) args.push_back(DecodeArg(fields[i]));
    calls.push_back(std::move(args));
  }
  return calls;
}

std::string FormatCalls(const std::vector<std::vector<std::string>>& calls) {
  std::string text;
  for (const std::vector<std::string>& call : calls) {
    absl::StrAppend(&text, "runbox ", absl::StrJoin(call, " "), "\n");
  }
  return text;
}

absl::Status MakeBusyboxRootfs(const std::string& dir) {
  LinuxHost host;
  RETURN_IF_ERROR(MakeDirs(host, Fd::Cwd(), dir, 0755));
  for (const char* sub : {"bin", "etc", "proc", "sys", "dev", "tmp", "root"}) {
    RETURN_IF_ERROR(
        MakeDirs(host, Fd::Cwd(), absl::StrCat(dir, "/", sub), 0755));
  }
  ASSIGN_OR_RETURN(std::string busybox,
                   ReadFileAt(host, Fd::Cwd(), "/bin/busybox", kUnbounded));
  RETURN_IF_ERROR(
      WriteExecutable(host, absl::StrCat(dir, "/bin/busybox"), busybox));
  for (const char* applet :
       {"sh", "echo", "cat", "sleep", "ls", "ps", "id", "hostname", "nc", "top",
        "true", "false", "mkdir"}) {
    RETURN_IF_ERROR(host.SymlinkAt("busybox", Fd::Cwd(),
                                   absl::StrCat(dir, "/bin/", applet)));
  }
  RETURN_IF_ERROR(WriteFile(host, absl::StrCat(dir, "/etc/passwd"),
                            "root:x:0:0:root:/root:/bin/sh\n"
                            "nobody:x:65534:65534:nobody:/nonexistent:"
                            "/bin/false\n"));
  RETURN_IF_ERROR(WriteFile(host, absl::StrCat(dir, "/etc/group"),
                            "root:x:0:\nnobody:x:65534:\n"));
  return absl::OkStatus();
}

absl::Status TarDirectory(const std::string& dir, const std::string& tar_path) {
  ASSIGN_OR_RETURN(CommandResult tar,
                   Run({"/usr/bin/tar", "-C", dir, "-cf", tar_path, "."}));
  if (tar.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("tar -C ", dir, " -cf ", tar_path, ": ", tar.Describe()));
  }
  return absl::OkStatus();
}

size_t SubcommandIndex(const std::vector<std::string>& call) {
  size_t i = 0;
  while (i < call.size() && absl::StartsWith(call[i], "-")) {
    const std::string& flag = call[i];
    const bool takes_value =
        flag == "--log" || flag == "--root" || flag == "--log-format";
    i += takes_value ? 2 : 1;
  }
  return i;
}

std::string Subcommand(const std::vector<std::string>& call) {
  size_t i = SubcommandIndex(call);
  return i < call.size() ? call[i] : "";
}

std::vector<std::string> GlobalArgs(const std::vector<std::string>& call) {
  return std::vector<std::string>(call.begin(),
                                  call.begin() + SubcommandIndex(call));
}

std::vector<std::string> SubcommandArgs(const std::vector<std::string>& call) {
  size_t i = SubcommandIndex(call);
  if (i >= call.size()) return {};
  return std::vector<std::string>(call.begin() + i + 1, call.end());
}

std::vector<std::string> MountsUnder(const std::vector<std::string>& dirs) {
  LinuxHost host;
  std::vector<std::string> found;
  absl::StatusOr<std::string> text = ReadFile(host, "/proc/self/mountinfo");
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return found;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    if (fields.size() < 5) continue;
    std::string point = absl::StrReplaceAll(
        fields[4], {{"\\040", " "}, {"\\011", "\t"}, {"\\012", "\n"}});
    for (const std::string& dir : dirs) {
      if (!dir.empty() &&
          (point == dir || absl::StartsWith(point, absl::StrCat(dir, "/")))) {
        found.push_back(point);
        break;
      }
    }
  }
  return found;
}

}  // namespace runbox::engines
