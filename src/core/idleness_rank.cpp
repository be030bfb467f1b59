#include "fleetsim/core/idleness_rank.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace fleetsim {

std::uint16_t quantize_idleness(double fraction) {
  return static_cast<std::uint16_t>(std::lround(std::clamp(fraction, 0.0, 1.0) * kIdlenessScale));
}

void IdlenessRank::add(std::uint64_t session_key, std::uint16_t idleness) {
  assert(!where_.contains(session_key));
  where_.emplace(session_key, order_.emplace(idleness, session_key));
}

void IdlenessRank::remove(std::uint64_t session_key) {
  const auto it = where_.find(session_key);
  if (it == where_.end()) return;
  order_.erase(it->second);
  where_.erase(it);
}

std::uint64_t IdlenessRank::pop_most_idle() {
  assert(!order_.empty());
  const std::uint64_t key = order_.begin()->second;
  order_.erase(order_.begin());
  where_.erase(key);
  return key;
}

}  // namespace fleetsim
