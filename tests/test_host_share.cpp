// The serving stack's host work as a replica counts it (ReplicaStats::host_s,
// the report's pool `host_share`): every iteration's IterationOverhead, by
// hand, whole plans and a plan cut short.
#include <catch2/catch.hpp>

#include "fleetsim/core/continuous_batcher.hpp"
#include "support/batcher_driver.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

// 2 ms per iteration, 10 us per sequence, 30 us per sampled token.
EngineSettings engine_with_overhead() {
  EngineSettings engine;
  engine.overhead = IterationOverhead{2e-3, 10e-6, 30e-6};
  return engine;
}

}  // namespace

TEST_CASE("A call alone: every one of its iterations is host work of one sequence and one token", "[host_share]") {
  const EngineSettings engine = engine_with_overhead();
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 1000, 10));
  const double end = drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 1);
  // The prompt's iteration samples the first token; nine decode iterations
  // follow, each with the one sequence sampling one token.
  CHECK(b.stats().iterations == 10);
  CHECK(b.stats().host_s == Approx(10 * (2e-3 + 10e-6 + 30e-6)).epsilon(1e-12));
  CHECK(b.stats().busy_s == Approx(end));
  CHECK(b.stats().host_s < b.stats().busy_s);
}

TEST_CASE("Two calls: the iterations they share count both sequences", "[host_share]") {
  const EngineSettings engine = engine_with_overhead();
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 100, 20));
  b.enqueue(call(2, 2, 100, 5));
  drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 2);
  // Both prompts in one iteration (200 tokens fit the default budget), four
  // decode iterations of both, then the first call's fifteen alone.
  REQUIRE(b.stats().iterations == 20);
  const double both = 2e-3 + 2 * 10e-6 + 2 * 30e-6, one = 2e-3 + 10e-6 + 30e-6;
  CHECK(b.stats().host_s == Approx(5 * both + 15 * one).epsilon(1e-12));
}

TEST_CASE("A plan cut short counts the host work of the part that ran", "[host_share]") {
  const EngineSettings engine = engine_with_overhead();
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 1000, 10));
  const BatchPlan plan = b.plan(0.0, rec);
  REQUIRE(plan.iterations == 10);
  b.account_unfinished(plan, 0.0, plan.duration_s * 0.25);
  // A quarter of the plan's time: a quarter of its ten iterations' host work,
  // as the plan's roofline terms are scaled.
  CHECK(b.stats().host_s == Approx(0.25 * 10 * (2e-3 + 10e-6 + 30e-6)).epsilon(1e-12));
}

TEST_CASE("Without a stack the hardware's iteration overhead is the host work", "[host_share]") {
  EngineSettings engine;  // no stack: the hardware's flat iteration_overhead
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 1000, 10));
  drain(b, rec, 0.0);
  CHECK(b.stats().host_s == Approx(10 * h100_node().iteration_overhead_s).epsilon(1e-12));
}
