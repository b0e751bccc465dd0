// The contract helper's subcommands (see contract_helper.h). Only Host calls:
// this one implementation runs on Linux and inside the fake kernel.
#include "hostapi/contract/contract_helper.h"

#include <cerrno>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "hostapi/status.h"

namespace runbox::contract {
namespace {

constexpr int kUsage = 100;

// A descriptor the helper inherited through the spawn's fd map. Not owned:
// it stays open until the helper exits.
Fd Inherited(int n) { return Fd(n, nullptr); }

bool WriteAll(Host& host, int fd_number, absl::string_view text) {
  Fd fd = Inherited(fd_number);
  while (!text.empty()) {
    absl::StatusOr<size_t> n = host.Write(fd, text);
    if (!n.ok() || *n == 0) return false;
    text.remove_prefix(*n);
  }
  return true;
}

// Reads fd `fd_number` until EOF or an error; returns what it read.
std::string ReadToEnd(Host& host, int fd_number) {
  Fd fd = Inherited(fd_number);
  std::string out;
  char buf[512];
  for (;;) {
    absl::StatusOr<size_t> n = host.Read(fd, absl::MakeSpan(buf));
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

std::optional<int> ParseInt(absl::string_view text) {
  int n = 0;
  if (!absl::SimpleAtoi(text, &n)) return std::nullopt;
  return n;
}

// The exit code of a non-blocking exclusive flock attempt.
int TryLock(Host& host, const Fd& fd) {
  absl::Status s = host.Flock(fd, LockOp::kExclusive, LockWait::kTry);
  if (s.ok()) return 0;
  return IsErrno(s, EAGAIN) ? 1 : 2;
}

using Args = std::vector<std::string>;

int Exit(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  std::optional<int> code = ParseInt(a[2]);
  return code.value_or(kUsage);
}

int SignalSelf(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  std::optional<Signal> sig = ParseSignal(a[2]);
  if (!sig.has_value()) return kUsage;
  (void)host.Kill(host.GetPid(), *sig);
  return 99;
}

int LockAndReport(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  absl::StatusOr<Fd> fd = host.OpenAt(
      Fd::Cwd(), a[2],
      {.flags = OpenFlags::kReadWrite | OpenFlags::kCreate, .mode = 0644});
  if (!fd.ok()) return 2;
  if (!host.Flock(*fd, LockOp::kExclusive, LockWait::kBlock).ok()) return 3;
  if (!WriteAll(host, 3, "locked\n")) return 4;
  ReadToEnd(host, 4);
  return 0;
}

int TryLockPath(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  absl::StatusOr<Fd> fd = host.OpenAt(
      Fd::Cwd(), a[2],
      {.flags = OpenFlags::kReadWrite | OpenFlags::kCreate, .mode = 0644});
  if (!fd.ok()) return 2;
  return TryLock(host, *fd);
}

int TryLockFd(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  std::optional<int> n = ParseInt(a[2]);
  if (!n.has_value()) return kUsage;
  return TryLock(host, Inherited(*n));
}

int SleepForever(Host& host, const Args& a) {
  ReadToEnd(host, 0);
  return 0;
}

int EchoFds(Host& host, const Args& a) {
  std::vector<int> open;
  for (int n = 0; n <= 64; ++n) {
    if (host.FStat(Inherited(n)).ok()) open.push_back(n);
  }
  return WriteAll(host, 1, absl::StrCat(absl::StrJoin(open, " "), "\n")) ? 0
                                                                         : 1;
}

int WriteFd(Host& host, const Args& a) {
  if (a.size() < 4 || a.size() % 2 != 0) return kUsage;
  for (size_t i = 2; i + 1 < a.size(); i += 2) {
    std::optional<int> n = ParseInt(a[i]);
    if (!n.has_value()) return kUsage;
    if (!WriteAll(host, *n, a[i + 1])) return 1;
  }
  return 0;
}

int IgnoreTermThenWait(Host& host, const Args& a) {
  if (!host.SetSignalDisposition(Signal::kTerm, SignalDisposition::kIgnore)
           .ok()) {
    return 2;
  }
  if (!WriteAll(host, 1, "ready\n")) return 3;
  ReadToEnd(host, 0);
  return 0;
}

int PrintPid(Host& host, const Args& a) {
  return WriteAll(host, 1,
                  absl::StrCat(host.GetPid().value, " ",
                               host.GetParentPid().value, "\n"))
             ? 0
             : 1;
}

int PrintArgs(Host& host, const Args& a) {
  std::string out;
  for (const std::string& arg : a) absl::StrAppend(&out, arg, "\n");
  return WriteAll(host, 1, out) ? 0 : 1;
}

int PrintEnv(Host& host, const Args& a) {
  std::string out;
  for (const std::string& kv : host.Environment()) {
    absl::StrAppend(&out, kv, "\n");
  }
  return WriteAll(host, 1, out) ? 0 : 1;
}

int PrintSigmask(Host& host, const Args& a) {
  absl::StatusOr<SignalSet> old = host.BlockSignals(SignalSet());
  if (!old.ok()) return 2;
  return WriteAll(host, 1, absl::StrCat(old->bits(), "\n")) ? 0 : 1;
}

int Cat(Host& host, const Args& a) {
  return WriteAll(host, 1, ReadToEnd(host, 0)) ? 0 : 1;
}

int SpawnOrphan(Host& host, const Args& a) {
  Fd stdin_fd = Inherited(0);
  SpawnRequest req;
  req.path = a[0];
  req.argv = {a[0], "sleep-forever"};
  req.fds = {{&stdin_fd, 0}};
  absl::StatusOr<SpawnResult> child = host.Spawn(req);
  if (!child.ok()) return 2;
  return WriteAll(host, 1, absl::StrCat(child->pid.value, "\n")) ? 0 : 1;
}

int WaitAny(Host& host, const Args& a) {
  absl::StatusOr<std::optional<WaitResult>> r =
      host.Wait(Pid{0}, WaitFlags::kNone);
  if (r.ok()) return 1;
  return IsErrno(r.status(), ECHILD) ? 0 : 2;
}

int WaitForSignal(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  std::optional<Signal> sig = ParseSignal(a[2]);
  if (!sig.has_value()) return kUsage;
  if (!host.BlockSignals({*sig}).ok()) return 2;
  absl::StatusOr<Fd> sfd = host.SignalFd({*sig});
  if (!sfd.ok()) return 3;
  if (!WriteAll(host, 1, "ready\n")) return 4;
  absl::StatusOr<SignalInfo> info = host.ReadSignal(*sfd);
  if (!info.ok()) return 5;
  return WriteAll(host, 1,
                  absl::StrCat(static_cast<int>(info->signal), " ",
                               info->sender.value, "\n"))
             ? 0
             : 1;
}

int ConnectAndSend(Host& host, const Args& a) {
  if (a.size() != 4) return kUsage;
  absl::StatusOr<Fd> sock = host.Socket(SocketType::kStream);
  if (!sock.ok()) return 2;
  if (!host.Connect(*sock, a[2]).ok()) return 3;
  absl::string_view text = a[3];
  while (!text.empty()) {
    absl::StatusOr<size_t> n = host.SendMsg(*sock, text, {});
    if (!n.ok()) return 4;
    text.remove_prefix(*n);
  }
  return 0;
}

int SessionAndCtty(Host& host, const Args& a) {
  if (!host.NewSession().ok()) return 11;
  if (!IsErrno(host.NewSession(), EPERM)) return 12;
  if (!host.SetControllingTerminal(Inherited(0)).ok()) return 13;
  return 0;
}

int CttyWithoutSession(Host& host, const Args& a) {
  absl::Status s = host.SetControllingTerminal(Inherited(0));
  if (s.ok()) return 1;
  return IsErrno(s, EPERM) ? 0 : 2;
}

}  // namespace

int ContractHelperMain(Host& host, const std::vector<std::string>& argv) {
  static const auto* commands =
      new std::map<std::string, std::function<int(Host&, const Args&)>>{
          {"exit", Exit},
          {"signal-self", SignalSelf},
          {"lock-and-report", LockAndReport},
          {"try-lock", TryLockPath},
          {"try-lock-fd", TryLockFd},
          {"sleep-forever", SleepForever},
          {"echo-fds", EchoFds},
          {"write-fd", WriteFd},
          {"ignore-term-then-wait", IgnoreTermThenWait},
          {"print-pid", PrintPid},
          {"print-args", PrintArgs},
          {"print-env", PrintEnv},
          {"print-sigmask", PrintSigmask},
          {"cat", Cat},
          {"spawn-orphan", SpawnOrphan},
          {"wait-any", WaitAny},
          {"wait-signal", WaitForSignal},
          {"connect-and-send", ConnectAndSend},
          {"session-and-ctty", SessionAndCtty},
          {"ctty-without-session", CttyWithoutSession},
      };
  if (argv.size() < 2) return kUsage;
  auto it = commands->find(argv[1]);
  if (it == commands->end()) return kUsage;
  return it->second(host, argv);
}

}  // namespace runbox::contract
