// Values that change with simulated time (step_series.hpp): the series
// itself, energy priced by the hour, a spot price over node time, and the
// CSV reader's errors, each against arithmetic done by hand
// (docs/performance-model.md, sections 5 and 6).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "fleetsim/core/energy_over_time.hpp"
#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/purchase.hpp"
#include "fleetsim/core/report_builder.hpp"
#include "fleetsim/core/step_series.hpp"
#include "support/cli_runner.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

constexpr double kHour = 3600.0;

PurchaseOption spot(std::vector<double> prices, double step_s = kHour) {
  PurchaseOption o;
  o.name = "spot";
  o.price_series = StepSeries(std::move(prices), step_s);
  o.price_per_hour_usd = o.price_series->cycle_mean();
  return o;
}

}  // namespace

TEST_CASE("A series holds each value for its step and repeats past its end", "[step-series]") {
  const StepSeries s({1.0, 2.0, 3.0});
  CHECK(s.at(0.0) == 1.0);
  CHECK(s.at(1.5 * kHour) == 2.0);
  CHECK(s.at(3.0 * kHour) == 1.0);   // past its end: from the start again
  CHECK(s.at(10.5 * kHour) == 2.0);  // hour 10 is entry 10 mod 3 = 1
  // Over [1.5 h, 7.25 h]: 0.5 x 2 + 3 + 1 + 2 + 3 + 1 + 0.25 x 2 = 11.5 value-hours.
  CHECK(s.integral(1.5 * kHour, 7.25 * kHour) == exactly(11.5 * kHour));
  CHECK(s.integral(0.0, 4.0 * kHour) == exactly(7.0 * kHour));
  CHECK(s.mean(1.5 * kHour, 7.25 * kHour) == exactly(11.5 / 5.75));
  CHECK(s.cycle_mean() == 2.0);
  // A step other than an hour: 15 minutes.
  const StepSeries quarter({4.0, 8.0}, 900.0);
  CHECK(quarter.at(1000.0) == 8.0);
  CHECK(quarter.at(1800.0) == 4.0);
  CHECK(quarter.integral(450.0, 1350.0) == exactly(450.0 * 4 + 450.0 * 8));
  // A constant is a series of one value.
  const StepSeries constant = 0.08;
  CHECK(constant.is_constant());
  CHECK(constant.at(1e6) == 0.08);
  CHECK(constant.integral(10.0, 20.0) == exactly(0.8));
}

TEST_CASE("A 24-value profile keeps its meaning: hour h of simulated time uses entry h mod 24", "[step-series]") {
  std::vector<double> day;
  for (int h = 0; h < 24; ++h) day.push_back(100 + 10 * h);
  const StepSeries s(day);
  CHECK(s.at(25.5 * kHour) == 110.0);
  // 00:30 .. 03:00: half of hour 0, then hours 1 and 2.
  CHECK(s.mean(0.5 * kHour, 3.0 * kHour) == exactly((0.5 * 100 + 110 + 120) / 2.5));
  // A day and a half from 06:00: one whole day, then 06:00 .. 18:00 again.
  double half_day = 0.0;
  for (int h = 6; h < 18; ++h) half_day += 100 + 10 * h;
  double whole_day = 0.0;
  for (double v : day) whole_day += v;
  CHECK(s.integral(6 * kHour, 42 * kHour) == exactly((whole_day + half_day) * kHour));
}

TEST_CASE("Node time weighs a series step by step", "[step-series]") {
  const StepSeries s({1.0, 3.0});
  // Two nodes the first hour, four the second: 2 x 1 + 4 x 3 = 14 node-value-hours.
  const NodeLevel level = [](double a, double) { return a < kHour ? 2.0 : 4.0; };
  CHECK(s.level_weighted_integral(0.0, 2 * kHour, level) == exactly(14.0 * kHour));
  // Half an hour either side of the step.
  CHECK(s.level_weighted_integral(0.5 * kHour, 1.5 * kHour, level) == exactly((0.5 * 2 * 1 + 0.5 * 4 * 3) * kHour));
}

