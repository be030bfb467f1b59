// Where each node of the KV network sits (docs/disaggregation.md, "The
// network"): the nodes of the pools that send or receive KV caches (prefill
// and decode pools, and unified pools that use a remote KV store), pool by
// pool in the file's order and each pool's nodes in order, then each remote
// KV store's nodes in the file's order. On a two-level fabric racks are
// filled in turn, nodes_per_rack each (with racks: per_pool, each pool and
// store starting a rack of its own); a rack's uplink to the spine carries
// the sum of its nodes' NIC bandwidths over the oversubscription. Pure
// arithmetic: the engine builds its SimGrid links from it and the report
// states their traffic against it.
#pragma once

#include <cstddef>
#include <vector>

#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

struct NetworkNode {
  int pool = -1;   // Scenario::pools index, or -1 for a KV store's node
  int store = -1;  // Scenario::kv_stores index, or -1 for a pool's node
  int node = 0;    // index within its pool or store
  int rack = 0;    // 0 on a star
  double nic_bps = 0.0;
  double latency_s = 0.0;
};

struct NetworkLayout {
  std::vector<NetworkNode> nodes;
  std::vector<double> uplink_bps;  // by rack; empty on a star
  // The first network node of each pool and store (-1: not on the network).
  std::vector<int> pool_first;
  std::vector<int> store_first;

  int pool_node(std::size_t pool, std::size_t node) const {
    return pool_first[pool] + static_cast<int>(node);
  }
  int store_node(std::size_t store, std::size_t node) const {
    return store_first[store] + static_cast<int>(node);
  }
};

// Whether a pool's replicas send or receive KV caches over the network.
bool pool_on_network(const Pool& pool);
// Whether the fleet has a KV network at all.
bool uses_kv_network(const Scenario& scenario);

NetworkLayout network_layout(const Scenario& scenario);

// Bytes carried in the measured window, by network node and by rack
// (the engine's accounting of its transfers).
struct NetworkTraffic {
  std::vector<double> sent;      // by network node: out of its NIC
  std::vector<double> received;  // into its NIC
  std::vector<double> up;        // by rack: out of the rack, over its uplink
  std::vector<double> down;      // into the rack

  NetworkTraffic() = default;
  explicit NetworkTraffic(const NetworkLayout& layout)
      : sent(layout.nodes.size(), 0.0), received(layout.nodes.size(), 0.0),
        up(layout.uplink_bps.size(), 0.0), down(layout.uplink_bps.size(), 0.0) {}
  // A transfer's bytes from one network node to another: both NICs, and the
  // two racks' uplinks when the racks differ.
  void carry(const NetworkLayout& layout, int from, int to, double bytes);
};

}  // namespace fleetsim
