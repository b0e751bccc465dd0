// ExecUserProcess: the order of the steps before the exec (MockHost), the
// cwd check that keeps a process inside its root (CVE-2024-21626), and
// HOME from the container's /etc/passwd (FakeHost file system).
#include "runtime/sandbox/exec_process.h"

#include <cerrno>

#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/mock_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Return;
using ::testing::StrictMock;

spec::Process TestProcess() {
  spec::Process process;
  process.args = {"/bin/sh", "-c", "true"};
  process.env = {"PATH=/bin", "HOME=/root"};
  process.cwd = "/work";
  process.user.uid = 1000;
  process.user.gid = 100;
  process.user.additional_gids = {7};
  process.user.umask = 022;
  process.oom_score_adj = -100;
  process.rlimits = {{spec::RlimitType::kNofile, 64, 128}};
  process.no_new_privileges = true;
  process.capabilities.emplace();
  process.capabilities->bounding = {spec::Capability::kDacOverride};
  process.capabilities->permitted = {spec::Capability::kDacOverride};
  process.capabilities->effective = {spec::Capability::kDacOverride};
  return process;
}

// OpenAt of `path` gives fd `n`, which is closed later.
void ExpectOpenDir(MockHost& host, absl::string_view path, int n) {
  EXPECT_CALL(host, OpenAt(_, Eq(path), _))
      .WillOnce([&host, n](const Fd&, absl::string_view, const OpenHow& how) {
        EXPECT_TRUE(Has(how.resolve, ResolveFlags::kNoMagicLinks));
        return Fd(n, &host);
      });
}

TEST(ExecUserProcessTest, StepsInRuncOrder) {
  StrictMock<MockHost> host;
  spec::Process process = TestProcess();
  spec::Personality persona{spec::PersonalityDomain::kLinux32, {}};
  ContainerProcess target;
  target.process = &process;
  target.personality = &persona;
  {
    InSequence seq;
    // Needs CAP_SYS_RESOURCE: before the drop.
    EXPECT_CALL(host, SetOomScoreAdj(-100)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetRlimit(7, ResourceLimit{64, 128}))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetNoNewPrivs()).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, Umask(022u)).WillOnce(Return(0u));
    ExpectOpenDir(host, "/work", 11);
    EXPECT_CALL(host, Fchdir(_)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, GetCwd()).WillOnce(Return(std::string("/work")));
    EXPECT_CALL(host, CloseFd(11));
    // The bounding set while still root (CAP_SETPCAP)...
    EXPECT_CALL(host, LastCapability()).WillOnce(Return(1));
    EXPECT_CALL(host, InBoundingSet(0)).WillOnce(Return(true));
    EXPECT_CALL(host, DropBoundingCapability(0))
        .WillOnce(Return(absl::OkStatus()));
    // ...then the user, then the sets.
    EXPECT_CALL(host, SetKeepCaps(true)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetGroups(ElementsAre(7u)))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetResGid(100u, 100u, 100u))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetResUid(1000u, 1000u, 1000u))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetKeepCaps(false)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, LastCapability()).WillOnce(Return(1));
    EXPECT_CALL(host, SetCapabilities(CapabilitySets{0b10, 0b10, 0}))
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, ClearAmbientCapabilities())
        .WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, SetPersonality(0x0008u)).WillOnce(Return(0u));
    EXPECT_CALL(
        host,
        Exec(AllOf(
            Field(&ExecRequest::path, "/bin/sh"),
            Field(&ExecRequest::argv, ElementsAre("/bin/sh", "-c", "true")),
            Field(&ExecRequest::env, ElementsAre("PATH=/bin", "HOME=/root")))))
        .WillOnce(Return(ErrnoError(ENOEXEC, "execve")));
  }
  EXPECT_THAT(ExecUserProcess(host, target), HasErrno(ENOEXEC));
}

