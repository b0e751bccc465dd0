#include "runtime/pod/pod.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hostapi/status_matchers.h"

namespace runbox::pod {
namespace {

using ::testing::HasSubstr;

TEST(RoleOfTest, NoPodAnnotationsIsAContainerOfItsOwn) {
  absl::StatusOr<PodRole> role = RoleOf({{"org.example", "x"}});
  ASSERT_THAT(role.status(), IsOk());
  EXPECT_EQ(*role, PodRole{});
}

TEST(RoleOfTest, ReadsEachEnginesSpelling) {
  struct Case {
    std::map<std::string, std::string> annotations;
    PodRole want;
  };
  const Case cases[] = {
      {{{"io.kubernetes.cri.container-type", "sandbox"}}, {Role::kSandbox, ""}},
      {{{"io.kubernetes.cri.container-type", "container"},
        {"io.kubernetes.cri.sandbox-id", "pod1"}},
       {Role::kContainer, "pod1"}},
      {{{"io.kubernetes.cri-o.ContainerType", "sandbox"}},
       {Role::kSandbox, ""}},
      {{{"io.kubernetes.cri-o.ContainerType", "container"},
        {"io.kubernetes.cri-o.SandboxID", "pod2"}},
       {Role::kContainer, "pod2"}},
      {{{"io.kubernetes.docker.type", "podsandbox"}}, {Role::kSandbox, ""}},
      {{{"io.kubernetes.docker.type", "container"},
        {"io.kubernetes.sandbox.id", "pod3"}},
       {Role::kContainer, "pod3"}},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PodRole> role = RoleOf(c.annotations);
    ASSERT_THAT(role.status(), IsOk()) << c.annotations.begin()->first;
    EXPECT_EQ(*role, c.want) << c.annotations.begin()->first;
  }
}

TEST(RoleOfTest, AContainerWithoutItsSandboxIsAnError) {
  absl::StatusOr<PodRole> role =
      RoleOf({{"io.kubernetes.cri.container-type", "container"}});
  EXPECT_THAT(role.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(role.status().message(),
              HasSubstr("io.kubernetes.cri.sandbox-id"));
}

TEST(RoleOfTest, AnUnknownTypeIsAnError) {
  absl::StatusOr<PodRole> role =
      RoleOf({{"io.kubernetes.cri.container-type", "pod"}});
  EXPECT_THAT(role.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(role.status().message(), HasSubstr("unknown type \"pod\""));
}

spec::LinuxNamespace Ns(spec::NamespaceType type, std::string path = "") {
  return {type, std::move(path)};
}

TEST(JoinSandboxNamespacesTest, NetIpcUtsPointAtTheSandboxInit) {
  spec::Config config;
  config.linux.emplace();
  config.linux->namespaces = {
      Ns(spec::NamespaceType::kPid), Ns(spec::NamespaceType::kMount),
      // CRI's paths name the sandbox's runtime pid (the supervisor).
      Ns(spec::NamespaceType::kNetwork, "/proc/10/ns/net"),
      Ns(spec::NamespaceType::kIpc, "/proc/10/ns/ipc")};
  JoinSandboxNamespaces(config, Pid{42});
  EXPECT_THAT(
      config.linux->namespaces,
      ::testing::ElementsAre(
          Ns(spec::NamespaceType::kPid), Ns(spec::NamespaceType::kMount),
          Ns(spec::NamespaceType::kNetwork, "/proc/42/ns/net"),
          Ns(spec::NamespaceType::kIpc, "/proc/42/ns/ipc"),
          Ns(spec::NamespaceType::kUts, "/proc/42/ns/uts")));
}

TEST(JoinSandboxNamespacesTest, APidNamespaceIsSharedOnlyWhenAsked) {
  spec::Config config;
  config.linux.emplace();
  config.linux->namespaces = {Ns(spec::NamespaceType::kPid, "/proc/10/ns/pid")};
  JoinSandboxNamespaces(config, Pid{42});
  EXPECT_EQ(config.linux->namespaces[0],
            Ns(spec::NamespaceType::kPid, "/proc/42/ns/pid"));
}

}  // namespace
}  // namespace runbox::pod
