#include "fleetsim/core/continuous_batcher.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace fleetsim {

ContinuousBatcher::ContinuousBatcher(std::shared_ptr<const RooflineModel> roofline, const EngineSettings& engine,
                                     const PowerModel& power, long kv_blocks, int workloads,
                                     double window_start_s, PowerTimeline* timeline)
    : window_start_s_(window_start_s),
      total_blocks_(kv_blocks),
      free_blocks_(kv_blocks),
      roofline_(std::move(roofline)),
      retention_(make_kv_retention_policy(engine)),
      admission_(make_kv_admission_policy(engine)),
      power_(power),
      timeline_(timeline),
      scratch_(&thread_scratch()),
      engine_(engine) {
  if (retention_.ranks_by_idleness) idleness_ = std::make_unique<IdlenessRank>();
  stats_.busy_s_by_workload.assign(static_cast<std::size_t>(workloads), 0.0);
}

ContinuousBatcher::Scratch& ContinuousBatcher::thread_scratch() {
  static thread_local Scratch shared;
  return shared;
}

bool ContinuousBatcher::plan_tail_run(BatchPlan& p) {
  if (!waiting_.empty() && running_sequences() < static_cast<std::size_t>(engine_.max_batch_size)) return false;
  Scratch& scratch = *scratch_;
  scratch.kv.clear();
  scratch.blocks.clear();
  long limit = std::numeric_limits<long>::max(), free = free_blocks_;
  double context = 0.0;
  for (const auto& s : running_) {
    long kv = s.kv_tokens, generated = s.generated, blocks = s.blocks;
    if (s.prefilling()) {
      if (s.kv_tokens + s.chunk < s.target) return false;  // more chunks to come
      kv += s.chunk;
      generated += 1;
    } else if (s.chunk == 0) {  // decodes in this iteration
      kv += 1;
      generated += 1;
      const long grow = std::max(0L, blocks_at(s, kv) - blocks);
      blocks += grow;
      free -= grow;
    }
    if (generated >= s.call.output_tokens) return false;  // finishes at the end of the iteration
    limit = std::min(limit, s.call.output_tokens - generated);
    scratch.kv.push_back(kv);
    scratch.blocks.push_back(blocks);
    context += static_cast<double>(kv * s.call.sequences());  // each branch reads the prompt and its own tokens
  }
  const long run = kv_growth_limit(limit, free);
  if (run <= 0) return false;
  p.run = {static_cast<double>(running_sequences()), context};
  p.run_terms = roofline_->decode_terms(p.run);
  p.run_iterations = run;
  p.iterations += run;
  p.duration_s += p.run_terms.time(run);
  return true;
}

BatchPlan ContinuousBatcher::plan(double now, BatcherListener& listener) {
  if (down_) return {};  // its node failed: calls wait for the repair
  BatchPlan p = plan_next(now, listener);
  if (series_) report_levels(now);  // admissions, preemptions, evictions, expiries
  return p;
}

