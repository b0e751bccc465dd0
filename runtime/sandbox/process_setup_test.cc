// Call order of the per-process attribute steps (MockHost): which kernel
// calls, with which arguments, in which sequence. What the calls do is the
// contract suite's; FakeHost end-to-end checks are in
// process_attributes_test.cc.
#include "runtime/sandbox/process_setup.h"

#include <cerrno>
#include <cstring>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/mock_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"

namespace runbox {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::MockFunction;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::StrictMock;

constexpr uint64_t Bit(spec::Capability cap) {
  return uint64_t{1} << static_cast<int>(cap);
}

TEST(ApplyContainerSysctlsTest, WritesEveryKeyAndNamesTheOneThatFails) {
  StrictMock<MockHost> host;
  spec::Config config;
  config.linux.emplace();
  config.linux->sysctl = {{"kernel.domainname", "box"},
                          {"net.ipv4.ip_forward", "1"}};
  {
    InSequence seq;
    EXPECT_CALL(host, WriteSysctl(Eq(absl::string_view("kernel.domainname")),
                                  Eq(absl::string_view("box"))))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, WriteSysctl(Eq(absl::string_view("net.ipv4.ip_forward")),
                                  Eq(absl::string_view("1"))))
        .WillOnce(Return(ErrnoError(EXDEV, "not procfs")));
  }
  absl::Status s = ApplyContainerSysctls(host, config);
  EXPECT_THAT(s, HasErrno(EXDEV));
  EXPECT_THAT(std::string(s.message()), HasSubstr("net.ipv4.ip_forward"));
}

TEST(ApplyContainerSysctlsTest, SlashKeysAreWrittenDotted) {
  StrictMock<MockHost> host;
  spec::Config config;
  config.linux.emplace();
  config.linux->sysctl = {{"net/ipv4/ip_forward", "1"}};
  EXPECT_CALL(host, WriteSysctl(Eq(absl::string_view("net.ipv4.ip_forward")),
                                Eq(absl::string_view("1"))))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_OK(ApplyContainerSysctls(host, config));
  // No dotted spelling: refused before any write.
  config.linux->sysctl = {{"net/ipv4/conf/eth0.100/forwarding", "1"}};
  EXPECT_THAT(ApplyContainerSysctls(host, config), HasErrno(EINVAL));
}

TEST(ApplyContainerSysctlsTest, NoLinuxObjectWritesNothing) {
  StrictMock<MockHost> host;
  EXPECT_OK(ApplyContainerSysctls(host, spec::Config{}));
}

TEST(ApplyRlimitsTest, SetsEachLimitByItsKernelNumber) {
  StrictMock<MockHost> host;
  std::vector<spec::Rlimit> limits = {
      {spec::RlimitType::kNofile, 100, 200},
      {spec::RlimitType::kCore, 0, ResourceLimit::kRlimInfinity}};
  InSequence seq;
  EXPECT_CALL(host, SetRlimit(7, ResourceLimit{100, 200}))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host,
              SetRlimit(4, ResourceLimit{0, ResourceLimit::kRlimInfinity}))
      .WillOnce(Return(ErrnoError(EPERM, "prlimit")));
  absl::Status s = ApplyRlimits(host, limits);
  EXPECT_THAT(s, HasErrno(EPERM));
  EXPECT_THAT(std::string(s.message()), HasSubstr("RLIMIT_CORE"));
}

TEST(ApplyOomScoreAdjTest, OnlyWhenSet) {
  StrictMock<MockHost> host;
  spec::Process process;
  EXPECT_OK(ApplyOomScoreAdj(host, process));
  process.oom_score_adj = -500;
  EXPECT_CALL(host, SetOomScoreAdj(-500)).WillOnce(Return(absl::OkStatus()));
  EXPECT_OK(ApplyOomScoreAdj(host, process));
}

TEST(ApplyPersonalityTest, Linux32IsPerLinux32) {
  StrictMock<MockHost> host;
  InSequence seq;
  EXPECT_CALL(host, SetPersonality(0x0008u)).WillOnce(Return(0u));
  EXPECT_CALL(host, SetPersonality(0x0000u)).WillOnce(Return(8u));
  EXPECT_OK(ApplyPersonality(host, {spec::PersonalityDomain::kLinux32, {}}));
  EXPECT_OK(ApplyPersonality(host, {spec::PersonalityDomain::kLinux, {}}));
}

