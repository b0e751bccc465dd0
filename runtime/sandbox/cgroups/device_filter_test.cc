// CompileDeviceFilter, run through the fake kernel's eBPF interpreter
// (fakes/cgroups/device_program.h, written apart from the generator): runc's
// default device rules, the emulator's corner cases, and random rule sets
// against a reference model of the v1 devices cgroup with runc's checks.
#include "runtime/sandbox/cgroups/device_filter.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fakes/cgroups/device_program.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/sandbox/cgroups/resources.h"
#include "runtime/spec/config.h"

namespace runbox::cgroups {
namespace {

using fake::DeviceAccess;
using fake::kBpfAccMknod;
using fake::kBpfAccRead;
using fake::kBpfAccWrite;
using fake::kBpfDevBlock;
using fake::kBpfDevChar;
using spec::DeviceRule;
using spec::DeviceRuleType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint32_t kRwm = kBpfAccRead | kBpfAccWrite | kBpfAccMknod;

DeviceRule Rule(bool allow, DeviceRuleType type, std::optional<int64_t> major,
                std::optional<int64_t> minor, std::string access) {
  return DeviceRule{allow, type, major, minor, std::move(access)};
}

bool Allowed(const DeviceFilter& filter, uint32_t type, uint32_t access,
             uint32_t major, uint32_t minor) {
  absl::StatusOr<bool> verdict = fake::RunDeviceProgram(
      filter.Bytes(), DeviceAccess{type, access, major, minor});
  EXPECT_OK(verdict.status());
  return verdict.value_or(false);
}

TEST(EncodeBpfTest, KernelLayout) {
  // ldxw r2, [r1 + 4]; jne r4, -2, +3 (dst in the low nibble, little end).
  EXPECT_THAT(EncodeBpf({BpfInsn{0x61, 2, 1, 4, 0}}),
              ElementsAre(0x61, 0x12, 4, 0, 0, 0, 0, 0));
  EXPECT_THAT(EncodeBpf({BpfInsn{0x55, 4, 0, 3, -2}}),
              ElementsAre(0x55, 0x04, 3, 0, 0xfe, 0xff, 0xff, 0xff));
}

TEST(DeviceFilterTest, NoRulesDenyEverything) {
  ASSERT_OK_AND_ASSIGN(DeviceFilter filter, CompileDeviceFilter({}));
  EXPECT_FALSE(filter.default_allow);
  EXPECT_EQ(filter.license, "Apache");
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kBpfAccRead, 1, 3));
  EXPECT_FALSE(Allowed(filter, kBpfDevBlock, kBpfAccMknod, 8, 0));
}

TEST(DeviceFilterTest, AllowAllAfterDenyAll) {
  ASSERT_OK_AND_ASSIGN(
      DeviceFilter filter,
      CompileDeviceFilter({Rule(false, DeviceRuleType::kAll, {}, {}, "rwm"),
                           Rule(true, DeviceRuleType::kAll, {}, {}, "rwm")}));
  EXPECT_TRUE(filter.default_allow);
  EXPECT_TRUE(Allowed(filter, kBpfDevChar, kRwm, 10, 200));
  EXPECT_TRUE(Allowed(filter, kBpfDevBlock, kBpfAccWrite, 8, 0));
}

