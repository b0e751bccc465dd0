// config.md "Linux mount options" that config_test.cc does not cover:
// nosymfollow/symfollow, the recursive (AT_RECURSIVE) options ("rro",
// "rnosuid", ...) and idmapped mounts ("idmap", "ridmap",
// mounts[].uidMappings/gidMappings; the errors are config_test's). What the
// container sees is read by the probe (harness.h: RunProbe): the options of its
// mounts on both hosts, and, in the Linux-only suite at the end, what only the
// real kernel does with them (a symlink refused with ELOOP, a write in a
// submount refused with EROFS).
//
// The recursive options matter for the mounts below the one the entry
// makes: the tests bind ("rbind") a host directory with a tmpfs mounted on
// a subdirectory, made by the test in its own mount namespace and
// unmounted after.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
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
using ::testing::Not;

using Json = nlohmann::json;

constexpr char kMarker[] = "marker-content";

std::vector<std::string> OptionsOf(const Json& mount) {
  std::vector<std::string> out;
  if (mount.is_object() && mount["options"].is_array()) {
    for (const Json& o : mount["options"]) out.push_back(o.get<std::string>());
  }
  return out;
}

// "ro" or "rw": mountinfo puts the per-mount flag first.
std::string ReadWriteOf(const Json& mount) {
  std::vector<std::string> options = OptionsOf(mount);
  return options.empty() ? "<no options>" : options[0];
}

class MountOptionsTest : public ConformanceTest {
 protected:
  // The probe's report through RunProbe; a test failure and null on error.
  Json Probe(Host& host, const std::string& dir, Json config,
             const std::vector<std::string>& probe_args = {}) {
    absl::StatusOr<Json> report =
        RunProbe(env(), host, dir, std::move(config), probe_args);
    EXPECT_OK(report.status());
    return report.ok() ? *std::move(report) : Json();
  }

  // DIR/src with a file "marker" and a directory "sub" on which a tmpfs
  // is mounted with `sub_flags` (holding its own "marker"); the tmpfs is
  // unmounted when the returned cleanup runs. The source path.
  std::string MakeSourceWithSubmount(Host& host, const std::string& dir,
                                     MountFlags sub_flags) {
    const std::string source = absl::StrCat(dir, "/src");
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    EXPECT_OK(WriteFile(host, source + "/marker", kMarker));
    EXPECT_OK(host.MkdirAt(Fd::Cwd(), source + "/sub", 0755));
    absl::Status mounted =
        host.Mount("mnt-opt-sub", source + "/sub", "tmpfs",
                   sub_flags & ~MountFlags::kReadOnly, "mode=755");
    EXPECT_OK(mounted);
    if (mounted.ok()) submounts_.push_back(source + "/sub");
    EXPECT_OK(WriteFile(host, source + "/sub/marker", kMarker));
    if (mounted.ok() && sub_flags != (sub_flags & ~MountFlags::kReadOnly)) {
      EXPECT_OK(host.Mount("", source + "/sub", "",
                           MountFlags::kRemount | MountFlags::kBind | sub_flags,
                           ""));
    }
    return source;
  }

  // Unmounts what MakeSourceWithSubmount mounted.
  void UnmountSubmounts(Host& host) {
    for (const std::string& path : submounts_) {
      EXPECT_OK(host.Umount(path, UmountFlags::kDetach));
    }
    submounts_.clear();
  }

  // A bind entry of `source` at `destination` with `options`.
  static Json BindEntry(const std::string& source,
                        const std::string& destination,
                        std::vector<std::string> options) {
    return {{"destination", destination},
            {"type", "none"},
            {"source", source},
            {"options", std::move(options)}};
  }

 private:
  std::vector<std::string> submounts_;
};

// Suites named after config.md's "Linux mount options" words.
class ConfigLinuxMountOptionsSymfollow : public MountOptionsTest {};
class ConfigLinuxMountOptionsRecursive : public MountOptionsTest {};

// ---------------------------------------------------------------------------
// nosymfollow, symfollow

