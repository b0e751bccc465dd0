// Contract of Files (hostapi/files.h) on both hosts: openat2 flags and
// resolve rules, offsets, rename/unlink/mkdir/link semantics, stat, readdir,
// umask, fchdir and memfd seals. Linux (the man pages) is the reference.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/contract/contract_test_util.h"
#include "hostapi/host.h"
#include "hostapi/status_matchers.h"

namespace runbox::contract {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

RUNBOX_CONTRACT_SUITE(FilesContract);

constexpr OpenFlags kRw = OpenFlags::kReadWrite;
constexpr OpenFlags kCreateRw = OpenFlags::kReadWrite | OpenFlags::kCreate;
constexpr OpenFlags kCreateExcl =
    OpenFlags::kReadWrite | OpenFlags::kCreate | OpenFlags::kExclusive;

OpenHow How(OpenFlags flags, uint32_t mode = 0,
            ResolveFlags resolve = ResolveFlags::kNone) {
  return OpenHow{.flags = flags, .mode = mode, .resolve = resolve};
}

OpenHow Resolve(ResolveFlags resolve) {
  return How(OpenFlags::kReadOnly, 0, resolve);
}

TEST_P(FilesContract, OpenCreateMakesAFileThatReopens) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "new", How(kCreateRw, 0644)));
    ASSERT_OK(WriteAll(host, f, "data"));
    ASSERT_OK(host.Close(std::move(f)));
    EXPECT_THAT(ReadFile(host, d, "new"), IsOkAndHolds("data"));
  });
}

TEST_P(FilesContract, OpenExclusiveCreatesOnlyOnce) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kCreateExcl, 0644)));
    ASSERT_OK(WriteAll(host, f, "first"));
    EXPECT_THAT(host.OpenAt(d, "f", How(kCreateExcl, 0644)), HasErrno(EEXIST));
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds("first"));
  });
}

TEST_P(FilesContract, OpenExclusiveFailsEexistOnDanglingSymlink) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.SymlinkAt("target", d, "link"));
    EXPECT_THAT(host.OpenAt(d, "link", How(kCreateExcl, 0644)),
                HasErrno(EEXIST));
    // O_EXCL never follows the link: the target was not created.
    EXPECT_THAT(host.StatAt(d, "target", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, OpenCreateFollowsDanglingSymlinkWithoutExclusive) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.SymlinkAt("target", d, "link"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "link", How(kCreateRw, 0644)));
    ASSERT_OK(WriteAll(host, f, "via link"));
    EXPECT_THAT(ReadFile(host, d, "target"), IsOkAndHolds("via link"));
  });
}

TEST_P(FilesContract, OpenMissingFailsEnoent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    EXPECT_THAT(host.OpenAt(d, "missing", How(kRw)), HasErrno(ENOENT));
    EXPECT_THAT(host.OpenAt(d, "nodir/f", How(kCreateRw, 0644)),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, OpenThroughAFileFailsEnotdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    EXPECT_THAT(host.OpenAt(d, "f/x", How(OpenFlags::kReadOnly)),
                HasErrno(ENOTDIR));
    EXPECT_THAT(host.OpenAt(d, "f/x", How(kCreateRw, 0644)), HasErrno(ENOTDIR));
  });
}

TEST_P(FilesContract, OpenDirectoryForWritingFailsEisdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    EXPECT_THAT(host.OpenAt(d, "sub", How(OpenFlags::kWriteOnly)),
                HasErrno(EISDIR));
    EXPECT_THAT(host.OpenAt(d, "sub", How(kRw)), HasErrno(EISDIR));
    EXPECT_OK(host.OpenAt(d, "sub", How(OpenFlags::kReadOnly)));
  });
}

TEST_P(FilesContract, OpenWithDirectoryFlagOnAFileFailsEnotdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    EXPECT_THAT(host.OpenAt(d, "f", How(OpenFlags::kDirectory)),
                HasErrno(ENOTDIR));
  });
}

TEST_P(FilesContract, OpenNoFollowOnSymlinkFailsEloop) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.SymlinkAt("f", d, "link"));
    EXPECT_THAT(host.OpenAt(d, "link", How(OpenFlags::kNoFollow)),
                HasErrno(ELOOP));
    EXPECT_OK(host.OpenAt(d, "f", How(OpenFlags::kNoFollow)));
  });
}

TEST_P(FilesContract, PathFdStatsButCannotRead) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "12345"));
    ASSERT_OK_AND_ASSIGN(Fd p, host.OpenAt(d, "f", How(OpenFlags::kPath)));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(p));
    EXPECT_EQ(st.type, FileType::kRegular);
    EXPECT_EQ(st.size, 5);
    char buf[8];
    EXPECT_THAT(host.Read(p, absl::MakeSpan(buf)), HasErrno(EBADF));
    EXPECT_THAT(host.Write(p, absl::string_view("x")), HasErrno(EBADF));
  });
}

TEST_P(FilesContract, PathFdOfDirectoryResolvesRelativePaths) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "sub/inner", "inside"));
    ASSERT_OK_AND_ASSIGN(
        Fd p,
        host.OpenAt(d, "sub", How(OpenFlags::kPath | OpenFlags::kDirectory)));
    EXPECT_THAT(ReadFile(host, p, "inner"), IsOkAndHolds("inside"));
  });
}

