// Tests for the scanner and the value parsers: Go's flag syntax and the Go
// strconv / go-units / time rules runc's values go through.
#include "runtime/cli/flag_spec.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The StatusOr is OK and holds a value equal to `expected`.
MATCHER_P(Holds, expected, "holds " + ::testing::PrintToString(expected)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  *result_listener << "holds " << ::testing::PrintToString(*arg);
  return *arg == expected;
}

template <typename T>
std::string ErrorText(const absl::StatusOr<T>& s) {
  return std::string(s.status().message());
}

const std::vector<FlagInfo>& TestFlags() {
  static const auto* flags = new std::vector<FlagInfo>{
      {"bundle", "b", FlagArity::kValue, "DIR", "bundle"},
      {"detach", "d", FlagArity::kBool, {}, "detach"},
      {"env", "e", FlagArity::kValue, "NAME=VALUE", "env", true},
  };
  return *flags;
}

absl::StatusOr<ScanResult> Scan(std::vector<std::string> args,
                                ArgOrder order = ArgOrder::kInterspersed) {
  return ScanFlags(TestFlags(), args, order);
}

auto Use(size_t flag, std::string spelling, std::string value) {
  return AllOf(Field(&FlagUse::flag, flag), Field(&FlagUse::spelling, spelling),
               Field(&FlagUse::value, value));
}

TEST(ScanFlagsTest, FourSpellingsOfAValueFlag) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--bundle", "/b"},
                                             {"--bundle=/b"},
                                             {"-bundle", "/b"},
                                             {"-bundle=/b"}}) {
    ASSERT_OK_AND_ASSIGN(ScanResult r, Scan(args));
    EXPECT_THAT(r.uses, ElementsAre(Field(&FlagUse::value, "/b"))) << args[0];
    EXPECT_THAT(r.positionals, IsEmpty());
  }
}

TEST(ScanFlagsTest, AliasWithOneOrTwoDashes) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"-b", "x", "--b=y", "-d", "--d"}));
  EXPECT_THAT(r.uses, ElementsAre(Use(0, "-b", "x"), Use(0, "--b", "y"),
                                  Use(1, "-d", "true"), Use(1, "--d", "true")));
}

TEST(ScanFlagsTest, BoolFlagNeverTakesTheNextWord) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"--detach", "false", "id"}));
  EXPECT_THAT(r.uses, ElementsAre(Use(1, "--detach", "true")));
  EXPECT_THAT(r.positionals, ElementsAre("false", "id"));
}

TEST(ScanFlagsTest, BoolFlagWithInlineValue) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"--detach=false"}));
  EXPECT_THAT(r.uses, ElementsAre(Use(1, "--detach", "false")));
}

TEST(ScanFlagsTest, ValueFlagTakesTheNextWordEvenWithADash) {
  // Go's flag package: `--memory -1` sets memory to -1.
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"--bundle", "-d", "id"}));
  EXPECT_THAT(r.uses, ElementsAre(Use(0, "--bundle", "-d")));
  EXPECT_THAT(r.positionals, ElementsAre("id"));
}

TEST(ScanFlagsTest, EmptyInlineValue) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"--bundle="}));
  EXPECT_THAT(r.uses, ElementsAre(Use(0, "--bundle", "")));
}

TEST(ScanFlagsTest, ValueMayContainEquals) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"-e=A=1", "--env", "B=2"}));
  EXPECT_THAT(r.uses, ElementsAre(Use(2, "-e", "A=1"), Use(2, "--env", "B=2")));
}

TEST(ScanFlagsTest, InterspersedFlagsAfterPositionals) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"id", "--detach", "-b", "x", "9"}));
  EXPECT_THAT(r.uses,
              ElementsAre(Use(1, "--detach", "true"), Use(0, "-b", "x")));
  EXPECT_THAT(r.positionals, ElementsAre("id", "9"));
}

TEST(ScanFlagsTest, FlagsFirstStopsAtTheFirstPositional) {
  ASSERT_OK_AND_ASSIGN(
      ScanResult r,
      Scan({"-d", "id", "ls", "-la", "--bundle", "x"}, ArgOrder::kFlagsFirst));
  EXPECT_THAT(r.uses, ElementsAre(Use(1, "-d", "true")));
  EXPECT_THAT(r.positionals, ElementsAre("id", "ls", "-la", "--bundle", "x"));
}

