// config-linux.md on both hosts, through the runbox command line: default
// filesystems, namespaces (new, joined by path, inherited, errors), user
// namespace mappings, devices and the default devices, the cgroups path and
// resource values as the cgroup files state them, Intel RDT, sysctls,
// seccomp installed, rootfs propagation, masked and read-only paths as the
// mount table shows them, and the personality.
//
// What only the real kernel can show (a masked file reading empty, a write
// refused with EROFS, a seccomp rule or a cgroup limit enforced) is in
// config_linux_kernel_test.cc.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kSleep = {"sleep", "100000"};

// The probe's names of namespaces and the host's flags.
struct NamespaceName {
  const char* probe;  // Key of the probe's "namespaces".
  const char* oci;    // linux.namespaces[].type.
  Namespaces flag;
};
constexpr NamespaceName kNamespaces[] = {
    {"pid", "pid", Namespaces::kPid},
    {"net", "network", Namespaces::kNet},
    {"mnt", "mount", Namespaces::kMount},
    {"ipc", "ipc", Namespaces::kIpc},
    {"uts", "uts", Namespaces::kUts},
    {"user", "user", Namespaces::kUser},
    {"cgroup", "cgroup", Namespaces::kCgroup},
    {"time", "time", Namespaces::kTime},
};

// The inode of `pid`'s namespace `type`, as the host sees it.
absl::StatusOr<uint64_t> NamespaceInode(Host& host, Pid pid, Namespaces type) {
  ASSIGN_OR_RETURN(Fd fd, host.OpenNamespace(pid, type));
  ASSIGN_OR_RETURN(FileStat st, host.FStat(fd));
  return st.ino;
}

// Drops namespaces of the OCI `types` from `config` (and what needs them).
void DropNamespaces(nlohmann::json& config,
                    const std::vector<std::string>& types) {
  nlohmann::json kept = nlohmann::json::array();
  for (const nlohmann::json& ns : config["linux"]["namespaces"]) {
    if (std::find(types.begin(), types.end(), ns.value("type", "")) ==
        types.end()) {
      kept.push_back(ns);
    }
  }
  config["linux"]["namespaces"] = kept;
  if (std::find(types.begin(), types.end(), "uts") != types.end()) {
    config.erase("hostname");
  }
}

bool HasOption(const nlohmann::json& mount, absl::string_view option) {
  if (!mount.is_object() || !mount["options"].is_array()) return false;
  for (const nlohmann::json& o : mount["options"]) {
    if (o.is_string() && o.get<std::string>() == option) return true;
  }
  return false;
}

