// The KV memory a replica keeps beyond its running calls: the caches
// retained for sessions (and offloaded to tiers), the workloads' shared
// prefixes, the chunks cached by prefix hashes; how they make room, room for
// decodes to grow (by preemption when there is none), and what the replica
// loses when its node goes off or fails.
#include <algorithm>
#include <cassert>
#include <utility>

#include "fleetsim/core/continuous_batcher.hpp"

namespace fleetsim {

void ContinuousBatcher::power_off(double now) {
  assert(waiting_.empty() && running_.empty());
  touch(now);
  while (!retained_.empty()) free_blocks_ += retained_.pop_oldest().blocks;  // no offload: the node is gone
  if (idleness_) idleness_->clear();
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
  if (!retention_.keeps) return;
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

void ContinuousBatcher::halt(const BatchPlan& plan, double start_s, double now) {
  account_unfinished(plan, start_s, now);
  halted_ = {};
  window_steps_ = 0;  // an engine that starts again schedules at once
  if (plan.kind == BatchPlan::Kind::idle) return;
  long k = iterations_done(plan, now - start_s);
  if (k <= 0) return;
  // What complete() would have applied for those k iterations: the first
  // iteration's prompt chunks and tokens, then one token a sequence an iteration.
  if (plan.kind == BatchPlan::Kind::iteration) {
    for (const Sequence& s : running_) {
      if (s.chunk < 0) continue;
      if (!s.prefilling()) {
        halted_.output_tokens += s.call.sequences();
        continue;
      }
      halted_.prefill_tokens += s.chunk;
      if (s.kv_tokens + s.chunk >= s.target) halted_.output_tokens += 1;  // its last chunk yields a token
    }
    k -= 1;
  }
  // As apply_decode: a call done inside a multi-step window generates nothing more.
  long decoding = 0;
  for (const Sequence& s : running_)
    if (!s.done()) decoding += s.call.sequences();
  halted_.output_tokens += k * decoding;
}

LostWork ContinuousBatcher::fail(double now, std::vector<CallRequest>& aborted) {
  touch(now);
  window_steps_ = 0;
  LostWork lost = std::exchange(halted_, LostWork{});
  for (Sequence& s : running_) {
    free_blocks_ += s.blocks - s.shared;
    lost.prefill_tokens += s.computed;
    lost.output_tokens += s.generated * s.call.sequences();
    aborted.push_back(s.call);
  }
  for (std::size_t i = 0; i < waiting_.size(); ++i) {
    Sequence& s = waiting_[i];
    free_blocks_ += s.blocks - s.shared;
    // A preempted call waits with the work it did before.
    lost.prefill_tokens += s.computed;
    lost.output_tokens += s.generated * s.call.sequences();
    aborted.push_back(s.call);
  }
  running_.clear();
  extra_running_ = 0;
  waiting_.clear();
  while (!retained_.empty()) free_blocks_ += retained_.pop_oldest().blocks;
  if (idleness_) idleness_->clear();
  drop_prefixes();
  // Host memory and local disks lose their caches with the replica too.
  if (tiers_) tiers_->lose_all(now);
  down_ = true;
  if (series_) report_levels(now);
  return lost;
}

void ContinuousBatcher::drop_retained(const RetainedKv::Entry& entry, double now) {
  free_blocks_ += entry.blocks;
  // Offload writes are asynchronous device-to-host copies on the link's other
  // direction: they cost the replica no time (docs/performance-model.md).
  if (tiers_) tiers_->offload(entry, now);
}

void ContinuousBatcher::forget_session(std::uint64_t session_key, double now) {
  if (const std::optional<RetainedKv::Entry> e = retained_.take(session_key)) {
    if (idleness_) idleness_->remove(session_key);
    touch(now);  // the integral of blocks in use, up to the moment they change
    free_blocks_ += e->blocks;
    if (series_) report_levels(now);
    return;
  }
  // Not in device memory: a lower tier's copy, if any, is as useless.
  if (tiers_) tiers_->forget(session_key, now);
}

void ContinuousBatcher::expire_retained(double now) {
  if (tiers_) tiers_->expire(now);
  if (!retention_.expires()) return;
  while (!retained_.empty() && retained_.oldest().expires_s <= now) drop_retained(retained_.pop_oldest(), now);
}

void ContinuousBatcher::retain(const RetainedKv::Entry& entry, std::uint16_t idleness) {
  retained_.push(entry);
  if (idleness_) idleness_->add(entry.session_key, idleness);
}

RetainedKv::Entry ContinuousBatcher::evict_next() {
  if (idleness_) return *retained_.take(idleness_->pop_most_idle());
  // Least recently retained first: the session most likely to have moved on.
  return retained_.pop_oldest();
}

bool ContinuousBatcher::make_room(long blocks, double now) {
  while (free_blocks_ < blocks && !retained_.empty()) drop_retained(evict_next(), now);
  // Then hashed prompt chunks no running call reads, least recently used
  // first: one session's cache is worth less to the fleet than a chunk any
  // session may send again.
  if (free_blocks_ < blocks && prefix_cache_) free_blocks_ += prefix_cache_->evict(blocks - free_blocks_);
  return free_blocks_ >= blocks;
}

void ContinuousBatcher::preempt_newest() {
  Sequence s = running_.back();
  running_.pop_back();
  extra_running_ -= s.call.extra_sequences;
  free_blocks_ += s.blocks - s.shared;
  unpin_chunks(s);
  // Recompute: the prompt and every token generated so far are prefilled
  // again (of a call with several branches, one branch's: docs/performance-model.md).
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
      if (!s.prefilling() && !s.done()) need += std::max(0L, blocks_at(s, s.kv_tokens + 1) - s.blocks);
    if (need <= free_blocks_ || make_room(need, now)) return;
    // Finished calls riding a multi-step window out go before anything is
    // preempted: their blocks are free at the window's end anyway.
    if (retire_done(now, listener)) continue;
    if (running_.size() == 1) {
      // A lone sequence has outgrown the whole cache: end it where it is.
      Sequence s = running_.back();
      running_.pop_back();
      extra_running_ -= s.call.extra_sequences;
      finish(s, now, true, listener);
      return;
    }
    preempt_newest();
  }
}

long ContinuousBatcher::kv_growth_limit(long limit, long free) const {
  const Scratch& scratch = *scratch_;
  auto need = [&](long j) {
    long n = 0;
    for (std::size_t i = 0; i < scratch.kv.size(); ++i)  // scratch entry i is running_[i]'s
      n += std::max(0L, blocks_at(running_[i], scratch.kv[i] + j) - scratch.blocks[i]);
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

void ContinuousBatcher::release(Sequence& s, double now) {
  unpin_chunks(s);
  // The session goes on with one branch: the others' own blocks go now.
  if (s.call.extra_sequences > 0 && s.blocks > 0) {
    const long branch_blocks = std::max(0L, s.blocks - blocks_for(s.kv_tokens));
    free_blocks_ += branch_blocks;
    s.blocks -= branch_blocks;
  }
  s.blocks -= s.shared;  // a shared prefix's blocks stay with the replica
  s.shared = 0;
  // A hashed call's reuse is its chunks': its session keeps no cache of its own.
  if (!retention_.keeps || s.blocks == 0 || !s.call.prefix.empty()) {
    free_blocks_ += s.blocks;
    s.blocks = 0;
    return;
  }
  // Admission took the session's older cache, and a session has one call at a
  // time, so no entry for it can be here now.
  assert(!retained_.contains(s.call.session_key));
  // Appended in expiry order: the policy's expiry never decreases from call to call.
  retain({s.call.session_key, s.blocks, s.kv_tokens, retention_.expiry_s(now)}, s.call.idleness);
  s.blocks = 0;
}

}  // namespace fleetsim
