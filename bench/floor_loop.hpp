// The floor: a minimal discrete-event loop that runs a scenario's traffic
// (the same sessions, arrivals and step chains) with none of fleetsim's fleet
// model, so that fleetsim-bench can state fleetsim's cost per LLM call as a
// multiple of the least a simulator of that traffic has to spend.
//
// What it does, per run:
//   - one binary heap (std::priority_queue over a vector) of 24-byte events,
//     ordered by time and then by scheduling order;
//   - sessions arrive from each workload's own arrival process, drawn from
//     the same random streams as fleetsim's (ArrivalGenerator, seeded as
//     simulation.cpp seeds it), up to simulation.sessions or the duration;
//   - each session walks its step chain with fleetsim's StepCursor and draws
//     every token count, loop count and tool latency from its own stream in
//     the same order as FleetModel, so in count mode the floor makes exactly
//     the LLM and tool calls fleetsim makes;
//   - servers: the replicas fleetsim builds (pools x nodes x replicas per
//     node, model r % models). Each is continuous batching reduced to its
//     bones: up to max_batch_size calls run at once, each for its own fixed
//     service time, and a call that finds every slot busy waits in a FIFO;
//     it starts the moment a slot frees (no iteration boundaries);
//   - service time of a call = prefill time per token x the tokens not
//     already on that server (the step's new tokens when the session's
//     previous call ran there, its whole prompt otherwise) + one decode
//     iteration at batch 1 x its output tokens; the two constants come from
//     fleetsim's roofline for each pool and model, computed once;
//   - routing: a session stays on its previous server while that server
//     serves the model and has fewer than affinity_max_queue waiting calls
//     (session_affinity); otherwise round robin over the route's first pool;
//   - events: a session arrival, a tool call's end, an LLM call's end. A call
//     is routed and admitted (or queued) inline when it is issued, and the
//     next waiting call is admitted inline when one ends.
//
// What it does not do: batch-dependent iteration times, iteration boundaries,
// chunked prefill, KV memory, retained caches, preemption, least-outstanding
// routing (an index), overflow pools, power, energy, percentiles, or SLO
// checks. Its statistics are counts only. It is a floor to measure against,
// not a model: its latencies mean nothing.
#pragma once

#include <cstdint>

#include "fleetsim/core/scenario.hpp"

namespace fleetsim::bench {

struct FloorResult {
  // Counted as fleetsim counts them: in the measured window (after warmup).
  std::int64_t sessions_started = 0;
  std::int64_t sessions_completed = 0;
  std::int64_t llm_calls = 0;
  std::int64_t tool_calls = 0;
  std::int64_t events = 0;   // events taken off the heap, over the whole run
  double simulated_s = 0.0;  // time of the last event handled
  double wall_s = 0.0;       // the loop's own time: building servers and running events
};

// Runs the floor for a validated scenario. Deterministic: the same scenario
// gives the same counts.
FloorResult run_floor(const Scenario& scenario);

}  // namespace fleetsim::bench
