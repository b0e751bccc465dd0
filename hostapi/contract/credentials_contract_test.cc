// Contract of the credentials calls on both hosts (hostapi/credentials.h):
// set*id and the capability sets, the bounding and ambient sets, keepcaps,
// rlimits, personality, oom_score_adj, sysctls and user-namespace id maps.
// Linux is the reference. The test process never changes its own
// credentials (on Linux they are the test runner's): every change happens
// in a helper running a "creds" script (contract_helper_credentials.h).
// Root on the Linux test machine may lack some capabilities (e.g.
// CAP_SYS_RESOURCE), so cases work from what the helper reports.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

RUNBOX_CONTRACT_SUITE(CredentialsContract);

constexpr int kCapChown = 0;
constexpr int kCapSetgid = 6;
constexpr int kCapSetuid = 7;
constexpr int kCapSetpcap = 8;
constexpr int kCapSysResource = 24;
constexpr int kRlimitNofile = 7;
constexpr uint32_t kNobody = 65534;

// Runs the helper's "creds" script and returns its lines (exit 0 checked).
absl::StatusOr<std::vector<std::string>> Script(
    Host& host, const std::string& helper, std::vector<std::string> ops,
    Namespaces new_namespaces = Namespaces::kNone) {
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  SpawnRequest req;
  req.path = helper;
  req.argv = {helper, "creds"};
  req.argv.insert(req.argv.end(), ops.begin(), ops.end());
  req.fds = {{&out.write, 1}};
  req.new_namespaces = new_namespaces;
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(req));
  out.write.Reset();
  absl::StatusOr<std::string> text = ReadToEof(host, out.read);
  ASSIGN_OR_RETURN(ExitStatus status, WaitFor(host, child.pid));
  if (!text.ok()) return text.status();
  if (status != ExitStatus::Exited(0)) {
    return absl::InternalError(
        absl::StrCat("creds script ended ", ToString(status), ": ", *text));
  }
  return std::vector<std::string>(
      absl::StrSplit(*text, '\n', absl::SkipEmpty()));
}

struct Caps {
  uint64_t effective = 0, permitted = 0, inheritable = 0;
  bool Has(int cap) const { return (permitted >> cap) & 1; }
};

Caps ParseCaps(const std::string& line) {
  std::vector<std::string> f = absl::StrSplit(line, ' ');
  Caps c;
  if (f.size() == 3) {
    (void)absl::SimpleHexAtoi(f[0], &c.effective);
    (void)absl::SimpleHexAtoi(f[1], &c.permitted);
    (void)absl::SimpleHexAtoi(f[2], &c.inheritable);
  }
  return c;
}

std::string CapsLine(uint64_t e, uint64_t p, uint64_t i) {
  return absl::StrCat(absl::Hex(e), " ", absl::Hex(p), " ", absl::Hex(i));
}

uint64_t Bit(int cap) { return uint64_t{1} << cap; }

// What a fresh helper starts with.
absl::StatusOr<Caps> HelperCaps(Host& host, const std::string& helper) {
  ASSIGN_OR_RETURN(std::vector<std::string> lines,
                   Script(host, helper, {"capget"}));
  if (lines.size() != 1) return absl::InternalError("capget: no line");
  return ParseCaps(lines[0]);
}

TEST_P(CredentialsContract, CapsetAndCapgetRoundTrip) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapChown)) GTEST_SKIP() << "no CAP_CHOWN to drop";
    // Root's exec gives effective = permitted.
    EXPECT_EQ(start.effective, start.permitted);
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(),
                                {"cap-drop:0", "capget", "cap-perm-add:0",
                                 "cap-inh-add:0", "capget"}));
    uint64_t e = start.effective & ~Bit(kCapChown);
    uint64_t p = start.permitted & ~Bit(kCapChown);
    uint64_t i = start.inheritable & ~Bit(kCapChown);
    // Permitted never grows back; inheritable may not hold what is in
    // neither permitted nor inheritable (without CAP_SETPCAP).
    std::string inh_add = start.Has(kCapSetpcap) ? "ok" : "error EPERM";
    uint64_t i2 = start.Has(kCapSetpcap) ? (i | Bit(kCapChown)) : i;
    EXPECT_THAT(lines, ElementsAre("ok", CapsLine(e, p, i), "error EPERM",
                                   inh_add, CapsLine(e, p, i2)));
  });
}

