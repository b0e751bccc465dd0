// The container's root file system on both hosts, through the runbox
// command line: the mount table of a created container with runc's default
// config, and regressions for the attack classes the safe resolution
// exists for. Each attack test has a twin that runs the naive path-based
// `mount`(2) directly (in a throwaway mount namespace) and shows that it
// would be redirected, so the safe test is known to exercise the attack.
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "fakes/fake_kernel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/mountinfo.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;

constexpr char kId[] = "rootfs-test";

// A child in a new mount namespace (made private first, so nothing it
// mounts reaches the test's namespace): `mount`(2) by path, the unsafe way.
// args: source target fstype flags("bind" or "") then the path whose mount
// table entry to print. Exits 0 after writing "root mount_point fstype" of
// every mount whose point is args[4] or below to stdout, 2 on failure.
DUAL_HOST_CHILD(UnsafePathMount) {
  if (args.size() != 5) return 2;
  if (!host.Mount("", "/", "", MountFlags::kPrivate | MountFlags::kRecursive,
                  "")
           .ok()) {
    return 2;
  }
  MountFlags flags = args[3] == "bind" ? MountFlags::kBind : MountFlags::kNone;
  absl::Status mounted = host.Mount(args[0], args[1], args[2], flags, "");
  if (!mounted.ok()) {
    (void)WriteAll(host, Fd(2, nullptr), mounted.ToString());
    return 2;
  }
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (!mounts.ok()) return 2;
  std::string out;
  for (const MountInfo& m : *mounts) {
    if (m.mount_point == args[4] ||
        absl::StartsWith(m.mount_point, absl::StrCat(args[4], "/"))) {
      absl::StrAppend(&out, m.root, " ", m.mount_point, " ", m.fstype, "\n");
    }
  }
  return WriteAll(host, Fd(1, nullptr), out).ok() ? 0 : 2;
}

class RootfsTest : public DualHostTest {
 protected:
  void SetUp() override { RegisterRunboxAndBusybox(env()); }