TEST_CASE("Energy at a price series is the integral of facility power x price", "[step-series]") {
  const PowerTimeline no_dynamic(0.0, 1.0);
  // 1 kW of IT power for 1.5 h, PUE 1, prices 0.1 then 0.3 USD/kWh:
  // 1 h x 0.1 + 0.5 h x 0.3 = 0.25 USD.
  const double energy_j = 1000.0 * 1.5 * kHour;
  const StepSeries prices({0.1, 0.3});
  CHECK(energy_cost_usd(energy_j, energy_j, 0.0, no_dynamic, prices, 1.0, 0.0, 1.5 * kHour) == exactly(0.25));
  // With PUE 1.2 the facility draws 1.2 kW: 0.3 USD.
  CHECK(energy_cost_usd(energy_j, energy_j, 0.0, no_dynamic, prices, 1.2, 0.0, 1.5 * kHour) == exactly(0.3));

  // Dynamic energy is priced where its bins place it: 3.6 MJ (1 kWh) in the
  // first hour's last second, 7.2 MJ (2 kWh) in the second hour's first,
  // and a bin that straddles the hour split evenly (0.5 kWh each side).
  PowerTimeline dynamic(0.0, 1.0);
  dynamic.add(kHour - 1.0, kHour, 3.6e6);
  dynamic.add(kHour, kHour + 1.0, 7.2e6);
  CHECK(energy_cost_usd(10.8e6, 0.0, 10.8e6, dynamic, prices, 1.0, 0.0, 2 * kHour) == exactly(1 * 0.1 + 2 * 0.3));
  PowerTimeline straddling(kHour - 0.5, 1.0);
  straddling.add(kHour - 0.5, kHour + 0.5, 3.6e6);
  CHECK(energy_cost_usd(3.6e6, 0.0, 3.6e6, straddling, prices, 1.0, 0.0, 2 * kHour) ==
        exactly(0.5 * 0.1 + 0.5 * 0.3));
}

TEST_CASE("One constant price gives today's energy cost to the last bit", "[step-series]") {
  PowerTimeline dynamic(0.0, 1.0);
  dynamic.add(10.0, 70.0, 5.5e5);
  const double baseline_j = 1234.5 * 600.0, dynamic_j = 5.5e5;
  const double energy_j = baseline_j + dynamic_j;
  // Today's formula: energy x PUE / (J per kWh) x price.
  CHECK(energy_cost_usd(energy_j, baseline_j, dynamic_j, dynamic, StepSeries(0.08), 1.14, 0.0, 600.0) ==
        energy_j * 1.14 / 3.6e6 * 0.08);
}

TEST_CASE("A spot price series prices the node time held", "[step-series][purchase]") {
  // 3 nodes for 1.5 h at 2 then 4 USD/node-hour: 3 x (2 + 0.5 x 4) = 12 USD.
  const PurchaseOption s = spot({2.0, 4.0});
  CHECK(s.cost_usd(3, 0.0, 1.5 * kHour) == exactly(12.0));
  CHECK(s.hourly_price_usd() == 3.0);  // its mean, where no time is given (plan)
  // A reserved base of 2 at 1 USD/h and 3 spot nodes above it: 2 x 1.5 + 12.
  PurchaseOption reserved;
  reserved.name = "reserved";
  reserved.price_per_hour_usd = 1.0;
  PoolPurchase mix;
  mix.base = "reserved";
  mix.base_nodes = 2;
  mix.burst = "spot";
  const PurchaseCost fixed = price_pool_over(mix, 5, 0.0, 1.5 * kHour, 9.0, {reserved, s});
  CHECK(fixed.compute_cost_usd == exactly(15.0));
  CHECK(fixed.energy_paid_share == 0.0);
  // An autoscaled pool on spot: 2 nodes the first hour, 4 the second:
  // 2 x 2 + 4 x 4 = 20 USD.
  PoolPurchase all_spot;
  all_spot.base = all_spot.burst = "spot";
  const NodeLevel level = [](double a, double) { return a < kHour ? 2.0 : 4.0; };
  const PurchaseCost scaled =
      price_autoscaled_pool(all_spot, 2 * kHour, 6 * kHour, 0.0, 9.0, {s}, NodeTimeline{0.0, level, {}});
  CHECK(scaled.compute_cost_usd == exactly(20.0));
  // The same node time priced by the option itself, as the side-by-side
  // table prices it: 20 USD; at a fixed 1 USD/h, (2 + 4) node-hours = 6 USD.
  CHECK(s.cost_usd(level, 0.0, 2 * kHour) == exactly(20.0));
  PurchaseOption fixed_rate;
  fixed_rate.price_per_hour_usd = 1.0;
  CHECK(fixed_rate.cost_usd(level, 0.0, 2 * kHour) == exactly(6.0));
  // Reserved base of 2 (held throughout), spot above it: 2 more nodes the
  // second hour only: 2 x 1 x 2 h + 2 x 4 = 12 USD.
  const NodeLevel above = [](double a, double) { return a < kHour ? 0.0 : 2.0; };
  const PurchaseCost split =
      price_autoscaled_pool(mix, 2 * kHour, 6 * kHour, 2 * kHour, 9.0, {reserved, s}, NodeTimeline{0.0, level, above});
  CHECK(split.compute_cost_usd == exactly(12.0));
}

