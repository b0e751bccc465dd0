// The helpers behind runtime.md "Lifecycle" (the config a container was
// created with, read back from its state directory, never the bundle's)
// and config.md "Linux process" (capabilities that cannot be mapped or
// granted are warnings, one each, never failures).
#include "runtime/container/container_internal.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/mock_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/common/io.h"
#include "runtime/spec/config.h"
#include "runtime/state/state_store.h"
#include "runtime/testing/dual_host.h"

namespace runbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Return;

// A RuntimeContext whose warnings are collected.
struct Warnings {
  std::vector<std::string> lines;
  RuntimeContext Context(Host& host, std::string root = "/unused") {
    return RuntimeContext{
        .host = host,
        .root = std::move(root),
        .warn = [this](absl::string_view m) { lines.emplace_back(m); }};
  }
};

spec::Process WithCapabilities(spec::Capabilities caps) {
  spec::Process process;
  process.cwd = "/";
  process.capabilities = std::move(caps);
  return process;
}

TEST(WarnUngrantableCapabilitiesTest, OneWarningPerUnknownOrUnavailableCap) {
  MockHost host;
  // A kernel whose last capability is CAP_PERFMON (38).
  EXPECT_CALL(host, LastCapability()).WillRepeatedly(Return(38));
  spec::Capabilities caps;
  caps.bounding = {spec::Capability::kKill, spec::Capability::kBpf,
                   spec::Capability::kCheckpointRestore};
  caps.effective = {spec::Capability::kBpf, spec::Capability::kPerfmon};
  caps.unknown.bounding = {"CAP_NOT_A_REAL_ONE"};
  caps.unknown.ambient = {"CAP_NOT_A_REAL_ONE"};
  Warnings warnings;
  RuntimeContext ctx = warnings.Context(host);
  internal::WarnUngrantableCapabilities(ctx, WithCapabilities(caps),
                                        "container \"c\"");
  EXPECT_THAT(warnings.lines,
              ElementsAre("container \"c\": ignoring unknown or unavailable "
                          "capability CAP_NOT_A_REAL_ONE (bounding, ambient)",
                          "container \"c\": ignoring unknown or unavailable "
                          "capability CAP_BPF (bounding, effective)",
                          "container \"c\": ignoring unknown or unavailable "
                          "capability CAP_CHECKPOINT_RESTORE (bounding)"));
}

TEST(WarnUngrantableCapabilitiesTest, GrantableCapabilitiesAreNotWarnedAbout) {
  MockHost host;
  EXPECT_CALL(host, LastCapability()).WillRepeatedly(Return(40));
  spec::Capabilities caps;
  caps.bounding = {spec::Capability::kKill,
                   spec::Capability::kCheckpointRestore};
  caps.ambient = {spec::Capability::kKill};
  Warnings warnings;
  RuntimeContext ctx = warnings.Context(host);
  internal::WarnUngrantableCapabilities(ctx, WithCapabilities(caps), "x");
  EXPECT_THAT(warnings.lines, IsEmpty());
}

TEST(WarnUngrantableCapabilitiesTest, UnreadableLastCapStillWarnsUnknown) {
  MockHost host;
  EXPECT_CALL(host, LastCapability())
      .WillRepeatedly(Return(ErrnoError(ENOENT, "cap_last_cap")));
  spec::Capabilities caps;
  caps.bounding = {spec::Capability::kCheckpointRestore};
  caps.unknown.permitted = {"CAP_FOO"};
  Warnings warnings;
  RuntimeContext ctx = warnings.Context(host);
  internal::WarnUngrantableCapabilities(ctx, WithCapabilities(caps), "x");
  EXPECT_THAT(warnings.lines,
              ElementsAre("x: ignoring unknown or unavailable capability "
                          "CAP_FOO (permitted)"));
}

TEST(WarnUngrantableCapabilitiesTest, NoCapabilitiesNoWarningNoHostCall) {
  MockHost host;
  EXPECT_CALL(host, LastCapability()).Times(0);
  spec::Process process;
  Warnings warnings;
  RuntimeContext ctx = warnings.Context(host);
  internal::WarnUngrantableCapabilities(ctx, process, "x");
  EXPECT_THAT(warnings.lines, IsEmpty());
}

using CreatedConfigTest = DualHostTest;

absl::StatusOr<StateStore> MakeStore(Host& host, const std::string& dir) {
  return StateStore::Open(host, StateLayout(absl::StrCat(dir, "/state")));
}

Meta MetaFor(absl::string_view id, absl::string_view bundle) {
  Meta meta;
  meta.id = std::string(id);
  meta.bundle = std::string(bundle);
  return meta;
}

// The saved copy is what counts: the bundle's config.json, edited after
// create, is not read.
TEST_P(CreatedConfigTest, ReadsTheSavedCopyNotTheBundle) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, MakeStore(host, dir));
    const std::string bundle = absl::StrCat(dir, "/bundle");
    ASSERT_OK(MakeDirs(host, Fd::Cwd(), bundle, 0755));
    ASSERT_OK_AND_ASSIGN(
        Fd bundle_dir,
        host.OpenAt(Fd::Cwd(), bundle, {.flags = OpenFlags::kDirectory}));
    ASSERT_OK(AtomicWriteFileAt(
        host, bundle_dir, "config.json",
        R"({"ociVersion": "1.2.0", "hostname": "edited"})", 0644));
    {
      ASSERT_OK_AND_ASSIGN(ContainerLock lock,
                           store.CreateExclusive(MetaFor("web", bundle)));
      ASSERT_OK(store.SaveConfigLocked(
          lock, R"({"ociVersion": "1.2.0", "hostname": "created"})"));
    }
    ASSERT_OK_AND_ASSIGN(spec::Config config,
                         internal::CreatedConfig(store, "web"));
    EXPECT_EQ(config.hostname, "created");
    // And through the public entry point.
    RuntimeContext ctx{.host = host, .root = store.layout().root()};
    ASSERT_OK_AND_ASSIGN(spec::Config again, CreatedConfig(ctx, "web"));
    EXPECT_EQ(again, config);
  });
}

TEST_P(CreatedConfigTest, MissingCopyIsFailedPrecondition) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, MakeStore(host, dir));
    ASSERT_OK(store.CreateExclusive(MetaFor("web", "/nowhere")).status());
    absl::StatusOr<spec::Config> config = internal::CreatedConfig(store, "web");
    EXPECT_THAT(config.status(),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(std::string(config.status().message()),
                HasSubstr("container \"web\": its saved config.json"));
    EXPECT_THAT(internal::CreatedConfig(store, "ghost").status(),
                StatusIs(absl::StatusCode::kNotFound));
  });
}

TEST_P(CreatedConfigTest, CorruptCopyIsDataLoss) {
  env().Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(StateStore store, MakeStore(host, dir));
    {
      ASSERT_OK_AND_ASSIGN(ContainerLock lock,
                           store.CreateExclusive(MetaFor("web", "/nowhere")));
      ASSERT_OK(store.SaveConfigLocked(lock, R"({"ociVersion": )"));
    }
    absl::StatusOr<spec::Config> config = internal::CreatedConfig(store, "web");
    EXPECT_THAT(config.status(), StatusIs(absl::StatusCode::kDataLoss));
    EXPECT_THAT(std::string(config.status().message()),
                HasSubstr("container \"web\": its saved config.json is "
                          "corrupt: "));
  });
}

INSTANTIATE_DUAL_HOST_TEST_SUITE(CreatedConfigTest);

}  // namespace
}  // namespace runbox