class ConfigLinuxTest : public ConformanceTest {
 protected:
  // `runbox --root DIR/state ARGS...`.
  Output Runbox(Host& host, const std::string& dir,
                const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", absl::StrCat(dir, "/state")};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }

  // A fresh bundle under `dir` with `config`; its path.
  std::string Bundle(Host& host, const std::string& dir,
                     const nlohmann::json& config) {
    const std::string bundle = absl::StrCat(dir, "/bundle", ++bundles_);
    EXPECT_OK(MakeBundle(env(), host, bundle, config));
    return bundle;
  }

  // `runbox run` of `config` must fail before making the container: exit
  // status 1, an error on stderr containing `error_part`, and no state
  // left for the id.
  void ExpectRunFails(Host& host, const std::string& dir, nlohmann::json config,
                      absl::string_view error_part) {
    config["process"]["args"] = {"/probe"};
    const std::string bundle = Bundle(host, dir, config);
    const std::string id = absl::StrCat("bad", bundles_);
    Output run = Runbox(host, dir, {"run", "--bundle", bundle, id});
    EXPECT_NE(run.status, ExitStatus::Exited(0)) << run.Describe();
    EXPECT_THAT(run.err, HasSubstr(std::string(error_part))) << run.Describe();
    EXPECT_EQ(run.out, "") << "the process ran: " << run.Describe();
    Output state = Runbox(host, dir, {"state", id});
    EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
    (void)Runbox(host, dir, {"delete", "--force", id});
    ReapExited(host);
  }

  // `runbox create` of `config` running `sleep`; the container's id.
  std::string Create(Host& host, const std::string& dir,
                     nlohmann::json config) {
    config["process"]["args"] = kSleep;
    const std::string bundle = Bundle(host, dir, config);
    const std::string id = absl::StrCat("c", bundles_);
    Output create = Runbox(host, dir, {"create", "--bundle", bundle, id});
    EXPECT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    return id;
  }

  // The processes of the cgroup `cgroup_path` (the v2 one where runbox
  // makes one, else the v1 pids one).
  std::vector<Pid> CgroupPids(Host& host, const std::string& cgroup_path) {
    absl::StatusOr<cgroups::CgroupManager> m =
        cgroups::CgroupManager::ForContainer(host, cgroup_path);
    if (!m.ok()) {
      ADD_FAILURE() << m.status();
      return {};
    }
    std::optional<std::string> path = m->V2Path();
    if (!path.has_value()) path = m->V1Path("pids");
    if (!path.has_value()) {
      ADD_FAILURE() << "no cgroup for " << cgroup_path;
      return {};
    }
    absl::StatusOr<std::vector<Pid>> procs = host.CgroupProcesses(*path);
    if (!procs.ok()) {
      ADD_FAILURE() << procs.status();
      return {};
    }
    return *procs;
  }

  // The pid of a created container's process: the one process of its
  // default cgroup (`runbox state` names the supervisor).
  std::optional<Pid> InitPid(Host& host, const std::string& dir,
                             const std::string& id) {
    std::vector<Pid> procs = CgroupPids(host, absl::StrCat("/runbox/", id));
    if (procs.size() != 1) {
      ADD_FAILURE() << procs.size() << " processes in the cgroup of " << id;
      return std::nullopt;
    }
    return procs[0];
  }

  void Delete(Host& host, const std::string& dir, const std::string& id) {
    Output del = Runbox(host, dir, {"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    ReapExited(host);
  }

  int bundles_ = 0;
};

// --- Default filesystems ----------------------------------------------------

class ConfigLinuxDefaultFilesystems : public ConfigLinuxTest {};

TEST_P(ConfigLinuxDefaultFilesystems, ProcSysDevPtsAndDevShmAreMounted) {
  Covers({"config-linux/default-filesystems/1",
          "config-linux/default-filesystems/2",
          "config-linux/default-filesystems/3",
          "config-linux/default-filesystems/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, DefaultConfig({})));
    const std::pair<const char*, const char*> expected[] = {
        {"/proc", "proc"},
        {"/sys", "sysfs"},
        {"/dev/pts", "devpts"},
        {"/dev/shm", "tmpfs"}};
    for (const auto& [target, type] : expected) {
      nlohmann::json m = MountAt(report, target);
      ASSERT_TRUE(m.is_object())
          << target << " not mounted: " << report["mounts"].dump();
      EXPECT_EQ(m.value("type", ""), type) << m.dump();
    }
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxDefaultFilesystems);

// --- Namespaces -------------------------------------------------------------

class ConfigLinuxNamespaces : public ConfigLinuxTest {};

TEST_P(ConfigLinuxNamespaces, ListedTypeWithoutPathIsANewNamespace) {
  Covers({"config-linux/namespaces/2", "config-linux/namespaces/3",
          "config-linux/namespaces/4", "config-linux/namespaces/5",
          "config-linux/namespaces/6", "config-linux/namespaces/13"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"cgroup"});
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config));
    for (const char* probe : {"pid", "net", "mnt", "ipc", "uts"}) {
      for (const NamespaceName& ns : kNamespaces) {
        if (std::string(ns.probe) != probe) continue;
        ASSERT_OK_AND_ASSIGN(uint64_t outside,
                             NamespaceInode(host, host.GetPid(), ns.flag));
        ASSERT_TRUE(report["namespaces"][probe].is_number_integer())
            << probe << ": " << report["namespaces"].dump();
        EXPECT_NE(report["namespaces"][probe].get<uint64_t>(), outside)
            << probe << " namespace is the runtime's";
      }
    }
  });
}

TEST_P(ConfigLinuxNamespaces, CgroupNamespaceWithoutPathIsNew) {
  Covers({"config-linux/namespaces/8", "config-linux/namespaces/13"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"cgroup"});
    config["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    // Without the cgroup fs mount: see the report (v1 mounts inside a
    // cgroup namespace fail in runbox).
    nlohmann::json mounts = nlohmann::json::array();
    for (const nlohmann::json& m : config["mounts"]) {
      if (m.value("type", "") != "cgroup") mounts.push_back(m);
    }
    config["mounts"] = mounts;
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config));
    ASSERT_OK_AND_ASSIGN(uint64_t outside, NamespaceInode(host, host.GetPid(),
                                                          Namespaces::kCgroup));
    ASSERT_TRUE(report["namespaces"]["cgroup"].is_number_integer())
        << report["namespaces"].dump();
    EXPECT_NE(report["namespaces"]["cgroup"].get<uint64_t>(), outside);
  });
}

TEST_P(ConfigLinuxNamespaces, TimeNamespaceWithoutPathIsNew) {
  Covers({"config-linux/namespaces/9", "config-linux/namespaces/13"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    absl::StatusOr<uint64_t> outside =
        NamespaceInode(host, host.GetPid(), Namespaces::kTime);
    if (!outside.ok())
      GTEST_SKIP() << "no time namespaces: " << outside.status();
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "time"}});
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config));
    ASSERT_TRUE(report["namespaces"]["time"].is_number_integer())
        << report["namespaces"].dump();
    EXPECT_NE(report["namespaces"]["time"].get<uint64_t>(), *outside);
  });
}

TEST_P(ConfigLinuxNamespaces, UnlistedTypeIsInheritedFromTheRuntime) {
  Covers({"config-linux/namespaces/14"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"network", "ipc", "uts", "cgroup"});
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config));
    for (const NamespaceName& ns : kNamespaces) {
      const std::string probe = ns.probe;
      if (probe == "pid" || probe == "mnt") continue;  // Listed: new.
      absl::StatusOr<uint64_t> outside =
          NamespaceInode(host, host.GetPid(), ns.flag);
      if (!outside.ok()) continue;  // The kernel lacks the type.
      ASSERT_TRUE(report["namespaces"][probe].is_number_integer())
          << probe << ": " << report["namespaces"].dump();
      EXPECT_EQ(report["namespaces"][probe].get<uint64_t>(), *outside)
          << probe << " namespace is not the runtime's";
    }
    EXPECT_NE(report["namespaces"]["pid"], nlohmann::json(0));
  });
}

