// Tests for SerializeConfig / SerializeProcess: parse -> serialize -> parse
// is the identity on the model (the property the fuzzers check), defaults
// are omitted, and odd strings survive.
#include "runtime/spec/serialize.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/parse.h"
#include "runtime/spec/test_util.h"

namespace runbox::spec {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SerializeTest, RoundTripOfEveryTestdataConfig) {
  for (absl::string_view name : testdata::kTestConfigs) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Config parsed,
                         ParseConfig(testdata::ReadTestData(name)));
    for (JsonStyle style : {JsonStyle::kIndented, JsonStyle::kCompact}) {
      std::string text = SerializeConfig(parsed, style);
      ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
      EXPECT_EQ(again, parsed) << text;
      // And serializing is deterministic.
      EXPECT_EQ(SerializeConfig(again, style), text);
    }
  }
}

TEST(SerializeTest, RuncDefaultIsReproducedByteForByte) {
  std::string fixture = testdata::ReadTestData("runc_default.json");
  while (!fixture.empty() && fixture.back() == '\n') fixture.pop_back();
  ASSERT_OK_AND_ASSIGN(Config parsed, ParseConfig(fixture));
  EXPECT_EQ(SerializeConfig(parsed), fixture);
}

TEST(SerializeTest, DefaultsAreOmittedAndRequiredFieldsKept) {
  Config c;
  c.oci_version = "1.2.0";
  EXPECT_EQ(SerializeConfig(c, JsonStyle::kCompact),
            R"({"ociVersion":"1.2.0"})");
  c.process.emplace();
  c.root = Root{.path = ""};
  EXPECT_EQ(SerializeConfig(c, JsonStyle::kCompact),
            R"({"ociVersion":"1.2.0","process":{"user":{"uid":0,"gid":0},)"
            R"("cwd":""},"root":{"path":""}})");
}

TEST(SerializeTest, ZeroValuedOptionalsAreWritten) {
  Config c;
  c.oci_version = "1.2.0";
  c.process.emplace();
  c.process->oom_score_adj = 0;
  c.process->user.umask = 0;
  c.linux.emplace().resources.emplace().memory =
      Memory{.limit = 0, .disable_oom_killer = false};
  std::string text = SerializeConfig(c, JsonStyle::kCompact);
  EXPECT_THAT(text, HasSubstr(R"("oomScoreAdj":0)"));
  EXPECT_THAT(text, HasSubstr(R"("umask":0)"));
  EXPECT_THAT(text,
              HasSubstr(R"("memory":{"limit":0,"disableOOMKiller":false})"));
  ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
  EXPECT_EQ(again, c);
}

TEST(SerializeTest, FifoDeviceNumbersAreOptional) {
  Config c;
  c.oci_version = "1.2.0";
  c.linux.emplace().devices = {{.type = DeviceType::kFifo, .path = "/dev/p"},
                               {.type = DeviceType::kChar, .path = "/dev/c"}};
  std::string text = SerializeConfig(c, JsonStyle::kCompact);
  EXPECT_THAT(text, HasSubstr(R"({"path":"/dev/p","type":"p"})"));
  EXPECT_THAT(text,
              HasSubstr(R"({"path":"/dev/c","type":"c","major":0,"minor":0})"));
  ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
  EXPECT_EQ(again, c);
}

TEST(SerializeTest, StringsAreEscaped) {
  Config c;
  c.oci_version = "1.2.0";
  c.annotations = {{"quote\"key", "line\nbreak\ttab\\"},
                   {"unicode", "h\xc3\xa9llo \xe2\x9c\x93"},
                   {"control", std::string("\x01\x1f", 2)}};
  std::string text = SerializeConfig(c);
  ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
  EXPECT_EQ(again, c);
}

TEST(SerializeTest, InvalidUtf8DoesNotThrow) {
  Config c;
  c.oci_version = "1.2.0";
  c.hostname = "bad\xff";
  std::string text = SerializeConfig(c, JsonStyle::kCompact);
  ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
  EXPECT_EQ(again.hostname, "bad\xef\xbf\xbd");  // U+FFFD.
}

