// Sync messages; see sync.h.
#include "runtime/sandbox/sync.h"

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {
constexpr size_t kMaxSyncMessage = 64 * 1024;
}  // namespace

absl::Status SendSync(Host& host, const Fd& socket, absl::string_view type,
                      absl::string_view payload) {
  std::string message = absl::StrCat(type, "\n", payload);
  ASSIGN_OR_RETURN(size_t sent, RetryOnEintr([&] {
                     return host.SendMsg(socket, absl::MakeConstSpan(message),
                                         {});
                   }));
  if (sent != message.size()) {
    return absl::InternalError(absl::StrCat("short sync message \"", type, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<SyncMessage> ReceiveSync(Host& host, const Fd& socket) {
  ASSIGN_OR_RETURN(ReceivedMessage received, RetryOnEintr([&] {
                     return host.RecvMsg(socket, kMaxSyncMessage, 0);
                   }));
  if (received.bytes.empty()) return SyncMessage{"eof", ""};
  SyncMessage message;
  size_t newline = received.bytes.find('\n');
  message.type = received.bytes.substr(0, newline);
  if (newline != std::string::npos) {
    message.payload = received.bytes.substr(newline + 1);
  }
  return message;
}

absl::StatusOr<std::string> ExpectSync(Host& host, const Fd& socket,
                                       absl::string_view type,
                                       absl::string_view peer) {
  ASSIGN_OR_RETURN(SyncMessage message, ReceiveSync(host, socket));
  if (message.type == type) return message.payload;
  if (message.type == "error") return absl::FailedPreconditionError(message.payload);
  if (message.type == "eof") {
    return absl::UnavailableError(absl::StrCat(peer, " exited"));
  }
  return absl::InternalError(absl::StrCat("expected \"", type, "\" from ",
                                          peer, ", got \"", message.type,
                                          "\""));
}

}  // namespace runbox
