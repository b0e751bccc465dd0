// Contract of Cgroups::CgroupAttachDeviceFilter, the cgroup v2 device
// controller, on both hosts: a program attached to a fresh v2 cgroup decides
// what its members may open (and the caller, outside it, is unaffected); a
// second attach replaces the first; the verifier refuses a broken program.
// On Linux these need root and a cgroup2 mount (on a hybrid host, the
// unified one); the device nodes are made in the case's directory, so the
// fake (which has no /dev) runs the same case.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/bpf_insn_for_test.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

RUNBOX_CONTRACT_SUITE(CgroupDeviceContract);

// Programs are hand-encoded (hostapi/ cannot use runtime/'s generator).
// r2 = type, r3 = access, r4 = major, r5 = minor.
using Insn = BpfInsn;
constexpr auto Encode = EncodeBpf;

// Refuses reads of char device 1:3; allows everything else.
std::vector<uint8_t> DenyNullReads() {
  return Encode({
      {0x61, 0x12, 0, 0},       // 0: ldxw r2, [r1 + 0]
      {0x54, 0x02, 0, 0xffff},  // 1: and32 r2, 0xffff
      {0x61, 0x13, 0, 0},       // 2: ldxw r3, [r1 + 0]
      {0x74, 0x03, 0, 16},      // 3: rsh32 r3, 16
      {0x61, 0x14, 4, 0},       // 4: ldxw r4, [r1 + 4]
      {0x61, 0x15, 8, 0},       // 5: ldxw r5, [r1 + 8]
      {0x55, 0x02, 4, 2},       // 6: if r2 != char goto 11
      {0x55, 0x04, 3, 1},       // 7: if r4 != 1 goto 11
      {0x55, 0x05, 2, 3},       // 8: if r5 != 3 goto 11
      {0x45, 0x03, 3, 2},       // 9: if r3 & read goto 13
      {0x05, 0x00, 0, 0},       // 10: goto 11
      {0xb4, 0x00, 0, 1},       // 11: mov32 r0, 1
      {0x95, 0x00, 0, 0},       // 12: exit
      {0xb4, 0x00, 0, 0},       // 13: mov32 r0, 0
      {0x95, 0x00, 0, 0},       // 14: exit
  });
}

std::vector<uint8_t> AllowAll() {
  return Encode({{0xb4, 0x00, 0, 1}, {0x95, 0x00, 0, 0}});
}

// The v2 mount, or "" without one.
std::string V2Mount(Host& host) {
  absl::StatusOr<std::vector<CgroupMount>> mounts = host.CgroupMounts();
  if (!mounts.ok()) return "";
  for (const CgroupMount& m : *mounts) {
    if (m.version == CgroupVersion::kV2) return m.path;
  }
  return "";
}

// Runs the helper's try-open PATH MODE inside `cgroup`: 0 opened, 1 EPERM.
int TryOpenIn(Host& host, const std::string& helper, const std::string& cgroup,
              const std::string& path, const std::string& mode) {
  SpawnRequest req;
  req.path = helper;
  req.argv = {helper, "try-open", path, mode};
  req.before_exec = [&](Pid child) {
    return host.CgroupAddProcess(cgroup, child);
  };
  absl::StatusOr<SpawnResult> child = host.Spawn(req);
  if (!child.ok()) {
    ADD_FAILURE() << "spawn: " << child.status();
    return -1;
  }
  absl::StatusOr<ExitStatus> status = WaitFor(host, child->pid);
  if (!status.ok() || status->kind != ExitStatus::Kind::kExited) {
    ADD_FAILURE() << "helper did not exit normally";
    return -1;
  }
  return status->code;
}

