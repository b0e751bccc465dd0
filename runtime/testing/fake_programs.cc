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

constexpr absl::string_view kApplets[] = {"sh",   "echo",  "cat", "sleep",
                                          "true", "false", "nc"};

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

// The strerror text of a failed call, as busybox's messages end.
std::string ErrorText(const absl::Status& status) {
  switch (ErrnoOf(status)) {
    case ECONNREFUSED:
      return "Connection refused";
    case ENETUNREACH:
      return "Network is unreachable";
    case EADDRINUSE:
      return "Address already in use";
    case EADDRNOTAVAIL:
      return "Cannot assign requested address";
    case EACCES:
      return "Permission denied";
    default:
      return std::string(status.message());
  }
}

// busybox nc's loop, both ways at once: stdin to the connection (at
// stdin's EOF, shut down writing and stop reading stdin), the connection to
// stdout; ends at the connection's EOF. Like busybox, stdin is served
// before the connection when both are ready.
int Relay(Host& host, const Fd& conn) {
  bool stdin_open = true;
  char buf[4096];
  while (true) {
    PollFd fds[2] = {{&StdFd(0), PollEvents::kIn}, {&conn, PollEvents::kIn}};
    absl::Span<PollFd> polled =
        stdin_open ? absl::MakeSpan(fds, 2) : absl::MakeSpan(fds + 1, 1);
    absl::StatusOr<int> ready = host.Poll(polled, std::nullopt);
    if (IsErrno(ready, EINTR)) continue;
    if (!ready.ok()) return 1;
    if (stdin_open && fds[0].revents != PollEvents::kNone) {
      absl::StatusOr<size_t> n = host.Read(StdFd(0), absl::MakeSpan(buf));
      if (IsErrno(n, EINTR) || IsErrno(n, EAGAIN)) continue;
      if (!n.ok() || *n == 0) {
        // Close our half so the peer gets EOF; keep reading its replies.
        (void)host.Shutdown(conn, ShutdownHow::kWrite);
        stdin_open = false;
      } else if (!WriteAll(host, conn, absl::string_view(buf, *n)).ok()) {
        return 1;
      }
      continue;
    }
    if (fds[1].revents != PollEvents::kNone) {
      absl::StatusOr<size_t> n = host.Read(conn, absl::MakeSpan(buf));
      if (IsErrno(n, EINTR) || IsErrno(n, EAGAIN)) continue;
      // EOF, or an error such as a reset: busybox ends with 0 either way.
      if (!n.ok() || *n == 0) return 0;
      if (!WriteAll(host, StdFd(1), absl::string_view(buf, *n)).ok()) {
        return 1;
      }
    }
  }
}

int NcUsage(Host& host) {
  Print(host, 2,
        "BusyBox nc (fake): usage: nc -l -p PORT | nc 127.0.0.1 PORT\n");
  return 1;
}

// `nc -l -p PORT`: listen on 127.0.0.1:PORT (busybox listens on 0.0.0.0;
// loopback is what the hosts model) and accept one connection. `nc HOST
// PORT` (HOST 127.0.0.1 or localhost): connect. Then Relay.
int Nc(Host& host, const std::vector<std::string>& args) {
  bool listen = false;
  std::optional<std::string> port_text;
  std::vector<std::string> operands;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-l") {
      listen = true;
    } else if (args[i] == "-p" && i + 1 < args.size()) {
      port_text = args[++i];
    } else if (args[i] == "-lp" && i + 1 < args.size()) {
      listen = true;
      port_text = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      return NcUsage(host);
    } else {
      operands.push_back(args[i]);
    }
  }
  if (!listen) {
    if (operands.size() != 2 || port_text.has_value()) return NcUsage(host);
    port_text = operands[1];
  } else if (!operands.empty() || !port_text.has_value()) {
    return NcUsage(host);
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(*port_text, &port) || port > 65535) {
    Print(host, 2, absl::StrCat("nc: invalid number '", *port_text, "'\n"));
    return 1;
  }
  absl::StatusOr<Fd> sock = host.TcpSocket();
  if (!sock.ok()) {
    Print(host, 2,
          absl::StrCat("nc: socket: ", ErrorText(sock.status()), "\n"));
    return 1;
  }
  if (listen) {
    absl::Status s = host.BindLoopback(*sock, static_cast<uint16_t>(port));
    if (!s.ok()) {
      Print(host, 2, absl::StrCat("nc: bind: ", ErrorText(s), "\n"));
      return 1;
    }
    s = host.Listen(*sock, 1);
    if (!s.ok()) {
      Print(host, 2, absl::StrCat("nc: listen: ", ErrorText(s), "\n"));
      return 1;
    }
    absl::StatusOr<Fd> conn = host.Accept(*sock);
    if (!conn.ok()) {
      Print(host, 2,
            absl::StrCat("nc: accept: ", ErrorText(conn.status()), "\n"));
      return 1;
    }
    (void)host.Close(*std::move(sock));
    return Relay(host, *conn);
  }
  const std::string& address = operands[0];
  if (address != "127.0.0.1" && address != "localhost") {
    Print(host, 2, absl::StrCat("nc: bad address '", address, "'\n"));
    return 1;
  }
  absl::Status s = host.ConnectLoopback(*sock, static_cast<uint16_t>(port));
  if (!s.ok()) {
    Print(host, 2,
          absl::StrCat("nc: can't connect to remote host (127.0.0.1): ",
                       ErrorText(s), "\n"));
    return 1;
  }
  return Relay(host, *sock);
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

