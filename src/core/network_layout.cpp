#include "fleetsim/core/network_layout.hpp"

#include <algorithm>

#include "fleetsim/core/network_spec.hpp"

namespace fleetsim {

const char* to_string(NetworkTopology topology) {
  return topology == NetworkTopology::two_level ? "two_level" : "star";
}

bool pool_on_network(const Pool& pool) { return pool.role != PoolRole::unified || pool.kv_store() >= 0; }

bool uses_kv_network(const Scenario& scenario) {
  return !scenario.kv_stores.empty() || std::any_of(scenario.pools.begin(), scenario.pools.end(),
                                                    [](const Pool& p) { return p.role != PoolRole::unified; });
}

NetworkLayout network_layout(const Scenario& scenario) {
  NetworkLayout layout;
  const NetworkSpec& spec = scenario.network;
  const bool racks = spec.topology == NetworkTopology::two_level && spec.nodes_per_rack > 0;
  int rack = 0, in_rack = 0;  // the rack being filled, and its nodes so far
  const auto add = [&](int pool, int store, int node, const HardwareSpec& hw) {
    if (racks && (in_rack == spec.nodes_per_rack || (node == 0 && spec.rack_per_pool && in_rack > 0))) {
      ++rack;
      in_rack = 0;
    }
    ++in_rack;
    layout.nodes.push_back({pool, store, node, racks ? rack : 0, hw.network_bandwidth_bps, hw.network_latency_s});
    if (!racks) return;
    if (static_cast<std::size_t>(rack) == layout.uplink_bps.size()) layout.uplink_bps.push_back(0.0);
    layout.uplink_bps[static_cast<std::size_t>(rack)] += hw.network_bandwidth_bps / spec.oversubscription;
  };
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) {
    const Pool& pool = scenario.pools[p];
    layout.pool_first.push_back(pool_on_network(pool) ? static_cast<int>(layout.nodes.size()) : -1);
    if (!pool_on_network(pool)) continue;
    for (int n = 0; n < pool.max_nodes(); ++n) add(static_cast<int>(p), -1, n, pool.hardware);
  }
  for (std::size_t k = 0; k < scenario.kv_stores.size(); ++k) {
    const KvStoreSpec& store = scenario.kv_stores[k];
    layout.store_first.push_back(static_cast<int>(layout.nodes.size()));
    for (int n = 0; n < store.count; ++n) add(-1, static_cast<int>(k), n, store.hardware);
  }
  return layout;
}

void NetworkTraffic::carry(const NetworkLayout& layout, int from, int to, double bytes) {
  sent[static_cast<std::size_t>(from)] += bytes;
  received[static_cast<std::size_t>(to)] += bytes;
  const int from_rack = layout.nodes[static_cast<std::size_t>(from)].rack;
  const int to_rack = layout.nodes[static_cast<std::size_t>(to)].rack;
  if (layout.uplink_bps.empty() || from_rack == to_rack) return;
  up[static_cast<std::size_t>(from_rack)] += bytes;
  down[static_cast<std::size_t>(to_rack)] += bytes;
}

}  // namespace fleetsim
