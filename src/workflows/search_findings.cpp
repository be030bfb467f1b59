#include "search_findings.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "search_space.hpp"

namespace fleetsim::plan_search {

std::vector<std::size_t> pareto_frontier(const std::vector<EvaluatedCandidate>& evaluated) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < evaluated.size(); ++i)
    if (evaluated[i].evaluation.simulated) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = evaluated[a].evaluation;
    const auto& y = evaluated[b].evaluation;
    return x.cost_per_hour != y.cost_per_hour ? x.cost_per_hour < y.cost_per_hour : x.slo_pressure < y.slo_pressure;
  });
  std::vector<std::size_t> frontier;
  double lowest = std::numeric_limits<double>::infinity();
  for (std::size_t i : order) {
    const double pressure = evaluated[i].evaluation.slo_pressure;
    if (pressure < lowest) {
      frontier.push_back(i);
      lowest = pressure;
    }
  }
  return frontier;
}

std::optional<std::string> monotonicity_warning(const PlanSpec& plan, const std::vector<EvaluatedCandidate>& evaluated,
                                                const std::vector<std::size_t>& runs, bool exhaustive) {
  std::size_t pairs = 0;
  std::string example;
  for (std::size_t i : runs)
    for (std::size_t j : runs) {
      const auto& met = evaluated[i];
      const auto& missed = evaluated[j];
      if (i == j || !met.evaluation.simulated || !missed.evaluation.simulated || !met.evaluation.feasible ||
          missed.evaluation.feasible || !dominates(missed.candidate.counts, met.candidate.counts))
        continue;
      if (pairs++ == 0)
        example = fmt::format("{} met every SLO but {}, with at least as many nodes, did not",
                              describe_candidate(plan, met.candidate), describe_candidate(plan, missed.candidate));
    }
  if (pairs == 0) return std::nullopt;
  return fmt::format("SLOs are not monotone in node count: {}{}; {}", example,
                     pairs > 1 ? fmt::format(" ({} such pairs in this configuration)", pairs) : "",
                     exhaustive ? "such fleets sit near a bound, where run-to-run noise decides"
                                : "the search may have missed a cheaper fleet (try --exhaustive, or a longer run)");
}

}  // namespace fleetsim::plan_search
