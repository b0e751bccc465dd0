// Tests of the simulated file system: path resolution, the *at() calls'
// errnos, open descriptions, rename, flock, memfds, sockets, and the
// durability model under PowerLoss.
#include "fakes/fs/file_system.h"

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fakes/open_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

MATCHER_P(IsOkAndHolds, value,
          "is OK and holds " + testing::PrintToString(value)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  *result_listener << "holds " << testing::PrintToString(*arg);
  return *arg == value;
}

// The bytes of `s` (a literal as a Span would include its NUL).
absl::Span<const char> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(s.data(), s.size());
}

constexpr OpenFlags kRead = OpenFlags::kReadOnly;
constexpr OpenFlags kWrite = OpenFlags::kWriteOnly;
constexpr OpenFlags kRdWr = OpenFlags::kReadWrite;
constexpr OpenFlags kCreate = OpenFlags::kCreate;

class FileSystemTest : public ::testing::Test {
 protected:
  FileSystemTest() : fs_([this] { return now_; }) {
    ctx_.root = fs_.root();
    ctx_.cwd = fs_.root();
    ctx_.umask = 022;
  }

  absl::StatusOr<std::shared_ptr<OpenFile>> Open(
      absl::string_view path, OpenFlags flags, uint32_t mode = 0644,
      ResolveFlags resolve = ResolveFlags::kNone, InodeRef dir = nullptr) {
    return fs_.OpenAt(ctx_, dir, path, OpenHow{flags, mode, resolve});
  }

  // Creates or truncates `path` with `content`; fsyncs the file if asked.
  void WriteFile(absl::string_view path, absl::string_view content,
                 bool sync = false) {
    ASSERT_OK_AND_ASSIGN(auto file,
                         Open(path, kWrite | kCreate | OpenFlags::kTruncate));
    ASSERT_OK_AND_ASSIGN(size_t n, file->Write(content));
    ASSERT_EQ(n, content.size());
    if (sync) {
      ASSERT_OK(fs_.Fsync(*file));
    }
  }

  // The whole content, or "<ERRNO>" when it cannot be opened.
  std::string ReadFile(absl::string_view path) {
    absl::StatusOr<std::shared_ptr<OpenFile>> file = Open(path, kRead);
    if (!file.ok()) return absl::StrCat("<", ErrnoName(ErrnoOf(file)), ">");
    return ReadAllFrom(**file);
  }

  static std::string ReadAllFrom(OpenFile& file) {
    std::string out;
    char buf[7];  // Small on purpose: exercises the offset.
    while (true) {
      absl::StatusOr<size_t> n = file.Read(absl::MakeSpan(buf));
      if (!n.ok() || *n == 0) return out;
      out.append(buf, *n);
    }
  }

  void SyncDir(absl::string_view path) {
    ASSERT_OK_AND_ASSIGN(auto dir, Open(path, kRead | OpenFlags::kDirectory));
    ASSERT_OK(fs_.Fsync(*dir));
  }

  bool Exists(absl::string_view path) {
    return fs_.StatAt(ctx_, nullptr, path, FollowSymlinks::kNoFollow).ok();
  }

  FileStat Stat(absl::string_view path) {
    absl::StatusOr<FileStat> st =
        fs_.StatAt(ctx_, nullptr, path, FollowSymlinks::kNoFollow);
    EXPECT_OK(st);
    return st.ok() ? *st : FileStat{};
  }

  absl::Status Mkdir(absl::string_view path, uint32_t mode = 0755) {
    return fs_.MkdirAt(ctx_, nullptr, path, mode);
  }
  absl::Status Symlink(absl::string_view target, absl::string_view path) {
    return fs_.SymlinkAt(ctx_, target, nullptr, path);
  }
  absl::Status Rename(absl::string_view from, absl::string_view to,
                      RenameFlags flags = RenameFlags::kNone) {
    return fs_.RenameAt(ctx_, nullptr, from, nullptr, to, flags);
  }
  absl::Status Unlink(absl::string_view path,
                      UnlinkFlags flags = UnlinkFlags::kNone) {
    return fs_.UnlinkAt(ctx_, nullptr, path, flags);
  }
  InodeRef Dir(absl::string_view path) {
    absl::StatusOr<InodeRef> inode =
        fs_.Lookup(ctx_, nullptr, path, FollowSymlinks::kFollow);
    EXPECT_OK(inode);
    return inode.ok() ? *inode : nullptr;
  }

  absl::Time now_ = absl::FromUnixSeconds(1'000'000);
  FileSystem fs_;
  PathContext ctx_;
};

// --- Open, read, write --------------------------------------------------

TEST_F(FileSystemTest, CreateWriteAndReadBack) {
  WriteFile("/hello", "hello, world");
  EXPECT_EQ(ReadFile("/hello"), "hello, world");
  EXPECT_EQ(ReadFile("hello"), "hello, world");  // Relative to cwd.
  FileStat st = Stat("/hello");
  EXPECT_EQ(st.type, FileType::kRegular);
  EXPECT_EQ(st.size, 12);
  EXPECT_EQ(st.nlink, 1u);
  EXPECT_EQ(st.dev, 1u);
}

TEST_F(FileSystemTest, OpenMissingAndEmptyPathFailEnoent) {
  EXPECT_THAT(Open("/missing", kRead), HasErrno(ENOENT));
  EXPECT_THAT(Open("", kRead), HasErrno(ENOENT));
  EXPECT_THAT(Open("/missing/x", kRead | kCreate), HasErrno(ENOENT));
}

TEST_F(FileSystemTest, CreateAppliesUmask) {
  ctx_.umask = 027;
  ASSERT_OK(Open("/f", kWrite | kCreate, 0666).status());
  EXPECT_EQ(Stat("/f").mode, 0640u);
  ASSERT_OK(Mkdir("/d", 0777));
  EXPECT_EQ(Stat("/d").mode, 0750u);
}

TEST_F(FileSystemTest, ExclusiveCreateFailsOnAnyExistingName) {
  WriteFile("/f", "x");
  EXPECT_THAT(Open("/f", kWrite | kCreate | OpenFlags::kExclusive),
              HasErrno(EEXIST));
  ASSERT_OK(Mkdir("/d"));
  EXPECT_THAT(Open("/d", kRead | kCreate | OpenFlags::kExclusive),
              HasErrno(EEXIST));
  EXPECT_OK(Open("/new", kWrite | kCreate | OpenFlags::kExclusive).status());
}

TEST_F(FileSystemTest, ExclusiveCreateOnDanglingSymlinkFailsAndCreatesNothing) {
  ASSERT_OK(Symlink("/target", "/link"));
  EXPECT_THAT(Open("/link", kWrite | kCreate | OpenFlags::kExclusive),
              HasErrno(EEXIST));
  EXPECT_FALSE(Exists("/target"));
}

TEST_F(FileSystemTest, CreateThroughDanglingSymlinkCreatesTarget) {
  ASSERT_OK(Mkdir("/d"));
  ASSERT_OK(Symlink("t", "/d/link"));  // Relative to the link's directory.
  ASSERT_OK_AND_ASSIGN(auto file, Open("/d/link", kWrite | kCreate));
  ASSERT_OK(file->Write(Bytes("via link")).status());
  EXPECT_EQ(ReadFile("/d/t"), "via link");
  EXPECT_THAT(Open("/d/link", kWrite | kCreate | OpenFlags::kNoFollow),
              HasErrno(ELOOP));
}

