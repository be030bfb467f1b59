// What one session does across its graph of steps: its calls, its fan-outs
// and, at every instant, whether it waits on models, on tools or on both.
// Kept on the session's root strand and added to the workload's
// SessionGraphMetrics when the session ends (docs/report-format.md,
// "Agent graphs"). Plain counters: no allocation per call.
#pragma once

#include <algorithm>
#include <cstdint>

namespace fleetsim {

struct SessionGraphTally {
  std::int64_t llm_calls = 0;   // issued by any strand of the session
  std::int64_t tool_calls = 0;
  double step_time_s = 0.0;     // the durations of all its calls, summed over strands
  std::int64_t fan_outs = 0;    // parallel steps run
  std::int64_t fan_out_width_sum = 0;
  std::int64_t fan_out_width_max = 0;
  std::int64_t sub_agents = 0;  // agent steps run
  // Time with at least one call in flight on a model and none on a tool, the
  // reverse, and both at once. For a chain they add up to the session's time.
  double blocked_on_models_s = 0.0;
  double blocked_on_tools_s = 0.0;
  double blocked_on_both_s = 0.0;

  // A call of the session starts (+1) or ends (-1) at `now_s`.
  void llm_call_changes(double now_s, int delta) {
    settle(now_s);
    llm_in_flight_ += delta;
  }
  void tool_call_changes(double now_s, int delta) {
    settle(now_s);
    tool_in_flight_ += delta;
  }
  void fan_out(std::int64_t width) {
    ++fan_outs;
    fan_out_width_sum += width;
    fan_out_width_max = std::max(fan_out_width_max, width);
  }
  // Attributes the time since the last change to what was in flight then.
  void settle(double now_s) {
    const double dt = now_s - last_change_s_;
    if (llm_in_flight_ > 0 && tool_in_flight_ > 0) blocked_on_both_s += dt;
    else if (llm_in_flight_ > 0) blocked_on_models_s += dt;
    else if (tool_in_flight_ > 0) blocked_on_tools_s += dt;
    last_change_s_ = now_s;
  }
  void start(double now_s) { last_change_s_ = now_s; }
  // The session's idleness as MORI ranks agents (kv_retention idleness): the
  // fraction of its time since `start_s` spent waiting on tools alone, up to
  // the last change (settle first); 0 before any time has passed.
  double tool_wait_fraction(double start_s) const {
    const double elapsed = last_change_s_ - start_s;
    return elapsed > 0.0 ? blocked_on_tools_s / elapsed : 0.0;
  }

 private:
  double last_change_s_ = 0.0;
  int llm_in_flight_ = 0;
  int tool_in_flight_ = 0;
};

// Sums of SessionGraphTally over the sessions of one workload that completed
// in the measured window, with the sessions' durations (their critical path:
// a session ends when the last step on its longest chain of waits ends).
struct SessionGraphMetrics {
  std::int64_t sessions = 0;
  double critical_path_s = 0.0;
  double step_time_s = 0.0;
  std::int64_t llm_calls = 0;
  std::int64_t tool_calls = 0;
  std::int64_t fan_outs = 0;
  std::int64_t fan_out_width_sum = 0;
  std::int64_t fan_out_width_max = 0;
  std::int64_t sub_agents = 0;
  double blocked_on_models_s = 0.0;
  double blocked_on_tools_s = 0.0;
  double blocked_on_both_s = 0.0;

  void add(const SessionGraphTally& t, double duration_s) {
    ++sessions;
    critical_path_s += duration_s;
    step_time_s += t.step_time_s;
    llm_calls += t.llm_calls;
    tool_calls += t.tool_calls;
    fan_outs += t.fan_outs;
    fan_out_width_sum += t.fan_out_width_sum;
    fan_out_width_max = std::max(fan_out_width_max, t.fan_out_width_max);
    sub_agents += t.sub_agents;
    blocked_on_models_s += t.blocked_on_models_s;
    blocked_on_tools_s += t.blocked_on_tools_s;
    blocked_on_both_s += t.blocked_on_both_s;
  }
};

}  // namespace fleetsim
