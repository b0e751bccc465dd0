// Host: the kernel as one process sees it. The runtime takes `Host&` and
// never reaches for a global; functions that need one concern may take just
// that interface (`Files&`). Implementations: LinuxHost (hostapi/linux),
// FakeHost (fakes/), FaultyHost (a decorator over any Host).
#ifndef RUNBOX_HOSTAPI_HOST_H_
#define RUNBOX_HOSTAPI_HOST_H_

#include "hostapi/cgroups.h"
#include "hostapi/clock.h"
#include "hostapi/credentials.h"
#include "hostapi/fd.h"
#include "hostapi/files.h"
#include "hostapi/locks.h"
#include "hostapi/mounts.h"
#include "hostapi/processes.h"
#include "hostapi/random.h"
#include "hostapi/seccomp.h"
#include "hostapi/sockets.h"
#include "hostapi/status.h"
#include "hostapi/terminal.h"
#include "hostapi/types.h"

namespace runbox {

class Host : public Files,
             public Locks,
             public Processes,
             public Mounts,
             public Cgroups,
             public Seccomp,
             public Sockets,
             public Terminal,
             public Clock,
             public Random,
             public Credentials {
 public:
  ~Host() override = default;
};

}  // namespace runbox

#endif  // RUNBOX_HOSTAPI_HOST_H_
