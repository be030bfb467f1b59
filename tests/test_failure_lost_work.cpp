// The work a failure throws away (docs/failures.md, "What a failure
// loses"), on the toy fleet whose iteration times are computed by hand
// (support/toy_fleet.hpp): a node fails at a chosen time and the report's
// prefill and output tokens lost are those its calls had computed in the
// whole iterations run before it.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/rng.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

// A toy pool of one node whose first failure falls at `fail_s`: the first
// draw of the pool's failure stream is u, the time to failure -mttf ln u,
// so mttf = fail_s / -ln u. A long repair keeps the node down afterwards.
Scenario failing_at(double fail_s, std::vector<Step> steps) {
  Scenario sc = toy_scenario(1, 1, std::move(steps));
  Rng stream(sc.simulation.seed, stable_hash("failures/p"));
  FailureSpec f;
  f.mttf_s = fail_s / -std::log(stream.uniform_open01());
  f.mttr_s = 3600.0;
  sc.pools[0].failures = f;
  return sc;
}

// What one call of `prompt` and `output` tokens, alone on the pool from
// time 0, has lost when the node fails at `fail_s`, and the replica's busy time.
struct Lost {
  long node_failures = 0, calls_retried = 0, prefill = 0, output = 0;
  double busy_s = 0.0;
  double output_tokens_delivered = 0.0;
};

Lost lost_by_one_call(double fail_s, double prompt, double output) {
  const Scenario sc = failing_at(fail_s, {toy_llm(prompt, output)});
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.run(fail_s + 1e-6);
  const FleetModel::FailureStats* f = fleet.failure_stats(0);
  REQUIRE(f != nullptr);
  return {f->node_failures,     f->calls_retried, f->prefill_tokens_lost, f->output_tokens_lost,
          fleet.replicas()[0].stats().busy_s, fleet.metrics().workloads[0].output_tokens};
}

}  // namespace

TEST_CASE("A failure mid-decode loses the prompt and the tokens generated so far", "[failures][fleet_model]") {
  // Prefill of 1000 tokens (the first token), then decodes over contexts
  // 1000, 1001, ...: the failure falls halfway through the 11th decode, so
  // 1 + 10 tokens had been generated: elapsed decode time over the
  // iteration time, rounded down.
  const double prefill = toy_iteration_s(1000);
  double ten_decodes = 0.0;
  for (long c = 1001; c <= 1010; ++c) ten_decodes += toy_iteration_s(static_cast<double>(c));
  const double fail_s = prefill + ten_decodes + 0.5 * toy_iteration_s(1011);
  CHECK(std::floor((fail_s - prefill) / toy_iteration_s(1001)) == 10.0);

  const Lost lost = lost_by_one_call(fail_s, 1000, 100);
  CHECK(lost.node_failures == 1);
  CHECK(lost.calls_retried == 1);
  CHECK(lost.prefill == 1000);
  CHECK(lost.output == 11);
  // The busy time up to the failure is still counted: the work was done.
  CHECK(lost.busy_s == exactly(fail_s));
  CHECK(lost.output_tokens_delivered == 0);
}

TEST_CASE("A failure within the prefill iteration loses no token", "[failures][fleet_model]") {
  // The iteration cut in progress yields nothing: its time is counted busy,
  // its tokens never existed.
  const double fail_s = 0.5 * toy_iteration_s(1000);
  const Lost lost = lost_by_one_call(fail_s, 1000, 100);
  CHECK(lost.calls_retried == 1);
  CHECK(lost.prefill == 0);
  CHECK(lost.output == 0);
  CHECK(lost.busy_s == exactly(fail_s));
}

TEST_CASE("A failure counts the work of the running calls, not of the waiting nor the finished",
          "[failures][fleet_model]") {
  // Batch cap 1: the first session's call (200 prompt, 5 output) runs and
  // finishes, the second's (1000, 100) runs next while the third's waits;
  // the node fails halfway through the second's 4th decode.
  const double first = toy_call_s(200, 5);
  double three_decodes = 0.0;
  for (long c = 1001; c <= 1003; ++c) three_decodes += toy_iteration_s(static_cast<double>(c));
  const double fail_s = first + toy_iteration_s(1000) + three_decodes + 0.5 * toy_iteration_s(1004);

  Scenario sc = failing_at(fail_s, {toy_llm(1000, 100)});
  Workload short_calls = sc.workloads[0];
  short_calls.name = "short";
  short_calls.steps = {toy_llm(200, 5)};
  sc.workloads.insert(sc.workloads.begin(), short_calls);
  sc.pools[0].engine.max_batch_size = 1;
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);  // the short call
  driver.arrive(0.0, 1);
  driver.arrive(0.0, 1);
  driver.run(fail_s + 1e-6);

  REQUIRE(driver.session_ends.size() == 1);
  CHECK(driver.session_ends[0] == exactly(first));
  const FleetModel::FailureStats* f = fleet.failure_stats(0);
  REQUIRE(f != nullptr);
  CHECK(f->calls_retried == 2);  // the running call and the waiting one
  CHECK(f->prefill_tokens_lost == 1000);
  CHECK(f->output_tokens_lost == 1 + 3);
}