// "nosymfollow" sets MS_NOSYMFOLLOW on a new mount and on a bind mount: the
// container's mount table shows it.
TEST_P(ConfigLinuxMountOptionsSymfollow, NosymfollowIsSetOnTheMount) {
  Covers({"config/linux-mount-options/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/bind-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    Json config = ProbeConfig();
    config["mounts"].push_back({{"destination", "/mnt-tmp"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", {"nosymfollow", "mode=755"}}});
    config["mounts"].push_back(
        BindEntry(source, "/mnt-bind", {"bind", "nosymfollow"}));
    config["mounts"].push_back({{"destination", "/mnt-plain"},
                                {"type", "tmpfs"},
                                {"source", "tmpfs"},
                                {"options", {"mode=755"}}});
    Json report = Probe(host, dir, config);
    for (const char* target : {"/mnt-tmp", "/mnt-bind"}) {
      Json m = MountAt(report, target);
      ASSERT_TRUE(m.is_object()) << target << report["mounts"].dump(2);
      EXPECT_THAT(OptionsOf(m), Contains("nosymfollow")) << m.dump();
    }
    Json plain = MountAt(report, "/mnt-plain");
    ASSERT_TRUE(plain.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(plain), Not(Contains("nosymfollow"))) << plain.dump();
  });
}

// "symfollow" after "nosymfollow" clears it again (the last word wins, as
// for every flag pair).
TEST_P(ConfigLinuxMountOptionsSymfollow, SymfollowAfterNosymfollowClearsIt) {
  Covers({"config/linux-mount-options/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    Json config = ProbeConfig();
    config["mounts"].push_back(
        {{"destination", "/mnt-tmp"},
         {"type", "tmpfs"},
         {"source", "tmpfs"},
         {"options", {"nosymfollow", "nosuid", "symfollow"}}});
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/mnt-tmp");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(m), Not(Contains("nosymfollow"))) << m.dump();
    EXPECT_THAT(OptionsOf(m), Contains("nosuid")) << m.dump();
  });
}

// ---------------------------------------------------------------------------
// Recursive options

// "rro" makes the bound tree read-only down to its submounts, where "ro"
// only changes the top mount.
TEST_P(ConfigLinuxMountOptionsRecursive, RroReachesSubmounts) {
  Covers({"config/linux-mount-options/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source =
        MakeSourceWithSubmount(host, dir, MountFlags::kNone);
    absl::Cleanup unmount = [&] { UnmountSubmounts(host); };
    Json config = ProbeConfig();
    config["mounts"].push_back(BindEntry(source, "/mnt-rro", {"rbind", "rro"}));
    config["mounts"].push_back(BindEntry(source, "/mnt-ro", {"rbind", "ro"}));
    Json report = Probe(host, dir, config);
    EXPECT_EQ(ReadWriteOf(MountAt(report, "/mnt-rro")), "ro")
        << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(MountAt(report, "/mnt-rro/sub")), "ro")
        << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(MountAt(report, "/mnt-ro")), "ro")
        << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(MountAt(report, "/mnt-ro/sub")), "rw")
        << report["mounts"].dump(2);
  });
}

// The setting words (rnosuid rnodev rnoexec rnoatime rnodiratime
// rnosymfollow) reach the submounts too.
TEST_P(ConfigLinuxMountOptionsRecursive, SettingWordsReachSubmounts) {
  Covers({"config/linux-mount-options/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source =
        MakeSourceWithSubmount(host, dir, MountFlags::kNone);
    absl::Cleanup unmount = [&] { UnmountSubmounts(host); };
    Json config = ProbeConfig();
    config["mounts"].push_back(
        BindEntry(source, "/mnt-rec",
                  {"rbind", "rnosuid", "rnodev", "rnoexec", "rnoatime",
                   "rnodiratime", "rnosymfollow"}));
    Json report = Probe(host, dir, config);
    for (const char* target : {"/mnt-rec", "/mnt-rec/sub"}) {
      Json m = MountAt(report, target);
      ASSERT_TRUE(m.is_object()) << target << report["mounts"].dump(2);
      EXPECT_EQ(ReadWriteOf(m), "rw") << m.dump();
      for (const char* want : {"nosuid", "nodev", "noexec", "noatime",
                               "nodiratime", "nosymfollow"}) {
        EXPECT_THAT(OptionsOf(m), Contains(want)) << m.dump();
      }
      EXPECT_THAT(OptionsOf(m), Not(Contains("relatime"))) << m.dump();
    }
  });
}

