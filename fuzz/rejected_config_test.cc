// Every config of the config fuzzer's corpus (hand-written seeds and what
// campaigns merged), given to `runbox create` through the CLI on the fake
// kernel beside a running container: a rejected config leaves the state
// directory byte-identical and starts no process; an accepted one, once
// `delete --force` has run, leaves the same. So no input, however broken,
// changes state it was refused for, or leaks what it was given.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/fake_kernel.h"
#include "gtest/gtest.h"
#include "hostapi/host.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

constexpr char kRoot[] = "/run/rejected";
constexpr char kCorpus[] = "fuzz/corpus/config_fuzzer";

// Path under kRoot → file contents ("<dir>" for a directory), recursively.
using Snapshot = std::map<std::string, std::string>;

void SnapshotInto(Host& host, const std::string& path, Snapshot& out) {
  for (const std::string& name : Entries(host, path)) {
    const std::string child = absl::StrCat(path, "/", name);
    absl::StatusOr<FileStat> st =
        host.StatAt(Fd::Cwd(), child, FollowSymlinks::kNoFollow);
    ASSERT_OK(st);
    if (st->type == FileType::kDirectory) {
      out[child] = "<dir>";
      SnapshotInto(host, child, out);
    } else if (st->type == FileType::kRegular) {
      absl::StatusOr<std::string> text = ReadFile(host, child);
      ASSERT_OK(text);
      out[child] = *text;
    } else {
      out[child] = absl::StrCat("<type ", static_cast<int>(st->type), ">");
    }
  }
}

// The corpus files, read on the real host (they are runfiles).
std::map<std::string, std::string> CorpusConfigs() {
  LinuxHost host;
  std::map<std::string, std::string> configs;
  const std::string dir = RunfilePath(kCorpus);
  for (const std::string& name : Entries(host, dir)) {
    absl::StatusOr<std::string> text = ReadFile(host, dir + "/" + name);
    EXPECT_OK(text);
    if (text.ok()) configs[name] = *text;
  }
  return configs;
}

int LiveProcesses(const fake::FakeKernel& kernel) {
  int live = 0;
  for (const fake::ProcessInfo& p : kernel.Processes()) live += !p.zombie;
  return live;
}

TEST(RejectedConfigTest, CorpusConfigsLeaveNoTrace) {
  const std::map<std::string, std::string> configs = CorpusConfigs();
  ASSERT_FALSE(configs.empty()) << "no corpus under " << kCorpus;

  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel = env->NewFakeKernel();
  auto in_kernel = [&](std::function<void(Host&)> fn) {
    Pid pid = kernel->StartFunction([&](Host& host) {
      fn(host);
      return 0;
    });
    EXPECT_EQ(RunFakeUntilExit(*kernel, pid, 1), ExitStatus::Exited(0));
  };
  spec::Config keep = spec::DefaultSpec();
  keep.process->terminal = false;
  keep.process->args = {"sleep", "100000"};
  in_kernel([&](Host& host) {
    ASSERT_OK(
        MakeBusyboxRootfs(host, env->ProgramPath("busybox"), "/bundle/rootfs"));
  });
  in_kernel([&](Host& host) {
    ASSERT_OK(
        MakeBusyboxRootfs(host, env->ProgramPath("busybox"), "/keep/rootfs"));
    ASSERT_OK(
        WriteFile(host, "/keep/config.json", spec::SerializeConfig(keep)));
  });
  Output run =
      RunFakeRunbox(*kernel, kRoot, {"run", "-d", "--bundle", "/keep", "keep"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();

  Snapshot before;
  in_kernel([&](Host& host) { SnapshotInto(host, kRoot, before); });
  ASSERT_FALSE(before.empty());
  const int processes = LiveProcesses(*kernel);

  int accepted = 0;
  for (const auto& [name, text] : configs) {
    SCOPED_TRACE(absl::StrCat(kCorpus, "/", name));
    in_kernel([&](Host& host) {
      ASSERT_OK(WriteFile(host, "/bundle/config.json", text));
    });
    Output create = RunFakeRunbox(*kernel, kRoot,
                                  {"create", "--bundle", "/bundle", "cand"});
    ASSERT_TRUE(create.status.exited()) << create.Describe();
    if (create.status == ExitStatus::Exited(0)) {
      ++accepted;
      Output del = RunFakeRunbox(*kernel, kRoot, {"delete", "--force", "cand"});
      ASSERT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    } else {
      EXPECT_FALSE(create.err.empty()) << "refused without a word";
    }
    Snapshot after;
    in_kernel([&](Host& host) { SnapshotInto(host, kRoot, after); });
    ASSERT_EQ(after, before) << "state changed by " << create.Describe();
    ASSERT_EQ(LiveProcesses(*kernel), processes) << create.Describe();
  }
  // The corpus holds valid configs too (runc's, podman's, containerd's).
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, static_cast<int>(configs.size()));
}

}  // namespace
}  // namespace runbox
