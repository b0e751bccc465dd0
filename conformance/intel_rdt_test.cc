// config-linux.md "IntelRdt" through the runbox command line: the resctrl
// resource group a container gets (its closID directory), what is written
// to its `schemata` and `tasks` files and in which order, the errors the
// spec demands, and that resctrl is left alone without linux.intelRdt.
//
// On the fake kernel each test mounts a resctrl file system (fakes: a
// "resctrl" mount whose new directories come with empty `tasks`,
// `schemata` and `cpus` files; the files keep what is written to them, in
// order, so the write order is visible). On Linux the tests that need a
// resctrl file system skip without one ("no resctrl file system mounted on
// this host"); the tests that write schema values skip on Linux in any case,
// since valid values depend on the hardware and the kernel reads schemata
// back in its own format. The error and "not touched" cases run on both.
//
// The container's pid in `tasks` is its init's, which meta.json records
// (`state` reports the supervisor's pid, DESIGN.md).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "conformance/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"

namespace runbox::conformance {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

using Json = nlohmann::json;

constexpr char kId[] = "rdt";
constexpr char kFakeResctrl[] = "/sys/fs/resctrl";
constexpr char kNoResctrl[] = "no resctrl file system mounted on this host";

class ConfigLinuxIntelRdt : public ConformanceTest {
 protected:
  std::string StateDir(const std::string& dir) const {
    return absl::StrCat(dir, "/state");
  }
  std::string BundleDir(const std::string& dir) const {
    return absl::StrCat(dir, "/bundle");
  }

  Output Runbox(Host& host, const std::string& dir,
                const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--root", StateDir(dir)};
    full.insert(full.end(), args.begin(), args.end());
    return RunRunbox(env(), host, full);
  }

  // A bundle running `sleep` with linux.intelRdt = `rdt` (unset if null).
  void MakeRdtBundle(Host& host, const std::string& dir, const Json& rdt) {
    Json config = DefaultConfig({"sleep", "1000"});
    if (!rdt.is_null()) config["linux"]["intelRdt"] = rdt;
    ASSERT_OK(MakeBundle(env(), host, BundleDir(dir), config));
  }

  Output Create(Host& host, const std::string& dir) {
    return Runbox(host, dir, {"create", "--bundle", BundleDir(dir), kId});
  }

  void ForceDelete(Host& host, const std::string& dir) {
    (void)Runbox(host, dir, {"delete", "--force", kId});
  }

  // The mount point of the resctrl file system the runtime would use (the
  // first in the mount table), or nullopt.
  static std::optional<std::string> ResctrlRoot(Host& host) {
    absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
    EXPECT_OK(mounts.status());
    if (!mounts.ok()) return std::nullopt;
    for (const MountInfo& m : *mounts) {
      if (m.fstype == "resctrl") return m.mount_point;
    }
    return std::nullopt;
  }