TEST_P(FilesContract, PathNoFollowFdOfSymlinkReadsItsTarget) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.SymlinkAt("some/target", d, "link"));
    ASSERT_OK_AND_ASSIGN(
        Fd p,
        host.OpenAt(d, "link", How(OpenFlags::kPath | OpenFlags::kNoFollow)));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(p));
    EXPECT_EQ(st.type, FileType::kSymlink);
    EXPECT_THAT(host.ReadlinkAt(p, ""), IsOkAndHolds("some/target"));
  });
}

// Layout for the resolve cases: <dir>/root/etc/file says "inside",
// <dir>/etc/file says "outside"; escaping root would read "outside".
void MakeRootLayout(Host& host, const Fd& d) {
  ASSERT_OK(host.MkdirAt(d, "root", 0755));
  ASSERT_OK(host.MkdirAt(d, "root/etc", 0755));
  ASSERT_OK(WriteFile(host, d, "root/etc/file", "inside"));
  ASSERT_OK(host.MkdirAt(d, "etc", 0755));
  ASSERT_OK(WriteFile(host, d, "etc/file", "outside"));
}

TEST_P(FilesContract, InRootClampsDotDotAtTheRoot) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_NO_FATAL_FAILURE(MakeRootLayout(host, d));
    ASSERT_OK_AND_ASSIGN(Fd root, OpenDir(host, d, "root"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(root, "../../etc/file",
                                           Resolve(ResolveFlags::kInRoot)));
    EXPECT_THAT(ReadToEof(host, f), IsOkAndHolds("inside"));
  });
}

TEST_P(FilesContract, InRootResolvesAbsoluteSymlinkInsideTheRoot) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_NO_FATAL_FAILURE(MakeRootLayout(host, d));
    // Absolute to the host this names <dir>/etc/file ("outside").
    ASSERT_OK(host.SymlinkAt(absl::StrCat(dir, "/etc/file"), d, "root/abs"));
    ASSERT_OK(host.SymlinkAt("/etc/file", d, "root/link"));
    ASSERT_OK_AND_ASSIGN(Fd root, OpenDir(host, d, "root"));
    ASSERT_OK_AND_ASSIGN(
        Fd f, host.OpenAt(root, "link", Resolve(ResolveFlags::kInRoot)));
    EXPECT_THAT(ReadToEof(host, f), IsOkAndHolds("inside"));
    // Inside the root, <dir>/etc/file does not exist.
    EXPECT_THAT(host.OpenAt(root, "abs", Resolve(ResolveFlags::kInRoot)),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, InRootClampsDotDotInsideSymlinks) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_NO_FATAL_FAILURE(MakeRootLayout(host, d));
    ASSERT_OK(host.SymlinkAt("../../../../etc/file", d, "root/etc/up"));
    ASSERT_OK_AND_ASSIGN(Fd root, OpenDir(host, d, "root"));
    ASSERT_OK_AND_ASSIGN(
        Fd f, host.OpenAt(root, "etc/up", Resolve(ResolveFlags::kInRoot)));
    EXPECT_THAT(ReadToEof(host, f), IsOkAndHolds("inside"));
  });
}

TEST_P(FilesContract, BeneathEscapeByDotDotFailsExdev) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_NO_FATAL_FAILURE(MakeRootLayout(host, d));
    ASSERT_OK_AND_ASSIGN(Fd root, OpenDir(host, d, "root"));
    EXPECT_THAT(
        host.OpenAt(root, "../etc/file", Resolve(ResolveFlags::kBeneath)),
        HasErrno(EXDEV));
  });
}

TEST_P(FilesContract, BeneathAbsolutePathsAndSymlinksFailExdev) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_NO_FATAL_FAILURE(MakeRootLayout(host, d));
    ASSERT_OK(host.SymlinkAt("/etc/file", d, "root/link"));
    ASSERT_OK_AND_ASSIGN(Fd root, OpenDir(host, d, "root"));
    EXPECT_THAT(host.OpenAt(root, "link", Resolve(ResolveFlags::kBeneath)),
                HasErrno(EXDEV));
    EXPECT_THAT(host.OpenAt(root, absl::StrCat(dir, "/root/etc/file"),
                            Resolve(ResolveFlags::kBeneath)),
                HasErrno(EXDEV));
  });
}

TEST_P(FilesContract, BeneathAllowsDotDotThatStaysInside) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_NO_FATAL_FAILURE(MakeRootLayout(host, d));
    ASSERT_OK_AND_ASSIGN(Fd root, OpenDir(host, d, "root"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(root, "etc/../etc/file",
                                           Resolve(ResolveFlags::kBeneath)));
    EXPECT_THAT(ReadToEof(host, f), IsOkAndHolds("inside"));
  });
}

