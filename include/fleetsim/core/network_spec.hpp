// The fleet's network as a scenario declares it (fleet.network,
// docs/disaggregation.md "The network"): a star, today's default, or two
// levels, racks of nodes behind top-of-rack uplinks to a spine.
#pragma once

namespace fleetsim {

enum class NetworkTopology { star, two_level };

struct NetworkSpec {
  // fleet.network was given: the report then has its network section. A
  // scenario without it runs the same star and keeps its report's bytes.
  bool declared = false;
  NetworkTopology topology = NetworkTopology::star;
  int nodes_per_rack = 0;         // two_level: nodes of the network per rack
  double oversubscription = 1.0;  // two_level: a rack's NIC bandwidth over its uplink's
  bool rack_per_pool = false;     // two_level: each pool and store starts a rack of its own
};

const char* to_string(NetworkTopology topology);

}  // namespace fleetsim
