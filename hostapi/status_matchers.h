// gMock matchers for absl::Status / StatusOr and errno payloads:
//   EXPECT_THAT(s, IsOk());  EXPECT_THAT(s, HasErrno(ENOENT));
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
#ifndef RUNBOX_HOSTAPI_STATUS_MATCHERS_H_
#define RUNBOX_HOSTAPI_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "hostapi/status.h"

namespace runbox {
namespace internal_matchers {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace internal_matchers

MATCHER(IsOk, "is OK") {
  const absl::Status& s = internal_matchers::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has code " + testing::PrintToString(code)) {
  const absl::Status& s = internal_matchers::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P(HasErrno, err, "fails with " + ::runbox::ErrnoName(err)) {
  const absl::Status& s = internal_matchers::GetStatus(arg);
  *result_listener << "status is " << s;
  return ::runbox::ErrnoOf(s) == err;
}

}  // namespace runbox

// Evaluates a StatusOr, fails the test (ASSERT) if not OK, assigns the value.
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                    \
  RUNBOX_ASSERT_OK_AND_ASSIGN_IMPL_(                                       \
      RUNBOX_STATUS_CONCAT_(runbox_assert_statusor_, __LINE__), lhs, expr)
#define RUNBOX_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  ASSERT_TRUE(tmp.ok()) << tmp.status();                  \
  lhs = std::move(tmp).value()
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::runbox::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::runbox::IsOk())

#endif  // RUNBOX_HOSTAPI_STATUS_MATCHERS_H_
