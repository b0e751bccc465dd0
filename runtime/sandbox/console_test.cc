// The console pieces below the command line: runc's --console-socket
// rules, pty names, the /dev/console mount (and the symlink attack on it)
// and SetupConsole's hand-off of the master. The mount cases run on the
// fake only: they chroot and mount in the calling process, which on Linux
// would be the test itself in the host's mount namespace; the CLI suite
// (runtime/cli/console_test.cc) runs the whole path on both hosts.
#include "runtime/sandbox/console.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A StatusOr that is OK and holds a value matching `expected`.
MATCHER_P(IsOkAndHolds, expected,
          "is OK and holds " + testing::PrintToString(expected)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return testing::ExplainMatchResult(expected, *arg, result_listener);
}

TEST(CheckConsoleSocketTest, FollowsRuncsRules) {
  // create, run -d, exec -d: a terminal needs the socket.
  EXPECT_OK(CheckConsoleSocket(true, "/s", /*detach=*/true));
  EXPECT_OK(CheckConsoleSocket(false, "", true));
  EXPECT_OK(CheckConsoleSocket(false, "", false));
  EXPECT_THAT(CheckConsoleSocket(true, "", true).message(),
              HasSubstr("cannot allocate tty if runbox will detach without "
                        "setting console socket"));
  // A socket without a terminal, or in the foreground.
  EXPECT_THAT(CheckConsoleSocket(false, "/s", true).message(),
              HasSubstr("cannot use console socket if runbox will not "
                        "detach or allocate tty"));
  EXPECT_THAT(CheckConsoleSocket(true, "/s", false).message(),
              HasSubstr("cannot use console socket"));
  // In the foreground the runtime holds the terminal itself.
  EXPECT_OK(CheckConsoleSocket(true, "", false));
}

// A process chrooted into `dir`/root with /dev/console made by `make`.
class ConsoleMountTest : public ::testing::Test {
 protected:
  void RunInRoot(std::function<absl::Status(Host&, const Fd& root)> make,
                 std::function<void(Host&, const std::string& dir)> body) {
    env_->Run([&](Host& host, const std::string& dir) {
      const std::string root_path = absl::StrCat(dir, "/root");
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), root_path, 0755));
      ASSERT_OK_AND_ASSIGN(
          Fd root,
          host.OpenAt(Fd::Cwd(), root_path, {.flags = OpenFlags::kDirectory}));
      ASSERT_OK(make(host, root));
      ASSERT_OK(host.Chroot(root_path));
      ASSERT_OK(host.Fchdir(root));
      body(host, dir);
    });
  }

  // The mounts whose mount point is `path` (as the chrooted caller names
  // it, or with the host's prefix).
  static int MountsAt(Host& host, absl::string_view path) {
    absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
    EXPECT_OK(mounts.status());
    int n = 0;
    if (!mounts.ok()) return n;
    for (const MountInfo& m : *mounts) n += absl::EndsWith(m.mount_point, path);
    return n;
  }

  std::unique_ptr<DualHost> env_ = DualHost::Make("Fake");
};

absl::Status WriteAt(Host& host, const Fd& dir, const std::string& path,
                     absl::string_view text) {
  ASSIGN_OR_RETURN(
      Fd f, host.OpenAt(dir, path,
                        {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                  OpenFlags::kTruncate,
                         .mode = 0644}));
  return WriteAll(host, f, text);
}

TEST_F(ConsoleMountTest, BindsTheReplicaOnAnExistingConsoleFile) {
  RunInRoot(
      [](Host& host, const Fd& root) -> absl::Status {
        RETURN_IF_ERROR(host.MkdirAt(root, "dev", 0755));
        return WriteAt(host, root, "dev/console", "");
      },
      [&](Host& host, const std::string&) {
        ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
        ASSERT_OK_AND_ASSIGN(std::string name, PtyName(host, pty.replica));
        EXPECT_THAT(name, StartsWith("/dev/pts/"));
        ASSERT_OK(MountDevConsole(host, pty.replica));
        ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> mounts, host.ListMounts());
        bool found = false;
        for (const MountInfo& m : mounts) {
          if (!absl::EndsWith(m.mount_point, "/dev/console")) continue;
          found = true;
          // A bind shows the path within the source file system: the
          // pty's ("/N" of devpts on Linux).
          EXPECT_THAT(m.root, ::testing::EndsWith(name.substr(8))) << name;
        }
        EXPECT_TRUE(found);
      });
}

TEST_F(ConsoleMountTest, CreatesAMissingConsoleAndDev) {
  RunInRoot([](Host&, const Fd&) { return absl::OkStatus(); },
            [&](Host& host, const std::string&) {
              ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
              ASSERT_OK(MountDevConsole(host, pty.replica));
              ASSERT_OK_AND_ASSIGN(FileStat st,
                                   host.StatAt(Fd::Cwd(), "/dev/console",
                                               FollowSymlinks::kNoFollow));
              EXPECT_EQ(st.type, FileType::kRegular);
              EXPECT_EQ(MountsAt(host, "/dev/console"), 1);
            });
}