TEST_P(CredentialsContract, CapsetRefusesEffectiveBeyondPermitted) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapChown)) GTEST_SKIP() << "no CAP_CHOWN";
    // Dropping from effective only keeps permitted, and effective may come
    // back from permitted.
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"cap-drop:0", "cap-perm-add:0", "cap-eff-all", "capget"}));
    EXPECT_THAT(lines,
                ElementsAre("ok", "error EPERM", "ok",
                            CapsLine(start.effective & ~Bit(kCapChown),
                                     start.permitted & ~Bit(kCapChown),
                                     start.inheritable & ~Bit(kCapChown))));
  });
}

TEST_P(CredentialsContract, LastCapabilityBoundsTheBoundingSet) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(int last, host.LastCapability());
    EXPECT_GE(last, 37);  // CAP_AUDIT_READ, Linux 3.16.
    EXPECT_LT(last, 64);
    EXPECT_THAT(host.InBoundingSet(last + 1), HasErrno(EINVAL));
    EXPECT_THAT(host.InBoundingSet(-1), HasErrno(EINVAL));
    EXPECT_OK(host.InBoundingSet(last).status());
    EXPECT_THAT(host.DropBoundingCapability(last + 1), HasErrno(EINVAL));
    EXPECT_THAT(host.RaiseAmbientCapability(last + 1), HasErrno(EINVAL));
  });
}

TEST_P(CredentialsContract, DroppedBoundingCapabilityIsGone) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapSetpcap)) GTEST_SKIP() << "no CAP_SETPCAP";
    ASSERT_OK_AND_ASSIGN(bool in_bounding, host.InBoundingSet(kCapChown));
    if (!in_bounding) GTEST_SKIP() << "CAP_CHOWN not in the bounding set";
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"bound:0", "drop-bound:0", "bound:0", "drop-bound:0",
                // Without CAP_SETPCAP in effective, no more drops.
                "cap-drop:8", "drop-bound:1"}));
    EXPECT_THAT(lines, ElementsAre("1", "ok", "0", "ok", "ok", "error EPERM"));
    // The caller's own set is untouched.
    EXPECT_THAT(host.InBoundingSet(kCapChown), IsOkAndHolds(true));
  });
}

TEST_P(CredentialsContract, AmbientRaiseNeedsPermittedAndInheritable) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapChown)) GTEST_SKIP() << "no CAP_CHOWN";
    std::vector<std::string> ops = {"cap-drop:0", "ambient-raise:0"};
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(), ops));
    EXPECT_THAT(lines, ElementsAre("ok", "error EPERM"));
    if (!start.Has(kCapSetpcap) && (start.inheritable & Bit(kCapChown)) == 0) {
      return;
    }
    // In permitted and inheritable: it may be raised, and clearing works.
    ASSERT_OK_AND_ASSIGN(
        lines, Script(host, helper(),
                      {"cap-inh-add:0", "ambient-raise:0", "ambient-clear"}));
    EXPECT_THAT(lines, ElementsAre("ok", "ok", "ok"));
  });
}

TEST_P(CredentialsContract, SetresuidAwayFromRootClearsCapabilities) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapSetuid)) GTEST_SKIP() << "no CAP_SETUID";
    const std::string nobody =
        absl::StrCat("setresuid:", kNobody, ",", kNobody, ",", kNobody);
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(), {"keepcaps:0", nobody, "uid", "capget"}));
    EXPECT_THAT(lines, ElementsAre("ok", "ok", absl::StrCat(kNobody),
                                   CapsLine(0, 0, start.inheritable)));
    // With keepcaps, permitted stays (effective still goes), and effective
    // can be raised again from it.
    ASSERT_OK_AND_ASSIGN(lines, Script(host, helper(),
                                       {"keepcaps:1", nobody, "capget",
                                        "cap-eff-all", "capget"}));
    EXPECT_THAT(
        lines,
        ElementsAre(
            "ok", "ok", CapsLine(0, start.permitted, start.inheritable), "ok",
            CapsLine(start.permitted, start.permitted, start.inheritable)));
  });
}

