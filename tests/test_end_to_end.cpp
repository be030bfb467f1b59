// Every shipped scenario (and variant) runs, and its report adds up.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"
#include "support/cli_runner.hpp"
#include "support/shipped_reports.hpp"

using fleetsim::testing::run_fleetsim;
using fleetsim::testing::shipped_output;
using fleetsim::testing::shipped_runs;
using fleetsim::testing::ShippedOutput;
using nlohmann::json;

namespace {

double json_num(const json& j) { return j.is_null() ? std::nan("") : j.get<double>(); }

// The lowest and highest electricity price of the run's scenario: equal for
// one price; a series' range otherwise (each pool then pays its own mean).
using PriceRange = std::pair<double, double>;

PriceRange price_range(const fleetsim::testing::ShippedRun& run) {
  fleetsim::LoadOptions options;
  options.variant = run.variant;
  const auto load = fleetsim::load_scenario_file_with_sections(run.scenario, fleetsim::Catalog::builtin(), options);
  REQUIRE(load.ok());
  const std::vector<double>& prices = load.scenario->costs.electricity_usd_per_kwh.values;
  return {*std::min_element(prices.begin(), prices.end()), *std::max_element(prices.begin(), prices.end())};
}

void check_report_adds_up(const json& r, const PriceRange& prices) {
  const json& fleet = r["fleet"];
  const double window = json_num(r["run"]["window_end_s"]) - json_num(r["run"]["window_start_s"]);
  const double pue = json_num(r["run"]["pue"]);
  const double price_kwh = json_num(r["run"]["electricity_usd_per_kwh"]);
  REQUIRE(window > 0);

  double pool_cost = 0, pool_compute = 0, pool_energy_cost = 0, pool_energy = 0, pool_peaks = 0;
  int nodes = 0;
  // Model pools, tool pools and KV stores alike: energy is mean power times the window,
  // cost by the pricing mode, and they add up to the fleet's figures.
  auto add_up = [&](const json& p) {
    CHECK(json_num(p["energy_j"]) == Approx(json_num(p["mean_power_w"]) * window).epsilon(1e-9));
    CHECK(json_num(p["peak_power_w"]) >= json_num(p["mean_power_w"]) * (1 - 1e-9));
    const double facility_kwh = json_num(p["energy_j"]) * pue / 3.6e6;
    if (prices.first == prices.second) {
      CHECK(json_num(p["energy_cost_usd"]) == Approx(json_num(p["energy_j"]) * pue / 3.6e6 * price_kwh).epsilon(1e-9));
    } else {  // a price series: the pool's mean price paid lies within its range
      CHECK(json_num(p["energy_cost_usd"]) >= facility_kwh * prices.first * (1 - 1e-9));
      CHECK(json_num(p["energy_cost_usd"]) <= facility_kwh * prices.second * (1 + 1e-9));
    }
    const bool owned = r["run"]["pricing"] == "owned";
    if (owned || !p.contains("purchase")) {
      CHECK(json_num(p["cost_usd"]) ==
            Approx(json_num(p["compute_cost_usd"]) + (owned ? json_num(p["energy_cost_usd"]) : 0.0)).epsilon(1e-9));
    } else {
      // Bought otherwise than on demand: owned nodes pay their share of the
      // energy, so the cost lies between the compute cost and compute + energy.
      CHECK(json_num(p["cost_usd"]) >= json_num(p["compute_cost_usd"]) * (1 - 1e-9));
      CHECK(json_num(p["cost_usd"]) <= (json_num(p["compute_cost_usd"]) + json_num(p["energy_cost_usd"])) * (1 + 1e-9));
    }
    const double util = json_num(p.contains("utilization") ? p["utilization"] : p["memory_utilization"]);
    CHECK(util >= 0.0);
    CHECK(util <= 1.0 + 1e-9);
    pool_cost += json_num(p["cost_usd"]);
    pool_compute += json_num(p["compute_cost_usd"]);
    pool_energy_cost += json_num(p["energy_cost_usd"]);
    pool_energy += json_num(p["energy_j"]);
    pool_peaks += json_num(p["peak_power_w"]);
    nodes += p["nodes"].get<int>();
  };
  for (const json& p : r["pools"]) {
    INFO("pool " << p["name"]);
    add_up(p);
    const double kv = json_num(p["kv_cache_occupancy"]);
    CHECK(kv >= 0.0);
    CHECK(kv <= 1.0 + 1e-9);
  }
  for (const json& t : r.value("tool_pools", json::array())) {
    INFO("tool pool " << t["name"]);
    add_up(t);
    CHECK(json_num(t["node_hours"]) == Approx(t["nodes"].get<int>() * window / 3600).epsilon(1e-9));
  }
  for (const json& k : r.value("kv_stores", json::array())) {  // remote KV stores: their memory in use
    INFO("kv store " << k["name"]);
    add_up(k);
    CHECK(json_num(k["node_hours"]) == Approx(k["nodes"].get<int>() * window / 3600).epsilon(1e-9));
  }
  CHECK(fleet["nodes"].get<int>() == nodes);
  CHECK(json_num(fleet["total_cost_usd"]) == Approx(pool_cost).epsilon(1e-9));
  // The side-by-side purchase table's on-demand row is the fleet's cost when
  // every pool is bought on demand.
  bool all_on_demand = true;
  for (const json& p : r["pools"]) all_on_demand &= !p.contains("purchase");
  if (r.contains("purchase_options")) {
    REQUIRE(r["purchase_options"][0]["option"] == "on_demand");
    if (all_on_demand)
      CHECK(json_num(r["purchase_options"][0]["cost_usd"]) == Approx(json_num(fleet["total_cost_usd"])).epsilon(1e-9));
  }
  CHECK(json_num(fleet["compute_cost_usd"]) == Approx(pool_compute).epsilon(1e-9));
  CHECK(json_num(fleet["energy_cost_usd"]) == Approx(pool_energy_cost).epsilon(1e-9));
  CHECK(json_num(fleet["it_energy_j"]) == Approx(pool_energy).epsilon(1e-9));
  CHECK(json_num(fleet["facility_energy_j"]) == Approx(pool_energy * pue).epsilon(1e-9));
  CHECK(json_num(fleet["mean_it_power_w"]) == Approx(pool_energy / window).epsilon(1e-9));
  CHECK(json_num(fleet["peak_it_power_w"]) == Approx(pool_peaks).epsilon(1e-9));

  double sessions = 0, calls = 0, out_tokens = 0, workload_cost = 0;
  for (const json& w : r["workloads"]) {
    INFO("workload " << w["name"]);
    sessions += json_num(w["sessions_completed"]);
    calls += json_num(w["llm_calls"]);
    out_tokens += json_num(w["output_tokens"]);
    workload_cost += json_num(w["cost_usd"]);
    CHECK(json_num(w["prefill_tokens"]) <= json_num(w["prompt_tokens"]) + 1e-9);
    const json& ttft = w["ttft_s"];
    CHECK(json_num(ttft["p50"]) <= json_num(ttft["p95"]));
    CHECK(json_num(ttft["p95"]) <= json_num(ttft["p99"]));
    CHECK(json_num(ttft["p99"]) <= json_num(ttft["max"]) * (1 + 1e-9));
    // A call's latency is at least its time to first token.
    CHECK(json_num(w["call_latency_s"]["mean"]) >= json_num(ttft["mean"]));
    for (const json& slo : w["slos"])
      CHECK(slo["met"].get<bool>() == (json_num(slo["observed_s"]) <= json_num(slo["bound_s"])));
  }
  REQUIRE(sessions > 0);
  CHECK(workload_cost == Approx(json_num(fleet["total_cost_usd"])).epsilon(1e-9));
  CHECK(json_num(fleet["cost_per_session_usd"]) == Approx(json_num(fleet["total_cost_usd"]) / sessions).epsilon(1e-9));
  CHECK(json_num(fleet["cost_per_llm_call_usd"]) == Approx(json_num(fleet["total_cost_usd"]) / calls).epsilon(1e-9));
  CHECK(json_num(fleet["cost_per_million_output_tokens_usd"]) ==
        Approx(json_num(fleet["total_cost_usd"]) / out_tokens * 1e6).epsilon(1e-9));
  CHECK(json_num(fleet["energy_per_session_j"]) == Approx(pool_energy * pue / sessions).epsilon(1e-9));
  CHECK(json_num(fleet["output_tokens_per_joule"]) == Approx(out_tokens / (pool_energy * pue)).epsilon(1e-9));
}

}  // namespace

