#include "hostapi/linux/library_output.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/status_matchers.h"

namespace runbox {
namespace {

TEST(CaptureLibraryOutputTest, ReturnsEverythingWritten) {
  // More than one read buffer, so the read-back loop is exercised.
  std::string payload(40000, 'x');
  payload.back() = 'y';
  ASSERT_OK_AND_ASSIGN(
      std::string out, CaptureLibraryOutput("test", [&](int fd) {
        ssize_t n = write(fd, payload.data(), payload.size());
        return n == static_cast<ssize_t>(payload.size()) ? 0 : -EIO;
      }));
  EXPECT_EQ(out, payload);
}

TEST(CaptureLibraryOutputTest, EmptyOutputIsEmpty) {
  ASSERT_OK_AND_ASSIGN(std::string out,
                       CaptureLibraryOutput("test", [](int) { return 0; }));
  EXPECT_EQ(out, "");
}

TEST(CaptureLibraryOutputTest, NegatedErrnoBecomesError) {
  EXPECT_THAT(CaptureLibraryOutput("export", [](int) { return -ENOMEM; }),
              HasErrno(ENOMEM));
}

}  // namespace
}  // namespace runbox
