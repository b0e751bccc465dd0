// Names and encodings for the value types of types.h.
#include "hostapi/types.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace runbox {
namespace {

constexpr const char* kSignalNames[] = {
    nullptr,  "HUP",  "INT",    "QUIT", "ILL",   "TRAP", "ABRT", "BUS",
    "FPE",    "KILL", "USR1",   "SEGV", "USR2",  "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT",   "STOP", "TSTP",  "TTIN", "TTOU", "URG",
    "XCPU",   "XFSZ", "VTALRM", "PROF", "WINCH", "IO",   "PWR",  "SYS",
};
constexpr int kNamedSignals = 31;
constexpr int kRtMin = 34;

}  // namespace

std::string SignalName(Signal sig) {
  int n = static_cast<int>(sig);
  if (n >= 1 && n <= kNamedSignals) return absl::StrCat("SIG", kSignalNames[n]);
  if (n >= kRtMin && n <= kMaxSignal) {
    return n == kRtMin ? "SIGRTMIN" : absl::StrCat("SIGRTMIN+", n - kRtMin);
  }
  return absl::StrCat("signal ", n);
}

std::optional<Signal> ParseSignal(absl::string_view text) {
  int n = 0;
  if (absl::SimpleAtoi(text, &n)) {
    if (n >= 1 && n <= kMaxSignal && n != 32 && n != 33) {
      return static_cast<Signal>(n);
    }
    return std::nullopt;
  }
  std::string upper = absl::AsciiStrToUpper(text);
  absl::string_view name = upper;
  if (absl::StartsWith(name, "SIG")) name.remove_prefix(3);
  for (int i = 1; i <= kNamedSignals; ++i) {
    if (name == kSignalNames[i]) return static_cast<Signal>(i);
  }
  // Aliases runc accepts.
  if (name == "IOT") return Signal::kAbrt;
  if (name == "CLD") return Signal::kChld;
  if (name == "POLL") return Signal::kIo;
  if (name == "RTMIN") return static_cast<Signal>(kRtMin);
  if (name == "RTMAX") return static_cast<Signal>(kMaxSignal);
  if (absl::StartsWith(name, "RTMIN+")) {
    int k = 0;
    if (absl::SimpleAtoi(name.substr(6), &k) && k >= 0 &&
        kRtMin + k <= kMaxSignal) {
      return static_cast<Signal>(kRtMin + k);
    }
  }
  if (absl::StartsWith(name, "RTMAX-")) {
    int k = 0;
    if (absl::SimpleAtoi(name.substr(6), &k) && k >= 0 &&
        kMaxSignal - k >= kRtMin) {
      return static_cast<Signal>(kMaxSignal - k);
    }
  }
  return std::nullopt;
}

// The classic wait-status word: exit code in bits 8..15, or the signal in
// bits 0..6 with 0x80 for a core dump.
int ExitStatus::RawStatus() const {
  if (exited()) return (code & 0xff) << 8;
  return (static_cast<int>(signal) & 0x7f) | (core_dumped ? 0x80 : 0);
}

ExitStatus ExitStatus::FromRaw(int raw) {
  int sig = raw & 0x7f;
  if (sig == 0) return Exited((raw >> 8) & 0xff);
  return Signaled(static_cast<Signal>(sig), (raw & 0x80) != 0);
}

std::string ToString(const ExitStatus& status) {
  if (status.exited()) return absl::StrCat("exited with code ", status.code);
  return absl::StrCat("killed by ", SignalName(status.signal),
                      status.core_dumped ? " (core dumped)" : "");
}

std::string ToString(FileType type) {
  switch (type) {
    case FileType::kRegular:
      return "regular file";
    case FileType::kDirectory:
      return "directory";
    case FileType::kSymlink:
      return "symlink";
    case FileType::kCharDevice:
      return "character device";
    case FileType::kBlockDevice:
      return "block device";
    case FileType::kFifo:
      return "fifo";
    case FileType::kSocket:
      return "socket";
    case FileType::kUnknown:
      break;
  }
  return "unknown";
}

std::string ToString(Namespaces one_namespace) {
  switch (one_namespace) {
    case Namespaces::kUser:
      return "user";
    case Namespaces::kMount:
      return "mount";
    case Namespaces::kPid:
      return "pid";
    case Namespaces::kNet:
      return "network";
    case Namespaces::kIpc:
      return "ipc";
    case Namespaces::kUts:
      return "uts";
    case Namespaces::kCgroup:
      return "cgroup";
    case Namespaces::kTime:
      return "time";
    default:
      break;
  }
  return absl::StrCat("namespaces 0x",
                      absl::Hex(static_cast<uint32_t>(one_namespace)));
}

absl::string_view ProcNamespaceName(Namespaces one_namespace) {
  switch (one_namespace) {
    case Namespaces::kUser:
      return "user";
    case Namespaces::kMount:
      return "mnt";
    case Namespaces::kPid:
      return "pid";
    case Namespaces::kNet:
      return "net";
    case Namespaces::kIpc:
      return "ipc";
    case Namespaces::kUts:
      return "uts";
    case Namespaces::kCgroup:
      return "cgroup";
    case Namespaces::kTime:
      return "time";
    default:
      return "";
  }
}

}  // namespace runbox
