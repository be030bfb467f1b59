// Remote KV stores in YAML: `fleet.kv_stores` (nodes whose memory holds KV
// caches for other pools), and the pools' `{store: NAME}` entries of
// engine.kv_tiers resolved against them; docs/scenario-format.md, "kv_stores".
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

// Reads `fleet.kv_stores`: a list of {name, hardware, count, memory}.
void read_kv_stores(ScenarioContext& ctx, const YAML::Node& list);

// After the fleet is read: each pool's store named exists, and the pools
// sharing a store are unified pools serving one model with one KV block size.
void resolve_kv_store_uses(ScenarioContext& ctx);

}  // namespace fleetsim