  // env().Run, except that on the fake the test drives the kernel itself,
  // so the body can read a process's mount table from it.
  void Run(DualHostBody body) {
    if (!IsFake()) {
      if (LinuxHost().GetUid() != 0) {
        GTEST_SKIP() << "needs root on Linux (real mounts)";
      }
      env().Run(std::move(body));
      return;
    }
    std::unique_ptr<fake::FakeKernel> kernel = env().NewFakeKernel();
    kernel_ = kernel.get();
    const std::string dir = "/tmp/rootfs-test";
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
        "rootfs_test_body");
    std::optional<ExitStatus> status =
        RunFakeUntilExit(*kernel, pid, env().seed());
    if (status.has_value()) {
      EXPECT_EQ(*status, ExitStatus::Exited(0))
          << env().ReplayHint(env().seed());
    }
    kernel_ = nullptr;
  }

  Output Runbox(Host& host, const std::string& dir,
                const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", absl::StrCat(dir, "/state")};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }

  // A busybox bundle in DIR/bundle running `sleep` with `config` (runc's
  // default unless changed), plus the files the fake needs where Linux has
  // proc and sysfs: the fake's mounts are records, its lookups see the
  // rootfs directory underneath.
  std::string MakeBundle(Host& host, const std::string& dir,
                         spec::Config config) {
    const std::string bundle = absl::StrCat(dir, "/bundle");
    const std::string rootfs = absl::StrCat(bundle, "/rootfs");
    EXPECT_OK(MakeBusyboxRootfs(host, env().ProgramPath("busybox"), rootfs));
    for (const char* d : {"/proc/sys", "/proc/acpi", "/sys/firmware", "/etc"}) {
      EXPECT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(rootfs, d), 0755));
    }
    EXPECT_OK(WriteFile(host, absl::StrCat(rootfs, "/proc/keys"), ""));
    EXPECT_OK(WriteFile(host, absl::StrCat(rootfs, "/marker"), "in-rootfs"));
    config.process->terminal = false;
    config.process->args = {"/bin/sleep", "100000"};
    EXPECT_OK(WriteFile(host, absl::StrCat(bundle, "/config.json"),
                        spec::SerializeConfig(config)));
    return bundle;
  }

  // The container's init: the supervisor's (state's pid) only child.
  std::optional<Pid> InitPid(Host& host, const std::string& dir) {
    Output state = Runbox(host, dir, {"state", kId});
    std::optional<nlohmann::json> j = ParseJson(state.out);
    if (!j.has_value() || !j->contains("pid")) {
      ADD_FAILURE() << "state: " << state.Describe();
      return std::nullopt;
    }
    const int supervisor = (*j)["pid"].get<int>();
    if (IsFake()) {
      for (const fake::ProcessInfo& p : kernel_->Processes()) {
        if (p.parent.value == supervisor && !p.zombie) return p.pid;
      }
      ADD_FAILURE() << "no child of supervisor " << supervisor;
      return std::nullopt;
    }
    absl::StatusOr<std::string> children = ReadFileAt(
        host, Fd::Cwd(),
        absl::StrCat("/proc/", supervisor, "/task/", supervisor, "/children"),
        kUnbounded);
    int pid = 0;
    if (!children.ok() ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(*children), &pid)) {
      ADD_FAILURE() << "children of " << supervisor << ": "
                    << (children.ok() ? *children
                                      : children.status().ToString());
      return std::nullopt;
    }
    return Pid{pid};
  }

  // The mount table of process `pid` (relative to its root).
  std::vector<MountInfo> MountsOf(Host& host, Pid pid) {
    if (IsFake()) return kernel_->MountsOf(pid);
    absl::StatusOr<std::string> text =
        ReadFileAt(host, Fd::Cwd(),
                   absl::StrCat("/proc/", pid.value, "/mountinfo"), kUnbounded);
    EXPECT_OK(text.status());
    if (!text.ok()) return {};
    absl::StatusOr<std::vector<MountInfo>> mounts = ParseMountInfo(*text);
    EXPECT_OK(mounts.status());
    return mounts.ok() ? *mounts : std::vector<MountInfo>{};
  }

  // Runs the UnsafePathMount child in a new mount namespace; its stdout.
  std::string RunUnsafeMount(Host& host, const std::string& dir,
                             const std::vector<std::string>& args) {
    const std::string out_path = absl::StrCat(dir, "/unsafe.out");
    absl::StatusOr<Fd> out =
        host.OpenAt(Fd::Cwd(), out_path,
                    {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                              OpenFlags::kTruncate,
                     .mode = 0644});
    EXPECT_OK(out.status());
    if (!out.ok()) return "";
    static const Fd* const kStderr = new Fd(2, nullptr);
    SpawnRequest request;
    request.path = env().ChildPath();
    request.argv = {request.path, "--dual-host-child", "UnsafePathMount", "-"};
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    request.env = host.Environment();
    request.fds = {{&*out, 1}, {kStderr, 2}};
    request.new_namespaces = Namespaces::kMount;
    absl::StatusOr<SpawnResult> child = host.Spawn(request);
    EXPECT_OK(child.status());
    if (!child.ok()) return "";
    out->Reset();
    absl::StatusOr<std::optional<WaitResult>> waited =
        host.Wait(child->pid, WaitFlags::kNone);
    EXPECT_OK(waited.status());
    if (waited.ok() && waited->has_value()) {
      EXPECT_EQ((*waited)->status, ExitStatus::Exited(0));
    }
    absl::StatusOr<std::string> text =
        ReadFileAt(host, Fd::Cwd(), out_path, kUnbounded);
    return text.ok() ? *text : "";
  }

  void Cleanup(Host& host, const std::string& dir) {
    Output deleted = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(deleted.status, ExitStatus::Exited(0)) << deleted.Describe();
    while (true) {
      absl::StatusOr<std::optional<WaitResult>> r =
          host.Wait(Pid{0}, WaitFlags::kNoHang);
      if (!r.ok() || !r->has_value()) break;
    }
  }

  fake::FakeKernel* kernel_ = nullptr;
};

