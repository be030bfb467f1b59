// The least-loaded of n slots, kept under point updates in O(log n).
//
// Routing a call to the replica with the fewest outstanding calls is a scan
// over every candidate when done naively; with thousands of replicas that
// scan dominates a run. A tournament tree answers "which slot has the
// smallest load (the lowest-numbered one among ties)" at its root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "fleetsim/core/tournament_tree.hpp"

namespace fleetsim {

class LeastLoadedIndex {
 public:
  explicit LeastLoadedIndex(std::size_t slots = 0);

  void set(std::size_t slot, std::uint32_t load) { tree_.update(slot, {load, static_cast<std::uint32_t>(slot)}); }
  std::uint32_t load(std::size_t slot) const { return tree_.at(slot).load; }
  std::size_t least() const { return tree_.min().slot; }  // requires at least one slot
  std::size_t size() const { return tree_.size(); }

 private:
  struct Key {
    std::uint32_t load = 0;
    std::uint32_t slot = 0;
    bool operator<(const Key& o) const { return load != o.load ? load < o.load : slot < o.slot; }
  };
  static constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();
  static std::vector<Key> idle(std::size_t slots);  // every slot at load 0

  TournamentTree<Key> tree_;
};

}  // namespace fleetsim
