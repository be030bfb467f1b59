#include "fleetsim/workflows/validation_summary.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <ostream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "fleetsim/core/model_evidence.hpp"

namespace fleetsim {
namespace {

std::string sig(double x) {
  const double a = std::abs(x);
  if (a >= 1000.0) return fmt::format("{:.0f}", x);
  if (a >= 100.0) return fmt::format("{:.1f}", x);
  if (a >= 10.0) return fmt::format("{:.2f}", x);
  if (a >= 1.0) return fmt::format("{:.3f}", x);
  return fmt::format("{:.4g}", x);
}

std::string percent(double x) { return fmt::format("{:+.1f}%", 100.0 * x); }

// Issue 10's bound: a non-fitted case's |error| beyond it must name a
// mechanism the model lacks (ErrorSummary::over35, beyond_35_line).
constexpr double kNamedMechanismBound = 0.35;

std::string tolerance_text(const ValidationCase& c) {
  return c.tolerance > 0.0 ? fmt::format("±{:.0f}%", 100.0 * c.tolerance) : "—";
}

ErrorSummary summarize(const std::vector<ValidationCase>& cases, const std::vector<ValidationOutcome>& outcomes,
                       const std::function<bool(const ValidationCase&)>& include,
                       const std::function<bool(const ValidationOutcome&)>& ran_as = {}) {
  std::vector<double> errors;
  ErrorSummary s;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!cases[i].per_token_figure() || !outcomes[i].simulated || !include(cases[i])) continue;
    if (ran_as && !ran_as(outcomes[i])) continue;
    errors.push_back(std::abs(outcomes[i].relative_error()));
    if (cases[i].tolerance > 0.0 && !outcomes[i].within) ++s.outside;
  }
  s.n = errors.size();
  if (errors.empty()) return s;
  std::sort(errors.begin(), errors.end());
  const std::size_t m = errors.size() / 2;
  s.median = errors.size() % 2 ? errors[m] : 0.5 * (errors[m - 1] + errors[m]);
  s.max = errors.back();
  s.over35 = static_cast<std::size_t>(std::count_if(errors.begin(), errors.end(), [](double e) { return e > kNamedMechanismBound; }));
  return s;
}

// Hold-outs and references: every case the fit did not see, checks aside.
bool not_fitted(const ValidationCase& c) { return c.role == "holdout" || c.role == "reference"; }

std::string describe(const ErrorSummary& s) {
  return fmt::format("{} throughput/latency cases, median |error| {:.1f}%, max {:.1f}%, {} above 35%", s.n,
                     100.0 * s.median, 100.0 * s.max, s.over35);
}

// One line per value of `key` among the non-fitted cases.
void grouped(std::vector<std::string>& lines, const std::string& title, const std::vector<ValidationCase>& cases,
             const std::vector<ValidationOutcome>& outcomes,
             const std::function<std::string(const ValidationCase&)>& key, const std::set<std::string>& marked) {
  std::set<std::string> values;
  for (const auto& c : cases)
    if (not_fitted(c) && c.per_token_figure()) values.insert(key(c));
  std::vector<std::string> parts;
  for (const auto& v : values) {
    const ErrorSummary s =
        summarize(cases, outcomes, [&](const ValidationCase& c) { return not_fitted(c) && key(c) == v; });
    if (s.n == 0) continue;
    parts.push_back(fmt::format("{}{} {:.1f}% (n={})", v.empty() ? "unnamed" : v, marked.count(v) ? "*" : "",
                                100.0 * s.median, s.n));
  }
  lines.push_back(title + ": " + fmt::format("{}", fmt::join(parts, ", ")));
}

bool beyond_35(const ValidationCase& c, const ValidationOutcome& o) {
  return not_fitted(c) && c.per_token_figure() && o.simulated && std::abs(o.relative_error()) > kNamedMechanismBound;
}

