// mounts[].options (runtime/sandbox/rootfs/mount_options.h): the input
// split on NUL bytes is the options list (at most 64 elements). Properties:
// - parsing is deterministic;
// - the data string, split on ',', never holds a word runbox acts on
//   itself (a flag, recursive, propagation or bind word, or one of runc's
//   and `mount`(8)'s own), nor an empty word: those must not reach the file
//   system as data;
// - an element is read as its comma-separated words, as `mount`(8) reads
//   -o: the list with one word per element parses the same;
// - each word the parser turns into a flag has that effect: with the
//   word list cut after any flag word, its flag is set or cleared as the
//   word says, and a propagation word is the last propagation entry;
// - "bind"/"rbind" anywhere make a bind mount, recursive only with rbind.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "hostapi/host.h"
#include "runtime/sandbox/rootfs/mount_options.h"

namespace {

using ::runbox::MountFlags;
using ::runbox::rootfs::MountOptions;

struct Word {
  const char* word;
  bool clear;
  MountFlags flag;
};

// `mount`(8)'s flag words (runc's table, written out again independently).
const Word kFlags[] = {
    {"ro", false, MountFlags::kReadOnly},
    {"rw", true, MountFlags::kReadOnly},
    {"nosuid", false, MountFlags::kNoSuid},
    {"suid", true, MountFlags::kNoSuid},
    {"nodev", false, MountFlags::kNoDev},
    {"dev", true, MountFlags::kNoDev},
    {"noexec", false, MountFlags::kNoExec},
    {"exec", true, MountFlags::kNoExec},
    {"sync", false, MountFlags::kSynchronous},
    {"async", true, MountFlags::kSynchronous},
    {"dirsync", false, MountFlags::kDirSync},
    {"remount", false, MountFlags::kRemount},
    {"noatime", false, MountFlags::kNoAtime},
    {"atime", true, MountFlags::kNoAtime},
    {"nodiratime", false, MountFlags::kNoDirAtime},
    {"diratime", true, MountFlags::kNoDirAtime},
    {"relatime", false, MountFlags::kRelatime},
    {"norelatime", true, MountFlags::kRelatime},
    {"strictatime", false, MountFlags::kStrictAtime},
    {"nostrictatime", true, MountFlags::kStrictAtime},
    {"nosymfollow", false, MountFlags::kNoSymFollow},
    {"symfollow", true, MountFlags::kNoSymFollow},
};

struct Propagation {
  const char* word;
  MountFlags flags;
};
const Propagation kPropagation[] = {
    {"private", MountFlags::kPrivate},
    {"rprivate", MountFlags::kPrivate | MountFlags::kRecursive},
    {"shared", MountFlags::kShared},
    {"rshared", MountFlags::kShared | MountFlags::kRecursive},
    {"slave", MountFlags::kSlave},
    {"rslave", MountFlags::kSlave | MountFlags::kRecursive},
    {"unbindable", MountFlags::kUnbindable},
    {"runbindable", MountFlags::kUnbindable | MountFlags::kRecursive},
};

// Words that must never be file system data.
const std::set<std::string>& NotData() {
  static const std::set<std::string>* words = [] {
    auto* w = new std::set<std::string>{
        "bind", "rbind", "defaults", "tmpcopyup", "idmap", "ridmap", "auto",
        "noauto", "nofail", "_netdev",
        // Recursive words.
        "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec",
        "rnodiratime", "rdiratime", "rnosymfollow", "rsymfollow", "rnoatime",
        "ratime", "rrelatime", "rnorelatime", "rstrictatime", "rnostrictatime"};
    for (const Word& f : kFlags) w->insert(f.word);
    for (const Propagation& p : kPropagation) w->insert(p.word);
    return w;
  }();
  return *words;
}

bool Same(const MountOptions& a, const MountOptions& b) {
  return a.flags == b.flags && a.propagation == b.propagation &&
         a.recursive_set == b.recursive_set &&
         a.recursive_clear == b.recursive_clear && a.bind == b.bind &&
         a.recursive == b.recursive && a.data == b.data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> options;
  if (!input.empty()) {
    options = absl::StrSplit(input, absl::ByChar('\0'));
  }
  if (options.size() > 64) options.resize(64);

  const MountOptions parsed = runbox::rootfs::ParseMountOptions(options);
  FUZZ_CHECK(Same(parsed, runbox::rootfs::ParseMountOptions(options)),
             "not deterministic");

  if (!parsed.data.empty()) {
    for (absl::string_view word : absl::StrSplit(parsed.data, ',')) {
      FUZZ_CHECK(!word.empty(),
                 absl::StrCat("empty word in data \"", parsed.data, "\""));
      FUZZ_CHECK(
          NotData().count(std::string(word)) == 0 &&
              !absl::StartsWith(word, "x-") &&
              !absl::StartsWith(word, "comment="),
          absl::StrCat("\"", word, "\" passed as data: \"", parsed.data, "\""));
    }
  }

  // Each element is read as its comma-separated words (`mount`(8)'s -o):
  // the same list with one word per element parses the same.
  std::vector<std::string> words;
  for (const std::string& element : options) {
    for (absl::string_view w :
         absl::StrSplit(element, ',', absl::SkipEmpty())) {
      words.emplace_back(w);
    }
  }
  FUZZ_CHECK(Same(parsed, runbox::rootfs::ParseMountOptions(words)),
             "comma-joined words parse differently from separate ones");

  bool bind = false;
  bool rbind = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    bind = bind || word == "bind" || word == "rbind";
    rbind = rbind || word == "rbind";
    const std::vector<std::string> prefix(words.begin(), words.begin() + i + 1);
    for (const Word& f : kFlags) {
      if (word != f.word) continue;
      const MountOptions upto = runbox::rootfs::ParseMountOptions(prefix);
      const bool set = (upto.flags & f.flag) != MountFlags::kNone;
      FUZZ_CHECK(set == !f.clear,
                 absl::StrCat("\"", word, "\" at ", i, " has no effect"));
    }
    for (const Propagation& p : kPropagation) {
      if (word != p.word) continue;
      const MountOptions upto = runbox::rootfs::ParseMountOptions(prefix);
      FUZZ_CHECK(
          !upto.propagation.empty() && upto.propagation.back() == p.flags,
          absl::StrCat("\"", word, "\" at ", i, " not last propagation"));
    }
  }
  FUZZ_CHECK(parsed.bind == bind, "bind");
  FUZZ_CHECK(parsed.recursive == rbind, "recursive");
  return 0;
}