BatchPlan ContinuousBatcher::plan_next(double now, BatcherListener& listener) {
  touch(now);
  expire_retained(now);
  BatchPlan p;
  if (running_.empty()) window_steps_ = 0;  // an idle engine schedules at once
  for (int attempt = 0; attempt < 2 && running_.empty(); ++attempt) admit(now, listener);
  if (running_.empty()) return p;
  if (!waiting_.empty() && window_steps_ == 0) admit(now, listener);
  ensure_decode_room(now, listener);
  if (running_.empty()) {
    window_steps_ = 0;
    admit(now, listener);
    if (running_.empty()) return p;
  }

  bool any_prefill = false;
  for (const auto& s : running_) any_prefill |= s.prefilling();

  if (!any_prefill) {
    long limit = std::numeric_limits<long>::max();
    double context = 0.0;
    Scratch& scratch = *scratch_;
    scratch.kv.clear();
    scratch.blocks.clear();
    for (const auto& s : running_) {
      context += static_cast<double>(s.kv_tokens * s.call.sequences());
      scratch.kv.push_back(s.kv_tokens);
      if (s.done()) {  // riding a multi-step window out: it takes no block (kv_growth_limit)
        scratch.blocks.push_back(std::numeric_limits<long>::max());
        continue;
      }
      limit = std::min(limit, s.call.output_tokens - s.generated);
      scratch.blocks.push_back(s.blocks);
    }
    if (window_steps_ > 0) {  // the rest of the scheduler's window, then calls may join
      p.window_steps_before = window_steps_;
      limit = std::min(limit, engine_.scheduler_steps - window_steps_);
    }
    p.kind = BatchPlan::Kind::decode_run;
    p.run = {static_cast<double>(running_sequences()), context};
    p.run_terms = roofline_->decode_terms(p.run);
    // ensure_decode_room has made room for at least one iteration.
    p.iterations = p.run_iterations = std::max(1L, kv_growth_limit(std::max(1L, limit), free_blocks_));
    p.duration_s = p.run_terms.time(p.iterations);
    return p;
  }

  IterationShape& shape = p.shape;
  if (engine_.kv_layout == KvLayout::unified)  // only a unified cache's attention spans them all
    for (const auto& s : running_) shape.cache_cells += cells_of(s);
  long budget = engine_.max_batched_tokens;
  // Chunked or mixed, the decoding sequences run in this iteration beside
  // the prompts and take their tokens of the budget first.
  const bool mixed = engine_.chunked_prefill || engine_.mixed_batches;
  if (mixed) {
    for (auto& s : running_) {
      s.chunk = 0;
      if (!s.prefilling()) {
        shape.decode_seqs += s.call.sequences();
        shape.decode_context += static_cast<double>(s.kv_tokens * s.call.sequences());
        budget -= s.call.sequences();
      }
    }
  }
  bool prompts_wait = false;  // mixed whole prompts go first come, first served
  for (auto& s : running_) {
    if (!s.prefilling()) {
      s.chunk = mixed ? 0 : -1;  // -1: sits this prefill iteration out
      continue;
    }
    const long remaining = s.target - s.kv_tokens;
    if (engine_.mixed_batches && !engine_.chunked_prefill) {
      // A whole prompt joins while the budget left holds it; one longer than
      // the whole budget runs when first in line, as unmixed prompts do.
      const bool first = shape.prefill_seqs == 0;
      if (prompts_wait || (remaining > budget && !(first && remaining > engine_.max_batched_tokens))) {
        prompts_wait = true;
        s.chunk = -1;  // waits in the batch, its KV held, for a later iteration
        continue;
      }
    }
    s.chunk = engine_.chunked_prefill ? std::min(remaining, std::max(0L, budget)) : remaining;
    budget -= s.chunk;
    const double m = static_cast<double>(s.chunk), prefix = static_cast<double>(s.kv_tokens);
    shape.prefill_tokens += m;
    if (s.chunk > 0) shape.prefill_seqs += 1;
    if (s.chunk > 0 && s.chunk == remaining) shape.prefill_outputs += 1;  // samples its first token
    shape.prefill_attention_pairs += m * prefix + m * (m + 1.0) / 2.0;
    shape.prefill_masked_pairs += m * (m - 1.0) / 2.0;
    shape.prefill_context += prefix;
    // The forward pass reads the reloaded KV: its transfer comes first.
    if (tiers_ && s.chunk > 0) p.reload_s += s.reload_s;
  }
  p.kind = BatchPlan::Kind::iteration;
  p.iterations = 1;
  p.cost = roofline_->cost(shape);
  p.duration_s = head_s(p);
  plan_tail_run(p);
  return p;
}

double ContinuousBatcher::time_of(const BatchPlan& plan, long k) const {
  if (plan.kind == BatchPlan::Kind::decode_run) return plan.run_terms.time(k);
  if (k <= 0) return 0.0;
  return head_s(plan) + plan.run_terms.time(std::min(k - 1, plan.run_iterations));
}

long ContinuousBatcher::scheduling_point(const BatchPlan& plan, long k) const {
  k = std::min(k, plan.iterations);
  const long steps = engine_.scheduler_steps;
  if (steps <= 1 || k <= 0) return k;
  // A plan with a prefill iteration first runs the scheduler after it (vLLM
  // schedules prompts a step at a time), then once per window of decodes.
  const long into = plan.kind == BatchPlan::Kind::decode_run ? (plan.window_steps_before + k) % steps : (k - 1) % steps;
  return into == 0 ? k : std::min(plan.iterations, k + steps - into);
}

void ContinuousBatcher::advance_window(const BatchPlan& plan, long k) {
  const long decodes = plan.kind == BatchPlan::Kind::decode_run ? plan.window_steps_before + k : k - 1;
  window_steps_ = decodes % engine_.scheduler_steps;
}

long ContinuousBatcher::iterations_done(const BatchPlan& plan, double elapsed) const {
  if (plan.kind == BatchPlan::Kind::decode_run) return plan.run_terms.iterations_within(plan.iterations, elapsed);
  const double head = head_s(plan);
  if (elapsed < head) return 0;
  return 1 + plan.run_terms.iterations_within(plan.run_iterations, elapsed - head);
}