// Makes the cgroup and the nodes; false (after GTEST_SKIP) when this host
// cannot run the case.
bool Prepare(Host& host, const std::string& dir, std::string& cgroup) {
  if (host.GetUid() != 0) {
    GTEST_MESSAGE_("needs root (mknod, bpf, cgroupfs)",
                   ::testing::TestPartResult::kSkip);
    return false;
  }
  const std::string v2 = V2Mount(host);
  if (v2.empty()) {
    GTEST_MESSAGE_("no cgroup2 mounted", ::testing::TestPartResult::kSkip);
    return false;
  }
  cgroup = absl::StrCat(v2, "/runbox-contract-", host.GetPid().value);
  EXPECT_OK(host.CgroupCreate(cgroup));
  EXPECT_OK(host.MknodAt(Fd::Cwd(), dir + "/null", FileType::kCharDevice, 0666,
                         DeviceNumber{1, 3}));
  EXPECT_OK(host.MknodAt(Fd::Cwd(), dir + "/zero", FileType::kCharDevice, 0666,
                         DeviceNumber{1, 5}));
  // A nodev mount would refuse the nodes for another reason.
  if (!host.OpenAt(Fd::Cwd(), dir + "/null", {}).ok()) {
    (void)host.CgroupRemove(cgroup);
    GTEST_MESSAGE_("the case's directory does not allow device nodes (nodev)",
                   ::testing::TestPartResult::kSkip);
    return false;
  }
  return true;
}

TEST_P(CgroupDeviceContract, ProgramDecidesForMembersOnly) {
  Run([&](Host& host, const std::string& dir) {
    std::string cgroup;
    if (!Prepare(host, dir, cgroup)) return;
    absl::Cleanup remove = [&] { EXPECT_OK(host.CgroupRemove(cgroup)); };
    ASSERT_OK(host.CgroupAttachDeviceFilter(cgroup, DenyNullReads(), "Apache"));

    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/null", "r"), 1);
    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/null", "rw"), 1);
    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/null", "w"), 0);
    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/zero", "r"), 0);
    // The caller is not a member.
    EXPECT_OK(host.OpenAt(Fd::Cwd(), dir + "/null", {}).status());
  });
}

TEST_P(CgroupDeviceContract, SecondAttachReplacesTheFirst) {
  Run([&](Host& host, const std::string& dir) {
    std::string cgroup;
    if (!Prepare(host, dir, cgroup)) return;
    absl::Cleanup remove = [&] { EXPECT_OK(host.CgroupRemove(cgroup)); };
    ASSERT_OK(host.CgroupAttachDeviceFilter(cgroup, DenyNullReads(), "Apache"));
    ASSERT_OK(host.CgroupAttachDeviceFilter(cgroup, AllowAll(), "Apache"));
    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/null", "r"), 0);
    ASSERT_OK(host.CgroupAttachDeviceFilter(cgroup, DenyNullReads(), "Apache"));
    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/null", "r"), 1);
  });
}

TEST_P(CgroupDeviceContract, BrokenProgramsAreRefused) {
  Run([&](Host& host, const std::string& dir) {
    std::string cgroup;
    if (!Prepare(host, dir, cgroup)) return;
    absl::Cleanup remove = [&] { EXPECT_OK(host.CgroupRemove(cgroup)); };
    // No exit: the verifier refuses a path that falls off the end.
    EXPECT_THAT(host.CgroupAttachDeviceFilter(
                    cgroup, Encode({{0xb4, 0x00, 0, 1}}), "Apache"),
                HasErrno(EINVAL));
    // Not whole instructions.
    const std::vector<uint8_t> torn = {0xb4, 0x00, 0, 0};
    EXPECT_THAT(host.CgroupAttachDeviceFilter(cgroup, torn, "Apache"),
                HasErrno(EINVAL));
    EXPECT_THAT(host.CgroupAttachDeviceFilter(cgroup + "/missing", AllowAll(),
                                              "Apache"),
                HasErrno(ENOENT));
    // Nothing was attached.
    EXPECT_EQ(TryOpenIn(host, helper(), cgroup, dir + "/null", "r"), 0);
  });
}

}  // namespace
}  // namespace runbox::contract
