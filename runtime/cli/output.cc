// stdout/stderr through the host, and the Go time format; see output.h.
#include "runtime/cli/output.h"

#include "runtime/common/io.h"

namespace runbox::cli {

const Fd& StdoutFd() {
  static const Fd* const fd = new Fd(1, nullptr);
  return *fd;
}

const Fd& StderrFd() {
  static const Fd* const fd = new Fd(2, nullptr);
  return *fd;
}

absl::Status PrintStdout(Host& host, absl::string_view text) {
  return WriteAll(host, StdoutFd(), text);
}

absl::Status PrintStderr(Host& host, absl::string_view text) {
  return WriteAll(host, StderrFd(), text);
}

std::string FormatRfc3339Nano(absl::Time time) {
  // %E*S prints the fraction with as many digits as it needs, as Go's
  // ".999999999" does.
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

}  // namespace runbox::cli
