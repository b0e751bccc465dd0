// The contract helper's subcommands (see contract_helper.h). Only Host calls:
// this one implementation runs on Linux and inside the fake kernel.
#include "hostapi/contract/contract_helper.h"

#include <cerrno>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "hostapi/contract/contract_helper_credentials.h"
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

// "<size> <ino> <dev>\n" of an open file.
std::optional<std::string> StatLine(Host& host, const Fd& fd) {
  absl::StatusOr<FileStat> st = host.FStat(fd);
  if (!st.ok()) return std::nullopt;
  return absl::StrCat(st->size, " ", st->ino, " ", st->dev, "\n");
}

std::string ErrorLine(const absl::Status& status) {
  return absl::StrCat("error ", ErrnoName(ErrnoOf(status)), "\n");
}

// `tcp-listen PORT LO` and `tcp-connect PORT LO TEXT`: LO "up" brings the
// loopback up first, "as-is" leaves it.
bool MaybeBringUpLoopback(Host& host, absl::string_view lo) {
  if (lo != "up") return true;
  absl::Status up = host.BringUpLoopback();
  if (up.ok()) return true;
  WriteAll(host, 1, absl::StrCat("up ", ErrorLine(up)));
  return false;
}

int TcpListen(Host& host, const Args& a) {
  std::optional<int> port = a.size() == 4 ? ParseInt(a[2]) : std::nullopt;
  if (!port.has_value()) return kUsage;
  if (!MaybeBringUpLoopback(host, a[3])) return 2;
  absl::StatusOr<Fd> sock = host.TcpSocket();
  if (!sock.ok()) return 3;
  absl::Status bound = host.BindLoopback(*sock, static_cast<uint16_t>(*port));
  if (!bound.ok()) {
    WriteAll(host, 1, absl::StrCat("bind ", ErrorLine(bound)));
    return 4;
  }
  if (!host.Listen(*sock, 8).ok()) return 5;
  if (!WriteAll(host, 1, "ready\n")) return 6;
  absl::StatusOr<Fd> conn = host.Accept(*sock);
  if (!conn.ok()) return 7;
  std::string got;
  while (true) {
    absl::StatusOr<ReceivedMessage> m = host.RecvMsg(*conn, 4096, 0);
    if (!m.ok()) return 8;
    if (m->bytes.empty()) break;
    got += m->bytes;
  }
  return WriteAll(host, 1, absl::StrCat("got ", got, "\n")) ? 0 : 9;
}

int TcpConnect(Host& host, const Args& a) {
  std::optional<int> port = a.size() == 5 ? ParseInt(a[2]) : std::nullopt;
  if (!port.has_value()) return kUsage;
  if (!MaybeBringUpLoopback(host, a[3])) return 2;
  absl::StatusOr<Fd> sock = host.TcpSocket();
  if (!sock.ok()) return 3;
  absl::Status connected =
      host.ConnectLoopback(*sock, static_cast<uint16_t>(*port));
  if (!connected.ok()) {
    WriteAll(host, 1, ErrorLine(connected));
    return 1;
  }
  absl::string_view text = a[4];
  while (!text.empty()) {
    absl::StatusOr<size_t> n = host.SendMsg(*sock, text, {});
    if (!n.ok()) return 4;
    text.remove_prefix(*n);
  }
  if (!host.Shutdown(*sock, ShutdownHow::kWrite).ok()) return 5;
  return WriteAll(host, 1, "ok\n") ? 0 : 6;
}

int PrintSelfExe(Host& host, const Args& a) {
  absl::StatusOr<Fd> exe = host.OpenSelfExe();
  if (!exe.ok()) return 2;
  std::optional<std::string> line = StatLine(host, *exe);
  if (!line.has_value()) return 3;
  return WriteAll(host, 1, *line) ? 0 : 1;
}

