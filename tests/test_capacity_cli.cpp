// fleetsim capacity end to end, on a server whose answer is exact: one
// replica serving one call at a time, calls of one fixed length arriving
// at fixed intervals (D/D/1). Below the traffic at which the interval equals
// the service time no call ever waits; above it every call waits longer than
// the one before. So the capacity is (interval as written) / (service time).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// 1 prompt token and 1,000 output tokens of a 5e8-parameter bf16 model on 1
// TB/s: about 1 ms per token, so about 1 s per call; one call every 2 s.
const char* kDeterministicServer = R"(name: dd1
hardware:
  toy-server:
    kind: gpu
    devices: 1
    peak_flops: {bf16: 1000000TFLOPS}
    memory_bandwidth: 1TB/s
    memory_capacity: 80GB
    efficiency: {compute: 1.0, memory: 1.0}
    iteration_overhead: 0ms
    power: {idle: 100W, memory_bound: 300W, compute_bound: 500W, host: 0W}
    price_per_hour: 1.0
models:
  toy-model:
    params_total: 5e8
    layers: 1
    hidden_size: 8
    attention_heads: 1
    kv_heads: 1
    head_dim: 8
    weight_dtype: bf16
    kv_dtype: bf16
fleet:
  pools:
    - {name: solo, hardware: toy-server, count: 1, models: [toy-model], engine: {max_batch_size: 1, kv_retention: none}}
workloads:
  - name: calls
    arrivals: {process: constant, rate: 0.5/s}
    steps:
      - llm: {model: toy-model, prompt_tokens: 1, output_tokens: 1000}
    slo: {percentile: 95, ttft: 100ms}
simulation:
  duration: 2000s
  warmup: 200s
)";

}  // namespace

TEST_CASE("capacity: a D/D/1 server serves interval / service time the traffic as written", "[cli][capacity]") {
  const std::string path = write_temp_file("dd1.yaml", kDeterministicServer);
  const auto plain = run_fleetsim("run " + q(path) + " --format json --no-progress");
  INFO(plain.err);
  REQUIRE(plain.exit_code == 0);
  const json report = json::parse(plain.out);
  const double service_s = report["workloads"][0]["call_latency_s"]["mean"].get<double>();
  REQUIRE(service_s == Approx(1.0).epsilon(0.01));
  const double exact = 2.0 / service_s;

  const auto found = run_fleetsim("capacity " + q(path) + " --format json -j 2 --no-progress");
  INFO(found.err);
  REQUIRE(found.exit_code == 0);
  const json c = json::parse(found.out);
  CHECK(c["schema"] == "fleetsim.capacity/1");
  const double capacity = c["capacity_scale"].get<double>();
  const double failed = c["failed_scale"].get<double>();
  // Nothing at or below the exact factor waits, so nothing there fails.
  CHECK(failed > exact);
  // Within the 1% precision below it; above it only by what the window
  // cannot see: at (1 + e) x, the 1,900th call waits 1,900 e s, past the
  // 100 ms bound from e = 5e-5.
  CHECK(capacity >= exact / 1.01);
  CHECK(capacity <= exact * 1.0001);
  CHECK(failed / capacity <= 1.01);
  CHECK(c["workloads"][0]["rate_per_s"].get<double>() == Approx(0.5));
  CHECK(c["workloads"][0]["rate_per_s_at_capacity"].get<double>() == Approx(0.5 * capacity));
  // The same bytes again: every run is seeded, the search deterministic.
  CHECK(run_fleetsim("capacity " + q(path) + " --format json -j 2 --no-progress").out == found.out);
  const auto table = run_fleetsim("capacity " + q(path) + " -j 2 --no-progress");
  CHECK_THAT(table.out, Contains("the scenario's traffic meets every SLO in a steady run"));
  CHECK_THAT(table.out, Contains("calls ttft p95"));
}

TEST_CASE("run --traffic-scale multiplies every arrival rate", "[cli][capacity]") {
  const std::string path = write_temp_file("dd1-scaled.yaml", kDeterministicServer);
  const auto half = run_fleetsim("run " + q(path) + " --format json --no-progress --traffic-scale 0.5");
  INFO(half.err);
  REQUIRE(half.exit_code == 0);
  // One call every 4 s over the 1,800 s window, against every 2 s as written.
  CHECK(json::parse(half.out)["workloads"][0]["llm_calls"] == 450);
}

TEST_CASE("capacity refuses what it cannot scale or judge, and exits 4 when no traffic level passes",
          "[cli][capacity]") {
  const std::string path = write_temp_file("dd1-refusals.yaml", kDeterministicServer);
  std::string without_slo = kDeterministicServer;
  const std::string slo_line = "    slo: {percentile: 95, ttft: 100ms}\n";
  REQUIRE(without_slo.find(slo_line) != std::string::npos);
  without_slo.erase(without_slo.find(slo_line), slo_line.size());
  const auto no_slo =
      run_fleetsim("capacity " + q(write_temp_file("dd1-no-slo.yaml", without_slo)) + " --no-progress");
  CHECK(no_slo.exit_code == 1);
  CHECK_THAT(no_slo.err, Contains("no workload sets an slo:"));

  const std::string trace = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/azure-conv-replay.yaml";
  const auto scaled_trace = run_fleetsim("run " + q(trace) + " --traffic-scale 2 --no-progress");
  CHECK(scaled_trace.exit_code == 1);
  CHECK_THAT(scaled_trace.err, Contains("replays a trace by its times, which a traffic scale cannot multiply"));
  CHECK_THAT(scaled_trace.err, Contains("azure-conv-replay.yaml:"));
  CHECK(run_fleetsim("capacity " + q(trace) + " --no-progress").exit_code == 1);

  // A bound below the 1 ms prefill: no traffic at all meets it.
  const auto never = run_fleetsim("capacity " + q(path) +
                                  " --set 'workloads.calls.slo={percentile: 95, ttft: 0.1ms}' --min-scale 0.25"
                                  " --format json -j 2 --no-progress");
  CHECK(never.exit_code == 4);
  const json n = json::parse(never.out);
  CHECK(n["capacity_scale"].is_null());
  CHECK_THAT(n["stop_reason"].get<std::string>(), Contains("no traffic tried down to 0.25x"));

  CHECK(run_fleetsim("capacity " + q(path) + " --start 2 --max-scale 1").exit_code == 2);
}
