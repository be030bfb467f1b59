// The queue of a replica: calls enqueued, and admitted from its head into
// the batch while the batch, the token budget and the KV blocks allow, with
// whatever KV of theirs the replica still holds. Apart from the rest of
// ContinuousBatcher (continuous_batcher.cpp) so that admission's steps share
// one translation unit; plan_next calls admit out of line either way.
#include <algorithm>
#include <optional>

#include "fleetsim/core/continuous_batcher.hpp"

namespace fleetsim {

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
  return was_empty && running_sequences() < static_cast<std::size_t>(engine_.max_batch_size);
}

// What an admitted call finds of its KV already: its session's retained
// cache, detached so that make_room cannot evict the very cache being reused;
// or, not on the devices, a lower tier's copy; and a shared prefix or the
// leading chunks of its hashed prompt, which others hold.
struct ContinuousBatcher::KvReuse {
  long carried = 0;        // the retained cache's blocks, which the call takes over
  long cached_tokens = 0;  // prompt tokens whose KV it need not compute
  long shared = 0;         // blocks it reads but does not own
  std::optional<RetainedKv::Entry> detached;
  std::optional<KvTierStack::Hit> reload;
  PrefixBlockCache::Run hit;
};

// Without chunked prefill a prompt is prefilled whole, so it waits while the
// batch's prefills would exceed the token budget with it.
bool ContinuousBatcher::budget_admits(const Sequence& s, long decoding, long prefill_remaining) const {
  const long budget = engine_.max_batched_tokens;
  if (engine_.chunked_prefill) return budget - decoding - prefill_remaining > 0;
  if (engine_.mixed_batches) return !(prefill_remaining > 0 && decoding + prefill_remaining + s.target > budget);
  return !(prefill_remaining > 0 && prefill_remaining + s.target > budget);
}

// As the admission policy says: on demand the prompt and the first token now,
// decode growing later; reserved, the whole final length now.
long ContinuousBatcher::blocks_needed(const Sequence& s) const {
  return blocks_at(s, admission_.tokens_to_admit(s.call, s.target));
}

// Even an empty replica cannot hold the head's prompt: fail it rather than
// block the queue forever.
void ContinuousBatcher::fail_head(double now, BatcherListener& listener) {
  Sequence failed = waiting_.front();
  waiting_.pop_front();
  if (failed.scheduled_s < 0) failed.scheduled_s = now;
  finish(failed, now, true, listener);
}

ContinuousBatcher::KvReuse ContinuousBatcher::find_reusable_kv(const Sequence& s, long needed) {
  KvReuse r;
  if (s.generated == 0) r.detached = retained_.take(s.call.session_key);
  if (r.detached && idleness_) idleness_->remove(s.call.session_key);
  if (r.detached) {
    r.carried = r.detached->blocks;
    r.cached_tokens = std::min(r.detached->tokens, s.target - 1);
  }
  // A lower tier's blocks come back into device memory, so they count in
  // `needed` like a miss's, not as carried.
  if (!r.detached && tiers_ && s.generated == 0) {
    r.reload = tiers_->take(s.call.session_key);
    if (r.reload) r.cached_tokens = std::min(r.reload->entry.tokens, s.target - 1);
  }
  // A shared prefix this replica holds: its blocks are there already.
  if (!prefix_blocks_.empty() && s.call.shared_prefix && s.call.phase != CallPhase::decode &&
      prefix_held_[prefix_of_workload_[s.call.workload]])
    r.shared = std::min(prefix_blocks_[prefix_of_workload_[s.call.workload]], needed);
  // Or the leading chunks of a hashed prompt, whichever session left them.
  if (prefix_cache_ && !s.call.prefix.empty() && s.call.phase != CallPhase::decode && s.generated == 0 &&
      !r.detached && !r.reload) {
    r.hit = prefix_cache_->pin_leading(s.call.prefix, s.call.prompt_tokens, s.call.session_key);
    r.shared = r.hit.blocks;
  }
  return r;
}

// There was no room: everything find_reusable_kv took is put back, the
// session's cache kept for when the call can be admitted.
void ContinuousBatcher::put_back(const KvReuse& r, const Sequence& s, double now) {
  if (r.detached) retain(*r.detached, s.call.idleness);
  if (r.reload) tiers_->give_back(*r.reload, now);
  if (r.hit.chunks > 0) prefix_cache_->unpin_leading(s.call.prefix, r.hit.chunks);
}

// The call joins the batch with its own `extra` blocks and what it reuses.
void ContinuousBatcher::seat(Sequence& s, const KvReuse& r, long extra, double now) {
  long cached_tokens = r.cached_tokens;
  if (r.reload) {
    tiers_->record_reload(*r.reload, cached_tokens, now);
    s.reload_s = r.reload->reload_s;
  }
  free_blocks_ -= extra;
  s.blocks = r.carried + extra + r.shared;
  s.shared = r.shared;
  s.hash_pinned = r.hit.chunks;
  if (r.hit.chunks > 0) {
    cached_tokens = std::min(r.hit.tokens, s.target - 1);
    s.shared_cached = std::min(r.hit.other_session_tokens, cached_tokens);
  } else if (r.shared > 0 && !r.detached && !r.reload) {  // no cache of the session here: the prefix is what it finds
    cached_tokens = std::min(r.shared * engine_.kv_block_tokens, s.target - 1);
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
    if (keep_waits_) kept_waits_.push_back(now - s.call.enqueue_s);
  }
}

// Admits calls from the queue's head while the batch, the token budget and
// the KV blocks allow, in order: a call that does not fit stops the rest.
void ContinuousBatcher::admit(double now, BatcherListener& listener) {
  const auto max_batch = static_cast<std::size_t>(engine_.max_batch_size);
  long decoding = 0, prefill_remaining = 0;
  for (const auto& s : running_) {
    if (s.prefilling())
      prefill_remaining += s.target - s.kv_tokens;
    else
      decoding += s.call.sequences();
  }
  while (!waiting_.empty() && running_sequences() < max_batch) {
    Sequence& s = waiting_.front();
    // All of a call's sequences join at once; one wider than the cap runs alone.
    if (!running_.empty() && running_sequences() + s.call.extra_sequences >= max_batch) break;
    if (!budget_admits(s, decoding, prefill_remaining)) break;
    const long needed = blocks_needed(s);
    if (needed > total_blocks_) {
      fail_head(now, listener);
      continue;
    }
    const KvReuse reuse = find_reusable_kv(s, needed);
    const long extra = std::max(0L, needed - reuse.carried - reuse.shared);
    if (!make_room(extra, now)) {
      put_back(reuse, s, now);
      break;
    }
    seat(s, reuse, extra, now);
    prefill_remaining += s.target - s.kv_tokens;
    extra_running_ += s.call.extra_sequences;
    running_.push_back(s);
    waiting_.pop_front();
  }
}

}  // namespace fleetsim