TEST_P(FilesContract, NoSymlinksFailsEloopOnAnySymlink) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "sub/f", "x"));
    ASSERT_OK(host.SymlinkAt("sub", d, "dirlink"));
    ASSERT_OK(host.SymlinkAt("sub/f", d, "filelink"));
    EXPECT_THAT(host.OpenAt(d, "filelink", Resolve(ResolveFlags::kNoSymlinks)),
                HasErrno(ELOOP));
    EXPECT_THAT(host.OpenAt(d, "dirlink/f", Resolve(ResolveFlags::kNoSymlinks)),
                HasErrno(ELOOP));
    EXPECT_OK(host.OpenAt(d, "sub/f", Resolve(ResolveFlags::kNoSymlinks)));
  });
}

TEST_P(FilesContract, ReadAndWriteAdvanceTheOffset) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kCreateRw, 0644)));
    ASSERT_OK(WriteAll(host, f, "hello"));
    ASSERT_OK(WriteAll(host, f, " world"));
    // The offset is at the end now.
    EXPECT_THAT(ReadSome(host, f, 10), IsOkAndHolds(""));
    EXPECT_THAT(PReadSome(host, f, 64, 0), IsOkAndHolds("hello world"));
    ASSERT_OK_AND_ASSIGN(Fd r, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    EXPECT_THAT(ReadSome(host, r, 5), IsOkAndHolds("hello"));
    EXPECT_THAT(ReadSome(host, r, 64), IsOkAndHolds(" world"));
  });
}

TEST_P(FilesContract, PReadAndPWriteLeaveTheOffsetAlone) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kCreateRw, 0644)));
    ASSERT_OK(WriteAll(host, f, "abc"));
    EXPECT_THAT(host.PWrite(f, absl::string_view("XY"), 10), IsOkAndHolds(2));
    ASSERT_OK(WriteAll(host, f, "d"));  // At offset 3, not 12.
    EXPECT_THAT(PReadSome(host, f, 64, 0),
                IsOkAndHolds(std::string("abcd\0\0\0\0\0\0XY", 12)));
    EXPECT_THAT(PReadSome(host, f, 2, 1), IsOkAndHolds("bc"));
    EXPECT_THAT(ReadSome(host, f, 3), IsOkAndHolds(std::string("\0\0\0", 3)));
  });
}

TEST_P(FilesContract, ReadIsShortAtEndOfFile) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "12345"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    EXPECT_THAT(ReadSome(host, f, 100), IsOkAndHolds("12345"));
    EXPECT_THAT(ReadSome(host, f, 100), IsOkAndHolds(""));
    EXPECT_THAT(PReadSome(host, f, 100, 3), IsOkAndHolds("45"));
    EXPECT_THAT(PReadSome(host, f, 100, 50), IsOkAndHolds(""));
  });
}

TEST_P(FilesContract, AppendWritesAtTheCurrentEnd) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "abc"));
    ASSERT_OK_AND_ASSIGN(
        Fd app,
        host.OpenAt(d, "f", How(OpenFlags::kWriteOnly | OpenFlags::kAppend)));
    ASSERT_OK_AND_ASSIGN(Fd plain, host.OpenAt(d, "f", How(kRw)));
    ASSERT_OK(WriteAll(host, plain, "0123456"));
    ASSERT_OK(WriteAll(host, app, "!"));
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds("0123456!"));
  });
}

TEST_P(FilesContract, OpenTruncateEmptiesTheFile) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "old content"));
    ASSERT_OK_AND_ASSIGN(
        Fd f,
        host.OpenAt(d, "f", How(OpenFlags::kWriteOnly | OpenFlags::kTruncate)));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(f));
    EXPECT_EQ(st.size, 0);
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds(""));
  });
}

TEST_P(FilesContract, FtruncateShrinksAndExtendsWithZeros) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "hello world"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kRw)));
    ASSERT_OK(host.Ftruncate(f, 5));
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds("hello"));
    ASSERT_OK(host.Ftruncate(f, 8));
    EXPECT_THAT(ReadFile(host, d, "f"),
                IsOkAndHolds(std::string("hello\0\0\0", 8)));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(f));
    EXPECT_EQ(st.size, 8);
  });
}

TEST_P(FilesContract, FsyncAndFdatasyncSucceedOnFilesAndDirectories) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kCreateRw, 0644)));
    ASSERT_OK(WriteAll(host, f, "data"));
    EXPECT_OK(host.Fsync(f));
    EXPECT_OK(host.Fdatasync(f));
    EXPECT_OK(host.Fsync(d));
    EXPECT_OK(host.Fdatasync(d));
  });
}

TEST_P(FilesContract, RenameReplacesAtomically) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "state", "old"));
    ASSERT_OK(WriteFile(host, d, "state.tmp", "new"));
    ASSERT_OK_AND_ASSIGN(
        FileStat tmp_st,
        host.StatAt(d, "state.tmp", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(Fd old_fd,
                         host.OpenAt(d, "state", How(OpenFlags::kReadOnly)));
    ASSERT_OK(host.RenameAt(d, "state.tmp", d, "state"));
    // A reader that opened the old file keeps reading the old file.
    EXPECT_THAT(ReadToEof(host, old_fd), IsOkAndHolds("old"));
    EXPECT_THAT(ReadFile(host, d, "state"), IsOkAndHolds("new"));
    EXPECT_THAT(host.StatAt(d, "state.tmp", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "state", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.ino, tmp_st.ino);
    ASSERT_OK_AND_ASSIGN(FileStat old_st, host.FStat(old_fd));
    EXPECT_EQ(old_st.nlink, 0u);
  });
}

