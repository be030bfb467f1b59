#include "report_builder_parts.hpp"

#include <algorithm>
#include <cmath>

#include "fleetsim/core/carbon.hpp"
#include "fleetsim/core/energy_over_time.hpp"
#include "fleetsim/core/purchase_comparison.hpp"

namespace fleetsim::report_parts {
namespace {

// The KV tiers below device memory of pool `p`, summed over its replicas;
// empty when its engine uses none (docs/performance-model.md, "KV tiers below
// device memory").
std::vector<KvTierReport> kv_tier_reports(const Pool& pool, std::size_t p, const FleetModel& fleet) {
  std::vector<KvTierReport> tiers;
  if (pool.engine.kv_tiers.empty()) return tiers;
  for (const EngineSettings::KvTierUse& use : pool.engine.kv_tiers) {
    KvTierReport t;
    t.name = use.tier;
    if (use.remote_store) {  // the whole store, shared with any other pool naming it
      t.kind = "remote_store";
      t.capacity_bytes = fleet.scenario().kv_stores[static_cast<std::size_t>(use.store)].capacity_bytes();
    }
    for (const KvTierSpec& spec : pool.hardware.kv_tiers)
      if (!use.remote_store && spec.name == use.tier) {
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
      t.caches_dropped += st.caches_dropped + st.store_evictions;
    }
  }
  return tiers;
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
  // whole window, the node time above it at the burst's price. Its node
  // time and its baseline power follow its node count through the steps of
  // a series (a spot price, an electricity price, a grid intensity).
  NodeLevel nodes;
  if (scaler) nodes = [scaler](double a, double b) { return scaler->mean_nodes(a, b); };
  PurchaseCost bought = price_pool_over(pool.purchase, pool.count, win.start_s, window,
                                        pool.hardware.price_per_hour_usd, pool.hardware.purchase_options);
  pr.purchase = describe(pool.purchase, pool.count);
  if (scaler) {
    const NodeTimeline timeline{win.start_s, nodes,
                                [scaler](double a, double b) { return scaler->mean_nodes_above_base(a, b); }};
    bought = price_autoscaled_pool(pool.purchase, window, node_seconds, scaler->node_seconds_above_base(),
                                   pool.hardware.price_per_hour_usd, pool.hardware.purchase_options, timeline);
    pr.purchase = describe_autoscaled(pool.purchase);
  }
  pr.compute_cost_usd = bought.compute_cost_usd;
  pr.energy_cost_usd = energy_cost_usd(pr.energy_j, baseline_j, dynamic_j, fleet.pool_power()[p],
                                       sc.costs.electricity_usd_per_kwh, sc.costs.pue, win.start_s, win.end_s, nodes);
  pr.cost_usd = cost_with_energy_usd(pr.compute_cost_usd, bought.energy_paid_share, pr.energy_cost_usd,
                                     sc.costs.pricing == Pricing::owned);
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
    if (pool.failures->scope == FailureSpec::Scope::replica) fr.scope = "replica";
    fr.node_failures = fs->node_failures;
    fr.calls_retried = fs->calls_retried;
    fr.prefill_tokens_lost = fs->prefill_tokens_lost;
    fr.output_tokens_lost = fs->output_tokens_lost;
    fr.down_node_hours = fs->nodes_down.area() / kSecondsPerHour;
    // Of the node time the pool held: an autoscaled pool's varies.
    fr.availability = 1.0 - ratio(fs->nodes_down.area(), scaler ? node_seconds : pool.count * window);
    // A node on notice takes no new call: it counts as down from its warning.
    // An autoscaled pool's failed node is down until its replacement serves.
    const FailureSpec& spec = *pool.failures;
    // An autoscaled node on notice is down from its warning until its
    // replacement, started then, serves: the longer of notice and provisioning.
    fr.expected_availability = scaler ? spec.mttf_s / (spec.mttf_s + std::max(spec.notice_s, scaler->provisioning_s()))
                                      : spec.expected_availability();
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
    if (fleet.scenario().power_cap.enabled()) {
      a.starts_held_by_power_cap = scaler->starts_held();
      a.nodes_stopped_by_power_cap = scaler->nodes_given_back();
    }
    pr.autoscale = a;
  }
}

}  // namespace

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
  pr.pstate = pool.pstate;
  pr.kind = to_string(pool.hardware.kind);
  pr.role = pool.role == PoolRole::prefill ? "prefill" : pool.role == PoolRole::decode ? "decode" : "unified";
  for (std::size_t i = 0; i < pool.models.size(); ++i) pr.models += (i ? "," : "") + pool.models[i];
  pr.nodes = pool.count;
  pr.evidence = pool.evidence;
  double batch_seconds = 0, host_seconds = 0, kv_block_seconds = 0, kv_blocks = 0, dynamic_j = 0;
  busy = 0;
  const PoolAutoscaler* scaler = fleet.autoscaler(p);
  for (std::size_t r = 0; r < fleet.replicas().size(); ++r) {
    if (fleet.placements()[r].pool != p) continue;
    const ReplicaStats& st = fleet.replicas()[r].stats();
    if (fleet.placements()[r].node < static_cast<std::size_t>(pool.count)) ++pr.replicas;  // at the start
    busy += st.busy_s;
    batch_seconds += st.batch_seconds;
    host_seconds += st.host_s;
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
  pr.host_share = ratio(host_seconds, busy);
  pr.kv_cache_occupancy =
      scaler ? ratio(kv_block_seconds, kv_blocks * per_node * node_seconds)
             : ratio(kv_block_seconds, kv_blocks * window);
  const PoolMetrics& pm = fleet.metrics().pools[p];
  pr.queueing_delay_mean_s = pm.queueing_delay_s.count() ? pm.queueing_delay_s.mean() : kUndefined;
  pr.queueing_delay_p95_s = pm.queueing_delay_s.count() ? pm.queueing_delay_s.quantile(0.95) : kUndefined;
  pr.llm_calls = pm.llm_calls;
  // The suite's figures for the regime a CPU pool ran in: batched or not,
  // by the mean batch it served (a pool that served nothing has none).
  if (pr.evidence)
    pr.evidence->choose_regime(
        pool.hardware.kind == DeviceKind::cpu && pr.llm_calls > 0 && std::isfinite(pr.mean_batch_size),
        pr.mean_batch_size);
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

// A tool pool is priced and powered as its nodes are: node-hours at the
// node's price, and each node's idle power plus its busy cores' share of the
// sockets' idle-to-peak range (ToolPool::busy_core_power_w).
ToolPoolReport tool_pool_report(const ToolPool& pool, const Costs& costs, const Window& win) {
  const ToolPoolSpec& spec = pool.spec();
  const ToolPoolStats& st = pool.stats();
  const double window = win.length_s;
  ToolPoolReport t;
  t.name = spec.name;
  t.hardware = spec.hardware.name;
  t.instance = spec.hardware.instance;
  t.nodes = spec.count;
  t.cores = spec.count * spec.cores_per_node();
  t.core_speed = spec.core_speed;
  t.processor_sharing = spec.discipline == ToolDiscipline::processor_sharing;
  const double busy_core_s = st.busy_cores.mean(win.start_s, win.end_s) * window;
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
  t.peak_power_w = pool.power().peak_power_w(idle_w, win.end_s);
  static_cast<CostAndCarbon&>(t) =
      held_nodes_cost_and_carbon(spec.hardware, spec.count, t.node_hours, t.energy_j, idle_w * window,
                                 t.energy_j - idle_w * window, pool.power(), costs, win);
  t.calls_in_flight_first_half = st.calls_in_flight.mean(win.start_s, win.midpoint_s);
  t.calls_in_flight_second_half = st.calls_in_flight.mean(win.midpoint_s, win.end_s);
  if (const auto& spec_failures = spec.failures) {
    ToolFailureReport f;
    f.node_failures = st.node_failures;
    f.calls_retried = st.calls_retried;
    f.core_seconds_lost = st.core_seconds_lost;
    f.down_node_hours = st.nodes_down.area() / kSecondsPerHour;
    f.availability = 1.0 - ratio(st.nodes_down.area(), spec.count * window);
    f.expected_availability = spec_failures->expected_availability();  // no notice: the reader refuses it
    t.failures = f;
  }
  return t;
}

CostAndCarbon held_nodes_cost_and_carbon(const HardwareSpec& hw, int count, double node_hours, double energy_j,
                                         double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                                         const Costs& costs, const Window& win) {
  CostAndCarbon c;
  c.compute_cost_usd = node_hours * hw.price_per_hour_usd;
  c.energy_cost_usd = energy_cost_usd(energy_j, baseline_j, dynamic_j, dynamic, costs.electricity_usd_per_kwh,
                                      costs.pue, win.start_s, win.end_s);
  c.cost_usd = c.compute_cost_usd + (costs.pricing == Pricing::owned ? c.energy_cost_usd : 0.0);
  c.carbon_operational_g = operational_carbon_g(baseline_j, dynamic_j, dynamic, costs.carbon_intensity_g_per_kwh,
                                                costs.pue, win.start_s, win.end_s);
  c.carbon_embodied_g = embodied_carbon_g(count, hw.embodied_kgco2e, hw.embodied_life_years, win.length_s);
  c.carbon_g = c.carbon_operational_g + c.carbon_embodied_g;
  return c;
}

}  // namespace fleetsim::report_parts
