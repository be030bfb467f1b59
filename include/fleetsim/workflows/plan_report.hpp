// What `fleetsim plan` prints: the chosen fleet, its cost and power, each
// SLO's margin, the cost-versus-latency frontier of the evaluated fleets, and
// what the search cost in simulation runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/workflows/fleet_search.hpp"
#include "fleetsim/workflows/plan_spec.hpp"

namespace fleetsim {

// The chosen fleet run once more with the plan's `autoscale:` pools
// autoscaled (plan_spec.hpp): what the fleet sized for the peak would cost
// and do if those pools followed the load instead.
struct AutoscaledAlternative {
  std::vector<std::string> pools;  // the pools autoscaled (in the chosen fleet)
  CandidateEvaluation evaluation;  // its cost per hour counts node-hours held; note: why it did not run
  std::optional<nlohmann::ordered_json> report;
};

struct PlanOutcome {
  std::string scenario;  // its name
  PlanSpec plan;
  SearchResult search;
  // The report of each evaluated candidate that ran, by index into search.evaluated.
  std::vector<std::optional<nlohmann::ordered_json>> reports;
  bool exhaustive = false;
  // Only when the plan asks for it and a fleet was chosen.
  std::optional<AutoscaledAlternative> autoscaled;
  // No wall time: a plan's output is the same bytes for the same scenario
  // (the command logs the search's time on stderr).
};

std::string render_plan_table(const PlanOutcome& outcome);
// {"schema": "fleetsim.plan/1", "scenario", "search": {...}, "chosen": {...} or null,
//  "frontier": [...], "evaluated": [...], "warnings": [...]}
std::string render_plan_json(const PlanOutcome& outcome);
// One self-contained HTML page (inline SVG): every evaluated fleet by cost per
// hour against its worst SLO ratio, the frontier through them, the chosen
// one, and the table report below.
std::string render_plan_html(const PlanOutcome& outcome);

}  // namespace fleetsim
