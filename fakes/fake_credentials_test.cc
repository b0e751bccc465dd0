// The fake kernel's credentials model as the FakeKernel accessors show it
// (CredentialsOf, SysctlOf, IdMapsOf): what the contract suite cannot see
// through Host alone (ids through maps, inheritance, the namespace homes of
// sysctls, the unprivileged self-map).
#include <string>
#include <vector>

#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

std::string Install(FakeKernel& kernel, const std::string& name,
                    Program program) {
  kernel.RegisterProgram(name, std::move(program));
  std::string path = "/bin/" + name;
  EXPECT_OK(kernel.InstallProgram(path, name));
  return path;
}

TEST(FakeCredentialsTest, BootCredentialsAreRootsWithEveryCapability) {
  FakeKernel kernel;
  Pid pid = kernel.StartFunction([](Host& host) {
    host.SleepFor(absl::Seconds(1));
    return 0;
  });
  std::optional<ProcessCredentials> c = kernel.CredentialsOf(pid);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->uid, 0u);
  EXPECT_EQ(c->egid, 0u);
  EXPECT_THAT(c->groups, ::testing::IsEmpty());
  EXPECT_EQ(c->caps.permitted, (uint64_t{1} << 41) - 1);
  EXPECT_EQ(c->caps.effective, c->caps.permitted);
  EXPECT_EQ(c->caps.inheritable, 0u);
  EXPECT_EQ(c->bounding, c->caps.permitted);
  EXPECT_EQ(c->ambient, 0u);
  ASSERT_EQ(c->rlimits.size(), 16u);
  EXPECT_EQ(c->rlimits[7], (ResourceLimit{1024, 1048576}));  // NOFILE
  EXPECT_EQ(kernel.CredentialsOf(Pid{4242}), std::nullopt);
  std::optional<IdMaps> maps = kernel.IdMapsOf(pid);
  ASSERT_TRUE(maps.has_value());
  EXPECT_TRUE(maps->root_namespace);
  EXPECT_EQ(maps->uid_map, "0 0 4294967295\n");
  EXPECT_FALSE(maps->setgroups_denied);
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeCredentialsTest, ChangesShowAndAreInheritedBySpawnedChildren) {
  FakeKernel kernel;
  Pid child;
  std::string sleeper =
      Install(kernel, "sleeper", [&](Host& host, const auto&) {
        child = host.GetPid();
        host.SleepFor(absl::Hours(1));
        return 0;
      });
  Pid parent = kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.SetGroups(std::vector<Gid>{30, 10, 20}));
    EXPECT_OK(host.SetRlimit(7, {64, 128}));
    EXPECT_OK(host.SetOomScoreAdj(300));
    absl::StatusOr<uint32_t> previous = host.SetPersonality(8);
    EXPECT_TRUE(previous.ok() && *previous == 0u);
    EXPECT_OK(host.SetResGid(100, 100, 100));
    EXPECT_OK(host.SetKeepCaps(true));
    EXPECT_OK(host.SetResUid(1000, 1000, 1000));
    EXPECT_EQ(host.GetUid(), 1000u);
    SpawnRequest req;
    req.path = sleeper;
    EXPECT_OK(host.Spawn(req).status());
    host.SleepFor(absl::Hours(2));
    return 0;
  });
  ASSERT_EQ(kernel.RunUntil([&] { return child.value != 0; }),
            RunOutcome::kDone);
  std::optional<ProcessCredentials> p = kernel.CredentialsOf(parent);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->uid, 1000u);
  EXPECT_EQ(p->suid, 1000u);
  EXPECT_EQ(p->gid, 100u);
  EXPECT_THAT(p->groups, ElementsAre(10, 20, 30));
  // keepcaps: permitted stays, effective goes.
  EXPECT_EQ(p->caps.effective, 0u);
  EXPECT_NE(p->caps.permitted, 0u);
  EXPECT_TRUE(p->keep_caps);
  std::optional<ProcessCredentials> c = kernel.CredentialsOf(child);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->uid, 1000u);
  EXPECT_EQ(c->gid, 100u);
  EXPECT_THAT(c->groups, ElementsAre(10, 20, 30));
  EXPECT_EQ(c->rlimits[7], (ResourceLimit{64, 128}));
  EXPECT_EQ(c->oom_score_adj, 300);
  EXPECT_EQ(c->personality, 8u);
  // The exec of a non-root process keeps only ambient (empty), and exec
  // clears keepcaps.
  EXPECT_EQ(c->caps.permitted, 0u);
  EXPECT_FALSE(c->keep_caps);
  kernel.Run();
}

TEST(FakeCredentialsTest, IdsAreSeenThroughTheUserNamespaceMaps) {
  FakeKernel kernel;
  Pid child;
  std::vector<Uid> seen;
  std::string inner = Install(kernel, "inner", [&](Host& host, const auto&) {
    child = host.GetPid();
    seen.push_back(host.GetUid());
    // Unmapped ids cannot be taken.
    EXPECT_THAT(host.SetResUid(5, 5, 5), HasErrno(EINVAL));
    Fd in(0, nullptr);
    char c;
    (void)host.Read(in, absl::MakeSpan(&c, 1));
    seen.push_back(host.GetUid());
    return 0;
  });
  kernel.StartFunction([&](Host& host) {
    absl::StatusOr<PipeFds> pipe = host.Pipe();
    if (!pipe.ok()) return 1;
    SpawnRequest req;
    req.path = inner;
    req.fds = {{&pipe->read, 0}};
    req.new_namespaces = Namespaces::kUser;
    absl::StatusOr<SpawnResult> spawned = host.Spawn(req);
    if (!spawned.ok()) return 2;
    // Inside 1000 is outside 0 (our uid).
    EXPECT_OK(host.WriteIdMap(spawned->pid, IdMapKind::kUid, "1000 0 1"));
    // A range over unmapped parent ids is refused.
    EXPECT_THAT(
        host.WriteIdMap(spawned->pid, IdMapKind::kGid, "0 4294967294 2"),
        HasErrno(EINVAL));
    EXPECT_OK(host.Write(pipe->write, "x").status());
    EXPECT_OK(host.Wait(spawned->pid, WaitFlags::kNone).status());
    return 0;
  });
  ASSERT_EQ(kernel.RunUntil([&] { return !seen.empty(); }), RunOutcome::kDone);
  EXPECT_THAT(kernel.CredentialsOf(child)->uid, 65534u);
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
  EXPECT_THAT(seen, ElementsAre(65534, 1000));
}

