// Nodes that fail and come back (docs/failures.md): when a node fails, its
// replicas close, every call they held goes back to the router as a retry
// (its KV lost, its session kept) and the caches kept for sessions are lost;
// after the repair the node serves again and its next failure is drawn. A
// pool with a `notice` (spot interruptions) is warned first: its node closes
// to new calls, finishes what it can, and fails when the notice runs out. A
// fleet without `failures:` never reaches any of this.
#include <cmath>
#include <limits>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::set_up_failures() {
  std::size_t first_replica = 0, first_host = 0;
  for (std::size_t p = 0; p < scenario_.pools.size(); ++p) {
    const Pool& pool = scenario_.pools[p];
    if (pool.failures) {
      const FailureSpec& f = *pool.failures;
      // A Weibull of shape k has mean scale x Gamma(1 + 1/k).
      const double scale = f.distribution == FailureSpec::Distribution::weibull
                               ? f.mttf_s / std::tgamma(1.0 + 1.0 / f.shape)
                               : f.mttf_s;
      failing_.push_back({p, first_replica, first_host, pool.max_nodes(), pool.replicas_per_node(), f, scale,
                          Rng(scenario_.simulation.seed, stable_hash("failures/" + pool.name)),
                          FailureStats(scenario_.simulation.warmup_s), -1, {}, {}});
      if (pool.autoscale) {
        FailingPool& fp = failing_.back();
        for (std::size_t i = 0; i < scaled_.size(); ++i)
          if (scaled_[i].pool == p) fp.scaled = static_cast<std::int32_t>(i);
        fp.due_s.assign(static_cast<std::size_t>(fp.nodes), std::numeric_limits<double>::infinity());
        fp.replacing.assign(static_cast<std::size_t>(fp.nodes), 0);
      }
    }
    first_replica += static_cast<std::size_t>(pool.max_nodes() * pool.replicas_per_node());
    first_host += static_cast<std::size_t>(pool.max_nodes());
  }
}

double FleetModel::draw_time_to_failure(FailingPool& fp) {
  const double u = fp.rng.uniform_open01();
  if (fp.spec.distribution == FailureSpec::Distribution::weibull)
    return fp.weibull_scale_s * std::pow(-std::log(u), 1.0 / fp.spec.shape);
  return -fp.spec.mttf_s * std::log(u);
}

const FleetModel::FailureStats* FleetModel::failure_stats(std::size_t pool) const {
  for (const FailingPool& fp : failing_)
    if (fp.pool == pool) return &fp.stats;
  return nullptr;
}

void FleetModel::schedule_failure(FailingPool& fp, int node, double from) {
  const std::size_t host = fp.first_host + static_cast<std::size_t>(node);
  const FleetTimer what = fp.spec.notice_s > 0 ? FleetTimer::node_notice : FleetTimer::node_fail;
  const double due = from + draw_time_to_failure(fp);
  if (fp.scaled >= 0) fp.due_s[static_cast<std::size_t>(node)] = due;
  driver_->call_back_at(due, fleet_timer_token(what, host));
}

void FleetModel::failure_timer(FleetTimer what, std::size_t host) {
  for (FailingPool& fp : failing_) {
    if (host < fp.first_host || host >= fp.first_host + static_cast<std::size_t>(fp.nodes)) continue;
    const int node = static_cast<int>(host - fp.first_host);
    if (fp.scaled >= 0) {
      // Only the failure drawn for the node's present life: one drawn before
      // an autoscaler drained it has another time.
      if (what == FleetTimer::node_fail && driver_->now() == fp.due_s[static_cast<std::size_t>(node)]) {
        fp.due_s[static_cast<std::size_t>(node)] = std::numeric_limits<double>::infinity();
        fail_node(fp, node);
      }
      return;
    }
    if (what == FleetTimer::node_notice) {
      // Warned: no new call from now; the running ones have the notice to finish.
      close_node(fp, node);
      driver_->call_back_at(driver_->now() + fp.spec.notice_s, fleet_timer_token(FleetTimer::node_fail, host));
    } else if (what == FleetTimer::node_fail) {
      fail_node(fp, node);
    } else {
      repair_node(fp, node);
    }
    return;
  }
}