// CVE-2025-52565 class: the image plants /dev/console as a symlink to
// something else. The unsafe variant this catches is mounting by path,
//   host.Mount(replica_path, "/dev/console", "", MountFlags::kBind, "")
// which follows the symlink and puts the pty over /victim (in a real
// attack, /proc/sysrq-trigger or a host file bind-mounted in). The
// absolute, relative and escaping spellings all resolve to /victim inside
// the root.
TEST_F(ConsoleMountTest, RefusesAConsoleSymlinkAndMountsNothing) {
  for (const char* link : {"/victim", "../victim", "../../../../../victim"}) {
    SCOPED_TRACE(link);
    RunInRoot(
        [&](Host& host, const Fd& root) -> absl::Status {
          RETURN_IF_ERROR(host.MkdirAt(root, "dev", 0755));
          RETURN_IF_ERROR(WriteAt(host, root, "victim", "victim\n"));
          return host.SymlinkAt(link, root, "dev/console");
        },
        [&](Host& host, const std::string&) {
          ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
          absl::Status s = MountDevConsole(host, pty.replica);
          EXPECT_THAT(s, HasErrno(ELOOP));
          EXPECT_THAT(s.message(), HasSubstr("/dev/console"));
          EXPECT_EQ(MountsAt(host, "victim"), 0);
          EXPECT_EQ(MountsAt(host, "/dev/console"), 0);
          EXPECT_THAT(ReadFileAt(host, Fd::Cwd(), "/victim", 100),
                      IsOkAndHolds("victim\n"));
        });
  }
}

// /dev itself a symlink (to a directory holding a console file).
TEST_F(ConsoleMountTest, RefusesADevSymlink) {
  RunInRoot(
      [](Host& host, const Fd& root) -> absl::Status {
        RETURN_IF_ERROR(host.MkdirAt(root, "elsewhere", 0755));
        RETURN_IF_ERROR(WriteAt(host, root, "elsewhere/console", ""));
        return host.SymlinkAt("/elsewhere", root, "dev");
      },
      [&](Host& host, const std::string&) {
        ASSERT_OK_AND_ASSIGN(PtyPair pty, host.OpenPty());
        EXPECT_THAT(MountDevConsole(host, pty.replica), HasErrno(ELOOP));
        EXPECT_EQ(MountsAt(host, "console"), 0);
      });
}

// SetupConsole end to end in one process: the master goes over the
// socket named "/dev/pts/N", with consoleSize; the replica becomes stdio.
TEST_F(ConsoleMountTest, SendsTheMasterAndTakesTheReplicaAsStdio) {
  RunInRoot([](Host& host,
               const Fd& root) { return host.MkdirAt(root, "dev", 0755); },
            [&](Host& host, const std::string&) {
              ASSERT_OK_AND_ASSIGN(SocketPairFds pair,
                                   host.SocketPair(SocketType::kStream));
              spec::Process process;
              process.terminal = true;
              process.console_size =
                  spec::ConsoleSize{.height = 31, .width = 97};
              ASSERT_OK(SetupConsole(host, process, std::move(pair.first),
                                     ConsoleMount::kDevConsole));
              ASSERT_OK_AND_ASSIGN(ReceivedMessage msg,
                                   host.RecvMsg(pair.second, 256, 4));
              ASSERT_EQ(msg.fds.size(), 1u);
              EXPECT_THAT(msg.bytes, StartsWith("/dev/pts/"));
              EXPECT_THAT(host.GetWindowSize(msg.fds[0]),
                          IsOkAndHolds(WindowSize{31, 97}));
              // The socket was ours to close: the peer sees EOF after the
              // message.
              ASSERT_OK_AND_ASSIGN(ReceivedMessage eof,
                                   host.RecvMsg(pair.second, 256, 4));
              EXPECT_TRUE(eof.bytes.empty() && eof.fds.empty());
              // fd 1 is the replica: what we write there, the master reads.
              ASSERT_OK(WriteAll(host, Fd(1, nullptr), "through the console"));
              char buf[64];
              ASSERT_OK_AND_ASSIGN(size_t n,
                                   host.Read(msg.fds[0], absl::MakeSpan(buf)));
              EXPECT_EQ(std::string(buf, n), "through the console");
              EXPECT_EQ(MountsAt(host, "/dev/console"), 1);
            });
}

TEST_F(ConsoleMountTest, WithoutTerminalOnlyClosesTheSocket) {
  RunInRoot([](Host&, const Fd&) { return absl::OkStatus(); },
            [&](Host& host, const std::string&) {
              ASSERT_OK_AND_ASSIGN(SocketPairFds pair,
                                   host.SocketPair(SocketType::kStream));
              spec::Process process;
              ASSERT_OK(SetupConsole(host, process, std::move(pair.first),
                                     ConsoleMount::kDevConsole));
              ASSERT_OK_AND_ASSIGN(ReceivedMessage eof,
                                   host.RecvMsg(pair.second, 256, 4));
              EXPECT_TRUE(eof.bytes.empty() && eof.fds.empty());
              EXPECT_EQ(MountsAt(host, "/dev/console"), 0);
            });
}

}  // namespace
}  // namespace runbox
