// build_report on a toy fleet run through FleetModel (support/toy_fleet.hpp):
// costs, energy, power and the per-session figures checked field by field
// against the formulas of docs/report-format.md worked by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/report_builder.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

constexpr double kWindowS = 1000.0;

// One toy node of two replicas (3.60 $/h; host 200 W, devices 100 W idle and
// 300 W memory bound), two sessions of one call (100 prompt, 10 output
// tokens) arriving together at t = 0, measured over [0, 1000 s].
struct ToyRun {
  Scenario sc = toy_scenario(1, 2, {toy_llm(100, 10)});
  FleetModel fleet{sc};
  RunTotals totals;

  explicit ToyRun(Pricing pricing) {
    sc.costs.pricing = pricing;
    sc.costs.pue = 1.5;
    sc.costs.electricity_usd_per_kwh = 0.1;
    ToyDriver driver(fleet);
    driver.arrive(0.0, 0);
    driver.arrive(0.0, 0);
    driver.run();
    fleet.settle(kWindowS);
    totals.window_start_s = 0.0;
    totals.window_end_s = kWindowS;
    totals.simulated_end_s = kWindowS;
    // The engine integrates each node's baseline: host + idle devices, 400 W.
    totals.pool_baseline_energy_j = {400.0 * kWindowS};
    totals.fleetsim_version = "test";
  }
};

}  // namespace

TEST_CASE("A node's baseline power is its host and every device idle", "[report_builder]") {
  CHECK(node_baseline_power_w(toy_scenario(1, 2, {}).pools[0]) == 200.0 + 2 * 100.0);
}

TEST_CASE("build_report prices, powers and shares an owned fleet as worked by hand", "[report_builder]") {
  ToyRun run(Pricing::owned);
  const Report rep = build_report(run.fleet, run.totals);
  const double call = toy_call_s(100, 10);  // each session: one call on a replica of its own
  // Above idle: 200 W per replica over its memory time (the call less 10 overheads of 1 ms).
  const double dynamic_j = 2 * 200.0 * (call - 10 * 1e-3);
  const double energy_j = 400.0 * kWindowS + dynamic_j;
  const double compute_usd = 1 * 3.6 * kWindowS / 3600.0;          // 1 node-hour / 3.6: $1.00
  const double energy_usd = energy_j * 1.5 / 3.6e6 * 0.1;          // facility kWh x $0.10
  const double total_usd = compute_usd + energy_usd;               // owned: energy is paid

  CHECK(rep.run.scenario == "toy");
  CHECK(rep.run.fleetsim_version == "test");
  CHECK(rep.run.pricing == "owned");
  CHECK(rep.run.window_end_s == kWindowS);
  CHECK(rep.run.pue == 1.5);

  REQUIRE(rep.pools.size() == 1);
  const PoolReport& p = rep.pools[0];
  CHECK(p.name == "p");
  CHECK(p.kind == "gpu");
  CHECK(p.models == "toy");
  CHECK(p.nodes == 1);
  CHECK(p.replicas == 2);
  CHECK(p.llm_calls == 2);
  CHECK(p.output_tokens == 20);
  CHECK(p.utilization == exactly(2 * call / (2 * kWindowS)));
  CHECK(p.mean_batch_size == exactly(1.0));
  CHECK(p.queueing_delay_mean_s == exactly(0.0));
  CHECK(p.energy_j == exactly(energy_j));
  CHECK(p.mean_power_w == exactly(energy_j / kWindowS));
  // Both calls fall in the first one-second bin.
  CHECK(p.peak_power_w == exactly(400.0 + dynamic_j / 1.0));
  CHECK(p.compute_cost_usd == exactly(1.0));
  CHECK(p.compute_cost_usd == exactly(compute_usd));
  CHECK(p.energy_cost_usd == exactly(energy_usd));
  CHECK(p.cost_usd == exactly(total_usd));
  CHECK(rep.tool_pools.empty());

  const FleetReport& f = rep.fleet;
  CHECK(f.nodes == 1);
  CHECK(f.compute_cost_usd == exactly(compute_usd));
  CHECK(f.energy_cost_usd == exactly(energy_usd));
  CHECK(f.total_cost_usd == exactly(total_usd));
  CHECK(f.it_energy_j == exactly(energy_j));
  CHECK(f.facility_energy_j == exactly(1.5 * energy_j));
  CHECK(f.cost_per_session_usd == exactly(total_usd / 2));
  CHECK(f.cost_per_llm_call_usd == exactly(total_usd / 2));
  CHECK(f.cost_per_million_output_tokens_usd == exactly(total_usd / (20 / 1e6)));
  CHECK(f.cost_per_million_tokens_usd == exactly(total_usd / (220 / 1e6)));
  CHECK(f.energy_per_session_j == exactly(1.5 * energy_j / 2));
  CHECK(f.output_tokens_per_joule == exactly(20 / (1.5 * energy_j)));
  CHECK(f.mean_it_power_w == exactly(energy_j / kWindowS));
  CHECK(f.mean_facility_power_w == exactly(1.5 * energy_j / kWindowS));
  CHECK(f.peak_it_power_w == exactly(p.peak_power_w));
  CHECK(f.sessions_per_s == exactly(2 / kWindowS));
  CHECK(f.llm_calls_per_s == exactly(2 / kWindowS));
  CHECK(f.output_tokens_per_s == exactly(20 / kWindowS));

  REQUIRE(rep.workloads.size() == 1);
  const WorkloadReport& w = rep.workloads[0];
  CHECK(w.name == "w");
  CHECK(w.sessions_started == 2);
  CHECK(w.sessions_completed == 2);
  CHECK(w.sessions_in_flight == 0);
  CHECK(w.llm_calls == 2);
  CHECK(w.prompt_tokens == 200);
  CHECK(w.prefill_tokens == 200);
  CHECK(w.output_tokens == 20);
  CHECK(w.prefix_cache_hit_rate == exactly(0.0));
  CHECK(w.session_latency_s.count == 2);
  CHECK(w.session_latency_s.mean == exactly(call));
  CHECK(w.slos.empty());
  CHECK(w.slos_met);
  CHECK(w.goodput_sessions_per_s == exactly(2 / kWindowS));  // no bounds: every session meets them
  CHECK(w.cost_usd == exactly(total_usd));                   // the only workload bears it all
  CHECK(w.cost_per_session_usd == exactly(total_usd / 2));

  // Little's law: L = 2 call / window, lambda = 2 / window, W = call.
  CHECK(rep.little_law.mean_sessions_in_system == exactly(2 * call / kWindowS));
  CHECK(rep.little_law.arrival_rate_per_s == exactly(2 / kWindowS));
  CHECK(rep.little_law.mean_session_time_s == exactly(call));
  CHECK(rep.little_law.relative_error == Approx(0.0).margin(1e-12));
}