TEST_F(FileSystemTest, CreateWithTrailingSlashIsEisdir) {
  EXPECT_THAT(Open("/f/", kWrite | kCreate), HasErrno(EISDIR));
  EXPECT_FALSE(Exists("/f"));
}

TEST_F(FileSystemTest, NoFollowOnFinalSymlink) {
  WriteFile("/f", "data");
  ASSERT_OK(Symlink("/f", "/link"));
  EXPECT_THAT(Open("/link", kRead | OpenFlags::kNoFollow), HasErrno(ELOOP));
  // O_PATH|O_NOFOLLOW opens the symlink itself.
  ASSERT_OK_AND_ASSIGN(auto link,
                       Open("/link", OpenFlags::kPath | OpenFlags::kNoFollow));
  ASSERT_OK_AND_ASSIGN(FileStat st, link->Stat());
  EXPECT_EQ(st.type, FileType::kSymlink);
  EXPECT_EQ(st.size, 2);
  InodeRef inode = fs_.InodeOf(*link);
  ASSERT_NE(inode, nullptr);
  EXPECT_THAT(fs_.ReadlinkAt(ctx_, inode, ""), IsOkAndHolds("/f"));
  // Without O_NOFOLLOW the symlink is followed.
  EXPECT_EQ(ReadFile("/link"), "data");
}

TEST_F(FileSystemTest, DirectoryFlagAndDirectoryOpenRules) {
  WriteFile("/f", "x");
  ASSERT_OK(Mkdir("/d"));
  EXPECT_THAT(Open("/f", kRead | OpenFlags::kDirectory), HasErrno(ENOTDIR));
  EXPECT_OK(Open("/d", kRead | OpenFlags::kDirectory).status());
  EXPECT_THAT(Open("/d", kWrite), HasErrno(EISDIR));
  EXPECT_THAT(Open("/d", kRdWr), HasErrno(EISDIR));
  EXPECT_THAT(Open("/d", kRead | kCreate), HasErrno(EISDIR));
  EXPECT_THAT(Open("/d", kRead | OpenFlags::kTruncate), HasErrno(EISDIR));
  ASSERT_OK_AND_ASSIGN(auto dir, Open("/d", kRead));
  char buf[4];
  EXPECT_THAT(dir->Read(absl::MakeSpan(buf)), HasErrno(EISDIR));
}

TEST_F(FileSystemTest, TruncateAndAppend) {
  WriteFile("/f", "0123456789");
  {
    ASSERT_OK_AND_ASSIGN(auto file, Open("/f", kWrite | OpenFlags::kAppend));
    ASSERT_OK(file->Write(Bytes("ab")).status());
    // pwrite with O_APPEND appends too (Linux's documented bug).
    ASSERT_OK(file->PWrite(Bytes("cd"), 0).status());
  }
  EXPECT_EQ(ReadFile("/f"), "0123456789abcd");
  ASSERT_OK(Open("/f", kWrite | OpenFlags::kTruncate).status());
  EXPECT_EQ(ReadFile("/f"), "");
}

TEST_F(FileSystemTest, WritePastEndZeroFillsAndPreadLeavesOffset) {
  ASSERT_OK_AND_ASSIGN(auto file, Open("/f", kRdWr | kCreate));
  ASSERT_OK(file->PWrite(Bytes("xy"), 4).status());
  EXPECT_EQ(ReadFile("/f"), std::string("\0\0\0\0xy", 6));
  char buf[2];
  ASSERT_OK_AND_ASSIGN(size_t n, file->PRead(absl::MakeSpan(buf), 4));
  EXPECT_EQ(std::string(buf, n), "xy");
  EXPECT_THAT(file->PRead(absl::MakeSpan(buf), -1), HasErrno(EINVAL));
  // The offset is still 0.
  ASSERT_OK_AND_ASSIGN(n, file->Read(absl::MakeSpan(buf)));
  EXPECT_EQ(std::string(buf, n), std::string("\0\0", 2));
}

TEST_F(FileSystemTest, AccessModesAndPathDescriptors) {
  WriteFile("/f", "data");
  char buf[4];
  ASSERT_OK_AND_ASSIGN(auto ro, Open("/f", kRead));
  EXPECT_THAT(ro->Write(Bytes("x")), HasErrno(EBADF));
  ASSERT_OK_AND_ASSIGN(auto wo, Open("/f", kWrite));
  EXPECT_THAT(wo->Read(absl::MakeSpan(buf)), HasErrno(EBADF));
  ASSERT_OK_AND_ASSIGN(auto path, Open("/f", OpenFlags::kPath | kRdWr));
  EXPECT_THAT(path->Read(absl::MakeSpan(buf)), HasErrno(EBADF));
  EXPECT_THAT(path->Write(Bytes("x")), HasErrno(EBADF));
  EXPECT_THAT(fs_.Fsync(*path), HasErrno(EBADF));
  ASSERT_OK_AND_ASSIGN(FileStat st, path->Stat());
  EXPECT_EQ(st.size, 4);
  // O_PATH ignores O_CREAT and O_TRUNC.
  EXPECT_THAT(Open("/new", OpenFlags::kPath | kCreate), HasErrno(ENOENT));
  ASSERT_OK(Open("/f", OpenFlags::kPath | OpenFlags::kTruncate).status());
  EXPECT_EQ(ReadFile("/f"), "data");
}

TEST_F(FileSystemTest, UnlinkedFileStaysUsableWhileOpen) {
  WriteFile("/f", "kept");
  ASSERT_OK_AND_ASSIGN(auto file, Open("/f", kRdWr));
  ASSERT_OK(Unlink("/f"));
  EXPECT_FALSE(Exists("/f"));
  EXPECT_EQ(ReadAllFrom(*file), "kept");
  ASSERT_OK(file->Write(Bytes("+more")).status());
  char buf[16];
  ASSERT_OK_AND_ASSIGN(size_t n, file->PRead(absl::MakeSpan(buf), 0));
  EXPECT_EQ(std::string(buf, n), "kept+more");
  ASSERT_OK_AND_ASSIGN(FileStat st, file->Stat());
  EXPECT_EQ(st.nlink, 0u);
}

TEST_F(FileSystemTest, LinkCounts) {
  WriteFile("/f", "x");
  ASSERT_OK(fs_.LinkAt(ctx_, nullptr, "/f", nullptr, "/g"));
  EXPECT_EQ(Stat("/f").nlink, 2u);
  EXPECT_EQ(Stat("/f").ino, Stat("/g").ino);
  ASSERT_OK(Unlink("/f"));
  EXPECT_EQ(Stat("/g").nlink, 1u);
  EXPECT_EQ(ReadFile("/g"), "x");

  ASSERT_OK(Mkdir("/d"));
  EXPECT_EQ(Stat("/d").nlink, 2u);
  ASSERT_OK(Mkdir("/d/a"));
  ASSERT_OK(Mkdir("/d/b"));
  WriteFile("/d/file", "");
  EXPECT_EQ(Stat("/d").nlink, 4u);
  EXPECT_EQ(Stat("/").nlink, 3u);
  EXPECT_EQ(Stat("/d").size, 4096);
}

