// Benchmarks of the state store on the real host, for DESIGN.md's budget:
// `list` of 1000 containers no slower than crun (23 ms for the whole
// command). Run: bazel run -c opt //runtime/state:state_store_benchmark.
// The state root is a fresh directory under $TMPDIR (never /run).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "hostapi/linux/linux_host.h"
#include "runtime/state/state_store.h"

namespace runbox {
namespace {

std::string TempRoot(LinuxHost& host, absl::string_view name) {
  std::string base = "/tmp";
  for (const std::string& e : host.Environment()) {
    if (e.rfind("TMPDIR=", 0) == 0) base = e.substr(7);
  }
  return absl::StrCat(base, "/runbox-bench-", name, "-",
                      absl::Hex(host.RandomUint64()));
}

Meta BenchMeta(const std::string& id) {
  Meta m;
  m.id = id;
  m.status = ContainerStatus::kRunning;
  m.bundle = absl::StrCat("/var/lib/containers/bundles/", id);
  m.supervisor = ProcessIdentity{Pid{12345}, 987654};
  m.init = ProcessIdentity{Pid{12346}, 987655};
  return m;
}

void BM_List(benchmark::State& state) {
  LinuxHost host;
  absl::StatusOr<StateStore> store =
      StateStore::Open(host, StateLayout(TempRoot(host, "list")));
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  for (int i = 0; i < state.range(0); ++i) {
    // 64 hex digits, as containerd and docker name containers.
    std::string id =
        absl::StrCat(absl::Hex(i, absl::kZeroPad16), std::string(48, 'a'));
    if (!store->CreateExclusive(BenchMeta(id)).ok()) {
      state.SkipWithError("create failed");
      return;
    }
  }
  for (auto _ : state) {
    absl::StatusOr<std::vector<ListEntry>> all = store->List();
    benchmark::DoNotOptimize(all);
  }
  absl::StatusOr<std::vector<ListEntry>> all = store->List();
  if (all.ok()) {
    for (const ListEntry& e : *all) {
      (void)store->Destroy(e.id, DestroyMode::kForce);
    }
  }
  (void)host.UnlinkAt(Fd::Cwd(), store->layout().RootLockPath());
  (void)host.UnlinkAt(Fd::Cwd(), store->layout().root(),
                      UnlinkFlags::kRemoveDir);
}
BENCHMARK(BM_List)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_SerializeParseMeta(benchmark::State& state) {
  Meta m = BenchMeta(std::string(64, 'f'));
  for (auto _ : state) {
    absl::StatusOr<Meta> back = ParseMeta(SerializeMeta(m));
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_SerializeParseMeta);

}  // namespace
}  // namespace runbox
