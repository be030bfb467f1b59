// One agent session in flight: where it is in its step chain and how much
// context it carries. Plain data, advanced by the fleet model's events.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetsim/core/request_trace.hpp"
#include "fleetsim/core/rng.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/core/session_graph.hpp"

namespace fleetsim {

// Position in a workload's tree of steps (loops and chosen branches nest).
class StepCursor {
 public:
  explicit StepCursor(const std::vector<Step>* steps);
  // The next llm, tool, parallel or agent step, drawing from `rng` a loop's
  // count as it is entered, its early exit after each round (only when its
  // exit_probability is above 0) and a choose step's branch; nullptr when the
  // steps are done. Parallel and agent steps are the caller's to run.
  const Step* next(Rng& rng);

 private:
  struct Frame {
    const std::vector<Step>* steps = nullptr;
    std::size_t index = 0;
    long repeats_left = 0;
    double exit_probability = 0.0;
  };
  // The frames, innermost last. The first two (a chain, and a loop in it:
  // most workloads) are kept in the cursor, which lives in its session's
  // slot, so that stepping a session reads no other memory and starting one
  // allocates nothing; deeper ones go to `deeper_`.
  static constexpr std::size_t kInlineFrames = 2;
  Frame inline_[kInlineFrames];
  std::vector<Frame> deeper_;
  std::size_t depth_ = 0;
  Frame& top() { return depth_ > kInlineFrames ? deeper_.back() : inline_[depth_ - 1]; }
  void push(const Frame& frame);
  void pop();
};

constexpr std::uint32_t kNoStrand = 0xffffffffu;

// A session in flight, or one strand of it: a parallel step's branch or a
// sub-agent runs as a Session of its own (its own slot, key, cursor, context
// and random stream) whose `parent` waits for it. A plain chain is one strand.
// Its fields are in the order a call reads them: what every call of the
// session reads or writes (its routing, the call in flight, its random
// stream and cursor, the tally, whether it replays a trace) in its first
// lines, then what only its start, its end and agent graphs read. Thousands
// of sessions are in flight, so a session is cold when its next event comes.
struct Session {
  std::uint64_t key = 0;  // unique over the run
  std::uint32_t workload = 0;
  int last_replica = -1;
  int last_decode_replica = -1;  // disaggregated calls: where the previous one decoded
  bool whole_on_decode = false;  // its call in flight runs whole on a decode replica (conditional disaggregation)
  bool failed_call = false;
  bool shared_prefix = false;  // its context begins with its workload's shared prefix
  double context_tokens = 0.0;
  const Step* step = nullptr;  // the llm or tool step in progress
  // The llm step whose harness work (its workload's orchestrator, the step
  // in progress) runs first; nullptr otherwise.
  const Step* llm_after_harness = nullptr;
  // The call in flight.
  double call_issued_s = 0.0;
  long call_prompt_tokens = 0;
  // Worst per-call latencies so far, for per-session SLO checks (goodput).
  double worst_ttft_s = 0.0;
  double worst_tpot_s = 0.0;
  long last_output_tokens = 0;  // of the last LLM call: a sub-agent's result by default
  // A strand's parent (kNoStrand for the root), which forked it for its join
  // `join_id`; the parent's key tells a reused slot apart. The root likewise.
  std::uint32_t parent = kNoStrand;
  std::uint32_t root = kNoStrand;
  Rng rng{0, 0};
  StepCursor cursor{nullptr};
  // Agent graphs. The root strand is the session; `graph` is its tally.
  SessionGraphTally graph;
  TraceCursor trace;  // active when the workload replays a trace, instead of `cursor`

  double start_s = 0.0;
  std::uint64_t parent_key = 0;
  std::uint64_t join_id = 0;
  std::uint64_t root_key = 0;
  const Step* forked_by = nullptr;  // the parallel or agent step that forked this strand
  double fork_context_tokens = 0.0;  // a parallel branch's context when it began
  // While this strand waits at a join: the join's id, how many more strands
  // must end, and the tokens the ended ones add to its context.
  std::uint64_t waiting_join = 0;
  int joins_needed = 0;
  double join_tokens = 0.0;
};

// Draws a token count: rounded to an integer, never below `floor`.
long draw_tokens(const Distribution& d, Rng& rng, long floor);

}  // namespace fleetsim
