#include "fleetsim/core/purchase.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetsim/core/units.hpp"  // kHoursPerYear: an owned node pays every hour of the year, busy or not

namespace fleetsim {
namespace {
constexpr double kSecondsPerHour = 3600.0;
}  // namespace

double annuity_per_year(double capital, double life_years, double rate) {
  if (capital <= 0.0 || life_years <= 0.0) return 0.0;
  if (rate <= 0.0) return capital / life_years;
  return capital * rate / (1.0 - std::pow(1.0 + rate, -life_years));
}

double PurchaseOption::hourly_price_usd() const {
  if (kind == Kind::hourly) return price_per_hour_usd;
  return annuity_per_year(capital_usd, life_years, interest_rate) / kHoursPerYear + operating_per_hour_usd;
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

PurchaseSplit price_pool(const PoolPurchase& purchase, int count, double on_demand_price_per_hour,
                         const std::vector<PurchaseOption>& listed) {
  PurchaseSplit split;
  if (count <= 0) return split;
  const int base = purchase.base_nodes < 0 ? count : std::min(purchase.base_nodes, count);
  const auto add = [&](const std::string& name, int nodes) {
    if (nodes <= 0) return;
    const auto option = find_purchase_option(name, on_demand_price_per_hour, listed);
    if (!option) return;
    split.price_per_hour_usd += nodes * option->hourly_price_usd();
    if (option->pays_energy()) split.energy_paid_share += static_cast<double>(nodes) / count;
  };
  add(purchase.base, base);
  add(purchase.burst, count - base);
  return split;
}

AutoscaledPurchaseCost price_autoscaled_pool(const PoolPurchase& purchase, double window_s, double node_seconds,
                                             double seconds_above_base, double on_demand_price_per_hour,
                                             const std::vector<PurchaseOption>& listed) {
  AutoscaledPurchaseCost cost;
  const auto option = [&](const std::string& name) {
    return find_purchase_option(name, on_demand_price_per_hour, listed);
  };
  if (purchase.base_nodes < 0 || purchase.base == purchase.burst) {
    if (const auto o = option(purchase.base)) {
      cost.compute_cost_usd = o->hourly_price_usd() * node_seconds / kSecondsPerHour;
      cost.energy_paid_share = o->pays_energy() ? 1.0 : 0.0;
    }
    return cost;
  }
  const double base_seconds = purchase.base_nodes * window_s;
  const double within_base = std::max(0.0, node_seconds - seconds_above_base);  // node time the base served
  if (const auto o = option(purchase.base)) {
    cost.compute_cost_usd += o->hourly_price_usd() * base_seconds / kSecondsPerHour;
    if (o->pays_energy() && node_seconds > 0) cost.energy_paid_share += within_base / node_seconds;
  }
  if (const auto o = option(purchase.burst)) {
    cost.compute_cost_usd += o->hourly_price_usd() * seconds_above_base / kSecondsPerHour;
    if (o->pays_energy() && node_seconds > 0) cost.energy_paid_share += seconds_above_base / node_seconds;
  }
  return cost;
}

double cost_with_energy_usd(double compute_cost_usd, const PurchaseSplit& split, double energy_cost_usd,
                            bool owned_run) {
  return compute_cost_usd + (owned_run ? 1.0 : split.energy_paid_share) * energy_cost_usd;
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
