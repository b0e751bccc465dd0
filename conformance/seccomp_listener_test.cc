// config-linux.md "Seccomp" (listenerPath) and "The Container Process
// State": the test is the seccomp agent. It listens on an AF_UNIX stream
// socket named by linux.seccomp.listenerPath, runs a container whose
// filter has an SCMP_ACT_NOTIFY rule, and checks what runbox sends: one
// JSON container process state per connection, the notify fd by
// SCM_RIGHTS with the first byte, named "seccompFd" in "fds", then the
// connection closed; and that a failure to reach the agent or to send to
// it is an error. The fake kernel does not model seccomp notify, so this
// suite is Linux only.
//
// Also config-linux.md "Default Devices": /dev/console is the container's
// pty when process.terminal is true, on both hosts (the test receives the
// pty master on a --console-socket, as an engine does).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A safety net for a broken runtime, never a wait for something to happen
// (virtual time on the fake).
constexpr absl::Duration kStuck = absl::Seconds(60);

// Waits until `fd` is readable (a connection to accept, data or EOF);
// DeadlineExceeded after kStuck.
absl::Status WaitReadable(Host& host, const Fd& fd, absl::string_view what) {
  PollFd poll{&fd, PollEvents::kIn};
  ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&poll, 1), kStuck));
  if (ready == 0) {
    return absl::DeadlineExceededError(absl::StrCat("no ", what));
  }
  return absl::OkStatus();
}

absl::StatusOr<Fd> ListenAt(Host& host, const std::string& path) {
  ASSIGN_OR_RETURN(Fd listener, host.Socket(SocketType::kStream));
  RETURN_IF_ERROR(host.Bind(listener, path));
  RETURN_IF_ERROR(host.Listen(listener, 4));
  return listener;
}

// What the agent read from one connection, to EOF.
struct AgentMessage {
  std::string bytes;
  // The fds that came with the payload's first byte.
  std::vector<Fd> first_fds;
  // Fds that came with any later byte (there must be none).
  size_t later_fds = 0;
};

// Accepts the next connection on `listener` and reads it to EOF. The first
// read takes one byte, so only fds sent with the first byte (the first
// `sendmsg`(2)) come with it.
absl::StatusOr<AgentMessage> AcceptAndReadAll(Host& host, const Fd& listener) {
  RETURN_IF_ERROR(WaitReadable(host, listener, "connection to the agent"));
  ASSIGN_OR_RETURN(Fd connection, host.Accept(listener));
  AgentMessage message;
  bool first = true;
  while (true) {
    RETURN_IF_ERROR(
        WaitReadable(host, connection,
                     absl::StrCat("EOF on the agent's connection after \"",
                                  message.bytes, "\"")));
    ASSIGN_OR_RETURN(ReceivedMessage got,
                     host.RecvMsg(connection, first ? 1 : 65536, 8));
    if (got.bytes.empty() && got.fds.empty()) break;  // EOF.
    if (first) {
      message.first_fds = std::move(got.fds);
    } else {
      message.later_fds += got.fds.size();
    }
    first = false;
    message.bytes += got.bytes;
  }
  return message;
}