TEST_P(FilesContract, RenameAcrossDirectoriesKeepsTheInode) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "a", "content"));
    ASSERT_OK_AND_ASSIGN(FileStat before,
                         host.StatAt(d, "a", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(Fd sub, OpenDir(host, d, "sub"));
    ASSERT_OK(host.RenameAt(d, "a", sub, "b"));
    ASSERT_OK_AND_ASSIGN(FileStat after,
                         host.StatAt(sub, "b", FollowSymlinks::kNoFollow));
    EXPECT_EQ(after.ino, before.ino);
    EXPECT_THAT(ReadFile(host, sub, "b"), IsOkAndHolds("content"));
    EXPECT_THAT(host.StatAt(d, "a", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, RenameNoReplaceFailsEexistAndChangesNothing) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "A"));
    ASSERT_OK(WriteFile(host, d, "b", "B"));
    EXPECT_THAT(host.RenameAt(d, "a", d, "b", RenameFlags::kNoReplace),
                HasErrno(EEXIST));
    EXPECT_THAT(ReadFile(host, d, "a"), IsOkAndHolds("A"));
    EXPECT_THAT(ReadFile(host, d, "b"), IsOkAndHolds("B"));
    EXPECT_OK(host.RenameAt(d, "a", d, "c", RenameFlags::kNoReplace));
    EXPECT_THAT(ReadFile(host, d, "c"), IsOkAndHolds("A"));
  });
}

TEST_P(FilesContract, RenameExchangeSwapsTheNames) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "A"));
    ASSERT_OK(host.MkdirAt(d, "b", 0755));
    ASSERT_OK(host.RenameAt(d, "a", d, "b", RenameFlags::kExchange));
    ASSERT_OK_AND_ASSIGN(FileStat a,
                         host.StatAt(d, "a", FollowSymlinks::kNoFollow));
    EXPECT_EQ(a.type, FileType::kDirectory);
    EXPECT_THAT(ReadFile(host, d, "b"), IsOkAndHolds("A"));
  });
}

TEST_P(FilesContract, RenameExchangeWithMissingTargetFailsEnoent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "A"));
    EXPECT_THAT(host.RenameAt(d, "a", d, "missing", RenameFlags::kExchange),
                HasErrno(ENOENT));
    EXPECT_THAT(ReadFile(host, d, "a"), IsOkAndHolds("A"));
  });
}

TEST_P(FilesContract, RenameDirectoryOverNonEmptyDirectoryFailsEnotempty) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "a", 0755));
    ASSERT_OK(host.MkdirAt(d, "b", 0755));
    ASSERT_OK(WriteFile(host, d, "b/keep", "x"));
    EXPECT_THAT(host.RenameAt(d, "a", d, "b"), HasErrno(ENOTEMPTY));
    EXPECT_THAT(ReadFile(host, d, "b/keep"), IsOkAndHolds("x"));
  });
}

TEST_P(FilesContract, RenameDirectoryOverEmptyDirectoryReplacesIt) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "a", 0755));
    ASSERT_OK(WriteFile(host, d, "a/inner", "x"));
    ASSERT_OK(host.MkdirAt(d, "b", 0755));
    ASSERT_OK(host.RenameAt(d, "a", d, "b"));
    EXPECT_THAT(ReadFile(host, d, "b/inner"), IsOkAndHolds("x"));
    EXPECT_THAT(host.StatAt(d, "a", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, RenameDirectoryIntoItsOwnSubtreeFailsEinval) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "a", 0755));
    ASSERT_OK(host.MkdirAt(d, "a/b", 0755));
    EXPECT_THAT(host.RenameAt(d, "a", d, "a/b/c"), HasErrno(EINVAL));
    EXPECT_THAT(host.RenameAt(d, "a", d, "a/c"), HasErrno(EINVAL));
    EXPECT_OK(host.StatAt(d, "a/b", FollowSymlinks::kNoFollow));
  });
}

TEST_P(FilesContract, RenameFileOverDirectoryFailsEisdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    EXPECT_THAT(host.RenameAt(d, "f", d, "sub"), HasErrno(EISDIR));
  });
}

TEST_P(FilesContract, RenameDirectoryOverFileFailsEnotdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    EXPECT_THAT(host.RenameAt(d, "sub", d, "f"), HasErrno(ENOTDIR));
  });
}

TEST_P(FilesContract, RenameOfMissingSourceFailsEnoent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    EXPECT_THAT(host.RenameAt(d, "missing", d, "b"), HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, RenameOverAHardLinkOfTheSameFileDoesNothing) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "x"));
    ASSERT_OK(host.LinkAt(d, "a", d, "b"));
    // rename(2): "If oldpath and newpath are existing hard links referring
    // to the same file, then rename() does nothing."
    ASSERT_OK(host.RenameAt(d, "a", d, "b"));
    EXPECT_OK(host.StatAt(d, "a", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "b", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.nlink, 2u);
  });
}

