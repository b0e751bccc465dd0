// Contract of the namespace calls on both hosts: namespace fds
// (/proc/<pid>/ns/*), setns(2) of the caller and of a spawned child
// (SpawnRequest::join_namespaces), and the hostname of a UTS namespace.
// Linux is the reference. The test process never changes its own
// namespaces or hostname (on Linux they are the machine's): every change
// happens in a helper spawned into new namespaces.
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

RUNBOX_CONTRACT_SUITE(NamespacesContract);

// The identity of a namespace: what FStat of its fd gives.
struct NsId {
  uint64_t dev = 0;
  uint64_t ino = 0;
  bool operator==(const NsId&) const = default;
};

void PrintTo(const NsId& id, std::ostream* os) {
  *os << id.dev << ":" << id.ino;
}

absl::StatusOr<NsId> NamespaceOf(Host& host, Pid pid, Namespaces type) {
  ASSIGN_OR_RETURN(Fd fd, host.OpenNamespace(pid, type));
  ASSIGN_OR_RETURN(FileStat st, host.FStat(fd));
  return NsId{st.dev, st.ino};
}

// A helper started with fd 0 and fd 1 pipes (and maybe new namespaces).
struct Child {
  SpawnResult spawned;
  Fd in;   // Its stdin: closing it ends sleep-forever and hold-uts.
  Fd out;  // Its stdout.
};

absl::StatusOr<Child> StartChild(Host& host, const std::string& helper,
                                 const std::vector<std::string>& args,
                                 Namespaces new_namespaces) {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  SpawnRequest req;
  req.path = helper;
  req.argv.push_back(helper);
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.fds = {{&in.read, 0}, {&out.write, 1}};
  req.new_namespaces = new_namespaces;
  ASSIGN_OR_RETURN(SpawnResult spawned, host.Spawn(req));
  return Child{std::move(spawned), std::move(in.write), std::move(out.read)};
}

// Spawns `req` (argv[0] and path set by the caller) with fd 1 a pipe, reads
// its output to EOF and reaps it.
absl::StatusOr<HelperRun> RunRequest(Host& host, SpawnRequest req) {
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  req.fds.push_back({&out.write, 1});
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(req));
  out.write.Reset();
  absl::StatusOr<std::string> text = ReadToEof(host, out.read);
  ASSIGN_OR_RETURN(ExitStatus status, WaitFor(host, child.pid));
  if (!text.ok()) return text.status();
  return HelperRun{child.pid, status, *std::move(text)};
}

SpawnRequest HelperRequest(const std::string& helper,
                           const std::vector<std::string>& args,
                           Namespaces new_namespaces = Namespaces::kNone) {
  SpawnRequest req;
  req.path = helper;
  req.argv.push_back(helper);
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.new_namespaces = new_namespaces;
  return req;
}

// A helper in a new UTS namespace whose hostname is `name`.
absl::StatusOr<Child> StartUtsHolder(Host& host, const std::string& helper,
                                     const std::string& name) {
  ASSIGN_OR_RETURN(
      Child c, StartChild(host, helper, {"hold-uts", name}, Namespaces::kUts));
  ASSIGN_OR_RETURN(std::string ready, ReadUntil(host, c.out, '\n'));
  if (ready != "ready\n") {
    KillAndReap(host, c.spawned.pid);
    return absl::InternalError(absl::StrCat("hold-uts said: ", ready));
  }
  return c;
}

TEST_P(NamespacesContract, TheSameNamespaceGivesTheSameIdentity) {
  Run([&](Host& host, const std::string& dir) {
    for (Namespaces type :
         {Namespaces::kUser, Namespaces::kMount, Namespaces::kPid,
          Namespaces::kNet, Namespaces::kIpc, Namespaces::kUts,
          Namespaces::kCgroup}) {
      ASSERT_OK_AND_ASSIGN(Fd a, host.OpenNamespace(host.GetPid(), type));
      ASSERT_OK_AND_ASSIGN(NsId first, NamespaceOf(host, host.GetPid(), type));
      ASSERT_OK_AND_ASSIGN(NsId second, NamespaceOf(host, host.GetPid(), type));
      EXPECT_EQ(first, second) << ToString(type);
      // nsfs files: regular, read-only, empty.
      ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(a));
      EXPECT_EQ(st.type, FileType::kRegular) << ToString(type);
      EXPECT_EQ(st.mode, 0444u) << ToString(type);
      EXPECT_EQ(st.size, 0) << ToString(type);
    }
    // Namespaces of different types are different objects.
    ASSERT_OK_AND_ASSIGN(NsId uts,
                         NamespaceOf(host, host.GetPid(), Namespaces::kUts));
    ASSERT_OK_AND_ASSIGN(NsId ipc,
                         NamespaceOf(host, host.GetPid(), Namespaces::kIpc));
    EXPECT_NE(uts, ipc);
  });
}

