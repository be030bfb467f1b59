// The KV network's topology in YAML: `fleet.network`
// (docs/scenario-format.md, "network"; docs/disaggregation.md, "The network").
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

// Reads `fleet.network: {topology, nodes_per_rack, oversubscription}` after
// the pools and KV stores, which it needs: only a fleet whose KV caches cross
// the network may declare one.
void read_network(ScenarioContext& ctx, const YAML::Node& map);

}  // namespace fleetsim
