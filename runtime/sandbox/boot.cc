// Command lines of the internal subcommands; see boot.h. Only runbox writes
// them, but they are parsed strictly anyway: a user can type them too.
#include "runtime/sandbox/boot.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"

namespace runbox {
namespace {

// "--name value" pairs and bare "--flag"s.
absl::StatusOr<std::map<std::string, std::string>> Pairs(
    const std::vector<std::string>& args,
    const std::vector<std::string>& bare_flags) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    bool bare = false;
    for (const std::string& flag : bare_flags) bare |= word == flag;
    if (bare) {
      out[word] = "true";
    } else if (word.rfind("--", 0) == 0 && i + 1 < args.size()) {
      out[word] = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("internal command: unexpected argument \"", word, "\""));
    }
  }
  return out;
}

absl::StatusOr<int> IntArg(const std::map<std::string, std::string>& pairs,
                           const std::string& name, int fallback) {
  auto it = pairs.find(name);
  if (it == pairs.end()) return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(it->second, &value) || value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("internal command: bad ", name, " \"", it->second, "\""));
  }
  return value;
}

std::string StringArg(const std::map<std::string, std::string>& pairs,
                      const std::string& name) {
  auto it = pairs.find(name);
  return it == pairs.end() ? "" : it->second;
}

}  // namespace

std::vector<std::string> SuperviseArgs::ToArgs() const {
  std::vector<std::string> args = {
      "--id",     id,     "--root",         root,
      "--bundle", bundle, "--preserve-fds", absl::StrCat(preserve_fds)};
  if (!console_socket.empty()) {
    args.insert(args.end(), {"--console-socket", console_socket});
  }
  if (no_pivot) args.push_back("--no-pivot");
  if (no_new_keyring) args.push_back("--no-new-keyring");
  return args;
}

absl::StatusOr<SuperviseArgs> SuperviseArgs::Parse(
    const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(auto pairs, Pairs(args, {"--no-pivot", "--no-new-keyring"}));
  SuperviseArgs out;
  out.id = StringArg(pairs, "--id");
  out.root = StringArg(pairs, "--root");
  out.bundle = StringArg(pairs, "--bundle");
  out.console_socket = StringArg(pairs, "--console-socket");
  out.no_pivot = pairs.count("--no-pivot") > 0;
  out.no_new_keyring = pairs.count("--no-new-keyring") > 0;
  ASSIGN_OR_RETURN(out.preserve_fds, IntArg(pairs, "--preserve-fds", 0));
  if (out.id.empty() || out.root.empty() || out.bundle.empty()) {
    return absl::InvalidArgumentError(
        "supervise: --id, --root and --bundle are required");
  }
  return out;
}

std::vector<std::string> InitArgs::ToArgs() const {
  if (exec) {
    std::vector<std::string> args = {"--exec",
                                     "--rootfs",
                                     rootfs,
                                     "--config-fd",
                                     absl::StrCat(config_fd),
                                     "--sync-fd",
                                     absl::StrCat(sync_fd),
                                     "--preserve-fds",
                                     absl::StrCat(preserve_fds)};
    if (console_socket_fd >= 0) {
      args.insert(args.end(),
                  {"--console-socket-fd", absl::StrCat(console_socket_fd)});
    }
    if (!session_keyring.empty()) {
      args.insert(args.end(), {"--session-keyring", session_keyring});
    }
    if (report_fd >= 0) {
      args.insert(args.end(), {"--report-fd", absl::StrCat(report_fd)});
    }
    return args;
  }
  std::vector<std::string> args = {"--id",           id,
                                   "--bundle",       bundle,
                                   "--preserve-fds", absl::StrCat(preserve_fds),
                                   "--sync-fd",      absl::StrCat(sync_fd),
                                   "--config-fd",    absl::StrCat(config_fd)};
  if (no_pivot) args.push_back("--no-pivot");
  if (no_new_keyring) args.push_back("--no-new-keyring");
  if (console_socket_fd >= 0) {
    args.insert(args.end(),
                {"--console-socket-fd", absl::StrCat(console_socket_fd)});
  }
  return args;
}

absl::StatusOr<InitArgs> InitArgs::Parse(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(auto pairs,
                   Pairs(args, {"--no-pivot", "--no-new-keyring", "--exec"}));
  InitArgs out;
  out.exec = pairs.count("--exec") > 0;
  out.rootfs = StringArg(pairs, "--rootfs");
  out.session_keyring = StringArg(pairs, "--session-keyring");
  out.id = StringArg(pairs, "--id");
  out.bundle = StringArg(pairs, "--bundle");
  out.no_pivot = pairs.count("--no-pivot") > 0;
  out.no_new_keyring = pairs.count("--no-new-keyring") > 0;
  ASSIGN_OR_RETURN(out.preserve_fds, IntArg(pairs, "--preserve-fds", 0));
  ASSIGN_OR_RETURN(out.sync_fd, IntArg(pairs, "--sync-fd", -1));
  ASSIGN_OR_RETURN(out.config_fd, IntArg(pairs, "--config-fd", -1));
  ASSIGN_OR_RETURN(out.console_socket_fd,
                   IntArg(pairs, "--console-socket-fd", -1));
  ASSIGN_OR_RETURN(out.report_fd, IntArg(pairs, "--report-fd", -1));
  if (out.exec) {
    if (out.config_fd < 0 || out.sync_fd < 0 || out.rootfs.empty()) {
      return absl::InvalidArgumentError(
          "init --exec: --config-fd, --sync-fd and --rootfs are required");
    }
    return out;
  }
  if (out.id.empty() || out.bundle.empty() || out.sync_fd < 0 ||
      out.config_fd < 0) {
    return absl::InvalidArgumentError(
        "init: --id, --bundle, --sync-fd and --config-fd are required");
  }
  return out;
}

}  // namespace runbox
