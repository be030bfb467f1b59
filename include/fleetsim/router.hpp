// Chooses the replica that serves each LLM call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/continuous_batcher.hpp"
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

  // `last_replica`: where the session's previous call ran, or -1.
  std::size_t route(const std::string& model, int last_replica, const std::vector<ContinuousBatcher>& replicas);

 private:
  struct Table {
    std::string model;
    Route route;
    std::vector<std::size_t> candidates;  // replicas of the route's pools serving the model
    std::vector<std::size_t> overflow;    // replicas of the overflow pool serving the model
    std::size_t next_round_robin = 0;
  };
  static std::size_t least_outstanding(const std::vector<std::size_t>& candidates,
                                       const std::vector<ContinuousBatcher>& replicas);
  std::vector<Table> tables_;
};

}  // namespace fleetsim