const MountInfo* Find(const std::vector<MountInfo>& mounts,
                      absl::string_view point) {
  const MountInfo* found = nullptr;
  for (const MountInfo& m : mounts) {
    if (m.mount_point == point) found = &m;  // The top one.
  }
  return found;
}

std::string Describe(const std::vector<MountInfo>& mounts) {
  std::string out;
  for (const MountInfo& m : mounts) {
    absl::StrAppend(&out, m.id, " ", m.parent_id, " ", m.root, " ",
                    m.mount_point, " ", m.options, " - ", m.fstype, " ",
                    m.source, "\n");
  }
  return out;
}

bool ReadOnly(const MountInfo* m) {
  return m != nullptr && absl::StartsWith(m->options, "ro");
}

TEST_P(RootfsTest, DefaultSpecMountTable) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = MakeBundle(host, dir, spec::DefaultSpec());
    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    std::optional<Pid> init = InitPid(host, dir);
    ASSERT_TRUE(init.has_value());
    std::vector<MountInfo> mounts = MountsOf(host, *init);
    const std::string table = Describe(mounts);

    const struct {
      const char* point;
      std::vector<std::string> fstypes;
    } kExpected[] = {
        {"/proc", {"proc"}},
        {"/dev", {"tmpfs"}},
        {"/dev/pts", {"devpts"}},
        {"/dev/shm", {"tmpfs"}},
        {"/dev/mqueue", {"mqueue"}},
        {"/sys", {"sysfs"}},
        {"/sys/fs/cgroup", {"cgroup2", "tmpfs"}},
        {"/sys/firmware", {"tmpfs"}},  // Masked directory.
    };
    for (const auto& e : kExpected) {
      const MountInfo* m = Find(mounts, e.point);
      ASSERT_NE(m, nullptr) << e.point << " in\n" << table;
      EXPECT_THAT(e.fstypes, ::testing::Contains(m->fstype))
          << e.point << " in\n"
          << table;
    }
    EXPECT_TRUE(ReadOnly(Find(mounts, "/"))) << "root.readonly\n" << table;
    EXPECT_TRUE(ReadOnly(Find(mounts, "/sys"))) << table;
    EXPECT_TRUE(ReadOnly(Find(mounts, "/sys/fs/cgroup"))) << table;
    EXPECT_TRUE(ReadOnly(Find(mounts, "/sys/firmware"))) << table;
    EXPECT_TRUE(ReadOnly(Find(mounts, "/proc/sys"))) << "readonlyPaths\n"
                                                     << table;
    // /proc/keys (a file on every kernel, unlike /proc/kcore) is masked by
    // a bind of the null device.
    const MountInfo* keys = Find(mounts, "/proc/keys");
    ASSERT_NE(keys, nullptr) << table;
    EXPECT_EQ(keys->root, "/null") << table;
    EXPECT_FALSE(ReadOnly(Find(mounts, "/dev"))) << table;
    // The host's root is gone: nothing is mounted at the bundle's path and
    // there is exactly one "/".
    EXPECT_EQ(
        std::count_if(mounts.begin(), mounts.end(),
                      [](const MountInfo& m) { return m.mount_point == "/"; }),
        1)
        << table;
    for (const MountInfo& m : mounts) {
      EXPECT_FALSE(absl::StartsWith(m.mount_point, dir)) << table;
    }
    // `runbox exec` joins the mount namespace and lands in the rootfs.
    Output exec = Runbox(host, dir, {"exec", kId, "/bin/cat", "/marker"});
    EXPECT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    EXPECT_EQ(exec.out, "in-rootfs");
    // The default devices are nodes (on Linux in the /dev tmpfs, on the
    // fake in the rootfs directory under it).
    if (IsFake()) {
      absl::StatusOr<FileStat> null =
          host.StatAt(Fd::Cwd(), absl::StrCat(bundle, "/rootfs/dev/null"),
                      FollowSymlinks::kNoFollow);
      ASSERT_OK(null.status());
      EXPECT_EQ(null->type, FileType::kCharDevice);
      EXPECT_EQ(null->rdev, (DeviceNumber{1, 3}));
    }
    Cleanup(host, dir);
  });
}

