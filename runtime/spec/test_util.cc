// ReadTestData: tests run from the runfiles root, where data files sit at
// their workspace paths.
#include "runtime/spec/test_util.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace runbox::spec::testdata {

std::string ReadTestData(absl::string_view name) {
  std::string path = absl::StrCat("runtime/spec/testdata/", name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace runbox::spec::testdata
