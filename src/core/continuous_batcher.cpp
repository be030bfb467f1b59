#include "fleetsim/continuous_batcher.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace fleetsim {

ContinuousBatcher::ContinuousBatcher(std::shared_ptr<const RooflineModel> roofline, const EngineSettings& engine,
                                     const PowerModel& power, long kv_blocks, int workloads,
                                     double window_start_s, PowerTimeline* timeline)
    : roofline_(std::move(roofline)),
      engine_(engine),
      power_(power),
      total_blocks_(kv_blocks),
      free_blocks_(kv_blocks),
      window_start_s_(window_start_s),
      timeline_(timeline) {
  stats_.busy_s_by_workload.assign(static_cast<std::size_t>(workloads), 0.0);
  scratch_workload_tokens_.assign(static_cast<std::size_t>(workloads), 0.0);
}

long ContinuousBatcher::blocks_for(long tokens) const {
  const long b = engine_.kv_block_tokens;
  return (tokens + b - 1) / b;
}

bool ContinuousBatcher::enqueue(const CallRequest& call) {
  const bool was_empty = waiting_.empty();
  Sequence s;
  s.call = call;
  s.target = call.prompt_tokens;
  if (call.phase == CallPhase::decode) takes_decode_calls_ = true;
  waiting_.push_back(s);
  if (series_) {
    series_->call_arrived(series_pool_, call.enqueue_s);
    report_levels(call.enqueue_s);
  }
  return was_empty && running_.size() < static_cast<std::size_t>(engine_.max_batch_size);
}

void ContinuousBatcher::touch(double now) {
  if (now <= last_touch_s_) return;
  const double from = std::max(last_touch_s_, window_start_s_);
  if (now > from) stats_.kv_block_seconds += static_cast<double>(kv_blocks_used()) * (now - from);
  last_touch_s_ = now;
}

void ContinuousBatcher::settle(double now) { touch(now); }

void ContinuousBatcher::power_off(double now) {
  assert(waiting_.empty() && running_.empty());
  touch(now);
  while (!retained_.empty()) free_blocks_ += retained_.pop_oldest().blocks;  // no offload: the node is gone
  drop_prefixes();
  if (series_) report_levels(now);
}

void ContinuousBatcher::drop_prefixes() {
  free_blocks_ += prefix_pinned_blocks_;
  prefix_pinned_blocks_ = 0;
  std::fill(prefix_held_.begin(), prefix_held_.end(), 0);
  if (prefix_cache_) free_blocks_ += prefix_cache_->clear();
}

void ContinuousBatcher::cache_prompt_chunks(Sequence& s) {
  // Without retention a replica keeps nothing once a call ends, chunks included.
  if (engine_.kv_retention == KvRetention::none) return;
  const PrefixBlockCache::Run added = prefix_cache_->add_computed(
      s.call.prefix, s.hash_pinned, s.call.prompt_tokens, s.call.session_key, s.blocks - s.shared);
  // Its own blocks holding those chunks now belong to the cache (pinned by it).
  s.hash_pinned += added.chunks;
  s.shared += added.blocks;
}

void ContinuousBatcher::unpin_chunks(Sequence& s) {
  if (s.hash_pinned == 0) return;
  prefix_cache_->unpin_leading(s.call.prefix, s.hash_pinned);
  s.hash_pinned = 0;
}

void ContinuousBatcher::pin_prefix(Sequence& s) {
  const std::uint32_t w = s.call.workload;
  const std::uint32_t prefix = prefix_of_workload_[w];
  const long blocks = prefix_blocks_[prefix];
  if (prefix_held_[prefix] || s.shared > 0 || blocks == 0 || s.blocks < blocks) return;
  // Its first blocks hold the prefix: from now on the replica keeps them.
  prefix_held_[prefix] = 1;
  prefix_pinned_blocks_ += blocks;
  s.shared = blocks;
}

void ContinuousBatcher::fail(double now, std::vector<CallRequest>& aborted) {
  touch(now);
  for (Sequence& s : running_) {
    free_blocks_ += s.blocks - s.shared;
    aborted.push_back(s.call);
  }
  for (Sequence& s : waiting_) {
    free_blocks_ += s.blocks - s.shared;
    aborted.push_back(s.call);
  }
  running_.clear();
  waiting_.clear();
  while (!retained_.empty()) free_blocks_ += retained_.pop_oldest().blocks;
  drop_prefixes();
  down_ = true;
  if (series_) report_levels(now);
}

