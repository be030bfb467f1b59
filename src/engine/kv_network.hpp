// The SimGrid platform KV caches cross (docs/disaggregation.md, "The
// network"), built only for a fleet with prefill and decode pools or remote
// KV stores, from the pure layout of network_layout.hpp: a star (every NIC to
// one switch) or two levels (a star zone per rack behind its top-of-rack
// uplink to the spine). Everything here runs before the engine starts.
#pragma once

#include <vector>

#include <simgrid/s4u.hpp>

#include "fleetsim/core/network_layout.hpp"
#include "fleetsim/core/router.hpp"

namespace fleetsim {

// Speed of every SimGrid host fleetsim creates, the nodes' and the network's.
// It is irrelevant: iteration times come from the roofline model.
inline constexpr double kHostSpeed = 1e9;

struct KvNetwork {
  std::vector<simgrid::s4u::Host*> replica_hosts;             // by replica; nullptr off the network
  std::vector<std::vector<simgrid::s4u::Host*>> store_hosts;  // by remote KV store, then node
  std::vector<int> replica_node;                              // network_layout() node by replica; -1 off it
};

// Adds the network to `zone` (the fleet's root star zone, not yet sealed).
KvNetwork build_kv_network(simgrid::s4u::NetZone* zone, const Scenario& scenario,
                           const std::vector<ReplicaPlacement>& placements, const NetworkLayout& layout);

}  // namespace fleetsim
