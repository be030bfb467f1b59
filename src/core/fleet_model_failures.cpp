// Nodes (or single replicas) that fail and come back (docs/failures.md):
// what fails together is a unit, a node or, with scope replica, one replica.
// When a node fails, its
// replicas close, every call they held goes back to the router as a retry
// (its KV lost, its session kept) and the caches kept for sessions are lost;
// after the repair the node serves again and its next failure is drawn. A
// pool with a `notice` (spot interruptions) is warned first: its node closes
// to new calls, finishes what it can, and fails when the notice runs out. A
// fleet without `failures:` never reaches any of this.
#include <algorithm>
#include <cmath>
#include <limits>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::set_up_failures() {
  // Replica units take timer indices above every node's host index, so a
  // timer names one unit of one pool whatever the scopes.
  std::size_t hosts = 0;
  for (const Pool& pool : scenario_.pools) hosts += static_cast<std::size_t>(pool.max_nodes());
  std::size_t first_replica = 0, first_host = 0, next_replica_timer = hosts;
  for (std::size_t p = 0; p < scenario_.pools.size(); ++p) {
    const Pool& pool = scenario_.pools[p];
    if (pool.failures) {
      const FailureSpec& f = *pool.failures;
      const bool by_replica = f.scope == FailureSpec::Scope::replica;
      const int per_node = pool.replicas_per_node();
      const int units = by_replica ? pool.max_nodes() * per_node : pool.max_nodes();
      const std::size_t first_timer = by_replica ? next_replica_timer : first_host;
      if (by_replica) next_replica_timer += static_cast<std::size_t>(units);
      failing_.push_back({p, first_replica, first_timer, units, by_replica ? 1 : per_node,
                          by_replica ? 1.0 / per_node : 1.0,
                          FailureClock(f, Rng(scenario_.simulation.seed, stable_hash("failures/" + pool.name))),
                          FailureStats(scenario_.simulation.warmup_s), -1, {}, {}, {}});
      if (pool.autoscale) {
        // Only node failures (the reader refuses replica scope here).
        FailingPool& fp = failing_.back();
        for (std::size_t i = 0; i < scaled_.size(); ++i)
          if (scaled_[i].pool == p) fp.scaled = static_cast<std::int32_t>(i);
        fp.due_s.assign(static_cast<std::size_t>(fp.units), std::numeric_limits<double>::infinity());
        fp.replacing.assign(static_cast<std::size_t>(fp.units), 0);
        fp.warned_s.assign(static_cast<std::size_t>(fp.units), -1.0);
      }
    }
    first_replica += static_cast<std::size_t>(pool.max_nodes() * pool.replicas_per_node());
    first_host += static_cast<std::size_t>(pool.max_nodes());
  }
}

const FleetModel::FailureStats* FleetModel::failure_stats(std::size_t pool) const {
  for (const FailingPool& fp : failing_)
    if (fp.pool == pool) return &fp.stats;
  return nullptr;
}

void FleetModel::schedule_failure(FailingPool& fp, int unit, double from) {
  const std::size_t index = fp.first_timer + static_cast<std::size_t>(unit);
  const FleetTimer what = fp.clock.spec().notice_s > 0 ? FleetTimer::node_notice : FleetTimer::node_fail;
  const double due = from + fp.clock.time_to_failure();
  if (fp.scaled >= 0) fp.due_s[static_cast<std::size_t>(unit)] = due;
  driver_->call_back_at(due, fleet_timer_token(what, index));
}

