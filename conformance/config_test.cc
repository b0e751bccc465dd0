// config.md (runtime-spec "Configuration") through the runbox command
// line: ociVersion, root, mounts and the Linux mount options, process
// (cwd, args, consoleSize, rlimits, oomScoreAdj, scheduler, ioPriority,
// user), the field-level rules of hooks (which hook runs when is
// runtime_test's), annotations, extensibility and valid values. What a
// container's process is given is read by the probe (harness.h: RunProbe)
// on both hosts; what only the real kernel can show (a write refused with
// EROFS, a bind mount's files, a tmpfs's mode) is in the Linux-only suites
// at the end.
//
// For a rule on the bundle ("destination MUST be absolute"), runbox's duty
// is to refuse the violation at create with an error naming the field,
// and to leave nothing behind.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox::conformance {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

using Json = nlohmann::json;

constexpr char kId[] = "cfg";
// What the tests put in a file the probe reads back.
constexpr char kMarker[] = "marker-content";

// Where in the probe's mount list the (first) mount at `target` is; -1 if
// absent.
int MountIndex(const Json& report, absl::string_view target) {
  if (!report.contains("mounts") || !report["mounts"].is_array()) return -1;
  for (size_t i = 0; i < report["mounts"].size(); ++i) {
    if (report["mounts"][i].value("target", "") == target) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::vector<std::string> OptionsOf(const Json& mount) {
  std::vector<std::string> out;
  if (mount.is_object() && mount["options"].is_array()) {
    for (const Json& o : mount["options"]) out.push_back(o.get<std::string>());
  }
  return out;
}

// The per-mount flag "ro"/"rw": the first of the options (mountinfo puts
// the per-mount options first).
std::string ReadWriteOf(const Json& mount) {
  std::vector<std::string> options = OptionsOf(mount);
  return options.empty() ? "<no options>" : options[0];
}

class ConfigTest : public ConformanceTest {
 protected:
  std::string StateDir(const std::string& dir) const {
    return absl::StrCat(dir, "/state");
  }
  std::string BundleDir(const std::string& dir) const {
    return absl::StrCat(dir, "/bundle");
  }

  // `runbox --root DIR/state ARGS...`.
  Output Runbox(Host& host, const std::string& dir,
                const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", StateDir(dir)};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }

  // `runbox run --bundle DIR/bundle cfg` in the foreground, the bundle
  // made before by the caller.
  Output RunBundle(Host& host, const std::string& dir) {
    return Runbox(host, dir, {"run", "--bundle", BundleDir(dir), kId});
  }

  // MakeBundle at DIR/bundle, then `run`; the probe's report, or a test
  // failure and null.
  Json RunAndReport(Host& host, const std::string& dir, const Json& config) {
    EXPECT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    Output run = RunBundle(host, dir);
    EXPECT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    std::optional<Json> report = ParseJson(run.out);
    EXPECT_TRUE(report.has_value()) << run.Describe();
    return report.value_or(Json());
  }

  // The probe's report through RunProbe; a test failure and null on error.
  Json Probe(Host& host, const std::string& dir, Json config,
             const std::vector<std::string>& probe_args = {}) {
    absl::StatusOr<Json> report =
        RunProbe(env(), host, dir, std::move(config), probe_args);
    EXPECT_OK(report.status());
    return report.ok() ? *std::move(report) : Json();
  }

  // Nothing of container kId is left: `state` says it does not exist and
  // the state directory has no entry for it.
  void ExpectNoTrace(Host& host, const std::string& dir) {
    Output state = Runbox(host, dir, {"state", kId});
    EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
    EXPECT_THAT(state.err, HasSubstr("does not exist"));
    EXPECT_THAT(Entries(host, StateDir(dir)), Not(Contains(kId)));
  }

  // Writes `config` into a fresh bundle, then `create` must fail with an
  // error that names `field` (a JSON path such as "process.cwd") and leave
  // nothing behind.
  void ExpectCreateRejects(Host& host, const std::string& dir,
                           const Json& config, absl::string_view field) {
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    ExpectCreateOfBundleRejects(host, dir, field);
  }

  // The same for the bundle already at DIR/bundle.
  void ExpectCreateOfBundleRejects(Host& host, const std::string& dir,
                                   absl::string_view field) {
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create =
        Runbox(host, dir, {"create", "--bundle", BundleDir(dir), kId});
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr(std::string(field)));
    ExpectNoTrace(host, dir);
  }

  void ForceDelete(Host& host, const std::string& dir) {
    (void)Runbox(host, dir, {"delete", "--force", kId});
  }

  // Replaces DIR/bundle/config.json.
  void RewriteConfig(Host& host, const std::string& dir, const Json& config) {
    ASSERT_OK(WriteFile(host, absl::StrCat(BundleDir(dir), "/config.json"),
                        config.dump(2)));
  }
};

// Suites named after config.md's sections; all run on both hosts.
class ConfigSpecificationVersion : public ConfigTest {};
class ConfigRoot : public ConfigTest {};
class ConfigMounts : public ConfigTest {};
class ConfigProcess : public ConfigTest {};
class ConfigPosixProcess : public ConfigTest {};
class ConfigLinuxProcess : public ConfigTest {};
class ConfigUser : public ConfigTest {};
class ConfigLinuxMountOptions : public ConfigTest {};
class ConfigPosixMounts : public ConfigTest {};
class ConfigHooks : public ConfigTest {};
class ConfigAnnotations : public ConfigTest {};
class ConfigExtensibility : public ConfigTest {};
class ConfigValidValues : public ConfigTest {};

// ---------------------------------------------------------------------------
// Specification version

// "ociVersion (string, REQUIRED)".
TEST_P(ConfigSpecificationVersion, MissingVersionIsRejected) {
  Covers({"config/specification-version/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config.erase("ociVersion");
    ExpectCreateRejects(host, dir, config,
                        ": missing required field \"ociVersion\"");
  });
}

// "MUST be in SemVer v2.0.0 format".
TEST_P(ConfigSpecificationVersion, NonSemVerVersionIsRejected) {
  Covers({"config/specification-version/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["ociVersion"] = "1.0";
    ExpectCreateRejects(host, dir, config,
                        "ociVersion: \"1.0\" is not a SemVer version");
  });
}

// "retains forward and backward compatibility within major versions": a
// 1.x runtime takes any 1.x bundle (pre-release and build metadata
// included) and refuses another major version, which it cannot promise to
// understand.
TEST_P(ConfigSpecificationVersion, AnyVersionOfMajorOneIsAccepted) {
  Covers({"config/specification-version/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    for (const char* version : {"1.0.0", "1.2.1", "1.3.0-rc.1+build.5"}) {
      SCOPED_TRACE(version);
      const std::string sub = absl::StrCat(dir, "/", version);
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), sub, 0755));
      Json config = ProbeConfig({"--exit", "0"});
      config["ociVersion"] = version;
      Json report = RunAndReport(host, sub, config);
      EXPECT_TRUE(report.contains("pid"));
    }
  });
}