// The fixture of the listener suite: a short directory for the agent's
// socket (listenerPath must be absolute, and a path under $TEST_TMPDIR can
// exceed sun_path's 108 bytes), removed after the test.
class ConfigLinuxSeccompListener : public ConformanceTest {
 protected:
  void Run(std::function<void(Host&, const std::string& dir,
                              const std::string& socket_dir)>
               body) {
    env().Run([&](Host& host, const std::string& dir) {
      if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
      ASSERT_OK(host.SetChildSubreaper());
      const std::string name =
          absl::StrCat("runbox-agent-", absl::Hex(host.RandomUint64()));
      const std::string socket_dir = absl::StrCat("/tmp/", name);
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), socket_dir, 0700));
      absl::Cleanup remove = [&] {
        absl::StatusOr<Fd> tmp =
            host.OpenAt(Fd::Cwd(), "/tmp", {.flags = OpenFlags::kDirectory});
        if (tmp.ok()) RemoveTree(host, *tmp, name);
      };
      body(host, dir, socket_dir);
      for (const std::string& id : ids_) {
        (void)Runbox(host, dir, {"delete", "--force", id});
      }
      ReapExited(host);
    });
  }

  Output Runbox(Host& host, const std::string& dir,
                std::vector<std::string> args) {
    args.insert(args.begin(), {"--root", absl::StrCat(dir, "/state")});
    return RunRunbox(env(), host, args);
  }

  // A bundle for container `id` running `args` under a filter that
  // notifies the agent at `listener_path` of mkdir; deleted (--force)
  // after the test.
  std::string Bundle(Host& host, const std::string& dir, const std::string& id,
                     const std::string& listener_path,
                     const std::vector<std::string>& args,
                     bool writable_root = false) {
    ids_.push_back(id);
    nlohmann::json config = DefaultConfig(args);
    if (writable_root) config["root"]["readonly"] = false;
    config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"listenerPath", listener_path},
        {"listenerMetadata", "conformance-agent"},
        {"syscalls",
         {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    const std::string bundle = absl::StrCat(dir, "/", id, "-bundle");
    EXPECT_OK(MakeBundle(env(), host, bundle, config));
    return bundle;
  }

  // `runbox state ID` parsed (null when it fails).
  nlohmann::json State(Host& host, const std::string& dir,
                       const std::string& id) {
    Output out = Runbox(host, dir, {"state", id});
    EXPECT_EQ(out.status, ExitStatus::Exited(0)) << out.Describe();
    return ParseJson(out.out).value_or(nlohmann::json());
  }

  std::vector<std::string> ids_;
};

// The whole exchange for one container: runbox connects to the AF_UNIX
// stream socket (a stream listener accepts it), sends one JSON object, the
// notify fd with its first byte and in no later call, named "seccompFd",
// and closes the connection.
TEST_P(ConfigLinuxSeccompListener, AgentGetsOneStateAndTheNotifyFd) {
  Covers({"config-linux/seccomp/3", "config-linux/seccomp/4",
          "config-linux/seccomp/6", "config-linux/seccomp/8",
          "config-linux/the-container-process-state/1",
          "config-linux/the-container-process-state/2",
          "config-linux/the-container-process-state/3"});
  Run([&](Host& host, const std::string& dir, const std::string& socket_dir) {
    const std::string path = socket_dir + "/agent.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenAt(host, path));
    const std::string bundle =
        Bundle(host, dir, "agent1", path, {"sh", "-c", "exit 0"});
    Output run = Runbox(host, dir, {"run", "-d", "--bundle", bundle, "agent1"});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();

    ASSERT_OK_AND_ASSIGN(AgentMessage message,
                         AcceptAndReadAll(host, listener));
    // Exactly one JSON document: a second state (or anything after the
    // first) would not parse as one.
    nlohmann::json state = nlohmann::json::parse(message.bytes, nullptr,
                                                 /*allow_exceptions=*/false);
    ASSERT_TRUE(state.is_object()) << message.bytes;
    EXPECT_EQ(state["fds"], nlohmann::json::array({"seccompFd"}))
        << message.bytes;
    EXPECT_EQ(state["metadata"], "conformance-agent") << message.bytes;
    ASSERT_EQ(message.first_fds.size(), 1u)
        << "the fd must come with the first byte; " << message.bytes;
    EXPECT_EQ(message.later_fds, 0u) << message.bytes;
    // The fd is a seccomp user-notification listener.
    ASSERT_OK_AND_ASSIGN(
        std::string target,
        host.ReadlinkAt(Fd::Cwd(), absl::StrCat("/proc/self/fd/",
                                                message.first_fds[0].get())));
    EXPECT_THAT(target, HasSubstr("seccomp notify"));
    // The container's process ran to its end (it made no notified call).
    Output wait = Runbox(host, dir, {"wait", "agent1"});
    EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    EXPECT_EQ(wait.out, "0\n") << wait.Describe();
    // Nobody connects again for that container.
    PollFd poll{&listener, PollEvents::kIn};
    absl::StatusOr<int> pending =
        host.Poll(absl::MakeSpan(&poll, 1), absl::ZeroDuration());
    ASSERT_OK(pending.status());
    EXPECT_EQ(*pending, 0) << "a second connection for one container";
  });
}