TEST_P(ConfigLinuxNamespaces, PathPlacesTheProcessInThatNamespace) {
  Covers({"config-linux/namespaces/11"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string owner = Create(host, dir, DefaultConfig({}));
    std::optional<Pid> pid = InitPid(host, dir, owner);
    ASSERT_TRUE(pid.has_value());
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"network", "ipc", "uts"});
    for (const char* type : {"net", "ipc", "uts"}) {
      const std::string oci = std::string(type) == "net" ? "network" : type;
      config["linux"]["namespaces"].push_back(
          {{"type", oci},
           {"path", absl::StrCat("/proc/", pid->value, "/ns/", type)}});
    }
    absl::StatusOr<nlohmann::json> report = RunProbe(env(), host, dir, config);
    for (const NamespaceName& ns : kNamespaces) {
      const std::string probe = ns.probe;
      if (probe != "net" && probe != "ipc" && probe != "uts") continue;
      ASSERT_OK(report.status());
      ASSERT_OK_AND_ASSIGN(uint64_t joined,
                           NamespaceInode(host, *pid, ns.flag));
      ASSERT_OK_AND_ASSIGN(uint64_t outside,
                           NamespaceInode(host, host.GetPid(), ns.flag));
      EXPECT_NE(joined, outside) << probe;
      EXPECT_EQ((*report)["namespaces"][probe], nlohmann::json(joined))
          << probe << ": " << (*report)["namespaces"].dump();
    }
    Delete(host, dir, owner);
  });
}

TEST_P(ConfigLinuxNamespaces, PathOfAnotherTypeIsAnError) {
  Covers({"config-linux/namespaces/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string owner = Create(host, dir, DefaultConfig({}));
    std::optional<Pid> pid = InitPid(host, dir, owner);
    ASSERT_TRUE(pid.has_value());
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"network"});
    config["linux"]["namespaces"].push_back(
        {{"type", "network"},
         {"path", absl::StrCat("/proc/", pid->value, "/ns/ipc")}});
    ExpectRunFails(host, dir, config, "is not a network namespace");
    Delete(host, dir, owner);
  });
}

TEST_P(ConfigLinuxNamespaces, PathOfANonNamespaceFileIsAnError) {
  Covers({"config-linux/namespaces/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(WriteFile(host, absl::StrCat(dir, "/not-a-namespace"), "x"));
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"network"});
    config["linux"]["namespaces"].push_back(
        {{"type", "network"}, {"path", absl::StrCat(dir, "/not-a-namespace")}});
    ExpectRunFails(host, dir, config, "setns");
  });
}

TEST_P(ConfigLinuxNamespaces, MissingPathIsAnError) {
  Covers({"config-linux/namespaces/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"ipc"});
    config["linux"]["namespaces"].push_back(
        {{"type", "ipc"}, {"path", absl::StrCat(dir, "/no-such-ns")}});
    ExpectRunFails(host, dir, config, "no-such-ns");
  });
}

TEST_P(ConfigLinuxNamespaces, RelativePathIsAnError) {
  Covers({"config-linux/namespaces/10"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"network"});
    config["linux"]["namespaces"].push_back(
        {{"type", "network"}, {"path", "proc/1/ns/net"}});
    ExpectRunFails(host, dir, config, "linux.namespaces[4].path");
  });
}

TEST_P(ConfigLinuxNamespaces, DuplicateTypeIsAnError) {
  Covers({"config-linux/namespaces/15"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "ipc"}});
    ExpectRunFails(host, dir, config, "duplicate namespace");
  });
}

