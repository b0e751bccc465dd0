// The file-system calls the runtime may make: one method per kernel call,
// named after it. Sequences (atomic save, safe walks) live in runtime/ so the
// fake and FaultyHost see every step. Every fd returned is close-on-exec.
#ifndef RUNBOX_HOSTAPI_FILES_H_
#define RUNBOX_HOSTAPI_FILES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hostapi/bitmask.h"
#include "hostapi/fd.h"
#include "hostapi/types.h"

namespace runbox {

struct PipeFds {
  Fd read;
  Fd write;
};

enum class PollEvents : uint32_t {
  kNone = 0,
  kIn = 1 << 0,    // POLLIN: data, EOF, a pending connection or signal.
  kOut = 1 << 1,   // POLLOUT: room to write.
  kErr = 1 << 2,   // POLLERR: write end of a pipe whose readers are gone.
  kHup = 1 << 3,   // POLLHUP: the peer closed.
  kNval = 1 << 4,  // POLLNVAL: not an open fd.
};
RUNBOX_BITMASK_OPS(PollEvents)

struct PollFd {
  const Fd* fd = nullptr;
  PollEvents events = PollEvents::kNone;   // What the caller waits for.
  PollEvents revents = PollEvents::kNone;  // Filled in by Poll.
};

// memfd_create(2) flags and F_ADD_SEALS seals.
enum class MemfdFlags : uint32_t {
  kNone = 0,
  kAllowSealing = 1 << 0,
};
RUNBOX_BITMASK_OPS(MemfdFlags)
enum class Seals : uint32_t {
  kNone = 0,
  kSeal = 1 << 0,    // F_SEAL_SEAL
  kShrink = 1 << 1,  // F_SEAL_SHRINK
  kGrow = 1 << 2,    // F_SEAL_GROW
  kWrite = 1 << 3,   // F_SEAL_WRITE
};
RUNBOX_BITMASK_OPS(Seals)

class Files {
 public:
  virtual ~Files() = default;

  // openat2(2). `dir` may be Fd::Cwd(). With kCreate, `how.mode` applies
  // (less the umask). kExclusive with kCreate fails EEXIST on any existing
  // name, symlinks included. Resolve flags as in openat2(2); on kernels
  // without openat2 the Linux host emulates none of them and fails ENOSYS.
  virtual absl::StatusOr<Fd> OpenAt(const Fd& dir, absl::string_view path,
                                    const OpenHow& how) = 0;

  // close(2), reporting its error (the fd is closed either way). Dropping
  // an Fd closes it silently.
  virtual absl::Status Close(Fd fd) = 0;

  // read(2): 0 bytes means end of file; may be short. EAGAIN on an empty
  // non-blocking pipe or socket.
  virtual absl::StatusOr<size_t> Read(const Fd& fd, absl::Span<char> buf) = 0;
  // write(2): may be short, callers loop. With no reader left on a pipe or
  // socket: SIGPIPE (whose default action kills), or EPIPE where the caller
  // ignores SIGPIPE (Processes::SetSignalDisposition).
  virtual absl::StatusOr<size_t> Write(const Fd& fd,
                                       absl::Span<const char> bytes) = 0;
  // pread(2)/pwrite(2): at `offset`, leaving the file offset alone.
  virtual absl::StatusOr<size_t> PRead(const Fd& fd, absl::Span<char> buf,
                                       int64_t offset) = 0;
  virtual absl::StatusOr<size_t> PWrite(const Fd& fd,
                                        absl::Span<const char> bytes,
                                        int64_t offset) = 0;

  // fsync(2): the file's data and metadata are durable. On a directory, its
  // entries (creates, unlinks, renames within it) are durable.
  virtual absl::Status Fsync(const Fd& fd) = 0;
  // fdatasync(2): the data is durable (the fake treats it as Fsync of data;
  // it never makes a directory entry durable).
  virtual absl::Status Fdatasync(const Fd& fd) = 0;
  // ftruncate(2).
  virtual absl::Status Ftruncate(const Fd& fd, int64_t length) = 0;