TEST_F(FileSystemTest, LinkErrors) {
  WriteFile("/f", "x");
  ASSERT_OK(Mkdir("/d"));
  EXPECT_THAT(fs_.LinkAt(ctx_, nullptr, "/d", nullptr, "/d2"), HasErrno(EPERM));
  EXPECT_THAT(fs_.LinkAt(ctx_, nullptr, "/f", nullptr, "/d"), HasErrno(EEXIST));
  EXPECT_THAT(fs_.LinkAt(ctx_, nullptr, "/missing", nullptr, "/x"),
              HasErrno(ENOENT));
  // linkat without AT_SYMLINK_FOLLOW links the symlink itself.
  ASSERT_OK(Symlink("/f", "/s"));
  ASSERT_OK(fs_.LinkAt(ctx_, nullptr, "/s", nullptr, "/s2"));
  EXPECT_EQ(Stat("/s2").type, FileType::kSymlink);
}

// --- Path resolution ------------------------------------------------------

TEST_F(FileSystemTest, DotDotAndTrailingSlashes) {
  ASSERT_OK(Mkdir("/a"));
  ASSERT_OK(Mkdir("/a/b"));
  WriteFile("/a/f", "f");
  EXPECT_EQ(ReadFile("/a/b/../f"), "f");
  EXPECT_EQ(ReadFile("/a/./b/.././f"), "f");
  EXPECT_EQ(ReadFile("/../../a/f"), "f");  // ".." at the root stays.
  EXPECT_EQ(ReadFile("//a///f"), "f");
  EXPECT_THAT(Open("/a/f/", kRead), HasErrno(ENOTDIR));
  EXPECT_OK(Open("/a/b/", kRead).status());
  EXPECT_THAT(Open("/a/f/x", kRead), HasErrno(ENOTDIR));
  EXPECT_THAT(Open("/a/f/..", kRead), HasErrno(ENOTDIR));
  EXPECT_OK(Mkdir("/a/c/"));
  EXPECT_EQ(Stat("/a/c").type, FileType::kDirectory);
}

TEST_F(FileSystemTest, RelativeToDirAndCwd) {
  ASSERT_OK(Mkdir("/a"));
  WriteFile("/a/f", "f");
  InodeRef a = Dir("/a");
  EXPECT_OK(Open("f", kRead, 0, ResolveFlags::kNone, a).status());
  ctx_.cwd = a;
  EXPECT_EQ(ReadFile("f"), "f");
  EXPECT_EQ(ReadFile("../a/f"), "f");
  // A relative path from a non-directory is ENOTDIR.
  ASSERT_OK_AND_ASSIGN(InodeRef f,
                       fs_.Lookup(ctx_, nullptr, "f", FollowSymlinks::kFollow));
  EXPECT_THAT(Open("x", kRead, 0, ResolveFlags::kNone, f), HasErrno(ENOTDIR));
  // Path "" stats the directory itself.
  ASSERT_OK_AND_ASSIGN(FileStat st,
                       fs_.StatAt(ctx_, f, "", FollowSymlinks::kNoFollow));
  EXPECT_EQ(st.type, FileType::kRegular);
  EXPECT_EQ(fs_.ParentOf(a), fs_.root());
  EXPECT_EQ(fs_.ParentOf(fs_.root()), fs_.root());
}

TEST_F(FileSystemTest, NameTooLong) {
  std::string name(256, 'n');
  EXPECT_THAT(Open("/" + name, kWrite | kCreate), HasErrno(ENAMETOOLONG));
  EXPECT_THAT(Mkdir("/" + name), HasErrno(ENAMETOOLONG));
  EXPECT_OK(Mkdir("/" + std::string(255, 'n')));
  std::string long_path;
  while (long_path.size() < 4096) long_path += "/a";
  EXPECT_THAT(Open(long_path, kRead), HasErrno(ENAMETOOLONG));
}

TEST_F(FileSystemTest, SymlinkLoopsAndLimit) {
  ASSERT_OK(Symlink("/b", "/a"));
  ASSERT_OK(Symlink("/a", "/b"));
  EXPECT_THAT(Open("/a", kRead), HasErrno(ELOOP));
  EXPECT_THAT(Open("/a/x", kRead), HasErrno(ELOOP));
  ASSERT_OK(Symlink("self", "/self"));
  EXPECT_THAT(fs_.StatAt(ctx_, nullptr, "/self", FollowSymlinks::kFollow),
              HasErrno(ELOOP));
  // A chain of 40 links resolves; 41 is too many.
  WriteFile("/l0", "end");
  for (int i = 1; i <= 41; ++i) {
    ASSERT_OK(Symlink(absl::StrCat("l", i - 1), absl::StrCat("/l", i)));
  }
  EXPECT_EQ(ReadFile("/l40"), "end");
  EXPECT_THAT(Open("/l41", kRead), HasErrno(ELOOP));
}

TEST_F(FileSystemTest, AbsoluteSymlinkRestartsAtProcessRoot) {
  ASSERT_OK(Mkdir("/jail"));
  ASSERT_OK(Mkdir("/jail/etc"));
  WriteFile("/jail/etc/passwd", "inside");
  ASSERT_OK(Mkdir("/etc"));
  WriteFile("/etc/passwd", "outside");
  ASSERT_OK(Symlink("/etc/passwd", "/jail/link"));
  EXPECT_EQ(ReadFile("/jail/link"), "outside");
  ctx_.root = Dir("/jail");  // chroot("/jail")
  EXPECT_EQ(ReadFile("/link"), "inside");
  EXPECT_EQ(ReadFile("/../../etc/passwd"), "inside");
}

TEST_F(FileSystemTest, InRootClampsDotDotAndAbsoluteSymlinks) {
  ASSERT_OK(Mkdir("/root"));
  ASSERT_OK(Mkdir("/root/etc"));
  WriteFile("/root/etc/passwd", "inside");
  ASSERT_OK(Mkdir("/etc"));
  WriteFile("/etc/passwd", "outside");
  ASSERT_OK(Symlink("/etc/passwd", "/root/abs"));
  ASSERT_OK(Symlink("../../../etc/passwd", "/root/etc/rel"));
  InodeRef root = Dir("/root");
  auto read_in_root = [&](absl::string_view path) -> std::string {
    absl::StatusOr<std::shared_ptr<OpenFile>> f =
        Open(path, kRead, 0, ResolveFlags::kInRoot, root);
    if (!f.ok()) return absl::StrCat("<", ErrnoName(ErrnoOf(f)), ">");
    return ReadAllFrom(**f);
  };
  EXPECT_EQ(read_in_root("../../etc/passwd"), "inside");
  EXPECT_EQ(read_in_root("/etc/passwd"), "inside");
  EXPECT_EQ(read_in_root("abs"), "inside");
  EXPECT_EQ(read_in_root("etc/rel"), "inside");
  // Without the flag the same walks escape.
  EXPECT_EQ(ReadFile("/root/abs"), "outside");
  EXPECT_EQ(ReadFile("/root/etc/rel"), "outside");
}

