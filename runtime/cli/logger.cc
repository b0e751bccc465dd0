// The CLI logger; see logger.h.
#include "runtime/cli/logger.h"

#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "hostapi/status.h"
#include "runtime/cli/output.h"
#include "runtime/common/io.h"

namespace runbox::cli {
namespace {

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

// A JSON string literal; bad UTF-8 becomes U+FFFD instead of throwing.
std::string Quote(absl::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Logger::Logger(Host& host, LogFormat format, bool debug)
    : host_(host), format_(format), debug_(debug) {}

absl::Status Logger::OpenFile(absl::string_view path) {
  OpenHow how{
      .flags = OpenFlags::kWriteOnly | OpenFlags::kAppend | OpenFlags::kCreate,
      .mode = 0644};
  absl::StatusOr<Fd> fd = host_.OpenAt(Fd::Cwd(), path, how);
  if (!fd.ok()) {
    return Annotate(fd.status(), absl::StrCat("open log file \"", path, "\""));
  }
  file_ = *std::move(fd);
  return absl::OkStatus();
}

void Logger::Log(LogLevel level, absl::string_view message) {
  if (level == LogLevel::kDebug && !debug_) return;
  // logrus's default time format, as runc 1.1 writes it: RFC 3339 to the
  // second ("2026-01-02T15:04:05Z"); runbox's clock is UTC.
  std::string time = absl::FormatTime("%Y-%m-%d%ET%H:%M:%SZ", host_.RealNow(),
                                      absl::UTCTimeZone());
  std::string record;
  if (format_ == LogFormat::kJson) {
    // Keys in logrus's (alphabetical) order.
    record = absl::StrCat("{\"level\":\"", LevelName(level),
                          "\",\"msg\":", Quote(message), ",\"time\":\"", time,
                          "\"}\n");
  } else if (file_.valid()) {
    record = absl::StrCat("time=\"", time, "\" level=", LevelName(level),
                          " msg=", Quote(message), "\n");
  } else if (level == LogLevel::kError) {
    record = absl::StrCat("runbox: ", message, "\n");
  } else {
    record = absl::StrCat("runbox: ", LevelName(level), ": ", message, "\n");
  }
  // Logging is best effort: a full disk must not turn into a second error.
  if (file_.valid()) {
    (void)WriteAll(host_, file_, record);
    if (level == LogLevel::kError) {
      (void)PrintStderr(host_, absl::StrCat("runbox: ", message, "\n"));
    }
  } else {
    (void)PrintStderr(host_, record);
  }
}

}  // namespace runbox::cli