TEST(FakeCredentialsTest, AProcessMayMapOnlyItsOwnIdFromInside) {
  FakeKernel kernel;
  Pid pid = kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.Unshare(Namespaces::kUser));
    Pid self = host.GetPid();
    // More than one's own id needs CAP_SETUID over the parent namespace.
    EXPECT_THAT(host.WriteIdMap(self, IdMapKind::kUid, "0 0 2"),
                HasErrno(EPERM));
    EXPECT_OK(host.WriteIdMap(self, IdMapKind::kUid, "0 0 1"));
    // A gid self-map needs setgroups denied first.
    EXPECT_THAT(host.WriteIdMap(self, IdMapKind::kGid, "0 0 1"),
                HasErrno(EPERM));
    EXPECT_OK(host.DenySetgroups(self));
    EXPECT_OK(host.WriteIdMap(self, IdMapKind::kGid, "0 0 1"));
    EXPECT_THAT(host.SetGroups(std::vector<Gid>{0}), HasErrno(EPERM));
    // Mapped, it is uid 0 inside.
    EXPECT_EQ(host.GetUid(), 0u);
    host.SleepFor(absl::Seconds(1));
    return 0;
  });
  ASSERT_EQ(kernel.RunUntil([&] {
    std::optional<IdMaps> m = kernel.IdMapsOf(pid);
    return m.has_value() && !m->root_namespace && !m->gid_map.empty();
  }),
            RunOutcome::kDone);
  std::optional<IdMaps> maps = kernel.IdMapsOf(pid);
  ASSERT_TRUE(maps.has_value());
  EXPECT_FALSE(maps->root_namespace);
  EXPECT_EQ(maps->uid_map, "0 0 1");
  EXPECT_TRUE(maps->setgroups_denied);
  EXPECT_EQ(kernel.Run(), RunOutcome::kAllExited);
}

TEST(FakeCredentialsTest, SysctlsLiveInTheirNamespaces) {
  FakeKernel kernel;
  Pid child;
  std::string inner = Install(kernel, "inner", [&](Host& host, const auto&) {
    EXPECT_OK(host.WriteSysctl("net.ipv4.ip_forward", "1\n"));
    EXPECT_OK(host.WriteSysctl("kernel.shmmax", "1048576"));
    EXPECT_OK(host.WriteSysctl("kernel.sem", "250 32000 32 128"));
    EXPECT_OK(host.WriteSysctl("kernel.domainname", "inner.test"));
    EXPECT_THAT(host.WriteSysctl("kernel.sem", "1 2 3 4 5"), HasErrno(EINVAL));
    EXPECT_THAT(host.WriteSysctl("kernel.cap_last_cap", "3"), HasErrno(EACCES));
    child = host.GetPid();
    host.SleepFor(absl::Hours(1));
    return 0;
  });
  Pid outer = kernel.StartFunction([&](Host& host) {
    SpawnRequest req;
    req.path = inner;
    req.new_namespaces = Namespaces::kNet | Namespaces::kIpc | Namespaces::kUts;
    EXPECT_OK(host.Spawn(req).status());
    // Not root: no writes.
    EXPECT_OK(host.SetResUid(1, 1, 1));
    EXPECT_THAT(host.WriteSysctl("net.ipv4.ip_forward", "1"), HasErrno(EACCES));
    host.SleepFor(absl::Hours(2));
    return 0;
  });
  ASSERT_EQ(kernel.RunUntil([&] { return child.value != 0; }),
            RunOutcome::kDone);
  EXPECT_THAT(kernel.SysctlOf(child, "net.ipv4.ip_forward"),
              Optional(std::string("1")));
  EXPECT_THAT(kernel.SysctlOf(outer, "net.ipv4.ip_forward"),
              Optional(std::string("0")));
  EXPECT_THAT(kernel.SysctlOf(child, "kernel.shmmax"),
              Optional(std::string("1048576")));
  EXPECT_THAT(kernel.SysctlOf(child, "kernel.sem"),
              Optional(std::string("250\t32000\t32\t128")));
  EXPECT_THAT(kernel.SysctlOf(outer, "kernel.domainname"),
              Optional(std::string("(none)")));
  EXPECT_THAT(kernel.SysctlOf(child, "kernel.domainname"),
              Optional(std::string("inner.test")));
  EXPECT_THAT(kernel.SysctlOf(outer, "kernel.hostname"),
              Optional(kernel.HostnameOf(outer)));
  EXPECT_EQ(kernel.SysctlOf(outer, "kernel.nope"), std::nullopt);
  kernel.Run();
}

}  // namespace
}  // namespace runbox::fake
