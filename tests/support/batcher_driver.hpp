// Drives one ContinuousBatcher by hand, without a fleet: a listener that
// records finished calls, a loop that runs every plan to its end, and a call
// builder. Shared by the batcher's tests and the KV tiers' tests.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "fleetsim/core/continuous_batcher.hpp"
#include "support/fixtures.hpp"

namespace fleetsim::testing {

struct Recorder : BatcherListener {
  std::vector<CallOutcome> finished;
  void on_call_finished(const CallOutcome& o) override { finished.push_back(o); }
};

// Drives a batcher with no interruptions: every plan runs to its end.
// Returns the time it fell idle.
inline double drain(ContinuousBatcher& b, Recorder& rec, double now, int max_plans = 100000) {
  for (int i = 0; i < max_plans; ++i) {
    BatchPlan p = b.plan(now, rec);
    if (p.kind == BatchPlan::Kind::idle) return now;
    b.complete(p, p.iterations, now, now + p.duration_s, rec);
    now += p.duration_s;
  }
  FAIL("batcher did not drain");
  return now;
}

// One replica of Llama 3.1 8B on an H100 node's devices, with `blocks` KV blocks.
inline ContinuousBatcher h100_batcher(const EngineSettings& engine, long blocks) {
  return ContinuousBatcher(std::make_shared<RooflineModel>(llama_8b(), h100_node(), engine), engine,
                           PowerModel(h100_node().device_power, engine.tensor_parallel), blocks, 1, 0.0, nullptr);
}

inline CallRequest call(std::uint64_t id, std::uint64_t session, long prompt, long output, double at = 0.0) {
  CallRequest c;
  c.call_id = id;
  c.session_key = session;
  c.prompt_tokens = prompt;
  c.output_tokens = output;
  c.enqueue_s = at;
  return c;
}

}  // namespace fleetsim::testing
