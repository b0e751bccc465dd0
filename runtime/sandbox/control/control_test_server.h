// A control server for the protocol tests: control_test.cc runs it as a
// dual-host child function (runtime/testing/dual_host.h), so it drives a
// real second process on both hosts. Not the supervisor: its handler only
// echoes and provokes errors.
#ifndef RUNBOX_RUNTIME_SANDBOX_CONTROL_CONTROL_TEST_SERVER_H_
#define RUNBOX_RUNTIME_SANDBOX_CONTROL_CONTROL_TEST_SERVER_H_

#include <string>
#include <vector>

#include "hostapi/host.h"

namespace runbox::control {

// Test uids of the "refuse" mode: its peer check sees every peer as
// kForeignUid and itself as kServerUid.
inline constexpr Uid kForeignUid = 4242;
inline constexpr Uid kServerUid = 1000;

// What the "exec" handler writes to every fd sent with the request.
inline constexpr char kWrittenByServer[] = "written by the server\n";

// argv[0] is the program's path, argv[1] the mode; the listening socket is
// fd 3. Modes:
//   serve   ServeLoop with the uid rule (the server's own uid or root)
//           until a "destroy" request; exit 0. Requests:
//             ping     ok {"pong": true}
//             exec     writes kWrittenByServer to each fd sent with it; ok
//                      {"fds": <count>, "process": <args.process>}
//             signal   ok {"signal": n, "all": b, "pid": p or null}
//             state    fails: `signal init: kill 42: ESRCH (...)`
//             stats    a reply larger than kMaxFrameBytes
//             destroy  ok {}, then the loop stops
//             others   ok {}
//   refuse  ServeLoop whose peer check refuses the first peer as if it had
//           uid kForeignUid (uid mismatch is hard to produce as root);
//           exit 0 after that refusal.
// Exit 1 on a serve error, 100 on bad arguments.
int ControlTestServerMain(Host& host, const std::vector<std::string>& argv);

}  // namespace runbox::control

#endif  // RUNBOX_RUNTIME_SANDBOX_CONTROL_CONTROL_TEST_SERVER_H_
