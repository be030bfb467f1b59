#include "fleetsim/core/pool_autoscaler.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {

// Nearest rank: the smallest sample at or above `percentile` percent of
// them; 0 when there are none. Empties the samples.
double take_nearest_rank(std::vector<double>& samples, double percentile) {
  if (samples.empty()) return 0.0;
  const std::size_t n = samples.size();
  const double rank = std::ceil(percentile / 100.0 * static_cast<double>(n));
  const std::size_t k = std::min(n, std::max<std::size_t>(1, static_cast<std::size_t>(rank))) - 1;
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k), samples.end());
  const double value = samples[k];
  samples.clear();
  return value;
}

}  // namespace

PoolAutoscaler::PoolAutoscaler(const AutoscaleSpec& spec, int initial_nodes, int replicas_per_node,
                               double provisioning_s, double window_start_s)
    : spec_(spec),
      policy_(make_autoscale_policy(spec)),
      replicas_per_node_(replicas_per_node),
      provisioning_s_(provisioning_s),
      states_(static_cast<std::size_t>(std::max(spec.max_nodes, initial_nodes)), NodeState::off),
      provisioned_(window_start_s),
      above_base_(window_start_s) {
  const AutoscalePolicyInfo* info = find_autoscale_policy(spec.policy);
  reads_wait_percentile_ = info && info->reads_wait_percentile;
  reads_ttft_percentile_ = info && info->reads_ttft_percentile;
  counts_[static_cast<std::size_t>(NodeState::off)] = static_cast<int>(states_.size());
  on_since_read_.assign(states_.size(), 0);
  for (int n = 0; n < initial_nodes; ++n) set_state(n, NodeState::serving, 0.0);
}

const std::vector<int>& PoolAutoscaler::nodes_on_since_last_read() {
  on_nodes_.clear();
  for (std::size_t n = 0; n < states_.size(); ++n) {
    if (on_since_read_[n]) on_nodes_.push_back(static_cast<int>(n));
    on_since_read_[n] = states_[n] != NodeState::off;
  }
  return on_nodes_;
}

void PoolAutoscaler::integrate(double now_s) {
  if (now_s <= last_s_) return;
  const double dt = now_s - last_s_;
  calls_area_ += calls_ * dt;
  busy_area_ += busy_ * dt;
  replica_area_ += static_cast<double>((count(NodeState::serving) + count(NodeState::draining)) * replicas_per_node_) * dt;
  last_s_ = now_s;
}

void PoolAutoscaler::set_state(int node, NodeState s, double now_s) {
  integrate(now_s);
  NodeState& current = states_[static_cast<std::size_t>(node)];
  const bool was_paid = current != NodeState::off, paid = s != NodeState::off;
  --counts_[static_cast<std::size_t>(current)];
  ++counts_[static_cast<std::size_t>(s)];
  current = s;
  if (s != NodeState::off) on_since_read_[static_cast<std::size_t>(node)] = 1;
  if (s == NodeState::off && !leaving_.empty()) leaving_[static_cast<std::size_t>(node)] = 0;
  if (s == NodeState::off && !given_back_.empty() && given_back_[static_cast<std::size_t>(node)]) {
    given_back_[static_cast<std::size_t>(node)] = 0;
    --given_back_draining_;
  }
  if (was_paid == paid) return;
  // A node above the base starts or stops being paid at the burst's price.
  if (paid ? provisioned_now_ >= base_ : provisioned_now_ > base_) above_base_.change(now_s, paid ? 1.0 : -1.0);
  provisioned_now_ += paid ? 1 : -1;
  provisioned_.change(now_s, paid ? 1.0 : -1.0);
  peak_nodes_ = std::max(peak_nodes_, provisioned_now_);
}

void PoolAutoscaler::count_nodes_above(int base, double now_s) {
  base_ = base;
  if (provisioned_now_ > base) above_base_.change(now_s, static_cast<double>(provisioned_now_ - base));
}

void PoolAutoscaler::load_changed(double now_s, int calls_delta, int busy_replicas_delta) {
  integrate(now_s);
  calls_ += calls_delta;
  busy_ += busy_replicas_delta;
}

