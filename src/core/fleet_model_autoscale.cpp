// Autoscaled pools in the fleet model: the load each autoscaler sees, its
// timers, and what its actions do to the pool's replicas (pool_autoscaler.hpp
// decides; this file carries out). A pool without `autoscale:` never reaches
// any of this: the hot path tests one empty vector.
#include <algorithm>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/fleet_timer.hpp"

namespace fleetsim {
namespace {

// Seconds a node takes from its start to serving: the instance's start, then
// every replica's weights read from storage at the pool's load bandwidth
// (docs/autoscaling.md, "Provisioning").
double provisioning_s(const Scenario& sc, const Pool& pool) {
  const AutoscaleSpec& a = *pool.autoscale;
  double bytes = 0.0;
  for (int r = 0; r < pool.replicas_per_node(); ++r)
    bytes += sc.find_model(pool.models[static_cast<std::size_t>(r) % pool.models.size()])->weight_bytes();
  return a.startup_s + (a.load_bandwidth_bytes_per_s > 0 ? bytes / a.load_bandwidth_bytes_per_s : 0.0);
}

}  // namespace

void FleetModel::set_up_autoscaling() {
  std::size_t first_replica = 0, first_host = 0;
  for (std::size_t p = 0; p < scenario_.pools.size(); ++p) {
    const Pool& pool = scenario_.pools[p];
    const std::size_t replicas = static_cast<std::size_t>(pool.max_nodes() * pool.replicas_per_node());
    if (pool.autoscale) {
      scaled_.push_back({p, first_replica, first_host, pool.replicas_per_node(),
                         PoolAutoscaler(*pool.autoscale, pool.count, pool.replicas_per_node(),
                                        provisioning_s(scenario_, pool), scenario_.simulation.warmup_s)});
      if (replica_scaled_.empty()) replica_scaled_.assign(replicas_.size(), -1);
      std::fill_n(replica_scaled_.begin() + static_cast<std::ptrdiff_t>(first_replica), replicas,
                  static_cast<std::int32_t>(scaled_.size() - 1));
      for (int n = pool.count; n < pool.max_nodes(); ++n) node_off(scaled_.back(), n);
      if (scaled_.back().scaler.reads_wait_percentile())
        for (std::size_t r = first_replica; r < first_replica + replicas; ++r) replicas_[r].keep_admission_waits();
      if (scaled_.back().scaler.reads_ttft_percentile())
        for (std::size_t r = first_replica; r < first_replica + replicas; ++r) replicas_[r].keep_first_token_waits();
      // A reserved base with a burst bought another way: node time above the base is priced apart.
      if (pool.purchase.base_nodes >= 0 && pool.purchase.base != pool.purchase.burst)
        scaled_.back().scaler.count_nodes_above(pool.purchase.base_nodes, 0.0);
    }
    first_replica += replicas;
    first_host += static_cast<std::size_t>(pool.max_nodes());
  }
}

const PoolAutoscaler* FleetModel::autoscaler(std::size_t pool) const {
  for (const ScaledPool& sp : scaled_)
    if (sp.pool == pool) return &sp.scaler;
  return nullptr;
}

void FleetModel::autoscale_load(std::size_t replica, int calls_delta) {
  const std::int32_t i = replica_scaled_[replica];
  if (i < 0) return;
  ScaledPool& sp = scaled_[static_cast<std::size_t>(i)];
  const std::uint32_t left = router_->outstanding(replica);
  // The replica turned busy (its first call) or idle (its last).
  const int busy = calls_delta > 0 ? (left == 1 ? 1 : 0) : (left == 0 ? -1 : 0);
  sp.scaler.load_changed(driver_->now(), calls_delta, busy);
  if (left == 0) {
    const int node = static_cast<int>((replica - sp.first_replica) / static_cast<std::size_t>(sp.replicas_per_node));
    // Off only after this completion has been applied: the replica is in
    // the middle of finishing an iteration now.
    if (sp.scaler.state(node) == PoolAutoscaler::NodeState::draining)
      driver_->call_back_at(driver_->now(), fleet_timer_token(FleetTimer::drain_check, sp.first_host + static_cast<std::size_t>(node)));
  }
}

void FleetModel::open_node(ScaledPool& sp, int node, bool open) {
  const std::size_t first = sp.first_replica + static_cast<std::size_t>(node * sp.replicas_per_node);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(sp.replicas_per_node); ++r) router_->set_open(r, open);
}

