// The site power cap's side of the fleet model (docs/performance-model.md
// 5.3): the gate the replicas' servers ask before each plan, the lower
// frequency states each replica may run a plan at (the lower_clocks
// response), the steps of a cap that changes over time, and the node
// starts the cap allows an autoscaled pool.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/power_state.hpp"
#include "fleetsim/core/report_builder.hpp"  // fleet_baseline_power_w, largest_replica_draw_w

namespace fleetsim {

// The loader has checked that the lowest cap leaves a budget each replica's
// largest draw fits alone.
void FleetModel::set_up_power_cap() {
  const PowerCapSpec& cap = scenario_.power_cap;
  if (!cap.enabled()) return;
  power_cap_w_ = cap.steps.front().cap_w;
  power_cap_headroom_w_ = largest_replica_draw_w(scenario_);
  const double baseline = power_cap_baseline_w();
  power_cap_ = std::make_unique<PowerCapGate>(power_cap_w_ - baseline, replicas_.size(), scenario_.simulation.warmup_s);
  power_cap_->set_baseline(baseline, 0.0);
  power_cap_->set_cap(power_cap_w_, 0.0);
  if (cap.response != PowerCapResponse::lower_clocks) return;
  // Replicas of one pool and model share each lower state's roofline, as
  // they share their own state's.
  std::map<std::pair<std::size_t, std::string>, std::vector<LowerClock>> shared;
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    const ReplicaPlacement& placement = placements_[r];
    const Pool& pool = scenario_.pools[placement.pool];
    auto [it, fresh] = shared.try_emplace({placement.pool, placement.model});
    if (fresh) {
      const PowerState current = current_power_state(pool.hardware, pool.pstate);
      const ModelSpec& model = *scenario_.find_model(placement.model);
      for (const PowerState& state : slower_power_states(pool.hardware, current)) {
        const HardwareSpec hw = from_power_state(pool.hardware, current, state);
        it->second.push_back({std::make_shared<const RooflineModel>(model, hw, pool.engine),
                              PowerModel(hw.device_power, pool.engine.tensor_parallel,
                                         1.0 / replicas_per_device(hw, pool.engine))});
      }
    }
    if (!it->second.empty()) replicas_[r].attach_lower_clocks(it->second);
  }
}

// Step `step` of the cap begins: the budget follows it, and the next step's
// timer is set (the first again, one period on, for a repeating cap).
void FleetModel::power_cap_step(std::size_t step) {
  const PowerCapSpec& cap = scenario_.power_cap;
  power_cap_w_ = cap.steps[step].cap_w;
  power_cap_->set_cap(power_cap_w_, driver_->now());
  power_cap_give_back();
  rebase_power_cap();
  std::size_t next = step + 1;
  if (next == cap.steps.size()) {
    if (cap.repeat_s <= 0.0) return;
    next = 0;
    ++power_cap_period_;
  }
  const double at = static_cast<double>(power_cap_period_) * cap.repeat_s + cap.steps[next].at_s;
  driver_->call_back_at(at, fleet_timer_token(FleetTimer::power_cap, next));
}

// The baseline of the nodes on now: every node's, less that of the nodes an
// autoscaled pool holds off (fleet_baseline_power_w counts every node a
// pool may hold). `kept`: also less that of the nodes given back to the cap
// that are still draining, the baseline the budget is left after (so that
// their calls get the power to finish and they go off).
double FleetModel::power_cap_baseline_w(bool kept) const {
  double watts = fleet_baseline_power_w(scenario_);
  for (const ScaledPool& sp : scaled_) {
    int off = sp.scaler.count(PoolAutoscaler::NodeState::off);
    if (kept) off += sp.scaler.given_back_draining();
    watts -= off * node_baseline_power_w(scenario_.pools[sp.pool]);
  }
  return watts;
}

// The cap or the nodes on changed: the budget follows, and the replicas
// waiting that now fit start.
void FleetModel::rebase_power_cap() {
  const double now = driver_->now();
  power_cap_->set_baseline(power_cap_baseline_w(), now);
  for (const std::uint32_t replica : power_cap_->set_budget(power_cap_w_ - power_cap_baseline_w(true), now))
    driver_->power_granted(replica);
}

// The cap in force must hold the baseline of the nodes that stay and one
// replica's largest draw (docs/autoscaling.md, "Under a power cap"): when it
// does not (a scheduled cap fell), the autoscaled pools give back
//   n = ceil((B_kept + d_max - P_cap) / b)
// nodes, in the scenario's pool order, each pool as many as it can above
// its floor, the next one the rest at its own node baseline. The running
// plans' draw is left out: those plans end within one plan, and new ones
// wait for the budget, so counting it would power off nodes for seconds
// of work.
void FleetModel::power_cap_give_back() {
  double excess = power_cap_baseline_w(true) + power_cap_headroom_w_ - power_cap_w_;
  bool gave = false;
  for (ScaledPool& sp : scaled_) {
    if (excess <= 1e-6) break;
    const double node_w = node_baseline_power_w(scenario_.pools[sp.pool]);
    if (node_w <= 0.0) continue;
    const int nodes = sp.scaler.max_nodes();
    busy_nodes_.assign(static_cast<std::size_t>(nodes), 0);
    for (int n = 0; n < nodes; ++n) {
      const std::size_t first = sp.first_replica + static_cast<std::size_t>(n * sp.replicas_per_node);
      for (std::size_t r = first; r < first + static_cast<std::size_t>(sp.replicas_per_node); ++r)
        if (router_->outstanding(r) > 0) busy_nodes_[static_cast<std::size_t>(n)] = 1;
    }
    // Sums of watts: a baseline that fits to the watt must not cost a node for a rounding.
    const int want = static_cast<int>(std::ceil(excess / node_w - 1e-9));
    actions_ = {};
    const int given = sp.scaler.give_back(driver_->now(), want, busy_nodes_, actions_);
    if (given == 0) continue;
    apply(sp, actions_);
    excess -= given * node_w;
    gave = true;
  }
  // The nodes still draining leave the budget their baseline (their calls must finish).
  if (gave) rebase_power_cap();
}

// How many of the pool's off nodes may start now (docs/autoscaling.md,
// "Under a power cap"): each started node adds its baseline, and the cap in
// force must still hold what the running plans draw, and at least one
// replica's largest draw, as the loader made sure it does at the start, so
// that a replica waiting for power always gets to run once the others stop.
// Without the running plans a start could take the fleet above the cap
// until they end. The baseline counts the starts of pools evaluated before
// this one at the same instant.
int FleetModel::power_cap_start_limit(const ScaledPool& sp) const {
  const double node_w = node_baseline_power_w(scenario_.pools[sp.pool]);
  if (node_w <= 0.0) return PoolAutoscaler::kNoStartLimit;
  const double kept_w = std::max(power_cap_->in_use_w(), power_cap_headroom_w_);
  // Sums of watts: a node that fits exactly must not be held for a rounding.
  const double room = power_cap_w_ - power_cap_baseline_w() - kept_w + 1e-6;
  if (room < 0.0) return 0;  // a cap stepped below the nodes on: none start (power_cap_give_back stops some)
  return static_cast<int>(std::min(std::floor(room / node_w), static_cast<double>(PoolAutoscaler::kNoStartLimit)));
}

}  // namespace fleetsim
