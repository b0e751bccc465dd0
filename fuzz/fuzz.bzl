"""runbox_fuzz_target: a libFuzzer binary plus a gcc replay test of its corpus.

runbox_fuzz_target(name, srcs, deps) makes
  <name>_lib          the fuzz target code (defines LLVMFuzzerTestOneInput and,
                      optionally, LLVMFuzzerInitialize);
  <name>              the libFuzzer binary: `bazel build --config=fuzz
                      //fuzz:<name>` (tagged manual, so //... skips it: it only
                      links with clang's -fsanitize=fuzzer);
  <name>_replay_test  a gtest that runs every file of fuzz/corpus/<name>/ and
                      fuzz/regressions/<name>/ through the same entry point
                      with the normal toolchain: one test case for the
                      corpus, one per regression input.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def runbox_fuzz_target(name, srcs, deps = [], corpus = None, regressions = None, size = "small"):
    corpus = corpus or "corpus/" + name
    regressions = regressions or "regressions/" + name
    cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        deps = deps,
        alwayslink = 1,
    )
    cc_binary(
        name = name,
        testonly = True,
        linkopts = select({
            "//fuzz:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        tags = [
            "fuzz",
            "manual",
        ],
        deps = [":" + name + "_lib"],
    )
    cc_test(
        name = name + "_replay_test",
        size = size,
        args = [
            "--corpus_dir=fuzz/" + corpus,
            "--regressions_dir=fuzz/" + regressions,
        ],
        data = native.glob(
            [corpus + "/**", regressions + "/**"],
            allow_empty = True,
        ),
        deps = [
            ":" + name + "_lib",
            "//fuzz:replay_main",
        ],
    )
