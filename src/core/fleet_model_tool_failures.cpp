// Tool pools whose nodes fail and come back (docs/failures.md, "Tool
// pools"): each node runs the same alternating renewal process as a model
// pool's, drawn by a FailureClock from a stream of the pool's own; the pool
// (ToolPool::fail_node, repair_node) moves the calls. A fleet whose tool
// pools never fail sets no timer here.
#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::set_up_tool_failures() {
  for (std::size_t p = 0; p < scenario_.tool_pools.size(); ++p) {
    const ToolPoolSpec& spec = scenario_.tool_pools[p];
    if (spec.failures)
      failing_tools_.push_back(
          {p, FailureClock(*spec.failures, Rng(scenario_.simulation.seed, stable_hash("failures/" + spec.name)))});
  }
}

// Every node starts new: its first failure from time 0.
void FleetModel::schedule_first_tool_failures() {
  for (FailingToolPool& ft : failing_tools_) {
    const std::size_t first = tool_node_base_[ft.pool];
    for (int n = 0; n < scenario_.tool_pools[ft.pool].count; ++n)
      driver_->call_back_at(ft.clock.time_to_failure(),
                            fleet_timer_token(FleetTimer::tool_node_fail, first + static_cast<std::size_t>(n)));
  }
}

void FleetModel::tool_failure_timer(FleetTimer what, std::size_t index) {
  const auto [pool, node] = tool_node_of(index);
  FailingToolPool* ft = nullptr;
  for (FailingToolPool& f : failing_tools_)
    if (f.pool == pool) ft = &f;
  if (ft == nullptr) return;
  ToolPool& tools = tool_pools_[pool];
  const double now = driver_->now();
  if (what == FleetTimer::tool_node_fail) {
    tools.fail_node(node, now, tool_started_, tool_dues_);
    driver_->call_back_at(now + ft->clock.time_to_repair(), fleet_timer_token(FleetTimer::tool_node_repair, index));
  } else {
    tools.repair_node(node, now, tool_started_, tool_dues_);
    driver_->call_back_at(now + ft->clock.time_to_failure(), fleet_timer_token(FleetTimer::tool_node_fail, index));
  }
  // The calls that started (or, sharing, the nodes whose next end moved).
  if (tools.shares())
    schedule_tool_dues(pool);
  else
    schedule_started_tool_calls();
}

}  // namespace fleetsim