TEST_P(CredentialsContract, SetresuidWithoutCapSetuidOnlyTakesHeldIds) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapSetuid)) GTEST_SKIP() << "no CAP_SETUID";
    // Real and effective nobody, saved 0: back to 0 is allowed, another id
    // is not; -1 leaves an id as it is.
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {absl::StrCat("setresuid:", kNobody, ",", kNobody, ",0"),
                "setresuid:1000,4294967295,4294967295",
                absl::StrCat("setresuid:4294967295,0,", kNobody), "uid"}));
    EXPECT_THAT(lines,
                ElementsAre("ok", "error EPERM", "ok", absl::StrCat(kNobody)));
  });
}

TEST_P(CredentialsContract, SetgroupsNeedsCapSetgid) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapSetgid)) GTEST_SKIP() << "no CAP_SETGID";
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(),
                                {"setgroups:1,2,3", "setgroups:",
                                 "setresgid:5,5,5", "cap-drop:6", "setgroups:1",
                                 "setresgid:6,6,6", "setresgid:5,5,5"}));
    EXPECT_THAT(lines, ElementsAre("ok", "ok", "ok", "ok", "error EPERM",
                                   "error EPERM", "ok"));
  });
}

TEST_P(CredentialsContract, RlimitsLowerButDoNotRaiseWithoutCapSysResource) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(ResourceLimit ours, host.GetRlimit(kRlimitNofile));
    EXPECT_LE(ours.soft, ours.hard);
    if (ours.hard < 256) GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low";
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"cap-drop:24", "rlimit-set:7,64,128", "rlimit-get:7",
                "rlimit-set:7,200,100", "rlimit-set:7,64,256",
                "rlimit-set:7,128,128", "rlimit-get:7", "rlimit-get:99"}));
    EXPECT_THAT(lines,
                ElementsAre("ok", "ok", "64 128", "error EINVAL", "error EPERM",
                            "ok", "128 128", "error EINVAL"));
    // The child's limits were its own.
    EXPECT_THAT(host.GetRlimit(kRlimitNofile), IsOkAndHolds(ours));
  });
}

TEST_P(CredentialsContract, RlimitsAreInheritedAcrossSpawnAndExec) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(ResourceLimit ours, host.GetRlimit(kRlimitNofile));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(), {"rlimit-get:7"}));
    auto text = [](uint64_t v) {
      return v == ResourceLimit::kRlimInfinity ? std::string("inf")
                                               : absl::StrCat(v);
    };
    EXPECT_THAT(lines, ElementsAre(absl::StrCat(text(ours.soft), " ",
                                                text(ours.hard))));
    if (ours.hard < 128) GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low";
    ASSERT_OK_AND_ASSIGN(
        lines, Script(host, helper(),
                      {"rlimit-set:7,100,120", "exec", "rlimit-get:7"}));
    EXPECT_THAT(lines, ElementsAre("ok", "100 120"));
  });
}

TEST_P(CredentialsContract, PersonalityReturnsThePrevious) {
  Run([&](Host& host, const std::string& dir) {
    // 0x0008 is ADDR_NO_RANDOMIZE; 0xffffffff only queries.
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(),
                                {"personality:4294967295", "personality:262144",
                                 "personality:4294967295", "personality:0",
                                 "personality:4294967295"}));
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[1], lines[0]);
    EXPECT_EQ(lines[2], "262144");
    EXPECT_EQ(lines[3], "262144");
    EXPECT_EQ(lines[4], "0");
  });
}