  // The resctrl root to test on: on the fake, a resctrl file system the
  // test mounts now (its root group's files made by hand, as the kernel
  // has them); on Linux the host's, or nullopt (the caller skips).
  std::optional<std::string> UseResctrl(Host& host) {
    if (!IsFake()) return ResctrlRoot(host);
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), kFakeResctrl, 0755));
    EXPECT_OK(
        host.Mount("resctrl", kFakeResctrl, "resctrl", MountFlags::kNone, ""));
    const std::string root = kFakeResctrl;
    EXPECT_OK(WriteFile(host, root + "/schemata", "L3:0=fff\nMB:0=100\n"));
    EXPECT_OK(WriteFile(host, root + "/tasks", "1\n"));
    return root;
  }

  // A closID no other run uses (on a real resctrl the name is global).
  static std::string UniqueClosId(Host& host, absl::string_view what) {
    return absl::StrCat("runbox-conformance-", what, "-",
                        absl::Hex(host.RandomUint64()));
  }

  // A pre-configured group (as an administrator makes it), removed at the
  // end of the test. `schemata` is written to it on the fake only.
  void MakeGroup(Host& host, const std::string& path,
                 absl::string_view schemata) {
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), path, 0755));
    if (IsFake() && !schemata.empty()) {
      ASSERT_OK(WriteFile(host, path + "/schemata", schemata));
    }
  }
  static void RemoveGroup(Host& host, const std::string& path) {
    (void)host.UnlinkAt(Fd::Cwd(), path, UnlinkFlags::kRemoveDir);
  }

  // The container's init pid, from its meta.json.
  std::string InitPid(Host& host, const std::string& dir) {
    absl::StatusOr<std::string> text =
        ReadFile(host, absl::StrCat(StateDir(dir), "/", kId, "/meta.json"));
    EXPECT_OK(text.status());
    if (!text.ok()) return "<no meta.json>";
    std::optional<Json> meta = ParseJson(*text);
    if (!meta || !(*meta)["init"].is_object()) return "<no init in meta>";
    return absl::StrCat((*meta)["init"]["pid"].get<int64_t>());
  }

  // The pids listed in a group's tasks file.
  static std::vector<std::string> Tasks(Host& host, const std::string& group) {
    absl::StatusOr<std::string> text = ReadFile(host, group + "/tasks");
    EXPECT_OK(text.status()) << group;
    std::vector<std::string> out;
    if (!text.ok()) return out;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      if (!line.empty()) out.emplace_back(line);
    }
    return out;
  }

  static std::string Read(Host& host, const std::string& path) {
    absl::StatusOr<std::string> text = ReadFile(host, path);
    return text.ok() ? *text : absl::StrCat("<", text.status().ToString(), ">");
  }

  static bool Exists(Host& host, const std::string& path) {
    return host.StatAt(Fd::Cwd(), path, FollowSymlinks::kNoFollow).ok();
  }

  // Nothing of container kId is left.
  void ExpectNoTrace(Host& host, const std::string& dir) {
    Output state = Runbox(host, dir, {"state", kId});
    EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
    EXPECT_THAT(state.err, HasSubstr("does not exist"));
    EXPECT_THAT(Entries(host, StateDir(dir)), Not(Contains(kId)));
  }

  // On the fake: a group made for config `rdt` gets exactly `schemata`
  // (the writes in order). The test body of the schema-writing cases.
  void ExpectNewGroupSchemata(const Json& rdt_without_clos_id,
                              absl::string_view expected) {
    env().Run([&](Host& host, const std::string& dir) {
      if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
      if (!IsFake()) {
        GTEST_SKIP() << "writes made-up schema values (valid ones depend on "
                        "the hardware); checked on the fake kernel";
      }
      std::optional<std::string> root = UseResctrl(host);
      ASSERT_TRUE(root.has_value());
      const std::string clos = UniqueClosId(host, "new");
      const std::string group = absl::StrCat(*root, "/", clos);
      Json rdt = rdt_without_clos_id;
      rdt["closID"] = clos;
      MakeRdtBundle(host, dir, rdt);
      absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
      ASSERT_FALSE(Exists(host, group));
      Output create = Create(host, dir);
      ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
      EXPECT_TRUE(Exists(host, group));
      EXPECT_EQ(Read(host, group + "/schemata"), expected);
      EXPECT_THAT(Tasks(host, group),
                  ::testing::ElementsAre(InitPid(host, dir)));
      // The root group is not written to.
      EXPECT_EQ(Read(host, *root + "/schemata"), "L3:0=fff\nMB:0=100\n");
    });
  }
};

// ---------------------------------------------------------------------------
// Errors and "leave resctrl alone" (both hosts).

// "If intelRdt is set and no resctrl fs is mounted ... MUST generate an
// error"; create leaves nothing behind.
TEST_P(ConfigLinuxIntelRdt, NoResctrlMountedIsAnError) {
  Covers({"config-linux/intelrdt/2"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (std::optional<std::string> root = ResctrlRoot(host)) {
      GTEST_SKIP() << "this host has a resctrl file system at " << *root;
    }
    MakeRdtBundle(host, dir, Json{{"l3CacheSchema", "L3:0=ff"}});
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("no resctrl file system is mounted"));
    ExpectNoTrace(host, dir);
  });
}

