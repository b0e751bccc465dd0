// LinuxHost's procfs writes refuse a file that a mount has replaced: a bind
// mount of another file system's file, or of another procfs file (the
// CVE-2025-52881 class), over /proc/sys/kernel/domainname. Each case runs
// in a forked child with its own mount and UTS namespaces, so the host's
// mounts and domain name are never touched.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>

#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

// Runs `body` in a child in new mount and UTS namespaces (mounts private);
// returns its exit code, or -1.
int InIsolatedChild(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWNS | CLONE_NEWUTS) != 0) _exit(90);
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      _exit(91);
    }
    _exit(body());
  }
  if (pid < 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

class SafeProcfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  }
};

TEST_F(SafeProcfsTest, WritesAndReadsAPlainSysctl) {
  EXPECT_EQ(InIsolatedChild([] {
              LinuxHost host;
              if (!host.WriteSysctl("kernel.domainname", "safe.test").ok()) {
                return 1;
              }
              absl::StatusOr<std::string> v =
                  host.ReadSysctl("kernel.domainname");
              return v.ok() && *v == "safe.test" ? 0 : 2;
            }),
            0);
}

TEST_F(SafeProcfsTest, RefusesAFileOfAnotherFileSystemMountedOverIt) {
  EXPECT_EQ(InIsolatedChild([] {
              char path[] = "/tmp/safe_procfs_XXXXXX";
              int fd = mkstemp(path);
              if (fd < 0) return 10;
              close(fd);
              int rc = mount(path, "/proc/sys/kernel/domainname", nullptr,
                             MS_BIND, nullptr);
              unlink(path);
              if (rc != 0) return 11;
              LinuxHost host;
              absl::Status s = host.WriteSysctl("kernel.domainname", "evil");
              if (!IsErrno(s, EXDEV)) return 12;
              return IsErrno(host.ReadSysctl("kernel.domainname"), EXDEV) ? 0
                                                                          : 13;
            }),
            0);
}

TEST_F(SafeProcfsTest, RefusesAnotherProcfsFileMountedOverIt) {
  EXPECT_EQ(
      InIsolatedChild([] {
        if (mount("/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname",
                  nullptr, MS_BIND, nullptr) != 0) {
          return 20;
        }
        LinuxHost host;
        absl::Status s = host.WriteSysctl("kernel.domainname", "evil");
        return IsErrno(s, EXDEV) ? 0 : 21;
      }),
      0);
}

TEST_F(SafeProcfsTest, RefusesAProcThatIsNotProcfs) {
  EXPECT_EQ(InIsolatedChild([] {
              if (mount("tmpfs", "/proc", "tmpfs", 0, nullptr) != 0) return 30;
              LinuxHost host;
              absl::Status s = host.WriteSysctl("kernel.domainname", "evil");
              if (!IsErrno(s, EXDEV)) return 31;
              return IsErrno(host.SetOomScoreAdj(100), EXDEV) ? 0 : 32;
            }),
            0);
}

}  // namespace
}  // namespace runbox