void ContinuousBatcher::report_levels(double now) {
  const auto waiting = static_cast<long>(waiting_.size()), running = static_cast<long>(running_.size());
  const long blocks = kv_blocks_used();
  series_->levels(series_pool_, now, waiting - reported_waiting_, running - reported_running_,
                  blocks - reported_blocks_);
  reported_waiting_ = waiting;
  reported_running_ = running;
  reported_blocks_ = blocks;
}

void ContinuousBatcher::drop_retained(const RetainedKv::Entry& entry, double now) {
  free_blocks_ += entry.blocks;
  // Offload writes are asynchronous device-to-host copies on the link's other
  // direction: they cost the replica no time (docs/performance-model.md).
  if (tiers_) tiers_->offload(entry, now);
}

void ContinuousBatcher::expire_retained(double now) {
  if (tiers_) tiers_->expire(now);
  if (engine_.kv_retention != KvRetention::ttl) return;  // only TTL entries expire
  while (!retained_.empty() && retained_.oldest().expires_s <= now) drop_retained(retained_.pop_oldest(), now);
}

bool ContinuousBatcher::make_room(long blocks, double now) {
  // Least recently retained first: the session most likely to have moved on.
  while (free_blocks_ < blocks && !retained_.empty()) drop_retained(retained_.pop_oldest(), now);
  // Then hashed prompt chunks no running call reads, least recently used
  // first: one session's cache is worth less to the fleet than a chunk any
  // session may send again.
  if (free_blocks_ < blocks && prefix_cache_) free_blocks_ += prefix_cache_->evict(blocks - free_blocks_);
  return free_blocks_ >= blocks;
}

void ContinuousBatcher::admit(double now, BatcherListener& listener) {
  const auto max_batch = static_cast<std::size_t>(engine_.max_batch_size);
  const long budget = engine_.max_batched_tokens;
  long decoding = 0, prefill_remaining = 0;
  for (const auto& s : running_) {
    if (s.prefilling())
      prefill_remaining += s.target - s.kv_tokens;
    else
      ++decoding;
  }
  while (!waiting_.empty() && running_.size() < max_batch) {
    Sequence& s = waiting_.front();
    const long remaining_if_miss = s.target;
    if (engine_.chunked_prefill) {
      if (budget - decoding - prefill_remaining <= 0) break;
    } else if (prefill_remaining > 0 && prefill_remaining + remaining_if_miss > budget) {
      break;
    }
    // On demand: the prompt and the first token now, decode grows later.
    // Reserved: the whole final length now, so a running call never grows.
    const long needed = engine_.kv_admission == KvAdmission::reserve_output
                            ? blocks_for(s.call.prompt_tokens + s.call.output_tokens)
                            : blocks_for(s.target + 1);
    if (needed > total_blocks_) {
      // Even an empty replica cannot hold this prompt: fail it rather than block the queue forever.
      Sequence failed = s;
      waiting_.pop_front();
      if (failed.scheduled_s < 0) failed.scheduled_s = now;
      finish(failed, now, true, listener);
      continue;
    }
    // Reuse the session's retained KV if this replica still holds it.
    long carried = 0, cached_tokens = 0;
    // Detach the cache so that make_room cannot evict the very cache being reused.
    std::optional<RetainedKv::Entry> detached;
    if (s.generated == 0) detached = retained_.take(s.call.session_key);
    if (detached) {
      carried = detached->blocks;
      cached_tokens = std::min(detached->tokens, s.target - 1);
    }
    // Not on the devices: a lower tier may hold it. Its blocks come back into
    // device memory, so they count in `needed` like a miss's, not as carried.
    std::optional<KvTierStack::Hit> reload;
    if (!detached && tiers_ && s.generated == 0) {
      reload = tiers_->take(s.call.session_key);
      if (reload) cached_tokens = std::min(reload->entry.tokens, s.target - 1);
    }
    // A shared prefix this replica holds: its blocks are there already.
    long shared = 0;
    if (!prefix_blocks_.empty() && s.call.shared_prefix && s.call.phase != CallPhase::decode &&
        prefix_held_[prefix_of_workload_[s.call.workload]])
      shared = std::min(prefix_blocks_[prefix_of_workload_[s.call.workload]], needed);
    // Or the leading chunks of a hashed prompt, whichever session left them.
    PrefixBlockCache::Run hit;
    if (prefix_cache_ && !s.call.prefix.empty() && s.call.phase != CallPhase::decode && s.generated == 0 &&
        !detached && !reload) {
      hit = prefix_cache_->pin_leading(s.call.prefix, s.call.prompt_tokens, s.call.session_key);
      shared = hit.blocks;
    }
    const long extra = std::max(0L, needed - carried - shared);
    if (!make_room(extra, now)) {
      if (detached) retained_.push(*detached);  // keep the cache for when the call can be admitted
      if (reload) tiers_->give_back(*reload, now);
      if (hit.chunks > 0) prefix_cache_->unpin_leading(s.call.prefix, hit.chunks);
      break;
    }
    if (reload) {
      tiers_->record_reload(*reload, cached_tokens, now);
      s.reload_s = reload->reload_s;
    }
    free_blocks_ -= extra;
    s.blocks = carried + extra + shared;
    s.shared = shared;
    s.hash_pinned = hit.chunks;
    if (hit.chunks > 0) {
      cached_tokens = std::min(hit.tokens, s.target - 1);
      s.shared_cached = std::min(hit.other_session_tokens, cached_tokens);
    } else if (shared > 0 && !detached && !reload) {  // no cache of the session here: the prefix is what it finds
      cached_tokens = std::min(shared * engine_.kv_block_tokens, s.target - 1);
      s.shared_cached = cached_tokens;
    }
    s.kv_tokens = cached_tokens;
    s.cached = cached_tokens;
    // Its prompt's KV came from a prefill replica: it decodes at once (a
    // preempted one recomputes here, like any other).
    if (s.call.phase == CallPhase::decode && s.preemptions == 0) s.kv_tokens = s.target;
    if (s.scheduled_s < 0) {
      s.scheduled_s = now;
      admission_waits_.total_s += now - s.call.enqueue_s;
      ++admission_waits_.calls;
    }
    prefill_remaining += s.target - s.kv_tokens;
    running_.push_back(s);
    waiting_.pop_front();
  }
}

