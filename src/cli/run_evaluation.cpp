#include "run_evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "fleetsim/io/report_reader.hpp"
#include "fleetsim/workflows/report_figures.hpp"

namespace fleetsim {

bool has_slo(const Scenario& s) {
  for (const Workload& w : s.workloads)
    if (w.slo.ttft_s || w.slo.tpot_s || w.slo.session_s) return true;
  return false;
}

CandidateEvaluation evaluation_of(const Report& report, bool allow_unstable) {
  CandidateEvaluation e;
  e.simulated = true;
  e.stable = report.stability.stable;
  e.slos_met = true;
  e.slo_pressure = 0.0;
  for (const WorkloadReport& w : report.workloads) {
    e.slos_met = e.slos_met && w.slos_met;
    for (const SloResult& s : w.slos) {
      const double pressure = std::isfinite(s.observed_s) && s.bound_s > 0 ? s.observed_s / s.bound_s : INFINITY;
      e.slo_pressure = std::max(e.slo_pressure, pressure);
    }
  }
  e.feasible = e.slos_met && (e.stable || allow_unstable);
  const double hours = (report.run.window_end_s - report.run.window_start_s) / 3600.0;
  const double total = report.fleet.total_cost_usd;
  e.cost_per_hour = hours > 0 && std::isfinite(total) ? total / hours : INFINITY;
  return e;
}

CandidateEvaluation evaluate_run(const RunOutcome& outcome, bool allow_unstable,
                                 std::optional<nlohmann::ordered_json>& report) {
  CandidateEvaluation e;
  std::string error;
  if (outcome.ok()) report = parse_report(outcome.report, error);
  if (!report) {
    e.note = "the run failed: " + (error.empty() ? outcome.errors : error);
    return e;
  }
  const std::optional<Report> typed = report_from_json(*report, error);
  if (!typed) {
    e.note = "unexpected report: " + error;
    report.reset();
    return e;
  }
  return evaluation_of(*typed, allow_unstable);
}

}  // namespace fleetsim
