// The power cap tests' fleet (tests/test_power_cap.cpp,
// tests/test_power_cap_response.cpp): one 8x H100 node as two 4-GPU
// replicas. Two sessions start together, 60 s in (one constant interval),
// one call each with a long prompt, one to each replica (least
// outstanding); each call is one plan, a prefill iteration and the decode
// run behind it. Baseline 2800 + 8 x 140 = 3920 W; one replica's largest
// draw 4 x (700 - 140) = 2240 W, so the least cap is 6160 W, the one given.
#pragma once

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace fleetsim::testing {

inline const std::string kTwoCalls = R"(name: power-cap-test
fleet:
  power_cap: 6160W
  pools:
    - name: gpu
      hardware: h100-p5.48xlarge
      count: 1
      models: [llama-3.1-8b]
      engine: {tensor_parallel: 4}
routing:
  - {model: llama-3.1-8b, pools: [gpu], policy: least_outstanding}
workloads:
  - name: a
    arrivals: {process: constant, rate: 1/min}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 8000, output_tokens: 50}
  - name: b
    arrivals: {process: constant, rate: 1/min}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 8000, output_tokens: 50}
simulation: {sessions: 2, seed: 1}
)";

// The scenario `text`, written as `name`, run to its JSON report.
inline nlohmann::json run_json(const std::string& name, const std::string& text) {
  const CliResult r = run_fleetsim("run " + write_temp_file(name, text) + " --format json --no-progress");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

// Workload w's one session's latency.
inline double session_max(const nlohmann::json& report, std::size_t w) {
  return report["workloads"][w]["session_latency_s"]["max"].get<double>();
}

}  // namespace fleetsim::testing