void FleetModel::failure_timer(FleetTimer what, std::size_t index) {
  for (FailingPool& fp : failing_) {
    if (index < fp.first_timer || index >= fp.first_timer + static_cast<std::size_t>(fp.units)) continue;
    const int unit = static_cast<int>(index - fp.first_timer);
    if (fp.scaled >= 0) {
      // Only the warning or failure drawn for the node's present life: one
      // drawn before an autoscaler drained it has another time.
      if (driver_->now() != fp.due_s[static_cast<std::size_t>(unit)]) return;
      fp.due_s[static_cast<std::size_t>(unit)] = std::numeric_limits<double>::infinity();
      if (what == FleetTimer::node_notice)
        warn_scaled_node(fp, unit);
      else if (what == FleetTimer::node_fail)
        fail_unit(fp, unit);
      return;
    }
    if (what == FleetTimer::node_notice) {
      // Warned: no new call from now; the running ones have the notice to finish.
      close_unit(fp, unit);
      driver_->call_back_at(driver_->now() + fp.clock.spec().notice_s, fleet_timer_token(FleetTimer::node_fail, index));
    } else if (what == FleetTimer::node_fail) {
      fail_unit(fp, unit);
    } else {
      repair_unit(fp, unit);
    }
    return;
  }
}

void FleetModel::close_unit(FailingPool& fp, int unit) {
  fp.stats.nodes_down.change(driver_->now(), +fp.node_share);
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(unit * fp.replicas_per_unit);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_unit); ++r) router_->set_open(r, false);
}

void FleetModel::fail_unit(FailingPool& fp, int unit) {
  const double now = driver_->now();
  if (in_window(now)) ++fp.stats.node_failures;
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(unit * fp.replicas_per_unit);
  // Close every replica of the unit first (a unit with notice closed at its
  // warning), so that no retry lands on a sibling that is about to fail too.
  if (fp.clock.spec().notice_s <= 0) close_unit(fp, unit);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_unit); ++r) {
    driver_->halt_replica(r);
    aborted_.clear();
    const LostWork lost = replicas_[r].fail(now, aborted_);
    if (in_window(now)) count_lost_work(fp, lost);
    // A retry may come back to this replica, when every replica of its
    // model is down: it then waits here for the repair.
    for (const CallRequest& call : aborted_) retry_call(fp, r, call);
  }
  if (fp.scaled >= 0) return replace_node(fp, unit);
  const double repair = fp.clock.time_to_repair();
  driver_->call_back_at(now + repair, fleet_timer_token(FleetTimer::node_repair, fp.first_timer + static_cast<std::size_t>(unit)));
}

void FleetModel::count_lost_work(FailingPool& fp, const LostWork& lost) {
  fp.stats.prefill_tokens_lost += lost.prefill_tokens;
  fp.stats.output_tokens_lost += lost.output_tokens;
  // A disaggregated call in its decode phase had its prompt prefilled on a
  // prefill replica: its retry starts over from there (retry_call).
  for (const CallRequest& call : aborted_)
    if (call.phase == CallPhase::decode)
      fp.stats.prefill_tokens_lost += transfers_[static_cast<std::size_t>(call.call_id)].computed_tokens;
}

void FleetModel::repair_unit(FailingPool& fp, int unit) {
  const double now = driver_->now();
  fp.stats.nodes_down.change(now, -fp.node_share);
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(unit * fp.replicas_per_unit);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_unit); ++r) {
    replicas_[r].set_down(false);
    router_->set_open(r, true);
    // Calls that found every replica down waited here.
    if (replicas_[r].outstanding() > 0) driver_->wake_replica(r, false);
  }
  schedule_failure(fp, unit, now);
}

void FleetModel::warn_scaled_node(FailingPool& fp, int node) {
  ScaledPool& sp = scaled_[static_cast<std::size_t>(fp.scaled)];
  const double now = driver_->now();
  const std::size_t n = static_cast<std::size_t>(node);
  // As on a fixed pool: no new call from the warning, counted down from it.
  close_unit(fp, node);
  fp.warned_s[n] = now;
  // A serving node's replacement starts now (EC2 Auto Scaling's capacity
  // rebalancing launches one on the notice); a draining node is leaving anyway.
  sp.scaler.node_warned(node, now);
  fp.due_s[n] = now + fp.clock.spec().notice_s;
  driver_->call_back_at(fp.due_s[n], fleet_timer_token(FleetTimer::node_fail, fp.first_timer + n));
}