TEST_P(NamespacesContract, ChildInNewNamespacesHasOthersAndSharesTheRest) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        Child plain,
        StartChild(host, helper(), {"sleep-forever"}, Namespaces::kNone));
    absl::Cleanup reap_plain = [&] { KillAndReap(host, plain.spawned.pid); };
    ASSERT_OK_AND_ASSIGN(Child fresh,
                         StartChild(host, helper(), {"sleep-forever"},
                                    Namespaces::kUts | Namespaces::kIpc));
    absl::Cleanup reap_fresh = [&] { KillAndReap(host, fresh.spawned.pid); };
    Pid self = host.GetPid();
    for (Namespaces type : {Namespaces::kUts, Namespaces::kIpc,
                            Namespaces::kNet, Namespaces::kMount}) {
      ASSERT_OK_AND_ASSIGN(NsId ours, NamespaceOf(host, self, type));
      ASSERT_OK_AND_ASSIGN(NsId plain_ns,
                           NamespaceOf(host, plain.spawned.pid, type));
      ASSERT_OK_AND_ASSIGN(NsId fresh_ns,
                           NamespaceOf(host, fresh.spawned.pid, type));
      EXPECT_EQ(plain_ns, ours) << ToString(type);
      bool unshared = type == Namespaces::kUts || type == Namespaces::kIpc;
      EXPECT_EQ(fresh_ns == ours, !unshared) << ToString(type);
    }
  });
}

TEST_P(NamespacesContract, OpenNamespaceNeedsExactlyOneType) {
  Run([&](Host& host, const std::string& dir) {
    EXPECT_THAT(host.OpenNamespace(host.GetPid(), Namespaces::kNone),
                HasErrno(EINVAL));
    EXPECT_THAT(
        host.OpenNamespace(host.GetPid(), Namespaces::kUts | Namespaces::kIpc),
        HasErrno(EINVAL));
  });
}

TEST_P(NamespacesContract, OpenNamespaceOfAGoneProcessFailsEnoent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(SpawnResult child,
                         SpawnHelper(host, helper(), {"exit", "0"}, {},
                                     /*want_pidfd=*/true));
    // A zombie has dropped the namespaces it held directly; its user and
    // pid namespaces are still found through its credentials and pid.
    PollFd pfd{.fd = &child.pidfd, .events = PollEvents::kIn};
    ASSERT_THAT(host.Poll(absl::MakeSpan(&pfd, 1), std::nullopt),
                IsOkAndHolds(1));
    EXPECT_THAT(host.OpenNamespace(child.pid, Namespaces::kUts),
                HasErrno(ENOENT));
    EXPECT_THAT(host.OpenNamespace(child.pid, Namespaces::kMount),
                HasErrno(ENOENT));
    EXPECT_OK(host.OpenNamespace(child.pid, Namespaces::kPid));
    EXPECT_OK(host.OpenNamespace(child.pid, Namespaces::kUser));
    ASSERT_OK(WaitFor(host, child.pid).status());
    for (Namespaces type : {Namespaces::kUts, Namespaces::kPid}) {
      EXPECT_THAT(host.OpenNamespace(child.pid, type), HasErrno(ENOENT))
          << ToString(type);
    }
  });
}

TEST_P(NamespacesContract, SethostnameInANewUtsNamespace) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::string before, host.GetHostname());
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunRequest(host, HelperRequest(helper(), {"set-hostname", "box-one"},
                                       Namespaces::kUts)));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out, "box-one\n");
    ASSERT_OK_AND_ASSIGN(
        run, RunRequest(host, HelperRequest(helper(),
                                            {"set-domainname", "example.org"},
                                            Namespaces::kUts)));
    EXPECT_EQ(run.out, "ok\n");
    // Ours is untouched.
    EXPECT_THAT(host.GetHostname(), IsOkAndHolds(before));
  });
}

TEST_P(NamespacesContract, NamesLongerThan64BytesFailEinval) {
  Run([&](Host& host, const std::string& dir) {
    std::string longest(64, 'h');
    std::string too_long(65, 'h');
    ASSERT_OK_AND_ASSIGN(
        HelperRun run,
        RunRequest(host, HelperRequest(helper(), {"set-hostname", longest},
                                       Namespaces::kUts)));
    EXPECT_EQ(run.out, longest + "\n");
    ASSERT_OK_AND_ASSIGN(
        run,
        RunRequest(host, HelperRequest(helper(), {"set-hostname", too_long},
                                       Namespaces::kUts)));
    EXPECT_EQ(run.out, "error EINVAL\n");
    ASSERT_OK_AND_ASSIGN(
        run,
        RunRequest(host, HelperRequest(helper(), {"set-domainname", too_long},
                                       Namespaces::kUts)));
    EXPECT_EQ(run.out, "error EINVAL\n");
  });
}