TEST(WantedCapabilitiesTest, AbsentCapabilitiesMeansEverySetEmpty) {
  WantedCapabilities wanted = WantedCapabilitiesOf(spec::Process{});
  EXPECT_EQ(wanted.bounding, 0u);
  EXPECT_EQ(wanted.effective, 0u);
  EXPECT_EQ(wanted.permitted, 0u);
  EXPECT_EQ(wanted.inheritable, 0u);
  EXPECT_EQ(wanted.ambient, 0u);
}

TEST(WantedCapabilitiesTest, EachSetFromItsList) {
  spec::Process process;
  process.capabilities.emplace();
  process.capabilities->bounding = {spec::Capability::kKill,
                                    spec::Capability::kChown};
  process.capabilities->effective = {spec::Capability::kKill};
  process.capabilities->permitted = {spec::Capability::kKill,
                                     spec::Capability::kChown};
  process.capabilities->inheritable = {spec::Capability::kChown};
  process.capabilities->ambient = {spec::Capability::kCheckpointRestore};
  WantedCapabilities wanted = WantedCapabilitiesOf(process);
  EXPECT_EQ(wanted.bounding,
            Bit(spec::Capability::kKill) | Bit(spec::Capability::kChown));
  EXPECT_EQ(wanted.effective, Bit(spec::Capability::kKill));
  EXPECT_EQ(wanted.permitted,
            Bit(spec::Capability::kKill) | Bit(spec::Capability::kChown));
  EXPECT_EQ(wanted.inheritable, Bit(spec::Capability::kChown));
  EXPECT_EQ(wanted.ambient, Bit(spec::Capability::kCheckpointRestore));
}

TEST(DropBoundingSetTest, DropsEveryUnlistedCapabilityStillPresent) {
  StrictMock<MockHost> host;
  WantedCapabilities wanted;
  wanted.bounding = uint64_t{1} << 1;
  InSequence seq;
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(3));
  EXPECT_CALL(host, InBoundingSet(0)).WillOnce(Return(true));
  EXPECT_CALL(host, DropBoundingCapability(0))
      .WillOnce(Return(absl::OkStatus()));
  // 1 is wanted: not even asked about.
  EXPECT_CALL(host, InBoundingSet(2)).WillOnce(Return(false));  // Gone.
  EXPECT_CALL(host, InBoundingSet(3)).WillOnce(Return(true));
  EXPECT_CALL(host, DropBoundingCapability(3))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_OK(DropBoundingSet(host, wanted));
}

TEST(DropBoundingSetTest, FailureNamesTheCapability) {
  StrictMock<MockHost> host;
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(0));
  EXPECT_CALL(host, InBoundingSet(0)).WillOnce(Return(true));
  EXPECT_CALL(host, DropBoundingCapability(0))
      .WillOnce(Return(ErrnoError(EPERM, "prctl")));
  absl::Status s = DropBoundingSet(host, WantedCapabilities{});
  EXPECT_THAT(s, HasErrno(EPERM));
  EXPECT_THAT(std::string(s.message()), HasSubstr("CAP_CHOWN"));
}

// runc's finalizeNamespace + setupUser, in order: keep-caps, groups, gid,
// uid, (cwd retry), keep-caps off, capset, ambient.
TEST(BecomeUserTest, PrivilegeDropSequence) {
  StrictMock<MockHost> host;
  MockFunction<absl::Status()> between;
  spec::User user;
  user.uid = 1000;
  user.gid = 100;
  user.additional_gids = {10, 20};
  WantedCapabilities wanted;
  wanted.effective = 0b0001;
  wanted.permitted = 0b0011;
  wanted.inheritable = 0b0010;
  wanted.ambient = 0b0010;
  wanted.bounding = 0b1111;
  {
    InSequence seq;
    EXPECT_CALL(host, SetKeepCaps(true)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetGroups(ElementsAre(10u, 20u)))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetResGid(100u, 100u, 100u))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetResUid(1000u, 1000u, 1000u))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(between, Call()).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetKeepCaps(false)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, LastCapability()).WillOnce(Return(40));
    EXPECT_CALL(host, SetCapabilities(CapabilitySets{0b0001, 0b0011, 0b0010}))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, ClearAmbientCapabilities())
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, RaiseAmbientCapability(1))
        .WillOnce(Return(absl::OkStatus()));
  }
  EXPECT_OK(BecomeUser(host, user, wanted, between.AsStdFunction()));
}

