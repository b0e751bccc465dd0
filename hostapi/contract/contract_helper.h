// The contract helper: a small program that contract cases spawn to get a
// second process (lock holders, signal targets, fd-map probes). Written only
// against Host, so the same code runs as a Linux binary (contract_helper_main)
// and as a program registered in the fake kernel.
#ifndef RUNBOX_HOSTAPI_CONTRACT_CONTRACT_HELPER_H_
#define RUNBOX_HOSTAPI_CONTRACT_CONTRACT_HELPER_H_

#include <string>
#include <vector>

#include "hostapi/host.h"

namespace runbox::contract {

// argv[0] is the helper's own path (cases pass HelperPath()), argv[1] the
// subcommand. Subcommands (fd N means the inherited descriptor number N):
//   exit N                    exit with code N.
//   signal-self SIG           kill(getpid(), SIG); exits 99 if it survives.
//   lock-and-report PATH      flock PATH exclusively (blocking), write
//                             "locked\n" to fd 3, read fd 4 until EOF, exit 0.
//   try-lock PATH             non-blocking exclusive flock of a fresh open of
//                             PATH: exit 0 on success, 1 on EAGAIN, 2 else.
//   try-lock-fd N             the same on the inherited fd N.
//   sleep-forever             read fd 0 until EOF (or error), exit 0.
//   echo-fds                  write the open fds among 0..64 ("1 5\n").
//   write-fd N TEXT [N TEXT]  write each TEXT to fd N; exit 1 on an error.
//   ignore-term-then-wait     ignore SIGTERM, write "ready\n" to fd 1, read
//                             fd 0 until EOF, exit 0.
//   print-pid                 write "<pid> <ppid>\n" to fd 1.
//   print-args                write argv[0..], one per line, to fd 1.
//   print-env                 write the environment, one per line, to fd 1.
//   print-sigmask             write the blocked-signal bits (decimal) to fd 1.
//   cat                       copy fd 0 to fd 1 until EOF.
//   spawn-orphan              spawn "sleep-forever" (fd 0 -> its fd 0),
//                             write its pid and "\n" to fd 1, exit 0
//                             without waiting for it.
//   wait-any                  wait(any child): exit 0 on ECHILD, 1 when a
//                             child was reaped, 2 on another error.
//   wait-signal SIG           block SIG, open a signalfd, write "ready\n" to
//                             fd 1, read one signal, write "<signo>
//                             <sender pid>\n" to fd 1, exit 0.
//   connect-and-send PATH T   connect a stream socket to PATH, send T, exit 0.
//   session-and-ctty          setsid (must work), setsid again (must fail
//                             EPERM), TIOCSCTTY on fd 0 (must work): exit 0,
//                             or 10 + the failing step.
//   ctty-without-session      TIOCSCTTY on fd 0 without setsid: exit 0 if
//                             it fails EPERM, 1 if it works, 2 else.
//   print-self-exe            fstat of OpenSelfExe: write "<size> <ino>
//                             <dev>\n" to fd 1.
//   reexec-self ARGS...       copy OpenSelfExe into a sealed memfd, write its
//                             "<size> <ino> <dev>\n" to fd 1, spawn the copy
//                             with argv {argv[0], ARGS...} and fd 1, and
//                             exit with its exit code.
//   print-pid-and-wait        write "<pid> <ppid>\n" to fd 1, read fd 0
//                             until EOF, exit 0.
//   setns-pid-and-spawn PID   setns into the pid namespace of PID, spawn
//                             print-pid-and-wait, write "<its pid> <its
//                             ppid> <ino> <dev>\n" (what it printed, then
//                             the fstat of its pid namespace) to fd 1.
//   hold-uts NAME             sethostname NAME and setdomainname, write
//                             "ready\n" to fd 1, read fd 0 until EOF, then
//                             write the hostname and "\n" to fd 1.
//   join-uts PID NAME         setns into the UTS namespace of PID, write
//                             the hostname and "\n" to fd 1, sethostname
//                             NAME, write the hostname and "\n" again.
//   print-hostname            write the hostname and "\n" to fd 1.
//   set-hostname NAME         sethostname NAME, then write the hostname and
//                             "\n" to fd 1, or "error <ERRNO>\n" on failure.
//   set-domainname NAME       setdomainname NAME, write "ok\n" or "error
//                             <ERRNO>\n" to fd 1.
//   deathsig-child MODE       spawn deathsig-grandchild MODE (our fd 3 as
//                             its fd 0, fd 1 shared, SIGKILL as its
//                             parent-death signal), wait for its "ready\n"
//                             on a pipe, write its pid and "\n" to fd 1,
//                             read fd 0 until EOF, exit 0.
//   deathsig-grandchild MODE  MODE "clear": clear the parent-death signal
//                             ("keep": do not). Write "ready\n" to fd 3,
//                             read fd 0 until EOF, write "alive\n" to fd 1.
//   mount-via-fd DIR          (in a new mount namespace) make "/"
//                             rprivate, mount a tmpfs on /proc/self/fd/N
//                             of an O_PATH fd of DIR/link/target, write
//                             "<mount point> <fstype>\n" for each mount
//                             at or under DIR; exit 10+ on a failed step.
//   setattr-rec DIR           (in a new mount namespace) make "/"
//                             rprivate, mount tmpfs on DIR/a and on
//                             DIR/a/sub and DIR/b, `mount_setattr`(2)
//                             DIR/a recursively (ro, nosymfollow,
//                             noatime) and DIR/b alone (nosuid; clears
//                             nothing), write "<mount point> <options>\n"
//                             for each mount under DIR; exit 10+ on a
//                             failed step.
//   idmap-bind DIR            (in a new mount namespace) make "/"
//                             rprivate, make a user namespace mapping 0
//                             to host uid/gid 1000 (a child in a new one,
//                             maps written, ns opened before its exec,
//                             then killed), MountIdmapped DIR/src on
//                             DIR/dst with it, write "<uid> <gid>\n" of
//                             DIR/dst/file ("none\n" if the stat fails)
//                             then "<options>\n" of the mount at DIR/dst;
//                             exit 10+ on a failed step.
//   pivot-dot DIR             (in a new mount namespace) bind DIR/root on
//                             itself, `pivot_root`(".", ".") there, unmount
//                             the old root (MNT_DETACH through an fd of
//                             it), mount proc on /proc; write every mount
//                             point, one per line,
//                             then the content of /marker and "\n".
//   creds OP...               credential calls in order, one line each
//                             (contract_helper_credentials.h).
//   move-root DIR             (in a new mount namespace) bind DIR/root on
//                             itself, MS_MOVE it over "/" and chroot into
//                             it (runc's --no-pivot); write "ready\n" to
//                             fd 1, read fd 0 until EOF, exit 0.
//   join-mount-and-print PID PATH  setns into the mount namespace of
//                             PID, write the content of PATH to fd 1; exit
//                             1..5 on a failed step.
//   try-open PATH MODE        open PATH for MODE (r, w or rw): exit 0 when
//                             it opens, 1 on EPERM, 2 on another error.
//   tcp-listen PORT LO        LO "up": bring the loopback up first ("as-is":
//                             don't; a failure writes "up error <ERRNO>\n").
//                             Bind 127.0.0.1:PORT (a failure writes "bind
//                             error <ERRNO>\n", exit 4), listen, write
//                             "ready\n" to fd 1, accept one connection,
//                             read it to EOF and write "got <TEXT>\n".
//   tcp-connect PORT LO TEXT  LO as above; connect to 127.0.0.1:PORT
//                             ("error <ERRNO>\n" and exit 1 on failure),
//                             send TEXT, shut down writing, write "ok\n".
// Unknown subcommands and bad arguments exit 100.
int ContractHelperMain(Host& host, const std::vector<std::string>& argv);

}  // namespace runbox::contract

#endif  // RUNBOX_HOSTAPI_CONTRACT_CONTRACT_HELPER_H_
