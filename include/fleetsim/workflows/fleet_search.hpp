// The search behind `fleetsim plan`: the cheapest fleet, among the
// candidates a `plan:` section allows, whose run meets every SLO.
//
// A *configuration* fixes which planned pools are present and the hardware
// of each present pool; its candidates vary the node counts. Every
// configuration is searched.
//
// The search assumes that adding nodes to a pool never turns a fleet that
// meets its SLOs into one that does not (feasibility is monotone in every
// count) and that cost grows with every count. Then, in one configuration:
//
// - with one variable pool, the cheapest feasible count is the smallest
//   feasible one: bisection finds it in about log2(max - min) runs;
// - with several, the pool with the widest range is bisected for each point
//   of a coarse grid over the others (at most `grid_levels` counts each,
//   ends included), then the grid is refined to single steps around the
//   cheapest point found.
//
// Results already implied by monotonicity are not run again (a fleet that
// has at least the nodes of a feasible one is feasible; one with at most the
// nodes of an infeasible one is not), and a candidate whose node price alone
// reaches the cheapest feasible cost found so far is not run at all.
//
// The assumption is checked on what was run: a feasible fleet with more
// nodes than an infeasible one (same configuration) is reported as a
// warning, since the answer may then not be the cheapest. `exhaustive` runs
// every candidate instead.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/workflows/plan_spec.hpp"

namespace fleetsim {

struct FleetCandidate {
  std::vector<int> counts;             // per planned pool; 0: left out of the fleet
  std::vector<std::size_t> hardware;   // per planned pool: index into PlanPool::hardware
  bool operator==(const FleetCandidate&) const = default;
};

struct CandidateEvaluation {
  bool simulated = false;  // false: the candidate is not a valid scenario, or its run failed
  bool feasible = false;   // slos_met, in a run found steady (or accepted unsteady): what the plan counts
  bool slos_met = false;   // every workload met every SLO over the measured window
  bool stable = true;      // the run's stability check found no growing backlog
  double cost_per_hour = std::numeric_limits<double>::infinity();  // fleet cost / measured hours
  double slo_pressure = std::numeric_limits<double>::infinity();   // worst observed / bound (<= 1: met)
  std::string note;  // why it was not simulated
};

struct SearchSettings {
  bool exhaustive = false;
  int grid_levels = 5;                // per grid pool, before refinement
  double fixed_price_per_hour = 0.0;  // pools outside the plan
  bool fixed_pools_present = false;   // the fleet is never empty
  // Candidates worth running at once (the evaluator's parallelism): a lone
  // bisection then splits its interval into this many parts instead of two.
  // The candidates run, not only their order, depend on it.
  int parallelism = 1;
};

struct EvaluatedCandidate {
  FleetCandidate candidate;
  CandidateEvaluation evaluation;
};

struct SearchResult {
  std::vector<EvaluatedCandidate> evaluated;  // in evaluation order
  std::optional<std::size_t> best;            // into `evaluated`
  std::vector<std::size_t> frontier;          // Pareto set of cost and SLO pressure, cheapest first
  std::size_t configurations = 0;
  std::size_t simulation_runs = 0;  // evaluations that simulated
  std::size_t grid_size = 0;        // candidates an exhaustive search would evaluate
  std::size_t rounds = 0;           // batches handed to the evaluator
  std::vector<std::string> warnings;
};

// Evaluates a batch of candidates (in parallel, if it likes); one evaluation per candidate, in order.
using BatchEvaluator = std::function<std::vector<CandidateEvaluation>(const std::vector<FleetCandidate>&)>;

SearchResult search_fleet(const PlanSpec& plan, const SearchSettings& settings, const BatchEvaluator& evaluate);

// Node price per hour of a candidate: its planned pools (their spares
// included) plus the fixed ones.
double candidate_price_per_hour(const PlanSpec& plan, const FleetCandidate& candidate, double fixed_price_per_hour);
// What a candidate's spares cost per hour (N+k): bought, not in its runs.
double spares_price_per_hour(const PlanSpec& plan, const FleetCandidate& candidate);

// "gpu 2 x h100-p5.48xlarge, cpu -": a candidate in words.
std::string describe_candidate(const PlanSpec& plan, const FleetCandidate& candidate);

}  // namespace fleetsim