TEST_P(ConfigSpecificationVersion, OtherMajorVersionIsRejected) {
  Covers({"config/valid-values/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["ociVersion"] = "2.0.0";
    ExpectCreateRejects(host, dir, config, "ociVersion: unsupported version");
  });
}

// ---------------------------------------------------------------------------
// Root

// "On all other platforms [than Windows], this field is REQUIRED."
TEST_P(ConfigRoot, MissingRootIsRejected) {
  Covers({"config/root/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config.erase("root");
    ExpectCreateRejects(host, dir, config, "root: is required");
  });
}

// "path (string, REQUIRED)".
TEST_P(ConfigRoot, MissingPathIsRejected) {
  Covers({"config/root/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["root"].erase("path");
    ExpectCreateRejects(host, dir, config,
                        "root: missing required field \"path\"");
  });
}

// "path is either an absolute path or a relative path to the bundle": a
// relative path is taken from the bundle, not from runbox's working
// directory. The rootfs is moved to BUNDLE/other-root, which holds a file
// the probe must see at its "/".
TEST_P(ConfigRoot, RelativePathIsRelativeToTheBundle) {
  Covers({"config/root/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig({"--file", "/root-marker"});
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    const std::string bundle = BundleDir(dir);
    ASSERT_OK(host.RenameAt(Fd::Cwd(), absl::StrCat(bundle, "/rootfs"),
                            Fd::Cwd(), absl::StrCat(bundle, "/other-root")));
    ASSERT_OK(WriteFile(host, absl::StrCat(bundle, "/other-root/root-marker"),
                        kMarker));
    config["root"] = {{"path", "other-root"}};
    ASSERT_NO_FATAL_FAILURE(RewriteConfig(host, dir, config));

    Output run = RunBundle(host, dir);
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    std::optional<Json> report = ParseJson(run.out);
    ASSERT_TRUE(report.has_value()) << run.Describe();
    EXPECT_EQ((*report)["files"]["/root-marker"]["content"], kMarker)
        << run.out;
  });
}

// The absolute form: a rootfs outside the bundle altogether.
TEST_P(ConfigRoot, AbsolutePathIsUsedAsIs) {
  Covers({"config/root/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig({"--file", "/root-marker"});
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    const std::string elsewhere = absl::StrCat(dir, "/elsewhere-rootfs");
    ASSERT_OK(host.RenameAt(Fd::Cwd(), absl::StrCat(BundleDir(dir), "/rootfs"),
                            Fd::Cwd(), elsewhere));
    ASSERT_OK(
        WriteFile(host, absl::StrCat(elsewhere, "/root-marker"), kMarker));
    config["root"] = {{"path", elsewhere}};
    ASSERT_NO_FATAL_FAILURE(RewriteConfig(host, dir, config));

    Output run = RunBundle(host, dir);
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    std::optional<Json> report = ParseJson(run.out);
    ASSERT_TRUE(report.has_value()) << run.Describe();
    EXPECT_EQ((*report)["files"]["/root-marker"]["content"], kMarker)
        << run.out;
  });
}

// "A directory MUST exist at the path declared by the field": a missing
// one, or a file there, fails create and leaves nothing.
TEST_P(ConfigRoot, PathWithoutADirectoryIsRejected) {
  Covers({"config/root/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["root"] = {{"path", "no-such-rootfs"}};
    ExpectCreateRejects(host, dir, config, "no-such-rootfs");
  });
}

TEST_P(ConfigRoot, PathNamingAFileIsRejected) {
  Covers({"config/root/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    ASSERT_OK(WriteFile(host, absl::StrCat(BundleDir(dir), "/a-file"), "x"));
    config["root"] = {{"path", "a-file"}};
    ASSERT_NO_FATAL_FAILURE(RewriteConfig(host, dir, config));
    ExpectCreateOfBundleRejects(host, dir, "a-file");
  });
}

// "If true then the root filesystem MUST be read-only inside the
// container": the container's "/" is a read-only mount. (That a write
// there fails with EROFS: ConfigRootKernel.)
TEST_P(ConfigRoot, ReadonlyRootIsMountedReadOnly) {
  Covers({"config/root/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["root"]["readonly"] = true;
    Json report = Probe(host, dir, config);
    Json root = MountAt(report, "/");
    ASSERT_TRUE(root.is_object()) << report.dump(2);
    EXPECT_EQ(ReadWriteOf(root), "ro") << root.dump();
  });
}

// "defaults to false": the same probe without `readonly` has "/" writable.
TEST_P(ConfigRoot, RootIsWritableByDefault) {
  Covers({"config/root/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["root"].erase("readonly");
    Json report = Probe(host, dir, config);
    Json root = MountAt(report, "/");
    ASSERT_TRUE(root.is_object()) << report.dump(2);
    EXPECT_EQ(ReadWriteOf(root), "rw") << root.dump();
  });
}

// ---------------------------------------------------------------------------
// Mounts

// A tmpfs at /cfg-a and a tmpfs mounted at /cfg-a/b inside it, appended to
// the default mounts.
Json NestedMounts() {
  return Json::array({{{"destination", "/cfg-a"},
                       {"type", "tmpfs"},
                       {"source", "tmpfs-a"},
                       {"options", {"nosuid", "nodev", "mode=755"}}},
                      {{"destination", "/cfg-a/b"},
                       {"type", "tmpfs"},
                       {"source", "tmpfs-b"},
                       {"options", {"nosuid", "nodev", "mode=700"}}}});
}

// "The runtime MUST mount entries in the listed order": /cfg-a/b, listed
// after /cfg-a, is mounted after it (on top of the tmpfs at /cfg-a, so
// visible); its mount point is created inside the first tmpfs.
TEST_P(ConfigMounts, MountsAreMountedInListedOrder) {
  Covers({"config/mounts/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    for (const Json& m : NestedMounts()) config["mounts"].push_back(m);
    Json report = Probe(host, dir, config);
    const int a = MountIndex(report, "/cfg-a");
    const int b = MountIndex(report, "/cfg-a/b");
    ASSERT_GE(a, 0) << report["mounts"].dump(2);
    ASSERT_GE(b, 0) << report["mounts"].dump(2);
    EXPECT_LT(a, b) << report["mounts"].dump(2);
    EXPECT_EQ(MountAt(report, "/cfg-a")["source"], "tmpfs-a");
    EXPECT_EQ(MountAt(report, "/cfg-a/b")["source"], "tmpfs-b");
    // Every mount of the config, in the config's order: the default ones
    // (/proc, /dev, ...) too.
    int last = -1;
    for (const Json& m : config["mounts"]) {
      const std::string target = m["destination"];
      const int at = MountIndex(report, target);
      EXPECT_GT(at, last) << target << " out of order in\n"
                          << report["mounts"].dump(2);
      last = std::max(last, at);
    }
  });
}

