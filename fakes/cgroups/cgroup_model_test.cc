// Tests of fakes/cgroups/cgroup_model: hierarchies per layout, the cgroup
// tree, membership, control files (defaults and validation), freezing,
// cgroup.kill and /proc/<pid>/cgroup lines.
#include "fakes/cgroups/cgroup_model.h"

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kV2[] = "/sys/fs/cgroup";

std::string ReadOrDie(const CgroupModel& m, absl::string_view path,
                      absl::string_view file) {
  absl::StatusOr<std::string> s = m.Read(path, file);
  EXPECT_THAT(s, IsOk()) << path << "/" << file;
  return s.value_or("<error>");
}

// --- Unified (v2) -----------------------------------------------------

TEST(CgroupUnifiedTest, OneHierarchyWithAllControllersEnabledAtTheRoot) {
  CgroupModel m(CgroupLayout::kUnified);
  std::vector<CgroupMount> mounts = m.Mounts();
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].version, CgroupVersion::kV2);
  EXPECT_EQ(mounts[0].path, kV2);
  EXPECT_THAT(mounts[0].controllers,
              ElementsAre("cpuset", "cpu", "io", "memory", "hugetlb", "pids",
                          "rdma", "misc"));
  EXPECT_EQ(ReadOrDie(m, kV2, "cgroup.controllers"),
            "cpuset cpu io memory hugetlb pids rdma misc\n");
  EXPECT_EQ(ReadOrDie(m, kV2, "cgroup.subtree_control"),
            "cpuset cpu io memory hugetlb pids rdma misc\n");
  EXPECT_EQ(ReadOrDie(m, kV2, "cgroup.procs"), "");
  // Controller and some core files are not on the root.
  EXPECT_THAT(m.Read(kV2, "memory.max"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(kV2, "cgroup.freeze"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(kV2, "cgroup.type"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(kV2, "cpu.stat"), IsOk());
}

TEST(CgroupUnifiedTest, CreateAndRemove) {
  CgroupModel m(CgroupLayout::kUnified);
  ASSERT_OK(m.Create("/sys/fs/cgroup/runbox"));
  ASSERT_OK(m.Create("/sys/fs/cgroup/runbox/web/"));
  EXPECT_THAT(m.Create("/sys/fs/cgroup/runbox"), HasErrno(EEXIST));
  EXPECT_THAT(m.Create("/sys/fs/cgroup/missing/x"), HasErrno(ENOENT));
  EXPECT_THAT(m.Create("/tmp/x"), HasErrno(ENOENT));
  EXPECT_THAT(m.Create("/sys/fs/cgroup/runbox/memory.max"), HasErrno(EEXIST));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> children,
                       m.Children("/sys/fs/cgroup/runbox"));
  EXPECT_THAT(children, ElementsAre("web"));
  EXPECT_THAT(m.AllPaths(),
              ElementsAre("/sys/fs/cgroup", "/sys/fs/cgroup/runbox",
                          "/sys/fs/cgroup/runbox/web"));
  EXPECT_EQ(ReadOrDie(m, "/sys/fs/cgroup/runbox", "cgroup.stat"),
            "nr_descendants 1\nnr_dying_descendants 0\n");
  EXPECT_THAT(m.Remove("/sys/fs/cgroup/runbox"), HasErrno(EBUSY));
  EXPECT_THAT(m.Remove(kV2), HasErrno(EBUSY));
  EXPECT_THAT(m.Remove("/sys/fs/cgroup/nope"), HasErrno(ENOENT));
  ASSERT_OK(m.Remove("/sys/fs/cgroup/runbox/web"));
  ASSERT_OK(m.Remove("//sys/fs/cgroup//runbox"));
  EXPECT_THAT(m.AllPaths(), ElementsAre("/sys/fs/cgroup"));
}

TEST(CgroupUnifiedTest, RemoveWithProcessesIsBusy) {
  CgroupModel m(CgroupLayout::kUnified);
  ASSERT_OK(m.Create("/sys/fs/cgroup/a"));
  ASSERT_OK(m.AddProcess("/sys/fs/cgroup/a", Pid{10}));
  EXPECT_THAT(m.Remove("/sys/fs/cgroup/a"), HasErrno(EBUSY));
  m.OnExit(Pid{10});
  EXPECT_OK(m.Remove("/sys/fs/cgroup/a"));
}

TEST(CgroupUnifiedTest, ControllerFileDefaults) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string c = "/sys/fs/cgroup/c";
  ASSERT_OK(m.Create(c));
  EXPECT_EQ(ReadOrDie(m, c, "cgroup.controllers"),
            "cpuset cpu io memory hugetlb pids rdma misc\n");
  EXPECT_EQ(ReadOrDie(m, c, "cgroup.subtree_control"), "");
  EXPECT_EQ(ReadOrDie(m, c, "cgroup.type"), "domain\n");
  EXPECT_EQ(ReadOrDie(m, c, "cgroup.events"), "populated 0\nfrozen 0\n");
  EXPECT_EQ(ReadOrDie(m, c, "cgroup.freeze"), "0\n");
  EXPECT_EQ(ReadOrDie(m, c, "memory.max"), "max\n");
  EXPECT_EQ(ReadOrDie(m, c, "memory.current"), "0\n");
  EXPECT_EQ(ReadOrDie(m, c, "memory.swap.max"), "max\n");
  EXPECT_EQ(ReadOrDie(m, c, "memory.events"),
            "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  EXPECT_EQ(ReadOrDie(m, c, "pids.max"), "max\n");
  EXPECT_EQ(ReadOrDie(m, c, "pids.current"), "0\n");
  EXPECT_EQ(ReadOrDie(m, c, "cpu.max"), "max 100000\n");
  EXPECT_EQ(ReadOrDie(m, c, "cpu.weight"), "100\n");
  EXPECT_EQ(ReadOrDie(m, c, "io.max"), "");
  EXPECT_EQ(ReadOrDie(m, c, "io.weight"), "default 100\n");
  EXPECT_EQ(ReadOrDie(m, c, "hugetlb.2MB.max"), "max\n");
  EXPECT_EQ(ReadOrDie(m, c, "cpuset.cpus"), "\n");
  EXPECT_EQ(ReadOrDie(m, c, "cpuset.cpus.effective"), "0-1\n");
  EXPECT_EQ(ReadOrDie(m, c, "cpuset.mems.effective"), "0\n");
  EXPECT_THAT(m.Read(c, "memory.nonsense"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(c + "/missing", "memory.max"), HasErrno(ENOENT));
}

TEST(CgroupUnifiedTest, MemoryWritesAreCheckedAndRounded) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string c = "/sys/fs/cgroup/c";
  ASSERT_OK(m.Create(c));
  ASSERT_OK(m.Write(c, "memory.max", "1G\n"));
  EXPECT_EQ(ReadOrDie(m, c, "memory.max"), "1073741824\n");
  ASSERT_OK(m.Write(c, "memory.max", "12345"));  // Down to whole pages.
  EXPECT_EQ(ReadOrDie(m, c, "memory.max"), "12288\n");
  ASSERT_OK(m.Write(c, "memory.max", "max"));
  EXPECT_EQ(ReadOrDie(m, c, "memory.max"), "max\n");
  EXPECT_THAT(m.Write(c, "memory.max", "-1"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "memory.max", "lots"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "memory.max", ""), HasErrno(EINVAL));
  ASSERT_OK(m.Write(c, "memory.swap.max", "0"));
  EXPECT_EQ(ReadOrDie(m, c, "memory.swap.max"), "0\n");
  ASSERT_OK(m.Write(c, "hugetlb.2MB.max", "5M"));
  EXPECT_EQ(ReadOrDie(m, c, "hugetlb.2MB.max"), "4194304\n");
  EXPECT_THAT(m.Write(c, "memory.current", "0"), HasErrno(EACCES));
  EXPECT_THAT(m.Write(c, "memory.events", "0"), HasErrno(EACCES));
}

TEST(CgroupUnifiedTest, PidsAndCpuWrites) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string c = "/sys/fs/cgroup/c";
  ASSERT_OK(m.Create(c));
  ASSERT_OK(m.Write(c, "pids.max", "100"));
  EXPECT_EQ(ReadOrDie(m, c, "pids.max"), "100\n");
  EXPECT_THAT(m.Write(c, "pids.max", "-5"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "pids.max", "many"), HasErrno(EINVAL));
  ASSERT_OK(m.Write(c, "pids.max", "max"));
  EXPECT_EQ(ReadOrDie(m, c, "pids.max"), "max\n");

  ASSERT_OK(m.Write(c, "cpu.max", "50000"));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.max"), "50000 100000\n");
  ASSERT_OK(m.Write(c, "cpu.max", "max 200000"));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.max"), "max 200000\n");
  EXPECT_THAT(m.Write(c, "cpu.max", "10 100000"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "cpu.max", "50000 1"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "cpu.max", "a b c"), HasErrno(EINVAL));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.max"), "max 200000\n");

  ASSERT_OK(m.Write(c, "cpu.weight", "500"));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.weight"), "500\n");
  EXPECT_THAT(m.Write(c, "cpu.weight", "0"), HasErrno(ERANGE));
  EXPECT_THAT(m.Write(c, "cpu.weight", "x"), HasErrno(EINVAL));
}