TEST_CASE("build_report leaves energy out of a cloud fleet's cost but still reports it", "[report_builder]") {
  ToyRun run(Pricing::cloud);
  const Report rep = build_report(run.fleet, run.totals);
  const double energy_j = 400.0 * kWindowS + 2 * 200.0 * (toy_call_s(100, 10) - 10 * 1e-3);
  CHECK(rep.run.pricing == "cloud");
  CHECK(rep.pools[0].energy_cost_usd == exactly(energy_j * 1.5 / 3.6e6 * 0.1));
  CHECK(rep.pools[0].cost_usd == exactly(1.0));
  CHECK(rep.fleet.total_cost_usd == exactly(1.0));
  CHECK(rep.fleet.cost_per_session_usd == exactly(0.5));
  CHECK(rep.workloads[0].cost_per_session_usd == exactly(0.5));
}

TEST_CASE("build_report gives undefined, not zero, for ratios over nothing", "[report_builder]") {
  const Scenario sc = toy_scenario(2, 1, {toy_llm(100, 10)});
  FleetModel fleet(sc);
  fleet.settle(kWindowS);
  RunTotals totals;
  totals.window_end_s = totals.simulated_end_s = kWindowS;
  totals.pool_baseline_energy_j = {2 * 300.0 * kWindowS};
  const Report rep = build_report(fleet, totals);
  CHECK(rep.pools[0].nodes == 2);
  CHECK(rep.pools[0].compute_cost_usd == exactly(2 * 3.6 * kWindowS / 3600.0));  // idle nodes still cost
  CHECK(rep.pools[0].energy_j == exactly(2 * 300.0 * kWindowS));
  CHECK(rep.pools[0].utilization == exactly(0.0));
  CHECK(std::isnan(rep.pools[0].mean_batch_size));
  CHECK(std::isnan(rep.fleet.cost_per_session_usd));
  CHECK(std::isnan(rep.workloads[0].cost_per_session_usd));
  CHECK(std::isnan(rep.workloads[0].ttft_s.mean));
  CHECK(rep.workloads[0].cost_usd == exactly(rep.fleet.total_cost_usd));  // an idle pool: shared by all
}