void ContinuousBatcher::preempt_newest() {
  Sequence s = running_.back();
  running_.pop_back();
  free_blocks_ += s.blocks - s.shared;
  unpin_chunks(s);
  // Recompute: the prompt and every token generated so far are prefilled again.
  s.blocks = 0;
  s.shared = 0;
  s.kv_tokens = 0;
  s.target = s.call.prompt_tokens + s.generated;
  s.preemptions += 1;
  waiting_.push_front(s);
  stats_.preemptions += 1;
}

void ContinuousBatcher::ensure_decode_room(double now, BatcherListener& listener) {
  while (!running_.empty()) {
    long need = 0;
    for (const auto& s : running_)
      if (!s.prefilling()) need += std::max(0L, blocks_for(s.kv_tokens + 1) - s.blocks);
    if (need <= free_blocks_ || make_room(need, now)) return;
    if (running_.size() == 1) {
      // A lone sequence has outgrown the whole cache: end it where it is.
      Sequence s = running_.back();
      running_.pop_back();
      finish(s, now, true, listener);
      return;
    }
    preempt_newest();
  }
}

long ContinuousBatcher::kv_growth_limit(long limit, long free) const {
  auto need = [&](long j) {
    long n = 0;
    for (std::size_t i = 0; i < scratch_kv_.size(); ++i)
      n += std::max(0L, blocks_for(scratch_kv_[i] + j) - scratch_blocks_[i]);
    return n;
  };
  if (need(limit) <= free) return limit;
  if (need(1) > free) return 0;
  long lo = 1, hi = limit;  // need(lo) <= free, need(hi) > free
  while (hi - lo > 1) {
    const long mid = lo + (hi - lo) / 2;
    if (need(mid) <= free)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

bool ContinuousBatcher::plan_tail_run(Plan& p) {
  if (!waiting_.empty() && running_.size() < static_cast<std::size_t>(engine_.max_batch_size)) return false;
  scratch_kv_.clear();
  scratch_blocks_.clear();
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
      const long grow = std::max(0L, blocks_for(kv) - blocks);
      blocks += grow;
      free -= grow;
    }
    if (generated >= s.call.output_tokens) return false;  // finishes at the end of the iteration
    limit = std::min(limit, s.call.output_tokens - generated);
    scratch_kv_.push_back(kv);
    scratch_blocks_.push_back(blocks);
    context += static_cast<double>(kv);
  }
  const long run = kv_growth_limit(limit, free);
  if (run <= 0) return false;
  p.run = {static_cast<double>(running_.size()), context};
  p.run_terms = roofline_->decode_terms(p.run);
  p.run_iterations = run;
  p.iterations += run;
  p.duration_s += p.run_terms.time(run);
  return true;
}