TEST_F(FileSystemTest, BeneathRejectsEscapesWithExdev) {
  ASSERT_OK(Mkdir("/base"));
  ASSERT_OK(Mkdir("/base/sub"));
  WriteFile("/base/f", "f");
  WriteFile("/secret", "s");
  ASSERT_OK(Symlink("/secret", "/base/abs"));
  ASSERT_OK(Symlink("../secret", "/base/up"));
  ASSERT_OK(Symlink("../f", "/base/sub/ok"));
  InodeRef base = Dir("/base");
  auto open_beneath = [&](absl::string_view path) {
    return Open(path, kRead, 0, ResolveFlags::kBeneath, base);
  };
  EXPECT_THAT(open_beneath("/secret"), HasErrno(EXDEV));
  EXPECT_THAT(open_beneath("../secret"), HasErrno(EXDEV));
  EXPECT_THAT(open_beneath("sub/../../secret"), HasErrno(EXDEV));
  EXPECT_THAT(open_beneath("abs"), HasErrno(EXDEV));
  EXPECT_THAT(open_beneath("up"), HasErrno(EXDEV));
  EXPECT_OK(open_beneath("sub/../f").status());
  EXPECT_OK(open_beneath("sub/ok").status());
  EXPECT_THAT(
      Open("f", kRead, 0, ResolveFlags::kBeneath | ResolveFlags::kInRoot, base),
      HasErrno(EINVAL));
}

TEST_F(FileSystemTest, NoSymlinksRefusesAnyFollowedLink) {
  ASSERT_OK(Mkdir("/d"));
  WriteFile("/d/f", "f");
  ASSERT_OK(Symlink("d", "/dl"));
  ASSERT_OK(Symlink("d/f", "/fl"));
  EXPECT_THAT(Open("/dl/f", kRead, 0, ResolveFlags::kNoSymlinks),
              HasErrno(ELOOP));
  EXPECT_THAT(Open("/fl", kRead, 0, ResolveFlags::kNoSymlinks),
              HasErrno(ELOOP));
  EXPECT_OK(Open("/fl", OpenFlags::kPath | OpenFlags::kNoFollow, 0,
                 ResolveFlags::kNoSymlinks)
                .status());
  EXPECT_OK(Open("/d/f", kRead, 0,
                 ResolveFlags::kNoSymlinks | ResolveFlags::kNoMagicLinks |
                     ResolveFlags::kNoXdev)
                .status());
}

// --- Rename ---------------------------------------------------------------

TEST_F(FileSystemTest, RenameReplacesAtomically) {
  WriteFile("/state", "old");
  WriteFile("/state.tmp", "new");
  ASSERT_OK_AND_ASSIGN(auto old_reader, Open("/state", kRead));
  uint64_t new_ino = Stat("/state.tmp").ino;
  ASSERT_OK(Rename("/state.tmp", "/state"));
  EXPECT_EQ(ReadFile("/state"), "new");
  EXPECT_EQ(Stat("/state").ino, new_ino);
  EXPECT_FALSE(Exists("/state.tmp"));
  // The replaced file lives on for its open description.
  EXPECT_EQ(ReadAllFrom(*old_reader), "old");
  ASSERT_OK_AND_ASSIGN(FileStat st, old_reader->Stat());
  EXPECT_EQ(st.nlink, 0u);
}

TEST_F(FileSystemTest, RenameDirectoryRules) {
  ASSERT_OK(Mkdir("/a"));
  WriteFile("/a/f", "f");
  ASSERT_OK(Mkdir("/empty"));
  ASSERT_OK(Mkdir("/full"));
  WriteFile("/full/x", "x");
  WriteFile("/file", "");
  EXPECT_THAT(Rename("/a", "/full"), HasErrno(ENOTEMPTY));
  EXPECT_THAT(Rename("/a", "/file"), HasErrno(ENOTDIR));
  EXPECT_THAT(Rename("/file", "/empty"), HasErrno(EISDIR));
  EXPECT_THAT(Rename("/a", "/a/sub"), HasErrno(EINVAL));
  EXPECT_THAT(Rename("/a", "/a"), IsOk());
  ASSERT_OK(Rename("/a", "/empty"));
  EXPECT_EQ(ReadFile("/empty/f"), "f");
  EXPECT_FALSE(Exists("/a"));
  EXPECT_EQ(Stat("/").nlink, 4u);  // ".", "..", empty, full.
  // ".." of the moved directory follows it.
  ASSERT_OK(Mkdir("/full/sub"));
  ASSERT_OK(Rename("/empty", "/full/sub/moved"));
  EXPECT_EQ(ReadFile("/full/sub/moved/f"), "f");
  EXPECT_EQ(ReadFile("/full/sub/moved/../../x"), "x");
  // The target may not be an ancestor of the source.
  EXPECT_THAT(Rename("/full/sub/moved", "/full"), HasErrno(ENOTEMPTY));
}

TEST_F(FileSystemTest, RenameSameInodeIsNoOp) {
  WriteFile("/f", "x");
  ASSERT_OK(fs_.LinkAt(ctx_, nullptr, "/f", nullptr, "/g"));
  EXPECT_OK(Rename("/f", "/g"));
  EXPECT_TRUE(Exists("/f"));
  EXPECT_TRUE(Exists("/g"));
  EXPECT_EQ(Stat("/g").nlink, 2u);
}

TEST_F(FileSystemTest, RenameNoReplaceAndExchange) {
  WriteFile("/a", "A");
  WriteFile("/b", "B");
  ASSERT_OK(Mkdir("/d"));
  EXPECT_THAT(Rename("/a", "/b", RenameFlags::kNoReplace), HasErrno(EEXIST));
  EXPECT_OK(Rename("/a", "/c", RenameFlags::kNoReplace));
  ASSERT_OK(Rename("/c", "/b", RenameFlags::kExchange));
  EXPECT_EQ(ReadFile("/b"), "A");
  EXPECT_EQ(ReadFile("/c"), "B");
  EXPECT_THAT(Rename("/c", "/missing", RenameFlags::kExchange),
              HasErrno(ENOENT));
  EXPECT_THAT(
      Rename("/c", "/b", RenameFlags::kExchange | RenameFlags::kNoReplace),
      HasErrno(EINVAL));
  // A file and a directory may swap.
  ASSERT_OK(Rename("/d", "/b", RenameFlags::kExchange));
  EXPECT_EQ(Stat("/b").type, FileType::kDirectory);
  EXPECT_EQ(ReadFile("/d"), "A");
}

TEST_F(FileSystemTest, RenameSpecialNamesAndErrors) {
  ASSERT_OK(Mkdir("/d"));
  WriteFile("/f", "");
  EXPECT_THAT(Rename("/d/.", "/x"), HasErrno(EBUSY));
  EXPECT_THAT(Rename("/d/..", "/x"), HasErrno(EBUSY));
  EXPECT_THAT(Rename("/", "/x"), HasErrno(EBUSY));
  EXPECT_THAT(Rename("/f", "/d/."), HasErrno(EBUSY));
  EXPECT_THAT(Rename("/f", "/d/.", RenameFlags::kNoReplace), HasErrno(EEXIST));
  EXPECT_THAT(Rename("/missing", "/x"), HasErrno(ENOENT));
  EXPECT_THAT(Rename("/f/", "/x"), HasErrno(ENOTDIR));
  EXPECT_THAT(Rename("/f", "/x/"), HasErrno(ENOTDIR));
  EXPECT_OK(Rename("/d/", "/e/"));
}

// --- Unlink, mkdir, symlink, readlink, mknod --------------------------------

