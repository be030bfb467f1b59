#include "fleetsim/core/kv_tier_stack.hpp"

#include <cmath>
#include <utility>

#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

KvTierStack::KvTierStack(std::vector<Level> levels, double block_bytes, double window_start_s)
    : levels_(std::move(levels)),
      held_(levels_.size()),
      used_blocks_(levels_.size(), 0),
      stats_(levels_.size()),
      block_bytes_(block_bytes),
      window_start_s_(window_start_s) {}

void KvTierStack::offload(const RetainedKv::Entry& entry, double now) { insert(0, entry, now); }

void KvTierStack::attach_store(KvStore* store) {
  store_ = std::make_unique<StoreLink>();
  store_->store = store;
  stats_.resize(levels_.size() + 1);
}

void KvTierStack::land(const RetainedKv::Entry& entry, double network_s) {
  store_->landed.push_back({entry, network_s});
}

void KvTierStack::leave_levels(const RetainedKv::Entry& entry, double now) {
  if (store_) {
    KvStore& store = *store_->store;
    const bool fits = entry.blocks <= store.capacity_blocks();
    const long evicted = store.put(entry, now);  // 1 for a cache too large: itself
    if (counts(now)) {
      KvTierStats& s = stats_[store_level()];
      if (fits) {
        s.store_evictions += evicted;
        s.bytes_offloaded += static_cast<double>(entry.blocks) * block_bytes_;
      } else {
        s.caches_dropped += 1;
      }
    }
  } else if (!levels_.empty() && counts(now)) {
    stats_[levels_.size() - 1].caches_dropped += 1;
  }
}

void KvTierStack::insert(std::size_t level, RetainedKv::Entry entry, double now) {
  // Skip levels too small to ever hold the cache: evicting all of one would
  // not make room, and a cache is never split between levels.
  while (level < levels_.size() && entry.blocks > levels_[level].capacity_blocks) ++level;
  if (level >= levels_.size()) return leave_levels(entry, now);
  make_room(level, entry.blocks, now);
  // TTL entries are appended in expiry order: one constant TTL per level.
  entry.expires_s = now + levels_[level].ttl_s;
  held_[level].push(entry);
  used_blocks_[level] += entry.blocks;
  if (counts(now)) stats_[level].bytes_offloaded += static_cast<double>(entry.blocks) * block_bytes_;
}

void KvTierStack::move_down(std::size_t level, double now) {
  const RetainedKv::Entry e = held_[level].pop_oldest();
  used_blocks_[level] -= e.blocks;
  if (level + 1 < levels_.size())
    insert(level + 1, e, now);
  else
    leave_levels(e, now);
}

void KvTierStack::make_room(std::size_t level, long blocks, double now) {
  while (used_blocks_[level] + blocks > levels_[level].capacity_blocks) move_down(level, now);
}

std::optional<KvTierStack::Hit> KvTierStack::take(std::uint64_t session_key) {
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    if (std::optional<RetainedKv::Entry> e = held_[level].take(session_key)) {
      used_blocks_[level] -= e->blocks;
      const double bytes = static_cast<double>(e->blocks) * block_bytes_;
      return Hit{*e, level, kv_transfer_time_s(bytes, levels_[level].bandwidth_bps, levels_[level].latency_s)};
    }
  }
  if (!store_) return std::nullopt;
  std::vector<Landed>& landed = store_->landed;
  for (std::size_t i = 0; i < landed.size(); ++i) {
    if (landed[i].entry.session_key != session_key) continue;
    const Hit hit{landed[i].entry, store_level(), 0.0, landed[i].network_s};
    landed.erase(landed.begin() + static_cast<std::ptrdiff_t>(i));
    return hit;
  }
  return std::nullopt;
}

void KvTierStack::forget(std::uint64_t session_key, double now) {
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    if (std::optional<RetainedKv::Entry> e = held_[level].take(session_key)) {
      used_blocks_[level] -= e->blocks;
      return;
    }
  }
  if (!store_) return;
  std::vector<Landed>& landed = store_->landed;
  for (std::size_t i = 0; i < landed.size(); ++i) {
    if (landed[i].entry.session_key != session_key) continue;
    landed.erase(landed.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
  store_->store->forget(session_key, now);
}

void KvTierStack::give_back(const Hit& hit, double now) {
  if (store_ && hit.level == store_level()) return store_->landed.push_back({hit.entry, hit.network_s});
  // Not counted as an offload: the cache never left the level's memory.
  make_room(hit.level, hit.entry.blocks, now);
  held_[hit.level].push(hit.entry);
  used_blocks_[hit.level] += hit.entry.blocks;
}

void KvTierStack::record_reload(const Hit& hit, long tokens_avoided, double now) {
  if (!counts(now)) return;
  KvTierStats& s = stats_[hit.level];
  s.hits += 1;
  s.bytes_reloaded += static_cast<double>(hit.entry.blocks) * block_bytes_;
  s.reload_s += hit.reload_s + hit.network_s;
  s.tokens_avoided += static_cast<double>(tokens_avoided);
}

void KvTierStack::expire(double now) {
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    RetainedKv& held = held_[level];
    while (!held.empty() && held.oldest().expires_s <= now) move_down(level, now);
  }
}

void KvTierStack::lose_all(double now) {
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    RetainedKv& held = held_[level];
    while (!held.empty()) {
      used_blocks_[level] -= held.pop_oldest().blocks;
      if (counts(now)) stats_[level].caches_dropped += 1;
    }
  }
  if (store_) store_->landed.clear();
}

bool KvTierStack::holds(std::uint64_t session_key) const {
  for (const RetainedKv& held : held_)
    if (held.contains(session_key)) return true;
  return false;
}

std::vector<KvTierStack::Level> kv_tier_levels(const Pool& pool, const ModelSpec& model) {
  std::vector<KvTierStack::Level> levels;
  const EngineSettings& engine = pool.engine;
  if (engine.kv_tiers.empty()) return levels;
  const double block_bytes = model.kv_bytes_per_token() * engine.kv_block_tokens;
  const double replicas = std::max(1, pool.replicas_per_node());
  const double devices = std::max(1, engine.tensor_parallel);
  for (const EngineSettings::KvTierUse& use : engine.kv_tiers) {
    for (const KvTierSpec& spec : pool.hardware.kv_tiers) {
      if (use.remote_store || spec.name != use.tier) continue;
      KvTierStack::Level l;
      l.name = spec.name;
      l.kind = spec.kind;
      l.capacity_blocks =
          block_bytes > 0 ? static_cast<long>(std::floor(spec.capacity_bytes / replicas / block_bytes)) : 0;
      l.bandwidth_bps = spec.bandwidth_bps * devices;
      l.latency_s = spec.latency_s;
      l.ttl_s = use.ttl_s;
      levels.push_back(l);
    }
  }
  return levels;
}

}  // namespace fleetsim
