// A remote KV store's memory: the session caches that the replicas of the
// pools naming the store let go of from their last local tier (or from
// device memory, when they have no local tier), held least recently stored
// first (docs/performance-model.md, "A remote KV store").
//
// One store is shared by every replica whose pool names it, so it is owned by
// the fleet model and each replica's KvTierStack points to it. Capacity is
// pooled: the store's nodes x the memory each gives to KV caches, in KV blocks
// of the one model its pools serve (the loader refuses pools of other models
// or block sizes sharing a store). A cache that does not fit evicts the least
// recently stored ones; one larger than the whole store is dropped. Which node
// holds a cache (for the network it crosses on a reload) is its session key
// modulo the nodes, the even spread a hash ring gives.
//
// Like KvTierStack it knows nothing of time passing: callers give the time.
#pragma once

#include <cstdint>
#include <optional>

#include "fleetsim/core/retained_kv.hpp"
#include "fleetsim/core/step_integral.hpp"

namespace fleetsim {

struct KvStoreStats {
  long caches_stored = 0;   // in the window
  long caches_evicted = 0;  // pushed out to make room (LRU), or too large to hold
  long hits = 0;            // caches taken back by a replica
  long peak_blocks = 0;     // most blocks held at once, from the window's start
  StepIntegral blocks_held; // over time, for the mean memory in use
};

class KvStore {
 public:
  KvStore(long capacity_blocks, int nodes, double window_start_s);

  // A cache a replica lets go of at `now`; returns how many caches left the
  // store for it (the evicted ones, or 1 when it is itself too large). It
  // replaces the session's older cache, if the store holds one.
  long put(const RetainedKv::Entry& entry, double now);
  // Removes and returns the session's cache, if the store holds it.
  std::optional<RetainedKv::Entry> take(std::uint64_t session_key, double now);
  // Removes the session's cache without counting a hit: its session ended.
  void forget(std::uint64_t session_key, double now);
  bool holds(std::uint64_t session_key) const { return held_.contains(session_key); }
  // The node holding a session's cache.
  int node_of(std::uint64_t session_key) const {
    return static_cast<int>(session_key % static_cast<std::uint64_t>(nodes_));
  }
  // Brings the memory integral up to `end_s`.
  void settle(double end_s) { stats_.blocks_held.settle(end_s); }

  long capacity_blocks() const { return capacity_blocks_; }
  long blocks_held() const { return used_blocks_; }
  const KvStoreStats& stats() const { return stats_; }

 private:
  bool counts(double now) const { return now >= window_start_s_; }
  void change_held(long delta, double now);

  RetainedKv held_;  // least recently stored first
  long capacity_blocks_;
  long used_blocks_ = 0;
  int nodes_;
  double window_start_s_;
  KvStoreStats stats_;
};

}  // namespace fleetsim
