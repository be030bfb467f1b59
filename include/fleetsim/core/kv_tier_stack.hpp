// One replica's KV tiers below device memory: where a retained session cache
// goes when device memory drops it, and where a later call of the session
// finds it again (docs/performance-model.md, "KV tiers below device memory").
//
// Levels are ordered top down. A cache enters the first level whose capacity
// could hold it, evicting that level's least recently entered caches, which
// move to the next level the same way; what leaves the last level is dropped.
// A level with a TTL moves a cache down (or drops it) once it has stayed that
// long. A hit removes the cache from its level: the call reloads it into
// device memory over the level's link, kv_transfer_time_s() of its bytes.
//
// A replica whose pool names a remote KV store (attach_store) has one more
// level below its own, shared with other replicas: what leaves its last level
// (or device memory, with no level of its own) goes to the store instead of
// being dropped. A store hit is not taken here: the fleet model takes the
// cache from the store, moves it over the network, and lands it here
// (land()) before the call is queued; the batcher then takes it as a hit of
// the store's level with no further transfer time.
//
// Like ContinuousBatcher it knows nothing of time passing: callers give the
// current time. Statistics count what happens at or after `window_start_s`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/kv_store.hpp"
#include "fleetsim/core/kv_tier.hpp"
#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/core/retained_kv.hpp"

namespace fleetsim {

struct Pool;

struct KvTierStats {
  long hits = 0;                  // calls whose session's cache was found here
  double bytes_reloaded = 0.0;    // into device memory, by those hits
  double bytes_offloaded = 0.0;   // caches written into this level
  double reload_s = 0.0;          // transfer time of the reloads (on their calls' TTFT)
  double tokens_avoided = 0.0;    // prompt tokens the reloads spared from prefill
  long caches_dropped = 0;        // caches that left this level for no level below
  // The remote store's level: caches of other replicas this one's offloads
  // pushed out of the store (LRU) or too large for it.
  long store_evictions = 0;
};

class KvTierStack {
 public:
  struct Level {
    std::string name;
    KvTierKind kind = KvTierKind::host_dram;
    long capacity_blocks = 0;    // this replica's share, in KV blocks
    double bandwidth_bps = 0.0;  // the replica's link to the level (all its devices' links)
    double latency_s = 0.0;
    double ttl_s = 0.0;          // infinity: LRU only
  };
  struct Hit {
    RetainedKv::Entry entry;
    std::size_t level = 0;
    double reload_s = 0.0;  // kv_transfer_time_s of the entry's blocks
    // A store hit: the network transfer that landed it (already waited
    // for, so not part of reload_s); counted in the level's reload time.
    double network_s = 0.0;
  };

  KvTierStack(std::vector<Level> levels, double block_bytes, double window_start_s);

  // The remote store below the levels (nullptr: none); its statistics are
  // the last entry of stats(), at index store_level().
  void attach_store(KvStore* store);
  KvStore* store() const { return store_ ? store_->store : nullptr; }
  std::size_t store_level() const { return levels_.size(); }
  // A cache taken from the store reached this replica after `network_s`:
  // held here until the call's admission takes it.
  void land(const RetainedKv::Entry& entry, double network_s);

  // A cache device memory drops at `now` (evicted or expired): into the first level.
  void offload(const RetainedKv::Entry& entry, double now);
  // Removes the session's cache from the level holding it, if any. Nothing is
  // counted until record_reload(): the caller may still give it back.
  std::optional<Hit> take(std::uint64_t session_key);
  // Undoes take() when the call could not be admitted after all.
  void give_back(const Hit& hit, double now);
  // Counts a reload that admission has committed to.
  void record_reload(const Hit& hit, long tokens_avoided, double now);
  // Removes the session's cache from its level, or from the store, without
  // counting it (its session can no longer use it: kv_retention tool_gap).
  void forget(std::uint64_t session_key, double now);
  // Moves down (or drops) caches whose level's TTL has passed.
  void expire(double now);
  // The replica failed (docs/failures.md): every cache its own levels hold
  // is lost, counted as dropped; so are caches landed from the store for
  // calls that will now be retried elsewhere. The store keeps what it holds.
  void lose_all(double now);

  const std::vector<Level>& levels() const { return levels_; }
  const std::vector<KvTierStats>& stats() const { return stats_; }
  long blocks_held(std::size_t level) const { return used_blocks_[level]; }
  bool holds(std::uint64_t session_key) const;

 private:
  void insert(std::size_t level, RetainedKv::Entry entry, double now);
  // The level's least recently entered cache goes one level down, or is dropped.
  void move_down(std::size_t level, double now);
  // Moves caches down until `blocks` more fit the level (blocks <= its capacity).
  void make_room(std::size_t level, long blocks, double now);
  // A cache that leaves the last level: to the store, or dropped.
  void leave_levels(const RetainedKv::Entry& entry, double now);
  bool counts(double now) const { return now >= window_start_s_; }

  std::vector<Level> levels_;
  std::vector<RetainedKv> held_;  // per level, least recently entered first
  std::vector<long> used_blocks_;
  std::vector<KvTierStats> stats_;
  double block_bytes_;
  double window_start_s_;
  struct Landed {
    RetainedKv::Entry entry;
    double network_s = 0.0;
  };
  struct StoreLink {
    KvStore* store = nullptr;
    std::vector<Landed> landed;  // from the store, waiting for their calls' admission
  };
  // Null without a store: one pointer, so that a replica without one keeps
  // the layout it had before stores existed (the batcher is on the hot path).
  std::unique_ptr<StoreLink> store_;
};

// The levels a replica of `pool` serving `model` gets: the engine's
// `kv_tiers` resolved against the node type's tiers, each tier's capacity
// split evenly over the node's replicas and its link bandwidth multiplied by
// the replica's devices. Empty when the engine names no tier of the node (a
// remote store is not one of these levels: attach_store).
std::vector<KvTierStack::Level> kv_tier_levels(const Pool& pool, const ModelSpec& model);

}  // namespace fleetsim
