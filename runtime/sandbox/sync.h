// Messages on the seqpacket sockets that tie create, the supervisor and init
// together during create and start. A message is a type word and a payload
// ("ready", "12 3456"); EOF means the other side died or exec'd (sockets
// are close-on-exec, so a successful exec closes init's end).
#ifndef RUNBOX_RUNTIME_SANDBOX_SYNC_H_
#define RUNBOX_RUNTIME_SANDBOX_SYNC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"

namespace runbox {

struct SyncMessage {
  std::string type;     // "eof" when the peer closed.
  std::string payload;
};

absl::Status SendSync(Host& host, const Fd& socket, absl::string_view type,
                      absl::string_view payload = "");
absl::StatusOr<SyncMessage> ReceiveSync(Host& host, const Fd& socket);

// Receives one message and requires its type; an "error" message becomes
// the error it carries, EOF becomes `peer` "exited".
absl::StatusOr<std::string> ExpectSync(Host& host, const Fd& socket,
                                       absl::string_view type,
                                       absl::string_view peer);

}  // namespace runbox

#endif  // RUNBOX_RUNTIME_SANDBOX_SYNC_H_
