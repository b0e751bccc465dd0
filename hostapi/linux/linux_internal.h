// Helpers shared by the *_linux.cc files: errno statuses with call and path
// context (errno_linux.cc), translation of host-API types to kernel flags and
// back (translate_linux.cc), and small whole-file reads for /proc and
// cgroupfs (files_linux.cc). Private to hostapi/linux.
#ifndef RUNBOX_HOSTAPI_LINUX_LINUX_INTERNAL_H_
#define RUNBOX_HOSTAPI_LINUX_LINUX_INTERNAL_H_

#include <signal.h>
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/files.h"
#include "hostapi/mounts.h"
#include "hostapi/processes.h"
#include "hostapi/seccomp.h"
#include "hostapi/types.h"

namespace runbox::linux_internal {

// errno_linux.cc.
// ErrnoError(err, "call").
absl::Status CallError(int err, absl::string_view call);
// ErrnoError(err, "call \"path\"").
absl::Status PathError(int err, absl::string_view call, absl::string_view path);
// ErrnoError(err, "call fd N").
absl::Status FdError(int err, absl::string_view call, int fd);

// translate_linux.cc.
int ToOpenFlags(OpenFlags flags);
uint64_t ToResolveFlags(ResolveFlags flags);
unsigned long ToMountFlags(MountFlags flags);
int ToUmountFlags(UmountFlags flags);
int ToCloneFlags(Namespaces namespaces);
unsigned int ToRenameFlags(RenameFlags flags);
unsigned int ToSeals(Seals seals);
unsigned int ToSeccompFlags(SeccompFlags flags);
short ToPollEvents(PollEvents events);
PollEvents FromPollEvents(short events);
FileType FileTypeFromMode(mode_t mode);
FileType FileTypeFromDirent(unsigned char d_type);
FileStat FileStatFromStat(const struct stat& st);
// Signals glibc reserves (32, 33) and out-of-range ones are skipped.
sigset_t ToSigset(const SignalSet& set);
SignalSet FromSigset(const sigset_t& set);

// files_linux.cc.
// Reads a whole small file by path (a /proc or cgroupfs file): open(2) and
// read(2) until EOF.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace runbox::linux_internal

#endif  // RUNBOX_HOSTAPI_LINUX_LINUX_INTERNAL_H_
