// The work estimate behind the resource guards: lower bounds of sessions,
// events, sessions in flight and memory, from the scenario alone.
#include <catch2/catch.hpp>

#include <cmath>

#include "fleetsim/core/work_estimate.hpp"

using namespace fleetsim;

namespace {

Scenario one_workload(double rate_per_s, double tool_latency_s) {
  Scenario s;
  Workload w;
  w.name = "w";
  w.arrivals.rate_per_s = rate_per_s;
  Step llm;
  llm.kind = Step::Kind::llm;
  llm.output_tokens = Distribution::constant(1000.0);
  Step tool;
  tool.kind = Step::Kind::tool;
  tool.latency_s = Distribution::constant(tool_latency_s);
  Step loop;
  loop.kind = Step::Kind::loop;
  loop.repeat = Distribution::constant(3.0);
  loop.body = {tool, llm};
  w.steps = {llm, loop};
  s.workloads.push_back(w);
  s.simulation.duration_s = 100.0;
  return s;
}

}  // namespace

TEST_CASE("The work estimate counts sessions, calls and sessions in flight", "[estimate]") {
  const WorkEstimate e = estimate_work(one_workload(2.0, 5.0));
  CHECK(e.sessions == Approx(200.0));
  CHECK(e.events == Approx(200.0 * (1 + 1 + 3 * 2)));  // an arrival, 1 + 3 x 2 calls
  // 3 tool calls of 5 s, 4 LLM calls of 1000 tokens at 10,000 tokens/s.
  CHECK(e.session_s == Approx(15.0 + 4 * 0.1));
  CHECK(e.peak_in_flight == Approx(2.0 * 15.4));
  CHECK(e.memory_bytes == Approx(2.0 * 15.4 * kEstimateBytesPerSession));
}

TEST_CASE("The work estimate holds in count mode and caps sessions in flight", "[estimate]") {
  Scenario s = one_workload(1e6, 1e6);
  s.simulation.duration_s.reset();
  s.simulation.sessions = 1000;
  const WorkEstimate e = estimate_work(s);
  CHECK(e.sessions == Approx(1000.0));
  CHECK(e.peak_in_flight == Approx(1000.0));  // never more than ever start
}

TEST_CASE("An overflowing estimate is infinite, never NaN or wrapped", "[estimate]") {
  const WorkEstimate e = estimate_work(one_workload(1e300, 1.0));
  CHECK_FALSE(std::isnan(e.events));
  CHECK(e.events > 1e300);
}
