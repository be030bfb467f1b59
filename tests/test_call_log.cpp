// Per-call rows (fleetsim run --calls): one row per LLM call that finishes in
// the measured window, whose columns add up to the report's figures; every
// k-th with --calls-every; the same bytes run after run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using fleetsim::testing::read_file;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

const char* kCallLogScenario = R"(name: calls
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], engine: {kv_retention: lru}}
routing:
  - {model: llama-3.1-8b, policy: session_affinity}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 2/s}
    context_tokens: {dist: lognormal, median: 800, sigma: 0.5}
    steps:
      - loop:
          repeat: 3
          steps:
            - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: {dist: lognormal, median: 60, sigma: 0.6}}
simulation: {duration: 2min, warmup: 20s, seed: 4}
)";

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream cells_in(line);
    for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("Per-call rows: one per call of the window, adding up to the report", "[calls][cli]") {
  const std::string scenario = write_temp_file("calls.yaml", kCallLogScenario);
  const std::string csv = temp_path("calls.csv");
  const auto r = run_fleetsim("run '" + scenario + "' --format json --no-progress --calls '" + csv + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto w = nlohmann::json::parse(r.out)["workloads"][0];
  const std::string first = read_file(csv);
  const auto rows = csv_rows(first);
  REQUIRE(rows.size() > 1);
  CHECK(rows[0][0] == "call");
  CHECK(rows[0].size() == 18);
  const long calls = w["llm_calls"].get<long>();
  REQUIRE(static_cast<long>(rows.size()) - 1 == calls);
  double prompt = 0, computed = 0, output = 0, ttft = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 18);
    CHECK(rows[i][0] == std::to_string(i - 1));
    CHECK(rows[i][2] == "chat");
    CHECK(rows[i][3] == "gpu");
    CHECK(rows[i][5] == "llama-3.1-8b");
    // Issued, scheduled, first token, finished: in that order.
    CHECK(std::stod(rows[i][6]) <= std::stod(rows[i][7]));
    CHECK(std::stod(rows[i][7]) <= std::stod(rows[i][8]));
    CHECK(std::stod(rows[i][8]) <= std::stod(rows[i][9]));
    CHECK(std::stol(rows[i][13]) + std::stol(rows[i][14]) == std::stol(rows[i][12]));  // cached + computed
    prompt += std::stod(rows[i][12]);
    computed += std::stod(rows[i][14]);
    output += std::stod(rows[i][15]);
    ttft += std::stod(rows[i][10]);
  }
  CHECK(prompt == w["prompt_tokens"].get<double>());
  CHECK(computed == w["prefill_tokens"].get<double>());
  CHECK(output == w["output_tokens"].get<double>());
  CHECK(ttft / static_cast<double>(calls) == Approx(w["ttft_s"]["mean"].get<double>()).margin(1e-6));

  // The same run, the same bytes; every third call with --calls-every 3.
  REQUIRE(run_fleetsim("run '" + scenario + "' --no-progress --calls '" + csv + "'").exit_code == 0);
  CHECK(read_file(csv) == first);
  REQUIRE(run_fleetsim("run '" + scenario + "' --no-progress --calls '" + csv + "' --calls-every 3").exit_code == 0);
  const auto sampled = csv_rows(read_file(csv));
  CHECK(static_cast<long>(sampled.size()) - 1 == (calls + 2) / 3);
  CHECK(sampled[2][0] == "3");
  CHECK(sampled[2][9] == rows[4][9]);  // call 3 is the same call
}

TEST_CASE("Per-call rows: --calls-every without --calls is a usage error", "[calls][cli]") {
  const auto r = run_fleetsim("run '" + write_temp_file("calls-usage.yaml", kCallLogScenario) + "' --calls-every 2");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--calls-every needs --calls FILE") != std::string::npos);
}

TEST_CASE("Replica timelines: slices of a replica tile its busy time, as Chrome trace events", "[trace_events][cli]") {
  // One replica (one node, one replica a node), so its busy time over the
  // window is the pool's utilization times the window.
  std::string yaml = kCallLogScenario;
  yaml.replace(yaml.find("engine: {kv_retention: lru}"), 27, "engine: {kv_retention: lru, replicas_per_node: 1}");
  const std::string scenario = write_temp_file("timelines.yaml", yaml);
  const std::string events = temp_path("timelines.json");
  const auto r = run_fleetsim("run '" + scenario + "' --format json --no-progress --trace-events '" + events + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  const auto trace = nlohmann::json::parse(read_file(events));
  double busy = 0.0, last_end = 0.0;
  long slices = 0, prompts = 0;
  const double from = report["run"]["window_start_s"].get<double>() * 1e6;
  const double to = report["run"]["window_end_s"].get<double>() * 1e6;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "M") continue;
    REQUIRE(e["ph"] == "X");
    CHECK(e["tid"] == 0);
    const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
    CHECK(ts >= last_end - 1e-3);  // in order, never overlapping
    last_end = ts + dur;
    busy += std::max(0.0, std::min(ts + dur, to) - std::max(ts, from));
    ++slices;
    if (e["cat"] == "prefill") ++prompts;
    if (ts + dur < to) CHECK(e["args"]["iterations"].get<long>() >= 1);  // the run's end may cut the last one
  }
  CHECK(slices > 100);
  CHECK(prompts > 0);
  CHECK(busy / (to - from) == Approx(report["pools"][0]["utilization"].get<double>()).epsilon(1e-6));
}

TEST_CASE("Replica timelines: a replica the fleet lacks is refused, and no file is written", "[trace_events][cli]") {
  const std::string scenario = write_temp_file("timelines-bad.yaml", kCallLogScenario);
  const std::string calls = temp_path("timelines-bad-calls.csv");
  const auto r = run_fleetsim("run '" + scenario + "' --no-progress --calls '" + calls + "' --trace-events '" +
                              temp_path("timelines-bad.json") + "' --trace-replicas 0,99");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("replica 99 does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(calls));
  CHECK(run_fleetsim("run '" + scenario + "' --trace-replicas 1").exit_code == 2);
}

TEST_CASE("Per-call rows: a call that samples 3 returns 3 sequences' tokens, its TPOT one sequence's",
          "[calls][cli][sampling]") {
  const std::string scenario = write_temp_file("calls-sampled.yaml", R"(name: calls-sampled
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 1/s}
    context_tokens: 500
    steps:
      - llm: {model: llama-3.1-8b, output_tokens: 20, samples: 3}
simulation: {duration: 1min, warmup: 10s, seed: 4}
)");
  const std::string csv = temp_path("calls-sampled.csv");
  const auto r = run_fleetsim("run '" + scenario + "' --format json --no-progress --calls '" + csv + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto w = nlohmann::json::parse(r.out)["workloads"][0];
  const auto rows = csv_rows(read_file(csv));
  REQUIRE(rows.size() > 1);
  double output = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i][15] == "60");  // 3 sequences of 20 tokens
    const double tpot = (std::stod(rows[i][9]) - std::stod(rows[i][8])) / 19.0;
    CHECK(std::stod(rows[i][11]) == Approx(tpot).margin(2e-6));
    output += std::stod(rows[i][15]);
  }
  CHECK(output == w["output_tokens"].get<double>());
  CHECK(output == 60.0 * w["llm_calls"].get<double>());
}
