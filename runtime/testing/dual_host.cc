// The two DualHost environments and the child-function machinery: the
// registry, the "--dual-host-child" dispatcher shared by the re-executed
// Linux test binary and the fake's child program, the start gate, seeds.
#include "runtime/testing/dual_host.h"

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {

constexpr absl::string_view kChildFlag = "--dual-host-child";
constexpr absl::string_view kNoGate = "-";
// The fd number a gated child finds its start gate at.
constexpr int kGateFd = 3;
constexpr absl::string_view kFakeChildProgram = "dual_host_child";
constexpr absl::string_view kFakeChildPath = "/bin/dual_host_child";
constexpr absl::string_view kFakeDir = "/tmp/dual-host";
// Exit codes of the dispatcher itself (not of a child function).
constexpr int kExitUnknownFunction = 126;
constexpr int kExitBadArguments = 125;

std::map<std::string, ChildFunction>& Registry() {
  static auto* registry = new std::map<std::string, ChildFunction>();
  return *registry;
}

std::optional<uint64_t>& SeedFlag() {
  static std::optional<uint64_t> seed;
  return seed;
}

std::optional<std::string> EnvValue(Host& host, absl::string_view key) {
  std::string prefix = absl::StrCat(key, "=");
  for (const std::string& entry : host.Environment()) {
    if (absl::StartsWith(entry, prefix)) return entry.substr(prefix.size());
  }
  return std::nullopt;
}

void WriteStderr(Host& host, absl::string_view text) {
  Fd err(2, nullptr);  // Borrowed: an Fd without owner never closes.
  (void)WriteAll(host, err, text);
}

// argv: <path> --dual-host-child <function> <gate fd or "-"> <args...>.
int DispatchChild(Host& host, const std::vector<std::string>& argv) {
  if (argv.size() < 4 || argv[1] != kChildFlag) {
    WriteStderr(host, "dual_host: bad child command line\n");
    return kExitBadArguments;
  }
  auto it = Registry().find(argv[2]);
  if (it == Registry().end()) {
    WriteStderr(host, absl::StrCat("dual_host: no child function \"", argv[2],
                                   "\" is registered\n"));
    return kExitUnknownFunction;
  }
  if (argv[3] != kNoGate) {
    int gate_fd = 0;
    if (!absl::SimpleAtoi(argv[3], &gate_fd)) return kExitBadArguments;
    // The gate opens when every writer has closed it: read to EOF.
    Fd gate(gate_fd, nullptr);
    absl::StatusOr<std::string> rest = ReadAll(host, gate);
    if (!rest.ok()) {
      WriteStderr(host, absl::StrCat("dual_host: start gate: ",
                                     rest.status().ToString(), "\n"));
      return kExitBadArguments;
    }
    // The gate fd stays open (borrowed, no owner): harmless, it is at EOF.
  }
  std::vector<std::string> args(argv.begin() + 4, argv.end());
  return it->second(host, args);
}

absl::StatusOr<SpawnResult> Spawn(const DualHost& env, Host& host,
                                  const ChildCall& call, absl::string_view gate,
                                  const std::vector<FdMapping>& fds) {
  static const Fd* const kStdout = new Fd(1, nullptr);
  static const Fd* const kStderr = new Fd(2, nullptr);
  SpawnRequest request;
  request.path = env.ChildPath();
  request.argv = {request.path, std::string(kChildFlag), call.function,
                  std::string(gate)};
  request.argv.insert(request.argv.end(), call.args.begin(), call.args.end());
  request.env = host.Environment();
  request.fds = {{kStdout, 1}, {kStderr, 2}};
  request.fds.insert(request.fds.end(), fds.begin(), fds.end());
  return host.Spawn(request);
}

// Children a failed body left behind that have exited since.
void ReapZombies(Host& host) {
  for (int i = 0; i < 1024; ++i) {
    absl::StatusOr<std::optional<WaitResult>> r =
        host.Wait(Pid{0}, WaitFlags::kNoHang);
    if (!r.ok() || !r->has_value()) return;
  }
}

class LinuxDualHost final : public DualHost {
 public:
  explicit LinuxDualHost(DualHostOptions options) : DualHost(options) {}

  std::string name() const override { return "Linux"; }

  std::string ProgramPath(absl::string_view name) const override {
    auto it = programs_.find(std::string(name));
    return it == programs_.end() ? std::string() : it->second.linux_path;
  }

  std::string ChildPath() const override {
    // The test binary itself, by its real path (readable in messages and
    // stable if the child changes its cwd).
    absl::StatusOr<std::string> self =
        host_.ReadlinkAt(Fd::Cwd(), "/proc/self/exe");
    return self.ok() ? *self : std::string("/proc/self/exe");
  }

  void Run(DualHostBody body) override {
    Host& host = host_;
    std::string base = EnvValue(host, "TEST_TMPDIR").value_or("/tmp");
    std::string name =
        absl::StrCat("dual-host-", absl::Hex(host.RandomUint64()));
    std::string dir = absl::StrCat(base, "/", name);
    absl::Status made = host.MkdirAt(Fd::Cwd(), dir, 0755);
    ASSERT_TRUE(made.ok()) << made;
    ReapZombies(host);

    body(host, dir);

    ReapZombies(host);
    absl::StatusOr<Fd> parent =
        host.OpenAt(Fd::Cwd(), base, {.flags = OpenFlags::kDirectory});
    if (parent.ok()) RemoveTree(host, *parent, name);
  }

  std::unique_ptr<fake::FakeKernel> NewFakeKernel() const override {
    return nullptr;
  }

 private:
  // LinuxHost's methods are not const, but it holds no state; `mutable`
  // lets const helpers (ChildPath) use it.
  mutable LinuxHost host_;
};

class FakeDualHost final : public DualHost {
 public:
  explicit FakeDualHost(DualHostOptions options) : DualHost(options) {}

  std::string name() const override { return "Fake"; }

  std::string ProgramPath(absl::string_view name) const override {
    return absl::StrCat("/bin/", name);
  }

  std::string ChildPath() const override { return std::string(kFakeChildPath); }

  std::unique_ptr<fake::FakeKernel> NewFakeKernel() const override {
    fake::KernelOptions kernel_options;
    kernel_options.seed = options_.seed;
    kernel_options.pid_max = options_.pid_max;
    kernel_options.cgroup_layout = options_.cgroup_layout;
    auto kernel = std::make_unique<fake::FakeKernel>(kernel_options);
    kernel->RegisterProgram(kFakeChildProgram, DispatchChild);
    absl::Status installed =
        kernel->InstallProgram(kFakeChildPath, kFakeChildProgram);
    EXPECT_TRUE(installed.ok()) << installed;
    for (const auto& [name, entry] : programs_) {
      kernel->RegisterProgram(name, entry.program);
      installed = kernel->InstallProgram(ProgramPath(name), name);
      EXPECT_TRUE(installed.ok()) << installed;
    }
    return kernel;
  }

  void Run(DualHostBody body) override {
    std::unique_ptr<fake::FakeKernel> kernel = NewFakeKernel();
    std::string dir(kFakeDir);
    Pid pid = kernel->StartFunction(
        [&](Host& host) -> int {
          absl::Status made = MakeDirs(host, Fd::Cwd(), dir, 0755);
          if (!made.ok()) {
            ADD_FAILURE() << "fake: make " << dir << ": " << made;
            return 1;
          }
          body(host, dir);
          return 0;
        },
        "dual_host_body");
    std::optional<ExitStatus> status =
        RunFakeUntilExit(*kernel, pid, options_.seed);
    if (!status.has_value()) return;
    EXPECT_EQ(*status, ExitStatus::Exited(0))
        << "the body's simulated process ended with " << ToString(*status)
        << "; " << ReplayHint(options_.seed);
  }
};

}  // namespace

