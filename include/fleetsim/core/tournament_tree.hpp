// The least of a fixed set of keys, kept under point updates in O(log n).
//
// Leaves hold the keys and every inner node the lesser of its two children,
// so the root is the minimum and changing one key re-plays only its path to
// the root. Routing (the least-loaded replica) and the engine's event agenda
// (the earliest pending replica event) both keep "the least of n slots, one of
// which changes at a time" this way.
//
// Key needs operator<. Between equal keys the lower slot wins, so the root is
// always the lowest-numbered least key and runs are deterministic. A key
// carries whatever its user needs to know of its slot.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace fleetsim {

template <typename Key>
class TournamentTree {
 public:
  // One leaf per key of `leaves`; the leaves that round their number up to a
  // power of two hold `padding`, which should lose to every real key.
  TournamentTree(std::vector<Key> leaves, const Key& padding) : slots_(leaves.size()) {
    while (width_ < slots_) width_ *= 2;
    tree_.assign(2 * width_, padding);
    for (std::size_t i = 0; i < slots_; ++i) tree_[width_ + i] = std::move(leaves[i]);
    for (std::size_t node = width_ - 1; node >= 1; --node) tree_[node] = lesser(node);
  }

  void set(std::size_t slot, const Key& key) {
    std::size_t node = width_ + slot;
    tree_[node] = key;
    for (node /= 2; node >= 1; node /= 2) tree_[node] = lesser(node);
  }
  // The same, re-playing the path only as far as a node's winner changes:
  // above a node that keeps its key nothing can change. A key that stays a
  // loser (a replica's load rising while another leads its subtree) costs a
  // level or two instead of the whole path; a key that wins to the root pays
  // a comparison more per level, so set() suits users whose changed key
  // usually is the root's (the event agenda: the replica just popped). Keys
  // must be distinct unless identical (ties broken by slot), so "neither is
  // less" means "the same key".
  void update(std::size_t slot, const Key& key) {
    std::size_t node = width_ + slot;
    tree_[node] = key;
    for (node /= 2; node >= 1; node /= 2) {
      const Key& winner = lesser(node);
      Key& held = tree_[node];
      if (!(winner < held) && !(held < winner)) break;
      held = winner;
    }
  }
  const Key& at(std::size_t slot) const { return tree_[width_ + slot]; }
  const Key& min() const { return tree_[1]; }
  std::size_t size() const { return slots_; }

 private:
  const Key& lesser(std::size_t node) const {
    const Key& left = tree_[2 * node];
    const Key& right = tree_[2 * node + 1];
    return right < left ? right : left;
  }

  std::size_t slots_;
  std::size_t width_ = 1;  // leaves: a power of two >= slots_
  std::vector<Key> tree_;  // tree_[1] is the root; leaves at width_ + slot
};

}  // namespace fleetsim
