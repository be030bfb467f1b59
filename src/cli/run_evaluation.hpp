// What a workflow reads from one child run's report: whether the fleet met
// its SLOs in a steady run, its cost per hour, and its SLO pressure. Shared
// by `plan` (one run per candidate fleet) and `capacity` (one run per
// traffic level).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "child_runs.hpp"
#include "fleetsim/core/report.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/workflows/fleet_search.hpp"

namespace fleetsim {

// Whether any workload sets an SLO: without one every fleet and every
// traffic level would do.
bool has_slo(const Scenario& scenario);

// Feasibility, cost per hour and SLO pressure from a report. A figure with
// no value (null, read back as NaN) counts against the run. A run the
// stability check flags is not feasible unless the user accepts it: its
// percentiles describe a backlog that a longer window would only make worse,
// so the SLOs it "meets" it meets because the window ends.
CandidateEvaluation evaluation_of(const Report& report, bool allow_unstable);

// A finished child run's evaluation; `report` is set only when the run gave
// a report that reads back (else the evaluation's note says why).
CandidateEvaluation evaluate_run(const RunOutcome& outcome, bool allow_unstable,
                                 std::optional<nlohmann::ordered_json>& report);

}  // namespace fleetsim