TEST(CgroupUnifiedTest, IoWrites) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string c = "/sys/fs/cgroup/c";
  ASSERT_OK(m.Create(c));
  ASSERT_OK(m.Write(c, "io.max", "8:0 rbps=1048576"));
  ASSERT_OK(m.Write(c, "io.max", "8:0 wiops=120"));
  ASSERT_OK(m.Write(c, "io.max", "8:16 riops=5"));
  EXPECT_EQ(ReadOrDie(m, c, "io.max"),
            "8:0 rbps=1048576 wbps=max riops=max wiops=120\n"
            "8:16 rbps=max wbps=max riops=5 wiops=max\n");
  ASSERT_OK(m.Write(c, "io.max", "8:16 riops=max"));
  EXPECT_EQ(ReadOrDie(m, c, "io.max"),
            "8:0 rbps=1048576 wbps=max riops=max wiops=120\n");
  EXPECT_THAT(m.Write(c, "io.max", "sda rbps=1"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "io.max", "8:0 speed=1"), HasErrno(EINVAL));
  ASSERT_OK(m.Write(c, "io.weight", "200"));
  ASSERT_OK(m.Write(c, "io.weight", "8:0 50"));
  EXPECT_EQ(ReadOrDie(m, c, "io.weight"), "default 200\n8:0 50\n");
  EXPECT_THAT(m.Write(c, "io.weight", "0"), HasErrno(EINVAL));
}

