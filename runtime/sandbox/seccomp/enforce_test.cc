// The compiled filter on the real kernel: a child process loads it and its
// own system calls get the spec's verdicts; a notifying filter yields a
// real listener that reaches the agent. Linux only: the fake records
// filters and does not enforce them (fakes/fake_kernel.h), and refuses a
// notify listener; apply_test.cc covers the agent protocol there.
#include <seccomp.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/sandbox/seccomp/seccomp.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;

constexpr char kState[] =
    R"({"ociVersion":"1.2.0","id":"web","status":"creating","pid":4422,)"
    R"("bundle":"/bundles/web"})";

void Complain(Host& host, absl::string_view what, const absl::Status& s) {
  (void)WriteAll(host, Fd(2, nullptr),
                 absl::StrCat("child: ", what, ": ", s.ToString(), "\n"));
}

// args[0]: a directory. Denies mkdirat(2) with mode 0700 (EXDEV) and
// allows it otherwise, then probes both.
DUAL_HOST_CHILD(DenyPrivateMkdir) {
  const std::string& dir = args.at(0);
  if (absl::Status s = host.SetNoNewPrivs(); !s.ok()) {
    Complain(host, "no_new_privs", s);
    return 10;
  }
  spec::Seccomp seccomp;
  seccomp.default_action = spec::SeccompAction::kAllow;
  spec::SeccompSyscall rule;
  rule.names = {"mkdirat", "mkdir"};
  rule.action = spec::SeccompAction::kErrno;
  rule.errno_ret = EXDEV;
  // mkdirat's mode is argument 2, mkdir's argument 1: one rule each.
  spec::SeccompSyscall mkdirat = rule;
  mkdirat.names = {"mkdirat"};
  mkdirat.args = {
      spec::SeccompArg{2, 0777, 0700, spec::SeccompOperator::kMaskedEqual}};
  spec::SeccompSyscall mkdir = rule;
  mkdir.names = {"mkdir"};
  mkdir.args = {
      spec::SeccompArg{1, 0777, 0700, spec::SeccompOperator::kMaskedEqual}};
  seccomp.syscalls = {mkdirat, mkdir};
  if (absl::Status s = ApplySeccomp(host, seccomp, kState); !s.ok()) {
    Complain(host, "apply", s);
    return 11;
  }
  absl::Status denied = host.MkdirAt(Fd::Cwd(), dir + "/private", 0700);
  if (!IsErrno(denied, EXDEV)) {
    Complain(host, "mkdir 0700 was not denied", denied);
    return 12;
  }
  absl::Status allowed = host.MkdirAt(Fd::Cwd(), dir + "/public", 0755);
  if (!allowed.ok()) {
    Complain(host, "mkdir 0755", allowed);
    return 13;
  }
  return 0;
}

// args[0]: a directory. Denies everything by default (EPERM) but what a
// dying process needs and mkdirat(2), the largest number named, so the
// kernel runs the ENOSYS prologue: fchdir(2) (below it) gets EPERM,
// unlinkat(2) (above it) ENOSYS.
DUAL_HOST_CHILD(DenyByDefault) {
  const std::string& dir = args.at(0);
  if (absl::Status s = host.SetNoNewPrivs(); !s.ok()) {
    Complain(host, "no_new_privs", s);
    return 10;
  }
  absl::StatusOr<Fd> dir_fd = host.OpenAt(
      Fd::Cwd(), dir, {.flags = OpenFlags::kPath | OpenFlags::kDirectory});
  if (!dir_fd.ok()) {
    Complain(host, "open dir", dir_fd.status());
    return 10;
  }
  spec::Seccomp seccomp;
  seccomp.default_action = spec::SeccompAction::kErrno;
  seccomp.architectures = {spec::SeccompArch::kX86_64};
  spec::SeccompSyscall allow;
  allow.names = {"exit_group",   "exit",           "write",  "close",
                 "brk",          "mmap",           "munmap", "futex",
                 "rt_sigreturn", "rt_sigprocmask", "mkdirat"};
  allow.action = spec::SeccompAction::kAllow;
  seccomp.syscalls = {allow};
  if (absl::Status s = ApplySeccomp(host, seccomp, kState); !s.ok()) {
    Complain(host, "apply", s);
    return 11;
  }
  if (absl::Status s = host.MkdirAt(Fd::Cwd(), dir + "/made", 0755); !s.ok()) {
    Complain(host, "mkdir (allowed)", s);
    return 12;
  }
  if (absl::Status s = host.Fchdir(*dir_fd); !IsErrno(s, EPERM)) {
    Complain(host, "fchdir (denied by default)", s);
    return 13;
  }
  if (absl::Status s =
          host.UnlinkAt(Fd::Cwd(), dir + "/made", UnlinkFlags::kRemoveDir);
      !IsErrno(s, ENOSYS)) {
    Complain(host, "rmdir (newer than the profile)", s);
    return 14;
  }
  return 0;
}