Plan ContinuousBatcher::plan(double now, BatcherListener& listener) {
  if (down_) return {};  // its node failed: calls wait for the repair
  Plan p = plan_next(now, listener);
  if (series_) report_levels(now);  // admissions, preemptions, evictions, expiries
  return p;
}

Plan ContinuousBatcher::plan_next(double now, BatcherListener& listener) {
  touch(now);
  expire_retained(now);
  Plan p;
  for (int attempt = 0; attempt < 2 && running_.empty(); ++attempt) admit(now, listener);
  if (running_.empty()) return p;
  if (!waiting_.empty()) admit(now, listener);
  ensure_decode_room(now, listener);
  if (running_.empty()) {
    admit(now, listener);
    if (running_.empty()) return p;
  }

  bool any_prefill = false;
  for (const auto& s : running_) any_prefill |= s.prefilling();

  if (!any_prefill) {
    long limit = std::numeric_limits<long>::max();
    double context = 0.0;
    scratch_kv_.clear();
    scratch_blocks_.clear();
    for (const auto& s : running_) {
      limit = std::min(limit, s.call.output_tokens - s.generated);
      context += static_cast<double>(s.kv_tokens);
      scratch_kv_.push_back(s.kv_tokens);
      scratch_blocks_.push_back(s.blocks);
    }
    p.kind = Plan::Kind::decode_run;
    p.run = {static_cast<double>(running_.size()), context};
    p.run_terms = roofline_->decode_terms(p.run);
    // ensure_decode_room has made room for at least one iteration.
    p.iterations = p.run_iterations = std::max(1L, kv_growth_limit(std::max(1L, limit), free_blocks_));
    p.duration_s = p.run_terms.time(p.iterations);
    return p;
  }

  IterationShape shape;
  if (engine_.kv_layout == KvLayout::unified)  // only a unified cache's attention spans them all
    for (const auto& s : running_) shape.cache_cells += static_cast<double>(s.kv_tokens);
  long budget = engine_.max_batched_tokens;
  if (engine_.chunked_prefill) {
    for (auto& s : running_) {
      s.chunk = 0;
      if (!s.prefilling()) {
        shape.decode_seqs += 1;
        shape.decode_context += static_cast<double>(s.kv_tokens);
        --budget;
      }
    }
  }
  for (auto& s : running_) {
    if (!s.prefilling()) {
      s.chunk = engine_.chunked_prefill ? 0 : -1;  // -1: sits this prefill iteration out
      continue;
    }
    const long remaining = s.target - s.kv_tokens;
    s.chunk = engine_.chunked_prefill ? std::min(remaining, std::max(0L, budget)) : remaining;
    budget -= s.chunk;
    const double m = static_cast<double>(s.chunk), prefix = static_cast<double>(s.kv_tokens);
    shape.prefill_tokens += m;
    if (s.chunk > 0) shape.prefill_seqs += 1;
    if (s.chunk > 0 && s.chunk == remaining) shape.prefill_outputs += 1;  // samples its first token
    shape.prefill_attention_pairs += m * prefix + m * (m + 1.0) / 2.0;
    shape.prefill_context += prefix;
    // The forward pass reads the reloaded KV: its transfer comes first.
    if (tiers_ && s.chunk > 0) p.reload_s += s.reload_s;
  }
  p.kind = Plan::Kind::iteration;
  p.iterations = 1;
  p.cost = roofline_->cost(shape);
  p.duration_s = head_s(p);
  plan_tail_run(p);
  return p;
}