// The rules runbox's supervisor hands ApplyResources for `runbox spec`'s
// config (deny all, then runc's AllowedDevices).
TEST(DeviceFilterTest, RuncDefaultRules) {
  spec::Linux linux;
  linux.resources.emplace();
  linux.resources->devices = {Rule(false, DeviceRuleType::kAll, {}, {}, "rwm")};
  linux.devices.push_back(spec::LinuxDevice{});
  linux.devices.back().path = "/dev/fuse";
  linux.devices.back().type = spec::DeviceType::kChar;
  linux.devices.back().major = 10;
  linux.devices.back().minor = 229;
  ASSERT_OK_AND_ASSIGN(DeviceFilter filter,
                       CompileDeviceFilter(ContainerDeviceRules(linux)));
  EXPECT_FALSE(filter.default_allow);
  for (auto [major, minor] :
       std::vector<std::pair<uint32_t, uint32_t>>{{1, 3},
                                                  {1, 5},
                                                  {1, 7},
                                                  {1, 8},
                                                  {1, 9},
                                                  {5, 0},
                                                  {5, 1},
                                                  {5, 2},
                                                  {136, 0},
                                                  {136, 42},
                                                  {10, 229}}) {
    SCOPED_TRACE(absl::StrCat("c ", major, ":", minor));
    EXPECT_TRUE(Allowed(filter, kBpfDevChar, kBpfAccRead, major, minor));
    EXPECT_TRUE(
        Allowed(filter, kBpfDevChar, kBpfAccRead | kBpfAccWrite, major, minor));
    EXPECT_TRUE(Allowed(filter, kBpfDevChar, kRwm, major, minor));
  }
  // mknod of anything; nothing else of the rest.
  EXPECT_TRUE(Allowed(filter, kBpfDevChar, kBpfAccMknod, 10, 200));
  EXPECT_TRUE(Allowed(filter, kBpfDevBlock, kBpfAccMknod, 8, 0));
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kBpfAccRead, 10, 200));
  EXPECT_FALSE(
      Allowed(filter, kBpfDevChar, kBpfAccRead | kBpfAccMknod, 10, 200));
  EXPECT_FALSE(Allowed(filter, kBpfDevBlock, kBpfAccRead, 8, 0));
  EXPECT_FALSE(Allowed(filter, kBpfDevBlock, kBpfAccRead, 1, 3));
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kBpfAccWrite, 1, 4));
}

TEST(DeviceFilterTest, LaterRuleWinsPerDevice) {
  // Deny-list mode: everything but c 1:3 read.
  ASSERT_OK_AND_ASSIGN(
      DeviceFilter filter,
      CompileDeviceFilter({Rule(true, DeviceRuleType::kAll, {}, {}, "rwm"),
                           Rule(false, DeviceRuleType::kChar, 1, 3, "rw"),
                           Rule(true, DeviceRuleType::kChar, 1, 3, "w")}));
  EXPECT_TRUE(filter.default_allow);
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kBpfAccRead, 1, 3));
  EXPECT_TRUE(Allowed(filter, kBpfDevChar, kBpfAccWrite, 1, 3));
  EXPECT_TRUE(Allowed(filter, kBpfDevChar, kBpfAccRead, 1, 5));
}

TEST(DeviceFilterTest, AResetsWhateverItsNumbers) {
  // runc's emulator treats any type-"a" rule as "a *:* rwm".
  ASSERT_OK_AND_ASSIGN(
      DeviceFilter filter,
      CompileDeviceFilter({Rule(true, DeviceRuleType::kChar, 1, 3, "r"),
                           Rule(false, DeviceRuleType::kAll, 4, {}, "w")}));
  EXPECT_FALSE(filter.default_allow);
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kBpfAccRead, 1, 3));
}

