// StateStore: create, load, save, list, resolve and destroy of container
// state directories, following the lock protocol of lock.h and the atomic
// write of runtime/common/io.h.
#include "runtime/state/state_store.h"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/state/container_id.h"

namespace runbox {
namespace {

// An ambiguous prefix names at most this many candidates.
constexpr size_t kMaxCandidatesShown = 10;

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

// Files runbox itself writes in a container directory, including temp
// files of an atomic write that was killed.
bool IsRunboxFileName(absl::string_view name) {
  return name == StateLayout::kMetaFile ||
         name == StateLayout::kExitStatusFile ||
         name == StateLayout::kControlSocket ||
         name == StateLayout::kResourcesFile ||
         name == StateLayout::kConfigFile ||
         absl::StartsWith(name,
                          AtomicWriteTempPrefix(StateLayout::kConfigFile)) ||
         absl::StartsWith(name,
                          AtomicWriteTempPrefix(StateLayout::kResourcesFile)) ||
         absl::StartsWith(name,
                          AtomicWriteTempPrefix(StateLayout::kMetaFile)) ||
         absl::StartsWith(name,
                          AtomicWriteTempPrefix(StateLayout::kExitStatusFile));
}

// The first error's code and payloads, every error's message.
absl::Status CombineErrors(const std::vector<absl::Status>& errors) {
  if (errors.empty()) return absl::OkStatus();
  if (errors.size() == 1) return errors[0];
  std::vector<std::string> messages;
  for (const absl::Status& e : errors) messages.emplace_back(e.message());
  absl::Status combined(errors[0].code(), absl::StrJoin(messages, "; "));
  errors[0].ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) {
        combined.SetPayload(url, payload);
      });
  return combined;
}

absl::StatusOr<Meta> ParseFor(absl::string_view id, absl::string_view text) {
  absl::StatusOr<Meta> meta = ParseMeta(text);
  if (!meta.ok()) {
    return Annotate(meta.status(), absl::StrCat("container ", Quoted(id)));
  }
  if (meta->id != id) {
    return absl::InvalidArgumentError(
        absl::StrCat("container ", Quoted(id), ": meta.json names container ",
                     Quoted(meta->id)));
  }
  return meta;
}

}  // namespace

StateStore::StateStore(Host& host, StateLayout layout, Fd root)
    : host_(&host),
      layout_(std::move(layout)),
      root_(std::move(root)),
      tracker_(std::make_shared<LockOrderTracker>()) {}

absl::StatusOr<StateStore> StateStore::Open(Host& host, StateLayout layout) {
  std::string context = absl::StrCat("open state root ", Quoted(layout.root()));
  // Missing components get 0700 too: stricter than needed, never looser.
  absl::Status made =
      MakeDirs(host, Fd::Cwd(), layout.root(), StateLayout::kRootMode);
  if (!made.ok()) return Annotate(made, context);
  absl::StatusOr<Fd> root =
      host.OpenAt(Fd::Cwd(), layout.root(),
                  {.flags = OpenFlags::kReadOnly | OpenFlags::kDirectory});
  if (!root.ok()) return Annotate(root.status(), context);
  return StateStore(host, std::move(layout), std::move(*root));
}

absl::StatusOr<RootLock> StateStore::LockRoot(LockType type, LockMode mode) {
  if (tracker_->container_locks_held > 0) {
    return absl::FailedPreconditionError(
        "lock order violation: the root lock was requested while a container "
        "lock is held (the order is root, then container)");
  }
  return RootLock::Acquire(*host_, root_, type, mode);
}

absl::StatusOr<ContainerLock> StateStore::LockContainer(absl::string_view id,
                                                        LockType type,
                                                        LockMode mode) {
  RETURN_IF_ERROR(ValidateContainerId(id));
  return ContainerLock::Acquire(*host_, root_, id, type, mode, tracker_);
}