TEST_P(FilesContract, UnlinkWhileOpenKeepsTheData) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "still here"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kRw)));
    ASSERT_OK(host.UnlinkAt(d, "f"));
    EXPECT_THAT(host.StatAt(d, "f", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
    EXPECT_THAT(ReadToEof(host, f), IsOkAndHolds("still here"));
    ASSERT_OK(WriteAll(host, f, "!"));
    EXPECT_THAT(PReadSome(host, f, 64, 0), IsOkAndHolds("still here!"));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(f));
    EXPECT_EQ(st.nlink, 0u);
    EXPECT_THAT(host.ReadDir(d), IsOkAndHolds(IsEmpty()));
  });
}

TEST_P(FilesContract, UnlinkOfDirectoryFailsEisdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    EXPECT_THAT(host.UnlinkAt(d, "sub"), HasErrno(EISDIR));
    EXPECT_OK(host.StatAt(d, "sub", FollowSymlinks::kNoFollow));
  });
}

TEST_P(FilesContract, UnlinkOfMissingNameFailsEnoent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    EXPECT_THAT(host.UnlinkAt(d, "missing"), HasErrno(ENOENT));
    EXPECT_THAT(host.UnlinkAt(d, "missing", UnlinkFlags::kRemoveDir),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, UnlinkOfSymlinkRemovesTheLinkNotTheTarget) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.SymlinkAt("f", d, "link"));
    ASSERT_OK(host.UnlinkAt(d, "link"));
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds("x"));
    EXPECT_THAT(host.StatAt(d, "link", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, RmdirOfNonEmptyDirectoryFailsEnotempty) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "sub/f", "x"));
    EXPECT_THAT(host.UnlinkAt(d, "sub", UnlinkFlags::kRemoveDir),
                HasErrno(ENOTEMPTY));
    ASSERT_OK(host.UnlinkAt(d, "sub/f"));
    EXPECT_OK(host.UnlinkAt(d, "sub", UnlinkFlags::kRemoveDir));
    EXPECT_THAT(host.StatAt(d, "sub", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, RmdirOfFileFailsEnotdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    EXPECT_THAT(host.UnlinkAt(d, "f", UnlinkFlags::kRemoveDir),
                HasErrno(ENOTDIR));
  });
}

TEST_P(FilesContract, MkdirOfExistingNameFailsEexist) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.SymlinkAt("nowhere", d, "dangling"));
    EXPECT_THAT(host.MkdirAt(d, "sub", 0755), HasErrno(EEXIST));
    EXPECT_THAT(host.MkdirAt(d, "f", 0755), HasErrno(EEXIST));
    EXPECT_THAT(host.MkdirAt(d, "dangling", 0755), HasErrno(EEXIST));
    EXPECT_THAT(host.StatAt(d, "nowhere", FollowSymlinks::kNoFollow),
                HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, MkdirMakesADirectoryWithModeLessUmask) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    host.Umask(022);
    ASSERT_OK(host.MkdirAt(d, "sub", 0777));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "sub", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kDirectory);
    EXPECT_EQ(st.mode, 0755u);
  });
}

TEST_P(FilesContract, SymlinkStoresTheTargetVerbatim) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    const std::string target = "some/where/../x";
    ASSERT_OK(host.SymlinkAt(target, d, "link"));
    EXPECT_THAT(host.ReadlinkAt(d, "link"), IsOkAndHolds(target));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "link", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kSymlink);
    EXPECT_EQ(st.size, static_cast<int64_t>(target.size()));
  });
}

TEST_P(FilesContract, SymlinkOverExistingNameFailsEexist) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    EXPECT_THAT(host.SymlinkAt("elsewhere", d, "f"), HasErrno(EEXIST));
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds("x"));
  });
}

TEST_P(FilesContract, ReadlinkOfNonSymlinkFailsEinval) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    EXPECT_THAT(host.ReadlinkAt(d, "f"), HasErrno(EINVAL));
    EXPECT_THAT(host.ReadlinkAt(d, "sub"), HasErrno(EINVAL));
    EXPECT_THAT(host.ReadlinkAt(d, "missing"), HasErrno(ENOENT));
  });
}

TEST_P(FilesContract, LinkAddsANameForTheSameInode) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "x"));
    ASSERT_OK(host.LinkAt(d, "a", d, "b"));
    ASSERT_OK_AND_ASSIGN(FileStat a,
                         host.StatAt(d, "a", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(FileStat b,
                         host.StatAt(d, "b", FollowSymlinks::kNoFollow));
    EXPECT_EQ(a.ino, b.ino);
    EXPECT_EQ(a.dev, b.dev);
    EXPECT_EQ(a.nlink, 2u);
    EXPECT_EQ(b.nlink, 2u);
    ASSERT_OK(WriteFile(host, d, "b", "through b"));
    EXPECT_THAT(ReadFile(host, d, "a"), IsOkAndHolds("through b"));
    ASSERT_OK(host.UnlinkAt(d, "a"));
    ASSERT_OK_AND_ASSIGN(b, host.StatAt(d, "b", FollowSymlinks::kNoFollow));
    EXPECT_EQ(b.nlink, 1u);
  });
}

TEST_P(FilesContract, LinkToExistingNameFailsEexist) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "a", "A"));
    ASSERT_OK(WriteFile(host, d, "b", "B"));
    EXPECT_THAT(host.LinkAt(d, "a", d, "b"), HasErrno(EEXIST));
    EXPECT_THAT(ReadFile(host, d, "b"), IsOkAndHolds("B"));
  });
}