  // renameat2(2): atomically replaces `to` (kNone), fails EEXIST
  // (kNoReplace), or swaps the two names (kExchange).
  virtual absl::Status RenameAt(const Fd& from_dir, absl::string_view from,
                                const Fd& to_dir, absl::string_view to,
                                RenameFlags flags = RenameFlags::kNone) = 0;
  // unlinkat(2); kRemoveDir is rmdir(2) (ENOTEMPTY if not empty).
  virtual absl::Status UnlinkAt(const Fd& dir, absl::string_view path,
                                UnlinkFlags flags = UnlinkFlags::kNone) = 0;
  // mkdirat(2): EEXIST if the name exists.
  virtual absl::Status MkdirAt(const Fd& dir, absl::string_view path,
                               uint32_t mode) = 0;
  // mknodat(2) for kCharDevice, kBlockDevice, kFifo, kRegular.
  virtual absl::Status MknodAt(const Fd& dir, absl::string_view path,
                               FileType type, uint32_t mode,
                               DeviceNumber dev) = 0;
  // symlinkat(2): creates `link_path` pointing at `target` (not resolved).
  virtual absl::Status SymlinkAt(absl::string_view target, const Fd& dir,
                                 absl::string_view link_path) = 0;
  // readlinkat(2); EINVAL if not a symlink. Path "" reads the fd itself
  // (an O_PATH fd of a symlink).
  virtual absl::StatusOr<std::string> ReadlinkAt(const Fd& dir,
                                                 absl::string_view path) = 0;
  // linkat(2) without AT_SYMLINK_FOLLOW: a new name for the same inode.
  virtual absl::Status LinkAt(const Fd& old_dir, absl::string_view old_path,
                              const Fd& new_dir,
                              absl::string_view new_path) = 0;

  // fstatat(2). Path "" stats `dir` itself (AT_EMPTY_PATH).
  virtual absl::StatusOr<FileStat> StatAt(const Fd& dir, absl::string_view path,
                                          FollowSymlinks follow) = 0;
  // fstat(2).
  virtual absl::StatusOr<FileStat> FStat(const Fd& fd) = 0;
  // getdents64(2) from the start of the directory, all entries except "."
  // and "..", in no particular order.
  virtual absl::StatusOr<std::vector<DirEntry>> ReadDir(const Fd& dir) = 0;

  // fchmod(2), fchown(2).
  virtual absl::Status Fchmod(const Fd& fd, uint32_t mode) = 0;
  virtual absl::Status Fchown(const Fd& fd, Uid uid, Gid gid) = 0;

  // fcntl(F_DUPFD_CLOEXEC): a second fd for the same open file.
  virtual absl::StatusOr<Fd> Dup(const Fd& fd) = 0;
  // dup3(fd, target, 0): fd number `target` becomes a copy of `fd` that
  // survives exec (not close-on-exec), replacing what was open there, as a
  // console replica becomes a process's stdio. `target` is not owned by an
  // Fd afterwards. EINVAL when `fd` already is `target`.
  virtual absl::Status Dup3(const Fd& fd, int target) = 0;
  // pipe2(2) with O_CLOEXEC (and O_NONBLOCK when `nonblocking`).
  virtual absl::StatusOr<PipeFds> Pipe(bool nonblocking = false) = 0;
  // memfd_create(2) with MFD_CLOEXEC; fcntl(F_ADD_SEALS).
  virtual absl::StatusOr<Fd> MemfdCreate(absl::string_view name,
                                         MemfdFlags flags) = 0;
  virtual absl::Status AddSeals(const Fd& fd, Seals seals) = 0;

  // poll(2): fills revents, returns how many fds have events. nullopt
  // timeout waits forever; a zero timeout only checks.
  virtual absl::StatusOr<int> Poll(absl::Span<PollFd> fds,
                                   std::optional<absl::Duration> timeout) = 0;

  // fcntl(F_SETFL) of O_NONBLOCK on the open file description (shared by
  // its dups and by other processes holding it).
  virtual absl::Status SetNonBlocking(const Fd& fd, bool nonblocking) = 0;
  // fchdir(2).
  virtual absl::Status Fchdir(const Fd& dir) = 0;
  // umask(2): sets the mask, returns the previous one.
  virtual uint32_t Umask(uint32_t mask) = 0;
  // getcwd(3): the absolute path of the working directory.
  virtual absl::StatusOr<std::string> GetCwd() = 0;

  // Takes ownership of descriptor `fd`, which this process inherited by
  // number (a SpawnRequest::fds target). No system call: if it was not
  // open, the first call that uses it fails EBADF.
  virtual Fd AdoptFd(int fd) = 0;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_FILES_H_