// The non-fitted cases beyond the bound, how many name a missing mechanism,
// and the ids of those that do not, so that a new one is seen.
std::string beyond_35_line(const std::vector<ValidationCase>& cases, const std::vector<ValidationOutcome>& outcomes) {
  std::size_t n = 0, named = 0;
  std::vector<std::string> unnamed;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!beyond_35(cases[i], outcomes[i])) continue;
    ++n;
    if (cases[i].names_missing_mechanism())
      ++named;
    else
      unnamed.push_back(cases[i].id);
  }
  return fmt::format("not fitted, above 35%: {} cases, {} naming the mechanism the model lacks (a gap, or a reference "
                     "case's note); without one: {}",
                     n, named, unnamed.empty() ? std::string("none") : fmt::format("{}", fmt::join(unnamed, ", ")));
}

}  // namespace

std::vector<std::string> summary_lines(const std::vector<ValidationCase>& cases,
                                       const std::vector<ValidationOutcome>& outcomes) {
  std::vector<std::string> lines;
  for (const std::string role : {"fitted", "holdout", "reference"}) {
    const ErrorSummary s = summarize(cases, outcomes, [&](const ValidationCase& c) { return c.role == role; });
    lines.push_back(role + ": " + describe(s) +
                    (role == "holdout" ? fmt::format(", {} outside the role's tolerance", s.outside) : ""));
  }
  lines.push_back("not fitted (holdout + reference): " + describe(summarize(cases, outcomes, not_fitted)));
  lines.push_back(beyond_35_line(cases, outcomes));
  for (const std::string kind : {"throughput", "latency"})
    lines.push_back(fmt::format("not fitted, {}: {}", kind, describe(summarize(cases, outcomes, [&](const ValidationCase& c) {
                                  return not_fitted(c) && c.kind == kind;
                                }))));
  // The regime the project's question turns on (issue 10): CPUs serving
  // several sequences per iteration, apart from their one-sequence runs.
  for (const bool batched : {true, false})
    lines.push_back(fmt::format("not fitted, {}: {}", batched ? kCpuBatchedRegime : kCpuBatchOneRegime,
                                describe(summarize(cases, outcomes, [&](const ValidationCase& c) { return not_fitted(c); },
                                                   [&](const ValidationOutcome& o) {
                                                     return o.regime && o.regime->device == "cpu" &&
                                                            o.regime->batched() == batched;
                                                   }))));
  std::set<std::string> fitted_sources;
  for (const auto& c : cases)
    if (c.role == "fitted") fitted_sources.insert(c.source_id);
  grouped(lines, "not fitted, median |error| by class", cases, outcomes,
          [](const ValidationCase& c) { return c.hardware_class; }, {});
  grouped(lines, "not fitted, median |error| by stack", cases, outcomes,
          [](const ValidationCase& c) { return c.stack; }, {});
  grouped(lines, "not fitted, median |error| by source (* also holds fitted cases)", cases, outcomes,
          [](const ValidationCase& c) { return c.source_id; }, fitted_sources);
  return lines;
}

std::string status_word(const ValidationCase& c, const ValidationOutcome& o) {
  if (!o.simulated) return "ERROR";
  if (c.role == "reference") return "reference";
  if (!c.known_issue.empty()) return o.within ? "ok (known issue: remove?)" : "KNOWN ISSUE";
  if (o.within) return "ok";
  return c.gated() ? "DRIFT" : "outside";
}