// The same two mounts listed the other way round: the tmpfs at /cfg-a then
// hides /cfg-a/b, and the list shows /cfg-a last. An implementation that
// sorted mounts by depth (as some do) would turn this into the first case.
TEST_P(ConfigMounts, ReversedListIsMountedReversed) {
  Covers({"config/mounts/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    Json nested = NestedMounts();
    // /cfg-a/b needs a mount point in the rootfs when it comes first.
    config["mounts"].push_back(nested[1]);
    config["mounts"].push_back(nested[0]);
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), BundleDir(dir) + "/rootfs/cfg-a", 0755));
    ASSERT_OK(
        host.MkdirAt(Fd::Cwd(), BundleDir(dir) + "/rootfs/cfg-a/b", 0755));
    Output run = RunBundle(host, dir);
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    std::optional<Json> report = ParseJson(run.out);
    ASSERT_TRUE(report.has_value()) << run.Describe();
    const int a = MountIndex(*report, "/cfg-a");
    const int b = MountIndex(*report, "/cfg-a/b");
    ASSERT_GE(a, 0) << (*report)["mounts"].dump(2);
    ASSERT_GE(b, 0) << (*report)["mounts"].dump(2);
    EXPECT_LT(b, a) << (*report)["mounts"].dump(2);
  });
}

// "type": the filesystem type; "options": mount(8) options, both the
// filesystem-independent ones (nosuid, nodev, noexec, ro) and the
// filesystem's own (tmpfs size and mode).
TEST_P(ConfigMounts, TypeSourceAndOptionsAreHonoured) {
  Covers({"config/linux-mount-options/1", "config/linux-mount-options/2",
          "config/linux-mount-options/15"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", "/cfg-tmp"},
         {"type", "tmpfs"},
         {"source", "cfg-source"},
         {"options",
          {"nosuid", "nodev", "noexec", "ro", "mode=750", "size=65536k"}}});
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/cfg-tmp");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(m["type"], "tmpfs");
    EXPECT_EQ(m["source"], "cfg-source");
    std::vector<std::string> options = OptionsOf(m);
    EXPECT_EQ(ReadWriteOf(m), "ro") << m.dump();
    for (const char* want :
         {"nosuid", "nodev", "noexec", "mode=750", "size=65536k"}) {
      EXPECT_THAT(options, Contains(want)) << m.dump();
    }
  });
}

// A bind mount ("bind" in options) with "ro" is a read-only mount at its
// destination; its source is a directory of the host. (Its files and the
// EROFS: ConfigMountsKernel.)
TEST_P(ConfigMounts, ReadOnlyBindMountIsReadOnly) {
  Covers({"config/linux-mount-options/2", "config/linux-mount-options/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/bind-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    Json config = ProbeConfig();
    config["mounts"].push_back({{"destination", "/cfg-bind"},
                                {"type", "none"},
                                {"source", source},
                                {"options", {"bind", "ro"}}});
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/cfg-bind");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(m), "ro") << m.dump();
    // A bind mount shares its source's file system: its type is that
    // one's, never the dummy "none" of the config.
    EXPECT_NE(m["type"], "none") << m.dump();
  });
}

// "Destination of mount point: path inside container": the mount point is
// made inside the rootfs when it does not exist, however deep.
TEST_P(ConfigMounts, MissingDestinationIsCreatedInsideTheRootfs) {
  Covers({"config/mounts/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back({{"destination", "/cfg-deep/x/y"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"}});
    Json report = Probe(host, dir, config, {"--file", "/cfg-deep/x/y"});
    EXPECT_TRUE(MountAt(report, "/cfg-deep/x/y").is_object())
        << report["mounts"].dump(2);
    EXPECT_EQ(report["files"]["/cfg-deep/x/y"]["type"], "dir");
  });
}

// "destination (string, REQUIRED)".
TEST_P(ConfigMounts, MissingDestinationFieldIsRejected) {
  Covers({"config/mounts/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back({{"type", "tmpfs"}, {"source", "tmpfs"}});
    ExpectCreateRejects(host, dir, config,
                        "missing required field \"destination\"");
  });
}

