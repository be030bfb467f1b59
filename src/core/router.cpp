#include "fleetsim/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace fleetsim {

Router::Router(const Scenario& scenario, const std::vector<ReplicaPlacement>& placements) {
  for (const auto& route : scenario.routes) {
    Table t;
    t.model = route.model;
    t.route = route;
    for (std::size_t r = 0; r < placements.size(); ++r) {
      if (placements[r].model != route.model) continue;
      const std::string& pool = scenario.pools[placements[r].pool].name;
      if (std::find(route.pools.begin(), route.pools.end(), pool) != route.pools.end()) t.candidates.push_back(r);
      if (!route.overflow_pool.empty() && pool == route.overflow_pool) t.overflow.push_back(r);
    }
    tables_.push_back(std::move(t));
  }
}

std::size_t Router::least_outstanding(const std::vector<std::size_t>& candidates,
                                      const std::vector<ContinuousBatcher>& replicas) {
  std::size_t best = candidates.front();
  std::size_t best_load = replicas[best].outstanding();
  for (std::size_t r : candidates) {
    const std::size_t load = replicas[r].outstanding();
    if (load < best_load) {
      best = r;
      best_load = load;
      if (load == 0) break;
    }
  }
  return best;
}

std::size_t Router::route(const std::string& model, int last_replica,
                          const std::vector<ContinuousBatcher>& replicas) {
  auto it = std::find_if(tables_.begin(), tables_.end(), [&](const Table& t) { return t.model == model; });
  if (it == tables_.end() || it->candidates.empty())
    throw std::logic_error("no replica serves model " + model);  // the loader rejects such scenarios
  Table& t = *it;
  std::size_t chosen = t.candidates.front();
  switch (t.route.policy) {
    case RoutingPolicy::round_robin:
      chosen = t.candidates[t.next_round_robin++ % t.candidates.size()];
      break;
    case RoutingPolicy::least_outstanding:
      chosen = least_outstanding(t.candidates, replicas);
      break;
    case RoutingPolicy::session_affinity: {
      const bool home_ok = last_replica >= 0 &&
                           std::find(t.candidates.begin(), t.candidates.end(),
                                     static_cast<std::size_t>(last_replica)) != t.candidates.end() &&
                           replicas[static_cast<std::size_t>(last_replica)].waiting() <
                               static_cast<std::size_t>(t.route.affinity_max_queue);
      chosen = home_ok ? static_cast<std::size_t>(last_replica) : least_outstanding(t.candidates, replicas);
      break;
    }
  }
  if (!t.overflow.empty() &&
      replicas[chosen].waiting() >= static_cast<std::size_t>(t.route.overflow_queue_threshold)) {
    const std::size_t spill = least_outstanding(t.overflow, replicas);
    if (replicas[spill].outstanding() < replicas[chosen].outstanding()) chosen = spill;
  }
  return chosen;
}

}  // namespace fleetsim
