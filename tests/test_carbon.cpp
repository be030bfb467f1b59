// Carbon: grid intensity (one value or an hourly profile) times facility
// energy, plus embodied carbon over node-hours (docs/performance-model.md, 5.1).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <numeric>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/carbon.hpp"
#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/scenario.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::write_temp_file;

namespace {

StepSeries hourly_profile() {
  std::vector<double> p;
  for (int h = 0; h < 24; ++h) p.push_back(100.0 + 10.0 * h);  // 100, 110, ..., 330
  return StepSeries(p);
}

}  // namespace

TEST_CASE("constant power P for T hours at intensity I and PUE k emits P*T*k*I") {
  const double P = 2000.0, T_h = 3.0, k = 1.2, I = 400.0;
  const PowerTimeline none(0.0, 1.0);
  const double g = operational_carbon_g(P * T_h * 3600.0, 0.0, none, {I}, k, 0.0, T_h * 3600.0);
  // 2 kW x 3 h = 6 kWh IT, 7.2 kWh facility, x 400 g/kWh = 2880 g.
  CHECK(g == Approx(2880.0).epsilon(1e-12));
  CHECK(g == Approx(P / 1e3 * T_h * k * I).epsilon(1e-12));
}

TEST_CASE("an autoscaled pool's baseline is charged the intensity of the hours its nodes were held") {
  // 1 node in hour 0 (100 g/kWh), 3 in hour 1 (110): (1 x 100 + 3 x 110) / 4.
  const auto profile = hourly_profile();
  const PowerTimeline none(0.0, 1.0);
  const NodeLevel nodes = [](double a, double b) { return b <= 3600.0 ? 1.0 : a >= 3600.0 ? 3.0 : NAN; };
  const double baseline_j = 4 * 3600.0 * 500.0;  // 4 node-hours at 500 W
  const double g = operational_carbon_g(baseline_j, 0.0, none, profile, 1.0, 0.0, 7200.0, nodes);
  CHECK(g == Approx(baseline_j / 3.6e6 * (100.0 + 3 * 110.0) / 4.0).epsilon(1e-12));
  // Spread evenly it would have seen the hours' mean, 105.
  CHECK(operational_carbon_g(baseline_j, 0.0, none, profile, 1.0, 0.0, 7200.0) ==
        Approx(baseline_j / 3.6e6 * 105.0).epsilon(1e-12));
  // One intensity all day: the node count does not matter.
  CHECK(operational_carbon_g(baseline_j, 0.0, none, {200.0}, 1.0, 0.0, 7200.0, nodes) ==
        Approx(baseline_j / 3.6e6 * 200.0).epsilon(1e-12));
}

TEST_CASE("an hourly profile weighs each hour's energy by that hour's intensity") {
  const auto profile = hourly_profile();
  CHECK(profile.at(0.0) == 100.0);
  CHECK(profile.at(3599.9) == 100.0);
  CHECK(profile.at(3600.0) == 110.0);
  CHECK(profile.at(23.5 * 3600.0) == 330.0);
  CHECK(profile.at(24.5 * 3600.0) == 100.0);  // hour 24 is hour 0 again

  // Window 00:30 .. 02:30: half of hour 0, all of hour 1, half of hour 2.
  const double t0 = 1800.0, t1 = 9000.0;
  CHECK(profile.integral(t0, t1) == Approx(1800.0 * 100 + 3600.0 * 110 + 1800.0 * 120));
  // Two days and a bit: whole days count the profile's sum each.
  const double sum = std::accumulate(profile.values.begin(), profile.values.end(), 0.0);
  CHECK(profile.integral(1800.0, 1800.0 + 2 * 86400.0 + 3600.0) ==
        Approx(2 * 3600.0 * sum + 1800.0 * 100 + 1800.0 * 110));

  // Constant baseline 1 kW over the window, plus 3.6 MJ (1 kWh) of dynamic
  // energy all in hour 2 (7200 .. 9000 s), PUE 1.5.
  PowerTimeline dynamic(t0, 1.0);
  dynamic.add(7200.0, 9000.0, 3.6e6);
  const double baseline_j = 1000.0 * (t1 - t0);  // 2 kWh
  const double g = operational_carbon_g(baseline_j, 3.6e6, dynamic, profile, 1.5, t0, t1);
  const double baseline_g = 1.5 * (0.5 * 100 + 1.0 * 110 + 0.5 * 120);  // kWh of each hour x its intensity
  const double dynamic_g = 1.5 * 1.0 * 120;
  CHECK(g == Approx(baseline_g + dynamic_g).epsilon(1e-9));
}

TEST_CASE("embodied carbon is spread over the node's life in node-hours") {
  // 4 nodes for 10 h of a 1500 kgCO2e node lasting 5 years.
  CHECK(embodied_carbon_g(4, 1500.0, 5.0, 36000.0) == Approx(40.0 * 1.5e6 / (5 * 8766.0)));
  CHECK(embodied_carbon_g(4, 0.0, 0.0, 36000.0) == 0.0);  // no figure: none counted
}