absl::StatusOr<ContainerLock> StateStore::CreateExclusive(const Meta& meta) {
  RETURN_IF_ERROR(ValidateContainerId(meta.id));
  const std::string& id = meta.id;
  const std::string context = absl::StrCat("create container ", Quoted(id));
  Host& host = *host_;

  ASSIGN_OR_RETURN(RootLock root_lock,
                   LockRoot(LockType::kExclusive, LockMode::kBlock));
  absl::Status made = host.MkdirAt(root_, id, StateLayout::kContainerDirMode);
  if (IsErrno(made, EEXIST)) {
    absl::StatusOr<bool> swept = SweepLeftoverLocked(id);
    if (!swept.ok()) return Annotate(swept.status(), context);
    if (!*swept) {
      return absl::AlreadyExistsError(
          absl::StrCat("container with given ID already exists: ", id));
    }
    made = host.MkdirAt(root_, id, StateLayout::kContainerDirMode);
  }
  if (!made.ok()) return Annotate(made, context);
  // The directory is ours; every failure from here removes it.
  absl::Cleanup remove_dir = [&] {
    (void)host.UnlinkAt(root_, id, UnlinkFlags::kRemoveDir);
  };

  // Nobody else creates this directory while we hold the root lock, but a
  // reader may have it locked for a moment (and then finds no meta.json).
  absl::StatusOr<ContainerLock> lock =
      LockContainer(id, LockType::kExclusive, LockMode::kBlock);
  if (!lock.ok()) return Annotate(lock.status(), context);
  // Everything in the new directory is ours too; remove it all while the
  // lock is held, as Destroy does.
  std::move(remove_dir).Cancel();
  absl::Cleanup rollback = [&] { (void)RemoveContainerLocked(*lock); };

  absl::Status s =
      AtomicWriteFileAt(host, lock->dir(), StateLayout::kMetaFile,
                        SerializeMeta(meta), StateLayout::kFileMode);
  if (!s.ok()) return Annotate(s, context);
  // The new directory's name is durable only once the root is fsynced.
  s = host.Fsync(root_);
  if (!s.ok()) return Annotate(s, context);

  std::move(rollback).Cancel();
  return std::move(*lock);
}

absl::StatusOr<Meta> StateStore::Load(absl::string_view id) {
  RETURN_IF_ERROR(ValidateContainerId(id));
  absl::StatusOr<std::string> text = ReadFileAt(
      *host_, root_, StateLayout::RelativeMetaPath(id), kMaxMetaBytes);
  if (IsErrno(text, ENOENT) || IsErrno(text, ENOTDIR)) {
    return ContainerNotFoundError(id);
  }
  if (!text.ok()) {
    return Annotate(text.status(), absl::StrCat("load container ", Quoted(id)));
  }
  return ParseFor(id, *text);
}

absl::StatusOr<Meta> StateStore::LoadLocked(const ContainerLock& lock) {
  absl::StatusOr<std::string> text =
      ReadFileAt(*host_, lock.dir(), StateLayout::kMetaFile, kMaxMetaBytes);
  if (IsErrno(text, ENOENT)) return ContainerNotFoundError(lock.id());
  if (!text.ok()) {
    return Annotate(text.status(),
                    absl::StrCat("load container ", Quoted(lock.id())));
  }
  return ParseFor(lock.id(), *text);
}

absl::Status StateStore::SaveLocked(const ContainerLock& lock,
                                    const Meta& meta) {
  if (!lock.held() || lock.type() != LockType::kExclusive) {
    return absl::FailedPreconditionError(
        absl::StrCat("save container ", Quoted(lock.id()),
                     ": the container lock is not held exclusively"));
  }
  if (meta.id != lock.id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("save container ", Quoted(lock.id()),
                     ": the record is for container ", Quoted(meta.id)));
  }
  return Annotate(
      AtomicWriteFileAt(*host_, lock.dir(), StateLayout::kMetaFile,
                        SerializeMeta(meta), StateLayout::kFileMode),
      absl::StrCat("save container ", Quoted(lock.id())));
}

absl::Status StateStore::SaveConfigLocked(const ContainerLock& lock,
                                          absl::string_view config_text) {
  const std::string context =
      absl::StrCat("save the config of container ", Quoted(lock.id()));
  if (!lock.held() || lock.type() != LockType::kExclusive) {
    return absl::FailedPreconditionError(
        absl::StrCat(context, ": the container lock is not held exclusively"));
  }
  return Annotate(
      AtomicWriteFileAt(*host_, lock.dir(), StateLayout::kConfigFile,
                        config_text, StateLayout::kFileMode),
      context);
}

absl::StatusOr<std::string> StateStore::LoadConfig(absl::string_view id) {
  RETURN_IF_ERROR(ValidateContainerId(id));
  absl::StatusOr<std::string> text =
      ReadFileAt(*host_, root_, absl::StrCat(id, "/", StateLayout::kConfigFile),
                 StateLayout::kMaxConfigBytes);
  if (IsErrno(text, ENOENT) || IsErrno(text, ENOTDIR)) {
    if (!HasMeta(id)) return ContainerNotFoundError(id);
    return absl::FailedPreconditionError(absl::StrCat(
        "container ", Quoted(id), ": its saved ", StateLayout::kConfigFile,
        " (", layout_.ContainerDir(id), "/", StateLayout::kConfigFile,
        ") is missing; the bundle's config.json is not read after create"));
  }
  if (!text.ok()) {
    return Annotate(text.status(),
                    absl::StrCat("load the config of container ", Quoted(id)));
  }
  return std::move(*text);
}

