// Chooses the replica that serves each LLM call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/routing_policy.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

// Where a replica sits in the fleet.
struct ReplicaPlacement {
  std::size_t pool = 0;
  std::size_t node = 0;       // index within the pool
  std::size_t host = 0;       // index over all nodes of the fleet
  std::string model;
};

class Router {
 public:
  // One policy per route, built from the registry (routing_policy.hpp).
  Router(const Scenario& scenario, const std::vector<ReplicaPlacement>& placements);
  // It holds pointers into itself.
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Picks the replica for a call of `model` with the route's policy, sends it
  // to the overflow pool when the pick's queue is too long, and counts the
  // call as outstanding there. `last_replica`: where the session's previous
  // call ran, or -1.
  // A model served by prefill and decode pools is routed here to a prefill
  // replica (docs/disaggregation.md).
  // `call`: the call being routed, for policies that look at it.
  std::size_t route(const std::string& model, int last_replica, const std::vector<ContinuousBatcher>& replicas,
                    const CallRequest* call = nullptr);
  // The decode replica for a call of `model` whose prefill has ended, picked
  // with the route's policy among the route's decode pools (session affinity
  // keeps a session where its cache from the last call is); counted as
  // outstanding there like route()'s pick.
  // `last_decode_replica`: where the session's previous call decoded, or -1.
  std::size_t route_decode(const std::string& model, int last_decode_replica,
                           const std::vector<ContinuousBatcher>& replicas);
  // The route's prefill_above (Route): -1 unless the model's calls may be
  // prefilled by their decode replica.
  long prefill_above(const std::string& model) { return table(model).route.prefill_above; }
  // A call routed to `replica` has finished (or failed).
  void call_finished(std::size_t replica);
  std::uint32_t outstanding(std::size_t replica) const { return outstanding_[replica]; }
  // Closes a replica to new calls (its node is starting, draining or down)
  // or opens it again. Every replica is open until the first call. When a
  // route has no open replica (every serving node of an autoscaled pool
  // failed at once), calls go to the least loaded closed one and wait there.
  void set_open(std::size_t replica, bool open);
  // Closes a replica whose node is off: a call goes there only when every
  // candidate is off, since no one will start that node for it.
  void set_off(std::size_t replica);
  bool is_open(std::size_t replica) const { return open_.empty() || open_[replica] == kOpen; }

 private:
  struct Table {
    std::string model;
    Route route;
    std::unique_ptr<RoutingPolicy> policy;
    CandidateSet candidates;  // replicas of the route's pools serving the model (decode pools apart)
    CandidateSet decode;      // replicas of the route's decode pools; empty unless disaggregated
    std::unique_ptr<RoutingPolicy> decode_policy;  // its own state (round robin's turn); null without decode
    CandidateSet overflow;    // replicas of the overflow pool serving the model
  };
  // Where each replica appears, to update the indexes when its load changes:
  // replica r's slots are slots_[slot_begin_[r]] up to slot_begin_[r + 1].
  // One flat list and its offsets (4 bytes a replica, which a large fleet's
  // routing keeps in its first-level cache) where a vector per replica cost
  // two cold lines per load change.
  struct Slot {
    CandidateSet* candidates;
    std::size_t position;
  };
  void set_load(std::size_t replica, std::uint32_t load);
  Table& table(const std::string& model);

  std::vector<Table> tables_;
  std::vector<std::uint32_t> outstanding_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> slot_begin_;  // one more entry than replicas
  // kOpen, kClosed or kOff by replica. Empty while every replica is open (no
  // autoscaled pool): routing then reads nothing more than before replicas could close.
  static constexpr std::uint8_t kClosed = 0, kOpen = 1, kOff = 2;
  std::vector<std::uint8_t> open_;
};

}  // namespace fleetsim
