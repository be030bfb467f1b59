// What the published-measurement suite says: each case's error, and the
// statistics a reader needs to judge the model on data it was not fitted to.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "fleetsim/workflows/served_regime.hpp"
#include "fleetsim/workflows/validation_manifest.hpp"

namespace fleetsim {

struct ValidationOutcome {
  std::optional<double> simulated;
  std::string error;  // why there is no simulated value
  double published = 0.0;
  bool within = false;  // |error| <= the case's tolerance (false for a reference case)
  std::optional<ServedRegime> regime;  // what the simulated run served its calls on
  double relative_error() const { return (*simulated - published) / published; }
};

// |error| statistics over a set of throughput and per-token latency cases.
struct ErrorSummary {
  std::size_t n = 0;
  double median = 0.0;
  double max = 0.0;
  std::size_t over35 = 0;  // the bound for a case without a named missing mechanism
  std::size_t outside = 0;  // beyond the case's own tolerance
};

// The statistics lines, in print order: per role, every non-fitted case
// together, and the non-fitted cases by kind, on CPUs at batch > 1 and at
// batch 1 (ServedRegime::batched), by hardware class, serving stack and
// source (a source that also holds fitted cases is marked in-sample).
std::vector<std::string> summary_lines(const std::vector<ValidationCase>& cases,
                                       const std::vector<ValidationOutcome>& outcomes);

std::string status_word(const ValidationCase& c, const ValidationOutcome& o);
// The table of cases, each one's error and known issue, then summary_lines.
void print_validation_table(std::ostream& out, const std::vector<ValidationCase>& cases,
                            const std::vector<ValidationOutcome>& outcomes);
std::string validation_markdown(const std::vector<ValidationCase>& cases,
                                const std::vector<ValidationOutcome>& outcomes);

// The mechanisms the manifest's `gaps:` name, each with the cases that name
// it and their errors (a Markdown list; empty when no case names one).
std::string gaps_markdown(const std::vector<ValidationCase>& cases, const std::vector<ValidationOutcome>& outcomes);

// The simulated figure of each case in a table that validation_markdown wrote
// (the block between the validate-model markers of a Markdown file).
std::map<std::string, double> recorded_figures(const std::string& markdown);

}  // namespace fleetsim