int ReexecSelf(Host& host, const Args& a) {
  if (a.size() < 3) return kUsage;
  absl::StatusOr<Fd> exe = host.OpenSelfExe();
  if (!exe.ok()) return 2;
  absl::StatusOr<Fd> copy =
      host.MemfdCreate("contract_helper", MemfdFlags::kAllowSealing);
  if (!copy.ok()) return 3;
  char buf[16384];
  for (;;) {
    absl::StatusOr<size_t> n = host.Read(*exe, absl::MakeSpan(buf));
    if (!n.ok()) return 4;
    if (*n == 0) break;
    absl::string_view chunk(buf, *n);
    while (!chunk.empty()) {
      absl::StatusOr<size_t> w = host.Write(*copy, chunk);
      if (!w.ok() || *w == 0) return 5;
      chunk.remove_prefix(*w);
    }
  }
  if (!host.AddSeals(*copy, Seals::kSeal | Seals::kShrink | Seals::kGrow |
                                Seals::kWrite)
           .ok()) {
    return 6;
  }
  std::optional<std::string> line = StatLine(host, *copy);
  if (!line.has_value() || !WriteAll(host, 1, *line)) return 7;
  Fd out = Inherited(1);
  SpawnRequest req;
  req.exec_fd = &*copy;
  req.argv = {a[0]};
  req.argv.insert(req.argv.end(), a.begin() + 2, a.end());
  req.fds = {{&out, 1}};
  absl::StatusOr<SpawnResult> child = host.Spawn(req);
  if (!child.ok()) return 8;
  absl::StatusOr<std::optional<WaitResult>> r =
      host.Wait(child->pid, WaitFlags::kNone);
  if (!r.ok() || !r->has_value() || !(*r)->status.exited()) return 9;
  return (*r)->status.code;
}

int PrintPidAndWait(Host& host, const Args& a) {
  if (!WriteAll(host, 1,
                absl::StrCat(host.GetPid().value, " ",
                             host.GetParentPid().value, "\n"))) {
    return 1;
  }
  ReadToEnd(host, 0);
  return 0;
}

int SetnsPidAndSpawn(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  std::optional<int> pid = ParseInt(a[2]);
  if (!pid.has_value()) return kUsage;
  absl::StatusOr<Fd> ns = host.OpenNamespace(Pid{*pid}, Namespaces::kPid);
  if (!ns.ok()) return 2;
  if (!host.Setns(*ns, Namespaces::kPid).ok()) return 3;
  absl::StatusOr<PipeFds> in = host.Pipe();
  absl::StatusOr<PipeFds> out = host.Pipe();
  if (!in.ok() || !out.ok()) return 4;
  SpawnRequest req;
  req.path = a[0];
  req.argv = {a[0], "print-pid-and-wait"};
  req.fds = {{&in->read, 0}, {&out->write, 1}};
  absl::StatusOr<SpawnResult> child = host.Spawn(req);
  if (!child.ok()) return 5;
  in->read.Reset();
  out->write.Reset();
  // What the child printed: "<pid> <ppid>\n", as it sees them.
  std::string printed;
  char c = 0;
  while (printed.empty() || printed.back() != '\n') {
    absl::StatusOr<size_t> n = host.Read(out->read, absl::MakeSpan(&c, 1));
    if (!n.ok() || *n == 0) return 6;
    printed.push_back(c);
  }
  printed.pop_back();
  absl::StatusOr<Fd> child_ns =
      host.OpenNamespace(child->pid, Namespaces::kPid);
  if (!child_ns.ok()) return 7;
  std::optional<std::string> line = StatLine(host, *child_ns);
  if (!line.has_value()) return 8;
  // The "<size> " prefix of the stat line is always "0 " here.
  absl::string_view ino_dev(*line);
  ino_dev.remove_prefix(ino_dev.find(' ') + 1);
  if (!WriteAll(host, 1, absl::StrCat(printed, " ", ino_dev))) return 9;
  in->write.Reset();
  absl::StatusOr<std::optional<WaitResult>> r =
      host.Wait(child->pid, WaitFlags::kNone);
  if (!r.ok() || !r->has_value()) return 10;
  return (*r)->status == ExitStatus::Exited(0) ? 0 : 11;
}

bool WriteHostname(Host& host) {
  absl::StatusOr<std::string> name = host.GetHostname();
  return name.ok() && WriteAll(host, 1, absl::StrCat(*name, "\n"));
}

int HoldUts(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  if (!host.Sethostname(a[2]).ok()) return 2;
  if (!host.Setdomainname("contract.test").ok()) return 3;
  if (!WriteAll(host, 1, "ready\n")) return 4;
  ReadToEnd(host, 0);
  return WriteHostname(host) ? 0 : 5;
}

int JoinUts(Host& host, const Args& a) {
  if (a.size() != 4) return kUsage;
  std::optional<int> pid = ParseInt(a[2]);
  if (!pid.has_value()) return kUsage;
  absl::StatusOr<Fd> ns = host.OpenNamespace(Pid{*pid}, Namespaces::kUts);
  if (!ns.ok()) return 2;
  if (!host.Setns(*ns, Namespaces::kUts).ok()) return 3;
  if (!WriteHostname(host)) return 4;
  if (!host.Sethostname(a[3]).ok()) return 5;
  return WriteHostname(host) ? 0 : 6;
}

