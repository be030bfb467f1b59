// Agent graphs in the fleet model: a parallel step's branches and a
// sub-agent run as strands, Session slots of their own, and the strand that
// forked them waits at a join (docs/scenario-format.md, "Agent graphs").
//
// Branches that lose an `any` or k-of-n join are cancelled at their next step
// boundary: the call or tool call they have in flight runs to its end (the
// batcher and the tool pools have no way to recall work, and a real harness
// that cancels still pays for the tokens already being generated), then they
// issue nothing more. Their finished calls count in the workload's figures.
#include <algorithm>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::fork(std::uint32_t slot, const Step& step) {
  const bool agent = step.kind == Step::Kind::agent;
  const std::size_t width = agent ? 1 : step.branches.size();
  const int needed = agent ? 1 : std::min(step.join_k, static_cast<int>(width));
  if (needed <= 0) return advance(slot);  // nothing to wait for (the loader refuses this)
  const std::uint64_t join = next_join_id_++;
  {
    Session& s = sessions_[slot];
    s.waiting_join = join;
    s.joins_needed = needed;
    s.join_tokens = 0.0;
    if (SessionGraphTally* g = tally_of(s)) {
      if (agent) ++g->sub_agents;
      else g->fan_out(static_cast<std::int64_t>(width));
    }
  }
  for (std::size_t b = 0; b < width; ++b) {
    // A branch that ended at once may have completed the join already.
    if (sessions_[slot].waiting_join != join) return;
    const std::uint32_t c = take_slot();  // may move sessions_: no reference held across it
    Session& parent = sessions_[slot];
    Session& child = sessions_[c];
    child = Session{};
    child.key = next_session_key_++;  // its own KV stream: it reuses no cached prefix of the parent
    child.workload = parent.workload;
    child.start_s = driver_->now();
    child.rng = Rng(scenario_.simulation.seed, parent.rng.next_u64());
    child.parent = slot;
    child.parent_key = parent.key;
    child.join_id = join;
    child.root = parent.root;
    child.root_key = parent.root_key;
    child.forked_by = &step;
    if (agent) {
      const double inherited = step.inherit_context ? parent.context_tokens : 0.0;
      child.context_tokens = inherited + static_cast<double>(draw_tokens(step.prompt_tokens, child.rng, 0));
      child.shared_prefix = step.inherit_context && parent.shared_prefix;
    } else {
      child.context_tokens = parent.context_tokens;
      child.shared_prefix = parent.shared_prefix;
    }
    child.fork_context_tokens = child.context_tokens;
    child.cursor = StepCursor(agent ? &step.body : &step.branches[b]);
    slot_live_[c] = kStrandLive;
    advance(c);
  }
}

bool FleetModel::strand_wanted(const Session& strand) const {
  // Wanted while every strand up to the root still waits on the join that
  // forked the one below it.
  const Session* s = &strand;
  while (s->parent != kNoStrand) {
    const Session& p = sessions_[s->parent];
    if (slot_live_[s->parent] == kFree || p.key != s->parent_key || p.waiting_join != s->join_id) return false;
    s = &p;
  }
  return true;
}

void FleetModel::end_strand(std::uint32_t slot) {
  Session& s = sessions_[slot];
  const std::uint32_t parent = s.parent;
  // Only the parent's own join matters here: a parent that is itself no
  // longer wanted still has to be woken, to stop.
  const Session& p = sessions_[parent];
  const bool joins =
      slot_live_[parent] != kFree && p.key == s.parent_key && p.waiting_join == s.join_id && p.joins_needed > 0;
  double tokens = 0.0;
  if (joins) {
    const Step& by = *s.forked_by;
    if (by.kind == Step::Kind::agent)
      tokens = by.result_from_last_call ? static_cast<double>(s.last_output_tokens)
                                        : static_cast<double>(draw_tokens(by.result_tokens, s.rng, 0));
    else
      tokens = std::max(0.0, s.context_tokens - s.fork_context_tokens);  // what the branch added
  }
  left_replicas(s);
  s.cursor = StepCursor(nullptr);  // a free slot holds no frames
  slot_live_[slot] = kFree;
  free_slots_.push_back(slot);
  if (!joins) return;
  Session& waiting = sessions_[parent];
  waiting.join_tokens += tokens;
  if (--waiting.joins_needed > 0) return;
  waiting.waiting_join = 0;
  waiting.context_tokens += waiting.join_tokens;
  advance(parent);
}

}  // namespace fleetsim
