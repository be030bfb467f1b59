// How nodes are bought, and what an hour of one costs that way.
//
// A node type's `price_per_hour` is its on-demand rate. A node type may list
// other purchase options (docs/performance-model.md, section 6):
//
//   - hourly: a rate per node-hour (a reservation, a savings plan, a capacity
//     block, a spot price), paid like on-demand: power is inside the price;
//     the rate may follow a series (a spot price by the hour): node time is
//     then priced at the rate of the step it falls in;
//   - owned: capital C spent once, spread over a life of n years at an
//     interest rate r as an annuity, C * r / (1 - (1 + r)^-n) per year
//     (C / n when r = 0), per hour of the year, plus an operating cost per
//     node-hour (hosting, network, staff); energy is paid on top.
//
// A pool buys its nodes one way, or a base of N nodes one way and the rest
// another (a reserved base with on-demand burst). The report prices the pools
// as bought and, side by side, the whole fleet under each option.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/step_series.hpp"

namespace fleetsim {

// The implicit option every node type has: its price_per_hour.
inline constexpr const char* kOnDemand = "on_demand";

struct PurchaseOption {
  enum class Kind { hourly, owned };
  std::string name;  // "reserved_3y", "capacity_block", "owned", ...
  Kind kind = Kind::hourly;
  double price_per_hour_usd = 0.0;  // hourly; for a price series, its mean over one cycle
  std::optional<StepSeries> price_series;  // hourly: USD per node-hour by step (spot), when it varies
  double capital_usd = 0.0;         // owned
  double life_years = 0.0;          // owned, > 0
  double interest_rate = 0.0;       // owned, per year, >= 0
  double operating_per_hour_usd = 0.0;  // owned: hosting, network, staff per node-hour

  // What one node-hour costs under this option (the annuity for owned; the
  // mean over a cycle for a price series, where no time is given: `plan`).
  double hourly_price_usd() const;
  // What `nodes` nodes held over [t0_s, t1_s] cost: the hourly price times
  // the node-hours, or the integral of a price series.
  double cost_usd(double nodes, double t0_s, double t1_s) const;
  // What the node time `nodes` places over [t0_s, t1_s] costs (the mean
  // node count over each [a, b], an autoscaled pool's): each step of a price
  // series times the node time in it; a fixed price times all of it.
  double cost_usd(const NodeLevel& nodes, double t0_s, double t1_s) const;
  // Owned nodes pay for their energy; hourly prices include it.
  bool pays_energy() const { return kind == Kind::owned; }
};

// The yearly payment that repays `capital` over `life_years` at `rate`: the
// capital-recovery factor times the capital; capital / life when rate is 0.
double annuity_per_year(double capital, double life_years, double rate);

// A pool's purchase: `base` for its first `base_nodes` nodes, `burst` for the
// rest. A plain option name sets both; base_nodes < 0 means every node.
struct PoolPurchase {
  std::string base = kOnDemand;
  int base_nodes = -1;
  std::string burst = kOnDemand;

  bool is_on_demand() const { return base == kOnDemand && burst == kOnDemand; }
};

// The option of that name among a node type's `listed` ones, on_demand
// (its `on_demand_price_per_hour`) included; nothing when it has none.
std::optional<PurchaseOption> find_purchase_option(const std::string& name, double on_demand_price_per_hour,
                                                   const std::vector<PurchaseOption>& listed);

// Node-hours priced the way a pool buys its `count` nodes: the hourly price
// of the base nodes plus the burst nodes, and the share of the nodes whose
// energy is paid on top (owned ones). An option the node type lacks prices
// nothing: the scenario reader refuses such a pool, and the report's
// side-by-side table does not ask.
struct PurchaseSplit {
  double price_per_hour_usd = 0.0;  // all `count` nodes together
  double energy_paid_share = 0.0;   // in [0, 1]
};
PurchaseSplit price_pool(const PoolPurchase& purchase, int count, double on_demand_price_per_hour,
                         const std::vector<PurchaseOption>& listed);

// An autoscaled pool's node time priced the way it buys its nodes: its
// `base_nodes` (when it splits base and burst) are bought for the whole
// window, used or not, as a reservation is; the node time paid above them
// (`seconds_above_base`) at the burst option; without a split, all its
// `node_seconds` at its one option. `energy_paid_share` is the share of its
// node time whose option pays its energy (owned).
struct PurchaseCost {
  double compute_cost_usd = 0.0;
  double energy_paid_share = 0.0;
};
// Where an autoscaled pool's node time fell, for an option whose price
// follows a series: the window's start and the mean node count over [a, b],
// all nodes and those above the base. Without it such an option is priced
// at its mean.
struct NodeTimeline {
  double t0_s = 0.0;
  NodeLevel nodes;
  NodeLevel above_base;
};
PurchaseCost price_autoscaled_pool(const PoolPurchase& purchase, double window_s, double node_seconds,
                                   double seconds_above_base, double on_demand_price_per_hour,
                                   const std::vector<PurchaseOption>& listed, const NodeTimeline& timeline = {});

// A fixed pool's `count` nodes bought as `purchase`, held for `window_s`
// from `t0_s`: the rates of the options at a fixed rate times the window,
// plus the integral of each price series over it.
PurchaseCost price_pool_over(const PoolPurchase& purchase, int count, double t0_s, double window_s,
                             double on_demand_price_per_hour, const std::vector<PurchaseOption>& listed);

// A pool's cost: its node-hours' `compute_cost_usd`, plus the share of its
// `energy_cost_usd` its owned nodes pay (all of it when the run's pricing is
// owned).
double cost_with_energy_usd(double compute_cost_usd, double energy_paid_share, double energy_cost_usd,
                            bool owned_run);

// "reserved_3y", "reserved_3y x 4 + on_demand x 6".
std::string describe(const PoolPurchase& purchase, int count);
// An autoscaled pool's: "on_demand", "reserved_3y x 4 + on_demand above".
std::string describe_autoscaled(const PoolPurchase& purchase);

}  // namespace fleetsim