TEST_P(ConfigLinuxNamespaces, UnknownTypeIsAnError) {
  Covers({"config-linux/namespaces/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "galaxy"}});
    ExpectRunFails(host, dir, config, "linux.namespaces[5].type");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxNamespaces);

// --- User namespace mappings ------------------------------------------------

class ConfigLinuxUserNamespaceMappings : public ConfigLinuxTest {};

// A new user namespace mapping 0..65535 to 100000..165535: the process is
// in its own user namespace and runs as the configured uid/gid 1000, which
// only the mapping makes valid; the rootfs keeps its owner (no chown to
// realize the mapping).
TEST_P(ConfigLinuxUserNamespaceMappings,
       MappedIdsAreUsableAndRootfsKeepsOwner) {
  Covers({"config-linux/namespaces/7", "config-linux/user-namespace-mappings/1",
          "config-linux/user-namespace-mappings/2",
          "config-linux/user-namespace-mappings/3",
          "config-linux/user-namespace-mappings/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    config["linux"]["gidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    // Host uid 101000 must reach the bundle: a world-searchable base.
    const std::string base =
        absl::StrCat("/tmp/runbox-conformance-userns-", host.RandomUint64());
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), base, 0755));
    absl::StatusOr<nlohmann::json> report = RunProbe(env(), host, base, config);
    std::vector<std::string> bundles = Entries(host, base);
    std::optional<FileStat> probe_stat;
    for (const std::string& b : bundles) {
      absl::StatusOr<FileStat> st =
          host.StatAt(Fd::Cwd(), absl::StrCat(base, "/", b, "/rootfs/probe"),
                      FollowSymlinks::kNoFollow);
      if (st.ok()) probe_stat = *st;
    }
    RemoveTree(host, Fd::Cwd(), base);
    ASSERT_OK(report.status());
    ASSERT_OK_AND_ASSIGN(uint64_t outside, NamespaceInode(host, host.GetPid(),
                                                          Namespaces::kUser));
    EXPECT_NE((*report)["namespaces"]["user"], nlohmann::json(outside));
    EXPECT_EQ((*report)["uid"]["effective"], 1000) << (*report)["uid"].dump();
    EXPECT_EQ((*report)["gid"]["effective"], 1000) << (*report)["gid"].dump();
    ASSERT_TRUE(probe_stat.has_value());
    EXPECT_EQ(probe_stat->uid, 0u) << "the rootfs was chowned";
    EXPECT_EQ(probe_stat->gid, 0u) << "the rootfs was chowned";
  });
}

TEST_P(ConfigLinuxUserNamespaceMappings, MappingWithoutSizeIsAnError) {
  Covers({"config-linux/user-namespace-mappings/3"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}}};
    config["linux"]["gidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    ExpectRunFails(host, dir, config,
                   "linux.uidMappings[0]: missing required field \"size\"");
  });
}