absl::StatusOr<std::vector<ListEntry>> StateStore::List() {
  absl::StatusOr<std::vector<DirEntry>> entries = host_->ReadDir(root_);
  if (!entries.ok()) {
    return Annotate(entries.status(),
                    absl::StrCat("list ", Quoted(layout_.root())));
  }
  std::vector<ListEntry> out;
  for (const DirEntry& entry : *entries) {
    if (entry.type != FileType::kDirectory &&
        entry.type != FileType::kUnknown) {
      continue;
    }
    if (!IsValidContainerId(entry.name)) continue;
    absl::StatusOr<std::string> text =
        ReadFileAt(*host_, root_, StateLayout::RelativeMetaPath(entry.name),
                   kMaxMetaBytes);
    // No meta.json: not ours (runc's state.json, say), or a create or
    // destroy in flight.
    if (IsErrno(text, ENOENT) || IsErrno(text, ENOTDIR)) continue;
    if (!text.ok()) {
      out.push_back({entry.name,
                     Annotate(text.status(),
                              absl::StrCat("container ", Quoted(entry.name)))});
      continue;
    }
    out.push_back({entry.name, ParseFor(entry.name, *text)});
  }
  std::sort(out.begin(), out.end(),
            [](const ListEntry& a, const ListEntry& b) { return a.id < b.id; });
  return out;
}

bool StateStore::HasMeta(absl::string_view id) {
  return host_
      ->StatAt(root_, StateLayout::RelativeMetaPath(id),
               FollowSymlinks::kNoFollow)
      .ok();
}

absl::StatusOr<std::string> StateStore::Resolve(
    absl::string_view id_or_prefix) {
  RETURN_IF_ERROR(ValidateContainerId(id_or_prefix));
  if (HasMeta(id_or_prefix)) return std::string(id_or_prefix);
  absl::StatusOr<std::vector<DirEntry>> entries = host_->ReadDir(root_);
  if (!entries.ok()) {
    return Annotate(entries.status(),
                    absl::StrCat("resolve container ", Quoted(id_or_prefix)));
  }
  std::vector<std::string> matches;
  for (const DirEntry& entry : *entries) {
    if (!absl::StartsWith(entry.name, id_or_prefix)) continue;
    if (!IsValidContainerId(entry.name) || !HasMeta(entry.name)) continue;
    matches.push_back(entry.name);
  }
  if (matches.empty()) return ContainerNotFoundError(id_or_prefix);
  if (matches.size() == 1) return matches[0];
  std::sort(matches.begin(), matches.end());
  std::string shown = absl::StrJoin(
      matches.begin(),
      matches.begin() + std::min(matches.size(), kMaxCandidatesShown), ", ");
  if (matches.size() > kMaxCandidatesShown) {
    absl::StrAppend(&shown, " and ", matches.size() - kMaxCandidatesShown,
                    " more");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("ambiguous container id prefix ", Quoted(id_or_prefix),
                   ": matches ", shown));
}

absl::Status StateStore::Destroy(absl::string_view id, DestroyMode mode) {
  return DestroyMatching(id, mode, std::nullopt);
}

absl::Status StateStore::DestroyIncarnation(const ContainerLock& lock,
                                            DestroyMode mode) {
  return DestroyMatching(lock.id(), mode,
                         std::make_pair(lock.dev(), lock.ino()));
}

absl::Status StateStore::DestroyMatching(
    absl::string_view id, DestroyMode mode,
    std::optional<std::pair<uint64_t, uint64_t>> dev_ino) {
  RETURN_IF_ERROR(ValidateContainerId(id));
  const std::string context = absl::StrCat("delete container ", Quoted(id));
  absl::StatusOr<std::pair<RootLock, ContainerLock>> locks =
      LockRootAndContainer(id);
  absl::Status s;
  if (!locks.ok()) {
    s = locks.status();
  } else if (dev_ino && *dev_ino != std::make_pair(locks->second.dev(),
                                                   locks->second.ino())) {
    s = ContainerNotFoundError(id);  // Ours went; this is another one.
  } else {
    s = DestroyLocked(locks->first, locks->second);
  }
  if (s.code() == absl::StatusCode::kNotFound) {
    return mode == DestroyMode::kForce ? absl::OkStatus() : s;
  }
  return Annotate(s, context);
}