TEST_CASE("A pool bought at a spot price series is priced by it in the report", "[step-series][purchase]") {
  // The toy pool's nodes for a 1000 s window, spot at 1 USD/node-hour for
  // the first 10 minutes and 3 after: (600 x 1 + 400 x 3) / 3600 per node.
  Scenario sc = toy_scenario(1, 2, {toy_llm(100, 10)});
  sc.pools[0].hardware.purchase_options = {spot({1.0, 3.0}, 600.0)};
  sc.pools[0].purchase.base = sc.pools[0].purchase.burst = "spot";
  constexpr double window = 1000.0;
  FleetModel fleet{sc};
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.run();
  fleet.settle(window);
  RunTotals totals;
  totals.window_end_s = totals.simulated_end_s = window;
  totals.pool_baseline_energy_j = {400.0 * window};
  const Report rep = build_report(fleet, totals);
  REQUIRE(rep.pools.size() == 1);
  const double per_node = (600.0 * 1.0 + 400.0 * 3.0) / kHour;
  CHECK(rep.pools[0].compute_cost_usd == exactly(sc.pools[0].count * per_node));
  REQUIRE(rep.purchase_options.size() == 2);
  CHECK(rep.purchase_options[1].option == "spot");
  CHECK(rep.purchase_options[1].cost_usd == exactly(sc.pools[0].count * per_node));
}

namespace {

// One node whose power is fixed (300 W host + 2 x 100 W devices = 500 W
// whatever happens: the traffic is too thin to arrive), PUE 1.25, measured
// from 00:30 to 03:00; `costs` and the node's `purchase` are the test's.
std::string fixed_power_scenario(const std::string& costs, const std::string& purchase) {
  return R"(name: series-by-hand
hardware:
  fixed-power: {catalog: graviton4-c8g.48xlarge, power: {idle: 100W, memory_bound: 100W, compute_bound: 100W, host: 300W},
                purchase: {spot: )" +
         purchase + R"(}}
fleet:
  pools:
    - {name: p, hardware: fixed-power, count: 1, models: [llama-3.2-3b], purchase: spot}
routing:
  - {model: llama-3.2-3b, pools: [p]}
workloads:
  - name: w
    arrivals: {process: poisson, rate: 0.000001/s}
    steps:
      - llm: {model: llama-3.2-3b, prompt_tokens: 10, output_tokens: 10}
costs: )" + costs + R"(
simulation: {duration: 3h, warmup: 30min, seed: 3}
)";
}

}  // namespace

TEST_CASE("Prices, a spot price and the grid intensity read from CSV files, by hand", "[step-series]") {
  write_temp_file("series-prices.csv",
                  "# hour, USD per kWh, gCO2/kWh\nhour,usd_per_kwh,g_per_kwh\n0,0.1,100\n1, 0.2 ,200\n2,0.3,300\n");
  write_temp_file("series-spot.csv", "usd_per_hour\n1\n2\n\n3\n");
  const std::string path = write_temp_file(
      "series-by-hand.yaml",
      fixed_power_scenario("{pue: 1.25, electricity_price: {file: series-prices.csv, column: usd_per_kwh}, "
                           "carbon_intensity: {file: series-prices.csv, column: g_per_kwh}}",
                           "{price_per_hour: {file: series-spot.csv, column: usd_per_hour}}"));
  const auto res = run_fleetsim("run " + path + " --format json --no-progress");
  REQUIRE(res.exit_code == 0);
  const auto r = nlohmann::json::parse(res.out);
  const auto& pool = r["pools"][0];
  REQUIRE(pool["llm_calls"] == 0);
  // 0.625 kW of facility power over half of hour 0 and hours 1 and 2.
  CHECK(pool["energy_cost_usd"].get<double>() == Approx(0.625 * (0.5 * 0.1 + 0.2 + 0.3)).epsilon(1e-9));
  CHECK(pool["carbon_operational_g"].get<double>() == Approx(0.625 * (0.5 * 100 + 200 + 300)).epsilon(1e-9));
  // One spot node: half an hour at 1 USD, an hour at 2, an hour at 3.
  CHECK(pool["compute_cost_usd"].get<double>() == Approx(0.5 * 1 + 2 + 3).epsilon(1e-12));
  // The run's price and intensity are their means over the window.
  CHECK(r["run"]["electricity_usd_per_kwh"].get<double>() == Approx((0.5 * 0.1 + 0.2 + 0.3) / 2.5).epsilon(1e-12));
  CHECK(r["run"]["carbon_intensity_g_per_kwh"].get<double>() == Approx((0.5 * 100 + 200 + 300) / 2.5));

  // The same prices inline, and a step of 30 minutes that repeats: the
  // window sees 0.1, 0.3 (x2), then 0.1, 0.3 again.
  const auto inline_run = run_fleetsim(
      "run " +
      write_temp_file("series-inline.yaml",
                      fixed_power_scenario("{pue: 1.25, electricity_price: {values: [0.1, 0.3], step: 30min}}",
                                           "{price_per_hour: 2}")) +
      " --format json --no-progress");
  REQUIRE(inline_run.exit_code == 0);
  const auto q = nlohmann::json::parse(inline_run.out);
  // 00:30 .. 03:00 is five half hours at 0.3, 0.1, 0.3, 0.1, 0.3.
  CHECK(q["pools"][0]["energy_cost_usd"].get<double>() == Approx(0.625 * 0.5 * (3 * 0.3 + 2 * 0.1)).epsilon(1e-9));
  CHECK(q["pools"][0]["compute_cost_usd"].get<double>() == Approx(2.0 * 2.5).epsilon(1e-12));
}

