// FaultPlan: which host calls a FaultyHost fails, crashes or shortens, and the
// record of what happened (call counts, fired faults, a trace hash). The plan
// owns its seeded generator so a run replays from its seed; FaultyHost
// (hostapi/faulty_host.h) applies the decisions. One plan may serve every
// simulated process of a fake kernel, so call numbers are global to the plan.
#ifndef RUNBOX_HOSTAPI_FAULT_PLAN_H_
#define RUNBOX_HOSTAPI_FAULT_PLAN_H_

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hostapi/types.h"

namespace runbox {

// One value per host method (hostapi/*.h), in header order.
enum class HostCall : uint8_t {
  // Files
  kOpenAt,
  kClose,
  kRead,
  kWrite,
  kPRead,
  kPWrite,
  kFsync,
  kFdatasync,
  kFtruncate,
  kRenameAt,
  kUnlinkAt,
  kMkdirAt,
  kMknodAt,
  kSymlinkAt,
  kReadlinkAt,
  kLinkAt,
  kStatAt,
  kFStat,
  kReadDir,
  kFchmod,
  kFchown,
  kDup,
  kDup3,
  kPipe,
  kMemfdCreate,
  kAddSeals,
  kPoll,
  kFchdir,
  kUmask,
  kGetCwd,
  kSetNonBlocking,
  // Locks
  kFlock,
  // Processes
  kSpawn,
  kExec,
  kExit,
  kWait,
  kKill,
  kPidfdOpen,
  kPidfdSendSignal,
  kGetPid,
  kGetParentPid,
  kGetProcessIdentity,
  kSetChildSubreaper,
  kEnvironment,
  kOpenSelfExe,
  kSetParentDeathSignal,
  kSetDumpable,
  kGetUid,
  kGetGid,
  kOpenNamespace,
  kUnshare,
  kSetns,
  kSethostname,
  kSetdomainname,
  kGetHostname,
  kBlockSignals,
  kUnblockSignals,
  kSetSignalMask,
  kSetSignalDisposition,
  kSignalFd,
  kReadSignal,
  kWaitSignal,
  // Mounts
  kMount,
  kUmount,
  kPivotRoot,
  kChroot,
  kListMounts,
  // Cgroups
  kCgroupMounts,
  kCgroupCreate,
  kCgroupRemove,
  kCgroupRead,
  kCgroupWrite,
  kCgroupAddProcess,
  kCgroupProcesses,
  kCgroupChildren,
  // Seccomp
  kSetNoNewPrivs,
  kSetSeccompFilter,
  // Sockets
  kSocket,
  kSocketPair,
  kBind,
  kListen,
  kAccept,
  kConnect,
  kSendMsg,
  kRecvMsg,
  kGetPeerCredentials,
  kShutdown,
  // Terminal
  kOpenPty,
  kSetWindowSize,
  kGetWindowSize,
  kNewSession,
  kSetControllingTerminal,
  // Clock
  kMonotonicNow,
  kRealNow,
  kSleepFor,
  // Random
  kRandomUint64,
  // Credentials (last: added after the others, so older traces keep their
  // call numbers)
  kSetResUid,
  kSetResGid,
  kSetGroups,
  kSetKeepCaps,
  kGetCapabilities,
  kSetCapabilities,
  kLastCapability,
  kInBoundingSet,
  kDropBoundingCapability,
  kClearAmbientCapabilities,
  kRaiseAmbientCapability,
  kSetRlimit,
  kGetRlimit,
  kSetPersonality,
  kSetOomScoreAdj,
  kGetOomScoreAdj,
  kWriteIdMap,
  kDenySetgroups,
  kWriteSysctl,
  kReadSysctl,
  // Cgroups, later: the v2 device filter (load, attach, detach the old).
  kBpfCgroupDevice,
  // Credentials, later: the session keyring (`keyctl`(2)).
  kJoinSessionKeyring,
  kDescribeKey,
  kSetKeyPermissions,
  // Sockets, later: loopback TCP and bringing lo up.
  kTcpSocket,
  kBindLoopback,
  kConnectLoopback,
  kBringUpLoopback,
  // Credentials, later: ids, no_new_privs, seccomp mode and cgroups as
  // /proc/self/status and /proc/self/cgroup tell them.
  kGetProcessStatus,
  // Mounts, later: `mount_setattr`(2).
  kMountSetattr,
  // `open_tree`(2), `mount_setattr`(2) MOUNT_ATTR_IDMAP, `move_mount`(2).
  kMountIdmapped,
};
inline constexpr int kHostCallCount =
    static_cast<int>(HostCall::kMountIdmapped) + 1;

// Every HostCall, in enum order.
const std::vector<HostCall>& AllHostCalls();
// The kernel call's name as strace prints it: "openat", "flock", "clone"...
absl::string_view HostCallName(HostCall call);
// The errnos the call can plausibly return on Linux in runbox's use (bugs
// such as EBADF or EFAULT left out). Empty for calls that cannot fail
// (getpid, umask, clocks, exit...): a plan never fails those.
std::vector<int> PlausibleErrnos(HostCall call);
bool CanFail(HostCall call);
// Read, Write, PRead, PWrite and SendMsg: the calls that may transfer less
// than asked, and so the ones a short-transfer fault applies to.
bool IsTransfer(HostCall call);

// A set of call kinds; implicit from one kind or a list, so rules read
// `AtCallOf(HostCall::kWrite, ...)` or `AfterCall(9, {kWrite, kPWrite}, ...)`.
class HostCallSet {
 public:
  HostCallSet() = default;
  HostCallSet(HostCall call) { Add(call); }  // NOLINT: implicit by design.
  HostCallSet(std::initializer_list<HostCall> calls) {
    for (HostCall c : calls) Add(c);
  }
  static HostCallSet All();

