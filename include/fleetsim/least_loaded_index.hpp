// The least-loaded of n slots, kept under point updates in O(log n).
//
// Routing a call to the replica with the fewest outstanding calls is a scan
// over every candidate when done naively; with thousands of replicas that
// scan dominates a run. This tournament tree answers "which slot has the
// smallest load (the lowest-numbered one among ties)" at its root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fleetsim {

class LeastLoadedIndex {
 public:
  explicit LeastLoadedIndex(std::size_t slots = 0);

  void set(std::size_t slot, std::uint32_t load);
  std::uint32_t load(std::size_t slot) const { return leaves_[slot]; }
  std::size_t least() const { return winner_[1]; }  // requires at least one slot
  std::size_t size() const { return slots_; }

 private:
  std::size_t better(std::size_t a, std::size_t b) const;

  std::size_t slots_;
  std::size_t width_;                // leaves, a power of two >= slots_
  std::vector<std::uint32_t> leaves_;
  std::vector<std::size_t> winner_;  // winner_[node]: best slot below it; leaves at width_ + slot
};

}  // namespace fleetsim