TEST(SerializeTest, EnumsUseSpecSpellings) {
  Config c;
  c.oci_version = "1.2.0";
  Linux& l = c.linux.emplace();
  l.namespaces = {{.type = NamespaceType::kNetwork}};
  l.rootfs_propagation = Propagation::kRslave;
  l.seccomp = Seccomp{.default_action = SeccompAction::kKillProcess,
                      .architectures = {SeccompArch::kX86_64}};
  std::string text = SerializeConfig(c, JsonStyle::kCompact);
  EXPECT_THAT(text, HasSubstr(R"("namespaces":[{"type":"network"}])"));
  EXPECT_THAT(text, HasSubstr(R"("rootfsPropagation":"rslave")"));
  EXPECT_THAT(text, HasSubstr(R"("defaultAction":"SCMP_ACT_KILL_PROCESS")"));
  EXPECT_THAT(text, HasSubstr(R"("architectures":["SCMP_ARCH_X86_64"])"));
  EXPECT_THAT(text, Not(HasSubstr("unknown")));
}

TEST(SerializeProcessTest, RoundTrip) {
  Process p = *DefaultSpec().process;
  p.console_size = ConsoleSize{.height = 24, .width = 80};
  p.user.additional_gids = {4, 5};
  p.oom_score_adj = -17;
  p.scheduler = Scheduler{.policy = SchedulerPolicy::kRr, .priority = 10};
  p.io_priority = IoPriority{.io_class = IoPriorityClass::kRt};
  p.exec_cpu_affinity = CpuAffinity{.final_cpus = "1"};
  p.capabilities->ambient = {Capability::kCheckpointRestore};
  for (JsonStyle style : {JsonStyle::kIndented, JsonStyle::kCompact}) {
    ASSERT_OK_AND_ASSIGN(Process again,
                         ParseProcess(SerializeProcess(p, style)));
    EXPECT_EQ(again, p);
  }
}

TEST(SerializeTest, UnknownCapabilitiesAreWrittenBackAndRoundTrip) {
  Config c;
  c.oci_version = "1.2.0";
  Process& p = c.process.emplace();
  p.cwd = "/";
  p.capabilities.emplace();
  p.capabilities->bounding = {Capability::kKill, Capability::kChown};
  p.capabilities->unknown.bounding = {"CAP_FOO", "CAP_BAR"};
  // A set holding only unknown names is still written.
  p.capabilities->unknown.ambient = {"CAP_NOT_A_REAL_ONE"};
  std::string text = SerializeConfig(c, JsonStyle::kCompact);
  EXPECT_THAT(text, HasSubstr(R"("bounding":["CAP_KILL","CAP_CHOWN","CAP_FOO",)"
                              R"("CAP_BAR"])"));
  EXPECT_THAT(text, HasSubstr(R"("ambient":["CAP_NOT_A_REAL_ONE"])"));
  EXPECT_THAT(text, Not(HasSubstr("effective")));
  ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
  EXPECT_EQ(again, c);
  EXPECT_EQ(SerializeConfig(again, JsonStyle::kCompact), text);
}

TEST(SerializeTest, ParseSerializeParseKeepsUnknownCapabilities) {
  ASSERT_OK_AND_ASSIGN(
      Config parsed,
      ParseConfig(R"({"ociVersion": "1.2.0", "process": {"cwd": "/",
          "capabilities": {"effective": ["CAP_X", "CAP_KILL", "CAP_Y"],
          "inheritable": ["CAP_Z"]}}})"));
  for (JsonStyle style : {JsonStyle::kIndented, JsonStyle::kCompact}) {
    std::string text = SerializeConfig(parsed, style);
    ASSERT_OK_AND_ASSIGN(Config again, ParseConfig(text));
    EXPECT_EQ(again, parsed) << text;
  }
  ASSERT_OK_AND_ASSIGN(Process p,
                       ParseProcess(SerializeProcess(*parsed.process)));
  EXPECT_EQ(p, *parsed.process);
  EXPECT_THAT(p.capabilities->unknown.effective,
              ::testing::ElementsAre("CAP_X", "CAP_Y"));
}

}  // namespace
}  // namespace runbox::spec
