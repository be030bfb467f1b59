// A site power cap (docs/performance-model.md 5.3): the gate's bookkeeping
// worked by hand, and runs whose outcome follows from it: a cap that never
// binds changes nothing, one that lets a single replica run at a time makes
// the second of two equal calls wait exactly the first one's time.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/core/power_cap.hpp"
#include "support/cli_runner.hpp"
#include "support/power_cap_calls.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Json = nlohmann::json;

TEST_CASE("the power cap gate admits what fits, queues the rest first come first served, and counts the waits",
          "[power_cap]") {
  PowerCapGate gate(100.0, 3, 0.0);
  CHECK(gate.admit(0, 60.0, 0.0));
  CHECK_FALSE(gate.admit(1, 50.0, 0.0));  // 110 W > 100 W
  CHECK_FALSE(gate.admit(2, 30.0, 1.0));  // 90 W would fit, but replica 1 waits before it
  CHECK(gate.waiting(1));
  CHECK(gate.in_use_w() == 60.0);
  const auto released = gate.end(0, 2.0);  // 0 W in use: 50 W, then 30 W fit
  REQUIRE(released.size() == 2);
  CHECK(released[0] == 1);
  CHECK(released[1] == 2);
  CHECK(gate.in_use_w() == Approx(80.0));
  CHECK_FALSE(gate.admit(0, 40.0, 3.0));  // 120 W
  gate.settle(5.0);
  const PowerCapStats& s = gate.stats();
  CHECK(s.time_at_cap_s == Approx(2.0 + 2.0));            // [0, 2] and [3, 5]
  CHECK(s.held_replica_s == Approx(2.0 + 1.0 + 2.0));     // replica 1 from 0, 2 from 1, 0 from 3
  CHECK(s.held_plans == 3);
  CHECK(s.peak_dynamic_w == Approx(80.0));
}

TEST_CASE("the power cap gate counts only the measured window, and a withdrawn replica stops waiting",
          "[power_cap]") {
  PowerCapGate gate(100.0, 3, 1.5);
  CHECK(gate.admit(0, 60.0, 0.0));
  CHECK_FALSE(gate.admit(1, 50.0, 0.0));
  CHECK_FALSE(gate.admit(2, 30.0, 1.0));
  gate.withdraw(1, 1.75);  // its node failed: replica 2 is now the head
  CHECK_FALSE(gate.waiting(1));
  CHECK(gate.end(0, 2.0).size() == 1);
  const PowerCapStats& s = gate.stats();
  CHECK(s.time_at_cap_s == Approx(0.5));                 // [1.5, 2]
  CHECK(s.held_replica_s == Approx(0.25 + 0.5));         // 1 in [1.5, 1.75], 2 in [1.5, 2]
  CHECK(s.held_plans == 0);                               // both waits began in the warm-up
}


TEST_CASE("a cap that lets one replica run at a time makes the second of two equal calls wait the first's time",
          "[power_cap]") {
  // Baseline 2800 + 8 x 140 = 3920 W; one 4-GPU replica draws at most
  // 4 x (700 - 140) = 2240 W, the smallest cap allowed: 6160 W. An 8000-token
  // prompt is compute bound, so two replicas' prefills (each near 2240 W) do
  // not fit together, and the second call's whole plan (prefill and decode,
  // one plan) starts when the first's ends.
  const Json capped = run_json("cap.yaml", kTwoCalls);
  const Json free = run_json("free.yaml", with(kTwoCalls, "  power_cap: 6160W\n", ""));
  const double t = session_max(free, 0);
  REQUIRE(t > 0.0);
  CHECK(session_max(free, 1) == Approx(t));  // uncapped, both run at once
  const double first = std::min(session_max(capped, 0), session_max(capped, 1));
  const double second = std::max(session_max(capped, 0), session_max(capped, 1));
  CHECK(first == Approx(t));
  CHECK(second == Approx(2 * t));
  const Json& pc = capped["fleet"]["power_cap"];
  CHECK(pc["cap_w"].get<double>() == 6160.0);
  CHECK(pc["baseline_w"].get<double>() == 3920.0);
  CHECK(pc["held_plans"].get<long>() == 1);
  CHECK(pc["time_at_cap_s"].get<double>() == Approx(t));
  CHECK(pc["held_replica_s"].get<double>() == Approx(t));
  CHECK(pc["peak_power_w"].get<double>() <= 6160.0 + 1e-6);
  CHECK(pc["peak_power_w"].get<double>() > 3920.0 + 2240.0 / 2);  // one prefill is over half the budget
  CHECK_FALSE(free["fleet"].contains("power_cap"));
}

TEST_CASE("a cap that never binds leaves every other figure of the report as it was", "[power_cap]") {
  const std::string loaded = with(with(kTwoCalls, "simulation: {sessions: 2, seed: 1}", "simulation: {duration: 120s, warmup: 20s, seed: 3}"),
                                  "rate: 1/min", "rate: 2/s");
  // 3920 W + 2 x 2240 W: both replicas at their largest draw fit.
  Json roomy = run_json("roomy.yaml", with(loaded, "6160W", "8400W"));
  const Json free = run_json("free2.yaml", with(loaded, "  power_cap: 6160W\n", ""));
  CHECK(roomy["fleet"]["power_cap"]["time_at_cap_s"].get<double>() == 0.0);
  CHECK(roomy["fleet"]["power_cap"]["held_plans"].get<long>() == 0);
  roomy["fleet"].erase("power_cap");
  CHECK(roomy.dump() == free.dump());
}

