// Sealed copies; see self_exe.h.
#include "runtime/sandbox/self_exe.h"

#include <vector>

#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox {
namespace {

constexpr Seals kAllSeals =
    Seals::kSeal | Seals::kShrink | Seals::kGrow | Seals::kWrite;

}  // namespace

absl::StatusOr<Fd> SealedCopyOfSelf(Host& host) {
  absl::StatusOr<Fd> self = host.OpenSelfExe();
  if (!self.ok()) return Annotate(self.status(), "open /proc/self/exe");
  ASSIGN_OR_RETURN(Fd copy, host.MemfdCreate("runbox", MemfdFlags::kAllowSealing));
  std::vector<char> buf(1 << 16);
  int64_t offset = 0;
  while (true) {
    ASSIGN_OR_RETURN(size_t n, host.PRead(*self, absl::MakeSpan(buf), offset));
    if (n == 0) break;
    RETURN_IF_ERROR(WriteAll(host, copy, absl::string_view(buf.data(), n)));
    offset += n;
  }
  RETURN_IF_ERROR(host.AddSeals(copy, kAllSeals));
  return copy;
}

absl::StatusOr<Fd> SealedMemfd(Host& host, absl::string_view name,
                               absl::string_view bytes) {
  ASSIGN_OR_RETURN(Fd fd, host.MemfdCreate(name, MemfdFlags::kAllowSealing));
  RETURN_IF_ERROR(WriteAll(host, fd, bytes));
  RETURN_IF_ERROR(host.AddSeals(fd, kAllSeals));
  return fd;
}

}  // namespace runbox