TEST_P(FilesContract, LinkOfDirectoryFailsEperm) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    EXPECT_THAT(host.LinkAt(d, "sub", d, "sub2"), HasErrno(EPERM));
  });
}

TEST_P(FilesContract, StatReportsTypeSizeModeAndOwner) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "1234567"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kRw)));
    ASSERT_OK(host.Fchmod(f, 0640));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "f", FollowSymlinks::kFollow));
    EXPECT_EQ(st.type, FileType::kRegular);
    EXPECT_EQ(st.size, 7);
    EXPECT_EQ(st.mode, 0640u);
    EXPECT_EQ(st.nlink, 1u);
    EXPECT_EQ(st.uid, 0u);
    EXPECT_EQ(st.gid, 0u);
    ASSERT_OK_AND_ASSIGN(FileStat fst, host.FStat(f));
    EXPECT_EQ(fst.ino, st.ino);
    EXPECT_EQ(fst.dev, st.dev);
    ASSERT_OK_AND_ASSIGN(FileStat dst, host.FStat(d));
    EXPECT_EQ(dst.type, FileType::kDirectory);
    EXPECT_NE(dst.ino, st.ino);
  });
}

TEST_P(FilesContract, StatFollowsSymlinksOnlyWhenAsked) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.SymlinkAt("f", d, "link"));
    ASSERT_OK(host.SymlinkAt("missing", d, "dangling"));
    ASSERT_OK_AND_ASSIGN(FileStat followed,
                         host.StatAt(d, "link", FollowSymlinks::kFollow));
    ASSERT_OK_AND_ASSIGN(FileStat target,
                         host.StatAt(d, "f", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(FileStat link,
                         host.StatAt(d, "link", FollowSymlinks::kNoFollow));
    EXPECT_EQ(followed.type, FileType::kRegular);
    EXPECT_EQ(followed.ino, target.ino);
    EXPECT_EQ(link.type, FileType::kSymlink);
    EXPECT_NE(link.ino, target.ino);
    EXPECT_THAT(host.StatAt(d, "dangling", FollowSymlinks::kFollow),
                HasErrno(ENOENT));
    EXPECT_OK(host.StatAt(d, "dangling", FollowSymlinks::kNoFollow));
  });
}

TEST_P(FilesContract, StatWithEmptyPathStatsTheDirFdItself) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "abc"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kPath)));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(f, "", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kRegular);
    EXPECT_EQ(st.size, 3);
    ASSERT_OK_AND_ASSIGN(FileStat dst,
                         host.StatAt(d, "", FollowSymlinks::kNoFollow));
    EXPECT_EQ(dst.type, FileType::kDirectory);
  });
}

TEST_P(FilesContract, ReadDirListsEntriesWithoutDotAndDotDot) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "file", "x"));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(host.SymlinkAt("file", d, "link"));
    ASSERT_OK_AND_ASSIGN(std::vector<DirEntry> entries, host.ReadDir(d));
    std::sort(
        entries.begin(), entries.end(),
        [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].name, "file");
    EXPECT_EQ(entries[0].type, FileType::kRegular);
    EXPECT_EQ(entries[1].name, "link");
    EXPECT_EQ(entries[1].type, FileType::kSymlink);
    EXPECT_EQ(entries[2].name, "sub");
    EXPECT_EQ(entries[2].type, FileType::kDirectory);
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "file", FollowSymlinks::kNoFollow));
    EXPECT_EQ(entries[0].ino, st.ino);
    // ReadDir starts from the beginning each time.
    EXPECT_THAT(host.ReadDir(d), IsOkAndHolds(::testing::SizeIs(3)));
  });
}

TEST_P(FilesContract, ReadDirOfEmptyDirectoryIsEmpty) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK_AND_ASSIGN(Fd sub, OpenDir(host, d, "sub"));
    EXPECT_THAT(host.ReadDir(sub), IsOkAndHolds(IsEmpty()));
  });
}

TEST_P(FilesContract, ReadDirOfAFileFailsEnotdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    EXPECT_THAT(host.ReadDir(f), HasErrno(ENOTDIR));
  });
}

TEST_P(FilesContract, FchmodIsReflectedInStat) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kRw)));
    ASSERT_OK_AND_ASSIGN(Fd sub, OpenDir(host, d, "sub"));
    ASSERT_OK(host.Fchmod(f, 0600));
    ASSERT_OK(host.Fchmod(sub, 01777));
    ASSERT_OK_AND_ASSIGN(FileStat fst,
                         host.StatAt(d, "f", FollowSymlinks::kNoFollow));
    ASSERT_OK_AND_ASSIGN(FileStat sst,
                         host.StatAt(d, "sub", FollowSymlinks::kNoFollow));
    EXPECT_EQ(fst.mode, 0600u);
    EXPECT_EQ(sst.mode, 01777u);
  });
}

TEST_P(FilesContract, FchownIsReflectedInStat) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(kRw)));
    ASSERT_OK(host.Fchown(f, 1234, 5678));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "f", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.uid, 1234u);
    EXPECT_EQ(st.gid, 5678u);
  });
}