// Starts `sh -c COMMAND` as a child (our own executable again) with fds 0,
// 1 and 2 from `fds` (nullptr: ours).
absl::StatusOr<Pid> StartSubshell(Host& host, absl::string_view command,
                                  const Fd* in, const Fd* out) {
  ASSIGN_OR_RETURN(Fd exe, host.OpenSelfExe());
  SpawnRequest req;
  req.exec_fd = &exe;
  req.argv = {"sh", "-c", std::string(command)};
  req.env = host.Environment();
  req.fds = {{in != nullptr ? in : &StdFd(0), 0},
             {out != nullptr ? out : &StdFd(1), 1},
             {&StdFd(2), 2}};
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(req));
  return child.pid;
}

// The shell status of child `pid` once it ends (127 if it cannot be
// waited for).
int WaitStatus(Host& host, Pid pid) {
  while (true) {
    absl::StatusOr<std::optional<WaitResult>> r =
        host.Wait(pid, WaitFlags::kNone);
    if (IsErrno(r, EINTR)) continue;
    if (!r.ok() || !r->has_value()) return 127;
    return (*r)->status.ShellCode();
  }
}

// `LEFT | RIGHT`: both run as subshells, concurrently, LEFT's stdout into
// RIGHT's stdin; the status is RIGHT's.
int RunPipeline(Host& host, absl::string_view left, absl::string_view right) {
  absl::StatusOr<PipeFds> pipe = host.Pipe();
  if (!pipe.ok()) {
    Print(host, 2, "sh: can't create pipe\n");
    return 1;
  }
  absl::StatusOr<Pid> writer = StartSubshell(host, left, nullptr, &pipe->write);
  absl::StatusOr<Pid> reader = StartSubshell(host, right, &pipe->read, nullptr);
  pipe->write.Reset();
  pipe->read.Reset();
  int status = 127;
  if (writer.ok()) WaitStatus(host, *writer);
  if (reader.ok()) status = WaitStatus(host, *reader);
  if (!writer.ok() || !reader.ok()) {
    Print(host, 2, "sh: can't start the pipeline\n");
  }
  return status;
}

// One simple command or a pipeline of them, in the foreground.
int RunCommand(Host& host, absl::string_view command, int status,
               bool& exited) {
  std::vector<absl::string_view> stages = absl::StrSplit(command, '|');
  if (stages.size() > 2) {
    Print(host, 2, "sh: only a pipeline of two commands is supported\n");
    return 2;
  }
  if (stages.size() == 2) return RunPipeline(host, stages[0], stages[1]);
  std::vector<std::string> words = SplitWords(command);
  if (words.empty()) return status;
  if (words[0] == "exit") {
    int code = status;
    if (words.size() > 1 && !absl::SimpleAtoi(words[1], &code)) code = 2;
    exited = true;
    return code & 0xff;
  }
  if (words[0] == "trap") return Trap(host, words);
  return RunApplet(host, words);
}

// A command of a list and what follows it.
enum class Then { kEnd, kAnd, kOr, kBackground };
struct ListItem {
  std::string command;
  Then then = Then::kEnd;
};

// Splits one line at `&&`, `||` and `&` (quotes do not protect them; a
// single `|` stays in the command: a pipeline).
std::vector<ListItem> SplitList(absl::string_view line) {
  std::vector<ListItem> items(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    bool doubled = i + 1 < line.size() && line[i + 1] == c;
    if (c == '&' || (c == '|' && doubled)) {
      items.back().then = c == '|'  ? Then::kOr
                          : doubled ? Then::kAnd
                                    : Then::kBackground;
      if (doubled) ++i;
      items.emplace_back();
      continue;
    }
    items.back().command.push_back(c);
  }
  return items;
}

// Runs `script` after `status`; `exited` says whether an `exit` ended it.
// Commands end at ';' or a newline, or chain with `&&` and `||`; `CMD &`
// runs CMD in the background (a subshell not waited for; $? becomes 0).
int RunScript(Host& host, absl::string_view script, int status, bool& exited) {
  for (absl::string_view line :
       absl::StrSplit(script, absl::ByAnyChar(";\n"))) {
    bool skip = false;
    for (const ListItem& item : SplitList(ExpandArithmetic(line))) {
      if (!skip && !SplitWords(item.command).empty()) {
        if (item.then == Then::kBackground) {
          absl::StatusOr<Pid> job =
              StartSubshell(host, item.command, nullptr, nullptr);
          if (!job.ok()) Print(host, 2, "sh: can't start a background job\n");
          status = job.ok() ? 0 : 1;
        } else {
          status = RunCommand(host, item.command, status, exited);
          if (exited) return status;
        }
      }
      skip = (item.then == Then::kAnd && status != 0) ||
             (item.then == Then::kOr && status == 0);
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
  if (name == "nc") return Nc(host, args);
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