// The state's fields: ociVersion (the version runbox reports in its
// state), pid (the container's process as the runtime sees it: its host
// pid, the one pid `runbox ps` lists, never 1 of the container's pid
// namespace), and the container's state (id, bundle, status, pid).
TEST_P(ConfigLinuxSeccompListener, StateHasOciVersionPidAndContainerState) {
  Covers({"config-linux/the-container-process-state/4",
          "config-linux/the-container-process-state/5",
          "config-linux/the-container-process-state/6"});
  Run([&](Host& host, const std::string& dir, const std::string& socket_dir) {
    const std::string path = socket_dir + "/agent.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenAt(host, path));
    // Runs until delete --force kills it, so ps can list it.
    const std::string bundle =
        Bundle(host, dir, "agent2", path, {"sleep", "1000"});
    Output create = Runbox(host, dir, {"create", "--bundle", bundle, "agent2"});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    const nlohmann::json runtime_state = State(host, dir, "agent2");
    ASSERT_TRUE(runtime_state.is_object());
    Output start = Runbox(host, dir, {"start", "agent2"});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();

    ASSERT_OK_AND_ASSIGN(AgentMessage message,
                         AcceptAndReadAll(host, listener));
    nlohmann::json sent = nlohmann::json::parse(message.bytes, nullptr,
                                                /*allow_exceptions=*/false);
    ASSERT_TRUE(sent.is_object()) << message.bytes;
    // ociVersion: the spec version runbox implements, as in its state.
    ASSERT_TRUE(sent["ociVersion"].is_string()) << message.bytes;
    EXPECT_EQ(sent["ociVersion"], runtime_state["ociVersion"]) << message.bytes;
    // pid: the container's process, as the runtime (in the host's pid
    // namespace) sees it.
    Output ps = Runbox(host, dir, {"ps", "--format", "json", "agent2"});
    ASSERT_EQ(ps.status, ExitStatus::Exited(0)) << ps.Describe();
    std::optional<nlohmann::json> pids = ParseJson(ps.out);
    ASSERT_TRUE(pids.has_value() && pids->is_array() && pids->size() == 1)
        << ps.Describe();
    EXPECT_NE((*pids)[0], 1) << ps.Describe();
    EXPECT_EQ(sent["pid"], (*pids)[0]) << message.bytes << " vs " << ps.out;
    // state: the container's state.
    const nlohmann::json& state = sent["state"];
    ASSERT_TRUE(state.is_object()) << message.bytes;
    EXPECT_EQ(state["ociVersion"], runtime_state["ociVersion"])
        << message.bytes;
    EXPECT_EQ(state["id"], "agent2") << message.bytes;
    EXPECT_EQ(state["pid"], (*pids)[0]) << message.bytes;
    EXPECT_EQ(state["bundle"], runtime_state["bundle"]) << message.bytes;
    EXPECT_THAT(state["status"].is_string() ? state["status"].get<std::string>()
                                            : std::string(),
                AnyOf("creating", "created", "running"))
        << message.bytes;
  });
}

// Each container gets its own connection: the first is closed after its
// state, and a second container's state comes on a new one.
TEST_P(ConfigLinuxSeccompListener, EachContainerGetsANewConnection) {
  Covers({"config-linux/seccomp/4", "config-linux/seccomp/5",
          "config-linux/seccomp/6"});
  Run([&](Host& host, const std::string& dir, const std::string& socket_dir) {
    const std::string path = socket_dir + "/agent.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenAt(host, path));
    for (const std::string id : {"first", "second"}) {
      SCOPED_TRACE(id);
      const std::string bundle =
          Bundle(host, dir, id, path, {"sh", "-c", "exit 0"});
      Output run = Runbox(host, dir, {"run", "-d", "--bundle", bundle, id});
      ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
      // AcceptAndReadAll reads to EOF: the connection was closed.
      ASSERT_OK_AND_ASSIGN(AgentMessage message,
                           AcceptAndReadAll(host, listener));
      nlohmann::json sent = nlohmann::json::parse(message.bytes, nullptr,
                                                  /*allow_exceptions=*/false);
      ASSERT_TRUE(sent.is_object()) << message.bytes;
      EXPECT_EQ(sent["state"]["id"], id) << message.bytes;
      EXPECT_EQ(message.first_fds.size(), 1u) << message.bytes;
      Output wait = Runbox(host, dir, {"wait", id});
      EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
    }
  });
}

