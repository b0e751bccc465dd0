// Value types of the host API. Runtime code sees only these, never the
// kernel's structs or <sys/*.h> constants; hostapi/linux/ translates.
#ifndef RUNBOX_HOSTAPI_TYPES_H_
#define RUNBOX_HOSTAPI_TYPES_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hostapi/bitmask.h"

namespace runbox {

// A process id as seen from the caller's pid namespace. 0 is "none".
struct Pid {
  int32_t value = 0;
  constexpr bool operator==(const Pid&) const = default;
  constexpr auto operator<=>(const Pid&) const = default;
};

using Uid = uint32_t;
using Gid = uint32_t;

// Linux signal numbers, x86-64 and generic. Typed so a signal is never
// confused with an exit code.
enum class Signal : int {
  kNone = 0,
  kHup = 1,
  kInt = 2,
  kQuit = 3,
  kIll = 4,
  kTrap = 5,
  kAbrt = 6,
  kBus = 7,
  kFpe = 8,
  kKill = 9,
  kUsr1 = 10,
  kSegv = 11,
  kUsr2 = 12,
  kPipe = 13,
  kAlrm = 14,
  kTerm = 15,
  kStkflt = 16,
  kChld = 17,
  kCont = 18,
  kStop = 19,
  kTstp = 20,
  kTtin = 21,
  kTtou = 22,
  kUrg = 23,
  kXcpu = 24,
  kXfsz = 25,
  kVtalrm = 26,
  kProf = 27,
  kWinch = 28,
  kIo = 29,
  kPwr = 30,
  kSys = 31,
  // Real-time signals 34..64 are valid too: static_cast<Signal>(n).
};
constexpr int kMaxSignal = 64;

// "SIGTERM", or "SIGRT3"-style names for real-time signals.
std::string SignalName(Signal sig);
// Accepts "TERM", "SIGTERM", "sigterm", "15". nullopt for unknown.
std::optional<Signal> ParseSignal(absl::string_view text);

// A set of signals (bit n-1 for signal n).
class SignalSet {
 public:
  SignalSet() = default;
  SignalSet(std::initializer_list<Signal> sigs) {
    for (Signal s : sigs) Add(s);
  }
  static SignalSet All() {
    SignalSet s;
    s.bits_ = ~uint64_t{0};
    return s;
  }
  void Add(Signal s) { bits_ |= Bit(s); }
  void Remove(Signal s) { bits_ &= ~Bit(s); }
  bool Contains(Signal s) const { return (bits_ & Bit(s)) != 0; }
  bool Empty() const { return bits_ == 0; }
  uint64_t bits() const { return bits_; }
  bool operator==(const SignalSet&) const = default;

 private:
  static uint64_t Bit(Signal s) {
    int n = static_cast<int>(s);
    return (n >= 1 && n <= kMaxSignal) ? (uint64_t{1} << (n - 1)) : 0;
  }
  uint64_t bits_ = 0;
};

// How a process ended, decoded from a wait status.
struct ExitStatus {
  enum class Kind { kExited, kSignaled };
  Kind kind = Kind::kExited;
  int code = 0;                   // kExited: the exit code, 0..255.
  Signal signal = Signal::kNone;  // kSignaled: the fatal signal.
  bool core_dumped = false;