// "This value MUST be an absolute path." runbox takes a relative
// destination (runc does, for old configs) from the container's "/", never
// from a directory of the host.
TEST_P(ConfigMounts, RelativeDestinationIsTakenFromTheContainerRoot) {
  Covers({"config/mounts/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    // Not from the process's working directory either.
    config["process"]["cwd"] = "/bin";
    config["mounts"].push_back({{"destination", "cfg-relative"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"}});
    Json report = Probe(host, dir, config);
    EXPECT_TRUE(MountAt(report, "/cfg-relative").is_object())
        << report["mounts"].dump(2);
    EXPECT_EQ(MountIndex(report, "/bin/cfg-relative"), -1);
  });
}

// An empty destination names no place: create refuses it.
TEST_P(ConfigMounts, EmptyDestinationIsRejected) {
  Covers({"config/mounts/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", ""}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    ExpectCreateRejects(host, dir, config, "destination: must not be empty");
  });
}

// ---------------------------------------------------------------------------
// Process

// "cwd ... is the working directory that will be set for the executable."
TEST_P(ConfigProcess, CwdIsTheWorkingDirectory) {
  Covers({"config/process/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["cwd"] = "/bin";
    Json report = Probe(host, dir, config);
    EXPECT_EQ(report["cwd"], "/bin");
  });
}

// "This value MUST be an absolute path."
TEST_P(ConfigProcess, RelativeCwdIsRejected) {
  Covers({"config/process/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["cwd"] = "bin";
    ExpectCreateRejects(host, dir, config,
                        "process.cwd: must be an absolute path");
  });
}

// "args ... with similar semantics to execvp's argv": the first entry is
// the program, the rest its arguments (the probe obeys `--exit 7` and
// `--file`).
TEST_P(ConfigProcess, ArgsAreExecuted) {
  Covers({"config/process/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig({"--file", "/bin", "--exit", "7"});
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    Output run = RunBundle(host, dir);
    EXPECT_EQ(run.status, ExitStatus::Exited(7)) << run.Describe();
    std::optional<Json> report = ParseJson(run.out);
    ASSERT_TRUE(report.has_value()) << run.Describe();
    EXPECT_EQ((*report)["files"]["/bin"]["type"], "dir");
  });
}

// "that entry is used with the same semantics as execvp's file": a name
// without a slash is looked up in the process's PATH (from its env),
// skipping directories that lack it.
TEST_P(ConfigProcess, ArgsZeroIsSearchedInPath) {
  Covers({"config/process/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    // "/probe" without its slash.
    config["process"]["args"] = {std::string(kProbeInContainer).substr(1)};
    config["process"]["env"] = {"PATH=/no-such-dir:/bin:/", "HOME=/"};
    Json report = RunAndReport(host, dir, config);
    EXPECT_TRUE(report.contains("pid")) << report.dump(2);
  });
}

// The same name with a PATH that does not lead to it: no process runs,
// and the error says so.
TEST_P(ConfigProcess, ArgsZeroNotInPathFails) {
  Covers({"config/process/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["args"] = {std::string(kProbeInContainer).substr(1)};
    config["process"]["env"] = {"PATH=/bin", "HOME=/"};
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output run = RunBundle(host, dir);
    EXPECT_NE(run.status, ExitStatus::Exited(0)) << run.Describe();
    EXPECT_THAT(run.err, HasSubstr("not found")) << run.Describe();
    EXPECT_EQ(ParseJson(run.out), std::nullopt) << run.Describe();
  });
}

// "at least one entry is REQUIRED (non-Windows)".
TEST_P(ConfigProcess, EmptyArgsIsRejected) {
  Covers({"config/process/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["args"] = Json::array();
    ExpectCreateRejects(host, dir, config,
                        "process.args: must have at least one entry");
  });
}

// ---------------------------------------------------------------------------
// POSIX process: rlimits

// "rlim.rlim_cur MUST match the configured value", "rlim.rlim_max MUST
// match the configured value", for each entry (limits below the caller's,
// which root without CAP_SYS_RESOURCE in a user namespace could not
// raise).
TEST_P(ConfigPosixProcess, RlimitsAreApplied) {
  Covers({"config/posix-process/3", "config/posix-process/5",
          "config/posix-process/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["rlimits"] = {
        {{"type", "RLIMIT_NOFILE"}, {"soft", 100}, {"hard", 200}},
        {{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 4096}},
        {{"type", "RLIMIT_NPROC"}, {"soft", 500}, {"hard", 600}}};
    Json report = Probe(host, dir, config);
    const Json& limits = report["rlimits"];
    EXPECT_EQ(limits["RLIMIT_NOFILE"], Json({{"soft", 100}, {"hard", 200}}))
        << limits.dump();
    EXPECT_EQ(limits["RLIMIT_CORE"], Json({{"soft", 0}, {"hard", 4096}}))
        << limits.dump();
    EXPECT_EQ(limits["RLIMIT_NPROC"], Json({{"soft", 500}, {"hard", 600}}))
        << limits.dump();
  });
}

// "The runtime MUST generate an error for any values which cannot be
// mapped to a relevant kernel interface."
TEST_P(ConfigPosixProcess, UnknownRlimitTypeIsRejected) {
  Covers({"config/posix-process/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["rlimits"] = {
        {{"type", "RLIMIT_NO_SUCH_THING"}, {"soft", 1}, {"hard", 1}}};
    ExpectCreateRejects(host, dir, config, "RLIMIT_NO_SUCH_THING");
  });
}

// "If rlimits contains duplicated entries with same type, the runtime
// MUST generate an error."
TEST_P(ConfigPosixProcess, DuplicateRlimitTypeIsRejected) {
  Covers({"config/posix-process/8"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["rlimits"] = {
        {{"type", "RLIMIT_NOFILE"}, {"soft", 100}, {"hard", 200}},
        {{"type", "RLIMIT_NOFILE"}, {"soft", 50}, {"hard", 60}}};
    ExpectCreateRejects(host, dir, config,
                        "process.rlimits[1].type: duplicate rlimit");
  });
}

// ---------------------------------------------------------------------------
// Linux process

// "If oomScoreAdj is set, the runtime MUST set oom_score_adj to the given
// value."
TEST_P(ConfigLinuxProcess, OomScoreAdjIsSet) {
  Covers({"config/linux-process/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["oomScoreAdj"] = 321;
    Json report = Probe(host, dir, config);
    EXPECT_EQ(report["oom_score_adj"], 321);
  });
}

// "If oomScoreAdj is not set, the runtime MUST NOT change the value of
// oom_score_adj": the container's is the one of whoever ran runbox.
TEST_P(ConfigLinuxProcess, OomScoreAdjUnsetIsUnchanged) {
  Covers({"config/linux-process/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    // A value of our own, so a runtime that writes any fixed value (0)
    // shows; raising it needs no privilege.
    absl::StatusOr<int> before = host.GetOomScoreAdj();
    ASSERT_OK(before.status());
    const int ours = std::min(*before + 17, 1000);
    ASSERT_OK(host.SetOomScoreAdj(ours));
    absl::Cleanup restore = [&] { (void)host.SetOomScoreAdj(*before); };
    Json config = ProbeConfig();
    config["process"].erase("oomScoreAdj");
    Json report = Probe(host, dir, config);
    EXPECT_EQ(report["oom_score_adj"], ours);
  });
}

// ---------------------------------------------------------------------------
// User

// "uid", "gid", "additionalGids": the process's real, effective and saved
// ids and its supplementary groups, exactly; "umask" likewise.
TEST_P(ConfigUser, IdsGroupsAndUmaskAreApplied) {
  Covers({"config/posix-platform-user/1", "config/posix-platform-user/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["user"] = {{"uid", 1000},
                                 {"gid", 1001},
                                 {"additionalGids", {2000, 3000}},
                                 {"umask", 027}};
    Json report = Probe(host, dir, config);
    EXPECT_EQ(report["uid"],
              Json({{"real", 1000}, {"effective", 1000}, {"saved", 1000}}));
    EXPECT_EQ(report["gid"],
              Json({{"real", 1001}, {"effective", 1001}, {"saved", 1001}}));
    ASSERT_TRUE(report["groups"].is_array()) << report.dump(2);
    EXPECT_THAT(report["groups"].get<std::vector<int>>(),
                UnorderedElementsAreArray({2000, 3000}));
    EXPECT_EQ(report["umask"], 027);
  });
}

// ---------------------------------------------------------------------------
// Hostname and domainname

// ---------------------------------------------------------------------------
// Hooks (the field-level rules; which hook runs when is runtime_test's)

// A hook running busybox `sleep` from the bundle's rootfs, in the runtime
// namespace.
Json SleepHook(const std::string& bundle, int seconds,
               std::optional<int> timeout) {
  Json hook = {{"path", absl::StrCat(bundle, "/rootfs/bin/sleep")},
               {"args", {"sleep", absl::StrCat(seconds)}}};
  if (timeout.has_value()) hook["timeout"] = *timeout;
  return hook;
}

// "This specification extends the IEEE standard in that path MUST be
// absolute."
TEST_P(ConfigHooks, RelativeHookPathIsRejected) {
  Covers({"config/posix-platform-hooks/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["hooks"]["createRuntime"] = {
        {{"path", "rootfs/bin/true"}, {"args", {"true"}}}};
    ExpectCreateRejects(
        host, dir, config,
        "hooks.createRuntime[0].path: must be an absolute path");
  });
}