double ContinuousBatcher::time_of(const Plan& plan, long k) const {
  if (plan.kind == Plan::Kind::decode_run) return plan.run_terms.time(k);
  if (k <= 0) return 0.0;
  return head_s(plan) + plan.run_terms.time(std::min(k - 1, plan.run_iterations));
}

long ContinuousBatcher::iterations_done(const Plan& plan, double elapsed) const {
  if (plan.kind == Plan::Kind::decode_run) return plan.run_terms.iterations_within(plan.iterations, elapsed);
  const double head = head_s(plan);
  if (elapsed < head) return 0;
  return 1 + plan.run_terms.iterations_within(plan.run_iterations, elapsed - head);
}

void ContinuousBatcher::account(double start_s, double end_s, double compute_s, double memory_s, double batch,
                                const std::vector<double>& workload_tokens, double tokens) {
  const double duration = end_s - start_s;
  const double energy = power_.dynamic_energy_j(duration, compute_s, memory_s);
  if (timeline_ != nullptr) timeline_->add(start_s, end_s, energy);
  if (series_) series_->busy(series_pool_, start_s, end_s, energy);
  double in_window = 0.0;
  if (duration > 0.0)
    in_window = std::clamp((end_s - std::max(start_s, window_start_s_)) / duration, 0.0, 1.0);
  if (in_window <= 0.0) return;
  stats_.busy_s += duration * in_window;
  stats_.batch_seconds += batch * duration * in_window;
  stats_.dynamic_energy_j += energy * in_window;
  if (tokens > 0)
    for (std::size_t w = 0; w < workload_tokens.size(); ++w)
      stats_.busy_s_by_workload[w] += duration * in_window * workload_tokens[w] / tokens;
}

void ContinuousBatcher::account_unfinished(const Plan& plan, double start_s, double end_s) {
  if (plan.kind == Plan::Kind::idle || end_s <= start_s) return;
  // Scale the plan's roofline terms to the part that ran.
  const double fraction = plan.duration_s > 0 ? std::min(1.0, (end_s - start_s) / plan.duration_s) : 0.0;
  double compute = plan.cost.compute_s, memory = plan.cost.memory_s;
  if (plan.run_iterations > 0) {
    double run_compute = 0.0, run_memory = 0.0;
    plan.run_terms.components(plan.run_iterations, run_compute, run_memory);
    if (plan.kind == Plan::Kind::decode_run) compute = memory = 0.0;
    compute += run_compute;
    memory += run_memory;
  }
  std::fill(scratch_workload_tokens_.begin(), scratch_workload_tokens_.end(), 0.0);
  double tokens = 0.0;
  for (const auto& s : running_) {
    scratch_workload_tokens_[s.call.workload] += 1.0;
    tokens += 1.0;
  }
  account(start_s, end_s, compute * fraction, memory * fraction, static_cast<double>(running_.size()),
          scratch_workload_tokens_, tokens);
  // The part that ran, as the end of the run cut it.
  if (slices_)
    slices_->push_back({start_s, end_s, iterations_done(plan, end_s - start_s), static_cast<double>(running_.size()),
                        tokens, plan.kind == Plan::Kind::iteration, compute * fraction, memory * fraction});
}