TEST(DeviceFilterTest, PunchingAHoleInAWildcardIsRefused) {
  absl::StatusOr<DeviceFilter> filter =
      CompileDeviceFilter({Rule(true, DeviceRuleType::kChar, {}, {}, "m"),
                           Rule(false, DeviceRuleType::kChar, 1, 3, "rm")});
  EXPECT_THAT(filter, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(filter.status().message(), HasSubstr("punch a hole"));
  // Removing letters the wildcard lacks is fine.
  EXPECT_OK(
      CompileDeviceFilter({Rule(true, DeviceRuleType::kChar, {}, {}, "m"),
                           Rule(false, DeviceRuleType::kChar, 1, 3, "rw")}));
}

TEST(DeviceFilterTest, BadRulesAreRefused) {
  EXPECT_THAT(
      CompileDeviceFilter({Rule(true, DeviceRuleType::kChar, 1, 3, "x")}),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CompileDeviceFilter({Rule(true, DeviceRuleType::kChar,
                                        int64_t{1} << 32, 3, "r")}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      CompileDeviceFilter({Rule(true, DeviceRuleType::kBlock, 8, -2, "r")}),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DeviceFilterTest, NumbersAboveInt32MaxMatchExactly) {
  const int64_t big = 0xfffffff0;
  ASSERT_OK_AND_ASSIGN(
      DeviceFilter filter,
      CompileDeviceFilter({Rule(true, DeviceRuleType::kChar, big, big, "")}));
  EXPECT_TRUE(Allowed(filter, kBpfDevChar, kRwm, 0xfffffff0, 0xfffffff0));
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kRwm, 0xfffffff0, 0xfffffff1));
  EXPECT_FALSE(Allowed(filter, kBpfDevChar, kRwm, 0x7ffffff0, 0xfffffff0));
}

// The v1 devices cgroup (security/device_cgroup.c) as a list of exceptions
// to a default, with runc's refusal to punch holes in wildcards.
class ReferenceCgroup {
 public:
  // False when runc refuses the rule.
  bool Apply(const DeviceRule& rule) {
    uint32_t access = 0;
    for (char c : rule.access.empty() ? std::string("rwm") : rule.access) {
      access |= c == 'r' ? kBpfAccRead : c == 'w' ? kBpfAccWrite : kBpfAccMknod;
    }
    if (rule.type == DeviceRuleType::kAll) {
      allow_all_ = rule.allow;
      exceptions_.clear();
      return true;
    }
    Exception e{
        rule.type == DeviceRuleType::kBlock ? kBpfDevBlock : kBpfDevChar,
        rule.major.value_or(-1), rule.minor.value_or(-1), access};
    if (rule.allow != allow_all_) {  // Adds an exception (or merges).
      for (Exception& old : exceptions_) {
        if (old.SameDevice(e)) {
          old.access |= access;
          return true;
        }
      }
      exceptions_.push_back(e);
      return true;
    }
    for (const Exception& old : exceptions_) {
      const bool wider = old.type == e.type && !old.SameDevice(e) &&
                         (old.major == -1 || old.major == e.major) &&
                         (old.minor == -1 || old.minor == e.minor);
      if (wider && (old.access & access) != 0) return false;
    }
    for (size_t i = 0; i < exceptions_.size(); ++i) {
      if (!exceptions_[i].SameDevice(e)) continue;
      exceptions_[i].access &= ~access;
      if (exceptions_[i].access == 0) {
        exceptions_.erase(exceptions_.begin() + i);
      }
      break;
    }
    return true;
  }

  bool Allows(const DeviceAccess& a) const {
    for (const Exception& e : exceptions_) {
      if (e.type == a.type && (e.major == -1 || e.major == a.major) &&
          (e.minor == -1 || e.minor == a.minor) &&
          (a.access & ~e.access) == 0) {
        return !allow_all_;
      }
    }
    return allow_all_;
  }

 private:
  struct Exception {
    uint32_t type;
    int64_t major;
    int64_t minor;
    uint32_t access;
    bool SameDevice(const Exception& o) const {
      return type == o.type && major == o.major && minor == o.minor;
    }
  };
  bool allow_all_ = false;  // runc starts from deny-all.
  std::vector<Exception> exceptions_;
};

TEST(DeviceFilterTest, RandomRuleSetsMatchTheReference) {
  constexpr uint32_t kBaseSeed = 20261125;
  const std::vector<std::optional<int64_t>> numbers = {std::nullopt, 1, 3, 5};
  int refused = 0;
  for (uint32_t seed = kBaseSeed; seed < kBaseSeed + 400; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    std::vector<DeviceRule> rules;
    ReferenceCgroup reference;
    bool ok = true;
    const uint32_t count = pick(12);
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t t = pick(10);
      DeviceRule rule = Rule(pick(2) == 0,
                             t == 0  ? DeviceRuleType::kAll
                             : t < 6 ? DeviceRuleType::kChar
                                     : DeviceRuleType::kBlock,
                             numbers[pick(4)], numbers[pick(4)], "");
      const uint32_t letters = pick(8);  // 0: empty, which means rwm.
      if (letters & 1) rule.access += 'r';
      if (letters & 2) rule.access += 'w';
      if (letters & 4) rule.access += 'm';
      rules.push_back(rule);
      ok = ok && reference.Apply(rule);
    }
    absl::StatusOr<DeviceFilter> filter = CompileDeviceFilter(rules);
    ASSERT_EQ(filter.ok(), ok) << filter.status();
    if (!ok) {
      ++refused;
      continue;
    }
    for (uint32_t type : {kBpfDevChar, kBpfDevBlock}) {
      for (uint32_t major : {1, 3, 5, 7}) {
        for (uint32_t minor : {1, 3, 5, 7}) {
          for (uint32_t access = 1; access <= kRwm; ++access) {
            const DeviceAccess a{type, access, major, minor};
            ASSERT_EQ(Allowed(*filter, type, access, major, minor),
                      reference.Allows(a))
                << "type " << type << " access " << access << " " << major
                << ":" << minor;
          }
        }
      }
    }
  }
  // Both outcomes were exercised.
  EXPECT_GT(refused, 0);
  EXPECT_LT(refused, 200);
}

}  // namespace
}  // namespace runbox::cgroups
