// An autoscaled pool under a site power cap (docs/autoscaling.md, "Under a
// power cap"): the scaler's start limit by hand, and runs whose node counts
// and held starts follow from the limit's formula,
//   k = floor((P_cap - B(t) - max(R(t), d_max)) / b),
// with the power cap tests' node (tests/support/power_cap_calls.hpp): node
// baseline b = 3920 W, one replica's largest draw d_max = 2240 W.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/autoscale_spec.hpp"
#include "fleetsim/core/pool_autoscaler.hpp"
#include "support/cli_runner.hpp"
#include "support/power_cap_autoscaling.hpp"
#include "support/power_cap_calls.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Json = nlohmann::json;

TEST_CASE("a start limit starts that many off nodes and counts the rest as held", "[autoscaling][power_cap]") {
  PoolAutoscaler scaler(concurrency_spec(1, 5), 1, 1, 0.0, 0.0);
  PoolAutoscaler::Actions out;
  // 40 calls in flight on a target of 1: the wish is 40, held to max 5.
  // One node serves: 4 to start, the limit lets 1, 3 are held.
  scaler.load_changed(0.0, 40, 1);
  scaler.evaluate(15.0, out, 1);
  CHECK(out.start == std::vector<int>{1});
  CHECK(scaler.nodes_started() == 1);
  CHECK(scaler.starts_held() == 3);
  scaler.node_ready(1, 15.0);
  // Two serve, none may start: the 3 still wanted are held again (6 in all).
  out = {};
  scaler.evaluate(30.0, out, 0);
  CHECK(out.empty());
  CHECK(scaler.starts_held() == 6);
  // The load ends: node 1 drains.
  scaler.load_changed(30.0, -40, -1);
  out = {};
  scaler.evaluate(45.0, out, 0);
  CHECK(out.drain == std::vector<int>{1});
  // It returns: taking back the draining node is no start (it is on), so
  // the limit of 0 holds only the 3 off nodes.
  scaler.load_changed(45.0, 40, 1);
  out = {};
  scaler.evaluate(60.0, out, 0);
  CHECK(out.reopen == std::vector<int>{1});
  CHECK(out.start.empty());
  CHECK(scaler.starts_held() == 9);
  // No limit: all three start, nothing more is held.
  out = {};
  scaler.evaluate(75.0, out);
  CHECK(out.start == std::vector<int>{2, 3, 4});
  CHECK(scaler.starts_held() == 9);
}

TEST_CASE("under a power cap an autoscaled pool holds the node starts the cap cannot carry",
          "[autoscaling][power_cap]") {
  // The least cap counts the node on at the start: 3920 + 2240 = 6160 W.
  check_error(scheduled(4, "6000W"),
              "test.yaml:3:14: error: fleet.power_cap: power_cap 6000 W leaves 2080 W above the fleet's baseline of "
              "3920 W, less than one replica's largest draw above idle, 2240 W",
              "raise it to at least 6160 W");
  // 12 kW: k = floor((12000 - 3920 - 2240) / 3920) = floor(1.49) = 1 start
  // at 15 s, 2 nodes on; then floor((12000 - 7840 - 2240) / 3920) = 0. The
  // schedule asks for 4: 2 held at each of the 6 evaluations, 12 in all.
  const Json capped = run_json("capped.yaml", scheduled(4, "12kW"));
  const Json& a = autoscale(capped, 0);
  CHECK(a["peak_nodes"].get<int>() == 2);
  CHECK(a["nodes_started"].get<long>() == 1);
  CHECK(a["starts_held_by_power_cap"].get<long>() == 12);
  // One node for 15 s, two for 85 s.
  CHECK(a["mean_nodes"].get<double>() == Approx((15.0 + 2 * 85.0) / 100.0));
  CHECK(capped["fleet"]["power_cap"]["baseline_w"].get<double>() == 4 * 3920.0);  // B_max, as before
  // A cap exactly at 2 nodes plus one draw, 7840 + 2240 = 10080 W, allows
  // the second node (a fit to the watt is no hold) and not the third.
  CHECK(autoscale(run_json("exact.yaml", scheduled(4, "10080W")), 0)["peak_nodes"].get<int>() == 2);
  // 4 x 3920 + 2240 = 17920 W carries every node while no plan runs (the
  // starts are at 15 s, the calls at 60 s): nothing is held.
  const Json roomy = run_json("roomy.yaml", scheduled(4, "17920W"));
  CHECK(autoscale(roomy, 0)["peak_nodes"].get<int>() == 4);
  CHECK(autoscale(roomy, 0)["nodes_started"].get<long>() == 3);
  CHECK(autoscale(roomy, 0)["starts_held_by_power_cap"].get<long>() == 0);
  // Without a cap the count is left out, as in every report before it.
  const Json free = run_json("free.yaml", with(scheduled(4, "17920W"), "  power_cap: 17920W\n", ""));
  CHECK_FALSE(autoscale(free, 0).contains("starts_held_by_power_cap"));
  CHECK(autoscale(free, 0)["nodes_started"].get<long>() == 3);
}

TEST_CASE("pools evaluated at the same instant each see the baseline the earlier ones' starts left",
          "[autoscaling][power_cap]") {
  // Two such pools, one node each at the start: the least cap is
  // 2 x 3920 + 2240 = 10080 W. At 15 kW both evaluate at 15 s, each asking
  // for 3 nodes. The first: floor((15000 - 7840 - 2240) / 3920) = 1 start,
  // 1 held. The second sees that start: floor((15000 - 11760 - 2240) / 3920)
  // = 0, 2 held. Then 0 for both: over six evaluations 1 x 6 and 2 x 6 held.
  const Json report = run_json("two.yaml", scheduled(3, "15kW", {"gpu", "gpu2"}));
  CHECK(autoscale(report, 0)["nodes_started"].get<long>() == 1);
  CHECK(autoscale(report, 0)["starts_held_by_power_cap"].get<long>() == 6);
  CHECK(autoscale(report, 1)["nodes_started"].get<long>() == 0);
  CHECK(autoscale(report, 1)["starts_held_by_power_cap"].get<long>() == 12);
  CHECK(autoscale(report, 0)["peak_nodes"].get<int>() + autoscale(report, 1)["peak_nodes"].get<int>() == 3);
}

TEST_CASE("a start never takes the fleet above the cap: the shipped capped autoscaling day", "[autoscaling][power_cap]") {
  // scenarios/autoscaling.yaml's concurrency-capped: 3 kW, below the 30
  // nodes' 30 x (80 + 27) = 3210 W. With n nodes on, a start needs
  // 107 (n + 1) + max(R(t), 53) <= 3000: n + 1 <= 27, never more than 27
  // nodes. Starts count the running plans' draw R(t), so the draw reserved
  // never passes the cap (counting d_max alone, it reached 3.5 kW).
  const CliResult r = run_fleetsim("run " + std::string(FLEETSIM_SOURCE_DIR) +
                                   "/scenarios/autoscaling.yaml --variant concurrency-capped --format json --no-progress");
  REQUIRE(r.exit_code == 0);
  const Json report = Json::parse(r.out);
  CHECK(autoscale(report, 0)["peak_nodes"].get<int>() <= 27);
  CHECK(autoscale(report, 0)["starts_held_by_power_cap"].get<long>() > 0);
  CHECK(report["fleet"]["power_cap"]["peak_power_w"].get<double>() <= 3000.0 + 1e-6);
}
