// Helpers shared by the contract cases; see contract_test_util.h.
#include "hostapi/contract/contract_test_util.h"

#include <utility>

#include "hostapi/status.h"

namespace runbox::contract {

std::string ContractParamName(const testing::TestParamInfo<std::string>& info) {
  return info.param;
}

absl::StatusOr<Fd> OpenDir(Host& host, const Fd& at, absl::string_view path) {
  return host.OpenAt(at, path, {.flags = OpenFlags::kDirectory});
}

absl::Status WriteFile(Host& host, const Fd& dir, absl::string_view path,
                       absl::string_view content, uint32_t mode) {
  ASSIGN_OR_RETURN(
      Fd fd, host.OpenAt(dir, path,
                         {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                   OpenFlags::kTruncate,
                          .mode = mode}));
  RETURN_IF_ERROR(WriteAll(host, fd, content));
  return host.Close(std::move(fd));
}

absl::StatusOr<std::string> ReadFile(Host& host, const Fd& dir,
                                     absl::string_view path) {
  ASSIGN_OR_RETURN(Fd fd, host.OpenAt(dir, path, {}));
  return ReadToEof(host, fd);
}

absl::Status WriteAll(Host& host, const Fd& fd, absl::string_view text) {
  while (!text.empty()) {
    ASSIGN_OR_RETURN(size_t n, host.Write(fd, text));
    if (n == 0) return absl::InternalError("write returned 0");
    text.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadSome(Host& host, const Fd& fd, size_t max) {
  std::string buf(max, '\0');
  ASSIGN_OR_RETURN(size_t n, host.Read(fd, absl::MakeSpan(buf)));
  buf.resize(n);
  return buf;
}

absl::StatusOr<std::string> PReadSome(Host& host, const Fd& fd, size_t max,
                                      int64_t offset) {
  std::string buf(max, '\0');
  ASSIGN_OR_RETURN(size_t n, host.PRead(fd, absl::MakeSpan(buf), offset));
  buf.resize(n);
  return buf;
}

absl::StatusOr<std::string> ReadToEof(Host& host, const Fd& fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, host.Read(fd, absl::MakeSpan(buf)));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

absl::StatusOr<std::string> ReadUntil(Host& host, const Fd& fd, char delim) {
  std::string out;
  char c = 0;
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, host.Read(fd, absl::MakeSpan(&c, 1)));
    if (n == 0) return out;
    out.push_back(c);
    if (c == delim) return out;
  }
}

absl::StatusOr<SpawnResult> SpawnHelper(Host& host,
                                        const std::string& helper_path,
                                        const std::vector<std::string>& args,
                                        const std::vector<FdMapping>& fds,
                                        bool want_pidfd) {
  SpawnRequest req;
  req.path = helper_path;
  req.argv.push_back(helper_path);
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.fds = fds;
  req.want_pidfd = want_pidfd;
  return host.Spawn(req);
}

absl::StatusOr<ExitStatus> WaitFor(Host& host, Pid pid) {
  ASSIGN_OR_RETURN(std::optional<WaitResult> r,
                   host.Wait(pid, WaitFlags::kNone));
  if (!r.has_value()) return absl::InternalError("blocking wait gave nothing");
  if (r->pid != pid) return absl::InternalError("wait reaped another pid");
  return r->status;
}

absl::StatusOr<HelperRun> RunHelper(Host& host, const std::string& helper_path,
                                    const std::vector<std::string>& args,
                                    std::vector<FdMapping> fds) {
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  fds.push_back({&out.write, 1});
  ASSIGN_OR_RETURN(SpawnResult child,
                   SpawnHelper(host, helper_path, args, fds));
  // Our copy of the write end must go, or the read never sees EOF.
  out.write.Reset();
  absl::StatusOr<std::string> text = ReadToEof(host, out.read);
  ASSIGN_OR_RETURN(ExitStatus status, WaitFor(host, child.pid));
  if (!text.ok()) return text.status();
  return HelperRun{child.pid, status, *std::move(text)};
}

void KillAndReap(Host& host, Pid pid) {
  (void)host.Kill(pid, Signal::kKill);
  (void)host.Wait(pid, WaitFlags::kNone);
}

}  // namespace runbox::contract
