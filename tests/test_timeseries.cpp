// The run's time series (fleetsim run --timeseries): the recorder on a
// hand-fed history, the toy fleet's single-server queue computed by hand,
// and through the command line the invariants against the report (energy,
// calls, sessions), determinism and bad --bin values.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/time_series.hpp"
#include "fleetsim/io/time_series_writer.hpp"
#include "support/cli_runner.hpp"
#include "support/csv_records.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

double cell_num(const std::map<std::string, std::string>& row, const std::string& column) {
  return std::strtod(row.at(column).c_str(), nullptr);
}

}  // namespace

TEST_CASE("Time series bins a hand-fed history of one replica exactly", "[timeseries]") {
  // One pool of one replica with 100 KV blocks on a node idling at 50 W;
  // bins of 10 s from 0, the run ending at 25 s.
  TimeSeries ts(0.0, 10.0, {{"p", 1, 1, 100, 50.0}}, {"w"});
  ts.session_started(0, 1.0);
  ts.call_arrived(0, 1.0);
  ts.levels(0, 1.0, +1, 0, 0);    // queued
  ts.levels(0, 1.0, -1, +1, 10);  // admitted at once: 10 blocks
  ts.session_started(0, 2.0);
  ts.call_arrived(0, 2.0);
  ts.levels(0, 2.0, +1, 0, 0);  // waits behind the first
  ts.busy(0, 1.0, 6.0, 500.0);
  ts.call_finished(0, 6.0);
  ts.session_ended(0, 6.0);
  ts.levels(0, 6.0, -1, 0, 10);  // the first leaves (its 10 blocks retained), the second runs: 20 blocks
  ts.session_started(0, 10.0);   // on a boundary: the later bin
  ts.busy(0, 6.0, 14.0, 800.0);  // 400 J in each bin
  ts.call_finished(0, 14.0);
  ts.session_ended(0, 14.0);
  ts.levels(0, 14.0, 0, -1, -20);
  ts.session_ended(0, 25.0);  // at the run's very end: the last bin
  ts.settle(25.0);

  const TimeSeriesTable t = ts.table(25.0);
  REQUIRE(t.pool_rows.size() == 3);
  REQUIRE(t.workload_rows.size() == 3);
  const PoolBinRow& a = t.pool_rows[0];
  CHECK(a.bin_start_s == 0.0);
  CHECK(a.bin_end_s == 10.0);
  CHECK(a.power_w == Approx(50.0 + (500.0 + 400.0) / 10.0));
  CHECK(a.utilization == Approx(0.9));           // busy 1..10
  CHECK(a.queue_mean == Approx(0.4));            // one waiting 2..6
  CHECK(a.running_mean == Approx(0.9));          // one running 1..10
  CHECK(a.kv_occupancy_mean == Approx(0.13));    // 10 blocks 1..6, 20 blocks 6..10: 130 / (100 x 10)
  CHECK(a.arrivals == 2);
  CHECK(a.completions == 1);
  const PoolBinRow& b = t.pool_rows[1];
  CHECK(b.power_w == Approx(50.0 + 400.0 / 10.0));
  CHECK(b.utilization == Approx(0.4));
  CHECK(b.queue_mean == Approx(0.0));
  CHECK(b.running_mean == Approx(0.4));
  CHECK(b.kv_occupancy_mean == Approx(0.08));
  CHECK(b.arrivals == 0);
  CHECK(b.completions == 1);
  const PoolBinRow& c = t.pool_rows[2];  // cut at the run's end
  CHECK(c.bin_start_s == 20.0);
  CHECK(c.bin_end_s == 25.0);
  CHECK(c.power_w == Approx(50.0));
  CHECK(c.utilization == 0.0);

  CHECK(t.workload_rows[0].sessions_started == 2);
  CHECK(t.workload_rows[0].sessions_finished == 1);
  CHECK(t.workload_rows[0].sessions_in_flight == 1);
  CHECK(t.workload_rows[1].sessions_started == 1);
  CHECK(t.workload_rows[1].sessions_finished == 1);
  CHECK(t.workload_rows[1].sessions_in_flight == 1);
  CHECK(t.workload_rows[2].sessions_finished == 1);
  CHECK(t.workload_rows[2].sessions_in_flight == 0);

  CHECK(render_time_series_csv(t) ==
        "bin_start_s,bin_end_s,scope,name,nodes,power_w,utilization,queue_mean,running_mean,kv_occupancy_mean,"
        "arrivals,completions,sessions_started,sessions_finished,sessions_in_flight\n"
        "0.000000,10.000000,pool,p,1,140.000,0.900000,0.400000,0.900000,0.130000,2,1,,,\n"
        "0.000000,10.000000,workload,w,,,,,,,,,2,1,1\n"
        "10.000000,20.000000,pool,p,1,90.000,0.400000,0.000000,0.400000,0.080000,0,1,,,\n"
        "10.000000,20.000000,workload,w,,,,,,,,,1,1,1\n"
        "20.000000,25.000000,pool,p,1,50.000,0.000000,0.000000,0.000000,0.000000,0,0,,,\n"
        "20.000000,25.000000,workload,w,,,,,,,,,0,1,0\n");
}

