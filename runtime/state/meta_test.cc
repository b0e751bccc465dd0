// meta.json: round trips, size, time format, schema version, unknown
// fields, and every way a record can be wrong (never a crash).
#include "runtime/state/meta.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Meta Minimal() {
  Meta m;
  m.id = "web";
  m.status = ContainerStatus::kCreated;
  m.bundle = "/var/lib/bundles/web";
  m.created = absl::FromUnixNanos(1767225600123456789);
  return m;
}

Meta Full() {
  Meta m = Minimal();
  m.status = ContainerStatus::kRunning;
  m.supervisor = ProcessIdentity{Pid{4242}, 123456};
  m.init = ProcessIdentity{Pid{4243}, 123457};
  m.annotations = {{"io.kubernetes.cri.container-type", "sandbox"},
                   {"empty", ""}};
  m.owner = 1000;
  m.config_digest = "sha256:0123abcd";
  m.sandbox = "pod-sandbox";
  m.planned_cgroups = {"/runbox/web"};
  m.planned_mounts = {"/run/runbox/web/rootfs"};
  return m;
}

std::string MessageOf(absl::string_view text) {
  absl::StatusOr<Meta> m = ParseMeta(text);
  EXPECT_FALSE(m.ok()) << text;
  return std::string(m.status().message());
}

TEST(MetaTest, RoundTripsMinimalAndFull) {
  for (const Meta& m : {Minimal(), Full()}) {
    std::string text = SerializeMeta(m);
    ASSERT_OK_AND_ASSIGN(Meta back, ParseMeta(text));
    EXPECT_EQ(back, m) << text;
    EXPECT_EQ(SerializeMeta(back), text);
  }
}

// Only containers with linux.intelRdt carry these (not in Full(), which
// is the typical record the size bound is about).
TEST(MetaTest, RoundTripsResctrlGroup) {
  Meta m = Full();
  m.resctrl_group = "/sys/fs/resctrl/web";
  m.resctrl_owned = true;
  std::string text = SerializeMeta(m);
  EXPECT_THAT(text, HasSubstr("\"resctrl_group\":\"/sys/fs/resctrl/web\","
                              "\"resctrl_owned\":true"));
  ASSERT_OK_AND_ASSIGN(Meta back, ParseMeta(text));
  EXPECT_EQ(back, m);
  EXPECT_THAT(SerializeMeta(Full()), Not(HasSubstr("resctrl")));
}

TEST(MetaTest, IsCompactAndSmall) {
  std::string text = SerializeMeta(Minimal());
  EXPECT_EQ(text,
            "{\"schema_version\":1,\"id\":\"web\",\"status\":\"created\","
            "\"bundle\":\"/var/lib/bundles/web\",\"created\":"
            "\"2026-01-01T00:00:00.123456789Z\",\"owner\":0}");
  // A typical running container, with a 64-hex-digit ID as engines use.
  Meta m = Full();
  m.id = std::string(64, 'f');
  EXPECT_LT(SerializeMeta(m).size(), 512u) << SerializeMeta(m);
}

TEST(MetaTest, StatusNames) {
  for (ContainerStatus s :
       {ContainerStatus::kCreating, ContainerStatus::kCreated,
        ContainerStatus::kRunning, ContainerStatus::kPaused,
        ContainerStatus::kStopped}) {
    EXPECT_EQ(ParseContainerStatus(ContainerStatusName(s)), s);
  }
  EXPECT_EQ(ContainerStatusName(ContainerStatus::kPaused), "paused");
  EXPECT_EQ(ParseContainerStatus("Running"), std::nullopt);
}

