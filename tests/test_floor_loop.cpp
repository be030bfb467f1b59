// The benchmark's floor (bench/floor_loop.hpp) runs the traffic it is given,
// makes the calls fleetsim makes, and fleetsim-bench prints the ratio.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/io/scenario_loader.hpp"
#include "floor_loop.hpp"
#include "support/cli_runner.hpp"

using fleetsim::testing::read_file;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

// Two pools and two routes, as in the agentic benchmark, at toy size.
std::string tiny_scenario(const std::string& repeat) {
  return R"(name: floor-tiny
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 2, models: [llama-3.1-8b], engine: {max_batch_size: 8}}
    - {name: cpu, hardware: graviton4-c8g.48xlarge, count: 2, models: [llama-3.2-3b], engine: {max_batch_size: 4}}
routing:
  - {model: llama-3.1-8b, pools: [gpu], policy: session_affinity, affinity_max_queue: 2}
  - {model: llama-3.2-3b, pools: [cpu], policy: least_outstanding}
workloads:
  - name: agent
    arrivals: {process: poisson, rate: 20/s}
    context_tokens: {dist: lognormal, median: 500, sigma: 0.4}
    steps:
      - llm: {model: llama-3.2-3b, prompt_tokens: 50, output_tokens: 20}
      - loop:
          repeat: )" + repeat + R"(
          steps:
            - tool: {latency: {dist: exponential, mean: 1s}, result_tokens: 100}
            - llm: {model: llama-3.1-8b, prompt_tokens: 20, output_tokens: {dist: lognormal, median: 50, sigma: 0.5}}
simulation:
  sessions: 300
  seed: 7
)";
}

fleetsim::Scenario load_floor_scenario(const std::string& text) {
  const fleetsim::LoadResult r = fleetsim::load_scenario_text(text, "floor-tiny.yaml");
  REQUIRE(r.ok());
  return *r.scenario;
}

}  // namespace

TEST_CASE("The floor runs exactly the sessions and calls it is given", "[bench][floor]") {
  const auto r = fleetsim::bench::run_floor(load_floor_scenario(tiny_scenario("3")));
  CHECK(r.sessions_started == 300);
  CHECK(r.sessions_completed == 300);
  CHECK(r.llm_calls == 300 * 4);
  CHECK(r.tool_calls == 300 * 3);
  // One event per session arrival, tool call end and LLM call end; nothing else.
  CHECK(r.events == 300 + 300 * 3 + 300 * 4);
  CHECK(r.simulated_s > 0.0);
  CHECK(r.wall_s > 0.0);
  // Deterministic.
  const auto again = fleetsim::bench::run_floor(load_floor_scenario(tiny_scenario("3")));
  CHECK(again.simulated_s == r.simulated_s);
}

TEST_CASE("The floor draws the same chains as fleetsim", "[bench][floor]") {
  // Random loop counts: the floor's per-session streams must match
  // FleetModel's for the call counts to agree.
  const std::string text = tiny_scenario("{dist: uniform, min: 1, max: 7}");
  const auto floor = fleetsim::bench::run_floor(load_floor_scenario(text));
  const std::string file = write_temp_file("floor-tiny.yaml", text);
  const std::string report = temp_path("floor-tiny.json");
  const auto run = run_fleetsim("run '" + file + "' --format json --output '" + report + "' --no-progress");
  REQUIRE(run.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(report));
  CHECK(floor.sessions_completed == j["workloads"][0]["sessions_completed"].get<std::int64_t>());
  CHECK(floor.llm_calls == j["workloads"][0]["llm_calls"].get<std::int64_t>());
  CHECK(floor.tool_calls == j["workloads"][0]["tool_calls"].get<std::int64_t>());
}

TEST_CASE("fleetsim-bench prints fleetsim's cost per call as a multiple of the floor's", "[bench][floor]") {
  write_temp_file("floor-tiny.yaml", tiny_scenario("3"));
  const std::string cases =
      write_temp_file("floor-cases.yaml", "cases:\n  - {name: floor-tiny, scenario: floor-tiny.yaml}\n");
  const std::string out = temp_path("bench.out");
  const std::string json_out = temp_path("bench.json");
  const std::string command = std::string("'") + FLEETSIM_BENCH_BINARY + "' --cases '" + cases + "' --fleetsim '" +
                              FLEETSIM_BINARY + "' --repeat 2 --json '" + json_out + "' >'" + out + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string table = read_file(out);
  INFO(table);
  CHECK(table.find("x floor") != std::string::npos);
  CHECK(table.find("floor-tiny") != std::string::npos);
  const auto j = nlohmann::json::parse(read_file(json_out));
  const auto& c = j["cases"][0];
  CHECK(c["floor_ratio"].get<double>() > 0.0);
  CHECK(c["floor_ratio_runs"].size() == 2);
  CHECK(c["floor"]["wall_s_runs"].size() == 2);
  CHECK(c["floor"]["llm_calls"].get<double>() == c["llm_calls"].get<double>());
  CHECK(c["floor"]["sessions"].get<double>() == 300);
}