// The reports come from `fleetsim run --format json` (stdout), run once per
// test run for every test that reads them (support/shipped_reports.hpp).
TEST_CASE("Every shipped scenario and variant runs and its report adds up", "[end-to-end][shipped-reports]") {
  const auto runs = shipped_runs();
  REQUIRE(runs.size() >= 5);  // quickstart, and cpu-vs-gpu-agentic with its three variants
  for (const auto& run : runs) {
    INFO(run.label());
    const ShippedOutput r = shipped_output(run, "json");
    INFO(r.err);
    REQUIRE(r.found);
    REQUIRE(r.exit_code == 0);
    check_report_adds_up(json::parse(r.out), price_range(run));
  }
}

TEST_CASE("Little's law holds on the shipped scenarios that reach a steady state", "[end-to-end][queueing]") {
  const std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
  for (const std::string args : {"quickstart.yaml'", "cpu-vs-gpu-agentic.yaml' --variant h100-node",
                                 "cpu-vs-gpu-agentic.yaml' --variant h100-small"}) {
    const auto r = run_fleetsim("run '" + dir + args + " --format json --no-progress");
    REQUIRE(r.exit_code == 0);
    const json ll = json::parse(r.out)["checks"]["little_law"];
    INFO(args << ": " << ll.dump());
    CHECK(json_num(ll["relative_error"]) < 0.02);
  }
}

TEST_CASE("The quickstart's GPU pool draws between idle and full power", "[end-to-end][power]") {
  const auto r = run_fleetsim("run '" + std::string(FLEETSIM_SOURCE_DIR) +
                              "/scenarios/quickstart.yaml' --format json --no-progress");
  REQUIRE(r.exit_code == 0);
  const json report = json::parse(r.out);
  const json& h100 = report["pools"][0];
  REQUIRE(h100["name"] == "h100");
  // One p5.48xlarge: host 2.8 kW + 8 GPUs between 140 W (idle) and 700 W (TDP), per the catalog.
  const auto catalog = run_fleetsim("catalog --format json");
  REQUIRE(catalog.exit_code == 0);
  const json c = json::parse(catalog.out);
  double idle_w = 0, full_w = 0;
  for (const json& h : c["hardware"]) {
    if (h["name"] != "h100-p5.48xlarge") continue;
    idle_w = json_num(h["host_power_w"]) + 8 * json_num(h["device_power"]["idle_w"]);
    full_w = json_num(h["host_power_w"]) + 8 * json_num(h["device_power"]["compute_bound_w"]);
  }
  REQUIRE(idle_w > 0);
  CHECK(json_num(h100["mean_power_w"]) > idle_w);
  CHECK(json_num(h100["peak_power_w"]) <= full_w);
}