// Nobody listens on listenerPath (a socket bound without listen, and no
// socket at all): create fails with an error and leaves no container.
TEST_P(ConfigLinuxSeccompListener, UnreachableAgentFailsCreate) {
  Covers({"config-linux/seccomp/7"});
  Run([&](Host& host, const std::string& dir, const std::string& socket_dir) {
    const std::string bound = socket_dir + "/bound.sock";
    ASSERT_OK_AND_ASSIGN(Fd not_listening, host.Socket(SocketType::kStream));
    ASSERT_OK(host.Bind(not_listening, bound));
    for (const std::string& path : {bound, socket_dir + "/absent.sock"}) {
      SCOPED_TRACE(path);
      const std::string id =
          absl::StrCat("unreachable", absl::EndsWith(path, "absent.sock"));
      const std::string bundle =
          Bundle(host, dir, id, path, {"sh", "-c", "exit 0"});
      Output create = Runbox(host, dir, {"create", "--bundle", bundle, id});
      EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
      EXPECT_THAT(create.err, HasSubstr("seccomp agent")) << create.Describe();
      EXPECT_THAT(create.err, HasSubstr(path)) << create.Describe();
    }
    Output list = Runbox(host, dir, {"list", "-q"});
    EXPECT_EQ(list.status, ExitStatus::Exited(0)) << list.Describe();
    EXPECT_EQ(list.out, "") << list.Describe();
  });
}