TEST(CgroupUnifiedTest, SubtreeControlGatesControllerFiles) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  const std::string b = a + "/b";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(b));
  EXPECT_EQ(ReadOrDie(m, b, "cgroup.controllers"), "");
  EXPECT_THAT(m.Read(b, "memory.max"), HasErrno(ENOENT));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+memory +pids"));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "-pids"));
  EXPECT_EQ(ReadOrDie(m, a, "cgroup.subtree_control"), "memory\n");
  EXPECT_EQ(ReadOrDie(m, b, "cgroup.controllers"), "memory\n");
  ASSERT_OK(m.Write(b, "memory.max", "4096"));
  EXPECT_THAT(m.Read(b, "pids.max"), HasErrno(ENOENT));
  // Disabling and enabling again starts from the defaults.
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "-memory"));
  EXPECT_THAT(m.Read(b, "memory.max"), HasErrno(ENOENT));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+memory"));
  EXPECT_EQ(ReadOrDie(m, b, "memory.max"), "max\n");
  // Order in the file follows the kernel's, not the writes'.
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+pids +cpu"));
  EXPECT_EQ(ReadOrDie(m, a, "cgroup.subtree_control"), "cpu memory pids\n");
}

TEST(CgroupUnifiedTest, SubtreeControlErrors) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  const std::string b = a + "/b";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(b));
  EXPECT_THAT(m.Write(a, "cgroup.subtree_control", "+bogus"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(a, "cgroup.subtree_control", "memory"), HasErrno(EINVAL));
  // Not offered by the parent.
  EXPECT_THAT(m.Write(b, "cgroup.subtree_control", "+memory"),
              HasErrno(ENOENT));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+memory"));
  ASSERT_OK(m.Write(b, "cgroup.subtree_control", "+memory"));
  // A child still uses it.
  EXPECT_THAT(m.Write(a, "cgroup.subtree_control", "-memory"), HasErrno(EBUSY));
  // Disabling what is off is a no-op.
  EXPECT_OK(m.Write(a, "cgroup.subtree_control", "-pids"));
}

TEST(CgroupUnifiedTest, NoInternalProcesses) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.AddProcess(a, Pid{5}));
  EXPECT_THAT(m.Write(a, "cgroup.subtree_control", "+memory"), HasErrno(EBUSY));
  ASSERT_OK(m.Create(a + "/leaf"));
  ASSERT_OK(m.AddProcess(a + "/leaf", Pid{5}));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+memory"));
  EXPECT_THAT(m.AddProcess(a, Pid{6}), HasErrno(EBUSY));
  // The root is exempt.
  EXPECT_OK(m.AddProcess(kV2, Pid{6}));
}

TEST(CgroupUnifiedTest, MembershipAndProcsFile) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(a + "/b"));
  m.OnSpawn(Pid{0}, Pid{1});  // The kernel's init joins the root.
  m.OnSpawn(Pid{1}, Pid{20});
  ASSERT_OK_AND_ASSIGN(std::vector<Pid> root_pids, m.Processes(kV2));
  EXPECT_THAT(root_pids, ElementsAre(Pid{1}, Pid{20}));
  ASSERT_OK(m.Write(a, "cgroup.procs", "20\n"));
  m.OnSpawn(Pid{20}, Pid{21});
  ASSERT_OK(m.AddProcess(a + "/b", Pid{22}));
  EXPECT_EQ(ReadOrDie(m, a, "cgroup.procs"), "20\n21\n");
  EXPECT_EQ(ReadOrDie(m, kV2, "cgroup.procs"), "1\n");
  EXPECT_EQ(ReadOrDie(m, a, "pids.current"), "3\n");
  EXPECT_EQ(ReadOrDie(m, a, "cgroup.events"), "populated 1\nfrozen 0\n");
  EXPECT_THAT(m.Write(a, "cgroup.procs", "abc"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(a, "cgroup.procs", "-3"), HasErrno(ESRCH));
  m.OnExit(Pid{20});
  m.OnExit(Pid{21});
  m.OnExit(Pid{22});
  EXPECT_EQ(ReadOrDie(m, a, "cgroup.events"), "populated 0\nfrozen 0\n");
  EXPECT_THAT(m.CgroupLines(Pid{22}), ElementsAre("0::/"));
}

TEST(CgroupUnifiedTest, CgroupLines) {
  CgroupModel m(CgroupLayout::kUnified);
  ASSERT_OK(m.Create("/sys/fs/cgroup/a"));
  ASSERT_OK(m.Create("/sys/fs/cgroup/a/b"));
  ASSERT_OK(m.AddProcess("/sys/fs/cgroup/a/b", Pid{7}));
  EXPECT_THAT(m.CgroupLines(Pid{7}), ElementsAre("0::/a/b"));
}

TEST(CgroupUnifiedTest, FreezeCoversTheSubtree) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(a + "/b"));
  ASSERT_OK(m.AddProcess(a, Pid{1}));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{2}));
  m.OnSpawn(Pid{0}, Pid{3});
  ASSERT_OK(m.Write(a, "cgroup.freeze", "1"));
  EXPECT_TRUE(m.IsFrozen(Pid{1}));
  EXPECT_TRUE(m.IsFrozen(Pid{2}));
  EXPECT_FALSE(m.IsFrozen(Pid{3}));
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cgroup.events"), "populated 1\nfrozen 1\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cgroup.freeze"), "0\n");
  // A process moved in is frozen too; moved out, it thaws.
  ASSERT_OK(m.AddProcess(a + "/b", Pid{3}));
  EXPECT_TRUE(m.IsFrozen(Pid{3}));
  ASSERT_OK(m.AddProcess(kV2, Pid{3}));
  EXPECT_FALSE(m.IsFrozen(Pid{3}));
  ASSERT_OK(m.Write(a, "cgroup.freeze", "0"));
  EXPECT_FALSE(m.IsFrozen(Pid{1}));
  EXPECT_THAT(m.Write(a, "cgroup.freeze", "2"), HasErrno(ERANGE));
  EXPECT_THAT(m.Write(a, "cgroup.freeze", "yes"), HasErrno(EINVAL));
}