void PoolAutoscaler::evaluate(double now_s, Actions& out, int start_limit) {
  integrate(now_s);
  const double span = now_s - since_s_;
  PoolLoad load;
  load.now_s = now_s;
  load.serving_nodes = count(NodeState::serving);
  load.nodes = load.serving_nodes + count(NodeState::starting);
  load.busy_fraction = replica_area_ > 0 ? busy_area_ / replica_area_ : 0.0;
  load.calls_in_flight = span > 0 ? calls_area_ / span : static_cast<double>(calls_);
  load.queueing_delay_s = wait_calls_ > 0 ? wait_total_s_ / static_cast<double>(wait_calls_) : 0.0;
  load.queueing_delay_percentile_s = take_nearest_rank(wait_samples_, spec_.percentile);
  load.ttft_percentile_s = take_nearest_rank(ttft_samples_, spec_.percentile);
  load.interval_s = span;
  load.provisioning_s = provisioning_s_;
  calls_area_ = busy_area_ = replica_area_ = 0.0;
  wait_total_s_ = 0.0;
  wait_calls_ = 0;
  since_s_ = now_s;

  const int wanted = std::clamp(policy_->desired_nodes(load), spec_.min_nodes, max_nodes());
  // The power cap's limit caps the wish: a policy that reads the load
  // would otherwise keep asking for nodes the cap holds, and its scale-in
  // window would keep nodes for a wish that could not be met.
  int reopenable_nodes = 0;
  for (int n = 0; n < max_nodes(); ++n) reopenable_nodes += reopenable(n) ? 1 : 0;
  const long long allowed = static_cast<long long>(load.nodes) + reopenable_nodes + start_limit;
  const int wish = static_cast<int>(std::min<long long>(wanted, allowed));
  wish_ = wish;
  // Scale in no lower than the highest wish within the window (Kubernetes'
  // downscale stabilization); scale out at once.
  wishes_.emplace_back(now_s, wish);
  while (!wishes_.empty() && wishes_.front().first <= now_s - spec_.scale_in_window_s) wishes_.pop_front();
  int target = wish;
  if (wish < load.nodes)
    for (const auto& [t, w] : wishes_) target = std::max(target, w);
  target = std::min(target, std::max(load.nodes, wish));

  int change = target - load.nodes;
  // More: draining nodes come back first (they are still up), newest drained
  // first; then off nodes start, lowest index first.
  for (int n = max_nodes() - 1; change > 0 && n >= 0; --n)
    if (reopenable(n)) {
      set_state(n, NodeState::serving, now_s);
      out.reopen.push_back(n);
      --change;
    }
  for (int n = 0; change > 0 && n < max_nodes(); ++n)
    if (state(n) == NodeState::off) {
      set_state(n, NodeState::starting, now_s);
      out.start.push_back(n);
      ++nodes_started_;
      --change;
    }
  // Held: the starts the uncapped wish wanted beyond the limit, as many as
  // off nodes are left to start.
  if (wanted > wish) starts_held_ += std::min(wanted - wish, count(NodeState::off));
  // Fewer: the serving nodes of highest index drain, keeping one serving so
  // that the pool's routes always have a replica; starting nodes finish
  // starting and are judged at the next evaluation.
  int serving = load.serving_nodes;
  for (int n = max_nodes() - 1; change < 0 && serving > 1 && n >= 0; --n)
    if (state(n) == NodeState::serving) {
      set_state(n, NodeState::draining, now_s);
      out.drain.push_back(n);
      ++nodes_drained_;
      --serving;
      ++change;
    }
}

int PoolAutoscaler::give_back(double now_s, int nodes, const std::vector<std::uint8_t>& busy, Actions& out) {
  int given = 0;
  int on = count(NodeState::serving) + count(NodeState::starting);
  int serving = count(NodeState::serving);
  // Idle nodes first (they go off at once), then busy ones (they drain).
  for (const bool want_busy : {false, true})
    for (int n = max_nodes() - 1; given < nodes && on > spec_.min_nodes && serving > 1 && n >= 0; --n) {
      if (state(n) != NodeState::serving || (busy[static_cast<std::size_t>(n)] != 0) != want_busy) continue;
      set_state(n, NodeState::draining, now_s);
      if (given_back_.empty()) given_back_.assign(states_.size(), 0);
      given_back_[static_cast<std::size_t>(n)] = 1;
      ++given_back_draining_;
      out.drain.push_back(n);
      ++nodes_drained_;
      ++nodes_given_back_;
      ++given;
      --on;
      --serving;
    }
  return given;
}

void PoolAutoscaler::node_ready(int node, double now_s) {
  if (state(node) == NodeState::starting) set_state(node, NodeState::serving, now_s);
}

void PoolAutoscaler::node_drained(int node, double now_s) {
  if (state(node) == NodeState::draining) set_state(node, NodeState::off, now_s);
}

bool PoolAutoscaler::node_failed(int node, double now_s) {
  if (state(node) == NodeState::draining) {
    set_state(node, NodeState::off, now_s);
    return false;
  }
  if (state(node) != NodeState::serving) return false;
  set_state(node, NodeState::starting, now_s);
  ++nodes_replaced_;
  return true;
}

bool PoolAutoscaler::node_warned(int node, double now_s) {
  if (state(node) == NodeState::draining) {
    if (leaving_.empty()) leaving_.assign(states_.size(), 0);
    leaving_[static_cast<std::size_t>(node)] = 1;
  }
  if (state(node) != NodeState::serving) return false;
  set_state(node, NodeState::starting, now_s);
  ++nodes_replaced_;
  return true;
}

void PoolAutoscaler::settle(double end_s) {
  integrate(end_s);
  provisioned_.settle(end_s);
  above_base_.settle(end_s);
}

}  // namespace fleetsim