TEST_CASE("Time series starts at the window: earlier sessions are in flight, not started", "[timeseries]") {
  TimeSeries ts(100.0, 50.0, {{"p, \"spare\"", 2, 0, 0, 10.0}}, {"w"});
  ts.session_started(0, 20.0);
  ts.session_started(0, 30.0);
  ts.session_ended(0, 40.0);
  ts.session_ended(0, 120.0);
  ts.busy(0, 90.0, 110.0, 200.0);  // half of it before the window
  ts.settle(130.0);
  const TimeSeriesTable t = ts.table(130.0);
  REQUIRE(t.workload_rows.size() == 1);
  CHECK(t.workload_rows[0].sessions_started == 0);
  CHECK(t.workload_rows[0].sessions_finished == 1);
  CHECK(t.workload_rows[0].sessions_in_flight == 0);
  REQUIRE(t.pool_rows.size() == 1);
  CHECK(t.pool_rows[0].power_w == Approx(10.0 + 100.0 / 30.0));
  const std::string csv = render_time_series_csv(t);
  // No replicas: utilization is undefined, an empty cell; a name with a comma is quoted.
  CHECK_THAT(csv, Catch::Matchers::Contains("100.000000,130.000000,pool,\"p, \"\"spare\"\"\",2,13.333,,"));
  CHECK(ts.table(100.0).pool_rows.empty());  // no window, no rows
}

TEST_CASE("Time series of a single-server queue on the toy fleet, computed by hand", "[timeseries]") {
  // Three one-call sessions arrive together at one replica that runs one
  // sequence at a time: the calls run back to back, C seconds each.
  Scenario sc = toy_scenario(1, 1, {toy_llm(100, 10)});
  sc.pools[0].engine.max_batch_size = 1;
  FleetModel fleet(sc);
  const double call = toy_call_s(100, 10);
  fleet.record_time_series(1.5 * call);
  ToyDriver driver(fleet);
  for (int i = 0; i < 3; ++i) driver.arrive(0.0, 0);
  driver.run();
  REQUIRE(driver.session_ends.size() == 3);
  const double end = driver.session_ends.back();
  CHECK(end == exactly(3 * call));
  fleet.settle(end);
  const TimeSeriesTable t = fleet.time_series()->table(end);

  // Bins [0, 1.5C) and [1.5C, 3C]: two wait during [0, C), one during [C, 2C).
  REQUIRE(t.pool_rows.size() == 2);
  const PoolBinRow& a = t.pool_rows[0];
  const PoolBinRow& b = t.pool_rows[1];
  CHECK(a.queue_mean == exactly(2.5 / 1.5));
  CHECK(b.queue_mean == exactly(0.5 / 1.5));
  CHECK(a.running_mean == exactly(1.0));
  CHECK(b.running_mean == exactly(1.0));
  CHECK(a.utilization == exactly(1.0));
  CHECK(b.utilization == exactly(1.0));
  CHECK(a.arrivals == 3);
  CHECK(b.arrivals == 0);
  CHECK(a.completions == 1);  // at C
  CHECK(b.completions == 2);  // at 2C and at the run's end, 3C
  REQUIRE(t.workload_rows.size() == 2);
  CHECK(t.workload_rows[0].sessions_started == 3);
  CHECK(t.workload_rows[0].sessions_finished == 1);
  CHECK(t.workload_rows[0].sessions_in_flight == 2);
  CHECK(t.workload_rows[1].sessions_finished == 2);
  CHECK(t.workload_rows[1].sessions_in_flight == 0);

  // Energy and KV occupancy add up to what the replica accounted for the report.
  const ReplicaStats& st = fleet.replicas()[0].stats();
  double energy = 0.0, kv_block_s = 0.0;
  for (const PoolBinRow& r : t.pool_rows) {
    const double width = r.bin_end_s - r.bin_start_s;
    energy += r.power_w * width;
    kv_block_s += r.kv_occupancy_mean * static_cast<double>(t.pools[0].kv_blocks) * width;
  }
  CHECK(energy == Approx(st.dynamic_energy_j + t.pools[0].baseline_w * end).epsilon(1e-12));
  CHECK(kv_block_s == Approx(st.kv_block_seconds).epsilon(1e-12));
}

