// Storm campaigns for tools/chaos: many seeds in a row with a progress line
// every 1000, or one seed replayed with its whole history.
#ifndef RUNBOX_CHAOS_STORM_CAMPAIGN_H_
#define RUNBOX_CHAOS_STORM_CAMPAIGN_H_

#include <cstdint>
#include <cstdio>
#include <optional>

#include "hostapi/host.h"

namespace runbox::chaos {

struct CampaignOptions {
  uint64_t first_seed = 1;
  uint64_t seeds = 1000;
  // Stop starting new storms after this many minutes of `host`'s monotonic
  // clock; 0 for no limit (then `seeds` bounds the campaign).
  double minutes = 0;
  // Replay just this seed: print its full history, violations and trace
  // hash (the other fields are ignored).
  std::optional<uint64_t> replay_seed;
  // Where the lines go.
  std::FILE* out = stdout;
};

// Runs the storms (StormOptionsForSeed of each seed), printing every
// violation's report, progress every 1000 seeds and a last line
// `storms: N seeds, V violations`. 0 iff no violation.
int RunStormCampaign(Host& host, const CampaignOptions& options);

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_STORM_CAMPAIGN_H_
