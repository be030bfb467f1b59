// One agent session in flight: where it is in its step chain and how much
// context it carries. Plain data, advanced by the fleet model's events.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetsim/request_trace.hpp"
#include "fleetsim/rng.hpp"
#include "fleetsim/scenario.hpp"

namespace fleetsim {

// Position in a workload's tree of steps (loops nest).
class StepCursor {
 public:
  explicit StepCursor(const std::vector<Step>* steps);
  // The next llm or tool step, drawing loop counts from `rng` as loops are
  // entered; nullptr when the chain is complete.
  const Step* next(Rng& rng);

 private:
  struct Frame {
    const std::vector<Step>* steps;
    std::size_t index;
    long repeats_left;
  };
  std::vector<Frame> frames_;
};

struct Session {
  std::uint64_t key = 0;  // unique over the run
  std::uint32_t workload = 0;
  double start_s = 0.0;
  double context_tokens = 0.0;
  Rng rng{0, 0};
  StepCursor cursor{nullptr};
  TraceCursor trace;  // active when the workload replays a trace, instead of `cursor`
  int last_replica = -1;
  const Step* step = nullptr;  // the llm or tool step in progress
  // The call in flight.
  double call_issued_s = 0.0;
  long call_prompt_tokens = 0;
  // Worst per-call latencies so far, for per-session SLO checks (goodput).
  double worst_ttft_s = 0.0;
  double worst_tpot_s = 0.0;
  bool failed_call = false;
};

// Draws a token count: rounded to an integer, never below `floor`.
long draw_tokens(const Distribution& d, Rng& rng, long floor);

}  // namespace fleetsim