// "If intelRdt is not set, the runtime MUST NOT manipulate any resctrl
// pseudo-filesystems": no group made, the root group's schemata (and, on
// the fake, its tasks) unchanged through create, start and delete.
TEST_P(ConfigLinuxIntelRdt, UnsetLeavesResctrlAlone) {
  Covers({"config-linux/intelrdt/3"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    std::optional<std::string> root = UseResctrl(host);
    std::vector<std::string> entries;
    std::string schemata;
    std::string tasks;
    if (root) {
      entries = Entries(host, *root);
      schemata = Read(host, *root + "/schemata");
      tasks = Read(host, *root + "/tasks");
    }
    MakeRdtBundle(host, dir, Json());
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = Runbox(host, dir, {"start", kId});
    EXPECT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    Output del = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    // Without resctrl on a Linux host: none was mounted either.
    EXPECT_EQ(ResctrlRoot(host), root);
    if (!root) return;
    EXPECT_EQ(Entries(host, *root), entries);
    EXPECT_FALSE(Exists(host, absl::StrCat(*root, "/", kId)));
    EXPECT_EQ(Read(host, *root + "/schemata"), schemata);
    // The real root group lists every process of the host, which come and
    // go; the fake's changes only when something writes to it.
    if (IsFake()) EXPECT_EQ(Read(host, *root + "/tasks"), tasks);
  });
}

// closID set, no schema, and no such group: "MUST check that the
// pre-configured closID directory is present" and "MUST generate an error";
// nothing is created.
TEST_P(ConfigLinuxIntelRdt, MissingPreconfiguredClosIdIsAnError) {
  Covers({"config-linux/intelrdt/17", "config-linux/intelrdt/19"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    std::optional<std::string> root = UseResctrl(host);
    if (!root) GTEST_SKIP() << kNoResctrl;
    const std::string clos = UniqueClosId(host, "missing");
    const std::string group = absl::StrCat(*root, "/", clos);
    MakeRdtBundle(host, dir, Json{{"closID", clos}});
    absl::Cleanup cleanup = [&] {
      ForceDelete(host, dir);
      RemoveGroup(host, group);
    };
    Output create = Create(host, dir);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr(group));
    EXPECT_THAT(create.err, HasSubstr("does not"));
    EXPECT_FALSE(Exists(host, group));
    ExpectNoTrace(host, dir);
  });
}

// ---------------------------------------------------------------------------
// Groups and tasks.

// closID unset: "MUST use the container ID and create the <container-id>
// directory", and the container's pid goes to its tasks; with no schema
// nothing is written to schemata. delete removes the group it made.
TEST_P(ConfigLinuxIntelRdt, ContainerIdGroupIsCreatedAndJoined) {
  Covers({"config-linux/intelrdt/14", "config-linux/intelrdt/1",
          "config-linux/intelrdt/13"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    std::optional<std::string> root = UseResctrl(host);
    if (!root) GTEST_SKIP() << kNoResctrl;
    const std::string group = absl::StrCat(*root, "/", kId);
    ASSERT_FALSE(Exists(host, group)) << "left over: " << group;
    const std::string root_schemata = Read(host, *root + "/schemata");
    MakeRdtBundle(host, dir, Json::object());
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    ASSERT_TRUE(Exists(host, group));
    EXPECT_THAT(Tasks(host, group), Contains(InitPid(host, dir)));
    if (IsFake()) EXPECT_EQ(Read(host, group + "/schemata"), "");
    EXPECT_EQ(Read(host, *root + "/schemata"), root_schemata);
    Output del = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_FALSE(Exists(host, group));
  });
}

