// The fake busybox, the hook recorder and the rootfs builder; see
// fake_programs.h.
#include "runtime/testing/fake_programs.h"

#include <cerrno>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {

constexpr absl::string_view kApplets[] = {"sh",    "echo", "cat",
                                          "sleep", "true", "false"};

const Fd& StdFd(int n) {
  static const Fd* const fds[] = {new Fd(0, nullptr), new Fd(1, nullptr),
                                  new Fd(2, nullptr)};
  return *fds[n];
}

void Print(Host& host, int fd, absl::string_view text) {
  (void)WriteAll(host, StdFd(fd), text);
}

absl::string_view Basename(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

int Echo(Host& host, const std::vector<std::string>& args) {
  bool newline = true;
  size_t first = 1;
  if (args.size() > 1 && args[1] == "-n") {
    newline = false;
    first = 2;
  }
  std::vector<std::string> words(args.begin() + first, args.end());
  Print(host, 1, absl::StrCat(absl::StrJoin(words, " "), newline ? "\n" : ""));
  return 0;
}

int Cat(Host& host, const std::vector<std::string>& args) {
  if (args.size() < 2) {
    absl::StatusOr<std::string> in = ReadAll(host, StdFd(0));
    if (!in.ok()) return 1;
    Print(host, 1, *in);
    return 0;
  }
  int code = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    absl::StatusOr<std::string> text =
        ReadFileAt(host, Fd::Cwd(), args[i], kUnbounded);
    if (!text.ok()) {
      Print(host, 2, absl::StrCat("cat: ", text.status().message(), "\n"));
      code = 1;
      continue;
    }
    Print(host, 1, *text);
  }
  return code;
}

int Sleep(Host& host, const std::vector<std::string>& args) {
  double seconds = 0;
  if (args.size() != 2 || !absl::SimpleAtod(args[1], &seconds) || seconds < 0) {
    Print(host, 2, "sleep: usage: sleep SECONDS\n");
    return 1;
  }
  host.SleepFor(absl::Seconds(seconds));
  return 0;
}

// `trap '' SIG...`: ignore the signals. Other actions are not modelled.
int Trap(Host& host, const std::vector<std::string>& args) {
  if (args.size() < 3 || !args[1].empty()) {
    Print(host, 2, "sh: trap: only `trap '' SIGNAL...` is supported\n");
    return 2;
  }
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<Signal> sig = ParseSignal(args[i]);
    if (!sig.has_value() ||
        !host.SetSignalDisposition(*sig, SignalDisposition::kIgnore).ok()) {
      Print(host, 2, absl::StrCat("sh: trap: bad signal ", args[i], "\n"));
      return 1;
    }
  }
  return 0;
}

// Splits one command into words: blanks separate, quotes group.
std::vector<std::string> SplitWords(absl::string_view command) {
  std::vector<std::string> words;
  std::optional<std::string> word;
  char quote = 0;
  for (char c : command) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word->push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      if (!word.has_value()) word.emplace();
    } else if (c == ' ' || c == '\t') {
      if (word.has_value()) words.push_back(*std::move(word));
      word.reset();
    } else {
      if (!word.has_value()) word.emplace();
      word->push_back(c);
    }
  }
  if (word.has_value()) words.push_back(*std::move(word));
  return words;
}

