// The `plan:` section of a scenario: the fleets `fleetsim plan` may choose
// from.
//
//   plan:
//     pools:
//       gpu: {min: 0, max: 8}
//       cpu: {min: 0, max: 40, hardware: [graviton4-c8g.48xlarge, graviton3-c7g.16xlarge]}
//
// Each listed pool's node count ranges over [min, max]; a pool at 0 nodes is
// left out of the fleet. `hardware` lists alternative node types for the
// pool (the pool's own by default). `spares: k` asks for N+k headroom: the
// fleet must meet its SLOs on N nodes, with k more bought beside them (a
// pool left out needs none). Pools not listed keep their count and hardware.
// `autoscale: {...}` (a pool's autoscale mapping) asks for the chosen fleet
// to be run once more with the pool autoscaled that way, starting at its
// chosen count: the fixed fleet sized for the peak beside the autoscaled one.
#pragma once

#include <string>
#include <vector>

namespace fleetsim {

struct PlanHardware {
  std::string name;
  double price_per_hour_usd = 0.0;  // per node, from the scenario or the catalog
};

struct PlanPool {
  std::string pool;  // a pool of fleet.pools
  int min_count = 0;
  int max_count = 0;
  // Alternatives, in the order written; the pool's own hardware when the
  // section names none. Never empty.
  std::vector<PlanHardware> hardware;
  bool hardware_listed = false;  // the section chose the alternatives
  // N+k: nodes bought beyond the N the SLOs are met on, when the pool is in
  // the fleet; the runs have N, the price counts N + spares.
  int spares = 0;
  int bought(int serving) const { return serving > 0 ? serving + spares : 0; }
  // The autoscaled alternative: the mapping as YAML flow text (what a --set
  // of fleet.pools.NAME.autoscale takes) and its node bounds; empty: none.
  std::string autoscale;
  int autoscale_min = 0;
  int autoscale_max = 0;
};

struct PlanSpec {
  std::vector<PlanPool> pools;
  bool has_autoscaled_alternative() const {
    for (const PlanPool& p : pools)
      if (!p.autoscale.empty()) return true;
    return false;
  }
};

}  // namespace fleetsim