absl::Status StateStore::DestroyLocked(const RootLock& root,
                                       const ContainerLock& lock) {
  if (!root.held() || root.type() != LockType::kExclusive || !lock.held() ||
      lock.type() != LockType::kExclusive) {
    return absl::FailedPreconditionError(absl::StrCat(
        "delete container ", Quoted(lock.id()),
        ": the root and container locks are not both held exclusively"));
  }
  absl::StatusOr<FileStat> meta = host_->StatAt(
      lock.dir(), StateLayout::kMetaFile, FollowSymlinks::kNoFollow);
  const bool had_meta = meta.ok();
  if (!had_meta) {
    if (!IsErrno(meta, ENOENT)) return meta.status();
    // Without meta.json, only runbox's own leftovers make it ours.
    ASSIGN_OR_RETURN(bool leftover, IsLeftoverLocked(lock));
    if (!leftover) return ContainerNotFoundError(lock.id());
  }
  RETURN_IF_ERROR(RemoveContainerLocked(lock));
  return had_meta ? absl::OkStatus() : ContainerNotFoundError(lock.id());
}

absl::StatusOr<std::pair<RootLock, ContainerLock>>
StateStore::LockRootAndContainer(absl::string_view id) {
  while (true) {
    ASSIGN_OR_RETURN(RootLock root_lock,
                     LockRoot(LockType::kExclusive, LockMode::kBlock));
    absl::StatusOr<ContainerLock> lock =
        LockContainer(id, LockType::kExclusive, LockMode::kTry);
    if (lock.ok()) {
      return std::make_pair(std::move(root_lock), std::move(*lock));
    }
    if (!IsErrno(lock, EAGAIN)) return lock.status();
    // Busy. Wait for it without the root lock (lock.h), then start over:
    // the container may be gone or replaced by then.
    root_lock.Release();
    absl::StatusOr<ContainerLock> waited =
        LockContainer(id, LockType::kExclusive, LockMode::kBlock);
    if (!waited.ok()) return waited.status();
  }
}

absl::StatusOr<bool> StateStore::SweepLeftoverLocked(absl::string_view id) {
  absl::StatusOr<ContainerLock> lock =
      LockContainer(id, LockType::kExclusive, LockMode::kTry);
  // Not a directory, or in use: it exists.
  if (lock.status().code() == absl::StatusCode::kNotFound ||
      IsErrno(lock, EAGAIN)) {
    return false;
  }
  if (!lock.ok()) return lock.status();
  ASSIGN_OR_RETURN(bool leftover, IsLeftoverLocked(*lock));
  if (!leftover) return false;
  RETURN_IF_ERROR(RemoveContainerLocked(*lock));
  return true;
}

absl::StatusOr<bool> StateStore::IsLeftoverLocked(const ContainerLock& lock) {
  ASSIGN_OR_RETURN(std::vector<DirEntry> entries, host_->ReadDir(lock.dir()));
  for (const DirEntry& entry : entries) {
    if (entry.name == StateLayout::kMetaFile) return false;
    if (entry.type == FileType::kDirectory) return false;
    if (!IsRunboxFileName(entry.name)) return false;
  }
  return true;
}

absl::Status StateStore::RemoveFilesLocked(const ContainerLock& lock) {
  std::vector<absl::Status> errors;
  auto remove = [&](absl::string_view name) {
    absl::Status s = host_->UnlinkAt(lock.dir(), name);
    if (!s.ok() && !IsErrno(s, ENOENT)) errors.push_back(s);
  };
  // meta.json first: once it is gone the container does not exist for
  // Load, List and Resolve, and whatever a crash leaves after this point is
  // a leftover that the next create or delete sweeps.
  remove(StateLayout::kMetaFile);
  remove(StateLayout::kExitStatusFile);
  remove(StateLayout::kControlSocket);
  absl::StatusOr<std::vector<DirEntry>> entries = host_->ReadDir(lock.dir());
  if (!entries.ok()) {
    errors.push_back(entries.status());
  } else {
    for (const DirEntry& entry : *entries) {
      // A subdirectory is not runbox's: reported by the rmdir, not removed.
      if (entry.type != FileType::kDirectory) remove(entry.name);
    }
  }
  return CombineErrors(errors);
}

absl::Status StateStore::RemoveContainerLocked(const ContainerLock& lock) {
  std::vector<absl::Status> errors;
  if (absl::Status s = RemoveFilesLocked(lock); !s.ok()) errors.push_back(s);
  // Last, the directory, which is the lock itself: a process blocked on it
  // wakes holding a removed inode and reports NotFound (lock.h).
  absl::Status removed =
      host_->UnlinkAt(root_, lock.id(), UnlinkFlags::kRemoveDir);
  if (removed.ok()) {
    if (absl::Status s = host_->Fsync(root_); !s.ok()) errors.push_back(s);
  } else {
    errors.push_back(removed);
    // At least make the removal of meta.json durable.
    if (absl::Status s = host_->Fsync(lock.dir()); !s.ok()) errors.push_back(s);
  }
  return CombineErrors(errors);
}

}  // namespace runbox