TEST_P(CredentialsContract, OomScoreAdjRaisesAndRejectsOutOfRange) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(int ours, host.GetOomScoreAdj());
    if (ours > 500) GTEST_SKIP() << "oom_score_adj already above 500";
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(),
                                {"oom-get", "oom-set:500", "oom-get",
                                 "oom-set:1001", "oom-set:-1001", "oom-set:700",
                                 "oom-get", "oom-set:600", "oom-get"}));
    // Back down is fine while it stays above the inherited floor.
    EXPECT_THAT(lines,
                ElementsAre(absl::StrCat(ours), "ok", "500", "error EINVAL",
                            "error EINVAL", "ok", "700", "ok", "600"));
    EXPECT_THAT(host.GetOomScoreAdj(), IsOkAndHolds(ours));
  });
}

TEST_P(CredentialsContract, OomScoreAdjBelowTheFloorNeedsCapSysResource) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(int ours, host.GetOomScoreAdj());
    if (ours != 0) GTEST_SKIP() << "oom_score_adj is not 0";
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(), {"cap-drop:24", "oom-set:-100", "oom-get"}));
    EXPECT_THAT(lines, ElementsAre("ok", "error EACCES", "0"));
  });
}

TEST_P(CredentialsContract, SysctlKeysAreCheckedBeforeAnyWrite) {
  Run([&](Host& host, const std::string& dir) {
    for (const char* key : {"../x", "kernel/hostname", "", "kernel..hostname",
                            ".kernel", "kernel.", "..", "net.ipv4.."}) {
      EXPECT_THAT(host.WriteSysctl(key, "1"), HasErrno(EINVAL)) << key;
      EXPECT_THAT(host.ReadSysctl(key), HasErrno(EINVAL)) << key;
    }
    EXPECT_THAT(host.ReadSysctl("kernel.no_such_key_runbox"), HasErrno(ENOENT));
    EXPECT_THAT(host.WriteSysctl("kernel.no_such_key_runbox", "1"),
                HasErrno(ENOENT));
    EXPECT_THAT(host.WriteSysctl("no.such.tree", "1"), HasErrno(ENOENT));
    ASSERT_OK_AND_ASSIGN(std::string hostname, host.GetHostname());
    EXPECT_THAT(host.ReadSysctl("kernel.hostname"), IsOkAndHolds(hostname));
    ASSERT_OK_AND_ASSIGN(int last, host.LastCapability());
    EXPECT_THAT(host.ReadSysctl("kernel.cap_last_cap"),
                IsOkAndHolds(absl::StrCat(last)));
  });
}

TEST_P(CredentialsContract, SysctlWritesStayInTheirNamespace) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(std::string domain,
                         host.ReadSysctl("kernel.domainname"));
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"sysctl-set:kernel.domainname=contract.example",
                "sysctl-get:kernel.domainname",
                "sysctl-set:kernel.hostname=contract-host",
                "sysctl-get:kernel.hostname"},
               Namespaces::kUts));
    EXPECT_THAT(lines,
                ElementsAre("ok", "contract.example", "ok", "contract-host"));
    EXPECT_THAT(host.ReadSysctl("kernel.domainname"), IsOkAndHolds(domain));
    // net.* sysctls belong to the network namespace.
    ASSERT_OK_AND_ASSIGN(std::string forward,
                         host.ReadSysctl("net.ipv4.ip_forward"));
    ASSERT_OK_AND_ASSIGN(lines, Script(host, helper(),
                                       {"sysctl-get:net.ipv4.ip_forward",
                                        "sysctl-set:net.ipv4.ip_forward=1",
                                        "sysctl-get:net.ipv4.ip_forward",
                                        "sysctl-set:net.ipv4.ip_forward=0",
                                        "sysctl-get:net.ipv4.ip_forward",
                                        "sysctl-set:net.ipv4.ip_forward=yes"},
                                       Namespaces::kNet));
    // A new namespace starts from the host's value on Linux (IPv4 settings
    // are inherited from the initial namespace): both values are set in
    // turn, so one of them differs from the host's, which stays.
    EXPECT_THAT(lines, ElementsAre(::testing::AnyOf("0", "1"), "ok", "1", "ok",
                                   "0", "error EINVAL"));
    EXPECT_THAT(host.ReadSysctl("net.ipv4.ip_forward"), IsOkAndHolds(forward));
  });
}