// "If set, timeout MUST be greater than zero."
TEST_P(ConfigHooks, NonPositiveTimeoutIsRejected) {
  Covers({"config/posix-platform-hooks/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    for (int timeout : {0, -1}) {
      SCOPED_TRACE(timeout);
      const std::string sub = absl::StrCat(dir, "/t", timeout + 1);
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), sub, 0755));
      Json config = ProbeConfig();
      config["hooks"]["prestart"] = {
          SleepHook(absl::StrCat(sub, "/bundle"), 0, timeout)};
      ExpectCreateRejects(
          host, sub, config,
          "hooks.prestart[0].timeout: must be greater than zero");
    }
  });
}

// ---------------------------------------------------------------------------
// Annotations

// "annotations ... arbitrary metadata for the container", shown by
// `state` (runtime.md: "annotations ... the list of annotations associated
// with the container"); unknown keys are no error, empty values are fine.
TEST_P(ConfigAnnotations, StateShowsTheAnnotations) {
  Covers({"config/annotations/10"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const Json annotations = {{"com.example.cfg-test", "value"},
                              {"org.example.unknown.key", "x=y"},
                              {"com.example.empty", ""}};
    Json config = ProbeConfig();
    config["annotations"] = annotations;
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create =
        Runbox(host, dir, {"create", "--bundle", BundleDir(dir), kId});
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output state = Runbox(host, dir, {"state", kId});
    ASSERT_EQ(state.status, ExitStatus::Exited(0)) << state.Describe();
    std::optional<Json> j = ParseJson(state.out);
    ASSERT_TRUE(j.has_value()) << state.Describe();
    EXPECT_EQ((*j)["annotations"], annotations) << state.out;
  });
}

// "Keys MUST NOT be an empty string."
TEST_P(ConfigAnnotations, EmptyKeyIsRejected) {
  Covers({"config/annotations/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["annotations"] = {{"", "value"}};
    ExpectCreateRejects(host, dir, config,
                        "annotations[\"\"]: key must not be empty");
  });
}

// "Values MUST be strings."
TEST_P(ConfigAnnotations, NonStringValueIsRejected) {
  Covers({"config/annotations/11"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["annotations"] = {{"com.example.number", 5}};
    ExpectCreateRejects(host, dir, config,
                        "annotations[\"com.example.number\"]: expected string");
  });
}

// "Annotations using keys in the org.opencontainers namespace MUST be as
// described": the image's stop signal must name a signal, since `kill`
// sends it.
TEST_P(ConfigAnnotations, InvalidImageStopSignalIsRejected) {
  Covers({"config/annotations/5", "config/annotations/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["annotations"] = {{"org.opencontainers.image.stopSignal", "SIGFOO"}};
    ExpectCreateRejects(
        host, dir, config,
        "annotations[\"org.opencontainers.image.stopSignal\"]: \"SIGFOO\" "
        "is not a signal");
  });
}

// ---------------------------------------------------------------------------
// Extensibility

// "Runtimes ... MUST NOT generate an error if they encounter an unknown
// property. Instead they MUST ignore unknown properties": at the top
// level, inside known objects, and inside array entries.
TEST_P(ConfigExtensibility, UnknownPropertiesAreIgnored) {
  Covers({"config/extensibility/1", "config/extensibility/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["com.example.topLevel"] = {{"nested", {1, 2, 3}}};
    config["process"]["com.example.inProcess"] = true;
    config["root"]["com.example.inRoot"] = "x";
    config["linux"]["com.example.inLinux"] = nullptr;
    config["mounts"][0]["com.example.inMount"] = 7;
    config["process"]["user"]["com.example.inUser"] = Json::array();
    config["process"]["env"] = {"PATH=/bin", "HOME=/", "CFG=1"};
    Json report = Probe(host, dir, config);
    // The known fields around them still apply.
    EXPECT_THAT(report["env"].get<std::vector<std::string>>(),
                Contains("CFG=1"));
  });
}

// ---------------------------------------------------------------------------
// Valid values

// "Runtimes ... MUST generate an error when invalid or unsupported values
// are encountered": an enum value runbox does not know, or a value of the
// wrong type, fails create with the field named and leaves nothing.
TEST_P(ConfigValidValues, UnknownNamespaceTypeIsRejected) {
  Covers({"config/valid-values/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["linux"]["namespaces"].push_back({{"type", "cfg-no-such-ns"}});
    ExpectCreateRejects(host, dir, config, "cfg-no-such-ns");
  });
}

TEST_P(ConfigValidValues, UnknownRootfsPropagationIsRejected) {
  Covers({"config/valid-values/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["linux"]["rootfsPropagation"] = "cfg-sideways";
    ExpectCreateRejects(host, dir, config, "linux.rootfsPropagation");
  });
}

TEST_P(ConfigValidValues, WrongTypeIsRejected) {
  Covers({"config/valid-values/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["noNewPrivileges"] = "yes";
    ExpectCreateRejects(host, dir, config, "process.noNewPrivileges");
  });
}

// ---------------------------------------------------------------------------
// More bundle rules: a required field missing, or a value out of its range,
// fails create naming the field and leaves nothing behind.

// "root.path SHOULD be the conventional rootfs": the config `runbox spec`
// writes says so.
TEST_P(ConfigRoot, SpecCommandUsesTheConventionalRootfs) {
  Covers({"config/root/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Output spec = Runbox(host, dir, {"spec", "--bundle", dir});
    ASSERT_EQ(spec.status, ExitStatus::Exited(0)) << spec.Describe();
    absl::StatusOr<std::string> text =
        ReadFile(host, absl::StrCat(dir, "/config.json"));
    ASSERT_OK(text.status());
    std::optional<Json> config = ParseJson(*text);
    ASSERT_TRUE(config.has_value()) << *text;
    EXPECT_EQ((*config)["root"]["path"], "rootfs");
  });
}

// "If mounts[].uidMappings ... MUST be specified along with gidMappings".
TEST_P(ConfigPosixMounts, UidMappingsWithoutGidMappingsAreRejected) {
  Covers({"config/posix-platform-mounts/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", "/cfg-idmapped"},
         {"type", "none"},
         {"source", "/"},
         {"options", {"rbind", "idmap"}},
         {"uidMappings",
          {{{"containerID", 0}, {"hostID", 100000}, {"size", 1000}}}}});
    ExpectCreateRejects(host, dir, config,
                        "uidMappings and gidMappings must be set together");
  });
}

// "process is REQUIRED when start is called": runbox needs it already at
// create (there is no later point to supply it).
TEST_P(ConfigProcess, MissingProcessIsRejected) {
  Covers({"config/process/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config.erase("process");
    ExpectCreateRejects(host, dir, config, "process: required");
  });
}

