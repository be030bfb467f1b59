#include "fleetsim/core/kv_store.hpp"

#include <algorithm>

namespace fleetsim {

KvStore::KvStore(long capacity_blocks, int nodes, double window_start_s)
    : capacity_blocks_(capacity_blocks), nodes_(std::max(1, nodes)), window_start_s_(window_start_s) {
  stats_.blocks_held = StepIntegral(window_start_s);
}

void KvStore::change_held(long delta, double now) {
  used_blocks_ += delta;
  stats_.blocks_held.change(now, static_cast<double>(delta));
  if (counts(now)) stats_.peak_blocks = std::max(stats_.peak_blocks, used_blocks_);
}

long KvStore::put(const RetainedKv::Entry& entry, double now) {
  // A session's older cache may still be here: its next call found the
  // session in a replica (device memory or a local tier) and did not reload
  // it. The cache let go of now holds the older one's tokens and more, so it
  // replaces it, as a prefix-keyed store keeps one copy of shared blocks.
  // Neither a hit nor an eviction.
  forget(entry.session_key, now);
  if (entry.blocks > capacity_blocks_) {  // evicting everything would not make room
    if (counts(now)) stats_.caches_evicted += 1;
    return 1;
  }
  long evicted = 0;
  while (used_blocks_ + entry.blocks > capacity_blocks_) {
    const RetainedKv::Entry oldest = held_.pop_oldest();
    change_held(-oldest.blocks, now);
    ++evicted;
  }
  held_.push(entry);
  change_held(entry.blocks, now);
  if (counts(now)) {
    stats_.caches_stored += 1;
    stats_.caches_evicted += evicted;
  }
  return evicted;
}

std::optional<RetainedKv::Entry> KvStore::take(std::uint64_t session_key, double now) {
  std::optional<RetainedKv::Entry> e = held_.take(session_key);
  if (!e) return e;
  change_held(-e->blocks, now);
  if (counts(now)) stats_.hits += 1;
  return e;
}

void KvStore::forget(std::uint64_t session_key, double now) {
  if (const std::optional<RetainedKv::Entry> e = held_.take(session_key)) change_held(-e->blocks, now);
}

}  // namespace fleetsim
