// A site power cap that falls below what an autoscaled pool's nodes need
// (docs/autoscaling.md, "Under a power cap"): the nodes the pools give
// back, by hand. With the power cap tests' node (tests/support/
// power_cap_calls.hpp): node baseline b = 3920 W, one replica's largest
// draw d_max = 2240 W; a cap P leaves room for the nodes that stay, B_kept,
// when B_kept + d_max <= P, and otherwise the pools give back
//   n = ceil((B_kept + d_max - P) / b)
// nodes, in the scenario's pool order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/pool_autoscaler.hpp"
#include "support/power_cap_autoscaling.hpp"
#include "support/power_cap_calls.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Json = nlohmann::json;
using State = PoolAutoscaler::NodeState;

TEST_CASE("a pool gives back its idle nodes first, then its busy ones, never below min", "[autoscaling][power_cap]") {
  PoolAutoscaler scaler(concurrency_spec(2, 7), 6, 1, 0.0, 0.0);  // nodes 0..5 serve, node 6 is off
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
  PoolAutoscaler scaler(concurrency_spec(1, 10), 2, 1, 0.0, 0.0);
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

TEST_CASE("a busy node given back drains: the site is over the cap until its call ends", "[autoscaling][power_cap]") {
  // One replica a node (tensor parallel 8): d_max = 8 x 560 = 4480 W. At
  // 16,240 W the schedule's three nodes start at 15 s (k = floor((16240 -
  // 3920 - 4480) / 3920) = 2), and leave 4480 W for plans: at 60 s the two
  // calls go to nodes 0 and 1, one plan runs (t, the session that ends
  // first) and the other waits for it, then runs t. At 60.1 s the cap falls
  // to 8400 W: n = ceil((3 x 3920 + 4480 - 8400) / 3920) = 2. Node 2 is
  // idle and goes off; node 1 holds a call and drains. Node 0 alone is kept,
  // so the plans' budget is 8400 - 3920 = 4480 W and the waiting plan runs
  // when the first ends; node 1 goes off when it ends, at 60 + 2t. Until
  // then the fleet draws 2 x 3920 + 4480 = 12,320 W over the 8400 W cap
  // (its baseline alone, 7840 W, fits).
  const Json report = run_json(
      "busy.yaml", with(scheduled(3, "{schedule: [{at: 0s, power: 16240W}, {at: 60100ms, power: 8400W}]}"),
                        "tensor_parallel: 4", "tensor_parallel: 8"));
  const double t = std::min(session_max(report, 0), session_max(report, 1));
  const double end = 60.0 + 2 * t;
  REQUIRE(end > 60.1);
  CHECK(std::max(session_max(report, 0), session_max(report, 1)) == Approx(2 * t));
  const Json& a = autoscale(report, 0);
  CHECK(a["nodes_stopped_by_power_cap"].get<long>() == 2);
  CHECK(a["nodes_drained"].get<long>() == 2);
  // One node to 15 s, three to 60.1 s, two to 60 + 2t, one to 100 s.
  CHECK(a["mean_nodes"].get<double>() ==
        Approx((15.0 + 3 * 45.1 + 2 * (end - 60.1) + (100.0 - end)) / 100.0));
  CHECK(report["fleet"]["power_cap"]["over_cap_s"].get<double>() == Approx(end - 60.1));
  CHECK(report["fleet"]["power_cap"]["baseline_over_cap_s"].get<double>() == 0.0);
  // At 75 and 90 s the schedule asks for 3; k = floor((8400 - 3920 - 4480) / 3920) = 0.
  CHECK(a["starts_held_by_power_cap"].get<long>() == 4);
}
