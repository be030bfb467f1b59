// Autoscaled pools under a power cap (tests/test_power_cap_autoscaling.cpp,
// tests/test_power_cap_give_back.cpp): the power cap tests' fleet
// (power_cap_calls.hpp) with its pool autoscaled on a schedule, and a
// concurrency spec for the pure scaler.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/autoscale_spec.hpp"
#include "support/power_cap_calls.hpp"
#include "support/scenario_text.hpp"

namespace fleetsim::testing {

// kTwoCalls run for 100 s (the two calls come at 60 s) under `cap` (a
// power_cap value), with one pool per name in `pools`, each starting with
// one node and asked for `nodes` by a schedule from time 0; nodes serve as
// soon as they start. Evaluations at 15, 30, ..., 90 s, the pools in order.
inline std::string scheduled(int nodes, const std::string& cap, const std::vector<std::string>& pools = {"gpu"}) {
  const std::string n = std::to_string(nodes);
  std::string text = with(with(with(kTwoCalls, "power_cap: 6160W", "power_cap: " + cap), "      count: 1\n",
                               "      count: 1\n      autoscale: {policy: schedule, min: 1, max: " + n +
                                   ", schedule: [{at: 0s, nodes: " + n + "}], startup: 0s, load_bandwidth: 0GB/s}\n"),
                          "simulation: {sessions: 2, seed: 1}", "simulation: {duration: 100s, seed: 1}");
  const std::size_t from = text.find("    - name: gpu\n");
  const std::string pool = text.substr(from, text.find("routing:") - from);
  std::string more, names = "gpu";
  for (std::size_t i = 1; i < pools.size(); ++i) {
    more += with(pool, "name: gpu", "name: " + pools[i]);
    names += ", " + pools[i];
  }
  return with(with(text, "routing:", more + "routing:"), "pools: [gpu]", "pools: [" + names + "]");
}

inline const nlohmann::json& autoscale(const nlohmann::json& report, std::size_t pool) {
  return report["pools"][pool]["autoscale"];
}

// A pool that asks for a node per LLM call in flight, between `min` and
// `max` nodes, with no scale-in window.
inline AutoscaleSpec concurrency_spec(int min, int max) {
  AutoscaleSpec a;
  a.policy = "concurrency";
  a.target = 1.0;
  a.min_nodes = min;
  a.max_nodes = max;
  a.scale_in_window_s = 0.0;
  return a;
}

}  // namespace fleetsim::testing
