#include "fleetsim/core/report_builder.hpp"

#include "fleetsim/core/carbon.hpp"
#include "fleetsim/core/purchase_comparison.hpp"
#include "fleetsim/core/stability.hpp"
#include "report_builder_parts.hpp"

#include <algorithm>
#include <cmath>

// The report is built in steps: the run, each pool (report_pools.cpp), the
// fleet's sums, each workload (report_workloads.cpp), then the fleet's rates
// and checks.

namespace fleetsim {
namespace {

using report_parts::ratio;
using report_parts::Window;

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

// A pool's part of the fleet's carbon per session and per million tokens.
void carbon_shares(CostAndCarbon& p, double sessions, double tokens) {
  p.carbon_per_session_g = ratio(p.carbon_g, sessions);
  p.carbon_per_million_tokens_g = ratio(p.carbon_g, tokens / 1e6);
}

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
  // A price or an intensity that follows a series: its mean over the window.
  const StepSeries& price = sc.costs.electricity_usd_per_kwh;
  run.electricity_usd_per_kwh =
      price.is_constant() ? price.first() : ratio(price.integral(win.start_s, win.end_s), win.length_s);
  run.carbon_intensity_g_per_kwh =
      ratio(sc.costs.carbon_intensity_g_per_kwh.integral(win.start_s, win.end_s), win.length_s);
  return run;
}

// The fleet's figures per session, call, token and second, once the pools
// have been added up and the workloads counted.
void fleet_rates(Report& rep, const Window& win, double pue) {
  rep.fleet.facility_energy_j = rep.fleet.it_energy_j * pue;
  fleet_rates_from_totals(rep, win.length_s);
  rep.fleet.mean_facility_power_w = rep.fleet.mean_it_power_w * pue;
}

}  // namespace

LittleLawCheck little_law(const OccupancyIntegral& o, double window) {
  LittleLawCheck ll;
  ll.mean_sessions_in_system = ratio(o.area, window);
  ll.arrival_rate_per_s = ratio(static_cast<double>(o.arrivals), window);
  ll.mean_session_time_s = ratio(o.completed_time_s, static_cast<double>(o.completed));
  ll.relative_error = ratio(std::fabs(ll.mean_sessions_in_system - ll.arrival_rate_per_s * ll.mean_session_time_s),
                            ll.mean_sessions_in_system);
  return ll;
}

void fleet_rates_from_totals(Report& rep, double window) {
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
  for (KvStoreReport& k : rep.kv_stores) carbon_shares(k, sessions, all_tokens);
  f.output_tokens_per_joule = ratio(output_tokens, f.facility_energy_j);
  f.mean_it_power_w = ratio(f.it_energy_j, window);
  f.sessions_per_s = ratio(sessions, window);
  f.llm_calls_per_s = ratio(calls, window);
  f.output_tokens_per_s = ratio(output_tokens, window);
}

double node_baseline_power_w(const Pool& pool) {
  return pool.hardware.host_power_w + pool.hardware.devices * pool.hardware.device_power.idle_w;
}

double kv_store_power_w(const KvStoreSpec& store) {
  return store.count * (store.hardware.host_power_w + store.hardware.devices * store.hardware.device_power.idle_w);
}

double tool_pool_reserved_power_w(const ToolPoolSpec& tools) {
  const HardwareSpec& h = tools.hardware;
  return tools.count * (h.host_power_w + h.devices * std::max(h.device_power.idle_w, h.device_power.compute_bound_w));
}

// What a power cap's budget is left after: the model pools' nodes at
// baseline, and what the cap does not gate at its highest: KV store nodes
// (a constant draw) and tool pools with every core busy.
namespace {

// Every model pool's nodes at baseline, an autoscaled pool's at its most
// (`at_most`) or at the nodes it starts with, plus what the cap does not gate.
double baseline_power_w(const Scenario& scenario, bool at_most) {
  double watts = 0.0;
  for (const Pool& pool : scenario.pools)
    watts += (at_most ? pool.max_nodes() : pool.count) * node_baseline_power_w(pool);
  for (const ToolPoolSpec& tools : scenario.tool_pools) watts += tool_pool_reserved_power_w(tools);
  for (const KvStoreSpec& store : scenario.kv_stores) watts += kv_store_power_w(store);
  return watts;
}

}  // namespace

