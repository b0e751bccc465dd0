// Runs programs with captured output for the runtime/cli suites
// (cli_runner.h): the pipe-and-pidfd loop of RunProgram, runbox on a
// DualHost, runfiles, and file and JSON helpers.
#include "runtime/testing/cli_runner.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "hostapi/linux/linux_host.h"
#include "hostapi/status.h"
#include "hostapi/status_matchers.h"
#include "runtime/cli/fake_runbox.h"
#include "runtime/common/io.h"
#include "runtime/testing/fake_programs.h"

namespace runbox {

std::string Output::Describe() const {
  return absl::StrCat(ToString(status), "\nstdout: ", out, "\nstderr: ", err);
}

std::string EnvValue(absl::string_view key) {
  LinuxHost host;
  std::string prefix = absl::StrCat(key, "=");
  for (const std::string& entry : host.Environment()) {
    if (absl::StartsWith(entry, prefix)) return entry.substr(prefix.size());
  }
  return "";
}

std::string RunfilePath(absl::string_view path) {
  std::string workspace = EnvValue("TEST_WORKSPACE");
  return absl::StrCat(EnvValue("TEST_SRCDIR"), "/",
                      workspace.empty() ? "runbox" : workspace, "/", path);
}

std::string LinuxRunboxPath() { return RunfilePath("runtime/cli/runbox"); }

void RegisterRunboxAndBusybox(DualHost& env) {
  env.RegisterProgram("runbox", cli::RunboxProgram(), LinuxRunboxPath());
  env.RegisterProgram(std::string(kFakeBusyboxProgram), FakeBusybox(),
                      "/bin/busybox");
}

absl::StatusOr<Output> RunProgram(Host& host, const std::string& path,
                                  const std::vector<std::string>& argv,
                                  const std::vector<std::string>& extra_env) {
  ASSIGN_OR_RETURN(PipeFds in, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds out, host.Pipe());
  ASSIGN_OR_RETURN(PipeFds err, host.Pipe());
  SpawnRequest request;
  request.path = path;
  request.argv = argv;
  request.env = host.Environment();
  request.env.insert(request.env.end(), extra_env.begin(), extra_env.end());
  request.fds = {{&in.read, 0}, {&out.write, 1}, {&err.write, 2}};
  request.want_pidfd = true;
  ASSIGN_OR_RETURN(SpawnResult child, host.Spawn(request));
  in.read.Reset();
  in.write.Reset();
  out.write.Reset();
  err.write.Reset();

  Output result;
  const Fd* pipes[] = {&out.read, &err.read};
  std::string* sinks[] = {&result.out, &result.err};
  bool open[] = {true, true};
  bool exited = false;
  while (open[0] || open[1]) {
    std::vector<PollFd> fds;
    std::vector<int> which;
    for (int i = 0; i < 2; ++i) {
      if (!open[i]) continue;
      fds.push_back({.fd = pipes[i], .events = PollEvents::kIn});
      which.push_back(i);
    }
    if (!exited) fds.push_back({.fd = &child.pidfd, .events = PollEvents::kIn});
    std::optional<absl::Duration> timeout;
    if (exited) timeout = absl::ZeroDuration();
    absl::StatusOr<int> ready = host.Poll(absl::MakeSpan(fds), timeout);
    if (IsErrno(ready, EINTR)) continue;
    RETURN_IF_ERROR(ready.status());
    if (*ready == 0) break;  // Exited, and nothing more to read now.
    for (size_t k = 0; k < which.size(); ++k) {
      if (fds[k].revents == PollEvents::kNone) continue;
      char buf[4096];
      ASSIGN_OR_RETURN(size_t n, host.Read(*pipes[which[k]], buf));
      if (n == 0) open[which[k]] = false;
      sinks[which[k]]->append(buf, n);
    }
    if (!exited && fds.back().revents != PollEvents::kNone) exited = true;
  }
  absl::StatusOr<std::optional<WaitResult>> waited;
  do {
    waited = host.Wait(child.pid, WaitFlags::kNone);
  } while (IsErrno(waited, EINTR));
  RETURN_IF_ERROR(waited.status());
  if (!waited->has_value()) return absl::InternalError("wait: no status");
  result.status = (*waited)->status;
  return result;
}

Output RunRunbox(const DualHost& env, Host& host,
                 const std::vector<std::string>& args,
                 const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv = {"runbox"};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<Output> output =
      RunProgram(host, env.ProgramPath("runbox"), argv, extra_env);
  EXPECT_OK(output.status());
  return output.ok() ? *output : Output{ExitStatus::Exited(-1)};
}

Output RunFakeRunbox(fake::FakeKernel& kernel, const std::string& root,
                     const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"runbox", "--root", root};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<Pid> pid = kernel.Start({.path = "/bin/runbox", .argv = argv});
  EXPECT_TRUE(pid.ok()) << pid.status();
  if (!pid.ok()) return {ExitStatus::Exited(-1)};
  std::optional<ExitStatus> status = RunFakeUntilExit(kernel, *pid, 1);
  return {status.value_or(ExitStatus::Exited(-1)), kernel.StdoutOf(*pid),
          kernel.StderrOf(*pid)};
}

std::optional<Pid> FindLiveProcess(const fake::FakeKernel& kernel,
                                   const std::vector<std::string>& argv) {
  for (const fake::ProcessInfo& p : kernel.Processes()) {
    if (!p.zombie && p.argv == argv) return p.pid;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> ReadFile(Host& host, const std::string& path) {
  return ReadFileAt(host, Fd::Cwd(), path, kUnbounded);
}

absl::Status WriteFile(Host& host, const std::string& path,
                       absl::string_view text) {
  ASSIGN_OR_RETURN(
      Fd fd, host.OpenAt(Fd::Cwd(), path,
                         {.flags = OpenFlags::kWriteOnly | OpenFlags::kCreate |
                                   OpenFlags::kTruncate,
                          .mode = 0644}));
  RETURN_IF_ERROR(WriteAll(host, fd, text));
  return host.Close(std::move(fd));
}

std::optional<nlohmann::json> ParseJson(absl::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::vector<std::string> Entries(Host& host, const std::string& path) {
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), path, {.flags = OpenFlags::kDirectory});
  if (IsErrno(dir, ENOENT)) return {};
  EXPECT_OK(dir.status());
  if (!dir.ok()) return {};
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*dir);
  EXPECT_OK(entries.status());
  std::vector<std::string> names;
  if (!entries.ok()) return names;
  for (const DirEntry& e : *entries) {
    if (e.name != "." && e.name != "..") names.push_back(e.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace runbox