  void Add(HostCall call) {
    int i = static_cast<int>(call);
    bits_[i / 64] |= uint64_t{1} << (i % 64);
  }
  bool Contains(HostCall call) const {
    int i = static_cast<int>(call);
    return (bits_[i / 64] >> (i % 64)) & 1;
  }
  bool IsAll() const { return *this == All(); }
  bool operator==(const HostCallSet&) const = default;
  // "write", "{write, pwrite}" or "any call".
  std::string ToString() const;

 private:
  std::array<uint64_t, (kHostCallCount + 63) / 64> bits_{};
};

// What happens to a call a rule picks.
struct Fault {
  enum class Kind {
    kErrno,           // Fail with `err`; the inner host is not called.
    kPlausibleErrno,  // Fail with an errno drawn from PlausibleErrnos(call).
    kKill,            // SIGKILL the calling process instead of the call.
    kShortTransfer,   // Transfer 1..max_bytes bytes of what was asked.
  };
  Kind kind = Kind::kErrno;
  int err = 0;
  // kErrno: fire only on calls that list `err` in PlausibleErrnos, so an
  // EINTR sweep hits blocking calls only and ENOSPC hits calls that
  // allocate. Otherwise any fallible call fails with `err`.
  bool only_if_plausible = false;
  // kShortTransfer: the most bytes to transfer; 0 draws a length in
  // [1, asked - 1] from the plan's generator.
  size_t max_bytes = 0;

  static Fault Errno(int err) { return {Kind::kErrno, err}; }
  static Fault Eintr() { return {Kind::kErrno, EINTR, true}; }
  static Fault Enospc() { return {Kind::kErrno, ENOSPC, true}; }
  static Fault PlausibleErrno() { return {Kind::kPlausibleErrno}; }
  static Fault Kill() { return {Kind::kKill}; }
  static Fault ShortTransfer(size_t max_bytes = 0) {
    return {Kind::kShortTransfer, 0, false, max_bytes};
  }

  // Whether this fault can happen to a call of kind `call`.
  bool AppliesTo(HostCall call) const;
  // "fail ENOSPC (where plausible)", "kill", "short transfer (<= 3 bytes)".
  std::string ToString() const;
};

// When a fault fires. Call numbers are 1-based and count every call that
// goes through the plan, from every FaultyHost sharing it.
struct FaultRule {
  enum class When {
    kAtCall,       // Call number `k` overall.
    kAtCallOf,     // The k-th call whose kind is in `kinds`.
    kProbability,  // Each call in `kinds`, with probability `p`.
    kAfterCall,    // Every call in `kinds` numbered after `k` (disk full).
  };
  When when = When::kAtCall;
  HostCallSet kinds = HostCallSet::All();
  uint64_t k = 0;
  double p = 0;
  Fault fault;

  static FaultRule AtCall(uint64_t k, Fault fault) {
    return {When::kAtCall, HostCallSet::All(), k, 0, fault};
  }
  static FaultRule AtCallOf(HostCallSet kinds, uint64_t k, Fault fault) {
    return {When::kAtCallOf, kinds, k, 0, fault};
  }
  static FaultRule WithProbability(HostCallSet kinds, double p, Fault fault) {
    return {When::kProbability, kinds, 0, p, fault};
  }
  static FaultRule AfterCall(uint64_t k, HostCallSet kinds, Fault fault) {
    return {When::kAfterCall, kinds, k, 0, fault};
  }