// --no-pivot: the rootfs mount moves over "/" and init chroots into it.
// `runbox exec`, joining the mount namespace, lands on the moved rootfs
// (the kernel follows the mount stacked on the namespace's root).
TEST_P(RootfsTest, NoPivotMovesTheRootfsOverTheOldRoot) {
  Run([&](Host& host, const std::string& dir) {
    const std::string bundle = MakeBundle(host, dir, spec::DefaultSpec());
    Output created =
        Runbox(host, dir, {"create", "--no-pivot", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    std::optional<Pid> init = InitPid(host, dir);
    ASSERT_TRUE(init.has_value());
    std::vector<MountInfo> mounts = MountsOf(host, *init);
    const std::string table = Describe(mounts);
    const MountInfo* proc = Find(mounts, "/proc");
    ASSERT_NE(proc, nullptr) << table;
    EXPECT_EQ(proc->fstype, "proc");
    EXPECT_TRUE(ReadOnly(Find(mounts, "/"))) << table;
    EXPECT_TRUE(ReadOnly(Find(mounts, "/proc/sys"))) << table;
    Output exec = Runbox(host, dir, {"exec", kId, "/bin/cat", "/marker"});
    EXPECT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    EXPECT_EQ(exec.out, "in-rootfs");
    Cleanup(host, dir);
  });
}

// Bind mounts of a host directory (read-only: a bind, then a remount) and
// of a host file (the target is created as a file), and propagation
// options.
TEST_P(RootfsTest, BindMountsOfDirectoriesAndFiles) {
  Run([&](Host& host, const std::string& dir) {
    const std::string data = absl::StrCat(dir, "/data");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), data, 0755));
    ASSERT_OK(WriteFile(host, absl::StrCat(dir, "/hostfile"), "from-host"));
    spec::Config config = spec::DefaultSpec();
    config.mounts.push_back({.destination = "/data",
                             .type = "bind",
                             .source = data,
                             .options = {"rbind", "ro", "nosuid", "rprivate"}});
    config.mounts.push_back({.destination = "/etc/deep/hostfile",
                             .type = "none",
                             .source = absl::StrCat(dir, "/hostfile"),
                             .options = {"bind"}});
    const std::string bundle = MakeBundle(host, dir, config);
    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    std::optional<Pid> init = InitPid(host, dir);
    ASSERT_TRUE(init.has_value());
    std::vector<MountInfo> mounts = MountsOf(host, *init);
    const std::string table = Describe(mounts);
    const MountInfo* d = Find(mounts, "/data");
    ASSERT_NE(d, nullptr) << table;
    EXPECT_TRUE(absl::StartsWith(d->options, "ro,nosuid")) << table;
    EXPECT_TRUE(absl::EndsWith(d->root, "/data")) << table;
    EXPECT_EQ(d->propagation, "") << table;
    const MountInfo* f = Find(mounts, "/etc/deep/hostfile");
    ASSERT_NE(f, nullptr) << table;
    EXPECT_TRUE(absl::EndsWith(f->root, "/hostfile")) << table;
    ASSERT_OK_AND_ASSIGN(
        FileStat target,
        host.StatAt(Fd::Cwd(),
                    absl::StrCat(bundle, "/rootfs/etc/deep/hostfile"),
                    FollowSymlinks::kNoFollow));
    EXPECT_EQ(target.type, FileType::kRegular);
    // The fake's mounts are records that lookups do not cross, so only
    // Linux shows the bound content.
    if (!IsFake()) {
      Output exec =
          Runbox(host, dir, {"exec", kId, "/bin/cat", "/etc/deep/hostfile"});
      EXPECT_EQ(exec.out, "from-host") << exec.Describe();
    }
    Cleanup(host, dir);
  });
}