TEST_CASE("A series file's problems are located in it, with a hint, and fail the load", "[step-series]") {
  const auto validate_costs = [](const std::string& name, const std::string& costs, const std::string& purchase) {
    return run_fleetsim("validate " + write_temp_file(name + ".yaml", fixed_power_scenario(costs, purchase)));
  };
  const auto validate = [&](const std::string& name, const std::string& csv) {
    write_temp_file(name + ".csv", csv);
    return validate_costs(name, "{electricity_price: {file: " + name + ".csv, column: usd_per_kwh}}",
                          "{price_per_hour: 2}");
  };
  const auto bad_number = validate("series-bad-number", "hour,usd_per_kwh\n0,0.1\n1,abc\n");
  CHECK(bad_number.exit_code == 1);
  CHECK(bad_number.err.find("series-bad-number.csv:3:3: error: costs.electricity_price.file: column "
                            "\"usd_per_kwh\": expected a number, found \"abc\"") != std::string::npos);
  CHECK(bad_number.err.find("hint: one plain number per row") != std::string::npos);
  const auto negative = validate("series-negative", "usd_per_kwh\n0.1\n-0.2\n");
  CHECK(negative.exit_code == 1);
  CHECK(negative.err.find("series-negative.csv:3:1: error: costs.electricity_price.file: column \"usd_per_kwh\": "
                          "expected a number >= 0, found -0.2") != std::string::npos);
  const auto empty = validate("series-empty", "# no rows yet\nusd_per_kwh\n\n");
  CHECK(empty.exit_code == 1);
  CHECK(empty.err.find("series-empty.csv:2:1: error: costs.electricity_price.file: column \"usd_per_kwh\" has no "
                       "values") != std::string::npos);
  const auto no_column = validate("series-no-column", "hour,usd_per_kwhh\n0,0.1\n");
  CHECK(no_column.exit_code == 1);
  CHECK(no_column.err.find("series-no-column.csv:1:1: error: costs.electricity_price.file: the header has no "
                           "column \"usd_per_kwh\"") != std::string::npos);
  CHECK(no_column.err.find("did you mean \"usd_per_kwhh\"") != std::string::npos);
  const auto short_row = validate("series-short-row", "hour,usd_per_kwh\n0\n");
  CHECK(short_row.exit_code == 1);
  CHECK(short_row.err.find("series-short-row.csv:2:2: error: costs.electricity_price.file: the row has 1 cells") !=
        std::string::npos);

  const auto missing = validate_costs("series-missing", "{electricity_price: {file: no-such-series.csv, column: x}}",
                                      "{price_per_hour: 2}");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("series-missing.yaml:") != std::string::npos);
  CHECK(missing.err.find("error: costs.electricity_price.file: cannot read the series file") != std::string::npos);
  CHECK(missing.err.find("no-such-series.csv") != std::string::npos);

  const auto both =
      validate_costs("series-both", "{carbon_intensity: {file: a.csv, column: x, values: [1]}}", "{price_per_hour: 2}");
  CHECK(both.exit_code == 1);
  CHECK(both.err.find("costs.carbon_intensity: give either file (with column) or values") != std::string::npos);
  const auto short_step =
      validate_costs("series-step", "{electricity_price: {values: [1, 2], step: 10s}}", "{price_per_hour: [1, -2]}");
  CHECK(short_step.exit_code == 1);
  CHECK(short_step.err.find("costs.electricity_price.step") != std::string::npos);
  CHECK(short_step.err.find("purchase.spot.price_per_hour[1]") != std::string::npos);
}
