// A container whose meta.json is corrupted (truncated, bit-flipped, or
// replaced by random JSON from a seeded generator), driven through the CLI
// on the fake kernel: `state` fails clearly (non-zero exit, the message
// names the container), `list` skips it with a warning naming it
// (docs: unreadable containers are skipped), nothing crashes, and
// `delete --force` cleans up: the state directory is gone and no process
// of the container is left. A corruption that still parses as a record is
// only held to the last two.
//
// Each seed is one corruption; a failure prints the seed. Replay one with
// --test_env=RUNBOX_SEED=N (or --test_arg=--seed=N).
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "fakes/fake_kernel.h"
#include "fakes/seeded_random.h"
#include "gtest/gtest.h"
#include "hostapi/host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/serialize.h"
#include "runtime/state/meta.h"
#include "runtime/testing/cli_runner.h"
#include "runtime/testing/dual_host.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {
namespace {

constexpr absl::string_view kRoot = "/run/corrupt";
const std::vector<std::string> kSleep = {"sleep", "100000"};

// Seeds per corruption kind (about 50 in all).
constexpr uint64_t kSeedsPerKind = 17;

std::string ConfigJson() {
  spec::Config config = spec::DefaultSpec();
  config.process->terminal = false;
  config.process->args = kSleep;
  return spec::SerializeConfig(config);
}

// Random JSON: nested values of every type, with keys meta.json uses.
std::string RandomJson(fake::SeededRandom& rng, int depth,
                       bool object = false) {
  static const char* const kKeys[] = {
      "id",     "schema_version",  "status", "pid",   "bundle", "created",
      "owner",  "supervisor",      "init",   "start", "exit",   "annotations",
      "cgroup", "planned_cgroups", "x",      ""};
  static const char* const kStrings[] = {
      "\"created\"", "\"running\"", "\"stopped\"",
      "\"\"",        "\"c1\"",      "\"2026-01-01T00:00:00Z\"",
      "\"/bundle\"", "\"\\u0000\"", "\"\\ud800\""};
  switch (object ? 6 : depth >= 4 ? rng.Uniform(5) : rng.Uniform(7)) {
    case 0:
      return "null";
    case 1:
      return rng.Uniform(2) ? "true" : "false";
    case 2: {
      static const char* const kNumbers[] = {"0",
                                             "-1",
                                             "1",
                                             "2147483647",
                                             "2147483648",
                                             "-2147483649",
                                             "18446744073709551616",
                                             "1e308",
                                             "0.5",
                                             "-0"};
      return kNumbers[rng.Uniform(std::size(kNumbers))];
    }
    case 3:
      return absl::StrCat(rng.Uniform(1u << 31));
    case 4:
      return kStrings[rng.Uniform(std::size(kStrings))];
    case 5: {
      std::string out = "[";
      for (uint64_t i = 0, n = rng.Uniform(4); i < n; ++i) {
        if (i > 0) out += ",";
        out += RandomJson(rng, depth + 1);
      }
      return out + "]";
    }
    default: {
      std::string out = "{";
      for (uint64_t i = 0, n = rng.Uniform(8); i < n; ++i) {
        if (i > 0) out += ",";
        absl::StrAppend(&out, "\"", kKeys[rng.Uniform(std::size(kKeys))],
                        "\":", RandomJson(rng, depth + 1));
      }
      return out + "}";
    }
  }
}

enum class Kind { kTruncate, kBitFlip, kRandomJson };

std::string Corrupt(Kind kind, const std::string& meta,
                    fake::SeededRandom& rng) {
  switch (kind) {
    case Kind::kTruncate:
      return meta.substr(0, rng.Uniform(meta.size()));
    case Kind::kBitFlip: {
      std::string out = meta;
      for (uint64_t i = 0, n = 1 + rng.Uniform(3); i < n; ++i) {
        out[rng.Uniform(out.size())] ^= static_cast<char>(1u << rng.Uniform(8));
      }
      return out;
    }
    case Kind::kRandomJson:
      // Top level: mostly objects, the shape of a record.
      return RandomJson(rng, 0, /*object=*/rng.Uniform(4) != 0);
  }
  return meta;
}

// Runs `fn` in a process of `kernel` to its end.
void InKernel(fake::FakeKernel& kernel, std::function<void(Host&)> fn) {
  Pid pid = kernel.StartFunction([&](Host& host) {
    fn(host);
    return 0;
  });
  EXPECT_EQ(RunFakeUntilExit(kernel, pid, 1), ExitStatus::Exited(0));
}

void RunKind(Kind kind, absl::string_view name) {
  std::unique_ptr<DualHost> env = DualHost::Make("Fake");
  RegisterRunboxAndBusybox(*env);
  std::unique_ptr<fake::FakeKernel> kernel = env->NewFakeKernel();
  InKernel(*kernel, [&](Host& host) {
    EXPECT_OK(
        MakeBusyboxRootfs(host, env->ProgramPath("busybox"), "/bundle/rootfs"));
    EXPECT_OK(WriteFile(host, "/bundle/config.json", ConfigJson()));
  });
  const std::string root(kRoot);
  for (uint64_t seed : SeedsToRun(kSeedsPerKind)) {
    SCOPED_TRACE(absl::StrCat(name, " seed ", seed,
                              " (replay: --test_env=RUNBOX_SEED=", seed, ")"));
    const std::string id = absl::StrCat("c", seed);
    const std::string dir = absl::StrCat(root, "/", id);
    const std::string meta_path = absl::StrCat(dir, "/meta.json");
    Output run =
        RunFakeRunbox(*kernel, root, {"run", "-d", "--bundle", "/bundle", id});
    ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.Describe();
    ASSERT_TRUE(FindLiveProcess(*kernel, kSleep).has_value());

    std::string original;
    InKernel(*kernel, [&](Host& host) {
      absl::StatusOr<std::string> text = ReadFile(host, meta_path);
      ASSERT_OK(text);
      original = *text;
    });
    ASSERT_FALSE(original.empty());
    fake::SeededRandom rng(seed * 3 + static_cast<uint64_t>(kind));
    const std::string corrupted = Corrupt(kind, original, rng);
    InKernel(*kernel, [&](Host& host) {
      ASSERT_OK(WriteFile(host, meta_path, corrupted));
    });
    const bool parses = ParseMeta(corrupted).ok();
    SCOPED_TRACE(absl::StrCat("meta.json now: ", corrupted.substr(0, 300),
                              parses ? " (still parses)" : ""));

    Output state = RunFakeRunbox(*kernel, root, {"state", id});
    EXPECT_TRUE(state.status.exited()) << state.Describe();
    Output list = RunFakeRunbox(*kernel, root, {"list"});
    EXPECT_EQ(list.status, ExitStatus::Exited(0)) << list.Describe();
    if (!parses) {
      EXPECT_NE(state.status, ExitStatus::Exited(0)) << state.Describe();
      EXPECT_TRUE(absl::StrContains(state.err, absl::StrCat("\"", id, "\"")))
          << state.Describe();
      EXPECT_TRUE(absl::StrContains(list.err, absl::StrCat("\"", id, "\"")))
          << list.Describe();
      EXPECT_FALSE(absl::StrContains(list.out, id)) << list.Describe();
    }

    Output del = RunFakeRunbox(*kernel, root, {"delete", "--force", id});
    EXPECT_EQ(del.status, ExitStatus::Exited(0)) << del.Describe();
    InKernel(*kernel, [&](Host& host) {
      EXPECT_THAT(host.StatAt(Fd::Cwd(), dir, FollowSymlinks::kNoFollow),
                  StatusIs(absl::StatusCode::kNotFound))
          << "state directory left";
    });
    // No process of the container: neither init nor its supervisor.
    for (const fake::ProcessInfo& p : kernel->Processes()) {
      if (p.zombie) continue;
      bool ours = p.argv == kSleep;
      for (const std::string& arg : p.argv) ours = ours || arg == id;
      EXPECT_FALSE(ours) << "left running: pid " << p.pid.value << " "
                         << absl::StrJoin(p.argv, " ");
    }
    if (testing::Test::HasFailure()) return;  // One seed's report is enough.
  }
}

TEST(CorruptedMetaTest, Truncated) { RunKind(Kind::kTruncate, "truncated"); }

TEST(CorruptedMetaTest, BitFlipped) { RunKind(Kind::kBitFlip, "bit flips"); }

TEST(CorruptedMetaTest, RandomJson) {
  RunKind(Kind::kRandomJson, "random JSON");
}

}  // namespace
}  // namespace runbox
