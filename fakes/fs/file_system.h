// The simulated file system: inodes, hard links, directories, symlinks,
// device nodes, socket inodes, open-file semantics (an unlinked file lives
// while open), O_EXCL, atomic rename/exchange, flock, and a durability model:
// file data becomes durable at fsync/fdatasync of the file, a directory's
// entries at fsync of the directory. PowerLoss() rolls every file and
// directory back to its durable state. No permission checks (runbox runs as
// root); no mount redirection (mounts are records, see FakeKernel).
//
// Not thread-safe and never blocking: the simulated kernel runs one process
// at a time, and blocking (flock waits) is FakeHost's job.
#ifndef RUNBOX_FAKES_FS_FILE_SYSTEM_H_
#define RUNBOX_FAKES_FS_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/open_file.h"
#include "hostapi/files.h"
#include "hostapi/locks.h"
#include "hostapi/types.h"

namespace runbox::fake {

class Inode;  // Defined in fakes/fs/inode.h.
using InodeRef = std::shared_ptr<Inode>;

// The per-process view that path resolution needs.
struct PathContext {
  InodeRef root;  // The process's "/" (changes with chroot/pivot_root).
  InodeRef cwd;   // Its working directory.
  uint32_t umask = 022;
};

class FileSystem {
 public:
  // `now` stamps mtimes (the kernel's virtual clock).
  explicit FileSystem(std::function<absl::Time()> now);
  ~FileSystem();
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;

  // The root directory, durable from the start.
  InodeRef root() const;

  // The *at() calls. `dir` is the directory to resolve relative paths from:
  // nullptr means ctx.cwd. Absolute paths start at ctx.root (or at `dir`
  // with ResolveFlags::kInRoot). Errors and errnos match Linux: ENOENT,
  // EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, ELOOP (40 symlinks, or any with
  // kNoSymlinks), EXDEV (escaping with kBeneath), ENAMETOOLONG (a component
  // over 255 bytes), EINVAL (renaming a directory into itself, etc.).
  absl::StatusOr<std::shared_ptr<OpenFile>> OpenAt(const PathContext& ctx,
                                                   const InodeRef& dir,
                                                   absl::string_view path,
                                                   const OpenHow& how);
  absl::Status RenameAt(const PathContext& ctx, const InodeRef& from_dir,
                        absl::string_view from, const InodeRef& to_dir,
                        absl::string_view to, RenameFlags flags);
  absl::Status UnlinkAt(const PathContext& ctx, const InodeRef& dir,
                        absl::string_view path, UnlinkFlags flags);
  absl::Status MkdirAt(const PathContext& ctx, const InodeRef& dir,
                       absl::string_view path, uint32_t mode);
  absl::Status MknodAt(const PathContext& ctx, const InodeRef& dir,
                       absl::string_view path, FileType type, uint32_t mode,
                       DeviceNumber dev);
  absl::Status SymlinkAt(const PathContext& ctx, absl::string_view target,
                         const InodeRef& dir, absl::string_view link_path);
  // Path "" reads `dir` itself when it is a symlink (O_PATH|O_NOFOLLOW fd).
  absl::StatusOr<std::string> ReadlinkAt(const PathContext& ctx,
                                         const InodeRef& dir,
                                         absl::string_view path);
  absl::Status LinkAt(const PathContext& ctx, const InodeRef& old_dir,
                      absl::string_view old_path, const InodeRef& new_dir,
                      absl::string_view new_path);
  // Path "" stats `dir` itself.
  absl::StatusOr<FileStat> StatAt(const PathContext& ctx, const InodeRef& dir,
                                  absl::string_view path,
                                  FollowSymlinks follow);
  // Resolves to an inode (for exec, chdir, chroot, connect).
  absl::StatusOr<InodeRef> Lookup(const PathContext& ctx, const InodeRef& dir,
                                  absl::string_view path,
                                  FollowSymlinks follow);

  // Calls on open descriptions this file system made. Others fail EINVAL
  // (EBADF-like misuse is FakeHost's to report).
  absl::StatusOr<std::vector<DirEntry>> ReadDir(OpenFile& dir);
  absl::Status Fsync(OpenFile& file);
  absl::Status Fdatasync(OpenFile& file);
  absl::Status Ftruncate(OpenFile& file, int64_t length);
  absl::Status Fchmod(OpenFile& file, uint32_t mode);
  absl::Status Fchown(OpenFile& file, Uid uid, Gid gid);
  // The inode behind a description, or nullptr if it is not one of ours.
  InodeRef InodeOf(const OpenFile& file) const;
  // A directory inode's parent ("..": the root is its own parent).
  InodeRef ParentOf(const InodeRef& dir) const;
  FileType TypeOf(const InodeRef& inode) const;
  // Content of a regular file (for exec of fake programs).
  absl::StatusOr<std::string> ReadAll(const InodeRef& inode) const;
  // A new description of `inode`, as opening one of its /proc magic links
  // (/proc/self/exe) makes: no path walk, the inode may be unlinked or a
  // memfd. `flags` gives the access mode only.
  std::shared_ptr<OpenFile> OpenInode(const InodeRef& inode, OpenFlags flags);

  // memfd_create: an unlinked regular file, never part of the tree.
  std::shared_ptr<OpenFile> CreateMemfd(absl::string_view name,
                                        MemfdFlags flags);
  // F_ADD_SEALS: EPERM once kSeal is set, EINVAL for non-memfds.
  // kWrite makes writes fail EPERM; kShrink/kGrow restrict size changes.
  absl::Status AddSeals(OpenFile& file, Seals seals);

  // Socket inodes: bind(2) creates one at `path` pointing at `socket`
  // (EADDRINUSE if the name exists); connect(2) finds it (ENOENT if absent,
  // ECONNREFUSED if it is not a socket inode or its socket is gone).
  absl::Status BindSocket(const PathContext& ctx, const InodeRef& dir,
                          absl::string_view path,
                          std::weak_ptr<OpenFile> socket);
  absl::StatusOr<std::shared_ptr<OpenFile>> FindSocket(
      const PathContext& ctx, const InodeRef& dir, absl::string_view path);

  // `flock`(2) on a description, never blocking: EAGAIN when another
  // description holds a conflicting lock. A description's lock is released
  // when it is destroyed (its last fd closed). WouldBlock tells FakeHost
  // when a blocked locker may retry.
  absl::Status Flock(OpenFile& file, LockOp op);
  bool FlockWouldBlock(OpenFile& file, LockOp op) const;

  // Crash: every directory and file returns to its durable state (entries
  // as of the directory's last fsync, data as of the file's last
  // fsync/fdatasync). Callers must have dropped every open description
  // first (the kernel kills all processes before this).
  void PowerLoss();
  // `sync`(2): makes every file's data and metadata and every directory's
  // entries durable (test set-up that must survive PowerLoss).
  void SyncAll();

  // A listing of the tree for test failure messages.
  std::string DebugString() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_FS_FILE_SYSTEM_H_