int PrintHostname(Host& host, const Args& a) {
  return WriteHostname(host) ? 0 : 1;
}

int SetHostname(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  absl::Status s = host.Sethostname(a[2]);
  if (!s.ok()) return WriteAll(host, 1, ErrorLine(s)) ? 0 : 1;
  return WriteHostname(host) ? 0 : 1;
}

int SetDomainname(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  absl::Status s = host.Setdomainname(a[2]);
  return WriteAll(host, 1, s.ok() ? std::string("ok\n") : ErrorLine(s)) ? 0 : 1;
}

int DeathsigChild(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  absl::StatusOr<PipeFds> sync = host.Pipe();
  if (!sync.ok()) return 2;
  Fd hold = Inherited(3);
  Fd out = Inherited(1);
  SpawnRequest req;
  req.path = a[0];
  req.argv = {a[0], "deathsig-grandchild", a[2]};
  req.fds = {{&hold, 0}, {&out, 1}, {&sync->write, 3}};
  req.parent_death_signal = Signal::kKill;
  absl::StatusOr<SpawnResult> child = host.Spawn(req);
  if (!child.ok()) return 3;
  sync->write.Reset();
  char c = 0;
  std::string got;
  while (got.empty() || got.back() != '\n') {
    absl::StatusOr<size_t> n = host.Read(sync->read, absl::MakeSpan(&c, 1));
    if (!n.ok() || *n == 0) return 4;
    got.push_back(c);
  }
  if (got != "ready\n") return 5;
  if (!WriteAll(host, 1, absl::StrCat(child->pid.value, "\n"))) return 6;
  ReadToEnd(host, 0);
  return 0;
}

int DeathsigGrandchild(Host& host, const Args& a) {
  if (a.size() != 3 || (a[2] != "clear" && a[2] != "keep")) return kUsage;
  if (a[2] == "clear" && !host.SetParentDeathSignal(Signal::kNone).ok()) {
    return 2;
  }
  if (!WriteAll(host, 3, "ready\n")) return 3;
  ReadToEnd(host, 0);
  return WriteAll(host, 1, "alive\n") ? 0 : 4;
}

// The mount subcommands run in a fresh mount namespace (the case spawns
// them with one); they first cut propagation so nothing reaches the
// caller's namespace. Their output: mount points (and fstypes) at or below
// DIR, one per line.
std::string MountsUnder(const std::vector<MountInfo>& mounts,
                        absl::string_view dir) {
  std::string out;
  for (const MountInfo& m : mounts) {
    if (m.mount_point == dir ||
        absl::StartsWith(m.mount_point, absl::StrCat(dir, "/"))) {
      absl::StrAppend(&out, m.mount_point, " ", m.fstype, "\n");
    }
  }
  return out;
}

// mount-via-fd DIR: mounts a tmpfs on /proc/self/fd/N of an O_PATH fd of
// DIR/target, whose parent DIR/link is a symlink to DIR/real; the mount
// lands on the directory the fd names (DIR/real/target).
int MountViaFd(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  const std::string& dir = a[2];
  if (!host.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 10;
  }
  absl::StatusOr<Fd> target =
      host.OpenAt(Fd::Cwd(), absl::StrCat(dir, "/link/target"),
                  {.flags = OpenFlags::kPath | OpenFlags::kDirectory});
  if (!target.ok()) return 11;
  if (!host.Mount("tmpfs", absl::StrCat("/proc/self/fd/", target->get()),
                  "tmpfs", MountFlags::kNone, "")
           .ok()) {
    return 12;
  }
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (!mounts.ok()) return 13;
  return WriteAll(host, 1, MountsUnder(*mounts, dir)) ? 0 : 14;
}

