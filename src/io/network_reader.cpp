#include "network_reader.hpp"

#include "fleetsim/core/network_layout.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

constexpr const char* kPath = "fleet.network";
constexpr const char* kExample = "e.g. network: {topology: two_level, nodes_per_rack: 16, oversubscription: 4}";
// Far beyond any rack, and a typo allocates nothing.
constexpr std::int64_t kMaxNodesPerRack = 1'000'000;

// A rack's keys, required by a two-level fabric and refused by a star.
void read_racks(ScenarioContext& ctx, const YAML::Node& map, NetworkSpec& net) {
  YamlReader& r = ctx.reader;
  const YAML::Node per_rack = YamlReader::get(map, "nodes_per_rack");
  const YAML::Node over = YamlReader::get(map, "oversubscription");
  const YAML::Node sharing = YamlReader::get(map, "racks");
  if (net.topology == NetworkTopology::star) {
    for (const auto& [node, key] : {std::pair{per_rack, "nodes_per_rack"}, std::pair{over, "oversubscription"},
                                    std::pair{sharing, "racks"}})
      if (node.IsDefined())
        r.error(node, child_path(kPath, key), std::string(key) + " describes racks, which a star has none of",
                "set topology: two_level, or leave the key out");
    return;
  }
  if (const YAML::Node n = r.require(map, kPath, "nodes_per_rack", "how many of the network's nodes share a rack, e.g. 16"))
    if (auto v = r.integer(n, child_path(kPath, "nodes_per_rack"), 1, kMaxNodesPerRack))
      net.nodes_per_rack = static_cast<int>(*v);
  if (const YAML::Node n = r.require(map, kPath, "oversubscription",
                                     "a rack's NIC bandwidth over its uplink's: 1 non-blocking, 4 for 4:1"))
    if (auto v = r.number(n, child_path(kPath, "oversubscription"), in_range(1, 1e6)))
      net.oversubscription = *v;
  if (sharing.IsDefined())
    if (auto v = r.choice(sharing, child_path(kPath, "racks"), rack_sharing_choices(), "rack sharing"))
      net.rack_per_pool = *v;
}

}  // namespace

void read_network(ScenarioContext& ctx, const YAML::Node& map) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(map, kPath, kExample)) return;
  check_scenario_keys(r, map, kPath, "network");
  NetworkSpec net;
  net.declared = true;
  if (const YAML::Node n = YamlReader::get(map, "topology"))
    if (auto v = r.choice(n, child_path(kPath, "topology"), network_topology_choices(), "network topology"))
      net.topology = *v;
  read_racks(ctx, map, net);
  if (!uses_kv_network(ctx.scenario))
    r.error(map, kPath, "no KV cache crosses a network in this fleet: no pool has a role and no KV store is declared",
            "leave fleet.network out, or give pools a role (prefill and decode) or declare fleet.kv_stores");
  ctx.scenario.network = net;
}

}  // namespace fleetsim
