// The fleet's cost under each purchase option, side by side (report section
// `purchase_options`): the same simulated traffic, every pool and tool pool
// bought one way. docs/performance-model.md, section 6.
#pragma once

#include <vector>

#include "fleetsim/core/report.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

// One row per option that some node type of the fleet lists, on_demand first,
// the others in the order they first appear; empty when no node type lists
// any. `report` holds the pools' and tool pools' energy costs; a pool whose
// node type lacks an option is priced on demand in that row and named in it.
// Energy is added for owned options, and for every option when the run's
// pricing is `owned`. Fills option, cost_usd and pools_on_demand; the caller
// divides by its sessions and tokens.
// The measured window, and where each autoscaled pool's node time fell in
// it (empty for a fixed pool), for options whose price follows a series.
struct PricingWindow {
  double start_s = 0.0;
  double end_s = 0.0;
  double hours = 0.0;  // (end - start) / 1 h, as the caller computed it
  std::vector<NodeLevel> pool_nodes;
};
std::vector<PurchaseOptionReport> compare_purchase_options(const Scenario& scenario, const Report& report,
                                                           const PricingWindow& window);

}  // namespace fleetsim
