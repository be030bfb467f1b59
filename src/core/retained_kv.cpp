#include "fleetsim/core/retained_kv.hpp"

namespace fleetsim {

std::size_t RetainedKv::bucket_of(std::uint64_t key) const {
  // Session keys are sequential: mix them so that neighbours spread out.
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return static_cast<std::size_t>(key) & (buckets_.size() - 1);
}

std::uint32_t RetainedKv::find(std::uint64_t key) const {
  if (buckets_.empty()) return kNone;
  for (std::size_t b = bucket_of(key);; b = (b + 1) & (buckets_.size() - 1)) {
    const Bucket& bucket = buckets_[b];
    if (bucket.node == kNone) return kNone;
    if (bucket.key == key) return bucket.node;
  }
}

void RetainedKv::grow() {
  const std::size_t capacity = buckets_.empty() ? 16 : buckets_.size() * 2;
  std::vector<Bucket> old = std::move(buckets_);
  buckets_.assign(capacity, Bucket{});
  for (const Bucket& b : old)
    if (b.node != kNone) index_insert(b.key, b.node);
}

void RetainedKv::index_insert(std::uint64_t key, std::uint32_t node) {
  std::size_t b = bucket_of(key);
  while (buckets_[b].node != kNone) b = (b + 1) & (buckets_.size() - 1);
  buckets_[b] = {key, node};
}

// Backward-shift deletion keeps probe sequences intact without tombstones.
void RetainedKv::index_erase(std::uint64_t key) {
  const std::size_t mask = buckets_.size() - 1;
  std::size_t hole = bucket_of(key);
  while (buckets_[hole].key != key) hole = (hole + 1) & mask;
  for (std::size_t b = (hole + 1) & mask; buckets_[b].node != kNone; b = (b + 1) & mask) {
    const std::size_t home = bucket_of(buckets_[b].key);
    // Move b into the hole if its home is not in the cyclic range (hole, b].
    const bool stays = hole <= b ? (home > hole && home <= b) : (home > hole || home <= b);
    if (!stays) {
      buckets_[hole] = buckets_[b];
      hole = b;
    }
  }
  buckets_[hole] = Bucket{};
}

void RetainedKv::push(const Entry& entry) {
  if ((size_ + 1) * 2 > buckets_.size()) grow();
  std::uint32_t n;
  if (free_.empty()) {
    n = static_cast<std::uint32_t>(slab_.size());
    slab_.emplace_back();
  } else {
    n = free_.back();
    free_.pop_back();
  }
  slab_[n] = Node{entry, tail_, kNone};
  if (tail_ != kNone)
    slab_[tail_].next = n;
  else
    head_ = n;
  tail_ = n;
  index_insert(entry.session_key, n);
  ++size_;
}

void RetainedKv::unlink(std::uint32_t n) {
  Node& node = slab_[n];
  if (node.prev != kNone)
    slab_[node.prev].next = node.next;
  else
    head_ = node.next;
  if (node.next != kNone)
    slab_[node.next].prev = node.prev;
  else
    tail_ = node.prev;
  index_erase(node.entry.session_key);
  free_.push_back(n);
  --size_;
}

std::optional<RetainedKv::Entry> RetainedKv::take(std::uint64_t session_key) {
  const std::uint32_t n = find(session_key);
  if (n == kNone) return std::nullopt;
  const Entry e = slab_[n].entry;
  unlink(n);
  return e;
}

RetainedKv::Entry RetainedKv::pop_oldest() {
  const Entry e = slab_[head_].entry;
  unlink(head_);
  return e;
}

}  // namespace fleetsim
