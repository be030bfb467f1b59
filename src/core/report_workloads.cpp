#include "report_builder_parts.hpp"

#include "fleetsim/core/arrival_process.hpp"
#include "fleetsim/core/request_trace.hpp"

namespace fleetsim::report_parts {
namespace {

SessionGraphReport session_graph_report(const SessionGraphMetrics& m) {
  const auto n = static_cast<double>(m.sessions);
  SessionGraphReport g;
  g.critical_path_mean_s = ratio(m.critical_path_s, n);
  g.step_time_mean_s = ratio(m.step_time_s, n);
  g.parallelism = ratio(m.step_time_s, m.critical_path_s);
  g.llm_calls_per_session = ratio(static_cast<double>(m.llm_calls), n);
  g.tool_calls_per_session = ratio(static_cast<double>(m.tool_calls), n);
  g.fan_outs_per_session = ratio(static_cast<double>(m.fan_outs), n);
  g.fan_out_width_mean = ratio(static_cast<double>(m.fan_out_width_sum), static_cast<double>(m.fan_outs));
  g.fan_out_width_max = m.fan_out_width_max;
  g.sub_agents_per_session = ratio(static_cast<double>(m.sub_agents), n);
  g.blocked_on_models_mean_s = ratio(m.blocked_on_models_s, n);
  g.blocked_on_tools_mean_s = ratio(m.blocked_on_tools_s, n);
  g.blocked_on_both_mean_s = ratio(m.blocked_on_both_s, n);
  return g;
}

}  // namespace

LatencySummary summarize(const QuantileSketch& s) {
  LatencySummary l;
  l.count = s.count();
  if (l.count == 0) {
    l.mean = l.p50 = l.p90 = l.p95 = l.p99 = l.max = kUndefined;
    return l;
  }
  l.mean = s.mean();
  l.p50 = s.quantile(0.50);
  l.p90 = s.quantile(0.90);
  l.p95 = s.quantile(0.95);
  l.p99 = s.quantile(0.99);
  l.max = s.max();
  for (const double p : kCurvePercentiles) l.curve.push_back(s.quantile(p / 100.0));
  return l;
}

void add_slo(WorkloadReport& w, const char* metric, double percentile, const std::optional<double>& bound,
             const QuantileSketch& sketch) {
  if (!bound) return;
  SloResult r;
  r.metric = metric;
  r.percentile = percentile;
  r.bound_s = *bound;
  if (sketch.count() > 0) {
    r.observed_s = sketch.quantile(percentile / 100.0);
    r.attainment = sketch.fraction_at_most(*bound);
    r.met = r.observed_s <= *bound;
  } else {
    // No samples: nothing shows the target is met.
    r.observed_s = kUndefined;
    r.attainment = kUndefined;
    r.met = false;
  }
  w.slos_met = w.slos_met && r.met;
  w.slos.push_back(r);
}

// Each pool's cost is shared among workloads by the device time they used
// there; a pool nobody used is shared by the fleet-wide usage. A tool pool's
// cost is shared by the core time each workload's calls held there; one
// nobody used, like an idle model pool. A remote KV store's follows the
// device time of the pools that name it.
std::vector<double> workload_costs(const FleetModel& fleet, const Report& rep,
                                   const std::vector<std::vector<double>>& pool_busy_by_workload,
                                   const std::vector<double>& pool_busy) {
  const std::size_t nw = fleet.scenario().workloads.size();
  std::vector<double> fleet_busy_by_workload(nw, 0.0);
  double fleet_busy = 0.0;
  for (const std::vector<double>& by_workload : pool_busy_by_workload)
    for (std::size_t w = 0; w < nw; ++w) {
      fleet_busy_by_workload[w] += by_workload[w];
      fleet_busy += by_workload[w];
    }
  std::vector<double> cost(nw, 0.0);
  // Workload w's share of a pool that workloads used `used[w]` of.
  auto share = [&](const std::vector<double>& used, double total, std::size_t w) {
    if (total > 0) return used[w] / total;
    if (fleet_busy > 0) return fleet_busy_by_workload[w] / fleet_busy;
    return 1.0 / static_cast<double>(nw);
  };
  for (std::size_t p = 0; p < rep.pools.size(); ++p)
    for (std::size_t w = 0; w < nw; ++w)
      cost[w] += share(pool_busy_by_workload[p], pool_busy[p], w) * rep.pools[p].cost_usd;
  for (std::size_t t = 0; t < rep.tool_pools.size(); ++t) {
    const std::vector<double>& used = fleet.tool_pools()[t].stats().core_seconds_by_workload;
    double total = 0.0;
    for (double x : used) total += x;
    for (std::size_t w = 0; w < nw; ++w) cost[w] += share(used, total, w) * rep.tool_pools[t].cost_usd;
  }
  // A remote KV store's, by the device time workloads used on the pools naming it.
  for (std::size_t k = 0; k < rep.kv_stores.size(); ++k) {
    std::vector<double> used(nw, 0.0);
    double total = 0.0;
    for (std::size_t p = 0; p < rep.pools.size(); ++p) {
      if (fleet.scenario().pools[p].kv_store() != static_cast<int>(k)) continue;
      for (std::size_t w = 0; w < nw; ++w) used[w] += pool_busy_by_workload[p][w];
      total += pool_busy[p];
    }
    for (std::size_t w = 0; w < nw; ++w) cost[w] += share(used, total, w) * rep.kv_stores[k].cost_usd;
  }
  return cost;
}

WorkloadReport workload_report(const FleetModel& fleet, const Window& win, std::size_t w, double cost_usd,
                               std::int64_t in_flight) {
  const WorkloadMetrics& wm = fleet.metrics().workloads[w];
  const Workload& wl = fleet.scenario().workloads[w];
  WorkloadReport wr;
  wr.name = wl.name;
  wr.sessions_started = wm.sessions_started;
  wr.sessions_completed = wm.sessions_completed;
  wr.sessions_in_flight = in_flight;
  wr.llm_calls = wm.llm_calls;
  wr.llm_calls_failed = wm.llm_calls_failed;
  wr.tool_calls = wm.tool_calls;
  wr.prompt_tokens = wm.prompt_tokens;
  wr.prefill_tokens = wm.computed_tokens;
  wr.output_tokens = wm.output_tokens;
  wr.prefix_cache_hit_rate = ratio(wm.cached_tokens, wm.prompt_tokens);
  const bool hashed = wl.replayed_trace() != nullptr && wl.replayed_trace()->hashed();
  if (wl.shared_prefix_tokens > 0 || hashed)
    wr.cross_session_hit_rate = ratio(wm.shared_prefix_cached_tokens, wm.prompt_tokens);
  wr.ttft_s = summarize(wm.ttft_s);
  wr.tpot_s = summarize(wm.tpot_s);
  wr.call_latency_s = summarize(wm.call_latency_s);
  wr.session_latency_s = summarize(wm.session_latency_s);
  add_slo(wr, "ttft", wl.slo.percentile, wl.slo.ttft_s, wm.ttft_s);
  add_slo(wr, "tpot", wl.slo.percentile, wl.slo.tpot_s, wm.tpot_s);
  add_slo(wr, "session", wl.slo.percentile, wl.slo.session_s, wm.session_latency_s);
  wr.goodput_sessions_per_s = ratio(static_cast<double>(wm.sessions_met_slo), win.length_s);
  wr.cost_usd = cost_usd;
  wr.cost_per_session_usd = ratio(wr.cost_usd, static_cast<double>(wm.sessions_completed));
  wr.sessions_in_system_first_half = wm.in_system.mean(win.start_s, win.midpoint_s);
  wr.sessions_in_system_second_half = wm.in_system.mean(win.midpoint_s, win.end_s);
  const auto arrivals = make_arrival_pattern(wl.arrivals);
  wr.expected_arrivals_first_half = arrivals->expected_between(win.start_s, win.midpoint_s);
  wr.expected_arrivals_second_half =
      arrivals->steady() ? wr.expected_arrivals_first_half : arrivals->expected_between(win.midpoint_s, win.end_s);
  if (uses_graph_steps(wl.steps)) wr.graph = session_graph_report(wm.graph);
  if (const RequestTrace* t = wl.replayed_trace(); t != nullptr && t->call_count() > t->session_count()) {
    TraceReplayReport tr;
    tr.pacing = t->pacing == TracePacing::timestamp ? "timestamp" : "think_time";
    tr.calls_issued = wm.trace_calls;
    tr.calls_late = wm.trace_calls_late;
    tr.late_mean_s = ratio(wm.trace_late_total_s, static_cast<double>(wm.trace_calls_late));
    tr.late_max_s = wm.trace_late_max_s;
    wr.trace_replay = tr;
  }
  if (wm.kv_transfers > 0) {
    const auto n = static_cast<double>(wm.kv_transfers);
    wr.kv_transfers =
        KvTransferReport{wm.kv_transfers, wm.kv_transfer_bytes / n, wm.kv_transfer_total_s / n, wm.kv_transfer_max_s};
  }
  return wr;
}

}  // namespace fleetsim::report_parts