// A cwd the runtime's root may not enter (a volume chowned to the user, a
// root-squashed NFS mount) is entered again as the container's user, after
// the id change and before the capabilities are trimmed.
TEST(ExecUserProcessTest, CwdRefusedToRootIsRetriedAsTheUser) {
  StrictMock<MockHost> host;
  spec::Process process = TestProcess();
  process.no_new_privileges = false;
  process.oom_score_adj.reset();
  process.rlimits.clear();
  process.user.umask.reset();
  process.capabilities.reset();
  process.user.additional_gids.clear();
  ContainerProcess target;
  target.process = &process;
  InSequence seq;
  EXPECT_CALL(host, OpenAt(_, Eq(absl::string_view("/work")), _))
      .WillOnce(Return(ErrnoError(EACCES, "openat")));
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(0));
  EXPECT_CALL(host, InBoundingSet(0)).WillOnce(Return(false));
  EXPECT_CALL(host, SetKeepCaps(true)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetGroups(ElementsAre()))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetResGid(100u, 100u, 100u))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetResUid(1000u, 1000u, 1000u))
      .WillOnce(Return(absl::OkStatus()));
  ExpectOpenDir(host, "/work", 12);
  EXPECT_CALL(host, Fchdir(_)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, GetCwd()).WillOnce(Return(std::string("/work")));
  EXPECT_CALL(host, CloseFd(12));
  EXPECT_CALL(host, SetKeepCaps(false)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(0));
  EXPECT_CALL(host, SetCapabilities(CapabilitySets{}))
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, ClearAmbientCapabilities())
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, Exec(_)).WillOnce(Return(ErrnoError(ENOENT, "execve")));
  EXPECT_THAT(ExecUserProcess(host, target), HasErrno(ENOENT));
}

// CVE-2024-21626: init held a directory fd of the host, and the config's cwd
// named it through /proc/self/fd. The unsafe variant is a plain `chdir`(2) of
// process.cwd with no check: the kernel follows the magic link, the process
// starts with a working directory outside its root, and "../../.." from
// there walks the host. Here the chdir lands outside (as a kernel without
// RESOLVE_NO_MAGICLINKS would let it), `getcwd`(3) says so, and nothing more
// happens: no privilege change, no exec.
TEST(ExecUserProcessTest, CwdOutsideTheRootFailsBeforeAnythingElse) {
  for (absl::StatusOr<std::string> answer :
       {absl::StatusOr<std::string>("(unreachable)/tmp"),
        absl::StatusOr<std::string>(ErrnoError(ENOENT, "getcwd"))}) {
    StrictMock<MockHost> host;
    spec::Process process = TestProcess();
    process.cwd = "/proc/self/fd/7";
    process.oom_score_adj.reset();
    process.rlimits.clear();
    process.no_new_privileges = false;
    process.user.umask.reset();
    ContainerProcess target;
    target.process = &process;
    InSequence seq;
    ExpectOpenDir(host, "/proc/self/fd/7", 7);
    EXPECT_CALL(host, Fchdir(_)).WillOnce(Return(absl::OkStatus()));
    EXPECT_CALL(host, GetCwd()).WillOnce(Return(answer));
    EXPECT_CALL(host, CloseFd(7));
    absl::Status s = ExecUserProcess(host, target);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("outside"));
  }
}

// A compiled filter with no agent; any bytes do for the mock.
PreparedSeccomp SomeFilter() {
  PreparedSeccomp prepared;
  prepared.program.bpf = {1, 2, 3, 4, 5, 6, 7, 8};
  return prepared;
}

// Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: it goes in
// before the capability drop (runc standard_init_linux.go).
TEST(ExecUserProcessTest, SeccompWithoutNoNewPrivsBeforeTheDrop) {
  StrictMock<MockHost> host;
  spec::Process process = TestProcess();
  process.no_new_privileges = false;
  process.oom_score_adj.reset();
  process.rlimits.clear();
  process.user.umask.reset();
  PreparedSeccomp filter = SomeFilter();
  ContainerProcess target;
  target.process = &process;
  target.seccomp = &filter;
  InSequence seq;
  EXPECT_CALL(host, SetSeccompFilter(_, _)).WillOnce([](auto, auto) {
    return absl::StatusOr<Fd>(Fd());
  });
  ExpectOpenDir(host, "/work", 11);
  EXPECT_CALL(host, Fchdir(_)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, GetCwd()).WillOnce(Return(std::string("/work")));
  EXPECT_CALL(host, CloseFd(11));
  // Stop at the first step of the drop: the filter came before it.
  EXPECT_CALL(host, LastCapability())
      .WillOnce(Return(ErrnoError(EIO, "cap_last_cap")));
  EXPECT_THAT(ExecUserProcess(host, target), HasErrno(EIO));
}

// With no_new_privs, as late as possible: after the drop, the personality
// and the PATH search, right before the exec, so the filter need not allow
// what runbox itself calls.
// With no_new_privs the filter comes last of runbox's own steps; then the
// startContainer hooks (before_exec) run under it, as in runc; then exec.
TEST(ExecUserProcessTest, SeccompWithNoNewPrivsThenHooksRightBeforeExec) {
  StrictMock<MockHost> host;
  spec::Process process = TestProcess();
  process.oom_score_adj.reset();
  process.rlimits.clear();
  process.user.umask.reset();
  process.capabilities.reset();
  process.user.additional_gids.clear();
  PreparedSeccomp filter = SomeFilter();
  spec::Personality persona;
  ContainerProcess target;
  target.process = &process;
  target.seccomp = &filter;
  target.personality = &persona;
  ::testing::MockFunction<absl::Status()> start_hooks;
  target.before_exec = start_hooks.AsStdFunction();
  InSequence seq;
  EXPECT_CALL(host, SetNoNewPrivs()).WillOnce(Return(absl::OkStatus()));
  ExpectOpenDir(host, "/work", 11);
  EXPECT_CALL(host, Fchdir(_)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, GetCwd()).WillOnce(Return(std::string("/work")));
  EXPECT_CALL(host, CloseFd(11));
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(0));
  EXPECT_CALL(host, InBoundingSet(0)).WillOnce(Return(false));
  EXPECT_CALL(host, SetKeepCaps(true)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetGroups(_)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetResGid(_, _, _)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetResUid(_, _, _)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetKeepCaps(false)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, LastCapability()).WillOnce(Return(0));
  EXPECT_CALL(host, SetCapabilities(_)).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, ClearAmbientCapabilities())
      .WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, SetPersonality(0u)).WillOnce(Return(0u));
  EXPECT_CALL(host, SetSeccompFilter(_, _)).WillOnce([](auto, auto) {
    return absl::StatusOr<Fd>(Fd());
  });
  EXPECT_CALL(start_hooks, Call()).WillOnce(Return(absl::OkStatus()));
  EXPECT_CALL(host, Exec(_)).WillOnce(Return(ErrnoError(EACCES, "execve")));
  EXPECT_THAT(ExecUserProcess(host, target), HasErrno(EACCES));
}

// A fake kernel with `files` (path -> content) runs `body` as root.
template <typename Body>
void RunInFake(const std::vector<std::pair<std::string, std::string>>& files,
               Body body) {
  fake::FakeKernel kernel;
  kernel.StartFunction([&](Host& host) {
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/etc", 0755));
    for (const auto& [path, content] : files) {
      absl::StatusOr<Fd> fd = host.OpenAt(
          Fd::Cwd(), path,
          {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate, .mode = 0644});
      EXPECT_OK(fd);
      if (fd.ok()) {
        EXPECT_OK(WriteAll(host, *fd, content));
      }
    }
    body(host);
    return 0;
  });
  kernel.Run();
}