void ContinuousBatcher::complete(const BatchPlan& plan, long k, double start_s, double end_s,
                                 BatcherListener& listener) {
  touch(end_s);
  if (plan.kind == BatchPlan::Kind::idle || k <= 0) return;
  if (engine_.scheduler_steps > 1) advance_window(plan, k);
  std::vector<double>& workload_tokens =
      plan.kind == BatchPlan::Kind::decode_run ? running_workload_tokens() : zeroed_workload_tokens();
  double tokens = 0.0, batch = 0.0, compute = 0.0, memory = 0.0, host = 0.0;

  long run_k = plan.kind == BatchPlan::Kind::decode_run ? k : k - 1;  // decode iterations after the first
  const double head_end = run_k > 0 ? start_s + head_s(plan) : end_s;
  if (plan.kind == BatchPlan::Kind::decode_run) {
    tokens = batch = static_cast<double>(running_sequences());
    plan.run_terms.components(k, compute, memory);
    host = plan.run_terms.host_time(k);
    apply_decode(k, takes_decode_calls_ && k > 0 ? start_s + time_of(plan, 1) : end_s);
    run_k = 0;
  } else {
    compute = plan.cost.compute_s;
    memory = plan.cost.memory_s;
    host = plan.cost.host_s();
    for (auto& s : running_) {
      if (s.chunk < 0) continue;
      if (s.prefilling()) {
        workload_tokens[s.call.workload] += static_cast<double>(s.chunk);
        tokens += static_cast<double>(s.chunk);
        batch += 1.0;
        s.kv_tokens += s.chunk;
        s.computed += s.chunk;
        if (s.chunk > 0) s.reload_s = 0.0;  // the reload ran before this chunk
        if (!s.prefilling()) {  // the last chunk yields the next token
          s.generated += 1;
          if (s.first_token_s < 0) first_token(s, head_end);
          if (!prefix_blocks_.empty() && s.call.shared_prefix) pin_prefix(s);
          if (prefix_cache_ && !s.call.prefix.empty() && s.call.phase != CallPhase::decode) cache_prompt_chunks(s);
        }
      } else {
        const double branches = s.call.sequences();
        workload_tokens[s.call.workload] += branches;
        tokens += branches;
        batch += branches;
        s.kv_tokens += 1;
        s.generated += 1;
        // Its KV came from a prefill replica: only a decode-role replica has
        // such calls, and asking the others would read a cold line per call.
        if (takes_decode_calls_ && s.first_token_s < 0) first_token(s, head_end);
        const long grow = std::max(0L, blocks_at(s, s.kv_tokens) - s.blocks);
        s.blocks += grow;
        free_blocks_ -= grow;
      }
    }
  }
  if (end_s >= window_start_s_) stats_.iterations += k;
  if (run_k > 0) {
    // The first iteration, then the decode run that followed it.
    account(power_at(plan.clock), start_s, head_end, compute, memory, host, batch, workload_tokens, tokens);
    if (slices_) slices_->push_back({start_s, head_end, 1, batch, tokens, true, compute, memory});
    plan.run_terms.components(run_k, compute, memory);
    const double n = static_cast<double>(running_sequences());
    account(power_at(plan.clock), head_end, end_s, compute, memory, plan.run_terms.host_time(run_k), n,
            running_workload_tokens(), n);
    if (slices_) slices_->push_back({head_end, end_s, run_k, n, n, false, compute, memory});
    apply_decode(run_k, head_end);  // every sequence has its first token by the head's end
  } else {
    account(power_at(plan.clock), start_s, end_s, compute, memory, host, batch, workload_tokens, tokens);
    if (slices_) {
      const bool decode_only = plan.kind == BatchPlan::Kind::decode_run;
      slices_->push_back({start_s, end_s, decode_only ? k : 1, batch, tokens, !decode_only, compute, memory});
    }
  }

  // Retire finished sequences, keeping admission order for the rest. Inside
  // a multi-step window they ride on to its end: vLLM computes the batch it
  // scheduled for every step of the window and returns the window's tokens
  // together, a finished call's last ones included.
  if (window_steps_ == 0) retire_done(end_s, listener);
  if (series_) report_levels(end_s);
}

bool ContinuousBatcher::retire_done(double now, BatcherListener& listener) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Sequence& s = running_[i];
    if (s.done()) {
      extra_running_ -= s.call.extra_sequences;
      finish(s, now, false, listener);
    } else {
      if (kept != i) running_[kept] = std::move(s);
      ++kept;
    }
  }
  const bool retired = kept < running_.size();
  running_.resize(kept);
  return retired;
}

void ContinuousBatcher::apply_decode(long k, double first_token_s) {
  for (auto& s : running_) {
    if (s.done()) continue;  // its tokens in a window's last steps are dropped, in reserved slots
    if (takes_decode_calls_ && s.first_token_s < 0 && k > 0) first_token(s, first_token_s);  // as in complete()
    s.kv_tokens += k;
    s.generated += k;
    const long grow = std::max(0L, blocks_at(s, s.kv_tokens) - s.blocks);
    s.blocks += grow;
    free_blocks_ -= grow;
  }
}

void ContinuousBatcher::finish(Sequence& s, double now, bool failed, BatcherListener& listener) {
  CallOutcome out;
  out.request = s.call;
  out.scheduled_s = s.scheduled_s;
  out.first_token_s = s.first_token_s >= 0 ? s.first_token_s : now;
  out.finished_s = now;
  out.cached_tokens = s.cached;
  out.shared_prefix_cached_tokens = s.shared_cached;
  out.computed_tokens = s.computed;
  out.generated_tokens = s.generated;
  out.preemptions = s.preemptions;
  out.failed = failed;
  if (failed) {
    free_blocks_ += s.blocks - s.shared;
    s.blocks = 0;
    unpin_chunks(s);
  } else {
    release(s, now);
  }
  if (series_) series_->call_finished(series_pool_, now);
  listener.on_call_finished(out);
}

}  // namespace fleetsim