// "Runtimes MUST ignore consoleSize if terminal is false or unset": the
// process runs on the caller's pipes, with no console asked for.
TEST_P(ConfigProcess, ConsoleSizeIsIgnoredWithoutTerminal) {
  Covers({"config/process/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    for (bool set_false : {true, false}) {
      SCOPED_TRACE(set_false ? "terminal false" : "terminal unset");
      Json config = ProbeConfig();
      if (set_false) {
        config["process"]["terminal"] = false;
      } else {
        config["process"].erase("terminal");
      }
      config["process"]["consoleSize"] = {{"height", 25}, {"width", 80}};
      Json report = Probe(host, dir, config);
      EXPECT_TRUE(report.contains("pid")) << report.dump(2);
    }
  });
}

// "consoleSize.height (uint, REQUIRED)", "consoleSize.width (uint,
// REQUIRED)".
TEST_P(ConfigProcess, ConsoleSizeWithoutHeightIsRejected) {
  Covers({"config/process/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["consoleSize"] = {{"width", 80}};
    ExpectCreateRejects(
        host, dir, config,
        "process.consoleSize: missing required field \"height\"");
  });
}

TEST_P(ConfigProcess, ConsoleSizeWithoutWidthIsRejected) {
  Covers({"config/process/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["consoleSize"] = {{"height", 25}};
    ExpectCreateRejects(
        host, dir, config,
        "process.consoleSize: missing required field \"width\"");
  });
}

// "cwd (string, REQUIRED)".
TEST_P(ConfigProcess, MissingCwdIsRejected) {
  Covers({"config/process/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"].erase("cwd");
    ExpectCreateRejects(host, dir, config,
                        "process: missing required field \"cwd\"");
  });
}

// "rlimits[].type (string, REQUIRED)", "soft (uint64, REQUIRED)", "hard
// (uint64, REQUIRED)".
TEST_P(ConfigPosixProcess, RlimitWithoutTypeIsRejected) {
  Covers({"config/posix-process/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["rlimits"] = {{{"soft", 1}, {"hard", 1}}};
    ExpectCreateRejects(host, dir, config,
                        "process.rlimits[0]: missing required field \"type\"");
  });
}

TEST_P(ConfigPosixProcess, RlimitWithoutSoftIsRejected) {
  Covers({"config/posix-process/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1}}};
    ExpectCreateRejects(host, dir, config,
                        "process.rlimits[0]: missing required field \"soft\"");
  });
}

TEST_P(ConfigPosixProcess, RlimitWithoutHardIsRejected) {
  Covers({"config/posix-process/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 1}}};
    ExpectCreateRejects(host, dir, config,
                        "process.rlimits[0]: missing required field \"hard\"");
  });
}

// "Capabilities which cannot be mapped to a kernel interface or cannot be
// granted MUST be logged as a warning by the runtime" and "Runtimes SHOULD
// NOT fail if the configuration requests capabilities that cannot be
// granted": a name no kernel knows, in every set, is warned about (once)
// and left out; the container runs with the other capabilities.
TEST_P(ConfigLinuxProcess, UnknownCapabilityIsAWarningNotAFailure) {
  Covers({"config/linux-process/1", "config/linux-process/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    const Json set = {"CAP_KILL", "CAP_NOT_A_REAL_ONE", "CAP_NET_BIND_SERVICE"};
    config["process"]["capabilities"] = {{"bounding", set},
                                         {"effective", set},
                                         {"inheritable", set},
                                         {"permitted", set},
                                         {"ambient", set}};
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output run = RunBundle(host, dir);
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    // One warning, naming the capability.
    EXPECT_THAT(run.err, HasSubstr("warning: "));
    EXPECT_THAT(run.err, HasSubstr("ignoring unknown or unavailable "
                                   "capability CAP_NOT_A_REAL_ONE"));
    size_t mentions = 0;
    for (size_t at = run.err.find("CAP_NOT_A_REAL_ONE");
         at != std::string::npos;
         at = run.err.find("CAP_NOT_A_REAL_ONE", at + 1)) {
      ++mentions;
    }
    EXPECT_EQ(mentions, 1u) << run.err;
    std::optional<Json> report = ParseJson(run.out);
    ASSERT_TRUE(report.has_value()) << run.Describe();
    const std::vector<std::string> granted = {"CAP_KILL",
                                              "CAP_NET_BIND_SERVICE"};
    for (const char* name :
         {"bounding", "effective", "inheritable", "permitted", "ambient"}) {
      SCOPED_TRACE(name);
      ASSERT_TRUE((*report)["caps"][name].is_array())
          << (*report)["caps"].dump();
      EXPECT_THAT((*report)["caps"][name].get<std::vector<std::string>>(),
                  UnorderedElementsAreArray(granted));
    }
  });
}

// "scheduler.policy (string, REQUIRED)": missing, or not one of the
// listed policies.
TEST_P(ConfigLinuxProcess, SchedulerWithoutPolicyIsRejected) {
  Covers({"config/linux-process/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["scheduler"] = {{"nice", 1}};
    ExpectCreateRejects(host, dir, config,
                        "process.scheduler: missing required field \"policy\"");
  });
}

TEST_P(ConfigLinuxProcess, UnknownSchedulerPolicyIsRejected) {
  Covers({"config/linux-process/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["scheduler"] = {{"policy", "SCHED_CFG_NONE"}};
    ExpectCreateRejects(host, dir, config, "process.scheduler.policy");
  });
}

// "ioPriority.class (string, REQUIRED): IOPRIO_CLASS_RT, IOPRIO_CLASS_BE
// or IOPRIO_CLASS_IDLE".
TEST_P(ConfigLinuxProcess, IoPriorityWithoutValidClassIsRejected) {
  Covers({"config/linux-process/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["ioPriority"] = {{"priority", 4}};
    ExpectCreateRejects(host, dir, config,
                        "process.ioPriority: missing required field \"class\"");
    const std::string sub = absl::StrCat(dir, "/unknown-class");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), sub, 0755));
    config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_CFG"},
                                       {"priority", 4}};
    ExpectCreateRejects(host, sub, config, "process.ioPriority.class");
  });
}

// "ioPriority.priority (int, REQUIRED): ... 0 (highest) to 7 (lowest)".
TEST_P(ConfigLinuxProcess, IoPriorityOutsideZeroToSevenIsRejected) {
  Covers({"config/linux-process/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"},
                                       {"priority", 8}};
    ExpectCreateRejects(host, dir, config, "process.ioPriority.priority");
    const std::string sub = absl::StrCat(dir, "/missing");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), sub, 0755));
    config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"}};
    ExpectCreateRejects(
        host, sub, config,
        "process.ioPriority: missing required field \"priority\"");
  });
}

