// Expectations: bounds on report figures that CI checks (`fleetsim check`).
//
//   expect:
//     fleet.cost_per_session_usd: {max: 0.004}
//     workloads.coder.session_latency_s.p95: {max: 90}
//     pools.h100.utilization: {min: 0.3}
//     fleet.energy_per_session_j: {tolerance: 5%}   # against --baseline
//
// Written in a scenario's `expect:` section or in a file of its own whose
// top-level key is `expect:` (`--expect FILE`). Figures are named as in
// report_figures.hpp; bounds are in the report's units (USD, s, W, J,
// fractions).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/workflows/expectation.hpp"

namespace fleetsim {

struct ExpectationResult {
  enum class Status {
    met,
    violated,
    unknown_figure,  // a mistake in the expectation, not in the fleet
    no_baseline,     // a tolerance without a baseline report to compare with
  };
  Expectation expectation;
  Status status = Status::met;
  std::optional<double> value;     // the figure in the report; nullopt: null (no value)
  std::optional<double> baseline;  // the baseline report's value, for tolerances
  // What was checked, in words: "fleet.cost_per_session_usd = 0.00512, above
  // max 0.004"; for an unknown figure, with did-you-mean.
  std::string message;
};

// Checks every expectation against a report (and, for tolerances, a baseline
// report; nullptr when there is none).
std::vector<ExpectationResult> check_expectations(const nlohmann::ordered_json& report,
                                                  const std::vector<Expectation>& expectations,
                                                  const nlohmann::ordered_json* baseline);

// `--baseline FILE --tolerance T`: one tolerance expectation per key figure
// (report_figures.hpp) of the baseline.
std::vector<Expectation> baseline_expectations(const nlohmann::ordered_json& baseline, double tolerance);


struct ExpectationsFile {
  std::vector<Expectation> expectations;
  std::vector<Diagnostic> diagnostics;
  bool ok() const;
};

// Reads a file whose top-level key is `expect:`.
ExpectationsFile load_expectations_file(const std::string& path);

}  // namespace fleetsim
