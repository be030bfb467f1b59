// Key figures of several runs side by side, with absolute and relative
// differences against the first (`fleetsim compare`).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim {

struct ComparedRun {
  std::string label;  // short: a file's stem, or a variant's name
  std::string source;  // what was run: "FILE", "FILE --variant NAME"
  nlohmann::ordered_json report;
};

// Rows of key figures (report_figures.hpp; the union over the runs, in order
// of first appearance), a column per run, and for every run after the first
// its difference from the first and the relative difference.
std::string render_comparison_table(const std::vector<ComparedRun>& runs);

// {"schema": "fleetsim.comparison/1", "runs": [{label, source, scenario}],
//  "figures": [{"figure", "values", "difference", "relative_difference"}]}:
// arrays by run; differences are null for the first run and where a value is
// missing; a relative difference is null where the first run's value is 0.
std::string render_comparison_json(const std::vector<ComparedRun>& runs);

// One self-contained HTML page (inline SVG, as `run --format html`): a bar
// chart per headline figure (cost, power, energy per session, latency
// percentiles, SLOs met) with a bar per run, then the whole table.
std::string render_comparison_html(const std::vector<ComparedRun>& runs);

}  // namespace fleetsim
