#include "fleetsim/report_builder.hpp"

#include "fleetsim/arrival_process.hpp"
#include "fleetsim/carbon.hpp"
#include "fleetsim/purchase_comparison.hpp"
#include "fleetsim/request_trace.hpp"
#include "fleetsim/stability.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fleetsim {
namespace {

constexpr double kJoulesPerKwh = 3.6e6;
constexpr double kSecondsPerHour = 3600.0;

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

// A ratio whose denominator is zero is undefined, not zero: the writers print null / "-".
double ratio(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : kUndefined;
}

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

// The fleet's totals sum its model pools and its tool pools alike.
template <typename PoolFigures>
void add_to_fleet(FleetReport& f, const PoolFigures& p) {
  f.nodes += p.nodes;
  f.compute_cost_usd += p.compute_cost_usd;
  f.energy_cost_usd += p.energy_cost_usd;
  f.total_cost_usd += p.cost_usd;
  f.it_energy_j += p.energy_j;
  f.peak_it_power_w += p.peak_power_w;
  f.carbon_operational_g += p.carbon_operational_g;
  f.carbon_embodied_g += p.carbon_embodied_g;
}

// The KV tiers below device memory of pool `p`, summed over its replicas;
// empty when its engine uses none (docs/performance-model.md, "KV tiers below
// device memory").
std::vector<KvTierReport> kv_tier_reports(const Pool& pool, std::size_t p, const FleetModel& fleet) {
  std::vector<KvTierReport> tiers;
  if (pool.engine.kv_tiers.empty()) return tiers;
  for (const EngineSettings::KvTierUse& use : pool.engine.kv_tiers) {
    KvTierReport t;
    t.name = use.tier;
    for (const KvTierSpec& spec : pool.hardware.kv_tiers)
      if (spec.name == use.tier) {
        t.kind = to_string(spec.kind);
        t.capacity_bytes = spec.capacity_bytes * pool.count;
      }
    tiers.push_back(t);
  }
  for (std::size_t r = 0; r < fleet.replicas().size(); ++r) {
    if (fleet.placements()[r].pool != p) continue;
    const KvTierStack* stack = fleet.replicas()[r].kv_tiers();
    if (stack == nullptr) continue;
    for (std::size_t level = 0; level < stack->stats().size() && level < tiers.size(); ++level) {
      const KvTierStats& st = stack->stats()[level];
      KvTierReport& t = tiers[level];
      t.hits += st.hits;
      t.bytes_reloaded += st.bytes_reloaded;
      t.bytes_offloaded += st.bytes_offloaded;
      t.reload_time_s += st.reload_s;
      t.recompute_avoided_tokens += st.tokens_avoided;
      t.caches_dropped += st.caches_dropped;
    }
  }
  return tiers;
}

// A pool's part of the fleet's carbon per session and per million tokens.
template <typename PoolFigures>
void carbon_shares(PoolFigures& p, double sessions, double tokens) {
  p.carbon_per_session_g = ratio(p.carbon_g, sessions);
  p.carbon_per_million_tokens_g = ratio(p.carbon_g, tokens / 1e6);
}

// A tool pool is priced and powered as its nodes are: node-hours at the
// node's price, and each node's idle power plus its busy cores' share of the
// sockets' idle-to-peak range (ToolPool::busy_core_power_w).
ToolPoolReport tool_pool_report(const ToolPool& pool, const Costs& costs, double window_start_s,
                                double window_end_s) {
  const ToolPoolSpec& spec = pool.spec();
  const ToolPoolStats& st = pool.stats();
  const double window = std::max(0.0, window_end_s - window_start_s);
  const double midpoint = window_start_s + window / 2.0;
  ToolPoolReport t;
  t.name = spec.name;
  t.hardware = spec.hardware.name;
  t.instance = spec.hardware.instance;
  t.nodes = spec.count;
  t.cores = spec.count * spec.cores_per_node();
  t.core_speed = spec.core_speed;
  t.processor_sharing = spec.discipline == ToolDiscipline::processor_sharing;
  const double busy_core_s = st.busy_cores.mean(window_start_s, window_end_s) * window;
  t.utilization = ratio(busy_core_s, t.cores * window);
  const bool waited = st.wait_s.count() > 0;
  t.queueing_delay_mean_s = waited ? st.wait_s.mean() : kUndefined;
  t.queueing_delay_p95_s = waited ? st.wait_s.quantile(0.95) : kUndefined;
  t.queueing_delay_p99_s = waited ? st.wait_s.quantile(0.99) : kUndefined;
  t.tool_calls = st.calls_served;
  t.node_hours = spec.count * window / kSecondsPerHour;
  const double idle_w = spec.count * pool.node_idle_power_w();
  t.energy_j = idle_w * window + (std::isfinite(busy_core_s) ? busy_core_s : 0.0) * pool.busy_core_power_w();
  t.mean_power_w = ratio(t.energy_j, window);
  t.peak_power_w = pool.power().peak_power_w(idle_w, window_end_s);
  t.compute_cost_usd = t.node_hours * spec.hardware.price_per_hour_usd;
  t.energy_cost_usd = t.energy_j * costs.pue / kJoulesPerKwh * costs.electricity_usd_per_kwh;
  t.cost_usd = t.compute_cost_usd + (costs.pricing == Pricing::owned ? t.energy_cost_usd : 0.0);
  const double busy_j = t.energy_j - idle_w * window;
  t.carbon_operational_g = operational_carbon_g(idle_w * window, busy_j, pool.power(), costs.carbon_intensity_g_per_kwh,
                                                costs.pue, window_start_s, window_end_s);
  t.carbon_embodied_g = embodied_carbon_g(spec.count, spec.hardware.embodied_kgco2e, spec.hardware.embodied_life_years,
                                          window);
  t.carbon_g = t.carbon_operational_g + t.carbon_embodied_g;
  t.calls_in_flight_first_half = st.calls_in_flight.mean(window_start_s, midpoint);
  t.calls_in_flight_second_half = st.calls_in_flight.mean(midpoint, window_end_s);
  return t;
}

}  // namespace

