// What the fleet model measures while it runs, restricted to the measured
// window. Plain counters and streaming sketches: memory does not grow with the
// number of sessions or calls.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetsim/core/quantile_sketch.hpp"
#include "fleetsim/core/session_graph.hpp"
#include "fleetsim/core/step_integral.hpp"

namespace fleetsim {

struct WorkloadMetrics {
  std::int64_t sessions_started = 0;
  std::int64_t sessions_completed = 0;
  std::int64_t sessions_met_slo = 0;
  std::int64_t llm_calls = 0;
  std::int64_t llm_calls_failed = 0;
  std::int64_t tool_calls = 0;
  double prompt_tokens = 0.0;
  double computed_tokens = 0.0;
  double cached_tokens = 0.0;
  double shared_prefix_cached_tokens = 0.0;  // of which from the workload's shared prefix, held for other sessions
  double output_tokens = 0.0;
  QuantileSketch ttft_s;
  QuantileSketch tpot_s;
  QuantileSketch call_latency_s;
  QuantileSketch session_latency_s;
  StepIntegral in_system;  // sessions started and not ended, over time
  SessionGraphMetrics graph;  // reported only for workloads with graph steps
  // A replayed trace: calls the fleet issued later than the trace's rhythm
  // (their recorded time, or a gap measured from the previous start) because
  // the session's previous call had not ended, and by how much.
  // Disaggregated calls (docs/disaggregation.md): KV caches moved from a
  // prefill replica to a decode replica, and the time they spent moving.
  std::int64_t kv_transfers = 0;
  double kv_transfer_bytes = 0.0;
  double kv_transfer_total_s = 0.0;
  double kv_transfer_max_s = 0.0;
  std::int64_t trace_calls = 0;
  std::int64_t trace_calls_late = 0;
  double trace_late_total_s = 0.0;
  double trace_late_max_s = 0.0;
};

struct PoolMetrics {
  std::int64_t llm_calls = 0;
  double output_tokens = 0.0;
  QuantileSketch queueing_delay_s;
  StepIntegral calls_in_flight;  // calls routed here and not finished, over time
};

// Little's law bookkeeping: the time integral of sessions in the system.
struct OccupancyIntegral {
  double area = 0.0;  // session-seconds inside the window
  double last_s = 0.0;
  std::int64_t in_system = 0;
  std::int64_t arrivals = 0;
  double completed_time_s = 0.0;  // sum of durations of sessions completed in the window
  std::int64_t completed = 0;
};

struct FleetMetrics {
  std::vector<WorkloadMetrics> workloads;
  std::vector<PoolMetrics> pools;
  OccupancyIntegral occupancy;
  std::int64_t events = 0;  // arrivals + tool completions + replica plans
};

}  // namespace fleetsim
