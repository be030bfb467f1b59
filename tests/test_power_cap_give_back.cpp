// A site power cap that falls below what an autoscaled pool's nodes need
// (docs/autoscaling.md, "Under a power cap"): the nodes the pools give
// back, by hand. With the power cap tests' node (tests/support/
// power_cap_calls.hpp): node baseline b = 3920 W, one replica's largest
// draw d_max = 2240 W; a cap P leaves room for the nodes that stay, B_kept,
// when B_kept + d_max <= P, and otherwise the pools give back
//   n = ceil((B_kept + d_max - P) / b)
// nodes, in the scenario's pool order.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/autoscale_spec.hpp"
#include "fleetsim/core/pool_autoscaler.hpp"
#include "support/power_cap_calls.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Json = nlohmann::json;
using State = PoolAutoscaler::NodeState;

namespace {

// kTwoCalls run for 100 s (the two calls come at 60 s) under `cap`, with
// one pool per name in `pools`, each starting with one node and asked for
// `nodes` by a schedule from time 0; nodes serve as soon as they start.
// Evaluations at 15, 30, ..., 90 s.
std::string scheduled(int nodes, const std::string& cap, const std::vector<std::string>& pools = {"gpu"}) {
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

const Json& autoscale(const Json& report, std::size_t pool) { return report["pools"][pool]["autoscale"]; }

}  // namespace

TEST_CASE("a pool gives back its idle nodes first, then its busy ones, never below min", "[autoscaling][power_cap]") {
  AutoscaleSpec a;
  a.policy = "concurrency";
  a.target = 1.0;
  a.min_nodes = 2;
  a.max_nodes = 7;
  a.scale_in_window_s = 0.0;
  PoolAutoscaler scaler(a, 6, 1, 0.0, 0.0);  // nodes 0..5 serve, node 6 is off
  // Nodes 1, 3 and 4 hold calls; 0, 2 and 5 are idle.
  const std::vector<std::uint8_t> busy{0, 1, 0, 1, 1, 0, 0};
  PoolAutoscaler::Actions out;
  // Three to go: the idle ones, highest index first.
  CHECK(scaler.give_back(10.0, 3, busy, out) == 3);
  CHECK(out.drain == std::vector<int>{5, 2, 0});
  CHECK(scaler.given_back_draining() == 3);
  // Five more asked: busy ones now, highest first, until min (2) remain.
  out = {};
  CHECK(scaler.give_back(10.0, 5, busy, out) == 1);
  CHECK(out.drain == std::vector<int>{4});
  CHECK(scaler.count(State::serving) == 2);
  CHECK(scaler.nodes_given_back() == 4);
  scaler.node_drained(5, 10.0);
  CHECK(scaler.given_back_draining() == 3);
  // 40 calls in flight on a target of 1 ask for the maximum: a node given
  // back is never taken back, so with a start limit of 1 only off node 5
  // starts (node 6 is held), and the wish is capped at what the limit
  // allows: the 2 nodes on and 1 start.
  scaler.load_changed(10.0, 40, 2);
  out = {};
  scaler.evaluate(15.0, out, 1);
  CHECK(out.reopen.empty());
  CHECK(out.start == std::vector<int>{5});
  CHECK(scaler.wish() == 3);
  CHECK(scaler.starts_held() == 1);  // wanted 7: 2 on, 3 draining not taken back, 1 started, 1 off held
}

TEST_CASE("the policy's wish never exceeds what the start limit allows", "[autoscaling][power_cap]") {
  AutoscaleSpec a;
  a.policy = "concurrency";
  a.target = 1.0;
  a.min_nodes = 1;
  a.max_nodes = 10;
  a.scale_in_window_s = 0.0;
  PoolAutoscaler scaler(a, 2, 1, 0.0, 0.0);
  PoolAutoscaler::Actions out;
  scaler.load_changed(0.0, 40, 2);
  for (int limit : {0, 1, 3, 20}) {
    out = {};
    const int on = scaler.count(State::serving) + scaler.count(State::starting);
    scaler.evaluate(15.0 * (limit + 1), out, limit);
    // Wanted the maximum, 10: capped at the nodes on plus the limit.
    CHECK(scaler.wish() == std::min(10, on + limit));
    CHECK(static_cast<int>(out.start.size()) == std::min(10 - on, limit));
  }
}

TEST_CASE("a cap that falls below the baseline makes the pool give back nodes, idle ones at once",
          "[autoscaling][power_cap]") {
  // 17,920 W carries the four nodes the schedule asks for at 15 s (k =
  // floor((17920 - 3920 - 2240) / 3920) = 3). At 35 s the cap falls to
  // 10,080 W: n = ceil((4 x 3920 + 2240 - 10080) / 3920) = 2 nodes go, and
  // no call runs before 60 s, so both go off at once: the two highest.
  const Json report = run_json("fall.yaml", scheduled(4, "{schedule: [{at: 0s, power: 17920W}, {at: 35s, power: 10080W}]}"));
  const Json& a = autoscale(report, 0);
  CHECK(a["nodes_stopped_by_power_cap"].get<long>() == 2);
  CHECK(a["nodes_drained"].get<long>() == 2);
  CHECK(a["peak_nodes"].get<int>() == 4);
  // One node for 15 s, four for 20 s, two for 65 s.
  CHECK(a["mean_nodes"].get<double>() == Approx((15.0 + 4 * 20.0 + 2 * 65.0) / 100.0));
  // The schedule still asks for 4 at 45, 60, 75 and 90 s; the start limit
  // is floor((10080 - 7840 - 2240) / 3920) = 0: 2 held each time.
  CHECK(a["starts_held_by_power_cap"].get<long>() == 8);
  // Idle nodes go off at the step: the fleet never drew above the cap.
  CHECK(report["fleet"]["power_cap"]["over_cap_s"].get<double>() == 0.0);
  CHECK(report["fleet"]["power_cap"]["baseline_over_cap_s"].get<double>() == 0.0);
  // A cap that falls only to where the four still fit (4 x 3920 + 2240)
  // takes none.
  const Json kept = run_json("kept.yaml", scheduled(4, "{schedule: [{at: 0s, power: 20000W}, {at: 35s, power: 17920W}]}"));
  CHECK(autoscale(kept, 0)["nodes_stopped_by_power_cap"].get<long>() == 0);
  CHECK(autoscale(kept, 0)["mean_nodes"].get<double>() == Approx((15.0 + 4 * 85.0) / 100.0));
}

TEST_CASE("two pools give back nodes at one instant in the scenario's order", "[autoscaling][power_cap]") {
  // Two pools of one node each, the schedule asking 3 each. Under 25,760 W
  // at 15 s the first starts floor((25760 - 7840 - 2240) / 3920) = 4, of
  // which it wants 2; the second then floor((25760 - 15680 - 2240) / 3920)
  // = 2: six nodes on. At 35 s the cap falls to 14,000 W: n = ceil((6 x
  // 3920 + 2240 - 14000) / 3920) = 3. The first pool gives back what it can
  // above its one serving node, 2; the second the last one.
  const Json report = run_json(
      "two.yaml", scheduled(3, "{schedule: [{at: 0s, power: 25760W}, {at: 35s, power: 14000W}]}", {"gpu", "gpu2"}));
  CHECK(autoscale(report, 0)["nodes_stopped_by_power_cap"].get<long>() == 2);
  CHECK(autoscale(report, 1)["nodes_stopped_by_power_cap"].get<long>() == 1);
  CHECK(autoscale(report, 0)["mean_nodes"].get<double>() == Approx((15.0 + 3 * 20.0 + 1 * 65.0) / 100.0));
  CHECK(autoscale(report, 1)["mean_nodes"].get<double>() == Approx((15.0 + 3 * 20.0 + 2 * 65.0) / 100.0));
}
