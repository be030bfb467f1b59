#include "fleetsim/workflows/report_diff.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/io/report_text.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

std::vector<Figure> compared_figures(const Json& report, bool key_only) {
  std::vector<Figure> figures = key_only ? key_figures(report) : report_figures(report);
  figures.erase(std::remove_if(figures.begin(), figures.end(), [](const Figure& f) { return f.path.rfind("run.", 0) == 0; }),
                figures.end());
  return figures;
}

Json optional_number(const std::optional<double>& x) { return x ? Json(*x) : Json(nullptr); }

const char* kind_name(FigureChange::Kind k) {
  switch (k) {
    case FigureChange::Kind::removed: return "removed";
    case FigureChange::Kind::added: return "added";
    case FigureChange::Kind::changed: break;
  }
  return "changed";
}

}  // namespace

ReportDiff diff_reports(const nlohmann::ordered_json& before, const nlohmann::ordered_json& after, double tolerance,
                        bool key_figures_only) {
  ReportDiff diff;
  const std::vector<Figure> old_figures = compared_figures(before, key_figures_only);
  const std::vector<Figure> new_figures = compared_figures(after, key_figures_only);
  for (const Figure& old : old_figures) {
    const Figure* now = find_figure(new_figures, old.path);
    FigureChange c;
    c.path = old.path;
    c.before = old.value;
    if (!now) {
      c.kind = FigureChange::Kind::removed;
      c.beyond_tolerance = true;
    } else {
      ++diff.compared;
      c.after = now->value;
      if (c.before == c.after) continue;
      if (c.before && c.after && *c.before != 0.0) c.relative = std::fabs(*c.after - *c.before) / std::fabs(*c.before);
      // Slack of a hair so that "exactly 2%" passes a 2% tolerance despite rounding.
      c.beyond_tolerance = !c.relative || *c.relative > tolerance * (1 + 1e-9) + 1e-12;
    }
    diff.changes.push_back(std::move(c));
  }
  for (const Figure& now : new_figures)
    if (!find_figure(old_figures, now.path)) {
      FigureChange c;
      c.kind = FigureChange::Kind::added;
      c.path = now.path;
      c.after = now.value;
      diff.changes.push_back(std::move(c));
    }
  for (const auto& c : diff.changes) diff.beyond_tolerance += c.beyond_tolerance ? 1 : 0;
  return diff;
}

std::string render_diff_table(const ReportDiff& diff, double tolerance, bool all_changes) {
  using report_text::TextTable;
  TextTable table({{"figure", TextTable::Align::left}, {"old"}, {"new"}, {"change"}, {"", TextTable::Align::left}});
  std::size_t shown = 0;
  for (const FigureChange& c : diff.changes) {
    if (!all_changes && !c.beyond_tolerance) continue;
    ++shown;
    std::string change = "n/a";
    if (c.relative) change = fmt::format("{}{:.2f}%", *c.after >= *c.before ? "+" : "-", *c.relative * 100.0);
    else if (c.before && c.after) change = "from 0";
    const char* note = c.kind == FigureChange::Kind::removed ? "missing from NEW"
                       : c.kind == FigureChange::Kind::added ? "only in NEW"
                       : c.beyond_tolerance                  ? "BEYOND TOLERANCE"
                                                             : "";
    table.add_row({c.path, format_figure(c.path, c.before), format_figure(c.path, c.after), change, note});
  }
  std::string out = fmt::format("fleetsim diff: {} figures compared, {} changed, {} beyond the {:g}% tolerance\n",
                                diff.compared, diff.changes.size(), diff.beyond_tolerance, tolerance * 100.0);
  if (shown > 0) out += "\n" + table.render("");
  return out;
}

std::string render_diff_json(const ReportDiff& diff, double tolerance) {
  Json j = Json::object();
  j["schema"] = "fleetsim.diff/1";
  j["tolerance"] = tolerance;
  j["compared"] = diff.compared;
  j["beyond_tolerance"] = diff.beyond_tolerance;
  Json changes = Json::array();
  for (const FigureChange& c : diff.changes) {
    Json e = Json::object();
    e["figure"] = c.path;
    e["kind"] = kind_name(c.kind);
    e["old"] = optional_number(c.before);
    e["new"] = optional_number(c.after);
    // Signed, as the table prints it: (new - old) / |old|.
    std::optional<double> signed_change = c.relative;
    if (c.relative && c.before && c.after && *c.after < *c.before) signed_change = -*c.relative;
    e["relative_change"] = optional_number(signed_change);
    e["beyond_tolerance"] = c.beyond_tolerance;
    changes.push_back(std::move(e));
  }
  j["changes"] = std::move(changes);
  return j.dump(2) + "\n";
}

}  // namespace fleetsim