// setattr-rec DIR: see contract_helper.h.
int SetattrRecursive(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  const std::string& dir = a[2];
  if (!host.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 10;
  }
  const std::string top = absl::StrCat(dir, "/a");
  const std::string sub = absl::StrCat(dir, "/a/sub");
  const std::string other = absl::StrCat(dir, "/b");
  if (!host.Mount("tmpfs", top, "tmpfs", MountFlags::kNone, "").ok()) {
    return 11;
  }
  if (!host.MkdirAt(Fd::Cwd(), sub, 0755).ok()) return 12;
  if (!host.Mount("tmpfs", sub, "tmpfs", MountFlags::kNone, "").ok()) {
    return 13;
  }
  if (!host.Mount("tmpfs", other, "tmpfs", MountFlags::kNone, "").ok()) {
    return 14;
  }
  if (!host.MountSetattr(top,
                         MountFlags::kReadOnly | MountFlags::kNoSymFollow |
                             MountFlags::kNoAtime,
                         MountFlags::kNone, /*recursive=*/true)
           .ok()) {
    return 15;
  }
  if (!host.MountSetattr(other, MountFlags::kNoSuid, MountFlags::kNone,
                         /*recursive=*/false)
           .ok()) {
    return 16;
  }
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (!mounts.ok()) return 17;
  std::string out;
  for (const MountInfo& m : *mounts) {
    if (absl::StartsWith(m.mount_point, absl::StrCat(dir, "/"))) {
      absl::StrAppend(&out, m.mount_point, " ", m.options, "\n");
    }
  }
  return WriteAll(host, 1, out) ? 0 : 18;
}

// idmap-bind DIR: see contract_helper.h.
int IdmapBind(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  const std::string& dir = a[2];
  if (!host.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 10;
  }
  absl::StatusOr<Fd> exe = host.OpenSelfExe();  // Never executed.
  if (!exe.ok()) return 16;
  SpawnRequest request;
  request.exec_fd = &*exe;
  request.argv = {"idmap-userns"};
  request.new_namespaces = Namespaces::kUser;
  Fd userns;
  request.before_exec = [&](Pid child) -> absl::Status {
    RETURN_IF_ERROR(host.WriteIdMap(child, IdMapKind::kUid, "0 1000 1\n"));
    RETURN_IF_ERROR(host.WriteIdMap(child, IdMapKind::kGid, "0 1000 1\n"));
    ASSIGN_OR_RETURN(userns, host.OpenNamespace(child, Namespaces::kUser));
    return absl::CancelledError("taken");
  };
  absl::StatusOr<SpawnResult> spawned = host.Spawn(request);
  if (spawned.ok() || !userns.valid()) return 11;
  if (!host.MountIdmapped(absl::StrCat(dir, "/src"), absl::StrCat(dir, "/dst"),
                          userns, /*recursive_bind=*/false,
                          /*recursive_idmap=*/false)
           .ok()) {
    return 12;
  }
  // The fake does not route lookups through mounts: no file there.
  absl::StatusOr<FileStat> st = host.StatAt(
      Fd::Cwd(), absl::StrCat(dir, "/dst/file"), FollowSymlinks::kNoFollow);
  std::string owner = st.ok() ? absl::StrCat(st->uid, " ", st->gid) : "none";
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (!mounts.ok()) return 14;
  std::string options = "<none>";
  for (const MountInfo& m : *mounts) {
    if (m.mount_point == absl::StrCat(dir, "/dst")) options = m.options;
  }
  return WriteAll(host, 1, absl::StrCat(owner, "\n", options, "\n")) ? 0 : 15;
}