bool RegisterChildFunction(absl::string_view name, ChildFunction fn) {
  Registry()[std::string(name)] = std::move(fn);
  return true;
}

std::optional<uint64_t> SeedOverride() { return SeedFlag(); }

std::vector<uint64_t> SeedsToRun(uint64_t count) {
  if (SeedFlag().has_value()) return {*SeedFlag()};
  std::vector<uint64_t> seeds;
  for (uint64_t s = 1; s <= count; ++s) seeds.push_back(s);
  return seeds;
}

int DualHostMain(int argc, char** argv) {
  if (argc >= 2 && argv[1] == kChildFlag) {
    LinuxHost host;
    std::vector<std::string> args(argv, argv + argc);
    return DispatchChild(host, args);
  }
  {
    LinuxHost host;
    std::optional<std::string> env = EnvValue(host, "RUNBOX_SEED");
    uint64_t seed = 0;
    if (env.has_value() && absl::SimpleAtoi(*env, &seed)) SeedFlag() = seed;
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    uint64_t seed = 0;
    if (absl::ConsumePrefix(&arg, "--seed=") && absl::SimpleAtoi(arg, &seed)) {
      SeedFlag() = seed;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

std::vector<std::string> DualHost::Names() { return {"Linux", "Fake"}; }

std::unique_ptr<DualHost> DualHost::Make(absl::string_view name,
                                         DualHostOptions options) {
  if (name == "Linux") return std::make_unique<LinuxDualHost>(options);
  if (name == "Fake") return std::make_unique<FakeDualHost>(options);
  return nullptr;
}

void DualHost::RegisterProgram(absl::string_view name, fake::Program program,
                               std::string linux_path) {
  programs_[std::string(name)] = {std::move(program), std::move(linux_path)};
}

absl::StatusOr<SpawnResult> DualHost::SpawnChild(
    Host& host, const ChildCall& call,
    const std::vector<FdMapping>& fds) const {
  return Spawn(*this, host, call, kNoGate, fds);
}

absl::StatusOr<std::vector<ExitStatus>> DualHost::RunConcurrently(
    Host& host, const std::vector<ChildCall>& calls) const {
  ASSIGN_OR_RETURN(PipeFds gate, host.Pipe());
  std::vector<Pid> pids;
  absl::Status spawn_error;
  for (const ChildCall& call : calls) {
    absl::StatusOr<SpawnResult> child =
        Spawn(*this, host, call, absl::StrCat(kGateFd),
              {FdMapping{&gate.read, kGateFd}});
    if (!child.ok()) {
      spawn_error = Annotate(
          child.status(), absl::StrCat("spawn child \"", call.function, "\""));
      break;
    }
    pids.push_back(child->pid);
  }
  // Closing the only write end opens the gate for every child at once.
  gate.read.Reset();
  gate.write.Reset();
  std::vector<ExitStatus> statuses;
  absl::Status wait_error;
  for (Pid pid : pids) {
    absl::StatusOr<std::optional<WaitResult>> r;
    do {
      r = host.Wait(pid, WaitFlags::kNone);
    } while (IsErrno(r, EINTR));
    if (!r.ok() || !r->has_value()) {
      if (wait_error.ok()) {
        wait_error =
            r.ok() ? absl::InternalError("wait returned nothing") : r.status();
      }
      continue;
    }
    statuses.push_back((*r)->status);
  }
  RETURN_IF_ERROR(spawn_error);
  RETURN_IF_ERROR(wait_error);
  return statuses;
}

std::string DualHost::ReplayHint(uint64_t seed) const {
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string filter = test == nullptr ? "<test>"
                                       : absl::StrCat(test->test_suite_name(),
                                                      ".", test->name());
  LinuxHost host;
  std::string target = EnvValue(host, "TEST_TARGET").value_or("<target>");
  return absl::StrCat("seed ", seed, "; replay: bazel test ", target,
                      " --test_filter=", filter,
                      " --test_env=RUNBOX_SEED=", seed);
}

std::optional<ExitStatus> RunFakeUntilExit(fake::FakeKernel& kernel, Pid pid,
                                           uint64_t seed) {
  fake::RunOutcome outcome =
      kernel.RunUntil([&] { return kernel.ExitStatusOf(pid).has_value(); });
  std::optional<ExitStatus> status = kernel.ExitStatusOf(pid);
  if (status.has_value()) return status;
  std::vector<std::string> live;
  for (const fake::ProcessInfo& p : kernel.Processes()) {
    live.push_back(absl::StrCat(p.pid.value, " (parent ", p.parent.value, ") ",
                                absl::StrJoin(p.argv, " "),
                                p.zombie ? " <zombie>" : ""));
  }
  ADD_FAILURE() << "fake kernel (seed " << seed << ") stopped with "
                << fake::ToString(outcome) << " before process " << pid.value
                << " exited (a deadlock if idle). Processes:\n  "
                << absl::StrJoin(live, "\n  ")
                << "\nstdout: " << kernel.StdoutOf(pid)
                << "\nstderr: " << kernel.StderrOf(pid);
  return std::nullopt;
}

void RemoveTree(Host& host, const Fd& dir, const std::string& name) {
  OpenHow how{.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow};
  absl::StatusOr<Fd> sub = host.OpenAt(dir, name, how);
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

absl::StatusOr<ExitStatus> Reap(Host& host, Pid pid) {
  absl::StatusOr<std::optional<WaitResult>> r;
  do {
    r = host.Wait(pid, WaitFlags::kNone);
  } while (IsErrno(r, EINTR));
  if (!r.ok()) return r.status();
  if (!r->has_value()) return absl::InternalError("wait returned nothing");
  return (*r)->status;
}

void ReapExited(Host& host) {
  while (true) {
    absl::StatusOr<std::optional<WaitResult>> r =
        host.Wait(Pid{0}, WaitFlags::kNoHang);
    if (IsErrno(r, EINTR)) continue;
    if (!r.ok() || !r->has_value()) return;
  }
}

}  // namespace runbox