TEST_P(CredentialsContract, ExecOfANonRootProcessKeepsOnlyAmbient) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapChown) || !start.Has(kCapSetuid) ||
        !start.Has(kCapSetpcap)) {
      GTEST_SKIP() << "needs CAP_CHOWN, CAP_SETUID and CAP_SETPCAP";
    }
    const std::string nobody =
        absl::StrCat("setresuid:", kNobody, ",", kNobody, ",", kNobody);
    // Ambient goes with the last root id even with keepcaps; raised again
    // afterwards, it is all that survives the exec. Effective is raised
    // before the exec so nobody may search the helper's directories.
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"cap-inh-add:0", "ambient-raise:0", "keepcaps:1", nobody,
                "ambient-raise:0", "cap-eff-all", "exec", "capget", "uid"}));
    EXPECT_THAT(lines, ElementsAre("ok", "ok", "ok", "ok", "ok", "ok",
                                   CapsLine(Bit(kCapChown), Bit(kCapChown),
                                            start.inheritable | Bit(kCapChown)),
                                   absl::StrCat(kNobody)));
  });
}

TEST_P(CredentialsContract, IdMapsAreWrittenOncePerUserNamespace) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(PipeFds in, host.Pipe());
    ASSERT_OK_AND_ASSIGN(PipeFds out, host.Pipe());
    SpawnRequest req;
    req.path = helper();
    req.argv = {helper(), "creds", "uid",    "capget",      "wait-stdin",
                "uid",    "exec",  "capget", "setgroups:0", "setresgid:0,0,0"};
    req.fds = {{&in.read, 0}, {&out.write, 1}};
    req.new_namespaces = Namespaces::kUser;
    ASSERT_OK_AND_ASSIGN(SpawnResult child, host.Spawn(req));
    absl::Cleanup reap = [&] { KillAndReap(host, child.pid); };
    in.read.Reset();
    out.write.Reset();
    // Before its map, the child is the overflow uid, and was not root in
    // its namespace when it exec'd: no capabilities.
    ASSERT_OK_AND_ASSIGN(std::string line, ReadUntil(host, out.read, '\n'));
    EXPECT_EQ(line, absl::StrCat(kNobody, "\n"));
    ASSERT_OK_AND_ASSIGN(line, ReadUntil(host, out.read, '\n'));
    EXPECT_EQ(line, "0 0 0\n");

    EXPECT_OK(host.WriteIdMap(child.pid, IdMapKind::kUid, "0 0 1\n"));
    EXPECT_THAT(host.WriteIdMap(child.pid, IdMapKind::kUid, "0 0 1\n"),
                HasErrno(EPERM));
    EXPECT_THAT(host.WriteIdMap(child.pid, IdMapKind::kGid, "0 0 0\n"),
                HasErrno(EINVAL));
    EXPECT_OK(host.DenySetgroups(child.pid));
    EXPECT_OK(host.WriteIdMap(child.pid, IdMapKind::kGid, "0 0 1\n"));
    // Too late once the gid map exists.
    EXPECT_THAT(host.DenySetgroups(child.pid), HasErrno(EPERM));
    // The caller's own namespace is the root one: its maps exist.
    EXPECT_THAT(host.WriteIdMap(host.GetPid(), IdMapKind::kUid, "0 0 1\n"),
                HasErrno(EPERM));
    in.write.Reset();
    ASSERT_OK_AND_ASSIGN(std::string rest, ReadToEof(host, out.read));
    std::vector<std::string> lines =
        absl::StrSplit(rest, '\n', absl::SkipEmpty());
    // Now uid 0 inside, and root's exec there gives the namespace's full
    // set; setgroups stays denied, set*id works for mapped ids.
    ASSERT_EQ(lines.size(), 5u) << rest;
    EXPECT_EQ(lines[0], "ok");
    EXPECT_EQ(lines[1], "0");
    Caps caps = ParseCaps(lines[2]);
    EXPECT_EQ(caps.effective, caps.permitted);
    EXPECT_TRUE(caps.Has(kCapSetgid));
    EXPECT_TRUE(caps.Has(kCapSysResource));
    EXPECT_EQ(lines[3], "error EPERM");
    EXPECT_EQ(lines[4], "ok");
    std::move(reap).Cancel();
    EXPECT_THAT(WaitFor(host, child.pid), IsOkAndHolds(ExitStatus::Exited(0)));
  });
}

