// `runbox update`: runc's flags (or a LinuxResources JSON with --resources,
// in which case runc ignores the other flags, and so does runbox) become the
// resource changes that container.h's Update lays over the container's
// resources and writes to its cgroups. `checkpoint` and `restore` are not
// supported; the parser still accepts runc's flags so the error is this
// one, not a flag error.
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/cli/commands.h"
#include "runtime/common/io.h"
#include "runtime/spec/parse.h"

namespace runbox::cli {
namespace {

// A LinuxResources document is small; this bounds a hostile stdin.
constexpr size_t kMaxResourcesBytes = 1 << 20;

absl::Status NotSupported(absl::string_view command) {
  return absl::UnimplementedError(
      absl::StrCat(command, " is not supported yet"));
}

// --resources FILE|-: the JSON read through the config parser (as the
// `linux.resources` of a minimal config), so its checks and error paths
// are config.json's.
absl::StatusOr<spec::Resources> ReadResourcesFile(Host& host,
                                                  const std::string& path) {
  absl::StatusOr<std::string> text =
      path == "-" ? ReadAll(host, Fd(0, nullptr), kMaxResourcesBytes)
                  : ReadFileAt(host, Fd::Cwd(), path, kMaxResourcesBytes);
  if (!text.ok()) return Annotate(text.status(), "--resources");
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError(
        "--resources: expected a JSON object (runtime-spec LinuxResources)");
  }
  nlohmann::json config = {{"ociVersion", "1.2.0"},
                           {"linux", {{"resources", std::move(doc)}}}};
  absl::StatusOr<spec::Config> parsed = spec::ParseConfig(
      config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!parsed.ok()) return Annotate(parsed.status(), "--resources");
  return *parsed->linux->resources;
}

spec::Resources FromFlags(const UpdateOptions& o) {
  spec::Resources r;
  if (o.memory || o.memory_reservation || o.memory_swap || o.kernel_memory ||
      o.kernel_memory_tcp) {
    spec::Memory& m = r.memory.emplace();
    m.limit = o.memory;
    m.reservation = o.memory_reservation;
    m.swap = o.memory_swap;
    m.kernel = o.kernel_memory;
    m.kernel_tcp = o.kernel_memory_tcp;
  }
  if (o.cpu_share || o.cpu_period || o.cpu_quota || o.cpu_burst ||
      o.cpu_rt_period || o.cpu_rt_runtime || o.cpuset_cpus || o.cpuset_mems) {
    spec::Cpu& c = r.cpu.emplace();
    c.shares = o.cpu_share;
    c.period = o.cpu_period;
    c.quota = o.cpu_quota;
    c.burst = o.cpu_burst;
    c.realtime_period = o.cpu_rt_period;
    c.realtime_runtime = o.cpu_rt_runtime;
    c.cpus = o.cpuset_cpus.value_or("");
    c.mems = o.cpuset_mems.value_or("");
  }
  if (o.pids_limit.has_value()) r.pids = spec::Pids{*o.pids_limit};
  if (o.blkio_weight.has_value()) r.block_io.emplace().weight = o.blkio_weight;
  return r;
}

}  // namespace

CommandResult RunUpdate(CommandEnv& env, const UpdateOptions& options) {
  spec::Resources changes;
  if (!options.resources.empty()) {
    ASSIGN_OR_RETURN(changes, ReadResourcesFile(env.host, options.resources));
  } else {
    if (options.l3_cache_schema.has_value() ||
        options.mem_bw_schema.has_value()) {
      return absl::InvalidArgumentError(
          "--l3-cache-schema/--mem-bw-schema: updating Intel RDT "
          "schemata is not supported");
    }
    changes = FromFlags(options);
  }
  RETURN_IF_ERROR(Update(env.ctx, options.id, changes));
  return 0;
}

CommandResult RunCheckpoint(CommandEnv&, const CheckpointOptions&) {
  return NotSupported("checkpoint");
}

CommandResult RunRestore(CommandEnv&, const RestoreOptions&) {
  return NotSupported("restore");
}

}  // namespace runbox::cli