TEST(ScanFlagsTest, DoubleDashEndsFlags) {
  for (ArgOrder order : {ArgOrder::kInterspersed, ArgOrder::kFlagsFirst}) {
    ASSERT_OK_AND_ASSIGN(ScanResult r,
                         Scan({"-d", "--", "--bundle", "-x", "--"}, order));
    EXPECT_THAT(r.uses, ElementsAre(Use(1, "-d", "true")));
    EXPECT_THAT(r.positionals, ElementsAre("--bundle", "-x", "--"));
  }
}

TEST(ScanFlagsTest, SingleDashIsPositional) {
  ASSERT_OK_AND_ASSIGN(ScanResult r, Scan({"-", "-d"}));
  EXPECT_THAT(r.positionals, ElementsAre("-"));
  EXPECT_THAT(r.uses, ElementsAre(Use(1, "-d", "true")));
}

TEST(ScanFlagsTest, UnknownFlagNamedAsWritten) {
  EXPECT_EQ(ErrorText(Scan({"--foo"})), "flag provided but not defined: --foo");
  EXPECT_EQ(ErrorText(Scan({"-foo=1"})), "flag provided but not defined: -foo");
  EXPECT_THAT(Scan({"id", "--nope"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ScanFlagsTest, MissingValue) {
  EXPECT_EQ(ErrorText(Scan({"id", "--bundle"})),
            "flag needs an argument: --bundle");
  EXPECT_EQ(ErrorText(Scan({"-b"})), "flag needs an argument: -b");
}

TEST(ScanFlagsTest, BadSyntax) {
  EXPECT_EQ(ErrorText(Scan({"---bundle"})), "bad flag syntax: ---bundle");
  EXPECT_EQ(ErrorText(Scan({"-=x"})), "bad flag syntax: -=x");
  EXPECT_EQ(ErrorText(Scan({"--=x"})), "bad flag syntax: --=x");
}

TEST(ValueParsersTest, GoBool) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    EXPECT_THAT(ParseGoBool(t), Holds(true)) << t;
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    EXPECT_THAT(ParseGoBool(f), Holds(false)) << f;
  }
  for (const char* bad : {"", "yes", "tRUE", "2", " true"}) {
    EXPECT_THAT(ParseGoBool(bad), StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ValueParsersTest, GoIntBasePrefixes) {
  EXPECT_THAT(ParseGoInt("0"), Holds(0));
  EXPECT_THAT(ParseGoInt("42"), Holds(42));
  EXPECT_THAT(ParseGoInt("-42"), Holds(-42));
  EXPECT_THAT(ParseGoInt("+7"), Holds(7));
  EXPECT_THAT(ParseGoInt("0x1f"), Holds(31));
  EXPECT_THAT(ParseGoInt("0X1F"), Holds(31));
  EXPECT_THAT(ParseGoInt("0o17"), Holds(15));
  EXPECT_THAT(ParseGoInt("017"), Holds(15));
  EXPECT_THAT(ParseGoInt("0b101"), Holds(5));
  EXPECT_THAT(ParseGoInt("-0x10"), Holds(-16));
  EXPECT_THAT(ParseGoInt("9223372036854775807"), Holds(INT64_MAX));
  EXPECT_THAT(ParseGoInt("-9223372036854775808"), Holds(INT64_MIN));
  for (const char* bad : {"", "-", "08", "0x", "0b2", "1_000", "1.0", " 1",
                          "1 ", "abc", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999"}) {
    EXPECT_THAT(ParseGoInt(bad), StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ValueParsersTest, CountAndUint16Ranges) {
  EXPECT_THAT(ParseCount("3"), Holds(3));
  EXPECT_EQ(ErrorText(ParseCount("-1")), "must not be negative");
  EXPECT_EQ(ErrorText(ParseCount("2147483648")), "too large");
  EXPECT_THAT(ParseUint16("65535"), Holds(65535));
  EXPECT_THAT(ParseUint16("65536"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseUint16("-1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValueParsersTest, DecimalOnly) {
  EXPECT_THAT(ParseDecimalUint64("18446744073709551615"), Holds(UINT64_MAX));
  EXPECT_THAT(ParseDecimalInt64("-1"), Holds(-1));
  for (const char* bad :
       {"", "+1", "-1", "0x10", "1e3", "18446744073709551616"}) {
    EXPECT_THAT(ParseDecimalUint64(bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_THAT(ParseDecimalInt64("0x10"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValueParsersTest, MemoryBytesLikeGoUnitsRAMInBytes) {
  constexpr int64_t kKi = 1024, kMi = kKi * 1024, kGi = kMi * 1024;
  EXPECT_THAT(ParseMemoryBytes("-1"), Holds(-1));
  EXPECT_THAT(ParseMemoryBytes("0"), Holds(0));
  EXPECT_THAT(ParseMemoryBytes("1024"), Holds(1024));
  EXPECT_THAT(ParseMemoryBytes("32m"), Holds(32 * kMi));
  EXPECT_THAT(ParseMemoryBytes("32M"), Holds(32 * kMi));
  EXPECT_THAT(ParseMemoryBytes("1g"), Holds(kGi));
  EXPECT_THAT(ParseMemoryBytes("1kb"), Holds(kKi));
  EXPECT_THAT(ParseMemoryBytes("1KiB"), Holds(kKi));
  EXPECT_THAT(ParseMemoryBytes("512 MiB"), Holds(512 * kMi));
  EXPECT_THAT(ParseMemoryBytes("1.5g"), Holds(kGi + kGi / 2));
  EXPECT_THAT(ParseMemoryBytes("10b"), Holds(10));
  EXPECT_THAT(ParseMemoryBytes("2t"), Holds(2 * kGi * kKi));
  EXPECT_THAT(ParseMemoryBytes("8p"), Holds(int64_t{8} << 50));
  for (const char* bad : {"", "-2", "m", "1.2.3", "1.", ".5g", "1x", "1gg",
                          "1  m", " 1", "8192p", "99999999999999999999"}) {
    EXPECT_THAT(ParseMemoryBytes(bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ValueParsersTest, PositiveDuration) {
  EXPECT_THAT(ParsePositiveDuration("5s"), Holds(absl::Seconds(5)));
  EXPECT_THAT(ParsePositiveDuration("1m30s"), Holds(absl::Seconds(90)));
  EXPECT_THAT(ParsePositiveDuration("250ms"), Holds(absl::Milliseconds(250)));
  EXPECT_EQ(ErrorText(ParsePositiveDuration("0")), "must be greater than 0");
  EXPECT_EQ(ErrorText(ParsePositiveDuration("-1s")), "must be greater than 0");
  for (const char* bad : {"", "5", "inf", "abc", "5 s"}) {
    EXPECT_THAT(ParsePositiveDuration(bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ValueParsersTest, Enums) {
  EXPECT_THAT(ParseOutputFormat("json"), Holds(OutputFormat::kJson));
  EXPECT_THAT(ParseOutputFormat("table"), Holds(OutputFormat::kTable));
  EXPECT_EQ(ErrorText(ParseOutputFormat("JSON")), "must be table or json");
  EXPECT_THAT(ParseLogFormat(""), Holds(LogFormat::kText));
  EXPECT_THAT(ParseLogFormat("text"), Holds(LogFormat::kText));
  EXPECT_THAT(ParseLogFormat("json"), Holds(LogFormat::kJson));
  EXPECT_THAT(ParseLogFormat("xml"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseRootlessMode("auto"), Holds(RootlessMode::kAuto));
  EXPECT_THAT(ParseRootlessMode("true"), Holds(RootlessMode::kTrue));
  EXPECT_THAT(ParseRootlessMode("0"), Holds(RootlessMode::kFalse));
  EXPECT_EQ(ErrorText(ParseRootlessMode("maybe")),
            "must be true, false or auto");
}

TEST(ValueParsersTest, ExecUserAndGid) {
  EXPECT_THAT(ParseExecUser("1000"), Holds(ExecUser{1000, std::nullopt}));
  EXPECT_THAT(ParseExecUser("1000:100"), Holds(ExecUser{1000, 100}));
  EXPECT_THAT(ParseExecUser("4294967295:0"), Holds(ExecUser{4294967295u, 0}));
  for (const char* bad :
       {"", ":1", "1:", "a", "1:b", "-1", "4294967296", "1:2:3", "root"}) {
    EXPECT_THAT(ParseExecUser(bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_THAT(ParseGid("100"), Holds(100u));
  EXPECT_THAT(ParseGid("0x10"), Holds(16u));
  EXPECT_THAT(ParseGid("-1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseGid("4294967296"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace runbox::cli
