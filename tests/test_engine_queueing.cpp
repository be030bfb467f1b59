// The engine against results known exactly: queueing theory and Little's law.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/exact_server.hpp"

using fleetsim::testing::exact_server_sections;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::write_temp_file;
using nlohmann::json;

namespace {

// One replica with batch cap 1 serving identical calls (1-token prompt, fixed
// output): a single server with deterministic service time. Compute is made
// negligible and iteration time is weights / bandwidth plus tiny KV reads.
std::string single_server_scenario(const std::string& name, double rate_per_s, const std::string& output_tokens,
                                   double duration_s, std::uint64_t seed, int max_batch = 1, int devices = 1) {
  return fmt::format("name: {name}\n", fmt::arg("name", name)) + exact_server_sections(devices) +
         fmt::format(R"(fleet:
  pools:
    - name: solo
      hardware: toy-gpu
      count: 1
      models: [toy-model]
      engine: {{max_batch_size: {max_batch}, kv_retention: none}}
workloads:
  - name: calls
    arrivals: {{process: poisson, rate: {rate}/s}}
    steps:
      - llm: {{model: toy-model, prompt_tokens: 1, output_tokens: {output}}}
simulation:
  duration: {duration}s
  warmup: {warmup}s
  seed: {seed}
)",
                     fmt::arg("rate", rate_per_s), fmt::arg("output", output_tokens), fmt::arg("duration", duration_s),
                     fmt::arg("warmup", duration_s / 20), fmt::arg("seed", seed), fmt::arg("max_batch", max_batch));
}

json run_queueing_json(const std::string& scenario_name, const std::string& yaml) {
  const std::string path = write_temp_file(scenario_name + ".yaml", yaml);
  const auto r = run_fleetsim("run '" + path + "' --format json --no-progress");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

void check_little(const json& report, double tolerance) {
  const json& ll = report["checks"]["little_law"];
  INFO(ll.dump());
  CHECK(ll["relative_error"].get<double>() < tolerance);
}

}  // namespace

TEST_CASE("One replica with batch cap 1 and fixed service time is an M/D/1 queue", "[engine][queueing]") {
  // Service: 100 iterations of ~10 ms (10 GB of weights at 1 TB/s), S ~ 1.0 s.
  for (double rho_target : {0.5, 0.8}) {
    const double rate = rho_target / 1.0;
    const json r = run_queueing_json("md1", single_server_scenario("md1", rate, "100", 200000.0 / rate, 7));
    const json& w = r["workloads"][0];
    const json& pool = r["pools"][0];
    const double wait = pool["queueing_delay_mean_s"].get<double>();
    const double service = w["call_latency_s"]["mean"].get<double>() - wait;
    const double lambda = r["checks"]["little_law"]["arrival_rate_per_s"].get<double>();
    const double rho = lambda * service;
    const double theory = rho * service / (2.0 * (1.0 - rho));
    INFO("rho " << rho << " service " << service << " wait " << wait << " theory " << theory);
    CHECK(service == Approx(1.0).epsilon(0.01));
    CHECK(w["llm_calls"].get<double>() > 150000);
    // ~190,000 customers: the standard error of the mean wait is ~1% at rho 0.8.
    CHECK(wait == Approx(theory).epsilon(0.04));
    // The replica is busy exactly rho of the time.
    CHECK(pool["utilization"].get<double>() == Approx(rho).epsilon(0.01));
    check_little(r, 0.01);
  }
}

TEST_CASE("Low load leaves calls unqueued and latency equal to the roofline", "[engine][queueing]") {
  const json r = run_queueing_json("idle", single_server_scenario("idle", 0.001, "100", 200000.0, 3));
  const json& w = r["workloads"][0];
  CHECK(r["pools"][0]["queueing_delay_p95_s"].get<double>() == 0.0);
  // TTFT is a one-token prefill: weights / bandwidth = 10 ms.
  CHECK(w["ttft_s"]["p50"].get<double>() == Approx(0.01).epsilon(0.01));
  CHECK(w["tpot_s"]["p50"].get<double>() == Approx(0.01).epsilon(0.01));
}

TEST_CASE("Little's law holds with batching, loops and tools", "[engine][queueing]") {
  // Batched replicas (cap 64) on four devices, exponential outputs.
  const json r = run_queueing_json("little", single_server_scenario("little", 3.0, "{dist: exponential, mean: 80}",
                                                             20000.0, 11, 64, 4));
  check_little(r, 0.01);
  CHECK(r["pools"][0]["mean_batch_size"].get<double>() > 1.0);
}

TEST_CASE("The same scenario and seed give byte-identical JSON", "[engine][determinism]") {
  const std::string yaml = single_server_scenario("det", 5.0, "{dist: lognormal, median: 50, sigma: 1}", 2000.0, 5, 16);
  const std::string path = write_temp_file("det.yaml", yaml);
  const auto a = run_fleetsim("run '" + path + "' --format json --no-progress");
  const auto b = run_fleetsim("run '" + path + "' --format json --no-progress");
  const auto c = run_fleetsim("run '" + path + "' --format json --no-progress --seed 6");
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out != c.out);
}

TEST_CASE("Idle replicas generate no events: a bigger idle fleet costs no more", "[engine][scale]") {
  auto fleet = [](int nodes) {
    return fmt::format(R"(name: idle-{0}
fleet:
  pools:
    - {{name: cpu, hardware: graviton4-c8g.48xlarge, count: {0}, models: [llama-3.2-3b]}}
routing:
  - {{model: llama-3.2-3b, pools: [cpu], policy: least_outstanding}}
workloads:
  - name: w
    arrivals: {{process: poisson, rate: 0.2/s}}
    steps:
      - llm: {{model: llama-3.2-3b, prompt_tokens: 100, output_tokens: 50}}
simulation: {{duration: 30min, seed: 2}}
)",
                       nodes);
  };
  const json small = run_queueing_json("idle-10", fleet(10));
  const json large = run_queueing_json("idle-1000", fleet(1000));
  const double small_events = small["run"]["engine_events"].get<double>();
  const double large_events = large["run"]["engine_events"].get<double>();
  INFO("events with 10 nodes " << small_events << ", with 1000 nodes " << large_events);
  CHECK(small_events > 100);
  CHECK(large_events <= small_events * 1.02);
  // The idle nodes still draw their baseline power and cost their price.
  CHECK(large["fleet"]["compute_cost_usd"].get<double>() ==
        Approx(100 * small["fleet"]["compute_cost_usd"].get<double>()).epsilon(1e-9));
}
