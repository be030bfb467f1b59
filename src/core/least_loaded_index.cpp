#include "fleetsim/least_loaded_index.hpp"

#include <limits>

namespace fleetsim {

LeastLoadedIndex::LeastLoadedIndex(std::size_t slots) : slots_(slots), width_(1) {
  while (width_ < slots_) width_ *= 2;
  // Padding slots beyond `slots` never win: they carry the largest load.
  leaves_.assign(width_, std::numeric_limits<std::uint32_t>::max());
  for (std::size_t i = 0; i < slots_; ++i) leaves_[i] = 0;
  winner_.assign(2 * width_, 0);
  for (std::size_t i = 0; i < width_; ++i) winner_[width_ + i] = i;
  for (std::size_t node = width_ - 1; node >= 1; --node)
    winner_[node] = better(winner_[2 * node], winner_[2 * node + 1]);
}

std::size_t LeastLoadedIndex::better(std::size_t a, std::size_t b) const {
  if (leaves_[b] < leaves_[a]) return b;
  if (leaves_[a] < leaves_[b]) return a;
  return a < b ? a : b;
}

void LeastLoadedIndex::set(std::size_t slot, std::uint32_t load) {
  leaves_[slot] = load;
  for (std::size_t node = (width_ + slot) / 2; node >= 1; node /= 2)
    winner_[node] = better(winner_[2 * node], winner_[2 * node + 1]);
}

}  // namespace fleetsim