TEST(MetaTest, TimeIsRfc3339WithNanoseconds) {
  EXPECT_EQ(FormatRfc3339Nanos(absl::FromUnixNanos(1)),
            "1970-01-01T00:00:00.000000001Z");
  ASSERT_OK_AND_ASSIGN(absl::Time t,
                       ParseRfc3339("2026-01-01T02:00:00.5+02:00"));
  EXPECT_EQ(t, absl::FromUnixMillis(1767225600500));
  ASSERT_OK_AND_ASSIGN(t, ParseRfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(t, absl::FromUnixSeconds(1767225600));
  EXPECT_THAT(ParseRfc3339("yesterday"), Not(IsOk()));
}

TEST(MetaTest, NewerSchemaVersionIsAClearError) {
  std::string text =
      absl::StrReplaceAll(SerializeMeta(Minimal()),
                          {{"\"schema_version\":1", "\"schema_version\":7"}});
  absl::StatusOr<Meta> m = ParseMeta(text);
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(m.status().message(),
            "meta.json schema version 7 is newer than this runbox supports "
            "(1)");
  // Checked before anything else: a newer file may change other fields.
  EXPECT_EQ(MessageOf("{\"schema_version\":2,\"id\":5}"),
            "meta.json schema version 2 is newer than this runbox supports "
            "(1)");
}

TEST(MetaTest, UnknownFieldsAreTolerated) {
  std::string text = SerializeMeta(Full());
  text.insert(text.size() - 1,
              ",\"future_field\":{\"nested\":[1,2,3]},\"x\":null");
  ASSERT_OK_AND_ASSIGN(Meta m, ParseMeta(text));
  EXPECT_EQ(m, Full());
}

TEST(MetaTest, MissingRequiredFieldsAreNamed) {
  for (const char* field :
       {"schema_version", "id", "status", "bundle", "created", "owner"}) {
    nlohmann::json j = nlohmann::json::parse(SerializeMeta(Minimal()));
    j.erase(field);
    EXPECT_EQ(
        MessageOf(j.dump()),
        absl::StrCat("meta.json: missing required field \"", field, "\""));
  }
}

TEST(MetaTest, WrongTypesNameTheField) {
  struct Case {
    const char* field;
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"schema_version", "\"1\"",
       "field \"schema_version\": expected an integer, got string"},
      {"schema_version", "1.0",
       "field \"schema_version\": expected an integer, got number"},
      {"schema_version", "0", "field \"schema_version\": must be between 1"},
      {"id", "7", "field \"id\": expected a string, got number"},
      {"id", "\"a/b\"", "field \"id\": invalid container id \"a/b\""},
      {"status", "\"sleeping\"",
       "field \"status\": unknown status \"sleeping\""},
      {"status", "null", "field \"status\": expected a string, got null"},
      {"bundle", "[]", "field \"bundle\": expected a string, got array"},
      {"created", "\"noon\"", "field \"created\": invalid RFC 3339 time"},
      {"owner", "-1", "field \"owner\": must be between 0 and 4294967295"},
      {"owner", "true", "field \"owner\": expected an integer, got boolean"},
      {"supervisor", "42", "field \"supervisor\": expected an object"},
      {"supervisor", "{\"pid\":0,\"start_time\":1}",
       "field \"supervisor.pid\": must be between 1"},
      {"supervisor", "{\"pid\":-5,\"start_time\":1}",
       "field \"supervisor.pid\": must be between 1"},
      {"supervisor", "{\"pid\":2147483648,\"start_time\":1}",
       "field \"supervisor.pid\": must be between 1 and 2147483647"},
      {"init", "{\"pid\":3}", "field \"init.start_time\": missing"},
      {"init", "{\"pid\":3,\"start_time\":-1}",
       "field \"init.start_time\": must not be negative"},
      {"annotations", "{\"a\":1}",
       "field \"annotations.a\": expected a string, got number"},
      {"annotations", "[]", "field \"annotations\": expected an object"},
      {"config_digest", "{}", "field \"config_digest\": expected a string"},
      {"sandbox", "7", "field \"sandbox\": expected a string"},
      {"planned_cgroups", "\"/a\"",
       "field \"planned_cgroups\": expected an array of strings, got string"},
      {"planned_mounts", "[\"/a\",2]",
       "field \"planned_mounts[1]\": expected a string, got number"},
      {"resctrl_group", "[]", "field \"resctrl_group\": expected a string"},
      {"resctrl_owned", "1", "field \"resctrl_owned\": expected a boolean"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = nlohmann::json::parse(SerializeMeta(Minimal()));
    j[c.field] = nlohmann::json::parse(c.value);
    absl::StatusOr<Meta> m = ParseMeta(j.dump());
    EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument)) << j.dump();
    EXPECT_THAT(std::string(m.status().message()),
                HasSubstr(absl::StrCat("meta.json: ", c.message)))
        << j.dump();
  }
}

TEST(MetaTest, GarbageIsAnErrorNeverACrash) {
  for (absl::string_view text :
       {"", "{", "}", "[]", "null", "42", "\"meta\"", "{\"id\":}",
        "{\"schema_version\":1}x", "\xff\xfe", "{\"a\":\"\\ud800\"}"}) {
    EXPECT_THAT(ParseMeta(text), StatusIs(absl::StatusCode::kInvalidArgument))
        << text;
  }
  EXPECT_THAT(MessageOf("[]"), HasSubstr("expected a JSON object, got array"));
  std::string deep(1000, '[');
  EXPECT_THAT(ParseMeta(deep), Not(IsOk()));
  std::string huge = SerializeMeta(Minimal());
  huge.insert(
      1, absl::StrCat("\"pad\":\"", std::string(kMaxMetaBytes, 'x'), "\","));
  EXPECT_THAT(ParseMeta(huge), Not(IsOk()));
}

// Every single-byte corruption of a valid record parses or fails cleanly
// (a small deterministic stand-in for the fuzzer in fuzz/).
TEST(MetaTest, ByteCorruptionsNeverCrash) {
  const std::string text = SerializeMeta(Full());
  const char replacements[] = {'\0', '"', '{', '}', '[',  ']',   ',',
                               ':',  '-', '9', 'x', '\\', '\xff'};
  int parsed = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    for (char c : replacements) {
      std::string bad = text;
      bad[i] = c;
      absl::StatusOr<Meta> m = ParseMeta(bad);
      if (m.ok()) ++parsed;
    }
    std::string cut = text.substr(0, i);
    EXPECT_THAT(ParseMeta(cut), Not(IsOk())) << cut;
  }
  EXPECT_GT(parsed, 0);  // Some corruptions are harmless (inside strings).
}

TEST(MetaTest, InvalidUtf8IsReplacedNotThrown) {
  Meta m = Minimal();
  m.bundle = "/bundles/\xff\xfe";
  std::string text = SerializeMeta(m);
  ASSERT_OK_AND_ASSIGN(Meta back, ParseMeta(text));
  EXPECT_EQ(back.bundle, "/bundles/\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace runbox