void FleetModel::node_off(ScaledPool& sp, int node) {
  const std::size_t first = sp.first_replica + static_cast<std::size_t>(node * sp.replicas_per_node);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(sp.replicas_per_node); ++r) router_->set_off(r);
}

void FleetModel::check_drained(ScaledPool& sp, int node) {
  if (sp.scaler.state(node) != PoolAutoscaler::NodeState::draining) return;
  const std::size_t first = sp.first_replica + static_cast<std::size_t>(node * sp.replicas_per_node);
  const std::size_t last = first + static_cast<std::size_t>(sp.replicas_per_node);
  for (std::size_t r = first; r < last; ++r)
    if (router_->outstanding(r) > 0) return;  // its last call will check again
  const double now = driver_->now();
  for (std::size_t r = first; r < last; ++r) replicas_[r].power_off(now);
  sp.scaler.node_drained(node, now);
  node_off(sp, node);
  if (!failing_.empty()) failing_node_off(sp.pool, node);
  if (series_) series_->nodes_changed(sp.pool, now, -1);
  if (power_cap_) rebase_power_cap();
}

void FleetModel::apply(ScaledPool& sp, const PoolAutoscaler::Actions& actions) {
  const double now = driver_->now();
  for (int n : actions.reopen) open_node(sp, n, true);
  for (int n : actions.start) {
    open_node(sp, n, false);  // closed while it provisions, no longer off
    if (series_) series_->nodes_changed(sp.pool, now, +1);
    driver_->call_back_at(now + sp.scaler.provisioning_s(), fleet_timer_token(FleetTimer::node_up, sp.first_host + static_cast<std::size_t>(n)));
  }
  for (int n : actions.drain) {
    open_node(sp, n, false);
    check_drained(sp, n);
  }
  // A started node draws its baseline from now on (a drained one stopped in check_drained).
  if (power_cap_ && !actions.start.empty()) rebase_power_cap();
}

void FleetModel::autoscale_timer(FleetTimer what, std::size_t index) {
  const double now = driver_->now();
  if (what == FleetTimer::evaluate) {
    ScaledPool& sp = scaled_[index];
    // Only nodes on since the last evaluation can hold waits; the others'
    // would add zeros, so skipping them leaves the sums' bits as they were.
    const std::size_t per_node = static_cast<std::size_t>(sp.replicas_per_node);
    for (int node : sp.scaler.nodes_on_since_last_read()) {
      const std::size_t first = sp.first_replica + static_cast<std::size_t>(node) * per_node;
      for (std::size_t r = first; r < first + per_node; ++r) {
        const ContinuousBatcher::AdmissionWaits waits = replicas_[r].take_admission_waits();
        sp.scaler.add_waits(waits.total_s, waits.calls);
        if (sp.scaler.reads_wait_percentile()) sp.scaler.add_wait_samples(replicas_[r].kept_admission_waits());
        if (sp.scaler.reads_ttft_percentile()) sp.scaler.add_ttft_samples(replicas_[r].kept_first_token_waits());
      }
    }
    if (power_cap_) power_cap_give_back();
    actions_ = {};
    sp.scaler.evaluate(now, actions_, power_cap_ ? power_cap_start_limit(sp) : PoolAutoscaler::kNoStartLimit);
    apply(sp, actions_);
    driver_->call_back_at(now + sp.scaler.interval_s(), fleet_timer_token(FleetTimer::evaluate, index));
    return;
  }
  // A node's timer: find its pool by host index.
  for (ScaledPool& sp : scaled_) {
    const std::size_t nodes = static_cast<std::size_t>(sp.scaler.max_nodes());
    if (index < sp.first_host || index >= sp.first_host + nodes) continue;
    const int node = static_cast<int>(index - sp.first_host);
    if (what == FleetTimer::node_up) {
      sp.scaler.node_ready(node, now);
      if (sp.scaler.state(node) == PoolAutoscaler::NodeState::serving) open_node(sp, node, true);
      if (!failing_.empty()) failing_node_ready(sp.pool, node);
    } else {
      check_drained(sp, node);
    }
    return;
  }
}

}  // namespace fleetsim
