// The fleet model's tool calls: an outside tool's delay, or a call on a tool
// pool (first come first served, or processor sharing with node timers), and
// the agent harness's work before an LLM call (a workload's orchestrator).
#include <algorithm>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::submit_tool_call(std::uint32_t slot, const Step& step) {
  Session& s = sessions_[slot];
  ToolCallRequest call;
  call.id = slot;
  call.workload = s.workload;
  call.cores = step.cores;
  call.memory_bytes = step.memory_bytes;
  call.work_s = std::max(0.0, step.work_s.sample(s.rng));
  const auto p = static_cast<std::size_t>(step.tool_pool);
  if (tool_pools_[p].shares()) {
    tool_pools_[p].submit_shared(call, driver_->now(), tool_dues_);
    schedule_tool_dues(p);
    return;
  }
  tool_pools_[p].submit(call, driver_->now(), tool_started_);
  schedule_started_tool_calls();
}

void FleetModel::schedule_tool_dues(std::size_t pool) {
  for (const NodeDue& due : tool_dues_)
    driver_->call_back_at(due.at_s, fleet_timer_token(FleetTimer::tool_node, tool_node_base_[pool] + due.node));
  tool_dues_.clear();
}

std::pair<std::size_t, std::uint32_t> FleetModel::tool_node_of(std::size_t index) const {
  const auto pool = static_cast<std::size_t>(
      std::upper_bound(tool_node_base_.begin(), tool_node_base_.end(), index) - tool_node_base_.begin() - 1);
  return {pool, static_cast<std::uint32_t>(index - tool_node_base_[pool])};
}

void FleetModel::tool_node_due(std::size_t index) {
  const auto [pool, node] = tool_node_of(index);
  tool_ended_.clear();
  tool_pools_[pool].node_due(node, driver_->now(), tool_ended_, tool_dues_);
  schedule_tool_dues(pool);
  // The sessions go on after the pool has settled: one may submit again at
  // once (into tool_dues_; only a node's timer fills tool_ended_).
  for (const std::uint32_t slot : tool_ended_) tool_step_done(slot);
}

void FleetModel::schedule_started_tool_calls() {
  for (const ToolCallStart& started : tool_started_) driver_->call_back_after_tool(started.end_s, started.id);
  tool_started_.clear();
}

void FleetModel::tool_finished(std::uint32_t slot) {
  Session& s = sessions_[slot];
  if (s.trace.active()) return advance_trace(slot);  // a replayed call came due
  if (s.step->tool_pool >= 0) {  // free its cores first: a waiting call may start now
    ToolPool& pool = tool_pools_[static_cast<std::size_t>(s.step->tool_pool)];
    if (pool.stale_end(slot)) return;  // its node failed: the call runs again elsewhere
    pool.finish(slot, driver_->now(), tool_started_);
    schedule_started_tool_calls();
  }
  tool_step_done(slot);
}

void FleetModel::tool_step_done(std::uint32_t slot) {
  Session& s = sessions_[slot];
  if (s.llm_after_harness != nullptr) {  // the harness is done: now its model call
    s.step = std::exchange(s.llm_after_harness, nullptr);
    issue_call(slot, *s.step);
    return;
  }
  s.context_tokens += static_cast<double>(draw_tokens(s.step->result_tokens, s.rng, 0));
  const double now = driver_->now();
  if (in_window(now)) ++metrics_.workloads[s.workload].tool_calls;
  if (SessionGraphTally* g = tally_of(s)) {
    g->tool_call_changes(now, -1);
    g->step_time_s += now - s.call_issued_s;
  }
  advance(slot);
}

}  // namespace fleetsim