TEST(CgroupUnifiedTest, KillCallsTheCallbackForTheSubtree) {
  std::vector<Pid> killed;
  CgroupModel m(CgroupLayout::kUnified,
                [&](Pid pid) { killed.push_back(pid); });
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(a + "/b"));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{9}));
  ASSERT_OK(m.AddProcess(a, Pid{4}));
  ASSERT_OK(m.AddProcess(kV2, Pid{1}));
  EXPECT_THAT(m.Read(a, "cgroup.kill"), HasErrno(EACCES));
  EXPECT_THAT(m.Write(a, "cgroup.kill", "0"), HasErrno(ERANGE));
  EXPECT_THAT(killed, IsEmpty());
  ASSERT_OK(m.Write(a, "cgroup.kill", "1"));
  EXPECT_THAT(killed, ElementsAre(Pid{4}, Pid{9}));
}

TEST(CgroupUnifiedTest, SimulatedOomKillCountsAndKillsTheBiggestPid) {
  std::vector<Pid> killed;
  CgroupModel m(CgroupLayout::kUnified,
                [&](Pid pid) { killed.push_back(pid); });
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+memory"));
  ASSERT_OK(m.Create(a + "/b"));
  // No process: nothing for the OOM killer to pick.
  EXPECT_THAT(m.SimulateOomKill(a + "/b"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{4}));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{9}));
  ASSERT_OK(m.SimulateOomKill(a + "/b"));
  EXPECT_THAT(killed, ElementsAre(Pid{9}));
  EXPECT_EQ(ReadOrDie(m, a + "/b", "memory.events"),
            "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "memory.events.local"),
            "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
  // Hierarchical in the parent's memory.events (a's own files need its
  // parent, the root, to enable memory, which unified does).
  EXPECT_EQ(ReadOrDie(m, a, "memory.events"),
            "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
  EXPECT_EQ(ReadOrDie(m, a, "memory.events.local"),
            "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  // The root has no memory files.
  EXPECT_THAT(m.SimulateOomKill(kV2), HasErrno(ENOENT));
}

TEST(CgroupUnifiedTest, PidsMaxRefusesForks) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+pids"));
  ASSERT_OK(m.Create(a + "/b"));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{4}));
  EXPECT_OK(m.CheckFork(Pid{4}));          // No limit yet.
  ASSERT_OK(m.Write(a, "pids.max", "2"));  // The parent's limit counts too.
  EXPECT_OK(m.CheckFork(Pid{4}));
  m.OnSpawn(Pid{4}, Pid{5});
  EXPECT_THAT(m.CheckFork(Pid{4}), HasErrno(EAGAIN));
  EXPECT_THAT(m.CheckFork(Pid{5}), HasErrno(EAGAIN));
  ASSERT_OK(m.Write(a, "pids.max", "max"));
  EXPECT_OK(m.CheckFork(Pid{4}));
  // A process outside any limited cgroup forks freely.
  EXPECT_OK(m.CheckFork(Pid{99}));
}

TEST(CgroupUnifiedTest, KillWithoutCallbackIsUnimplemented) {
  CgroupModel m(CgroupLayout::kUnified);
  ASSERT_OK(m.Create("/sys/fs/cgroup/a"));
  EXPECT_THAT(m.Write("/sys/fs/cgroup/a", "cgroup.kill", "1"),
              StatusIs(absl::StatusCode::kUnimplemented));
}

TEST(CgroupUnifiedTest, TypeAndReadOnlyFiles) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  EXPECT_THAT(m.Write(a, "cgroup.type", "threaded"),
              StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(m.Write(a, "cgroup.type", "domain"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(a, "cgroup.controllers", "memory"), HasErrno(EACCES));
  EXPECT_THAT(m.Write(a, "cgroup.events", "x"), HasErrno(EACCES));
}

TEST(CgroupUnifiedTest, CpusetEffectiveInherits) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Write(a, "cgroup.subtree_control", "+cpuset"));
  ASSERT_OK(m.Create(a + "/b"));
  ASSERT_OK(m.Write(a, "cpuset.cpus", "1"));
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cpuset.cpus"), "\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cpuset.cpus.effective"), "1\n");
  EXPECT_THAT(m.Write(a, "cpuset.cpus", "1-0"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(a, "cpuset.cpus", "all"), HasErrno(EINVAL));
}

TEST(CgroupUnifiedTest, WritesAreLogged) {
  CgroupModel m(CgroupLayout::kUnified);
  const std::string a = "/sys/fs/cgroup/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Write(a, "memory.max", "1M"));
  EXPECT_THAT(m.Write(a, "memory.max", "bad"), HasErrno(EINVAL));
  ASSERT_OK(m.Write(a, "memory.max", "max"));
  EXPECT_THAT(m.Writes(a, "memory.max"), ElementsAre("1M", "max"));
  EXPECT_THAT(m.Writes(a, "pids.max"), IsEmpty());
  EXPECT_THAT(m.Writes("/nope", "pids.max"), IsEmpty());
}