  // "call #17: fail EIO", "write #3: kill", "write p=0.01: short transfer".
  std::string ToString() const;
};

// What FaultyHost must do with one call.
struct FaultDecision {
  enum class Action { kForward, kFail, kKill, kShortTransfer };
  Action action = Action::kForward;
  uint64_t call_number = 0;
  HostCall call = HostCall::kOpenAt;
  Pid pid;
  int err = 0;           // kFail.
  size_t max_bytes = 0;  // kShortTransfer; 0 means draw (ShortLength).
  int rule_index = -1;   // Index of the rule that fired, -1 for none.
};

// A fault that fired, for reports and test assertions.
struct FiredFault {
  uint64_t call_number = 0;
  HostCall call = HostCall::kOpenAt;
  Pid pid;
  int rule_index = 0;
  // The fault as applied: a drawn errno is in `err` (kind kErrno), a
  // short transfer's length in `max_bytes`.
  Fault fault;
  std::string ToString() const;
};

// Not thread-safe: the fake runs one simulated process at a time, and on
// Linux each process has its own plan.
class FaultPlan {
 public:
  // Result codes for OnResult besides errnos (0 is success).
  static constexpr int kResultNoErrno = -1;  // An error with no errno.
  static constexpr int kResultKilled = -2;   // Killed by a kKill fault.

  explicit FaultPlan(uint64_t seed = 1, size_t trace_capacity = 64);

  // Adds a rule; rules are tried in the order added and the first that
  // fires decides. Aborts on a rule that could never fire (a fault that
  // applies to none of its kinds, p outside [0, 1], k == 0 for kAtCall*),
  // since that is a bug in the test that wrote it.
  FaultPlan& Add(FaultRule rule);

  // Called by FaultyHost on entry to every call: counts it, records it in
  // the trace tail and decides.
  FaultDecision OnCall(HostCall call, Pid pid);
  // For a kShortTransfer decision: how many of `asked` bytes to pass on
  // (at least 1, fewer than `asked` when asked > 1).
  size_t ShortLength(const FaultDecision& decision, size_t asked);
  // Called with the call's outcome: 0, an errno, kResultNoErrno or
  // kResultKilled. Calls that may not return (Exit, Exec, a kill) report
  // before handing on; Exec reports again if it returns.
  void OnResult(const FaultDecision& decision, int result);

  uint64_t seed() const { return seed_; }
  const std::vector<FaultRule>& rules() const { return rules_; }
  uint64_t call_count() const { return call_count_; }
  uint64_t CallsOf(HostCall call) const {
    return calls_of_[static_cast<int>(call)];
  }
  const std::vector<FiredFault>& fired() const { return fired_; }

  // Keeps the kind of every call from now on (call_kinds()[n - 1] is call
  // n's), so a sweep can learn which call it will fault at k from a
  // fault-free run of the same seed.
  void RecordCallKinds() { record_kinds_ = true; }
  const std::vector<HostCall>& call_kinds() const { return call_kinds_; }

  // FNV-1a over (pid, call, result) of every OnResult, in order: equal
  // hashes mean equal call sequences. Same value on every machine.
  uint64_t TraceHash() const { return trace_hash_; }
  // The last `n` calls (at most trace_capacity), oldest first, one per
  // line: "#12 pid 3 write -> ENOSPC [fault: fail ENOSPC]".
  std::string TraceTail(int n) const;

  // Seed and rules, for a failing run to print:
  // "FaultPlan seed=42: [0] call #17: fail EIO; [1] ...".
  std::string ToString() const;

 private:
  struct CallRecord {
    uint64_t number = 0;
    Pid pid;
    HostCall call = HostCall::kOpenAt;
    bool done = false;
    int result = 0;
    std::string fault;  // Empty when none fired.
  };

  uint64_t NextRandom();
  uint64_t Uniform(uint64_t n);  // In [0, n), n > 0.
  bool Fires(const FaultRule& rule, HostCall call);
  CallRecord* FindRecord(uint64_t number);

  uint64_t seed_;
  uint64_t rng_state_;
  size_t trace_capacity_;
  std::vector<FaultRule> rules_;
  uint64_t call_count_ = 0;
  std::array<uint64_t, kHostCallCount> calls_of_{};
  // Per rule: calls seen of its kinds (for kAtCallOf).
  std::vector<uint64_t> rule_matches_;
  std::vector<FiredFault> fired_;
  uint64_t trace_hash_;
  std::deque<CallRecord> tail_;
  bool record_kinds_ = false;
  std::vector<HostCall> call_kinds_;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_FAULT_PLAN_H_
