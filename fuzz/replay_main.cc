// main() of every fuzz target's *_replay_test: runs each file of
// --corpus_dir=DIR and --regressions_dir=DIR (relative to the runfiles root,
// where `bazel test` starts) through LLVMFuzzerTestOneInput, so that the
// corpus and the regression inputs are checked by every ordinary `bazel
// test` with the normal toolchain. Test cases: Replay.Corpus (every corpus
// file) and one Replay.<file> per regression input. A target signals a
// violated property by aborting; the "replaying <file>" line printed before
// each input names the culprit even then. A missing regressions directory
// is fine (it exists once a crash was found); an empty corpus is an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
    __attribute__((weak));

namespace {

// A gtest name from a file path: letters, digits and '_' only.
std::string TestName(absl::string_view path) {
  std::string name;
  for (char c : path) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_';
    name.push_back(ok ? c : '_');
  }
  return name;
}

// Runs `paths` through the target, each announced on stderr first.
class ReplayTest : public testing::Test {
 public:
  explicit ReplayTest(std::vector<std::string> paths)
      : paths_(std::move(paths)) {}

  void TestBody() override {
    for (const std::string& path : paths_) {
      std::ifstream in(path, std::ios::binary);
      ASSERT_TRUE(in.good()) << "cannot read " << path;
      std::string bytes((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
      std::fprintf(stderr, "replaying %s (%zu bytes)\n", path.c_str(),
                   bytes.size());
      std::fflush(stderr);
      // A copy of exactly `size` bytes, as libFuzzer passes them, so that
      // ASan (when on) catches reads past the end.
      std::vector<uint8_t> data(bytes.begin(), bytes.end());
      EXPECT_EQ(LLVMFuzzerTestOneInput(data.data(), data.size()), 0) << path;
    }
  }

 private:
  std::vector<std::string> paths_;
};

void Register(const std::string& name, std::vector<std::string> paths) {
  testing::RegisterTest(
      "Replay", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
      [paths]() -> testing::Test* { return new ReplayTest(paths); });
}

std::vector<std::string> ListFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(
           dir, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  std::string corpus_dir, regressions_dir;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--corpus_dir=")) {
      corpus_dir = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--regressions_dir=")) {
      regressions_dir = std::string(arg);
    } else {
      std::fprintf(stderr,
                   "usage: %s --corpus_dir=DIR [--regressions_dir=DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> corpus = ListFiles(corpus_dir);
  if (corpus.empty()) {
    std::fprintf(stderr, "no inputs in --corpus_dir=%s\n", corpus_dir.c_str());
    return 1;
  }
  // The corpus is one test case: it grows by hundreds of files with each
  // campaign (tools/fuzz merges), and they are not separate scenarios.
  Register("Corpus", std::move(corpus));
  // Each regression input is a bug found and fixed: a case of its own.
  if (!regressions_dir.empty()) {
    for (const std::string& path : ListFiles(regressions_dir)) {
      Register(TestName(std::filesystem::path(path)
                            .lexically_relative(regressions_dir)
                            .string()),
               {path});
    }
  }
  return RUN_ALL_TESTS();
}
