#include "kv_network.hpp"

#include <string>

#include <fmt/format.h>

namespace sg4 = simgrid::s4u;
using simgrid::kernel::routing::NetPoint;

namespace fleetsim {
namespace {

sg4::Host* create_silent_host(sg4::NetZone* zone, const std::string& name) {
  sg4::Host* host = zone->create_host(name, kHostSpeed);
  host->set_property("wattage_per_state", "0:0:0");  // powered in the report: its node's, or the store's
  host->set_property("wattage_off", "0");
  return host;
}

// The zone a network node's hosts and NIC live in: the root on a star, its
// rack's zone on two levels.
struct Zones {
  sg4::NetZone* root = nullptr;
  std::vector<sg4::NetZone*> racks;
  sg4::NetZone* of(const NetworkLayout& layout, int node) const {
    return racks.empty() ? root : racks[static_cast<std::size_t>(layout.nodes[static_cast<std::size_t>(node)].rack)];
  }
};

// Each rack a star zone of its own whose route to the spine crosses its
// uplink: a transfer within the rack crosses the two NICs only, one between
// racks both racks' uplinks too. The uplink has no latency of its own.
void connect_racks(const Zones& zones, const std::vector<NetPoint*>& gateways, const NetworkLayout& layout) {
  for (std::size_t k = 0; k < zones.racks.size(); ++k) {
    zones.racks[k]->seal();
    sg4::Link* uplink = zones.root->create_split_duplex_link(fmt::format("uplink-{}", k), layout.uplink_bps[k])->seal();
    zones.root->add_route(zones.racks[k]->get_netpoint(), nullptr, gateways[k], nullptr,
                          {{uplink, sg4::LinkInRoute::Direction::UP}}, true);
  }
}

}  // namespace

// Each network node gets a split-duplex NIC link of its network_bandwidth and
// network_latency; each replica a host whose route leaves through its own
// link (on a GPU node, its devices' share of the NICs) and then the node's
// NIC; a store node's host leaves through its NIC. A transfer's time is then
// SimGrid's: the latencies of the two NICs plus its bytes at the bandwidth
// max-min fair sharing gives it among the transfers that share a link. The
// star is built in the order it always was (stores first), so that a fleet
// without fleet.network runs exactly as before.
KvNetwork build_kv_network(sg4::NetZone* zone, const Scenario& scenario,
                           const std::vector<ReplicaPlacement>& placements, const NetworkLayout& layout) {
  KvNetwork net;
  Zones zones{zone, {}};
  std::vector<NetPoint*> gateways;
  for (std::size_t k = 0; k < layout.uplink_bps.size(); ++k) {
    sg4::NetZone* rack = sg4::create_star_zone(fmt::format("rack-{}", k));
    rack->set_parent(zone);
    gateways.push_back(rack->create_router(fmt::format("tor-{}", k)));
    zones.racks.push_back(rack);
  }
  for (std::size_t k = 0; k < scenario.kv_stores.size(); ++k) {
    const KvStoreSpec& store = scenario.kv_stores[k];
    std::vector<sg4::Host*>& hosts = net.store_hosts.emplace_back();
    for (int n = 0; n < store.count; ++n) {
      sg4::NetZone* z = zones.of(layout, layout.store_node(k, static_cast<std::size_t>(n)));
      sg4::Link* nic = z->create_split_duplex_link(fmt::format("nic-{}-{}", store.name, n),
                                                   store.hardware.network_bandwidth_bps)
                           ->set_latency(store.hardware.network_latency_s)->seal();
      sg4::Host* host = create_silent_host(z, fmt::format("store-{}-{}", store.name, n));
      z->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {{nic, sg4::LinkInRoute::Direction::UP}}, true);
      hosts.push_back(host);
    }
  }
  net.replica_hosts.assign(placements.size(), nullptr);
  net.replica_node.assign(placements.size(), -1);
  std::vector<sg4::Link*> nics(layout.nodes.size(), nullptr);
  for (std::size_t r = 0; r < placements.size(); ++r) {
    const ReplicaPlacement& at = placements[r];
    const Pool& pool = scenario.pools[at.pool];
    if (!pool_on_network(pool)) continue;
    const int node = layout.pool_node(at.pool, at.node);
    sg4::NetZone* z = zones.of(layout, node);
    sg4::Link*& nic = nics[static_cast<std::size_t>(node)];
    if (nic == nullptr)
      nic = z->create_split_duplex_link(fmt::format("nic-{}-{}", pool.name, at.node), pool.hardware.network_bandwidth_bps)
                ->set_latency(pool.hardware.network_latency_s)
                ->seal();
    sg4::Host* host = create_silent_host(z, fmt::format("replica-{}", r));
    std::vector<sg4::LinkInRoute> route;
    if (pool.hardware.kind != DeviceKind::cpu) {
      sg4::Link* own = z->create_split_duplex_link(fmt::format("link-{}", r), replica_network_bps(pool))->seal();
      route.emplace_back(own, sg4::LinkInRoute::Direction::UP);
    }
    route.emplace_back(nic, sg4::LinkInRoute::Direction::UP);
    z->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, route, true);
    net.replica_hosts[r] = host;
    net.replica_node[r] = node;
  }
  connect_racks(zones, gateways, layout);
  return net;
}

}  // namespace fleetsim
