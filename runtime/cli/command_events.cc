// `runbox events [--stats] [--interval D] <id>`, as runc's: with --stats,
// one {"type":"stats","id":ID,"data":{...}} line (runc's types.Stats) and
// exit; without, such a line every --interval (default 5s) and an
// {"type":"oom","id":ID} line whenever the OOM killer strikes in the
// container's cgroup, until the container stops (exit 0). runc learns of
// OOMs from an eventfd (v1) or inotify (v2); runbox polls the kill counter
// every second or interval, whichever is shorter. Every wait is a sleep on
// the host's clock, so virtual on the fake kernel.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "hostapi/status.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output.h"

namespace runbox::cli {
namespace {

constexpr absl::Duration kOomPollPeriod = absl::Seconds(1);

absl::Status PrintEvent(Host& host, const nlohmann::ordered_json& event) {
  return PrintStdout(
      host, absl::StrCat(event.dump(-1, ' ', false,
                                    nlohmann::json::error_handler_t::replace),
                         "\n"));
}

absl::Status PrintStats(Host& host, absl::string_view id,
                        const ResourceSample& sample) {
  nlohmann::ordered_json event;
  event["type"] = "stats";
  event["id"] = id;
  event["data"] =
      sample.stats_json.empty()
          ? nlohmann::ordered_json::object()
          : nlohmann::ordered_json::parse(sample.stats_json, nullptr, false);
  return PrintEvent(host, event);
}

}  // namespace

CommandResult RunEvents(CommandEnv& env, const EventsOptions& options) {
  const std::string& id = options.id;
  ASSIGN_OR_RETURN(ResourceSample first,
                   SampleResources(env.ctx, id,
                                   options.stats ? SampleDepth::kStatsAndOom
                                                 : SampleDepth::kOomOnly));
  if (options.stats) {
    RETURN_IF_ERROR(PrintStats(env.host, id, first));
    return 0;
  }
  uint64_t ooms = first.oom_kills.value_or(0);
  if (first.status == ContainerStatus::kStopped) return 0;
  const absl::Duration step = std::min(options.interval, kOomPollPeriod);
  absl::Duration since_stats;
  while (true) {
    env.host.SleepFor(step);
    since_stats += step;
    const bool stats_due = since_stats >= options.interval;
    absl::StatusOr<ResourceSample> sample = SampleResources(
        env.ctx, id,
        stats_due ? SampleDepth::kStatsAndOom : SampleDepth::kOomOnly);
    if (!sample.ok()) {
      // Deleted meanwhile: nothing more to report.
      if (absl::IsNotFound(State(env.ctx, id).status())) return 0;
      return sample.status();
    }
    if (sample->oom_kills.value_or(0) > ooms) {
      ooms = *sample->oom_kills;
      nlohmann::ordered_json event;
      event["type"] = "oom";
      event["id"] = id;
      RETURN_IF_ERROR(PrintEvent(env.host, event));
    }
    if (sample->status == ContainerStatus::kStopped) return 0;
    if (stats_due) {
      since_stats = absl::ZeroDuration();
      RETURN_IF_ERROR(PrintStats(env.host, id, *sample));
    }
  }
}

}  // namespace runbox::cli