  static ExitStatus Exited(int code) { return {Kind::kExited, code}; }
  static ExitStatus Signaled(Signal sig, bool core = false) {
    return {Kind::kSignaled, 0, sig, core};
  }
  bool exited() const { return kind == Kind::kExited; }
  bool signaled() const { return kind == Kind::kSignaled; }
  // The shell convention used by runc and `runbox wait`: code, or
  // 128 + signal number.
  int ShellCode() const {
    return exited() ? code : 128 + static_cast<int>(signal);
  }
  // The raw wait(2) status word (for files that store it).
  int RawStatus() const;
  static ExitStatus FromRaw(int raw);
  bool operator==(const ExitStatus&) const = default;
};
std::string ToString(const ExitStatus& status);

// Identity of a process that survives pid reuse: pid plus the start time in
// clock ticks since boot (/proc/<pid>/stat field 22).
struct ProcessIdentity {
  Pid pid;
  uint64_t start_time = 0;
  bool operator==(const ProcessIdentity&) const = default;
};

enum class FileType {
  kUnknown,
  kRegular,
  kDirectory,
  kSymlink,
  kCharDevice,
  kBlockDevice,
  kFifo,
  kSocket,
};
std::string ToString(FileType type);

struct DeviceNumber {
  uint32_t major = 0;
  uint32_t minor = 0;
  bool operator==(const DeviceNumber&) const = default;
};

// stat(2), the fields the runtime uses.
struct FileStat {
  FileType type = FileType::kUnknown;
  uint32_t mode = 0;  // Permission bits incl. setuid/setgid/sticky (07777).
  uint64_t ino = 0;
  uint64_t dev = 0;  // Device of the file system holding the inode.
  uint64_t nlink = 0;
  Uid uid = 0;
  Gid gid = 0;
  int64_t size = 0;
  DeviceNumber rdev;  // For device nodes.
  absl::Time mtime;
};

struct DirEntry {
  std::string name;  // Never "." or "..".
  FileType type = FileType::kUnknown;
  uint64_t ino = 0;
  bool operator==(const DirEntry&) const = default;
};

// Access mode and flags of open(2). Every fd the host opens is close-on-exec;
// a child receives only the fds named in its SpawnRequest::fds.
enum class OpenFlags : uint32_t {
  kReadOnly = 0,
  kWriteOnly = 1 << 0,
  kReadWrite = 1 << 1,
  kCreate = 1 << 2,
  kExclusive = 1 << 3,
  kTruncate = 1 << 4,
  kAppend = 1 << 5,
  kDirectory = 1 << 6,
  kNoFollow = 1 << 7,
  kPath = 1 << 8,  // O_PATH
  kNonBlock = 1 << 9,
  kNoCtty = 1 << 10,
  kKeepOnExec = 1 << 11,  // Clear O_CLOEXEC (rarely right; prefer fd maps).
};
RUNBOX_BITMASK_OPS(OpenFlags)

// openat2(2) RESOLVE_* flags.
enum class ResolveFlags : uint32_t {
  kNone = 0,
  kInRoot = 1 << 0,        // RESOLVE_IN_ROOT: dir is "/", ".." clamps.
  kBeneath = 1 << 1,       // RESOLVE_BENEATH: escaping gives EXDEV.
  kNoSymlinks = 1 << 2,    // RESOLVE_NO_SYMLINKS: any symlink gives ELOOP.
  kNoMagicLinks = 1 << 3,  // RESOLVE_NO_MAGICLINKS: /proc/*/fd etc. ELOOP.
  kNoXdev = 1 << 4,        // RESOLVE_NO_XDEV: crossing a mount gives EXDEV.
};
RUNBOX_BITMASK_OPS(ResolveFlags)

struct OpenHow {
  OpenFlags flags = OpenFlags::kReadOnly;
  uint32_t mode = 0;  // Permission bits for kCreate (umask applies).
  ResolveFlags resolve = ResolveFlags::kNone;
};

// renameat2(2) flags.
enum class RenameFlags : uint32_t {
  kNone = 0,
  kNoReplace = 1 << 0,  // RENAME_NOREPLACE: EEXIST if the target exists.
  kExchange = 1 << 1,   // RENAME_EXCHANGE: swap both names atomically.
};
RUNBOX_BITMASK_OPS(RenameFlags)

// unlinkat(2) flags.
enum class UnlinkFlags : uint32_t {
  kNone = 0,
  kRemoveDir = 1 << 0,  // AT_REMOVEDIR: rmdir(2).
};
RUNBOX_BITMASK_OPS(UnlinkFlags)

enum class FollowSymlinks { kFollow, kNoFollow };

// Namespaces, as clone/unshare/setns flags.
enum class Namespaces : uint32_t {
  kNone = 0,
  kUser = 1 << 0,
  kMount = 1 << 1,
  kPid = 1 << 2,
  kNet = 1 << 3,
  kIpc = 1 << 4,
  kUts = 1 << 5,
  kCgroup = 1 << 6,
  kTime = 1 << 7,
};
RUNBOX_BITMASK_OPS(Namespaces)
// "user", "mount" (OCI spelling), ...; for errors and state.
std::string ToString(Namespaces one_namespace);
// The entry of one namespace type under /proc/<pid>/ns/ ("user", "mnt",
// "net", ...); "" when `one_namespace` is not exactly one type.
absl::string_view ProcNamespaceName(Namespaces one_namespace);

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_TYPES_H_
