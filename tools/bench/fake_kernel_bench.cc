// Throughput of the simulated kernel: host calls per second with 1 and 8
// simulated processes (the scheduler's cheap path vs. fiber switches), the
// budget every chaos sweep runs on. Goal: at least 1,000,000 calls/s.
//   bazel run -c opt //tools/bench:fake_kernel
#include <cstdint>

#include "benchmark/benchmark.h"
#include "fakes/fake_kernel.h"

namespace runbox::fake {
namespace {

constexpr int kCallsPerRun = 200'000;

// Each process makes kCallsPerRun / processes trivial calls (getpid), so
// the measure is the kernel's per-call overhead: trace hashing, picking a
// runnable process, and switching fibers when another one is picked.
void BM_GetPid(benchmark::State& state) {
  const int processes = static_cast<int>(state.range(0));
  uint64_t calls = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    state.PauseTiming();
    {
      FakeKernel kernel({.seed = seed++});
      for (int p = 0; p < processes; ++p) {
        kernel.StartFunction([processes](Host& host) {
          for (int i = 0; i < kCallsPerRun / processes; ++i) {
            benchmark::DoNotOptimize(host.GetPid());
          }
          return 0;
        });
      }
      state.ResumeTiming();
      benchmark::DoNotOptimize(kernel.Run());
      state.PauseTiming();
      calls += kernel.HostCallCount();
    }
    state.ResumeTiming();
  }
  state.counters["calls/s"] = benchmark::Counter(static_cast<double>(calls),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GetPid)
    ->Arg(1)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Pairs of processes passing a byte back and forth over two pipes: every
// read blocks, so this measures parking and waking as well.
void BM_PipePingPong(benchmark::State& state) {
  const int pairs = static_cast<int>(state.range(0)) / 2;
  constexpr int kRounds = 5'000;
  uint64_t calls = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    state.PauseTiming();
    {
      FakeKernel kernel({.seed = seed++});
      kernel.RegisterProgram("pong", [](Host& host, const auto&) {
        char c;
        for (int i = 0; i < kRounds; ++i) {
          if (!host.Read(Fd(3, nullptr), absl::MakeSpan(&c, 1)).ok()) return 1;
          if (!host.Write(Fd(4, nullptr), absl::MakeConstSpan(&c, 1)).ok()) {
            return 1;
          }
        }
        return 0;
      });
      if (!kernel.InstallProgram("/bin/pong", "pong").ok()) {
        state.SkipWithError("install failed");
        break;
      }
      for (int p = 0; p < pairs; ++p) {
        kernel.StartFunction([](Host& host) {
          absl::StatusOr<PipeFds> ping = host.Pipe();
          absl::StatusOr<PipeFds> pong = host.Pipe();
          if (!ping.ok() || !pong.ok()) return 1;
          SpawnRequest req;
          req.path = "/bin/pong";
          req.fds = {{&ping->read, 3}, {&pong->write, 4}};
          if (!host.Spawn(req).ok()) return 1;
          char c = 'x';
          for (int i = 0; i < kRounds; ++i) {
            if (!host.Write(ping->write, absl::MakeConstSpan(&c, 1)).ok() ||
                !host.Read(pong->read, absl::MakeSpan(&c, 1)).ok()) {
              return 1;
            }
          }
          return host.Wait(Pid{0}, WaitFlags::kNone).ok() ? 0 : 1;
        });
      }
      state.ResumeTiming();
      benchmark::DoNotOptimize(kernel.Run());
      state.PauseTiming();
      calls += kernel.HostCallCount();
    }
    state.ResumeTiming();
  }
  state.counters["calls/s"] = benchmark::Counter(static_cast<double>(calls),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PipePingPong)
    ->Arg(2)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace runbox::fake