TEST_F(FileSystemTest, UnlinkAndRmdirErrors) {
  ASSERT_OK(Mkdir("/d"));
  WriteFile("/d/f", "");
  WriteFile("/f", "");
  EXPECT_THAT(Unlink("/missing"), HasErrno(ENOENT));
  EXPECT_THAT(Unlink("/d"), HasErrno(EISDIR));
  EXPECT_THAT(Unlink("/f/"), HasErrno(ENOTDIR));
  EXPECT_THAT(Unlink("/f", UnlinkFlags::kRemoveDir), HasErrno(ENOTDIR));
  EXPECT_THAT(Unlink("/d", UnlinkFlags::kRemoveDir), HasErrno(ENOTEMPTY));
  EXPECT_THAT(Unlink("/d/.", UnlinkFlags::kRemoveDir), HasErrno(EINVAL));
  EXPECT_THAT(Unlink("/d/..", UnlinkFlags::kRemoveDir), HasErrno(ENOTEMPTY));
  EXPECT_THAT(Unlink("/", UnlinkFlags::kRemoveDir), HasErrno(EBUSY));
  ASSERT_OK(Unlink("/d/f"));
  ASSERT_OK(Unlink("/d", UnlinkFlags::kRemoveDir));
  EXPECT_FALSE(Exists("/d"));
}

TEST_F(FileSystemTest, RemovedDirectoryTakesNoNewNames) {
  ASSERT_OK(Mkdir("/d"));
  InodeRef d = Dir("/d");
  ASSERT_OK_AND_ASSIGN(auto open_dir, Open("/d", kRead));
  ASSERT_OK(Unlink("/d", UnlinkFlags::kRemoveDir));
  EXPECT_THAT(fs_.MkdirAt(ctx_, d, "x", 0755), HasErrno(ENOENT));
  EXPECT_THAT(Open("f", kWrite | kCreate, 0644, ResolveFlags::kNone, d),
              HasErrno(ENOENT));
  EXPECT_THAT(fs_.ReadDir(*open_dir), HasErrno(ENOENT));
  ASSERT_OK_AND_ASSIGN(FileStat st, open_dir->Stat());
  EXPECT_EQ(st.nlink, 0u);
}

TEST_F(FileSystemTest, MkdirAndSymlinkEexist) {
  ASSERT_OK(Mkdir("/d"));
  EXPECT_THAT(Mkdir("/d"), HasErrno(EEXIST));
  EXPECT_THAT(Mkdir("/"), HasErrno(EEXIST));
  EXPECT_THAT(Mkdir("/d/.."), HasErrno(EEXIST));
  ASSERT_OK(Symlink("/nowhere", "/dangling"));
  EXPECT_THAT(Mkdir("/dangling"), HasErrno(EEXIST));
  EXPECT_THAT(Symlink("/x", "/dangling"), HasErrno(EEXIST));
  EXPECT_THAT(Symlink("/x", "/d"), HasErrno(EEXIST));
  EXPECT_THAT(Symlink("", "/empty"), HasErrno(ENOENT));
  EXPECT_THAT(Symlink("/x", "/new/"), HasErrno(ENOENT));
  EXPECT_THAT(Mkdir("/missing/d"), HasErrno(ENOENT));
}

TEST_F(FileSystemTest, Readlink) {
  WriteFile("/f", "");
  ASSERT_OK(Symlink("some/where", "/l"));
  EXPECT_THAT(fs_.ReadlinkAt(ctx_, nullptr, "/l"), IsOkAndHolds("some/where"));
  EXPECT_THAT(fs_.ReadlinkAt(ctx_, nullptr, "/f"), HasErrno(EINVAL));
  EXPECT_THAT(fs_.ReadlinkAt(ctx_, nullptr, "/missing"), HasErrno(ENOENT));
  // Path "" on something that is not a symlink is ENOENT, as on Linux.
  EXPECT_THAT(fs_.ReadlinkAt(ctx_, Dir("/"), ""), HasErrno(ENOENT));
  EXPECT_EQ(Stat("/l").type, FileType::kSymlink);
}