// args[0]: the agent's socket. Loads a filter that notifies on mkdirat(2)
// and exits without making that call.
DUAL_HOST_CHILD(NotifyAgent) {
  if (absl::Status s = host.SetNoNewPrivs(); !s.ok()) {
    Complain(host, "no_new_privs", s);
    return 10;
  }
  spec::Seccomp seccomp;
  seccomp.default_action = spec::SeccompAction::kAllow;
  spec::SeccompSyscall rule;
  rule.names = {"mkdirat"};
  rule.action = spec::SeccompAction::kNotify;
  seccomp.syscalls = {rule};
  seccomp.listener_path = args.at(0);
  seccomp.listener_metadata = "agent-metadata";
  if (absl::Status s = ApplySeccomp(host, seccomp, kState); !s.ok()) {
    Complain(host, "apply", s);
    return 11;
  }
  return 0;
}

// Linux only (see the instantiation below).
class SeccompEnforceTest : public DualHostTest {};

TEST_P(SeccompEnforceTest, KernelAppliesTheCompiledVerdicts) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         env().SpawnChild(host, {"DenyPrivateMkdir", {dir}}));
    ASSERT_OK_AND_ASSIGN(ExitStatus status, Reap(host, child.pid));
    EXPECT_EQ(status, ExitStatus::Exited(0)) << "see the child's stderr";
    // The filter stayed with the child.
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), dir + "/parent", 0700));
  });
}

TEST_P(SeccompEnforceTest, KernelRunsTheEnosysPrologue) {
  if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
    GTEST_SKIP() << "the syscall numbering assumed is x86_64's";
  }
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         env().SpawnChild(host, {"DenyByDefault", {dir}}));
    ASSERT_OK_AND_ASSIGN(ExitStatus status, Reap(host, child.pid));
    EXPECT_EQ(status, ExitStatus::Exited(0)) << "see the child's stderr";
    // The child made it and could not remove it.
    EXPECT_OK(host.UnlinkAt(Fd::Cwd(), dir + "/made", UnlinkFlags::kRemoveDir));
  });
}

TEST_P(SeccompEnforceTest, AgentReceivesARealListener) {
  env().Run([&](Host& host, const std::string& dir) {
    // A socket path under $TEST_TMPDIR can be longer than sun_path: work in
    // the directory (the child inherits the cwd) and put the cwd back.
    ASSERT_OK_AND_ASSIGN(Fd cwd, host.OpenAt(Fd::Cwd(), ".",
                                             {.flags = OpenFlags::kPath |
                                                       OpenFlags::kDirectory}));
    ASSERT_OK_AND_ASSIGN(
        Fd work,
        host.OpenAt(Fd::Cwd(), dir,
                    {.flags = OpenFlags::kPath | OpenFlags::kDirectory}));
    ASSERT_OK(host.Fchdir(work));
    absl::Cleanup restore_cwd = [&] { EXPECT_OK(host.Fchdir(cwd)); };
    std::string path = "agent.sock";
    ASSERT_OK_AND_ASSIGN(Fd listening, host.Socket(SocketType::kStream));
    ASSERT_OK(host.Bind(listening, path));
    ASSERT_OK(host.Listen(listening, 4));
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         env().SpawnChild(host, {"NotifyAgent", {path}}));
    // Accept only once the child connects, or fail when it dies first.
    ASSERT_OK_AND_ASSIGN(Fd pidfd, host.PidfdOpen(child.pid));
    PollFd polls[] = {{&listening, PollEvents::kIn}, {&pidfd, PollEvents::kIn}};
    ASSERT_OK(host.Poll(absl::MakeSpan(polls), std::nullopt).status());
    ASSERT_TRUE(Has(polls[0].revents, PollEvents::kIn))
        << "child exited without connecting; see its stderr";
    ASSERT_OK_AND_ASSIGN(Fd conn, host.Accept(listening));
    std::string bytes;
    std::vector<Fd> fds;
    while (true) {
      ASSERT_OK_AND_ASSIGN(ReceivedMessage m, host.RecvMsg(conn, 65536, 8));
      if (m.bytes.empty() && m.fds.empty()) break;
      bytes += m.bytes;
      for (Fd& fd : m.fds) fds.push_back(std::move(fd));
    }
    ASSERT_OK_AND_ASSIGN(ExitStatus status, Reap(host, child.pid));
    EXPECT_EQ(status, ExitStatus::Exited(0));

    nlohmann::json message = nlohmann::json::parse(bytes, nullptr, false);
    ASSERT_TRUE(message.is_object()) << bytes;
    EXPECT_EQ(message["fds"], nlohmann::json::array({"seccompFd"}));
    EXPECT_EQ(message["pid"], 4422);
    EXPECT_EQ(message["metadata"], "agent-metadata");
    EXPECT_EQ(message["state"]["id"], "web");
    ASSERT_EQ(fds.size(), 1u);
    ASSERT_OK_AND_ASSIGN(
        std::string target,
        host.ReadlinkAt(Fd::Cwd(),
                        absl::StrCat("/proc/self/fd/", fds[0].get())));
    EXPECT_THAT(target, HasSubstr("seccomp notify"));
  });
}

// The fake records seccomp filters without enforcing them (apply_test
// covers the protocol there), so only the real kernel can answer these.
INSTANTIATE_LINUX_ONLY_TEST_SUITE(SeccompEnforceTest);

}  // namespace
}  // namespace runbox