// The agent accepts the connection during create, then hangs up before
// runbox sends the state: the send fails, and so does start, with an
// error naming the send; the container's program never runs.
TEST_P(ConfigLinuxSeccompListener, AgentHangingUpFailsStart) {
  Covers({"config-linux/seccomp/7"});
  Run([&](Host& host, const std::string& dir, const std::string& socket_dir) {
    const std::string path = socket_dir + "/agent.sock";
    ASSERT_OK_AND_ASSIGN(Fd listener, ListenAt(host, path));
    const std::string bundle =
        Bundle(host, dir, "hangup", path, {"sh", "-c", "echo RAN > /ran"},
               /*writable_root=*/true);
    Output create = Runbox(host, dir, {"create", "--bundle", bundle, "hangup"});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    {
      ASSERT_OK(WaitReadable(host, listener, "connection to the agent"));
      ASSERT_OK_AND_ASSIGN(Fd connection, host.Accept(listener));
      ASSERT_OK(host.Close(std::move(connection)));
    }
    Output start = Runbox(host, dir, {"start", "hangup"});
    EXPECT_NE(start.status, ExitStatus::Exited(0)) << start.Describe();
    EXPECT_THAT(start.err, HasSubstr("seccomp")) << start.Describe();
    EXPECT_FALSE(ReadFile(host, absl::StrCat(bundle, "/rootfs/ran")).ok());
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxSeccompListener);

// --- Default devices: /dev/console ------------------------------------------

// What an engine gets on its console socket.
struct Console {
  std::string name;  // The replica's, "/dev/pts/N".
  Fd master;
};

absl::StatusOr<Console> AcceptConsole(Host& host, const Fd& listener) {
  RETURN_IF_ERROR(WaitReadable(host, listener, "console connection"));
  ASSIGN_OR_RETURN(Fd connection, host.Accept(listener));
  ASSIGN_OR_RETURN(ReceivedMessage msg, host.RecvMsg(connection, 4096, 4));
  if (msg.fds.size() != 1) {
    return absl::InternalError(
        absl::StrCat("got ", msg.fds.size(), " fds with \"", msg.bytes, "\""));
  }
  return Console{msg.bytes, std::move(msg.fds[0])};
}

// Reads the master until what it read is one JSON object (the probe's
// report); the terminal turns "\n" into "\r\n", which JSON takes as
// white space.
absl::StatusOr<nlohmann::json> ReadReport(Host& host, const Fd& master) {
  std::string seen;
  char buf[4096];
  while (true) {
    nlohmann::json report =
        nlohmann::json::parse(seen, nullptr, /*allow_exceptions=*/false);
    if (report.is_object()) return report;
    RETURN_IF_ERROR(WaitReadable(
        host, master,
        absl::StrCat("report on the console; read \"", seen, "\"")));
    absl::StatusOr<size_t> n = host.Read(master, absl::MakeSpan(buf));
    if (IsErrno(n, EAGAIN) || IsErrno(n, EINTR)) continue;
    if (!n.ok())
      return Annotate(n.status(), absl::StrCat("read \"", seen, "\""));
    if (*n == 0) {
      return absl::OutOfRangeError(absl::StrCat("EOF after \"", seen, "\""));
    }
    seen.append(buf, *n);
  }
}

// Runs the probe (--file /dev/console) with process.terminal: true and a
// console socket, as an engine does, and reads its report from the pty
// master runbox hands out.
class ConsoleFixture : public ConformanceTest {
 protected:
  struct Seen {
    int pty_number = -1;  // N of the replica's "/dev/pts/N".
    nlohmann::json report;
  };

  void RunConsoleProbe(std::function<void(Host&, const Seen&)> check) {
    env().Run([&](Host& host, const std::string& dir) {
      if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
      ASSERT_OK(host.SetChildSubreaper());
      // A relative socket path (runbox resolves it against its cwd, ours):
      // an absolute one under $TEST_TMPDIR can exceed sun_path.
      ASSERT_OK_AND_ASSIGN(
          Fd old_cwd,
          host.OpenAt(Fd::Cwd(), ".", {.flags = OpenFlags::kDirectory}));
      ASSERT_OK_AND_ASSIGN(
          Fd here,
          host.OpenAt(Fd::Cwd(), dir, {.flags = OpenFlags::kDirectory}));
      ASSERT_OK(host.Fchdir(here));
      absl::Cleanup back = [&] { (void)host.Fchdir(old_cwd); };
      const std::string state = absl::StrCat(dir, "/state");
      absl::Cleanup remove = [&] {
        (void)RunRunbox(env(), host,
                        {"--root", state, "delete", "--force", "console"});
        ReapExited(host);
      };

      ASSERT_OK_AND_ASSIGN(Fd listener, ListenAt(host, "console.sock"));
      nlohmann::json config = DefaultConfig(
          {std::string(kProbeInContainer), "--file", "/dev/console"});
      config["process"]["terminal"] = true;
      const std::string bundle = absl::StrCat(dir, "/bundle");
      ASSERT_OK(MakeBundle(env(), host, bundle, config));
      Output run = RunRunbox(env(), host,
                             {"--root", state, "run", "-d", "--console-socket",
                              "console.sock", "--bundle", bundle, "console"});
      ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
      ASSERT_OK_AND_ASSIGN(Console console, AcceptConsole(host, listener));
      Seen seen;
      ASSERT_THAT(console.name, StartsWith("/dev/pts/"));
      ASSERT_TRUE(absl::SimpleAtoi(absl::StripPrefix(console.name, "/dev/pts/"),
                                   &seen.pty_number))
          << console.name;
      ASSERT_OK_AND_ASSIGN(seen.report, ReadReport(host, console.master));
      check(host, seen);
      Output wait =
          RunRunbox(env(), host, {"--root", state, "wait", "console"});
      EXPECT_EQ(wait.status, ExitStatus::Exited(0)) << wait.Describe();
      EXPECT_EQ(wait.out, "0\n") << wait.Describe();
    });
  }
};

class ConfigLinuxDefaultDevicesConsole : public ConsoleFixture {};

// process.terminal: true: a bind mount of the pty (a devpts file) is on
// /dev/console.
TEST_P(ConfigLinuxDefaultDevicesConsole, PtyIsBindMountedOnDevConsole) {
  Covers({"config-linux/default-devices/7"});
  RunConsoleProbe([&](Host&, const Seen& seen) {
    nlohmann::json console_mount;
    for (const nlohmann::json& m : seen.report["mounts"]) {
      if (m.value("target", "") == "/dev/console") console_mount = m;
    }
    EXPECT_EQ(console_mount.value("type", ""), "devpts")
        << seen.report["mounts"].dump();
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxDefaultDevicesConsole);

// The fake records the bind mount without redirecting a stat through it:
// only the kernel shows that /dev/console is the very pty whose master
// runbox handed out (the device number of /dev/pts/N).
class ConfigLinuxDefaultDevicesConsoleKernel : public ConsoleFixture {};

TEST_P(ConfigLinuxDefaultDevicesConsoleKernel, DevConsoleIsTheContainersPty) {
  Covers({"config-linux/default-devices/7"});
  RunConsoleProbe([&](Host&, const Seen& seen) {
    const nlohmann::json& f = seen.report["files"]["/dev/console"];
    EXPECT_EQ(f["type"], "chr") << f.dump();
    EXPECT_EQ(f["major"], 136) << f.dump();  // Unix98 pty replicas.
    EXPECT_EQ(f["minor"], seen.pty_number) << f.dump();
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxDefaultDevicesConsoleKernel);

}  // namespace
}  // namespace runbox::conformance