void FleetModel::replace_node(FailingPool& fp, int node) {
  ScaledPool& sp = scaled_[static_cast<std::size_t>(fp.scaled)];
  const double now = driver_->now();
  const std::size_t host = fp.first_timer + static_cast<std::size_t>(node);  // a node unit's index is its host's
  const double warned = fp.clock.spec().notice_s > 0 ? fp.warned_s[static_cast<std::size_t>(node)] : -1.0;
  if (warned >= 0) {
    fp.warned_s[static_cast<std::size_t>(node)] = -1.0;
    if (sp.scaler.state(node) == PoolAutoscaler::NodeState::starting) {
      // Its replacement started at the warning: it serves once provisioned,
      // and not before the warned instance is gone, which is now.
      fp.replacing[static_cast<std::size_t>(node)] = 1;
      driver_->call_back_at(std::max(now, warned + sp.scaler.provisioning_s()), fleet_timer_token(FleetTimer::node_up, host));
      return;
    }
    // Otherwise it was draining when warned (the autoscaler never takes
    // such a node back): it goes off below.
  }
  if (sp.scaler.node_failed(node, now)) {
    // The replacement provisions in the failed node's place; calls that found
    // every replica of their model closed wait here for it.
    fp.replacing[static_cast<std::size_t>(node)] = 1;
    driver_->call_back_at(now + sp.scaler.provisioning_s(), fleet_timer_token(FleetTimer::node_up, host));
    return;
  }
  // It was draining: it goes off instead, with nothing left to finish.
  fp.stats.nodes_down.change(now, -1.0);
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_unit);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_unit); ++r) replicas_[r].power_off(now);
  node_off(sp, node);
  if (series_) series_->nodes_changed(sp.pool, now, -1);
  if (power_cap_) rebase_power_cap();
}

void FleetModel::failing_node_ready(std::size_t pool, int node) {
  for (FailingPool& fp : failing_) {
    if (fp.pool != pool) continue;
    const double now = driver_->now();
    const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_unit);
    if (fp.replacing[static_cast<std::size_t>(node)]) {
      fp.replacing[static_cast<std::size_t>(node)] = 0;
      fp.stats.nodes_down.change(now, -1.0);
    }
    // A replacement, or a node that failed while draining and is started
    // again: its replicas plan once more, first the calls that waited here.
    for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_unit); ++r) {
      replicas_[r].set_down(false);
      if (replicas_[r].outstanding() > 0) driver_->wake_replica(r, false);
    }
    schedule_failure(fp, node, now);
    return;
  }
}

void FleetModel::failing_node_off(std::size_t pool, int node) {
  for (FailingPool& fp : failing_) {
    if (fp.pool != pool) continue;
    const std::size_t n = static_cast<std::size_t>(node);
    fp.due_s[n] = std::numeric_limits<double>::infinity();
    // A warned node that drained before its interruption: down no longer.
    if (!fp.warned_s.empty() && fp.warned_s[n] >= 0) {
      fp.warned_s[n] = -1.0;
      fp.stats.nodes_down.change(driver_->now(), -fp.node_share);
    }
  }
}

void FleetModel::retry_call(FailingPool& fp, std::size_t from, const CallRequest& call) {
  const double now = driver_->now();
  Session& s = sessions_[static_cast<std::uint32_t>(call.call_id)];
  call_left(from, now);
  if (in_window(now)) ++fp.stats.calls_retried;
  // A disaggregated call starts over from its prefill: the cache it had is gone.
  CallRequest retry = call.phase == CallPhase::whole ? call : transfers_[static_cast<std::size_t>(call.call_id)].call;
  retry.enqueue_s = now;
  // Its cache died with the node: no affinity to keep.
  route_and_enqueue(s, placements_[from].model, -1, retry);
}

}  // namespace fleetsim
