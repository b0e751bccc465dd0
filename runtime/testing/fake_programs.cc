// The fake busybox and the rootfs builder; see fake_programs.h.
#include "runtime/testing/fake_programs.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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

int RunApplet(Host& host, const std::vector<std::string>& args);

int Shell(Host& host, const std::vector<std::string>& args) {
  if (args.size() < 3 || args[1] != "-c") {
    Print(host, 2, "sh: only `sh -c SCRIPT` is supported\n");
    return 2;
  }
  int status = 0;
  for (absl::string_view command :
       absl::StrSplit(args[2], absl::ByAnyChar(";\n"))) {
    std::vector<std::string> words = SplitWords(command);
    if (words.empty()) continue;
    if (words[0] == "exit") {
      int code = status;
      if (words.size() > 1 && !absl::SimpleAtoi(words[1], &code)) code = 2;
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
