// The fake's device-program interpreter: what it runs and what it refuses as
// the kernel's verifier would (the generator's own tests run it on real
// filters: runtime/sandbox/cgroups/device_filter_test.cc).
#include "fakes/cgroups/device_program.h"

#include <cerrno>
#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostapi/bpf_insn_for_test.h"
#include "hostapi/status_matchers.h"

namespace runbox::fake {
namespace {

using I = BpfInsn;
constexpr auto P = EncodeBpf;

const DeviceAccess kNullRead{kBpfDevChar, kBpfAccRead, 1, 3};

bool Verdict(const std::vector<uint8_t>& program, const DeviceAccess& access) {
  absl::StatusOr<bool> v = RunDeviceProgram(program, access);
  EXPECT_OK(v.status());
  return v.value_or(false);
}

TEST(DeviceProgramTest, RunsLoadsAluAndJumps) {
  // r0 = ((access_type >> 16) & write) != 0 via jset; major 1 via jeq.
  const std::vector<uint8_t> program = P({
      {0x61, 0x13, 0, 0},   // ldxw r3, [r1 + 0]
      {0x74, 0x03, 0, 16},  // rsh32 r3, 16
      {0x61, 0x14, 4, 0},   // ldxw r4, [r1 + 4]
      {0xb4, 0x00, 0, 0},   // mov32 r0, 0
      {0x45, 0x03, 2, 4},   // jset r3, write, +2
      {0x15, 0x04, 1, 7},   // jeq r4, 7, +1
      {0x95, 0x00, 0, 0},   // exit
      {0xb4, 0x00, 0, 1},   // mov32 r0, 1
      {0x95, 0x00, 0, 0},   // exit
  });
  EXPECT_FALSE(Verdict(program, kNullRead));
  EXPECT_TRUE(Verdict(program, {kBpfDevChar, kBpfAccWrite, 1, 3}));
  EXPECT_TRUE(Verdict(program, {kBpfDevChar, kBpfAccRead, 7, 0}));
}

TEST(DeviceProgramTest, RefusesWhatTheVerifierWould) {
  const I exit{0x95, 0x00, 0, 0};
  const I ret1{0xb4, 0x00, 0, 1};
  for (const std::vector<uint8_t>& bad : {
           std::vector<uint8_t>{}, std::vector<uint8_t>{0x95, 0, 0, 0},
           P({ret1}),                             // Falls off the end.
           P({{0x07, 0x00, 0, 1}, exit}),         // ALU64 add: not modelled.
           P({{0x61, 0x12, 12, 0}, ret1, exit}),  // Load past the context.
           P({{0x61, 0x12, 2, 0}, ret1, exit}),   // Unaligned load.
           P({{0x55, 0x02, -1, 0}, ret1, exit}),  // Backward jump.
           P({{0x55, 0x02, 5, 0}, ret1, exit}),   // Jump out.
           P({{0xb4, 0x0b, 0, 1}, exit}),         // r11.
       }) {
    EXPECT_THAT(CheckDeviceProgram(bad), HasErrno(EINVAL)) << bad.size();
  }
  // Run-time checks: an unset register, arithmetic on the context pointer.
  EXPECT_THAT(RunDeviceProgram(P({exit}), kNullRead), HasErrno(EINVAL));
  EXPECT_THAT(RunDeviceProgram(P({{0x54, 0x01, 0, 1}, ret1, exit}), kNullRead),
              HasErrno(EINVAL));
  // A load through a scalar.
  EXPECT_THAT(
      RunDeviceProgram(P({{0xb4, 0x02, 0, 1}, {0x61, 0x23, 0, 0}, ret1, exit}),
                       kNullRead),
      HasErrno(EINVAL));
}

}  // namespace
}  // namespace runbox::fake