// The clearing words (rrw rsuid rdev rexec rdiratime rsymfollow, and
// rrelatime for the atime setting) undo on the submount what the host set
// there.
TEST_P(ConfigLinuxMountOptionsRecursive, ClearingWordsReachSubmounts) {
  Covers({"config/linux-mount-options/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const MountFlags flags = MountFlags::kReadOnly | MountFlags::kNoSuid |
                             MountFlags::kNoDev | MountFlags::kNoExec |
                             MountFlags::kNoAtime | MountFlags::kNoDirAtime |
                             MountFlags::kNoSymFollow;
    const std::string source = MakeSourceWithSubmount(host, dir, flags);
    absl::Cleanup unmount = [&] { UnmountSubmounts(host); };
    Json config = ProbeConfig();
    // Without the words, the submount keeps the host's flags.
    config["mounts"].push_back(BindEntry(source, "/mnt-kept", {"rbind"}));
    config["mounts"].push_back(
        BindEntry(source, "/mnt-rec",
                  {"rbind", "rrw", "rsuid", "rdev", "rexec", "rdiratime",
                   "rsymfollow", "rrelatime"}));
    Json report = Probe(host, dir, config);
    const std::vector<std::string> kFlagWords = {
        "nosuid", "nodev", "noexec", "noatime", "nodiratime", "nosymfollow"};
    Json kept = MountAt(report, "/mnt-kept/sub");
    ASSERT_TRUE(kept.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(kept), "ro") << kept.dump();
    for (const std::string& word : kFlagWords) {
      EXPECT_THAT(OptionsOf(kept), Contains(word)) << kept.dump();
    }
    Json m = MountAt(report, "/mnt-rec/sub");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_EQ(ReadWriteOf(m), "rw") << m.dump();
    for (const std::string& word : kFlagWords) {
      EXPECT_THAT(OptionsOf(m), Not(Contains(word))) << m.dump();
    }
    EXPECT_THAT(OptionsOf(m), Contains("relatime")) << m.dump();
  });
}

// The atime words choose the one atime setting of every mount of the tree:
// rstrictatime and rnorelatime (neither relatime nor noatime shows), ratime
// and rnostrictatime (back to relatime, the kernel's default).
TEST_P(ConfigLinuxMountOptionsRecursive, AtimeWordsReachSubmounts) {
  Covers({"config/linux-mount-options/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source =
        MakeSourceWithSubmount(host, dir, MountFlags::kNoAtime);
    absl::Cleanup unmount = [&] { UnmountSubmounts(host); };
    struct Case {
      const char* word;
      bool relatime;
    };
    const Case kCases[] = {{"rstrictatime", false},
                           {"rnorelatime", false},
                           {"ratime", true},
                           {"rnostrictatime", true}};
    Json config = ProbeConfig();
    for (const Case& c : kCases) {
      config["mounts"].push_back(
          BindEntry(source, absl::StrCat("/mnt-", c.word), {"rbind", c.word}));
    }
    Json report = Probe(host, dir, config);
    for (const Case& c : kCases) {
      SCOPED_TRACE(c.word);
      Json m = MountAt(report, absl::StrCat("/mnt-", c.word, "/sub"));
      ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
      EXPECT_THAT(OptionsOf(m), Not(Contains("noatime"))) << m.dump();
      if (c.relatime) {
        EXPECT_THAT(OptionsOf(m), Contains("relatime")) << m.dump();
      } else {
        EXPECT_THAT(OptionsOf(m), Not(Contains("relatime"))) << m.dump();
      }
    }
  });
}

// ---------------------------------------------------------------------------
// idmap, ridmap, mounts[].uidMappings/gidMappings

// The mount's own mapping: containerID 0 is hostID 1000, one id.
Json ZeroShownAsThousand() {
  return Json::array({{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}});
}

// A bind entry with `options` and the mappings of ZeroShownAsThousand.
Json IdmappedEntry(const std::string& source, const std::string& destination,
                   std::vector<std::string> options) {
  Json entry = {{"destination", destination},
                {"type", "none"},
                {"source", source},
                {"options", std::move(options)}};
  entry["uidMappings"] = ZeroShownAsThousand();
  entry["gidMappings"] = ZeroShownAsThousand();
  return entry;
}

class ConfigLinuxMountOptionsIdmap : public MountOptionsTest {};

