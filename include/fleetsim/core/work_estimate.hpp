// How much work and memory a scenario will take, estimated before it runs,
// so that a run which cannot finish (a rate of 1e9/s for 1e9 s, a billion
// sessions) is refused with the figures instead of exhausting the machine.
//
// Every figure is a lower bound: an LLM call is taken to cost no time but its
// output at 10,000 tokens/s, each session the memory of its own record only.
// A run refused on these figures would certainly have exceeded the limit.
#pragma once

#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

struct WorkEstimate {
  double sessions = 0.0;        // sessions started over the run
  double events = 0.0;          // engine events: an arrival and each LLM and tool call
  double session_s = 0.0;       // the longest workload's mean session time, at least
  double peak_in_flight = 0.0;  // sessions in flight at once (Little's law at the peak rate)
  double memory_bytes = 0.0;    // what those sessions hold
};

// Seconds of an LLM call per output token in the estimate: faster than any
// hardware decodes one sequence.
inline constexpr double kEstimateSecondsPerOutputToken = 1e-4;
// Bytes of one session in flight in the estimate: its record in FleetModel.
inline constexpr double kEstimateBytesPerSession = 256.0;

WorkEstimate estimate_work(const Scenario& scenario);

}  // namespace fleetsim