TEST(EnvironmentWithHomeTest, HomeOfTheUidFromPasswd) {
  RunInFake({{"/etc/passwd",
              "root:x:0:0:root:/root:/bin/sh\n"
              "bad line\n"
              "app:x:1000:1000::/home/app:/bin/sh\n"}},
            [](Host& host) {
              EXPECT_THAT(EnvironmentWithHome(host, {"A=1"}, 1000),
                          ElementsAre("A=1", "HOME=/home/app"));
              EXPECT_THAT(EnvironmentWithHome(host, {}, 0),
                          ElementsAre("HOME=/root"));
              // Not in passwd: "/".
              EXPECT_THAT(EnvironmentWithHome(host, {}, 5),
                          ElementsAre("HOME=/"));
              // Set: kept; set empty: counts as unset.
              EXPECT_THAT(EnvironmentWithHome(host, {"HOME=/x", "B=2"}, 0),
                          ElementsAre("HOME=/x", "B=2"));
              EXPECT_THAT(EnvironmentWithHome(host, {"HOME=", "B=2"}, 0),
                          ElementsAre("B=2", "HOME=/root"));
            });
}

TEST(EnvironmentWithHomeTest, NoPasswdOrNotARegularFileGivesSlash) {
  RunInFake({}, [](Host& host) {
    EXPECT_THAT(EnvironmentWithHome(host, {}, 0), ElementsAre("HOME=/"));
    // A directory (or a fifo, a device) is not read.
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/etc/passwd", 0755));
    EXPECT_THAT(EnvironmentWithHome(host, {}, 0), ElementsAre("HOME=/"));
  });
}

TEST(FindExecutableTest, SearchesPathLikeExecvp) {
  RunInFake({{"/etc/tool", "x"}}, [](Host& host) {
    EXPECT_THAT(FindExecutable(host, "tool", {"PATH=/nope:/etc"}),
                HasErrno(ENOENT));  // Not executable.
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/bin", 0755));
    absl::StatusOr<Fd> fd = host.OpenAt(
        Fd::Cwd(), "/bin/tool",
        {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate, .mode = 0755});
    EXPECT_OK(fd);
    absl::StatusOr<std::string> found =
        FindExecutable(host, "tool", {"PATH=/nope:/bin"});
    EXPECT_OK(found);
    if (found.ok()) {
      EXPECT_EQ(*found, "/bin/tool");
    }
    absl::StatusOr<std::string> relative = FindExecutable(host, "./rel", {});
    EXPECT_OK(relative);
    if (relative.ok()) {
      EXPECT_EQ(*relative, "./rel");
    }
  });
}

TEST(CheckProgramTest, MissingOrUnrunnableProgramsFailAsInRunc) {
  RunInFake({{"/etc/data", "x"}}, [](Host& host) {
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), "/bin", 0755));
    absl::StatusOr<Fd> fd = host.OpenAt(
        Fd::Cwd(), "/bin/tool",
        {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate, .mode = 0755});
    EXPECT_OK(fd);
    spec::Process process;
    process.env = {"PATH=/nope:/bin"};
    process.cwd = "/bin";
    for (const char* runs : {"tool", "/bin/tool", "./tool"}) {
      process.args = {runs, "arg"};
      EXPECT_OK(CheckProgram(host, process)) << runs;
    }
    process.args = {"/no/such/binary"};
    absl::Status missing = CheckProgram(host, process);
    EXPECT_THAT(missing, HasErrno(ENOENT));
    EXPECT_THAT(missing.message(), HasSubstr("exec: \"/no/such/binary\""));
    process.args = {"data"};  // Not on PATH.
    EXPECT_THAT(CheckProgram(host, process), HasErrno(ENOENT));
    process.args = {"/etc/data"};  // Not executable.
    EXPECT_THAT(CheckProgram(host, process), HasErrno(EACCES));
    process.args = {"/bin/"};  // A directory.
    EXPECT_THAT(CheckProgram(host, process), HasErrno(EACCES));
    process.args = {};
    EXPECT_FALSE(CheckProgram(host, process).ok());
  });
}

}  // namespace
}  // namespace runbox