// closID set, no schema, the group exists: the container is assigned to
// it, its schemata is not written, and delete leaves the group (it is not
// runbox's).
TEST_P(ConfigLinuxIntelRdt, PreconfiguredClosIdIsJoined) {
  Covers({"config-linux/intelrdt/17", "config-linux/intelrdt/18",
          "config-linux/intelrdt/1", "config-linux/intelrdt/13"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    std::optional<std::string> root = UseResctrl(host);
    if (!root) GTEST_SKIP() << kNoResctrl;
    const std::string clos = UniqueClosId(host, "pre");
    const std::string group = absl::StrCat(*root, "/", clos);
    MakeGroup(host, group, "L3:0=0f0\n");
    absl::Cleanup remove = [&] { RemoveGroup(host, group); };
    const std::string schemata = Read(host, group + "/schemata");
    MakeRdtBundle(host, dir, Json{{"closID", clos}});
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_THAT(Tasks(host, group), Contains(InitPid(host, dir)));
    EXPECT_EQ(Read(host, group + "/schemata"), schemata);
    Output del = Runbox(host, dir, {"delete", "--force", kId});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    EXPECT_TRUE(Exists(host, group));
  });
}

// The container's later processes join too (as runc's `exec`): the pid of
// an exec'd process is written to the group's tasks after init's. On Linux
// the kernel drops a pid from tasks when its process exits, so the check
// is on the fake only (its tasks file keeps what was written).
TEST_P(ConfigLinuxIntelRdt, ExecProcessJoinsTheGroup) {
  Covers({"config-linux/intelrdt/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (!IsFake()) GTEST_SKIP() << "exited pids leave a real tasks file";
    std::optional<std::string> root = UseResctrl(host);
    ASSERT_TRUE(root.has_value());
    const std::string group = absl::StrCat(*root, "/", kId);
    MakeRdtBundle(host, dir, Json::object());
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    Output start = Runbox(host, dir, {"start", kId});
    ASSERT_EQ(start.status, ExitStatus::Exited(0)) << start.Describe();
    Output exec = Runbox(host, dir, {"exec", kId, "/bin/true"});
    EXPECT_EQ(exec.status, ExitStatus::Exited(0)) << exec.Describe();
    std::vector<std::string> tasks = Tasks(host, group);
    ASSERT_EQ(tasks.size(), 2u) << Read(host, group + "/tasks");
    EXPECT_EQ(tasks[0], InitPid(host, dir));
    EXPECT_NE(tasks[1], tasks[0]);
  });
}

// ---------------------------------------------------------------------------
// Schemata (the fake only: see the file comment).

// Both set: "MUST write the combined value"; either set: "MUST write the
// value"; a closID group that does not exist "MUST" be created.
TEST_P(ConfigLinuxIntelRdt, L3AndMemBwAreWrittenCombined) {
  Covers({"config-linux/intelrdt/8", "config-linux/intelrdt/10",
          "config-linux/intelrdt/15", "config-linux/intelrdt/1"});
  ExpectNewGroupSchemata(
      Json{{"l3CacheSchema", "L3:0=7f0;1=1f"}, {"memBwSchema", "MB:0=20;1=70"}},
      "L3:0=7f0;1=1f\nMB:0=20;1=70\n");
}

// Either one alone: its value is written.
TEST_P(ConfigLinuxIntelRdt, MemBwSchemaAloneIsWritten) {
  Covers({"config-linux/intelrdt/10", "config-linux/intelrdt/15"});
  ExpectNewGroupSchemata(Json{{"memBwSchema", "MB:0=50"}}, "MB:0=50\n");
}

// "If l3CacheSchema has an MB: line, the value written ... MUST be the
// non-MB: lines of l3CacheSchema plus the memBwSchema line".
TEST_P(ConfigLinuxIntelRdt, MbLineOfL3CacheSchemaGivesWayToMemBwSchema) {
  Covers({"config-linux/intelrdt/9"});
  ExpectNewGroupSchemata(
      Json{{"l3CacheSchema", "L3:0=ff\nMB:0=10"}, {"memBwSchema", "MB:0=70"}},
      "L3:0=ff\nMB:0=70\n");
}

