// The CLI's logger, runc's shape: records go to --log FILE when given
// (appended, in --log-format text or json), else to stderr. Errors are
// reported here once, by Main; layers below return statuses and never log.
// containerd's shim reads the last JSON line of the log file to build the
// error its users see (CLIENTS.md), so an error is a single JSON line.
#ifndef RUNBOX_RUNTIME_CLI_LOGGER_H_
#define RUNBOX_RUNTIME_CLI_LOGGER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hostapi/fd.h"
#include "hostapi/host.h"
#include "runtime/cli/options.h"

namespace runbox::cli {

enum class LogLevel { kDebug, kWarning, kError };

class Logger {
 public:
  // Debug records are dropped unless `debug` (--debug).
  Logger(Host& host, LogFormat format, bool debug);

  // Opens --log FILE (O_WRONLY|O_APPEND|O_CREAT, mode 0644) as runc does
  // at start, so the file exists even when nothing is logged.
  absl::Status OpenFile(absl::string_view path);

  // Record shapes (time as runc's logrus: "2026-01-02T15:04:05Z"):
  //   log file, json (or stderr, json): {"level":"error","msg":"…","time":"…"}
  //   log file, text: time="…" level=error msg="…"   (logrus's text form)
  //   stderr, text:   runbox: …  /  runbox: warning: …  /  runbox: debug: …
  // With a log file, an error also goes to stderr as "runbox: …" (as runc
  // prints it there too), for engines that read stderr.
  void Log(LogLevel level, absl::string_view message);
  void Debug(absl::string_view message) { Log(LogLevel::kDebug, message); }
  void Warn(absl::string_view message) { Log(LogLevel::kWarning, message); }
  void Error(absl::string_view message) { Log(LogLevel::kError, message); }

 private:
  Host& host_;
  LogFormat format_;
  bool debug_;
  Fd file_;  // --log FILE once opened.
};

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_LOGGER_H_
