#include "fleetsim/workflows/expectations.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "expectations_reader.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/workflows/report_path.hpp"
#include "fleetsim/io/yaml_document.hpp"

namespace fleetsim {
namespace {

using Status = ExpectationResult::Status;

std::string number(double x) { return fmt::format("{:.6g}", x); }

// Relative change from `before` to `after`; a change from 0 is infinite
// unless there is none.
double relative_change(double before, double after) {
  if (before == after) return 0.0;
  if (before == 0.0) return INFINITY;
  return std::fabs(after - before) / std::fabs(before);
}

void check_tolerance(ExpectationResult& r, const nlohmann::ordered_json* baseline) {
  const Expectation& e = r.expectation;
  if (!baseline) {
    r.status = Status::no_baseline;
    r.message = fmt::format("{}: a tolerance needs a baseline report (--baseline FILE)", e.figure);
    return;
  }
  const PathLookup before = resolve_report_path(*baseline, e.figure);
  if (!before.found) {
    r.status = Status::unknown_figure;
    r.message = fmt::format("{}: not in the baseline report", e.figure);
    return;
  }
  r.baseline = before.value;
  const std::string tolerance = fmt::format("{:g}%", *e.tolerance * 100.0);
  if (!before.value || !r.value) {
    const bool same = !before.value && !r.value;
    if (!same) r.status = Status::violated;
    r.message = fmt::format("{} = {}, baseline {}{}", e.figure, r.value ? number(*r.value) : "null",
                            before.value ? number(*before.value) : "null",
                            same ? "" : ": one of them has no value");
    return;
  }
  const double change = relative_change(*before.value, *r.value);
  // A hair of slack so that "exactly 5%" is not lost to rounding.
  if (change > *e.tolerance * (1 + 1e-9) + 1e-12) r.status = Status::violated;
  r.message = fmt::format("{} = {}, baseline {}: {}{:.2f}% change, tolerance {}", e.figure, number(*r.value),
                          number(*before.value), *r.value >= *before.value ? "+" : "-", change * 100.0, tolerance);
  if (!std::isfinite(change))
    r.message = fmt::format("{} = {}, baseline 0: any change from 0 exceeds a relative tolerance", e.figure,
                            number(*r.value));
}

}  // namespace

std::vector<ExpectationResult> check_expectations(const nlohmann::ordered_json& report,
                                                  const std::vector<Expectation>& expectations,
                                                  const nlohmann::ordered_json* baseline) {
  std::vector<ExpectationResult> results;
  for (const Expectation& e : expectations) {
    ExpectationResult r;
    r.expectation = e;
    const PathLookup figure = resolve_report_path(report, e.figure);
    if (!figure.found) {
      r.status = Status::unknown_figure;
      r.message = fmt::format("{}: no such figure in the report; {}", e.figure,
                              figure_path_hint(report_figures(report), e.figure));
      results.push_back(std::move(r));
      continue;
    }
    r.value = figure.value;
    std::vector<std::string> parts;
    if (e.min || e.max) {
      if (!r.value) {
        r.status = Status::violated;
        parts.push_back(fmt::format("{} has no value (null), so it cannot be shown to meet its bounds", e.figure));
      } else if (e.min && *r.value < *e.min) {
        r.status = Status::violated;
        parts.push_back(fmt::format("{} = {}, below min {}", e.figure, number(*r.value), number(*e.min)));
      } else if (e.max && *r.value > *e.max) {
        r.status = Status::violated;
        parts.push_back(fmt::format("{} = {}, above max {}", e.figure, number(*r.value), number(*e.max)));
      } else {
        std::string bounds;
        if (e.min) bounds += "min " + number(*e.min);
        if (e.max) bounds += (bounds.empty() ? "" : ", ") + std::string("max ") + number(*e.max);
        parts.push_back(fmt::format("{} = {}, within {}", e.figure, number(*r.value), bounds));
      }
    }
    if (e.tolerance) {
      ExpectationResult t = r;
      t.status = Status::met;
      check_tolerance(t, baseline);
      r.baseline = t.baseline;
      if (t.status != Status::met && r.status == Status::met) r.status = t.status;
      parts.push_back(t.message);
    }
    for (const auto& part : parts) r.message += (r.message.empty() ? "" : "; ") + part;
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<Expectation> baseline_expectations(const nlohmann::ordered_json& baseline, double tolerance) {
  std::vector<Expectation> out;
  for (const Figure& f : key_figures(baseline)) {
    Expectation e;
    e.figure = f.path;
    e.tolerance = tolerance;
    e.origin = "--baseline";
    out.push_back(std::move(e));
  }
  return out;
}

bool ExpectationsFile::ok() const {
  for (const auto& d : diagnostics)
    if (d.is_error()) return false;
  return true;
}

ExpectationsFile load_expectations_file(const std::string& path) {
  ExpectationsFile result;
  std::string why;
  const std::optional<std::string> text = read_input_file(path, why);
  if (!text) {
    Diagnostic d;
    d.file = path;
    d.message = "cannot read the expectations file: " + why;
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  YamlReader reader(path, result.diagnostics);
  const auto root = parse_yaml_document(reader, *text, "an `expect:` map of figure bounds",
                                        "see docs/workflows.md");
  if (!root) return result;
  if (!reader.expect_map(*root, "", "an expectations file holds one key, expect:")) return result;
  reader.check_keys(*root, "", {"expect"});
  if (const YAML::Node n = reader.require(*root, "", "expect"))
    result.expectations = read_expectations(reader, n, "expect");
  return result;
}

}  // namespace fleetsim