void ContinuousBatcher::complete(const Plan& plan, long k, double start_s, double end_s,
                                 BatcherListener& listener) {
  touch(end_s);
  if (plan.kind == Plan::Kind::idle || k <= 0) return;
  std::fill(scratch_workload_tokens_.begin(), scratch_workload_tokens_.end(), 0.0);
  double tokens = 0.0, batch = 0.0, compute = 0.0, memory = 0.0;

  long run_k = plan.kind == Plan::Kind::decode_run ? k : k - 1;  // decode iterations after the first
  const double head_end = run_k > 0 ? start_s + head_s(plan) : end_s;
  if (plan.kind == Plan::Kind::decode_run) {
    tokens = batch = static_cast<double>(running_.size());
    for (const auto& s : running_) scratch_workload_tokens_[s.call.workload] += 1.0;
    plan.run_terms.components(k, compute, memory);
    apply_decode(k, takes_decode_calls_ && k > 0 ? start_s + time_of(plan, 1) : end_s);
    run_k = 0;
  } else {
    compute = plan.cost.compute_s;
    memory = plan.cost.memory_s;
    for (auto& s : running_) {
      if (s.chunk < 0) continue;
      if (s.prefilling()) {
        scratch_workload_tokens_[s.call.workload] += static_cast<double>(s.chunk);
        tokens += static_cast<double>(s.chunk);
        batch += 1.0;
        s.kv_tokens += s.chunk;
        s.computed += s.chunk;
        if (s.chunk > 0) s.reload_s = 0.0;  // the reload ran before this chunk
        if (!s.prefilling()) {  // the last chunk yields the next token
          s.generated += 1;
          if (s.first_token_s < 0) s.first_token_s = head_end;
          if (!prefix_blocks_.empty() && s.call.shared_prefix) pin_prefix(s);
          if (prefix_cache_ && !s.call.prefix.empty() && s.call.phase != CallPhase::decode) cache_prompt_chunks(s);
        }
      } else {
        scratch_workload_tokens_[s.call.workload] += 1.0;
        tokens += 1.0;
        batch += 1.0;
        s.kv_tokens += 1;
        s.generated += 1;
        if (s.first_token_s < 0) s.first_token_s = head_end;  // its KV came from a prefill replica
        const long grow = std::max(0L, blocks_for(s.kv_tokens) - s.blocks);
        s.blocks += grow;
        free_blocks_ -= grow;
      }
    }
  }
  if (end_s >= window_start_s_) stats_.iterations += k;
  if (run_k > 0) {
    // The first iteration, then the decode run that followed it.
    account(start_s, head_end, compute, memory, batch, scratch_workload_tokens_, tokens);
    if (slices_) slices_->push_back({start_s, head_end, 1, batch, tokens, true, compute, memory});
    std::fill(scratch_workload_tokens_.begin(), scratch_workload_tokens_.end(), 0.0);
    for (const auto& s : running_) scratch_workload_tokens_[s.call.workload] += 1.0;
    plan.run_terms.components(run_k, compute, memory);
    const double n = static_cast<double>(running_.size());
    account(head_end, end_s, compute, memory, n, scratch_workload_tokens_, n);
    if (slices_) slices_->push_back({head_end, end_s, run_k, n, n, false, compute, memory});
    apply_decode(run_k, head_end);  // every sequence has its first token by the head's end
  } else {
    account(start_s, end_s, compute, memory, batch, scratch_workload_tokens_, tokens);
    if (slices_) {
      const bool decode_only = plan.kind == Plan::Kind::decode_run;
      slices_->push_back({start_s, end_s, decode_only ? k : 1, batch, tokens, !decode_only, compute, memory});
    }
  }

  // Retire finished sequences, keeping admission order for the rest.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Sequence& s = running_[i];
    if (!s.prefilling() && s.generated >= s.call.output_tokens) {
      finish(s, end_s, false, listener);
    } else {
      if (kept != i) running_[kept] = std::move(s);
      ++kept;
    }
  }
  running_.resize(kept);
  if (series_) report_levels(end_s);
}

void ContinuousBatcher::apply_decode(long k, double first_token_s) {
  for (auto& s : running_) {
    if (s.first_token_s < 0 && k > 0) s.first_token_s = first_token_s;
    s.kv_tokens += k;
    s.generated += k;
    const long grow = std::max(0L, blocks_for(s.kv_tokens) - s.blocks);
    s.blocks += grow;
    free_blocks_ -= grow;
  }
}

void ContinuousBatcher::release(Sequence& s, double now) {
  unpin_chunks(s);
  s.blocks -= s.shared;  // a shared prefix's blocks stay with the replica
  s.shared = 0;
  // A hashed call's reuse is its chunks': its session keeps no cache of its own.
  if (engine_.kv_retention == KvRetention::none || s.blocks == 0 || !s.call.prefix.empty()) {
    free_blocks_ += s.blocks;
    s.blocks = 0;
    return;
  }
  // Admission took the session's older cache, and a session has one call at a
  // time, so no entry for it can be here now.
  assert(!retained_.contains(s.call.session_key));
  const double expires = engine_.kv_retention == KvRetention::ttl ? now + engine_.kv_ttl_s
                                                                    : std::numeric_limits<double>::infinity();
  // TTL entries are appended in expiry order because the TTL is one constant per replica.
  retained_.push({s.call.session_key, s.blocks, s.kv_tokens, expires});
  s.blocks = 0;
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
