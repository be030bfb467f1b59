#include "fleetsim/core/router.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace fleetsim {

Router::Router(const Scenario& scenario, const std::vector<ReplicaPlacement>& placements)
    : outstanding_(placements.size(), 0) {
  tables_.reserve(scenario.routes.size());  // slots_ keep pointers into tables_
  std::vector<std::vector<Slot>> by_replica(placements.size());
  for (const auto& route : scenario.routes) {
    Table& t = tables_.emplace_back();
    t.model = route.model;
    t.route = route;
    t.policy = make_routing_policy(route);
    std::vector<std::size_t> candidates;
    std::vector<std::size_t> decode;
    std::vector<std::size_t> overflow;
    for (std::size_t r = 0; r < placements.size(); ++r) {
      if (placements[r].model != route.model) continue;
      const Pool& pool = scenario.pools[placements[r].pool];
      if (std::find(route.pools.begin(), route.pools.end(), pool.name) != route.pools.end())
        (pool.role == PoolRole::decode ? decode : candidates).push_back(r);
      if (!route.overflow_pool.empty() && pool.name == route.overflow_pool) overflow.push_back(r);
    }
    t.candidates = CandidateSet(std::move(candidates));
    if (!decode.empty()) t.decode_policy = make_routing_policy(route);
    t.decode = CandidateSet(std::move(decode));
    t.overflow = CandidateSet(std::move(overflow));
    for (CandidateSet* c : {&t.candidates, &t.decode, &t.overflow})
      for (std::size_t i = 0; i < c->size(); ++i) by_replica[c->replicas()[i]].push_back({c, i});
  }
  slot_begin_.reserve(placements.size() + 1);
  for (const std::vector<Slot>& slots : by_replica) {
    slot_begin_.push_back(static_cast<std::uint32_t>(slots_.size()));
    slots_.insert(slots_.end(), slots.begin(), slots.end());
  }
  slot_begin_.push_back(static_cast<std::uint32_t>(slots_.size()));
}

namespace {
// A closed replica's load in the candidates' index: above any real load, so
// the least-outstanding pick never lands on it while an open one remains. An
// off replica's: above every closed one.
constexpr std::uint32_t kClosedLoad = std::numeric_limits<std::uint32_t>::max() / 2;
constexpr std::uint32_t kOffLoad = std::numeric_limits<std::uint32_t>::max();
}  // namespace

void Router::set_load(std::size_t replica, std::uint32_t load) {
  outstanding_[replica] = load;
  const std::uint32_t indexed = is_open(replica)            ? load
                                : open_[replica] == kClosed ? kClosedLoad
                                                            : kOffLoad;
  for (std::uint32_t i = slot_begin_[replica]; i < slot_begin_[replica + 1]; ++i)
    slots_[i].candidates->set_load(slots_[i].position, indexed);
}

void Router::set_open(std::size_t replica, bool open) {
  if (open_.empty()) {
    if (open) return;
    open_.assign(outstanding_.size(), 1);
  }
  open_[replica] = open ? kOpen : kClosed;
  set_load(replica, outstanding_[replica]);
}

void Router::set_off(std::size_t replica) {
  if (open_.empty()) open_.assign(outstanding_.size(), kOpen);
  open_[replica] = kOff;
  set_load(replica, outstanding_[replica]);
}

void Router::call_finished(std::size_t replica) {
  if (outstanding_[replica] > 0) set_load(replica, outstanding_[replica] - 1);
}

Router::Table& Router::table(const std::string& model) {
  auto it = std::find_if(tables_.begin(), tables_.end(), [&](const Table& t) { return t.model == model; });
  if (it == tables_.end() || it->candidates.empty())
    throw std::logic_error("no replica serves model " + model);  // the loader rejects such scenarios
  return *it;
}

std::size_t Router::route_decode(const std::string& model, int last_decode_replica,
                                 const std::vector<ContinuousBatcher>& replicas) {
  Table& t = table(model);
  if (t.decode.empty()) throw std::logic_error("no decode replica serves model " + model);  // the loader rejects it
  const std::size_t chosen = t.decode_policy->pick(
      {t.decode, replicas, outstanding_, last_decode_replica, open_.empty() ? nullptr : &open_});
  set_load(chosen, outstanding_[chosen] + 1);
  return chosen;
}

std::size_t Router::route(const std::string& model, int last_replica,
                          const std::vector<ContinuousBatcher>& replicas, const CallRequest* call) {
  Table& t = table(model);
  std::size_t chosen =
      t.policy->pick({t.candidates, replicas, outstanding_, last_replica, open_.empty() ? nullptr : &open_, call});
  if (!t.overflow.empty() &&
      replicas[chosen].waiting() >= static_cast<std::size_t>(t.route.overflow_queue_threshold)) {
    const std::size_t spill = t.overflow.least_outstanding();
    if (is_open(spill) && outstanding_[spill] < outstanding_[chosen]) chosen = spill;
  }
  set_load(chosen, outstanding_[chosen] + 1);
  return chosen;
}

}  // namespace fleetsim