// rootfsPropagation rshared: `pivot_root`(2) refuses a shared parent, so
// the rootfs's parent mount is made private first; the new "/" is shared
// after the root change.
TEST_P(RootfsTest, SharedRootfsPropagation) {
  Run([&](Host& host, const std::string& dir) {
    spec::Config config = spec::DefaultSpec();
    config.linux->rootfs_propagation = spec::Propagation::kRshared;
    const std::string bundle = MakeBundle(host, dir, config);
    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    std::optional<Pid> init = InitPid(host, dir);
    ASSERT_TRUE(init.has_value());
    std::vector<MountInfo> mounts = MountsOf(host, *init);
    const MountInfo* root = Find(mounts, "/");
    ASSERT_NE(root, nullptr) << Describe(mounts);
    EXPECT_THAT(root->propagation, HasSubstr("shared:")) << Describe(mounts);
    Cleanup(host, dir);
  });
}

// linux.devices are made like the defaults (mode as configured), and a
// read-only /dev is remounted read-only once they exist.
TEST_P(RootfsTest, ConfiguredDevicesAndAReadOnlyDev) {
  Run([&](Host& host, const std::string& dir) {
    spec::Config config = spec::DefaultSpec();
    for (spec::Mount& m : config.mounts) {
      if (m.destination == "/dev") m.options.push_back("ro");
    }
    config.linux->devices.push_back({.type = spec::DeviceType::kChar,
                                     .path = "/dev/extra/null2",
                                     .major = 1,
                                     .minor = 3,
                                     .file_mode = 0600});
    const std::string bundle = MakeBundle(host, dir, config);
    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    std::optional<Pid> init = InitPid(host, dir);
    ASSERT_TRUE(init.has_value());
    std::vector<MountInfo> mounts = MountsOf(host, *init);
    EXPECT_TRUE(ReadOnly(Find(mounts, "/dev"))) << Describe(mounts);
    if (IsFake()) {
      // The fake's /dev tmpfs is a record: the node is in the rootfs.
      ASSERT_OK_AND_ASSIGN(
          FileStat st,
          host.StatAt(Fd::Cwd(),
                      absl::StrCat(bundle, "/rootfs/dev/extra/null2"),
                      FollowSymlinks::kNoFollow));
      EXPECT_EQ(st.type, FileType::kCharDevice);
      EXPECT_EQ(st.mode & 07777, 0600u);
      EXPECT_EQ(st.rdev, (DeviceNumber{1, 3}));
    } else {
      Output exec = Runbox(host, dir,
                           {"exec", kId, "/bin/sh", "-c",
                            "stat -c '%a %t:%T' /dev/extra/null2"});
      EXPECT_EQ(exec.out, "600 1:3\n") << exec.Describe();
    }
    Cleanup(host, dir);
  });
}

