#include "fleetsim/core/purchase.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetsim/core/units.hpp"  // kHoursPerYear: an owned node pays every hour of the year, busy or not

namespace fleetsim {

double annuity_per_year(double capital, double life_years, double rate) {
  if (capital <= 0.0 || life_years <= 0.0) return 0.0;
  if (rate <= 0.0) return capital / life_years;
  return capital * rate / (1.0 - std::pow(1.0 + rate, -life_years));
}

double PurchaseOption::hourly_price_usd() const {
  if (kind == Kind::hourly) return price_per_hour_usd;
  return annuity_per_year(capital_usd, life_years, interest_rate) / kHoursPerYear + operating_per_hour_usd;
}

double PurchaseOption::cost_usd(double nodes, double t0_s, double t1_s) const {
  if (price_series) return nodes * price_series->integral(t0_s, t1_s) / kSecondsPerHour;
  return nodes * hourly_price_usd() * (t1_s - t0_s) / kSecondsPerHour;
}

double PurchaseOption::cost_usd(const NodeLevel& nodes, double t0_s, double t1_s) const {
  if (price_series) return price_series->level_weighted_integral(t0_s, t1_s, nodes) / kSecondsPerHour;
  return StepSeries(hourly_price_usd()).level_weighted_integral(t0_s, t1_s, nodes) / kSecondsPerHour;
}

std::optional<PurchaseOption> find_purchase_option(const std::string& name, double on_demand_price_per_hour,
                                                   const std::vector<PurchaseOption>& listed) {
  for (const PurchaseOption& o : listed)
    if (o.name == name) return o;
  if (name == kOnDemand) {
    PurchaseOption o;
    o.name = kOnDemand;
    o.price_per_hour_usd = on_demand_price_per_hour;
    return o;
  }
  return std::nullopt;
}

namespace {

// Calls f(option, nodes) for the base nodes' option and the burst nodes'
// (when there are any), in that order; an option the node type lacks is
// skipped.
template <typename F>
void for_each_part(const PoolPurchase& purchase, int count, double on_demand_price_per_hour,
                   const std::vector<PurchaseOption>& listed, F&& f) {
  if (count <= 0) return;
  const int base = purchase.base_nodes < 0 ? count : std::min(purchase.base_nodes, count);
  const auto part = [&](const std::string& name, int nodes) {
    if (nodes <= 0) return;
    if (const auto option = find_purchase_option(name, on_demand_price_per_hour, listed)) f(*option, nodes);
  };
  part(purchase.base, base);
  part(purchase.burst, count - base);
}

}  // namespace

PurchaseSplit price_pool(const PoolPurchase& purchase, int count, double on_demand_price_per_hour,
                         const std::vector<PurchaseOption>& listed) {
  PurchaseSplit split;
  for_each_part(purchase, count, on_demand_price_per_hour, listed, [&](const PurchaseOption& option, int nodes) {
    split.price_per_hour_usd += nodes * option.hourly_price_usd();
    if (option.pays_energy()) split.energy_paid_share += static_cast<double>(nodes) / count;
  });
  return split;
}

PurchaseCost price_pool_over(const PoolPurchase& purchase, int count, double t0_s, double window_s,
                             double on_demand_price_per_hour, const std::vector<PurchaseOption>& listed) {
  // The fixed rates are summed first and then times the window, as a pool
  // without a price series has always been priced, so its figures stay put.
  double fixed_per_hour = 0.0;
  double series_usd = 0.0;
  PurchaseCost cost;
  for_each_part(purchase, count, on_demand_price_per_hour, listed, [&](const PurchaseOption& option, int nodes) {
    if (option.price_series)
      series_usd += option.cost_usd(nodes, t0_s, t0_s + window_s);
    else
      fixed_per_hour += nodes * option.hourly_price_usd();
    if (option.pays_energy()) cost.energy_paid_share += static_cast<double>(nodes) / count;
  });
  cost.compute_cost_usd = fixed_per_hour * window_s / kSecondsPerHour + series_usd;
  return cost;
}

PurchaseCost price_autoscaled_pool(const PoolPurchase& purchase, double window_s, double node_seconds,
                                   double seconds_above_base, double on_demand_price_per_hour,
                                   const std::vector<PurchaseOption>& listed, const NodeTimeline& timeline) {
  PurchaseCost cost;
  const auto option = [&](const std::string& name) {
    return find_purchase_option(name, on_demand_price_per_hour, listed);
  };
  const double t1_s = timeline.t0_s + window_s;
  // `seconds` of node time at the option's price; with a price series, at
  // the price of each step times the node time `level` puts in it.
  const auto node_time_usd = [&](const PurchaseOption& o, double seconds, const NodeLevel& level) {
    if (o.price_series && level) return o.cost_usd(level, timeline.t0_s, t1_s);
    return o.hourly_price_usd() * seconds / kSecondsPerHour;
  };
  if (purchase.base_nodes < 0 || purchase.base == purchase.burst) {
    if (const auto o = option(purchase.base)) {
      cost.compute_cost_usd = node_time_usd(*o, node_seconds, timeline.nodes);
      cost.energy_paid_share = o->pays_energy() ? 1.0 : 0.0;
    }
    return cost;
  }
  const double base_seconds = purchase.base_nodes * window_s;
  const double within_base = std::max(0.0, node_seconds - seconds_above_base);  // node time the base served
  if (const auto o = option(purchase.base)) {
    // The base is held the whole window, used or not.
    cost.compute_cost_usd += o->price_series ? o->cost_usd(purchase.base_nodes, timeline.t0_s, t1_s)
                                             : o->hourly_price_usd() * base_seconds / kSecondsPerHour;
    if (o->pays_energy() && node_seconds > 0) cost.energy_paid_share += within_base / node_seconds;
  }
  if (const auto o = option(purchase.burst)) {
    cost.compute_cost_usd += node_time_usd(*o, seconds_above_base, timeline.above_base);
    if (o->pays_energy() && node_seconds > 0) cost.energy_paid_share += seconds_above_base / node_seconds;
  }
  return cost;
}

double cost_with_energy_usd(double compute_cost_usd, double energy_paid_share, double energy_cost_usd,
                            bool owned_run) {
  return compute_cost_usd + (owned_run ? 1.0 : energy_paid_share) * energy_cost_usd;
}

std::string describe(const PoolPurchase& purchase, int count) {
  if (purchase.base_nodes < 0 || purchase.base_nodes >= count || purchase.base == purchase.burst)
    return purchase.base;
  if (purchase.base_nodes == 0) return purchase.burst;
  return fmt::format("{} x {} + {} x {}", purchase.base, purchase.base_nodes, purchase.burst,
                     count - purchase.base_nodes);
}

std::string describe_autoscaled(const PoolPurchase& purchase) {
  if (purchase.base_nodes < 0 || purchase.base == purchase.burst) return purchase.base;
  return fmt::format("{} x {} + {} above", purchase.base, purchase.base_nodes, purchase.burst);
}

}  // namespace fleetsim
