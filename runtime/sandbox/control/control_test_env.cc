// The two environments of the control tests: LinuxEnv (the test process,
// with cwd and umask put back after each body) and FakeEnv (a simulated
// process of a fresh FakeKernel with a fixed seed, failed on deadlock).
#include "runtime/sandbox/control/control_test_env.h"

#include <cerrno>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fakes/fake_kernel.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/control_test_server.h"

namespace runbox::control {
namespace {

constexpr absl::string_view kServerProgram = "control_test_server";
constexpr absl::string_view kFakeServerPath = "/bin/control_test_server";
constexpr absl::string_view kFakeDir = "/tmp/control";

std::optional<std::string> EnvValue(Host& host, absl::string_view key) {
  std::string prefix = absl::StrCat(key, "=");
  for (const std::string& entry : host.Environment()) {
    if (absl::StartsWith(entry, prefix)) return entry.substr(prefix.size());
  }
  return std::nullopt;
}

// Removes `name` under `dir` and everything below it; best effort.
void RemoveTree(Host& host, const Fd& dir, const std::string& name) {
  absl::StatusOr<Fd> sub = host.OpenAt(
      dir, name, {.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow});
  if (!sub.ok()) {
    (void)host.UnlinkAt(dir, name);
    return;
  }
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*sub);
  if (entries.ok()) {
    for (const DirEntry& entry : *entries) {
      if (entry.type == FileType::kDirectory) {
        RemoveTree(host, *sub, entry.name);
      } else {
        (void)host.UnlinkAt(*sub, entry.name);
      }
    }
  }
  (void)host.UnlinkAt(dir, name, UnlinkFlags::kRemoveDir);
}

class LinuxEnv final : public ControlTestEnv {
 public:
  std::string name() const override { return "Linux"; }

  std::string ServerPath() override {
    std::string srcdir = EnvValue(host_, "TEST_SRCDIR").value_or(".");
    std::string workspace =
        EnvValue(host_, "TEST_WORKSPACE").value_or("runbox");
    return absl::StrCat(srcdir, "/", workspace,
                        "/runtime/sandbox/control/control_test_server");
  }

  void Run(ControlTestBody body) override {
    std::string base = EnvValue(host_, "TEST_TMPDIR").value_or("/tmp");
    std::string name =
        absl::StrCat("control-", absl::Hex(host_.RandomUint64()));
    std::string dir = absl::StrCat(base, "/", name);
    absl::Status made = host_.MkdirAt(Fd::Cwd(), dir, 0755);
    ASSERT_TRUE(made.ok()) << made;
    absl::StatusOr<Fd> cwd = host_.OpenAt(
        Fd::Cwd(), ".", {.flags = OpenFlags::kPath | OpenFlags::kDirectory});
    ASSERT_TRUE(cwd.ok()) << cwd.status();
    uint32_t umask = host_.Umask(022);
    host_.Umask(umask);

    body(host_, dir);

    EXPECT_TRUE(host_.Fchdir(*cwd).ok());
    host_.Umask(umask);
    absl::StatusOr<Fd> parent =
        host_.OpenAt(Fd::Cwd(), base, {.flags = OpenFlags::kDirectory});
    if (parent.ok()) RemoveTree(host_, *parent, name);
  }

 private:
  LinuxHost host_;
};

absl::Status MakeDirs(Host& host, absl::string_view path) {
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    absl::Status s = host.MkdirAt(Fd::Cwd(), prefix, 0755);
    if (!s.ok() && !IsErrno(s, EEXIST)) return s;
  }
  return absl::OkStatus();
}

class FakeEnv final : public ControlTestEnv {
 public:
  explicit FakeEnv(uint64_t seed) : seed_(seed) {}

  std::string name() const override { return "Fake"; }

  std::string ServerPath() override { return std::string(kFakeServerPath); }

  void Run(ControlTestBody body) override {
    fake::FakeKernel kernel(fake::KernelOptions{.seed = seed_});
    kernel.RegisterProgram(
        kServerProgram, [](Host& host, const std::vector<std::string>& argv) {
          return ControlTestServerMain(host, argv);
        });
    absl::Status installed =
        kernel.InstallProgram(kFakeServerPath, kServerProgram);
    ASSERT_TRUE(installed.ok()) << installed;

    std::string dir(kFakeDir);
    Pid pid = kernel.StartFunction(
        [&](Host& host) -> int {
          absl::Status made = MakeDirs(host, dir);
          if (!made.ok()) {
            ADD_FAILURE() << "fake: make " << dir << ": " << made;
            return 1;
          }
          body(host, dir);
          return 0;
        },
        "control_test");
    fake::RunOutcome outcome =
        kernel.RunUntil([&] { return kernel.ExitStatusOf(pid).has_value(); });
    std::optional<ExitStatus> status = kernel.ExitStatusOf(pid);
    if (!status.has_value()) {
      ADD_FAILURE() << "fake kernel (seed " << seed_ << ") stopped with "
                    << fake::ToString(outcome)
                    << " before the test's process exited (deadlock?)";
      return;
    }
    EXPECT_EQ(*status, ExitStatus::Exited(0))
        << "the test's simulated process ended with " << ToString(*status)
        << " (seed " << seed_ << ")";
  }

 private:
  uint64_t seed_;
};

}  // namespace

std::vector<std::string> ControlTestEnvNames() { return {"Linux", "Fake"}; }

std::unique_ptr<ControlTestEnv> MakeControlTestEnv(absl::string_view name,
                                                   uint64_t fake_seed) {
  if (name == "Linux") return std::make_unique<LinuxEnv>();
  if (name == "Fake") return std::make_unique<FakeEnv>(fake_seed);
  return nullptr;
}

}  // namespace runbox::control