double fleet_baseline_power_w(const Scenario& scenario) { return baseline_power_w(scenario, true); }

double fleet_starting_baseline_power_w(const Scenario& scenario) { return baseline_power_w(scenario, false); }

double largest_replica_draw_w(const Scenario& scenario) {
  double largest = 0.0;
  for (const Pool& pool : scenario.pools) {
    const DevicePower& d = pool.hardware.device_power;
    if (pool.max_nodes() > 0)
      largest = std::max(largest, pool.engine.tensor_parallel * (std::max(d.compute_bound_w, d.memory_bound_w) - d.idle_w));
  }
  return largest;
}

namespace {

PowerCapReport power_cap_report(const FleetModel& fleet, const PowerCapGate& gate, double window_s) {
  const Scenario& sc = fleet.scenario();
  PowerCapReport r;
  const PowerCapStats& st = gate.stats();
  r.cap_w = sc.power_cap.lowest_w();
  if (sc.power_cap.scheduled()) r.highest_cap_w = sc.power_cap.highest_w();
  r.baseline_w = fleet_baseline_power_w(sc);
  r.peak_power_w = st.peak_power_w;
  r.time_at_cap_s = st.time_at_cap_s;
  r.time_at_cap_fraction = ratio(st.time_at_cap_s, window_s);
  r.held_plans = st.held_plans;
  r.held_replica_s = st.held_replica_s;
  r.mean_hold_s = ratio(st.held_replica_s, static_cast<double>(st.held_plans));
  if (std::any_of(sc.pools.begin(), sc.pools.end(), [](const Pool& p) { return p.autoscale.has_value(); })) {
    r.over_cap_s = st.over_cap_s;
    r.baseline_over_cap_s = st.baseline_over_cap_s;
  }
  if (sc.power_cap.response == PowerCapResponse::lower_clocks) {
    LoweredClocksReport& l = r.lowered_clocks.emplace();
    l.plans = st.lowered_plans;
    l.busy_s = st.lowered_busy_s;
    l.extra_busy_s = st.lowered_extra_s;
    double busy = 0.0;
    for (const ContinuousBatcher& replica : fleet.replicas()) busy += replica.stats().busy_s;
    l.capacity_lost_fraction = ratio(st.lowered_extra_s, busy);
  }
  return r;
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
    rep.pools.push_back(report_parts::pool_report(fleet, totals, win, p, pool_busy_by_workload[p], pool_busy[p]));
    add_to_fleet(rep.fleet, rep.pools.back());
  }
  for (const ToolPool& pool : fleet.tool_pools()) {
    rep.tool_pools.push_back(report_parts::tool_pool_report(pool, sc.costs, win));
    add_to_fleet(rep.fleet, rep.tool_pools.back());
  }
  for (std::size_t k = 0; k < sc.kv_stores.size(); ++k) {
    rep.kv_stores.push_back(report_parts::kv_store_report(fleet, k, sc.costs, win));
    add_to_fleet(rep.fleet, rep.kv_stores.back());
  }
  if (sc.network.declared) rep.network = report_parts::network_report(sc, totals.network_traffic, win.length_s);
  const std::vector<double> cost = report_parts::workload_costs(fleet, rep, pool_busy_by_workload, pool_busy);
  const auto in_flight = fleet.sessions_in_flight_by_workload();
  for (std::size_t w = 0; w < nw; ++w) rep.workloads.push_back(report_parts::workload_report(fleet, win, w, cost[w], in_flight[w]));
  PricingWindow pricing{win.start_s, win.end_s, win.length_s / kSecondsPerHour, {}};
  for (std::size_t p = 0; p < sc.pools.size(); ++p) {
    const PoolAutoscaler* scaler = fleet.autoscaler(p);
    pricing.pool_nodes.push_back(scaler ? NodeLevel([scaler](double a, double b) { return scaler->mean_nodes(a, b); })
                                        : NodeLevel{});
  }
  rep.purchase_options = compare_purchase_options(sc, rep, pricing);
  fleet_rates(rep, win, sc.costs.pue);
  if (const PowerCapGate* gate = fleet.power_cap()) rep.fleet.power_cap = power_cap_report(fleet, *gate, win.length_s);
  rep.little_law = little_law(fleet.metrics().occupancy, win.length_s);
  rep.stability = check_stability(rep);
  return rep;
}

}  // namespace fleetsim