void print_validation_table(std::ostream& out, const std::vector<ValidationCase>& cases,
                            const std::vector<ValidationOutcome>& outcomes) {
  std::size_t w_id = 4, w_hw = 8, w_metric = 6;
  for (const auto& c : cases) {
    w_id = std::max(w_id, c.id.size());
    w_hw = std::max(w_hw, c.hardware.size());
    w_metric = std::max(w_metric, c.metric.size());
  }
  out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}  {:>10}  {:>8}  {:>5}  {:<9}  {}\n", "case", w_id,
                     "hardware", w_hw, "metric", w_metric, "published", "simulated", "error", "tol", "role",
                     "status");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto& o = outcomes[i];
    out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}  {:>10}  {:>8}  {:>5}  {:<9}  {}\n", c.id, w_id,
                       c.hardware, w_hw, c.metric, w_metric, sig(c.published),
                       o.simulated ? sig(*o.simulated) : "-", o.simulated ? percent(o.relative_error()) : "-",
                       tolerance_text(c), c.role, status_word(c, o));
    if (!o.error.empty()) out << "    " << o.error << "\n";
    if (!c.known_issue.empty() && !o.within) out << "    known issue: " << c.known_issue << "\n";
  }
  for (const auto& line : summary_lines(cases, outcomes)) out << line << "\n";
}

std::string validation_markdown(const std::vector<ValidationCase>& cases,
                                const std::vector<ValidationOutcome>& outcomes) {
  std::string md;
  md += "| case | hardware | model | setup | metric | published | simulated | error | tolerance | role | status | "
        "served on |\n";
  md += "|---|---|---|---|---|---:|---:|---:|---:|---|---|---|\n";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto& o = outcomes[i];
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", c.id, c.hardware, c.model,
                      c.setup, c.metric, sig(c.published), o.simulated ? sig(*o.simulated) : "—",
                      o.simulated ? percent(o.relative_error()) : "—", tolerance_text(c), c.role, status_word(c, o),
                      o.regime ? o.regime->label() : "—");
  }
  md += "\n";
  for (const auto& line : summary_lines(cases, outcomes)) md += "- " + line + "\n";
  md += gaps_markdown(cases, outcomes);
  md += "\nSources, one per case:\n\n";
  for (const auto& c : cases)
    md += fmt::format("- `{}`: {}{}{}\n", c.id, c.source, c.date.empty() ? "" : " (" + c.date + ")",
                      c.known_issue.empty() ? "" : ". Known issue: " + c.known_issue);
  return md;
}

std::string gaps_markdown(const std::vector<ValidationCase>& cases, const std::vector<ValidationOutcome>& outcomes) {
  std::map<std::string, std::vector<std::size_t>> by_gap;  // sorted by id: the block does not move with case order
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (!cases[i].gap.empty()) by_gap[cases[i].gap].push_back(i);
  if (by_gap.empty()) return "";
  std::string md = "\nMechanisms the model lacks, named in the manifest's `gaps:` (its evidence there), and the cases "
                   "whose error they explain (bold: beyond 35%):\n\n";
  for (const auto& [gap, members] : by_gap) {
    std::vector<std::string> parts;
    for (const std::size_t i : members) {
      const auto& o = outcomes[i];
      const std::string error = o.simulated ? percent(o.relative_error()) : "—";
      parts.push_back(beyond_35(cases[i], o) ? fmt::format("**{} {}**", cases[i].id, error)
                                             : fmt::format("{} {}", cases[i].id, error));
    }
    md += fmt::format("- `{}`: {} Cases: {}.\n", gap, cases[members.front()].gap_mechanism,
                      fmt::join(parts, ", "));
  }
  return md;
}

std::map<std::string, double> recorded_figures(const std::string& markdown) {
  std::map<std::string, double> figures;
  std::istringstream in(markdown);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::size_t start = 1;
    for (std::size_t bar = line.find('|', start); bar != std::string::npos; bar = line.find('|', start)) {
      std::string cell = line.substr(start, bar - start);
      const auto b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
      start = bar + 1;
    }
    if (cells.size() < 7 || cells[0] == "case") continue;
    try {
      std::size_t used = 0;
      const double x = std::stod(cells[6], &used);
      if (used == cells[6].size()) figures[cells[0]] = x;
    } catch (const std::exception&) {
      // "—": the case did not run when the table was written
    }
  }
  return figures;
}

}  // namespace fleetsim
