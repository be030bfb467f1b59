#include "fleetsim/workflows/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/io/html_page.hpp"
#include "fleetsim/io/report_text.hpp"
#include "fleetsim/io/markup_escape.hpp"
#include "fleetsim/io/svg_chart.hpp"
#include "fleetsim/io/json_numbers.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;
using json_numbers::number_or_null;

struct Row {
  std::string figure;
  std::vector<std::optional<double>> values;  // by run
};

std::vector<Row> comparison_rows(const std::vector<ComparedRun>& runs) {
  std::vector<Row> rows;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const Figure& f : key_figures(runs[r].report)) {
      auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& row) { return row.figure == f.path; });
      if (it == rows.end()) {
        rows.push_back({f.path, std::vector<std::optional<double>>(runs.size())});
        it = rows.end() - 1;
      }
      it->values[r] = f.value;
    }
  }
  return rows;
}

std::optional<double> difference(const std::optional<double>& base, const std::optional<double>& x) {
  if (!base || !x) return std::nullopt;
  return *x - *base;
}

std::optional<double> relative(const std::optional<double>& base, const std::optional<double>& x) {
  if (!base || !x || *base == 0.0) return std::nullopt;
  return (*x - *base) / std::fabs(*base);
}

std::string signed_figure(const std::string& figure, const std::optional<double>& delta) {
  if (!delta) return "n/a";
  if (*delta == 0.0) return "0";
  const std::string text = format_figure(figure, *delta);
  return *delta > 0 ? "+" + text : text;
}

std::string signed_percent(const std::optional<double>& rel) {
  if (!rel) return "n/a";
  return fmt::format("{:+.1f}%", *rel * 100.0);
}

}  // namespace

std::string render_comparison_table(const std::vector<ComparedRun>& runs) {
  using report_text::TextTable;
  std::vector<TextTable::Column> columns = {{"figure", TextTable::Align::left}};
  for (std::size_t r = 0; r < runs.size(); ++r) {
    columns.push_back({runs[r].label});
    if (r > 0) {
      columns.push_back({"diff"});
      columns.push_back({"rel"});
    }
  }
  TextTable table(columns);
  for (const Row& row : comparison_rows(runs)) {
    std::vector<std::string> cells = {row.figure};
    for (std::size_t r = 0; r < runs.size(); ++r) {
      cells.push_back(format_figure(row.figure, row.values[r]));
      if (r > 0) {
        // A yes/no figure has no meaningful percentage; say whether it changed.
        const bool flag = row.figure.ends_with("slos_met");
        cells.push_back(flag ? (row.values[r] == row.values[0] ? "same" : "changed")
                             : signed_figure(row.figure, difference(row.values[0], row.values[r])));
        cells.push_back(flag ? "" : signed_percent(relative(row.values[0], row.values[r])));
      }
    }
    table.add_row(std::move(cells));
  }
  std::string out = "fleetsim compare: differences are against " + runs.front().label + "\n";
  for (const ComparedRun& run : runs) out += fmt::format("  {:<12} {}\n", run.label, run.source);
  out += "\n";
  out += table.render("");
  return out;
}

std::string render_comparison_json(const std::vector<ComparedRun>& runs) {
  Json j = Json::object();
  j["schema"] = "fleetsim.comparison/1";
  Json list = Json::array();
  for (const ComparedRun& run : runs) {
    Json r = Json::object();
    r["label"] = run.label;
    r["source"] = run.source;
    r["scenario"] = run.report.contains("run") ? run.report["run"].value("scenario", "") : "";
    list.push_back(std::move(r));
  }
  j["runs"] = std::move(list);
  Json figures = Json::array();
  for (const Row& row : comparison_rows(runs)) {
    Json f = Json::object();
    f["figure"] = row.figure;
    Json values = Json::array(), diffs = Json::array(), rels = Json::array();
    for (std::size_t r = 0; r < runs.size(); ++r) {
      values.push_back(number_or_null(row.values[r]));
      diffs.push_back(r == 0 ? Json(nullptr) : number_or_null(difference(row.values[0], row.values[r])));
      rels.push_back(r == 0 ? Json(nullptr) : number_or_null(relative(row.values[0], row.values[r])));
    }
    f["values"] = std::move(values);
    f["difference"] = std::move(diffs);
    f["relative_difference"] = std::move(rels);
    figures.push_back(std::move(f));
  }
  j["figures"] = std::move(figures);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// The figures a planner compares first: charted, one bar per run.
bool charted(const std::string& figure) {
  for (const char* suffix : {"fleet.cost_per_session_usd", "fleet.mean_it_power_w", "fleet.energy_per_session_j",
                             "fleet.sessions_per_s", ".cost_per_session_usd", ".ttft_s.p95", ".tpot_s.p95",
                             ".session_latency_s.p95", ".slos_met"})
    if (figure.ends_with(suffix)) return true;
  return false;
}

constexpr const char* kComparisonStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; } th, td { border-bottom: 1px solid #e4e4e4; padding: 0.2em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f5f5f5; }
figure.chart { display: inline-block; margin: 0.4em 1em 0.4em 0; vertical-align: top; }
figcaption { font-weight: 600; font-size: 0.9em; } svg text { font-size: 11px; fill: #333; }
)";

}  // namespace

std::string render_comparison_html(const std::vector<ComparedRun>& runs) {
  std::string out = html_page_start("fleetsim compare", kComparisonStyle);
  out += "<h1>fleetsim compare</h1>\n<table>\n<tr><th>run</th><th>what ran</th></tr>\n";
  for (const ComparedRun& run : runs)
    out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", markup_escape(run.label), markup_escape(run.source));
  out += "</table>\n<h2 id=\"charts\">Side by side</h2>\n";
  const std::vector<Row> rows = comparison_rows(runs);
  for (const Row& row : rows) {
    if (!charted(row.figure)) continue;
    svg::BarChart chart{row.figure, {}};
    for (std::size_t r = 0; r < runs.size(); ++r)
      chart.bars.push_back({runs[r].label, row.values[r].value_or(0.0), format_figure(row.figure, row.values[r])});
    out += svg::bar_chart(chart);
  }
  out += fmt::format("<h2 id=\"figures\">Every figure (differences against {})</h2>\n<table>\n<tr><th>figure</th>",
                     markup_escape(runs.front().label));
  for (std::size_t r = 0; r < runs.size(); ++r)
    out += fmt::format("<th>{}</th>{}", markup_escape(runs[r].label), r > 0 ? "<th>rel</th>" : "");
  out += "</tr>\n";
  for (const Row& row : rows) {
    out += "<tr><td>" + markup_escape(row.figure) + "</td>";
    for (std::size_t r = 0; r < runs.size(); ++r) {
      out += "<td>" + markup_escape(format_figure(row.figure, row.values[r])) + "</td>";
      if (r > 0)
        out += "<td>" + markup_escape(row.figure.ends_with("slos_met") ? "" : signed_percent(relative(row.values[0], row.values[r]))) +
               "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n<p>Figures are defined in docs/report-format.md; <code>--format json</code> has them at full "
         "precision.</p>\n";
  out += kHtmlPageEnd;
  return out;
}

}  // namespace fleetsim
