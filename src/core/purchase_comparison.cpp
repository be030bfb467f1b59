#include "fleetsim/core/purchase_comparison.hpp"

#include <algorithm>
#include <string>

namespace fleetsim {
namespace {

void add_names(std::vector<std::string>& names, const HardwareSpec& hw) {
  for (const PurchaseOption& o : hw.purchase_options)
    if (std::find(names.begin(), names.end(), o.name) == names.end()) names.push_back(o.name);
}

}  // namespace

std::vector<PurchaseOptionReport> compare_purchase_options(const Scenario& scenario, const Report& report,
                                                           const PricingWindow& window) {
  const double window_hours = window.hours;
  std::vector<std::string> names = {kOnDemand};
  for (const Pool& pool : scenario.pools) add_names(names, pool.hardware);
  for (const ToolPoolSpec& pool : scenario.tool_pools) add_names(names, pool.hardware);
  for (const KvStoreSpec& store : scenario.kv_stores) add_names(names, store.hardware);
  if (names.size() == 1) return {};

  const bool owned_run = scenario.costs.pricing == Pricing::owned;
  std::vector<PurchaseOptionReport> rows;
  for (const std::string& name : names) {
    PurchaseOptionReport row;
    row.option = name;
    // One pool's nodes all bought this way (on demand if its node type lacks it).
    // `nodes` held for `hours`: the window, or one node for an autoscaled
    // pool's node-hours, whose node count `level` places in time for an
    // option whose price follows a series.
    const auto add = [&](const std::string& pool, const HardwareSpec& hw, int nodes, double hours,
                         double energy_cost_usd, const NodeLevel& level) {
      PoolPurchase all;
      const auto option = find_purchase_option(name, hw.price_per_hour_usd, hw.purchase_options);
      if (option)
        all.base = all.burst = name;
      else
        row.pools_on_demand.push_back(pool);
      const PurchaseSplit split = price_pool(all, nodes, hw.price_per_hour_usd, hw.purchase_options);
      double compute_usd = split.price_per_hour_usd * hours;
      if (option && option->price_series)
        compute_usd = level ? option->cost_usd(level, window.start_s, window.end_s)
                            : option->cost_usd(nodes, window.start_s, window.end_s);
      row.cost_usd += cost_with_energy_usd(compute_usd, split.energy_paid_share, energy_cost_usd, owned_run);
    };
    for (std::size_t p = 0; p < scenario.pools.size() && p < report.pools.size(); ++p) {
      const auto& autoscale = report.pools[p].autoscale;
      const NodeLevel level = autoscale && p < window.pool_nodes.size() ? window.pool_nodes[p] : NodeLevel{};
      add(scenario.pools[p].name, scenario.pools[p].hardware, autoscale ? 1 : scenario.pools[p].count,
          autoscale ? autoscale->node_hours : window_hours, report.pools[p].energy_cost_usd, level);
    }
    for (std::size_t t = 0; t < scenario.tool_pools.size() && t < report.tool_pools.size(); ++t)
      add(scenario.tool_pools[t].name, scenario.tool_pools[t].hardware, scenario.tool_pools[t].count, window_hours,
          report.tool_pools[t].energy_cost_usd, {});
    for (std::size_t k = 0; k < scenario.kv_stores.size() && k < report.kv_stores.size(); ++k)
      add(scenario.kv_stores[k].name, scenario.kv_stores[k].hardware, scenario.kv_stores[k].count, window_hours,
          report.kv_stores[k].energy_cost_usd, {});
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace fleetsim