TEST_CASE("The time series adds up to the report and is byte-identical run to run", "[timeseries][cli]") {
  const std::string series = temp_path("series.csv"), again = temp_path("series-again.csv");
  const std::string report = temp_path("series-report.json");
  const auto r = run_fleetsim("run '" + kQuickstart + "' --no-progress --format json -o '" + report +
                              "' --timeseries '" + series + "' --bin 7s");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(report));
  const auto rows = csv_records(read_file(series));
  const double window = j["run"]["window_end_s"].get<double>() - j["run"]["window_start_s"].get<double>();
  CHECK(window == 600.0);

  double energy = 0.0;
  std::map<std::string, double> busy_s, completions, started, finished;
  std::map<std::string, double> last_in_flight;
  double last_end = 0.0;
  for (const auto& row : rows) {
    const double width = cell_num(row, "bin_end_s") - cell_num(row, "bin_start_s");
    CHECK(width > 0.0);
    CHECK(width <= 7.0);
    const std::string& name = row.at("name");
    if (row.at("scope") == "pool") {
      energy += cell_num(row, "power_w") * width;
      busy_s[name] += cell_num(row, "utilization") * width;
      completions[name] += cell_num(row, "completions");
    } else {
      REQUIRE(row.at("scope") == "workload");
      started[name] += cell_num(row, "sessions_started");
      finished[name] += cell_num(row, "sessions_finished");
      last_in_flight[name] = cell_num(row, "sessions_in_flight");
    }
    last_end = cell_num(row, "bin_end_s");
  }
  CHECK(rows.size() == 86 * 4);  // ceil(600 / 7) bins, two pools and two workloads each
  CHECK(last_end == j["run"]["window_end_s"].get<double>());
  // Printed to the milliwatt (at most 0.5 mW x 7 s off per row), the bins'
  // energy is the report's to rounding.
  CHECK(energy == Approx(j["fleet"]["it_energy_j"].get<double>()).margin(0.0035 * static_cast<double>(rows.size())));
  for (const auto& pool : j["pools"]) {
    const std::string name = pool["name"];
    CHECK(completions[name] == pool["llm_calls"].get<double>());
    CHECK(busy_s[name] / window == Approx(pool["utilization"].get<double>()).epsilon(1e-6));
  }
  for (const auto& w : j["workloads"]) {
    const std::string name = w["name"];
    CHECK(started[name] == w["sessions_started"].get<double>());
    CHECK(finished[name] == w["sessions_completed"].get<double>());
    CHECK(last_in_flight[name] == w["sessions_in_flight"].get<double>());
  }

  const auto r2 = run_fleetsim("run '" + kQuickstart + "' --no-progress --format json -o '" + report +
                               "' --timeseries '" + again + "' --bin 7s");
  REQUIRE(r2.exit_code == 0);
  CHECK(read_file(again) == read_file(series));
}

TEST_CASE("A bad --bin is a bad command line, an unwritable series writes no report", "[timeseries][cli]") {
  const std::string series = temp_path("bad-bin.csv"), report = temp_path("bad-bin.json");
  for (const std::string bin : {"abc", "0s", "-5s", "5 parsecs", "1us"}) {
    INFO(bin);
    const auto r = run_fleetsim("run '" + kQuickstart + "' --no-progress -o '" + report + "' --timeseries '" + series +
                                "' --bin '" + bin + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Matchers::Contains("--bin"));
    CHECK_FALSE(std::filesystem::exists(series));
    CHECK_FALSE(std::filesystem::exists(report));
  }
  const auto alone = run_fleetsim("run '" + kQuickstart + "' --no-progress --bin 10s");
  CHECK(alone.exit_code == 2);
  CHECK_THAT(alone.err, Catch::Matchers::Contains("--timeseries"));

  // Two hours in bins of a millisecond: refused before the run.
  const auto many = run_fleetsim("run '" + kQuickstart + "' --no-progress --set simulation.duration=2h -o '" + report +
                                 "' --timeseries '" + series + "' --bin 1ms");
  CHECK(many.exit_code == 1);
  CHECK_THAT(many.err, Catch::Matchers::Contains("wider --bin"));
  CHECK_FALSE(std::filesystem::exists(report));

  const std::string dir = temp_path("series-dir");
  std::filesystem::create_directory(dir);
  const auto r = run_fleetsim("run '" + kQuickstart + "' --no-progress -o '" + report + "' --timeseries '" + dir + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Matchers::Contains(dir));
  CHECK_FALSE(std::filesystem::exists(report));
}

TEST_CASE("With clocks lowered at a power cap the series' energy is still the report's", "[timeseries][cli][power_cap]") {
  const std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/power-cap.yaml";
  const std::string series = temp_path("lowered-series.csv"), report = temp_path("lowered-report.json");
  const auto r = run_fleetsim("run '" + scenario + "' --variant capped-lower-clocks --set simulation.duration=3min "
                              "--no-progress --format json -o '" + report + "' --timeseries '" + series + "' --bin 5s");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(report));
  // Plans did run at lower states: their energy is the states' own.
  REQUIRE(j["fleet"]["power_cap"]["lowered_clocks"]["plans"].get<long>() > 0);
  const auto rows = csv_records(read_file(series));
  double energy = 0.0;
  for (const auto& row : rows)
    if (row.at("scope") == "pool")
      energy += cell_num(row, "power_w") * (cell_num(row, "bin_end_s") - cell_num(row, "bin_start_s"));
  // Printed to the milliwatt: at most 0.5 mW x 5 s off per row.
  CHECK(energy == Approx(j["fleet"]["it_energy_j"].get<double>()).margin(0.0025 * static_cast<double>(rows.size())));
}
