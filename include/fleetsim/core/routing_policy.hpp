// Routing policies: how a route picks the replica for a call among its
// candidates, and the registry that names them for scenarios.
//
// To add a policy: a file in src/core/routing/ with a class derived from
// RoutingPolicy and its factory, the factory's declaration and one entry in
// src/core/routing/registry.cpp, and its row in docs/scenario-format.md
// ("Routing"). The scenario reader validates `policy:` against the registry
// and the router builds one policy object per route from it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleetsim/core/least_loaded_index.hpp"

namespace fleetsim {

class ContinuousBatcher;
struct CallRequest;
struct Route;

// The replicas one routing choice is made among, with their outstanding
// calls indexed so that the least loaded is found in O(1).
class CandidateSet {
 public:
  CandidateSet() = default;
  // `replicas`: fleet-wide replica indices in ascending order, every load 0.
  explicit CandidateSet(std::vector<std::size_t> replicas)
      : replicas_(std::move(replicas)),
        loads_(replicas_.size()),
        first_(replicas_.empty() ? 0 : replicas_.front()),
        consecutive_(!replicas_.empty() && replicas_.back() - replicas_.front() + 1 == replicas_.size()) {}

  const std::vector<std::size_t>& replicas() const { return replicas_; }
  std::size_t size() const { return replicas_.size(); }
  bool empty() const { return replicas_.empty(); }
  // A route over whole pools holds one run of consecutive indices: a range
  // check, where a search would touch a dozen cold lines of a large fleet's list.
  bool contains(std::size_t replica) const {
    if (consecutive_) return replica - first_ < replicas_.size();  // wraps above for replica < first_
    return std::binary_search(replicas_.begin(), replicas_.end(), replica);
  }
  // The candidate with the fewest outstanding calls; the lowest index among
  // ties. Requires a candidate.
  std::size_t least_outstanding() const { return replicas_[loads_.least()]; }
  // The outstanding calls of the candidate at `position` in replicas().
  void set_load(std::size_t position, std::uint32_t load) { loads_.set(position, load); }

 private:
  std::vector<std::size_t> replicas_;
  LeastLoadedIndex loads_;
  std::size_t first_ = 0;    // replicas_.front(), or 0 when empty
  bool consecutive_ = false;  // replicas_ is first_, first_ + 1, ... (ascending, no gaps)
};

// What a policy sees when it picks the replica for one call.
struct RoutingView {
  const CandidateSet& candidates;                // never empty
  const std::vector<ContinuousBatcher>& replicas;  // the fleet's, by replica index
  const std::vector<std::uint32_t>& outstanding;   // calls routed and not yet finished, by replica index
  int last_replica;                                // where the session's previous call ran, or -1
  // 1 for replicas that take calls (0 closed, 2 off), by replica index;
  // nullptr when all do. least_outstanding() already skips closed candidates while an open one
  // remains; a policy that picks otherwise must check.
  const std::vector<std::uint8_t>* open = nullptr;
  const CallRequest* call = nullptr;  // the call being routed; nullptr where none is at hand

  bool is_open(std::size_t replica) const { return open == nullptr || (*open)[replica] == 1; }
};

// One route's policy. The router calls pick() once per call, on the hot path:
// it must not allocate.
class RoutingPolicy {
 public:
  virtual ~RoutingPolicy() = default;
  // The replica for the call: one of view.candidates.
  virtual std::size_t pick(const RoutingView& view) = 0;
};

// A registered policy: its scenario keyword, one line on what it does, and
// how to build it for a route (which carries the policy's parameters).
struct RoutingPolicyInfo {
  std::string_view name;
  std::string_view doc;
  std::unique_ptr<RoutingPolicy> (*make)(const Route& route);
};

// Every registered policy, in the order messages and docs list them.
std::span<const RoutingPolicyInfo> routing_policies();
std::vector<std::string> routing_policy_names();
// nullptr when no policy has that name.
const RoutingPolicyInfo* find_routing_policy(std::string_view name);
// Builds the route's policy; std::invalid_argument naming the registered
// policies when its name is none of them (the scenario reader refuses such
// scenarios first).
std::unique_ptr<RoutingPolicy> make_routing_policy(const Route& route);

}  // namespace fleetsim