// --- Hybrid and legacy (v1) -------------------------------------------

TEST(CgroupHybridTest, Mounts) {
  CgroupModel m(CgroupLayout::kHybrid);
  std::vector<CgroupMount> mounts = m.Mounts();
  ASSERT_EQ(mounts.size(), 14u);
  EXPECT_EQ(mounts[0].path, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_THAT(mounts[0].controllers, ElementsAre("cpu", "cpuacct"));
  EXPECT_EQ(mounts[7].path, "/sys/fs/cgroup/net_cls,net_prio");
  EXPECT_EQ(mounts[12].path, "/sys/fs/cgroup/systemd");
  EXPECT_THAT(mounts[12].controllers, ElementsAre("name=systemd"));
  EXPECT_EQ(mounts[13].version, CgroupVersion::kV2);
  EXPECT_EQ(mounts[13].path, "/sys/fs/cgroup/unified");
  EXPECT_THAT(mounts[13].controllers, ElementsAre("hugetlb"));
  for (int i = 0; i < 13; ++i) {
    EXPECT_EQ(mounts[i].version, CgroupVersion::kV1) << mounts[i].path;
  }
  EXPECT_EQ(ReadOrDie(m, "/sys/fs/cgroup/unified", "cgroup.controllers"),
            "hugetlb\n");
  EXPECT_EQ(ReadOrDie(m, "/sys/fs/cgroup/unified", "cgroup.subtree_control"),
            "");
  // /sys/fs/cgroup itself is a tmpfs, not a hierarchy.
  EXPECT_THAT(m.Create("/sys/fs/cgroup/x"), HasErrno(ENOENT));
}

TEST(CgroupHybridTest, UnifiedOffersOnlyHugetlb) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string u = "/sys/fs/cgroup/unified";
  ASSERT_OK(m.Create(u + "/a"));
  EXPECT_THAT(m.Write(u, "cgroup.subtree_control", "+memory"),
              HasErrno(ENOENT));
  ASSERT_OK(m.Write(u, "cgroup.subtree_control", "+hugetlb"));
  EXPECT_EQ(ReadOrDie(m, u + "/a", "hugetlb.2MB.max"), "max\n");
}

TEST(CgroupHybridTest, CpuAndCpuacctShareOneHierarchy) {
  CgroupModel m(CgroupLayout::kHybrid);
  ASSERT_OK(m.Create("/sys/fs/cgroup/cpu/web"));
  EXPECT_THAT(m.Create("/sys/fs/cgroup/cpuacct/web"), HasErrno(EEXIST));
  ASSERT_OK(m.AddProcess("/sys/fs/cgroup/cpuacct/web", Pid{5}));
  ASSERT_OK_AND_ASSIGN(std::vector<Pid> pids,
                       m.Processes("/sys/fs/cgroup/cpu,cpuacct/web"));
  EXPECT_THAT(pids, ElementsAre(Pid{5}));
  EXPECT_EQ(ReadOrDie(m, "/sys/fs/cgroup/cpu/web", "cpu.shares"), "1024\n");
  EXPECT_EQ(ReadOrDie(m, "/sys/fs/cgroup/cpu/web", "cpuacct.usage"), "0\n");
  EXPECT_THAT(m.AllPaths(), Contains("/sys/fs/cgroup/cpu,cpuacct/web"));
  EXPECT_THAT(m.AllPaths(), Not(Contains("/sys/fs/cgroup/cpu/web")));
}

TEST(CgroupHybridTest, AddProcessMovesWithinOneHierarchy) {
  CgroupModel m(CgroupLayout::kHybrid);
  m.OnSpawn(Pid{0}, Pid{1});
  m.OnSpawn(Pid{1}, Pid{30});
  ASSERT_OK(m.Create("/sys/fs/cgroup/memory/web"));
  ASSERT_OK(m.Create("/sys/fs/cgroup/unified/web"));
  ASSERT_OK(m.AddProcess("/sys/fs/cgroup/memory/web", Pid{30}));
  ASSERT_OK(m.AddProcess("/sys/fs/cgroup/unified/web", Pid{30}));
  EXPECT_THAT(
      m.CgroupLines(Pid{30}),
      ElementsAre("13:name=systemd:/", "12:misc:/", "11:rdma:/", "10:pids:/",
                  "9:perf_event:/", "8:net_cls,net_prio:/", "7:memory:/web",
                  "6:hugetlb:/", "5:freezer:/", "4:devices:/", "3:cpuset:/",
                  "2:blkio:/", "1:cpu,cpuacct:/", "0::/web"));
  ASSERT_OK_AND_ASSIGN(std::vector<Pid> in_pids_root,
                       m.Processes("/sys/fs/cgroup/pids"));
  EXPECT_THAT(in_pids_root, ElementsAre(Pid{1}, Pid{30}));
  // A child inherits every membership.
  m.OnSpawn(Pid{30}, Pid{31});
  EXPECT_EQ(m.CgroupLines(Pid{31}), m.CgroupLines(Pid{30}));
  m.OnExit(Pid{30});
  ASSERT_OK_AND_ASSIGN(std::vector<Pid> in_web,
                       m.Processes("/sys/fs/cgroup/memory/web"));
  EXPECT_THAT(in_web, ElementsAre(Pid{31}));
}