double node_baseline_power_w(const Pool& pool) {
  return pool.hardware.host_power_w + pool.hardware.devices * pool.hardware.device_power.idle_w;
}

namespace {

// The measured window and the run's constants every step below reads.
struct Window {
  double start_s = 0.0;
  double end_s = 0.0;
  double length_s = 0.0;
  double midpoint_s = 0.0;
};

RunInfo run_info(const Scenario& sc, const FleetMetrics& m, const RunTotals& totals, const Window& win) {
  RunInfo run;
  run.scenario = sc.name;
  run.fleetsim_version = totals.fleetsim_version;
  run.seed = sc.simulation.seed;
  run.window_start_s = totals.window_start_s;
  run.window_end_s = totals.window_end_s;
  run.simulated_end_s = totals.simulated_end_s;
  run.engine_events = m.events;
  run.pricing = sc.costs.pricing == Pricing::owned ? "owned" : "cloud";
  run.pue = sc.costs.pue;
  run.electricity_usd_per_kwh = sc.costs.electricity_usd_per_kwh;
  run.carbon_intensity_g_per_kwh =
      ratio(grid_intensity_integral(sc.costs.carbon_intensity_g_per_kwh, win.start_s, win.end_s), win.length_s);
  return run;
}

// Pool p's compute and energy cost by its purchase, and its carbon, from
// its energy (baseline and dynamic) and the node time it held.
void add_pool_costs(PoolReport& pr, const FleetModel& fleet, const Window& win, std::size_t p, double baseline_j,
                    double dynamic_j, double node_seconds) {
  const Scenario& sc = fleet.scenario();
  const Pool& pool = sc.pools[p];
  const PoolAutoscaler* scaler = fleet.autoscaler(p);
  const double window = win.length_s;
  // Owned nodes (the run's pricing, or the pool's purchase) pay their energy.
  // An autoscaled pool pays for its node time: a reserved base for the
  // whole window, the node time above it at the burst's price.
  PurchaseSplit bought =
      price_pool(pool.purchase, pool.count, pool.hardware.price_per_hour_usd, pool.hardware.purchase_options);
  pr.purchase = describe(pool.purchase, pool.count);
  pr.compute_cost_usd = bought.price_per_hour_usd * window / kSecondsPerHour;
  if (scaler) {
    const AutoscaledPurchaseCost c =
        price_autoscaled_pool(pool.purchase, window, node_seconds, scaler->node_seconds_above_base(),
                              pool.hardware.price_per_hour_usd, pool.hardware.purchase_options);
    pr.compute_cost_usd = c.compute_cost_usd;
    bought.energy_paid_share = c.energy_paid_share;
    pr.purchase = describe_autoscaled(pool.purchase);
  }
  pr.energy_cost_usd = pr.energy_j * sc.costs.pue / kJoulesPerKwh * sc.costs.electricity_usd_per_kwh;
  pr.cost_usd = cost_with_energy_usd(pr.compute_cost_usd, bought, pr.energy_cost_usd,
                                     sc.costs.pricing == Pricing::owned);
  // An autoscaled pool's baseline follows its node count through the
  // day's intensities.
  NodeLevel nodes;
  if (scaler) nodes = [scaler](double a, double b) { return scaler->mean_nodes(a, b); };
  pr.carbon_operational_g = operational_carbon_g(baseline_j, dynamic_j, fleet.pool_power()[p],
                                                 sc.costs.carbon_intensity_g_per_kwh, sc.costs.pue, win.start_s,
                                                 win.end_s, nodes);
  pr.carbon_embodied_g = scaler ? embodied_carbon_g(1, pool.hardware.embodied_kgco2e,
                                                    pool.hardware.embodied_life_years, node_seconds)
                                : embodied_carbon_g(pool.count, pool.hardware.embodied_kgco2e,
                                                    pool.hardware.embodied_life_years, window);
  pr.carbon_g = pr.carbon_operational_g + pr.carbon_embodied_g;
}

// Pool p's failure and autoscaling sections, when it has them.
void add_pool_sections(PoolReport& pr, const FleetModel& fleet, const Window& win, std::size_t p,
                       double node_seconds) {
  const Pool& pool = fleet.scenario().pools[p];
  const PoolAutoscaler* scaler = fleet.autoscaler(p);
  const double window = win.length_s;
  if (const FleetModel::FailureStats* fs = fleet.failure_stats(p)) {
    FailureReport fr;
    fr.node_failures = fs->node_failures;
    fr.calls_retried = fs->calls_retried;
    fr.down_node_hours = fs->nodes_down.area() / kSecondsPerHour;
    fr.availability = 1.0 - ratio(fs->nodes_down.area(), pool.count * window);
    // A node on notice takes no new call: it counts as down from its warning.
    const FailureSpec& spec = *pool.failures;
    fr.expected_availability = spec.mttf_s / (spec.mttf_s + spec.notice_s + spec.mttr_s);
    fr.notice_s = spec.notice_s;
    pr.failures = fr;
  }
  if (scaler) {
    AutoscaleReport a;
    a.policy = pool.autoscale->policy;
    a.min_nodes = pool.autoscale->min_nodes;
    a.max_nodes = pool.autoscale->max_nodes;
    a.node_hours = node_seconds / kSecondsPerHour;
    a.mean_nodes = ratio(node_seconds, window);
    a.peak_nodes = scaler->peak_nodes();
    a.nodes_started = scaler->nodes_started();
    a.nodes_drained = scaler->nodes_drained();
    a.provisioning_s = scaler->provisioning_s();
    pr.autoscale = a;
  }
}

// Pool p's replica statistics summed, with its power, cost, carbon, tiers,
// failures and autoscaling; `busy_by_workload` gets its replicas' busy time
// by workload, which the workloads' cost shares follow.
PoolReport pool_report(const FleetModel& fleet, const RunTotals& totals, const Window& win, std::size_t p,
                       std::vector<double>& busy_by_workload, double& busy) {
  const Scenario& sc = fleet.scenario();
  const Pool& pool = sc.pools[p];
  const std::size_t nw = sc.workloads.size();
  const double window = win.length_s;
  PoolReport pr;
  pr.name = pool.name;
  pr.hardware = pool.hardware.name;
  pr.instance = pool.hardware.instance;
  pr.kind = to_string(pool.hardware.kind);
  pr.role = pool.role == PoolRole::prefill ? "prefill" : pool.role == PoolRole::decode ? "decode" : "unified";
  for (std::size_t i = 0; i < pool.models.size(); ++i) pr.models += (i ? "," : "") + pool.models[i];
  pr.nodes = pool.count;
  double batch_seconds = 0, kv_block_seconds = 0, kv_blocks = 0, dynamic_j = 0;
  busy = 0;
  const PoolAutoscaler* scaler = fleet.autoscaler(p);
  for (std::size_t r = 0; r < fleet.replicas().size(); ++r) {
    if (fleet.placements()[r].pool != p) continue;
    const ReplicaStats& st = fleet.replicas()[r].stats();
    if (fleet.placements()[r].node < static_cast<std::size_t>(pool.count)) ++pr.replicas;  // at the start
    busy += st.busy_s;
    batch_seconds += st.batch_seconds;
    kv_block_seconds += st.kv_block_seconds;
    kv_blocks += static_cast<double>(fleet.replicas()[r].kv_blocks_total());
    dynamic_j += st.dynamic_energy_j;
    pr.preemptions += st.preemptions;
    for (std::size_t w = 0; w < nw; ++w) busy_by_workload[w] += st.busy_s_by_workload[w];
  }
  // Replica-time the pool had: every replica the whole window, or, when
  // autoscaled, its replicas over the node time paid for.
  const double node_seconds = scaler ? scaler->node_seconds() : pool.count * window;
  const double per_node = pool.max_nodes() > 0 ? 1.0 / pool.max_nodes() : 0.0;
  const double replica_seconds = scaler ? node_seconds * pool.replicas_per_node() : pr.replicas * window;
  pr.utilization = ratio(busy, replica_seconds);
  pr.mean_batch_size = ratio(batch_seconds, busy);
  pr.kv_cache_occupancy =
      scaler ? ratio(kv_block_seconds, kv_blocks * per_node * node_seconds)
             : ratio(kv_block_seconds, kv_blocks * window);
  const PoolMetrics& pm = fleet.metrics().pools[p];
  pr.queueing_delay_mean_s = pm.queueing_delay_s.count() ? pm.queueing_delay_s.mean() : kUndefined;
  pr.queueing_delay_p95_s = pm.queueing_delay_s.count() ? pm.queueing_delay_s.quantile(0.95) : kUndefined;
  pr.llm_calls = pm.llm_calls;
  pr.calls_in_flight_first_half = pm.calls_in_flight.mean(win.start_s, win.midpoint_s);
  pr.calls_in_flight_second_half = pm.calls_in_flight.mean(win.midpoint_s, win.end_s);
  pr.output_tokens = pm.output_tokens;
  // An autoscaled pool's nodes draw their baseline while paid for (the
  // engine gives their hosts none).
  const double baseline_j = scaler ? node_seconds * node_baseline_power_w(pool)
                            : p < totals.pool_baseline_energy_j.size() ? totals.pool_baseline_energy_j[p]
                                                                       : 0.0;
  pr.energy_j = baseline_j + dynamic_j;
  pr.mean_power_w = ratio(pr.energy_j, window);
  // Autoscaled: the baseline of the most nodes held at once, a bound (the
  // busiest second may have had fewer).
  const int peak_nodes = scaler ? scaler->peak_nodes() : pool.count;
  pr.peak_power_w = fleet.pool_power()[p].peak_power_w(peak_nodes * node_baseline_power_w(pool), win.end_s);
  add_pool_costs(pr, fleet, win, p, baseline_j, dynamic_j, node_seconds);
  pr.kv_tiers = kv_tier_reports(pool, p, fleet);
  add_pool_sections(pr, fleet, win, p, node_seconds);
  return pr;
}

// Each pool's cost is shared among workloads by the device time they used
// there; a pool nobody used is shared by the fleet-wide usage. A tool pool's
// cost is shared by the core time each workload's calls held there; one
// nobody used, like an idle model pool.
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
  const bool hashed = wl.replayed_trace() != nullptr && !wl.replayed_trace()->prefix_hashes.empty();
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
  if (const RequestTrace* t = wl.replayed_trace(); t != nullptr && t->calls.size() > t->sessions()) {
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

// The fleet's figures per session, call, token and second, once the pools
// have been added up and the workloads counted.
void fleet_rates(Report& rep, const Window& win, double pue) {
  double sessions = 0, calls = 0, output_tokens = 0, all_tokens = 0;
  for (const WorkloadReport& w : rep.workloads) {
    sessions += static_cast<double>(w.sessions_completed);
    calls += static_cast<double>(w.llm_calls);
    output_tokens += w.output_tokens;
    all_tokens += w.output_tokens + w.prompt_tokens;
  }
  for (PurchaseOptionReport& o : rep.purchase_options) {
    o.cost_per_session_usd = ratio(o.cost_usd, sessions);
    o.cost_per_million_tokens_usd = ratio(o.cost_usd, all_tokens / 1e6);
  }
  FleetReport& f = rep.fleet;
  const double window = win.length_s;
  f.facility_energy_j = f.it_energy_j * pue;
  f.cost_per_session_usd = ratio(f.total_cost_usd, sessions);
  f.cost_per_llm_call_usd = ratio(f.total_cost_usd, calls);
  f.cost_per_million_output_tokens_usd = ratio(f.total_cost_usd, output_tokens / 1e6);
  f.cost_per_million_tokens_usd = ratio(f.total_cost_usd, all_tokens / 1e6);
  f.energy_per_session_j = ratio(f.facility_energy_j, sessions);
  f.carbon_g = f.carbon_operational_g + f.carbon_embodied_g;
  f.carbon_per_session_g = ratio(f.carbon_g, sessions);
  f.carbon_per_million_tokens_g = ratio(f.carbon_g, all_tokens / 1e6);
  for (PoolReport& pr : rep.pools) carbon_shares(pr, sessions, all_tokens);
  for (ToolPoolReport& t : rep.tool_pools) carbon_shares(t, sessions, all_tokens);
  f.output_tokens_per_joule = ratio(output_tokens, f.facility_energy_j);
  f.mean_it_power_w = ratio(f.it_energy_j, window);
  f.mean_facility_power_w = f.mean_it_power_w * pue;
  f.sessions_per_s = ratio(sessions, window);
  f.llm_calls_per_s = ratio(calls, window);
  f.output_tokens_per_s = ratio(output_tokens, window);
}

LittleLawCheck little_law(const OccupancyIntegral& o, double window) {
  LittleLawCheck ll;
  ll.mean_sessions_in_system = ratio(o.area, window);
  ll.arrival_rate_per_s = ratio(static_cast<double>(o.arrivals), window);
  ll.mean_session_time_s = ratio(o.completed_time_s, static_cast<double>(o.completed));
  ll.relative_error = ratio(std::fabs(ll.mean_sessions_in_system - ll.arrival_rate_per_s * ll.mean_session_time_s),
                            ll.mean_sessions_in_system);
  return ll;
}

}  // namespace

Report build_report(const FleetModel& fleet, const RunTotals& totals) {
  const Scenario& sc = fleet.scenario();
  Window win;
  win.start_s = totals.window_start_s;
  win.end_s = totals.window_end_s;
  win.length_s = std::max(0.0, totals.window_end_s - totals.window_start_s);
  win.midpoint_s = totals.window_start_s + win.length_s / 2.0;

  Report rep;
  rep.run = run_info(sc, fleet.metrics(), totals, win);
  const std::size_t nw = sc.workloads.size();
  std::vector<std::vector<double>> pool_busy_by_workload(sc.pools.size(), std::vector<double>(nw, 0.0));
  std::vector<double> pool_busy(sc.pools.size(), 0.0);
  for (std::size_t p = 0; p < sc.pools.size(); ++p) {
    rep.pools.push_back(pool_report(fleet, totals, win, p, pool_busy_by_workload[p], pool_busy[p]));
    add_to_fleet(rep.fleet, rep.pools.back());
  }
  for (const ToolPool& pool : fleet.tool_pools()) {
    rep.tool_pools.push_back(tool_pool_report(pool, sc.costs, win.start_s, win.end_s));
    add_to_fleet(rep.fleet, rep.tool_pools.back());
  }
  const std::vector<double> cost = workload_costs(fleet, rep, pool_busy_by_workload, pool_busy);
  const auto in_flight = fleet.sessions_in_flight_by_workload();
  for (std::size_t w = 0; w < nw; ++w) rep.workloads.push_back(workload_report(fleet, win, w, cost[w], in_flight[w]));
  rep.purchase_options = compare_purchase_options(sc, rep, win.length_s / kSecondsPerHour);
  fleet_rates(rep, win, sc.costs.pue);
  rep.little_law = little_law(fleet.metrics().occupancy, win.length_s);
  rep.stability = check_stability(rep);
  return rep;
}

}  // namespace fleetsim
