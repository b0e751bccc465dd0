// The contract helper's "creds" subcommand: a script of credential calls,
// run in a child so the test process keeps its own ids and capabilities.
//
//   creds OP...   runs each OP in order and writes one line per OP to fd 1:
//                 "ok", the value it reads, or "error <ERRNO>". Then exit 0.
// OPs (N a capability number, hex sets without 0x):
//   uid                     GetUid.
//   capget                  "<effective> <permitted> <inheritable>" in hex.
//   cap-drop:N              capset without N in any set.
//   cap-inh-add:N           capset with N added to inheritable.
//   cap-perm-add:N          capset with N added to permitted (and effective).
//   cap-eff-all             capset with effective = permitted.
//   bound:N                 "1" or "0": N in the bounding set.
//   drop-bound:N            drop N from the bounding set.
//   ambient-clear           clear the ambient set.
//   ambient-raise:N         raise N in the ambient set.
//   keepcaps:0|1            PR_SET_KEEPCAPS.
//   setresuid:R,E,S         likewise setresgid.
//   setgroups:G,G...        ("setgroups:" for none).
//   rlimit-get:R            "<soft> <hard>" ("inf" for RLIM_INFINITY).
//   rlimit-set:R,SOFT,HARD  likewise with "inf".
//   personality:P           "<previous>" (decimal; 4294967295 queries).
//   oom-get / oom-set:N     oom_score_adj.
//   sysctl-get:KEY          the value.
//   sysctl-set:KEY=VALUE    WriteSysctl.
//   key-join:NAME           JoinSessionKeyring: "<serial>".
//   key-describe:SERIAL     DescribeKey ("session" for kSessionKeyring):
//                           "<type> <uid> <gid> <perm hex> <description>".
//   key-setperm:SERIAL,PERM SetKeyPermissions (PERM in hex).
//   nnp                     SetNoNewPrivs.
//   status                  GetProcessStatus: "<ruid> <euid> <suid> <rgid>
//                           <egid> <sgid> groups:<g,g...> nnp:<0|1>
//                           seccomp:<mode> amb:<hex>".
//   cgroup                  GetProcessStatus's cgroup lines joined by '|'.
//   wait-stdin              read fd 0 until EOF, "ok".
//   exec                    exec argv[0] "creds" with the OPs after this
//                           one (no line of its own; "error" if it fails).
#ifndef RUNBOX_HOSTAPI_CONTRACT_CONTRACT_HELPER_CREDENTIALS_H_
#define RUNBOX_HOSTAPI_CONTRACT_CONTRACT_HELPER_CREDENTIALS_H_

#include <string>
#include <vector>

#include "hostapi/host.h"

namespace runbox::contract {

// argv = {helper path, "creds", OP...}. Exit 100 on a malformed OP.
int CredentialsScript(Host& host, const std::vector<std::string>& argv);

}  // namespace runbox::contract

#endif  // RUNBOX_HOSTAPI_CONTRACT_CONTRACT_HELPER_CREDENTIALS_H_
