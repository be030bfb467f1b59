// Chooses the replica that serves each LLM call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/continuous_batcher.hpp"
#include "fleetsim/least_loaded_index.hpp"
#include "fleetsim/scenario.hpp"

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
  Router(const Scenario& scenario, const std::vector<ReplicaPlacement>& placements);

  // Picks the replica for a call of `model` and counts the call as
  // outstanding there. `last_replica`: where the session's previous call ran, or -1.
  std::size_t route(const std::string& model, int last_replica, const std::vector<ContinuousBatcher>& replicas);
  // A call routed to `replica` has finished (or failed).
  void call_finished(std::size_t replica);
  std::uint32_t outstanding(std::size_t replica) const { return outstanding_[replica]; }

 private:
  // The replicas one choice is made among, with their loads indexed.
  struct Candidates {
    std::vector<std::size_t> replicas;
    LeastLoadedIndex index;
    std::size_t least() const { return replicas[index.least()]; }
  };
  struct Table {
    std::string model;
    Route route;
    Candidates candidates;  // replicas of the route's pools serving the model
    Candidates overflow;    // replicas of the overflow pool serving the model
    std::size_t next_round_robin = 0;
  };
  // Where each replica appears, to update the indexes when its load changes.
  struct Slot {
    Candidates* candidates;
    std::size_t position;
  };
  void set_load(std::size_t replica, std::uint32_t load);

  std::vector<Table> tables_;
  std::vector<std::uint32_t> outstanding_;
  std::vector<std::vector<Slot>> slots_;
};

}  // namespace fleetsim