TEST_P(FilesContract, DupSharesTheOffset) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "abcdef"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    ASSERT_OK_AND_ASSIGN(Fd g, host.Dup(f));
    EXPECT_NE(g.get(), f.get());
    EXPECT_THAT(ReadSome(host, f, 2), IsOkAndHolds("ab"));
    EXPECT_THAT(ReadSome(host, g, 2), IsOkAndHolds("cd"));
    ASSERT_OK(host.Close(std::move(f)));
    EXPECT_THAT(ReadSome(host, g, 10), IsOkAndHolds("ef"));
  });
}

// The console replica becomes fds 0-2 this way (runtime/sandbox/console).
TEST_P(FilesContract, Dup3PutsACopyAtTheTargetNumber) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "abcdef"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    constexpr int kTarget = 200;  // Far above anything the test has open.
    ASSERT_OK(host.Dup3(f, kTarget));
    Fd copy = host.AdoptFd(kTarget);
    EXPECT_THAT(ReadSome(host, f, 2), IsOkAndHolds("ab"));
    EXPECT_THAT(ReadSome(host, copy, 2), IsOkAndHolds("cd"));
    // Replacing what is there is not an error.
    ASSERT_OK(host.Dup3(d, kTarget));
    EXPECT_THAT(host.FStat(copy),
                IsOkAndHolds(::testing::Field(&FileStat::type,
                                              FileType::kDirectory)));
    EXPECT_THAT(host.Dup3(f, f.get()), HasErrno(EINVAL));
  });
}

TEST_P(FilesContract, SeparateOpensHaveSeparateOffsets) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "abcdef"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    ASSERT_OK_AND_ASSIGN(Fd g, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    EXPECT_THAT(ReadSome(host, f, 2), IsOkAndHolds("ab"));
    EXPECT_THAT(ReadSome(host, g, 2), IsOkAndHolds("ab"));
  });
}

TEST_P(FilesContract, ReadOrWriteAgainstTheAccessModeFailsEbadf) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "abc"));
    ASSERT_OK_AND_ASSIGN(Fd r, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    ASSERT_OK_AND_ASSIGN(Fd w, host.OpenAt(d, "f", How(OpenFlags::kWriteOnly)));
    EXPECT_THAT(host.Write(r, absl::string_view("x")), HasErrno(EBADF));
    char buf[4];
    EXPECT_THAT(host.Read(w, absl::MakeSpan(buf)), HasErrno(EBADF));
    EXPECT_THAT(ReadFile(host, d, "f"), IsOkAndHolds("abc"));
  });
}

TEST_P(FilesContract, UmaskAppliesToCreatedFiles) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    host.Umask(027);
    EXPECT_EQ(host.Umask(077), 027u);
    ASSERT_OK(host.OpenAt(d, "f", How(kCreateRw, 0666)).status());
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "f", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.mode, 0600u);
    EXPECT_EQ(host.Umask(0), 077u);
    ASSERT_OK(host.OpenAt(d, "g", How(kCreateRw, 0666)).status());
    ASSERT_OK_AND_ASSIGN(st, host.StatAt(d, "g", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.mode, 0666u);
  });
}

TEST_P(FilesContract, FchdirChangesRelativeResolution) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "sub/inner", "from sub"));
    ASSERT_OK_AND_ASSIGN(Fd sub, OpenDir(host, d, "sub"));
    ASSERT_OK(host.Fchdir(sub));
    EXPECT_THAT(ReadFile(host, Fd::Cwd(), "inner"), IsOkAndHolds("from sub"));
    ASSERT_OK(host.MkdirAt(Fd::Cwd(), "made-here", 0755));
    EXPECT_OK(host.StatAt(d, "sub/made-here", FollowSymlinks::kNoFollow));
    EXPECT_THAT(ReadFile(host, Fd::Cwd(), "../sub/inner"),
                IsOkAndHolds("from sub"));
  });
}

TEST_P(FilesContract, FchdirToAFileFailsEnotdir) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "x"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    EXPECT_THAT(host.Fchdir(f), HasErrno(ENOTDIR));
  });
}

TEST_P(FilesContract, GetCwdNamesTheWorkingDirectory) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK_AND_ASSIGN(Fd sub, OpenDir(host, d, "sub"));
    ASSERT_OK(host.Fchdir(sub));
    // `dir` itself may sit below a symlink; compare by what it names.
    ASSERT_OK_AND_ASSIGN(std::string cwd, host.GetCwd());
    EXPECT_EQ(cwd.front(), '/');
    ASSERT_OK_AND_ASSIGN(FileStat named,
                         host.StatAt(Fd::Cwd(), cwd, FollowSymlinks::kFollow));
    ASSERT_OK_AND_ASSIGN(FileStat actual, host.FStat(sub));
    EXPECT_EQ(named.ino, actual.ino);
    EXPECT_EQ(cwd.substr(cwd.rfind('/')), "/sub");
  });
}

