// The candidates `fleetsim plan` may choose from, as the search walks them:
// configurations (which planned pools are present, on which hardware, with
// which count ranges) and the grids of counts inside one. Private to
// fleet_search.cpp.
#pragma once

#include <cstddef>
#include <vector>

#include "fleetsim/workflows/plan_spec.hpp"

namespace fleetsim::plan_search {

// Which planned pools are present, with which hardware, and their count ranges.
struct Configuration {
  std::vector<std::size_t> hardware;
  std::vector<int> lo, hi;  // 0, 0 for an absent pool
  bool refined = false;
};

// Every configuration the plan allows: each pool present or not (a pool
// with min 0 may be left out; one with max 0 always is), each present one on
// each of its hardware choices. An empty fleet only with `fixed_pools_present`.
std::vector<Configuration> enumerate_configurations(const PlanSpec& plan, bool fixed_pools_present);

// How many candidates a configuration holds.
std::size_t candidate_count(const Configuration& c);

// True when `a` has at least as many nodes as `b` in every pool.
bool dominates(const std::vector<int>& a, const std::vector<int>& b);

// Every count from lo to hi, or at most `max_levels` of them spread evenly,
// ends included (max_levels < 2: all).
std::vector<int> levels(int lo, int hi, int max_levels);

// Every combination of the values in `sets` (each non-empty), over the given pool slots of `base`.
std::vector<std::vector<int>> combinations(const std::vector<int>& base, const std::vector<std::size_t>& pools,
                                           const std::vector<std::vector<int>>& sets);

}  // namespace fleetsim::plan_search