TEST_P(ConfigLinuxUserNamespaceMappings, MappingWithoutHostIdIsAnError) {
  Covers({"config-linux/user-namespace-mappings/1",
          "config-linux/user-namespace-mappings/2"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = {
        {{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    config["linux"]["gidMappings"] = {{{"containerID", 0}, {"size", 65536}}};
    ExpectRunFails(host, dir, config,
                   "linux.gidMappings[0]: missing required field \"hostID\"");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxUserNamespaceMappings);

// --- Devices ----------------------------------------------------------------

class ConfigLinuxDevices : public ConfigLinuxTest {};

TEST_P(ConfigLinuxDevices, ConfiguredDevicesAreCreatedAsSpecified) {
  Covers({"config-linux/devices/1", "config-linux/devices/2",
          "config-linux/devices/3", "config-linux/devices/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["devices"] = {
        {{"path", "/dev/conf-char"},
         {"type", "c"},
         {"major", 1},
         {"minor", 5},
         {"fileMode", 0640},
         {"uid", 7},
         {"gid", 8}},
        {{"path", "/dev/sub/conf-block"},
         {"type", "b"},
         {"major", 7},
         {"minor", 3},
         {"fileMode", 0600}},
        {{"path", "/dev/conf-fifo"}, {"type", "p"}, {"fileMode", 0620}}};
    ASSERT_OK_AND_ASSIGN(
        nlohmann::json report,
        RunProbe(env(), host, dir, config,
                 {"--file", "/dev/conf-char", "--file", "/dev/sub/conf-block",
                  "--file", "/dev/conf-fifo"}));
    const nlohmann::json& c = report["files"]["/dev/conf-char"];
    EXPECT_EQ(c["type"], "chr") << c.dump();
    EXPECT_EQ(c["major"], 1) << c.dump();
    EXPECT_EQ(c["minor"], 5) << c.dump();
    EXPECT_EQ(c["mode"], 0640) << c.dump();
    EXPECT_EQ(c["uid"], 7) << c.dump();
    EXPECT_EQ(c["gid"], 8) << c.dump();
    const nlohmann::json& b = report["files"]["/dev/sub/conf-block"];
    EXPECT_EQ(b["type"], "blk") << b.dump();
    EXPECT_EQ(b["major"], 7) << b.dump();
    EXPECT_EQ(b["minor"], 3) << b.dump();
    EXPECT_EQ(b["mode"], 0600) << b.dump();
    EXPECT_EQ(b["uid"], 0) << b.dump();
    const nlohmann::json& p = report["files"]["/dev/conf-fifo"];
    EXPECT_EQ(p["type"], "fifo") << p.dump();
    EXPECT_EQ(p["mode"], 0620) << p.dump();
  });
}

TEST_P(ConfigLinuxDevices, ExistingFileThatIsNotTheDeviceIsAnError) {
  Covers({"config-linux/devices/4"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    // /dev/shm is a directory (the default tmpfs mount point) by the time
    // devices are made.
    nlohmann::json config = DefaultConfig({});
    config["linux"]["devices"] = {
        {{"path", "/dev/shm"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    ExpectRunFails(host, dir, config, "/dev/shm");
  });
}

TEST_P(ConfigLinuxDevices, UnknownTypeIsAnError) {
  Covers({"config-linux/devices/2"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["devices"] = {
        {{"path", "/dev/x"}, {"type", "z"}, {"major", 1}, {"minor", 3}}};
    ExpectRunFails(host, dir, config, "linux.devices[0].type");
  });
}

TEST_P(ConfigLinuxDevices, MissingPathIsAnError) {
  Covers({"config-linux/devices/3"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["devices"] = {{{"type", "c"}, {"major", 1}, {"minor", 3}}};
    ExpectRunFails(host, dir, config,
                   "linux.devices[0]: missing required field \"path\"");
  });
}

TEST_P(ConfigLinuxDevices, CharDeviceWithoutMajorIsAnError) {
  Covers({"config-linux/devices/5"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["devices"] = {
        {{"path", "/dev/x"}, {"type", "c"}, {"minor", 3}}};
    ExpectRunFails(host, dir, config,
                   "linux.devices[0]: missing required field \"major\"");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxDevices);

// --- Default devices --------------------------------------------------------

class ConfigLinuxDefaultDevices : public ConfigLinuxTest {};

TEST_P(ConfigLinuxDefaultDevices, StandardNodesAndPtmxAreSupplied) {
  Covers({"config-linux/default-devices/1", "config-linux/default-devices/2",
          "config-linux/default-devices/3", "config-linux/default-devices/4",
          "config-linux/default-devices/5", "config-linux/default-devices/6",
          "config-linux/default-devices/8"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::vector<std::tuple<std::string, int, int>> nodes = {
        {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    std::vector<std::string> args;
    for (const auto& [path, major, minor] : nodes) {
      args.insert(args.end(), {"--file", path});
    }
    args.insert(args.end(), {"--file", "/dev/ptmx"});
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, DefaultConfig({}), args));
    for (const auto& [path, major, minor] : nodes) {
      const nlohmann::json& f = report["files"][path];
      EXPECT_EQ(f["type"], "chr") << path << ": " << f.dump();
      EXPECT_EQ(f["major"], major) << path << ": " << f.dump();
      EXPECT_EQ(f["minor"], minor) << path << ": " << f.dump();
      EXPECT_EQ(f["mode"], 0666) << path << ": " << f.dump();
    }
    // A symlink to pts/ptmx (or a bind of it: the pts multiplexer 5:2).
    const nlohmann::json& ptmx = report["files"]["/dev/ptmx"];
    if (ptmx["type"] == "link") {
      SUCCEED();
    } else {
      EXPECT_EQ(ptmx["type"], "chr") << ptmx.dump();
      EXPECT_EQ(ptmx["major"], 5) << ptmx.dump();
      EXPECT_EQ(ptmx["minor"], 2) << ptmx.dump();
    }
    nlohmann::json pts = MountAt(report, "/dev/pts");
    EXPECT_EQ(pts.value("type", ""), "devpts") << report["mounts"].dump();
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxDefaultDevices);

// --- Cgroups path and resources ---------------------------------------------

class ConfigLinuxCgroupsPath : public ConfigLinuxTest {
 protected:
  // The created container `id`'s process, alone, is in the cgroup at
  // `cgroup_path`, and that process is in the container's pid namespace.
  void ExpectInitIn(Host& host, const std::string& id,
                    const std::string& cgroup_path) {
    std::vector<Pid> procs = CgroupPids(host, cgroup_path);
    ASSERT_EQ(procs.size(), 1u) << id << " in " << cgroup_path;
    ASSERT_OK_AND_ASSIGN(uint64_t inside,
                         NamespaceInode(host, procs[0], Namespaces::kPid));
    ASSERT_OK_AND_ASSIGN(uint64_t outside,
                         NamespaceInode(host, host.GetPid(), Namespaces::kPid));
    EXPECT_NE(inside, outside) << "not the container's process";
  }
};

TEST_P(ConfigLinuxCgroupsPath, AbsolutePathIsUnderTheCgroupMountPoint) {
  Covers({"config-linux/cgroups-path/1", "config-linux/cgroups-path/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path =
        absl::StrCat("/runbox-conformance-", host.RandomUint64(), "/abs");
    nlohmann::json config = DefaultConfig({});
    config["linux"]["cgroupsPath"] = path;
    const std::string id = Create(host, dir, config);
    ExpectInitIn(host, id, path);
    Delete(host, dir, id);
  });
}

TEST_P(ConfigLinuxCgroupsPath, SamePathAttachesToTheSamePlace) {
  Covers({"config-linux/cgroups-path/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path =
        absl::StrCat("runbox-conformance-", host.RandomUint64(), "/rel");
    nlohmann::json config = DefaultConfig({});
    config["linux"]["cgroupsPath"] = path;
    for (int i = 0; i < 2; ++i) {
      const std::string id = Create(host, dir, config);
      // runbox takes a relative path from the hierarchy's root too.
      ExpectInitIn(host, id, absl::StrCat("/", path));
      Delete(host, dir, id);
    }
  });
}

TEST_P(ConfigLinuxCgroupsPath, InvalidPathIsAnError) {
  Covers({"config-linux/cgroups-path/4"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["cgroupsPath"] = "/a/../../escape";
    ExpectRunFails(host, dir, config, "linux.cgroupsPath");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxCgroupsPath);

class ConfigLinuxResources : public ConfigLinuxTest {};

// Values of linux.resources as the container's cgroup files state them
// (v1 files where the controller is on v1, else v2).
TEST_P(ConfigLinuxResources, ValuesAreWrittenToTheCgroupFiles) {
  Covers({"config-linux/pids/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK(host.SetChildSubreaper());
    const std::string path =
        absl::StrCat("/runbox-conformance-", host.RandomUint64(), "/res");
    nlohmann::json config = DefaultConfig({});
    config["linux"]["cgroupsPath"] = path;
    config["linux"]["resources"]["pids"] = {{"limit", 42}};
    config["linux"]["resources"]["memory"] = {{"limit", 48 << 20}};
    config["linux"]["resources"]["cpu"] = {{"quota", 50000},
                                           {"period", 100000}};
    const std::string id = Create(host, dir, config);
    ASSERT_OK_AND_ASSIGN(cgroups::CgroupManager m,
                         cgroups::CgroupManager::ForContainer(host, path));
    auto read = [&](const char* controller, const char* v1,
                    const char* v2) -> std::string {
      if (std::optional<std::string> p = m.V1Path(controller)) {
        return host.CgroupRead(*p, v1).value_or("<unreadable>");
      }
      return host.CgroupRead(*m.V2Path(), v2).value_or("<unreadable>");
    };
    EXPECT_EQ(read("pids", "pids.max", "pids.max"), "42\n");
    if (m.V1Path("memory")) {
      EXPECT_EQ(read("memory", "memory.limit_in_bytes", ""), "50331648\n");
    } else {
      EXPECT_EQ(read("memory", "", "memory.max"), "50331648\n");
    }
    if (m.V1Path("cpu")) {
      EXPECT_EQ(read("cpu", "cpu.cfs_quota_us", ""), "50000\n");
      EXPECT_EQ(read("cpu", "cpu.cfs_period_us", ""), "100000\n");
    } else {
      EXPECT_EQ(read("cpu", "", "cpu.max"), "50000 100000\n");
    }
    Delete(host, dir, id);
  });
}

TEST_P(ConfigLinuxResources, PidsWithoutLimitIsAnError) {
  Covers({"config-linux/pids/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["pids"] = nlohmann::json::object();
    ExpectRunFails(host, dir, config,
                   "linux.resources.pids: missing required field \"limit\"");
  });
}

TEST_P(ConfigLinuxResources, DeviceEntryWithoutAllowIsAnError) {
  Covers({"config-linux/allowed-device-list/2"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["devices"] = {{{"access", "rwm"}}};
    ExpectRunFails(
        host, dir, config,
        "linux.resources.devices[0]: missing required field \"allow\"");
  });
}

TEST_P(ConfigLinuxResources, CpuBurstAboveQuotaIsAnError) {
  Covers({"config-linux/cpu/1", "config-linux/cpu/2"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["cpu"] = {
        {"quota", 10000}, {"period", 100000}, {"burst", 20000}};
    ExpectRunFails(host, dir, config, "burst");
  });
}

TEST_P(ConfigLinuxResources, WeightDeviceWithoutWeightsIsAnError) {
  Covers({"config-linux/block-io/1", "config-linux/block-io/2"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["blockIO"] = {
        {"weightDevice", {{{"major", 8}, {"minor", 0}}}}};
    ExpectRunFails(host, dir, config,
                   "linux.resources.blockIO.weightDevice[0]");
  });
}

TEST_P(ConfigLinuxResources, RdmaEntryWithoutLimitsIsAnError) {
  Covers({"config-linux/rdma/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["resources"]["rdma"] = {
        {"mlx5_1", nlohmann::json::object()}};
    ExpectRunFails(host, dir, config, "linux.resources.rdma");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxResources);

// Intel RDT: intel_rdt_test.cc.

// --- Sysctl -----------------------------------------------------------------

class ConfigLinuxSysctl : public ConfigLinuxTest {};

TEST_P(ConfigLinuxSysctl, NamespacedSysctlsAreAppliedInside) {
  Covers({});  // requirements.tsv has no row for linux.sysctl.
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"},
                                 {"kernel.shmmni", "8192"}};
    // The probe reads /proc/sys only where it is procfs' own mount.
    config["linux"]["readonlyPaths"] = nlohmann::json::array();
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config,
                                  {"--sysctl", "net.ipv4.ip_forward",
                                   "--sysctl", "kernel.shmmni"}));
    EXPECT_EQ(report["sysctls"]["net.ipv4.ip_forward"], "1")
        << report["sysctls"].dump();
    EXPECT_EQ(report["sysctls"]["kernel.shmmni"], "8192")
        << report["sysctls"].dump();
  });
}

TEST_P(ConfigLinuxSysctl, SysctlOfANamespaceTheContainerLacksIsAnError) {
  Covers({});  // requirements.tsv has no row for linux.sysctl.
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    DropNamespaces(config, {"network"});
    config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
    ExpectRunFails(host, dir, config, "linux.sysctl");
  });
}

TEST_P(ConfigLinuxSysctl, NonNamespacedSysctlIsAnError) {
  Covers({});  // requirements.tsv has no row for linux.sysctl.
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["sysctl"] = {{"kernel.panic", "1"}};
    ExpectRunFails(host, dir, config, "linux.sysctl");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxSysctl);

// --- Seccomp ----------------------------------------------------------------

class ConfigLinuxSeccomp : public ConfigLinuxTest {};

nlohmann::json AllowAllBut(const std::string& action) {
  return {{"defaultAction", "SCMP_ACT_ALLOW"},
          {"syscalls",
           {{{"names", {"mkdir", "mkdirat"}},
             {"action", action},
             {"errnoRet", 1}}}}};
}

TEST_P(ConfigLinuxSeccomp, FilterIsInstalled) {
  Covers({"config-linux/seccomp/1", "config-linux/seccomp/10",
          "config-linux/seccomp/12"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_ERRNO");
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config));
    EXPECT_EQ(report["seccomp"], 2);
    ASSERT_OK_AND_ASSIGN(nlohmann::json plain,
                         RunProbe(env(), host, dir, DefaultConfig({})));
    EXPECT_EQ(plain["seccomp"], 0);
  });
}

TEST_P(ConfigLinuxSeccomp, UnknownActionIsAnError) {
  Covers({"config-linux/seccomp/12"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_EXPLODE");
    ExpectRunFails(host, dir, config, "linux.seccomp.syscalls[0].action");
  });
}

TEST_P(ConfigLinuxSeccomp, UnknownDefaultActionIsAnError) {
  Covers({"config-linux/seccomp/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_ERRNO");
    config["linux"]["seccomp"]["defaultAction"] = "SCMP_ACT_MAYBE";
    ExpectRunFails(host, dir, config, "linux.seccomp.defaultAction");
  });
}

TEST_P(ConfigLinuxSeccomp, UnknownArchitectureIsAnError) {
  Covers({});  // No row for seccomp.architectures.
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_ERRNO");
    config["linux"]["seccomp"]["architectures"] = {"SCMP_ARCH_PDP11"};
    ExpectRunFails(host, dir, config, "linux.seccomp.architectures");
  });
}

TEST_P(ConfigLinuxSeccomp, EmptyNamesIsAnError) {
  Covers({"config-linux/seccomp/11"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_ERRNO");
    config["linux"]["seccomp"]["syscalls"][0]["names"] =
        nlohmann::json::array();
    ExpectRunFails(host, dir, config, "linux.seccomp.syscalls[0].names");
  });
}

TEST_P(ConfigLinuxSeccomp, ErrnoRetOnAnActionWithoutErrnoIsAnError) {
  Covers({"config-linux/seccomp/13"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_KILL");
    ExpectRunFails(host, dir, config, "errnoRet");
  });
}

TEST_P(ConfigLinuxSeccomp, DefaultErrnoRetOnAnActionWithoutErrnoIsAnError) {
  Covers({"config-linux/seccomp/2"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                  {"defaultErrnoRet", 1}};
    ExpectRunFails(host, dir, config, "defaultErrnoRet");
  });
}

TEST_P(ConfigLinuxSeccomp, ArgumentWithoutOpIsAnError) {
  Covers({"config-linux/seccomp/14", "config-linux/seccomp/15",
          "config-linux/seccomp/16"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_ERRNO");
    config["linux"]["seccomp"]["syscalls"][0]["args"] = {
        {{"index", 0}, {"value", 1}}};
    ExpectRunFails(
        host, dir, config,
        "linux.seccomp.syscalls[0].args[0]: missing required field \"op\"");
  });
}

TEST_P(ConfigLinuxSeccomp, ListenerMetadataWithoutPathIsAnError) {
  Covers({"config-linux/seccomp/9"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["seccomp"] = AllowAllBut("SCMP_ACT_ERRNO");
    config["linux"]["seccomp"]["listenerMetadata"] = "meta";
    ExpectRunFails(host, dir, config, "listenerMetadata");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxSeccomp);

// --- Rootfs mount propagation -----------------------------------------------

class ConfigLinuxRootfsPropagation : public ConfigLinuxTest {
 protected:
  void ExpectRootPropagation(const std::string& value,
                             const std::string& expected) {
    env().Run([&](Host& host, const std::string& dir) {
      if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
      nlohmann::json config = DefaultConfig({});
      config["linux"]["rootfsPropagation"] = value;
      ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                           RunProbe(env(), host, dir, config));
      nlohmann::json root = MountAt(report, "/");
      ASSERT_TRUE(root.is_object()) << report["mounts"].dump();
      EXPECT_EQ(root.value("propagation", ""), expected) << root.dump();
    });
  }
};

TEST_P(ConfigLinuxRootfsPropagation, PrivateRoot) {
  Covers({});  // No row for linux.rootfsPropagation.
  ExpectRootPropagation("private", "private");
}
TEST_P(ConfigLinuxRootfsPropagation, SharedRoot) {
  Covers({});  // No row for linux.rootfsPropagation.
  ExpectRootPropagation("shared", "shared");
}
TEST_P(ConfigLinuxRootfsPropagation, UnknownValueIsAnError) {
  Covers({});  // No row for linux.rootfsPropagation.
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["rootfsPropagation"] = "sideways";
    ExpectRunFails(host, dir, config, "linux.rootfsPropagation");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxRootfsPropagation);

// --- Masked and read-only paths ---------------------------------------------

// The default config plus a masked/readonly file and directory made in the
// rootfs: /conf-secret (a file with content), /conf-dir (a directory with
// an entry).
class ConfigLinuxMaskedPaths : public ConfigLinuxTest {
 protected:
  absl::StatusOr<nlohmann::json> ProbeWithPaths(
      Host& host, const std::string& dir, const char* field,
      const std::vector<std::string>& probe_args) {
    nlohmann::json config = DefaultConfig({});
    config["root"]["readonly"] = false;
    config["linux"][field] = {"/conf-secret", "/conf-dir"};
    std::vector<std::string> args = {"/probe"};
    args.insert(args.end(), probe_args.begin(), probe_args.end());
    config["process"]["args"] = args;
    const std::string bundle = Bundle(host, dir, config);
    RETURN_IF_ERROR(WriteFile(host, bundle + "/rootfs/conf-secret", "secret"));
    RETURN_IF_ERROR(host.MkdirAt(Fd::Cwd(), bundle + "/rootfs/conf-dir", 0755));
    RETURN_IF_ERROR(WriteFile(host, bundle + "/rootfs/conf-dir/entry", "e"));
    Output run =
        Runbox(host, dir,
               {"run", "--bundle", bundle, absl::StrCat("paths", bundles_)});
    if (run.status != ExitStatus::Exited(0)) {
      return absl::InternalError(run.Describe());
    }
    std::optional<nlohmann::json> report = ParseJson(run.out);
    if (!report.has_value()) return absl::InternalError(run.Describe());
    return *report;
  }
};

// The masks as the mount table shows them: something mounted over the
// masked file, a read-only tmpfs over the masked directory.
TEST_P(ConfigLinuxMaskedPaths, MaskedPathsAreCoveredByMounts) {
  Covers({"config-linux/masked-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         ProbeWithPaths(host, dir, "maskedPaths", {}));
    nlohmann::json file = MountAt(report, "/conf-secret");
    EXPECT_TRUE(file.is_object())
        << "nothing over /conf-secret: " << report["mounts"].dump();
    nlohmann::json d = MountAt(report, "/conf-dir");
    ASSERT_TRUE(d.is_object())
        << "nothing over /conf-dir: " << report["mounts"].dump();
    EXPECT_EQ(d.value("type", ""), "tmpfs") << d.dump();
    EXPECT_TRUE(HasOption(d, "ro")) << d.dump();
  });
}

TEST_P(ConfigLinuxMaskedPaths, RelativeMaskedPathIsAnError) {
  Covers({"config-linux/masked-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["maskedPaths"] = {"proc/kcore"};
    ExpectRunFails(host, dir, config, "linux.maskedPaths[0]");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxMaskedPaths);

class ConfigLinuxReadonlyPaths : public ConfigLinuxMaskedPaths {};

TEST_P(ConfigLinuxReadonlyPaths, ReadonlyPathsAreReadOnlyMounts) {
  Covers({"config-linux/readonly-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         ProbeWithPaths(host, dir, "readonlyPaths", {}));
    for (const char* path : {"/conf-secret", "/conf-dir"}) {
      nlohmann::json m = MountAt(report, path);
      ASSERT_TRUE(m.is_object()) << path << ": " << report["mounts"].dump();
      EXPECT_TRUE(HasOption(m, "ro")) << m.dump();
    }
    // The root itself stays writable (root.readonly false).
    EXPECT_FALSE(HasOption(MountAt(report, "/"), "ro"));
  });
}

TEST_P(ConfigLinuxReadonlyPaths, RelativeReadonlyPathIsAnError) {
  Covers({"config-linux/readonly-paths/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["readonlyPaths"] = {"proc/sys"};
    ExpectRunFails(host, dir, config, "linux.readonlyPaths[0]");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxReadonlyPaths);

// --- Personality ------------------------------------------------------------

class ConfigLinuxPersonality : public ConfigLinuxTest {};

TEST_P(ConfigLinuxPersonality, Linux32DomainIsApplied) {
  Covers({"config-linux/personality/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    nlohmann::json config = DefaultConfig({});
    config["linux"]["personality"] = {{"domain", "LINUX32"}};
    ASSERT_OK_AND_ASSIGN(nlohmann::json report,
                         RunProbe(env(), host, dir, config));
    EXPECT_EQ(report["personality"], 0x0008);  // PER_LINUX32.
    config["linux"]["personality"] = {{"domain", "LINUX"}};
    ASSERT_OK_AND_ASSIGN(report, RunProbe(env(), host, dir, config));
    EXPECT_EQ(report["personality"], 0);
  });
}

TEST_P(ConfigLinuxPersonality, UnknownDomainIsAnError) {
  Covers({"config-linux/personality/1"});
  env().Run([&](Host& host, const std::string& dir) {
    nlohmann::json config = DefaultConfig({});
    config["linux"]["personality"] = {{"domain", "LINUX64"}};
    ExpectRunFails(host, dir, config, "linux.personality.domain");
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxPersonality);

}  // namespace
}  // namespace runbox::conformance