// "idmap" with mount mappings: the bind mount is idmapped (the kernel
// shows "idmapped", which only `mount_setattr`(2) MOUNT_ATTR_IDMAP gives),
// and the word reaches no file system as data.
TEST_P(ConfigLinuxMountOptionsIdmap, IdmapBindMountIsIdmapped) {
  Covers({"config/linux-mount-options/7", "config/linux-mount-options/8",
          "config/linux-mount-options/9", "config/linux-mount-options/13",
          "config/posix-platform-mounts/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/idmap-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    Json config = ProbeConfig();
    config["mounts"].push_back(
        IdmappedEntry(source, "/mnt-idmap", {"bind", "idmap"}));
    config["mounts"].push_back(BindEntry(source, "/mnt-plain", {"bind"}));
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/mnt-idmap");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(m), Contains("idmapped")) << m.dump();
    EXPECT_THAT(OptionsOf(m), Not(Contains("idmap"))) << m.dump();
    Json plain = MountAt(report, "/mnt-plain");
    ASSERT_TRUE(plain.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(plain), Not(Contains("idmapped"))) << plain.dump();
  });
}

// "ridmap: applied recursively": with "rbind" every mount of the bound
// tree is idmapped; "idmap" idmaps only the top one.
TEST_P(ConfigLinuxMountOptionsIdmap, RidmapIdmapsSubmounts) {
  Covers({"config/linux-mount-options/7", "config/linux-mount-options/8"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source =
        MakeSourceWithSubmount(host, dir, MountFlags::kNone);
    absl::Cleanup unmount = [&] { UnmountSubmounts(host); };
    Json config = ProbeConfig();
    config["mounts"].push_back(
        IdmappedEntry(source, "/mnt-ridmap", {"rbind", "ridmap"}));
    config["mounts"].push_back(
        IdmappedEntry(source, "/mnt-idmap", {"rbind", "idmap"}));
    Json report = Probe(host, dir, config);
    for (const char* target :
         {"/mnt-ridmap", "/mnt-ridmap/sub", "/mnt-idmap"}) {
      Json m = MountAt(report, target);
      ASSERT_TRUE(m.is_object()) << target << report["mounts"].dump(2);
      EXPECT_THAT(OptionsOf(m), Contains("idmapped")) << m.dump();
    }
    Json sub = MountAt(report, "/mnt-idmap/sub");
    ASSERT_TRUE(sub.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(sub), Not(Contains("idmapped"))) << sub.dump();
  });
}

// mounts[].uidMappings/gidMappings without "idmap" or "ridmap" (the bundle
// SHOULD name one): runbox takes them as "idmap", as runc does.
TEST_P(ConfigLinuxMountOptionsIdmap, MappingsAloneMakeAnIdmappedMount) {
  Covers({"config/posix-platform-mounts/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/idmap-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    Json config = ProbeConfig();
    config["mounts"].push_back(IdmappedEntry(source, "/mnt-idmap", {"bind"}));
    Json report = Probe(host, dir, config);
    Json m = MountAt(report, "/mnt-idmap");
    ASSERT_TRUE(m.is_object()) << report["mounts"].dump(2);
    EXPECT_THAT(OptionsOf(m), Contains("idmapped")) << m.dump();
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxMountOptionsSymfollow);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxMountOptionsRecursive);
INSTANTIATE_DUAL_HOST_TEST_SUITE(ConfigLinuxMountOptionsIdmap);

// ---------------------------------------------------------------------------
// What only the real kernel answers: the fake's mount table is a record
// (its file system neither routes lookups through mounts nor refuses
// symlinks or writes because of them).

class ConfigLinuxMountOptionsKernel : public MountOptionsTest {};

// On a "nosymfollow" mount a path through a symlink fails with ELOOP; the
// same tree bound without it resolves the symlink.
TEST_P(ConfigLinuxMountOptionsKernel, NosymfollowRefusesSymlinks) {
  Covers({"config/linux-mount-options/5"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/bind-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source + "/real", 0755));
    ASSERT_OK(WriteFile(host, source + "/real/marker", kMarker));
    ASSERT_OK(host.SymlinkAt("real", Fd::Cwd(), source + "/link"));
    Json config = ProbeConfig();
    config["mounts"].push_back(
        BindEntry(source, "/mnt-nosym", {"bind", "nosymfollow"}));
    config["mounts"].push_back(BindEntry(source, "/mnt-sym", {"bind"}));
    Json report =
        Probe(host, dir, config,
              {"--file", "/mnt-nosym/link/marker", "--file",
               "/mnt-nosym/real/marker", "--file", "/mnt-sym/link/marker"});
    const Json& files = report["files"];
    EXPECT_EQ(files["/mnt-nosym/link/marker"]["errno"], "ELOOP")
        << files.dump(2);
    EXPECT_EQ(files["/mnt-nosym/real/marker"]["content"], kMarker)
        << files.dump(2);
    EXPECT_EQ(files["/mnt-sym/link/marker"]["content"], kMarker)
        << files.dump(2);
  });
}