// `$((A+B-C))` with decimal integers becomes its value; anything else is
// left as written.
std::string ExpandArithmetic(absl::string_view text) {
  std::string out;
  while (true) {
    size_t open = text.find("$((");
    size_t close =
        open == absl::string_view::npos ? open : text.find("))", open);
    if (close == absl::string_view::npos) break;
    absl::string_view expr = text.substr(open + 3, close - open - 3);
    int64_t value = 0;
    int64_t term = 0;
    int sign = 1;
    bool ok = true;
    size_t start = 0;
    for (size_t i = 0; i <= expr.size() && ok; ++i) {
      if (i < expr.size() && expr[i] != '+' && expr[i] != '-') continue;
      ok = absl::SimpleAtoi(expr.substr(start, i - start), &term);
      value += sign * term;
      if (i < expr.size()) sign = expr[i] == '+' ? 1 : -1;
      start = i + 1;
    }
    absl::StrAppend(&out, text.substr(0, open));
    if (ok) {
      absl::StrAppend(&out, value);
    } else {
      absl::StrAppend(&out, text.substr(open, close + 2 - open));
    }
    text.remove_prefix(close + 2);
  }
  absl::StrAppend(&out, text);
  return out;
}

int RunApplet(Host& host, const std::vector<std::string>& args);

// Runs `script` after `status`; `exited` says whether an `exit` ended it.
int RunScript(Host& host, absl::string_view script, int status,
              bool& exited) {
  for (absl::string_view command :
       absl::StrSplit(script, absl::ByAnyChar(";\n"))) {
    std::vector<std::string> words = SplitWords(ExpandArithmetic(command));
    if (words.empty()) continue;
    if (words[0] == "exit") {
      int code = status;
      if (words.size() > 1 && !absl::SimpleAtoi(words[1], &code)) code = 2;
      exited = true;
      return code & 0xff;
    }
    if (words[0] == "trap") {
      status = Trap(host, words);
    } else {
      status = RunApplet(host, words);
    }
  }
  return status;
}

// `sh` without -c: commands from stdin, a line at a time as they arrive
// (an interactive shell on a console), until `exit` or end of input.
int InteractiveShell(Host& host) {
  std::string pending;
  int status = 0;
  char buf[256];
  while (true) {
    size_t newline = pending.find_first_of("\r\n");
    if (newline != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      bool exited = false;
      status = RunScript(host, line, status, exited);
      if (exited) return status;
      continue;
    }
    absl::StatusOr<size_t> n = host.Read(StdFd(0), absl::MakeSpan(buf));
    if (IsErrno(n, EINTR)) continue;
    if (IsErrno(n, EAGAIN)) {
      PollFd in{&StdFd(0), PollEvents::kIn};
      if (!host.Poll(absl::MakeSpan(&in, 1), std::nullopt).ok()) return 1;
      continue;
    }
    if (!n.ok() || *n == 0) {
      bool exited = false;
      return RunScript(host, pending, status, exited);
    }
    pending.append(buf, *n);
  }
}

int Shell(Host& host, const std::vector<std::string>& args) {
  if (args.size() == 1) return InteractiveShell(host);
  if (args.size() < 3 || args[1] != "-c") {
    Print(host, 2, "sh: only `sh -c SCRIPT` and `sh` are supported\n");
    return 2;
  }
  bool exited = false;
  return RunScript(host, args[2], 0, exited);
}

