// The protocol tests' control server; see control_test_server.h.
#include "runtime/sandbox/control/control_test_server.h"

#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/sandbox/control/frame.h"
#include "runtime/sandbox/control/server.h"

namespace runbox::control {
namespace {

using Json = nlohmann::json;

constexpr int kListenerFd = 3;

class TestHandler final : public RequestHandler {
 public:
  Response Handle(Host& host, IncomingRequest in) override {
    switch (in.request.op) {
      case Op::kPing:
        return OkResponse({{"pong", true}});
      case Op::kExec: {
        absl::StatusOr<ExecArgs> args = ExecArgsOf(in.request);
        if (!args.ok()) return ErrorResponse(args.status());
        for (const Fd& fd : in.fds) {
          absl::string_view text = kWrittenByServer;
          while (!text.empty()) {
            absl::StatusOr<size_t> n = host.Write(fd, text);
            if (!n.ok()) return ErrorResponse(n.status());
            text.remove_prefix(*n);
          }
        }
        return OkResponse({{"fds", in.fds.size()}, {"process", args->process}});
      }
      case Op::kSignal: {
        absl::StatusOr<SignalArgs> args = SignalArgsOf(in.request);
        if (!args.ok()) return ErrorResponse(args.status());
        Json pid = nullptr;
        if (args->pid.has_value()) pid = args->pid->value;
        return OkResponse({{"signal", static_cast<int>(args->signal)},
                           {"all", args->all},
                           {"pid", pid}});
      }
      case Op::kState:
        return ErrorResponse(
            Annotate(ErrnoError(ESRCH, "kill 42"), "signal init"));
      case Op::kStats:
        return OkResponse({{"blob", std::string(kMaxFrameBytes, 'x')}});
      case Op::kDestroy:
        destroyed_ = true;
        return OkResponse();
      default:
        return OkResponse();
    }
  }

  bool destroyed() const { return destroyed_; }

 private:
  bool destroyed_ = false;
};

// The caller's uid, from the peer credentials of a socketpair: a stand-in
// until Processes gains GetUid.
absl::StatusOr<Uid> OwnUid(Host& host) {
  ASSIGN_OR_RETURN(SocketPairFds pair, host.SocketPair(SocketType::kStream));
  ASSIGN_OR_RETURN(PeerCredentials creds, host.GetPeerCredentials(pair.first));
  return creds.uid;
}

}  // namespace

int ControlTestServerMain(Host& host, const std::vector<std::string>& argv) {
  if (argv.size() != 2) return 100;
  // The listener arrives as fd 3 of the spawn's fd map; adopt it without
  // an owner, so closing it is left to exit.
  Fd listener(kListenerFd, nullptr);
  TestHandler handler;
  absl::Status served;
  if (argv[1] == "serve") {
    absl::StatusOr<Uid> uid = OwnUid(host);
    if (!uid.ok()) return 1;
    served = ServeLoop(host, listener, handler, AllowUidOrRoot(*uid),
                       [&handler] { return handler.destroyed(); });
  } else if (argv[1] == "refuse") {
    int refused = 0;
    PeerCheck check = [&refused](const PeerCredentials& peer) {
      PeerCredentials foreign = peer;
      foreign.uid = kForeignUid;
      absl::Status s = CheckPeerUid(foreign, kServerUid);
      if (!s.ok()) ++refused;
      return s;
    };
    served = ServeLoop(host, listener, handler, check,
                       [&refused] { return refused > 0; });
  } else {
    return 100;
  }
  return served.ok() ? 0 : 1;
}

}  // namespace runbox::control