// Session keyrings (runc's "_ses.<id>"). Names are made unique per run:
// keyrings are the kernel's, shared by every test on the machine.
std::string KeyringName(Host& host, absl::string_view what) {
  return absl::StrCat("_ses.contract-", what, "-", host.GetPid().value);
}

// On Linux a seccomp filter (Docker's default) or a kernel without
// keyrings refuses `keyctl`(2): nothing to test there.
bool KeyringsUnavailable(const std::string& line) {
  return line == "error EPERM" || line == "error ENOSYS";
}

TEST_P(CredentialsContract, JoinSessionKeyringMakesANamedKeyring) {
  Run([&](Host& host, const std::string& dir) {
    const std::string name = KeyringName(host, "join");
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(), {"key-join:" + name, "key-describe:session"}));
    ASSERT_EQ(lines.size(), 2u);
    if (KeyringsUnavailable(lines[0])) GTEST_SKIP() << "no keyctl here";
    KeySerial serial = 0;
    ASSERT_TRUE(absl::SimpleAtoi(lines[0], &serial)) << lines[0];
    EXPECT_GT(serial, 0);
    // Possessor all, owner view, read and link.
    EXPECT_EQ(lines[1], absl::StrCat("keyring ", host.GetUid(), " ",
                                     host.GetGid(), " 3f130000 ", name));
    // Another process joining the name cannot search that keyring (no
    // owner search bit), so it gets a new one.
    ASSERT_OK_AND_ASSIGN(lines, Script(host, helper(), {"key-join:" + name}));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0], absl::StrCat(serial));
  });
}

TEST_P(CredentialsContract, SetKeyPermissionsChangesThem) {
  Run([&](Host& host, const std::string& dir) {
    const std::string name = KeyringName(host, "perm");
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"key-join:" + name, "key-setperm:session,3f1b0000",
                "key-describe:session", "key-setperm:session,40000000"}));
    ASSERT_EQ(lines.size(), 4u);
    if (KeyringsUnavailable(lines[0])) GTEST_SKIP() << "no keyctl here";
    EXPECT_EQ(lines[1], "ok");
    EXPECT_EQ(lines[2], absl::StrCat("keyring ", host.GetUid(), " ",
                                     host.GetGid(), " 3f1b0000 ", name));
    EXPECT_EQ(lines[3], "error EINVAL");  // Not a permission bit.
  });
}

// A join by name finds an existing keyring only when the caller may search
// it as a non-possessor: runc adds the owner's search bit so that `runc
// exec` joins the container's keyring.
TEST_P(CredentialsContract, JoinByNameNeedsSearchPermission) {
  Run([&](Host& host, const std::string& dir) {
    const std::string name = KeyringName(host, "search");
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"key-join:" + name, "key-join:" + name,
                "key-setperm:session,3f1b0000", "key-join:" + name}));
    ASSERT_EQ(lines.size(), 4u);
    if (KeyringsUnavailable(lines[0])) GTEST_SKIP() << "no keyctl here";
    // Without owner search, a second join makes a new keyring.
    EXPECT_NE(lines[1], lines[0]);
    EXPECT_EQ(lines[2], "ok");
    // With it, the join finds the keyring, already the session one: 0.
    EXPECT_EQ(lines[3], "0");
  });
}