// CVE-2021-30465: the image makes a mount target's parent a symlink to a
// host directory. A runtime that mounts onto the path as a string lets
// the kernel follow it out of the rootfs (the twin test below). runbox
// resolves it inside the rootfs and mounts through the opened fd.
TEST_P(RootfsTest, SymlinkedMountTargetStaysInsideTheRootfs) {
  Run([&](Host& host, const std::string& dir) {
    const std::string host_dir = absl::StrCat(dir, "/hostdir");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), host_dir, 0755));
    spec::Config config = spec::DefaultSpec();
    config.mounts.push_back(
        {.destination = "/mnt/sub", .type = "tmpfs", .source = "tmpfs"});
    const std::string bundle = MakeBundle(host, dir, config);
    const std::string rootfs = absl::StrCat(bundle, "/rootfs");
    ASSERT_OK(
        host.SymlinkAt(host_dir, Fd::Cwd(), absl::StrCat(rootfs, "/mnt")));
    // The symlink's target as the container sees it exists in the rootfs.
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(rootfs, host_dir), 0755));

    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    // The host directory got nothing; the rootfs got the symlink's target.
    EXPECT_THAT(host.StatAt(Fd::Cwd(), absl::StrCat(host_dir, "/sub"),
                            FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    ASSERT_OK_AND_ASSIGN(
        FileStat inside,
        host.StatAt(Fd::Cwd(), absl::StrCat(rootfs, host_dir, "/sub"),
                    FollowSymlinks::kNoFollow));
    EXPECT_EQ(inside.type, FileType::kDirectory);
    std::optional<Pid> init = InitPid(host, dir);
    ASSERT_TRUE(init.has_value());
    std::vector<MountInfo> mounts = MountsOf(host, *init);
    const MountInfo* m = Find(mounts, absl::StrCat(host_dir, "/sub"));
    ASSERT_NE(m, nullptr) << Describe(mounts);
    EXPECT_EQ(m->fstype, "tmpfs");
    // Our own namespace has no such mount.
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> ours, host.ListMounts());
    for (const MountInfo& mine : ours) {
      EXPECT_FALSE(absl::StartsWith(mine.mount_point, host_dir))
          << Describe(ours);
    }
    Cleanup(host, dir);
  });
}

// The same attack where the symlink dangles inside the rootfs: runbox
// creates nothing through a dangling symlink, so create fails, and the host
// directory stays untouched.
TEST_P(RootfsTest, DanglingSymlinkedMountTargetFails) {
  Run([&](Host& host, const std::string& dir) {
    const std::string host_dir = absl::StrCat(dir, "/hostdir");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), host_dir, 0755));
    spec::Config config = spec::DefaultSpec();
    config.mounts.push_back(
        {.destination = "/mnt/sub", .type = "tmpfs", .source = "tmpfs"});
    const std::string bundle = MakeBundle(host, dir, config);
    const std::string rootfs = absl::StrCat(bundle, "/rootfs");
    ASSERT_OK(
        host.SymlinkAt(host_dir, Fd::Cwd(), absl::StrCat(rootfs, "/mnt")));

    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    EXPECT_NE(created.status, ExitStatus::Exited(0)) << created.Describe();
    EXPECT_THAT(created.err, HasSubstr("/mnt/sub"));
    EXPECT_THAT(host.StatAt(Fd::Cwd(), absl::StrCat(host_dir, "/sub"),
                            FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> ours, host.ListMounts());
    for (const MountInfo& mine : ours) {
      EXPECT_FALSE(absl::StartsWith(mine.mount_point, host_dir))
          << Describe(ours);
    }
    Cleanup(host, dir);
  });
}

// The twin of the tests above: `mount`(2) on the path string follows the
// symlink to the host directory. This is the sequence runbox must not use.
TEST_P(RootfsTest, UnsafePathMountWouldBeRedirected) {
  Run([&](Host& host, const std::string& dir) {
    const std::string host_dir = absl::StrCat(dir, "/hostdir");
    const std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), host_dir, 0755));
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), rootfs, 0755));
    ASSERT_OK(
        host.SymlinkAt(host_dir, Fd::Cwd(), absl::StrCat(rootfs, "/mnt")));
    std::string out = RunUnsafeMount(
        host, dir, {"tmpfs", absl::StrCat(rootfs, "/mnt"), "tmpfs", "", dir});
    EXPECT_THAT(out, HasSubstr(absl::StrCat(host_dir, " tmpfs")));
  });
}

