// Test helper: reads a file of runtime/spec/testdata from the test's
// runfiles.
#ifndef RUNBOX_RUNTIME_SPEC_TEST_UTIL_H_
#define RUNBOX_RUNTIME_SPEC_TEST_UTIL_H_

#include <string>

#include "absl/strings/string_view.h"

namespace runbox::spec::testdata {

// The files of testdata/, by name.
inline constexpr absl::string_view kTestConfigs[] = {
    "runc_default.json",
    "runc_rootless.json",
    "podman.json",
    "containerd.json",
};

// Contents of testdata/<name>; aborts the test binary if it is missing.
std::string ReadTestData(absl::string_view name);

}  // namespace runbox::spec::testdata

#endif  // RUNBOX_RUNTIME_SPEC_TEST_UTIL_H_
