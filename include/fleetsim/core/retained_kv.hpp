// KV caches a replica keeps for sessions between their calls (prefix reuse),
// in least-recently-retained order.
//
// A replica can hold thousands of idle session caches, and every call looks
// its session up, so this is an open-addressing hash table over a slab of
// entries threaded on an intrusive LRU list: no allocation per entry. Buckets
// carry their key, so a lookup reads one cache line of the index (usually) and
// touches the slab only on a hit.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace fleetsim {

class RetainedKv {
 public:
  struct Entry {
    std::uint64_t session_key = 0;
    long blocks = 0;
    long tokens = 0;
    double expires_s = 0.0;
  };

  // Adds a cache as the most recently retained (the key must not be present).
  void push(const Entry& entry);
  // Removes and returns the session's cache, if held.
  std::optional<Entry> take(std::uint64_t session_key);
  bool contains(std::uint64_t session_key) const { return find(session_key) != kNone; }
  // Tokens of the session's cache held here; 0 when none.
  long tokens_of(std::uint64_t session_key) const {
    const std::uint32_t node = find(session_key);
    return node == kNone ? 0 : slab_[node].entry.tokens;
  }
  // The least recently retained cache; requires !empty().
  const Entry& oldest() const { return slab_[head_].entry; }
  Entry pop_oldest();
  bool empty() const { return head_ == kNone; }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct Node {
    Entry entry;
    std::uint32_t prev = kNone;
    std::uint32_t next = kNone;
  };

  std::uint32_t find(std::uint64_t key) const;  // slab index or kNone
  std::size_t bucket_of(std::uint64_t key) const;
  void index_insert(std::uint64_t key, std::uint32_t node);
  void index_erase(std::uint64_t key);
  void grow();
  void unlink(std::uint32_t node);

  std::vector<Node> slab_;
  std::vector<std::uint32_t> free_;
  struct Bucket {
    std::uint64_t key = 0;
    std::uint32_t node = kNone;  // slab index, kNone when empty
  };

  std::vector<Bucket> buckets_;  // linear probing
  std::uint32_t head_ = kNone;          // oldest
  std::uint32_t tail_ = kNone;          // newest
  std::size_t size_ = 0;
};

}  // namespace fleetsim