// "user.uid (int, REQUIRED)", "user.gid (int, REQUIRED)".
TEST_P(ConfigUser, UserWithoutUidIsRejected) {
  Covers({"config/posix-platform-user/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["user"] = {{"gid", 0}};
    ExpectCreateRejects(host, dir, config,
                        "process.user: missing required field \"uid\"");
  });
}

TEST_P(ConfigUser, UserWithoutGidIsRejected) {
  Covers({"config/posix-platform-user/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["process"]["user"] = {{"uid", 0}};
    ExpectCreateRejects(host, dir, config,
                        "process.user: missing required field \"gid\"");
  });
}

// "hooks.<kind>[].path (string, REQUIRED)".
TEST_P(ConfigHooks, HookWithoutPathIsRejected) {
  Covers({"config/posix-platform-hooks/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["hooks"]["poststart"] = {{{"args", {"true"}}}};
    ExpectCreateRejects(host, dir, config,
                        "hooks.poststart[0]: missing required field \"path\"");
  });
}

// "annotations MUST be a key-value map".
TEST_P(ConfigAnnotations, NonObjectAnnotationsAreRejected) {
  Covers({"config/annotations/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["annotations"] = {"com.example.key=value"};
    ExpectCreateRejects(host, dir, config, "annotations: expected object");
  });
}

// ---------------------------------------------------------------------------
// Linux mount options

// "Runtimes MUST implement the filesystem-independent options": each flag
// word sets its flag on the mount (nosuid, nodev, noexec, noatime,
// nodiratime, ro per mount; sync and dirsync on the file system).
TEST_P(ConfigLinuxMountOptions, FlagOptionsSetTheirFlags) {
  Covers({"config/linux-mount-options/1", "config/linux-mount-options/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", "/cfg-flags"},
         {"type", "tmpfs"},
         {"source", "tmpfs"},
         {"options",
          {"defaults", "ro", "nosuid", "nodev", "noexec", "noatime",
           "nodiratime", "sync", "dirsync"}}});
    config["mounts"].push_back({{"destination", "/cfg-relatime"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", {"relatime"}}});
    config["mounts"].push_back({{"destination", "/cfg-strictatime"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", {"strictatime"}}});
    Json report = Probe(host, dir, config);
    Json flags = MountAt(report, "/cfg-flags");
    ASSERT_TRUE(flags.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(flags), "ro") << flags.dump();
    for (const char* want : {"nosuid", "nodev", "noexec", "noatime",
                             "nodiratime", "sync", "dirsync"}) {
      EXPECT_THAT(OptionsOf(flags), Contains(want)) << flags.dump();
    }
    EXPECT_THAT(OptionsOf(MountAt(report, "/cfg-relatime")),
                Contains("relatime"));
    // strictatime: neither relatime nor noatime.
    Json strict = MountAt(report, "/cfg-strictatime");
    ASSERT_TRUE(strict.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(strict), Not(Contains("relatime"))) << strict.dump();
    EXPECT_THAT(OptionsOf(strict), Not(Contains("noatime"))) << strict.dump();
  });
}

// The clearing words (rw, suid, dev, exec, atime, diratime, async,
// norelatime) undo the word before them: options apply in order, so the
// mount ends up with none of the flags.
TEST_P(ConfigLinuxMountOptions, ClearingOptionsUndoEarlierOnes) {
  Covers({"config/linux-mount-options/1", "config/linux-mount-options/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", "/cfg-cleared"},
         {"type", "tmpfs"},
         {"source", "tmpfs"},
         {"options",
          {"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
           "noatime", "atime", "nodiratime", "diratime", "sync", "async"}}});
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/cfg-cleared");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(m), "rw") << m.dump();
    for (const char* unwanted :
         {"ro", "nosuid", "nodev", "noexec", "noatime", "nodiratime", "sync"}) {
      EXPECT_THAT(OptionsOf(m), Not(Contains(unwanted))) << m.dump();
    }
  });
}

// "Runtimes MUST implement propagation options": a mount's own
// propagation word sets that mount's propagation type.
TEST_P(ConfigLinuxMountOptions, PropagationOptionsSetThePropagation) {
  Covers({"config/linux-mount-options/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"shared", "shared"},         {"rshared", "shared"},
        {"private", "private"},       {"rprivate", "private"},
        {"unbindable", "unbindable"}, {"runbindable", "unbindable"}};
    for (const auto& [word, want] : cases) {
      config["mounts"].push_back({{"destination", "/cfg-" + word},
                                  {"type", "tmpfs"},
                                  {"source", "tmpfs"},
                                  {"options", {word}}});
    }
    Json report = Probe(host, dir, config);
    for (const auto& [word, want] : cases) {
      Json m = MountAt(report, "/cfg-" + word);
      ASSERT_TRUE(m.is_object()) << word << report["mounts"].dump(2);
      EXPECT_EQ(m["propagation"], want) << word << ": " << m.dump();
    }
  });
}

// "Runtimes SHOULD treat unknown options as filesystem-specific and pass
// them ... to the data argument of mount(2)": tmpfs's own nr_inodes,
// size and mode reach the file system.
TEST_P(ConfigLinuxMountOptions, UnknownOptionsArePassedAsData) {
  Covers({"config/linux-mount-options/15"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", "/cfg-data"},
         {"type", "tmpfs"},
         {"source", "tmpfs"},
         {"options", {"nosuid", "nr_inodes=4096", "size=65536k", "mode=750"}}});
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/cfg-data");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    for (const char* want : {"nr_inodes=4096", "size=65536k", "mode=750"}) {
      EXPECT_THAT(OptionsOf(m), Contains(want)) << m.dump();
    }
  });
}

// "If a custom option string is already recognized by mount(8), the
// runtime SHOULD follow the behavior of mount(8)": "defaults" sets nothing
// ("ro" before it stays), and mount(8)'s own fstab words (noauto, nofail,
// _netdev, x-*, comment=) never reach the file system, which would refuse
// them.
TEST_P(ConfigLinuxMountOptions, WordsMount8KeepsToItselfAreNotData) {
  Covers({"config/linux-mount-options/14"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    const std::vector<std::string> words = {
        "ro",      "defaults",      "auto",        "noauto",  "nofail",
        "_netdev", "x-cfg.comment", "comment=cfg", "mode=750"};
    config["mounts"].push_back({{"destination", "/cfg-mount8"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", words}});
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/cfg-mount8");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(m), "ro") << m.dump();
    EXPECT_THAT(OptionsOf(m), Contains("mode=750")) << m.dump();
    for (const std::string& word : words) {
      if (word == "ro" || word == "mode=750") continue;
      EXPECT_THAT(OptionsOf(m), Not(Contains(word))) << m.dump();
    }
  });
}

// An idmapped bind mount of a directory of the bundle, first in the list.
Json WithIdmapMount(Json config, const std::string& option) {
  Json mounts = Json::array({{{"destination", "/cfg-idmapped"},
                              {"type", "none"},
                              {"source", "rootfs/bin"},
                              {"options", {"rbind", option}}}});
  for (const Json& m : config["mounts"]) mounts.push_back(m);
  config["mounts"] = mounts;
  return config;
}

// "idmap/ridmap: if there are no uidMappings/gidMappings and the container
// isn't using user namespaces, an error MUST be returned".
TEST_P(ConfigLinuxMountOptions, IdmapWithoutAnyMappingFails) {
  Covers({"config/linux-mount-options/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    for (const char* option : {"idmap", "ridmap"}) {
      SCOPED_TRACE(option);
      const std::string sub = absl::StrCat(dir, "/", option);
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), sub, 0755));
      ExpectCreateRejects(host, sub, WithIdmapMount(ProbeConfig(), option),
                          "/cfg-idmapped");
    }
  });
}