TEST_P(NamespacesContract, SetnsJoinsAnotherProcessesUtsNamespace) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(std::string ours, host.GetHostname());
    ASSERT_OK_AND_ASSIGN(Child holder,
                         StartUtsHolder(host, helper(), "holder-name"));
    absl::Cleanup reap = [&] { KillAndReap(host, holder.spawned.pid); };
    // The joiner sees the holder's name, renames the namespace, and the
    // holder sees the new name: they share one namespace.
    ASSERT_OK_AND_ASSIGN(
        HelperRun joiner,
        RunHelper(
            host, helper(),
            {"join-uts", absl::StrCat(holder.spawned.pid.value), "renamed"}));
    EXPECT_EQ(joiner.status, ExitStatus::Exited(0));
    EXPECT_EQ(joiner.out, "holder-name\nrenamed\n");
    holder.in.Reset();
    EXPECT_THAT(ReadToEof(host, holder.out), IsOkAndHolds("renamed\n"));
    EXPECT_THAT(WaitFor(host, holder.spawned.pid),
                IsOkAndHolds(ExitStatus::Exited(0)));
    std::move(reap).Cancel();
    EXPECT_THAT(host.GetHostname(), IsOkAndHolds(ours));
  });
}

TEST_P(NamespacesContract, SpawnJoinsTheGivenNamespaces) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Child holder,
                         StartUtsHolder(host, helper(), "joined-name"));
    absl::Cleanup reap = [&] { KillAndReap(host, holder.spawned.pid); };
    ASSERT_OK_AND_ASSIGN(
        Fd uts, host.OpenNamespace(holder.spawned.pid, Namespaces::kUts));
    ASSERT_OK_AND_ASSIGN(
        Fd ipc, host.OpenNamespace(holder.spawned.pid, Namespaces::kIpc));
    SpawnRequest req = HelperRequest(helper(), {"print-hostname"});
    req.join_namespaces = {{Namespaces::kUts, &uts}, {Namespaces::kNone, &ipc}};
    // The fd map may reuse a namespace fd's number: the joins still see
    // the fds the caller named.
    req.fds = {{&ipc, uts.get()}};
    ASSERT_OK_AND_ASSIGN(HelperRun run, RunRequest(host, req));
    EXPECT_EQ(run.status, ExitStatus::Exited(0));
    EXPECT_EQ(run.out, "joined-name\n");
    // Only the child joined.
    ASSERT_OK_AND_ASSIGN(NsId ours,
                         NamespaceOf(host, host.GetPid(), Namespaces::kUts));
    ASSERT_OK_AND_ASSIGN(
        NsId holders, NamespaceOf(host, holder.spawned.pid, Namespaces::kUts));
    EXPECT_NE(ours, holders);
  });
}

TEST_P(NamespacesContract, SpawnJoiningAMismatchedNamespaceFailsEinval) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd uts,
                         host.OpenNamespace(host.GetPid(), Namespaces::kUts));
    ASSERT_OK_AND_ASSIGN(PipeFds pipe, host.Pipe());
    for (NamespaceJoin join : {NamespaceJoin{Namespaces::kIpc, &uts},
                               NamespaceJoin{Namespaces::kNone, &pipe.read},
                               NamespaceJoin{Namespaces::kUts, &pipe.read}}) {
      SpawnRequest req = HelperRequest(helper(), {"exit", "0"});
      req.join_namespaces = {join};
      EXPECT_THAT(host.Spawn(req), HasErrno(EINVAL));
    }
    // No child is left behind.
    EXPECT_THAT(host.Wait(Pid{0}, WaitFlags::kNoHang), HasErrno(ECHILD));
  });
}

TEST_P(NamespacesContract, SetnsPidNamespaceThenSpawnStartsTheChildThere) {
  Run([&](Host& host, const std::string& dir) {
    // The init of a new pid namespace.
    ASSERT_OK_AND_ASSIGN(
        Child init,
        StartChild(host, helper(), {"sleep-forever"}, Namespaces::kPid));
    absl::Cleanup reap = [&] { KillAndReap(host, init.spawned.pid); };
    ASSERT_OK_AND_ASSIGN(NsId target,
                         NamespaceOf(host, init.spawned.pid, Namespaces::kPid));
    ASSERT_OK_AND_ASSIGN(NsId ours,
                         NamespaceOf(host, host.GetPid(), Namespaces::kPid));
    ASSERT_NE(target, ours);
    // A helper joins it (for its children) and spawns: the grandchild is
    // pid 2 there, its parent outside (ppid 0), and its pid namespace is
    // the target's.
    ASSERT_OK_AND_ASSIGN(HelperRun run,
                         RunHelper(host, helper(),
                                   {"setns-pid-and-spawn",
                                    absl::StrCat(init.spawned.pid.value)}));
    EXPECT_EQ(run.status, ExitStatus::Exited(0)) << run.out;
    std::vector<std::string> fields =
        absl::StrSplit(run.out, absl::ByAnyChar(" \n"), absl::SkipEmpty());
    ASSERT_EQ(fields.size(), 4u) << run.out;
    EXPECT_EQ(fields[0], "2");
    EXPECT_EQ(fields[1], "0");
    EXPECT_EQ(fields[2], absl::StrCat(target.ino));
    EXPECT_EQ(fields[3], absl::StrCat(target.dev));
    // The test process's own children are still made beside it.
    ASSERT_OK_AND_ASSIGN(HelperRun plain,
                         RunHelper(host, helper(), {"print-pid"}));
    EXPECT_EQ(plain.out,
              absl::StrCat(plain.pid.value, " ", host.GetPid().value, "\n"));
  });
}

}  // namespace
}  // namespace runbox::contract