void FleetModel::close_node(FailingPool& fp, int node) {
  fp.stats.nodes_down.change(driver_->now(), +1.0);
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_node);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_node); ++r) router_->set_open(r, false);
}

void FleetModel::fail_node(FailingPool& fp, int node) {
  const double now = driver_->now();
  if (in_window(now)) ++fp.stats.node_failures;
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_node);
  // Close every replica of the node first (a node with notice closed at its
  // warning), so that no retry lands on a sibling that is about to fail too.
  if (fp.spec.notice_s <= 0) close_node(fp, node);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_node); ++r) {
    driver_->halt_replica(r);
    aborted_.clear();
    replicas_[r].fail(now, aborted_);
    // A retry may come back to this replica, when every replica of its
    // model is down: it then waits here for the repair.
    for (const CallRequest& call : aborted_) retry_call(fp, r, call);
  }
  if (fp.scaled >= 0) return replace_node(fp, node);
  // Time to repair: exponential with mean mttr.
  const double repair = -fp.spec.mttr_s * std::log(fp.rng.uniform_open01());
  driver_->call_back_at(now + repair, fleet_timer_token(FleetTimer::node_repair, fp.first_host + static_cast<std::size_t>(node)));
}

void FleetModel::repair_node(FailingPool& fp, int node) {
  const double now = driver_->now();
  fp.stats.nodes_down.change(now, -1.0);
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_node);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_node); ++r) {
    replicas_[r].set_down(false);
    router_->set_open(r, true);
    // Calls that found every replica down waited here.
    if (replicas_[r].outstanding() > 0) driver_->wake_replica(r, false);
  }
  schedule_failure(fp, node, now);
}

void FleetModel::replace_node(FailingPool& fp, int node) {
  ScaledPool& sp = scaled_[static_cast<std::size_t>(fp.scaled)];
  const double now = driver_->now();
  const std::size_t host = fp.first_host + static_cast<std::size_t>(node);
  if (sp.scaler.node_failed(node, now)) {
    // The replacement provisions in the failed node's place; calls that found
    // every replica of their model closed wait here for it.
    fp.replacing[static_cast<std::size_t>(node)] = 1;
    driver_->call_back_at(now + sp.scaler.provisioning_s(), fleet_timer_token(FleetTimer::node_up, host));
    return;
  }
  // It was draining: it goes off instead, with nothing left to finish.
  fp.stats.nodes_down.change(now, -1.0);
  const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_node);
  for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_node); ++r) replicas_[r].power_off(now);
  node_off(sp, node);
  if (series_) series_->nodes_changed(sp.pool, now, -1);
}

void FleetModel::failing_node_ready(std::size_t pool, int node) {
  for (FailingPool& fp : failing_) {
    if (fp.pool != pool) continue;
    const double now = driver_->now();
    const std::size_t first = fp.first_replica + static_cast<std::size_t>(node * fp.replicas_per_node);
    if (fp.replacing[static_cast<std::size_t>(node)]) {
      fp.replacing[static_cast<std::size_t>(node)] = 0;
      fp.stats.nodes_down.change(now, -1.0);
    }
    // A replacement, or a node that failed while draining and is started
    // again: its replicas plan once more, first the calls that waited here.
    for (std::size_t r = first; r < first + static_cast<std::size_t>(fp.replicas_per_node); ++r) {
      replicas_[r].set_down(false);
      if (replicas_[r].outstanding() > 0) driver_->wake_replica(r, false);
    }
    schedule_failure(fp, node, now);
    return;
  }
}

void FleetModel::failing_node_off(std::size_t pool, int node) {
  for (FailingPool& fp : failing_)
    if (fp.pool == pool) fp.due_s[static_cast<std::size_t>(node)] = std::numeric_limits<double>::infinity();
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