// CVE-2025-31133: the image ships /dev/null as a symlink to a file. A
// runtime that binds "/dev/null" by path over masked paths binds that file
// instead (for a real attack, a host-writable procfs file such as
// /proc/sys/kernel/core_pattern). Here /dev is the rootfs directory (no
// tmpfs over it), so the image's symlink is what the container's /dev/null
// is; runbox keeps an existing device name as runc does, checks that it is
// char device 1:3 and refuses to mask with anything else.
TEST_P(RootfsTest, FakeDevNullIsNeverUsedToMask) {
  Run([&](Host& host, const std::string& dir) {
    spec::Config config = spec::DefaultSpec();
    std::vector<spec::Mount> mounts;
    for (spec::Mount& m : config.mounts) {
      if (m.destination != "/dev") mounts.push_back(std::move(m));
    }
    config.mounts = std::move(mounts);
    const std::string bundle = MakeBundle(host, dir, config);
    const std::string rootfs = absl::StrCat(bundle, "/rootfs");
    ASSERT_OK(WriteFile(host, absl::StrCat(rootfs, "/etc/secret"), "secret"));
    ASSERT_OK(host.SymlinkAt("/etc/secret", Fd::Cwd(),
                             absl::StrCat(rootfs, "/dev/null")));

    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    EXPECT_NE(created.status, ExitStatus::Exited(0)) << created.Describe();
    // Refused when /dev/null is made (config-linux.md: an existing file
    // that is not the requested device is an error) or, at the latest,
    // when masking.
    EXPECT_THAT(created.err,
                ::testing::AnyOf(HasSubstr("not the requested device"),
                                 HasSubstr("not the null device")));
    // Nothing of the failed container is left in our namespace.
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> ours, host.ListMounts());
    for (const MountInfo& m : ours) {
      EXPECT_FALSE(absl::StartsWith(m.mount_point, bundle)) << Describe(ours);
    }
    Cleanup(host, dir);
  });
}

// The twin: a bind of the path "/dev/null" binds whatever the symlink
// names.
TEST_P(RootfsTest, UnsafeDevNullBindWouldBindTheSymlinkTarget) {
  Run([&](Host& host, const std::string& dir) {
    const std::string rootfs = absl::StrCat(dir, "/rootfs");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), absl::StrCat(rootfs, "/dev"), 0755));
    ASSERT_OK(WriteFile(host, absl::StrCat(rootfs, "/secret"), "secret"));
    ASSERT_OK(WriteFile(host, absl::StrCat(rootfs, "/masked"), ""));
    ASSERT_OK(host.SymlinkAt(absl::StrCat(rootfs, "/secret"), Fd::Cwd(),
                             absl::StrCat(rootfs, "/dev/null")));
    std::string out = RunUnsafeMount(
        host, dir,
        {absl::StrCat(rootfs, "/dev/null"), absl::StrCat(rootfs, "/masked"), "",
         "bind", absl::StrCat(rootfs, "/masked")});
    // mountinfo's root: the bound file's path in its file system.
    EXPECT_THAT(out, HasSubstr("/secret "));
  });
}

// Without a mount namespace there are no mounts (they would land in the
// host's table): the container only gets a chroot.
TEST_P(RootfsTest, NoMountNamespaceMountsNothing) {
  Run([&](Host& host, const std::string& dir) {
    spec::Config config = spec::DefaultSpec();
    std::vector<spec::LinuxNamespace> namespaces;
    for (const spec::LinuxNamespace& ns : config.linux->namespaces) {
      if (ns.type != spec::NamespaceType::kMount) namespaces.push_back(ns);
    }
    config.linux->namespaces = std::move(namespaces);
    // Validation wants a mount namespace for these (runc's too).
    config.linux->masked_paths.clear();
    config.linux->readonly_paths.clear();
    const std::string bundle = MakeBundle(host, dir, config);
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> before, host.ListMounts());
    Output created = Runbox(host, dir, {"create", "--bundle", bundle, kId});
    ASSERT_EQ(created.status, ExitStatus::Exited(0)) << created.Describe();
    ASSERT_OK_AND_ASSIGN(std::vector<MountInfo> after, host.ListMounts());
    EXPECT_EQ(before.size(), after.size()) << Describe(after);
    Cleanup(host, dir);
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(RootfsTest);

}  // namespace
}  // namespace runbox