TEST_CASE("the default grid intensity is the documented one") {
  CHECK(kDefaultGridIntensityGPerKwh == 366.0);
  CHECK(Costs{}.carbon_intensity_g_per_kwh.values == std::vector<double>{kDefaultGridIntensityGPerKwh});
  std::ifstream doc(std::string(FLEETSIM_SOURCE_DIR) + "/docs/performance-model.md");
  std::stringstream text;
  text << doc.rdbuf();
  std::smatch m;
  const std::string s = text.str();
  REQUIRE(std::regex_search(s, m, std::regex(R"(\| grid carbon intensity \| ([0-9.]+) gCO2/kWh \|)")));
  CHECK(std::stod(m[1].str()) == kDefaultGridIntensityGPerKwh);
  std::ifstream fmt_doc(std::string(FLEETSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  std::stringstream fmt_text;
  fmt_text << fmt_doc.rdbuf();
  CHECK(fmt_text.str().find("| `carbon_intensity`  | number >= 0, or a series | 366 ") != std::string::npos);
}

TEST_CASE("a run reports carbon by hand: an idle pool, an hourly profile, embodied carbon") {
  // One node whose power is fixed: 300 W host + 2 x 100 W idle devices =
  // 500 W whatever happens, since the traffic is too thin to arrive.
  std::string profile = "[";
  for (int h = 0; h < 24; ++h) profile += (h ? ", " : "") + std::to_string(100 + 10 * h);
  profile += "]";
  const std::string yaml = R"(name: carbon-by-hand
hardware:
  fixed-power: {catalog: graviton4-c8g.48xlarge, power: {idle: 100W, memory_bound: 100W, compute_bound: 100W, host: 300W},
                embodied_carbon: {kgco2e: 1753.2, life_years: 4}}
fleet:
  pools:
    - {name: p, hardware: fixed-power, count: 1, models: [llama-3.2-3b]}
routing:
  - {model: llama-3.2-3b, pools: [p]}
workloads:
  - name: w
    arrivals: {process: poisson, rate: 0.000001/s}
    steps:
      - llm: {model: llama-3.2-3b, prompt_tokens: 10, output_tokens: 10}
costs: {pue: 1.25, carbon_intensity: )" + profile + R"(}
simulation: {duration: 3h, warmup: 30min, seed: 3}
)";
  const std::string path = write_temp_file("carbon-by-hand.yaml", yaml);
  const auto res = run_fleetsim("run " + path + " --format json");
  REQUIRE(res.exit_code == 0);
  const auto r = nlohmann::json::parse(res.out);
  const auto& pool = r["pools"][0];
  REQUIRE(pool["llm_calls"] == 0);
  // 500 W x PUE 1.25 = 0.625 kW facility over 00:30 .. 03:00.
  const double expected_op = 0.625 * (0.5 * 100 + 1.0 * 110 + 1.0 * 120);
  CHECK(pool["carbon_operational_g"].get<double>() == Approx(expected_op).epsilon(1e-6));
  // 1753.2 kg over 4 x 8766 h = 50 g per node-hour; 2.5 node-hours.
  CHECK(pool["carbon_embodied_g"].get<double>() == Approx(125.0).epsilon(1e-9));
  CHECK(r["fleet"]["carbon_g"].get<double>() == Approx(expected_op + 125.0).epsilon(1e-6));
  CHECK(r["run"]["carbon_intensity_g_per_kwh"].get<double>() == Approx((0.5 * 100 + 110 + 120) / 2.5));
  CHECK(r["fleet"]["carbon_per_session_g"].is_null());  // no session completed

  const auto csv = run_fleetsim("run " + path + " --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.find("fleet,fleet,carbon_g,") != std::string::npos);
  CHECK(csv.out.find("gCO2e\n") != std::string::npos);
  const auto table = run_fleetsim("run " + path);
  CHECK(table.out.find("kgCO2e") != std::string::npos);
}

TEST_CASE("carbon_intensity takes one number or a series of values >= 0") {
  const std::string base = R"(name: x
fleet:
  pools:
    - {name: p, hardware: graviton4-c8g.48xlarge, count: 1, models: [llama-3.2-3b]}
routing:
  - {model: llama-3.2-3b, pools: [p]}
workloads:
  - name: w
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: llama-3.2-3b, prompt_tokens: 10, output_tokens: 10}
simulation: {duration: 1min}
)";
  // Any length now: hour h uses entry h mod 3 (docs/scenario-format.md, "Values that change over time").
  const auto three = run_fleetsim("validate " + write_temp_file("ci-three.yaml", base + "costs: {carbon_intensity: [1, 2, 3]}\n"));
  CHECK(three.exit_code == 0);
  const auto bad = run_fleetsim("validate " + write_temp_file("ci-bad.yaml", base + "costs: {carbon_intensity: []}\n"));
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("costs.carbon_intensity") != std::string::npos);
  const auto bad_entry = run_fleetsim("validate " + write_temp_file("ci-bad-entry.yaml", base + "costs: {carbon_intensity: [1, -2]}\n"));
  CHECK(bad_entry.exit_code != 0);
  CHECK(bad_entry.err.find("costs.carbon_intensity[1]") != std::string::npos);
  const auto neg = run_fleetsim("validate " + write_temp_file("ci-neg.yaml", base + "costs: {carbon_intensity: -5}\n"));
  CHECK(neg.exit_code != 0);
  const auto ok = run_fleetsim("validate " + write_temp_file("ci-ok.yaml", base + "costs: {carbon_intensity: 50}\n"));
  CHECK(ok.exit_code == 0);
}