TEST_P(FilesContract, AdoptFdOwnsAnInheritedNumber) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(WriteFile(host, d, "f", "adopted"));
    ASSERT_OK_AND_ASSIGN(Fd f, host.OpenAt(d, "f", How(OpenFlags::kReadOnly)));
    const int number = f.Release();
    Fd adopted = host.AdoptFd(number);
    EXPECT_EQ(adopted.get(), number);
    EXPECT_THAT(ReadToEof(host, adopted), IsOkAndHolds("adopted"));
    adopted.Reset();  // Closes it: the number is free again.
    Fd stale = host.AdoptFd(number);
    EXPECT_THAT(host.FStat(stale), HasErrno(EBADF));
    (void)stale.Release();
  });
}

TEST_P(FilesContract, DotDotOfASubdirectoryIsItsParent) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    ASSERT_OK(host.MkdirAt(d, "sub", 0755));
    ASSERT_OK(WriteFile(host, d, "f", "top"));
    ASSERT_OK_AND_ASSIGN(Fd sub, OpenDir(host, d, "sub"));
    EXPECT_THAT(ReadFile(host, sub, "../f"), IsOkAndHolds("top"));
    EXPECT_THAT(ReadFile(host, sub, "./../sub/../f"), IsOkAndHolds("top"));
  });
}

TEST_P(FilesContract, NameComponentOver255BytesFailsEnametoolong) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    EXPECT_THAT(host.OpenAt(d, std::string(256, 'n'), How(kCreateRw, 0644)),
                HasErrno(ENAMETOOLONG));
    EXPECT_OK(host.OpenAt(d, std::string(255, 'n'), How(kCreateRw, 0644)));
  });
}

TEST_P(FilesContract, MknodMakesAFifo) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd d, OpenDir(host, Fd::Cwd(), dir));
    host.Umask(022);
    ASSERT_OK(host.MknodAt(d, "fifo", FileType::kFifo, 0644, DeviceNumber{}));
    ASSERT_OK_AND_ASSIGN(FileStat st,
                         host.StatAt(d, "fifo", FollowSymlinks::kNoFollow));
    EXPECT_EQ(st.type, FileType::kFifo);
    EXPECT_EQ(st.mode, 0644u);
    EXPECT_THAT(host.MknodAt(d, "fifo", FileType::kFifo, 0644, DeviceNumber{}),
                HasErrno(EEXIST));
  });
}

TEST_P(FilesContract, MemfdIsAGrowableRegularFile) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd m, host.MemfdCreate("contract", MemfdFlags::kNone));
    ASSERT_OK(WriteAll(host, m, "in memory"));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(m));
    EXPECT_EQ(st.type, FileType::kRegular);
    EXPECT_EQ(st.size, 9);
    EXPECT_THAT(PReadSome(host, m, 64, 0), IsOkAndHolds("in memory"));
  });
}

TEST_P(FilesContract, MemfdWriteAfterWriteSealFailsEperm) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        Fd m, host.MemfdCreate("contract", MemfdFlags::kAllowSealing));
    ASSERT_OK(WriteAll(host, m, "sealed"));
    ASSERT_OK(host.AddSeals(m, Seals::kWrite));
    EXPECT_THAT(host.Write(m, absl::string_view("x")), HasErrno(EPERM));
    EXPECT_THAT(host.PWrite(m, absl::string_view("x"), 0), HasErrno(EPERM));
    EXPECT_THAT(PReadSome(host, m, 64, 0), IsOkAndHolds("sealed"));
  });
}

TEST_P(FilesContract, MemfdSealSealRefusesFurtherSeals) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        Fd m, host.MemfdCreate("contract", MemfdFlags::kAllowSealing));
    ASSERT_OK(host.AddSeals(m, Seals::kSeal));
    EXPECT_THAT(host.AddSeals(m, Seals::kWrite), HasErrno(EPERM));
    EXPECT_OK(WriteAll(host, m, "still writable"));
  });
}

TEST_P(FilesContract, MemfdWithoutAllowSealingRefusesSealsEperm) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(Fd m, host.MemfdCreate("contract", MemfdFlags::kNone));
    EXPECT_THAT(host.AddSeals(m, Seals::kWrite), HasErrno(EPERM));
  });
}

TEST_P(FilesContract, MemfdShrinkAndGrowSealsRestrictTheSize) {
  Run([&](Host& host, const std::string& dir) {
    ASSERT_OK_AND_ASSIGN(
        Fd m, host.MemfdCreate("contract", MemfdFlags::kAllowSealing));
    ASSERT_OK(WriteAll(host, m, "12345678"));
    ASSERT_OK(host.AddSeals(m, Seals::kShrink));
    EXPECT_THAT(host.Ftruncate(m, 4), HasErrno(EPERM));
    EXPECT_OK(host.Ftruncate(m, 10));
    ASSERT_OK(host.AddSeals(m, Seals::kGrow));
    EXPECT_THAT(host.Ftruncate(m, 20), HasErrno(EPERM));
    EXPECT_THAT(host.PWrite(m, absl::string_view("xy"), 9), HasErrno(EPERM));
    EXPECT_THAT(host.PWrite(m, absl::string_view("ab"), 0), IsOkAndHolds(2));
    ASSERT_OK_AND_ASSIGN(FileStat st, host.FStat(m));
    EXPECT_EQ(st.size, 10);
  });
}

}  // namespace
}  // namespace runbox::contract