// "idmap/ridmap: if mount mappings are not specified and the runtime does
// not use the container's user namespace mapping, an error MUST be
// returned": runbox idmaps a mount only through the mount's own mappings,
// never through the container's user namespace, so even with a user
// namespace the mount is refused.
TEST_P(ConfigLinuxMountOptions, IdmapWithoutMountMappingsFails) {
  Covers({"config/linux-mount-options/11"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = WithIdmapMount(ProbeConfig(), "idmap");
    // The identity, so the user namespace can reach the test's directory.
    const Json mapping = {{{"containerID", 0}, {"hostID", 0}, {"size", 65536}}};
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = mapping;
    config["linux"]["gidMappings"] = mapping;
    ExpectCreateRejects(host, dir, config, "/cfg-idmapped");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigSpecificationVersion);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigRoot);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigMounts);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigProcess);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigPosixProcess);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxProcess);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigUser);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxMountOptions);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigPosixMounts);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigHooks);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigAnnotations);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigExtensibility);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigValidValues);

// ---------------------------------------------------------------------------
// What only the real kernel answers: the fake's mount table is a record
// (its file system does not route lookups through mounts, nor refuse
// writes with EROFS), and its processes cannot be listed from a body.

class ConfigRootKernel : public ConfigTest {};
class ConfigMountsKernel : public ConfigTest {};

// "If true then the root filesystem MUST be read-only inside the
// container": creating a file in "/" fails with EROFS; without readonly
// it works.
TEST_P(ConfigRootKernel, ReadonlyRootRefusesWrites) {
  Covers({"config/root/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    for (bool readonly : {true, false}) {
      SCOPED_TRACE(readonly);
      const std::string sub = absl::StrCat(dir, "/ro-", readonly);
      ASSERT_OK(host.MkdirAt(Fd::Cwd(), sub, 0755));
      Json config = ProbeConfig();
      config["root"]["readonly"] = readonly;
      Json report = Probe(host, sub, config, {"--write-file", "/cfg-written"});
      const Json& written = report["files"]["/cfg-written"];
      if (readonly) {
        EXPECT_EQ(written["write_result"], "EROFS") << report["files"].dump();
      } else {
        EXPECT_EQ(written["write_result"], nullptr) << report["files"].dump();
      }
    }
  });
}

// The order seen through the file system: /cfg-a/b, a bind mount of a host
// directory listed after the tmpfs at /cfg-a, shows the directory's file;
// had it been mounted first, the tmpfs would hide it.
TEST_P(ConfigMountsKernel, LaterMountIsVisibleOnTopOfEarlierOne) {
  Covers({"config/mounts/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/bind-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    ASSERT_OK(WriteFile(host, source + "/marker", kMarker));
    Json config = ProbeConfig({"--file", "/cfg-a/b/marker"});
    config["mounts"].push_back(NestedMounts()[0]);
    config["mounts"].push_back({{"destination", "/cfg-a/b"},
                                {"type", "none"},
                                {"source", source},
                                {"options", {"rbind"}}});
    Json report = Probe(host, dir, config, {"--file", "/cfg-a/b/marker"});
    EXPECT_EQ(report["files"]["/cfg-a/b/marker"]["content"], kMarker)
        << report["files"].dump(2);
  });
}

// A bind mount shows its source's files; with "ro" a write there fails
// with EROFS, while the source stays writable on the host.
TEST_P(ConfigMountsKernel, ReadOnlyBindMountShowsItsSourceAndRefusesWrites) {
  Covers({"config/linux-mount-options/2", "config/linux-mount-options/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/bind-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    ASSERT_OK(WriteFile(host, source + "/marker", kMarker));
    Json config = ProbeConfig();
    config["mounts"].push_back({{"destination", "/cfg-bind"},
                                {"type", "none"},
                                {"source", source},
                                {"options", {"bind", "ro"}}});
    Json report =
        Probe(host, dir, config,
              {"--file", "/cfg-bind/marker", "--write-file", "/cfg-bind/new"});
    EXPECT_EQ(report["files"]["/cfg-bind/marker"]["content"], kMarker)
        << report["files"].dump(2);
    EXPECT_EQ(report["files"]["/cfg-bind/new"]["write_result"], "EROFS")
        << report["files"].dump(2);
    EXPECT_OK(WriteFile(host, source + "/host-write", "ok"));
  });
}

// "Path values for bind mounts are either absolute or relative to the
// bundle."
TEST_P(ConfigMountsKernel, RelativeBindSourceIsRelativeToTheBundle) {
  Covers({"config/linux-mount-options/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig({"--file", "/cfg-bind/marker"});
    config["mounts"].push_back({{"destination", "/cfg-bind"},
                                {"type", "none"},
                                {"source", "volume"},
                                {"options", {"rbind", "rw"}}});
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), BundleDir(dir) + "/volume", 0755));
    ASSERT_OK(WriteFile(host, BundleDir(dir) + "/volume/marker", kMarker));
    Output run = RunBundle(host, dir);
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    std::optional<Json> report = ParseJson(run.out);
    ASSERT_TRUE(report.has_value()) << run.Describe();
    EXPECT_EQ((*report)["files"]["/cfg-bind/marker"]["content"], kMarker)
        << run.out;
  });
}

// tmpfs options reach the file system: mode=750 is the mode of its root.
TEST_P(ConfigMountsKernel, TmpfsModeOptionSetsTheRootMode) {
  Covers({"config/linux-mount-options/15"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back({{"destination", "/cfg-tmp"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", {"mode=750", "size=65536k"}}});
    Json report = Probe(host, dir, config, {"--file", "/cfg-tmp"});
    EXPECT_EQ(report["files"]["/cfg-tmp"]["mode"], 0750)
        << report["files"].dump(2);
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigRootKernel);
INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigMountsKernel);

}  // namespace
}  // namespace runbox::conformance
