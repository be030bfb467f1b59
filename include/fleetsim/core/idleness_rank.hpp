// The order in which a replica whose retention ranks sessions by idleness
// (kv_retention: idleness) lets their retained caches go under memory
// pressure: the session that has spent the largest fraction of its time so
// far waiting on tools first, so the idlest agents go to the tier below
// (or are dropped) and the busiest stay in device memory; among equally
// idle sessions, the least recently retained first. This is MORI's ranking
// of agent programs (Xia et al., "Idleness is Relative", arXiv 2606.00866,
// 2026), applied when memory runs short rather than by moving caches ahead
// of need (docs/performance-model.md, "KV retention").
//
// Only a replica with that policy has one; the others pay nothing. Each
// retained cache costs an ordered-map node and a hash entry: O(log n) per
// retention and eviction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

namespace fleetsim {

// A session's idle fraction (time waiting on tools / time since it started)
// as a call carries it, in units of 1/65535 (CallRequest::idleness).
constexpr double kIdlenessScale = 65535.0;
std::uint16_t quantize_idleness(double fraction);

class IdlenessRank {
 public:
  // The session's cache was retained; it must not be ranked already.
  void add(std::uint64_t session_key, std::uint16_t idleness);
  // The cache left (taken back by a call, or freed); nothing if not ranked.
  void remove(std::uint64_t session_key);
  // The session whose cache goes next, no longer ranked; requires !empty().
  std::uint64_t pop_most_idle();
  bool empty() const { return order_.empty(); }
  std::size_t size() const { return order_.size(); }
  void clear() {
    order_.clear();
    where_.clear();
  }

 private:
  // Most idle first; equal keys keep their insertion order (multimap inserts
  // after its equals), so ties leave least recently retained first.
  using Order = std::multimap<std::uint16_t, std::uint64_t, std::greater<>>;
  Order order_;
  std::unordered_map<std::uint64_t, Order::iterator> where_;
};

}  // namespace fleetsim
