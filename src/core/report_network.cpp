// The report's network section: each pool's and store's NICs summed, and
// each rack's uplink, against the window (docs/disaggregation.md, "Link
// utilization").
#include "fleetsim/core/network_layout.hpp"
#include "report_builder_parts.hpp"

namespace fleetsim::report_parts {
namespace {

double utilization(double bytes, double bandwidth_bps, double window_s) {
  return bandwidth_bps > 0.0 && window_s > 0.0 ? bytes / (bandwidth_bps * window_s) : 0.0;
}

}  // namespace

NetworkReport network_report(const Scenario& sc, const NetworkTraffic& traffic, double window_s) {
  const NetworkLayout layout = network_layout(sc);
  NetworkReport rep;
  rep.topology = to_string(sc.network.topology);
  if (sc.network.topology == NetworkTopology::two_level) {
    rep.nodes_per_rack = sc.network.nodes_per_rack;
    rep.oversubscription = sc.network.oversubscription;
  }
  // The nodes of one pool or store are consecutive in the layout.
  const bool measured = traffic.sent.size() == layout.nodes.size();
  for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
    const NetworkNode& n = layout.nodes[i];
    if (n.node == 0) {
      NicGroupReport g;
      g.name = n.pool >= 0 ? sc.pools[static_cast<std::size_t>(n.pool)].name
                           : sc.kv_stores[static_cast<std::size_t>(n.store)].name;
      g.kind = n.pool >= 0 ? "pool" : "kv_store";
      rep.nics.push_back(g);
    }
    NicGroupReport& g = rep.nics.back();
    ++g.nics;
    g.bandwidth_bytes_per_s += n.nic_bps;
    if (measured) {
      g.bytes_sent += traffic.sent[i];
      g.bytes_received += traffic.received[i];
    }
  }
  for (NicGroupReport& g : rep.nics) {
    g.utilization_sent = utilization(g.bytes_sent, g.bandwidth_bytes_per_s, window_s);
    g.utilization_received = utilization(g.bytes_received, g.bandwidth_bytes_per_s, window_s);
  }
  for (std::size_t r = 0; r < layout.uplink_bps.size(); ++r) {
    UplinkReport u;
    u.rack = static_cast<int>(r);
    for (const NetworkNode& n : layout.nodes) u.nodes += n.rack == u.rack ? 1 : 0;
    u.bandwidth_bytes_per_s = layout.uplink_bps[r];
    if (r < traffic.up.size()) {
      u.bytes_up = traffic.up[r];
      u.bytes_down = traffic.down[r];
    }
    u.utilization_up = utilization(u.bytes_up, u.bandwidth_bytes_per_s, window_s);
    u.utilization_down = utilization(u.bytes_down, u.bandwidth_bytes_per_s, window_s);
    rep.uplinks.push_back(u);
  }
  return rep;
}

}  // namespace fleetsim::report_parts