// With "rro" a write in a submount of the bound tree fails with EROFS;
// with "ro" only the top mount refuses it.
TEST_P(ConfigLinuxMountOptionsKernel, RroRefusesWritesInSubmounts) {
  Covers({"config/linux-mount-options/6"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source =
        MakeSourceWithSubmount(host, dir, MountFlags::kNone);
    absl::Cleanup unmount = [&] { UnmountSubmounts(host); };
    Json config = ProbeConfig();
    config["mounts"].push_back(BindEntry(source, "/mnt-rro", {"rbind", "rro"}));
    config["mounts"].push_back(BindEntry(source, "/mnt-ro", {"rbind", "ro"}));
    Json report = Probe(
        host, dir, config,
        {"--write-file", "/mnt-rro/new", "--write-file", "/mnt-rro/sub/new",
         "--write-file", "/mnt-ro/sub/new", "--file", "/mnt-rro/sub/marker"});
    const Json& files = report["files"];
    EXPECT_EQ(files["/mnt-rro/new"]["write_result"], "EROFS") << files.dump(2);
    EXPECT_EQ(files["/mnt-rro/sub/new"]["write_result"], "EROFS")
        << files.dump(2);
    EXPECT_EQ(files["/mnt-ro/sub/new"]["write_result"], nullptr)
        << files.dump(2);
    // The submount is the host's tmpfs, not an empty directory.
    EXPECT_EQ(files["/mnt-rro/sub/marker"]["content"], kMarker)
        << files.dump(2);
  });
}

// "If uidMappings or gidMappings are specified for the mount, the runtime
// MUST use those values for the mount's mapping": as for a user
// namespace's maps (runc writes them into one), the file system's ids are
// the containerIDs and the mount shows them as the hostIDs. Through the
// mount a file of the file system's root (0) belongs to 1000, and one of
// 1000, which the mapping leaves out, to the overflow ids; the plain bind
// shows the owners as they are.
TEST_P(ConfigLinuxMountOptionsKernel, IdmapMappingsGiveTheOwners) {
  Covers({"config/linux-mount-options/8", "config/linux-mount-options/10",
          "config/posix-platform-mounts/1"});
  env().Run([&](Host& host, const std::string& dir) {
    if (auto reason = NeedsRoot(host)) GTEST_SKIP() << *reason;
    const std::string source = absl::StrCat(dir, "/idmap-source");
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), source, 0755));
    ASSERT_OK(WriteFile(host, source + "/thousand", kMarker));
    ASSERT_OK(WriteFile(host, source + "/root", kMarker));
    {
      ASSERT_OK_AND_ASSIGN(Fd fd, host.OpenAt(Fd::Cwd(), source + "/thousand",
                                              {.flags = OpenFlags::kReadOnly}));
      ASSERT_OK(host.Fchown(fd, 1000, 1000));
    }
    Json config = ProbeConfig();
    config["mounts"].push_back(
        IdmappedEntry(source, "/mnt-idmap", {"bind", "idmap"}));
    config["mounts"].push_back(BindEntry(source, "/mnt-plain", {"bind"}));
    Json report =
        Probe(host, dir, config,
              {"--file", "/mnt-idmap/root", "--file", "/mnt-idmap/thousand",
               "--file", "/mnt-plain/root", "--file", "/mnt-plain/thousand"});
    const Json& files = report["files"];
    EXPECT_EQ(files["/mnt-idmap/root"]["uid"], 1000) << files.dump(2);
    EXPECT_EQ(files["/mnt-idmap/root"]["gid"], 1000) << files.dump(2);
    EXPECT_EQ(files["/mnt-idmap/thousand"]["uid"], 65534) << files.dump(2);
    EXPECT_EQ(files["/mnt-idmap/thousand"]["gid"], 65534) << files.dump(2);
    EXPECT_EQ(files["/mnt-plain/root"]["uid"], 0) << files.dump(2);
    EXPECT_EQ(files["/mnt-plain/thousand"]["uid"], 1000) << files.dump(2);
  });
}

INSTANTIATE_LINUX_ONLY_TEST_SUITE(ConfigLinuxMountOptionsKernel);

}  // namespace
}  // namespace runbox::conformance
