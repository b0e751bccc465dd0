// mounts[].options parsing; see mount_options.h. The word list is runc's
// (libcontainer/specconv mountPropagationMapping and parseMountOptions).
#include "runtime/sandbox/rootfs/mount_options.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace runbox::rootfs {
namespace {

struct FlagWord {
  absl::string_view word;
  bool clear;  // The word removes the flag ("rw" clears ro).
  MountFlags flag;
};

constexpr FlagWord kFlagWords[] = {
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

// The recursive words (`mount_setattr`(2) with AT_RECURSIVE), runc's
// recAttrFlags. The atime setting is one value: "rnoatime",
// "rstrictatime" and "rrelatime" choose it; "ratime" and "rnostrictatime"
// go back to the kernel's default (relatime), "rnorelatime" to strictatime
// as `mount`(8) reads norelatime.
struct RecursiveWord {
  absl::string_view word;
  bool clear;
  MountFlags flag;
};

constexpr RecursiveWord kRecursiveWords[] = {
    {"rro", false, MountFlags::kReadOnly},
    {"rrw", true, MountFlags::kReadOnly},
    {"rnosuid", false, MountFlags::kNoSuid},
    {"rsuid", true, MountFlags::kNoSuid},
    {"rnodev", false, MountFlags::kNoDev},
    {"rdev", true, MountFlags::kNoDev},
    {"rnoexec", false, MountFlags::kNoExec},
    {"rexec", true, MountFlags::kNoExec},
    {"rnodiratime", false, MountFlags::kNoDirAtime},
    {"rdiratime", true, MountFlags::kNoDirAtime},
    {"rnosymfollow", false, MountFlags::kNoSymFollow},
    {"rsymfollow", true, MountFlags::kNoSymFollow},
};

struct RecursiveAtimeWord {
  absl::string_view word;
  MountFlags atime;
};

constexpr RecursiveAtimeWord kRecursiveAtimeWords[] = {
    {"rnoatime", MountFlags::kNoAtime},
    {"ratime", MountFlags::kRelatime},
    {"rrelatime", MountFlags::kRelatime},
    {"rnorelatime", MountFlags::kStrictAtime},
    {"rstrictatime", MountFlags::kStrictAtime},
    {"rnostrictatime", MountFlags::kRelatime},
};

struct PropagationWord {
  absl::string_view word;
  MountFlags flags;
};

constexpr PropagationWord kPropagationWords[] = {
    {"private", MountFlags::kPrivate},
    {"rprivate", MountFlags::kPrivate | MountFlags::kRecursive},
    {"shared", MountFlags::kShared},
    {"rshared", MountFlags::kShared | MountFlags::kRecursive},
    {"slave", MountFlags::kSlave},
    {"rslave", MountFlags::kSlave | MountFlags::kRecursive},
    {"unbindable", MountFlags::kUnbindable},
    {"runbindable", MountFlags::kUnbindable | MountFlags::kRecursive},
};

}  // namespace

MountOptions ParseMountOptions(const std::vector<std::string>& options) {
  MountOptions out;
  std::vector<absl::string_view> data;
  // An element holding several comma-separated words ("ro,nosuid") is read
  // word by word, as `mount`(8) reads -o: passed whole as data, its flag
  // words would reach the file system, which either refuses them or sets
  // the flag behind the parser's back. Unknown words are joined back
  // unchanged, so data such as context="...:c1,c2" is kept as written.
  std::vector<absl::string_view> words;
  for (const std::string& element : options) {
    for (absl::string_view word :
         absl::StrSplit(element, ',', absl::SkipEmpty())) {
      words.push_back(word);
    }
  }
  for (absl::string_view option : words) {
    bool known = false;
    for (const FlagWord& f : kFlagWords) {
      if (option != f.word) continue;
      known = true;
      if (f.clear) {
        out.flags &= ~f.flag;
      } else {
        out.flags |= f.flag;
      }
    }
    for (const PropagationWord& p : kPropagationWords) {
      if (option != p.word) continue;
      known = true;
      out.propagation.push_back(p.flags);
    }
    for (const RecursiveWord& r : kRecursiveWords) {
      if (option != r.word) continue;
      known = true;
      if (r.clear) {
        out.recursive_set &= ~r.flag;
        out.recursive_clear |= r.flag;
      } else {
        out.recursive_clear &= ~r.flag;
        out.recursive_set |= r.flag;
      }
    }
    for (const RecursiveAtimeWord& r : kRecursiveAtimeWords) {
      if (option != r.word) continue;
      known = true;
      out.recursive_set =
          (out.recursive_set & ~(MountFlags::kNoAtime | MountFlags::kRelatime |
                                 MountFlags::kStrictAtime)) |
          r.atime;
    }
    if (option == "bind" || option == "rbind") {
      known = true;
      out.bind = true;
      out.recursive = out.recursive || option == "rbind";
    }
    // runc's own words that never reach the kernel.
    if (option == "defaults" || option == "tmpcopyup" || option == "idmap" ||
        option == "ridmap") {
      known = true;
    }
    // Words `mount`(8) keeps to itself (fstab and helper hints, comments):
    // config.md says a runtime SHOULD do as mount(8) does with the options
    // it recognizes, and no file system would accept them as data.
    if (option == "auto" || option == "noauto" || option == "nofail" ||
        option == "_netdev" || absl::StartsWith(option, "x-") ||
        absl::StartsWith(option, "comment=")) {
      known = true;
    }
    if (!known && !option.empty()) data.push_back(option);
  }
  out.data = absl::StrJoin(data, ",");
  return out;
}

MountFlags MountInfoFlags(absl::string_view options) {
  MountFlags flags = MountFlags::kNone;
  for (absl::string_view word : absl::StrSplit(options, ',')) {
    if (word == "ro") flags |= MountFlags::kReadOnly;
    if (word == "nosuid") flags |= MountFlags::kNoSuid;
    if (word == "nodev") flags |= MountFlags::kNoDev;
    if (word == "noexec") flags |= MountFlags::kNoExec;
    if (word == "noatime") flags |= MountFlags::kNoAtime;
    if (word == "nodiratime") flags |= MountFlags::kNoDirAtime;
    if (word == "relatime") flags |= MountFlags::kRelatime;
    if (word == "nosymfollow") flags |= MountFlags::kNoSymFollow;
  }
  return flags;
}

}  // namespace runbox::rootfs