// pivot-dot DIR: runc's root change. Binds DIR/root onto itself,
// `pivot_root`(".", ".") in it, then lazily unmounts the old root stacked
// on top through an fd of it, and mounts a proc on /proc (the mount table
// is read there). Writes the mount points left (all of them) and the
// content of /marker, which the case put in DIR/root.
int PivotDot(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  const std::string root = absl::StrCat(a[2], "/root");
  const OpenHow dir_path{.flags = OpenFlags::kPath | OpenFlags::kDirectory};
  if (!host.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 10;
  }
  if (!host.Mount(root, root, "", MountFlags::kBind | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 11;
  }
  absl::StatusOr<Fd> old_root = host.OpenAt(Fd::Cwd(), "/", dir_path);
  absl::StatusOr<Fd> new_root = host.OpenAt(Fd::Cwd(), root, dir_path);
  if (!old_root.ok() || !new_root.ok()) return 12;
  if (!host.Fchdir(*new_root).ok()) return 13;
  if (!host.PivotRoot(".", ".").ok()) return 14;
  if (!host.Fchdir(*old_root).ok()) return 15;
  if (!host.Umount(".", UmountFlags::kDetach).ok()) return 16;
  absl::StatusOr<Fd> slash = host.OpenAt(Fd::Cwd(), "/", dir_path);
  if (!slash.ok() || !host.Fchdir(*slash).ok()) return 17;
  // The mount table is read from /proc: a new one, inside the new root.
  if (!host.Mount("proc", "/proc", "proc", MountFlags::kNone, "").ok()) {
    return 22;
  }
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (!mounts.ok()) return 18;
  std::string out;
  for (const MountInfo& m : *mounts) absl::StrAppend(&out, m.mount_point, "\n");
  absl::StatusOr<Fd> marker = host.OpenAt(Fd::Cwd(), "/marker", {});
  if (!marker.ok()) return 19;
  char buf[64];
  absl::StatusOr<size_t> n = host.Read(*marker, absl::MakeSpan(buf));
  if (!n.ok()) return 20;
  absl::StrAppend(&out, absl::string_view(buf, *n), "\n");
  return WriteAll(host, 1, out) ? 0 : 21;
}

// move-root DIR: runc's --no-pivot root change. Binds DIR/root onto
// itself, moves that mount over "/" (MS_MOVE) from inside it, chroots
// there, writes "ready\n" to fd 1 and waits for EOF on fd 0.
int MoveRoot(Host& host, const Args& a) {
  if (a.size() != 3) return kUsage;
  const std::string root = absl::StrCat(a[2], "/root");
  if (!host.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 10;
  }
  if (!host.Mount(root, root, "", MountFlags::kBind | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 11;
  }
  absl::StatusOr<Fd> dir = host.OpenAt(
      Fd::Cwd(), root, {.flags = OpenFlags::kPath | OpenFlags::kDirectory});
  if (!dir.ok() || !host.Fchdir(*dir).ok()) return 12;
  if (!host.Mount(root, "/", "", MountFlags::kMove, "").ok()) return 13;
  if (!host.Chroot(".").ok()) return 14;
  if (!WriteAll(host, 1, "ready\n")) return 15;
  ReadToEnd(host, 0);
  return 0;
}

// join-mount-and-print PID PATH: `setns`(2) into the mount namespace of
// PID, then writes the content of PATH to fd 1 (no exec in between: a
// dynamically linked helper could not exec inside a bare root).
int JoinMountAndPrint(Host& host, const Args& a) {
  int pid = 0;
  if (a.size() != 4 || !absl::SimpleAtoi(a[2], &pid)) return kUsage;
  absl::StatusOr<Fd> ns = host.OpenNamespace(Pid{pid}, Namespaces::kMount);
  if (!ns.ok()) return 4;
  if (!host.Setns(*ns, Namespaces::kMount).ok()) return 5;
  absl::StatusOr<Fd> file = host.OpenAt(Fd::Cwd(), a[3], {});
  if (!file.ok()) return 1;
  char buf[256];
  absl::StatusOr<size_t> n = host.Read(*file, absl::MakeSpan(buf));
  if (!n.ok()) return 2;
  return WriteAll(host, 1, absl::string_view(buf, *n)) ? 0 : 3;
}

// try-open PATH MODE: opens PATH for MODE ("r", "w" or "rw"), as a device
// cgroup case needs: 0 when it opens, 1 on EPERM, 2 on another error.
int TryOpen(Host& host, const Args& a) {
  if (a.size() != 4) return kUsage;
  OpenHow how;
  if (a[3] == "w") {
    how.flags = OpenFlags::kWriteOnly;
  } else if (a[3] == "rw") {
    how.flags = OpenFlags::kReadWrite;
  } else if (a[3] != "r") {
    return kUsage;
  }
  absl::StatusOr<Fd> file = host.OpenAt(Fd::Cwd(), a[2], how);
  if (file.ok()) return 0;
  return IsErrno(file.status(), EPERM) ? 1 : 2;
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
          {"print-self-exe", PrintSelfExe},
          {"reexec-self", ReexecSelf},
          {"print-pid-and-wait", PrintPidAndWait},
          {"setns-pid-and-spawn", SetnsPidAndSpawn},
          {"hold-uts", HoldUts},
          {"join-uts", JoinUts},
          {"print-hostname", PrintHostname},
          {"set-hostname", SetHostname},
          {"set-domainname", SetDomainname},
          {"deathsig-child", DeathsigChild},
          {"deathsig-grandchild", DeathsigGrandchild},
          {"mount-via-fd", MountViaFd},
          {"pivot-dot", PivotDot},
          {"setattr-rec", SetattrRecursive},
          {"idmap-bind", IdmapBind},
          {"move-root", MoveRoot},
          {"join-mount-and-print", JoinMountAndPrint},
          {"creds", CredentialsScript},
          {"try-open", TryOpen},
          {"tcp-listen", TcpListen},
          {"tcp-connect", TcpConnect},
      };
  if (argv.size() < 2) return kUsage;
  auto it = commands->find(argv[1]);
  if (it == commands->end()) return kUsage;
  return it->second(host, argv);
}

}  // namespace runbox::contract