TEST(CgroupHybridTest, V1Defaults) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string g = "/sys/fs/cgroup";
  for (const char* h : {"memory", "cpu", "cpuset", "freezer", "devices",
                        "blkio", "hugetlb", "pids", "systemd"}) {
    ASSERT_OK(m.Create(absl::StrCat(g, "/", h, "/c"))) << h;
  }
  EXPECT_EQ(ReadOrDie(m, g + "/memory/c", "memory.limit_in_bytes"),
            "9223372036854771712\n");
  EXPECT_EQ(ReadOrDie(m, g + "/memory/c", "memory.memsw.limit_in_bytes"),
            "9223372036854771712\n");
  EXPECT_EQ(ReadOrDie(m, g + "/memory/c", "memory.usage_in_bytes"), "0\n");
  EXPECT_EQ(ReadOrDie(m, g + "/memory/c", "memory.oom_control"),
            "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
  EXPECT_EQ(ReadOrDie(m, g + "/cpu/c", "cpu.shares"), "1024\n");
  EXPECT_EQ(ReadOrDie(m, g + "/cpu/c", "cpu.cfs_quota_us"), "-1\n");
  EXPECT_EQ(ReadOrDie(m, g + "/cpu/c", "cpu.cfs_period_us"), "100000\n");
  EXPECT_EQ(ReadOrDie(m, g + "/cpuset", "cpuset.cpus"), "0-1\n");
  EXPECT_EQ(ReadOrDie(m, g + "/cpuset", "cpuset.mems"), "0\n");
  EXPECT_EQ(ReadOrDie(m, g + "/cpuset/c", "cpuset.cpus"), "0-1\n");
  EXPECT_EQ(ReadOrDie(m, g + "/freezer/c", "freezer.state"), "THAWED\n");
  EXPECT_EQ(ReadOrDie(m, g + "/devices/c", "devices.list"), "a *:* rwm\n");
  EXPECT_EQ(ReadOrDie(m, g + "/blkio/c", "blkio.weight"), "500\n");
  EXPECT_EQ(ReadOrDie(m, g + "/hugetlb/c", "hugetlb.2MB.limit_in_bytes"),
            "9223372036854771712\n");
  EXPECT_EQ(ReadOrDie(m, g + "/pids/c", "pids.max"), "max\n");
  EXPECT_EQ(ReadOrDie(m, g + "/systemd/c", "tasks"), "");
  EXPECT_EQ(ReadOrDie(m, g + "/systemd", "cgroup.sane_behavior"), "0\n");
  EXPECT_THAT(m.Read(g + "/systemd/c", "cgroup.sane_behavior"),
              HasErrno(ENOENT));
  // v2-only and other controllers' files do not exist.
  EXPECT_THAT(m.Read(g + "/memory/c", "memory.max"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(g + "/memory/c", "cgroup.controllers"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(g + "/memory/c", "pids.max"), HasErrno(ENOENT));
  // Not on the root.
  EXPECT_THAT(m.Read(g + "/pids", "pids.max"), HasErrno(ENOENT));
  EXPECT_THAT(m.Read(g + "/freezer", "freezer.state"), HasErrno(ENOENT));
}

TEST(CgroupHybridTest, V1MemoryLimitsKeepTheirOrder) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string c = "/sys/fs/cgroup/memory/c";
  ASSERT_OK(m.Create(c));
  // Both start unlimited, so the swap limit cannot be set first.
  EXPECT_THAT(m.Write(c, "memory.memsw.limit_in_bytes", "200M"),
              HasErrno(EINVAL));
  ASSERT_OK(m.Write(c, "memory.limit_in_bytes", "100M"));
  ASSERT_OK(m.Write(c, "memory.memsw.limit_in_bytes", "200M"));
  EXPECT_EQ(ReadOrDie(m, c, "memory.limit_in_bytes"), "104857600\n");
  EXPECT_EQ(ReadOrDie(m, c, "memory.memsw.limit_in_bytes"), "209715200\n");
  // Above the swap limit, or the swap limit below the memory limit.
  EXPECT_THAT(m.Write(c, "memory.limit_in_bytes", "300M"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "memory.memsw.limit_in_bytes", "50M"),
              HasErrno(EINVAL));
  // Raising both: swap first.
  ASSERT_OK(m.Write(c, "memory.memsw.limit_in_bytes", "-1"));
  ASSERT_OK(m.Write(c, "memory.limit_in_bytes", "300M"));
  ASSERT_OK(m.Write(c, "memory.limit_in_bytes", "-1"));
  EXPECT_EQ(ReadOrDie(m, c, "memory.limit_in_bytes"), "9223372036854771712\n");
  EXPECT_THAT(m.Write(c, "memory.limit_in_bytes", "max"), HasErrno(EINVAL));
  // The root's limit is fixed.
  EXPECT_THAT(m.Write("/sys/fs/cgroup/memory", "memory.limit_in_bytes", "1G"),
              HasErrno(EINVAL));
  ASSERT_OK(m.Write(c, "memory.oom_control", "1"));
  EXPECT_EQ(ReadOrDie(m, c, "memory.oom_control"),
            "oom_kill_disable 1\nunder_oom 0\noom_kill 0\n");
  EXPECT_THAT(m.Write(c, "memory.oom_control", "2"), HasErrno(EINVAL));
  ASSERT_OK(m.AddProcess(c, Pid{7}));
  ASSERT_OK(m.SimulateOomKill(c));
  EXPECT_EQ(ReadOrDie(m, c, "memory.oom_control"),
            "oom_kill_disable 1\nunder_oom 0\noom_kill 1\n");
}

TEST(CgroupHybridTest, V1CpuWrites) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string c = "/sys/fs/cgroup/cpu/c";
  ASSERT_OK(m.Create(c));
  ASSERT_OK(m.Write(c, "cpu.shares", "1"));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.shares"), "2\n");  // Clamped, as Linux.
  ASSERT_OK(m.Write(c, "cpu.cfs_quota_us", "50000"));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.cfs_quota_us"), "50000\n");
  ASSERT_OK(m.Write(c, "cpu.cfs_quota_us", "-5"));
  EXPECT_EQ(ReadOrDie(m, c, "cpu.cfs_quota_us"), "-1\n");
  EXPECT_THAT(m.Write(c, "cpu.cfs_quota_us", "10"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(c, "cpu.cfs_period_us", "10"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write("/sys/fs/cgroup/cpu", "cpu.shares", "10"),
              HasErrno(EINVAL));
}

TEST(CgroupHybridTest, V1CpusetIsCopiedFromTheParent) {
  CgroupModel m(CgroupLayout::kLegacy);
  const std::string a = "/sys/fs/cgroup/cpuset/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Write(a, "cpuset.cpus", "1"));
  ASSERT_OK(m.Create(a + "/b"));
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cpuset.cpus"), "1\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cpuset.effective_cpus"), "1\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "cpuset.mems"), "0\n");
}

