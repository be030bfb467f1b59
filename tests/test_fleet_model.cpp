// FleetModel driven without SimGrid through a FleetDriver of the tests' own
// (support/toy_fleet.hpp) on toy fleets whose iteration times are computed by
// hand: one call, a chain with a tool between two calls, two sessions over
// two replicas, and two sessions batched on one replica.
#include <catch2/catch.hpp>

#include <vector>

#include "fleetsim/core/fleet_model.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

TEST_CASE("One call on one replica takes a prefill and a decode per further token", "[fleet_model]") {
  const Scenario sc = toy_scenario(1, 1, {toy_llm(100, 10)});
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(2.0, 0);
  driver.run();

  // Prefill of 100 tokens, then 9 decodes over contexts 100..108:
  // 10 * (1 ms + 2 ms) + 512 B * (100 + 101 + ... + 109) / 1e12 B/s.
  const double call = 10 * 3e-3 + 512.0 * 1045 / 1e12;
  CHECK(toy_call_s(100, 10) == exactly(call));
  REQUIRE(driver.session_ends.size() == 1);
  CHECK(driver.session_ends[0] == exactly(2.0 + call));
  CHECK(fleet.sessions_in_flight() == 0);

  const WorkloadMetrics& m = fleet.metrics().workloads[0];
  CHECK(m.sessions_started == 1);
  CHECK(m.sessions_completed == 1);
  CHECK(m.llm_calls == 1);
  CHECK(m.prompt_tokens == 100);
  CHECK(m.computed_tokens == 100);
  CHECK(m.output_tokens == 10);
  const double ttft = 3e-3 + 512.0 * 100 / 1e12;
  CHECK(m.ttft_s.mean() == exactly(ttft));
  CHECK(m.tpot_s.mean() == exactly((call - ttft) / 9));
  CHECK(m.call_latency_s.mean() == exactly(call));
  CHECK(m.session_latency_s.mean() == exactly(call));
  CHECK(fleet.metrics().pools[0].llm_calls == 1);
  CHECK(fleet.metrics().pools[0].queueing_delay_s.mean() == exactly(0.0));

  const ReplicaStats& st = fleet.replicas()[0].stats();
  CHECK(st.iterations == 10);
  CHECK(st.busy_s == exactly(call));
  CHECK(st.batch_seconds == exactly(call));  // one sequence all along
  // Memory bound, no compute: (300 - 100) W above idle over the memory time.
  CHECK(st.dynamic_energy_j == exactly(200.0 * (call - 10 * 1e-3)));
}

TEST_CASE("A chain llm, tool, llm lasts the sum of its calls and the tool's latency", "[fleet_model]") {
  const Scenario sc = toy_scenario(1, 1, {toy_llm(100, 10), toy_tool(0.5, 20), toy_llm(30, 5)});
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.run();

  // The second call's prompt is the context so far: 100 + 10 from the first
  // call, 20 from the tool's result, 30 new: 160 tokens. Whatever of it the
  // replica still holds is read rather than computed, which touches the same
  // KV, so the call takes the time of a 160-token call.
  const double first = toy_call_s(100, 10);
  const double second = 5 * 3e-3 + 512.0 * (160 + 161 + 162 + 163 + 164) / 1e12;
  CHECK(toy_call_s(160, 5) == exactly(second));
  REQUIRE(driver.session_ends.size() == 1);
  CHECK(driver.session_ends[0] == exactly(first + 0.5 + second));

  const WorkloadMetrics& m = fleet.metrics().workloads[0];
  CHECK(m.llm_calls == 2);
  CHECK(m.tool_calls == 1);
  CHECK(m.prompt_tokens == 100 + 160);
  CHECK(m.output_tokens == 10 + 5);
  // The session's KV (prompt and generated tokens but the last, whose KV was
  // never written) stays on the replica: 109 of the 160 are cached.
  CHECK(m.cached_tokens == 109);
  CHECK(m.computed_tokens == 100 + 51);
  CHECK(m.session_latency_s.mean() == exactly(first + 0.5 + second));
  CHECK(m.call_latency_s.max() == Approx(first).epsilon(0.005));  // the sketch's max: within its 0.5%
  CHECK(fleet.replicas()[0].stats().busy_s == exactly(first + second));
}

TEST_CASE("Two simultaneous sessions go to two idle replicas and run side by side", "[fleet_model]") {
  const Scenario sc = toy_scenario(1, 2, {toy_llm(100, 10)});
  FleetModel fleet(sc);
  REQUIRE(fleet.replicas().size() == 2);
  ToyDriver driver(fleet);
  driver.arrive(1.0, 0);
  driver.arrive(1.0, 0);
  driver.run();

  const double call = toy_call_s(100, 10);
  REQUIRE(driver.session_ends.size() == 2);
  CHECK(driver.session_ends[0] == exactly(1.0 + call));
  CHECK(driver.session_ends[1] == exactly(1.0 + call));
  for (std::size_t r = 0; r < 2; ++r) {
    INFO("replica " << r);
    CHECK(fleet.replicas()[r].stats().iterations == 10);
    CHECK(fleet.replicas()[r].stats().busy_s == exactly(call));
    CHECK(fleet.placements()[r].pool == 0);
  }
  CHECK(fleet.metrics().pools[0].llm_calls == 2);
  CHECK(fleet.metrics().workloads[0].session_latency_s.mean() == exactly(call));
  // Little's law's area: two sessions in the system for `call` seconds each.
  CHECK(fleet.metrics().occupancy.area == exactly(2 * call));
  CHECK(fleet.metrics().occupancy.completed_time_s == exactly(2 * call));
}

TEST_CASE("Two simultaneous sessions on one replica share every iteration", "[fleet_model]") {
  const Scenario sc = toy_scenario(1, 1, {toy_llm(100, 10)});
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.arrive(0.0, 0);
  driver.run();

  // Both prompts in one prefill (200 tokens of KV), then nine decodes of two
  // sequences over contexts 100 + k each: the weights are read once for both.
  double both = toy_iteration_s(200);
  for (int k = 1; k < 10; ++k) both += toy_iteration_s(2.0 * (100 + k));
  CHECK(both == exactly(10 * 3e-3 + 512.0 * (200 + 2 * 945) / 1e12));
  REQUIRE(driver.session_ends.size() == 2);
  CHECK(driver.session_ends[0] == exactly(both));
  CHECK(driver.session_ends[1] == exactly(both));
  const ReplicaStats& st = fleet.replicas()[0].stats();
  CHECK(st.iterations == 10);
  CHECK(st.busy_s == exactly(both));
  CHECK(st.batch_seconds == exactly(2 * both));
  CHECK(fleet.metrics().workloads[0].ttft_s.mean() == exactly(toy_iteration_s(200)));
}