// "If intelRdt.schemata is set, runtimes MUST write the value", and
// "schemata MUST be written last, after the l3CacheSchema/memBwSchema
// values" (the fake's schemata file keeps the writes in order).
TEST_P(ConfigLinuxIntelRdt, SchemataIsWrittenLast) {
  Covers({"config-linux/intelrdt/11", "config-linux/intelrdt/12"});
  ExpectNewGroupSchemata(
      Json{{"schemata", Json::array({"L2:0=f", "L3CODE:0=ff"})},
           {"l3CacheSchema", "L3:0=ff"},
           {"memBwSchema", "MB:0=30"}},
      "L3:0=ff\nMB:0=30\nL2:0=f\nL3CODE:0=ff\n");
}

// closID and a schema set, the group exists: "MUST compare the schemas
// with the schemata file and generate an error on mismatch". A matching
// group (the kernel's formatting aside) is joined and not rewritten.
TEST_P(ConfigLinuxIntelRdt, ExistingGroupWithSameSchemaIsJoined) {
  Covers({"config-linux/intelrdt/16", "config-linux/intelrdt/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (!IsFake()) GTEST_SKIP() << "needs a group with known schema values";
    std::optional<std::string> root = UseResctrl(host);
    ASSERT_TRUE(root.has_value());
    const std::string clos = UniqueClosId(host, "same");
    const std::string group = absl::StrCat(*root, "/", clos);
    const std::string schemata = "    L3:0=0ff;1=00f\n    MB:0=100;1=100\n";
    MakeGroup(host, group, schemata);
    MakeRdtBundle(host, dir,
                  Json{{"closID", clos},
                       {"l3CacheSchema", "L3:1=f;0=ff"},
                       {"memBwSchema", "MB:0=100"}});
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    ASSERT_EQ(create.status, ExitStatus::Exited(0)) << create.Describe();
    EXPECT_EQ(Read(host, group + "/schemata"), schemata);
    EXPECT_THAT(Tasks(host, group), ::testing::ElementsAre(InitPid(host, dir)));
  });
}

TEST_P(ConfigLinuxIntelRdt, ExistingGroupWithOtherSchemaIsAnError) {
  Covers({"config-linux/intelrdt/16"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    if (!IsFake()) GTEST_SKIP() << "needs a group with known schema values";
    std::optional<std::string> root = UseResctrl(host);
    ASSERT_TRUE(root.has_value());
    const std::string clos = UniqueClosId(host, "other");
    const std::string group = absl::StrCat(*root, "/", clos);
    MakeGroup(host, group, "L3:0=f0\nMB:0=100\n");
    MakeRdtBundle(host, dir,
                  Json{{"closID", clos}, {"l3CacheSchema", "L3:0=ff"}});
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("does not match"));
    ExpectNoTrace(host, dir);
    // The group is someone else's: still there, unchanged, nobody joined.
    EXPECT_EQ(Read(host, group + "/schemata"), "L3:0=f0\nMB:0=100\n");
    EXPECT_EQ(Read(host, group + "/tasks"), "");
  });
}

// ---------------------------------------------------------------------------
// The bundle's memBwSchema (both hosts: refused before resctrl is looked
// at).

TEST_P(ConfigLinuxIntelRdt, MemBwSchemaWithoutMbPrefixIsRejected) {
  Covers({"config-linux/intelrdt/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    MakeRdtBundle(host, dir, Json{{"memBwSchema", "L3:0=50"}});
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("linux.intelRdt.memBwSchema"));
    EXPECT_THAT(create.err, HasSubstr("must start with \"MB:\""));
    ExpectNoTrace(host, dir);
  });
}

TEST_P(ConfigLinuxIntelRdt, MemBwSchemaWithNewlineIsRejected) {
  Covers({"config-linux/intelrdt/7"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    MakeRdtBundle(host, dir, Json{{"memBwSchema", "MB:0=50\nMB:1=50"}});
    absl::Cleanup cleanup = [&] { ForceDelete(host, dir); };
    Output create = Create(host, dir);
    EXPECT_EQ(create.status, ExitStatus::Exited(1)) << create.Describe();
    EXPECT_THAT(create.err, HasSubstr("linux.intelRdt.memBwSchema"));
    EXPECT_THAT(create.err, HasSubstr("must not contain newlines"));
    ExpectNoTrace(host, dir);
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxIntelRdt);

}  // namespace
}  // namespace runbox::conformance