TEST(CgroupHybridTest, V1Freezer) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string a = "/sys/fs/cgroup/freezer/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(a + "/b"));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{8}));
  ASSERT_OK(m.Write(a, "freezer.state", "FROZEN\n"));
  EXPECT_TRUE(m.IsFrozen(Pid{8}));
  EXPECT_EQ(ReadOrDie(m, a + "/b", "freezer.state"), "FROZEN\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "freezer.parent_freezing"), "1\n");
  EXPECT_EQ(ReadOrDie(m, a + "/b", "freezer.self_freezing"), "0\n");
  // Thawing the child does not override the frozen parent.
  ASSERT_OK(m.Write(a + "/b", "freezer.state", "THAWED"));
  EXPECT_TRUE(m.IsFrozen(Pid{8}));
  ASSERT_OK(m.Write(a, "freezer.state", "THAWED"));
  EXPECT_FALSE(m.IsFrozen(Pid{8}));
  EXPECT_THAT(m.Write(a, "freezer.state", "FREEZING"), HasErrno(EINVAL));
  // A freezer in another hierarchy's name does not freeze.
  ASSERT_OK(m.Create("/sys/fs/cgroup/memory/a"));
  EXPECT_THAT(m.Write("/sys/fs/cgroup/memory/a", "freezer.state", "FROZEN"),
              HasErrno(ENOENT));
}

TEST(CgroupHybridTest, V1Devices) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string a = "/sys/fs/cgroup/devices/a";
  ASSERT_OK(m.Create(a));
  EXPECT_THAT(m.Read(a, "devices.allow"), HasErrno(EACCES));
  EXPECT_THAT(m.Write(a, "devices.list", "a"), HasErrno(EACCES));
  ASSERT_OK(m.Write(a, "devices.deny", "a"));
  EXPECT_EQ(ReadOrDie(m, a, "devices.list"), "");
  ASSERT_OK(m.Write(a, "devices.allow", "c 1:3 rw"));
  ASSERT_OK(m.Write(a, "devices.allow", "c 1:3 m"));
  ASSERT_OK(m.Write(a, "devices.allow", "c *:* m"));
  ASSERT_OK(m.Write(a, "devices.allow", "b 8:0 r"));
  EXPECT_EQ(ReadOrDie(m, a, "devices.list"), "c 1:3 rwm\nc *:* m\nb 8:0 r\n");
  ASSERT_OK(m.Write(a, "devices.deny", "c 1:3 w"));
  ASSERT_OK(m.Write(a, "devices.deny", "b 8:0 r"));
  EXPECT_EQ(ReadOrDie(m, a, "devices.list"), "c 1:3 rm\nc *:* m\n");
  EXPECT_THAT(m.Write(a, "devices.allow", "x 1:3 r"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(a, "devices.allow", "c 1:3 q"), HasErrno(EINVAL));
  EXPECT_THAT(m.Write(a, "devices.allow", "c 1 r"), HasErrno(EINVAL));
  EXPECT_THAT(m.Writes(a, "devices.allow"),
              ElementsAre("c 1:3 rw", "c 1:3 m", "c *:* m", "b 8:0 r"));
  // A child starts with its parent's rules and cannot widen them.
  ASSERT_OK(m.Create(a + "/b"));
  EXPECT_EQ(ReadOrDie(m, a + "/b", "devices.list"), "c 1:3 rm\nc *:* m\n");
  EXPECT_THAT(m.Write(a + "/b", "devices.allow", "c 1:5 r"), HasErrno(EPERM));
  EXPECT_THAT(m.Write(a + "/b", "devices.allow", "a"), HasErrno(EPERM));
  // The default cannot change under children.
  EXPECT_THAT(m.Write(a, "devices.allow", "a"), HasErrno(EINVAL));
}

