// Spawns hooks with the state on stdin and a deadline; see hooks.h.
#include "runtime/sandbox/hooks.h"

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

// Enough of a hook's output to explain its failure.
constexpr size_t kMaxOutput = 4096;

std::string HookName(const spec::Hook& hook) {
  return absl::StrCat("hook \"", hook.path, "\"");
}

// Appends one read of `fd` to `output` (bounded); false at EOF or error.
bool ReadSome(Host& host, const Fd& fd, std::string& output) {
  char buf[1024];
  absl::StatusOr<size_t> n = host.Read(fd, absl::MakeSpan(buf));
  if (!n.ok() || *n == 0) return false;
  if (output.size() < kMaxOutput) {
    output.append(buf, std::min(*n, kMaxOutput - output.size()));
  }
  return true;
}

// Feeds stdin and collects stdout+stderr until the hook exits (its pidfd
// turns readable) or the deadline passes, when it is killed. Output still
// buffered at exit is drained without waiting: a grandchild may hold the
// pipe open forever.
absl::StatusOr<std::string> Supervise(Host& host, const SpawnResult& hook,
                                      Fd stdin_write, const Fd& output_read,
                                      absl::string_view input,
                                      std::optional<absl::Duration> deadline) {
  std::string output;
  size_t written = 0;
  bool output_open = true;
  bool exited = false;
  while (!exited) {
    std::vector<PollFd> fds = {{&hook.pidfd, PollEvents::kIn}};
    if (output_open) fds.push_back({&output_read, PollEvents::kIn});
    if (stdin_write.valid()) fds.push_back({&stdin_write, PollEvents::kOut});
    std::optional<absl::Duration> timeout;
    if (deadline) {
      timeout = std::max(*deadline - host.MonotonicNow(), absl::ZeroDuration());
    }
    ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(fds), timeout));
    if (ready == 0) {
      (void)host.Kill(hook.pid, Signal::kKill);
      return absl::DeadlineExceededError("timed out");
    }
    for (const PollFd& p : fds) {
      if (p.revents == PollEvents::kNone) continue;
      if (p.fd == &hook.pidfd) {
        exited = true;
      } else if (p.fd == &output_read) {
        output_open = ReadSome(host, output_read, output);
      } else {
        absl::StatusOr<size_t> n = host.Write(
            stdin_write, absl::MakeConstSpan(input.data() + written,
                                             input.size() - written));
        // A hook that exits without reading its stdin is not an error.
        if (!n.ok() || (written += *n) == input.size()) stdin_write.Reset();
      }
    }
  }
  while (output_open) {
    PollFd drain{&output_read, PollEvents::kIn};
    ASSIGN_OR_RETURN(int more, host.Poll(absl::MakeSpan(&drain, 1),
                                         absl::ZeroDuration()));
    output_open = more > 0 && ReadSome(host, output_read, output);
  }
  return output;
}

}  // namespace

absl::Status RunHook(Host& host, const spec::Hook& hook,
                     absl::string_view state_json) {
  const std::string name = HookName(hook);
  // The hook's end of its stdin blocks, as a program expects; ours does not,
  // so a hook that never reads cannot stall us.
  ASSIGN_OR_RETURN(PipeFds input, host.Pipe());
  RETURN_IF_ERROR(host.SetNonBlocking(input.write, true));
  ASSIGN_OR_RETURN(PipeFds output, host.Pipe());

  SpawnRequest request;
  request.path = hook.path;
  request.argv = hook.args.empty() ? std::vector<std::string>{hook.path}
                                   : hook.args;
  request.env = hook.env;
  request.fds = {{&input.read, 0}, {&output.write, 1}, {&output.write, 2}};
  request.want_pidfd = true;
  absl::StatusOr<SpawnResult> spawned = host.Spawn(request);
  if (!spawned.ok()) return Annotate(spawned.status(), absl::StrCat("start ", name));
  input.read.Reset();
  output.write.Reset();

  std::optional<absl::Duration> deadline;
  if (hook.timeout) deadline = host.MonotonicNow() + absl::Seconds(*hook.timeout);
  absl::StatusOr<std::string> out =
      Supervise(host, *spawned, std::move(input.write), output.read,
                state_json, deadline);
  absl::StatusOr<std::optional<WaitResult>> waited =
      host.Wait(spawned->pid, WaitFlags::kNone);
  if (!out.ok()) {
    return Annotate(out.status(),
                    absl::StrCat(name, " (timeout ", *hook.timeout, "s)"));
  }
  if (!waited.ok()) return Annotate(waited.status(), absl::StrCat("wait for ", name));
  const ExitStatus status = (*waited)->status;
  if (status.exited() && status.code == 0) return absl::OkStatus();
  std::string message = absl::StrCat(name, " ", ToString(status));
  if (!out->empty()) absl::StrAppend(&message, ": ", *out);
  return absl::FailedPreconditionError(message);
}

absl::Status RunHooks(Host& host, absl::Span<const spec::Hook> hooks,
                      absl::string_view phase, absl::string_view state_json,
                      HookFailure on_failure) {
  absl::Status first;
  std::string failures;
  for (size_t i = 0; i < hooks.size(); ++i) {
    absl::Status s = Annotate(RunHook(host, hooks[i], state_json),
                              absl::StrCat(phase, " hook ", i));
    if (s.ok()) continue;
    if (on_failure == HookFailure::kStop) return s;
    if (first.ok()) first = s;
    absl::StrAppend(&failures, failures.empty() ? "" : "; ", s.message());
  }
  if (first.ok()) return first;
  return absl::Status(first.code(), failures);
}

}  // namespace runbox