int RunApplet(Host& host, const std::vector<std::string>& args) {
  absl::string_view name = Basename(args[0]);
  if (name == "busybox" && args.size() > 1) {
    return RunApplet(host,
                     std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (name == "sh") return Shell(host, args);
  if (name == "echo") return Echo(host, args);
  if (name == "cat") return Cat(host, args);
  if (name == "sleep") return Sleep(host, args);
  if (name == "true") return 0;
  if (name == "false") return 1;
  Print(host, 2, absl::StrCat("sh: ", args[0], ": not found\n"));
  return 127;
}

}  // namespace

absl::Span<const absl::string_view> BusyboxApplets() { return kApplets; }

namespace {

// Reads fd 0 to EOF. A non-blocking stdin (EAGAIN) is waited out with
// poll, and noted: a hook written for a blocking stdin would fail there.
absl::StatusOr<std::string> ReadStdin(Host& host, bool& saw_eagain) {
  std::string text;
  char buf[4096];
  while (true) {
    absl::StatusOr<size_t> n = host.Read(StdFd(0), absl::MakeSpan(buf));
    if (IsErrno(n, EINTR)) continue;
    if (IsErrno(n, EAGAIN)) {
      saw_eagain = true;
      PollFd in{&StdFd(0), PollEvents::kIn};
      RETURN_IF_ERROR(host.Poll(absl::MakeSpan(&in, 1), std::nullopt).status());
      continue;
    }
    RETURN_IF_ERROR(n.status());
    if (*n == 0) return text;
    text.append(buf, *n);
  }
}

}  // namespace

int HookRecorderMain(Host& host, const std::vector<std::string>& argv,
                     const RecorderProbes& probes) {
  constexpr int kBadUse = 125;
  if (argv.size() < 3 || argv.size() > 4) {
    Print(host, 2,
          "hook_recorder: usage: hook_recorder PHASE LOG [CODE|hang]\n");
    return kBadUse;
  }
  const std::string& phase = argv[1];
  int code = 0;
  const bool hang = argv.size() == 4 && argv[3] == "hang";
  if (argv.size() == 4 && !hang && !absl::SimpleAtoi(argv[3], &code)) {
    Print(host, 2,
          absl::StrCat("hook_recorder: bad exit code \"", argv[3], "\"\n"));
    return kBadUse;
  }
  // Probed before reading: the mode is the runtime's choice, not ours.
  std::optional<bool> nonblocking;
  if (probes.stdin_nonblocking) nonblocking = probes.stdin_nonblocking(host);
  bool saw_eagain = false;
  absl::StatusOr<std::string> input = ReadStdin(host, saw_eagain);
  if (!input.ok()) {
    Print(host, 2,
          absl::StrCat("hook_recorder: read stdin: ", input.status().message(),
                       "\n"));
    return kBadUse;
  }

  nlohmann::json record;
  record["phase"] = phase;
  record["argv"] = argv;
  record["env"] = host.Environment();
  record["stdin"] = *input;
  record["pid"] = host.GetPid().value;
  record["stdin_eagain"] = saw_eagain;
  record["stdin_nonblocking"] =
      nonblocking ? nlohmann::json(*nonblocking) : nlohmann::json();
  nlohmann::json state = nlohmann::json::parse(*input, nullptr,
                                               /*allow_exceptions=*/false);
  if (probes.argv_of && state.is_object() && state.contains("pid") &&
      state["pid"].is_number_integer()) {
    record["target_argv"] = probes.argv_of(host, Pid{state["pid"].get<int>()});
  }
  absl::StatusOr<Fd> log = host.OpenAt(
      Fd::Cwd(), argv[2],
      {.flags = OpenFlags::kWriteOnly | OpenFlags::kAppend | OpenFlags::kCreate,
       .mode = 0644});
  absl::Status written =
      log.ok()
          ? WriteAll(host, *log,
                     absl::StrCat(
                         record.dump(-1, ' ', false,
                                     nlohmann::json::error_handler_t::replace),
                         "\n"))
          : log.status();
  if (written.ok()) written = host.Close(*std::move(log));
  if (!written.ok()) {
    Print(host, 2,
          absl::StrCat("hook_recorder: log \"", argv[2],
                       "\": ", written.message(), "\n"));
    return kBadUse;
  }

  if (hang) {
    // Until the runtime kills it (a hook's timeout).
    while (true) host.SleepFor(absl::Hours(24));
  }
  if (code != 0) {
    Print(host, 2,
          absl::StrCat("hook_recorder: ", phase, " exits ", code, "\n"));
  }
  return code;
}

fake::Program FakeHookRecorder(RecorderProbes probes) {
  return [probes = std::move(probes)](Host& host,
                                      const std::vector<std::string>& argv) {
    return HookRecorderMain(host, argv, probes);
  };
}

std::vector<std::string> ProcCmdline(Host& host, Pid pid) {
  absl::StatusOr<std::string> text = ReadFileAt(
      host, Fd::Cwd(), absl::StrCat("/proc/", pid.value, "/cmdline"), 1 << 20);
  if (!text.ok() || text->empty()) return {};
  // NUL-terminated arguments.
  if (text->back() == '\0') text->pop_back();
  return absl::StrSplit(*text, '\0');
}

RecorderProbes LinuxRecorderProbes() {
  RecorderProbes probes;
  probes.argv_of = ProcCmdline;
  probes.stdin_nonblocking = [](Host& host) -> std::optional<bool> {
    // "flags:\t0104002": the open file's flags, in octal.
    absl::StatusOr<std::string> info =
        ReadFileAt(host, Fd::Cwd(), "/proc/self/fdinfo/0", 1 << 16);
    if (!info.ok()) return std::nullopt;
    for (absl::string_view line : absl::StrSplit(*info, '\n')) {
      if (!absl::ConsumePrefix(&line, "flags:")) continue;
      line = absl::StripAsciiWhitespace(line);
      if (line.empty()) return std::nullopt;
      int flags = 0;
      for (char c : line) {
        if (c < '0' || c > '7') return std::nullopt;
        flags = flags * 8 + (c - '0');
      }
      // O_NONBLOCK on x86 and arm (<fcntl.h> is for hostapi/linux only).
      constexpr int kLinuxNonBlock = 04000;
      return (flags & kLinuxNonBlock) != 0;
    }
    return std::nullopt;
  };
  return probes;
}

int FakeBusyboxMain(Host& host, const std::vector<std::string>& argv) {
  if (argv.empty()) return 127;
  return RunApplet(host, argv);
}

fake::Program FakeBusybox() { return FakeBusyboxMain; }

absl::Status RegisterFakeBusybox(fake::FakeKernel& kernel,
                                 absl::string_view rootfs_path) {
  kernel.RegisterProgram(kFakeBusyboxProgram, FakeBusybox());
  RETURN_IF_ERROR(kernel.InstallProgram(
      absl::StrCat(rootfs_path, "/bin/busybox"), kFakeBusyboxProgram));
  for (absl::string_view applet : kApplets) {
    RETURN_IF_ERROR(kernel.InstallProgram(
        absl::StrCat(rootfs_path, "/bin/", applet), kFakeBusyboxProgram));
  }
  return absl::OkStatus();
}

absl::Status MakeBusyboxRootfs(Host& host, absl::string_view busybox_path,
                               absl::string_view rootfs) {
  std::string bin = absl::StrCat(rootfs, "/bin");
  RETURN_IF_ERROR(MakeDirs(host, Fd::Cwd(), bin, 0755));
  for (absl::string_view dir : {"proc", "dev", "sys", "tmp"}) {
    RETURN_IF_ERROR(
        MakeDirs(host, Fd::Cwd(), absl::StrCat(rootfs, "/", dir), 0755));
  }
  ASSIGN_OR_RETURN(std::string binary,
                   ReadFileAt(host, Fd::Cwd(), busybox_path, kUnbounded));
  ASSIGN_OR_RETURN(Fd bin_dir, host.OpenAt(Fd::Cwd(), bin,
                                           {.flags = OpenFlags::kDirectory}));
  {
    ASSIGN_OR_RETURN(
        Fd out, host.OpenAt(bin_dir, "busybox",
                            {.flags = OpenFlags::kWriteOnly |
                                      OpenFlags::kCreate | OpenFlags::kTruncate,
                             .mode = 0755}));
    RETURN_IF_ERROR(WriteAll(host, out, binary));
    RETURN_IF_ERROR(host.Fchmod(out, 0755));
    RETURN_IF_ERROR(host.Close(std::move(out)));
  }
  for (absl::string_view applet : kApplets) {
    RETURN_IF_ERROR(host.SymlinkAt("busybox", bin_dir, applet));
  }
  return absl::OkStatus();
}

}  // namespace runbox