TEST(CgroupHybridTest, V1BlkioAndKeyedFiles) {
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string b = "/sys/fs/cgroup/blkio/b";
  ASSERT_OK(m.Create(b));
  ASSERT_OK(m.Write(b, "blkio.throttle.read_bps_device", "8:0 1048576"));
  ASSERT_OK(m.Write(b, "blkio.throttle.read_bps_device", "8:16 10"));
  ASSERT_OK(m.Write(b, "blkio.throttle.read_bps_device", "8:0 0"));
  EXPECT_EQ(ReadOrDie(m, b, "blkio.throttle.read_bps_device"), "8:16 10\n");
  EXPECT_THAT(m.Write(b, "blkio.throttle.read_bps_device", "sda 1"),
              HasErrno(EINVAL));
  EXPECT_THAT(m.Write(b, "blkio.weight", "5"), HasErrno(EINVAL));
  ASSERT_OK(m.Write(b, "blkio.weight", "300"));
  EXPECT_EQ(ReadOrDie(m, b, "blkio.weight"), "300\n");
  const std::string n = "/sys/fs/cgroup/net_prio/n";
  ASSERT_OK(m.Create(n));
  ASSERT_OK(m.Write(n, "net_prio.ifpriomap", "eth0 5"));
  EXPECT_EQ(ReadOrDie(m, n, "net_prio.ifpriomap"), "lo 0\neth0 5\n");
  ASSERT_OK(m.Write(n, "net_cls.classid", "1048577"));
  EXPECT_EQ(ReadOrDie(m, "/sys/fs/cgroup/net_cls/n", "net_cls.classid"),
            "1048577\n");
}

TEST(CgroupLegacyTest, NoUnifiedHierarchy) {
  CgroupModel m(CgroupLayout::kLegacy);
  std::vector<CgroupMount> mounts = m.Mounts();
  ASSERT_EQ(mounts.size(), 13u);
  for (const CgroupMount& mount : mounts) {
    EXPECT_EQ(mount.version, CgroupVersion::kV1) << mount.path;
  }
  EXPECT_EQ(m.CgroupLines(Pid{1}).size(), 13u);
  EXPECT_EQ(m.CgroupLines(Pid{1}).back(), "1:cpu,cpuacct:/");
  EXPECT_THAT(m.Read("/sys/fs/cgroup/unified", "cgroup.procs"),
              HasErrno(ENOENT));
  EXPECT_EQ(m.AllPaths().size(), 13u);
}

TEST(CgroupLegacyTest, IsFrozenOnlyForMembers) {
  CgroupModel m(CgroupLayout::kLegacy);
  EXPECT_FALSE(m.IsFrozen(Pid{123}));
}

// The v2 device controller: programs of the cgroup and its ancestors all
// decide; v1 cgroups cannot take one.
TEST(CgroupDeviceProgramTest, AncestorsAndSelfMustAllAllow) {
  // "return r0 = (minor != 3)": mov32 r0, 1; ldxw r2, [r1 + 8];
  // jne r2, 3, +1; mov32 r0, 0; exit.
  const std::vector<uint8_t> deny_minor_3 = {
      0xb4, 0x00, 0,    0,    1,    0,    0, 0, 0x61, 0x12, 8,    0,    0, 0,
      0,    0,    0x55, 0x02, 1,    0,    3, 0, 0,    0,    0xb4, 0x00, 0, 0,
      0,    0,    0,    0,    0x95, 0x00, 0, 0, 0,    0,    0,    0};
  // "return minor != 5", the same with 5.
  std::vector<uint8_t> deny_minor_5 = deny_minor_3;
  deny_minor_5[20] = 5;
  CgroupModel m(CgroupLayout::kHybrid);
  const std::string a = "/sys/fs/cgroup/unified/a";
  ASSERT_OK(m.Create(a));
  ASSERT_OK(m.Create(a + "/b"));
  ASSERT_OK(m.AddProcess(a + "/b", Pid{7}));
  const DeviceAccess null{kBpfDevChar, kBpfAccRead, 1, 3};
  const DeviceAccess zero{kBpfDevChar, kBpfAccRead, 1, 5};
  EXPECT_TRUE(m.DeviceAllowed(Pid{7}, null));
  ASSERT_OK(m.AttachDeviceProgram(a, deny_minor_3, "Apache"));
  ASSERT_OK(m.AttachDeviceProgram(a + "/b", deny_minor_5, "Apache"));
  EXPECT_FALSE(m.DeviceAllowed(Pid{7}, null));
  EXPECT_FALSE(m.DeviceAllowed(Pid{7}, zero));
  EXPECT_TRUE(m.DeviceAllowed(Pid{7}, DeviceAccess{kBpfDevChar, 2, 1, 7}));
  // Not a member: the root has no program.
  EXPECT_TRUE(m.DeviceAllowed(Pid{8}, null));
  // Replacing b's program.
  ASSERT_OK(m.AttachDeviceProgram(a + "/b", deny_minor_3, "Apache"));
  EXPECT_TRUE(m.DeviceAllowed(Pid{7}, zero));
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> attached, m.DeviceProgram(a));
  EXPECT_EQ(attached, deny_minor_3);

  EXPECT_THAT(
      m.AttachDeviceProgram("/sys/fs/cgroup/devices", deny_minor_3, "Apache"),
      HasErrno(EBADF));
  EXPECT_THAT(m.AttachDeviceProgram(a + "/missing", deny_minor_3, "Apache"),
              HasErrno(ENOENT));
  // Falls off the end (no exit).
  EXPECT_THAT(
      m.AttachDeviceProgram(
          a, std::vector<uint8_t>(deny_minor_3.begin(), deny_minor_3.end() - 8),
          "Apache"),
      HasErrno(EINVAL));
}

}  // namespace
}  // namespace runbox::fake