TEST(BecomeUserTest, CapabilitiesTheKernelDoesNotKnowAreLeftOut) {
  NiceMock<MockHost> host;
  ON_CALL(host, SetKeepCaps).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(host, SetGroups).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(host, SetResGid).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(host, SetResUid).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(host, ClearAmbientCapabilities)
      .WillByDefault(Return(absl::OkStatus()));
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(37));
  const uint64_t bpf = Bit(spec::Capability::kBpf);  // 39 > 37.
  WantedCapabilities wanted;
  wanted.effective = wanted.permitted = bpf | 1;
  wanted.ambient = bpf;
  EXPECT_CALL(host, SetCapabilities(CapabilitySets{1, 1, 0}))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, RaiseAmbientCapability(_)).Times(0);
  EXPECT_OK(
      BecomeUser(host, spec::User{}, wanted, [] { return absl::OkStatus(); }));
}

TEST(BecomeUserTest, StopsAtTheFirstFailureBeforeChangingIds) {
  StrictMock<MockHost> host;
  spec::User user;
  user.uid = 1;
  InSequence seq;
  EXPECT_CALL(host, SetKeepCaps(true)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetGroups(_)).WillOnce(Return(ErrnoError(EINVAL, "x")));
  EXPECT_THAT(BecomeUser(host, user, WantedCapabilities{},
                         [] { return absl::OkStatus(); }),
              HasErrno(EINVAL));
}

// A fd whose Read returns `text` then EOF.
void ExpectFileRead(MockHost& host, absl::string_view path,
                    const std::string& text, int fd) {
  EXPECT_CALL(host, OpenAt(_, Eq(path), _))
      .WillOnce([&host, fd](const Fd&, absl::string_view, const OpenHow&) {
        return Fd(fd, &host);
      });
  EXPECT_CALL(host, Read(_, _))
      .WillOnce([text](const Fd&, absl::Span<char> buf) {
        std::memcpy(buf.data(), text.data(), text.size());
        return text.size();
      })
      .WillRepeatedly(Return(size_t{0}));
  EXPECT_CALL(host, CloseFd(fd));
}

TEST(BecomeUserTest, SetgroupsDeniedInAUserNamespaceIsSkipped) {
  NiceMock<MockHost> host;
  ON_CALL(host, SetKeepCaps).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(host, LastCapability).WillByDefault(Return(40));
  ON_CALL(host, SetCapabilities).WillByDefault(Return(absl::OkStatus()));
  ON_CALL(host, ClearAmbientCapabilities)
      .WillByDefault(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetGroups(_)).WillOnce(Return(ErrnoError(EPERM, "x")));
  ExpectFileRead(host, "/proc/self/setgroups", "deny\n", 9);
  EXPECT_CALL(host, SetResGid(0u, 0u, 0u)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetResUid(0u, 0u, 0u)).WillOnce(Return(absl::OkStatus()));
  EXPECT_OK(BecomeUser(host, spec::User{}, WantedCapabilities{},
                       [] { return absl::OkStatus(); }));
}

TEST(BecomeUserTest, AskedForGroupsWhereSetgroupsIsDeniedFails) {
  StrictMock<MockHost> host;
  spec::User user;
  user.additional_gids = {5};
  EXPECT_CALL(host, SetKeepCaps(true)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetGroups(_)).WillOnce(Return(ErrnoError(EPERM, "x")));
  absl::Status s = BecomeUser(host, user, WantedCapabilities{},
                              [] { return absl::OkStatus(); });
  EXPECT_THAT(s, HasErrno(EPERM));
  EXPECT_THAT(std::string(s.message()), HasSubstr("additional groups"));
}

}  // namespace
}  // namespace runbox
