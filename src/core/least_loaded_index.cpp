#include "fleetsim/core/least_loaded_index.hpp"

namespace fleetsim {

std::vector<LeastLoadedIndex::Key> LeastLoadedIndex::idle(std::size_t slots) {
  std::vector<Key> keys(slots);
  for (std::size_t i = 0; i < slots; ++i) keys[i] = {0, static_cast<std::uint32_t>(i)};
  return keys;
}

// Padding slots never win over a real one: they carry the largest load and slot.
LeastLoadedIndex::LeastLoadedIndex(std::size_t slots) : tree_(idle(slots), Key{kMax, kMax}) {}

}  // namespace fleetsim