TEST_P(CredentialsContract, SessionKeyringIsInheritedAcrossExec) {
  Run([&](Host& host, const std::string& dir) {
    const std::string name = KeyringName(host, "exec");
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> lines,
        Script(host, helper(),
               {"key-join:" + name, "exec", "key-describe:session"}));
    ASSERT_EQ(lines.size(), 2u);
    if (KeyringsUnavailable(lines[0])) GTEST_SKIP() << "no keyctl here";
    EXPECT_EQ(lines[1], absl::StrCat("keyring ", host.GetUid(), " ",
                                     host.GetGid(), " 3f130000 ", name));
  });
}

TEST_P(CredentialsContract, ProcessStatusShowsIdsAndNoNewPrivs) {
  Run([&](Host& host, const std::string& dir) {
    const Uid uid = host.GetUid();
    const Gid gid = host.GetGid();
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(), {"status", "nnp", "status"}));
    ASSERT_EQ(lines.size(), 3u);
    const std::string ids =
        absl::StrCat(uid, " ", uid, " ", uid, " ", gid, " ", gid, " ", gid);
    EXPECT_TRUE(absl::StartsWith(lines[0], ids)) << lines[0];
    // The runner's own no_new_privs and seccomp mode are inherited (both
    // off on the fake); setting the bit shows, and changes nothing else.
    EXPECT_EQ(lines[1], "ok");
    EXPECT_THAT(lines[2], HasSubstr(" nnp:1 ")) << lines[2];
    std::string expected = lines[0];
    absl::StrReplaceAll({{" nnp:0 ", " nnp:1 "}}, &expected);
    EXPECT_EQ(lines[2], expected);
    if (GetParam() == "Fake") {
      EXPECT_THAT(lines[0], HasSubstr(" nnp:0 seccomp:0 amb:0")) << lines[0];
    }
  });
}

TEST_P(CredentialsContract, ProcessStatusShowsSetresidAndGroups) {
  Run([&](Host& host, const std::string& dir) {
    if (host.GetUid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_OK_AND_ASSIGN(Caps start, HelperCaps(host, helper()));
    if (!start.Has(kCapSetuid) || !start.Has(kCapSetgid)) {
      GTEST_SKIP() << "no CAP_SETUID/CAP_SETGID";
    }
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(),
                                {"setgroups:30,20", "setresgid:7,8,9",
                                 "keepcaps:1", "setresuid:4,5,6", "status"}));
    ASSERT_EQ(lines.size(), 5u);
    // The kernel keeps the groups sorted; either order is the same set.
    EXPECT_TRUE(absl::StartsWith(lines[4], "4 5 6 7 8 9 groups:")) << lines[4];
    EXPECT_TRUE(absl::StrContains(lines[4], "groups:20,30 ") ||
                absl::StrContains(lines[4], "groups:30,20 "))
        << lines[4];
  });
}

TEST_P(CredentialsContract, ProcessStatusListsCgroups) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(), {"cgroup"}));
    ASSERT_EQ(lines.size(), 1u);
    // Every line is "id:controllers:/path"; a v2 hierarchy is "0::/...".
    for (absl::string_view line : absl::StrSplit(lines[0], '|')) {
      std::vector<absl::string_view> f = absl::StrSplit(line, ':');
      ASSERT_EQ(f.size(), 3u) << line;
      int id = -1;
      EXPECT_TRUE(absl::SimpleAtoi(f[0], &id)) << line;
      EXPECT_TRUE(absl::StartsWith(f[2], "/")) << line;
      if (id == 0) {
        EXPECT_EQ(f[1], "") << line;
      }
    }
  });
}

TEST_P(CredentialsContract, DescribeOfANegativeNonSpecialIdIsEinval) {
  Run([&](Host& host, const std::string& dir) {
    // Serials are positive; -1..-8 are the special ids.
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> lines,
                         Script(host, helper(), {"key-describe:-100"}));
    ASSERT_EQ(lines.size(), 1u);
    if (KeyringsUnavailable(lines[0])) GTEST_SKIP() << "no keyctl here";
    EXPECT_EQ(lines[0], "error EINVAL");
  });
}

}  // namespace
}  // namespace runbox::contract
