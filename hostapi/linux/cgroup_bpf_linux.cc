// LinuxHost::CgroupAttachDeviceFilter: the cgroup v2 device controller is an
// eBPF program attached to the cgroup. Load, query what is attached, attach
// the new program with BPF_F_ALLOW_MULTI, then detach the old ones, in the
// order runc uses (libcontainer/cgroups/devices/ebpf_linux.go), so the
// cgroup is never without a filter. The program's file descriptors close
// when this returns; the attachment keeps the program alive.
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/linux/linux_internal.h"
#include "hostapi/status.h"

namespace runbox {

using linux_internal::PathError;

namespace {

long Bpf(int cmd, union bpf_attr& attr) {
  return syscall(SYS_bpf, cmd, &attr, sizeof(attr));
}

uint64_t Ptr(const void* p) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p));
}

// BPF_PROG_LOAD, retried with the verifier's log when the program is
// refused, so the error says why.
int LoadProgram(absl::Span<const uint8_t> program, const std::string& license,
                std::string& log_out, int& err) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = Ptr(program.data());
  attr.insn_cnt = static_cast<uint32_t>(program.size() / sizeof(bpf_insn));
  attr.license = Ptr(license.c_str());
  int fd = static_cast<int>(Bpf(BPF_PROG_LOAD, attr));
  err = errno;
  if (fd >= 0 || (err != EINVAL && err != EACCES)) return fd;
  std::string log(16384, '\0');
  attr.log_level = 1;
  attr.log_buf = Ptr(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  fd = static_cast<int>(Bpf(BPF_PROG_LOAD, attr));
  err = errno;
  log.resize(strnlen(log.data(), log.size()));
  if (log.size() > 1024) log = log.substr(log.size() - 1024);
  log_out = std::move(log);
  return fd;
}

}  // namespace

absl::Status LinuxHost::CgroupAttachDeviceFilter(
    absl::string_view path, absl::Span<const uint8_t> program,
    absl::string_view license) {
  if (program.empty() || program.size() % sizeof(bpf_insn) != 0) {
    return ErrnoError(EINVAL,
                      absl::StrCat("bpf: device program of ", program.size(),
                                   " bytes is not whole instructions"));
  }
  const std::string p(path);
  int raw = open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err = errno;
  if (raw < 0) return PathError(err, "open", path);
  Fd cgroup = Own(raw);

  std::string log;
  const std::string lic(license);
  raw = LoadProgram(program, lic, log, err);
  if (raw < 0) {
    return ErrnoError(
        err, absl::StrCat("bpf(BPF_PROG_LOAD) of a device "
                          "program for \"",
                          path, "\"", log.empty() ? "" : ": verifier: ", log));
  }
  Fd prog = Own(raw);

  // What is attached now, to detach once the new program is in place.
  std::vector<uint32_t> old_ids(64);
  union bpf_attr query;
  for (int attempt = 0;; ++attempt) {
    std::memset(&query, 0, sizeof(query));
    query.query.target_fd = static_cast<uint32_t>(cgroup.get());
    query.query.attach_type = BPF_CGROUP_DEVICE;
    query.query.prog_ids = Ptr(old_ids.data());
    query.query.prog_cnt = static_cast<uint32_t>(old_ids.size());
    long rc = Bpf(BPF_PROG_QUERY, query);
    err = errno;
    if (rc == 0) break;
    if (err == ENOSPC && attempt == 0) {
      old_ids.resize(query.query.prog_cnt);
      continue;
    }
    return PathError(err, "bpf(BPF_PROG_QUERY)", path);
  }
  old_ids.resize(query.query.prog_cnt);

  union bpf_attr attach;
  std::memset(&attach, 0, sizeof(attach));
  attach.target_fd = static_cast<uint32_t>(cgroup.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(prog.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  long rc = Bpf(BPF_PROG_ATTACH, attach);
  err = errno;
  if (rc != 0) return PathError(err, "bpf(BPF_PROG_ATTACH)", path);

  for (uint32_t id : old_ids) {
    union bpf_attr get;
    std::memset(&get, 0, sizeof(get));
    get.prog_id = id;
    raw = static_cast<int>(Bpf(BPF_PROG_GET_FD_BY_ID, get));
    err = errno;
    // ENOENT: detached and freed meanwhile.
    if (raw < 0 && err == ENOENT) continue;
    if (raw < 0) return PathError(err, "bpf(BPF_PROG_GET_FD_BY_ID)", path);
    Fd old = Own(raw);
    union bpf_attr detach;
    std::memset(&detach, 0, sizeof(detach));
    detach.target_fd = static_cast<uint32_t>(cgroup.get());
    detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    rc = Bpf(BPF_PROG_DETACH, detach);
    err = errno;
    if (rc != 0 && err != ENOENT) {
      return PathError(err, "bpf(BPF_PROG_DETACH)", path);
    }
  }
  return absl::OkStatus();
}

}  // namespace runbox
