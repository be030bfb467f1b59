// What `fleetsim plan`'s search reports beside its answer, from the
// candidates it evaluated: the Pareto frontier of cost and SLO pressure, and
// the counter-examples to the monotonicity it assumes. Private to
// fleet_search.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/workflows/plan_spec.hpp"
#include "fleetsim/workflows/fleet_search.hpp"

namespace fleetsim::plan_search {

// The simulated candidates no other is both cheaper than and closer to (or
// further within) its bounds than, cheapest first; indices into `evaluated`.
std::vector<std::size_t> pareto_frontier(const std::vector<EvaluatedCandidate>& evaluated);

// A warning when one configuration's runs (indices into `evaluated`) hold a
// feasible fleet with at least the nodes of an infeasible one; it names the
// first such pair and counts the rest.
std::optional<std::string> monotonicity_warning(const PlanSpec& plan, const std::vector<EvaluatedCandidate>& evaluated,
                                                const std::vector<std::size_t>& runs, bool exhaustive);

}  // namespace fleetsim::plan_search
