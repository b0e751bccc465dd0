// FdTable and SignalState helpers; see process.h.
#include "fakes/process.h"

#include <utility>

namespace runbox::fake {

int NamespaceIndex(Namespaces one_namespace) {
  auto bits = static_cast<uint32_t>(one_namespace);
  for (int i = 0; i < kNamespaceTypes; ++i) {
    if (bits == (1u << i)) return i;
  }
  return -1;
}

int FdTable::Install(std::shared_ptr<OpenFile> file, bool cloexec) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].file == nullptr) {
      entries_[i] = {std::move(file), cloexec};
      return static_cast<int>(i);
    }
  }
  if (entries_.size() >= kMaxFds) return -1;
  entries_.push_back({std::move(file), cloexec});
  return static_cast<int>(entries_.size() - 1);
}

void FdTable::InstallAt(int fd, std::shared_ptr<OpenFile> file, bool cloexec) {
  if (fd >= static_cast<int>(entries_.size())) entries_.resize(fd + 1);
  // Swap out first: the old description's destructor must not run while
  // the entry is half-written.
  std::shared_ptr<OpenFile> old = std::move(entries_[fd].file);
  entries_[fd] = {std::move(file), cloexec};
}

const std::shared_ptr<OpenFile>* FdTable::Get(int fd) const {
  if (fd < 0 || fd >= static_cast<int>(entries_.size())) return nullptr;
  const Entry& e = entries_[fd];
  return e.file == nullptr ? nullptr : &e.file;
}

std::shared_ptr<OpenFile> FdTable::Remove(int fd) {
  if (fd < 0 || fd >= static_cast<int>(entries_.size())) return nullptr;
  std::shared_ptr<OpenFile> file = std::move(entries_[fd].file);
  entries_[fd] = {};
  while (!entries_.empty() && entries_.back().file == nullptr) {
    entries_.pop_back();
  }
  return file;
}

void FdTable::CloseOnExec() {
  std::vector<std::shared_ptr<OpenFile>> dropped;
  for (Entry& e : entries_) {
    if (e.file != nullptr && e.cloexec) dropped.push_back(std::move(e.file));
  }
  while (!entries_.empty() && entries_.back().file == nullptr) {
    entries_.pop_back();
  }
}

std::vector<std::shared_ptr<OpenFile>> FdTable::TakeAll() {
  std::vector<std::shared_ptr<OpenFile>> all;
  for (Entry& e : entries_) {
    if (e.file != nullptr) all.push_back(std::move(e.file));
  }
  entries_.clear();
  return all;
}

std::vector<int> FdTable::OpenFds() const {
  std::vector<int> fds;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].file != nullptr) fds.push_back(static_cast<int>(i));
  }
  return fds;
}

SignalSet SignalState::PendingSet() const {
  SignalSet set;
  for (const SignalInfo& info : pending) set.Add(info.signal);
  return set;
}

bool SignalState::AnyPendingIn(const SignalSet& set) const {
  for (const SignalInfo& info : pending) {
    if (set.Contains(info.signal)) return true;
  }
  return false;
}

std::optional<SignalInfo> SignalState::Dequeue(const SignalSet& set) {
  int best = -1;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (!set.Contains(pending[i].signal)) continue;
    if (best < 0 || static_cast<int>(pending[i].signal) <
                        static_cast<int>(pending[best].signal)) {
      best = static_cast<int>(i);
    }
  }
  if (best < 0) return std::nullopt;
  SignalInfo info = pending[best];
  pending.erase(pending.begin() + best);
  return info;
}

void SignalState::Discard(Signal sig) {
  std::erase_if(pending,
                [sig](const SignalInfo& info) { return info.signal == sig; });
}

}  // namespace runbox::fake
