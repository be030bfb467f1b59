#include "fleetsim/core/prefix_block_cache.hpp"

#include <algorithm>
#include <cassert>

namespace fleetsim {

std::uint64_t PrefixHashes::salted(std::uint64_t hash, std::uint64_t salt) {
  // splitmix64's finalizer over the pair; the top bit set keeps salted names
  // apart from a trace's own, which are small remapped ids in Mooncake's.
  std::uint64_t z = hash + salt * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (z ^ (z >> 31)) | (1ull << 63);
}

long PrefixHashes::chunk_tokens(std::uint32_t i, long prompt_tokens) const {
  const long start = static_cast<long>(i) * block_tokens;
  return std::clamp(prompt_tokens - start, 0L, static_cast<long>(block_tokens));
}

std::uint32_t PrefixBlockCache::find(std::uint64_t hash) const {
  const auto it = index_.find(hash);
  return it == index_.end() ? kNone : it->second;
}

void PrefixBlockCache::link_newest(std::uint32_t node) {
  Chunk& c = slab_[node];
  c.prev = newest_;
  c.next = kNone;
  if (newest_ != kNone) slab_[newest_].next = node;
  newest_ = node;
  if (oldest_ == kNone) oldest_ = node;
  evictable_blocks_ += c.blocks;
}

void PrefixBlockCache::unlink(std::uint32_t node) {
  Chunk& c = slab_[node];
  (c.prev != kNone ? slab_[c.prev].next : oldest_) = c.next;
  (c.next != kNone ? slab_[c.next].prev : newest_) = c.prev;
  c.prev = c.next = kNone;
  evictable_blocks_ -= c.blocks;
}

void PrefixBlockCache::erase(std::uint32_t node) {
  index_.erase(slab_[node].hash);
  blocks_ -= slab_[node].blocks;
  free_nodes_.push_back(node);
}

long PrefixBlockCache::leading_tokens(const PrefixHashes& h, long prompt_tokens) const {
  long tokens = 0;
  for (std::uint32_t i = 0; i < h.count && h.chunk_tokens(i, prompt_tokens) > 0; ++i) {
    const std::uint32_t node = find(h.at(i));
    if (node == kNone) break;
    tokens += slab_[node].tokens;
  }
  return tokens;
}

PrefixBlockCache::Run PrefixBlockCache::pin_leading(const PrefixHashes& h, long prompt_tokens,
                                                    std::uint64_t session) {
  Run run;
  for (std::uint32_t i = 0; i < h.count && h.chunk_tokens(i, prompt_tokens) > 0; ++i) {
    const std::uint32_t node = find(h.at(i));
    if (node == kNone) break;
    Chunk& c = slab_[node];
    if (c.pins++ == 0) unlink(node);
    ++run.chunks;
    run.blocks += c.blocks;
    run.tokens += c.tokens;
    if (c.session != session) run.other_session_tokens += c.tokens;
  }
  return run;
}

void PrefixBlockCache::unpin_leading(const PrefixHashes& h, std::uint32_t chunks) {
  // Last chunk first, so that the first is the most recently used: a prompt's
  // tail goes before its head, which more prompts share (vLLM frees a
  // request's blocks in reverse order for the same reason).
  for (std::uint32_t i = chunks; i-- > 0;) {
    const std::uint32_t node = find(h.at(i));
    assert(node != kNone && slab_[node].pins > 0);
    if (--slab_[node].pins == 0) link_newest(node);
  }
}

PrefixBlockCache::Run PrefixBlockCache::add_computed(const PrefixHashes& h, std::uint32_t from, long prompt_tokens,
                                                     std::uint64_t session, long max_blocks) {
  Run run;
  for (std::uint32_t i = from; i < h.count; ++i) {
    const long tokens = h.chunk_tokens(i, prompt_tokens);
    const long blocks = (tokens + kv_block_tokens_ - 1) / kv_block_tokens_;
    if (tokens <= 0 || run.blocks + blocks > max_blocks || find(h.at(i)) != kNone) break;
    std::uint32_t node;
    if (!free_nodes_.empty()) {
      node = free_nodes_.back();
      free_nodes_.pop_back();
    } else {
      node = static_cast<std::uint32_t>(slab_.size());
      slab_.emplace_back();
    }
    slab_[node] = Chunk{h.at(i), session, blocks, tokens, 1, kNone, kNone};
    index_.emplace(h.at(i), node);
    blocks_ += blocks;
    ++run.chunks;
    run.blocks += blocks;
    run.tokens += tokens;
  }
  return run;
}

long PrefixBlockCache::evict(long blocks) {
  long freed = 0;
  while (freed < blocks && oldest_ != kNone) {
    const std::uint32_t node = oldest_;
    freed += slab_[node].blocks;
    unlink(node);
    erase(node);
  }
  return freed;
}

long PrefixBlockCache::clear() {
  const long freed = blocks_;
  slab_.clear();
  free_nodes_.clear();
  index_.clear();
  oldest_ = newest_ = kNone;
  blocks_ = evictable_blocks_ = 0;
  return freed;
}

}  // namespace fleetsim