TEST_F(FileSystemTest, DevicesNullAndZero) {
  ASSERT_OK(Mkdir("/dev"));
  ASSERT_OK(fs_.MknodAt(ctx_, nullptr, "/dev/null", FileType::kCharDevice, 0666,
                        DeviceNumber{1, 3}));
  ASSERT_OK(fs_.MknodAt(ctx_, nullptr, "/dev/zero", FileType::kCharDevice, 0666,
                        DeviceNumber{1, 5}));
  ASSERT_OK(fs_.MknodAt(ctx_, nullptr, "/dev/sda", FileType::kBlockDevice, 0660,
                        DeviceNumber{8, 0}));
  ASSERT_OK(fs_.MknodAt(ctx_, nullptr, "/dev/tty9", FileType::kCharDevice, 0660,
                        DeviceNumber{4, 9}));
  ASSERT_OK(fs_.MknodAt(ctx_, nullptr, "/fifo", FileType::kFifo, 0600, {}));
  char buf[4] = {'a', 'b', 'c', 'd'};
  ASSERT_OK_AND_ASSIGN(auto null, Open("/dev/null", kRdWr));
  EXPECT_THAT(null->Read(absl::MakeSpan(buf)), IsOkAndHolds(0u));
  EXPECT_THAT(null->Write(Bytes("swallowed")), IsOkAndHolds(9u));
  ASSERT_OK_AND_ASSIGN(auto zero, Open("/dev/zero", kRead));
  EXPECT_THAT(zero->Read(absl::MakeSpan(buf)), IsOkAndHolds(4u));
  EXPECT_EQ(std::string(buf, 4), std::string(4, '\0'));
  FileStat st = Stat("/dev/null");
  EXPECT_EQ(st.type, FileType::kCharDevice);
  EXPECT_EQ(st.rdev, (DeviceNumber{1, 3}));
  EXPECT_THAT(Open("/dev/sda", kRead),
              StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(Open("/dev/tty9", kRead),
              StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(Open("/fifo", kRead), StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_OK(Open("/fifo", OpenFlags::kPath).status());
  EXPECT_THAT(
      fs_.MknodAt(ctx_, nullptr, "/dir", FileType::kDirectory, 0755, {}),
      HasErrno(EPERM));
}

TEST_F(FileSystemTest, ReadDirListsEntries) {
  ASSERT_OK(Mkdir("/d"));
  WriteFile("/d/b", "");
  ASSERT_OK(Mkdir("/d/a"));
  ASSERT_OK(fs_.SymlinkAt(ctx_, "x", nullptr, "/d/c"));
  ASSERT_OK_AND_ASSIGN(auto dir, Open("/d", kRead));
  ASSERT_OK_AND_ASSIGN(std::vector<DirEntry> entries, fs_.ReadDir(*dir));
  EXPECT_THAT(entries,
              ElementsAre(DirEntry{"a", FileType::kDirectory, Stat("/d/a").ino},
                          DirEntry{"b", FileType::kRegular, Stat("/d/b").ino},
                          DirEntry{"c", FileType::kSymlink, Stat("/d/c").ino}));
  ASSERT_OK_AND_ASSIGN(auto file, Open("/d/b", kRead));
  EXPECT_THAT(fs_.ReadDir(*file), HasErrno(ENOTDIR));
}

TEST_F(FileSystemTest, StatFieldsAndMtime) {
  WriteFile("/f", "x");
  absl::Time created = now_;
  EXPECT_EQ(Stat("/f").mtime, created);
  now_ += absl::Seconds(5);
  ASSERT_OK_AND_ASSIGN(auto f, Open("/f", kWrite));
  ASSERT_OK(f->Write(Bytes("y")).status());
  EXPECT_EQ(Stat("/f").mtime, now_);
  EXPECT_EQ(Stat("/").mtime, created);  // No entry changed since.
  now_ += absl::Seconds(5);
  ASSERT_OK(Mkdir("/d"));
  EXPECT_EQ(Stat("/").mtime, now_);
  EXPECT_NE(Stat("/f").ino, Stat("/d").ino);
  EXPECT_EQ(Stat("/f").uid, 0u);
}

TEST_F(FileSystemTest, FtruncateFchmodFchown) {
  WriteFile("/f", "abcdef");
  ASSERT_OK_AND_ASSIGN(auto ro, Open("/f", kRead));
  EXPECT_THAT(fs_.Ftruncate(*ro, 2), HasErrno(EINVAL));
  ASSERT_OK_AND_ASSIGN(auto rw, Open("/f", kRdWr));
  EXPECT_THAT(fs_.Ftruncate(*rw, -1), HasErrno(EINVAL));
  ASSERT_OK(fs_.Ftruncate(*rw, 2));
  EXPECT_EQ(ReadFile("/f"), "ab");
  ASSERT_OK(fs_.Ftruncate(*rw, 4));
  EXPECT_EQ(ReadFile("/f"), std::string("ab\0\0", 4));
  ASSERT_OK(fs_.Fchmod(*rw, 0104755));
  EXPECT_EQ(Stat("/f").mode, 04755u);
  // chown drops setuid, even as root.
  ASSERT_OK(fs_.Fchown(*rw, 1000, static_cast<Gid>(-1)));
  EXPECT_EQ(Stat("/f").uid, 1000u);
  EXPECT_EQ(Stat("/f").gid, 0u);
  EXPECT_EQ(Stat("/f").mode, 0755u);
}

// --- Durability -------------------------------------------------------------

TEST_F(FileSystemTest, RootStartsDurableAndUnsyncedEntriesVanish) {
  ASSERT_OK(Mkdir("/d"));
  WriteFile("/f", "data", /*sync=*/true);
  fs_.PowerLoss();
  EXPECT_FALSE(Exists("/d"));
  EXPECT_FALSE(Exists("/f"));
  EXPECT_TRUE(Exists("/"));
}

TEST_F(FileSystemTest, SyncAllMakesEverythingDurable) {
  ASSERT_OK(Mkdir("/d"));
  WriteFile("/d/f", "data");
  fs_.SyncAll();
  WriteFile("/d/f", "later");
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/d/f"), "data");
}

TEST_F(FileSystemTest, FsyncedDataWithoutDirFsyncIsGone) {
  ASSERT_OK(Mkdir("/d"));
  SyncDir("/");
  WriteFile("/d/f", "data", /*sync=*/true);
  fs_.PowerLoss();
  EXPECT_TRUE(Exists("/d"));
  EXPECT_FALSE(Exists("/d/f"));
}

TEST_F(FileSystemTest, DurableEntryWithoutDataFsyncComesBackEmpty) {
  WriteFile("/f", "never synced");
  SyncDir("/");
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/f"), "");
}

TEST_F(FileSystemTest, DataRevertsToLastFsync) {
  WriteFile("/f", "v1", /*sync=*/true);
  SyncDir("/");
  {
    ASSERT_OK_AND_ASSIGN(auto f, Open("/f", kWrite | OpenFlags::kAppend));
    ASSERT_OK(f->Write(Bytes("+v2")).status());
    ASSERT_OK(fs_.Fdatasync(*f));
    ASSERT_OK(f->Write(Bytes("+v3")).status());
    ASSERT_OK(fs_.Fchmod(*f, 0600));
  }
  EXPECT_EQ(ReadFile("/f"), "v1+v2+v3");
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/f"), "v1+v2");
  // fdatasync does not sync the mode; the creation mode is durable.
  EXPECT_EQ(Stat("/f").mode, 0644u);
}

TEST_F(FileSystemTest, RenameWithoutDirFsyncVanishes) {
  WriteFile("/state", "old", /*sync=*/true);
  SyncDir("/");
  WriteFile("/state.tmp", "new", /*sync=*/true);
  ASSERT_OK(Rename("/state.tmp", "/state"));
  EXPECT_EQ(ReadFile("/state"), "new");
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/state"), "old");
  EXPECT_FALSE(Exists("/state.tmp"));
}

TEST_F(FileSystemTest, RenameWithDirFsyncSurvives) {
  WriteFile("/state", "old", /*sync=*/true);
  SyncDir("/");
  WriteFile("/state.tmp", "new", /*sync=*/true);
  ASSERT_OK(Rename("/state.tmp", "/state"));
  SyncDir("/");
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/state"), "new");
  EXPECT_FALSE(Exists("/state.tmp"));
}

TEST_F(FileSystemTest, RenameWithoutDataFsyncGivesEmptyFile) {
  // The classic bug: rename before fsync of the new file's data.
  WriteFile("/state", "old", /*sync=*/true);
  SyncDir("/");
  WriteFile("/state.tmp", "new");
  ASSERT_OK(Rename("/state.tmp", "/state"));
  SyncDir("/");
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/state"), "");
}

TEST_F(FileSystemTest, NestedDirectoriesNeedEachFsync) {
  ASSERT_OK(Mkdir("/a"));
  ASSERT_OK(Mkdir("/a/b"));
  WriteFile("/a/b/f", "f", /*sync=*/true);
  SyncDir("/a/b");
  SyncDir("/");  // /a is durable, its entry b is not.
  fs_.PowerLoss();
  EXPECT_TRUE(Exists("/a"));
  EXPECT_FALSE(Exists("/a/b"));
  SyncDir("/a");
  ASSERT_OK(Mkdir("/a/c"));
  SyncDir("/a");
  fs_.PowerLoss();
  EXPECT_TRUE(Exists("/a/c"));
}

TEST_F(FileSystemTest, PowerLossRecomputesLinkCounts) {
  WriteFile("/f", "x", /*sync=*/true);
  ASSERT_OK(fs_.LinkAt(ctx_, nullptr, "/f", nullptr, "/g"));
  ASSERT_OK(Mkdir("/d"));
  SyncDir("/");
  ASSERT_OK(fs_.LinkAt(ctx_, nullptr, "/f", nullptr, "/d/h"));
  ASSERT_OK(Unlink("/g"));
  EXPECT_EQ(Stat("/f").nlink, 2u);
  fs_.PowerLoss();
  EXPECT_TRUE(Exists("/g"));
  EXPECT_FALSE(Exists("/d/h"));
  EXPECT_EQ(Stat("/f").nlink, 2u);
  EXPECT_EQ(Stat("/f").ino, Stat("/g").ino);
  EXPECT_EQ(Stat("/").nlink, 3u);
}

TEST_F(FileSystemTest, PowerLossRestoresUnlinkedDurableEntry) {
  WriteFile("/f", "kept", /*sync=*/true);
  SyncDir("/");
  ASSERT_OK(Unlink("/f"));
  fs_.PowerLoss();
  EXPECT_EQ(ReadFile("/f"), "kept");
}

TEST_F(FileSystemTest, PowerLossWithMovedDirectoryInTwoDurableParents) {
  ASSERT_OK(Mkdir("/x"));
  ASSERT_OK(Mkdir("/y"));
  ASSERT_OK(Mkdir("/x/d"));
  SyncDir("/x");
  SyncDir("/");
  ASSERT_OK(Rename("/x/d", "/y/d"));
  SyncDir("/y");  // /x still names d durably.
  fs_.PowerLoss();
  // One of the two names survives, not both (no directory hard links).
  EXPECT_NE(Exists("/x/d"), Exists("/y/d"));
  EXPECT_EQ(Stat("/").nlink, 4u);
}

TEST_F(FileSystemTest, PowerLossWithDurableCycleTerminates) {
  // Durable shadows can name each other in a cycle: /A durably holds B,
  // then B moves to / and A into B, and only B is synced.
  ASSERT_OK(Mkdir("/A"));
  ASSERT_OK(Mkdir("/A/B"));
  SyncDir("/A");
  SyncDir("/");
  ASSERT_OK(Rename("/A/B", "/B"));
  ASSERT_OK(Rename("/A", "/B/A"));
  SyncDir("/B");
  fs_.PowerLoss();
  EXPECT_TRUE(Exists("/A/B"));
  EXPECT_FALSE(Exists("/A/B/A"));
  EXPECT_FALSE(Exists("/B"));
  EXPECT_EQ(Stat("/A").nlink, 3u);
}

TEST_F(FileSystemTest, DurableCycleIsFreedWithTheFileSystem) {
  // The same cycle without a power loss: ~FileSystem must break it (the
  // ASan build's leak checker watches this test).
  ASSERT_OK(Mkdir("/A"));
  ASSERT_OK(Mkdir("/A/B"));
  SyncDir("/A");
  ASSERT_OK(Rename("/A/B", "/B"));
  ASSERT_OK(Rename("/A", "/B/A"));
  SyncDir("/B");
  EXPECT_TRUE(Exists("/B/A"));
}

TEST_F(FileSystemTest, FsyncOfDeviceIsEinval) {
  ASSERT_OK(fs_.MknodAt(ctx_, nullptr, "/null", FileType::kCharDevice, 0666,
                        DeviceNumber{1, 3}));
  ASSERT_OK_AND_ASSIGN(auto null, Open("/null", kWrite));
  EXPECT_THAT(fs_.Fsync(*null), HasErrno(EINVAL));
}

TEST_F(FileSystemTest, DebugStringMarksNonDurableEntries) {
  WriteFile("/durable", "x", /*sync=*/true);
  SyncDir("/");
  WriteFile("/fresh", "y");
  std::string debug = fs_.DebugString();
  EXPECT_THAT(debug, HasSubstr(" durable (file, 1 bytes)"));
  EXPECT_THAT(debug, HasSubstr("*fresh (file, 1 bytes, durable 0)"));
  ASSERT_OK(Unlink("/durable"));
  EXPECT_THAT(fs_.DebugString(), HasSubstr("-durable (removed"));
}

// --- flock -------------------------------------------------------------------

TEST_F(FileSystemTest, FlockSharedAndExclusive) {
  WriteFile("/lock", "");
  ASSERT_OK_AND_ASSIGN(auto a, Open("/lock", kRead));
  ASSERT_OK_AND_ASSIGN(auto b, Open("/lock", kRead));
  ASSERT_OK_AND_ASSIGN(auto c, Open("/lock", kRead));
  ASSERT_OK(fs_.Flock(*a, LockOp::kShared));
  ASSERT_OK(fs_.Flock(*b, LockOp::kShared));
  EXPECT_THAT(fs_.Flock(*c, LockOp::kExclusive), HasErrno(EAGAIN));
  EXPECT_TRUE(fs_.FlockWouldBlock(*c, LockOp::kExclusive));
  EXPECT_FALSE(fs_.FlockWouldBlock(*c, LockOp::kShared));
  ASSERT_OK(fs_.Flock(*a, LockOp::kUnlock));
  ASSERT_OK(fs_.Flock(*b, LockOp::kUnlock));
  EXPECT_FALSE(fs_.FlockWouldBlock(*c, LockOp::kExclusive));
  ASSERT_OK(fs_.Flock(*c, LockOp::kExclusive));
  ASSERT_OK(fs_.Flock(*c, LockOp::kExclusive));  // Again: no-op.
  EXPECT_THAT(fs_.Flock(*a, LockOp::kShared), HasErrno(EAGAIN));
  EXPECT_THAT(fs_.Flock(*a, LockOp::kExclusive), HasErrno(EAGAIN));
  EXPECT_OK(fs_.Flock(*a, LockOp::kUnlock));  // Unlock always succeeds.
  // Locks are per inode: another file is free.
  WriteFile("/other", "");
  ASSERT_OK_AND_ASSIGN(auto o, Open("/other", kRead));
  EXPECT_OK(fs_.Flock(*o, LockOp::kExclusive));
}

TEST_F(FileSystemTest, FlockReleasedWhenDescriptionDies) {
  WriteFile("/lock", "");
  ASSERT_OK_AND_ASSIGN(auto a, Open("/lock", kRead));
  ASSERT_OK_AND_ASSIGN(auto b, Open("/lock", kRead));
  ASSERT_OK(fs_.Flock(*a, LockOp::kExclusive));
  EXPECT_TRUE(fs_.FlockWouldBlock(*b, LockOp::kShared));
  a.reset();  // Last fd closed.
  EXPECT_FALSE(fs_.FlockWouldBlock(*b, LockOp::kShared));
  EXPECT_OK(fs_.Flock(*b, LockOp::kExclusive));
}

TEST_F(FileSystemTest, FlockConversionDropsOldLockFirst) {
  WriteFile("/lock", "");
  ASSERT_OK_AND_ASSIGN(auto a, Open("/lock", kRead));
  ASSERT_OK_AND_ASSIGN(auto b, Open("/lock", kRead));
  ASSERT_OK(fs_.Flock(*a, LockOp::kShared));
  ASSERT_OK(fs_.Flock(*a, LockOp::kExclusive));  // Sole holder: upgrades.
  ASSERT_OK(fs_.Flock(*a, LockOp::kShared));     // Downgrade.
  ASSERT_OK(fs_.Flock(*b, LockOp::kShared));
  // a's upgrade fails and leaves a with no lock at all.
  EXPECT_THAT(fs_.Flock(*a, LockOp::kExclusive), HasErrno(EAGAIN));
  ASSERT_OK(fs_.Flock(*b, LockOp::kUnlock));
  ASSERT_OK_AND_ASSIGN(auto c, Open("/lock", kRead));
  EXPECT_OK(fs_.Flock(*c, LockOp::kExclusive));
}

TEST_F(FileSystemTest, FlockOnPathDescriptorIsEbadf) {
  WriteFile("/lock", "");
  ASSERT_OK_AND_ASSIGN(auto p, Open("/lock", OpenFlags::kPath));
  EXPECT_THAT(fs_.Flock(*p, LockOp::kShared), HasErrno(EBADF));
}

TEST(FileSystemLifetimeTest, DescriptionMayOutliveFileSystem) {
  std::shared_ptr<OpenFile> file;
  {
    FileSystem fs([] { return absl::UnixEpoch(); });
    PathContext ctx{fs.root(), fs.root()};
    ASSERT_OK_AND_ASSIGN(
        file,
        fs.OpenAt(ctx, nullptr, "/f",
                  OpenHow{OpenFlags::kReadWrite | OpenFlags::kCreate, 0644}));
    ASSERT_OK(fs.Flock(*file, LockOp::kExclusive));
  }
  EXPECT_THAT(file->Write(Bytes("still works")), IsOkAndHolds(11u));
  file.reset();  // Releases the lock with no FileSystem around.
}

// --- memfd -------------------------------------------------------------------

TEST_F(FileSystemTest, MemfdIsAnUnlinkedFile) {
  std::shared_ptr<OpenFile> memfd =
      fs_.CreateMemfd("runbox", MemfdFlags::kNone);
  ASSERT_NE(memfd, nullptr);
  ASSERT_OK(memfd->Write(Bytes("binary")).status());
  char buf[16];
  ASSERT_OK_AND_ASSIGN(size_t n, memfd->PRead(absl::MakeSpan(buf), 0));
  EXPECT_EQ(std::string(buf, n), "binary");
  ASSERT_OK_AND_ASSIGN(FileStat st, memfd->Stat());
  EXPECT_EQ(st.dev, 2u);
  EXPECT_EQ(st.nlink, 0u);
  EXPECT_EQ(st.type, FileType::kRegular);
  EXPECT_THAT(fs_.ReadAll(fs_.InodeOf(*memfd)), IsOkAndHolds("binary"));
  // Without MFD_ALLOW_SEALING it cannot be sealed.
  EXPECT_THAT(fs_.AddSeals(*memfd, Seals::kWrite), HasErrno(EPERM));
}

TEST_F(FileSystemTest, OpenInodeMakesAFreshDescription) {
  std::shared_ptr<OpenFile> memfd = fs_.CreateMemfd("exe", MemfdFlags::kNone);
  ASSERT_OK(memfd->Write(Bytes("program")).status());
  // Its own offset (0, while the memfd's is at the end), read-only; flags
  // beyond the access mode (kTruncate) are ignored.
  std::shared_ptr<OpenFile> again = fs_.OpenInode(
      fs_.InodeOf(*memfd), OpenFlags::kReadOnly | OpenFlags::kTruncate);
  char buf[16];
  ASSERT_OK_AND_ASSIGN(size_t n, again->Read(absl::MakeSpan(buf)));
  EXPECT_EQ(std::string(buf, n), "program");
  EXPECT_THAT(again->Write(Bytes("x")), HasErrno(EBADF));
  EXPECT_EQ(fs_.InodeOf(*again), fs_.InodeOf(*memfd));
}

TEST_F(FileSystemTest, MemfdSeals) {
  std::shared_ptr<OpenFile> memfd =
      fs_.CreateMemfd("sealed", MemfdFlags::kAllowSealing);
  ASSERT_OK(memfd->Write(Bytes("12345678")).status());
  ASSERT_OK(fs_.AddSeals(*memfd, Seals::kShrink));
  EXPECT_THAT(fs_.Ftruncate(*memfd, 4), HasErrno(EPERM));
  ASSERT_OK(fs_.Ftruncate(*memfd, 10));
  ASSERT_OK(fs_.AddSeals(*memfd, Seals::kGrow));
  EXPECT_THAT(fs_.Ftruncate(*memfd, 12), HasErrno(EPERM));
  EXPECT_THAT(memfd->PWrite(Bytes("xx"), 10), HasErrno(EPERM));
  EXPECT_OK(memfd->PWrite(Bytes("ab"), 0).status());  // Within the size: fine.
  ASSERT_OK(fs_.AddSeals(*memfd, Seals::kWrite | Seals::kSeal));
  EXPECT_THAT(memfd->PWrite(Bytes("cd"), 0), HasErrno(EPERM));
  EXPECT_THAT(memfd->Write(Bytes("cd")), HasErrno(EPERM));
  EXPECT_THAT(fs_.AddSeals(*memfd, Seals::kNone), HasErrno(EPERM));
  char buf[16];
  ASSERT_OK_AND_ASSIGN(size_t n, memfd->PRead(absl::MakeSpan(buf), 0));
  EXPECT_EQ(std::string(buf, n), std::string("ab345678\0\0", 10));
}

TEST_F(FileSystemTest, SealWriteAloneAllowsSizeChanges) {
  std::shared_ptr<OpenFile> memfd =
      fs_.CreateMemfd("w", MemfdFlags::kAllowSealing);
  ASSERT_OK(memfd->Write(Bytes("abc")).status());
  ASSERT_OK(fs_.AddSeals(*memfd, Seals::kWrite));
  EXPECT_THAT(memfd->Write(Bytes("d")), HasErrno(EPERM));
  EXPECT_OK(fs_.Ftruncate(*memfd, 1));  // memfd_create(2): still allowed.
}

TEST_F(FileSystemTest, AddSealsOnRegularFileIsEinval) {
  WriteFile("/f", "");
  ASSERT_OK_AND_ASSIGN(auto f, Open("/f", kRdWr));
  EXPECT_THAT(fs_.AddSeals(*f, Seals::kWrite), HasErrno(EINVAL));
}

// --- Socket inodes --------------------------------------------------------

class FakeSocket : public OpenFile {
 public:
  FakeSocket() : OpenFile(OpenFlags::kReadWrite) {}
  absl::StatusOr<FileStat> Stat() const override {
    FileStat st;
    st.type = FileType::kSocket;
    return st;
  }
};

TEST_F(FileSystemTest, BindAndFindSocket) {
  ASSERT_OK(Mkdir("/run"));
  auto socket = std::make_shared<FakeSocket>();
  ASSERT_OK(fs_.BindSocket(ctx_, nullptr, "/run/sock", socket));
  EXPECT_THAT(fs_.BindSocket(ctx_, nullptr, "/run/sock", socket),
              HasErrno(EADDRINUSE));
  EXPECT_THAT(fs_.FindSocket(ctx_, nullptr, "/run/sock"), IsOkAndHolds(socket));
  EXPECT_EQ(Stat("/run/sock").type, FileType::kSocket);
  EXPECT_EQ(Stat("/run/sock").mode, 0755u);
  EXPECT_THAT(Open("/run/sock", kRdWr), HasErrno(ENXIO));
  // Through a symlink too.
  ASSERT_OK(Symlink("/run/sock", "/link"));
  EXPECT_OK(fs_.FindSocket(ctx_, nullptr, "/link").status());
  WriteFile("/run/file", "");
  EXPECT_THAT(fs_.FindSocket(ctx_, nullptr, "/run/file"),
              HasErrno(ECONNREFUSED));
  socket.reset();
  EXPECT_THAT(fs_.FindSocket(ctx_, nullptr, "/run/sock"),
              HasErrno(ECONNREFUSED));
  ASSERT_OK(Unlink("/run/sock"));
  EXPECT_THAT(fs_.FindSocket(ctx_, nullptr, "/run/sock"), HasErrno(ENOENT));
}

TEST_F(FileSystemTest, PowerLossRemovesSocketInodes) {
  auto socket = std::make_shared<FakeSocket>();
  ASSERT_OK(fs_.BindSocket(ctx_, nullptr, "/sock", socket));
  WriteFile("/f", "");
  SyncDir("/");
  socket.reset();
  fs_.PowerLoss();
  EXPECT_FALSE(Exists("/sock"));
  EXPECT_TRUE(Exists("/f"));
  EXPECT_OK(
      fs_.BindSocket(ctx_, nullptr, "/sock", std::make_shared<FakeSocket>()));
}

TEST_F(FileSystemTest, ReadAllForExec) {
  WriteFile("/bin", "#!fake echo");
  ASSERT_OK(Mkdir("/d"));
  EXPECT_THAT(fs_.ReadAll(Dir("/bin")), IsOkAndHolds("#!fake echo"));
  EXPECT_THAT(fs_.ReadAll(Dir("/d")), HasErrno(EACCES));
  EXPECT_EQ(fs_.TypeOf(Dir("/d")), FileType::kDirectory);
}

}  // namespace
}  // namespace runbox::fake
