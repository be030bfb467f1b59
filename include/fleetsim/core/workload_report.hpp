// A workload's part of a run's report (report.hpp): its sessions, calls and
// tokens, latencies against its SLOs, its share of the cost, and the sections
// only some workloads have. Field names carry their units;
// docs/report-format.md documents each one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fleetsim {

// The percentiles a latency curve is drawn at (the HTML report's charts).
inline constexpr double kCurvePercentiles[] = {1,  2,  5,  10, 15, 20, 25, 30, 35, 40, 45, 50,   55,   60,   65, 70,
                                               75, 80, 85, 90, 92, 94, 95, 96, 97, 98, 99, 99.5, 99.8, 99.9};

struct LatencySummary {
  std::uint64_t count = 0;
  double mean = 0.0;
  double p50 = 0.0;
  double p90 = 0.0;
  double p95 = 0.0;
  double p99 = 0.0;
  double max = 0.0;
  // The latency at each of kCurvePercentiles (empty without samples): for
  // charts only, not written to JSON or CSV, so reports keep their bytes.
  std::vector<double> curve;
};

struct SloResult {
  std::string metric;       // "ttft", "tpot" or "session"
  double percentile = 0.0;  // e.g. 95
  double bound_s = 0.0;
  double observed_s = 0.0;  // the metric at that percentile
  double attainment = 0.0;  // fraction of samples at or below the bound
  bool met = false;         // observed_s <= bound_s
};

// How the sessions of an agent-graph workload ran (docs/report-format.md,
// "Agent graphs"): means over the sessions completed in the window.
struct SessionGraphReport {
  double critical_path_mean_s = 0.0;  // the session's own time
  double step_time_mean_s = 0.0;      // its calls' and tool calls' times, summed over all branches
  double parallelism = 0.0;           // step time / critical path: above 1 when branches overlap
  double llm_calls_per_session = 0.0;
  double tool_calls_per_session = 0.0;
  double fan_outs_per_session = 0.0;
  double fan_out_width_mean = 0.0;  // branches per parallel step
  std::int64_t fan_out_width_max = 0;
  double sub_agents_per_session = 0.0;
  // Of the critical path: time waiting on models only, on tools only, on both.
  double blocked_on_models_mean_s = 0.0;
  double blocked_on_tools_mean_s = 0.0;
  double blocked_on_both_mean_s = 0.0;
};

// A workload replaying a trace of agent sessions (docs/report-format.md,
// "Trace replay"): how its calls kept to the recorded rhythm.
struct TraceReplayReport {
  std::string pacing;              // "timestamp" or "think_time"
  std::int64_t calls_issued = 0;   // later calls of a session issued in the window
  std::int64_t calls_late = 0;     // of which the fleet held back
  double late_mean_s = 0.0;        // over the late ones
  double late_max_s = 0.0;
};

// A workload whose calls were disaggregated (docs/disaggregation.md): the
// KV caches moved from prefill to decode replicas in the window.
struct KvTransferReport {
  std::int64_t transfers = 0;
  double bytes_mean = 0.0;
  double time_mean_s = 0.0;  // prefill's end to the cache's arrival (links shared with other transfers)
  double time_max_s = 0.0;
};

struct WorkloadReport {
  std::string name;
  std::int64_t sessions_started = 0;    // arrived in the window
  std::int64_t sessions_completed = 0;  // finished in the window
  std::int64_t sessions_in_flight = 0;  // unfinished at the end of the run
  std::int64_t llm_calls = 0;           // finished in the window
  std::int64_t llm_calls_failed = 0;    // of which could not fit a replica's KV cache
  std::int64_t tool_calls = 0;
  double prompt_tokens = 0.0;     // prompt tokens of finished calls (cached or not)
  double prefill_tokens = 0.0;    // of which had to be computed
  double output_tokens = 0.0;
  double prefix_cache_hit_rate = 0.0;  // 1 - prefill / prompt
  // Of the prompt tokens, those served from the workload's shared prefix held
  // for other sessions; only for a workload with a shared prefix.
  std::optional<double> cross_session_hit_rate;
  LatencySummary ttft_s;
  LatencySummary tpot_s;
  LatencySummary call_latency_s;
  LatencySummary session_latency_s;
  std::vector<SloResult> slos;
  bool slos_met = true;
  double goodput_sessions_per_s = 0.0;  // completed sessions that met every bound, per second
  double cost_usd = 0.0;                // share of fleet cost, by device time used
  double cost_per_session_usd = 0.0;
  // Mean sessions started and not yet ended over the first and the second
  // half of the window (stability.hpp).
  double sessions_in_system_first_half = 0.0;
  double sessions_in_system_second_half = 0.0;
  // Sessions expected to arrive in each half of the window, the integral of
  // the arrival process's rate; 0 for a trace, which has times, not a rate.
  // Traffic that rises makes the second larger (stability.hpp scales by it).
  double expected_arrivals_first_half = 0.0;
  double expected_arrivals_second_half = 0.0;
  // Only for workloads with graph steps (parallel, agent, choose, loop exits),
  // so the reports of plain chains are unchanged.
  std::optional<SessionGraphReport> graph;
  // Only for workloads replaying a trace whose sessions have several calls,
  // so other reports are unchanged.
  std::optional<TraceReplayReport> trace_replay;
  std::optional<KvTransferReport> kv_transfers;  // only with prefill/decode pools
};

}  // namespace fleetsim