TEST_CASE("under load a binding cap holds plans, and the measured pool power stays under it", "[power_cap]") {
  const std::string loaded = with(with(kTwoCalls, "simulation: {sessions: 2, seed: 1}", "simulation: {duration: 120s, warmup: 20s, seed: 3}"),
                                  "rate: 1/min", "rate: 2/s");
  const Json capped = run_json("loaded.yaml", loaded);
  const Json& pc = capped["fleet"]["power_cap"];
  CHECK(pc["time_at_cap_s"].get<double>() > 0.0);
  CHECK(pc["held_plans"].get<long>() > 0);
  // The power timeline integrates each iteration's energy on its own: its
  // highest one-second mean must not pass the cap either.
  CHECK(capped["pools"][0]["peak_power_w"].get<double>() <= 6160.0 + 1e-6);
}

TEST_CASE("a power cap below the baseline plus one replica's largest draw is an error naming the least cap",
          "[power_cap]") {
  check_error(with(kTwoCalls, "6160W", "6kW"),
              "test.yaml:3:14: error: fleet.power_cap: power_cap 6000 W leaves 2080 W above the fleet's baseline of "
              "3920 W, less than one replica's largest draw above idle, 2240 W",
              "raise it to at least 6160 W");
}

TEST_CASE("a tool pool is inside the cap at its full draw, which the least cap and the baseline count",
          "[power_cap]") {
  // One Graviton4 c8g.48xlarge tool node: host 160 W + 2 sockets x 120 W
  // with every core busy = 400 W, reserved: the cap does not gate tool calls.
  const std::string with_tools =
      with(kTwoCalls, "routing:", "  tool_pools:\n    - {name: sandbox, hardware: graviton4-c8g.48xlarge, count: 1}\nrouting:");
  check_error(with_tools,
              "test.yaml:3:14: error: fleet.power_cap: power_cap 6160 W leaves 1840 W above the fleet's baseline of "
              "4320 W, less than one replica's largest draw above idle, 2240 W",
              "raise it to at least 6560 W");
  // At the least cap the two calls' plans still run one after the other.
  const Json capped = run_json("tools.yaml", with(with_tools, "6160W", "6560W"));
  const Json& pc = capped["fleet"]["power_cap"];
  CHECK(pc["baseline_w"].get<double>() == 4320.0);
  CHECK(pc["held_plans"].get<long>() == 1);
  CHECK(pc["peak_power_w"].get<double>() <= 6560.0 + 1e-6);
}

TEST_CASE("with an autoscaled pool the budget follows the nodes that are on", "[power_cap][autoscaling]") {
  // The pool may hold 2 nodes and starts with 1: the least cap counts the
  // one, 3920 W + one replica's 2240 W = 6160 W (the second node starts
  // only while the cap leaves that 2240 W: tests/test_power_cap_autoscaling.cpp).
  // At 10080 W with one node on, the budget is 10080 - 3920 = 6160 W: both
  // calls' plans (each under 2240 W) run at once, as without a cap. With
  // the second node started at 30 s (no provisioning delay; 10080 - 7840 =
  // 2240 W is just room for it), before the calls come at 60 s, the budget
  // is 2240 W: one plan at a time, the second call waits the first's time.
  const auto scaled = [](const char* schedule) {
    return with(with(kTwoCalls, "6160W", "10080W"), "      count: 1\n",
                std::string("      count: 1\n      autoscale: {policy: schedule, min: 1, max: 2, schedule: ") + schedule +
                    ", startup: 0s, load_bandwidth: 0GB/s}\n");
  };
  check_error(with(scaled("[{at: 0s, nodes: 1}]"), "10080W", "6000W"),
              "test.yaml:3:14: error: fleet.power_cap: power_cap 6000 W leaves 2080 W above the fleet's baseline of "
              "3920 W, less than one replica's largest draw above idle, 2240 W",
              "raise it to at least 6160 W");
  const Json free = run_json("free.yaml", with(kTwoCalls, "  power_cap: 6160W\n", ""));
  const double t = session_max(free, 0);
  const Json one = run_json("one.yaml", scaled("[{at: 0s, nodes: 1}]"));
  CHECK(session_max(one, 0) == Approx(t));
  CHECK(session_max(one, 1) == Approx(t));
  const Json& pc1 = one["fleet"]["power_cap"];
  CHECK(pc1["baseline_w"].get<double>() == 7840.0);  // the most it can be: both nodes on
  CHECK(pc1["held_plans"].get<long>() == 0);
  CHECK(pc1["peak_power_w"].get<double>() <= 3920.0 + 2 * 2240.0 + 1e-6);
  CHECK(pc1["peak_power_w"].get<double>() > 3920.0 + 2240.0);  // two prefills at once
  const Json two = run_json("two.yaml", scaled("[{at: 0s, nodes: 1}, {at: 30s, nodes: 2}]"));
  const double first = std::min(session_max(two, 0), session_max(two, 1));
  const double second = std::max(session_max(two, 0), session_max(two, 1));
  CHECK(first == Approx(t));
  CHECK(second == Approx(2 * t));
  CHECK(two["fleet"]["power_cap"]["held_plans"].get<long>() == 1);
  CHECK(two["fleet"]["power_cap"]["peak_power_w"].get<double>() <= 10080.0 + 1e-6);
}
